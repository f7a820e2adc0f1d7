//! # chatvault
//!
//! The privacy core of a customer-service chat archive (会话存档): a key
//! hierarchy with supervisor and agent grants, field encryption with four
//! algorithm suites, and blind indexes, as a Rust library and a C ABI
//! (`include/chatvault.h`).
//!
//! - [`keys`]: the tenant master key, domain keys, data keys in a key store,
//!   crypto-shredding, rotation, and grants: the supervisor "private key"
//!   (私钥) and the agent "restore key" (还原密钥).
//! - [`seal`]: the sealed-field envelope (AES-256-GCM, SM4-GCM,
//!   ChaCha20-Poly1305, AES-256-GCM + SM4-GCM) bound to tenant, record and
//!   field; blind indexes.
//! - [`archive`]: the workflow a helpdesk runs (ingest, view, reveal,
//!   search, consent, erasure, retention sweep, statistics), audited.
//! - [`retention`]: retention policies (floors, ceilings, legal holds,
//!   erasure requests) and decisions that explain themselves.
//! - [`hazmat`]: the raw primitives, for known-answer tests and benchmarks.
//!
//! Every byte format is specified in `docs/FORMAT.md`.
//!
//! # Examples
//! ```
//! use std::sync::Arc;
//! use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
//! use chatvault::seal::{Context, Suite};
//!
//! let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
//! let key = ring.conversation_key("support", "conv-1", 1_767_225_600)?;
//! let sealer = key.sealer(Suite::Sm4Gcm);
//! let ctx = Context::new("acme", "conv-1/msg-1", "text");
//! let sealed = sealer.seal(&ctx, "我的手机号是13800138000".as_bytes())?;
//! assert_eq!(&sealer.open(&ctx, &sealed)?[..], "我的手机号是13800138000".as_bytes());
//! # Ok::<(), chatvault::Error>(())
//! ```

#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod archive;
pub mod audit;
mod codec;
mod error;
pub mod ffi;
mod kdf;
pub mod keys;
pub mod mask;
pub mod pii;
pub mod retention;
mod rng;
pub mod scan;
pub mod seal;

pub use error::{Error, ErrorKind, Result};

// The README's Rust examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use zeroize::Zeroizing;

/// Raw primitives with explicit keys and nonces, for known-answer tests and
/// benchmarks. Reusing a nonce under a key breaks these ciphers: use
/// [`seal::Sealer`] instead.
pub mod hazmat {
    pub use crate::seal::aead::{Primitive, NONCE_LEN, TAG_LEN};
}
