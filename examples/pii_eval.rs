//! Scores the PII detector on a generated, labelled corpus of chat lines and
//! prints a Markdown table (labels, TP, FP, FN, precision, recall and F2 per
//! entity type, and the hard-negative lines), then the tags with wrong lines
//! and a few examples of each.
//!
//! Run: `cargo run --release --example pii_eval [-- N SEED]` (defaults:
//! 20000 lines, seed 2026).

use chatvault::pii::{eval, Detector};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 20_000,
    };
    let seed: u64 = match args.next() {
        Some(a) => a.parse()?,
        None => 2026,
    };
    let samples = eval::generate(seed, n);
    let started = std::time::Instant::now();
    let report = eval::evaluate(&Detector::new(), &samples)?;
    let elapsed = started.elapsed();
    println!("{n} lines, seed {seed}, detected in {elapsed:.2?}\n");
    println!("{}", report.table());
    let wrong: Vec<_> = report.tags.iter().filter(|(_, s)| s.wrong > 0).collect();
    if !wrong.is_empty() {
        println!("| tag | lines | wrong |\n|---|---:|---:|");
        for (tag, s) in wrong {
            println!("| {tag} | {} | {} |", s.lines, s.wrong);
        }
        println!("\nExamples:\n{}", report.mistakes_text());
    }
    Ok(())
}
