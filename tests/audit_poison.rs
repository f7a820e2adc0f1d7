//! A failed write poisons the audit log writer. Its own test binary: it
//! limits the process's file size (RLIMIT_FSIZE) to make writes fail.

use chatvault::audit::{AuditLog, CommitPolicy, Event, EventKind, Role};
use chatvault::ErrorKind;

#[test]
fn a_failed_write_poisons_the_writer_and_reopening_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    let e = Event::new(
        1_767_225_600_000,
        EventKind::ArchiveViewed,
        "sup-1",
        Role::Supervisor,
        "support",
    );
    for _ in 0..5 {
        log.append(&e).unwrap();
    }
    let durable = log.durable_size();
    let seg = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let len = std::fs::metadata(&seg).unwrap().len();
    // SAFETY: test-only process settings: ignore SIGXFSZ so that a write
    // past the limit fails with EFBIG instead of killing the process, then
    // cap the file size a few bytes past the segment's end. This binary
    // runs this one test.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let lim = libc::rlimit {
            rlim_cur: len + 10,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
    let err = log.append(&e).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(log.durable_size(), durable);
    // Poisoned from now on.
    assert_eq!(log.append(&e).unwrap_err().kind(), ErrorKind::Poisoned);
    assert_eq!(log.flush().unwrap_err().kind(), ErrorKind::Poisoned);
    // SAFETY: as above, lifting the limit again.
    unsafe {
        let lim = libc::rlimit {
            rlim_cur: libc::RLIM_INFINITY,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
    std::mem::forget(log);
    // The partial frame is torn: reopening repairs it; durable records stay.
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(report.records, durable);
    assert!(report.repaired.is_some(), "{report:?}");
    assert_eq!(log.size(), durable + 1);
}
