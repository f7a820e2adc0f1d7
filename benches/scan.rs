//! Sensitive-word scanning throughput and latency with a 64k-word
//! dictionary, with and without normalization, beside raw `aho-corasick`
//! on the same words and text.
//!
//! The dictionary is `words/zh-64k.txt` (one word per line, loaded with
//! `DictionaryBuilder::load_plain` into one category, policy `Report`), the
//! haystacks `text/zh-huge.txt` (traditional Chinese with English) and
//! `text/en-huge.txt` (about 600 KB of short subtitle lines each), from
//! the shared data directory (`../shared/data`, or the directory in
//! `CHATVAULT_DATA`). Everything is measured in one run so the numbers
//! compare.
//!
//! Per text (`scan/zh-huge`, `scan/en-huge`), throughput in bytes:
//! - `chatvault_full_norm_per_line`: `Scanner::scan(line,
//!   CustomerToAgent)` for every line, one line being one message, with
//!   `Normalization::ALL`.
//! - `chatvault_no_norm_per_line`: the same with `Normalization::NONE`.
//! - `aho_corasick_per_line`: the peer: `aho_corasick` built on the same
//!   words (leftmost-longest, contiguous NFA, as the scanner builds it),
//!   `find_iter(line).count()` for every line. It has no whole-word rule,
//!   no allow-list, no map back to the original text and builds no
//!   verdict.
//! - `aho_corasick_whole`, `chatvault_no_norm_whole`,
//!   `chatvault_full_norm_whole`: the whole file as one text.
//!
//! Then `scan/message/message_100_chars`: one 100-character message (a
//! slice of `zh-huge.txt` on character boundaries) scanned with full
//! normalization; its p50 and p99 over single timed calls are also printed.
//! And `scan/build/build_64k`: building the scanner from the 64k words with
//! full normalization.
//!
//! Printed once before measuring: the number of patterns, the matches each
//! variant finds in each text (so a reader sees they find comparable
//! things), and an approximation of a built scanner's resident memory
//! (`VmRSS` from `/proc/self/status`, Linux only).
//!
//! Run: `cargo bench --bench scan`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use chatvault::scan::{Action, DictionaryBuilder, Direction, Normalization, Policy, Scanner};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

const DIRECTION: Direction = Direction::CustomerToAgent;

fn data_dir() -> PathBuf {
    std::env::var_os("CHATVAULT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// A file of the shared data directory, or `None` (said plainly) when it
/// is not there.
fn read(rel: &str) -> Option<String> {
    let path = data_dir().join(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!(
                "scan bench: {} not readable ({e}); set CHATVAULT_DATA to the shared data directory. Skipping what needs it.",
                path.display()
            );
            None
        }
    }
}

/// Resident memory of this process in KiB (Linux), for a rough picture.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn build(dict: &DictionaryBuilder, n: Normalization) -> Scanner {
    dict.build(n, Policy::new(Action::Report))
        .expect("dictionary builds")
}

fn count_lines(s: &Scanner, lines: &[&str]) -> usize {
    lines
        .iter()
        .map(|l| s.scan(black_box(l), DIRECTION).expect("scan").matches.len())
        .sum()
}

fn count_lines_ac(ac: &AhoCorasick, lines: &[&str]) -> usize {
    lines
        .iter()
        .map(|l| ac.find_iter(black_box(l)).count())
        .sum()
}

fn configured() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
}

fn scan(c: &mut Criterion) {
    let Some(words) = read("words/zh-64k.txt") else {
        return;
    };
    let mut dict = DictionaryBuilder::new();
    let category = dict.category("words").expect("category");
    let loaded = dict.load_plain(&words, category).expect("word list loads");
    // The same words for the peer, as `load_plain` reads them.
    let raw: Vec<&str> = words
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with('#'))
        .collect();

    // Memory first, while little else is allocated: build once to warm the
    // allocator up, then measure a second build and its drop.
    drop(build(&dict, Normalization::ALL));
    let before = rss_kib();
    let t = Instant::now();
    let full = build(&dict, Normalization::ALL);
    let full_build = t.elapsed();
    let with_full = rss_kib();
    let spare = build(&dict, Normalization::ALL);
    let with_two = rss_kib();
    drop(spare);
    let t = Instant::now();
    let none = build(&dict, Normalization::NONE);
    let none_build = t.elapsed();
    let t = Instant::now();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&raw)
        .expect("aho-corasick builds");
    let ac_build = t.elapsed();
    eprintln!(
        "scan bench: {loaded} words loaded; {} patterns after full normalization (merged), {} without; aho-corasick has {}",
        full.len(),
        none.len(),
        ac.patterns_len()
    );
    eprintln!(
        "scan bench: one build each: full normalization {full_build:.2?}, none {none_build:.2?}, raw aho-corasick {ac_build:.2?}"
    );
    match (before, with_full, with_two) {
        (Some(b), Some(f), Some(t)) => eprintln!(
            "scan bench: approximate resident memory of a scanner with full normalization (VmRSS deltas, allocator slack included): first {:.1} MiB, second {:.1} MiB; raw aho-corasick reports {:.1} MiB of heap for its automaton",
            f.saturating_sub(b) as f64 / 1024.0,
            t.saturating_sub(f) as f64 / 1024.0,
            ac.memory_usage() as f64 / (1024.0 * 1024.0)
        ),
        _ => eprintln!("scan bench: /proc/self/status not readable; no memory figure"),
    }

    for name in ["zh-huge", "en-huge"] {
        let Some(text) = read(&format!("text/{name}.txt")) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let line_bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        let whole_full = full.scan(&text, DIRECTION).expect("scan").matches.len();
        let whole_none = none.scan(&text, DIRECTION).expect("scan").matches.len();
        eprintln!(
            "scan bench: {name}: {} lines, {} bytes; matches per line / whole text: full normalization {} / {whole_full}, no normalization {} / {whole_none}, raw aho-corasick {} / {} (no whole-word rule)",
            lines.len(),
            text.len(),
            count_lines(&full, &lines),
            count_lines(&none, &lines),
            count_lines_ac(&ac, &lines),
            ac.find_iter(&text).count(),
        );

        let mut g = c.benchmark_group(format!("scan/{name}"));
        g.sampling_mode(SamplingMode::Flat);
        g.throughput(Throughput::Bytes(line_bytes as u64));
        g.bench_function("chatvault_full_norm_per_line", |b| {
            b.iter(|| count_lines(&full, &lines))
        });
        g.bench_function("chatvault_no_norm_per_line", |b| {
            b.iter(|| count_lines(&none, &lines))
        });
        g.bench_function("aho_corasick_per_line", |b| {
            b.iter(|| count_lines_ac(&ac, &lines))
        });
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("aho_corasick_whole", |b| {
            b.iter(|| ac.find_iter(black_box(&text)).count())
        });
        g.bench_function("chatvault_no_norm_whole", |b| {
            b.iter(|| none.scan(black_box(&text), DIRECTION).expect("scan"))
        });
        g.bench_function("chatvault_full_norm_whole", |b| {
            b.iter(|| full.scan(black_box(&text), DIRECTION).expect("scan"))
        });
        g.finish();
    }

    if let Some(text) = read("text/zh-huge.txt") {
        // 100 characters starting at line 1000 (or the start of a short
        // file), ending on a character boundary.
        let start = text.match_indices('\n').nth(999).map_or(0, |(i, _)| i + 1);
        let tail = &text[start..];
        let end = tail.char_indices().nth(100).map_or(tail.len(), |(i, _)| i);
        let message = &tail[..end];
        let mut times: Vec<Duration> = (0..20_000)
            .map(|_| {
                let t = Instant::now();
                black_box(full.scan(black_box(message), DIRECTION).expect("scan"));
                t.elapsed()
            })
            .collect();
        times.sort();
        eprintln!(
            "scan bench: 100-character message ({} bytes, {} matches), full normalization, 20000 single timed calls: p50 {:.2?}, p99 {:.2?}",
            message.len(),
            full.scan(message, DIRECTION).expect("scan").matches.len(),
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
        let mut g = c.benchmark_group("scan/message");
        g.bench_function("message_100_chars", |b| {
            b.iter(|| full.scan(black_box(message), DIRECTION).expect("scan"))
        });
        g.finish();
    }

    let mut g = c.benchmark_group("scan/build");
    g.sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(8));
    g.bench_function("build_64k", |b| {
        b.iter_with_large_drop(|| build(black_box(&dict), Normalization::ALL))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = configured();
    targets = scan
}
criterion_main!(benches);
