//! SM4-GCM: chatvault's constant-time bitsliced SM4 in its own GCM
//! (`chatvault::hazmat::Primitive::sm4gcm`) beside RustCrypto's
//! `AesGcm<sm4::Sm4, U12>` (table-based SM4, one block at a time), in the
//! same run: seal and open at 16 B, 64 B, 1 KiB and 64 KiB, and key setup.
//!
//! Both get the same 64 bytes of associated data (about what the envelope
//! passes). One fixed nonce is reused, which is acceptable only because the
//! ciphertexts are thrown away.
//!
//! Run: `cargo bench --bench sm4`.

use std::hint::black_box;
use std::time::Duration;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::AesGcm;
use chatvault::hazmat::{Primitive, NONCE_LEN};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const SIZES: [usize; 4] = [16, 64, 1024, 64 * 1024];
const KEY: [u8; 16] = [0x24; 16];
const NONCE: [u8; NONCE_LEN] = [0x07; NONCE_LEN];
const AAD: [u8; 64] = [0x5a; 64];

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

/// Plaintext of `n` bytes (content does not matter to these ciphers).
fn plaintext(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 + 7) as u8).collect()
}

fn seal_open(c: &mut Criterion) {
    let ours = Primitive::sm4gcm(&KEY);
    let theirs = AesGcm::<sm4::Sm4, U12>::new((&KEY).into());
    let nonce = NONCE.into();
    let mut g = c.benchmark_group("sm4-gcm");
    for &n in &SIZES {
        let pt = plaintext(n);
        g.throughput(Throughput::Bytes(n as u64));

        let mut buf = pt.clone();
        g.bench_function(BenchmarkId::new("chatvault_seal", n), |b| {
            b.iter(|| {
                ours.seal_in_place(&NONCE, black_box(&AAD), black_box(&mut buf[..]))
                    .expect("seal")
            })
        });
        let mut buf = pt.clone();
        g.bench_function(BenchmarkId::new("rustcrypto_seal", n), |b| {
            b.iter(|| {
                theirs
                    .encrypt_inout_detached(&nonce, black_box(&AAD), black_box(&mut buf[..]).into())
                    .expect("seal")
            })
        });

        // Open: the same sealed message each time (decrypted into a copy).
        let mut ct = pt.clone();
        let tag = ours.seal_in_place(&NONCE, &AAD, &mut ct).expect("seal");
        let mut check = pt.clone();
        let t2 = theirs
            .encrypt_inout_detached(&nonce, &AAD, check.as_mut_slice().into())
            .expect("seal");
        assert_eq!(
            (&check, &t2[..]),
            (&ct, &tag[..]),
            "implementations disagree"
        );
        let mut buf = ct.clone();
        g.bench_function(BenchmarkId::new("chatvault_open", n), |b| {
            b.iter(|| {
                buf.copy_from_slice(&ct);
                ours.open_in_place(&NONCE, black_box(&AAD), black_box(&mut buf[..]), &tag)
                    .expect("open")
            })
        });
        let t: aes_gcm::Tag = tag.into();
        let mut buf = ct.clone();
        g.bench_function(BenchmarkId::new("rustcrypto_open", n), |b| {
            b.iter(|| {
                buf.copy_from_slice(&ct);
                theirs
                    .decrypt_inout_detached(&nonce, black_box(&AAD), (&mut buf[..]).into(), &t)
                    .expect("open")
            })
        });
    }
    g.finish();
}

/// Key setup: SM4 key schedule plus the GHASH key.
fn key_setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("sm4-gcm-key");
    g.bench_function("chatvault_new", |b| {
        b.iter(|| Primitive::sm4gcm(black_box(&KEY)))
    });
    g.bench_function("rustcrypto_new", |b| {
        b.iter(|| AesGcm::<sm4::Sm4, U12>::new(black_box(&KEY).into()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = configured();
    targets = seal_open, key_setup
}
criterion_main!(benches);
