//! Blind indexes: find records by an exact value without decrypting.
//!
//! index = Trunc_n(HMAC-SHA256(K_bi, u16 len(field) || field || normalized
//! value)) where K_bi is the tenant's blind-index key (from the key
//! hierarchy). Binding the field name makes a phone number's index differ
//! between fields; the per-tenant key makes it differ between tenants and
//! useless to anyone without the key (no dictionary attack on 11-digit
//! phone numbers from the index alone).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Shortest blind index, in bytes (64 bits: few accidental collisions even
/// at billions of records).
pub const MIN_INDEX_LEN: usize = 8;
/// Longest blind index, in bytes (the full HMAC-SHA256 output).
pub const MAX_INDEX_LEN: usize = 32;

/// How a value is normalized before indexing, so that the forms people
/// type for one value find each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Normalization {
    /// The bytes as given.
    Exact = 0,
    /// Full-width ASCII to half-width, ASCII lower case, runs of white space
    /// to one space, trimmed.
    Text = 1,
    /// Digits only (full-width folded), without a +86 / 0086 country prefix
    /// in front of an 11-digit mainland number.
    Phone = 2,
    /// ID card: full-width folded, white space and dashes removed, ASCII
    /// letters upper-cased (so a final `x` check character matches `X`).
    IdCard = 3,
    /// Bank card: digits only.
    BankCard = 4,
    /// E-mail: full-width folded, trimmed, lower case.
    Email = 5,
}

impl Normalization {
    /// The normalization for a C ABI number.
    pub fn from_u32(n: u32) -> Result<Normalization> {
        Ok(match n {
            0 => Normalization::Exact,
            1 => Normalization::Text,
            2 => Normalization::Phone,
            3 => Normalization::IdCard,
            4 => Normalization::BankCard,
            5 => Normalization::Email,
            _ => return Err(Error::invalid(format!("unknown normalization {n}"))),
        })
    }

    /// Normalize `value`.
    ///
    /// # Examples
    /// ```
    /// use chatvault::seal::Normalization;
    /// assert_eq!(Normalization::Phone.apply("+86 138-0013-8000"), "13800138000");
    /// assert_eq!(Normalization::Phone.apply("１３８ ００１３ ８０００"), "13800138000");
    /// assert_eq!(Normalization::Email.apply(" Li.Lei@Example.COM "), "li.lei@example.com");
    /// ```
    pub fn apply(self, value: &str) -> String {
        let folded = || value.chars().map(fold_width);
        match self {
            Normalization::Exact => value.to_owned(),
            Normalization::Text => {
                let lowered: String = folded().map(|c| c.to_ascii_lowercase()).collect();
                lowered.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            Normalization::Phone => {
                let d: String = folded().filter(char::is_ascii_digit).collect();
                let national = if d.len() == 15 && d.starts_with("0086") {
                    &d[4..]
                } else if d.len() == 13 && d.starts_with("86") {
                    &d[2..]
                } else {
                    &d[..]
                };
                national.to_owned()
            }
            Normalization::IdCard => folded()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            Normalization::BankCard => folded().filter(char::is_ascii_digit).collect(),
            Normalization::Email => folded().collect::<String>().trim().to_ascii_lowercase(),
        }
    }
}

/// Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to
/// their ASCII equivalents.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Computes blind indexes under one tenant's blind-index key.
///
/// Obtained from [`Keyring::blind_indexer`](crate::keys::Keyring::blind_indexer).
/// `Send + Sync`; keyed once, so each index costs one HMAC.
#[derive(Clone)]
pub struct BlindIndexer {
    mac: Hmac<Sha256>,
    len: usize,
}

impl std::fmt::Debug for BlindIndexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlindIndexer")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl BlindIndexer {
    pub(crate) fn from_secret(secret: &[u8; 32], len: usize) -> Result<BlindIndexer> {
        if !(MIN_INDEX_LEN..=MAX_INDEX_LEN).contains(&len) {
            return Err(Error::invalid(format!(
                "blind index length {len} outside {MIN_INDEX_LEN}..={MAX_INDEX_LEN}"
            )));
        }
        let mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
        Ok(BlindIndexer { mac, len })
    }

    /// Bytes per index.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an index has at least [`MIN_INDEX_LEN`] bytes.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The blind index of `value` in `field`, after `norm`. A value that
    /// normalizes to nothing is an error (it would match every empty value).
    pub fn index(&self, field: &str, value: &str, norm: Normalization) -> Result<Vec<u8>> {
        if field.len() > u16::MAX as usize {
            return Err(Error::invalid("field name longer than 65535 bytes"));
        }
        let normalized = norm.apply(value);
        if normalized.is_empty() {
            return Err(Error::invalid("value is empty after normalization"));
        }
        let mut mac = self.mac.clone();
        mac.update(&(field.len() as u16).to_be_bytes());
        mac.update(field.as_bytes());
        mac.update(normalized.as_bytes());
        let full = mac.finalize().into_bytes();
        Ok(full[..self.len].to_vec())
    }
}
