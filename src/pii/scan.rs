//! The scanner behind [`Detector`](super::Detector): one pass over the text
//! that finds candidates and hands each to the checks in
//! [`checks`](super::checks).
//!
//! Owns: candidate extraction (numbers with their separators and their
//! digit styles, letter-and-digit tokens, e-mail addresses, URLs, IP
//! addresses, licence plates), the confidence of each rule, and the final
//! choice among overlapping candidates.
//!
//! Invariants: every span starts and ends on a character boundary; the
//! returned findings are sorted and do not overlap; nothing here allocates
//! per character (a few vectors per call, reused across candidates).

use std::net::Ipv6Addr;

use super::checks;
use super::context::{verdict, verdict_within, Cue, Verdict};
use super::{EntityType, Finding};

/// The compiled options of a detector.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) enabled: [bool; 20],
    pub(crate) min_confidence: f32,
    pub(crate) max_input: usize,
    pub(crate) max_birth_year: u32,
}

/// Confidence added by a positive context word.
const BOOST: f32 = 0.1;
/// Confidence added by a positive context word to a rule that needs one
/// (QQ numbers, WeChat ids, all-digit permits).
const NEEDED_BOOST: f32 = 0.65;
/// Confidence taken away by a negative context word (order, tracking, …).
const PENALTY: f32 = 0.45;

/// Most groups of digits one number may have; longer runs are cut.
const MAX_GROUPS: usize = 12;
/// Most digits a candidate number may have (an international bank card
/// number with a `+` prefix is never longer).
const MAX_DIGITS: usize = 22;

pub(crate) fn detect(cfg: &Config, text: &str) -> Vec<Finding> {
    let mut s = Scanner {
        cfg,
        text,
        b: text.as_bytes(),
        found: Vec::new(),
        digits: Vec::new(),
        groups: Vec::new(),
        wechat_cue: None,
    };
    s.main();
    resolve(s.found)
}

/// A group of digits in a number: its bytes in the text and its digits in
/// the scanner's digit buffer.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    dstart: usize,
    dend: usize,
}

struct Scanner<'a> {
    cfg: &'a Config,
    text: &'a str,
    b: &'a [u8],
    found: Vec<Finding>,
    digits: Vec<u8>,
    groups: Vec<Group>,
    /// Where the last WeChat context word (微信, wx, …) ended.
    wechat_cue: Option<usize>,
}

/// The value of a digit-like character: ASCII and full-width digits, and
/// the Chinese numerals people write phone numbers with (幺 is the spoken
/// "one" of phone numbers).
pub(crate) fn digit_value(c: char) -> Option<u8> {
    Some(match c {
        '0'..='9' => c as u8 - b'0',
        '０'..='９' => (c as u32 - '０' as u32) as u8,
        '〇' | '零' => 0,
        '一' | '幺' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// What a byte starts, for the main pass.
const SKIP: u8 = 0;
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const PLUS: u8 = 3;
const AT: u8 = 4;
const COLON: u8 = 5;
const LEAD2: u8 = 6;
const LEAD3: u8 = 7;
const LEAD4: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [SKIP; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_alphabetic() {
            LETTER
        } else if b == b'+' {
            PLUS
        } else if b == b'@' {
            AT
        } else if b == b':' {
            COLON
        } else if b >= 0xF0 {
            LEAD4
        } else if b >= 0xE0 {
            LEAD3
        } else if b >= 0xC0 {
            LEAD2
        } else {
            SKIP // other ASCII, and continuation bytes (never reached)
        };
        c += 1;
    }
    t
};

/// The non-ASCII characters the main pass stops at: digit-likes, `＋`,
/// province abbreviations and `信`; one bit per character of the Basic
/// Multilingual Plane.
static INTERESTING: [u64; 1024] = {
    const CHARS: &str = "０１２３４５６７８９〇零一二三四五六七八九幺＋信\
        京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
    let mut bits = [0u64; 1024];
    let b = CHARS.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Every character here is three bytes of UTF-8.
        let c = ((b[i] as u32 & 0x0F) << 12)
            | ((b[i + 1] as u32 & 0x3F) << 6)
            | (b[i + 2] as u32 & 0x3F);
        bits[(c >> 6) as usize] |= 1 << (c & 63);
        i += 3;
    }
    bits
};

/// Whether the main pass must look at non-ASCII `c`.
#[cfg(test)]
fn interesting(c: char) -> bool {
    let c = c as u32;
    c < 0x1_0000 && INTERESTING[(c >> 6) as usize] & (1 << (c & 63)) != 0
}

/// Characters that may stand between the digit groups of one number.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '(' | ')' | '\u{3000}' | '－' | '．' | '（' | '）' | '—' | '‐' | '‑'
    )
}

/// ASCII words that announce a WeChat id (微信 and its look-alikes are
/// found from their 信).
fn is_wechat_word(tok: &[u8]) -> bool {
    matches!(tok.len(), 2 | 6)
        && ["wx", "vx", "wechat", "weixin"]
            .iter()
            .any(|w| tok.eq_ignore_ascii_case(w.as_bytes()))
}

/// Words that follow a WeChat word without being the id ("WeChat
/// account: grace12").
fn is_wechat_label(tok: &[u8]) -> bool {
    [
        "account", "number", "handle", "please", "contact", "search", "weixin", "wechat",
    ]
    .iter()
    .any(|w| tok.eq_ignore_ascii_case(w.as_bytes()))
}

/// First letters of mainland licence plates (province abbreviations).
fn is_province(c: char) -> bool {
    matches!(
        c,
        '京' | '津'
            | '沪'
            | '渝'
            | '冀'
            | '豫'
            | '云'
            | '辽'
            | '黑'
            | '湘'
            | '皖'
            | '鲁'
            | '新'
            | '苏'
            | '浙'
            | '赣'
            | '鄂'
            | '桂'
            | '甘'
            | '晋'
            | '蒙'
            | '陕'
            | '吉'
            | '闽'
            | '贵'
            | '粤'
            | '青'
            | '藏'
            | '川'
            | '宁'
            | '琼'
    )
}

impl<'a> Scanner<'a> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..)?.chars().next()
    }

    fn char_before(&self, i: usize) -> Option<char> {
        self.text.get(..i)?.chars().next_back()
    }

    fn digit_at(&self, i: usize) -> Option<(u8, usize)> {
        let c = self.char_at(i)?;
        digit_value(c).map(|d| (d, c.len_utf8()))
    }

    fn alnum_before(&self, i: usize) -> bool {
        i > 0 && self.b[i - 1].is_ascii_alphanumeric()
    }

    fn alnum_at(&self, i: usize) -> bool {
        i < self.b.len() && self.b[i].is_ascii_alphanumeric()
    }

    /// Record a candidate if its type is on and, after context, it is
    /// confident enough. Returns whether it was recorded.
    fn push(
        &mut self,
        entity: EntityType,
        start: usize,
        end: usize,
        conf: f32,
        rule: &'static str,
    ) -> bool {
        if !self.cfg.enabled[entity as usize] {
            return false;
        }
        let conf = conf.clamp(0.0, 0.99);
        if conf < self.cfg.min_confidence {
            return false;
        }
        self.found.push(Finding {
            entity,
            span: start..end,
            confidence: conf,
            rule,
        });
        true
    }

    /// `base` adjusted by the context of `start..end` for `cue`.
    fn scored(&self, start: usize, end: usize, base: f32, cue: Cue) -> f32 {
        match verdict(self.text, start, end, cue) {
            Verdict::Positive => base + BOOST,
            Verdict::Negative => base - PENALTY,
            Verdict::Silent => base,
        }
    }

    /// A rule that fires only with its context word.
    fn needs_context(&self, start: usize, end: usize, cue: Cue, before: usize) -> f32 {
        match verdict_within(self.text, start, end, cue, before) {
            Verdict::Positive => 0.25 + NEEDED_BOOST,
            _ => 0.0,
        }
    }

    fn main(&mut self) {
        let b = self.b;
        let n = b.len();
        let mut i = 0;
        while i < n {
            // Runs of bytes that start nothing go by one table lookup each.
            while i < n && CLASS[b[i] as usize] == SKIP {
                i += 1;
            }
            if i == n {
                break;
            }
            let c = b[i];
            i = match CLASS[c as usize] {
                DIGIT if self.alnum_before(i) => i + 1,
                DIGIT => self.number_or_token(i),
                LETTER if self.alnum_before(i) => i + 1,
                LETTER => self.token(i),
                PLUS if self.digit_at(i + 1).is_some() && !self.alnum_before(i) => {
                    self.number(i, 1)
                }
                AT => self.email_at(i).unwrap_or(i + 1),
                COLON if i + 1 < n && (b[i + 1] == b':' || b[i + 1].is_ascii_hexdigit()) => {
                    self.ipv6_at(i).unwrap_or(i + 1)
                }
                LEAD3 if i + 2 < n => {
                    // Three-byte UTF-8: every character the pass handles.
                    let ch = ((c as u32 & 0x0F) << 12)
                        | ((b[i + 1] as u32 & 0x3F) << 6)
                        | (b[i + 2] as u32 & 0x3F);
                    if INTERESTING[(ch >> 6) as usize] & (1 << (ch & 63)) == 0 {
                        i + 3
                    } else {
                        self.non_ascii(i)
                    }
                }
                LEAD2 => i + 2,
                LEAD4 => i + 4,
                _ => i + 1,
            };
        }
    }

    /// At a non-ASCII character the pass handles (see [`INTERESTING`]).
    fn non_ascii(&mut self, i: usize) -> usize {
        let ch = self.char_at(i).expect("on a char boundary");
        let len = ch.len_utf8();
        if digit_value(ch).is_some() {
            return self.number(i, 0);
        }
        if ch == '＋' && self.digit_at(i + len).is_some() {
            return self.number(i, len);
        }
        if is_province(ch) {
            self.plate(i, len);
        } else if ch == '信' && matches!(self.char_before(i), Some('微' | '薇' | '威' | 'v' | 'V'))
        {
            self.wechat_cue = Some(i + len);
        }
        i + len
    }

    /// At an ASCII digit: a letter-and-digit token (`3J98t1…`, `0x5aAe…`) or
    /// a number.
    fn number_or_token(&mut self, i: usize) -> usize {
        let mut j = i;
        while self.alnum_at(j) {
            j += 1;
        }
        let tok = &self.b[i..j];
        let letters = tok.iter().filter(|c| c.is_ascii_alphabetic()).count();
        let x_suffix = letters == 1 && matches!(tok[tok.len() - 1], b'X' | b'x');
        if letters == 0 || x_suffix {
            self.number(i, 0)
        } else {
            self.classify_token(i, j, true);
            j
        }
    }

    /// At an ASCII letter: a token of ASCII letters and digits.
    fn token(&mut self, i: usize) -> usize {
        let mut j = i;
        let mut has_digit = false;
        while j < self.b.len() {
            match CLASS[self.b[j] as usize] {
                LETTER => {}
                DIGIT => has_digit = true,
                _ => break,
            }
            j += 1;
        }
        let len = j - i;
        // Only short words can be a URL scheme or a WeChat word, and only
        // words with a digit or right after a WeChat word need classifying.
        if len <= 6 && !has_digit {
            if (3..=5).contains(&len) {
                if let Some(end) = self.url_at(i, j) {
                    return end;
                }
            }
            let tok = &self.b[i..j];
            let jia_v =
                len == 1 && tok.eq_ignore_ascii_case(b"v") && self.char_before(i) == Some('加');
            if jia_v || is_wechat_word(tok) {
                self.wechat_cue = Some(j);
            }
        }
        if has_digit || self.wechat_cue.is_some() {
            self.classify_token(i, j, has_digit);
        }
        j
    }

    fn classify_token(&mut self, i: usize, j: usize, has_digit: bool) {
        let tok = &self.b[i..j];
        if has_digit {
            self.identifier_token(i, j);
        }
        // WeChat ids: a letter, then 5-19 letters, digits, '_' or '-', and
        // only right after a context word.
        let announced = self.wechat_cue.is_some_and(|e| e <= i && i - e <= 16);
        if announced && tok[0].is_ascii_alphabetic() && (2..=20).contains(&tok.len()) {
            let mut k = j;
            while k < self.b.len()
                && (self.b[k].is_ascii_alphanumeric() || matches!(self.b[k], b'_' | b'-'))
            {
                k += 1;
            }
            if (6..=20).contains(&(k - i)) && !self.alnum_at(k) && !is_wechat_label(tok) {
                let conf = 0.25 + NEEDED_BOOST;
                self.push(EntityType::WeChatId, i, k, conf, "wechat_id_context");
            }
        }
    }

    /// Passports, permits, Hong Kong / Macau / Taiwan IDs and wallet
    /// addresses: tokens that mix letters and digits.
    fn identifier_token(&mut self, i: usize, j: usize) {
        let tok = &self.b[i..j];
        if tok.len() == 42 && checks::eth_address_valid(tok) {
            self.push(EntityType::EthAddress, i, j, 0.95, "eth_address");
            return;
        }
        if tok.len() >= 14 && checks::btc_bech32_valid(tok) {
            self.push(EntityType::BtcAddress, i, j, 0.95, "btc_bech32");
            return;
        }
        if (26..=35).contains(&tok.len()) && checks::btc_base58check_valid(tok) {
            self.push(EntityType::BtcAddress, i, j, 0.95, "btc_base58check");
            return;
        }
        if checks::tw_id_valid(tok) {
            let c = self.scored(i, j, 0.85, Cue::IdCard);
            self.push(EntityType::TwId, i, j, c, "tw_id");
            return;
        }
        // Hong Kong: A123456(3); the check character in brackets.
        if let Some((check, end)) = self.bracketed_check(j) {
            let mut id = [0u8; 10];
            if tok.len() <= 9 {
                id[..tok.len()].copy_from_slice(tok);
                id[tok.len()] = check;
                if checks::hk_id_valid(&id[..tok.len() + 1]) {
                    let c = self.scored(i, end, 0.9, Cue::IdCard);
                    self.push(EntityType::HkId, i, end, c, "hk_id_bracketed");
                    return;
                }
            }
        }
        // A passport or permit word before it decides between formats that
        // overlap (E + letter + 7 digits can pass the Hong Kong check).
        let passport = checks::cn_passport_valid(tok);
        if passport && verdict(self.text, i, j, Cue::Passport) == Verdict::Positive {
            let c = self.scored(i, j, 0.6, Cue::Passport);
            if self.push(EntityType::CnPassport, i, j, c, "cn_passport") {
                return;
            }
        }
        let permit = checks::travel_permit_kind(tok).is_some();
        if permit && verdict(self.text, i, j, Cue::Permit) == Verdict::Positive {
            let c = self.scored(i, j, 0.45, Cue::Permit);
            if self.push(EntityType::TravelPermit, i, j, c, "travel_permit") {
                return;
            }
        }
        if checks::hk_id_valid(tok) {
            let c = self.scored(i, j, 0.6, Cue::IdCard);
            if self.push(EntityType::HkId, i, j, c, "hk_id") {
                return;
            }
        }
        if passport {
            let c = self.scored(i, j, 0.6, Cue::Passport);
            if self.push(EntityType::CnPassport, i, j, c, "cn_passport") {
                return;
            }
        }
        if permit {
            let c = self.scored(i, j, 0.45, Cue::Permit);
            self.push(EntityType::TravelPermit, i, j, c, "travel_permit");
        }
    }

    /// `(c)` or `（c）` right at `j`, with `c` a digit or `A`: the check
    /// character and the end of the closing bracket.
    fn bracketed_check(&self, j: usize) -> Option<(u8, usize)> {
        let open = self.char_at(j)?;
        if open != '(' && open != '（' {
            return None;
        }
        let k = j + open.len_utf8();
        let c = *self.b.get(k)?;
        if !(c.is_ascii_digit() || c == b'A') {
            return None;
        }
        let close = self.char_at(k + 1)?;
        if close != ')' && close != '）' {
            return None;
        }
        Some((c, k + 1 + close.len_utf8()))
    }

    /// Read a number starting at `i` (after a `+` of `plus` bytes if
    /// non-zero) into digit groups, and classify it. Returns where scanning
    /// goes on.
    fn number(&mut self, i: usize, plus: usize) -> usize {
        self.digits.clear();
        self.groups.clear();
        let n = self.b.len();
        let mut j = i + plus;
        let mut glued = false;
        let mut x_suffix = false;
        loop {
            let start = j;
            let dstart = self.digits.len();
            while let Some((d, len)) = self.digit_at(j) {
                self.digits.push(b'0' + d);
                j += len;
            }
            if j < n && matches!(self.b[j], b'X' | b'x') && !self.alnum_at(j + 1) {
                self.digits.push(b'X');
                j += 1;
                x_suffix = true;
            }
            self.groups.push(Group {
                start,
                end: j,
                dstart,
                dend: self.digits.len(),
            });
            if x_suffix {
                break;
            }
            if self.alnum_at(j) {
                glued = true;
                break;
            }
            if self.groups.len() == MAX_GROUPS {
                break;
            }
            // Up to two separators, then another digit.
            let mut k = j;
            let mut seps = 0;
            while seps < 2 {
                match self.char_at(k) {
                    Some(c) if is_separator(c) => {
                        k += c.len_utf8();
                        seps += 1;
                    }
                    _ => break,
                }
            }
            if seps == 0 || self.digit_at(k).is_none() {
                break;
            }
            j = k;
        }
        let end = self.groups.last().map_or(j, |g| g.end);
        if glued {
            // The last group runs into letters ("123abc"): not a number.
            self.groups.pop();
            if self.groups.is_empty() {
                return j;
            }
        }
        if plus == 0 && self.ipv4(i) {
            return end;
        }
        self.classify_groups(i, plus);
        // After a number glued to letters, the main loop skips the rest of
        // that token.
        if glued {
            j
        } else {
            end
        }
    }

    /// A dotted-quad IPv4 address exactly covering the number's groups.
    fn ipv4(&mut self, i: usize) -> bool {
        if self.groups.len() != 4 {
            return false;
        }
        let g = self.groups.clone();
        for (k, grp) in g.iter().enumerate() {
            let len = grp.end - grp.start;
            if !(1..=3).contains(&len) || !self.b[grp.start..grp.end].iter().all(u8::is_ascii_digit)
            {
                return false;
            }
            if k > 0 && !(grp.start == g[k - 1].end + 1 && self.b[g[k - 1].end] == b'.') {
                return false;
            }
            let v: u32 = self.text[grp.start..grp.end].parse().unwrap_or(256);
            if v > 255 || (len > 1 && self.b[grp.start] == b'0') {
                return false;
            }
        }
        let end = g[3].end;
        // Not part of a longer dotted run (1.2.3.4.5) or a decimal.
        if end + 1 < self.b.len() && self.b[end] == b'.' && self.b[end + 1].is_ascii_digit() {
            return false;
        }
        let c = self.scored(i, end, 0.85, Cue::None);
        self.push(EntityType::Ipv4, i, end, c, "ipv4");
        true
    }

    /// Choose, from left to right, the longest run of whole groups that
    /// is an identifier.
    fn classify_groups(&mut self, i: usize, plus: usize) {
        let m = self.groups.len();
        // Written like a card (three or more groups of four, then the
        // rest): it is a card or nothing, never a phone number inside one.
        let glen = |g: &Group| g.dend - g.dstart;
        let total = self.groups.last().map_or(0, |g| g.dend);
        if plus == 0
            && m >= 4
            && self.groups[..m - 1].iter().all(|g| glen(g) == 4)
            && (13..=19).contains(&total)
        {
            self.classify_number(0, m - 1, i, false);
            return;
        }
        let mut a = 0;
        while a < m {
            let mut next = a + 1;
            for b in (a..m).rev() {
                let len = self.groups[b].dend - self.groups[a].dstart;
                if !(5..=MAX_DIGITS).contains(&len) {
                    continue;
                }
                let start = if a == 0 { i } else { self.groups[a].start };
                let with_plus = a == 0 && plus > 0;
                if self.classify_number(a, b, start, with_plus) {
                    next = b + 1;
                    break;
                }
            }
            a = next;
        }
    }

    /// Try every number rule on groups `a..=b`. Returns whether one fired.
    fn classify_number(&mut self, a: usize, b: usize, start: usize, plus: bool) -> bool {
        let g = &self.groups;
        let end = g[b].end;
        let mut buf = [0u8; MAX_DIGITS + 1];
        let n = g[b].dend - g[a].dstart;
        buf[..n].copy_from_slice(&self.digits[g[a].dstart..g[b].dend]);
        let d = &buf[..n];
        let first_group = g[a].dend - g[a].dstart;
        let one_group = a == b;
        let bracket_before_last = b > a && {
            let c = self.char_before(g[b].start);
            c == Some('(') || c == Some('（')
        };
        let last_group = g[b].dend - g[b].dstart;
        let dotted = !one_group && self.b[g[a].end..g[b].start].contains(&b'.');
        let grouped_by_four = !one_group && g[a..=b].iter().all(|x| x.dend - x.dstart >= 4);
        if d[n - 1] == b'X' {
            if n == 18 && checks::cn_id18_valid(d, self.cfg.max_birth_year) {
                let c = self.scored(start, end, 0.95, Cue::IdCard);
                return self.push(EntityType::CnResidentId, start, end, c, "cn_resident_id");
            }
            return false;
        }
        // International form: +CC… or 00CC….
        let intl = if plus {
            Some(d)
        } else if n >= 10 && d.starts_with(b"00") {
            Some(&d[2..])
        } else {
            None
        };
        if let Some(rest) = intl {
            if let Some(nat) = rest.strip_prefix(b"86") {
                if checks::cn_mobile_valid(nat) {
                    let c = self.scored(start, end, 0.95, Cue::Phone);
                    return self.push(EntityType::CnMobile, start, end, c, "cn_mobile_intl");
                }
                let mut land = [0u8; MAX_DIGITS + 1];
                land[0] = b'0';
                land[1..=nat.len()].copy_from_slice(nat);
                if checks::cn_landline_area_len(&land[..=nat.len()]).is_some() {
                    let c = self.scored(start, end, 0.85, Cue::Phone);
                    return self.push(EntityType::CnLandline, start, end, c, "cn_landline_intl");
                }
                return false;
            }
            if checks::e164_country_code_len(rest).is_some() && checks::e164_valid(rest) {
                let base = if plus { 0.85 } else { 0.6 };
                let c = self.scored(start, end, base, Cue::Phone);
                return self.push(EntityType::IntlPhone, start, end, c, "e164");
            }
            return false;
        }
        if n == 13 && d.starts_with(b"86") && checks::cn_mobile_valid(&d[2..]) {
            let c = self.scored(start, end, 0.8, Cue::Phone);
            if self.push(EntityType::CnMobile, start, end, c, "cn_mobile_86") {
                return true;
            }
        }

        let mobile_shape = !dotted || (b == a + 2 && first_group == 3 && last_group == 4);
        if n == 11 && mobile_shape && checks::cn_mobile_valid(d) {
            let c = self.scored(start, end, 0.85, Cue::Phone);
            if self.push(EntityType::CnMobile, start, end, c, "cn_mobile") {
                return true;
            }
        }
        if n == 18 && checks::cn_id18_valid(d, self.cfg.max_birth_year) {
            let c = self.scored(start, end, 0.95, Cue::IdCard);
            if self.push(EntityType::CnResidentId, start, end, c, "cn_resident_id") {
                return true;
            }
        }
        // An ID with a wrong check character (region and birth date fit,
        // or an ID word before it) is a mistyped ID, not a card: nothing
        // else is tried on it, and the run is used up.
        if n == 18 && one_group && self.looks_like_id(d, start, end) {
            return true;
        }
        if (16..=19).contains(&n) && (b'2'..=b'6').contains(&d[0]) && checks::luhn_valid(d) {
            let base = if grouped_by_four { 0.85 } else { 0.75 };
            let c = self.scored(start, end, base, Cue::BankCard);
            if self.push(EntityType::BankCard, start, end, c, "bank_card_luhn") {
                return true;
            }
        }
        if n == 15 && checks::cn_id15_valid(d) {
            let c = self.scored(start, end, 0.55, Cue::IdCard);
            if self.push(EntityType::CnResidentId, start, end, c, "cn_resident_id_15") {
                return true;
            }
        }
        if d[0] == b'0' && (10..=12).contains(&n) {
            if let Some(area) = checks::cn_landline_area_len(d) {
                let split = first_group == area || bracket_before_last;
                // "(0755) 2345 6789": the opening bracket belongs to it.
                let start = match self.char_before(start) {
                    Some(c @ ('(' | '（')) if first_group == area => start - c.len_utf8(),
                    _ => start,
                };
                let base = if split { 0.8 } else { 0.55 };
                let c = self.scored(start, end, base, Cue::Phone);
                if self.push(EntityType::CnLandline, start, end, c, "cn_landline") {
                    return true;
                }
            }
        }
        if n == 8 && b == a + 1 && last_group == 1 && bracket_before_last && checks::mo_id_valid(d)
        {
            // Macau: 1234567(8); `end` must take the closing bracket too.
            let close = self.char_at(end);
            if matches!(close, Some(')') | Some('）')) {
                let end = end + close.map_or(0, char::len_utf8);
                let c = self.scored(start, end, 0.85, Cue::IdCard);
                if self.push(EntityType::MoId, start, end, c, "mo_id_bracketed") {
                    return true;
                }
            }
        }
        if (n == 8 || n == 10) && one_group {
            let c = self.needs_context(start, end, Cue::Permit, 36);
            if c > 0.0
                && checks::travel_permit_kind(d).is_some()
                && self.push(
                    EntityType::TravelPermit,
                    start,
                    end,
                    c,
                    "travel_permit_context",
                )
            {
                return true;
            }
        }
        if (5..=11).contains(&n) && d[0] != b'0' && one_group {
            let c = self.needs_context(start, end, Cue::Qq, 24);
            if c > 0.0 && self.push(EntityType::QqId, start, end, c, "qq_context") {
                return true;
            }
        }
        false
    }

    /// An 18-digit number shaped like a resident ID (region and birth
    /// date), or announced as one.
    fn looks_like_id(&self, d: &[u8], start: usize, end: usize) -> bool {
        let date = |k: usize| -> u32 {
            d[k..k + 2]
                .iter()
                .fold(0, |v, c| v * 10 + u32::from(c.wrapping_sub(b'0')))
        };
        let year = date(6) * 100 + date(8);
        let shaped = checks::cn_region_valid(&d[..2])
            && checks::date_valid(year, date(10), date(12))
            && (1900..=self.cfg.max_birth_year).contains(&year);
        shaped || verdict(self.text, start, end, Cue::IdCard) == Verdict::Positive
    }

    /// A licence plate starting with the province character at `i`.
    fn plate(&mut self, i: usize, len: usize) {
        let mut j = i + len;
        let mut compact = String::with_capacity(12);
        compact.push_str(&self.text[i..j]);
        // The issuing-authority letter.
        match self.b.get(j) {
            Some(c) if c.is_ascii_uppercase() => {
                compact.push(*c as char);
                j += 1;
            }
            _ => return,
        }
        if let Some(c) = self.char_at(j) {
            if matches!(c, '·' | '•' | ' ' | '-' | '・') {
                j += c.len_utf8();
            }
        }
        let body = j;
        while j < self.b.len()
            && (self.b[j].is_ascii_uppercase() || self.b[j].is_ascii_digit())
            && j - body < 6
        {
            compact.push(self.b[j] as char);
            j += 1;
        }
        if let Some(c) = self.char_at(j) {
            if matches!(c, '学' | '警' | '挂' | '港' | '澳') {
                compact.push(c);
                j += c.len_utf8();
            }
        }
        if self.alnum_at(j) {
            return;
        }
        if checks::cn_plate_valid(&compact) {
            let has_digit = compact.bytes().any(|c| c.is_ascii_digit());
            let base = if has_digit { 0.8 } else { 0.4 };
            let c = self.scored(i, j, base, Cue::None);
            self.push(EntityType::LicencePlate, i, j, c, "cn_plate");
        }
    }

    /// The e-mail address around the `@` at `at`: where it ends, if it is
    /// one.
    fn email_at(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let local =
            |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
        let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
        let mut s = at;
        while s > 0 && local(b[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(b[s], b'.' | b'-' | b'+') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || b[at - 1] == b'.' {
            return None;
        }
        let host = &self.text[at + 1..e];
        let labels_ok = host
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        let tld_ok = host
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        (host.contains('.')
            && labels_ok
            && tld_ok
            && self.push(EntityType::Email, s, e, 0.95, "email"))
        .then_some(e)
    }

    /// A URL whose scheme (`http`, `https`, `ftp`, `ftps`, then `://`) or
    /// `www.` is the token at `i..j`: where it ends, if it is one.
    fn url_at(&mut self, i: usize, j: usize) -> Option<usize> {
        let b = self.b;
        let tok = &b[i..j];
        let host = if b[j..].starts_with(b"://")
            && ["http", "https", "ftp", "ftps"]
                .iter()
                .any(|s| tok.eq_ignore_ascii_case(s.as_bytes()))
        {
            j + 3
        } else if tok.eq_ignore_ascii_case(b"www") && b.get(j) == Some(&b'.') {
            i
        } else {
            return None;
        };
        let mut e = host;
        while e < b.len()
            && b[e] > b' '
            && b[e] < 0x80
            && !matches!(b[e], b'<' | b'>' | b'"' | b'\'' | b'`')
        {
            e += 1;
        }
        while e > host
            && matches!(
                b[e - 1],
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'}'
            )
        {
            e -= 1;
        }
        let hostpart = self.text[host..e]
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("");
        let ok = hostpart.contains('.') || hostpart.starts_with('[') || hostpart == "localhost";
        (ok && self.push(EntityType::Url, i, e, 0.9, "url")).then_some(e)
    }

    /// The IPv6 address around the `:` at `p`: where it ends, if it is one.
    fn ipv6_at(&mut self, p: usize) -> Option<usize> {
        let b = self.b;
        let ip = |c: u8| c.is_ascii_hexdigit() || c == b':' || c == b'.';
        let mut s = p;
        while s > 0 && ip(b[s - 1]) {
            s -= 1;
        }
        let mut e = p + 1;
        while e < b.len() && ip(b[e]) {
            e += 1;
        }
        while e > p && b[e - 1] == b'.' {
            e -= 1;
        }
        // A colon of the text ("IP:2001:db8::1", "addr 2001:db8::1: down")
        // is not part of the address; "::" is.
        if b[s] == b':' && b.get(s + 1) != Some(&b':') {
            s += 1;
        }
        if e > s && b[e - 1] == b':' && (e < 2 || b[e - 2] != b':') {
            e -= 1;
        }
        if s >= e
            || (s > 0 && b[s - 1].is_ascii_alphanumeric())
            || (e < b.len() && b[e].is_ascii_alphanumeric())
        {
            return None;
        }
        let cand = &self.text[s..e];
        if cand.bytes().filter(|&c| c == b':').count() < 2 || cand.parse::<Ipv6Addr>().is_err() {
            return None;
        }
        self.push(EntityType::Ipv6, s, e, 0.9, "ipv6").then_some(e)
    }
}

/// Sort the candidates and drop overlaps: a candidate inside another is
/// dropped; of two that partly overlap, the more confident stays (the
/// earlier on a tie).
fn resolve(mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by(|x, y| {
        x.span
            .start
            .cmp(&y.span.start)
            .then(y.span.end.cmp(&x.span.end))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        match out.last() {
            Some(last) if f.span.start < last.span.end => {
                if f.span.end <= last.span.end {
                    continue; // inside the last one
                }
                if f.confidence > last.confidence {
                    out.pop();
                    // It may also overlap the one before: keep the rule.
                    if out.last().is_some_and(|l| f.span.start < l.span.end) {
                        continue;
                    }
                    out.push(f);
                }
            }
            _ => out.push(f),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interesting_is_exactly_the_characters_the_pass_handles() {
        for c in (0x80u32..0x1_0000).filter_map(char::from_u32) {
            let handled = digit_value(c).is_some() || is_province(c) || c == '＋' || c == '信';
            assert_eq!(interesting(c), handled, "{c:?}");
        }
    }
}
