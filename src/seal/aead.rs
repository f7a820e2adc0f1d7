//! The raw AEAD primitives behind the suites, with explicit keys and nonces.
//!
//! Owns: one keyed instance per primitive and the choice of backend (ring
//! when the `ring` feature is on, RustCrypto otherwise; both produce the same
//! bytes, which a test checks). Nothing here chooses nonces or keys: that is
//! the envelope's job (`seal::Sealer`). Exposed to users only through
//! [`crate::hazmat`] for known-answer tests and benchmarks.

#[cfg(any(test, not(feature = "ring")))]
use aes_gcm::aead::{consts::U12, AeadInOut, KeyInit};

use super::sm4::Sm4Gcm;

use crate::error::{Error, Result};

/// Nonce length of every suite primitive (96 bits).
pub const NONCE_LEN: usize = 12;
/// Tag length of every suite primitive (128 bits).
pub const TAG_LEN: usize = 16;

/// A keyed AEAD primitive.
pub enum Primitive {
    /// AES-256-GCM.
    Aes256Gcm(Aes256GcmKey),
    /// SM4-GCM (GB/T 32907 block cipher in GCM, as in RFC 8998), with the
    /// constant-time bitsliced SM4 of `seal::sm4`. Boxed: it holds the
    /// expanded SM4 key (2 KiB of round-key planes) and the GHASH key.
    Sm4Gcm(Box<Sm4Gcm>),
    /// ChaCha20-Poly1305 (RFC 8439).
    ChaCha20Poly1305(ChaChaKey),
}

#[cfg(feature = "ring")]
type Aes256GcmKey = ring::aead::LessSafeKey;
#[cfg(not(feature = "ring"))]
type Aes256GcmKey = Box<aes_gcm::Aes256Gcm>;
#[cfg(feature = "ring")]
type ChaChaKey = ring::aead::LessSafeKey;
#[cfg(not(feature = "ring"))]
type ChaChaKey = Box<chacha20poly1305::ChaCha20Poly1305>;

#[cfg(feature = "ring")]
fn ring_key(alg: &'static ring::aead::Algorithm, key: &[u8]) -> ring::aead::LessSafeKey {
    ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(alg, key).expect("key length fixed by the caller's type"),
    )
}

#[cfg(feature = "ring")]
fn ring_seal(
    key: &ring::aead::LessSafeKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN]> {
    let tag = key
        .seal_in_place_separate_tag(
            ring::aead::Nonce::assume_unique_for_key(*nonce),
            ring::aead::Aad::from(aad),
            buf,
        )
        .map_err(|_| Error::invalid("plaintext too long for the AEAD"))?;
    let mut out = [0u8; TAG_LEN];
    out.copy_from_slice(tag.as_ref());
    Ok(out)
}

#[cfg(feature = "ring")]
fn ring_open(
    key: &ring::aead::LessSafeKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<()> {
    key.open_in_place_separate_tag(
        ring::aead::Nonce::assume_unique_for_key(*nonce),
        ring::aead::Aad::from(aad),
        ring::aead::Tag::from(*tag),
        buf,
        0..,
    )
    .map(|_| ())
    .map_err(|_| Error::decrypt())
}

#[cfg(any(test, not(feature = "ring")))]
fn rc_seal<A: AeadInOut<NonceSize = U12>>(
    a: &A,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN]> {
    let tag = a
        .encrypt_inout_detached(&(*nonce).into(), aad, buf.into())
        .map_err(|_| Error::invalid("plaintext too long for the AEAD"))?;
    let mut out = [0u8; TAG_LEN];
    out.copy_from_slice(tag.as_slice());
    Ok(out)
}

#[cfg(not(feature = "ring"))]
fn rc_open<A: AeadInOut<NonceSize = U12>>(
    a: &A,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<()> {
    let tag = aes_gcm::aead::Tag::<A>::try_from(&tag[..]).map_err(|_| Error::decrypt())?;
    a.decrypt_inout_detached(&(*nonce).into(), aad, buf.into(), &tag)
        .map_err(|_| Error::decrypt())
}

impl Primitive {
    /// AES-256-GCM under a 32-byte key.
    pub fn aes256gcm(key: &[u8; 32]) -> Primitive {
        #[cfg(feature = "ring")]
        let k = ring_key(&ring::aead::AES_256_GCM, key);
        #[cfg(not(feature = "ring"))]
        let k = Box::new(aes_gcm::Aes256Gcm::new(key.into()));
        Primitive::Aes256Gcm(k)
    }

    /// SM4-GCM under a 16-byte key.
    pub fn sm4gcm(key: &[u8; 16]) -> Primitive {
        Primitive::Sm4Gcm(Box::new(Sm4Gcm::new(key)))
    }

    /// ChaCha20-Poly1305 under a 32-byte key.
    pub fn chacha20poly1305(key: &[u8; 32]) -> Primitive {
        #[cfg(feature = "ring")]
        let k = ring_key(&ring::aead::CHACHA20_POLY1305, key);
        #[cfg(not(feature = "ring"))]
        let k = Box::new(chacha20poly1305::ChaCha20Poly1305::new(key.into()));
        Primitive::ChaCha20Poly1305(k)
    }

    /// Encrypt `buf` in place; returns the tag.
    pub fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        match self {
            #[cfg(feature = "ring")]
            Primitive::Aes256Gcm(k) | Primitive::ChaCha20Poly1305(k) => {
                ring_seal(k, nonce, aad, buf)
            }
            #[cfg(not(feature = "ring"))]
            Primitive::Aes256Gcm(k) => rc_seal(&**k, nonce, aad, buf),
            #[cfg(not(feature = "ring"))]
            Primitive::ChaCha20Poly1305(k) => rc_seal(&**k, nonce, aad, buf),
            Primitive::Sm4Gcm(k) => k.seal_in_place(nonce, aad, buf),
        }
    }

    /// Check `tag` and decrypt `buf` in place. On failure `buf` holds no
    /// plaintext the caller may use, and the error is [`crate::ErrorKind::Decrypt`].
    pub fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<()> {
        match self {
            #[cfg(feature = "ring")]
            Primitive::Aes256Gcm(k) | Primitive::ChaCha20Poly1305(k) => {
                ring_open(k, nonce, aad, buf, tag)
            }
            #[cfg(not(feature = "ring"))]
            Primitive::Aes256Gcm(k) => rc_open(&**k, nonce, aad, buf, tag),
            #[cfg(not(feature = "ring"))]
            Primitive::ChaCha20Poly1305(k) => rc_open(&**k, nonce, aad, buf, tag),
            Primitive::Sm4Gcm(k) => k.open_in_place(nonce, aad, buf, tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With the `ring` feature on, the ring backend and the RustCrypto code
    /// must produce the same bytes (the pure-Rust build relies on it).
    #[test]
    fn backends_agree() {
        let key = [7u8; 32];
        let nonce = [9u8; 12];
        let aad = b"aad";
        let pt: Vec<u8> = (0..200u8).collect();
        let aes = Primitive::aes256gcm(&key);
        let mut a = pt.clone();
        let ta = aes.seal_in_place(&nonce, aad, &mut a).unwrap();
        let mut b = pt.clone();
        let tb = rc_seal(&aes_gcm::Aes256Gcm::new((&key).into()), &nonce, aad, &mut b).unwrap();
        assert_eq!((a, ta), (b, tb));

        let cc = Primitive::chacha20poly1305(&key);
        let mut a = pt.clone();
        let ta = cc.seal_in_place(&nonce, aad, &mut a).unwrap();
        let mut b = pt.clone();
        let tb = rc_seal(
            &chacha20poly1305::ChaCha20Poly1305::new((&key).into()),
            &nonce,
            aad,
            &mut b,
        )
        .unwrap();
        assert_eq!((a, ta), (b, tb));
    }
}
