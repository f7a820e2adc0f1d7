//! Audit log segment files: framing, group commit, repair on open.
//!
//! Owns: the segment file layout (docs/FORMAT.md section 13.3), [`AuditLog`]
//! (a single writer: append, group commit by batch or deadline, durable
//! size, poisoning on a failed write or sync), [`CommitPolicy`], and
//! opening: every record is re-verified, a torn last record is cut off and
//! the repair itself appended to the log, any other damage refuses to open.
//!
//! Invariants: records reported durable (`durable_size`) survive a crash;
//! after a failed write or sync the writer refuses everything (the file may
//! hold a partial batch, which the next open repairs); a log opens only if
//! it verifies.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::crc32c::{crc32c, crc32c_update};
use super::event::{Event, EventKind, Role, Value, MAX_EVENT_BYTES};
use super::ledger::{verify_records, Ledger};
use super::merkle::Hash;
use super::note::{parse_note, Checkpoint, NoteSigner};
use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 4] = b"CVAL";
const SEGMENT_VERSION: u8 = 1;
const SUFFIX: &str = ".cvlog";
/// Framing bytes around a record: length and CRC-32C.
pub const FRAME_OVERHEAD: usize = 8;
/// The longest record a frame may hold: a link and the longest event.
const MAX_RECORD: usize = 32 + MAX_EVENT_BYTES;
/// A new segment starts once the current one reaches this size.
pub const DEFAULT_SEGMENT_BYTES: u64 = 64 << 20;

/// When buffered records are written and synced (group commit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitPolicy {
    /// Sync once this many records are buffered.
    pub max_batch: usize,
    /// Sync when the oldest buffered record has waited this long (checked
    /// on each append; call [`AuditLog::flush`] to bound it on an idle log).
    pub max_delay: Duration,
}

impl Default for CommitPolicy {
    /// 256 records or 10 ms.
    fn default() -> Self {
        CommitPolicy {
            max_batch: 256,
            max_delay: Duration::from_millis(10),
        }
    }
}

impl CommitPolicy {
    /// Sync after every record.
    pub const EVERY_RECORD: CommitPolicy = CommitPolicy {
        max_batch: 1,
        max_delay: Duration::ZERO,
    };
}

/// What opening a log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Records that verified.
    pub records: u64,
    /// A torn last record was cut off: (segment file, offset it was cut
    /// at, bytes dropped). The repair is also appended to the log as a
    /// [`EventKind::LogRepaired`] event.
    pub repaired: Option<(PathBuf, u64, u64)>,
}

/// An audit log stored in a directory of segment files, with one writer.
///
/// # Examples
/// ```
/// use chatvault::audit::{AuditLog, CommitPolicy, Event, EventKind, Role};
///
/// let dir = tempfile::tempdir()?;
/// let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::default())?;
/// let e = Event::new(1_767_225_600_000, EventKind::ArchiveViewed, "sup-3", Role::Supervisor, "support");
/// log.append(&e)?;
/// assert_eq!(log.durable_size(), 0); // buffered
/// log.flush()?;
/// assert_eq!(log.durable_size(), 1);
/// let root = log.root();
/// drop(log);
///
/// let (log, report) = AuditLog::open(dir.path(), CommitPolicy::default())?;
/// assert_eq!((report.records, report.repaired), (1, None));
/// assert_eq!(log.root(), root);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AuditLog {
    dir: PathBuf,
    ledger: Ledger,
    file: Arc<File>,
    segment_bytes: u64,
    segment_limit: u64,
    buf: Vec<u8>,
    buffered: usize,
    durable: u64,
    pending_since: Option<Instant>,
    policy: CommitPolicy,
    poisoned: Option<String>,
    signed: Option<Checkpoint>,
}

/// Whether a frame with a good checksum starts anywhere after `pos`.
/// Only run when a frame fails, so its cost (a checksum per plausible
/// offset) is paid on damaged logs alone.
fn frame_after(bytes: &[u8], pos: usize) -> bool {
    (pos + 1..bytes.len().saturating_sub(8)).any(|q| {
        let n = u32::from_be_bytes(bytes[q..q + 4].try_into().expect("4 bytes")) as usize;
        // A record holds at least its link and an event's fixed fields.
        (32 + 24..=MAX_RECORD).contains(&n)
            && q + 8 + n <= bytes.len()
            && u32::from_be_bytes(bytes[q + 4 + n..q + 8 + n].try_into().expect("4 bytes"))
                == crc32c(&bytes[q..q + 4 + n])
    })
}

/// Frames taken from an [`AuditLog`] to be written and synced.
#[derive(Debug)]
pub(crate) struct Batch {
    bytes: Vec<u8>,
    /// The durable size once written.
    upto: u64,
    file: Arc<File>,
}

impl Batch {
    /// Append the frames to the segment and sync them.
    pub(crate) fn write(&self) -> std::io::Result<()> {
        (&*self.file).write_all(&self.bytes)?;
        self.file.sync_data()
    }
}

/// What reading a log directory found.
struct Scan {
    segs: Vec<(u64, PathBuf)>,
    /// Bytes of the last segment read.
    last_len: u64,
    verified: super::ledger::Verified,
    /// A torn last frame: (offset, bytes from there to the end).
    torn: Option<(u64, u64)>,
    /// A torn new segment: (file, 0, its length).
    torn_segment: Option<(PathBuf, u64, u64)>,
    signed: Option<Checkpoint>,
}

/// What [`AuditLog::verify_dir`] found in a log directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirReport {
    /// The log's id.
    pub log_id: String,
    /// Records that verify.
    pub records: u64,
    /// Their Merkle root.
    pub root: Hash,
    /// The last checkpoint the log kept, which the records extend.
    pub checkpoint: Option<Checkpoint>,
    /// A torn tail that opening the log would cut off: (segment file,
    /// offset, bytes).
    pub torn: Option<(PathBuf, u64, u64)>,
}

/// The file holding the last checkpoint the log signed.
const CHECKPOINT_FILE: &str = "checkpoint";

fn segment_name(first_seq: u64) -> String {
    format!("{first_seq:020}{SUFFIX}")
}

fn header(log_id: &str, first_seq: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(64);
    h.put(MAGIC);
    h.put_u8(SEGMENT_VERSION);
    h.put_lp16(log_id.as_bytes());
    h.put_u64(first_seq);
    h
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("syncing the audit log directory", e))
}

/// The segment files of `dir`, by first sequence number.
fn segments(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io("listing the audit log", e))? {
        let entry = entry.map_err(|e| Error::io("listing the audit log", e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(num) = name.strip_suffix(SUFFIX) else {
            continue;
        };
        if num.len() == 20 && num.bytes().all(|b| b.is_ascii_digit()) {
            let first: u64 = num
                .parse()
                .map_err(|_| Error::malformed(format!("segment name {name}")))?;
            out.push((first, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

fn create_segment(dir: &Path, log_id: &str, first_seq: u64) -> Result<(File, u64)> {
    let path = dir.join(segment_name(first_seq));
    let mut f = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(&path)
        .map_err(|e| Error::io("creating an audit segment", e))?;
    let h = header(log_id, first_seq);
    f.write_all(&h)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io("writing an audit segment header", e))?;
    sync_dir(dir)?;
    Ok((f, h.len() as u64))
}

impl AuditLog {
    /// Create a new, empty log named `log_id` in the directory `dir`
    /// (created if missing; it must not hold a log already).
    pub fn create(dir: &Path, log_id: &str, policy: CommitPolicy) -> Result<AuditLog> {
        let ledger = Ledger::new(log_id)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io("creating the audit log directory", e))?;
        if !segments(dir)?.is_empty() {
            return Err(Error::invalid(format!(
                "{} already holds an audit log",
                dir.display()
            )));
        }
        let (file, segment_bytes) = create_segment(dir, log_id, 0)?;
        Ok(AuditLog {
            dir: dir.to_owned(),
            ledger,
            file: Arc::new(file),
            segment_bytes,
            segment_limit: DEFAULT_SEGMENT_BYTES,
            buf: Vec::new(),
            buffered: 0,
            durable: 0,
            pending_since: None,
            policy,
            poisoned: None,
            signed: None,
        })
    }

    /// Read and verify every segment of `dir` without changing anything.
    fn scan(dir: &Path) -> Result<Scan> {
        let segs = segments(dir)?;
        if segs.is_empty() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{} holds no audit log", dir.display()),
            ));
        }
        let mut log_id: Option<String> = None;
        let mut data: Vec<Vec<u8>> = Vec::with_capacity(segs.len());
        let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // (segment, start, end)
        let mut torn: Option<(usize, u64, u64)> = None;
        // A new segment whose header was torn: (file, 0, its length).
        let mut torn_segment: Option<(PathBuf, u64, u64)> = None;
        let mut count = 0u64;
        for (si, (first, path)) in segs.iter().enumerate() {
            let last = si + 1 == segs.len();
            let mut bytes = Vec::new();
            File::open(path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| Error::io("reading an audit segment", e))?;
            let damaged = |at: usize, why: &str| {
                Error::malformed(format!("{} at byte {at}: {why}", path.display()))
            };
            let mut r = Reader::new(&bytes, "audit segment header");
            let parsed = (|| {
                if r.array::<4>()? != *MAGIC {
                    return Err(Error::malformed("not an audit segment"));
                }
                let v = r.u8()?;
                if v != SEGMENT_VERSION {
                    return Err(Error::new(
                        ErrorKind::UnsupportedVersion,
                        format!("audit segment version {v}"),
                    ));
                }
                let id = r.str16()?.to_owned();
                let seq = r.u64()?;
                Ok((id, seq))
            })();
            let (id, seq) = match parsed {
                Ok(h) => h,
                // A crash while a new segment was being created leaves a
                // prefix of its header and nothing else: drop the file.
                Err(_)
                    if last
                        && si > 0
                        && log_id
                            .as_ref()
                            .is_some_and(|id| header(id, count).starts_with(&bytes)) =>
                {
                    torn_segment = Some((path.clone(), 0, bytes.len() as u64));
                    break;
                }
                Err(e) => return Err(damaged(0, &e.to_string())),
            };
            if seq != *first || seq != count {
                return Err(damaged(
                    0,
                    &format!("starts at record {seq}, expected {count}"),
                ));
            }
            if log_id.get_or_insert_with(|| id.clone()) != &id {
                return Err(damaged(0, &format!("belongs to log {id:?}")));
            }
            let mut pos = bytes.len() - r.rest().len();
            while pos < bytes.len() {
                let left = bytes.len() - pos;
                let len = (left >= 4).then(|| {
                    u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes")) as usize
                });
                let frame_end = len.map(|n| pos + 4 + n + 4);
                let whole = frame_end.is_some_and(|e| e <= bytes.len())
                    && len.is_some_and(|n| n <= MAX_RECORD);
                let good = whole && {
                    let n = len.expect("length read");
                    let stored = u32::from_be_bytes(
                        bytes[pos + 4 + n..pos + 8 + n].try_into().expect("4 bytes"),
                    );
                    stored == crc32c(&bytes[pos..pos + 4 + n])
                };
                if good {
                    let n = len.expect("length read");
                    spans.push((si, pos + 4, pos + 4 + n));
                    pos += 8 + n;
                    count += 1;
                    continue;
                }
                // A frame that cannot be read is a torn write only in the
                // last segment, and only if it is the last thing there: no
                // readable frame starts anywhere after it (a damaged length
                // field must not pass for a torn write and cut off the
                // records behind it), and either its length field is
                // incomplete, the frame it declares reaches the end of the
                // file, or nothing but zeros follows (a file system that
                // extended the file before the data landed).
                let reaches_end = frame_end.is_none_or(|e| e >= bytes.len())
                    || bytes[pos..].iter().all(|&b| b == 0);
                if last && reaches_end && !frame_after(&bytes, pos) {
                    torn = Some((si, pos as u64, left as u64));
                    break;
                }
                return Err(damaged(
                    pos,
                    "damaged frame (length or checksum) before the end of the log",
                ));
            }
            data.push(bytes);
        }
        let log_id = log_id.expect("at least one segment");
        let verified = verify_records(&log_id, spans.iter().map(|&(si, a, b)| &data[si][a..b]))?;
        let signed = read_checkpoint(dir, &log_id, &verified.ledger)?;
        let last_len = data.last().map_or(0, |d| d.len() as u64);
        Ok(Scan {
            segs,
            last_len,
            verified,
            torn: torn.map(|(_, at, dropped)| (at, dropped)),
            torn_segment,
            signed,
        })
    }

    /// Open the log in `dir`: read and verify every record of every segment.
    /// A torn last record (a crash mid-append) is cut off, and the repair is
    /// appended to the log and synced; any other damage (a bad frame before
    /// the end, a broken chain, a missing or foreign segment) refuses to
    /// open with [`ErrorKind::Malformed`] naming the segment and offset or
    /// record.
    pub fn open(dir: &Path, policy: CommitPolicy) -> Result<(AuditLog, OpenReport)> {
        let Scan {
            mut segs,
            last_len,
            verified,
            torn,
            torn_segment,
            signed,
        } = AuditLog::scan(dir)?;
        if let Some((path, _, _)) = &torn_segment {
            std::fs::remove_file(path)
                .map_err(|e| Error::io("removing a torn audit segment", e))?;
            sync_dir(dir)?;
            segs.pop();
        }
        let last_path = segs.last().expect("at least one segment").1.clone();
        let file = OpenOptions::new()
            .append(true)
            .open(&last_path)
            .map_err(|e| Error::io("opening the last audit segment", e))?;
        let mut segment_bytes = last_len;
        let mut report = OpenReport {
            records: verified.size,
            repaired: torn_segment,
        };
        if let Some((at, dropped)) = torn {
            file.set_len(at)
                .and_then(|()| file.sync_all())
                .map_err(|e| Error::io("cutting a torn audit record", e))?;
            segment_bytes = at;
            report.repaired = Some((last_path.clone(), at, dropped));
        }
        let mut log = AuditLog {
            dir: dir.to_owned(),
            ledger: verified.ledger,
            file: Arc::new(file),
            segment_bytes,
            segment_limit: DEFAULT_SEGMENT_BYTES,
            buf: Vec::new(),
            buffered: 0,
            durable: verified.size,
            pending_since: None,
            policy,
            poisoned: None,
            signed,
        };
        if let Some((path, at, dropped)) = &report.repaired {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            let mut e = Event::new(now, EventKind::LogRepaired, "chatvault", Role::System, "");
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            e.details.insert("segment".into(), Value::Text(name));
            e.details.insert("offset".into(), Value::Int(*at as i64));
            e.details
                .insert("dropped_bytes".into(), Value::Int(*dropped as i64));
            log.append(&e)?;
            log.flush()?;
        }
        Ok((log, report))
    }

    /// Verify the log in `dir` without changing it (for an auditor's copy):
    /// every segment, frame and record, and the kept checkpoint, as
    /// [`AuditLog::open`] does, but a torn tail is only reported. Any damage
    /// is an error naming the segment and offset or the record.
    pub fn verify_dir(dir: &Path) -> Result<DirReport> {
        let scan = AuditLog::scan(dir)?;
        let torn = match (scan.torn_segment, scan.torn) {
            (Some(t), _) => Some(t),
            (None, Some((at, dropped))) => {
                let last = scan.segs.last().expect("at least one segment").1.clone();
                Some((last, at, dropped))
            }
            (None, None) => None,
        };
        Ok(DirReport {
            log_id: scan.verified.ledger.log_id().to_owned(),
            records: scan.verified.size,
            root: scan.verified.root,
            checkpoint: scan.signed,
            torn,
        })
    }

    /// Start a new segment once the current one reaches `bytes` (default
    /// 64 MiB).
    pub fn set_segment_limit(&mut self, bytes: u64) {
        self.segment_limit = bytes.max(1);
    }

    fn check(&self) -> Result<()> {
        match &self.poisoned {
            Some(why) => Err(Error::new(
                ErrorKind::Poisoned,
                format!("the audit log failed to write earlier ({why}); reopen it"),
            )),
            None => Ok(()),
        }
    }

    /// Append `event`; returns its sequence number. The record is durable
    /// once [`AuditLog::durable_size`] exceeds that number: at the latest
    /// when the batch fills, its deadline passes on a later append, or
    /// [`AuditLog::flush`] is called.
    pub fn append(&mut self, event: &Event) -> Result<u64> {
        let seq = self.buffer(event)?;
        let since = self.pending_since.unwrap_or_else(Instant::now);
        if self.buffered >= self.policy.max_batch || since.elapsed() >= self.policy.max_delay {
            self.flush()?;
        }
        Ok(seq)
    }

    /// Append `event` to the buffer only (no write, no sync).
    pub(crate) fn buffer(&mut self, event: &Event) -> Result<u64> {
        self.check()?;
        let seq = self.ledger.size();
        let record = self.ledger.append(event)?;
        let start = self.buf.len();
        self.buf.put_u32(record.len() as u32);
        self.buf.put(&record);
        let crc = crc32c_update(crc32c(&self.buf[start..start + 4]), &record);
        self.buf.put_u32(crc);
        self.buffered += 1;
        self.pending_since.get_or_insert_with(Instant::now);
        Ok(seq)
    }

    /// Fail if an earlier write failed.
    pub(crate) fn check_usable(&self) -> Result<()> {
        self.check()
    }

    /// Write and sync every buffered record; returns the durable size. A
    /// failed write or sync poisons the writer: every later call fails with
    /// [`ErrorKind::Poisoned`] until the log is reopened.
    pub fn flush(&mut self) -> Result<u64> {
        self.check()?;
        let Some(batch) = self.take_batch() else {
            return Ok(self.durable);
        };
        let written = batch.write();
        self.finish_batch(batch, written)
    }

    /// Take the buffered frames out of the writer, to be written and synced
    /// (by [`Batch::write`], possibly without holding the writer) and then
    /// handed back to [`AuditLog::finish_batch`]. Only one batch may be in
    /// flight at a time.
    pub(crate) fn take_batch(&mut self) -> Option<Batch> {
        if self.buffered == 0 {
            return None;
        }
        self.buffered = 0;
        self.pending_since = None;
        Some(Batch {
            bytes: std::mem::take(&mut self.buf),
            upto: self.ledger.size(),
            file: Arc::clone(&self.file),
        })
    }

    /// Record the outcome of writing `batch`: the durable size on success,
    /// poisoning on failure; starts a new segment when the current one is
    /// full.
    pub(crate) fn finish_batch(
        &mut self,
        batch: Batch,
        written: std::io::Result<()>,
    ) -> Result<u64> {
        if let Err(e) = written {
            self.poisoned = Some(e.to_string());
            return Err(Error::io("writing the audit log", e));
        }
        self.segment_bytes += batch.bytes.len() as u64;
        self.durable = batch.upto;
        if self.buf.is_empty() {
            // Keep the allocation for the next batch.
            self.buf = batch.bytes;
            self.buf.clear();
        }
        if self.segment_bytes >= self.segment_limit {
            match create_segment(&self.dir, self.ledger.log_id(), self.durable) {
                Ok((file, bytes)) => {
                    self.file = Arc::new(file);
                    self.segment_bytes = bytes;
                }
                Err(e) => {
                    self.poisoned = Some(e.to_string());
                    return Err(e);
                }
            }
        }
        Ok(self.durable)
    }

    /// Sign a checkpoint of every record appended so far (they are synced
    /// first): a C2SP signed note with the log id as origin, the durable
    /// size and the root. It is also kept in the log's directory, and
    /// opening the log later refuses records that do not extend it (a log
    /// cut short or rewritten). The log never signs a tree smaller than one
    /// it signed before.
    pub fn checkpoint(&mut self, signer: &NoteSigner) -> Result<String> {
        self.flush()?;
        let size = self.durable;
        if let Some(prev) = &self.signed {
            if size < prev.size {
                return Err(Error::invalid(format!(
                    "the log signed a tree of {} records before; it holds {size}",
                    prev.size
                )));
            }
        }
        let cp = Checkpoint {
            origin: self.log_id().to_owned(),
            size,
            root: self.ledger.tree().root_at(size)?,
            extensions: Vec::new(),
        };
        let note = cp.sign(&[signer])?;
        let tmp = self.dir.join(format!("{CHECKPOINT_FILE}.tmp"));
        let kept = File::create(&tmp)
            .and_then(|mut f| f.write_all(note.as_bytes()).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&tmp, self.dir.join(CHECKPOINT_FILE)));
        if let Err(e) = kept {
            return Err(Error::io("keeping the signed checkpoint", e));
        }
        sync_dir(&self.dir)?;
        self.signed = Some(cp);
        Ok(note)
    }

    /// Visit every record in order (buffered ones are synced first): its
    /// sequence number and bytes. Each record is checked against the tree
    /// built when the log was opened or appended to, so a file changed
    /// underneath the log since then is reported, not read.
    pub(crate) fn for_each_record(
        &mut self,
        mut visit: impl FnMut(u64, &[u8]) -> Result<bool>,
    ) -> Result<()> {
        self.flush()?;
        let mut seq = 0u64;
        for (_, path) in segments(&self.dir)? {
            let mut bytes = Vec::new();
            File::open(&path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| Error::io("reading an audit segment", e))?;
            let mut r = Reader::new(&bytes, "audit segment");
            r.bytes(4 + 1)?;
            r.lp16()?;
            r.u64()?;
            while seq < self.durable {
                let len = match r.u32() {
                    Ok(n) => n as usize,
                    Err(_) => break, // the next segment
                };
                let record = r.bytes(len)?;
                r.u32()?;
                if self.ledger.tree().leaf(seq) != Some(super::merkle::leaf_hash(record)) {
                    return Err(Error::malformed(format!(
                        "record {seq} changed on disk since the log was opened"
                    )));
                }
                if !visit(seq, record)? {
                    return Ok(());
                }
                seq += 1;
            }
        }
        if seq != self.durable {
            return Err(Error::malformed(format!(
                "the segments hold {seq} records; the log has {}",
                self.durable
            )));
        }
        Ok(())
    }

    /// The last checkpoint this log signed, if any.
    pub fn last_checkpoint(&self) -> Option<&Checkpoint> {
        self.signed.as_ref()
    }

    /// Records appended (durable or not).
    pub fn size(&self) -> u64 {
        self.ledger.size()
    }

    /// Records known to be on stable storage.
    pub fn durable_size(&self) -> u64 {
        self.durable
    }

    /// The Merkle root of every appended record.
    pub fn root(&self) -> Hash {
        self.ledger.root()
    }

    /// The in-memory log: chain head, tree and proofs.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The log's name.
    pub fn log_id(&self) -> &str {
        self.ledger.log_id()
    }
}

/// The checkpoint kept in `dir`, checked against the verified records: the
/// records must extend it.
fn read_checkpoint(dir: &Path, log_id: &str, ledger: &Ledger) -> Result<Option<Checkpoint>> {
    let path = dir.join(CHECKPOINT_FILE);
    let note = match std::fs::read_to_string(&path) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading the signed checkpoint", e)),
    };
    let bad = |why: String| Error::malformed(format!("{}: {why}", path.display()));
    let (text, _) = parse_note(&note).map_err(|e| bad(e.to_string()))?;
    let cp = Checkpoint::parse(&text).map_err(|e| bad(e.to_string()))?;
    if cp.origin != log_id {
        return Err(bad(format!("signed for log {:?}", cp.origin)));
    }
    if cp.size > ledger.size() {
        return Err(bad(format!(
            "the log was cut short: it signed {} records and holds {}",
            cp.size,
            ledger.size()
        )));
    }
    if ledger.tree().root_at(cp.size)? != cp.root {
        return Err(bad(format!(
            "the first {} records differ from those the log signed",
            cp.size
        )));
    }
    Ok(Some(cp))
}

impl Drop for AuditLog {
    /// Best effort: write and sync what is buffered.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
