//! Key-side costs: fetching a data key from the keyring or through a
//! supervisor grant, building a sealer per suite, and blind indexes.
//!
//! Run: `cargo bench --bench keys`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chatvault::keys::{
    DataKey, GranteeSecret, Keyring, MasterKey, MemoryKeyStore, SupervisorGrant, SupervisorScope,
    Validity,
};
use chatvault::seal::{Normalization, Suite};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

const TENANT: &str = "acme-helpdesk";
const DEPARTMENT: &str = "support";
const CONVERSATION: &str = "conv-000123";
/// 2026-01-01T09:30:00Z.
const STARTED_AT: i64 = 1_767_259_800;
const DAY: i64 = 86_400;

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

fn keyring() -> (Keyring, Arc<MemoryKeyStore>) {
    let store = Arc::new(MemoryKeyStore::new());
    let ring = Keyring::new(
        TENANT,
        MasterKey::generate().expect("OS randomness"),
        store.clone(),
    )
    .expect("keyring");
    (ring, store)
}

fn keyring_keys(c: &mut Criterion) {
    let (ring, store) = keyring();
    // Existing key: the wrapping key is cached after the first call, so this
    // measures locator HMAC + store lookup + record parse + unwrap.
    let first = ring
        .conversation_key(DEPARTMENT, CONVERSATION, STARTED_AT)
        .expect("create");
    let again = ring
        .conversation_key(DEPARTMENT, CONVERSATION, STARTED_AT)
        .expect("fetch");
    assert_eq!(first.key_id(), again.key_id());

    let mut g = c.benchmark_group("keyring");
    g.bench_function("conversation_key_existing", |b| {
        b.iter(|| {
            ring.conversation_key(black_box(DEPARTMENT), black_box(CONVERSATION), STARTED_AT)
                .expect("fetch")
        })
    });
    // New key each call: OS randomness for the key, wrap, store insert.
    let n = AtomicU64::new(0);
    g.bench_function("conversation_key_create", |b| {
        b.iter(|| {
            let id = format!("new-{}", n.fetch_add(1, Ordering::Relaxed));
            ring.conversation_key(DEPARTMENT, &id, STARTED_AT)
                .expect("create")
        })
    });
    g.finish();

    // The same key through a supervisor grant (wrapping key cached in the
    // grant after the first call).
    let supervisor = GranteeSecret::generate().expect("OS randomness");
    let scope = SupervisorScope::new(&[DEPARTMENT], STARTED_AT - 7 * DAY, STARTED_AT + 7 * DAY)
        .expect("scope");
    let blob = ring
        .issue_supervisor_grant(
            &supervisor.public(),
            "supervisor 1",
            &scope,
            Validity::new(0, i64::MAX).expect("validity"),
            STARTED_AT,
        )
        .expect("issue");
    let tenant = ring.tenant_public();
    let grant = SupervisorGrant::open(&blob, &supervisor, &tenant).expect("open grant");
    let via_grant = grant
        .conversation_key(&*store, DEPARTMENT, CONVERSATION, STARTED_AT)
        .expect("grant fetch");
    assert_eq!(via_grant.key_id(), first.key_id());

    let mut g = c.benchmark_group("grant");
    g.bench_function("supervisor_conversation_key", |b| {
        b.iter(|| {
            grant
                .conversation_key(
                    &*store,
                    black_box(DEPARTMENT),
                    black_box(CONVERSATION),
                    STARTED_AT,
                )
                .expect("fetch")
        })
    });
    g.bench_function("supervisor_open", |b| {
        b.iter(|| SupervisorGrant::open(black_box(&blob), &supervisor, &tenant).expect("open"))
    });
    g.finish();
}

fn sealers(c: &mut Criterion) {
    let key = DataKey::generate().expect("OS randomness");
    let mut g = c.benchmark_group("data_key_sealer");
    for suite in Suite::ALL {
        g.bench_function(BenchmarkId::from_parameter(suite.name()), |b| {
            b.iter(|| black_box(&key).sealer(suite))
        });
    }
    g.finish();
}

fn blind(c: &mut Criterion) {
    let (ring, _) = keyring();
    let indexer = ring.blind_indexer(16).expect("indexer");
    let cases = [
        (
            "phone",
            "customer.phone",
            "+86 138-0013-8000",
            Normalization::Phone,
        ),
        (
            "email",
            "customer.email",
            " Li.Lei@Example.COM ",
            Normalization::Email,
        ),
        (
            "id_card",
            "customer.id_card",
            "11010519491231002x",
            Normalization::IdCard,
        ),
    ];
    let mut g = c.benchmark_group("blind_index");
    for (name, field, value, norm) in cases {
        let a = indexer.index(field, value, norm).expect("index");
        assert_eq!(a.len(), 16);
        g.bench_function(name, |b| {
            b.iter(|| {
                indexer
                    .index(black_box(field), black_box(value), norm)
                    .expect("index")
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = configured();
    targets = keyring_keys, sealers, blind
}
criterion_main!(benches);
