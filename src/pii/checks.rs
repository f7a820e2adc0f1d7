//! Checksums and format rules of identifiers (placeholder, being written).
