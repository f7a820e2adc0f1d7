//! The whole ingest path of the archive, and each of its stages beside it
//! in the same run, so the report says where the time goes.
//!
//! Messages are the lines of `text/zh-huge.txt` (shared data directory:
//! `../shared/data`, or `CHATVAULT_DATA`), scanned with the 64k-word
//! dictionary `words/zh-64k.txt` (full normalization; one category whose
//! words are masked in customers' messages, so matches cost a masked copy
//! but no extra audit events). Without the shared data the bench says so
//! and measures nothing.
//!
//! `archive/ingest` (throughput in messages):
//! - `scan`: `Scanner::scan` of each line (the 64k dictionary);
//! - `detect`: `Detector::detect` of each line (PII);
//! - `detect_mask`: detection plus `Masker::mask` with the customer's
//!   class keys (originals sealed);
//! - `seal`: one AES-256-GCM seal of each line with a conversation sealer;
//! - `audit_append`: one audit event appended (in memory; synced by the
//!   group commit of `ingest` in the real path);
//! - `ingest`: `Archive::ingest` of each line into a real archive on disk
//!   (200 conversations, round robin), with group commit (256 messages or
//!   10 ms: record file synced, then the audit log), i.e. everything above
//!   plus blind indexes, the record file and the locks;
//! - `ingest_unsynced`: the same with syncing off, so the cost of the
//!   syncs is the difference.
//!
//! Run: `cargo bench --bench archive`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chatvault::archive::{Archive, Conversation, Message, Options, Protect};
use chatvault::audit::{AuditLog, CommitPolicy, Event, EventKind, Id, ObjectKind, Role};
use chatvault::keys::{Kek, Keyring, MasterKey, MemoryKeyStore};
use chatvault::mask::{CustomerKeys, Masker, RecordRef};
use chatvault::pii::Detector;
use chatvault::scan::{Action, DictionaryBuilder, Direction, Normalization, Policy, Scanner};
use chatvault::seal::{Context, Suite};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const BATCH: usize = 500;
const CONVERSATIONS: usize = 200;
const T0: i64 = 1_767_225_600;

fn data_dir() -> PathBuf {
    std::env::var_os("CHATVAULT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn read(rel: &str) -> Option<String> {
    let path = data_dir().join(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!(
                "archive bench: {} not readable ({e}); set CHATVAULT_DATA to the shared data \
                 directory. Nothing measured.",
                path.display()
            );
            None
        }
    }
}

fn scanner(words: &str) -> Scanner {
    let mut b = DictionaryBuilder::new();
    let c = b.category("sensitive").expect("category");
    b.load_plain(words, c).expect("words load");
    let mut p = Policy::new(Action::Allow);
    p.set(c, Direction::CustomerToAgent, Action::Mask);
    p.set(c, Direction::AgentToCustomer, Action::Mask);
    b.build(Normalization::ALL, p).expect("scanner builds")
}

fn bench(c: &mut Criterion) {
    let (Some(words), Some(text)) = (read("words/zh-64k.txt"), read("text/zh-huge.txt")) else {
        return;
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    eprintln!(
        "archive bench: {} messages ({} bytes, mean {} bytes), {} words",
        lines.len(),
        bytes,
        bytes / lines.len(),
        words.lines().count()
    );
    let scanner = Arc::new(scanner(&words));
    let next = AtomicU64::new(0);
    // The lines of a batch, cycling through the file.
    let lines: &[&str] = &lines;
    let batch =
        move |n: u64| (0..BATCH).map(move |i| lines[(n as usize * BATCH + i) % lines.len()]);

    let mut g = c.benchmark_group("archive/ingest");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(20);

    g.bench_function("scan", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            for line in batch(n) {
                black_box(
                    scanner
                        .scan(line, Direction::CustomerToAgent)
                        .expect("scan"),
                );
            }
        })
    });

    let detector = Detector::new();
    g.bench_function("detect", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            for line in batch(n) {
                black_box(detector.detect(line).expect("detect"));
            }
        })
    });

    let ring = Keyring::new(
        "bench",
        MasterKey::generate().expect("key"),
        Arc::new(MemoryKeyStore::new()),
    )
    .expect("keyring");
    let masker = Masker::new(ring.pseudonym_key().expect("pseudonym key"));
    let customer = CustomerKeys::new(&ring, "cust-1");
    g.bench_function("detect_mask", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            for line in batch(n) {
                let found = detector.detect(line).expect("detect");
                black_box(
                    masker
                        .mask(line, &found, &customer, &RecordRef::new("bench", "c/m"))
                        .expect("mask"),
                );
            }
        })
    });

    let sealer = ring
        .conversation_key("sales", "conv-1", T0)
        .expect("key")
        .sealer(Suite::Aes256Gcm);
    g.bench_function("seal", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            for line in batch(n) {
                black_box(
                    sealer
                        .seal(&Context::new("bench", "conv-1/m", "text"), line.as_bytes())
                        .expect("seal"),
                );
            }
        })
    });

    let audit_dir = tempfile::tempdir().expect("temporary directory");
    let mut log =
        AuditLog::create(audit_dir.path(), "bench/audit", CommitPolicy::default()).expect("log");
    g.bench_function("audit_append", |b| {
        b.iter(|| {
            for i in 0..BATCH {
                let mut e = Event::new(
                    T0 * 1000,
                    EventKind::MessageArchived,
                    "agent-1",
                    Role::Agent,
                    "sales",
                );
                e.objects
                    .push((ObjectKind::Conversation, Id::Plain("conv-1".into())));
                e.objects
                    .push((ObjectKind::Message, Id::Plain(format!("m{i}"))));
                black_box(log.append(&e).expect("append"));
            }
        })
    });
    drop(log);

    let dir = tempfile::tempdir().expect("temporary directory");
    let ids: Vec<String> = (0..CONVERSATIONS).map(|i| format!("conv-{i}")).collect();
    let make = |name: &str, commit: CommitPolicy| {
        let mut archive = Archive::create(
            &dir.path().join(name),
            "bench",
            MasterKey::generate().expect("key"),
            Protect::Kek(&Kek::from_bytes([3; 32])),
            Options::default(),
        )
        .expect("archive");
        archive.set_commit_policy(commit);
        archive
            .set_scanner_arc(scanner.clone())
            .expect("set scanner");
        for (i, id) in ids.iter().enumerate() {
            archive
                .start_conversation(&Conversation::new(id, "sales", &format!("cust-{i}"), T0))
                .expect("conversation");
        }
        archive
    };
    // The real path, and the same without syncing (what the syncs cost is
    // the difference).
    for (name, commit) in [
        ("ingest", CommitPolicy::default()),
        (
            "ingest_unsynced",
            CommitPolicy {
                max_batch: usize::MAX,
                max_delay: Duration::MAX,
            },
        ),
    ] {
        let archive = make(name, commit);
        let serial = AtomicU64::new(0);
        g.bench_function(name, |b| {
            b.iter(|| {
                let n = next.fetch_add(1, Ordering::Relaxed);
                for line in batch(n) {
                    let k = serial.fetch_add(1, Ordering::Relaxed);
                    let id = format!("m{k}");
                    let conv = &ids[k as usize % CONVERSATIONS];
                    black_box(
                        archive
                            .ingest(&Message::customer(conv, &id, T0 + k as i64, line))
                            .expect("ingest"),
                    );
                }
            })
        });
        archive.flush().expect("flush");
        let v = archive.verify().expect("verify");
        eprintln!(
            "archive bench ({name}): {} messages ingested, {} audit records, consistent: {}",
            v.messages,
            v.audit_records,
            v.is_consistent()
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
