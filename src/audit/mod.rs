//! The tamper-evident audit log.
//!
//! Owns, so far: [`merkle`], RFC 6962 / RFC 9162 Merkle tree hashing with
//! inclusion and consistency proofs that anyone can verify with the
//! proof, the tree sizes and the roots alone. The event model, canonical
//! encoding, hash chain, segment files, checkpoints (C2SP signed notes) and
//! queries build on it.

pub mod merkle;
