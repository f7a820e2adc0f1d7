//! C ABI of the audit log.
//!
//! Owns: `chatvault_audit_event` (Box, an event being built),
//! `chatvault_audit_log` (Box, the single writer of a log directory) with
//! `chatvault_audit_commit_policy` and `chatvault_audit_open_report`,
//! `chatvault_audit_note_signer` and `chatvault_audit_note_verifier` (Box,
//! note keys), `chatvault_audit_checkpoint` (a plain struct the caller
//! allocates), the event kind, role and object kind numbers, and the
//! functions that need no log: commitments, leaf hashes, checkpoint opening
//! and cosigning, and the two proof verifiers; queries
//! (`chatvault_audit_query`, `chatvault_audit_entries` (Box) with
//! `chatvault_audit_entry`) and exports (`chatvault_audit_log_export`,
//! `chatvault_audit_export_verify`).
//!
//! Invariants: an event handle always holds an event the log accepts: every
//! setter checks the event with the library's own encoder (actor, lengths,
//! counts, customers only by commitment, total size) and leaves it
//! unchanged when the check fails, so a bad input is reported by the call
//! that made it, not by a later append. Proofs cross the ABI as the hashes
//! concatenated, CHATVAULT_AUDIT_HASH_LEN bytes each; a proof whose length
//! is not a multiple of that is refused before it is read as hashes.

use std::ffi::c_char;
use std::path::Path;
use std::ptr::addr_of;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::audit::merkle::{self, Hash};
use crate::audit::{
    parse_note, sign_note, verify_export, AuditLog, Checkpoint, CommitPolicy, Commitment, Entry,
    Event, EventKind, Id, NoteSigner, NoteVerifier, ObjectKind, Query, Role, Value,
};

use super::bytes::{chatvault_bytes, put_bytes, put_secret};
use super::error::{chatvault_result, FfiError};
use super::handle::{
    box_into_ptr, check_text_output, free_box, input_array, input_bytes, input_str, out_ptr,
    output_buffer, text_into, try_mut, try_ref, Castable, OwnershipBox,
};

/// Bytes of a Merkle tree hash: a leaf hash, a root, one hash of a proof.
pub const CHATVAULT_AUDIT_HASH_LEN: usize = 32;

/// Bytes of a commitment to personal data (`chatvault_audit_commitment`).
pub const CHATVAULT_AUDIT_COMMITMENT_LEN: usize = 32;

// -------------------------------------------------------------------- enums

/// What happened (the `kind` of `chatvault_audit_event_new`, which takes
/// it as a `uint32_t`). Numbers are those of the audit event encoding and
/// are only ever appended.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_audit_event_kind {
    /// A supervisor or auditor opened archived conversations.
    ArchiveViewed = 1,
    /// A masked field was revealed with a restore key.
    FieldRevealed = 2,
    /// A grant was issued.
    GrantIssued = 3,
    /// A grant was revoked.
    GrantRevoked = 4,
    /// A grant expired.
    GrantExpired = 5,
    /// Records were exported.
    Exported = 6,
    /// A retention decision was applied.
    RetentionApplied = 7,
    /// Records were deleted.
    Deleted = 8,
    /// Keys were crypto-shredded.
    Shredded = 9,
    /// A legal hold was set.
    LegalHoldSet = 10,
    /// A legal hold was released.
    LegalHoldReleased = 11,
    /// A customer asked for erasure.
    ErasureRequested = 12,
    /// An erasure was completed.
    ErasureCompleted = 13,
    /// Consent was recorded.
    ConsentRecorded = 14,
    /// Consent was withdrawn.
    ConsentWithdrawn = 15,
    /// A message was blocked by the sensitive-word scanner.
    MessageBlocked = 16,
    /// A message was reported to a supervisor.
    MessageReported = 17,
    /// An agent deleted a message.
    MessageDeletedByAgent = 18,
    /// An agent edited a message.
    MessageEditedByAgent = 19,
    /// Someone logged in from a device not seen before.
    NewDeviceLogin = 20,
    /// The retention or scanning policy changed.
    PolicyChanged = 21,
    /// A key domain was rotated.
    KeyRotated = 22,
    /// The log repaired a torn last record on opening (the log appends
    /// these itself).
    LogRepaired = 23,
    /// A message was archived (details: the SHA-256 of its stored record).
    MessageArchived = 24,
    /// The archive was searched by an identifier's blind index.
    ArchiveSearched = 25,
    /// An approval of a dangerous operation (two-person control), or a
    /// refusal for want of approvals.
    ApprovalRecorded = 26,
}

/// Who acted (the `role` of `chatvault_audit_event_new`, which takes it as
/// a `uint32_t`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_audit_role {
    /// The tenant's owner.
    Owner = 1,
    /// A supervisor.
    Supervisor = 2,
    /// A customer-service agent.
    Agent = 3,
    /// A customer.
    Customer = 4,
    /// The helpdesk system itself (sweeps, expiries).
    System = 5,
    /// An auditor.
    Auditor = 6,
}

/// What an event refers to (the `object_kind` of
/// `chatvault_audit_event_add_object` and `_add_committed_object`, which
/// take it as a `uint32_t`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_audit_object_kind {
    /// A conversation.
    Conversation = 1,
    /// A message.
    Message = 2,
    /// A customer: only by commitment
    /// (`chatvault_audit_event_add_committed_object`).
    Customer = 3,
    /// A grant.
    Grant = 4,
    /// A policy (its hash).
    Policy = 5,
    /// A key (its id).
    Key = 6,
    /// An export.
    Export = 7,
    /// A device.
    Device = 8,
    /// A department.
    Department = 9,
    /// A field of a message.
    Field = 10,
}

pub(crate) fn kind_from(n: u32) -> Result<EventKind, FfiError> {
    u16::try_from(n)
        .ok()
        .and_then(EventKind::from_number)
        .ok_or_else(|| FfiError::invalid(format!("unknown audit event kind {n}")))
}

pub(crate) fn role_from(n: u32) -> Result<Role, FfiError> {
    u8::try_from(n)
        .ok()
        .and_then(Role::from_number)
        .ok_or_else(|| FfiError::invalid(format!("unknown audit role {n}")))
}

fn object_kind_from(n: u32) -> Result<ObjectKind, FfiError> {
    u8::try_from(n)
        .ok()
        .and_then(ObjectKind::from_number)
        .ok_or_else(|| FfiError::invalid(format!("unknown audit object kind {n}")))
}

// -------------------------------------------------------------------- event

/// One audit event being built: time, kind, actor, role, department, then
/// objects and details added one by one. Created by
/// `chatvault_audit_event_new`; freed with `chatvault_audit_event_free`.
/// Appending it (`chatvault_audit_log_append`) copies it, so one event may
/// be appended several times or changed and appended again.
///
/// Personal data never goes in the clear: a customer is named only by a
/// commitment (`chatvault_audit_commitment`), and text details must not
/// hold personal data either (commit it with `_set_committed`).
///
/// Thread safety: mutable; one thread at a time. Appending only reads it:
/// several threads may append one event at once while none changes it.
#[allow(non_camel_case_types)]
pub struct chatvault_audit_event {
    _private: [u8; 0],
}

impl Castable for chatvault_audit_event {
    type Ownership = OwnershipBox;
    type RustType = Event;
}

/// The event as the log would encode it, checked by the library's own
/// encoder (so the C ABI has no second copy of the rules).
fn check_event(e: &Event) -> Result<(), FfiError> {
    e.encode(0).map(drop).map_err(FfiError::from)
}

/// An event at `time_ms` (milliseconds since 1970, UTC) of `kind` (a
/// `chatvault_audit_event_kind`), by `actor` (UTF-8, an account id, not a
/// person's name; 1 to 256 bytes) acting as `role` (a
/// `chatvault_audit_role`) in `department` (UTF-8, at most 256 bytes;
/// `(NULL, 0)` for none), with no objects or details.
///
/// An unknown kind or role, an empty or too long actor or department:
/// CHATVAULT_RESULT_INVALID_ARGUMENT; invalid UTF-8:
/// CHATVAULT_RESULT_UTF8.
///
/// On success `*out` receives an event the caller owns and must free with
/// `chatvault_audit_event_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_new(
    time_ms: i64,
    kind: u32,
    actor: *const u8,
    actor_len: usize,
    role: u32,
    department: *const u8,
    department_len: usize,
    out: *mut *mut chatvault_audit_event,
) -> chatvault_result {
    ffi_panic_boundary! {
        let kind = kind_from(kind)?;
        let role = role_from(role)?;
        let actor = input_str(actor, actor_len, "actor")?;
        let department = input_str(department, department_len, "department")?;
        let out = out_ptr(out, "out")?;
        let e = Event::new(time_ms, kind, actor, role, department);
        check_event(&e)?;
        out.write(box_into_ptr(e));
        Ok(())
    }
}

/// Append an object the event refers to, named by a plain id (UTF-8, at
/// most 256 bytes: a conversation id, a grant id, a policy hash in hex;
/// never personal data). Objects keep the order they were added in; an
/// event has at most 64.
///
/// A customer (CHATVAULT_AUDIT_OBJECT_KIND_CUSTOMER) cannot be named by a
/// plain id: CHATVAULT_RESULT_INVALID_ARGUMENT (use
/// `chatvault_audit_event_add_committed_object`). An unknown object kind,
/// a too long id, a 65th object, or an event that would encode to more
/// than 65,536 bytes (CHATVAULT_RESULT_TOO_LARGE) also fail; on any
/// failure the event is unchanged.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_add_object(
    event: *mut chatvault_audit_event,
    object_kind: u32,
    id: *const u8,
    id_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let kind = object_kind_from(object_kind)?;
        let id = input_str(id, id_len, "id")?;
        let e = try_mut(event, "event")?;
        push_object(e, kind, Id::Plain(id.to_owned()))
    }
}

/// Append an object the event refers to, named by a commitment
/// (CHATVAULT_AUDIT_COMMITMENT_LEN bytes from `chatvault_audit_commitment`;
/// `commitment_len` must be exactly that, else
/// CHATVAULT_RESULT_INVALID_ARGUMENT). Any object kind may be committed; a
/// customer must be. Failures are as for
/// `chatvault_audit_event_add_object`, and leave the event unchanged.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_add_committed_object(
    event: *mut chatvault_audit_event,
    object_kind: u32,
    commitment: *const u8,
    commitment_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let kind = object_kind_from(object_kind)?;
        let c = commitment_from(commitment, commitment_len)?;
        let e = try_mut(event, "event")?;
        push_object(e, kind, Id::Committed(c))
    }
}

fn push_object(e: &mut Event, kind: ObjectKind, id: Id) -> Result<(), FfiError> {
    e.objects.push((kind, id));
    if let Err(err) = check_event(e) {
        e.objects.pop();
        return Err(err);
    }
    Ok(())
}

fn commitment_from(ptr: *const u8, len: usize) -> Result<Commitment, FfiError> {
    Ok(Commitment(input_array::<CHATVAULT_AUDIT_COMMITMENT_LEN>(
        ptr,
        len,
        "commitment",
    )?))
}

/// Set detail `key` to `value`, replacing any earlier value of that key;
/// undone if the event no longer encodes.
fn set_detail(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    value: Value,
) -> Result<(), FfiError> {
    let key = input_str(key, key_len, "key")?;
    let e = try_mut(event, "event")?;
    let old = e.details.insert(key.to_owned(), value);
    if let Err(err) = check_event(e) {
        match old {
            Some(v) => e.details.insert(key.to_owned(), v),
            None => e.details.remove(key),
        };
        return Err(err);
    }
    Ok(())
}

/// Set the detail `key` (UTF-8, 1 to 64 bytes) to the text `value`
/// (UTF-8; never personal data: commit it with
/// `chatvault_audit_event_set_committed` instead), replacing any earlier
/// value of that key. Details are encoded in key order; an event has at
/// most 64.
///
/// An empty or too long key, a 65th detail:
/// CHATVAULT_RESULT_INVALID_ARGUMENT; an event that would encode to more
/// than 65,536 bytes: CHATVAULT_RESULT_TOO_LARGE. On any failure the event
/// is unchanged.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_set_text(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let value = input_str(value, value_len, "value")?;
        set_detail(event, key, key_len, Value::Text(value.to_owned()))
    }
}

/// Set the detail `key` to the integer `value`. Keys and failures as for
/// `chatvault_audit_event_set_text`.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_set_int(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    value: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        set_detail(event, key, key_len, Value::Int(value))
    }
}

/// Set the detail `key` to the flag `value`. Keys and failures as for
/// `chatvault_audit_event_set_text`.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_set_bool(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    value: bool,
) -> chatvault_result {
    ffi_panic_boundary! {
        set_detail(event, key, key_len, Value::Bool(value))
    }
}

/// Set the detail `key` to the bytes `(value, value_len)` (a hash, an id;
/// `(NULL, 0)` is empty). Keys and failures as for
/// `chatvault_audit_event_set_text`.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_set_bytes(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let value = input_bytes(value, value_len, "value")?;
        set_detail(event, key, key_len, Value::Bytes(value.to_vec()))
    }
}

/// Set the detail `key` to a commitment to personal data
/// (CHATVAULT_AUDIT_COMMITMENT_LEN bytes from `chatvault_audit_commitment`;
/// another length: CHATVAULT_RESULT_INVALID_ARGUMENT). Keys and failures
/// as for `chatvault_audit_event_set_text`.
///
/// Thread safety: not concurrently on one event.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_set_committed(
    event: *mut chatvault_audit_event,
    key: *const u8,
    key_len: usize,
    commitment: *const u8,
    commitment_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let c = commitment_from(commitment, commitment_len)?;
        set_detail(event, key, key_len, Value::Committed(c))
    }
}

/// Free an event. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_audit_event_free(event: *mut chatvault_audit_event) {
    ffi_panic_boundary_void! {
        free_box(event);
    }
}

/// A keyed commitment to a personal value, CHATVAULT_AUDIT_COMMITMENT_LEN
/// bytes into `out` (`out_len` at least that, else
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL): HMAC-SHA256 under `key` (the data
/// subject's key, at least 16 bytes, e.g. from
/// `chatvault_keyring_customer_key`) of `what` (UTF-8, the kind of value:
/// `"customer"`, `"phone"`) and `value`. The log can then name the customer
/// without holding the identifier, and once that key is shredded nobody
/// can link the entry to the customer.
///
/// A key shorter than 16 bytes: CHATVAULT_RESULT_INVALID_ARGUMENT. The
/// library keeps no copy of the key or the value.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_commitment(
    key: *const u8,
    key_len: usize,
    what: *const u8,
    what_len: usize,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = input_bytes(key, key_len, "key")?;
        let what = input_str(what, what_len, "what")?;
        let value = input_bytes(value, value_len, "value")?;
        let dst = output_buffer(out, out_len, CHATVAULT_AUDIT_COMMITMENT_LEN, "out")?;
        dst.copy_from_slice(&Commitment::new(key, what, value)?.0);
        Ok(())
    }
}

// ---------------------------------------------------------------------- log

/// When an audit log writes and syncs buffered records (group commit):
/// once `max_batch` records are buffered, or when an append finds the
/// oldest buffered record older than `max_delay_us` microseconds (an idle
/// log is synced only by `chatvault_audit_log_flush`). `{1, 0}` syncs
/// every record; a NULL policy means the default, 256 records or 10 ms. A
/// `max_batch` of 0 behaves as 1.
///
/// Thread safety: a plain value, read during the call that takes it.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct chatvault_audit_commit_policy {
    /// Sync once this many records are buffered.
    pub max_batch: usize,
    /// Sync on an append when the oldest buffered record has waited this
    /// long, in microseconds.
    pub max_delay_us: u64,
}

fn read_policy(p: *const chatvault_audit_commit_policy) -> CommitPolicy {
    if p.is_null() {
        return CommitPolicy::default();
    }
    // SAFETY: `p` is non-NULL and, per the contract of the functions taking
    // a policy, points to a readable, aligned and initialized
    // chatvault_audit_commit_policy that does not change during the call.
    // Each field is read on its own (padding is never read); any bit
    // pattern is a valid size_t or uint64_t.
    let (max_batch, max_delay_us) = unsafe {
        (
            addr_of!((*p).max_batch).read(),
            addr_of!((*p).max_delay_us).read(),
        )
    };
    CommitPolicy {
        max_batch,
        max_delay: Duration::from_micros(max_delay_us),
    }
}

/// What `chatvault_audit_log_open` found, written to a struct the caller
/// allocates.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct chatvault_audit_open_report {
    /// Records that verified (before any repair record was appended).
    pub records: u64,
    /// Whether a torn end was cut off: a last record torn by a crash
    /// mid-append, or a new segment file whose header was torn (then
    /// removed, with `repair_offset` 0). The repair is also appended to
    /// the log as a CHATVAULT_AUDIT_EVENT_KIND_LOG_REPAIRED event naming
    /// the segment file, so the log then holds `records + 1` records.
    pub repaired: bool,
    /// Where the segment file was cut, in bytes (0 when not repaired).
    pub repair_offset: u64,
    /// How many bytes were dropped (0 when not repaired).
    pub repair_dropped: u64,
}

/// The audit log of one directory of segment files, with its single
/// writer: records hash-chained and in a Merkle tree, each framed with its
/// length and CRC-32C, synced in groups. Created by
/// `chatvault_audit_log_create` or `chatvault_audit_log_open`; freed with
/// `chatvault_audit_log_free`. Open a directory with one handle at a time
/// (in any process).
///
/// A failed write or sync poisons the handle: every later call that
/// writes fails with CHATVAULT_RESULT_POISONED; free it and open the
/// directory again (which repairs a partial batch).
///
/// Thread safety: mutable; one thread at a time. Functions taking a
/// `const` log only read it and may run concurrently with each other, but
/// never with a function that changes it.
#[allow(non_camel_case_types)]
pub struct chatvault_audit_log {
    _private: [u8; 0],
}

impl Castable for chatvault_audit_log {
    type Ownership = OwnershipBox;
    type RustType = AuditLog;
}

pub(crate) fn dir_from<'a>(dir: *const u8, dir_len: usize) -> Result<&'a Path, FfiError> {
    let dir = input_str(dir, dir_len, "dir")?;
    if dir.is_empty() {
        return Err(FfiError::invalid("dir is empty"));
    }
    if dir.contains('\0') {
        return Err(FfiError::invalid("dir contains a NUL byte"));
    }
    Ok(Path::new(dir))
}

/// Create a new, empty log named `log_id` (UTF-8, 1 to 128 bytes, no
/// newline; the origin of its checkpoints) in the directory `dir` (UTF-8,
/// not NUL-terminated; created if missing), synced by `policy` (NULL for
/// the default).
///
/// A directory that already holds a log, or a bad log id:
/// CHATVAULT_RESULT_INVALID_ARGUMENT; file system errors:
/// CHATVAULT_RESULT_IO.
///
/// On success `*out` receives a log the caller owns and must free with
/// `chatvault_audit_log_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_create(
    dir: *const u8,
    dir_len: usize,
    log_id: *const u8,
    log_id_len: usize,
    policy: *const chatvault_audit_commit_policy,
    out: *mut *mut chatvault_audit_log,
) -> chatvault_result {
    ffi_panic_boundary! {
        let dir = dir_from(dir, dir_len)?;
        let log_id = input_str(log_id, log_id_len, "log_id")?;
        let policy = read_policy(policy);
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(AuditLog::create(dir, log_id, policy)?));
        Ok(())
    }
}

/// Open the log in the directory `dir` (UTF-8, not NUL-terminated), synced
/// by `policy` (NULL for the default): every record of every segment is
/// read and verified. A torn end (a crash mid-append) is cut off, and the
/// repair appended to the log and synced; any other damage (a bad frame
/// before the end, a broken chain, a missing or foreign segment, records
/// that do not extend the checkpoint the log last signed) refuses to open
/// with CHATVAULT_RESULT_MALFORMED, the last error naming the segment and
/// offset or the record. A directory with no log: CHATVAULT_RESULT_IO.
///
/// On success `*out` receives a log the caller owns and must free with
/// `chatvault_audit_log_free`, and, if `report` is not NULL, `*report`
/// says what opening found.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_open(
    dir: *const u8,
    dir_len: usize,
    policy: *const chatvault_audit_commit_policy,
    out: *mut *mut chatvault_audit_log,
    report: *mut chatvault_audit_open_report,
) -> chatvault_result {
    ffi_panic_boundary! {
        let dir = dir_from(dir, dir_len)?;
        let policy = read_policy(policy);
        let out = out_ptr(out, "out")?;
        let report = if report.is_null() {
            None
        } else {
            Some(out_ptr(report, "report")?)
        };
        let (log, found) = AuditLog::open(dir, policy)?;
        let (repair_offset, repair_dropped) =
            found.repaired.as_ref().map_or((0, 0), |(_, at, n)| (*at, *n));
        if let Some(report) = report {
            report.write(chatvault_audit_open_report {
                records: found.records,
                repaired: found.repaired.is_some(),
                repair_offset,
                repair_dropped,
            });
        }
        out.write(box_into_ptr(log));
        Ok(())
    }
}

/// Append a copy of `event` as the next record; its sequence number (its
/// leaf index) goes to `*seq` (may be NULL). The record is durable once
/// `chatvault_audit_log_durable_size` exceeds that number: at the latest
/// when the batch fills, when an append finds its deadline passed, or on
/// `chatvault_audit_log_flush`. A sync that happens here and fails gives
/// CHATVAULT_RESULT_IO and poisons the log.
///
/// Thread safety: not concurrently on one log; `event` only read.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_append(
    log: *mut chatvault_audit_log,
    event: *const chatvault_audit_event,
    seq: *mut u64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let e = try_ref(event, "event")?;
        let log = try_mut(log, "log")?;
        let n = log.append(e)?;
        if !seq.is_null() {
            out_ptr(seq, "seq")?.write(n);
        }
        Ok(())
    }
}

/// Write and sync every buffered record; the durable size (every record
/// appended so far) goes to `*durable` (may be NULL). A failed write or
/// sync gives CHATVAULT_RESULT_IO and poisons the log.
///
/// Thread safety: not concurrently on one log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_flush(
    log: *mut chatvault_audit_log,
    durable: *mut u64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let n = try_mut(log, "log")?.flush()?;
        if !durable.is_null() {
            out_ptr(durable, "durable")?.write(n);
        }
        Ok(())
    }
}

/// Number of records appended, durable or not (0 for NULL).
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_size(log: *const chatvault_audit_log) -> u64 {
    ffi_panic_boundary_or! { 0;
        try_ref(log, "log").map_or(0, AuditLog::size)
    }
}

/// Number of records known to be on stable storage (0 for NULL).
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_durable_size(log: *const chatvault_audit_log) -> u64 {
    ffi_panic_boundary_or! { 0;
        try_ref(log, "log").map_or(0, AuditLog::durable_size)
    }
}

/// The Merkle root of every appended record (durable or not),
/// CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that,
/// else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_root(
    log: *const chatvault_audit_log,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_ref(log, "log")?;
        output_buffer(out, out_len, CHATVAULT_AUDIT_HASH_LEN, "out")?.copy_from_slice(&log.root());
        Ok(())
    }
}

/// The leaf hash of record `index` (what an inclusion proof proves),
/// CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that, else
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL). An index at or past
/// `chatvault_audit_log_size`: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_leaf_hash(
    log: *const chatvault_audit_log,
    index: u64,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_ref(log, "log")?;
        let dst = output_buffer(out, out_len, CHATVAULT_AUDIT_HASH_LEN, "out")?;
        let leaf = log.ledger().tree().leaf(index).ok_or_else(|| {
            FfiError::invalid(format!("record {index} is past the {} records", log.size()))
        })?;
        dst.copy_from_slice(&leaf);
        Ok(())
    }
}

/// Sign a checkpoint of every record appended so far (they are synced
/// first) with `signer`: a C2SP signed note (UTF-8 text) with the log id as
/// origin, the durable size and its root. It is also kept in the log's
/// directory, and opening the log later refuses records that do not
/// extend it. The log never signs a tree smaller than one it signed
/// before (CHATVAULT_RESULT_INVALID_ARGUMENT).
///
/// On success `*note` receives the note, owned by the caller, freed with
/// `chatvault_bytes_free`. Open it with `chatvault_audit_checkpoint_open`.
///
/// Thread safety: not concurrently on one log; `signer` only read.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_checkpoint(
    log: *mut chatvault_audit_log,
    signer: *const chatvault_audit_note_signer,
    note: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let signer = try_ref(signer, "signer")?;
        let note = out_ptr(note, "note")?;
        let log = try_mut(log, "log")?;
        put_bytes(note, log.checkpoint(signer)?.into_bytes());
        Ok(())
    }
}

fn proof_into(out: super::handle::Out<'_, *mut chatvault_bytes>, proof: &[Hash]) {
    put_bytes(out, proof.concat());
}

/// The inclusion proof (RFC 9162 section 2.1.3.1) of record `index` in the
/// tree of the first `size` records: the hashes concatenated,
/// CHATVAULT_AUDIT_HASH_LEN bytes each (none when `size` is 1). Check it
/// with `chatvault_audit_verify_inclusion`. `index` at or past `size`, or
/// `size` past `chatvault_audit_log_size`:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives the proof, owned by the caller, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_inclusion_proof(
    log: *const chatvault_audit_log,
    index: u64,
    size: u64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_ref(log, "log")?;
        let out = out_ptr(out, "out")?;
        let proof = log.ledger().tree().inclusion_proof(index, size)?;
        proof_into(out, &proof);
        Ok(())
    }
}

/// The consistency proof (RFC 9162 section 2.1.4.1) that the tree of the
/// first `new_size` records extends that of the first `old_size`: the
/// hashes concatenated, CHATVAULT_AUDIT_HASH_LEN bytes each (none when the
/// sizes are equal). Check it with `chatvault_audit_verify_consistency`.
/// `old_size` 0 or above `new_size`, or `new_size` past
/// `chatvault_audit_log_size`: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives the proof, owned by the caller, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: only reads the log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_consistency_proof(
    log: *const chatvault_audit_log,
    old_size: u64,
    new_size: u64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_ref(log, "log")?;
        let out = out_ptr(out, "out")?;
        let proof = log.ledger().tree().consistency_proof(old_size, new_size)?;
        proof_into(out, &proof);
        Ok(())
    }
}

/// Start a new segment file once the current one reaches `bytes` (default
/// 64 MiB; 0 behaves as 1). Takes effect at the next sync.
///
/// Thread safety: not concurrently on one log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_set_segment_limit(
    log: *mut chatvault_audit_log,
    bytes: u64,
) -> chatvault_result {
    ffi_panic_boundary! {
        try_mut(log, "log")?.set_segment_limit(bytes);
        Ok(())
    }
}

/// Free a log, first writing and syncing what is buffered, best effort: a
/// failure there is not reported, so call `chatvault_audit_log_flush`
/// first to know that every record reached the disk. Calling with NULL is
/// fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_free(log: *mut chatvault_audit_log) {
    ffi_panic_boundary_void! {
        free_box(log);
    }
}

// -------------------------------------------------------------- note keys

/// A note signing key: a name and an Ed25519 private key, for signing
/// checkpoints (`chatvault_audit_log_checkpoint`) and cosigning them
/// (`chatvault_audit_checkpoint_cosign`). Created by
/// `chatvault_audit_note_signer_generate` or `_from_encoded`; freed with
/// `chatvault_audit_note_signer_free`.
///
/// Thread safety: immutable; may be used from several threads at once.
/// Free it once, when no thread uses it.
#[allow(non_camel_case_types)]
pub struct chatvault_audit_note_signer {
    _private: [u8; 0],
}

impl Castable for chatvault_audit_note_signer {
    type Ownership = OwnershipBox;
    type RustType = NoteSigner;
}

/// A signer named `name` (UTF-8, 1 to 256 bytes, no `+`, spaces or control
/// characters; conventionally the log id or a host name) with a new random
/// key from the operating system's CSPRNG. Keep it with
/// `chatvault_audit_note_signer_encoded`; publish
/// `chatvault_audit_note_signer_verifier_key`.
///
/// A bad name: CHATVAULT_RESULT_INVALID_ARGUMENT; a failing CSPRNG:
/// CHATVAULT_RESULT_RNG.
///
/// On success `*out` receives a signer the caller owns and must free with
/// `chatvault_audit_note_signer_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_signer_generate(
    name: *const u8,
    name_len: usize,
    out: *mut *mut chatvault_audit_note_signer,
) -> chatvault_result {
    ffi_panic_boundary! {
        let name = input_str(name, name_len, "name")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(NoteSigner::generate(name)?));
        Ok(())
    }
}

/// A signer from its C2SP signer key encoding
/// (`PRIVATE+KEY+name+hex8(id)+base64(0x01 || seed)`, as
/// `chatvault_audit_note_signer_encoded` gives it). Anything else:
/// CHATVAULT_RESULT_MALFORMED.
///
/// On success `*out` receives a signer the caller owns and must free with
/// `chatvault_audit_note_signer_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_signer_from_encoded(
    skey: *const u8,
    skey_len: usize,
    out: *mut *mut chatvault_audit_note_signer,
) -> chatvault_result {
    ffi_panic_boundary! {
        let skey = input_str(skey, skey_len, "skey")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(NoteSigner::from_encoded(skey)?));
        Ok(())
    }
}

/// The signer's C2SP signer key encoding (ASCII text). It is the private
/// key: store it like a password.
///
/// On success `*out` receives it, owned by the caller; free it with
/// `chatvault_bytes_free`, which wipes it.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_signer_encoded(
    signer: *const chatvault_audit_note_signer,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let signer = try_ref(signer, "signer")?;
        let out = out_ptr(out, "out")?;
        let encoded = signer.encoded();
        put_secret(out, Zeroizing::new(encoded.as_bytes().to_vec()));
        Ok(())
    }
}

/// The matching C2SP verifier key encoding
/// (`name+hex8(id)+base64(0x01 || public key)`, ASCII text): public, for
/// `chatvault_audit_note_verifier_from_encoded` wherever checkpoints are
/// checked.
///
/// On success `*out` receives it, owned by the caller, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_signer_verifier_key(
    signer: *const chatvault_audit_note_signer,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let signer = try_ref(signer, "signer")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, signer.verifier().encoded().into_bytes());
        Ok(())
    }
}

/// Free (and wipe) a signer. Calling with NULL is fine; must not be
/// called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_signer_free(signer: *mut chatvault_audit_note_signer) {
    ffi_panic_boundary_void! {
        free_box(signer);
    }
}

/// A note verifier key: a name and an Ed25519 public key, trusted to sign
/// checkpoints (a log's key, or a cosigner's). Created by
/// `chatvault_audit_note_verifier_from_encoded`; freed with
/// `chatvault_audit_note_verifier_free`.
///
/// Thread safety: immutable; may be used from several threads at once.
/// Free it once, when no thread uses it.
#[allow(non_camel_case_types)]
pub struct chatvault_audit_note_verifier {
    _private: [u8; 0],
}

impl Castable for chatvault_audit_note_verifier {
    type Ownership = OwnershipBox;
    type RustType = NoteVerifier;
}

/// A verifier from its C2SP verifier key encoding
/// (`name+hex8(id)+base64(0x01 || public key)`, as
/// `chatvault_audit_note_signer_verifier_key` gives it). Anything else,
/// or a key id that does not match the key: CHATVAULT_RESULT_MALFORMED.
///
/// On success `*out` receives a verifier the caller owns and must free
/// with `chatvault_audit_note_verifier_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_verifier_from_encoded(
    vkey: *const u8,
    vkey_len: usize,
    out: *mut *mut chatvault_audit_note_verifier,
) -> chatvault_result {
    ffi_panic_boundary! {
        let vkey = input_str(vkey, vkey_len, "vkey")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(NoteVerifier::from_encoded(vkey)?));
        Ok(())
    }
}

/// Free a verifier. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_audit_note_verifier_free(verifier: *mut chatvault_audit_note_verifier) {
    ffi_panic_boundary_void! {
        free_box(verifier);
    }
}

// -------------------------------------------------------------- checkpoints

/// What a signed checkpoint says, written by
/// `chatvault_audit_checkpoint_open` into a struct the caller allocates.
/// The origin (the log id) is not in it: read it with
/// `chatvault_audit_checkpoint_origin`; extension lines are not returned.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct chatvault_audit_checkpoint {
    /// The tree size: the number of records it covers.
    pub size: u64,
    /// The Merkle root of those records.
    pub root: [u8; CHATVAULT_AUDIT_HASH_LEN],
    /// How many of the given cosigners signed it (cosigners of one name
    /// counted once).
    pub cosigned: usize,
}

/// The verifiers of a `(cosigners, n)` array: `(NULL, 0)` is empty,
/// `(NULL, n > 0)` and a NULL element are NULL_POINTER.
fn input_verifiers<'a>(
    cosigners: *const *const chatvault_audit_note_verifier,
    n: usize,
) -> Result<Vec<&'a NoteVerifier>, FfiError> {
    if cosigners.is_null() {
        return if n == 0 {
            Ok(Vec::new())
        } else {
            Err(FfiError::null("cosigners"))
        };
    }
    if n > isize::MAX as usize / std::mem::size_of::<*const chatvault_audit_note_verifier>() {
        return Err(FfiError::invalid(format!("cosigners: count {n} too large")));
    }
    // SAFETY: non-NULL, `n` pointers fit in isize::MAX bytes (checked
    // above), and the caller promises `n` readable, aligned verifier
    // pointers that stay unchanged during the call. The slice does not
    // outlive the call.
    let ptrs = unsafe { std::slice::from_raw_parts(cosigners, n) };
    ptrs.iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_null() {
                Err(FfiError {
                    code: chatvault_result::NullPointer,
                    message: format!("null pointer: cosigners[{i}] is NULL").into(),
                })
            } else {
                try_ref(v, "cosigners")
            }
        })
        .collect()
}

/// Open a signed checkpoint (`note`, UTF-8 text as
/// `chatvault_audit_log_checkpoint` gives it): it must be signed by
/// `log_key`, the log's own key; signatures by the keys in `cosigners` (an
/// array of `n_cosigners` verifier pointers, none NULL; `(NULL, 0)` for
/// none) are checked too and counted, and signatures by any other key are
/// ignored.
///
/// A signature by a trusted key that does not verify, or no signature by
/// `log_key`: CHATVAULT_RESULT_BAD_SIGNATURE. A note or checkpoint that
/// does not parse: CHATVAULT_RESULT_MALFORMED. A cosigner whose key has
/// the log key's name: CHATVAULT_RESULT_INVALID_ARGUMENT (keys are told
/// apart by name and key id, but two keys of one name in one call are
/// refused to keep their roles unambiguous).
///
/// This does not check the origin: a checkpoint signed with the same key
/// for another log opens too. Compare `chatvault_audit_checkpoint_origin`
/// with the log id you expect.
///
/// On success the checkpoint is written to `*out`, a struct the caller
/// owns; nothing is allocated, so there is no `_free` to call for it.
///
/// Thread safety: may be called from any thread; the verifiers are only
/// read.
#[no_mangle]
pub extern "C" fn chatvault_audit_checkpoint_open(
    note: *const u8,
    note_len: usize,
    log_key: *const chatvault_audit_note_verifier,
    cosigners: *const *const chatvault_audit_note_verifier,
    n_cosigners: usize,
    out: *mut chatvault_audit_checkpoint,
) -> chatvault_result {
    ffi_panic_boundary! {
        let note = input_str(note, note_len, "note")?;
        let log_key = try_ref(log_key, "log_key")?;
        let cosigners = input_verifiers(cosigners, n_cosigners)?;
        let out = out_ptr(out, "out")?;
        // Two keys of one name in one call: refused, so that a report of
        // who signed is never ambiguous.
        if let Some(i) = cosigners.iter().position(|c| c.name() == log_key.name()) {
            return Err(FfiError::invalid(format!(
                "cosigners[{i}] has the log key's name {:?}",
                log_key.name()
            )));
        }
        let (cp, cosigned) = Checkpoint::open(note, log_key, &cosigners)?;
        out.write(chatvault_audit_checkpoint {
            size: cp.size,
            root: cp.root,
            cosigned: cosigned.len(),
        });
        Ok(())
    }
}

/// Write the origin (the log id) of the signed checkpoint `note` (UTF-8)
/// into `buf`, NUL-terminated. No signature is checked: use it to pick
/// which log's key to open the note with, and compare it with the log id
/// you expect once `chatvault_audit_checkpoint_open` has succeeded. A note
/// or checkpoint that does not parse: CHATVAULT_RESULT_MALFORMED.
///
/// `*written` receives the size including the NUL; a short buffer gives
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed, so
/// `(buf = NULL, buf_len = 0)` asks for the size.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_checkpoint_origin(
    note: *const u8,
    note_len: usize,
    buf: *mut c_char,
    buf_len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let note = input_str(note, note_len, "note")?;
        check_text_output(buf, buf_len, written)?;
        let (text, _) = parse_note(note)?;
        let cp = Checkpoint::parse(&text)?;
        text_into(&cp.origin, buf, buf_len, written, "origin")
    }
}

/// Cosign a signed checkpoint: check it as `chatvault_audit_checkpoint_open`
/// does with `log_key` and no cosigners (same failures), then append a
/// signature by `cosigner` (a supervisor, an auditor, a witness). The
/// caller vouches for what it cosigns: a witness should also check that
/// the checkpoint extends the last one it cosigned for this log
/// (`chatvault_audit_verify_consistency`). A note already signed by
/// `cosigner`'s key: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives the note with the added signature line,
/// owned by the caller, freed with `chatvault_bytes_free`.
///
/// Thread safety: may be called from any thread; the keys are only read.
#[no_mangle]
pub extern "C" fn chatvault_audit_checkpoint_cosign(
    note: *const u8,
    note_len: usize,
    log_key: *const chatvault_audit_note_verifier,
    cosigner: *const chatvault_audit_note_signer,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let note = input_str(note, note_len, "note")?;
        let log_key = try_ref(log_key, "log_key")?;
        let cosigner = try_ref(cosigner, "cosigner")?;
        let out = out_ptr(out, "out")?;
        Checkpoint::open(note, log_key, &[])?;
        let (text, sigs) = parse_note(note)?;
        let key = cosigner.verifier();
        if sigs
            .iter()
            .any(|s| s.name == key.name() && s.key_id == key.key_id())
        {
            return Err(FfiError::invalid(format!(
                "the note is already signed by {}",
                key.name()
            )));
        }
        // sign_note gives `text || "\n" || signature line`: keep the line.
        let signed = sign_note(&text, &[cosigner])?;
        let mut cosigned = note.to_owned();
        cosigned.push_str(&signed[text.len() + 1..]);
        // Refuse what could not be read back (too many signatures, too long).
        parse_note(&cosigned)?;
        put_bytes(out, cosigned.into_bytes());
        Ok(())
    }
}

// ------------------------------------------------------------------- proofs

fn hash_from(ptr: *const u8, len: usize, what: &'static str) -> Result<Hash, FfiError> {
    input_array::<CHATVAULT_AUDIT_HASH_LEN>(ptr, len, what)
}

/// A proof from C: hashes concatenated, CHATVAULT_AUDIT_HASH_LEN bytes each.
fn proof_from(proof: *const u8, proof_len: usize) -> Result<Vec<Hash>, FfiError> {
    let bytes = input_bytes(proof, proof_len, "proof")?;
    if bytes.len() % CHATVAULT_AUDIT_HASH_LEN != 0 {
        return Err(FfiError::invalid(format!(
            "proof: {proof_len} bytes is not a whole number of {CHATVAULT_AUDIT_HASH_LEN}-byte hashes"
        )));
    }
    Ok(bytes
        .chunks_exact(CHATVAULT_AUDIT_HASH_LEN)
        .map(|c| c.try_into().expect("chunks of the hash length"))
        .collect())
}

/// Check that `leaf` (a leaf hash, CHATVAULT_AUDIT_HASH_LEN bytes, from
/// `chatvault_audit_log_leaf_hash` or `chatvault_audit_leaf_hash`) is leaf
/// `index` of the tree of `size` leaves whose root is `root`
/// (CHATVAULT_AUDIT_HASH_LEN bytes, from a checkpoint), by RFC 9162
/// section 2.1.3.2. Needs nothing but its arguments: no log.
///
/// CHATVAULT_RESULT_OK if it verifies; a proof that does not:
/// CHATVAULT_RESULT_BAD_PROOF (the last error says how). A hash of another
/// length, or a `proof_len` that is not a multiple of
/// CHATVAULT_AUDIT_HASH_LEN: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_verify_inclusion(
    leaf: *const u8,
    leaf_len: usize,
    index: u64,
    size: u64,
    proof: *const u8,
    proof_len: usize,
    root: *const u8,
    root_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let leaf = hash_from(leaf, leaf_len, "leaf")?;
        let proof = proof_from(proof, proof_len)?;
        let root = hash_from(root, root_len, "root")?;
        merkle::verify_inclusion(&leaf, index, size, &proof, &root)?;
        Ok(())
    }
}

/// Check that the tree of `new_size` leaves with root `new_root` extends
/// the tree of `old_size` leaves with root `old_root` (roots
/// CHATVAULT_AUDIT_HASH_LEN bytes each, from two checkpoints), by RFC 9162
/// section 2.1.4.2. Every tree extends the empty tree (its proof is
/// empty). Needs nothing but its arguments: no log.
///
/// CHATVAULT_RESULT_OK if it verifies; a proof that does not:
/// CHATVAULT_RESULT_BAD_PROOF. A root of another length, or a `proof_len`
/// that is not a multiple of CHATVAULT_AUDIT_HASH_LEN:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: *const u8,
    proof_len: usize,
    old_root: *const u8,
    old_root_len: usize,
    new_root: *const u8,
    new_root_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let proof = proof_from(proof, proof_len)?;
        let old_root = hash_from(old_root, old_root_len, "old_root")?;
        let new_root = hash_from(new_root, new_root_len, "new_root")?;
        merkle::verify_consistency(old_size, new_size, &proof, &old_root, &new_root)?;
        Ok(())
    }
}

/// The RFC 6962 leaf hash of `(data, len)`, `SHA-256(0x00 || data)`:
/// CHATVAULT_AUDIT_HASH_LEN bytes into `out` (`out_len` at least that,
/// else CHATVAULT_RESULT_BUFFER_TOO_SMALL).
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_leaf_hash(
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let data = input_bytes(data, len, "data")?;
        output_buffer(out, out_len, CHATVAULT_AUDIT_HASH_LEN, "out")?
            .copy_from_slice(&merkle::leaf_hash(data));
        Ok(())
    }
}

// ------------------------------------------------------------------ helpers

// ------------------------------------------------------- queries, exports

/// Which events a query selects (every condition set must hold). A plain
/// struct the caller fills; pass NULL for "every event".
///
/// Thread safety: a plain value; the pointers it holds are only read during
/// the call it is passed to.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_audit_query {
    /// At or after this time (ms since 1970); INT64_MIN for no bound.
    pub from_ms: i64,
    /// Before this time; INT64_MAX for no bound.
    pub to_ms: i64,
    /// By this actor (UTF-8); NULL for any.
    pub actor: *const u8,
    /// Length of `actor`.
    pub actor_len: usize,
    /// In this department (UTF-8); NULL for any.
    pub department: *const u8,
    /// Length of `department`.
    pub department_len: usize,
    /// Of one of these `chatvault_audit_event_kind` numbers; NULL (with
    /// `n_kinds` 0) for any kind.
    pub kinds: *const u32,
    /// Number of `kinds`.
    pub n_kinds: usize,
    /// Referring to an object of this `chatvault_audit_object_kind`; 0 for
    /// no object condition.
    pub object_kind: u32,
    /// That object's plain id (UTF-8); NULL when it is named by commitment.
    pub object_id: *const u8,
    /// Length of `object_id`.
    pub object_id_len: usize,
    /// That object's commitment (CHATVAULT_AUDIT_COMMITMENT_LEN bytes);
    /// NULL when it is named by plain id.
    pub object_commitment: *const u8,
    /// Length of `object_commitment`.
    pub object_commitment_len: usize,
    /// At most this many events (the first ones); 0 for no limit.
    pub limit: usize,
}

fn opt_str<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() && len == 0 {
        Ok(None)
    } else {
        input_str(ptr, len, what).map(Some)
    }
}

/// The library query a C query describes (NULL: every event).
fn read_query(q: *const chatvault_audit_query) -> Result<Query, FfiError> {
    if q.is_null() {
        return Ok(Query::default());
    }
    // SAFETY: non-NULL and the caller promises a readable, aligned
    // `chatvault_audit_query`; every field is an integer or a pointer, for
    // which any bit pattern is a valid value, and it is copied out here.
    let raw = unsafe { std::ptr::read(q) };
    let kinds: Vec<EventKind> = if raw.kinds.is_null() {
        if raw.n_kinds != 0 {
            return Err(FfiError::null("query.kinds"));
        }
        Vec::new()
    } else {
        if raw.n_kinds > isize::MAX as usize / std::mem::size_of::<u32>() {
            return Err(FfiError::invalid("query.n_kinds too large"));
        }
        // SAFETY: non-NULL, the length fits in isize::MAX bytes (checked
        // above), and the caller promises `n_kinds` readable u32 values
        // that stay unchanged during the call; the slice does not outlive
        // it.
        let ks = unsafe { std::slice::from_raw_parts(raw.kinds, raw.n_kinds) };
        ks.iter().map(|&k| kind_from(k)).collect::<Result<_, _>>()?
    };
    let object = match raw.object_kind {
        0 => None,
        k => {
            let kind = object_kind_from(k)?;
            let id = match (raw.object_id.is_null(), raw.object_commitment.is_null()) {
                (false, true) => Id::Plain(
                    input_str(raw.object_id, raw.object_id_len, "query.object_id")?.to_owned(),
                ),
                (true, false) => Id::Committed(commitment_from(
                    raw.object_commitment,
                    raw.object_commitment_len,
                )?),
                _ => {
                    return Err(FfiError::invalid(
                        "query: give exactly one of object_id and object_commitment",
                    ))
                }
            };
            Some((kind, id))
        }
    };
    Ok(Query {
        from_ms: (raw.from_ms != i64::MIN).then_some(raw.from_ms),
        to_ms: (raw.to_ms != i64::MAX).then_some(raw.to_ms),
        actor: opt_str(raw.actor, raw.actor_len, "query.actor")?.map(str::to_owned),
        kinds,
        department: opt_str(raw.department, raw.department_len, "query.department")?
            .map(str::to_owned),
        object,
        limit: (raw.limit != 0).then_some(raw.limit),
    })
}

/// The events a query found. Created by `chatvault_audit_log_query`; freed
/// with `chatvault_audit_entries_free`.
///
/// Thread safety: immutable; may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_audit_entries {
    _private: [u8; 0],
}

impl Castable for chatvault_audit_entries {
    type Ownership = OwnershipBox;
    type RustType = Vec<Entry>;
}

/// One event of `chatvault_audit_entries`, without its texts (use
/// `chatvault_audit_entries_json` for actor, department, objects and
/// details).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct chatvault_audit_entry {
    /// Its position in the log.
    pub seq: u64,
    /// When (ms since 1970).
    pub time_ms: i64,
    /// A `chatvault_audit_event_kind`.
    pub kind: u32,
    /// A `chatvault_audit_role`.
    pub role: u32,
    /// Its record's Merkle leaf hash (for `chatvault_audit_verify_inclusion`).
    pub leaf: [u8; CHATVAULT_AUDIT_HASH_LEN],
}

/// The events of the log that `query` selects (NULL: all), in log order.
/// Buffered records are synced first; every record read is checked against
/// the log's tree, so a segment changed on disk since the log was opened is
/// CHATVAULT_RESULT_MALFORMED. Reads every segment: for reports.
///
/// On success `*out` receives entries the caller owns and must free with
/// `chatvault_audit_entries_free`.
///
/// Thread safety: one thread at a time per log.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_query(
    log: *mut chatvault_audit_log,
    query: *const chatvault_audit_query,
    out: *mut *mut chatvault_audit_entries,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_mut(log, "log")?;
        let q = read_query(query)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(log.query(&q)?));
        Ok(())
    }
}

/// Number of entries (0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_audit_entries_len(entries: *const chatvault_audit_entries) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(entries, "entries").map_or(0, |e| e.len())
    }
}

fn entry_at(entries: &[Entry], index: usize) -> Result<&Entry, FfiError> {
    entries.get(index).ok_or_else(|| {
        FfiError::invalid(format!("index {index} past the {} entries", entries.len()))
    })
}

/// Copy entry `index` into `*out`; an index past the end is
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_audit_entries_get(
    entries: *const chatvault_audit_entries,
    index: usize,
    out: *mut chatvault_audit_entry,
) -> chatvault_result {
    ffi_panic_boundary! {
        let entries = try_ref(entries, "entries")?;
        let out = out_ptr(out, "out")?;
        let e = entry_at(entries, index)?;
        out.write(chatvault_audit_entry {
            seq: e.seq,
            time_ms: e.event.time_ms,
            kind: u32::from(e.event.kind.number()),
            role: u32::from(e.event.role.number()),
            leaf: e.leaf,
        });
        Ok(())
    }
}

/// Entry `index` as a JSON object (UTF-8; the fields of an export line,
/// docs/FORMAT.md section 13.5) into `*out` (owned by the caller, freed with
/// `chatvault_bytes_free`).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_audit_entries_json(
    entries: *const chatvault_audit_entries,
    index: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let entries = try_ref(entries, "entries")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, entry_at(entries, index)?.to_json().into_bytes());
        Ok(())
    }
}

/// Free entries. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with readers of them.
#[no_mangle]
pub extern "C" fn chatvault_audit_entries_free(entries: *mut chatvault_audit_entries) {
    ffi_panic_boundary_void! {
        free_box(entries);
    }
}

/// Export the events `query` selects (NULL: all) for an auditor: JSON lines
/// (docs/FORMAT.md section 13.5) with a checkpoint of the whole log signed
/// now by `signer` (also kept as the log's last checkpoint) and an
/// inclusion proof per event, into `*out` (owned by the caller, freed with
/// `chatvault_bytes_free`). `chatvault_audit_export_verify` checks it with
/// only the log's public key.
///
/// Thread safety: one thread at a time per log; the signer is only read.
#[no_mangle]
pub extern "C" fn chatvault_audit_log_export(
    log: *mut chatvault_audit_log,
    query: *const chatvault_audit_query,
    signer: *const chatvault_audit_note_signer,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let log = try_mut(log, "log")?;
        let q = read_query(query)?;
        let signer = try_ref(signer, "signer")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, log.export(&q, signer)?.into_bytes());
        Ok(())
    }
}

/// Verify an export (UTF-8 JSON lines) offline: its checkpoint must be
/// signed by `log_key` (signatures by the `n_cosigners` keys in
/// `cosigners` are checked too; `(NULL, 0)` for none), every record must be
/// in that checkpoint's tree, and every line's fields must be exactly what
/// its record encodes. On success the checkpoint's size and root go to
/// `*checkpoint` and the number of events to `*entries` (either may be
/// NULL; `cosigned` is set to 0, as the export's cosigners are not
/// counted here).
///
/// A bad signature or none by `log_key`: CHATVAULT_RESULT_BAD_SIGNATURE;
/// anything else that does not verify: CHATVAULT_RESULT_MALFORMED, the last
/// error naming the line.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_audit_export_verify(
    export: *const u8,
    export_len: usize,
    log_key: *const chatvault_audit_note_verifier,
    cosigners: *const *const chatvault_audit_note_verifier,
    n_cosigners: usize,
    checkpoint: *mut chatvault_audit_checkpoint,
    entries: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let export = input_str(export, export_len, "export")?;
        let log_key = try_ref(log_key, "log_key")?;
        let cosigners = input_verifiers(cosigners, n_cosigners)?;
        let (cp, found) = verify_export(export, log_key, &cosigners)?;
        if !checkpoint.is_null() {
            out_ptr(checkpoint, "checkpoint")?.write(chatvault_audit_checkpoint {
                size: cp.size,
                root: cp.root,
                cosigned: 0,
            });
        }
        if !entries.is_null() {
            out_ptr(entries, "entries")?.write(found.len());
        }
        Ok(())
    }
}

/// Keep the handles usable from the threads their documentation allows
/// (checked at compile time): the log and events move between threads,
/// and keys are shared.
#[allow(dead_code)]
fn assert_thread_safety() {
    fn shared<T: Send + Sync>() {}
    fn sent<T: Send>() {}
    sent::<AuditLog>();
    shared::<Event>();
    shared::<NoteSigner>();
    shared::<NoteVerifier>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::bytes::chatvault_bytes_free;
    use crate::ffi::error::chatvault_last_error_message;

    fn last_error() -> String {
        let mut buf = [0u8; 512];
        let mut written = 0usize;
        assert_eq!(
            chatvault_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut written),
            chatvault_result::Ok
        );
        String::from_utf8(buf[..written - 1].to_vec()).unwrap()
    }

    fn take(b: *mut chatvault_bytes) -> Vec<u8> {
        // SAFETY: `b` came from put_bytes/put_secret in this test and is
        // freed right after being copied.
        let v = unsafe { std::slice::from_raw_parts((*b).data, (*b).len).to_vec() };
        chatvault_bytes_free(b);
        v
    }

    #[test]
    fn c_enums_match_the_rust_numbers() {
        use chatvault_audit_event_kind as K;
        let kinds = [
            K::ArchiveViewed,
            K::FieldRevealed,
            K::GrantIssued,
            K::GrantRevoked,
            K::GrantExpired,
            K::Exported,
            K::RetentionApplied,
            K::Deleted,
            K::Shredded,
            K::LegalHoldSet,
            K::LegalHoldReleased,
            K::ErasureRequested,
            K::ErasureCompleted,
            K::ConsentRecorded,
            K::ConsentWithdrawn,
            K::MessageBlocked,
            K::MessageReported,
            K::MessageDeletedByAgent,
            K::MessageEditedByAgent,
            K::NewDeviceLogin,
            K::PolicyChanged,
            K::KeyRotated,
            K::LogRepaired,
            K::MessageArchived,
            K::ArchiveSearched,
            K::ApprovalRecorded,
        ];
        assert_eq!(kinds.len(), EventKind::ALL.len());
        for (c, r) in kinds.into_iter().zip(EventKind::ALL) {
            assert_eq!(c as u32, u32::from(r.number()), "{r:?}");
            assert_eq!(format!("{c:?}"), format!("{r:?}"));
            assert_eq!(kind_from(c as u32).unwrap(), *r);
        }
        use chatvault_audit_role as R;
        let roles = [
            R::Owner,
            R::Supervisor,
            R::Agent,
            R::Customer,
            R::System,
            R::Auditor,
        ];
        assert_eq!(roles.len(), Role::ALL.len());
        for (c, r) in roles.into_iter().zip(Role::ALL) {
            assert_eq!(c as u32, u32::from(r.number()));
            assert_eq!(format!("{c:?}"), format!("{r:?}"));
            assert_eq!(role_from(c as u32).unwrap(), *r);
        }
        use chatvault_audit_object_kind as O;
        let objects = [
            O::Conversation,
            O::Message,
            O::Customer,
            O::Grant,
            O::Policy,
            O::Key,
            O::Export,
            O::Device,
            O::Department,
            O::Field,
        ];
        assert_eq!(objects.len(), ObjectKind::ALL.len());
        for (c, r) in objects.into_iter().zip(ObjectKind::ALL) {
            assert_eq!(c as u32, u32::from(r.number()));
            assert_eq!(format!("{c:?}"), format!("{r:?}"));
            assert_eq!(object_kind_from(c as u32).unwrap(), *r);
        }
        // Numbers that would wrap into a valid one when narrowed.
        for n in [0, 27, 0x1_0001, u32::MAX] {
            assert!(kind_from(n).is_err(), "{n}");
        }
        for n in [0, 7, 0x101] {
            assert!(role_from(n).is_err(), "{n}");
        }
        for n in [0, 11, 0x101] {
            assert!(object_kind_from(n).is_err(), "{n}");
        }
    }

    fn new_event() -> *mut chatvault_audit_event {
        let mut ev = std::ptr::null_mut();
        let actor = b"agent-17";
        let dept = b"support";
        assert_eq!(
            chatvault_audit_event_new(
                1_767_225_600_000,
                chatvault_audit_event_kind::FieldRevealed as u32,
                actor.as_ptr(),
                actor.len(),
                chatvault_audit_role::Agent as u32,
                dept.as_ptr(),
                dept.len(),
                &mut ev,
            ),
            chatvault_result::Ok
        );
        ev
    }

    #[test]
    fn a_refused_setter_leaves_the_event_unchanged() {
        let ev = new_event();
        let before = try_ref(ev, "event").unwrap().clone();
        let id = b"cust-42";
        assert_eq!(
            chatvault_audit_event_add_object(
                ev,
                chatvault_audit_object_kind::Customer as u32,
                id.as_ptr(),
                id.len()
            ),
            chatvault_result::InvalidArgument
        );
        assert!(
            last_error().contains("only by a commitment"),
            "{}",
            last_error()
        );
        let key = b"class";
        let text = b"phone";
        assert_eq!(
            chatvault_audit_event_set_text(ev, key.as_ptr(), key.len(), text.as_ptr(), text.len()),
            chatvault_result::Ok
        );
        let with_class = try_ref(ev, "event").unwrap().clone();
        assert_ne!(with_class, before);
        // Replacing a detail with one too large restores the old value.
        let big = vec![7u8; crate::audit::MAX_EVENT_BYTES];
        assert_eq!(
            chatvault_audit_event_set_bytes(ev, key.as_ptr(), key.len(), big.as_ptr(), big.len()),
            chatvault_result::TooLarge
        );
        assert_eq!(*try_ref(ev, "event").unwrap(), with_class);
        // A new key too long is removed again.
        let long_key = [b'k'; crate::audit::MAX_KEY_BYTES + 1];
        assert_eq!(
            chatvault_audit_event_set_int(ev, long_key.as_ptr(), long_key.len(), 1),
            chatvault_result::InvalidArgument
        );
        assert_eq!(*try_ref(ev, "event").unwrap(), with_class);
        // The 65th object is refused.
        for i in 0..crate::audit::MAX_ITEMS {
            let id = format!("m-{i}");
            assert_eq!(
                chatvault_audit_event_add_object(
                    ev,
                    chatvault_audit_object_kind::Message as u32,
                    id.as_ptr(),
                    id.len()
                ),
                chatvault_result::Ok
            );
        }
        let c = [1u8; CHATVAULT_AUDIT_COMMITMENT_LEN];
        assert_eq!(
            chatvault_audit_event_add_committed_object(
                ev,
                chatvault_audit_object_kind::Customer as u32,
                c.as_ptr(),
                c.len()
            ),
            chatvault_result::InvalidArgument
        );
        assert_eq!(
            try_ref(ev, "event").unwrap().objects.len(),
            crate::audit::MAX_ITEMS
        );
        chatvault_audit_event_free(ev);
    }

    #[test]
    fn events_built_in_c_are_the_events_the_log_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap();
        let ev = new_event();
        let key = [9u8; 32];
        let mut c = [0u8; CHATVAULT_AUDIT_COMMITMENT_LEN];
        assert_eq!(
            chatvault_audit_commitment(
                key.as_ptr(),
                key.len(),
                b"customer".as_ptr(),
                8,
                b"cust-42".as_ptr(),
                7,
                c.as_mut_ptr(),
                c.len()
            ),
            chatvault_result::Ok
        );
        assert_eq!(c, Commitment::new(&key, "customer", b"cust-42").unwrap().0);
        assert_eq!(
            chatvault_audit_event_add_committed_object(
                ev,
                chatvault_audit_object_kind::Customer as u32,
                c.as_ptr(),
                c.len()
            ),
            chatvault_result::Ok
        );
        let k = b"dry_run";
        assert_eq!(
            chatvault_audit_event_set_bool(ev, k.as_ptr(), k.len(), true),
            chatvault_result::Ok
        );
        let mut log = std::ptr::null_mut();
        let id = b"acme/audit";
        assert_eq!(
            chatvault_audit_log_create(
                path.as_ptr(),
                path.len(),
                id.as_ptr(),
                id.len(),
                std::ptr::null(),
                &mut log
            ),
            chatvault_result::Ok
        );
        let mut seq = 99;
        assert_eq!(
            chatvault_audit_log_append(log, ev, &mut seq),
            chatvault_result::Ok
        );
        assert_eq!(seq, 0);
        let mut durable = 0;
        assert_eq!(
            chatvault_audit_log_flush(log, &mut durable),
            chatvault_result::Ok
        );
        assert_eq!(durable, 1);
        let mut root = [0u8; 32];
        assert_eq!(
            chatvault_audit_log_root(log, root.as_mut_ptr(), root.len()),
            chatvault_result::Ok
        );
        chatvault_audit_log_free(log);

        let (reopened, report) = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap();
        assert_eq!((report.records, report.repaired), (1, None));
        assert_eq!(reopened.root(), root);
        let mut seen = Vec::new();
        let mut reopened = reopened;
        reopened
            .for_each_record(|_, record| {
                seen.push(Event::decode(&record[32..]).unwrap().1);
                Ok(true)
            })
            .unwrap();
        assert_eq!(seen, [try_ref(ev, "event").unwrap().clone()]);
        chatvault_audit_event_free(ev);
    }

    #[test]
    fn cosigning_appends_one_verifiable_signature() {
        let log_signer = NoteSigner::generate("acme-audit").unwrap();
        let witness = NoteSigner::generate("witness-1").unwrap();
        let cp = Checkpoint {
            origin: "acme/audit".into(),
            size: 3,
            root: [5; 32],
            extensions: Vec::new(),
        };
        let note = cp.sign(&[&log_signer]).unwrap();
        let log_key = box_into_ptr::<chatvault_audit_note_verifier>(log_signer.verifier());
        let w = box_into_ptr::<chatvault_audit_note_signer>(witness);
        let mut out = std::ptr::null_mut();
        assert_eq!(
            chatvault_audit_checkpoint_cosign(note.as_ptr(), note.len(), log_key, w, &mut out),
            chatvault_result::Ok
        );
        let cosigned = String::from_utf8(take(out)).unwrap();
        assert!(cosigned.starts_with(&note));
        let w_key = try_ref(w, "w").unwrap().verifier();
        let (opened, names) =
            Checkpoint::open(&cosigned, &log_signer.verifier(), &[&w_key]).unwrap();
        assert_eq!((opened, names), (cp, vec!["witness-1".to_owned()]));
        // Twice by one key is refused.
        assert_eq!(
            chatvault_audit_checkpoint_cosign(
                cosigned.as_ptr(),
                cosigned.len(),
                log_key,
                w,
                &mut out
            ),
            chatvault_result::InvalidArgument
        );
        chatvault_audit_note_signer_free(w);
        chatvault_audit_note_verifier_free(log_key);
    }

    #[test]
    fn proofs_must_be_whole_hashes() {
        assert_eq!(proof_from(std::ptr::null(), 0).unwrap(), Vec::<Hash>::new());
        let bytes = [3u8; 64];
        assert_eq!(proof_from(bytes.as_ptr(), 64).unwrap(), vec![[3u8; 32]; 2]);
        for n in [1, 31, 33, 63] {
            let e = proof_from(bytes.as_ptr(), n).unwrap_err();
            assert_eq!(e.code, chatvault_result::InvalidArgument);
        }
        assert_eq!(
            proof_from(std::ptr::null(), 32).unwrap_err().code,
            chatvault_result::NullPointer
        );
    }
}
