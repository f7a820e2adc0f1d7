//! Field sealing throughput: every chatvault suite through the envelope API
//! (`Sealer::seal_append`, `Sealer::seal`, `Sealer::open`), beside the raw
//! primitives it is built on (`chatvault::hazmat::Primitive`, ring's
//! `LessSafeKey`, RustCrypto's `Aes256Gcm` and `ChaCha20Poly1305`).
//!
//! Every raw primitive is given the same associated data as the envelope
//! (version, suite, key version and the length-prefixed context), so the
//! gap between a suite and its primitive is the envelope's own overhead:
//! nonce generation, header and AAD building, buffer handling. Raw calls
//! reuse one fixed nonce, which is acceptable only because the ciphertexts
//! are thrown away.
//!
//! Run: `cargo bench --bench seal` (add `--no-default-features` for the
//! pure-Rust backend). Results: docs/BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{AeadInOut, KeyInit};
use chatvault::hazmat::{Primitive, NONCE_LEN};
use chatvault::keys::DataKey;
use chatvault::seal::{Context, Suite};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, CHACHA20_POLY1305};

const SIZES: [usize; 4] = [16, 64, 1024, 64 * 1024];

const TENANT: &str = "acme-helpdesk";
const RECORD: &str = "conv-000123/msg-000045";
const FIELD: &str = "body";

const KEY32: [u8; 32] = [0x42; 32];
const KEY16: [u8; 16] = [0x24; 16];
const NONCE: [u8; NONCE_LEN] = [0x07; NONCE_LEN];

fn context() -> Context<'static> {
    Context::new(TENANT, RECORD, FIELD)
}

/// Plaintext of `n` bytes (content does not matter to these ciphers).
fn plaintext(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 + 7) as u8).collect()
}

/// Associated data as the envelope builds it for `suite` and [`context`]
/// (docs/FORMAT.md): version, suite, key version, then the three
/// u16-length-prefixed context parts.
fn envelope_aad(suite: Suite) -> Vec<u8> {
    let mut aad = vec![1, suite as u8, 0, 0, 0, 1];
    for part in [TENANT, RECORD, FIELD] {
        aad.extend_from_slice(&(part.len() as u16).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

/// The chatvault envelope API, per suite.
fn envelope(c: &mut Criterion) {
    let key = DataKey::generate().expect("OS randomness");
    let ctx = context();
    for suite in Suite::ALL {
        let sealer = key.sealer(suite);
        let mut g = c.benchmark_group(suite.name());
        for &n in &SIZES {
            let pt = plaintext(n);
            g.throughput(Throughput::Bytes(n as u64));
            let mut out = Vec::with_capacity(n + suite.overhead());
            g.bench_with_input(BenchmarkId::new("seal_append", n), &pt, |b, pt| {
                b.iter(|| {
                    out.clear();
                    sealer
                        .seal_append(black_box(&ctx), black_box(pt), &mut out)
                        .expect("seal");
                    black_box(&out);
                })
            });
            g.bench_with_input(BenchmarkId::new("seal", n), &pt, |b, pt| {
                b.iter(|| sealer.seal(black_box(&ctx), black_box(pt)).expect("seal"))
            });
            let env = sealer.seal(&ctx, &pt).expect("seal");
            assert_eq!(&sealer.open(&ctx, &env).expect("open")[..], &pt[..]);
            g.bench_with_input(BenchmarkId::new("open", n), &env, |b, env| {
                b.iter(|| sealer.open(black_box(&ctx), black_box(env)).expect("open"))
            });
        }
        g.finish();
    }
}

/// `chatvault::hazmat::Primitive::seal_in_place`: the suite's cipher as the
/// envelope calls it, without the envelope.
fn hazmat(c: &mut Criterion) {
    let prims = [
        (Suite::Aes256Gcm, Primitive::aes256gcm(&KEY32)),
        (Suite::Sm4Gcm, Primitive::sm4gcm(&KEY16)),
        (Suite::ChaCha20Poly1305, Primitive::chacha20poly1305(&KEY32)),
    ];
    for (suite, p) in &prims {
        let aad = envelope_aad(*suite);
        let mut g = c.benchmark_group(suite.name());
        for &n in &SIZES {
            let mut buf = plaintext(n);
            g.throughput(Throughput::Bytes(n as u64));
            g.bench_function(BenchmarkId::new("hazmat_seal_in_place", n), |b| {
                b.iter(|| {
                    p.seal_in_place(&NONCE, black_box(&aad), black_box(&mut buf))
                        .expect("seal")
                })
            });
        }
        g.finish();
    }
}

/// ring's AES-256-GCM and ChaCha20-Poly1305, called directly.
fn ring_raw(c: &mut Criterion) {
    let algs = [
        (Suite::Aes256Gcm, &AES_256_GCM),
        (Suite::ChaCha20Poly1305, &CHACHA20_POLY1305),
    ];
    for (suite, alg) in algs {
        let key = LessSafeKey::new(UnboundKey::new(alg, &KEY32).expect("key"));
        let aad = envelope_aad(suite);
        let mut g = c.benchmark_group(suite.name());
        for &n in &SIZES {
            let mut buf = plaintext(n);
            g.throughput(Throughput::Bytes(n as u64));
            g.bench_function(BenchmarkId::new("ring_seal_in_place", n), |b| {
                b.iter(|| {
                    key.seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(NONCE),
                        Aad::from(black_box(&aad[..])),
                        black_box(&mut buf[..]),
                    )
                    .expect("seal")
                })
            });
            if suite == Suite::Aes256Gcm {
                g.bench_function(BenchmarkId::new("ring_seal_in_place_no_aad", n), |b| {
                    b.iter(|| {
                        key.seal_in_place_separate_tag(
                            Nonce::assume_unique_for_key(NONCE),
                            Aad::empty(),
                            black_box(&mut buf[..]),
                        )
                        .expect("seal")
                    })
                });
            }
        }
        g.finish();
    }
}

/// RustCrypto's AES-256-GCM and ChaCha20-Poly1305 (the backend chatvault
/// uses without the `ring` feature), called directly.
fn rustcrypto_raw(c: &mut Criterion) {
    fn bench<A: AeadInOut<NonceSize = U12>>(c: &mut Criterion, suite: Suite, a: &A) {
        let nonce = NONCE.into();
        let aad = envelope_aad(suite);
        let mut g = c.benchmark_group(suite.name());
        for &n in &SIZES {
            let mut buf = plaintext(n);
            g.throughput(Throughput::Bytes(n as u64));
            g.bench_function(BenchmarkId::new("rustcrypto_seal_in_place", n), |b| {
                b.iter(|| {
                    a.encrypt_inout_detached(
                        &nonce,
                        black_box(&aad),
                        black_box(&mut buf[..]).into(),
                    )
                    .expect("seal")
                })
            });
        }
        g.finish();
    }
    bench(
        c,
        Suite::Aes256Gcm,
        &aes_gcm::Aes256Gcm::new((&KEY32).into()),
    );
    bench(
        c,
        Suite::ChaCha20Poly1305,
        &chacha20poly1305::ChaCha20Poly1305::new((&KEY32).into()),
    );
}

criterion_group! {
    name = benches;
    config = configured();
    targets = envelope, hazmat, ring_raw, rustcrypto_raw
}
criterion_main!(benches);
