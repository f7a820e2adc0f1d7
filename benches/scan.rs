//! Sensitive-word scanning throughput (placeholder; being written).
fn main() {}
