//! Shared code of the chatvault fuzz targets.
//!
//! The property checks live in [`checks`], a file that the corpus replay
//! test (`tests/fuzz_corpus.rs` in the main crate) also compiles, so the
//! committed corpus is replayed by a plain `cargo test` on stable Rust.

pub mod checks;
