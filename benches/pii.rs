//! PII detection and masking throughput on chat-like text, beside the
//! `regex` crate running patterns for the same identifiers.
//!
//! The haystacks are `zh-huge.txt` and `en-huge.txt` (about 600 KB of short
//! subtitle lines each) from the shared data directory (`../shared/data`,
//! or the directory in `CHATVAULT_DATA`), with a checksum-valid identifier
//! (mobile number, resident ID, bank card or e-mail address, in turn)
//! appended to every fourth line. Each line is one message: every
//! function is called once per line, as a helpdesk calls it per message.
//!
//! - `chatvault_detect`: `Detector::detect`.
//! - `chatvault_detect_mask`: `Detector::detect` then `Masker::mask` with
//!   the default policy, sealing each original under the customer's class
//!   key (AES-256-GCM): the whole ingest-time job.
//! - `regex_set_matches`: `regex::RegexSet::matches` over patterns for the
//!   same identifiers, which only says which patterns match, not where, and
//!   validates nothing.
//! - `regex_find_each`: each of those patterns' `Regex::find_iter`, which
//!   gives positions (still no checksums, no context words).
//!
//! Run: `cargo bench --bench pii`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
use chatvault::mask::{CustomerKeys, Masker, RecordRef};
use chatvault::pii::{checks, Detector};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use regex::{Regex, RegexSet};

/// Patterns for the identifiers injected (and a few more the detector
/// knows), written as a regex user would.
const PATTERNS: &[&str] = &[
    r"(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}",
    r"\b0\d{2,3}-?\d{7,8}\b",
    r"\b\d{17}[\dXx]\b",
    r"\b(?:\d{4}[ -]?){3}\d{4,7}\b",
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
    r"https?://\S+|www\.\S+",
    r"\b[EG]\d{8}\b",
    r"(?i:qq)\D{0,3}\d{5,11}",
];

fn data_dir() -> PathBuf {
    std::env::var_os("CHATVAULT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// A tiny deterministic generator, so every run measures the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

/// The next checksum-valid identifier, in turn: mobile, ID, card, e-mail.
fn identifier(rng: &mut Lcg, k: usize, zh: bool) -> String {
    match k % 4 {
        0 => {
            let p = checks::CN_MOBILE_PREFIXES;
            let prefix = p[(rng.next() as usize) % p.len()];
            let number = format!("{prefix}{}", rng.digits(8));
            if zh {
                format!("，我的手机是{number}")
            } else {
                format!(" call me on {number}")
            }
        }
        1 => {
            let first = format!(
                "110105{}{:02}{:02}{}",
                1950 + rng.next() % 50,
                1 + rng.next() % 12,
                1 + rng.next() % 28,
                rng.digits(3)
            );
            let check = checks::cn_id_check_char(first.as_bytes()).expect("17 digits") as char;
            if zh {
                format!("，身份证{first}{check}")
            } else {
                format!(" my ID is {first}{check}")
            }
        }
        2 => {
            let payload = format!("6222{}", rng.digits(11));
            let check = checks::luhn_check_digit(payload.as_bytes()).expect("digits") as char;
            let card = format!("{payload}{check}");
            let grouped = format!(
                "{} {} {} {}",
                &card[..4],
                &card[4..8],
                &card[8..12],
                &card[12..]
            );
            if zh {
                format!("，卡号 {grouped}")
            } else {
                format!(" card {grouped}")
            }
        }
        _ => format!(" mail user{}@example.com", rng.digits(4)),
    }
}

/// The haystack's lines with identifiers appended to every fourth.
fn lines(name: &str) -> Option<Vec<String>> {
    let path = data_dir().join("text").join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "pii bench: {} not readable ({e}); set CHATVAULT_DATA to the shared data directory. Skipping {name}.",
                path.display()
            );
            return None;
        }
    };
    let zh = name.starts_with("zh");
    let mut rng = Lcg(0x5eed);
    let mut k = 0;
    Some(
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                if i % 4 == 3 {
                    k += 1;
                    format!("{line}{}", identifier(&mut rng, k, zh))
                } else {
                    line.to_owned()
                }
            })
            .collect(),
    )
}

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

fn pii(c: &mut Criterion) {
    let detector = Detector::new();
    let ring = Keyring::new(
        "acme",
        MasterKey::generate().expect("OS randomness"),
        Arc::new(MemoryKeyStore::new()),
    )
    .expect("keyring");
    let masker = Masker::new(ring.pseudonym_key().expect("pseudonym key"));
    let keys = CustomerKeys::new(&ring, "cust-1");
    let set = RegexSet::new(PATTERNS).expect("patterns");
    let each: Vec<Regex> = PATTERNS
        .iter()
        .map(|p| Regex::new(p).expect("pattern"))
        .collect();

    for name in ["zh-huge.txt", "en-huge.txt"] {
        let Some(lines) = lines(name) else { continue };
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        let found: usize = lines
            .iter()
            .map(|l| detector.detect(l).expect("detect").len())
            .sum();
        eprintln!(
            "pii bench: {name}: {} lines, {bytes} bytes, {found} identifiers found",
            lines.len()
        );
        let mut g = c.benchmark_group(format!("pii/{}", name.trim_end_matches(".txt")));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("chatvault_detect", |b| {
            b.iter(|| {
                let mut n = 0;
                for l in &lines {
                    n += detector.detect(black_box(l)).expect("detect").len();
                }
                n
            })
        });
        g.bench_function("chatvault_detect_mask", |b| {
            b.iter(|| {
                let mut n = 0;
                let at = RecordRef::new("acme", "conv-1/msg-1");
                for l in &lines {
                    let found = detector.detect(black_box(l)).expect("detect");
                    let m = masker.mask(l, &found, &keys, &at).expect("mask");
                    n += m.text.len();
                }
                n
            })
        });
        g.bench_function("regex_set_matches", |b| {
            b.iter(|| {
                let mut n = 0;
                for l in &lines {
                    n += set.matches(black_box(l)).iter().count();
                }
                n
            })
        });
        g.bench_function("regex_find_each", |b| {
            b.iter(|| {
                let mut n = 0;
                for l in &lines {
                    for r in &each {
                        n += r.find_iter(black_box(l)).count();
                    }
                }
                n
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = configured();
    targets = pii
}
criterion_main!(benches);
