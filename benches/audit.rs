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
//! Printed once: bytes of tree memory per entry.
//!
//! Run: `cargo bench --bench audit`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;

use chatvault::audit::merkle::{
    leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash, MerkleTree,
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

criterion_group!(benches, bench);
criterion_main!(benches);
