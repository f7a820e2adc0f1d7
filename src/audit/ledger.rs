//! The hash-chained, Merkle-tree log of audit records, in memory.
//!
//! Owns: the record layout (`prev || event`: each record starts with the
//! leaf hash of the record before it, the first with the log's genesis
//! hash), [`Ledger`] (append, roots, proofs) and [`verify_records`], which
//! replays a whole log and reports the first record that does not belong.
//!
//! Invariant: record `i` is Merkle leaf `i`, its event carries sequence
//! number `i`, and its first 32 bytes are the leaf hash of record `i - 1`;
//! so a record changed, removed, inserted or moved breaks the chain at the
//! next record, and a log cut short gives a smaller tree than a checkpoint
//! held elsewhere.

use sha2::{Digest, Sha256};

use super::event::Event;
use super::merkle::{leaf_hash, Hash, MerkleTree};
use crate::error::{Error, ErrorKind, Result};

/// The link before the first record of the log named `log_id`:
/// `SHA-256("chatvault/audit/genesis" || lp16(log_id))`.
pub fn genesis(log_id: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(b"chatvault/audit/genesis");
    h.update((log_id.len() as u16).to_be_bytes());
    h.update(log_id.as_bytes());
    h.finalize().into()
}

/// The longest log id, in bytes.
pub const MAX_LOG_ID: usize = 128;

fn check_log_id(log_id: &str) -> Result<()> {
    if log_id.is_empty() || log_id.len() > MAX_LOG_ID || log_id.contains('\n') {
        return Err(Error::invalid(format!(
            "a log id is 1 to {MAX_LOG_ID} bytes without newlines"
        )));
    }
    Ok(())
}

/// An append-only audit log in memory: the chain head and the Merkle tree.
/// File storage builds on it.
///
/// # Examples
/// ```
/// use chatvault::audit::{verify_records, Event, EventKind, Ledger, Role};
///
/// let mut log = Ledger::new("acme/audit")?;
/// let mut records = Vec::new();
/// for (i, kind) in [EventKind::ArchiveViewed, EventKind::FieldRevealed].into_iter().enumerate() {
///     let e = Event::new(1_767_225_600_000 + i as i64, kind, "sup-3", Role::Supervisor, "support");
///     records.push(log.append(&e)?);
/// }
/// let checked = verify_records("acme/audit", records.iter().map(|r| r.as_slice()))?;
/// assert_eq!((checked.size, checked.root), (2, log.root()));
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Ledger {
    log_id: String,
    tree: MerkleTree,
    head: Hash,
}

impl Ledger {
    /// An empty log named `log_id` (1 to 128 bytes, no newline; the
    /// checkpoint origin).
    pub fn new(log_id: &str) -> Result<Ledger> {
        check_log_id(log_id)?;
        Ok(Ledger {
            log_id: log_id.to_owned(),
            tree: MerkleTree::new(),
            head: genesis(log_id),
        })
    }

    /// The log's name.
    pub fn log_id(&self) -> &str {
        &self.log_id
    }

    /// Number of records.
    pub fn size(&self) -> u64 {
        self.tree.len()
    }

    /// The Merkle root of all records.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The leaf hash of the last record (the genesis hash when empty): the
    /// link the next record starts with.
    pub fn head(&self) -> Hash {
        self.head
    }

    /// The Merkle tree of the records.
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// Append `event` as the next record; returns the record's bytes
    /// (`prev || event encoding`), to be stored.
    pub fn append(&mut self, event: &Event) -> Result<Vec<u8>> {
        let encoded = event.encode(self.size())?;
        let mut record = Vec::with_capacity(32 + encoded.len());
        record.extend_from_slice(&self.head);
        record.extend_from_slice(&encoded);
        self.push_record(&record);
        Ok(record)
    }

    /// Check that this log extends `checkpoint` (for example one an auditor
    /// kept from an earlier export): same origin, at least its size, and
    /// its root at that size. A log cut short, or with records changed
    /// below the checkpoint, fails ([`ErrorKind::Malformed`]).
    pub fn check_extends(&self, checkpoint: &super::Checkpoint) -> Result<()> {
        let bad = |why: String| Error::new(ErrorKind::Malformed, why);
        if checkpoint.origin != self.log_id {
            return Err(bad(format!(
                "the checkpoint is of log {:?}",
                checkpoint.origin
            )));
        }
        if checkpoint.size > self.size() {
            return Err(bad(format!(
                "the log was cut short: a checkpoint covers {} records, the log holds {}",
                checkpoint.size,
                self.size()
            )));
        }
        if self.tree.root_at(checkpoint.size)? != checkpoint.root {
            return Err(bad(format!(
                "the first {} records differ from the checkpoint's",
                checkpoint.size
            )));
        }
        Ok(())
    }

    fn push_record(&mut self, record: &[u8]) {
        let leaf = leaf_hash(record);
        self.tree.push_hash(leaf);
        self.head = leaf;
    }
}

/// What [`verify_records`] establishes about a log that verifies.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Number of records.
    pub size: u64,
    /// The Merkle root of all records.
    pub root: Hash,
    /// The leaf hash of the last record.
    pub head: Hash,
    /// The rebuilt log, ready to append to.
    pub ledger: Ledger,
}

/// Replay the records of the log `log_id` in order: every record must link
/// to the one before, decode canonically, and carry its position as
/// sequence number. The error names the first record that fails
/// (`record 17: ...`), with [`ErrorKind::Malformed`]; a log that verifies
/// gives its size and root, to compare with a checkpoint held outside it
/// (a log cut short has a smaller size, a changed last record another
/// root).
pub fn verify_records<'a>(
    log_id: &str,
    records: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Verified> {
    let mut ledger = Ledger::new(log_id)?;
    for (i, record) in records.into_iter().enumerate() {
        let bad = |why: String| Error::new(ErrorKind::Malformed, format!("record {i}: {why}"));
        if record.len() < 32 {
            return Err(bad("shorter than its link".into()));
        }
        let (prev, body) = record.split_at(32);
        if prev != ledger.head {
            return Err(bad(if i == 0 {
                "does not start the log (wrong genesis link)".into()
            } else {
                format!(
                    "does not follow record {} (removed, inserted, moved or changed records)",
                    i - 1
                )
            }));
        }
        let (seq, _) = Event::decode(body).map_err(|e| bad(e.to_string()))?;
        if seq != i as u64 {
            return Err(bad(format!("carries sequence number {seq}")));
        }
        ledger.push_record(record);
    }
    Ok(Verified {
        size: ledger.size(),
        root: ledger.root(),
        head: ledger.head,
        ledger,
    })
}
