//! What the C ABI adds to a call: sealing and opening a 64-byte field
//! through `chatvault_sealer_seal` / `chatvault_sealer_open` (plus the
//! `chatvault_bytes_free` every C caller makes) beside the same operation
//! through the Rust API (`Sealer::seal` / `Sealer::open`, which also return
//! owned buffers), with the same key, in the same run.
//!
//! The C functions are called from Rust through their exported symbols,
//! exactly as C code calls them (the rlib carries the `#[no_mangle]`
//! symbols).

use std::ffi::c_void;
use std::hint::black_box;
use std::ptr;

use chatvault::seal::{Context, Suite};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[repr(C)]
struct Bytes {
    data: *const u8,
    len: usize,
}

extern "C" {
    fn chatvault_master_key_generate(out: *mut *mut c_void) -> u32;
    fn chatvault_key_store_new_memory(out: *mut *const c_void) -> u32;
    fn chatvault_key_store_free(store: *const c_void);
    fn chatvault_keyring_new(
        tenant: *const u8,
        tenant_len: usize,
        master_key: *mut *mut c_void,
        store: *const c_void,
        out: *mut *const c_void,
    ) -> u32;
    fn chatvault_keyring_free(keyring: *const c_void);
    fn chatvault_keyring_conversation_key(
        keyring: *const c_void,
        department: *const u8,
        department_len: usize,
        conversation: *const u8,
        conversation_len: usize,
        started_at: i64,
        out: *mut *mut c_void,
    ) -> u32;
    fn chatvault_data_key_sealer(
        data_key: *const c_void,
        suite: u32,
        out: *mut *const c_void,
    ) -> u32;
    fn chatvault_data_key_free(data_key: *mut c_void);
    fn chatvault_sealer_free(sealer: *const c_void);
    fn chatvault_sealer_seal(
        sealer: *const c_void,
        tenant: *const u8,
        tenant_len: usize,
        record: *const u8,
        record_len: usize,
        field: *const u8,
        field_len: usize,
        plaintext: *const u8,
        plaintext_len: usize,
        out: *mut *mut Bytes,
    ) -> u32;
    fn chatvault_sealer_open(
        sealer: *const c_void,
        tenant: *const u8,
        tenant_len: usize,
        record: *const u8,
        record_len: usize,
        field: *const u8,
        field_len: usize,
        envelope: *const u8,
        envelope_len: usize,
        out: *mut *mut Bytes,
    ) -> u32;
    fn chatvault_bytes_free(bytes: *mut Bytes);
}

const TENANT: &str = "acme-helpdesk";
const RECORD: &str = "conv-000123/msg-000045";
const FIELD: &str = "body";

fn ok(rc: u32, what: &str) {
    assert_eq!(rc, 0, "{what} failed with code {rc}");
}

fn bench(c: &mut Criterion) {
    // SAFETY (bench set-up): every pointer passed is valid for the call and
    // every out-pointer points to a local; handles are freed at the end.
    let (store, keyring, key, sealer) = unsafe {
        let mut master = ptr::null_mut();
        ok(chatvault_master_key_generate(&mut master), "master key");
        let mut store = ptr::null();
        ok(chatvault_key_store_new_memory(&mut store), "store");
        let mut keyring = ptr::null();
        ok(
            chatvault_keyring_new(
                TENANT.as_ptr(),
                TENANT.len(),
                &mut master,
                store,
                &mut keyring,
            ),
            "keyring",
        );
        let mut key = ptr::null_mut();
        ok(
            chatvault_keyring_conversation_key(
                keyring,
                b"sales".as_ptr(),
                5,
                b"c1".as_ptr(),
                2,
                0,
                &mut key,
            ),
            "data key",
        );
        let mut sealer = ptr::null();
        ok(
            chatvault_data_key_sealer(key, Suite::Aes256Gcm as u32, &mut sealer),
            "sealer",
        );
        (store, keyring, key, sealer)
    };
    // The Rust side uses an equivalent sealer of its own key: the cost does
    // not depend on which 32-byte key it is.
    let rust_key = chatvault::keys::DataKey::generate().unwrap();
    let rust = rust_key.sealer(Suite::Aes256Gcm);
    let ctx = Context::new(TENANT, RECORD, FIELD);
    let plaintext = [0x5au8; 64];

    let c_seal = || {
        let mut out = ptr::null_mut();
        // SAFETY: valid (ptr, len) pairs, a live sealer and a local out-pointer.
        unsafe {
            ok(
                chatvault_sealer_seal(
                    sealer,
                    TENANT.as_ptr(),
                    TENANT.len(),
                    RECORD.as_ptr(),
                    RECORD.len(),
                    FIELD.as_ptr(),
                    FIELD.len(),
                    plaintext.as_ptr(),
                    plaintext.len(),
                    &mut out,
                ),
                "seal",
            );
        }
        out
    };
    let c_envelope: Vec<u8> = {
        let b = c_seal();
        // SAFETY: `b` is a live chatvault_bytes from a successful call.
        let v = unsafe { std::slice::from_raw_parts((*b).data, (*b).len).to_vec() };
        // SAFETY: freed once.
        unsafe { chatvault_bytes_free(b) };
        v
    };
    let rust_envelope = rust.seal(&ctx, &plaintext).unwrap();

    let mut g = c.benchmark_group("ffi/aes-256-gcm/64");
    g.throughput(Throughput::Bytes(64));
    g.warm_up_time(std::time::Duration::from_millis(500));
    g.measurement_time(std::time::Duration::from_millis(1500));
    g.bench_function("rust seal", |b| {
        b.iter(|| black_box(rust.seal(&ctx, black_box(&plaintext)).unwrap()))
    });
    g.bench_function("c abi seal + bytes_free", |b| {
        b.iter(|| {
            let out = c_seal();
            // SAFETY: freed once, right after a successful seal.
            unsafe { chatvault_bytes_free(black_box(out)) };
        })
    });
    g.bench_function("rust open", |b| {
        b.iter(|| black_box(rust.open(&ctx, black_box(&rust_envelope)).unwrap()))
    });
    g.bench_function("c abi open + bytes_free", |b| {
        b.iter(|| {
            let mut out = ptr::null_mut();
            // SAFETY: valid (ptr, len) pairs, a live sealer, a local
            // out-pointer; the result is freed once.
            unsafe {
                ok(
                    chatvault_sealer_open(
                        sealer,
                        TENANT.as_ptr(),
                        TENANT.len(),
                        RECORD.as_ptr(),
                        RECORD.len(),
                        FIELD.as_ptr(),
                        FIELD.len(),
                        c_envelope.as_ptr(),
                        c_envelope.len(),
                        &mut out,
                    ),
                    "open",
                );
                chatvault_bytes_free(black_box(out));
            }
        })
    });
    g.finish();

    // SAFETY: each handle freed once.
    unsafe {
        chatvault_sealer_free(sealer);
        chatvault_data_key_free(key);
        chatvault_keyring_free(keyring);
        chatvault_key_store_free(store);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
