//! C ABI of field sealing: sealers, envelopes, suites, normalizations.
//!
//! Owns: `chatvault_sealer` (an `Arc<Sealer>`), `chatvault_envelope_info`,
//! the suite and normalization constants. Sealers come only from data keys
//! (`chatvault_data_key_sealer`, in `keys.rs`): no raw key, no nonce.

use crate::seal::{Context, EnvelopeHeader, Normalization, Sealer, Suite, KEY_ID_LEN};

use super::bytes::{chatvault_bytes, put_bytes, put_secret};
use super::error::{chatvault_result, FfiError};
use super::handle::{
    free_arc, input_bytes, out_ptr, output_buffer, try_ref, Castable, OwnershipArc,
};

/// Bytes of a key id (a public commitment to a key) in every envelope.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_KEY_ID_LEN: usize = 32;

/// An algorithm suite: which AEAD seals a field. The numbers are the suite
/// byte of the envelope and never change. Functions take suites as
/// `uint32_t`; an unknown number gives CHATVAULT_RESULT_UNSUPPORTED_SUITE.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_suite {
    /// AES-256-GCM (NIST SP 800-38D).
    Aes256Gcm = 1,
    /// SM4-GCM: the GB/T 32907-2016 block cipher in GCM, as in RFC 8998.
    Sm4Gcm = 2,
    /// ChaCha20-Poly1305 (RFC 8439).
    Chacha20Poly1305 = 3,
    /// AES-256-GCM, then SM4-GCM over its output, with independent keys.
    Aes256GcmSm4Gcm = 4,
}

/// How a value is normalized before blind indexing, so that the forms
/// people type for one value find each other. Functions take it as a
/// `uint32_t`; an unknown number gives CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_normalization {
    /// The bytes as given.
    Exact = 0,
    /// Full-width ASCII to half-width, ASCII lower case, runs of white space
    /// to one space, trimmed.
    Text = 1,
    /// Digits only (full-width folded), without a +86 / 0086 prefix in front
    /// of an 11-digit mainland number.
    Phone = 2,
    /// ID card: full-width folded, spaces and dashes removed, `x` as `X`.
    IdCard = 3,
    /// Bank card: digits only.
    BankCard = 4,
    /// E-mail: full-width folded, trimmed, lower case.
    Email = 5,
}

/// A suite from its C number.
pub(crate) fn suite_from(n: u32) -> Result<Suite, FfiError> {
    let byte = u8::try_from(n).unwrap_or(0);
    Ok(Suite::from_u8(byte)?)
}

/// A normalization from its C number.
pub(crate) fn normalization_from(n: u32) -> Result<Normalization, FfiError> {
    Ok(Normalization::from_u32(n)?)
}

/// A sealer: encrypts and decrypts fields under one data key, one key
/// version and one suite. Obtained from `chatvault_data_key_sealer`; freed
/// with `chatvault_sealer_free`. Build one per key and reuse it: creating it
/// derives and expands the cipher keys.
///
/// Thread safety: immutable; one sealer may be used from many threads at
/// once (each seal draws its own random nonce). Free it once, when no other
/// thread uses it.
#[allow(non_camel_case_types)]
pub struct chatvault_sealer {
    _private: [u8; 0],
}

impl Castable for chatvault_sealer {
    type Ownership = OwnershipArc;
    type RustType = Sealer;
}

/// What an envelope's public header says, read without any key.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct chatvault_envelope_info {
    /// The suite that sealed it (a `chatvault_suite` number).
    pub suite: u32,
    /// The key version that sealed it.
    pub key_version: u32,
    /// The key id (commitment) of the key that sealed it.
    pub key_id: [u8; CHATVAULT_KEY_ID_LEN],
    /// Length of the header, in bytes.
    pub header_len: usize,
    /// Length of the plaintext it holds, in bytes.
    pub plaintext_len: usize,
}

fn context<'a>(tenant: &'a [u8], record: &'a [u8], field: &'a [u8]) -> Context<'a> {
    Context::new(tenant, record, field)
}

/// Seal `plaintext` for (tenant, record, field).
///
/// `tenant`, `record` and `field` are any bytes (at most 65,535 each); they
/// are bound into the envelope, which opens only with the same three.
/// `plaintext` may be empty. On success `*out` receives a new envelope that
/// the caller owns and must free with `chatvault_bytes_free`. A fresh
/// random nonce is drawn per call.
///
/// Every pointer must be non-NULL except an input with length 0.
///
/// Thread safety: may be called concurrently on one sealer.
#[no_mangle]
pub extern "C" fn chatvault_sealer_seal(
    sealer: *const chatvault_sealer,
    tenant: *const u8,
    tenant_len: usize,
    record: *const u8,
    record_len: usize,
    field: *const u8,
    field_len: usize,
    plaintext: *const u8,
    plaintext_len: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sealer = try_ref(sealer, "sealer")?;
        let tenant = input_bytes(tenant, tenant_len, "tenant")?;
        let record = input_bytes(record, record_len, "record")?;
        let field = input_bytes(field, field_len, "field")?;
        let plaintext = input_bytes(plaintext, plaintext_len, "plaintext")?;
        let out = out_ptr(out, "out")?;
        let envelope = sealer.seal(&context(tenant, record, field), plaintext)?;
        put_bytes(out, envelope);
        Ok(())
    }
}

/// Open an envelope sealed for (tenant, record, field) under this sealer's
/// key.
///
/// On success `*out` receives the plaintext, which the caller owns and must
/// free with `chatvault_bytes_free` (it zeroizes it). Any mismatch (another
/// key, key version, suite, tenant, record or field; a flipped bit; a cut)
/// is CHATVAULT_RESULT_DECRYPT with no detail; an unknown envelope version
/// or suite byte and impossible lengths are reported as such.
///
/// Thread safety: may be called concurrently on one sealer.
#[no_mangle]
pub extern "C" fn chatvault_sealer_open(
    sealer: *const chatvault_sealer,
    tenant: *const u8,
    tenant_len: usize,
    record: *const u8,
    record_len: usize,
    field: *const u8,
    field_len: usize,
    envelope: *const u8,
    envelope_len: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sealer = try_ref(sealer, "sealer")?;
        let tenant = input_bytes(tenant, tenant_len, "tenant")?;
        let record = input_bytes(record, record_len, "record")?;
        let field = input_bytes(field, field_len, "field")?;
        let envelope = input_bytes(envelope, envelope_len, "envelope")?;
        let out = out_ptr(out, "out")?;
        let plaintext = sealer.open(&context(tenant, record, field), envelope)?;
        put_secret(out, plaintext);
        Ok(())
    }
}

/// The suite this sealer seals with (a `chatvault_suite` number), into
/// `*out`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_sealer_suite(
    sealer: *const chatvault_sealer,
    out: *mut u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sealer = try_ref(sealer, "sealer")?;
        out_ptr(out, "out")?.write(sealer.suite() as u32);
        Ok(())
    }
}

/// The key version this sealer writes into envelopes, into `*out`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_sealer_key_version(
    sealer: *const chatvault_sealer,
    out: *mut u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sealer = try_ref(sealer, "sealer")?;
        out_ptr(out, "out")?.write(sealer.key_version());
        Ok(())
    }
}

/// The key id this sealer writes into envelopes: CHATVAULT_KEY_ID_LEN bytes
/// into `out`, which must hold at least that many (`out_len`), else
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_sealer_key_id(
    sealer: *const chatvault_sealer,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sealer = try_ref(sealer, "sealer")?;
        let dst = output_buffer(out, out_len, KEY_ID_LEN, "out")?;
        dst.copy_from_slice(sealer.key_id());
        Ok(())
    }
}

/// Release the caller's reference to a sealer.
///
/// Calling with NULL is fine. Must not be called twice for the same handle.
///
/// Thread safety: must not race with other uses of the same handle.
#[no_mangle]
pub extern "C" fn chatvault_sealer_free(sealer: *const chatvault_sealer) {
    ffi_panic_boundary_void! {
        free_arc(sealer);
    }
}

/// Read the public header of an envelope without any key: which suite, key
/// version and key id sealed it, and how long its plaintext is, so a caller
/// can route it to the right key before opening it.
///
/// On success `*out` is filled in. Too short or impossible envelopes are
/// CHATVAULT_RESULT_MALFORMED; an unknown version byte
/// CHATVAULT_RESULT_UNSUPPORTED_VERSION; an unknown suite byte
/// CHATVAULT_RESULT_UNSUPPORTED_SUITE. Nothing is authenticated: an envelope
/// that inspects fine may still fail to open.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_envelope_inspect(
    envelope: *const u8,
    envelope_len: usize,
    out: *mut chatvault_envelope_info,
) -> chatvault_result {
    ffi_panic_boundary! {
        let envelope = input_bytes(envelope, envelope_len, "envelope")?;
        let out = out_ptr(out, "out")?;
        let h = EnvelopeHeader::parse(envelope)?;
        out.write(chatvault_envelope_info {
            suite: h.suite() as u32,
            key_version: h.key_version(),
            key_id: *h.key_id(),
            header_len: h.header_len(),
            plaintext_len: h.plaintext_len(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_numbers_match_the_rust_enums() {
        let pairs = [
            (chatvault_suite::Aes256Gcm, Suite::Aes256Gcm),
            (chatvault_suite::Sm4Gcm, Suite::Sm4Gcm),
            (chatvault_suite::Chacha20Poly1305, Suite::ChaCha20Poly1305),
            (chatvault_suite::Aes256GcmSm4Gcm, Suite::Aes256GcmSm4Gcm),
        ];
        assert_eq!(pairs.len(), Suite::ALL.len());
        for (c, r) in pairs {
            assert_eq!(c as u32, r as u32);
            assert_eq!(suite_from(c as u32).unwrap(), r);
        }
        assert_eq!(
            suite_from(256 + 1).unwrap_err().code,
            chatvault_result::UnsupportedSuite
        );
        let norms = [
            (chatvault_normalization::Exact, Normalization::Exact),
            (chatvault_normalization::Text, Normalization::Text),
            (chatvault_normalization::Phone, Normalization::Phone),
            (chatvault_normalization::IdCard, Normalization::IdCard),
            (chatvault_normalization::BankCard, Normalization::BankCard),
            (chatvault_normalization::Email, Normalization::Email),
        ];
        for (c, r) in norms {
            assert_eq!(c as u32, r as u32);
            assert_eq!(normalization_from(c as u32).unwrap(), r);
        }
        assert!(normalization_from(6).is_err());
        assert_eq!(CHATVAULT_KEY_ID_LEN, KEY_ID_LEN);
    }
}
