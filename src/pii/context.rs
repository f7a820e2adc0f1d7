//! Context words: the words before (or just after) a candidate that say
//! what it is, or that it is not an identifier at all.
//!
//! Owns the word lists and the one rule that combines them: look at a
//! window of text before the candidate (and a shorter one after it) for the
//! nearest word of the candidate's cue and the nearest negative word (订单号,
//! tracking, …); whichever is nearer to the candidate decides, a positive
//! word raising the confidence and a negative one lowering it.
//!
//! ASCII words match case-insensitively and only as whole words (`id` does
//! not match inside `valid`); Chinese words match anywhere. All the lists
//! are one Aho-Corasick automaton, built once.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// What a candidate would be, for choosing its context words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Phone,
    IdCard,
    BankCard,
    Passport,
    Permit,
    Qq,
    WeChat,
    /// No positive words (only the negative ones apply).
    None,
}

const PHONE: &[&str] = &[
    "手机",
    "电话",
    "联系方式",
    "号码",
    "致电",
    "拨打",
    "来电",
    "热线",
    "座机",
    "联系我",
    "打我",
    "tel",
    "phone",
    "mobile",
    "call",
    "cell",
    "whatsapp",
    "contact",
    "telephone",
];
const ID_CARD: &[&str] = &[
    "身份证",
    "证件",
    "身份号",
    "公民身份",
    "id",
    "identity",
    "id card",
    "id no",
];
const BANK_CARD: &[&str] = &[
    "卡号",
    "银行卡",
    "储蓄卡",
    "信用卡",
    "借记卡",
    "银行账号",
    "账号",
    "帐号",
    "开户",
    "银联",
    "card",
    "account",
    "visa",
    "mastercard",
    "unionpay",
];
const PASSPORT: &[&str] = &["护照", "passport"];
const PERMIT: &[&str] = &["通行证", "回乡证", "台胞证", "permit", "travel document"];
const QQ: &[&str] = &["qq", "扣扣", "企鹅号"];
const WECHAT: &[&str] = &[
    "微信", "wechat", "weixin", "wx", "vx", "v信", "薇信", "威信", "加v",
];
/// Words that say a number is a reference of some business object, not a
/// person's identifier.
const NEGATIVE: &[&str] = &[
    "订单",
    "单号",
    "运单",
    "快递",
    "物流",
    "流水",
    "交易号",
    "编号",
    "工单",
    "发票",
    "型号",
    "批次",
    "验证码",
    "取件码",
    "order",
    "tracking",
    "waybill",
    "invoice",
    "ref",
    "reference",
    "ticket",
    "serial",
    "sku",
    "code",
    "版本",
    "version",
    "ios",
    "android",
    "chrome",
    "build",
];

/// Bytes of text before a candidate that are searched.
const BEFORE: usize = 36;
/// Bytes of text after a candidate that are searched (positive words only:
/// "13800138000 是我的手机").
const AFTER: usize = 18;

/// What the context says about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A word of the cue is nearer than any negative word.
    Positive,
    /// A negative word is nearer.
    Negative,
    /// Neither.
    Silent,
}

/// Every context word of every list in one automaton (ASCII case-folded),
/// with the list each pattern came from.
struct Words {
    ac: AhoCorasick,
    /// For each pattern: its cue (`None` for a negative word) and whether
    /// it must match as a whole ASCII word.
    kinds: Vec<(Option<Cue>, bool)>,
}

fn automaton() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut kinds = Vec::new();
        let lists = [
            (Some(Cue::Phone), PHONE),
            (Some(Cue::IdCard), ID_CARD),
            (Some(Cue::BankCard), BANK_CARD),
            (Some(Cue::Passport), PASSPORT),
            (Some(Cue::Permit), PERMIT),
            (Some(Cue::Qq), QQ),
            (Some(Cue::WeChat), WECHAT),
            (None, NEGATIVE),
        ];
        for (cue, list) in lists {
            for w in list {
                patterns.push(*w);
                kinds.push((cue, w.as_bytes()[0].is_ascii_alphanumeric()));
            }
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("the context word lists compile");
        Words { ac, kinds }
    })
}

/// Each context word in `hay` (whole ASCII words only), as (cue or `None`
/// for a negative word, end offset).
fn matches(hay: &[u8]) -> impl Iterator<Item = (Option<Cue>, usize)> + '_ {
    let w = automaton();
    w.ac.find_overlapping_iter(hay).filter_map(move |m| {
        let (cue, ascii) = w.kinds[m.pattern().as_usize()];
        let (start, end) = (m.start(), m.end());
        if ascii {
            let before_ok = start == 0 || !hay[start - 1].is_ascii_alphanumeric();
            // A digit may follow an ASCII word ("qq12345"), a letter may not.
            let after_ok = end == hay.len()
                || !hay[end - 1].is_ascii_alphanumeric()
                || !hay[end].is_ascii_alphabetic();
            if !(before_ok && after_ok) {
                return None;
            }
        }
        Some((cue, end))
    })
}

/// What the context says about a candidate at `start..end` of `text`.
pub(crate) fn verdict(text: &str, start: usize, end: usize, cue: Cue) -> Verdict {
    verdict_within(text, start, end, cue, BEFORE)
}

/// Like [`verdict`], looking only `before` bytes back.
pub(crate) fn verdict_within(
    text: &str,
    start: usize,
    end: usize,
    cue: Cue,
    before: usize,
) -> Verdict {
    let b = text.as_bytes();
    let mut lo = start.saturating_sub(before);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    // Nearest = the word ending latest before the candidate.
    let (mut pos, mut neg) = (None::<usize>, None::<usize>);
    for (c, e) in matches(&b[lo..start]) {
        match c {
            None => neg = neg.max(Some(e)),
            Some(c) if c == cue => pos = pos.max(Some(e)),
            Some(_) => {}
        }
    }
    match (pos, neg) {
        (Some(p), Some(n)) if p >= n => return Verdict::Positive,
        (_, Some(_)) => return Verdict::Negative,
        (Some(_), None) => return Verdict::Positive,
        (None, None) => {}
    }
    let mut hi = (end + AFTER).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    if matches(&b[end..hi]).any(|(c, _)| c == Some(cue)) {
        Verdict::Positive
    } else {
        Verdict::Silent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_word_decides() {
        let t = "订单号已发，我的卡号 6222";
        let at = t.find("6222").unwrap();
        assert_eq!(verdict(t, at, t.len(), Cue::BankCard), Verdict::Positive);
        let t = "卡号不用了，订单号 6222";
        let at = t.find("6222").unwrap();
        assert_eq!(verdict(t, at, t.len(), Cue::BankCard), Verdict::Negative);
    }

    #[test]
    fn ascii_words_are_whole_words() {
        let t = "this is valid 123";
        let at = t.find("123").unwrap();
        assert_eq!(verdict(t, at, t.len(), Cue::IdCard), Verdict::Silent);
        let t = "my ID: 123";
        let at = t.find("123").unwrap();
        assert_eq!(verdict(t, at, t.len(), Cue::IdCard), Verdict::Positive);
        // A digit right after an ASCII word still lets it match ("qq123").
        let t = "qq12345";
        assert_eq!(verdict(t, 2, t.len(), Cue::Qq), Verdict::Positive);
    }

    #[test]
    fn words_after_count_when_nothing_is_before() {
        let t = "13800138000 是我的手机";
        assert_eq!(verdict(t, 0, 11, Cue::Phone), Verdict::Positive);
        assert_eq!(verdict(t, 0, 11, Cue::BankCard), Verdict::Silent);
    }

    #[test]
    fn windows_stay_on_char_boundaries() {
        let t = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十 123";
        let at = t.find("123").unwrap();
        assert_eq!(verdict(t, at, t.len(), Cue::Phone), Verdict::Silent);
        let t = "123 一二三四五六七八九十";
        assert_eq!(verdict(t, 0, 3, Cue::Phone), Verdict::Silent);
    }
}
