//! C ABI of the archive workflow.
//!
//! Owns: `chatvault_archive` (Arc of [`Archive`]: one tenant's archive,
//! used from any number of threads), the input structs
//! `chatvault_archive_options`, `chatvault_archive_conversation`,
//! `chatvault_archive_message`, the outputs `chatvault_archive_ingested`,
//! `chatvault_archive_view` (Box) with `chatvault_archive_viewed_message`,
//! `chatvault_archive_verify_report`, the live-report callback and
//! `chatvault_archive_report`, and the JSON shapes of the report-like
//! outputs (search hits, conversation lists, statistics, retention plans,
//! sweeps, erasure status), documented on each function.
//!
//! Invariant: no pointer the caller passes is kept after the call returns,
//! except the reporter's function pointer and user data, which the caller
//! hands over until it sets another reporter or frees the archive.

use std::ffi::c_void;
use std::path::Path;
use std::ptr::addr_of;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::archive::{
    approve, Archive, Behaviour, ConsentEvent, ConsentRule, Conversation, ErasureState,
    ErasureStatus, ExportFormat, Filter, KeyDestination, Message, Operation, Options, Protect,
    Report, ShareHolder, Stats, SweepReport, TwoPersonRule, Unlock, View,
};
use crate::audit::CommitPolicy;
use crate::audit::NoteVerifier;
use crate::keys::{AgentScope, Argon2Params, GranteePublic, IdClass, SupervisorScope, Validity};
use crate::keys::{KeyShare, MasterKey};
use crate::seal::Suite;

use super::audit::{
    chatvault_audit_note_signer, chatvault_audit_note_verifier, dir_from, role_from,
};
use super::bytes::{chatvault_bytes, put_bytes, put_secret};
use super::error::{chatvault_result, FfiError};
use super::grant::{
    chatvault_agent_grant, chatvault_grantee_secret, chatvault_supervisor_grant,
    chatvault_tenant_public, departments_from, CHATVAULT_GRANTEE_PUBLIC_LEN,
};
use super::handle::{
    arc_into_ptr, box_into_ptr, free_arc, free_box, input_array, input_bytes, input_str, out_ptr,
    try_ref, Castable, OwnershipArc, OwnershipBox,
};
use super::keys::{chatvault_master_key, class_from, kek_from};
use super::scan::{chatvault_scan_verdict, chatvault_scanner};

/// One tenant's archive in one directory: ingest, views, reveals, search,
/// consent, holds, behaviours, erasure, retention, statistics, all
/// audited. Created by `chatvault_archive_create_with_kek` /
/// `_with_passphrase` or opened by `chatvault_archive_open_with_kek` /
/// `_with_passphrase`; freed with `chatvault_archive_free` (which syncs
/// what is buffered).
///
/// Thread safety: every function may be called concurrently on one
/// archive; writes are serialized inside.
#[allow(non_camel_case_types)]
pub struct chatvault_archive {
    _private: [u8; 0],
}

impl Castable for chatvault_archive {
    type Ownership = OwnershipArc;
    type RustType = Archive;
}

/// What a customer must have been told or agreed to before a conversation
/// is archived (`consent` of `chatvault_archive_options`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_archive_consent_rule {
    /// Archive without a recorded notice or consent.
    None = 0,
    /// A notice must have been recorded.
    Notice = 1,
    /// Consent must have been recorded.
    Consent = 2,
}

/// A customer's notice, consent or withdrawal
/// (`chatvault_archive_record_consent`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_archive_consent_event {
    /// The customer was told the conversation is archived.
    Notified = 1,
    /// The customer agreed.
    Given = 2,
    /// The customer withdrew consent (restricts the customer's
    /// conversations).
    Withdrawn = 3,
}

/// A sensitive behaviour (`chatvault_archive_record_behaviour`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_archive_behaviour {
    /// An agent deleted a message in the helpdesk.
    MessageDeleted = 1,
    /// An agent edited a message in the helpdesk.
    MessageEdited = 2,
    /// A login (reported only from a device new for the account).
    Login = 3,
}

/// Settings of a new archive (`chatvault_archive_create_with_*`); NULL
/// for the defaults (AES-256-GCM, no consent rule, group commit of 256
/// messages or 10 ms).
///
/// Thread safety: a plain value, read during the call only.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_archive_options {
    /// The `chatvault_suite` message text is sealed with.
    pub suite: u32,
    /// A `chatvault_archive_consent_rule`.
    pub consent: u32,
    /// Sync after this many messages (at least 1).
    pub max_batch: usize,
    /// ... or this many microseconds after the oldest unsynced one.
    pub max_delay_us: u64,
}

fn read_options(p: *const chatvault_archive_options) -> Result<Options, FfiError> {
    if p.is_null() {
        return Ok(Options::default());
    }
    // SAFETY: non-NULL and, per the contract of the functions taking
    // options, a readable, aligned, initialized chatvault_archive_options
    // that does not change during the call; each field is read on its own
    // (padding is never read) and any bit pattern is a valid integer.
    let (suite, consent, max_batch, max_delay_us) = unsafe {
        (
            addr_of!((*p).suite).read(),
            addr_of!((*p).consent).read(),
            addr_of!((*p).max_batch).read(),
            addr_of!((*p).max_delay_us).read(),
        )
    };
    let suite = u8::try_from(suite)
        .map_err(|_| FfiError::invalid(format!("unknown suite {suite}")))
        .and_then(|s| Ok(Suite::from_u8(s)?))?;
    let consent = match consent {
        0 => ConsentRule::None,
        1 => ConsentRule::Notice,
        2 => ConsentRule::Consent,
        n => return Err(FfiError::invalid(format!("unknown consent rule {n}"))),
    };
    if max_batch == 0 {
        return Err(FfiError::invalid("options.max_batch must be at least 1"));
    }
    Ok(Options {
        suite,
        consent,
        commit: CommitPolicy {
            max_batch,
            max_delay: Duration::from_micros(max_delay_us),
        },
    })
}

fn dir_path<'a>(dir: *const u8, dir_len: usize) -> Result<&'a Path, FfiError> {
    dir_from(dir, dir_len)
}

fn created(
    dir: *const u8,
    dir_len: usize,
    tenant: *const u8,
    tenant_len: usize,
    master_key: *const chatvault_master_key,
    protect: Protect<'_>,
    options: *const chatvault_archive_options,
    out: *mut *const chatvault_archive,
) -> Result<(), FfiError> {
    let dir = dir_path(dir, dir_len)?;
    let tenant = input_str(tenant, tenant_len, "tenant")?;
    let master = try_ref(master_key, "master_key")?.duplicate();
    let options = read_options(options)?;
    let out = out_ptr(out, "out")?;
    let mut archive = Archive::create(dir, tenant, master, protect, options)?;
    archive.set_commit_policy(options.commit);
    out.write(arc_into_ptr(archive));
    Ok(())
}

/// Create a tenant's archive in the directory `dir` (UTF-8; created if
/// missing, must be empty) for `tenant` (UTF-8, 1 to 256 bytes) with the
/// master key `master_key` (not consumed: the caller still owns and frees
/// it), kept on disk only wrapped under the CHATVAULT_KEK_LEN-byte `kek`.
/// `options` may be NULL for the defaults.
///
/// A non-empty directory or bad options: CHATVAULT_RESULT_INVALID_ARGUMENT;
/// file system errors: CHATVAULT_RESULT_IO.
///
/// On success `*out` receives an archive the caller owns and must free
/// with `chatvault_archive_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_archive_create_with_kek(
    dir: *const u8,
    dir_len: usize,
    tenant: *const u8,
    tenant_len: usize,
    master_key: *const chatvault_master_key,
    kek: *const u8,
    kek_len: usize,
    options: *const chatvault_archive_options,
    out: *mut *const chatvault_archive,
) -> chatvault_result {
    ffi_panic_boundary! {
        let kek = kek_from(kek, kek_len)?;
        created(dir, dir_len, tenant, tenant_len, master_key, Protect::Kek(&kek), options, out)
    }
}

/// Like `chatvault_archive_create_with_kek`, with the master key wrapped
/// under the UTF-8 or binary `passphrase` (Argon2id, 64 MiB, 3 passes).
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_archive_create_with_passphrase(
    dir: *const u8,
    dir_len: usize,
    tenant: *const u8,
    tenant_len: usize,
    master_key: *const chatvault_master_key,
    passphrase: *const u8,
    passphrase_len: usize,
    options: *const chatvault_archive_options,
    out: *mut *const chatvault_archive,
) -> chatvault_result {
    ffi_panic_boundary! {
        let pass = input_bytes(passphrase, passphrase_len, "passphrase")?;
        let protect = Protect::Passphrase(pass, Argon2Params::RECOMMENDED);
        created(dir, dir_len, tenant, tenant_len, master_key, protect, options, out)
    }
}

fn opened(
    dir: *const u8,
    dir_len: usize,
    unlock: Unlock<'_>,
    out: *mut *const chatvault_archive,
) -> Result<(), FfiError> {
    let dir = dir_path(dir, dir_len)?;
    let out = out_ptr(out, "out")?;
    out.write(arc_into_ptr(Archive::open(dir, unlock)?));
    Ok(())
}

/// Open the archive in `dir`, unwrapping its master key with the `kek` it
/// was created with (another key: CHATVAULT_RESULT_DECRYPT). Every record
/// is re-read: a torn last record is cut, other damage is
/// CHATVAULT_RESULT_MALFORMED; a directory without an archive:
/// CHATVAULT_RESULT_IO. The scanner, reporter and commit policy are this
/// process's: set them again after opening.
///
/// On success `*out` receives an archive the caller owns and must free
/// with `chatvault_archive_free`.
///
/// Thread safety: may be called from any thread; one process at a time
/// may have an archive directory open.
#[no_mangle]
pub extern "C" fn chatvault_archive_open_with_kek(
    dir: *const u8,
    dir_len: usize,
    kek: *const u8,
    kek_len: usize,
    out: *mut *const chatvault_archive,
) -> chatvault_result {
    ffi_panic_boundary! {
        let kek = kek_from(kek, kek_len)?;
        opened(dir, dir_len, Unlock::Kek(&kek), out)
    }
}

/// Like `chatvault_archive_open_with_kek`, with the passphrase.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_archive_open_with_passphrase(
    dir: *const u8,
    dir_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    out: *mut *const chatvault_archive,
) -> chatvault_result {
    ffi_panic_boundary! {
        let pass = input_bytes(passphrase, passphrase_len, "passphrase")?;
        opened(dir, dir_len, Unlock::Passphrase(pass), out)
    }
}

/// Release the caller's reference to an archive; the last reference syncs
/// what is buffered and closes it. NULL is fine; must not be called twice.
///
/// Thread safety: once no other call on this handle is running.
#[no_mangle]
pub extern "C" fn chatvault_archive_free(archive: *const chatvault_archive) {
    ffi_panic_boundary_void! {
        free_arc(archive);
    }
}

/// Make every archived message and audit event durable now.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_flush(archive: *const chatvault_archive) -> chatvault_result {
    ffi_panic_boundary! {
        try_ref(archive, "archive")?.flush()?;
        Ok(())
    }
}

/// Scan messages with `scanner` from now on (swapped in atomically while
/// other threads ingest; the archive keeps its own reference, so the
/// caller may free its handle). The default scanner allows everything.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_set_scanner(
    archive: *const chatvault_archive,
    scanner: *const chatvault_scanner,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let s = super::handle::try_clone_arc(scanner, "scanner")?;
        a.set_scanner_arc(s)?;
        Ok(())
    }
}

/// Set the retention policy from its JSON text (docs/FORMAT.md section
/// 12); every load-time check runs (refusals: CHATVAULT_RESULT_POLICY with
/// every problem in the last error message), and a locked policy in force
/// only accepts a successor that keeps data at least as long. `actor`
/// (UTF-8) is audited with `now` (Unix seconds).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_set_retention_policy(
    archive: *const chatvault_archive,
    json: *const u8,
    json_len: usize,
    actor: *const u8,
    actor_len: usize,
    now: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let json = input_str(json, json_len, "json")?;
        let actor = input_str(actor, actor_len, "actor")?;
        a.set_retention_policy(json, actor, now)?;
        Ok(())
    }
}

/// A live report (`chatvault_archive_reporter`): a reported or blocked
/// message, a sensitive behaviour, a conversation due for review. The
/// strings are UTF-8, not NUL-terminated, and valid only during the call.
///
/// Thread safety: valid only during the callback.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_archive_report {
    /// A `chatvault_audit_event_kind`.
    pub kind: u32,
    /// When, Unix seconds.
    pub time: i64,
    /// A `chatvault_audit_role`.
    pub role: u32,
    /// Who did it.
    pub actor: *const u8,
    /// Length of `actor`.
    pub actor_len: usize,
    /// The department (may be empty).
    pub department: *const u8,
    /// Length of `department`.
    pub department_len: usize,
    /// The conversation (may be empty).
    pub conversation: *const u8,
    /// Length of `conversation`.
    pub conversation_len: usize,
    /// The message (may be empty).
    pub message: *const u8,
    /// Length of `message`.
    pub message_len: usize,
    /// A one-line description (never an identifier).
    pub detail: *const u8,
    /// Length of `detail`.
    pub detail_len: usize,
}

/// The live-report callback: called with each report and the `user_data`
/// given to `chatvault_archive_set_reporter`, after the event is in the
/// audit log, outside the archive's locks, on the thread whose call caused
/// it. It may call the archive. It must not unwind (C++ exceptions, Go
/// panics) into the library.
#[allow(non_camel_case_types)]
pub type chatvault_archive_reporter =
    Option<unsafe extern "C" fn(report: *const chatvault_archive_report, user_data: *mut c_void)>;

/// The caller's callback and user data, called from any thread.
struct CReporter {
    f: unsafe extern "C" fn(*const chatvault_archive_report, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: `chatvault_archive_set_reporter` documents that the callback
// and its user data are called from any thread that uses the archive, and
// the caller promises they may be; the library never dereferences
// `user_data`.
unsafe impl Send for CReporter {}
// SAFETY: as above; the callback is only called, never changed, through a
// shared reference.
unsafe impl Sync for CReporter {}

impl CReporter {
    fn call(&self, r: &Report) {
        let s = |t: &str| (t.as_ptr(), t.len());
        let (actor, actor_len) = s(&r.actor);
        let (department, department_len) = s(&r.department);
        let (conversation, conversation_len) = s(&r.conversation);
        let (message, message_len) = s(&r.message);
        let (detail, detail_len) = s(&r.detail);
        let report = chatvault_archive_report {
            kind: u32::from(r.kind.number()),
            time: r.time,
            role: u32::from(r.role.number()),
            actor,
            actor_len,
            department,
            department_len,
            conversation,
            conversation_len,
            message,
            message_len,
            detail,
            detail_len,
        };
        // SAFETY: the caller registered `f` as a function of this
        // signature; `report` and the strings it points to live until it
        // returns, and `user_data` is passed back untouched.
        unsafe { (self.f)(&report, self.user_data) }
    }
}

/// Send every live report to `callback` with `user_data` (see
/// `chatvault_archive_reporter`); NULL stops. The callback and user data
/// must stay usable, from any thread that uses the archive, until the
/// archive is freed: a call on another thread that began before this one
/// returned may still be delivering a report to the old reporter.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_set_reporter(
    archive: *const chatvault_archive,
    callback: chatvault_archive_reporter,
    user_data: *mut c_void,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let reporter = callback.map(|f| {
            let c = CReporter { f, user_data };
            Arc::new(move |r: &Report| c.call(r)) as crate::archive::Reporter
        });
        a.set_reporter(reporter)?;
        Ok(())
    }
}

/// A conversation to start (`chatvault_archive_start_conversation`).
/// Strings are UTF-8 `(pointer, length)` pairs, not NUL-terminated;
/// `region`, `channel` and `tags` may be `(NULL, 0)`.
///
/// Thread safety: a plain value, read during the call only.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_archive_conversation {
    /// Its id (1 to 256 bytes, unique in the archive).
    pub id: *const u8,
    /// Length of `id`.
    pub id_len: usize,
    /// The department serving it.
    pub department: *const u8,
    /// Length of `department`.
    pub department_len: usize,
    /// The customer's id in the helpdesk (kept sealed and as a keyed tag).
    pub customer: *const u8,
    /// Length of `customer`.
    pub customer_len: usize,
    /// Its retention category (`general`, `complaint`, ...).
    pub category: *const u8,
    /// Length of `category`.
    pub category_len: usize,
    /// The customer's region.
    pub region: *const u8,
    /// Length of `region`.
    pub region_len: usize,
    /// The channel.
    pub channel: *const u8,
    /// Length of `channel`.
    pub channel_len: usize,
    /// Tags, one per line (at most 32).
    pub tags: *const u8,
    /// Length of `tags`.
    pub tags_len: usize,
    /// When it started, Unix seconds.
    pub started: i64,
}

/// Start a conversation. Refused (CHATVAULT_RESULT_REFUSED) when the
/// archive's consent rule is not met for the customer or the customer
/// asked for erasure or withdrew consent; a duplicate id or a bad name:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_start_conversation(
    archive: *const chatvault_archive,
    conversation: *const chatvault_archive_conversation,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        if conversation.is_null() {
            return Err(FfiError::null("conversation"));
        }
        // SAFETY: non-NULL and the caller promises a readable, aligned,
        // initialized chatvault_archive_conversation that does not change
        // during the call; every field is a pointer or an integer, for
        // which any bit pattern is valid, and it is copied out here.
        let c = unsafe { std::ptr::read(conversation) };
        let tags = input_str(c.tags, c.tags_len, "conversation.tags")?;
        let tags = tags.strip_suffix('\n').unwrap_or(tags);
        a.start_conversation(&Conversation {
            id: input_str(c.id, c.id_len, "conversation.id")?.to_owned(),
            department: input_str(c.department, c.department_len, "conversation.department")?
                .to_owned(),
            customer: input_str(c.customer, c.customer_len, "conversation.customer")?.to_owned(),
            category: input_str(c.category, c.category_len, "conversation.category")?.to_owned(),
            region: input_str(c.region, c.region_len, "conversation.region")?.to_owned(),
            channel: input_str(c.channel, c.channel_len, "conversation.channel")?.to_owned(),
            tags: if tags.is_empty() {
                Vec::new()
            } else {
                tags.split('\n').map(str::to_owned).collect()
            },
            started: c.started,
        })?;
        Ok(())
    }
}

/// A message to archive (`chatvault_archive_ingest`). Strings are UTF-8
/// `(pointer, length)` pairs.
///
/// Thread safety: a plain value, read during the call only.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_archive_message {
    /// The conversation.
    pub conversation: *const u8,
    /// Length of `conversation`.
    pub conversation_len: usize,
    /// The message id, unique in the conversation.
    pub id: *const u8,
    /// Length of `id`.
    pub id_len: usize,
    /// CHATVAULT_AUDIT_ROLE_AGENT or CHATVAULT_AUDIT_ROLE_CUSTOMER.
    pub role: u32,
    /// The agent's id (ignored for a customer; may be `(NULL, 0)`).
    pub sender: *const u8,
    /// Length of `sender`.
    pub sender_len: usize,
    /// When it was sent, Unix seconds.
    pub time: i64,
    /// The text (at most 1 MiB).
    pub text: *const u8,
    /// Length of `text`.
    pub text_len: usize,
}

/// What `chatvault_archive_ingest` did, written to a struct the caller
/// allocates.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct chatvault_archive_ingested {
    /// 1 if archived, 0 if blocked (nothing kept but the attempt's
    /// metadata and audit event).
    pub stored: u8,
    /// The scan verdict's `chatvault_scan_action`.
    pub action: u32,
    /// Sensitive words found.
    pub matches: usize,
    /// Identifiers masked in the display text.
    pub masked: usize,
}

/// Archive one message: scan it (blocked: not stored; the attempt is
/// audited and reported), mask its identifiers (originals sealed under the
/// customer's class keys), seal the display text, index the identifiers
/// blindly, audit it. `*result` receives what happened. Optional outputs
/// (NULL to skip): `*display` the text as archived (freed with
/// `chatvault_bytes_free`; empty when blocked) and `*verdict` the scan
/// verdict with every match, the reason to give the sender of a blocked
/// message (freed with `chatvault_scan_verdict_free`).
///
/// Refused (CHATVAULT_RESULT_REFUSED): consent missing or withdrawn,
/// erasure requested, conversation disposed of. Unknown conversation,
/// duplicate id, bad role: CHATVAULT_RESULT_INVALID_ARGUMENT; text over
/// 1 MiB: CHATVAULT_RESULT_TOO_LARGE; invalid UTF-8: CHATVAULT_RESULT_UTF8.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_ingest(
    archive: *const chatvault_archive,
    message: *const chatvault_archive_message,
    result: *mut chatvault_archive_ingested,
    display: *mut *mut chatvault_bytes,
    verdict: *mut *mut chatvault_scan_verdict,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        if message.is_null() {
            return Err(FfiError::null("message"));
        }
        // SAFETY: non-NULL and the caller promises a readable, aligned,
        // initialized chatvault_archive_message that does not change during
        // the call; every field is a pointer or an integer, for which any
        // bit pattern is valid, and it is copied out here.
        let m = unsafe { std::ptr::read(message) };
        let result = out_ptr(result, "result")?;
        let display = (!display.is_null()).then(|| out_ptr(display, "display")).transpose()?;
        let verdict = (!verdict.is_null()).then(|| out_ptr(verdict, "verdict")).transpose()?;
        let msg = Message {
            conversation: input_str(m.conversation, m.conversation_len, "message.conversation")?,
            id: input_str(m.id, m.id_len, "message.id")?,
            role: role_from(m.role)?,
            sender: input_str(m.sender, m.sender_len, "message.sender")?,
            time: m.time,
            text: input_str(m.text, m.text_len, "message.text")?,
        };
        let out = a.ingest(&msg)?;
        result.write(chatvault_archive_ingested {
            stored: u8::from(out.stored),
            action: out.verdict.action as u32,
            matches: out.verdict.matches.len(),
            masked: out.masked.len(),
        });
        if let Some(d) = display {
            put_bytes(d, out.display.into_bytes());
        }
        if let Some(v) = verdict {
            v.write(box_into_ptr(out.verdict));
        }
        Ok(())
    }
}

/// A conversation opened with a supervisor grant. From
/// `chatvault_archive_view_conversation`; freed with `chatvault_archive_view_free`.
///
/// Thread safety: immutable; may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_archive_view {
    _private: [u8; 0],
}

impl Castable for chatvault_archive_view {
    type Ownership = OwnershipBox;
    type RustType = View;
}

/// One message of a view (`chatvault_archive_view_message`); the strings
/// (UTF-8, not NUL-terminated) point into the view and are valid until it
/// is freed.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_archive_viewed_message {
    /// The message id.
    pub id: *const u8,
    /// Length of `id`.
    pub id_len: usize,
    /// When it was sent.
    pub time: i64,
    /// CHATVAULT_AUDIT_ROLE_AGENT or CHATVAULT_AUDIT_ROLE_CUSTOMER.
    pub role: u32,
    /// The agent's id (empty for the customer).
    pub sender: *const u8,
    /// Length of `sender`.
    pub sender_len: usize,
    /// The display text (identifiers masked).
    pub text: *const u8,
    /// Length of `text`.
    pub text_len: usize,
    /// Masked identifiers in `text` (entries 0 to masked - 1 for
    /// `chatvault_archive_reveal`).
    pub masked: usize,
    /// 1 if an agent later deleted it in the helpdesk (it stays archived).
    pub deleted_by_agent: u8,
    /// 1 if an agent later edited it.
    pub edited_by_agent: u8,
}

/// Open a conversation with a supervisor grant: only a department of the
/// grant, only messages inside its window (the others counted as
/// withheld), only while valid at `now`. Audited, refusals too, before
/// anything is returned. Outside the grant: CHATVAULT_RESULT_GRANT_*;
/// restricted or disposed of: CHATVAULT_RESULT_REFUSED.
///
/// On success `*out` receives a view the caller owns and must free with
/// `chatvault_archive_view_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_view_conversation(
    archive: *const chatvault_archive,
    grant: *const chatvault_supervisor_grant,
    actor: *const u8,
    actor_len: usize,
    conversation: *const u8,
    conversation_len: usize,
    now: i64,
    out: *mut *mut chatvault_archive_view,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let g = try_ref(grant, "grant")?;
        let actor = input_str(actor, actor_len, "actor")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(a.view(g, actor, conversation, now)?));
        Ok(())
    }
}

/// Messages shown in a view (0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_view_len(view: *const chatvault_archive_view) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(view, "view").map_or(0, |v| v.messages.len())
    }
}

/// Messages withheld from a view (outside the grant's window; 0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_view_withheld(view: *const chatvault_archive_view) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(view, "view").map_or(0, |v| v.withheld)
    }
}

/// Message `index` of a view into `*out`; an index at or past
/// `chatvault_archive_view_len`: CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_view_message(
    view: *const chatvault_archive_view,
    index: usize,
    out: *mut chatvault_archive_viewed_message,
) -> chatvault_result {
    ffi_panic_boundary! {
        let v = try_ref(view, "view")?;
        let out = out_ptr(out, "out")?;
        let m = v.messages.get(index).ok_or_else(|| {
            FfiError::invalid(format!("index {index} past the {} messages", v.messages.len()))
        })?;
        out.write(chatvault_archive_viewed_message {
            id: m.id.as_ptr(),
            id_len: m.id.len(),
            time: m.time,
            role: u32::from(m.role.number()),
            sender: m.sender.as_ptr(),
            sender_len: m.sender.len(),
            text: m.text.as_ptr(),
            text_len: m.text.len(),
            masked: m.masked.len(),
            deleted_by_agent: u8::from(m.deleted_by_agent),
            edited_by_agent: u8::from(m.edited_by_agent),
        });
        Ok(())
    }
}

/// Free a view. NULL is fine; must not be called twice.
///
/// Thread safety: once no other call on this view is running.
#[no_mangle]
pub extern "C" fn chatvault_archive_view_free(view: *mut chatvault_archive_view) {
    ffi_panic_boundary_void! {
        free_box(view);
    }
}

/// Reveal masked identifier `entry` of a message with an agent's restore
/// key: only a class of the grant, only while valid at `now`, only for the
/// conversation's own `customer` (the customer the agent serves). Audited,
/// refusals too, before the original is returned.
///
/// On success `*out` receives the original (UTF-8), owned by the caller,
/// zeroized by `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_reveal(
    archive: *const chatvault_archive,
    grant: *const chatvault_agent_grant,
    actor: *const u8,
    actor_len: usize,
    customer: *const u8,
    customer_len: usize,
    conversation: *const u8,
    conversation_len: usize,
    message: *const u8,
    message_len: usize,
    entry: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let g = try_ref(grant, "grant")?;
        let actor = input_str(actor, actor_len, "actor")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let message = input_str(message, message_len, "message")?;
        let out = out_ptr(out, "out")?;
        let v = a.reveal(g, actor, customer, conversation, message, entry, now)?;
        put_secret(out, zeroize::Zeroizing::new(v.as_bytes().to_vec()));
        Ok(())
    }
}

/// The approvals of a dangerous operation, as C passes them:
/// `approvals_len` pointers to signed notes (UTF-8) with their lengths;
/// `(NULL, NULL, 0)` for none.
fn approvals_from<'a>(
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
) -> Result<Vec<&'a str>, FfiError> {
    if approvals_len == 0 {
        return Ok(Vec::new());
    }
    if approvals.is_null() {
        return Err(FfiError::null("approvals"));
    }
    if approval_lens.is_null() {
        return Err(FfiError::null("approval_lens"));
    }
    if approvals_len > 256 {
        return Err(FfiError::invalid("at most 256 approvals"));
    }
    // SAFETY: both non-NULL and the caller promises `approvals_len`
    // readable, aligned elements in each array, unchanged during the call;
    // the slices do not outlive it.
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(approvals, approvals_len),
            std::slice::from_raw_parts(approval_lens, approvals_len),
        )
    };
    ptrs.iter()
        .zip(lens)
        .map(|(p, n)| input_str(*p, *n, "approvals[i]"))
        .collect()
}

fn json_out(out: *mut *mut chatvault_bytes, v: &Json) -> Result<(), FfiError> {
    let out = out_ptr(out, "out")?;
    put_bytes(out, v.to_string().into_bytes());
    Ok(())
}

/// Find every archived message holding identifier `value` (UTF-8) of
/// `id_class` (a `chatvault_id_class`), however written, without
/// decrypting; audited (the class and the count, never the value) as done
/// by `actor` in `role` (a `chatvault_audit_role`).
///
/// On success `*out` receives JSON, freed with `chatvault_bytes_free`:
/// `[{"conversation": "...", "message": "...", "time": 1767225600}, ...]`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_search(
    archive: *const chatvault_archive,
    actor: *const u8,
    actor_len: usize,
    role: u32,
    id_class: u32,
    value: *const u8,
    value_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let actor = input_str(actor, actor_len, "actor")?;
        let role = role_from(role)?;
        let class = id_class_from(id_class)?;
        let value = input_str(value, value_len, "value")?;
        let hits = a.search(actor, role, class, value, now)?;
        json_out(out, &Json::Array(hits.iter().map(|h| json!({
            "conversation": h.conversation, "message": h.message, "time": h.time,
        })).collect()))
    }
}

fn id_class_from(n: u32) -> Result<IdClass, FfiError> {
    u8::try_from(n)
        .map_err(|_| FfiError::invalid(format!("unknown identifier class {n}")))
        .and_then(class_from)
}

/// Every conversation of the department `department` (UTF-8; `(NULL, 0)`
/// for all), from metadata alone, as JSON freed with
/// `chatvault_bytes_free`: `[{"id", "department", "category", "tags": [..],
/// "region", "channel", "started", "last_activity", "closed" (or null),
/// "messages", "blocked", "held", "state": "live" | "restricted" |
/// "disposed"}, ...]`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_list(
    archive: *const chatvault_archive,
    department: *const u8,
    department_len: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let dept = input_str(department, department_len, "department")?;
        let filter = Filter {
            department: (!dept.is_empty()).then(|| dept.to_owned()),
            ..Filter::default()
        };
        let list = a.list(&filter)?;
        json_out(out, &Json::Array(list.iter().map(|s| json!({
            "id": s.id, "department": s.department, "category": s.category,
            "tags": s.tags, "region": s.region, "channel": s.channel,
            "started": s.started, "last_activity": s.last_activity, "closed": s.closed,
            "messages": s.messages, "blocked": s.blocked, "held": s.held,
            "state": format!("{:?}", s.state).to_lowercase(),
        })).collect()))
    }
}

/// Record a customer's notice, consent or withdrawal (`event`: a
/// `chatvault_archive_consent_event`) at `now`; audited.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_record_consent(
    archive: *const chatvault_archive,
    customer: *const u8,
    customer_len: usize,
    event: u32,
    now: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let event = match event {
            1 => ConsentEvent::Notified,
            2 => ConsentEvent::Given,
            3 => ConsentEvent::Withdrawn,
            n => return Err(FfiError::invalid(format!("unknown consent event {n}"))),
        };
        a.record_consent(customer, event, now)?;
        Ok(())
    }
}

/// Record a sensitive behaviour (`behaviour`: a
/// `chatvault_archive_behaviour`) by `actor` in `role`, of `department`:
/// for a deleted or edited message `conversation` and `message` name it
/// (`device` is ignored); for a login `device` names the device (the
/// others are ignored). Audited and reported live; `*is_new` (may be NULL)
/// receives 0 for a login from a device already seen, else 1.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_record_behaviour(
    archive: *const chatvault_archive,
    actor: *const u8,
    actor_len: usize,
    role: u32,
    department: *const u8,
    department_len: usize,
    behaviour: u32,
    conversation: *const u8,
    conversation_len: usize,
    message: *const u8,
    message_len: usize,
    device: *const u8,
    device_len: usize,
    now: i64,
    is_new: *mut u8,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let actor = input_str(actor, actor_len, "actor")?;
        let role = role_from(role)?;
        let department = input_str(department, department_len, "department")?;
        let b = match behaviour {
            1 | 2 => {
                let conversation = input_str(conversation, conversation_len, "conversation")?;
                let message = input_str(message, message_len, "message")?;
                if behaviour == 1 {
                    Behaviour::MessageDeleted { conversation, message }
                } else {
                    Behaviour::MessageEdited { conversation, message }
                }
            }
            3 => Behaviour::Login { device: input_str(device, device_len, "device")? },
            n => return Err(FfiError::invalid(format!("unknown behaviour {n}"))),
        };
        let is_new = (!is_new.is_null()).then(|| out_ptr(is_new, "is_new")).transpose()?;
        let new = a.record_behaviour(actor, role, department, b, now)?;
        if let Some(o) = is_new {
            o.write(u8::from(new));
        }
        Ok(())
    }
}

/// Close a conversation at `now` (its `closed` retention clock starts).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_close(
    archive: *const chatvault_archive,
    conversation: *const u8,
    conversation_len: usize,
    now: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        a.close(input_str(conversation, conversation_len, "conversation")?, now)?;
        Ok(())
    }
}

/// Set (`set` = 1) a legal hold on a conversation, with `reason`, or
/// release (`set` = 0) its last active hold; `by` is audited. Releasing
/// with no active hold: CHATVAULT_RESULT_INVALID_ARGUMENT. A release is
/// under two-person control: `approvals` (see
/// `chatvault_archive_request_approval`), `(NULL, NULL, 0)` while no rule
/// is set; missing or insufficient approvals: CHATVAULT_RESULT_REFUSED.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_hold(
    archive: *const chatvault_archive,
    conversation: *const u8,
    conversation_len: usize,
    set: u8,
    by: *const u8,
    by_len: usize,
    reason: *const u8,
    reason_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let by = input_str(by, by_len, "by")?;
        let reason = input_str(reason, reason_len, "reason")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        if set != 0 {
            a.set_hold(conversation, by, reason, now)?;
        } else {
            a.release_hold(conversation, by, &approvals, now)?;
        }
        Ok(())
    }
}

/// The identity check of an erasure request: called with the customer id
/// (UTF-8, not NUL-terminated) and the user data; returns 1 to go on, 0 to
/// refuse.
#[allow(non_camel_case_types)]
pub type chatvault_archive_identity_check = Option<
    unsafe extern "C" fn(customer: *const u8, customer_len: usize, user_data: *mut c_void) -> u8,
>;

fn erasure_json(s: &ErasureStatus) -> Json {
    json!({
        "state": match s.state {
            ErasureState::NotRequested => "not_requested",
            ErasureState::Restricted => "restricted",
            ErasureState::Completed => "completed",
        },
        "requested": s.requested, "completed": s.completed,
        "conversations": s.conversations, "disposed": s.disposed, "held": s.held,
        "next_due": s.next_due,
    })
}

/// A customer asks for erasure: `identity_check` (required) is called with
/// the customer id during this call; 0 refuses (CHATVAULT_RESULT_REFUSED,
/// audited). Otherwise the customer's conversations are restricted at once
/// and shredded as each legal floor ends (now, or in a later sweep), the
/// customer's keys with the last one.
///
/// On success `*out` receives the status as JSON, freed with
/// `chatvault_bytes_free`: `{"state": "not_requested" | "restricted" |
/// "completed", "requested", "completed", "conversations", "disposed",
/// "held", "next_due"}` (times are Unix seconds or null).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_erasure(
    archive: *const chatvault_archive,
    customer: *const u8,
    customer_len: usize,
    identity_check: chatvault_archive_identity_check,
    user_data: *mut c_void,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let check = identity_check.ok_or_else(|| FfiError::null("identity_check"))?;
        let out = out_ptr(out, "out")?;
        let mut hook = |c: &str| {
            // SAFETY: the caller passed `check` as a function of this
            // signature; `c` lives until it returns and `user_data` is
            // passed back untouched.
            unsafe { check(c.as_ptr(), c.len(), user_data) != 0 }
        };
        let s = a.request_erasure(customer, &mut hook, now)?;
        put_bytes(out, erasure_json(&s).to_string().into_bytes());
        Ok(())
    }
}

/// Where `customer`'s erasure stands at `now`, as the JSON of
/// `chatvault_archive_request_erasure`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_erasure_status(
    archive: *const chatvault_archive,
    customer: *const u8,
    customer_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let customer = input_str(customer, customer_len, "customer")?;
        json_out(out, &erasure_json(&a.erasure_status(customer, now)?))
    }
}

fn sweep_json(r: &SweepReport) -> Json {
    json!({
        "evaluated": r.evaluated, "kept": r.kept, "restricted": r.restricted, "held": r.held,
        "applied": r.applied.iter().map(|x| json!({
            "conversation": x.conversation, "action": x.action.key(), "why": x.why,
        })).collect::<Vec<_>>(),
        "erasures_completed": r.erasures_completed,
        "compacted": r.compacted.map(|(b, a)| json!({"before": b, "after": a})),
        "skipped": r.skipped.iter().map(|(c, why)| json!({"conversation": c, "why": why}))
            .collect::<Vec<_>>(),
    })
}

/// Apply what the retention policy says is due at `now` (shred, delete,
/// archive, review), audited as done by `actor`. No policy set:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives JSON, freed with `chatvault_bytes_free`:
/// `{"evaluated", "kept", "restricted", "held", "applied":
/// [{"conversation", "action", "why"}], "erasures_completed", "compacted":
/// {"before", "after"} or null, "skipped": [{"conversation", "why"}]}`
/// (conversations the policy could not evaluate, left as they are).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_sweep(
    archive: *const chatvault_archive,
    actor: *const u8,
    actor_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let actor = input_str(actor, actor_len, "actor")?;
        json_out(out, &sweep_json(&a.sweep(actor, now)?))
    }
}

/// What falls due in `from <= t < to`, soonest first, as JSON freed with
/// `chatvault_bytes_free`: `[{"conversation", "action", "when", "why"}]`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_retention_plan(
    archive: *const chatvault_archive,
    from: i64,
    to: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let plan = a.retention_plan(from, to)?;
        json_out(out, &Json::Array(plan.iter().map(|p| json!({
            "conversation": p.conversation, "action": p.action.key(), "when": p.when,
            "why": p.why,
        })).collect()))
    }
}

fn stats_json(s: &Stats) -> Json {
    json!({
        "from": s.from, "to": s.to, "sessions": s.sessions, "messages": s.messages,
        "blocked": s.blocked, "reported": s.reported, "open": s.open,
        "behaviours": s.behaviours,
        "agents": s.agents.iter().map(|a| json!({
            "agent": a.agent, "sessions": a.sessions, "messages": a.messages,
            "first_response_s": a.first_response_s, "response_s": a.response_s,
            "resolved": a.resolved, "sensitive_hits": a.sensitive_hits,
            "blocked": a.blocked, "behaviours": a.behaviours,
        })).collect::<Vec<_>>(),
        "departments": s.departments.iter().map(|d| json!({
            "department": d.department, "sessions": d.sessions, "messages": d.messages,
            "first_response_s": d.first_response_s, "response_s": d.response_s,
            "resolved": d.resolved, "sensitive_hits": d.sensitive_hits,
        })).collect::<Vec<_>>(),
    })
}

/// Statistics for `from <= t < to` from metadata alone, as JSON freed with
/// `chatvault_bytes_free`: `{"from", "to", "sessions", "messages",
/// "blocked", "reported", "open", "behaviours", "agents": [{"agent",
/// "sessions", "messages", "first_response_s", "response_s", "resolved",
/// "sensitive_hits", "blocked", "behaviours"}], "departments":
/// [{"department", "sessions", "messages", "first_response_s",
/// "response_s", "resolved", "sensitive_hits"}]}` (mean seconds may be
/// null).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_stats(
    archive: *const chatvault_archive,
    from: i64,
    to: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        json_out(out, &stats_json(&a.stats(from, to)?))
    }
}

/// What `chatvault_archive_verify` found, written to a struct the caller
/// allocates.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct chatvault_archive_verify_report {
    /// Audit log records.
    pub audit_records: u64,
    /// Messages stored.
    pub messages: usize,
    /// Stored messages matching their audit record.
    pub matched: usize,
    /// Stored with another hash than the audit log holds.
    pub altered: usize,
    /// Archived per the audit log, missing though not disposed of.
    pub removed: usize,
    /// Stored with no audit record.
    pub unaudited: usize,
    /// Settings (two-person rule, retention policy) in force that are not
    /// the last change of them the audit log holds.
    pub settings_altered: usize,
    /// Conversations whose legal holds are not the ones the audit log saw.
    pub holds_altered: usize,
    /// Conversations disposed of without the audit log's word, or the
    /// other way round.
    pub disposals_altered: usize,
    /// 1 if nothing was altered, removed or slipped in.
    pub consistent: u8,
}

/// Check that the audit log and the stored messages agree (the audit log
/// itself was verified on opening). Disagreement is not an error: read
/// `consistent`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_verify(
    archive: *const chatvault_archive,
    out: *mut chatvault_archive_verify_report,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let out = out_ptr(out, "out")?;
        let r = a.verify()?;
        out.write(chatvault_archive_verify_report {
            audit_records: r.audit_records,
            messages: r.messages,
            matched: r.matched,
            altered: r.altered.len(),
            removed: r.removed.len(),
            unaudited: r.unaudited.len(),
            settings_altered: r.settings.len(),
            holds_altered: r.holds.len(),
            disposals_altered: r.disposals.len(),
            consistent: u8::from(r.is_consistent()),
        });
        Ok(())
    }
}

/// Sign a checkpoint of the audit log (C2SP tlog checkpoint, signed by the
/// archive's audit key, name `<tenant>/audit`) into `*out`, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_checkpoint(
    archive: *const chatvault_archive,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, a.checkpoint()?.into_bytes());
        Ok(())
    }
}

/// The tenant's public key, for grantees to open their grants with; freed
/// with `chatvault_tenant_public_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_tenant_public(
    archive: *const chatvault_archive,
    out: *mut *const chatvault_tenant_public,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let out = out_ptr(out, "out")?;
        out.write(arc_into_ptr(a.tenant_public()));
        Ok(())
    }
}

/// Issue a supervisor grant (as `chatvault_keyring_issue_supervisor_grant`:
/// departments one per line, window and validity in Unix seconds), audited
/// as `grant_issued` by `actor`, under two-person control (`approvals` as
/// for `chatvault_archive_hold`). `*out` receives the sealed grant, freed
/// with `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_issue_supervisor_grant(
    archive: *const chatvault_archive,
    grantee_public: *const u8,
    grantee_public_len: usize,
    label: *const u8,
    label_len: usize,
    departments: *const u8,
    departments_len: usize,
    window_from: i64,
    window_to: i64,
    not_before: i64,
    expires_at: i64,
    actor: *const u8,
    actor_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        let grantee = input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            grantee_public, grantee_public_len, "grantee_public")?;
        let label = input_str(label, label_len, "label")?;
        let departments = departments_from(input_str(departments, departments_len, "departments")?)?;
        let actor = input_str(actor, actor_len, "actor")?;
        let out = out_ptr(out, "out")?;
        let scope = SupervisorScope::new(&departments, window_from, window_to)?;
        let validity = Validity::new(not_before, expires_at)?;
        let blob = a.issue_supervisor_grant(
            &GranteePublic::from_bytes(grantee), label, &scope, validity, actor, &approvals, now)?;
        put_bytes(out, blob);
        Ok(())
    }
}

/// Issue an agent restore-key grant (as
/// `chatvault_keyring_issue_agent_grant`: `classes` is an array of
/// `classes_len` `chatvault_id_class` numbers), audited as `grant_issued`
/// by `actor`, under two-person control (`approvals` as for
/// `chatvault_archive_hold`). `*out` receives the sealed grant, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_issue_agent_grant(
    archive: *const chatvault_archive,
    grantee_public: *const u8,
    grantee_public_len: usize,
    label: *const u8,
    label_len: usize,
    classes: *const u8,
    classes_len: usize,
    not_before: i64,
    expires_at: i64,
    actor: *const u8,
    actor_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        let grantee = input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            grantee_public, grantee_public_len, "grantee_public")?;
        let label = input_str(label, label_len, "label")?;
        let classes = input_bytes(classes, classes_len, "classes")?
            .iter()
            .map(|c| class_from(*c))
            .collect::<Result<Vec<_>, _>>()?;
        let actor = input_str(actor, actor_len, "actor")?;
        let out = out_ptr(out, "out")?;
        let scope = AgentScope::new(&classes)?;
        let validity = Validity::new(not_before, expires_at)?;
        let blob = a.issue_agent_grant(
            &GranteePublic::from_bytes(grantee), label, &scope, validity, actor, &approvals, now)?;
        put_bytes(out, blob);
        Ok(())
    }
}

// ------------------------------------------------------- two-person control

/// The shares of a master key (`chatvault_master_key_split`,
/// `chatvault_archive_export_master_key_shares`); freed (zeroized) with
/// `chatvault_key_shares_free`.
///
/// Thread safety: immutable; may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_key_shares {
    _private: [u8; 0],
}

impl Castable for chatvault_key_shares {
    type Ownership = OwnershipBox;
    type RustType = Vec<KeyShare>;
}

/// Number of shares (0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_key_shares_len(shares: *const chatvault_key_shares) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(shares, "shares").map_or(0, Vec::len)
    }
}

/// The bytes of share `index` (docs/FORMAT.md section 15) into `*out`,
/// secret, zeroized by `chatvault_bytes_free`. Hand each share to its own
/// holder.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_key_shares_get(
    shares: *const chatvault_key_shares,
    index: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let s = try_ref(shares, "shares")?;
        let out = out_ptr(out, "out")?;
        let share = s.get(index).ok_or_else(|| {
            FfiError::invalid(format!("index {index} past the {} shares", s.len()))
        })?;
        put_secret(out, share.to_bytes());
        Ok(())
    }
}

/// Free (and zeroize) shares. NULL is fine; must not be called twice.
///
/// Thread safety: once no other call on them is running.
#[no_mangle]
pub extern "C" fn chatvault_key_shares_free(shares: *mut chatvault_key_shares) {
    ffi_panic_boundary_void! {
        free_box(shares);
    }
}

/// Split `master_key` of `tenant` into `count` shares of which any
/// `threshold` (2 to `count`) recover it. `*out` receives the shares.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_master_key_split(
    master_key: *const chatvault_master_key,
    tenant: *const u8,
    tenant_len: usize,
    threshold: u8,
    count: u8,
    out: *mut *mut chatvault_key_shares,
) -> chatvault_result {
    ffi_panic_boundary! {
        let mk = try_ref(master_key, "master_key")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(mk.split(tenant, threshold, count)?));
        Ok(())
    }
}

/// Shares as C passes them: `n` pointers to share bytes with their
/// lengths.
fn shares_from(
    shares: *const *const u8,
    share_lens: *const usize,
    n: usize,
) -> Result<Vec<KeyShare>, FfiError> {
    if n == 0 {
        return Err(FfiError::invalid("no key shares"));
    }
    if shares.is_null() {
        return Err(FfiError::null("shares"));
    }
    if share_lens.is_null() {
        return Err(FfiError::null("share_lens"));
    }
    if n > 255 {
        return Err(FfiError::invalid("at most 255 key shares"));
    }
    // SAFETY: both non-NULL and the caller promises `n` readable, aligned
    // elements in each array, unchanged during the call; the slices do not
    // outlive it.
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(shares, n),
            std::slice::from_raw_parts(share_lens, n),
        )
    };
    ptrs.iter()
        .zip(lens)
        .map(|(p, l)| Ok(KeyShare::from_bytes(input_bytes(*p, *l, "shares[i]")?)?))
        .collect()
}

/// Recover the master key of `tenant` from at least its threshold of
/// shares. Malformed share bytes: CHATVAULT_RESULT_MALFORMED; too few,
/// repeated or mixed shares: INVALID_ARGUMENT; shares that do not give back
/// their key (tampered): DECRYPT. `*out` receives a key the caller owns.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_master_key_combine(
    tenant: *const u8,
    tenant_len: usize,
    shares: *const *const u8,
    share_lens: *const usize,
    shares_len: usize,
    out: *mut *mut chatvault_master_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let shares = shares_from(shares, share_lens, shares_len)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(MasterKey::combine(tenant, &shares)?));
        Ok(())
    }
}

/// Like `chatvault_archive_open_with_kek`, with at least the threshold of
/// the master key's shares (from `chatvault_archive_export_master_key_shares`).
/// Shares of another key: CHATVAULT_RESULT_DECRYPT.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_archive_open_with_shares(
    dir: *const u8,
    dir_len: usize,
    shares: *const *const u8,
    share_lens: *const usize,
    shares_len: usize,
    out: *mut *const chatvault_archive,
) -> chatvault_result {
    ffi_panic_boundary! {
        let shares = shares_from(shares, share_lens, shares_len)?;
        opened(dir, dir_len, Unlock::Shares(&shares), out)
    }
}

/// Set the two-person rule: `threshold` (2 or more) of the
/// `approvers_len` approvers (C2SP verifier keys) must approve issuing a
/// grant, releasing a hold, exporting the master key and changing the
/// rule. The first rule is set by `actor` alone; replacing one needs
/// approvals of a request from `chatvault_archive_request_two_person_rule`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_set_two_person_rule(
    archive: *const chatvault_archive,
    threshold: usize,
    approvers: *const *const chatvault_audit_note_verifier,
    approvers_len: usize,
    actor: *const u8,
    actor_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let rule = rule_from(threshold, approvers, approvers_len)?;
        let actor = input_str(actor, actor_len, "actor")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        a.set_two_person_rule(&rule, actor, &approvals, now)?;
        Ok(())
    }
}

fn rule_from(
    threshold: usize,
    approvers: *const *const chatvault_audit_note_verifier,
    n: usize,
) -> Result<TwoPersonRule, FfiError> {
    if approvers.is_null() {
        return Err(FfiError::null("approvers"));
    }
    if n > 256 {
        return Err(FfiError::invalid("at most 256 approvers"));
    }
    // SAFETY: non-NULL and the caller promises `n` readable, aligned
    // pointers, unchanged during the call; the slice does not outlive it.
    let ptrs = unsafe { std::slice::from_raw_parts(approvers, n) };
    let verifiers = ptrs
        .iter()
        .map(|p| try_ref(*p, "approvers[i]").cloned())
        .collect::<Result<Vec<NoteVerifier>, _>>()?;
    Ok(TwoPersonRule::new(threshold, verifiers)?)
}

fn request_out(
    a: &Archive,
    op: &Operation<'_>,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> Result<(), FfiError> {
    let by = input_str(requested_by, requested_by_len, "requested_by")?;
    let out = out_ptr(out, "out")?;
    put_bytes(
        out,
        a.request_approval(op, by, now, valid_for)?.into_bytes(),
    );
    Ok(())
}

/// Write an approval request for releasing the hold of `conversation`,
/// open for `valid_for` seconds from `now` (at most 30 days), on behalf of
/// `requested_by`: `*out` receives the text every approver signs
/// (`chatvault_archive_approve`), freed with `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_release_hold(
    archive: *const chatvault_archive,
    conversation: *const u8,
    conversation_len: usize,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        request_out(a, &Operation::ReleaseHold { conversation }, requested_by, requested_by_len,
            now, valid_for, out)
    }
}

/// Write an approval request for issuing a supervisor grant with exactly
/// these parameters (as `chatvault_archive_issue_supervisor_grant`); see
/// `chatvault_archive_request_release_hold`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_supervisor_grant(
    archive: *const chatvault_archive,
    grantee_public: *const u8,
    grantee_public_len: usize,
    label: *const u8,
    label_len: usize,
    departments: *const u8,
    departments_len: usize,
    window_from: i64,
    window_to: i64,
    not_before: i64,
    expires_at: i64,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let grantee = GranteePublic::from_bytes(input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            grantee_public, grantee_public_len, "grantee_public")?);
        let label = input_str(label, label_len, "label")?;
        let departments = departments_from(input_str(departments, departments_len, "departments")?)?;
        let scope = SupervisorScope::new(&departments, window_from, window_to)?;
        let validity = Validity::new(not_before, expires_at)?;
        let op = Operation::IssueSupervisorGrant { grantee: &grantee, label, scope: &scope, validity };
        request_out(a, &op, requested_by, requested_by_len, now, valid_for, out)
    }
}

/// Write an approval request for issuing an agent grant with exactly these
/// parameters (as `chatvault_archive_issue_agent_grant`); see
/// `chatvault_archive_request_release_hold`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_agent_grant(
    archive: *const chatvault_archive,
    grantee_public: *const u8,
    grantee_public_len: usize,
    label: *const u8,
    label_len: usize,
    classes: *const u8,
    classes_len: usize,
    not_before: i64,
    expires_at: i64,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let grantee = GranteePublic::from_bytes(input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            grantee_public, grantee_public_len, "grantee_public")?);
        let label = input_str(label, label_len, "label")?;
        let classes = input_bytes(classes, classes_len, "classes")?
            .iter()
            .map(|c| class_from(*c))
            .collect::<Result<Vec<_>, _>>()?;
        let scope = AgentScope::new(&classes)?;
        let validity = Validity::new(not_before, expires_at)?;
        let op = Operation::IssueAgentGrant { grantee: &grantee, label, scope: &scope, validity };
        request_out(a, &op, requested_by, requested_by_len, now, valid_for, out)
    }
}

/// One holder of a share of the master key: a name and the public key
/// (`chatvault_grantee_public`, CHATVAULT_GRANTEE_PUBLIC_LEN bytes) the
/// share is sealed to.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_share_holder {
    /// The holder's name (UTF-8).
    pub name: *const u8,
    /// Bytes in `name`.
    pub name_len: usize,
    /// The holder's public key.
    pub public_key: [u8; CHATVAULT_GRANTEE_PUBLIC_LEN],
}

fn holders_from(
    holders: *const chatvault_share_holder,
    n: usize,
) -> Result<Vec<ShareHolder>, FfiError> {
    if holders.is_null() {
        return Err(FfiError::null("holders"));
    }
    if n > 255 {
        return Err(FfiError::invalid("at most 255 share holders"));
    }
    // SAFETY: non-NULL and the caller promises `n` readable, aligned
    // elements, unchanged during the call; the slice does not outlive it.
    let hs = unsafe { std::slice::from_raw_parts(holders, n) };
    hs.iter()
        .map(|h| {
            Ok(ShareHolder {
                name: input_str(h.name, h.name_len, "holders[i].name")?.to_owned(),
                public: GranteePublic::from_bytes(h.public_key),
            })
        })
        .collect()
}

/// Write an approval request for splitting the master key among the
/// `holders_len` holders, `threshold` of whose shares recover it
/// (`chatvault_archive_export_master_key_shares`); the request names each
/// holder and key. See `chatvault_archive_request_release_hold`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_master_key_shares(
    archive: *const chatvault_archive,
    threshold: u8,
    holders: *const chatvault_share_holder,
    holders_len: usize,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let holders = holders_from(holders, holders_len)?;
        let destination = KeyDestination::Shares { threshold, holders: &holders };
        request_out(a, &Operation::ExportMasterKey { destination }, requested_by,
            requested_by_len, now, valid_for, out)
    }
}

/// Write an approval request for replacing the two-person rule with
/// `threshold` of the `approvers_len` approvers; see
/// `chatvault_archive_request_release_hold`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_two_person_rule(
    archive: *const chatvault_archive,
    threshold: usize,
    approvers: *const *const chatvault_audit_note_verifier,
    approvers_len: usize,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let rule = rule_from(threshold, approvers, approvers_len)?;
        request_out(a, &Operation::SetTwoPersonRule { rule: &rule }, requested_by,
            requested_by_len, now, valid_for, out)
    }
}

/// An approver approves a request: `*out` receives the request signed
/// with the approver's key (a C2SP signed note), freed with
/// `chatvault_bytes_free`. Pass the approvals to the operation.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_archive_approve(
    request: *const u8,
    request_len: usize,
    approver: *const chatvault_audit_note_signer,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let request = input_str(request, request_len, "request")?;
        let signer = try_ref(approver, "approver")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, approve(request, signer)?.into_bytes());
        Ok(())
    }
}

/// Split the master key among the `holders_len` holders, `threshold` of
/// whose shares recover it, under two-person control (`approvals` as for
/// `chatvault_archive_hold`, of a request from
/// `chatvault_archive_request_master_key_shares` naming the same holders),
/// audited. `out` points to `holders_len` slots: slot i receives holder i's
/// share sealed to their key (open it with `chatvault_key_share_open`),
/// freed with `chatvault_bytes_free`; on failure every slot is left
/// untouched.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_export_master_key_shares(
    archive: *const chatvault_archive,
    threshold: u8,
    holders: *const chatvault_share_holder,
    holders_len: usize,
    actor: *const u8,
    actor_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let holders = holders_from(holders, holders_len)?;
        let actor = input_str(actor, actor_len, "actor")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        if out.is_null() {
            return Err(FfiError::null("out"));
        }
        let sealed = a.export_master_key_shares(threshold, &holders, actor, &approvals, now)?;
        for (i, blob) in sealed.into_iter().enumerate() {
            // `wrapping_add` stays in the caller's array of `holders_len`
            // slots: one sealed share per holder.
            put_bytes(out_ptr(out.wrapping_add(i), "out")?, blob);
        }
        Ok(())
    }
}

/// Open a share of the master key sealed to `secret`'s holder by the
/// tenant of `tenant_public` (from
/// `chatvault_archive_export_master_key_shares`): `*out` receives the
/// share's bytes (docs/FORMAT.md section 15) for
/// `chatvault_archive_open_with_shares`, secret, zeroized by
/// `chatvault_bytes_free`. Another holder's share:
/// CHATVAULT_RESULT_GRANT_INVALID; tampered: DECRYPT or GRANT_INVALID.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_key_share_open(
    blob: *const u8,
    blob_len: usize,
    secret: *const chatvault_grantee_secret,
    tenant_public: *const chatvault_tenant_public,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let blob = input_bytes(blob, blob_len, "blob")?;
        let secret = try_ref(secret, "secret")?;
        let tp = try_ref(tenant_public, "tenant_public")?;
        let out = out_ptr(out, "out")?;
        put_secret(out, crate::keys::open_key_share(blob, secret, tp)?.to_bytes());
        Ok(())
    }
}

// ------------------------------------------------------------------ exports

/// The format of an export (`chatvault_archive_export`,
/// `chatvault_archive_subject_access_export`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_export_format {
    /// One JSON document (see `chatvault::archive::ExportFormat::Json`).
    Json = 1,
    /// RFC 4180 CSV, one row per message, formulas defused.
    Csv = 2,
}

fn format_from(n: u32) -> Result<ExportFormat, FfiError> {
    match n {
        1 => Ok(ExportFormat::Json),
        2 => Ok(ExportFormat::Csv),
        _ => Err(FfiError::invalid(format!("unknown export format {n}"))),
    }
}

fn department_filter(department: *const u8, department_len: usize) -> Result<Filter, FfiError> {
    let dept = input_str(department, department_len, "department")?;
    Ok(Filter {
        department: (!dept.is_empty()).then(|| dept.to_owned()),
        ..Filter::default()
    })
}

/// Write an approval request for a bulk export of the conversations of
/// `department` (`(NULL, 0)`: all) in `format` (a
/// `chatvault_export_format`) sealed to `recipient_public`; see
/// `chatvault_archive_request_release_hold`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_request_export(
    archive: *const chatvault_archive,
    department: *const u8,
    department_len: usize,
    format: u32,
    recipient_public: *const u8,
    recipient_public_len: usize,
    requested_by: *const u8,
    requested_by_len: usize,
    now: i64,
    valid_for: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let filter = department_filter(department, department_len)?;
        let format = format_from(format)?;
        let recipient = GranteePublic::from_bytes(input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            recipient_public, recipient_public_len, "recipient_public")?);
        let name = if format == ExportFormat::Json { "json" } else { "csv" };
        let op = Operation::BulkExport { format: name, recipient: &recipient, filter: &filter };
        request_out(a, &op, requested_by, requested_by_len, now, valid_for, out)
    }
}

/// Export the conversations of `department` (`(NULL, 0)`: all) in
/// `format`, identifiers masked, restricted and disposed-of conversations
/// left out, signed by the tenant and sealed to `recipient_public`
/// (opened with `chatvault_export_open`); under two-person control
/// (`approvals` as for `chatvault_archive_hold`); audited. `*out` receives
/// the sealed export, freed with `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_export(
    archive: *const chatvault_archive,
    department: *const u8,
    department_len: usize,
    format: u32,
    recipient_public: *const u8,
    recipient_public_len: usize,
    actor: *const u8,
    actor_len: usize,
    approvals: *const *const u8,
    approval_lens: *const usize,
    approvals_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let filter = department_filter(department, department_len)?;
        let format = format_from(format)?;
        let recipient = GranteePublic::from_bytes(input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
            recipient_public, recipient_public_len, "recipient_public")?);
        let actor = input_str(actor, actor_len, "actor")?;
        let approvals = approvals_from(approvals, approval_lens, approvals_len)?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, a.export(&filter, format, &recipient, actor, &approvals, now)?);
        Ok(())
    }
}

/// A customer's own records (subject access) in `format`: every
/// conversation still held, restricted ones included, identifiers
/// restored. `identity_check` (required) is the helpdesk's identity check
/// (0 refuses: CHATVAULT_RESULT_REFUSED, audited). With
/// `recipient_public` (CHATVAULT_GRANTEE_PUBLIC_LEN bytes) the result is
/// signed and sealed to it; with `(NULL, 0)` it is returned as is. `*out`
/// receives it, zeroized by `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_archive_subject_access_export(
    archive: *const chatvault_archive,
    customer: *const u8,
    customer_len: usize,
    identity_check: chatvault_archive_identity_check,
    user_data: *mut c_void,
    format: u32,
    recipient_public: *const u8,
    recipient_public_len: usize,
    now: i64,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = try_ref(archive, "archive")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let check = identity_check.ok_or_else(|| FfiError::null("identity_check"))?;
        let format = format_from(format)?;
        let recipient = if recipient_public.is_null() && recipient_public_len == 0 {
            None
        } else {
            Some(GranteePublic::from_bytes(input_array::<CHATVAULT_GRANTEE_PUBLIC_LEN>(
                recipient_public, recipient_public_len, "recipient_public")?))
        };
        let out = out_ptr(out, "out")?;
        let mut hook = |c: &str| {
            // SAFETY: the caller passed `check` as a function of this
            // signature; `c` lives until it returns and `user_data` is
            // passed back untouched.
            unsafe { check(c.as_ptr(), c.len(), user_data) != 0 }
        };
        let doc = a.subject_access_export(customer, &mut hook, format, recipient.as_ref(), now)?;
        put_secret(out, doc);
        Ok(())
    }
}

/// Open an export sealed to `secret`'s holder by the tenant of
/// `tenant_public`: `*out` receives the JSON or CSV bytes, zeroized by
/// `chatvault_bytes_free`. Another recipient's export:
/// CHATVAULT_RESULT_GRANT_INVALID; tampered: DECRYPT or GRANT_INVALID.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_export_open(
    blob: *const u8,
    blob_len: usize,
    secret: *const chatvault_grantee_secret,
    tenant_public: *const chatvault_tenant_public,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let blob = input_bytes(blob, blob_len, "blob")?;
        let secret = try_ref(secret, "secret")?;
        let tp = try_ref(tenant_public, "tenant_public")?;
        let out = out_ptr(out, "out")?;
        put_secret(out, crate::keys::open_export(blob, secret, tp)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn audit_kinds_used_in_reports_have_c_numbers() {
        for k in crate::audit::EventKind::ALL {
            assert!(super::super::audit::kind_from(u32::from(k.number())).is_ok());
        }
    }
}
