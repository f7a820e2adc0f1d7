//! Masking identifiers for display, with the originals sealed for those
//! allowed to see them.
//!
//! A [`Masker`] turns a message and its [`Finding`]s into a [`Masked`]
//! message: the display text, where each identifier is replaced as its
//! [`Operator`] says (`138****5678`, `@安静的海豚27`, a format-preserving
//! token, …), and a [`RestoreMap`] that holds, for each replaced span, the
//! original sealed under the customer's key for the identifier's class
//! ([`IdClass`]). Whoever holds that class key (the tenant's [`Keyring`],
//! or an agent's restore key, [`AgentGrant`]) gets the exact original back
//! with [`RestoreMap::restore`]; nobody else can.
//!
//! # Examples
//! ```
//! use std::sync::Arc;
//! use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
//! use chatvault::mask::{CustomerKeys, Masker, RecordRef};
//! use chatvault::pii::Detector;
//!
//! let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
//! let masker = Masker::new(ring.pseudonym_key()?);
//! let text = "手机 13800138000，卡号 6222 0212 3456 7894";
//! let found = Detector::new().detect(text)?;
//! let keys = CustomerKeys::new(&ring, "cust-9");
//! let at = RecordRef::new("acme", "conv-1/msg-3");
//! let masked = masker.mask(text, &found, &keys, &at)?;
//! assert_eq!(masked.text, "手机 138****8000，卡号 **** **** **** 7894");
//! // The keyring (or an agent restore key for both classes) gets it all back.
//! assert_eq!(masked.map.restore(&masked.text, &keys, &at)?, text);
//! # Ok::<(), chatvault::Error>(())
//! ```

mod restore;
mod token;

use std::ops::Range;
use std::sync::{Arc, Mutex};

pub use restore::{RestoreEntry, RestoreMap, Restored};
pub use token::{nickname, NicknameStyle};

use crate::error::{Error, Result};
use crate::keys::{AgentGrant, DataKey, IdClass, KeyStore, Keyring, PseudonymKey};
use crate::pii::{EntityType, Finding};
use crate::seal::{Sealer, Suite};

/// How one identifier is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// Keep the first `first` and last `last` letters and digits, replace
    /// the others with `with`; separators (spaces, dashes) stay.
    /// `138 0013 8000` with `keep(3, 4, '*')` shows `138 **** 8000`.
    Keep {
        /// Letters and digits kept at the start.
        first: u16,
        /// Letters and digits kept at the end.
        last: u16,
        /// The replacement character.
        with: char,
    },
    /// Replace with `***`, whatever the length.
    Redact,
    /// Replace with the entity type's name in brackets: `[cn_mobile]`.
    TypeLabel,
    /// Replace with `#` and 16 hex digits of a keyed hash (HMAC-SHA256
    /// under the tenant's pseudonym key) of the normalized value: the same
    /// identifier always shows the same hash within a tenant.
    KeyedHash,
    /// Replace with a readable pseudonym, `@` then words and a number,
    /// deterministic per tenant and identifier.
    Nickname(NicknameStyle),
    /// Replace with a different identifier of the same format that still
    /// passes its checks (a Luhn-valid card keeping the issuer's first six
    /// digits, an ID with a valid check character, a mobile number with a
    /// real prefix), deterministic per tenant key. Types without such a
    /// format fall back to [`Operator::KeyedHash`].
    Token,
    /// E-mail style: the first character of the local part, `***`, and
    /// the domain (`l***@example.com`); other types as `keep(1, 1)`.
    Email,
}

impl Operator {
    /// `keep(first, last, with)`.
    pub fn keep(first: u16, last: u16, with: char) -> Operator {
        Operator::Keep { first, last, with }
    }
    /// Mobile numbers as shown in China: `138****5678`.
    pub fn mobile() -> Operator {
        Operator::keep(3, 4, '*')
    }
    /// Resident ID cards: the first three and last four (`110***********002X`).
    pub fn id_card() -> Operator {
        Operator::keep(3, 4, '*')
    }
    /// Bank cards: the last four only (`**** **** **** 7899`).
    pub fn bank_card() -> Operator {
        Operator::keep(0, 4, '*')
    }
    /// Names: the family name only (`张*`, `欧阳**`… keeps one character).
    pub fn name() -> Operator {
        Operator::keep(1, 0, '*')
    }
    /// E-mail addresses: `l***@example.com`.
    pub fn email() -> Operator {
        Operator::Email
    }

    /// Whether this operator needs the tenant's pseudonym key.
    pub fn is_keyed(&self) -> bool {
        matches!(
            self,
            Operator::KeyedHash | Operator::Nickname(_) | Operator::Token
        )
    }

    /// Apply an operator that needs no key (`Keep`, `Redact`, `TypeLabel`,
    /// `Email`) to a value; keyed operators are an error here (use a
    /// [`Masker`]).
    ///
    /// # Examples
    /// ```
    /// use chatvault::mask::Operator;
    /// use chatvault::pii::EntityType;
    /// assert_eq!(Operator::mobile().apply("13812345678", EntityType::CnMobile)?, "138****5678");
    /// assert_eq!(Operator::mobile().apply("+86 138-1234-5678", EntityType::CnMobile)?, "+86 138-****-5678");
    /// assert_eq!(Operator::name().apply("张三", EntityType::WeChatId)?, "张*");
    /// assert_eq!(Operator::email().apply("li.lei@example.com", EntityType::Email)?, "l***@example.com");
    /// # Ok::<(), chatvault::Error>(())
    /// ```
    pub fn apply(&self, value: &str, entity: EntityType) -> Result<String> {
        match self {
            Operator::Keep { first, last, with } => {
                let mut out = String::with_capacity(value.len());
                keep_entity(value, entity, *first, *last, *with, &mut out);
                Ok(out)
            }
            Operator::Redact => Ok("***".to_owned()),
            Operator::TypeLabel => Ok(format!("[{}]", entity.name())),
            Operator::Email => Ok(email(value)),
            _ => Err(Error::invalid(
                "this operator needs the tenant's pseudonym key: use a Masker",
            )),
        }
    }
}

/// Letters and digits of any script (full-width digits and Chinese
/// numerals included) count; separators do not.
fn significant(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// [`keep_into`], except that a mainland number's country code (`+86`,
/// `0086`) is shown as written and not counted: `+86 138****8000`.
fn keep_entity(
    value: &str,
    entity: EntityType,
    first: u16,
    last: u16,
    with: char,
    out: &mut String,
) {
    if matches!(entity, EntityType::CnMobile | EntityType::CnLandline) {
        for prefix in ["+86", "0086", "＋８６", "００８６"] {
            if let Some(rest) = value.strip_prefix(prefix) {
                let national = rest.trim_start_matches(|c: char| !significant(c));
                out.push_str(&value[..value.len() - national.len()]);
                return keep_into(national, first, last, with, out);
            }
        }
    }
    keep_into(value, first, last, with, out)
}

fn keep(value: &str, first: u16, last: u16, with: char) -> String {
    let mut out = String::with_capacity(value.len());
    keep_into(value, first, last, with, &mut out);
    out
}

/// [`keep`], appending to `out`.
fn keep_into(value: &str, first: u16, last: u16, with: char, out: &mut String) {
    let total = value.chars().filter(|c| significant(*c)).count();
    let (first, last) = (first as usize, last as usize);
    let mut k = 0;
    for c in value.chars() {
        if significant(c) {
            if k < first || k + last >= total {
                out.push(c);
            } else {
                out.push(with);
            }
            k += 1;
        } else {
            out.push(c);
        }
    }
}

fn email(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first = local.chars().next().expect("not empty");
            format!("{first}***@{domain}")
        }
        _ => keep(value, 1, 1, '*'),
    }
}

/// The normalized value of an identifier, used for keyed hashes, tokens
/// and blind indexes, so that `138 0013 8000`, `+86 13800138000` and
/// `１３８００１３８０００` are one value:
/// - phone numbers: ASCII digits (full-width digits and Chinese numerals
///   converted), without the `+86` / `0086` prefix for mainland numbers;
/// - ID, passport and permit numbers, bank cards, plates: letters and
///   digits only, letters upper-cased;
/// - e-mail addresses and URLs: lower-cased;
/// - anything else: as written.
///
/// # Examples
/// ```
/// use chatvault::mask::normalize;
/// use chatvault::pii::EntityType;
/// assert_eq!(normalize(EntityType::CnMobile, "+86 138-0013-8000"), "13800138000");
/// assert_eq!(normalize(EntityType::CnMobile, "一三八００一三八０００"), "13800138000");
/// assert_eq!(normalize(EntityType::CnResidentId, "11010519491231002x"), "11010519491231002X");
/// ```
pub fn normalize(entity: EntityType, value: &str) -> String {
    use EntityType as E;
    match entity {
        E::CnMobile | E::CnLandline | E::IntlPhone | E::QqId => {
            let digits: String = value.chars().filter_map(digit_of).collect();
            if entity == E::CnMobile && digits.len() > 11 {
                digits[digits.len() - 11..].to_owned()
            } else if entity == E::CnLandline && value.trim_start().starts_with('+') {
                format!("0{}", digits.strip_prefix("86").unwrap_or(&digits))
            } else if entity == E::CnLandline && digits.starts_with("0086") {
                format!("0{}", &digits[4..])
            } else {
                digits
            }
        }
        E::CnResidentId
        | E::CnPassport
        | E::TravelPermit
        | E::HkId
        | E::MoId
        | E::TwId
        | E::BankCard
        | E::LicencePlate => value
            .chars()
            .filter_map(|c| digit_of(c).or_else(|| c.is_alphanumeric().then_some(c)))
            .flat_map(char::to_uppercase)
            .collect(),
        E::Email | E::Url => value.to_lowercase(),
        _ => value.to_owned(),
    }
}

/// The ASCII digit a digit-like character stands for (the detector's
/// reading: ASCII, full-width, Chinese numerals).
fn digit_of(c: char) -> Option<char> {
    crate::pii::digit_value(c).map(|d| char::from(b'0' + d))
}

/// Which operator masks each entity type.
///
/// The default: phones `keep(3, 4)`, resident IDs `keep(3, 4)`, passports,
/// permits and Hong Kong / Macau / Taiwan IDs `keep(1, 2)`, bank cards the
/// last four, e-mail addresses [`Operator::Email`], IP addresses and URLs
/// [`Operator::Redact`], plates `keep(2, 1)`, wallet addresses `keep(4,
/// 4)`, WeChat ids a nickname, QQ numbers `keep(2, 2)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskPolicy {
    /// By entity number (index 0 unused).
    ops: Vec<Operator>,
}

impl Default for MaskPolicy {
    fn default() -> Self {
        use EntityType as E;
        let mut ops = vec![Operator::Redact; EntityType::ALL.len() + 1];
        for e in E::ALL {
            let op = match e {
                E::CnMobile | E::CnLandline | E::IntlPhone => Operator::mobile(),
                E::CnResidentId => Operator::id_card(),
                E::CnPassport | E::TravelPermit | E::HkId | E::MoId | E::TwId => {
                    Operator::keep(1, 2, '*')
                }
                E::BankCard => Operator::bank_card(),
                E::Email => Operator::email(),
                E::Ipv4 | E::Ipv6 | E::Url => Operator::Redact,
                E::LicencePlate => Operator::keep(2, 1, '*'),
                E::BtcAddress | E::EthAddress => Operator::keep(4, 4, '*'),
                E::WeChatId => Operator::Nickname(NicknameStyle::Chinese),
                E::QqId => Operator::keep(2, 2, '*'),
            };
            ops[e as usize] = op;
        }
        MaskPolicy { ops }
    }
}

impl MaskPolicy {
    /// The default policy (see the type's documentation).
    pub fn new() -> MaskPolicy {
        MaskPolicy::default()
    }

    /// Use `op` for `entity`.
    pub fn set(&mut self, entity: EntityType, op: Operator) -> &mut Self {
        self.ops[entity as usize] = op;
        self
    }

    /// Use `op` for every entity type.
    pub fn set_all(&mut self, op: Operator) -> &mut Self {
        for e in EntityType::ALL {
            self.ops[e as usize] = op.clone();
        }
        self
    }

    /// The operator for `entity`.
    pub fn get(&self, entity: EntityType) -> &Operator {
        &self.ops[entity as usize]
    }
}

/// The keys that seal and open the originals of one customer's
/// identifiers, one per [`IdClass`].
pub trait ClassKeys {
    /// The customer's data key for `class`. A holder without rights to the
    /// class returns [`ErrorKind::GrantOutOfScope`](crate::ErrorKind).
    fn class_key(&self, class: IdClass) -> Result<DataKey>;

    /// A sealer of the customer's key for `class` and `suite`. The default
    /// builds one from [`class_key`](Self::class_key) on every call;
    /// [`CustomerKeys`] and [`RestoreKeys`] keep the ones they built.
    fn sealer(&self, class: IdClass, suite: Suite) -> Result<Arc<Sealer>> {
        Ok(Arc::new(self.class_key(class)?.sealer(suite)))
    }
}

/// Sealers already built for one customer, by class and suite.
#[derive(Default)]
struct SealerCache(Mutex<Vec<(IdClass, Suite, Arc<Sealer>)>>);

impl SealerCache {
    fn get(
        &self,
        class: IdClass,
        suite: Suite,
        make: impl FnOnce() -> Result<DataKey>,
    ) -> Result<Arc<Sealer>> {
        let lock = || {
            self.0
                .lock()
                .map_err(|_| Error::new(crate::ErrorKind::Poisoned, "sealer cache poisoned"))
        };
        if let Some((_, _, s)) = lock()?.iter().find(|(c, s, _)| *c == class && *s == suite) {
            return Ok(s.clone());
        }
        let sealer = Arc::new(make()?.sealer(suite));
        lock()?.push((class, suite, sealer.clone()));
        Ok(sealer)
    }
}

impl std::fmt::Debug for SealerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealerCache")
    }
}

/// A customer's class keys from the tenant's [`Keyring`] (created on first
/// use): what ingestion seals with, and what the owner restores with.
///
/// It keeps the sealers it builds, so keep one per customer while that
/// customer's messages are processed, and drop it when done: a sealer it
/// holds keeps working after the key is shredded in the store, until the
/// `CustomerKeys` is dropped.
#[derive(Debug)]
pub struct CustomerKeys<'a> {
    ring: &'a Keyring,
    customer: &'a str,
    cache: SealerCache,
}

impl<'a> CustomerKeys<'a> {
    /// The keys of `customer` in `ring`.
    pub fn new(ring: &'a Keyring, customer: &'a str) -> CustomerKeys<'a> {
        CustomerKeys {
            ring,
            customer,
            cache: SealerCache::default(),
        }
    }
}

impl ClassKeys for CustomerKeys<'_> {
    fn class_key(&self, class: IdClass) -> Result<DataKey> {
        self.ring.customer_key(self.customer, class)
    }

    fn sealer(&self, class: IdClass, suite: Suite) -> Result<Arc<Sealer>> {
        self.cache.get(class, suite, || self.class_key(class))
    }
}

/// A customer's class keys through an agent's restore key: only the
/// granted classes, only inside the grant's validity at `now`.
///
/// Like [`CustomerKeys`] it keeps the sealers it builds; the grant's
/// validity is checked at `now` when each is built.
pub struct RestoreKeys<'a> {
    grant: &'a AgentGrant,
    store: &'a dyn KeyStore,
    customer: &'a str,
    now: i64,
    cache: SealerCache,
}

impl<'a> RestoreKeys<'a> {
    /// The keys of `customer` that `grant` reaches in `store` at `now` (Unix
    /// seconds).
    pub fn new(
        grant: &'a AgentGrant,
        store: &'a dyn KeyStore,
        customer: &'a str,
        now: i64,
    ) -> RestoreKeys<'a> {
        RestoreKeys {
            grant,
            store,
            customer,
            now,
            cache: SealerCache::default(),
        }
    }
}

impl ClassKeys for RestoreKeys<'_> {
    fn class_key(&self, class: IdClass) -> Result<DataKey> {
        self.grant
            .customer_key(self.store, self.customer, class, self.now)
    }

    fn sealer(&self, class: IdClass, suite: Suite) -> Result<Arc<Sealer>> {
        self.cache.get(class, suite, || self.class_key(class))
    }
}

/// Which message a masked text belongs to: tenant and record, bound into
/// every sealed original so it opens for this message only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The tenant.
    pub tenant: &'a str,
    /// The record (message) identifier.
    pub record: &'a str,
}

impl<'a> RecordRef<'a> {
    /// A record reference.
    pub fn new(tenant: &'a str, record: &'a str) -> RecordRef<'a> {
        RecordRef { tenant, record }
    }
}

/// A masked message: what to show, and how to get the originals back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The display text.
    pub text: String,
    /// Each masked span of `text`, with its original sealed.
    pub map: RestoreMap,
}

/// Masks findings in messages. Holds the policy and the tenant's pseudonym
/// key (for keyed hashes, nicknames and tokens); `Send + Sync`, build one
/// per tenant and share it.
#[derive(Debug, Clone)]
pub struct Masker {
    policy: MaskPolicy,
    pseudonym: PseudonymKey,
    suite: Suite,
}

impl Masker {
    /// A masker with the default [`MaskPolicy`], sealing originals with
    /// AES-256-GCM.
    pub fn new(pseudonym: PseudonymKey) -> Masker {
        Masker {
            policy: MaskPolicy::default(),
            pseudonym,
            suite: Suite::Aes256Gcm,
        }
    }

    /// Use `policy`.
    pub fn with_policy(mut self, policy: MaskPolicy) -> Masker {
        self.policy = policy;
        self
    }

    /// Seal originals with `suite` (SM4-GCM for deployments that must use
    /// the Chinese national algorithms).
    pub fn with_suite(mut self, suite: Suite) -> Masker {
        self.suite = suite;
        self
    }

    /// The policy in use.
    pub fn policy(&self) -> &MaskPolicy {
        &self.policy
    }

    /// How `value`, an identifier of type `entity`, is shown under the
    /// policy.
    ///
    /// # Examples
    /// ```
    /// # use std::sync::Arc;
    /// # use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
    /// use chatvault::mask::{Masker, MaskPolicy, Operator};
    /// use chatvault::pii::{checks, EntityType};
    /// # let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
    /// let mut policy = MaskPolicy::new();
    /// policy.set(EntityType::BankCard, Operator::Token);
    /// let masker = Masker::new(ring.pseudonym_key()?).with_policy(policy);
    /// let token = masker.display(EntityType::BankCard, "6222021234567894")?;
    /// assert!(checks::luhn_valid(token.as_bytes()));
    /// assert!(token.starts_with("622202") && token != "6222021234567894");
    /// assert_eq!(token, masker.display(EntityType::BankCard, "6222021234567894")?);
    /// # Ok::<(), chatvault::Error>(())
    /// ```
    pub fn display(&self, entity: EntityType, value: &str) -> Result<String> {
        let op = self.policy.get(entity);
        match op {
            Operator::KeyedHash => self.keyed_hash(entity, value),
            Operator::Nickname(style) => {
                nickname(&self.pseudonym, &normalize(entity, value), *style)
            }
            Operator::Token => match token::token(&self.pseudonym, entity, value)? {
                Some(t) => Ok(t),
                None => self.keyed_hash(entity, value),
            },
            _ => op.apply(value, entity),
        }
    }

    fn keyed_hash(&self, entity: EntityType, value: &str) -> Result<String> {
        let mut input = Vec::with_capacity(value.len() + 8);
        input.push(entity.class() as u8);
        input.extend_from_slice(normalize(entity, value).as_bytes());
        let tag = self.pseudonym.tag("chatvault/mask/hash", &input)?;
        let mut out = String::with_capacity(17);
        out.push('#');
        for b in &tag[..8] {
            out.push_str(&format!("{b:02x}"));
        }
        Ok(out)
    }

    /// Mask `findings` in `text`: every finding's span is shown as the
    /// policy says and its original is sealed under `keys` for the
    /// finding's class, bound to `at` and to its place in the display
    /// text.
    ///
    /// Findings may come in any order and may overlap: overlapping findings
    /// are merged into one masked span, shown and sealed as the entity type
    /// of the longest of them (the first on a tie). A span that is empty,
    /// out of bounds or not on character boundaries is an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind) error.
    pub fn mask(
        &self,
        text: &str,
        findings: &[Finding],
        keys: &dyn ClassKeys,
        at: &RecordRef<'_>,
    ) -> Result<Masked> {
        if text.len() > u32::MAX as usize {
            return Err(Error::new(
                crate::ErrorKind::TooLarge,
                "text longer than 4294967295 bytes",
            ));
        }
        if findings.is_empty() {
            return Ok(Masked {
                text: text.to_owned(),
                map: RestoreMap::default(),
            });
        }
        let regions = merge(text, findings)?;
        let mut sealers: [Option<Arc<Sealer>>; 5] = Default::default();
        let mut out = String::with_capacity(text.len() + 8 * regions.len());
        let mut entries = Vec::with_capacity(regions.len());
        let mut pos = 0;
        for (index, (span, entity)) in regions.into_iter().enumerate() {
            out.push_str(&text[pos..span.start]);
            let original = &text[span.clone()];
            let start = out.len();
            match self.policy.get(entity) {
                // The common case, written in place.
                Operator::Keep { first, last, with } => {
                    keep_entity(original, entity, *first, *last, *with, &mut out)
                }
                _ => out.push_str(&self.display(entity, original)?),
            }
            let end = out.len();
            if end > u32::MAX as usize {
                return Err(Error::new(
                    crate::ErrorKind::TooLarge,
                    "masked text longer than 4294967295 bytes",
                ));
            }
            let class = entity.class();
            let slot = &mut sealers[class as usize - 1];
            if slot.is_none() {
                *slot = Some(keys.sealer(class, self.suite)?);
            }
            let sealer = slot.as_ref().expect("set above");
            let field = restore::FieldLabel::new(index, entity, start, end);
            let ctx = crate::seal::Context::new(at.tenant, at.record, field.as_bytes());
            let sealed = sealer.seal(&ctx, original.as_bytes())?;
            entries.push(RestoreEntry {
                span: start..end,
                entity,
                sealed,
            });
            pos = span.end;
        }
        out.push_str(&text[pos..]);
        Ok(Masked {
            text: out,
            // Sorted and disjoint by construction (merge).
            map: RestoreMap::from_sorted(entries),
        })
    }
}

/// Check the findings' spans and merge overlapping ones: sorted,
/// disjoint regions, each with the entity type of its longest finding.
fn merge(text: &str, findings: &[Finding]) -> Result<Vec<(Range<usize>, EntityType)>> {
    // (span, entity, length of the longest finding merged in)
    let mut items: Vec<(Range<usize>, EntityType, usize)> = Vec::with_capacity(findings.len());
    for f in findings {
        let s = &f.span;
        if s.start >= s.end
            || s.end > text.len()
            || !text.is_char_boundary(s.start)
            || !text.is_char_boundary(s.end)
        {
            return Err(Error::invalid(format!(
                "finding span {}..{} is empty, out of bounds or not on character boundaries",
                s.start, s.end
            )));
        }
        items.push((s.clone(), f.entity, s.end - s.start));
    }
    // Longest first among equal starts, so the region's type is decided by
    // a stable rule. (A detector's findings come sorted already.)
    let key = |a: &(Range<usize>, EntityType, usize)| (a.0.start, std::cmp::Reverse(a.2));
    if !items.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        items.sort_by_key(key);
    }
    // Merge overlapping ones in place.
    let mut kept = 0;
    for k in 0..items.len() {
        let (span, entity, len) = items[k].clone();
        if kept > 0 && span.start < items[kept - 1].0.end {
            let last = &mut items[kept - 1];
            if len > last.2 {
                last.2 = len;
                last.1 = entity;
            }
            last.0.end = last.0.end.max(span.end);
        } else {
            items[kept] = (span, entity, len);
            kept += 1;
        }
    }
    items.truncate(kept);
    Ok(items.into_iter().map(|(r, e, _)| (r, e)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_counts_letters_and_digits_only() {
        assert_eq!(keep("138 0013 8000", 3, 4, '*'), "138 **** 8000");
        assert_eq!(keep("13800138000", 3, 4, '*'), "138****8000");
        assert_eq!(keep("张三", 1, 0, '*'), "张*");
        assert_eq!(keep("ab", 3, 4, '*'), "ab");
        assert_eq!(keep("", 3, 4, '*'), "");
        assert_eq!(
            keep("6222 0212 3456 7899", 0, 4, '*'),
            "**** **** **** 7899"
        );
    }

    #[test]
    fn email_keeps_the_domain() {
        assert_eq!(email("li.lei@example.com"), "l***@example.com");
        assert_eq!(email("@x"), "@x");
        assert_eq!(email("无"), "无");
    }

    #[test]
    fn merge_rejects_bad_spans_and_merges_overlaps() {
        let f = |s: Range<usize>, e| Finding {
            entity: e,
            span: s,
            confidence: 0.9,
            rule: "t",
        };
        let t = "手机13800138000";
        assert!(merge(t, &[f(1..4, EntityType::CnMobile)]).is_err());
        assert!(merge(t, &[f(6..6, EntityType::CnMobile)]).is_err());
        assert!(merge(t, &[f(6..18, EntityType::CnMobile)]).is_err());
        let m = merge(
            t,
            &[
                f(8..12, EntityType::QqId),
                f(6..17, EntityType::CnMobile),
                f(10..17, EntityType::QqId),
            ],
        )
        .unwrap();
        assert_eq!(m, vec![(6..17, EntityType::CnMobile)]);
    }
}
