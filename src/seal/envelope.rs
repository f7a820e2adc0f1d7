//! The sealed-field envelope: parsing and writing its header.
//!
//! Layout (docs/FORMAT.md, "Sealed field"), all integers big-endian:
//!
//! ```text
//! version (1) = 1 | suite (1) | key version (4) | key id (32)
//! | nonce (12) [| second nonce (12), cascade only]
//! | body
//! ```
//!
//! body = ciphertext (n) || tag (16) for one-layer suites; for the cascade,
//! SM4-GCM(ciphertext1 || tag1) (n + 16) || tag2 (16), where ciphertext1 ||
//! tag1 is the AES-256-GCM layer: the inner tag is itself encrypted.

use super::aead::{NONCE_LEN, TAG_LEN};
use super::{Suite, ENVELOPE_VERSION, KEY_ID_LEN};
use crate::error::{Error, ErrorKind, Result};

const FIXED: usize = 1 + 1 + 4 + KEY_ID_LEN;

pub(crate) const fn fixed_header_len() -> usize {
    FIXED
}

/// Append the header to `out`.
pub(crate) fn write_header(
    out: &mut Vec<u8>,
    suite: Suite,
    key_version: u32,
    key_id: &[u8; KEY_ID_LEN],
    nonces: &[u8],
) {
    out.push(ENVELOPE_VERSION);
    out.push(suite as u8);
    out.extend_from_slice(&key_version.to_be_bytes());
    out.extend_from_slice(key_id);
    out.extend_from_slice(nonces);
}

/// The public header of an envelope: what sealed it, without opening it.
///
/// Lets a caller route an envelope to the right key (by key version and key
/// id) before opening it.
///
/// # Examples
/// ```
/// use chatvault::seal::{EnvelopeHeader, Suite};
/// let err = EnvelopeHeader::parse(&[1, 2, 3]).unwrap_err();
/// assert_eq!(err.kind(), chatvault::ErrorKind::Malformed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeHeader {
    suite: Suite,
    key_version: u32,
    key_id: [u8; KEY_ID_LEN],
    nonces: [[u8; NONCE_LEN]; 2],
    header_len: usize,
    ciphertext_len: usize,
}

impl EnvelopeHeader {
    /// Parse and check the header of `envelope` (its whole length included:
    /// the body must hold at least the tags).
    pub fn parse(envelope: &[u8]) -> Result<EnvelopeHeader> {
        let version = *envelope
            .first()
            .ok_or_else(|| Error::malformed("empty envelope"))?;
        if version != ENVELOPE_VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("envelope version {version}"),
            ));
        }
        let suite_byte = *envelope
            .get(1)
            .ok_or_else(|| Error::malformed("envelope shorter than its header"))?;
        let suite = Suite::from_u8(suite_byte)?;
        let layers = suite.layers();
        let header_len = FIXED + layers * NONCE_LEN;
        let min = header_len + layers * TAG_LEN;
        if envelope.len() < min {
            return Err(Error::malformed(format!(
                "envelope of {} bytes is shorter than the {min} bytes its suite needs",
                envelope.len()
            )));
        }
        let mut nonces = [[0u8; NONCE_LEN]; 2];
        for (i, n) in nonces.iter_mut().take(layers).enumerate() {
            n.copy_from_slice(&envelope[FIXED + i * NONCE_LEN..FIXED + (i + 1) * NONCE_LEN]);
        }
        Ok(EnvelopeHeader {
            suite,
            key_version: u32::from_be_bytes(envelope[2..6].try_into().expect("4")),
            key_id: envelope[6..FIXED].try_into().expect("32"),
            nonces,
            header_len,
            ciphertext_len: envelope.len() - min,
        })
    }

    /// The suite that sealed the envelope.
    pub fn suite(&self) -> Suite {
        self.suite
    }
    /// The key version that sealed the envelope.
    pub fn key_version(&self) -> u32 {
        self.key_version
    }
    /// The key id (a commitment to the key) that sealed the envelope.
    pub fn key_id(&self) -> &[u8; KEY_ID_LEN] {
        &self.key_id
    }
    /// Length of the header (version through nonces).
    pub fn header_len(&self) -> usize {
        self.header_len
    }
    /// Length of the plaintext the envelope holds.
    pub fn plaintext_len(&self) -> usize {
        self.ciphertext_len
    }
    pub(crate) fn nonce(&self, layer: usize) -> [u8; NONCE_LEN] {
        self.nonces[layer]
    }
}
