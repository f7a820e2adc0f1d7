//! Checksums and format rules of personal identifiers.
//!
//! The detector finds candidate tokens in chat text; the functions here
//! decide whether a candidate is a real identifier (a check digit that
//! verifies, a date that exists, an allocated prefix), and the masking code
//! uses the check-digit functions to make format-preserving replacements that
//! still validate.
//!
//! Every function is pure, does not allocate and never panics: input of the
//! wrong length, with non-ASCII bytes or empty gives `false` / `None`. Inputs
//! are ASCII bytes already extracted and normalized by the caller (digits are
//! `b'0'..=b'9'`, no separators or parentheses), except [`cn_plate_valid`],
//! which takes the plate as `&str` because it starts with a Chinese character.

use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// The value of an ASCII digit, or `None`.
#[inline]
fn digit(b: u8) -> Option<u32> {
    let d = b.wrapping_sub(b'0');
    if d <= 9 {
        Some(u32::from(d))
    } else {
        None
    }
}

/// Whether every byte is an ASCII digit (true for an empty slice).
#[inline]
fn all_digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

/// The decimal value of a short run of ASCII digits (at most 9 of them).
#[inline]
fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.iter()
        .try_fold(0u32, |acc, &b| Some(acc * 10 + digit(b)?))
}

// ---------------------------------------------------------------------------
// Luhn
// ---------------------------------------------------------------------------

/// The Luhn sum of `digits`, doubling the rightmost digit when
/// `double_rightmost` is set. `None` on a non-digit.
#[inline]
fn luhn_sum(digits: &[u8], double_rightmost: bool) -> Option<u64> {
    let mut sum = 0u64;
    let mut double = double_rightmost;
    for &b in digits.iter().rev() {
        let d = digit(b)?;
        let v = if double {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            d
        };
        sum += u64::from(v);
        double = !double;
    }
    Some(sum)
}

/// Luhn (ISO/IEC 7812-1) check over ASCII digits; false for fewer than 2 digits or any non-digit.
pub fn luhn_valid(digits: &[u8]) -> bool {
    digits.len() >= 2 && luhn_sum(digits, false).is_some_and(|s| s.is_multiple_of(10))
}

/// The Luhn check digit (b'0'..=b'9') to append to `payload` (ASCII digits). Payload with a non-digit: None.
///
/// An empty payload also gives `None`: a lone check digit is not a Luhn
/// number ([`luhn_valid`] needs at least two digits).
pub fn luhn_check_digit(payload: &[u8]) -> Option<u8> {
    if payload.is_empty() {
        return None;
    }
    // Once the check digit is appended, the payload's rightmost digit is the
    // second from the right, so it is the one doubled.
    let sum = luhn_sum(payload, true)?;
    // `(10 - sum % 10) % 10` is at most 9.
    Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

// ---------------------------------------------------------------------------
// Mainland resident identity card (GB 11643-1999)
// ---------------------------------------------------------------------------

/// GB 11643-1999 weights `2^(17-i) mod 11` for the first 17 digits.
const CN_ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character indexed by the weighted sum mod 11.
const CN_ID_CHECK: &[u8; 11] = b"10X98765432";

/// GB 11643-1999 / ISO 7064 MOD 11-2 check character (b'0'..=b'9' or b'X') for the first 17 digits of a resident ID. None if not 17 digits.
pub fn cn_id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&b, &w) in first17.iter().zip(CN_ID_WEIGHTS.iter()) {
        sum += digit(b)? * w;
    }
    CN_ID_CHECK.get((sum % 11) as usize).copied()
}

/// Whether two ASCII digits are a PRC province-level division code used as the first two digits of resident IDs (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, and 71, 81, 82, 83 as issued for Taiwan/HK/Macau residents' residence permits).
///
/// Source: GB/T 2260 (administrative division codes) for 11-71, 81 and 82;
/// 83 is the code the Ministry of Public Security uses in the numbers of
/// residence permits issued to Taiwan residents since 2018 (810000 and
/// 820000 for Hong Kong and Macau residents).
pub fn cn_region_valid(prefix2: &[u8]) -> bool {
    let [a, b] = prefix2 else {
        return false;
    };
    let (Some(a), Some(b)) = (digit(*a), digit(*b)) else {
        return false;
    };
    matches!(
        a * 10 + b,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83
    )
}

/// Whether `year` is a leap year of the proleptic Gregorian calendar.
#[inline]
fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// A real proleptic-Gregorian date (leap years right).
pub fn date_valid(year: u32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// 18-character resident ID: region, a birth date between 1900-01-01 and Dec 31 of `max_year`, and the check character (b'X' or b'x' accepted).
pub fn cn_id18_valid(id: &[u8], max_year: u32) -> bool {
    if id.len() != 18 {
        return false;
    }
    let Some(check) = cn_id_check_char(&id[..17]) else {
        return false;
    };
    if id[17].to_ascii_uppercase() != check || !cn_region_valid(&id[..2]) {
        return false;
    }
    let (Some(y), Some(m), Some(d)) =
        (number(&id[6..10]), number(&id[10..12]), number(&id[12..14]))
    else {
        return false;
    };
    (1900..=max_year).contains(&y) && date_valid(y, m, d)
}

/// Old 15-digit resident ID: 15 digits, region, birth date 19YYMMDD valid (no check digit exists in this form).
pub fn cn_id15_valid(id: &[u8]) -> bool {
    if id.len() != 15 || !all_digits(id) || !cn_region_valid(&id[..2]) {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (number(&id[6..8]), number(&id[8..10]), number(&id[10..12]))
    else {
        return false;
    };
    date_valid(1900 + y, m, d)
}

// ---------------------------------------------------------------------------
// Mainland telephone numbers
// ---------------------------------------------------------------------------

/// Three-digit prefixes of mainland mobile numbers in public use (13x, 145-149, 15x except 154, 162/165/166/167, 170-178, 18x, 19x except 194 ... use the MIIT numbering allocations as best you know them; document the source in a comment).
///
/// Source: the MIIT Telecommunication Network Numbering Plan (《电信网编号计划》,
/// 2017 edition) and the MIIT allocations made since: 13x, 15x (154 never
/// allocated) and 18x to the three basic carriers; 145/146/147/148/149
/// (data-card and IoT-capable voice numbers); 162, 165, 167, 170 and 171 to
/// mobile virtual network operators; 166 (China Unicom); 172-178 (172 and
/// 178 China Mobile, 173 and 177 China Telecom, 174 satellite mobile, 175 and
/// 176 China Unicom); 190/191/193/199 (China Telecom), 192 (China
/// Broadnet, 2019), 195/197/198 (China Mobile), 196 (China Unicom); 194 is
/// not allocated. 140-144 are 13-digit IoT numbers, so they are left out.
pub const CN_MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", //
    "145", "146", "147", "148", "149", //
    "150", "151", "152", "153", "155", "156", "157", "158", "159", //
    "162", "165", "166", "167", //
    "170", "171", "172", "173", "174", "175", "176", "177", "178", //
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", //
    "190", "191", "192", "193", "195", "196", "197", "198", "199",
];

/// [`CN_MOBILE_PREFIXES`] as a table indexed by the two digits after the
/// leading `1`, built at compile time (a malformed entry fails the build).
const CN_MOBILE_TABLE: [bool; 100] = {
    let mut table = [false; 100];
    let mut i = 0;
    while i < CN_MOBILE_PREFIXES.len() {
        let p = CN_MOBILE_PREFIXES[i].as_bytes();
        assert!(p.len() == 3 && p[0] == b'1');
        assert!(p[1].is_ascii_digit() && p[2].is_ascii_digit());
        table[(p[1] - b'0') as usize * 10 + (p[2] - b'0') as usize] = true;
        i += 1;
    }
    table
};

/// 11 digits starting with an allocated CN_MOBILE_PREFIXES prefix.
pub fn cn_mobile_valid(d: &[u8]) -> bool {
    if d.len() != 11 || d[0] != b'1' || !all_digits(d) {
        return false;
    }
    let i = usize::from(d[1] - b'0') * 10 + usize::from(d[2] - b'0');
    CN_MOBILE_TABLE.get(i).copied().unwrap_or(false)
}

/// A mainland landline written with its trunk prefix: d starts with b'0', then an area code (010, 02X, or a plausible 3-digit 0[3-9]XX code), then a 7- or 8-digit subscriber number not starting with 0 or 1. Returns the length of the area code including the leading 0 (3 or 4) when valid.
pub fn cn_landline_area_len(d: &[u8]) -> Option<usize> {
    if !all_digits(d) {
        return None;
    }
    let area = match d {
        [b'0', b'1', b'0', ..] | [b'0', b'2', _, ..] => 3,
        [b'0', b'3'..=b'9', _, _, ..] => 4,
        _ => return None,
    };
    let subscriber = &d[area..];
    let ok = matches!(subscriber.len(), 7 | 8) && subscriber[0] >= b'2';
    ok.then_some(area)
}

// ---------------------------------------------------------------------------
// International numbers (ITU-T E.164)
// ---------------------------------------------------------------------------

/// Assigned two-digit country codes (ITU-T E.164 list of assigned country
/// codes, Annex to the ITU Operational Bulletin).
fn e164_two_digit(cc: u32) -> bool {
    matches!(
        cc,
        20 | 27
            | 30..=34
            | 36
            | 39
            | 40
            | 41
            | 43..=49
            | 51..=58
            | 60..=66
            | 81
            | 82
            | 84
            | 86
            | 90..=95
            | 98
    )
}

/// Assigned three-digit country codes, including the non-geographic ones
/// (800 freephone, 808 shared cost, 870 Inmarsat, 878 UPT, 881 GMSS,
/// 882/883 international networks, 888 OCHA, 979 premium rate, 991 ITPCS
/// trial) and the group code 388. 997 is included: the ITU assigned it to
/// Kazakhstan in 2021 even though Kazakhstan kept using +7.
///
/// Spare or reserved (so `None`): 210, 214, 215, 217, 219, 259, 28x,
/// 292-296, 384, 422, 424-429, 671, 684, 693-699, 801-807, 809, 83x, 851,
/// 854, 857-859, 871-877, 879, 884, 885, 887, 889, 89x, 969, 978, 990, 999.
fn e164_three_digit(cc: u32) -> bool {
    matches!(
        cc,
        211 | 212
            | 213
            | 216
            | 218
            | 220..=258
            | 260..=269
            | 290
            | 291
            | 297..=299
            | 350..=359
            | 370..=383
            | 385..=389
            | 420
            | 421
            | 423
            | 500..=509
            | 590..=599
            | 670
            | 672..=683
            | 685..=692
            | 800
            | 808
            | 850
            | 852
            | 853
            | 855
            | 856
            | 870
            | 878
            | 880..=883
            | 886
            | 888
            | 960..=968
            | 970..=977
            | 979
            | 991..=998
    )
}

/// If `d` (the digits after a '+' or '00') starts with an assigned ITU-T E.164 country calling code, its length (1-3). Use the real assignment table (all assigned codes; unassigned/spare ones like 28x must return None).
///
/// Source: ITU-T E.164 "List of ITU-T Recommendation E.164 assigned country
/// codes" (Annex to the ITU Operational Bulletin) and the later assignments
/// published in the Operational Bulletin (211 South Sudan, 383 Kosovo,
/// 997 Kazakhstan). Country codes are a prefix code, so at most one length
/// matches.
pub fn e164_country_code_len(d: &[u8]) -> Option<usize> {
    let a = digit(*d.first()?)?;
    if a == 1 || a == 7 {
        return Some(1);
    }
    let two = a * 10 + digit(*d.get(1)?)?;
    if e164_two_digit(two) {
        return Some(2);
    }
    let three = two * 10 + digit(*d.get(2)?)?;
    e164_three_digit(three).then_some(3)
}

/// Whether the full international number (country code + national number, digits only) has a plausible length: 8..=15 digits total, and national part >= 6.
pub fn e164_valid(d: &[u8]) -> bool {
    if !(8..=15).contains(&d.len()) || !all_digits(d) {
        return false;
    }
    e164_country_code_len(d).is_some_and(|cc| d.len() - cc >= 6)
}

// ---------------------------------------------------------------------------
// Hong Kong, Taiwan, Macau identity cards
// ---------------------------------------------------------------------------

/// Hong Kong identity card number without parentheses: one or two capital letters, six digits, check character (digit or 'A'), mod 11 as published by the HK Immigration Department.
///
/// The method: letters count A=10 .. Z=35, a missing first letter counts as
/// a space worth 36; the nine positions (two letters, six digits) are
/// weighted 9, 8, .., 2, and the check character (A = 10) makes the weighted
/// sum plus the check value divisible by 11.
pub fn hk_id_valid(s: &[u8]) -> bool {
    let (letters, rest) = match s.len() {
        8 => s.split_at(1),
        9 => s.split_at(2),
        _ => return false,
    };
    if !letters.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let mut sum = 0u32;
    let mut weight = 9u32;
    if letters.len() == 1 {
        sum += 36 * weight;
        weight -= 1;
    }
    for &l in letters {
        sum += u32::from(l - b'A' + 10) * weight;
        weight -= 1;
    }
    let (digits, check) = rest.split_at(6);
    for &b in digits {
        let Some(d) = digit(b) else {
            return false;
        };
        sum += d * weight;
        weight -= 1;
    }
    let check = match check {
        [b'A'] => 10,
        [c] => match digit(*c) {
            Some(d) => d,
            None => return false,
        },
        _ => return false,
    };
    (sum + check).is_multiple_of(11)
}

/// Two-digit values of the Taiwan ID's leading letter, A..Z (the letters
/// added later, I, O, W, X, Y, Z, sort after the original ones).
const TW_LETTER: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];

/// Taiwan national ID: a capital letter, 1 or 2 (or 8/9 for the new-format resident certificate), eight more digits, official checksum.
///
/// The checksum: the letter's two-digit value contributes its tens digit
/// times 1 and its units digit times 9; the following eight digits are
/// weighted 8, 7, .., 1 and the check digit 1; the total is divisible by 10.
pub fn tw_id_valid(s: &[u8]) -> bool {
    let [letter, second, ..] = s else {
        return false;
    };
    if s.len() != 10 || !letter.is_ascii_uppercase() || !matches!(second, b'1' | b'2' | b'8' | b'9')
    {
        return false;
    }
    let v = TW_LETTER[usize::from(letter - b'A')];
    let mut sum = v / 10 + (v % 10) * 9;
    let mut weight = 8u32;
    for &b in &s[1..] {
        let Some(d) = digit(b) else {
            return false;
        };
        sum += d * weight;
        weight = weight.saturating_sub(1).max(1);
    }
    sum.is_multiple_of(10)
}

/// Macau resident identity card, without parentheses: first digit 1, 5 or 7, six digits, one check digit (format check only: no public checksum).
pub fn mo_id_valid(s: &[u8]) -> bool {
    s.len() == 8 && matches!(s[0], b'1' | b'5' | b'7') && all_digits(s)
}

// ---------------------------------------------------------------------------
// Passports and travel permits
// ---------------------------------------------------------------------------

/// A capital letter other than I and O (the letters used in serial numbers).
#[inline]
fn serial_letter(b: u8) -> bool {
    b.is_ascii_uppercase() && b != b'I' && b != b'O'
}

/// PRC ordinary passport: 'E' + 8 digits, 'E' + a letter other than I and O + 7 digits, 'G' + 8 digits; also 'D', 'S', 'P' + 7 digits (diplomatic, service, public affairs).
///
/// Letters must be capitals.
pub fn cn_passport_valid(s: &[u8]) -> bool {
    match s {
        [b'E', rest @ ..] if rest.len() == 8 && all_digits(rest) => true,
        [b'E', l, rest @ ..] => rest.len() == 7 && serial_letter(*l) && all_digits(rest),
        [b'G', rest @ ..] => rest.len() == 8 && all_digits(rest),
        [b'D' | b'S' | b'P', rest @ ..] => rest.len() == 7 && all_digits(rest),
        _ => false,
    }
}

/// Kinds of mainland travel permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermitKind {
    /// 往来港澳通行证 (C + 8 digits or C + letter + 7 digits)
    MainlandToHkMacau,
    /// 港澳居民来往内地通行证 / 回乡证 (H or M + 8 or 10 digits)
    HkMacauToMainland,
    /// 台湾居民来往大陆通行证 / 台胞证 (8 digits, or 10 digits; format only)
    TaiwanToMainland,
    /// 大陆居民往来台湾通行证 (L + 8 digits)
    MainlandToTaiwan,
}

/// Which permit a token's format fits (the caller uses context words to decide whether an 8- or 10-digit all-digit token is a 台胞证: return TaiwanToMainland for those).
///
/// Letters must be capitals; the letter after `C` may be any capital other
/// than I and O.
pub fn travel_permit_kind(s: &[u8]) -> Option<PermitKind> {
    match s {
        [b'C', rest @ ..] if rest.len() == 8 && all_digits(rest) => {
            Some(PermitKind::MainlandToHkMacau)
        }
        [b'C', l, rest @ ..] if rest.len() == 7 && serial_letter(*l) && all_digits(rest) => {
            Some(PermitKind::MainlandToHkMacau)
        }
        [b'H' | b'M', rest @ ..] if matches!(rest.len(), 8 | 10) && all_digits(rest) => {
            Some(PermitKind::HkMacauToMainland)
        }
        [b'L', rest @ ..] if rest.len() == 8 && all_digits(rest) => {
            Some(PermitKind::MainlandToTaiwan)
        }
        _ if matches!(s.len(), 8 | 10) && all_digits(s) => Some(PermitKind::TaiwanToMainland),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Bitcoin: base58check
// ---------------------------------------------------------------------------

/// The Bitcoin base58 alphabet (no 0, O, I, l).
const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// ASCII byte to base58 digit value, 0xFF for bytes outside the alphabet.
const BASE58_DECODE: [u8; 128] = {
    let mut t = [0xFFu8; 128];
    let mut i = 0;
    while i < BASE58_ALPHABET.len() {
        t[BASE58_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Bitcoin base58check address (P2PKH '1...', P2SH '3...', length 26-35): decodes to 25 bytes whose last 4 are the first 4 of double SHA-256 of the first 21, version byte 0x00 or 0x05.
pub fn btc_base58check_valid(s: &[u8]) -> bool {
    if !(26..=35).contains(&s.len()) || !matches!(s[0], b'1' | b'3') {
        return false;
    }
    // Big-endian base-58 to base-256 conversion into a fixed buffer; a value
    // that does not fit in 25 bytes is rejected.
    let mut buf = [0u8; 25];
    for &c in s {
        let v = match BASE58_DECODE.get(usize::from(c)) {
            Some(&v) if v != 0xFF => v,
            _ => return false,
        };
        let mut carry = u32::from(v);
        for byte in buf.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = carry as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    // Each leading '1' stands for one leading zero byte, and the number that
    // follows has no leading zero byte: the decoded length is exactly 25 only
    // when the two counts agree.
    let ones = s.iter().take_while(|&&c| c == b'1').count();
    let zeros = buf.iter().take_while(|&&b| b == 0).count();
    if ones != zeros || !matches!(buf[0], 0x00 | 0x05) {
        return false;
    }
    let first = Sha256::digest(&buf[..21]);
    let second = Sha256::digest(first);
    second[..4] == buf[21..]
}

// ---------------------------------------------------------------------------
// Bitcoin: bech32 / bech32m (BIP-173, BIP-350)
// ---------------------------------------------------------------------------

/// The bech32 data alphabet.
const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Lower-case ASCII byte to bech32 value, 0xFF outside the alphabet.
const BECH32_DECODE: [u8; 128] = {
    let mut t = [0xFFu8; 128];
    let mut i = 0;
    while i < BECH32_CHARSET.len() {
        t[BECH32_CHARSET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The BCH generator of bech32 (BIP-173).
const BECH32_GEN: [u32; 5] = [
    0x3b6a_57b2,
    0x2650_8e6d,
    0x1ea1_19fa,
    0x3d42_33dd,
    0x2a14_62b3,
];

/// The constant a bech32m checksum leaves (BIP-350).
const BECH32M_CONST: u32 = 0x2bc8_30a3;

/// One step of the bech32 checksum polynomial.
#[inline]
fn polymod_step(chk: u32, v: u8) -> u32 {
    let top = chk >> 25;
    let mut chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
    for (i, g) in BECH32_GEN.iter().enumerate() {
        if (top >> i) & 1 == 1 {
            chk ^= g;
        }
    }
    chk
}

/// Which checksum a bech32-family string carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bech32Variant {
    /// BIP-173.
    Bech32,
    /// BIP-350.
    Bech32m,
}

/// A bech32 string split into its parts, without allocation.
struct Bech32Parts {
    /// Length of the human-readable part (before the last '1').
    hrp_len: usize,
    /// The 5-bit values after the separator, checksum included.
    data: [u8; 90],
    /// How many entries of `data` are used.
    data_len: usize,
    /// The checksum that verified.
    variant: Bech32Variant,
}

/// Decode a bech32 or bech32m string (BIP-173 rules: at most 90 characters,
/// HRP characters in 33..=126, not mixed case, a non-empty HRP, a separator
/// '1' followed by at least 6 checksum characters).
fn bech32_decode(s: &[u8]) -> Option<Bech32Parts> {
    if s.len() < 8 || s.len() > 90 {
        return None;
    }
    if s.iter().any(|&c| !(33..=126).contains(&c)) {
        return None;
    }
    let has_lower = s.iter().any(u8::is_ascii_lowercase);
    let has_upper = s.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return None;
    }
    let sep = s.iter().rposition(|&c| c == b'1')?;
    if sep == 0 || sep + 7 > s.len() {
        return None;
    }
    let (hrp, rest) = s.split_at(sep);
    let data_chars = &rest[1..];
    let mut chk = 1u32;
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() >> 5);
    }
    chk = polymod_step(chk, 0);
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() & 31);
    }
    let mut data = [0u8; 90];
    for (slot, &c) in data.iter_mut().zip(data_chars) {
        let v = *BECH32_DECODE.get(usize::from(c.to_ascii_lowercase()))?;
        if v == 0xFF {
            return None;
        }
        *slot = v;
        chk = polymod_step(chk, v);
    }
    let variant = match chk {
        1 => Bech32Variant::Bech32,
        BECH32M_CONST => Bech32Variant::Bech32m,
        _ => return None,
    };
    Some(Bech32Parts {
        hrp_len: sep,
        data,
        data_len: data_chars.len(),
        variant,
    })
}

/// The number of bytes that 5-bit groups regroup into (BIP-173
/// `convertbits(data, 5, 8, pad=False)`), or `None` when more than 4 bits of
/// padding are left or the padding bits are not zero.
fn regrouped_len(values: &[u8]) -> Option<usize> {
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut bytes = 0usize;
    for &v in values {
        acc = ((acc << 5) | u32::from(v)) & 0xFFF;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes += 1;
        }
    }
    if bits >= 5 || (acc << (8 - bits)) & 0xFF != 0 {
        return None;
    }
    Some(bytes)
}

/// Bitcoin segwit address, BIP-173 bech32 for witness version 0 and BIP-350 bech32m for versions 1-16, hrp "bc" (mainnet) or "tb" (testnet), all lower or all upper case, program length rules of BIP-141 (v0: 20 or 32 bytes; others 2-40).
pub fn btc_bech32_valid(s: &[u8]) -> bool {
    let Some(parts) = bech32_decode(s) else {
        return false;
    };
    let hrp = &s[..parts.hrp_len];
    if !hrp.eq_ignore_ascii_case(b"bc") && !hrp.eq_ignore_ascii_case(b"tb") {
        return false;
    }
    let payload = &parts.data[..parts.data_len - 6];
    let Some((&version, program)) = payload.split_first() else {
        return false;
    };
    let expected = if version == 0 {
        Bech32Variant::Bech32
    } else {
        Bech32Variant::Bech32m
    };
    if version > 16 || parts.variant != expected {
        return false;
    }
    match regrouped_len(program) {
        Some(n) if version == 0 => n == 20 || n == 32,
        Some(n) => (2..=40).contains(&n),
        None => false,
    }
}

// ---------------------------------------------------------------------------
// Ethereum (EIP-55)
// ---------------------------------------------------------------------------

/// Ethereum address "0x" + 40 hex digits; when the hex has both upper and lower case letters it must match EIP-55 (Keccak-256 of the lower-case hex; use sha3::Keccak256).
pub fn eth_address_valid(s: &[u8]) -> bool {
    let Some(hex) = s.strip_prefix(b"0x") else {
        return false;
    };
    if hex.len() != 40 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    if !(has_lower && has_upper) {
        return true;
    }
    let mut lower = [0u8; 40];
    for (l, &c) in lower.iter_mut().zip(hex) {
        *l = c.to_ascii_lowercase();
    }
    let hash = Keccak256::digest(lower);
    hex.iter().enumerate().all(|(i, &c)| {
        if c.is_ascii_digit() {
            return true;
        }
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
        c.is_ascii_uppercase() == (nibble >= 8)
    })
}

// ---------------------------------------------------------------------------
// Vehicle licence plates
// ---------------------------------------------------------------------------

/// One-character abbreviations of the 31 mainland provincial divisions.
const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// A plate serial character: a capital letter other than I and O, or a digit.
#[inline]
fn plate_serial(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// Mainland vehicle licence plate, with separators already removed: province abbreviation (京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼), a capital letter (not I or O), then five characters of A-Z (no I, O) and 0-9 for a regular plate, or six for a new-energy plate (D or F first, or D or F last); the last character may also be 学, 警, 挂, 港, 澳 on a regular plate.
pub fn cn_plate_valid(s: &str) -> bool {
    let mut c = ['\0'; 8];
    let mut n = 0;
    for ch in s.chars() {
        let Some(slot) = c.get_mut(n) else {
            return false;
        };
        *slot = ch;
        n += 1;
    }
    if !(7..=8).contains(&n) || !PLATE_PROVINCES.contains(c[0]) {
        return false;
    }
    if !(c[1].is_ascii_uppercase() && c[1] != 'I' && c[1] != 'O') {
        return false;
    }
    if n == 7 {
        c[2..6].iter().all(|&x| plate_serial(x))
            && (plate_serial(c[6]) || matches!(c[6], '学' | '警' | '挂' | '港' | '澳'))
    } else {
        c[2..8].iter().all(|&x| plate_serial(x))
            && (matches!(c[2], 'D' | 'F') || matches!(c[7], 'D' | 'F'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every single-digit substitution of `valid` at the given positions is
    /// rejected by `check`.
    fn assert_single_digit_changes_fail(
        valid: &[u8],
        positions: &[usize],
        check: impl Fn(&[u8]) -> bool,
    ) {
        assert!(check(valid), "{}", String::from_utf8_lossy(valid));
        let mut changed = 0;
        for &i in positions {
            for d in b'0'..=b'9' {
                if d == valid[i] {
                    continue;
                }
                let mut v = valid.to_vec();
                v[i] = d;
                assert!(!check(&v), "{}", String::from_utf8_lossy(&v));
                changed += 1;
            }
        }
        assert_eq!(changed, positions.len() * 9);
    }

    // Luhn. 4111111111111111, 5555555555554444 and 378282246310005 are the
    // test card numbers published by payment processors (Visa, Mastercard,
    // American Express test numbers in Stripe's and PayPal's documentation);
    // 79927398713 is the worked example of the Luhn algorithm article
    // (Wikipedia, "Luhn algorithm": payload 7992739871, check digit 3);
    // 490154203237518 is the IMEI example of Wikipedia's "International
    // Mobile Equipment Identity" article (3GPP TS 23.003 uses Luhn).
    const LUHN_VALID: &[&[u8]] = &[
        b"4111111111111111",
        b"5555555555554444",
        b"378282246310005",
        b"79927398713",
        b"490154203237518",
    ];

    #[test]
    fn luhn_published_numbers() {
        for v in LUHN_VALID {
            assert!(luhn_valid(v), "{}", String::from_utf8_lossy(v));
            let (payload, check) = v.split_at(v.len() - 1);
            assert_eq!(luhn_check_digit(payload), Some(check[0]));
        }
        assert_eq!(luhn_check_digit(b"7992739871"), Some(b'3'));
    }

    #[test]
    fn luhn_single_digit_changes_fail() {
        for v in LUHN_VALID {
            let positions: Vec<usize> = (0..v.len()).collect();
            assert_single_digit_changes_fail(v, &positions, luhn_valid);
        }
    }

    #[test]
    fn luhn_rejects_malformed() {
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"0"));
        assert!(luhn_valid(b"00"));
        assert!(!luhn_valid(b"4111 1111 1111 1111"));
        assert!(!luhn_valid("４111111111111111".as_bytes()));
        assert!(!luhn_valid(b"411111111111111a"));
        assert_eq!(luhn_check_digit(b""), None);
        assert_eq!(luhn_check_digit(b"79927x9871"), None);
        assert_eq!(luhn_check_digit("７".as_bytes()), None);
    }

    // GB 11643-1999, the worked example of the standard: 11010519491231002X.
    #[test]
    fn cn_id_standard_example() {
        assert_eq!(cn_id_check_char(b"11010519491231002"), Some(b'X'));
        assert!(cn_id18_valid(b"11010519491231002X", 2025));
        assert!(cn_id18_valid(b"11010519491231002x", 2025));
        // The birth year must not exceed max_year.
        assert!(!cn_id18_valid(b"11010519491231002X", 1948));
        assert!(cn_id18_valid(b"11010519491231002X", 1949));
    }

    #[test]
    fn cn_id_single_changes_fail() {
        let id = b"11010519491231002X";
        let positions: Vec<usize> = (0..17).collect();
        assert_single_digit_changes_fail(id, &positions, |v| cn_id18_valid(v, 2025));
        for c in b"0123456789".iter() {
            let mut v = id.to_vec();
            v[17] = *c;
            assert!(!cn_id18_valid(&v, 2025));
        }
    }

    #[test]
    fn cn_id_rejects_malformed() {
        assert_eq!(cn_id_check_char(b""), None);
        assert_eq!(cn_id_check_char(b"1101051949123100"), None);
        assert_eq!(cn_id_check_char(b"1101051949123100a"), None);
        assert!(!cn_id18_valid(b"", 2025));
        assert!(!cn_id18_valid(b"11010519491231002", 2025));
        assert!(!cn_id18_valid(b"11010519491231002XX", 2025));
        assert!(!cn_id18_valid("11010519491231002Ｘ".as_bytes(), 2025));
        assert!(!cn_id18_valid(b"11010519491231002Y", 2025));
        // Region 99 and 00 do not exist; build IDs with a correct check
        // character so only the region is wrong.
        for region in [b"99", b"00", b"16", b"84"] {
            let mut v = *b"11010519491231002X";
            v[..2].copy_from_slice(region);
            v[17] = cn_id_check_char(&v[..17]).unwrap();
            assert!(!cn_id18_valid(&v, 2025), "{}", String::from_utf8_lossy(&v));
        }
        // February 30 and a birth year before 1900, with a correct check.
        for date in [b"19490230", b"18991231", b"19491301", b"19490100"] {
            let mut v = *b"11010519491231002X";
            v[6..14].copy_from_slice(date);
            v[17] = cn_id_check_char(&v[..17]).unwrap();
            assert!(!cn_id18_valid(&v, 2025), "{}", String::from_utf8_lossy(&v));
        }
    }

    #[test]
    fn cn_id15() {
        // The 15-digit form of the standard's example: the year loses "19"
        // and the check character is dropped.
        assert!(cn_id15_valid(b"110105491231002"));
        assert!(!cn_id15_valid(b"110105490231002")); // 1949-02-31
        assert!(cn_id15_valid(b"110105000228002"));
        assert!(!cn_id15_valid(b"110105000229002")); // 1900 is not a leap year
        assert!(cn_id15_valid(b"110105960229002")); // 1996 is
        assert!(!cn_id15_valid(b"990105491231002"));
        assert!(!cn_id15_valid(b"11010549123100"));
        assert!(!cn_id15_valid(b"11010549123100X"));
        assert!(!cn_id15_valid(b""));
    }

    #[test]
    fn regions() {
        for ok in [
            b"11", b"15", b"23", b"37", b"46", b"50", b"54", b"65", b"71", b"81", b"82", b"83",
        ] {
            assert!(cn_region_valid(ok));
        }
        for bad in [
            b"10", b"16", b"20", b"24", b"38", b"47", b"55", b"66", b"70", b"72", b"80", b"84",
            b"99",
        ] {
            assert!(!cn_region_valid(bad));
        }
        assert!(!cn_region_valid(b""));
        assert!(!cn_region_valid(b"1"));
        assert!(!cn_region_valid(b"110"));
        assert!(!cn_region_valid("１1".as_bytes()));
    }

    #[test]
    fn dates() {
        assert!(date_valid(2000, 2, 29));
        assert!(date_valid(2024, 2, 29));
        assert!(!date_valid(1900, 2, 29));
        assert!(!date_valid(2023, 2, 29));
        assert!(date_valid(2023, 2, 28));
        assert!(date_valid(2023, 12, 31));
        assert!(!date_valid(2023, 4, 31));
        assert!(!date_valid(2023, 0, 1));
        assert!(!date_valid(2023, 13, 1));
        assert!(!date_valid(2023, 1, 0));
        assert!(!date_valid(2023, 1, 32));
        assert!(!date_valid(u32::MAX, u32::MAX, u32::MAX));
    }

    #[test]
    fn mobile_numbers() {
        // 13800138000 is China Mobile's published customer-service number.
        assert!(cn_mobile_valid(b"13800138000"));
        assert!(cn_mobile_valid(b"19912345678"));
        assert!(cn_mobile_valid(b"16612345678"));
        assert!(!cn_mobile_valid(b"15412345678"));
        assert!(!cn_mobile_valid(b"19412345678"));
        assert!(!cn_mobile_valid(b"12012345678"));
        assert!(!cn_mobile_valid(b"1380013800"));
        assert!(!cn_mobile_valid(b"138001380000"));
        assert!(!cn_mobile_valid(b"1380013800a"));
        assert!(!cn_mobile_valid("１3800138000".as_bytes()));
        assert!(!cn_mobile_valid(b"23800138000"));
        assert!(!cn_mobile_valid(b""));
        // The table agrees with the list, entry by entry.
        for a in b'0'..=b'9' {
            for b in b'0'..=b'9' {
                let n = [b'1', a, b, b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'8'];
                let listed = CN_MOBILE_PREFIXES.iter().any(|p| p.as_bytes() == &n[..3]);
                assert_eq!(cn_mobile_valid(&n), listed);
            }
        }
    }

    #[test]
    fn landlines() {
        assert_eq!(cn_landline_area_len(b"01062345678"), Some(3));
        assert_eq!(cn_landline_area_len(b"0106234567"), Some(3));
        assert_eq!(cn_landline_area_len(b"02187654321"), Some(3));
        assert_eq!(cn_landline_area_len(b"075587654321"), Some(4));
        assert_eq!(cn_landline_area_len(b"07552345678"), Some(4));
        assert_eq!(cn_landline_area_len(b"01012345678"), None); // subscriber starts with 1
        assert_eq!(cn_landline_area_len(b"01162345678"), None);
        assert_eq!(cn_landline_area_len(b"01002345678"), None);
        assert_eq!(cn_landline_area_len(b"01012345"), None);
        assert_eq!(cn_landline_area_len(b"010623456789"), None);
        assert_eq!(cn_landline_area_len(b"075512345678"), None);
        assert_eq!(cn_landline_area_len(b"00012345678"), None);
        assert_eq!(cn_landline_area_len(b"13800138000"), None);
        assert_eq!(cn_landline_area_len(b"0755-2345678"), None);
        assert_eq!(cn_landline_area_len(b""), None);
        assert_eq!(cn_landline_area_len(b"0"), None);
        assert_eq!(cn_landline_area_len(b"075"), None);
    }

    // E.164 country codes from the ITU list of assigned country codes.
    #[test]
    fn e164_codes() {
        for (number, len) in [
            (&b"8613800138000"[..], 2),
            (b"12125550100", 1),
            (b"442079460000", 2),
            (b"85221234567", 3),
            (b"886212345678", 3),
            (b"85328123456", 3),
            (b"74951234567", 1),
            (b"21112345678", 3), // South Sudan
            (b"38344123456", 3), // Kosovo
            (b"8001234567", 3),  // international freephone
        ] {
            assert_eq!(
                e164_country_code_len(number),
                Some(len),
                "{}",
                String::from_utf8_lossy(number)
            );
        }
        for spare in [
            &b"2801234567"[..],
            b"2891234567",
            b"2101234567",
            b"2591234567",
            b"4251234567",
            b"8351234567",
            b"9691234567",
            b"9991234567",
            b"6711234567",
            b"0123456789",
        ] {
            assert_eq!(
                e164_country_code_len(spare),
                None,
                "{}",
                String::from_utf8_lossy(spare)
            );
        }
        assert_eq!(e164_country_code_len(b"280"), None);
        assert_eq!(e164_country_code_len(b""), None);
        assert_eq!(e164_country_code_len(b"8"), None);
        assert_eq!(e164_country_code_len(b"85"), None);
        assert_eq!(e164_country_code_len(b"1"), Some(1));
        assert_eq!(e164_country_code_len(b"+86"), None);
        assert_eq!(e164_country_code_len("８6".as_bytes()), None);
    }

    #[test]
    fn e164_lengths() {
        assert!(e164_valid(b"8613800138000"));
        assert!(e164_valid(b"85221234567"));
        assert!(e164_valid(b"12125550100"));
        assert!(e164_valid(b"86123456")); // 8 digits, national part 6
        assert!(!e164_valid(b"85212345")); // 8 digits, national part 5
        assert!(!e164_valid(b"8612345")); // 7 digits
        assert!(e164_valid(b"861234567890123")); // 15 digits
        assert!(!e164_valid(b"8612345678901234")); // 16 digits
        assert!(!e164_valid(b"2801234567")); // spare code
        assert!(!e164_valid(b"861380013800a"));
        assert!(!e164_valid("８613800138000".as_bytes()));
        assert!(!e164_valid(b""));
    }

    // Hong Kong identity card. The Immigration Department's method (see
    // `hk_id_valid`); the vectors are derived by hand with it:
    // A123456: 36*9 + 10*8 + 1*7 + 2*6 + 3*5 + 4*4 + 5*3 + 6*2 = 481 = 43*11 + 8,
    //   check 11 - 8 = 3, so A123456(3) (the example used by many HKID
    //   validators);
    // G123456: 36*9 + 16*8 + 77 = 529 = 48*11 + 1, check 10 = 'A': G123456(A);
    // AB987654: 10*9 + 11*8 + 9*7 + 8*6 + 7*5 + 6*4 + 5*3 + 4*2 = 371
    //   = 33*11 + 8, check 3: AB987654(3).
    #[test]
    fn hk_ids() {
        assert!(hk_id_valid(b"A1234563"));
        assert!(hk_id_valid(b"G123456A"));
        assert!(hk_id_valid(b"AB9876543"));
        assert!(!hk_id_valid(b"A1234564"));
        assert!(!hk_id_valid(b"G1234560"));
        assert!(!hk_id_valid(b"a1234563"));
        assert!(!hk_id_valid(b"A123456(3)"));
        assert!(!hk_id_valid(b"A123456"));
        assert!(!hk_id_valid(b"ABC1234563"));
        assert!(!hk_id_valid(b"A12345A3"));
        assert!(!hk_id_valid(b"A123456a"));
        assert!(!hk_id_valid("Ａ1234563".as_bytes()));
        assert!(!hk_id_valid(b""));
        // Weights 7..2 on the digits and 1 on the check are all invertible
        // mod 11, so every single-digit substitution is caught.
        assert_single_digit_changes_fail(b"A1234563", &[1, 2, 3, 4, 5, 6, 7], hk_id_valid);
        assert_single_digit_changes_fail(b"AB9876543", &[2, 3, 4, 5, 6, 7, 8], hk_id_valid);
    }

    // Taiwan national ID: A123456789 is the textbook valid number (used in
    // the Ministry of the Interior's own examples). A800000014 (new-format
    // resident certificate) is derived by the same method:
    // A = 10 -> 1*1 + 0*9 = 1; 8*8 = 64; 1*1 = 1 (eighth digit); total 66,
    // so the check digit is 4.
    #[test]
    fn tw_ids() {
        assert!(tw_id_valid(b"A123456789"));
        assert!(tw_id_valid(b"A800000014"));
        assert!(!tw_id_valid(b"A123456788"));
        assert!(!tw_id_valid(b"a123456789"));
        assert!(!tw_id_valid(b"A323456789"));
        assert!(!tw_id_valid(b"A12345678"));
        assert!(!tw_id_valid(b"A1234567890"));
        assert!(!tw_id_valid(b"AB23456789"));
        assert!(!tw_id_valid(b"A12345678X"));
        assert!(!tw_id_valid("Ａ123456789".as_bytes()));
        assert!(!tw_id_valid(b""));
        // Positions whose weight (7, 3, 1, 1) is invertible mod 10: every
        // substitution there is caught (weights 8, 6, 5, 4, 2 are not, so
        // some substitutions elsewhere pass by design of the checksum).
        assert_single_digit_changes_fail(b"A123456789", &[2, 6, 8, 9], tw_id_valid);
    }

    #[test]
    fn mo_ids() {
        assert!(mo_id_valid(b"12345678"));
        assert!(mo_id_valid(b"52345678"));
        assert!(mo_id_valid(b"72345678"));
        assert!(!mo_id_valid(b"22345678"));
        assert!(!mo_id_valid(b"1234567"));
        assert!(!mo_id_valid(b"123456789"));
        assert!(!mo_id_valid(b"1234567A"));
        assert!(!mo_id_valid(b""));
    }

    #[test]
    fn passports() {
        for ok in [
            &b"E12345678"[..],
            b"EA1234567",
            b"EZ1234567",
            b"G12345678",
            b"D1234567",
            b"S1234567",
            b"P1234567",
        ] {
            assert!(cn_passport_valid(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"EI1234567"[..],
            b"EO1234567",
            b"E1234567",
            b"E123456789",
            b"e12345678",
            b"G1234567",
            b"D12345678",
            b"K12345678",
            b"EA123456",
            b"E1234567A",
            b"",
        ] {
            assert!(!cn_passport_valid(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn permits() {
        use PermitKind::*;
        for (s, kind) in [
            (&b"C12345678"[..], Some(MainlandToHkMacau)),
            (b"CA1234567", Some(MainlandToHkMacau)),
            (b"H12345678", Some(HkMacauToMainland)),
            (b"M1234567890", Some(HkMacauToMainland)),
            (b"L12345678", Some(MainlandToTaiwan)),
            (b"12345678", Some(TaiwanToMainland)),
            (b"1234567890", Some(TaiwanToMainland)),
            (b"123456789", None),
            (b"H123456789", None),
            (b"C1234567", None),
            (b"CI1234567", None),
            (b"L1234567890", None),
            (b"c12345678", None),
            (b"", None),
        ] {
            assert_eq!(
                travel_permit_kind(s),
                kind,
                "{}",
                String::from_utf8_lossy(s)
            );
        }
    }

    // Base58check: the genesis block's coinbase address; 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2
    // and the P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy are the examples of the
    // Bitcoin Wiki "Address" page.
    const BASE58_VALID: &[&[u8]] = &[
        b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        b"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        b"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ];

    #[test]
    fn base58check() {
        for v in BASE58_VALID {
            assert!(btc_base58check_valid(v), "{}", String::from_utf8_lossy(v));
            // Every substitution of one character by another of the alphabet
            // breaks the checksum (or the length or version).
            for i in 0..v.len() {
                for &c in BASE58_ALPHABET {
                    if c == v[i] {
                        continue;
                    }
                    let mut w = v.to_vec();
                    w[i] = c;
                    assert!(
                        !btc_base58check_valid(&w),
                        "{}",
                        String::from_utf8_lossy(&w)
                    );
                }
            }
        }
        assert!(!btc_base58check_valid(
            b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"
        ));
        assert!(!btc_base58check_valid(
            b"11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
        ));
        assert!(!btc_base58check_valid(b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN"));
        assert!(!btc_base58check_valid(
            b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0"
        ));
        assert!(!btc_base58check_valid(
            b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNl"
        ));
        assert!(!btc_base58check_valid(
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf\u{e9}".as_bytes()
        ));
        assert!(!btc_base58check_valid(
            b"1111111111111111111111111111111111"
        ));
        assert!(!btc_base58check_valid(
            b"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        ));
        assert!(!btc_base58check_valid(
            b"3zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        ));
        assert!(!btc_base58check_valid(b""));
    }

    // BIP-173 "Test vectors": strings valid as bech32.
    const BECH32_VALID: &[&str] = &[
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ];

    // BIP-350 "Test vectors for Bech32m": strings valid as bech32m.
    const BECH32M_VALID: &[&str] = &[
        "A1LQFN3A",
        "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
        "?1v759aa",
    ];

    /// The invalid strings of BIP-173 (bech32) and BIP-350 (bech32m), byte
    /// for byte (some start or end with a byte outside printable ASCII).
    fn bech32_invalid() -> Vec<Vec<u8>> {
        let with = |prefix: &[u8], s: &str, suffix: &[u8]| [prefix, s.as_bytes(), suffix].concat();
        vec![
            // BIP-173
            with(&[0x20], "1nwldj5", &[]),
            with(&[0x7F], "1axkwrx", &[]),
            with(&[0x80], "1eym55h", &[]),
            with(&[], "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", &[]),
            with(&[], "pzry9x0s0muk", &[]),
            with(&[], "1pzry9x0s0muk", &[]),
            with(&[], "x1b4n0q5v", &[]),
            with(&[], "li1dgmt3", &[]),
            with(&[], "de1lg7wt", &[0xFF]),
            with(&[], "A1G7SGD8", &[]),
            with(&[], "10a06t8", &[]),
            with(&[], "1qzzfhee", &[]),
            // BIP-350
            with(&[0x20], "1xj0phk", &[]),
            with(&[0x7F], "1g6xzxy", &[]),
            with(&[0x80], "1vctc34", &[]),
            with(&[], "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", &[]),
            with(&[], "qyrz8wqd2c9m", &[]),
            with(&[], "1qyrz8wqd2c9m", &[]),
            with(&[], "y1b0jsk6g", &[]),
            with(&[], "lt1igcx5c0", &[]),
            with(&[], "in1muywd", &[]),
            with(&[], "mm1crxm3i", &[]),
            with(&[], "au1s5cgom", &[]),
            with(&[], "M1VUXWEZ", &[]),
            with(&[], "16plkw9", &[]),
            with(&[], "1p2gdwpf", &[]),
        ]
    }

    #[test]
    fn bech32_checksum_vectors() {
        for s in BECH32_VALID {
            let parts = bech32_decode(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(parts.variant, Bech32Variant::Bech32, "{s}");
        }
        for s in BECH32M_VALID {
            let parts = bech32_decode(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(parts.variant, Bech32Variant::Bech32m, "{s}");
        }
        for s in bech32_invalid() {
            assert!(
                bech32_decode(&s).is_none(),
                "{}",
                String::from_utf8_lossy(&s)
            );
        }
    }

    // Valid segwit addresses: BIP-173 (v0) and BIP-350 (v0-v16).
    const SEGWIT_VALID: &[&str] = &[
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "BC1SW50QGDZ25J",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    ];

    // Invalid segwit addresses: BIP-173 and BIP-350 lists, plus the v1+
    // addresses BIP-173 listed as valid with a bech32 checksum, which
    // BIP-350 makes invalid.
    const SEGWIT_INVALID: &[&str] = &[
        // BIP-173
        "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
        "bc1rw5uspcuh",
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
        "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
        "bc1gmk9yu",
        // BIP-173 v1+ examples, bech32-checksummed
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
        "BC1SW50QA3JX3S",
        "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
        // BIP-350
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        "bc1pw5dgrnzv",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
        "bc1gmk9yu",
    ];

    #[test]
    fn segwit_addresses() {
        for s in SEGWIT_VALID {
            assert!(btc_bech32_valid(s.as_bytes()), "{s}");
        }
        for s in SEGWIT_INVALID {
            assert!(!btc_bech32_valid(s.as_bytes()), "{s}");
        }
        // Valid bech32 strings with another HRP are not Bitcoin addresses.
        for s in BECH32_VALID.iter().chain(BECH32M_VALID) {
            assert!(!btc_bech32_valid(s.as_bytes()), "{s}");
        }
        // Mixed case of a valid address.
        assert!(!btc_bech32_valid(
            b"Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        ));
        assert!(btc_bech32_valid(
            b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        ));
        assert!(!btc_bech32_valid(b""));
        assert!(!btc_bech32_valid(
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t\u{e9}".as_bytes()
        ));
    }

    // EIP-55 "Test Cases": all caps, all lower, and normal (mixed case).
    const EIP55_VALID: &[&[u8]] = &[
        b"0x52908400098527886E0F7030069857D2E4169EE7",
        b"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        b"0xde709f2102306220921060314715629080e2fb77",
        b"0x27b1fdb04752bbc536007a920d24acb045561c26",
        b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        b"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        b"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        b"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55() {
        for v in EIP55_VALID {
            assert!(eth_address_valid(v), "{}", String::from_utf8_lossy(v));
        }
        // Flipping the case of any one letter of a mixed-case vector leaves
        // the address mixed case and breaks the checksum.
        for v in &EIP55_VALID[4..] {
            let mut flipped_any = false;
            for i in 2..v.len() {
                if !v[i].is_ascii_alphabetic() {
                    continue;
                }
                let mut w = v.to_vec();
                w[i] ^= 0x20;
                assert!(!eth_address_valid(&w), "{}", String::from_utf8_lossy(&w));
                flipped_any = true;
            }
            assert!(flipped_any);
        }
        assert!(!eth_address_valid(
            b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        ));
        assert!(!eth_address_valid(
            b"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        ));
        assert!(!eth_address_valid(
            b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"
        ));
        assert!(!eth_address_valid(
            b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd"
        ));
        assert!(!eth_address_valid(
            b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"
        ));
        assert!(!eth_address_valid(
            b"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"
        ));
        assert!(!eth_address_valid(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA\u{e9}".as_bytes()
        ));
        assert!(!eth_address_valid(b""));
    }

    #[test]
    fn plates() {
        for ok in [
            "京A12345",
            "粤B1Z3X5",
            "京AD12345",
            "沪AF1234A",
            "川A12345D",
            "京A1234学",
            "粤Z1234港",
            "粤Z1234澳",
            "京A0001警",
            "冀B1234挂",
            "琼E12345",
        ] {
            assert!(cn_plate_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "京",
            "京A1234",
            "京A123456",
            "京I12345",
            "京O12345",
            "京AI2345",
            "京A1234O",
            "京a12345",
            "美A12345",
            "A12345京",
            "京A12345学",
            "京AD1234学",
            "京A１2345",
            "京A1234学5",
            "京A123456D7",
            "京-A12345",
        ] {
            assert!(!cn_plate_valid(bad), "{bad}");
        }
    }

    /// Region codes accepted by `cn_region_valid`.
    const REGIONS: &[&str] = &[
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83",
    ];

    #[test]
    fn region_list_matches() {
        let mut accepted = 0;
        for a in b'0'..=b'9' {
            for b in b'0'..=b'9' {
                let listed = REGIONS.iter().any(|r| r.as_bytes() == [a, b]);
                assert_eq!(cn_region_valid(&[a, b]), listed);
                accepted += usize::from(listed);
            }
        }
        assert_eq!(accepted, REGIONS.len());
    }

    proptest! {
        #[test]
        fn luhn_check_digit_appended_validates(payload in "[0-9]{1,40}") {
            let check = luhn_check_digit(payload.as_bytes()).unwrap();
            let mut full = payload.into_bytes();
            full.push(check);
            prop_assert!(luhn_valid(&full));
            // Any other final digit fails.
            for d in b'0'..=b'9' {
                if d != check {
                    *full.last_mut().unwrap() = d;
                    prop_assert!(!luhn_valid(&full));
                }
            }
        }

        #[test]
        fn cn_id_check_char_appended_validates(
            region in proptest::sample::select(REGIONS),
            rest in "[0-9]{4}",
            year in 1900u32..=2025,
            month in 1u32..=12,
            day in 1u32..=31,
            seq in "[0-9]{3}",
        ) {
            prop_assume!(date_valid(year, month, day));
            let first17 = format!("{region}{rest}{year:04}{month:02}{day:02}{seq}");
            let check = cn_id_check_char(first17.as_bytes()).unwrap();
            let mut id = first17.into_bytes();
            id.push(check);
            prop_assert!(cn_id18_valid(&id, 2025));
            if check == b'X' {
                id[17] = b'x';
                prop_assert!(cn_id18_valid(&id, 2025));
            }
            prop_assert!(!cn_id18_valid(&id, year - 1));
        }

        #[test]
        fn hk_exactly_one_check_char(letters in "[A-Z]{1,2}", digits in "[0-9]{6}") {
            let ok = b"0123456789A"
                .iter()
                .filter(|&&c| hk_id_valid(format!("{letters}{digits}{}", c as char).as_bytes()))
                .count();
            prop_assert_eq!(ok, 1);
        }

        #[test]
        fn tw_exactly_one_check_digit(letter in "[A-Z]", second in "[1289]", digits in "[0-9]{7}") {
            let ok = (b'0'..=b'9')
                .filter(|&c| tw_id_valid(format!("{letter}{second}{digits}{}", c as char).as_bytes()))
                .count();
            prop_assert_eq!(ok, 1);
        }

        #[test]
        fn nothing_panics(bytes in proptest::collection::vec(any::<u8>(), 0..100), text in ".{0,12}") {
            let b = &bytes[..];
            let _ = luhn_valid(b);
            let _ = luhn_check_digit(b);
            let _ = cn_id_check_char(b);
            let _ = cn_region_valid(b);
            let _ = cn_id18_valid(b, u32::MAX);
            let _ = cn_id15_valid(b);
            let _ = cn_mobile_valid(b);
            let _ = cn_landline_area_len(b);
            let _ = e164_country_code_len(b);
            let _ = e164_valid(b);
            let _ = hk_id_valid(b);
            let _ = tw_id_valid(b);
            let _ = mo_id_valid(b);
            let _ = cn_passport_valid(b);
            let _ = travel_permit_kind(b);
            let _ = btc_base58check_valid(b);
            let _ = btc_bech32_valid(b);
            let _ = eth_address_valid(b);
            let _ = cn_plate_valid(&text);
            let _ = cn_plate_valid(&String::from_utf8_lossy(b));
        }

        #[test]
        fn nothing_panics_on_shaped_input(
            s in "[0-9A-Za-z]{0,2}[0-9]{0,16}[0-9Xx]?",
            addr in "(bc1|tb1|BC1|0x|1|3)[0-9a-zA-Z]{0,80}",
        ) {
            for b in [s.as_bytes(), addr.as_bytes()] {
                let _ = cn_id18_valid(b, 2025);
                let _ = cn_id15_valid(b);
                let _ = hk_id_valid(b);
                let _ = tw_id_valid(b);
                let _ = cn_landline_area_len(b);
                let _ = btc_base58check_valid(b);
                let _ = btc_bech32_valid(b);
                let _ = eth_address_valid(b);
            }
        }
    }
}
