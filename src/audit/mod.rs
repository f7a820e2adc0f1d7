//! The tamper-evident audit log.
//!
//! Owns, so far:
//! - [`merkle`]: RFC 6962 / RFC 9162 Merkle tree hashing with inclusion and
//!   consistency proofs that anyone can verify with the proof, the tree
//!   sizes and the roots alone;
//! - [`Event`] and its canonical encoding (docs/FORMAT.md section 13.1),
//!   with personal data only as keyed [`Commitment`]s;
//! - [`Ledger`]: records hash-chained to the one before and appended to the
//!   Merkle tree, in memory, and [`verify_records`], which replays a log and
//!   names the first record that does not belong.
//!
//! - [`AuditLog`]: the records in append-only segment files, each framed
//!   with its length and CRC-32C, synced in groups (by batch or deadline)
//!   with the durable size exposed; a torn last record is repaired on open
//!   (and the repair logged), any other damage refuses to open.
//!
//! - [`SharedAuditLog`]: group commit across threads (each appender waits
//!   for durability; one sync serves all records buffered meanwhile);
//! - [`Checkpoint`]s: C2SP tlog checkpoints in C2SP signed notes
//!   ([`NoteSigner`], [`NoteVerifier`]), with cosignatures;
//! - [`Query`] and exports for auditors ([`AuditLog::export`],
//!   [`verify_export`]): JSON lines with a signed checkpoint and an
//!   inclusion proof per event, verifiable offline.

pub(crate) mod crc32c;
mod event;
mod ledger;
pub mod merkle;
mod note;
mod query;
mod shared;
mod store;

pub use event::{
    Commitment, Event, EventKind, Id, ObjectKind, Role, Value, EVENT_VERSION, MAX_EVENT_BYTES,
    MAX_ITEMS, MAX_KEY_BYTES, MAX_NAME_BYTES,
};
pub use ledger::{genesis, verify_records, Ledger, Verified, MAX_LOG_ID};
pub use note::{
    open_note, parse_note, sign_note, Checkpoint, NoteSignature, NoteSigner, NoteVerifier,
    MAX_NOTE_BYTES,
};
pub use query::{verify_export, Entry, Query};
pub use shared::SharedAuditLog;
pub use store::{
    AuditLog, CommitPolicy, DirReport, OpenReport, DEFAULT_SEGMENT_BYTES, FRAME_OVERHEAD,
};
