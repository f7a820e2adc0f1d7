//! Keyed stand-ins for identifiers: `@nickname` pseudonyms and
//! format-preserving tokens.
//!
//! Owns: the word lists of nicknames and the token rules. Both are
//! deterministic functions of the tenant's pseudonym key and the
//! normalized value, so one identifier always gets the same stand-in within
//! a tenant and different ones across tenants; without the key a stand-in
//! says nothing about the identifier. Tokens are not reversible: the
//! original comes back only through the sealed copy in the restore map.

use crate::error::Result;
use crate::keys::PseudonymKey;
use crate::pii::{checks, EntityType};

/// The words a nickname is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NicknameStyle {
    /// `@安静的海豚27`.
    Chinese,
    /// `@QuietDolphin27`.
    Latin,
}

const ADJ_ZH: [&str; 32] = [
    "安静的",
    "勇敢的",
    "聪明的",
    "快乐的",
    "温柔的",
    "认真的",
    "可爱的",
    "机智的",
    "淡定的",
    "热情的",
    "善良的",
    "阳光的",
    "稳重的",
    "活泼的",
    "细心的",
    "大方的",
    "幽默的",
    "低调的",
    "坚定的",
    "乐观的",
    "睿智的",
    "沉稳的",
    "灵巧的",
    "爽朗的",
    "谦虚的",
    "朴实的",
    "优雅的",
    "耐心的",
    "敏捷的",
    "真诚的",
    "开朗的",
    "自在的",
];
const NOUN_ZH: [&str; 32] = [
    "海豚",
    "熊猫",
    "白鹭",
    "松鼠",
    "企鹅",
    "骆驼",
    "海鸥",
    "刺猬",
    "孔雀",
    "考拉",
    "水獭",
    "仙鹤",
    "麋鹿",
    "狐狸",
    "猫头鹰",
    "蜂鸟",
    "海龟",
    "羚羊",
    "喜鹊",
    "黄鹂",
    "斑马",
    "袋鼠",
    "浣熊",
    "鲸鱼",
    "雪豹",
    "天鹅",
    "山雀",
    "锦鲤",
    "金鱼",
    "燕子",
    "白鸽",
    "小鹿",
];
const ADJ_EN: [&str; 32] = [
    "Quiet", "Brave", "Clever", "Happy", "Gentle", "Steady", "Lively", "Witty", "Calm", "Warm",
    "Kind", "Sunny", "Bold", "Swift", "Careful", "Merry", "Noble", "Humble", "Keen", "Bright",
    "Wise", "Nimble", "Jolly", "Patient", "Honest", "Cheerful", "Graceful", "Sincere", "Tidy",
    "Eager", "Mellow", "Polite",
];
const NOUN_EN: [&str; 32] = [
    "Dolphin",
    "Panda",
    "Heron",
    "Squirrel",
    "Penguin",
    "Camel",
    "Gull",
    "Hedgehog",
    "Peacock",
    "Koala",
    "Otter",
    "Crane",
    "Moose",
    "Fox",
    "Owl",
    "Hummingbird",
    "Turtle",
    "Antelope",
    "Magpie",
    "Oriole",
    "Zebra",
    "Kangaroo",
    "Raccoon",
    "Whale",
    "Leopard",
    "Swan",
    "Titmouse",
    "Carp",
    "Goldfish",
    "Swallow",
    "Dove",
    "Fawn",
];

/// The `@nickname` of `value` (a customer id, or a normalized identifier)
/// under a tenant's pseudonym key: an adjective, an animal and a number
/// below 100 (102,400 names; two values may share one, so a nickname is a
/// display name, not a key).
///
/// # Examples
/// ```
/// # use std::sync::Arc;
/// # use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
/// use chatvault::mask::{nickname, NicknameStyle};
/// # let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
/// let key = ring.pseudonym_key()?;
/// let a = nickname(&key, "cust-1", NicknameStyle::Chinese)?;
/// assert!(a.starts_with('@'));
/// assert_eq!(a, nickname(&key, "cust-1", NicknameStyle::Chinese)?);
/// assert!(!nickname(&key, "cust-1", NicknameStyle::Latin)?.contains("cust"));
/// # Ok::<(), chatvault::Error>(())
/// ```
pub fn nickname(key: &PseudonymKey, value: &str, style: NicknameStyle) -> Result<String> {
    let t = key.tag("chatvault/mask/nickname", value.as_bytes())?;
    let (adj, noun) = match style {
        NicknameStyle::Chinese => (&ADJ_ZH, &NOUN_ZH),
        NicknameStyle::Latin => (&ADJ_EN, &NOUN_EN),
    };
    let number = u16::from_be_bytes([t[2], t[3]]) % 100;
    Ok(format!(
        "@{}{}{number}",
        adj[(t[0] & 31) as usize],
        noun[(t[1] & 31) as usize]
    ))
}

/// Decimal digits drawn from a keyed tag stream.
struct Digits<'a> {
    key: &'a PseudonymKey,
    input: Vec<u8>,
    block: [u8; 32],
    used: usize,
    counter: u32,
}

impl<'a> Digits<'a> {
    fn new(key: &'a PseudonymKey, entity: EntityType, value: &str, attempt: u32) -> Digits<'a> {
        let mut input = Vec::with_capacity(value.len() + 5);
        input.push(entity as u8);
        input.extend_from_slice(&attempt.to_be_bytes());
        input.extend_from_slice(value.as_bytes());
        Digits {
            key,
            input,
            block: [0; 32],
            used: 32,
            counter: 0,
        }
    }

    /// A uniform number below `n` (n <= 250), by rejection.
    fn below(&mut self, n: u8) -> Result<u8> {
        let limit = 250 - 250 % n as u16;
        loop {
            if self.used == 32 {
                let mut input = self.input.clone();
                input.extend_from_slice(&self.counter.to_be_bytes());
                self.block = self.key.tag("chatvault/mask/token", &input)?;
                self.counter += 1;
                self.used = 0;
            }
            let b = self.block[self.used];
            self.used += 1;
            if (b as u16) < limit {
                return Ok(b % n);
            }
        }
    }

    fn digit(&mut self) -> Result<u8> {
        Ok(b'0' + self.below(10)?)
    }
}

/// A format-preserving token for `value`, or `None` for types that have no
/// such format (they fall back to a keyed hash). The token keeps the
/// original's separators and digit positions (`138 0013 8000` gives
/// `1xx xxxx xxxx`), and never equals the original.
pub(crate) fn token(key: &PseudonymKey, entity: EntityType, value: &str) -> Result<Option<String>> {
    let norm = super::normalize(entity, value);
    for attempt in 0..16 {
        let mut d = Digits::new(key, entity, &norm, attempt);
        let new = match entity {
            EntityType::CnMobile => {
                let p = checks::CN_MOBILE_PREFIXES;
                let prefix = p[d.below(p.len() as u8)? as usize];
                let mut t = prefix.as_bytes().to_vec();
                while t.len() < 11 {
                    t.push(d.digit()?);
                }
                t
            }
            EntityType::CnLandline => {
                // Keep the area code; a subscriber number not starting 0/1.
                let area = checks::cn_landline_area_len(norm.as_bytes()).unwrap_or(4);
                let mut t = norm.as_bytes()[..area.min(norm.len())].to_vec();
                t.push(b'2' + d.below(8)?);
                while t.len() < norm.len() {
                    t.push(d.digit()?);
                }
                t
            }
            EntityType::IntlPhone => {
                let n = norm.as_bytes();
                let cc = checks::e164_country_code_len(n).unwrap_or(1).min(n.len());
                let mut t = n[..cc].to_vec();
                while t.len() < n.len() {
                    t.push(d.digit()?);
                }
                t
            }
            EntityType::BankCard => {
                let n = norm.as_bytes();
                // Only a card number written in digits has a card token.
                if n.len() < 8 || !n.iter().all(u8::is_ascii_digit) {
                    return Ok(None);
                }
                let mut t = n[..6].to_vec();
                while t.len() < n.len() - 1 {
                    t.push(d.digit()?);
                }
                let check = checks::luhn_check_digit(&t).expect("digits, checked above");
                t.push(check);
                t
            }
            EntityType::CnResidentId if norm.len() == 18 => {
                let regions = [
                    11u8, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                    45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
                ];
                let r = regions[d.below(regions.len() as u8)? as usize];
                let mut t = format!("{r:02}").into_bytes();
                t.push(b'0');
                t.push(b'1' + d.below(9)?);
                t.extend_from_slice(b"0");
                t.push(b'1' + d.below(9)?);
                let year = 1950 + d.below(55)? as u32;
                let month = 1 + d.below(12)? as u32;
                let day = 1 + d.below(28)? as u32;
                t.extend_from_slice(format!("{year:04}{month:02}{day:02}").as_bytes());
                for _ in 0..3 {
                    t.push(d.digit()?);
                }
                let check = checks::cn_id_check_char(&t).expect("17 digits");
                t.push(check);
                t
            }
            _ => return Ok(None),
        };
        if new != norm.as_bytes() {
            return Ok(Some(lay_out(value, entity, &norm, &new)));
        }
    }
    Ok(None)
}

/// Write the token's characters over the original's digits and letters,
/// keeping its separators and any international prefix; falls back to the
/// bare token when the layouts differ.
fn lay_out(value: &str, entity: EntityType, norm: &str, token: &[u8]) -> String {
    let significant: Vec<(usize, char)> = value
        .char_indices()
        .filter(|(_, c)| super::digit_of(*c).is_some() || c.is_ascii_alphanumeric())
        .collect();
    // A mainland number written with +86 / 0086: the token replaces the
    // last 11 (or landline) digits; the prefix stays.
    let skip = significant.len().saturating_sub(token.len());
    let prefix_ok = entity == EntityType::CnMobile || skip == 0;
    if significant.len() < token.len() || !prefix_ok || norm.len() != token.len() {
        return String::from_utf8_lossy(token).into_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut k = 0;
    for (i, c) in value.char_indices() {
        if k < significant.len() && significant[k].0 == i {
            if k >= skip {
                out.push(token[k - skip] as char);
            } else {
                out.push(c);
            }
            k += 1;
        } else {
            out.push(c);
        }
    }
    out
}
