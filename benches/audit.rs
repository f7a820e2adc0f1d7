//! The audit log's Merkle tree: appends in memory, proofs at a million
//! entries, and their verification, beside raw SHA-256 in the same run.
//!
//! - `audit/append/merkle_push_200B`: `MerkleTree::push` of 100,000
//!   200-byte events (leaf hash and tree update), throughput in events.
//! - `audit/append/raw_sha256_same_work`: the primitive floor: SHA-256 of
//!   the same 100,000 leaf inputs plus one 65-byte node hash each (an
//!   append computes one node hash on average).
//! - `audit/prove/inclusion_1m`, `consistency_1m`: proofs for random leaves
//!   and old sizes in a tree of 1,048,576 leaves.
//! - `audit/verify/inclusion_1m`, `consistency_1m`: their verification.
//! - `audit/build/tree_1m_from_leaf_hashes`: rebuilding the tree of
//!   1,048,576 leaf hashes and its root, the tree part of verifying a
//!   whole log.
//!
//! - `audit/durable/group_commit_20k`: `AuditLog::append` of 20,000 events
//!   (about 100 bytes each) to a new log in a temporary directory with the
//!   default group commit (sync every 256 records or 10 ms), then `flush`;
//!   throughput in durable events.
//! - `audit/durable/shared_4_threads_durable_each_20k`: the same events
//!   from four threads through `SharedAuditLog::append_durable`, each
//!   append waiting until its record is synced (group commit across
//!   threads).
//! - `audit/durable/sync_every_record_2k`: its reference, one thread
//!   syncing after every record (2,000 records).
//! - `audit/durable/raw_write_sync_same_bytes`: the floor: the same frames
//!   written to a plain file with `write_all` and `sync_data` every 256.
//! - `audit/open/verify_1m`: `AuditLog::open` of a 1,048,576-record log
//!   (read, frame checks, canonical decoding, hash chain, Merkle tree).
//!
//! Printed once: bytes of tree memory per entry, and the log's bytes on
//! disk per record beyond the encoded event.
//!
//! Run: `cargo bench --bench audit`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;

use std::io::Write;

use chatvault::audit::merkle::{
    leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash, MerkleTree,
};
use chatvault::audit::{
    AuditLog, CommitPolicy, Event, EventKind, Id, ObjectKind, Role, SharedAuditLog, Value,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sha2::{Digest, Sha256};

const MILLION: u64 = 1 << 20;

fn events(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let mut e =
                format!("{{\"kind\":\"field_revealed\",\"seq\":{i},\"actor\":\"agent-17\"}}")
                    .into_bytes();
            e.resize(200, b' ');
            e
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let evs = events(100_000);
    let mut g = c.benchmark_group("audit/append");
    g.throughput(Throughput::Elements(evs.len() as u64));
    g.sample_size(20);
    g.bench_function("merkle_push_200B", |b| {
        b.iter_batched(
            MerkleTree::new,
            |mut t| {
                for e in &evs {
                    t.push(e);
                }
                t
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("raw_sha256_same_work", |b| {
        b.iter(|| {
            let mut acc = [0u8; 32];
            for e in &evs {
                let mut h = Sha256::new();
                h.update([0u8]);
                h.update(e);
                let leaf: [u8; 32] = h.finalize().into();
                let mut h = Sha256::new();
                h.update([1u8]);
                h.update(acc);
                h.update(leaf);
                acc = h.finalize().into();
            }
            acc
        })
    });
    g.finish();

    let leaves: Vec<Hash> = (0..MILLION).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let mut tree = MerkleTree::new();
    for l in &leaves {
        tree.push_hash(*l);
    }
    let root = tree.root();
    // Leaf hashes, the nodes of height 3 and above, and the right edge.
    let stored: u64 = MILLION + MILLION / 8 + MILLION / 16 * 2;
    eprintln!(
        "audit bench: tree of {} leaves, about {} bytes per entry",
        tree.len(),
        stored * 32 / MILLION
    );
    let mut g = c.benchmark_group("audit/prove");
    let mut i = 0u64;
    g.bench_function("inclusion_1m", |b| {
        b.iter(|| {
            i = (i + 7919) % MILLION;
            tree.inclusion_proof(black_box(i), MILLION).unwrap()
        })
    });
    let mut old = 1u64;
    g.bench_function("consistency_1m", |b| {
        b.iter(|| {
            old = 1 + (old + 104_729) % (MILLION - 1);
            tree.consistency_proof(black_box(old), MILLION).unwrap()
        })
    });
    g.finish();

    let index = 123_457;
    let proof = tree.inclusion_proof(index, MILLION).unwrap();
    let old_size = 654_321;
    let old_root = tree.root_at(old_size).unwrap();
    let cproof = tree.consistency_proof(old_size, MILLION).unwrap();
    let mut g = c.benchmark_group("audit/verify");
    g.bench_function("inclusion_1m", |b| {
        b.iter(|| {
            verify_inclusion(
                &leaves[index as usize],
                index,
                MILLION,
                black_box(&proof),
                &root,
            )
            .unwrap()
        })
    });
    g.bench_function("consistency_1m", |b| {
        b.iter(|| {
            verify_consistency(old_size, MILLION, black_box(&cproof), &old_root, &root).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("audit/build");
    g.sample_size(10);
    g.throughput(Throughput::Elements(MILLION));
    g.bench_function("tree_1m_from_leaf_hashes", |b| {
        b.iter(|| {
            let mut t = MerkleTree::new();
            for l in &leaves {
                t.push_hash(*l);
            }
            t.root()
        })
    });
    g.finish();
    let _ = node_hash;
}

fn event(i: u64) -> Event {
    let mut e = Event::new(
        1_767_225_600_000 + i as i64,
        EventKind::ALL[i as usize % 23],
        "agent-17",
        Role::Agent,
        "support",
    );
    e.objects.push((
        ObjectKind::Conversation,
        Id::Plain(format!("conv-{}", i / 10)),
    ));
    e.details.insert("n".into(), Value::Int(i as i64));
    e
}

fn bench_files(c: &mut Criterion) {
    const N: u64 = 20_000;
    let events: Vec<Event> = (0..N).map(event).collect();
    let encoded: usize = events.iter().map(|e| e.encode(0).unwrap().len()).sum();
    let mut g = c.benchmark_group("audit/durable");
    g.throughput(Throughput::Elements(N));
    g.sample_size(10);
    g.bench_function("group_commit_20k", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let mut log =
                    AuditLog::create(dir.path(), "bench/audit", CommitPolicy::default()).unwrap();
                for e in &events {
                    log.append(e).unwrap();
                }
                assert_eq!(log.flush().unwrap(), N);
                drop(log);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    // Four threads, each waiting for its own records to be durable: one
    // sync serves every record buffered while the previous one ran.
    g.bench_function("shared_4_threads_durable_each_20k", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let log =
                    AuditLog::create(dir.path(), "bench/audit", CommitPolicy::default()).unwrap();
                let shared = std::sync::Arc::new(SharedAuditLog::new(log));
                std::thread::scope(|s| {
                    for t in 0..4usize {
                        let shared = &shared;
                        let events = &events;
                        s.spawn(move || {
                            for e in events.iter().skip(t).step_by(4) {
                                shared.append_durable(e).unwrap();
                            }
                        });
                    }
                });
                assert_eq!(shared.durable_size(), N);
                drop(shared);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    // The reference for the shared log: one sync per record, one thread.
    g.throughput(Throughput::Elements(2_000));
    g.bench_function("sync_every_record_2k", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let mut log =
                    AuditLog::create(dir.path(), "bench/audit", CommitPolicy::EVERY_RECORD)
                        .unwrap();
                for e in &events[..2_000] {
                    log.append(e).unwrap();
                }
                drop(log);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    g.throughput(Throughput::Elements(N));
    // The same frames, written by hand.
    let frames: Vec<Vec<u8>> = {
        let dir = tempfile::tempdir().unwrap();
        let mut log = AuditLog::create(dir.path(), "bench/audit", CommitPolicy::default()).unwrap();
        for e in &events {
            log.append(e).unwrap();
        }
        drop(log);
        let seg = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let bytes = std::fs::read(seg).unwrap();
        eprintln!(
            "audit bench: {} bytes on disk per record beyond the encoded event (link + framing), {} header bytes",
            (bytes.len() - encoded) as u64 / N,
            (bytes.len() - encoded) as u64 % N
        );
        let mut out = Vec::new();
        let mut pos = 4 + 1 + 2 + "bench/audit".len() + 8;
        while pos < bytes.len() {
            let n = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
            out.push(bytes[pos..pos + 8 + n].to_vec());
            pos += 8 + n;
        }
        out
    };
    g.bench_function("raw_write_sync_same_bytes", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let mut f = std::fs::File::create(dir.path().join("raw")).unwrap();
                for chunk in frames.chunks(256) {
                    for fr in chunk {
                        f.write_all(fr).unwrap();
                    }
                    f.sync_data().unwrap();
                }
                dir
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let dir = tempfile::tempdir().unwrap();
    {
        let policy = CommitPolicy {
            max_batch: 8192,
            max_delay: std::time::Duration::from_secs(60),
        };
        let mut log = AuditLog::create(dir.path(), "bench/audit", policy).unwrap();
        for i in 0..MILLION {
            log.append(&event(i)).unwrap();
        }
        log.flush().unwrap();
    }
    let mut g = c.benchmark_group("audit/open");
    g.sample_size(10);
    g.throughput(Throughput::Elements(MILLION));
    g.bench_function("verify_1m", |b| {
        b.iter(|| {
            let (log, report) = AuditLog::open(dir.path(), CommitPolicy::default()).unwrap();
            assert_eq!(report.records, MILLION);
            log.root()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_files);
criterion_main!(benches);
