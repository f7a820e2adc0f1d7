//! Sensitive-word scanning: disguises, traps that must stay clean, policy
//! and directions, allow-list, loaders, hot reload under concurrent scans,
//! and the shared word lists when they are present.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chatvault::scan::{
    Action, CategoryId, DictionaryBuilder, Direction, Normalization, Policy, Scanner, SharedScanner,
};
use chatvault::ErrorKind;

struct Fixture {
    scanner: Scanner,
    contact: CategoryId,
}

fn fixture(norm: Normalization) -> Fixture {
    let mut d = DictionaryBuilder::new();
    let contact = d.category("contact").unwrap();
    let drugs = d.category("drugs").unwrap();
    let rude = d.category("rude").unwrap();
    for w in ["微信", "weixin", "加我qq"] {
        d.add(w, contact, false).unwrap();
    }
    d.add("大麻", drugs, false).unwrap();
    d.add("口交", rude, false).unwrap();
    d.add("ass", rude, true).unwrap();
    d.add("123456", contact, false).unwrap();
    d.allow("大麻烦").allow("路口交通");
    let mut p = Policy::new(Action::Report);
    p.set(contact, Direction::AgentToCustomer, Action::Block);
    p.set(rude, Direction::AgentToCustomer, Action::Mask);
    Fixture {
        scanner: d.build(norm, p).unwrap(),
        contact,
    }
}

fn spans(s: &Scanner, text: &str) -> Vec<String> {
    s.scan(text, Direction::CustomerToAgent)
        .unwrap()
        .matches
        .into_iter()
        .map(|m| text[m.span].to_owned())
        .collect()
}

#[test]
fn each_trick_is_undone() {
    let f = fixture(Normalization::ALL);
    let s = &f.scanner;
    let cases = [
        ("加微 信", "微 信"),
        ("加微*信", "微*信"),
        ("加微\u{200B}信", "微\u{200B}信"),
        ("加ｗｅｉｘｉｎ", "ｗｅｉｘｉｎ"),
        ("加 WEIXIN", "WEIXIN"),
        ("加 w.e.i.x.i.n", "w.e.i.x.i.n"),
        ("加 w3ix1n", "w3ix1n"),
        ("加 ⓦⓔⓘⓧⓘⓝ", "ⓦⓔⓘⓧⓘⓝ"),
        ("号码①②③④⑤⑥", "①②③④⑤⑥"),
        ("号码壹贰叁肆伍陆", "壹贰叁肆伍陆"),
        ("卖大大麻", "大大麻"),
        ("卖大麻", "大麻"),
    ];
    for (text, want) in cases {
        assert_eq!(spans(s, text), [want], "{text:?}");
    }
}

#[test]
fn traditional_script_is_folded() {
    let f = fixture(Normalization::ALL);
    // 微信 written with the traditional 信 is the same; 威信 is a common
    // homophone trick that only a dictionary entry catches, so add it.
    let mut d = DictionaryBuilder::new();
    let c = d.category("contact").unwrap();
    d.add("威信", c, false).unwrap();
    d.add("国家", c, false).unwrap();
    let s = d
        .build(Normalization::ALL, Policy::new(Action::Block))
        .unwrap();
    assert_eq!(spans(&s, "國家大事"), ["國家"]);
    assert_eq!(spans(&s, "加威信"), ["威信"]);
    assert!(!spans(&f.scanner, "加微信").is_empty());
}

#[test]
fn traps_stay_clean() {
    let f = fixture(Normalization::ALL);
    for text in [
        "真是大麻烦",
        "前面路口交通拥堵",
        "first class service",
        "Scunthorpe United",
        "assistant",
        "谢谢您的耐心",
        "",
    ] {
        assert!(spans(&f.scanner, text).is_empty(), "{text:?}");
    }
}

#[test]
fn normalization_off_matches_only_the_written_form() {
    let f = fixture(Normalization::NONE);
    assert_eq!(spans(&f.scanner, "加微信"), ["微信"]);
    assert!(spans(&f.scanner, "加微 信").is_empty());
    assert!(spans(&f.scanner, "加ｗｅｉｘｉｎ").is_empty());
}

#[test]
fn direction_and_policy_decide_the_verdict() {
    let f = fixture(Normalization::ALL);
    let v = f
        .scanner
        .scan("加我微信", Direction::AgentToCustomer)
        .unwrap();
    assert_eq!(v.action, Action::Block);
    assert_eq!(v.matches[0].category, f.contact);
    assert_eq!(v.matches[0].word, "微信");
    assert_eq!(f.scanner.category_name(f.contact), Some("contact"));
    let v = f
        .scanner
        .scan("加我微信", Direction::CustomerToAgent)
        .unwrap();
    assert_eq!(v.action, Action::Report);
    // Mask replaces just the word.
    let v = f
        .scanner
        .scan("你个口 交", Direction::AgentToCustomer)
        .unwrap();
    assert_eq!(v.action, Action::Mask);
    assert_eq!(v.masked.as_deref(), Some("你个* *"));
    // The strongest action wins.
    let v = f
        .scanner
        .scan("口交 微信", Direction::AgentToCustomer)
        .unwrap();
    assert_eq!(v.action, Action::Block);
    assert_eq!(v.matches.len(), 2);
}

#[test]
fn loaders_and_their_errors() {
    let mut d = DictionaryBuilder::new();
    let c = d.category("x").unwrap();
    assert_eq!(d.load_plain("# comment\n甲\n\n乙\nabc\n", c).unwrap(), 3);
    let long = "长".repeat(100);
    let e = d.load_plain(&format!("丙\n{long}\n"), c).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.detail().contains("line 2"));
    assert_eq!(d.load_allow("甲乙\n"), 1);
    let s = d
        .build(Normalization::ALL, Policy::new(Action::Block))
        .unwrap();
    assert_eq!(s.len(), 3, "the failed load added nothing");
    assert!(spans(&s, "甲乙").is_empty(), "allowed");
    assert_eq!(spans(&s, "甲丁"), ["甲"]);
    assert!(spans(&s, "abcd").is_empty(), "whole word");
    let mut d = DictionaryBuilder::new();
    for i in 0..64 {
        d.category(&format!("c{i}")).unwrap();
    }
    assert!(d.category("one too many").is_err());
    let c0 = d.category("c0").unwrap();
    assert!(d.add("", c0, false).is_err());
    assert!(d.add("   ", c0, false).is_err());
    // A category of another, larger dictionary is unknown here.
    let mut other = DictionaryBuilder::new();
    for i in 0..65 {
        let _ = other.category(&format!("o{i}"));
    }
    let mut small = DictionaryBuilder::new();
    small.category("only").unwrap();
    assert!(small
        .add("x", other.category("o63").unwrap(), false)
        .is_err());
}

#[test]
fn oversized_message_is_an_error() {
    let f = fixture(Normalization::ALL);
    let big = "a".repeat(chatvault::scan::MAX_MESSAGE + 1);
    assert_eq!(
        f.scanner
            .scan(&big, Direction::AgentToCustomer)
            .unwrap_err()
            .kind(),
        ErrorKind::TooLarge
    );
}

#[test]
fn reload_while_scanning_from_several_threads() {
    let build = |word: &str| {
        let mut d = DictionaryBuilder::new();
        let c = d.category("x").unwrap();
        d.add(word, c, false).unwrap();
        d.build(Normalization::ALL, Policy::new(Action::Block))
            .unwrap()
    };
    let shared = Arc::new(SharedScanner::new(build("甲")));
    let stop = Arc::new(AtomicBool::new(false));
    let scans = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut threads = Vec::new();
    for _ in 0..4 {
        let (shared, stop, scans) = (shared.clone(), stop.clone(), scans.clone());
        threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let v = shared.scan("甲乙", Direction::AgentToCustomer).unwrap();
                // Each scan sees one whole dictionary: exactly one word.
                assert_eq!(v.matches.len(), 1);
                assert!(v.matches[0].word == "甲" || v.matches[0].word == "乙");
                scans.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Reload at least 50 times, and until the scanners have run a while.
    let mut i = 0;
    while i < 50 || (scans.load(Ordering::Relaxed) < 2_000 && i < 100_000) {
        shared
            .replace(build(if i % 2 == 0 { "乙" } else { "甲" }))
            .unwrap();
        i += 1;
    }
    if i % 2 == 1 {
        shared.replace(build("甲")).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    assert!(
        scans.load(Ordering::Relaxed) >= 2_000,
        "scans ran during the reloads"
    );
    let last = shared.scan("甲乙", Direction::AgentToCustomer).unwrap();
    assert_eq!(last.matches[0].word, "甲");
}

#[test]
fn scanner_types_are_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Scanner>();
    check::<SharedScanner>();
    check::<DictionaryBuilder>();
}

/// The shared 64k-word list and its tags, when present: every word is
/// found in its own text, and the allow-list words are not reported.
#[test]
fn shared_word_lists_load_and_match() {
    let dir = std::env::var_os("CHATVAULT_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let (Ok(words), Ok(tags), Ok(allow)) = (
        std::fs::read_to_string(dir.join("words/zh-64k.txt")),
        std::fs::read_to_string(dir.join("words/zh-64k-tags.txt")),
        std::fs::read_to_string(dir.join("words/zh-allow.txt")),
    ) else {
        eprintln!(
            "shared word lists not found under {} (set CHATVAULT_DATA); skipping this data test",
            dir.display()
        );
        return;
    };
    let mut d = DictionaryBuilder::new();
    let general = d.category("general").unwrap();
    let cats: Vec<CategoryId> = ["politics", "drugs", "porn", "gambling", "illegal"]
        .iter()
        .map(|c| d.category(c).unwrap())
        .collect();
    let n = d.load_plain(&words, general).unwrap();
    assert!(n > 60_000);
    let t = d
        .load_tags(&tags, |t| cats.get(t.parse::<usize>().ok()?).copied())
        .unwrap();
    assert!(t > 40_000);
    d.load_allow(&allow);
    let start = std::time::Instant::now();
    let s = d
        .build(Normalization::ALL, Policy::new(Action::Report))
        .unwrap();
    eprintln!("built {} words in {:?}", s.len(), start.elapsed());
    let mut missed = Vec::new();
    for w in words
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .step_by(97)
    {
        let text = format!("前面{w}后面");
        if s.scan(&text, Direction::CustomerToAgent)
            .unwrap()
            .matches
            .is_empty()
        {
            missed.push(w.to_owned());
        }
    }
    // A word can be allowed, or be folded into a longer word that covers it
    // differently; the sampled words must almost all be found.
    assert!(
        missed.len() * 50 < words.lines().count() / 97,
        "missed {missed:?}"
    );
}
