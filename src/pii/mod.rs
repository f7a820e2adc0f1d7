//! Finding personal identifiers in chat text.
//!
//! A [`Detector`] is built once ([`DetectorBuilder`]) and shared between
//! threads; [`Detector::detect`] returns every identifier it finds in a
//! message as a [`Finding`]: the [`EntityType`], the exact byte span in the
//! message, a confidence and the rule that fired. A [`StreamDetector`]
//! follows one conversation and also finds identifiers split across two
//! consecutive messages.
//!
//! What it finds, and how it decides (docs/PII.md has the full rules):
//! - numbers written with ASCII digits, full-width digits (１３８) or
//!   Chinese numerals (一三八, 幺), grouped by spaces, dashes, dots or
//!   brackets, with or without `+86` / `0086`: mainland mobile and landline
//!   numbers, international numbers, resident IDs (GB 11643 check
//!   character, region and birth date), bank cards (Luhn), QQ numbers and
//!   Taiwan compatriot permits when a context word announces them;
//! - letter-and-digit tokens: passports, Hong Kong, Macau and Taiwan IDs,
//!   travel permits, Bitcoin (base58check, bech32, bech32m) and Ethereum
//!   (EIP-55) addresses, WeChat ids after a context word;
//! - e-mail addresses, URLs, IPv4 and IPv6 addresses, licence plates.
//!
//! Every candidate must pass its format's checksum or structure rule;
//! context words before it (手机, 身份证, 卡号, phone, …) raise the
//! confidence, and words such as 订单号, 快递单号, order or tracking lower
//! it, so order and tracking numbers that happen to pass a checksum are not
//! reported.
//!
//! # Examples
//! ```
//! use chatvault::pii::{Detector, EntityType};
//!
//! let detector = Detector::new();
//! let text = "我的手机是 138 0013 8000，身份证11010519491231002X";
//! let found = detector.detect(text)?;
//! assert_eq!(found.len(), 2);
//! assert_eq!(found[0].entity, EntityType::CnMobile);
//! assert_eq!(&text[found[0].span.clone()], "138 0013 8000");
//! assert_eq!(found[1].entity, EntityType::CnResidentId);
//! # Ok::<(), chatvault::Error>(())
//! ```

pub mod checks;
mod context;
pub mod eval;
mod scan;

pub(crate) use scan::digit_value;

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::IdClass;

/// A kind of personal identifier. The numbers are stable (they appear in
/// restore maps and in the C ABI) and are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum EntityType {
    /// Mainland China mobile number (11 digits, allocated prefix).
    CnMobile = 1,
    /// Mainland China landline with its area code.
    CnLandline = 2,
    /// Another country's number in international form (`+44 …`, `0044 …`).
    IntlPhone = 3,
    /// PRC resident identity card number (18 or the old 15 characters).
    CnResidentId = 4,
    /// PRC passport number.
    CnPassport = 5,
    /// Mainland, Hong Kong, Macau and Taiwan travel permits.
    TravelPermit = 6,
    /// Hong Kong identity card number.
    HkId = 7,
    /// Macau resident identity card number.
    MoId = 8,
    /// Taiwan national identification number.
    TwId = 9,
    /// Bank card number (16-19 digits, Luhn).
    BankCard = 10,
    /// E-mail address.
    Email = 11,
    /// IPv4 address.
    Ipv4 = 12,
    /// IPv6 address.
    Ipv6 = 13,
    /// URL (`http://`, `https://`, `www.`).
    Url = 14,
    /// Mainland vehicle licence plate.
    LicencePlate = 15,
    /// Bitcoin address (base58check or bech32/bech32m).
    BtcAddress = 16,
    /// Ethereum address.
    EthAddress = 17,
    /// WeChat id (only after a context word such as 微信 or wx).
    WeChatId = 18,
    /// QQ number (only after a context word such as QQ or 扣扣).
    QqId = 19,
}

impl EntityType {
    /// Every entity type, in number order.
    pub const ALL: [EntityType; 19] = [
        EntityType::CnMobile,
        EntityType::CnLandline,
        EntityType::IntlPhone,
        EntityType::CnResidentId,
        EntityType::CnPassport,
        EntityType::TravelPermit,
        EntityType::HkId,
        EntityType::MoId,
        EntityType::TwId,
        EntityType::BankCard,
        EntityType::Email,
        EntityType::Ipv4,
        EntityType::Ipv6,
        EntityType::Url,
        EntityType::LicencePlate,
        EntityType::BtcAddress,
        EntityType::EthAddress,
        EntityType::WeChatId,
        EntityType::QqId,
    ];

    /// The entity type for its number.
    pub fn from_u8(n: u8) -> Result<EntityType> {
        EntityType::ALL
            .into_iter()
            .find(|e| *e as u8 == n)
            .ok_or_else(|| Error::invalid(format!("unknown entity type {n}")))
    }

    /// A stable lower-case name (`cn_mobile`, `bank_card`, …).
    pub fn name(self) -> &'static str {
        match self {
            EntityType::CnMobile => "cn_mobile",
            EntityType::CnLandline => "cn_landline",
            EntityType::IntlPhone => "intl_phone",
            EntityType::CnResidentId => "cn_resident_id",
            EntityType::CnPassport => "cn_passport",
            EntityType::TravelPermit => "travel_permit",
            EntityType::HkId => "hk_id",
            EntityType::MoId => "mo_id",
            EntityType::TwId => "tw_id",
            EntityType::BankCard => "bank_card",
            EntityType::Email => "email",
            EntityType::Ipv4 => "ipv4",
            EntityType::Ipv6 => "ipv6",
            EntityType::Url => "url",
            EntityType::LicencePlate => "licence_plate",
            EntityType::BtcAddress => "btc_address",
            EntityType::EthAddress => "eth_address",
            EntityType::WeChatId => "wechat_id",
            EntityType::QqId => "qq_id",
        }
    }

    /// The entity type for its [`name`](Self::name).
    pub fn from_name(name: &str) -> Result<EntityType> {
        EntityType::ALL
            .into_iter()
            .find(|e| e.name() == name)
            .ok_or_else(|| Error::invalid(format!("unknown entity type {name:?}")))
    }

    /// The identifier class whose key seals originals of this type, and
    /// whose agent restore key reveals them.
    pub fn class(self) -> IdClass {
        use EntityType as E;
        match self {
            E::CnMobile | E::CnLandline | E::IntlPhone => IdClass::Phone,
            E::CnResidentId | E::CnPassport | E::TravelPermit | E::HkId | E::MoId | E::TwId => {
                IdClass::IdCard
            }
            E::BankCard => IdClass::BankCard,
            E::Email => IdClass::Email,
            E::Ipv4
            | E::Ipv6
            | E::Url
            | E::LicencePlate
            | E::BtcAddress
            | E::EthAddress
            | E::WeChatId
            | E::QqId => IdClass::Other,
        }
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub entity: EntityType,
    /// Its bytes in the text (always on character boundaries). For a
    /// [`StreamDetector`] finding that began in the previous message, the
    /// part in the current message; see [`StreamFinding::previous`].
    pub span: Range<usize>,
    /// How sure the detector is, from 0 to 1. Findings below the detector's
    /// minimum confidence are not reported.
    pub confidence: f32,
    /// The rule that fired (a stable, short name such as `cn_mobile` or
    /// `bank_card_luhn`).
    pub rule: &'static str,
}

/// The default largest text [`Detector::detect`] accepts: 16 MiB.
pub const DEFAULT_MAX_INPUT: usize = 16 << 20;

/// Options of a [`Detector`].
///
/// # Examples
/// ```
/// use chatvault::pii::{DetectorBuilder, EntityType};
///
/// let detector = DetectorBuilder::new()
///     .only(&[EntityType::CnMobile, EntityType::Email])
///     .min_confidence(0.8)
///     .build()?;
/// let found = detector.detect("mail me: li.lei@example.com, IP 10.0.0.1")?;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].entity, EntityType::Email);
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DetectorBuilder {
    enabled: [bool; 20],
    min_confidence: f32,
    max_input: usize,
    max_birth_year: Option<u32>,
}

impl Default for DetectorBuilder {
    fn default() -> Self {
        DetectorBuilder::new()
    }
}

impl DetectorBuilder {
    /// Every entity type on, minimum confidence 0.5, inputs up to
    /// [`DEFAULT_MAX_INPUT`].
    pub fn new() -> DetectorBuilder {
        DetectorBuilder {
            enabled: [true; 20],
            min_confidence: 0.5,
            max_input: DEFAULT_MAX_INPUT,
            max_birth_year: None,
        }
    }

    /// Detect only these entity types.
    pub fn only(&mut self, types: &[EntityType]) -> &mut Self {
        self.enabled = [false; 20];
        for t in types {
            self.enabled[*t as usize] = true;
        }
        self
    }

    /// Turn one entity type on or off.
    pub fn enable(&mut self, entity: EntityType, on: bool) -> &mut Self {
        self.enabled[entity as usize] = on;
        self
    }

    /// Report only findings at least this confident (0 to 1; default 0.5).
    pub fn min_confidence(&mut self, c: f32) -> &mut Self {
        self.min_confidence = c;
        self
    }

    /// The largest text, in bytes, a call accepts (default 16 MiB); larger
    /// texts are an [`ErrorKind::TooLarge`] error.
    pub fn max_input(&mut self, bytes: usize) -> &mut Self {
        self.max_input = bytes;
        self
    }

    /// The latest birth year a resident ID may carry (default: the current
    /// year by the system clock when the detector is built).
    pub fn max_birth_year(&mut self, year: u32) -> &mut Self {
        self.max_birth_year = Some(year);
        self
    }

    /// Build the detector.
    pub fn build(&self) -> Result<Detector> {
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(Error::invalid("minimum confidence must be within 0..=1"));
        }
        if self.max_input == 0 || self.max_input > u32::MAX as usize {
            return Err(Error::invalid(
                "maximum input must be between 1 and 4294967295 bytes",
            ));
        }
        let max_birth_year = self.max_birth_year.unwrap_or_else(current_year);
        if !(1900..=9999).contains(&max_birth_year) {
            return Err(Error::invalid("maximum birth year must be 1900..=9999"));
        }
        Ok(Detector {
            inner: Arc::new(scan::Config {
                enabled: self.enabled,
                min_confidence: self.min_confidence,
                max_input: self.max_input,
                max_birth_year,
            }),
        })
    }
}

/// The current year (UTC) by the system clock; 2026 if the clock is before
/// 1970.
fn current_year() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let year = civil_year((secs / 86_400) as i64);
    if year < 2026 {
        2026
    } else {
        year
    }
}

/// The proleptic-Gregorian year of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_year(days: i64) -> u32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year.clamp(0, u32::MAX as i64) as u32
}

/// A compiled, immutable PII detector. Cheap to clone (shared), `Send +
/// Sync`: build one and use it from every thread.
#[derive(Debug, Clone)]
pub struct Detector {
    inner: Arc<scan::Config>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl Detector {
    /// A detector with the default options ([`DetectorBuilder::new`]).
    pub fn new() -> Detector {
        DetectorBuilder::new()
            .build()
            .expect("the default options are valid")
    }

    /// Every identifier in `text`, in order, none overlapping another.
    /// Texts longer than the detector's maximum are [`ErrorKind::TooLarge`].
    pub fn detect(&self, text: &str) -> Result<Vec<Finding>> {
        self.check_len(text.len())?;
        Ok(scan::detect(&self.inner, text))
    }

    fn check_len(&self, len: usize) -> Result<()> {
        if len > self.inner.max_input {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "text of {len} bytes is longer than the detector's limit of {} bytes",
                    self.inner.max_input
                ),
            ));
        }
        Ok(())
    }
}

/// How many bytes of the previous message a [`StreamDetector`] keeps.
pub const STREAM_TAIL: usize = 64;

/// A finding of a [`StreamDetector`]: in the current message, and possibly
/// begun in the previous one.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFinding {
    /// The finding; its span is its part in the current message.
    pub finding: Finding,
    /// When the identifier began in the previous message: its part there,
    /// as a byte span of that message. The previous message's own findings
    /// did not include it, so a caller that masks should mask this part of
    /// the previous message too.
    pub previous: Option<Range<usize>>,
}

/// Follows one conversation's messages from one sender, in order, and finds
/// identifiers split across two consecutive messages (`138 1234` then
/// `5678`) besides those inside each message. It keeps the last
/// [`STREAM_TAIL`] bytes of the previous message, nothing more.
///
/// # Examples
/// ```
/// use chatvault::pii::{Detector, EntityType, StreamDetector};
///
/// let mut stream = StreamDetector::new(Detector::new());
/// assert!(stream.push("我的手机号是 138 0013")?.is_empty());
/// let found = stream.push("8000 谢谢")?;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].finding.entity, EntityType::CnMobile);
/// assert_eq!(found[0].finding.span, 0..4); // "8000" here
/// assert_eq!(found[0].previous, Some(19..27)); // "138 0013" there
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StreamDetector {
    detector: Detector,
    /// The end of the previous message, and its length.
    tail: String,
    prev_len: usize,
}

impl StreamDetector {
    /// A stream detector with no previous message.
    pub fn new(detector: Detector) -> StreamDetector {
        StreamDetector {
            detector,
            tail: String::new(),
            prev_len: 0,
        }
    }

    /// Forget the previous message (a new conversation or another sender).
    pub fn reset(&mut self) {
        self.tail.clear();
        self.prev_len = 0;
    }

    /// The findings of the next message. Identifiers wholly inside the
    /// previous message are not repeated.
    pub fn push(&mut self, text: &str) -> Result<Vec<StreamFinding>> {
        self.detector.check_len(text.len())?;
        let mut out = Vec::new();
        if self.tail.is_empty() {
            for f in scan::detect(&self.detector.inner, text) {
                out.push(StreamFinding {
                    finding: f,
                    previous: None,
                });
            }
        } else {
            // The tail, one space, then the message: a space is what a reader
            // sees between two chat bubbles.
            let joint = self.tail.len() + 1;
            let mut joined = String::with_capacity(joint + text.len());
            joined.push_str(&self.tail);
            joined.push(' ');
            joined.push_str(text);
            let tail_start = self.prev_len - self.tail.len();
            for f in scan::detect(&self.detector.inner, &joined) {
                if f.span.end <= joint {
                    continue; // wholly in the previous message: reported then
                }
                let previous = (f.span.start < self.tail.len())
                    .then(|| tail_start + f.span.start..tail_start + self.tail.len());
                let start = f.span.start.max(joint) - joint;
                out.push(StreamFinding {
                    finding: Finding {
                        span: start..f.span.end - joint,
                        ..f
                    },
                    previous,
                });
            }
        }
        self.tail.clear();
        let mut cut = text.len().saturating_sub(STREAM_TAIL);
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        self.tail.push_str(&text[cut..]);
        self.prev_len = text.len();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_year_matches_known_days() {
        assert_eq!(civil_year(0), 1970);
        assert_eq!(civil_year(20_454), 2026); // 2026-01-01
        assert_eq!(civil_year(20_453), 2025);
        assert_eq!(civil_year(11_016), 2000); // 2000-02-29
    }

    #[test]
    fn entity_numbers_and_names_round_trip() {
        for e in EntityType::ALL {
            assert_eq!(EntityType::from_u8(e as u8).unwrap(), e);
            assert_eq!(EntityType::from_name(e.name()).unwrap(), e);
        }
        assert!(EntityType::from_u8(0).is_err());
        assert!(EntityType::from_u8(20).is_err());
    }

    #[test]
    fn oversized_input_is_an_error() {
        let d = DetectorBuilder::new().max_input(8).build().unwrap();
        assert_eq!(
            d.detect("123456789").unwrap_err().kind(),
            ErrorKind::TooLarge
        );
        assert!(d.detect("12345678").is_ok());
    }

    #[test]
    fn bad_options_are_rejected() {
        assert!(DetectorBuilder::new().min_confidence(1.5).build().is_err());
        assert!(DetectorBuilder::new()
            .min_confidence(f32::NAN)
            .build()
            .is_err());
        assert!(DetectorBuilder::new().max_input(0).build().is_err());
        assert!(DetectorBuilder::new().max_birth_year(1800).build().is_err());
    }
}
