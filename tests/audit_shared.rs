//! Group commit across threads: every record reported durable is on disk,
//! in one verifiable log.

use std::collections::HashSet;
use std::sync::Arc;

use chatvault::audit::{
    AuditLog, CommitPolicy, Event, EventKind, NoteSigner, Role, SharedAuditLog,
};

fn event(t: u64, i: u64) -> Event {
    let mut e = Event::new(
        1_767_225_600_000 + i as i64,
        EventKind::FieldRevealed,
        format!("agent-{t}"),
        Role::Agent,
        "support",
    );
    e.details
        .insert("i".into(), chatvault::audit::Value::Int(i as i64));
    e
}

#[test]
fn threads_appending_durably_share_syncs_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::default()).unwrap();
    let shared = Arc::new(SharedAuditLog::new(log));
    const THREADS: u64 = 8;
    const EACH: u64 = 300;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                (0..EACH)
                    .map(|i| {
                        let seq = shared.append_durable(&event(t, i)).unwrap();
                        // Durable when it returns.
                        assert!(shared.durable_size() > seq);
                        seq
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for h in handles {
        let seqs = h.join().unwrap();
        // Each thread's records are in its own order in the log.
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
        for s in seqs {
            assert!(seen.insert(s));
        }
    }
    assert_eq!(seen.len() as u64, THREADS * EACH);
    assert_eq!(shared.durable_size(), THREADS * EACH);
    // Non-durable appends, then a flush.
    for i in 0..5 {
        shared.append(&event(99, i)).unwrap();
    }
    assert_eq!(shared.size(), THREADS * EACH + 5);
    assert_eq!(shared.flush().unwrap(), THREADS * EACH + 5);
    let key = NoteSigner::generate("acme-audit-log").unwrap();
    let note = shared.with(|log| log.checkpoint(&key)).unwrap().unwrap();
    assert!(note.contains(&format!("\n{}\n", THREADS * EACH + 5)));
    let log = Arc::try_unwrap(shared).unwrap().into_inner().unwrap();
    let root = log.root();
    drop(log);
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap();
    assert_eq!(
        (report.records, report.repaired),
        (THREADS * EACH + 5, None)
    );
    assert_eq!(log.root(), root);
}
