//! One-pass normalization of text for sensitive-word matching, with a map
//! from every normalized byte back to the original text.
//!
//! Owns the rules that undo the tricks people use to slip words past a
//! filter. Each step is switchable ([`Normalization`]); dictionary words go
//! through the same steps when the scanner is built, so a word and its
//! disguised forms meet in the same normalized text.
//!
//! Invariant: for every byte of the normalized text, `map` holds the
//! original span of the character it came from, so a match over normalized
//! bytes `a..b` is the original `map[a].start..map[b - 1].end`.

use std::ops::Range;

/// Which normalization steps a scanner applies. All on by default
/// ([`Normalization::ALL`]); [`Normalization::NONE`] matches the text as
/// it is.
///
/// # Examples
/// ```
/// use chatvault::scan::Normalization;
/// let n = Normalization { repeats: false, ..Normalization::ALL };
/// assert!(n.traditional && !n.repeats);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Normalization {
    /// Unicode case folding (`WeiXin` is `weixin`).
    pub case_fold: bool,
    /// Full-width forms to ASCII (`ｗｅｉｘｉｎ`, `１２３`) and the
    /// ideographic space to a space.
    pub width: bool,
    /// Traditional Chinese characters to simplified (`威信`, `國`), from
    /// OpenCC's character table.
    pub traditional: bool,
    /// Number styles to ASCII digits: circled and parenthesized numbers
    /// (`①`, `⑴`, `⒈`, `❶`), Chinese and financial numerals (`一`, `壹`),
    /// superscripts and subscripts.
    pub numbers: bool,
    /// Letter styles to ASCII: circled (`Ⓐ`, `ⓐ`) and mathematical
    /// (`𝐀`, `𝒂`, …) letters.
    pub letters: bool,
    /// Leetspeak and confusables inside Latin words (`w3ix1n`, `$ex`,
    /// Cyrillic and Greek look-alikes).
    pub leet: bool,
    /// Characters inserted between the characters of a word: spaces,
    /// punctuation, symbols and zero-width characters between Chinese
    /// characters or single letters (`微 信`, `微*信`, `w-e-i-x-i-n`);
    /// spaces between Latin words stay, as word boundaries.
    pub separators: bool,
    /// Repeated characters: a Chinese character repeated, or a Latin
    /// letter three or more times, counts once (`微微信`, `fuuuck`).
    pub repeats: bool,
}

impl Normalization {
    /// Every step on.
    pub const ALL: Normalization = Normalization {
        case_fold: true,
        width: true,
        traditional: true,
        numbers: true,
        letters: true,
        leet: true,
        separators: true,
        repeats: true,
    };
    /// Every step off: the text is matched as written.
    pub const NONE: Normalization = Normalization {
        case_fold: false,
        width: false,
        traditional: false,
        numbers: false,
        letters: false,
        leet: false,
        separators: false,
        repeats: false,
    };
}

impl Default for Normalization {
    fn default() -> Self {
        Normalization::ALL
    }
}

/// Normalized text and where each of its bytes came from.
#[derive(Debug, Default, Clone)]
pub(crate) struct Normalized {
    pub(crate) text: String,
    /// For each byte of `text`: the original span of its character.
    pub(crate) map: Vec<Range<u32>>,
}

impl Normalized {
    /// The original span of normalized bytes `a..b` (non-empty).
    pub(crate) fn original(&self, a: usize, b: usize) -> Range<usize> {
        self.map[a].start as usize..self.map[b - 1].end as usize
    }

    fn push(&mut self, c: char, from: Range<u32>) {
        let len = c.len_utf8();
        self.text.push(c);
        for _ in 1..len {
            self.map.push(from.clone());
        }
        self.map.push(from);
    }

    fn last_char(&self) -> Option<char> {
        self.text.chars().next_back()
    }
}

/// Zero-width characters: always dropped when `separators` is on.
fn zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}'
    )
}

/// A character that can be inserted between the characters of a word:
/// white space, punctuation and symbols (ASCII and CJK).
#[inline]
fn separator(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c.is_ascii_punctuation();
    }
    c.is_whitespace()
        || zero_width(c)
        || matches!(c,
            '\u{2000}'..='\u{206F}'   // general punctuation
            | '\u{3000}'..='\u{303F}' // CJK punctuation
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}' // full-width punctuation
            | '\u{2190}'..='\u{21FF}' | '\u{2200}'..='\u{22FF}' | '\u{2500}'..='\u{27BF}'
            | '\u{00A1}'..='\u{00BF}' | '\u{00D7}' | '\u{00F7}'
            | '\u{FE30}'..='\u{FE4F}' | '\u{FE50}'..='\u{FE6F}'
            | '\u{1F300}'..='\u{1FAFF}' // pictographs and emoji
        )
}

/// Value of a number-style character, as ASCII digits (`⑫` is "12").
fn number_style(c: char) -> Option<u32> {
    let n = c as u32;
    Some(match c {
        '①'..='⑳' => n - 0x2460 + 1,
        '⑴'..='⒇' => n - 0x2474 + 1,
        '⒈'..='⒛' => n - 0x2488 + 1,
        '⓪' => 0,
        '⓫'..='⓴' => n - 0x24EB + 11,
        '⓵'..='⓾' => n - 0x24F5 + 1,
        '❶'..='❿' => n - 0x2776 + 1,
        '➀'..='➉' => n - 0x2780 + 1,
        '➊'..='➓' => n - 0x278A + 1,
        '⁰' => 0,
        '¹' => 1,
        '²' => 2,
        '³' => 3,
        '⁴'..='⁹' => n - 0x2074 + 4,
        '₀'..='₉' => n - 0x2080,
        '〇' | '零' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// An ASCII letter or digit for a letter-style character.
fn letter_style(c: char) -> Option<char> {
    let n = c as u32;
    let letter = |k: u32| {
        char::from_u32(if k < 26 {
            'a' as u32 + k
        } else {
            'a' as u32 + k - 26
        })
    };
    match n {
        0x24B6..=0x24CF => letter(n - 0x24B6),           // Ⓐ-Ⓩ
        0x24D0..=0x24E9 => letter(n - 0x24D0),           // ⓐ-ⓩ
        0x1F130..=0x1F149 => letter(n - 0x1F130),        // 🄰-🅉
        0x1F150..=0x1F169 => letter(n - 0x1F150),        // 🅐-🅩
        0x1F170..=0x1F189 => letter(n - 0x1F170),        // 🅰-🆉
        0x1D400..=0x1D6A3 => letter((n - 0x1D400) % 52), // mathematical alphabets
        0x1D7CE..=0x1D7FF => char::from_u32('0' as u32 + (n - 0x1D7CE) % 10),
        _ => None,
    }
}

/// Look-alikes of Latin letters inside a Latin word.
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        // Cyrillic and Greek letters that look Latin.
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ς' => 'c',
        'е' | 'ε' => 'e',
        'н' | 'η' => 'h',
        'і' | 'ι' => 'i',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'т' | 'τ' => 't',
        'у' | 'υ' => 'y',
        'х' | 'χ' => 'x',
        _ => return None,
    })
}

/// The decimal digits of a number-style value (at most 20).
fn push_number(v: u32, out: &mut dyn FnMut(char)) {
    if v >= 10 {
        out(char::from(b'0' + (v / 10) as u8));
    }
    out(char::from(b'0' + (v % 10) as u8));
}

/// The simplified form of `c` (itself when it has none), through a
/// direct table over the Basic Multilingual Plane built on first use from
/// the OpenCC table, so a character costs one lookup, not a binary search.
fn simplified(c: char) -> char {
    /// 0: no mapping; u16::MAX: look in the table (the target is outside
    /// the Basic Multilingual Plane); otherwise the target.
    static DIRECT: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    let n = c as u32;
    if n >= 0x1_0000 {
        return super::t2s::to_simplified(c).unwrap_or(c);
    }
    let table = DIRECT.get_or_init(|| {
        let mut t = vec![0u16; 0x1_0000];
        for &(from, to) in super::t2s::T2S {
            let (from, to) = (from as u32, to as u32);
            if from < 0x1_0000 {
                t[from as usize] = if to < 0xFFFF { to as u16 } else { u16::MAX };
            }
        }
        t
    });
    match table[n as usize] {
        0 => c,
        u16::MAX => super::t2s::to_simplified(c).unwrap_or(c),
        v => char::from_u32(u32::from(v)).unwrap_or(c),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// One character after the character-level steps (everything but
/// separators, leet and repeats, which need neighbours).
fn fold(c: char, n: &Normalization, out: &mut dyn FnMut(char)) {
    if c.is_ascii() {
        // No width, style, numeral or script step applies to ASCII.
        out(if n.case_fold {
            c.to_ascii_lowercase()
        } else {
            c
        });
        return;
    }
    if is_cjk(c) {
        // Ideographs: only numerals and the script table apply (no case,
        // width or letter styles).
        if n.numbers {
            if let Some(v) = number_style(c) {
                push_number(v, out);
                return;
            }
        }
        out(if n.traditional { simplified(c) } else { c });
        return;
    }
    let mut c = c;
    if n.width {
        c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        };
    }
    if n.letters {
        if let Some(l) = letter_style(c) {
            c = l;
        }
    }
    if n.numbers {
        if let Some(v) = number_style(c) {
            push_number(v, out);
            return;
        }
    }
    if n.traditional {
        c = simplified(c);
    }
    if n.case_fold && !c.is_ascii_lowercase() && c.is_uppercase() {
        for l in c.to_lowercase() {
            out(l);
        }
        return;
    }
    if n.case_fold {
        c = c.to_ascii_lowercase();
    }
    out(c);
}

/// Normalize `text` (at most 4 GiB) as `n` says.
pub(crate) fn normalize(text: &str, n: &Normalization) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        map: Vec::with_capacity(text.len()),
    };
    // First the character-level steps, remembering spans.
    let mut chars: Vec<(char, Range<u32>)> = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let span = i as u32..(i + c.len_utf8()) as u32;
        fold(c, n, &mut |f| chars.push((f, span.clone())));
    }
    // A leet character counts as a letter only inside a Latin word: right
    // before an ASCII letter or digit, in a run that holds a letter.
    let latin = |c: char| c.is_ascii_alphanumeric() || leet(c).is_some();
    let leet_at = |k: usize| -> bool {
        n.leet
            && leet(chars[k].0).is_some()
            && chars
                .get(k + 1)
                .is_some_and(|(c, _)| c.is_ascii_alphanumeric())
            && {
                let (s, e) = run(&chars, k, latin);
                chars[s..e].iter().any(|(c, _)| c.is_ascii_alphabetic())
            }
    };
    let mut k = 0;
    while k < chars.len() {
        let (c, span) = chars[k].clone();
        if n.separators && separator(c) && !leet_at(k) {
            // A run of separators: dropped, except one space between two
            // Latin words of two or more characters.
            let mut e = k;
            while e < chars.len() && separator(chars[e].0) && !leet_at(e) {
                e += 1;
            }
            let before = word_len(&chars[..k], true);
            let after = word_len(&chars[e..], false);
            if before >= 2 && after >= 2 && chars[k..e].iter().any(|(c, _)| c.is_whitespace()) {
                out.push(' ', span);
            }
            k = e;
            continue;
        }
        if n.separators && zero_width(c) {
            k += 1;
            continue;
        }
        let mut c = c;
        if !c.is_ascii_alphabetic() && leet_at(k) {
            c = leet(c).expect("checked by leet_at");
        }
        if n.repeats && is_cjk(c) && out.last_char() == Some(c) {
            // 微微信, also 微 微 信 (the separator already dropped).
            extend_last(&mut out, span.end);
            k += 1;
            continue;
        }
        let next_same = |d: usize| chars.get(k + d).is_some_and(|(x, _)| *x == chars[k].0);
        if n.repeats && c.is_ascii_alphabetic() && next_same(1) && next_same(2) {
            // Three or more of one letter count once; two stay (book, good).
            let r = chars[k..]
                .iter()
                .take_while(|(x, _)| *x == chars[k].0)
                .count();
            if r >= 3 {
                out.push(c, span.start..chars[k + r - 1].1.end);
                k += r;
                continue;
            }
        }
        out.push(c, span);
        k += 1;
    }
    out
}

/// Let the last normalized character also cover original bytes up to `end`.
fn extend_last(out: &mut Normalized, end: u32) {
    let len = out.last_char().map_or(0, char::len_utf8);
    let n = out.map.len();
    for m in &mut out.map[n - len..] {
        m.end = end;
    }
}

/// The run of `is` characters around `k`.
fn run(chars: &[(char, Range<u32>)], k: usize, is: impl Fn(char) -> bool) -> (usize, usize) {
    let mut s = k;
    while s > 0 && is(chars[s - 1].0) {
        s -= 1;
    }
    let mut e = k;
    while e < chars.len() && is(chars[e].0) {
        e += 1;
    }
    (s, e)
}

/// Length of the ASCII alphanumeric word that ends `chars` (`from_end`) or
/// starts it.
/// (Counted up to 2: that is all the caller asks.)
fn word_len(chars: &[(char, Range<u32>)], from_end: bool) -> usize {
    let is = |c: &&(char, Range<u32>)| c.0.is_ascii_alphanumeric();
    if from_end {
        chars.iter().rev().take(2).take_while(is).count()
    } else {
        chars.iter().take(2).take_while(is).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, &Normalization::ALL).text
    }

    #[test]
    fn tricks_are_undone() {
        assert_eq!(norm("微 信"), "微信");
        assert_eq!(norm("微*信"), "微信");
        assert_eq!(norm("微\u{200B}信"), "微信");
        assert_eq!(norm("ｗｅｉｘｉｎ"), "weixin");
        assert_eq!(norm("WeiXin"), "weixin");
        assert_eq!(norm("w e i x i n"), "weixin");
        assert_eq!(norm("①②③"), "123");
        assert_eq!(norm("⑴⒈壹"), "111");
        assert_eq!(norm("ⒶⓑⒸ"), "abc");
        assert_eq!(norm("𝐀𝐁"), "ab");
        assert_eq!(norm("w3ix1n"), "weixin");
        assert_eq!(norm("$ex sh!t"), "sex shit");
        assert_eq!(norm("ass! iphone7"), "ass iphone7");
        assert_eq!(norm("微微微信"), "微信");
        assert_eq!(norm("fuuuuck"), "fuck");
        assert_eq!(norm("FUUUCK"), "fuck");
    }

    #[test]
    fn latin_words_keep_their_boundaries() {
        assert_eq!(norm("my cat is here"), "my cat is here");
        assert_eq!(norm("book good"), "book good");
        // Digits stay digits outside Latin words.
        assert_eq!(norm("订单 12345"), "订单12345");
        assert_eq!(norm("room 101"), "room 101");
    }

    #[test]
    fn every_byte_maps_back() {
        let text = "你好，微 信 ｗｘ ①号";
        let n = normalize(text, &Normalization::ALL);
        assert_eq!(n.map.len(), n.text.len());
        for m in &n.map {
            assert!(m.start < m.end && m.end as usize <= text.len());
            assert!(
                text.is_char_boundary(m.start as usize) && text.is_char_boundary(m.end as usize)
            );
        }
        let at = n.text.find("微信").unwrap();
        assert_eq!(&text[n.original(at, at + "微信".len())], "微 信");
    }

    #[test]
    fn direct_script_table_agrees_with_the_opencc_table() {
        for c in (0..0x3_0000u32).filter_map(char::from_u32) {
            assert_eq!(
                simplified(c),
                super::super::t2s::to_simplified(c).unwrap_or(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn none_changes_nothing() {
        let text = "Ｗｅｉ 微*信 ①";
        assert_eq!(normalize(text, &Normalization::NONE).text, text);
    }
}
