//! C ABI of retention policies.
//!
//! Owns: `chatvault_retention_policy` (Arc, loaded and immutable),
//! `chatvault_retention_record` (Box, the metadata of one conversation),
//! `chatvault_retention_decision` (a plain struct the caller allocates),
//! the dimension, clock, action, end and tie-break numbers, and the
//! conversion of a decision from C back to a [`Decision`].
//!
//! Invariant: a decision read back from C (`chatvault_retention_explain`) is
//! checked field by field against the policy before any of it is used: it
//! comes from caller memory and may have been forged, corrupted or made by
//! another policy, and the explanation indexes the policy's rules with it.

use std::ffi::c_char;
use std::ptr::addr_of;
use std::sync::Arc;

use crate::retention::{
    Action, Decision, Dimension, EndAction, LegalHold, Policy, Record, RuleId, RuleSet, TieBreak,
    Timestamp, MAX_TIME, MIN_TIME,
};
use crate::Error;

use super::error::{chatvault_result, FfiError};
use super::handle::{
    arc_into_ptr, box_into_ptr, check_text_output, free_arc, free_box, input_str, out_ptr,
    output_buffer, text_into, try_mut, try_ref, Castable, OwnershipArc, OwnershipBox,
};

/// Bytes of a policy hash (SHA-256 of the policy file).
pub const CHATVAULT_RETENTION_HASH_LEN: usize = 32;

/// The `rule`, `ceiling_rule` and `floor_rule` of a
/// `chatvault_retention_decision` when there is no such rule (`UINT32_MAX`).
pub const CHATVAULT_RETENTION_NO_RULE: u32 = u32::MAX;

/// A single-valued attribute of a conversation that rules select on
/// (`chatvault_retention_record_set_attribute`); functions take it as a
/// `uint32_t`.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_retention_dimension {
    /// The conversation's category (complaint, transaction, ...), declared
    /// in the policy's vocabulary.
    Category = 0,
    /// The customer's region (`CN`, `EU`, ...).
    Region = 1,
    /// The channel (web, app, wechat, phone, ...).
    Channel = 2,
    /// The department that served the conversation.
    Department = 3,
}

/// A time of a conversation other than its creation
/// (`chatvault_retention_record_set_time`, `_clear_time`); functions take
/// it as a `uint32_t`.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_retention_clock {
    /// The last message (when not set, the creation time counts).
    LastActivity = 1,
    /// When the conversation was closed (rules counting from `closed` wait
    /// until it is set).
    Closed = 2,
    /// When the customer asked for erasure.
    ErasureRequested = 3,
    /// When the customer withdrew consent.
    ConsentWithdrawn = 4,
    /// When it was moved to cold storage (archive ceilings are then done).
    Archived = 5,
    /// When a person last reviewed it (a review ceiling reached at or
    /// before this is done).
    Reviewed = 6,
}

/// What to do with a conversation now (`action` of a
/// `chatvault_retention_decision`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_retention_action {
    /// Nothing is due: keep it, in use.
    Keep = 0,
    /// Stop every use but storage (an erasure request or withdrawn consent
    /// waits for a floor or a hold); the end action follows later.
    Restrict = 1,
    /// Send it to a person to decide.
    Review = 2,
    /// Move it to cold storage.
    Archive = 3,
    /// Delete it.
    Delete = 4,
    /// Crypto-shred it.
    Shred = 5,
}

/// The end action due now or scheduled next (`end` of a
/// `chatvault_retention_decision`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_retention_end {
    /// Nothing is scheduled.
    None = 0,
    /// Send to a person to decide.
    Review = 1,
    /// Move to cold storage.
    Archive = 2,
    /// Delete the sealed bytes.
    Delete = 3,
    /// Crypto-shred: destroy the keys, then the bytes.
    Shred = 4,
}

/// What decided the timing of a decision (`tie_break` of a
/// `chatvault_retention_decision`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_retention_tie_break {
    /// No rule applies: kept until a rule or a request says otherwise.
    NoRule = 0,
    /// Rules apply but none sets a ceiling, and nothing was requested.
    NoCeiling = 1,
    /// One ceiling applies.
    OnlyCeiling = 2,
    /// Several ceilings apply; the shortest wins.
    ShortestCeiling = 3,
    /// A catch-all ceiling was shorter, but an explicit rule's ceiling
    /// governs this conversation.
    ExplicitOverImplicit = 4,
    /// The end action was due earlier but waits for the longest floor.
    RetentionOverDeletion = 5,
    /// An erasure request or withdrawn consent, earlier than any ceiling.
    Erasure = 6,
    /// An erasure request or withdrawn consent waits for the longest floor.
    ErasureAfterFloor = 7,
    /// A legal hold is active.
    LegalHold = 8,
    /// The clock of the deciding ceiling or floor has not started (the
    /// conversation is open, or the event has not happened).
    AwaitingClock = 9,
}

// ------------------------------------------------------------------- policy

/// A loaded and checked retention policy. Created by
/// `chatvault_retention_policy_load`; freed with
/// `chatvault_retention_policy_free`.
///
/// Thread safety: immutable; evaluate, plan and explain from any number of
/// threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_retention_policy {
    _private: [u8; 0],
}

impl Castable for chatvault_retention_policy {
    type Ownership = OwnershipArc;
    type RustType = Policy;
}

/// Load and check a retention policy file (JSON, UTF-8; docs/FORMAT.md
/// section 12).
///
/// A refused policy gives CHATVAULT_RESULT_POLICY, and the last error
/// message lists every problem found (syntax errors with line and column,
/// unknown or missing fields, unknown categories or events, absurd periods,
/// a ceiling that can end before a floor, unreachable rules), each naming
/// its rule and field. Bytes that are not UTF-8 give CHATVAULT_RESULT_UTF8,
/// as for every string of the API. `(NULL, 0)` is the empty file (refused).
///
/// On success `*out` receives a policy the caller owns and must free with
/// `chatvault_retention_policy_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_load(
    json: *const u8,
    json_len: usize,
    out: *mut *const chatvault_retention_policy,
) -> chatvault_result {
    ffi_panic_boundary! {
        let text = input_str(json, json_len, "json")?;
        let out = out_ptr(out, "out")?;
        let policy = Policy::from_json(text).map_err(Error::from)?;
        out.write(arc_into_ptr(policy));
        Ok(())
    }
}

/// Release the caller's reference to a policy. Calling with NULL is fine;
/// must not be called twice.
///
/// Thread safety: may be called from any thread once no call on this handle
/// is running.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_free(policy: *const chatvault_retention_policy) {
    ffi_panic_boundary_void! {
        free_arc(policy);
    }
}

/// Number of rules of the policy (0 for NULL). Rules are numbered from 0 in
/// file order; decisions name them by these numbers.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_rule_count(
    policy: *const chatvault_retention_policy,
) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(policy, "policy").map_or(0, |p| p.rules().len())
    }
}

/// Write the name of rule `index` (UTF-8, NUL-terminated) into `buf`.
/// `*written` receives the size including the NUL; a short buffer gives
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
/// `(buf = NULL, buf_len = 0)` asks for the size. An index at or past
/// `chatvault_retention_policy_rule_count`:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_rule_name(
    policy: *const chatvault_retention_policy,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        check_text_output(buf, buf_len, written)?;
        let rule = p.rules().get(index).ok_or_else(|| {
            FfiError::invalid(format!("index {index} past the {} rules", p.rules().len()))
        })?;
        text_into(&rule.name, buf, buf_len, written, "rule name")
    }
}

/// The policy's hash, SHA-256 of the exact bytes it was loaded from (every
/// decision carries it): CHATVAULT_RETENTION_HASH_LEN bytes into `out`
/// (`out_len` at least that, else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_hash(
    policy: *const chatvault_retention_policy,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        output_buffer(out, out_len, CHATVAULT_RETENTION_HASH_LEN, "out")?.copy_from_slice(p.hash());
        Ok(())
    }
}

/// The policy's version number (at least 1), into `*out`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_version(
    policy: *const chatvault_retention_policy,
    out: *mut u64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        out_ptr(out, "out")?.write(p.version());
        Ok(())
    }
}

/// Whether `new_policy` may replace `old_policy`: CHATVAULT_RESULT_OK, or
/// CHATVAULT_RESULT_POLICY with every problem in the last error message.
/// Any policy requires the same name and a higher version; a locked policy
/// (preservation lock) only accepts a successor that keeps every
/// conversation at least as long (no shorter floor, no removed rule, no new
/// ceiling, the lock kept).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_policy_check_update(
    old_policy: *const chatvault_retention_policy,
    new_policy: *const chatvault_retention_policy,
) -> chatvault_result {
    ffi_panic_boundary! {
        let old = try_ref(old_policy, "old_policy")?;
        let new = try_ref(new_policy, "new_policy")?;
        old.check_update(new).map_err(Error::from)?;
        Ok(())
    }
}

// ------------------------------------------------------------------- record

/// The metadata of one conversation that evaluation reads (no content):
/// category, region, channel, department, tags, clocks, events, legal
/// holds, erasure and consent requests. Created by
/// `chatvault_retention_record_new`; freed with
/// `chatvault_retention_record_free`.
///
/// Thread safety: mutable; one thread at a time. Evaluation only reads it:
/// several threads may evaluate one record at once while none changes it.
#[allow(non_camel_case_types)]
pub struct chatvault_retention_record {
    _private: [u8; 0],
}

impl Castable for chatvault_retention_record {
    type Ownership = OwnershipBox;
    type RustType = Record;
}

/// A conversation of `category` (UTF-8) created at `created` (seconds since
/// 1970, UTC), with no other attribute, tag, time, event or hold. Times
/// are checked when it is evaluated.
///
/// On success `*out` receives a record the caller owns and must free with
/// `chatvault_retention_record_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_new(
    category: *const u8,
    category_len: usize,
    created: i64,
    out: *mut *mut chatvault_retention_record,
) -> chatvault_result {
    ffi_panic_boundary! {
        let category = input_str(category, category_len, "category")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(Record::new(category, created)));
        Ok(())
    }
}

/// Set attribute `dimension` (a `chatvault_retention_dimension`) to `value`
/// (UTF-8; the category may be changed this way too). An unknown dimension:
/// CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged.
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_set_attribute(
    record: *mut chatvault_retention_record,
    dimension: u32,
    value: *const u8,
    value_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let dim = dimension_from(dimension)?;
        let value = input_str(value, value_len, "value")?;
        let r = try_mut(record, "record")?;
        let slot = match dim {
            Dimension::Category => &mut r.category,
            Dimension::Region => &mut r.region,
            Dimension::Channel => &mut r.channel,
            Dimension::Department => &mut r.department,
        };
        value.clone_into(slot);
        Ok(())
    }
}

/// Add the tag `tag` (UTF-8).
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_add_tag(
    record: *mut chatvault_retention_record,
    tag: *const u8,
    tag_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let tag = input_str(tag, tag_len, "tag")?;
        try_mut(record, "record")?.tags.push(tag.to_owned());
        Ok(())
    }
}

/// Set the time `clock` (a `chatvault_retention_clock`) to `t` (seconds
/// since 1970, UTC), replacing any earlier value. An unknown clock:
/// CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged.
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_set_time(
    record: *mut chatvault_retention_record,
    clock: u32,
    t: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let clock = clock_from(clock)?;
        *clock_slot(try_mut(record, "record")?, clock) = Some(t);
        Ok(())
    }
}

/// Unset the time `clock` (a `chatvault_retention_clock`). An unknown
/// clock: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_clear_time(
    record: *mut chatvault_retention_record,
    clock: u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let clock = clock_from(clock)?;
        *clock_slot(try_mut(record, "record")?, clock) = None;
        Ok(())
    }
}

/// Record that the named event (UTF-8, as in the policy's
/// `vocabulary.events`) happened at `t`. Rules counting from an event use
/// its latest occurrence.
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_add_event(
    record: *mut chatvault_retention_record,
    name: *const u8,
    name_len: usize,
    t: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let name = input_str(name, name_len, "name")?;
        try_mut(record, "record")?.events.push((name.to_owned(), t));
        Ok(())
    }
}

/// Add a legal hold set at `set_at` by `by` (UTF-8) for `reason` (UTF-8).
/// While a hold is active nothing is deleted, shredded, archived or sent to
/// review. Holds are numbered from 0 in the order they were added (for
/// `chatvault_retention_record_release_hold`).
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_add_hold(
    record: *mut chatvault_retention_record,
    set_at: i64,
    by: *const u8,
    by_len: usize,
    reason: *const u8,
    reason_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let by = input_str(by, by_len, "by")?;
        let reason = input_str(reason, reason_len, "reason")?;
        try_mut(record, "record")?.holds.push(LegalHold::new(set_at, by, reason));
        Ok(())
    }
}

/// Release hold `hold_index` at `released_at`, by `by` (UTF-8). An index
/// past the holds added, or a hold already released:
/// CHATVAULT_RESULT_INVALID_ARGUMENT, and the record is unchanged. A
/// release before the hold was set is refused when the record is evaluated.
///
/// Thread safety: not concurrently on one record.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_release_hold(
    record: *mut chatvault_retention_record,
    hold_index: usize,
    released_at: i64,
    by: *const u8,
    by_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let by = input_str(by, by_len, "by")?;
        let r = try_mut(record, "record")?;
        let n = r.holds.len();
        let hold = r
            .holds
            .get_mut(hold_index)
            .ok_or_else(|| FfiError::invalid(format!("hold {hold_index} past the {n} holds")))?;
        if let Some(t) = hold.released_at {
            return Err(FfiError::invalid(format!(
                "hold {hold_index} was already released at {t}"
            )));
        }
        hold.released_at = Some(released_at);
        hold.released_by = Some(by.to_owned());
        Ok(())
    }
}

/// Free a record. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_retention_record_free(record: *mut chatvault_retention_record) {
    ffi_panic_boundary_void! {
        free_box(record);
    }
}

fn dimension_from(n: u32) -> Result<Dimension, FfiError> {
    use chatvault_retention_dimension as D;
    let c = match n {
        0 => D::Category,
        1 => D::Region,
        2 => D::Channel,
        3 => D::Department,
        _ => {
            return Err(FfiError::invalid(format!(
                "unknown retention dimension {n}"
            )))
        }
    };
    Ok(match c {
        D::Category => Dimension::Category,
        D::Region => Dimension::Region,
        D::Channel => Dimension::Channel,
        D::Department => Dimension::Department,
    })
}

fn clock_from(n: u32) -> Result<chatvault_retention_clock, FfiError> {
    use chatvault_retention_clock as C;
    Ok(match n {
        1 => C::LastActivity,
        2 => C::Closed,
        3 => C::ErasureRequested,
        4 => C::ConsentWithdrawn,
        5 => C::Archived,
        6 => C::Reviewed,
        _ => return Err(FfiError::invalid(format!("unknown retention clock {n}"))),
    })
}

fn clock_slot(r: &mut Record, clock: chatvault_retention_clock) -> &mut Option<Timestamp> {
    use chatvault_retention_clock as C;
    match clock {
        C::LastActivity => &mut r.last_activity,
        C::Closed => &mut r.closed,
        C::ErasureRequested => &mut r.erasure_requested,
        C::ConsentWithdrawn => &mut r.consent_withdrawn,
        C::Archived => &mut r.archived,
        C::Reviewed => &mut r.reviewed,
    }
}

// ----------------------------------------------------------------- decision

/// A retention decision for one conversation at one instant, written by
/// `chatvault_retention_evaluate` into a struct the caller allocates.
/// Explain it with `chatvault_retention_explain` and the same policy.
///
/// A time is meaningful only when its `has_` flag is set (it is 0
/// otherwise); a rule is a number below
/// `chatvault_retention_policy_rule_count`, or CHATVAULT_RETENTION_NO_RULE.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct chatvault_retention_decision {
    /// What to do now (a `chatvault_retention_action`).
    pub action: u32,
    /// The end action due now or scheduled next (a
    /// `chatvault_retention_end`; NONE if nothing is scheduled).
    pub end: u32,
    /// Whether `not_before` is known.
    pub has_not_before: bool,
    /// When `end` is (or became) due. Unknown when a hold without release
    /// or a clock not started is in the way, or nothing is scheduled.
    pub not_before: i64,
    /// Whether `deadline` is known.
    pub has_deadline: bool,
    /// The latest time `end` must be carried out: `not_before` plus the
    /// policy's grace (or its erasure time limit for an erasure).
    pub deadline: i64,
    /// The rule that decided: the ceiling's, or the floor's when a floor
    /// delayed the end; NO_RULE for no rule, an erasure with no floor in
    /// the way, or a hold.
    pub rule: u32,
    /// The ceiling rule whose end action is scheduled, or NO_RULE.
    pub ceiling_rule: u32,
    /// The longest applicable floor's rule, or NO_RULE.
    pub floor_rule: u32,
    /// Whether `floor_end` is known.
    pub has_floor_end: bool,
    /// When the longest floor ends (unknown: no floor, or its clock has not
    /// started; see `floor_rule`).
    pub floor_end: i64,
    /// What decided the timing (a `chatvault_retention_tie_break`).
    pub tie_break: u32,
    /// Whether use must stop (erasure requested or consent withdrawn).
    pub restricted: bool,
    /// Whether a legal hold is active.
    pub held: bool,
    /// Every rule that applies to the conversation: rule `i` is bit
    /// `i % 64` of `applied[i / 64]`.
    pub applied: [u64; 4],
    /// The instant evaluated (seconds since 1970, UTC).
    pub now: i64,
    /// The hash of the policy that made the decision
    /// (`chatvault_retention_policy_hash`).
    pub policy_hash: [u8; CHATVAULT_RETENTION_HASH_LEN],
}

fn rule_to_c(id: Option<RuleId>) -> u32 {
    id.and_then(|id| u32::try_from(id).ok())
        .unwrap_or(CHATVAULT_RETENTION_NO_RULE)
}

fn decision_to_c(d: &Decision) -> chatvault_retention_decision {
    chatvault_retention_decision {
        action: d.action as u32,
        end: d
            .end
            .map_or(chatvault_retention_end::None as u32, |e| e as u32),
        has_not_before: d.not_before.is_some(),
        not_before: d.not_before.unwrap_or(0),
        has_deadline: d.deadline.is_some(),
        deadline: d.deadline.unwrap_or(0),
        rule: rule_to_c(d.rule),
        ceiling_rule: rule_to_c(d.ceiling_rule),
        floor_rule: rule_to_c(d.floor_rule),
        has_floor_end: d.floor_end.is_some(),
        floor_end: d.floor_end.unwrap_or(0),
        tie_break: d.tie_break as u32,
        restricted: d.restricted,
        held: d.held,
        applied: d.applied.words(),
        now: d.now,
        policy_hash: d.policy_hash,
    }
}

/// A `chatvault_retention_decision` as read from caller memory: its `bool`
/// fields as bytes, since C may hold any value there and a Rust `bool`
/// other than 0 or 1 is undefined behaviour.
#[derive(Debug, Clone, Copy)]
struct RawDecision {
    action: u32,
    end: u32,
    has_not_before: u8,
    not_before: i64,
    has_deadline: u8,
    deadline: i64,
    rule: u32,
    ceiling_rule: u32,
    floor_rule: u32,
    has_floor_end: u8,
    floor_end: i64,
    tie_break: u32,
    restricted: u8,
    held: u8,
    applied: [u64; 4],
    now: i64,
    policy_hash: [u8; CHATVAULT_RETENTION_HASH_LEN],
}

fn read_decision(d: *const chatvault_retention_decision) -> Result<RawDecision, FfiError> {
    if d.is_null() {
        return Err(FfiError::null("decision"));
    }
    let byte = |p: *const bool| p.cast::<u8>();
    // SAFETY: `d` is non-NULL and, per the contract of the functions taking
    // a decision, points to a readable, aligned and initialized
    // chatvault_retention_decision that does not change during the call.
    // Each field is read on its own through a raw pointer (no reference to
    // the struct is made, and padding is never read); the bool fields are
    // read as bytes, which is valid for any value C stored there.
    Ok(unsafe {
        RawDecision {
            action: addr_of!((*d).action).read(),
            end: addr_of!((*d).end).read(),
            has_not_before: byte(addr_of!((*d).has_not_before)).read(),
            not_before: addr_of!((*d).not_before).read(),
            has_deadline: byte(addr_of!((*d).has_deadline)).read(),
            deadline: addr_of!((*d).deadline).read(),
            rule: addr_of!((*d).rule).read(),
            ceiling_rule: addr_of!((*d).ceiling_rule).read(),
            floor_rule: addr_of!((*d).floor_rule).read(),
            has_floor_end: byte(addr_of!((*d).has_floor_end)).read(),
            floor_end: addr_of!((*d).floor_end).read(),
            tie_break: addr_of!((*d).tie_break).read(),
            restricted: byte(addr_of!((*d).restricted)).read(),
            held: byte(addr_of!((*d).held)).read(),
            applied: addr_of!((*d).applied).read(),
            now: addr_of!((*d).now).read(),
            policy_hash: addr_of!((*d).policy_hash).read(),
        }
    })
}

fn bad_decision(detail: String) -> FfiError {
    FfiError::invalid(format!("decision: {detail}"))
}

fn flag_from(b: u8, what: &str) -> Result<bool, FfiError> {
    match b {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(bad_decision(format!("{what} is {b}, not a bool"))),
    }
}

fn time_from(has: u8, t: i64, what: &str) -> Result<Option<Timestamp>, FfiError> {
    Ok(flag_from(has, &format!("has_{what}"))?.then_some(t))
}

fn rule_from(n: u32, count: usize, what: &str) -> Result<Option<RuleId>, FfiError> {
    if n == CHATVAULT_RETENTION_NO_RULE {
        return Ok(None);
    }
    match usize::try_from(n) {
        Ok(id) if id < count => Ok(Some(id)),
        _ => Err(bad_decision(format!(
            "{what} {n} is not a rule of the policy, which has {count}"
        ))),
    }
}

fn action_from(n: u32) -> Result<Action, FfiError> {
    Ok(match n {
        0 => Action::Keep,
        1 => Action::Restrict,
        2 => Action::Review,
        3 => Action::Archive,
        4 => Action::Delete,
        5 => Action::Shred,
        _ => return Err(bad_decision(format!("unknown action {n}"))),
    })
}

fn end_from(n: u32) -> Result<Option<EndAction>, FfiError> {
    Ok(match n {
        0 => None,
        1 => Some(EndAction::Review),
        2 => Some(EndAction::Archive),
        3 => Some(EndAction::Delete),
        4 => Some(EndAction::Shred),
        _ => return Err(bad_decision(format!("unknown end action {n}"))),
    })
}

fn tie_break_from(n: u32) -> Result<TieBreak, FfiError> {
    Ok(match n {
        0 => TieBreak::NoRule,
        1 => TieBreak::NoCeiling,
        2 => TieBreak::OnlyCeiling,
        3 => TieBreak::ShortestCeiling,
        4 => TieBreak::ExplicitOverImplicit,
        5 => TieBreak::RetentionOverDeletion,
        6 => TieBreak::Erasure,
        7 => TieBreak::ErasureAfterFloor,
        8 => TieBreak::LegalHold,
        9 => TieBreak::AwaitingClock,
        _ => return Err(bad_decision(format!("unknown tie break {n}"))),
    })
}

/// The decision `raw` (from C) as made by `policy`, every field checked.
fn decision_from_c(policy: &Policy, raw: &RawDecision) -> Result<Decision, FfiError> {
    if raw.policy_hash != *policy.hash() {
        return Err(FfiError::invalid(
            "decision made by another policy (its policy_hash is not this policy's hash)",
        ));
    }
    let count = policy.rules().len();
    let mut applied = RuleSet::default();
    for (w, &word) in raw.applied.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let id = w * 64 + bits.trailing_zeros() as usize;
            if id >= count {
                return Err(bad_decision(format!(
                    "applied names rule {id}, but the policy has {count} rules"
                )));
            }
            applied.insert(id);
            bits &= bits - 1;
        }
    }
    if !(MIN_TIME..=MAX_TIME).contains(&raw.now) {
        return Err(bad_decision(format!(
            "now {} is outside {MIN_TIME}..={MAX_TIME}",
            raw.now
        )));
    }
    Ok(Decision {
        action: action_from(raw.action)?,
        end: end_from(raw.end)?,
        not_before: time_from(raw.has_not_before, raw.not_before, "not_before")?,
        deadline: time_from(raw.has_deadline, raw.deadline, "deadline")?,
        rule: rule_from(raw.rule, count, "rule")?,
        ceiling_rule: rule_from(raw.ceiling_rule, count, "ceiling_rule")?,
        floor_rule: rule_from(raw.floor_rule, count, "floor_rule")?,
        floor_end: time_from(raw.has_floor_end, raw.floor_end, "floor_end")?,
        tie_break: tie_break_from(raw.tie_break)?,
        restricted: flag_from(raw.restricted, "restricted")?,
        held: flag_from(raw.held, "held")?,
        applied,
        now: raw.now,
        policy_hash: raw.policy_hash,
    })
}

// --------------------------------------------------------------- evaluation

/// Decide what to do with `record` at `now` (seconds since 1970, UTC) under
/// `policy`: a pure function of the three (no clock is read), so "what is
/// due next month" is the same call with another `now`. A time of the
/// record or `now` outside 1970..9999, or a hold released before it was
/// set: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success the decision is written to `*out`, a struct the caller owns.
///
/// Thread safety: may be called concurrently on one policy, and on one
/// record while no thread changes it.
#[no_mangle]
pub extern "C" fn chatvault_retention_evaluate(
    policy: *const chatvault_retention_policy,
    record: *const chatvault_retention_record,
    now: i64,
    out: *mut chatvault_retention_decision,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        let r = try_ref(record, "record")?;
        let out = out_ptr(out, "out")?;
        out.write(decision_to_c(&p.evaluate(r, now)?));
        Ok(())
    }
}

/// Evaluate `n` records at `now`: `records` is an array of `n` record
/// pointers (none NULL), `out` an array of `n` decisions the caller owns;
/// decision `i` is that of record `i`, as `chatvault_retention_evaluate`
/// gives it. `(NULL, 0)` is an empty batch.
///
/// All or nothing: if a record cannot be evaluated, the call fails with
/// that record's code, the last error message names its index
/// (`records[i]: ...`), and nothing is written to `out`.
///
/// Thread safety: may be called concurrently on one policy, and on records
/// no thread changes meanwhile.
#[no_mangle]
pub extern "C" fn chatvault_retention_evaluate_batch(
    policy: *const chatvault_retention_policy,
    records: *const *const chatvault_retention_record,
    n: usize,
    now: i64,
    out: *mut chatvault_retention_decision,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        let recs = input_records(records, n)?;
        if out.is_null() && n > 0 {
            return Err(FfiError::null("out"));
        }
        check_now(now, "now")?;
        let decisions = recs
            .iter()
            .enumerate()
            .map(|(i, r)| p.evaluate(r, now).map_err(|e| at_record(i, &e)))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, d) in decisions.iter().enumerate() {
            out_ptr(out.wrapping_add(i), "out")?.write(decision_to_c(d));
        }
        Ok(())
    }
}

/// What becomes due in the window `[from, to)`: the indices (into
/// `records`, an array of `n` record pointers, none NULL) of the records
/// whose end action falls due in it, evaluated at `to`, soonest first (ties
/// in input order). Records already due before `from` are not listed.
///
/// `*count` receives the number of indices. If `indices_len` is smaller,
/// nothing is written to `indices`, `*count` is the number needed, and the
/// result is CHATVAULT_RESULT_BUFFER_TOO_SMALL, so `(indices = NULL,
/// indices_len = 0)` asks for the size. A record that cannot be evaluated
/// fails the call with its code and its index in the last error message;
/// `from` after `to`, or `to` outside 1970..9999:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently on one policy, and on records
/// no thread changes meanwhile.
#[no_mangle]
pub extern "C" fn chatvault_retention_plan(
    policy: *const chatvault_retention_policy,
    records: *const *const chatvault_retention_record,
    n: usize,
    from: i64,
    to: i64,
    indices: *mut usize,
    indices_len: usize,
    count: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        let recs = input_records(records, n)?;
        let count = out_ptr(count, "count")?;
        if indices.is_null() && indices_len > 0 {
            return Err(FfiError::null("indices"));
        }
        check_now(to, "to")?;
        // The library names the failing record (`records[i]: ...`).
        let planned = p.plan(recs.iter().copied(), from, to)?;
        let need = planned.len();
        if indices_len < need {
            count.write(need);
            return Err(FfiError {
                code: chatvault_result::BufferTooSmall,
                message: format!(
                    "output buffer too small: indices needs {need} entries, got {indices_len}"
                )
                .into(),
            });
        }
        for (k, planned) in planned.iter().enumerate() {
            out_ptr(indices.wrapping_add(k), "indices")?.write(planned.index);
        }
        count.write(need);
        Ok(())
    }
}

/// Write a one-paragraph explanation of `decision` (UTF-8, NUL-terminated)
/// into `buf`: what to do and when, which rule decided and why, the floor,
/// the rules applied, and the policy's name, version and hash.
///
/// The decision must have been made by this `policy`: it is checked field
/// by field (enum numbers, bools, rule numbers below the rule count,
/// `applied` naming only existing rules, `now` within 1970..9999) and a
/// decision failing a check, or made by another policy (a different
/// `policy_hash`), gives CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// `*written` receives the size including the NUL; a short buffer gives
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
/// `(buf = NULL, buf_len = 0)` asks for the size.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_retention_explain(
    policy: *const chatvault_retention_policy,
    decision: *const chatvault_retention_decision,
    buf: *mut c_char,
    buf_len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let p = try_ref(policy, "policy")?;
        let raw = read_decision(decision)?;
        check_text_output(buf, buf_len, written)?;
        let d = decision_from_c(p, &raw)?;
        text_into(&p.explain(&d)?, buf, buf_len, written, "explanation")
    }
}

// ------------------------------------------------------------------ helpers

/// The records of a `(records, n)` array: `(NULL, 0)` is empty, `(NULL,
/// n > 0)` and a NULL element are NULL_POINTER.
fn input_records<'a>(
    records: *const *const chatvault_retention_record,
    n: usize,
) -> Result<Vec<&'a Record>, FfiError> {
    if records.is_null() {
        return if n == 0 {
            Ok(Vec::new())
        } else {
            Err(FfiError::null("records"))
        };
    }
    if n > isize::MAX as usize / std::mem::size_of::<*const chatvault_retention_record>() {
        return Err(FfiError::invalid(format!("records: count {n} too large")));
    }
    // SAFETY: non-NULL, `n` elements fit in isize::MAX bytes (checked
    // above), and the caller promises `n` readable, aligned record pointers
    // that stay unchanged during the call. The slice does not outlive the
    // call.
    let ptrs = unsafe { std::slice::from_raw_parts(records, n) };
    ptrs.iter()
        .enumerate()
        .map(|(i, &r)| {
            if r.is_null() {
                Err(FfiError {
                    code: chatvault_result::NullPointer,
                    message: format!("null pointer: records[{i}] is NULL").into(),
                })
            } else {
                try_ref(r, "records")
            }
        })
        .collect()
}

/// Record `i`'s error, its index in front of the detail.
fn at_record(i: usize, e: &Error) -> FfiError {
    FfiError::from(Error::new(
        e.kind(),
        format!("records[{i}]: {}", e.detail()),
    ))
}

/// A batch's evaluation instant, checked once for all records so that an
/// out-of-range instant is not blamed on the first record.
fn check_now(t: i64, what: &str) -> Result<(), FfiError> {
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(FfiError::invalid(format!(
            "{what} {t} is outside {MIN_TIME}..={MAX_TIME} (seconds since 1970)"
        )))
    }
}

/// Keep the policy shareable behind `Arc` and records movable between
/// threads (checked at compile time).
#[allow(dead_code)]
fn assert_thread_safety() {
    fn shared<T: Send + Sync>() {}
    fn sent<T: Send>() {}
    shared::<Arc<Policy>>();
    sent::<Record>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::error::chatvault_last_error_message;

    const DAY: i64 = 86_400;
    /// 2026-01-01T00:00:00Z.
    const JAN1: i64 = 1_767_225_600;

    const POLICY: &str = r#"{
      "chatvault_retention": 1, "name": "acme", "version": 1,
      "vocabulary": {"categories": ["complaint", "general"], "regions": ["CN", "EU"]},
      "grace": "2w",
      "rules": [
        {"name": "logs", "template": "cn-csl-network-logs"},
        {"name": "complaints", "select": {"category": ["complaint"]},
         "floor": "1y", "ceiling": "3y", "from": "closed", "action": "shred"},
        {"name": "eu", "select": {"region": ["EU"]}, "ceiling": "2y",
         "from": "last_activity", "action": "delete"},
        {"name": "default", "ceiling": "2y", "from": "last_activity", "action": "delete"}
      ]}"#;

    fn last_error() -> String {
        let mut buf = [0u8; 512];
        let mut written = 0usize;
        assert_eq!(
            chatvault_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut written),
            chatvault_result::Ok
        );
        String::from_utf8(buf[..written - 1].to_vec()).unwrap()
    }

    fn policy() -> Policy {
        Policy::from_json(POLICY).unwrap()
    }

    /// Decisions of real evaluations, covering holds, erasure, floors,
    /// ceilings and an open conversation.
    fn real_decisions(p: &Policy) -> Vec<Decision> {
        let mut out = Vec::new();
        let mut r = Record::new("complaint", JAN1);
        r.region = "EU".into();
        for now in [JAN1, JAN1 + 400 * DAY, JAN1 + 2000 * DAY] {
            out.push(p.evaluate(&r, now).unwrap());
        }
        r.closed = Some(JAN1 + 10 * DAY);
        r.erasure_requested = Some(JAN1 + 20 * DAY);
        for now in [JAN1 + 30 * DAY, JAN1 + 400 * DAY] {
            out.push(p.evaluate(&r, now).unwrap());
        }
        r.holds
            .push(LegalHold::new(JAN1 + 25 * DAY, "legal", "case 42"));
        out.push(p.evaluate(&r, JAN1 + 400 * DAY).unwrap());
        r.holds[0].released_at = Some(JAN1 + 500 * DAY);
        out.push(p.evaluate(&r, JAN1 + 450 * DAY).unwrap());
        out.push(
            p.evaluate(&Record::new("general", JAN1), JAN1 + 800 * DAY)
                .unwrap(),
        );
        out
    }

    /// Every value of every enum and option, on a decision of `p`.
    fn synthetic_decisions(p: &Policy) -> Vec<Decision> {
        let base = p.evaluate(&Record::new("general", JAN1), JAN1).unwrap();
        let n = p.rules().len();
        let actions = [
            Action::Keep,
            Action::Restrict,
            Action::Review,
            Action::Archive,
            Action::Delete,
            Action::Shred,
        ];
        let ties = [
            TieBreak::NoRule,
            TieBreak::NoCeiling,
            TieBreak::OnlyCeiling,
            TieBreak::ShortestCeiling,
            TieBreak::ExplicitOverImplicit,
            TieBreak::RetentionOverDeletion,
            TieBreak::Erasure,
            TieBreak::ErasureAfterFloor,
            TieBreak::LegalHold,
            TieBreak::AwaitingClock,
        ];
        let ends = [None]
            .into_iter()
            .chain(EndAction::ALL.into_iter().map(Some));
        let mut out = Vec::new();
        for (i, action) in actions.into_iter().enumerate() {
            for (j, end) in ends.clone().enumerate() {
                let k = i * 5 + j;
                let some = |t: i64| (k % 2 == 0).then_some(t);
                let mut applied = RuleSet::default();
                for id in (0..n).filter(|id| (k >> id) & 1 == 1) {
                    applied.insert(id);
                }
                out.push(Decision {
                    action,
                    end,
                    not_before: some(JAN1 + k as i64),
                    deadline: (k % 3 == 0).then_some(MAX_TIME + k as i64),
                    rule: (k % 4 != 0).then_some(k % n),
                    ceiling_rule: (k % 5 != 0).then_some((k + 1) % n),
                    floor_rule: (k % 3 != 1).then_some(n - 1),
                    floor_end: (k % 2 == 1).then_some(k as i64),
                    tie_break: ties[k % ties.len()],
                    restricted: k % 2 == 0,
                    held: k % 3 == 0,
                    applied,
                    now: if k % 7 == 0 {
                        MAX_TIME
                    } else {
                        MIN_TIME + k as i64
                    },
                    policy_hash: base.policy_hash,
                });
            }
        }
        out
    }

    fn round_trip(p: &Policy, d: &Decision) -> Result<Decision, FfiError> {
        let c = decision_to_c(d);
        decision_from_c(p, &read_decision(&c)?)
    }

    #[test]
    fn decisions_round_trip_through_c_field_by_field() {
        let p = policy();
        let all: Vec<Decision> = real_decisions(&p)
            .into_iter()
            .chain(synthetic_decisions(&p))
            .collect();
        assert!(all.iter().any(|d| d.held) && all.iter().any(|d| d.restricted));
        for d in &all {
            let c = decision_to_c(d);
            assert_eq!(c.action, d.action as u32);
            assert_eq!(c.end, d.end.map_or(0, |e| e as u32));
            assert_eq!(c.has_not_before, d.not_before.is_some());
            assert_eq!(c.not_before, d.not_before.unwrap_or(0));
            assert_eq!(c.has_deadline, d.deadline.is_some());
            assert_eq!(c.deadline, d.deadline.unwrap_or(0));
            for (field, id) in [
                (c.rule, d.rule),
                (c.ceiling_rule, d.ceiling_rule),
                (c.floor_rule, d.floor_rule),
            ] {
                assert_eq!(field, id.map_or(CHATVAULT_RETENTION_NO_RULE, |i| i as u32));
            }
            assert_eq!(c.has_floor_end, d.floor_end.is_some());
            assert_eq!(c.floor_end, d.floor_end.unwrap_or(0));
            assert_eq!(c.tie_break, d.tie_break as u32);
            assert_eq!((c.restricted, c.held), (d.restricted, d.held));
            for id in 0..256 {
                assert_eq!(
                    c.applied[id / 64] >> (id % 64) & 1 == 1,
                    d.applied.contains(id)
                );
            }
            assert_eq!(c.now, d.now);
            assert_eq!(c.policy_hash, d.policy_hash);
            assert_eq!(round_trip(&p, d).unwrap(), *d);
        }
    }

    #[test]
    fn c_enums_match_the_rust_numbers() {
        use chatvault_retention_action as A;
        use chatvault_retention_end as E;
        use chatvault_retention_tie_break as T;
        let actions = [
            (A::Keep, Action::Keep),
            (A::Restrict, Action::Restrict),
            (A::Review, Action::Review),
            (A::Archive, Action::Archive),
            (A::Delete, Action::Delete),
            (A::Shred, Action::Shred),
        ];
        for (c, r) in actions {
            assert_eq!(c as u32, r as u32);
            assert_eq!(action_from(c as u32).unwrap(), r);
        }
        let ends = [
            (E::Review, EndAction::Review),
            (E::Archive, EndAction::Archive),
            (E::Delete, EndAction::Delete),
            (E::Shred, EndAction::Shred),
        ];
        for (c, r) in ends {
            assert_eq!(c as u32, r as u32);
            assert_eq!(end_from(c as u32).unwrap(), Some(r));
        }
        assert_eq!(end_from(E::None as u32).unwrap(), None);
        let ties = [
            (T::NoRule, TieBreak::NoRule),
            (T::NoCeiling, TieBreak::NoCeiling),
            (T::OnlyCeiling, TieBreak::OnlyCeiling),
            (T::ShortestCeiling, TieBreak::ShortestCeiling),
            (T::ExplicitOverImplicit, TieBreak::ExplicitOverImplicit),
            (T::RetentionOverDeletion, TieBreak::RetentionOverDeletion),
            (T::Erasure, TieBreak::Erasure),
            (T::ErasureAfterFloor, TieBreak::ErasureAfterFloor),
            (T::LegalHold, TieBreak::LegalHold),
            (T::AwaitingClock, TieBreak::AwaitingClock),
        ];
        for (c, r) in ties {
            assert_eq!(c as u32, r as u32);
            assert_eq!(tie_break_from(c as u32).unwrap(), r);
        }
        for d in Dimension::ALL {
            assert_eq!(dimension_from(d as u32).unwrap(), d);
        }
        assert!(action_from(6).is_err() && end_from(5).is_err() && tie_break_from(10).is_err());
        assert!(dimension_from(4).is_err() && clock_from(0).is_err() && clock_from(7).is_err());
    }

    #[test]
    fn every_clock_sets_its_own_field() {
        use chatvault_retention_clock as C;
        let clocks = [
            C::LastActivity,
            C::Closed,
            C::ErasureRequested,
            C::ConsentWithdrawn,
            C::Archived,
            C::Reviewed,
        ];
        let rec = box_into_ptr::<chatvault_retention_record>(Record::new("general", JAN1));
        for (i, c) in clocks.into_iter().enumerate() {
            assert_eq!(clock_from(c as u32).unwrap(), c);
            let t = JAN1 + i as i64 + 1;
            assert_eq!(
                chatvault_retention_record_set_time(rec, c as u32, t),
                chatvault_result::Ok
            );
        }
        let r = try_ref(rec, "record").unwrap();
        let got = [
            r.last_activity,
            r.closed,
            r.erasure_requested,
            r.consent_withdrawn,
            r.archived,
            r.reviewed,
        ];
        let want: Vec<_> = (1..=6).map(|i| Some(JAN1 + i)).collect();
        assert_eq!(got.to_vec(), want);
        for c in clocks {
            assert_eq!(
                chatvault_retention_record_clear_time(rec, c as u32),
                chatvault_result::Ok
            );
        }
        assert_eq!(
            *try_ref(rec, "record").unwrap(),
            Record::new("general", JAN1)
        );
        assert_eq!(
            chatvault_retention_record_set_time(rec, 0, JAN1),
            chatvault_result::InvalidArgument
        );
        chatvault_retention_record_free(rec);
        chatvault_retention_record_free(std::ptr::null_mut());
    }

    type Forge = Box<dyn Fn(&mut chatvault_retention_decision)>;

    #[test]
    fn forged_decisions_are_refused_with_the_field_named() {
        let p = policy();
        let d = real_decisions(&p)[1];
        let n = p.rules().len() as u32;
        let good = decision_to_c(&d);
        let forge = |f: &dyn Fn(&mut chatvault_retention_decision)| {
            let mut c = good;
            f(&mut c);
            decision_from_c(&p, &read_decision(&c).unwrap()).unwrap_err()
        };
        let cases: Vec<(Forge, &str)> = vec![
            (Box::new(|c| c.policy_hash[31] ^= 1), "another policy"),
            (Box::new(|c| c.action = 6), "action"),
            (Box::new(|c| c.end = 5), "end action"),
            (Box::new(|c| c.tie_break = 10), "tie break"),
            (Box::new(move |c| c.rule = n), "rule"),
            (Box::new(move |c| c.ceiling_rule = n + 7), "ceiling_rule"),
            (
                Box::new(|c| c.floor_rule = CHATVAULT_RETENTION_NO_RULE - 1),
                "floor_rule",
            ),
            (Box::new(move |c| c.applied[0] |= 1 << n), "applied"),
            (Box::new(|c| c.applied[3] = 1 << 63), "rule 255"),
            (Box::new(|c| c.now = -1), "now"),
            (Box::new(|c| c.now = MAX_TIME + 1), "now"),
        ];
        for (f, needle) in cases {
            let e = forge(&*f);
            assert_eq!(e.code, chatvault_result::InvalidArgument);
            assert!(e.message.contains(needle), "{needle}: {}", e.message);
        }
        // A bool byte other than 0 or 1, which only C can store: written
        // through a MaybeUninit, which may hold any bytes.
        let offsets = [
            (
                std::mem::offset_of!(chatvault_retention_decision, has_not_before),
                "has_not_before",
            ),
            (
                std::mem::offset_of!(chatvault_retention_decision, has_deadline),
                "has_deadline",
            ),
            (
                std::mem::offset_of!(chatvault_retention_decision, has_floor_end),
                "has_floor_end",
            ),
            (
                std::mem::offset_of!(chatvault_retention_decision, restricted),
                "restricted",
            ),
            (
                std::mem::offset_of!(chatvault_retention_decision, held),
                "held",
            ),
        ];
        for (off, name) in offsets {
            let mut m = std::mem::MaybeUninit::new(good);
            // SAFETY: `off` is the offset of a one-byte field inside the
            // struct `m` holds; a MaybeUninit may hold any byte there.
            unsafe { m.as_mut_ptr().cast::<u8>().add(off).write(2) };
            let e = decision_from_c(&p, &read_decision(m.as_ptr()).unwrap()).unwrap_err();
            assert!(
                e.message.contains(name) && e.message.contains("not a bool"),
                "{}",
                e.message
            );
        }
        assert!(round_trip(&p, &d).is_ok());
    }

    #[test]
    fn explain_through_the_abi_matches_the_library() {
        let p = policy();
        let d = real_decisions(&p)[4];
        let want = p.explain(&d).unwrap();
        let ptr = arc_into_ptr::<chatvault_retention_policy>(p);
        let c = decision_to_c(&d);
        let mut written = 0usize;
        assert_eq!(
            chatvault_retention_explain(ptr, &c, std::ptr::null_mut(), 0, &mut written),
            chatvault_result::BufferTooSmall
        );
        assert_eq!(written, want.len() + 1);
        assert!(last_error().contains(&format!("needs {written} bytes")));
        let mut buf = vec![0u8; written];
        assert_eq!(
            chatvault_retention_explain(ptr, &c, buf.as_mut_ptr().cast(), buf.len(), &mut written),
            chatvault_result::Ok
        );
        assert_eq!(&buf[..written - 1], want.as_bytes());
        assert_eq!(buf[written - 1], 0);
        chatvault_retention_policy_free(ptr);
    }

    #[test]
    fn batch_and_plan_name_the_failing_record() {
        let p = arc_into_ptr::<chatvault_retention_policy>(policy());
        let good = box_into_ptr::<chatvault_retention_record>(Record::new("general", JAN1));
        let bad = box_into_ptr::<chatvault_retention_record>(Record::new("general", -5));
        let recs = [good.cast_const(), good.cast_const(), bad.cast_const()];
        let mut out = [decision_to_c(&real_decisions(&policy())[0]); 3];
        let before = out;
        assert_eq!(
            chatvault_retention_evaluate_batch(p, recs.as_ptr(), 3, JAN1, out.as_mut_ptr()),
            chatvault_result::InvalidArgument
        );
        assert!(
            last_error().contains("records[2]: record created -5"),
            "{}",
            last_error()
        );
        assert_eq!(out, before);
        let mut count = 99usize;
        let mut idx = [0usize; 3];
        assert_eq!(
            chatvault_retention_plan(
                p,
                recs.as_ptr(),
                3,
                JAN1,
                JAN1 + 900 * DAY,
                idx.as_mut_ptr(),
                3,
                &mut count
            ),
            chatvault_result::InvalidArgument
        );
        assert!(last_error().contains("records[2]"), "{}", last_error());
        assert_eq!(count, 99);
        // A window that ends before it starts is not blamed on a record.
        assert_eq!(
            chatvault_retention_plan(
                p,
                recs.as_ptr(),
                3,
                JAN1 + DAY,
                JAN1,
                idx.as_mut_ptr(),
                3,
                &mut count
            ),
            chatvault_result::InvalidArgument
        );
        assert!(!last_error().contains("records["), "{}", last_error());
        let with_null = [good.cast_const(), std::ptr::null()];
        assert_eq!(
            chatvault_retention_evaluate_batch(p, with_null.as_ptr(), 2, JAN1, out.as_mut_ptr()),
            chatvault_result::NullPointer
        );
        assert!(last_error().contains("records[1] is NULL"));
        assert_eq!(
            chatvault_retention_evaluate_batch(p, recs.as_ptr(), 2, JAN1, out.as_mut_ptr()),
            chatvault_result::Ok
        );
        assert_eq!(out[0], out[1]);
        assert_eq!(out[2], before[2]);
        chatvault_retention_record_free(good);
        chatvault_retention_record_free(bad);
        chatvault_retention_policy_free(p);
    }
}
