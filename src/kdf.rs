//! HKDF-SHA256 and the one encoding of its `info` strings.
//!
//! Owns: how every chatvault key is derived from another. Every derived key
//! in the crate goes through [`derive`], so the label encoding (documented in
//! docs/FORMAT.md, "Key schedule") is defined in one place.
//!
//! `info` = label bytes || for each part: u16 big-endian length || part.
//! Labels are ASCII and never a prefix of one another, so two different
//! (label, parts) lists never give the same `info`.

use hkdf::Hkdf;
use sha2::Sha256;

/// The HKDF salt of every derivation in this crate (format version 1).
pub(crate) const SALT: &[u8] = b"chatvault/v1";

/// HKDF-SHA256(ikm, salt = [`SALT`], info = label || len-prefixed parts)
/// into `out` (at most 255 * 32 bytes; every caller asks for 16 to 64).
pub(crate) fn derive(ikm: &[u8], label: &str, parts: &[&[u8]], out: &mut [u8]) {
    Extracted::new(ikm).expand(label, parts, out)
}

/// The HKDF-Extract step done once, for several derivations from one key
/// (the same bytes as calling [`derive`] for each).
pub(crate) struct Extracted(Hkdf<Sha256>);

impl Extracted {
    pub(crate) fn new(ikm: &[u8]) -> Extracted {
        Extracted(Hkdf::<Sha256>::new(Some(SALT), ikm))
    }

    pub(crate) fn expand(&self, label: &str, parts: &[&[u8]], out: &mut [u8]) {
        let mut info =
            Vec::with_capacity(label.len() + parts.iter().map(|p| p.len() + 2).sum::<usize>());
        info.extend_from_slice(label.as_bytes());
        for part in parts {
            // Every part is a name or a small integer; names are length-checked
            // by their constructors to fit in u16.
            let len = u16::try_from(part.len()).expect("kdf info part longer than 65535 bytes");
            info.extend_from_slice(&len.to_be_bytes());
            info.extend_from_slice(part);
        }
        self.0
            .expand(&info, out)
            .expect("HKDF output length is within 255 * 32 bytes");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5869 test case 1, through the same HKDF the crate uses.
    #[test]
    fn rfc5869_case1() {
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let mut okm = [0u8; 42];
        Hkdf::<Sha256>::new(Some(&salt), &ikm)
            .expand(&info, &mut okm)
            .unwrap();
        assert_eq!(
            okm.to_vec(),
            hex::decode("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865").unwrap()
        );
    }

    #[test]
    fn parts_are_length_prefixed() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        derive(b"k", "x", &[b"ab", b"c"], &mut a);
        derive(b"k", "x", &[b"a", b"bc"], &mut b);
        assert_ne!(a, b);
    }
}
