//! Audit segment files: group commit, durable size, crash repair at every
//! byte offset, fail-closed opening on damage, segment rotation.

use std::path::{Path, PathBuf};

use chatvault::audit::{
    AuditLog, CommitPolicy, Event, EventKind, Id, ObjectKind, Role, Value, FRAME_OVERHEAD,
};
use chatvault::ErrorKind;

const T0: i64 = 1_767_225_600_000;

fn event(i: u64) -> Event {
    let mut e = Event::new(
        T0 + i as i64,
        EventKind::ALL[i as usize % 22],
        "agent-1",
        Role::Agent,
        "support",
    );
    e.objects
        .push((ObjectKind::Conversation, Id::Plain(format!("conv-{i}"))));
    e.details.insert("n".into(), Value::Int(i as i64));
    e
}

fn segment_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cvlog"))
        .collect();
    v.sort();
    v
}

/// A log of `n` records, each synced; returns the offset where each
/// record's frame ends in the single segment.
fn log_of(dir: &Path, n: u64) -> (chatvault::audit::merkle::Hash, Vec<u64>) {
    let mut log = AuditLog::create(dir, "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    let seg = segment_files(dir).pop().unwrap();
    let mut ends = Vec::new();
    for i in 0..n {
        log.append(&event(i)).unwrap();
        assert_eq!(log.durable_size(), i + 1);
        ends.push(std::fs::metadata(&seg).unwrap().len());
    }
    (log.root(), ends)
}

#[test]
fn group_commit_exposes_the_durable_size() {
    let dir = tempfile::tempdir().unwrap();
    let policy = CommitPolicy {
        max_batch: 4,
        max_delay: std::time::Duration::from_secs(3600),
    };
    let mut log = AuditLog::create(dir.path(), "acme/audit", policy).unwrap();
    for i in 0..3 {
        assert_eq!(log.append(&event(i)).unwrap(), i);
        assert_eq!(log.durable_size(), 0);
    }
    log.append(&event(3)).unwrap();
    assert_eq!(log.durable_size(), 4);
    log.append(&event(4)).unwrap();
    assert_eq!((log.size(), log.durable_size()), (5, 4));
    assert_eq!(log.flush().unwrap(), 5);
    // A deadline of zero syncs on every append.
    let dir2 = tempfile::tempdir().unwrap();
    let mut log2 = AuditLog::create(
        dir2.path(),
        "acme/audit",
        CommitPolicy {
            max_batch: 1000,
            max_delay: std::time::Duration::ZERO,
        },
    )
    .unwrap();
    log2.append(&event(0)).unwrap();
    assert_eq!(log2.durable_size(), 1);
    // Creating over an existing log is refused; opening an empty dir too.
    assert!(AuditLog::create(dir.path(), "acme/audit", policy).is_err());
    let empty = tempfile::tempdir().unwrap();
    assert!(AuditLog::open(empty.path(), policy).is_err());
    // Per record: 8 bytes of framing and the 32-byte link.
    assert_eq!(FRAME_OVERHEAD, 8);
}

#[test]
fn reopening_verifies_and_continues() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = log_of(dir.path(), 30);
    let (mut log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!((report.records, report.repaired), (30, None));
    assert_eq!(log.root(), root);
    log.append(&event(30)).unwrap();
    drop(log);
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(report.records, 31);
    assert_eq!(log.ledger().tree().root_at(30).unwrap(), root);
}

#[test]
fn a_cut_at_every_byte_of_the_last_records_is_repaired_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (root, ends) = log_of(dir.path(), 12);
    let seg = segment_files(dir.path()).pop().unwrap();
    let full = std::fs::read(&seg).unwrap();
    let from = ends[8] as usize; // cut anywhere in the last three records
    for cut in from..full.len() {
        let work = tempfile::tempdir().unwrap();
        let copy = work.path().join(seg.file_name().unwrap());
        std::fs::write(&copy, &full[..cut]).unwrap();
        let (log, report) = AuditLog::open(work.path(), CommitPolicy::EVERY_RECORD)
            .unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        let kept = ends.iter().filter(|&&e| e as usize <= cut).count() as u64;
        assert_eq!(report.records, kept, "cut at {cut}");
        assert_eq!(log.ledger().tree().root_at(kept).unwrap(), {
            let (orig, _) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
            orig.ledger().tree().root_at(kept).unwrap()
        });
        let at_boundary = ends.contains(&(cut as u64));
        match &report.repaired {
            None => assert!(at_boundary, "cut at {cut} not repaired"),
            Some((_, offset, dropped)) => {
                assert!(!at_boundary);
                assert_eq!(*offset as usize + *dropped as usize, cut);
                // The repair is the next record, durable.
                assert_eq!(log.size(), kept + 1);
                assert_eq!(log.durable_size(), kept + 1);
            }
        }
        drop(log);
        // Reopening again finds a clean log.
        let (_, again) = AuditLog::open(work.path(), CommitPolicy::EVERY_RECORD).unwrap();
        assert_eq!(again.repaired, None, "cut at {cut}");
    }
    let (log, _) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(log.root(), root);
}

#[test]
fn a_kill_before_the_sync_loses_only_records_not_reported_durable() {
    let dir = tempfile::tempdir().unwrap();
    let policy = CommitPolicy {
        max_batch: 5,
        max_delay: std::time::Duration::from_secs(3600),
    };
    let mut log = AuditLog::create(dir.path(), "acme/audit", policy).unwrap();
    for i in 0..13 {
        log.append(&event(i)).unwrap();
    }
    assert_eq!(log.durable_size(), 10);
    // A kill: nothing of the open batch reaches the file, no destructor.
    std::mem::forget(log);
    let (log, report) = AuditLog::open(dir.path(), policy).unwrap();
    assert_eq!((report.records, report.repaired), (10, None));
    assert_eq!(log.size(), 10);
}

#[test]
fn damage_before_the_end_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let (_, ends) = log_of(dir.path(), 10);
    let seg = segment_files(dir.path()).pop().unwrap();
    let good = std::fs::read(&seg).unwrap();
    // A flipped byte inside record 4's frame: the checksum fails and more
    // records follow: not a torn write.
    let mut bad = good.clone();
    bad[ends[3] as usize + 20] ^= 1;
    std::fs::write(&seg, &bad).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(e.detail().contains(&format!("at byte {}", ends[3])), "{e}");
    assert!(e.detail().contains("damaged frame"), "{e}");
    // A record rewritten with a valid checksum: the chain catches it.
    let mut forged = good.clone();
    let start = ends[3] as usize;
    let len = u32::from_be_bytes(forged[start..start + 4].try_into().unwrap()) as usize;
    forged[start + 4 + 40] ^= 1; // inside the event
    let crc = crc32c_of(&forged[start..start + 4 + len]);
    forged[start + 4 + len..start + 8 + len].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&seg, &forged).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(
        e.detail().starts_with("record 4: ") || e.detail().starts_with("record 5: "),
        "{e}"
    );
    // A foreign header.
    let mut foreign = good.clone();
    foreign[0] = b'X';
    std::fs::write(&seg, &foreign).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap_err();
    assert!(e.detail().contains("not an audit segment"), "{e}");
}

/// CRC-32C, bitwise, written from its definition (reflected polynomial
/// 0x82F63B78), to forge a valid frame.
fn crc32c_of(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82f6_3b78
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn segments_rotate_and_a_missing_segment_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    log.set_segment_limit(600);
    for i in 0..40 {
        log.append(&event(i)).unwrap();
    }
    let root = log.root();
    drop(log);
    let segs = segment_files(dir.path());
    assert!(segs.len() > 3, "{} segments", segs.len());
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!((report.records, log.root()), (40, root));
    drop(log);
    let middle = &segs[1];
    let saved = std::fs::read(middle).unwrap();
    std::fs::remove_file(middle).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
    assert!(e.detail().contains("expected"), "{e}");
    std::fs::write(middle, saved).unwrap();
    // A segment of another log.
    let other = tempfile::tempdir().unwrap();
    let mut o = AuditLog::create(other.path(), "other/audit", CommitPolicy::EVERY_RECORD).unwrap();
    o.append(&event(0)).unwrap();
    drop(o);
    let theirs = segment_files(other.path()).pop().unwrap();
    let ours_last = segs.last().unwrap();
    let next = ours_last.with_file_name(format!("{:020}.cvlog", 40));
    std::fs::copy(theirs, &next).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
    assert!(
        e.detail().contains("starts at record 0, expected 40")
            || e.detail().contains("belongs to log"),
        "{e}"
    );
}

#[test]
fn a_segment_torn_while_being_created_is_removed_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    log.set_segment_limit(600);
    let header_len = 4 + 1 + 2 + "acme/audit".len() as u64 + 8;
    // Append until the writer has just rotated: its new segment is empty.
    for i in 0.. {
        log.append(&event(i)).unwrap();
        let last = segment_files(dir.path()).pop().unwrap();
        if i > 0 && std::fs::metadata(&last).unwrap().len() == header_len {
            break;
        }
        assert!(i < 100, "no rotation");
    }
    let size = log.size();
    drop(log);
    let segs = segment_files(dir.path());
    assert!(segs.len() >= 2);
    // Replace the empty new segment by a torn prefix of its header.
    let last = segs.last().unwrap();
    let head = std::fs::read(last).unwrap();
    std::fs::write(last, &head[..6]).unwrap();
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(report.records, size);
    assert_eq!(report.repaired, Some((last.clone(), 0, 6)));
    assert_eq!(log.size(), size + 1);
    drop(log);
    let (_, again) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!((again.records, again.repaired), (size + 1, None));
    // Anything else in a header is damage.
    let segs = segment_files(dir.path());
    let last = segs.last().unwrap();
    let mut bytes = std::fs::read(last).unwrap();
    bytes[4] = 9;
    std::fs::write(last, &bytes).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
    assert!(e.detail().contains("version 9"), "{e}");
}

#[test]
fn a_damaged_length_in_the_middle_is_not_mistaken_for_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let (_, ends) = log_of(dir.path(), 10);
    let seg = segment_files(dir.path()).pop().unwrap();
    let good = std::fs::read(&seg).unwrap();
    // Record 3's length field damaged so that the frame it declares runs
    // past the end of the file, as a torn write's would: the readable
    // frames behind it show it is damage, and nothing is cut.
    for len in [0u32, 100, 70_000, u32::MAX] {
        let mut bad = good.clone();
        let at = ends[2] as usize;
        bad[at..at + 4].copy_from_slice(&len.to_be_bytes());
        std::fs::write(&seg, &bad).unwrap();
        let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
        assert!(e.detail().contains("damaged frame"), "length {len}: {e}");
        assert_eq!(std::fs::read(&seg).unwrap(), bad, "the file was changed");
    }
    std::fs::write(&seg, &good).unwrap();
    // A zero-filled tail after the last record is a torn write.
    let mut zeros = good.clone();
    zeros.extend_from_slice(&[0u8; 100]);
    std::fs::write(&seg, &zeros).unwrap();
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(report.records, 10);
    assert_eq!(
        report.repaired.map(|r| (r.1, r.2)),
        Some((good.len() as u64, 100))
    );
    assert_eq!(log.size(), 11);
}
