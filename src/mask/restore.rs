//! The restore map: each masked span of a display text with its original
//! sealed, and the byte format it is stored in (docs/FORMAT.md, "Restore
//! map").
//!
//! Owns: [`RestoreMap`] and its encoding, and restoring. Invariants: the
//! entries are sorted by span and do not overlap; every original is sealed
//! with a field label that names its index, entity type and span, so an
//! entry moved to another place, message or map does not open.

use std::ops::Range;

use zeroize::Zeroizing;

use super::ClassKeys;
use super::RecordRef;
use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::pii::EntityType;
use crate::seal::{Context, EnvelopeHeader};

const MAGIC: &[u8; 4] = b"CVRM";
const VERSION: u8 = 1;

/// One masked span of a display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreEntry {
    /// The masked bytes in the display text.
    pub span: Range<usize>,
    /// The type of the identifier (its class decides the key).
    pub entity: EntityType,
    /// The original, sealed (a chatvault envelope).
    pub sealed: Vec<u8>,
}

/// The masked spans of one display text, each with its original sealed.
///
/// # Examples
/// ```
/// # use std::sync::Arc;
/// # use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
/// use chatvault::mask::{CustomerKeys, Masker, RecordRef, RestoreMap};
/// use chatvault::pii::Detector;
/// # let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
/// let text = "call 13800138000";
/// let keys = CustomerKeys::new(&ring, "cust-1");
/// let at = RecordRef::new("acme", "msg-1");
/// let masked = Masker::new(ring.pseudonym_key()?)
///     .mask(text, &Detector::new().detect(text)?, &keys, &at)?;
/// // Stored as bytes beside the display text, and parsed back.
/// let map = RestoreMap::from_bytes(&masked.map.to_bytes())?;
/// assert_eq!(map.restore(&masked.text, &keys, &at)?, text);
/// assert_eq!(&map.reveal(0, &keys, &at)?[..], "13800138000");
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreMap {
    entries: Vec<RestoreEntry>,
}

/// The result of [`RestoreMap::restore_permitted`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The text with every permitted span restored.
    pub text: String,
    /// Indexes of the entries restored.
    pub revealed: Vec<usize>,
    /// Indexes of the entries left masked because the keys do not reach
    /// their class (or the customer's key was shredded).
    pub withheld: Vec<usize>,
}

/// The field label an original is sealed under.
#[cfg(test)]
pub(crate) fn field_label(index: usize, entity: EntityType, start: usize, end: usize) -> String {
    String::from_utf8(
        FieldLabel::new(index, entity, start, end)
            .as_bytes()
            .to_vec(),
    )
    .expect("ASCII")
}

/// The field label an original is sealed under, built on the stack:
/// `chatvault/mask/{index}/{entity}/{start}-{end}` in ASCII decimal.
pub(crate) struct FieldLabel {
    buf: [u8; 96],
    len: usize,
}

impl FieldLabel {
    pub(crate) fn new(index: usize, entity: EntityType, start: usize, end: usize) -> FieldLabel {
        let mut l = FieldLabel {
            buf: [0; 96],
            len: 0,
        };
        l.push(b"chatvault/mask/");
        l.decimal(index);
        l.push(b"/");
        l.decimal(entity as usize);
        l.push(b"/");
        l.decimal(start);
        l.push(b"-");
        l.decimal(end);
        l
    }

    fn push(&mut self, b: &[u8]) {
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }

    /// Decimal digits of `n`, without leading zeros (at most 20).
    fn decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl RestoreMap {
    /// A map from entries the caller built sorted and disjoint.
    pub(crate) fn from_sorted(entries: Vec<RestoreEntry>) -> RestoreMap {
        debug_assert!(entries.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        RestoreMap { entries }
    }

    /// A map from entries, which must be sorted by span and not overlap.
    pub fn from_entries(entries: Vec<RestoreEntry>) -> Result<RestoreMap> {
        let mut prev_end = 0;
        for (i, e) in entries.iter().enumerate() {
            if e.span.start >= e.span.end || (i > 0 && e.span.start < prev_end) {
                return Err(Error::invalid(format!(
                    "restore entry {i}: spans must be non-empty, sorted and disjoint"
                )));
            }
            if e.span.end > u32::MAX as usize {
                return Err(Error::invalid(format!(
                    "restore entry {i}: span beyond 4 GiB"
                )));
            }
            prev_end = e.span.end;
        }
        Ok(RestoreMap { entries })
    }

    /// The entries, in display order.
    pub fn entries(&self) -> &[RestoreEntry] {
        &self.entries
    }

    /// Number of masked spans.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was masked.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The map's bytes (docs/FORMAT.md, "Restore map").
    pub fn to_bytes(&self) -> Vec<u8> {
        let size: usize = self.entries.iter().map(|e| 14 + e.sealed.len()).sum();
        let mut out = Vec::with_capacity(9 + size);
        out.put(MAGIC);
        out.put_u8(VERSION);
        out.put_u32(self.entries.len() as u32);
        for e in &self.entries {
            out.put_u32(e.span.start as u32);
            out.put_u32(e.span.end as u32);
            out.put_u8(e.entity as u8);
            out.put_u8(e.entity.class() as u8);
            out.put_u32(e.sealed.len() as u32);
            out.put(&e.sealed);
        }
        out
    }

    /// Parse a map's bytes. Anything but an exact, well-formed map is an
    /// error: a wrong magic or version, an unknown entity type, a class that
    /// does not match the type, spans out of order, sealed originals whose
    /// header does not parse, or trailing bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<RestoreMap> {
        let mut r = Reader::new(bytes, "restore map");
        if &r.array::<4>()? != MAGIC {
            return Err(Error::malformed("not a restore map (bad magic)"));
        }
        let version = r.u8()?;
        if version != VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("restore map version {version}"),
            ));
        }
        let count = r.u32()? as usize;
        // Each entry takes at least 14 bytes: bound the allocation.
        if count > (bytes.len() - 9) / 14 {
            return Err(Error::malformed(
                "restore map: entry count exceeds its length",
            ));
        }
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let start = r.u32()? as usize;
            let end = r.u32()? as usize;
            let entity = EntityType::from_u8(r.u8()?)
                .map_err(|_| Error::malformed(format!("restore entry {i}: unknown entity type")))?;
            let class = r.u8()?;
            if class != entity.class() as u8 {
                return Err(Error::malformed(format!(
                    "restore entry {i}: class {class} does not match entity type {}",
                    entity.name()
                )));
            }
            let len = r.u32()? as usize;
            let sealed = r.bytes(len)?.to_vec();
            EnvelopeHeader::parse(&sealed)
                .map_err(|e| Error::new(e.kind(), format!("restore entry {i}: {}", e.detail())))?;
            entries.push(RestoreEntry {
                span: start..end,
                entity,
                sealed,
            });
        }
        r.finish()?;
        RestoreMap::from_entries(entries).map_err(|e| Error::malformed(e.detail().to_owned()))
    }

    fn check_display(&self, display: &str) -> Result<()> {
        for (i, e) in self.entries.iter().enumerate() {
            if e.span.end > display.len()
                || !display.is_char_boundary(e.span.start)
                || !display.is_char_boundary(e.span.end)
            {
                return Err(Error::invalid(format!(
                    "restore entry {i} does not fit the display text (another message's map?)"
                )));
            }
        }
        Ok(())
    }

    /// The original of entry `index`, opened with `keys` (which must reach
    /// the entry's class).
    pub fn reveal(
        &self,
        index: usize,
        keys: &dyn ClassKeys,
        at: &RecordRef<'_>,
    ) -> Result<Zeroizing<String>> {
        let e = self
            .entries
            .get(index)
            .ok_or_else(|| Error::invalid(format!("no restore entry {index}")))?;
        open_entry(index, e, keys, at)
    }

    /// The display text with every masked span replaced by its original:
    /// `restore(mask(x)) == x`. Fails unless `keys` reach every entry's
    /// class.
    pub fn restore(
        &self,
        display: &str,
        keys: &dyn ClassKeys,
        at: &RecordRef<'_>,
    ) -> Result<String> {
        let r = self.restore_inner(display, keys, at, false)?;
        Ok(r.text)
    }

    /// Like [`restore`](Self::restore), but entries whose class the keys do
    /// not reach ([`ErrorKind::GrantOutOfScope`], or
    /// [`ErrorKind::KeyNotFound`] after shredding) stay masked and are
    /// listed as withheld. Any other failure (a tampered entry, an expired
    /// grant) is still an error.
    pub fn restore_permitted(
        &self,
        display: &str,
        keys: &dyn ClassKeys,
        at: &RecordRef<'_>,
    ) -> Result<Restored> {
        self.restore_inner(display, keys, at, true)
    }

    fn restore_inner(
        &self,
        display: &str,
        keys: &dyn ClassKeys,
        at: &RecordRef<'_>,
        partial: bool,
    ) -> Result<Restored> {
        self.check_display(display)?;
        let mut out = Restored {
            text: String::with_capacity(display.len()),
            revealed: Vec::new(),
            withheld: Vec::new(),
        };
        let mut pos = 0;
        for (i, e) in self.entries.iter().enumerate() {
            out.text.push_str(&display[pos..e.span.start]);
            match open_entry(i, e, keys, at) {
                Ok(original) => {
                    out.text.push_str(&original);
                    out.revealed.push(i);
                }
                Err(err)
                    if partial
                        && matches!(
                            err.kind(),
                            ErrorKind::GrantOutOfScope | ErrorKind::KeyNotFound
                        ) =>
                {
                    out.text.push_str(&display[e.span.clone()]);
                    out.withheld.push(i);
                }
                Err(err) => return Err(err),
            }
            pos = e.span.end;
        }
        out.text.push_str(&display[pos..]);
        Ok(out)
    }
}

fn open_entry(
    index: usize,
    e: &RestoreEntry,
    keys: &dyn ClassKeys,
    at: &RecordRef<'_>,
) -> Result<Zeroizing<String>> {
    let header = EnvelopeHeader::parse(&e.sealed)?;
    let sealer = keys.sealer(e.entity.class(), header.suite())?;
    let field = FieldLabel::new(index, e.entity, e.span.start, e.span.end);
    let plain = sealer.open(
        &Context::new(at.tenant, at.record, field.as_bytes()),
        &e.sealed,
    )?;
    let text = std::str::from_utf8(&plain)
        .map_err(|_| Error::malformed(format!("restore entry {index}: original is not UTF-8")))?;
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_label_is_the_documented_text() {
        assert_eq!(
            field_label(0, EntityType::CnMobile, 7, 18),
            "chatvault/mask/0/1/7-18"
        );
        assert_eq!(
            field_label(12, EntityType::QqId, 0, usize::MAX),
            format!("chatvault/mask/12/19/0-{}", usize::MAX)
        );
    }
}
