//! The C ABI. All `unsafe` code of the crate lives under this module.
//!
//! One file per family of C objects (`seal`, `keys`, `grant`) plus the
//! shared machinery: `panic` (the panic boundary every exported function
//! starts with), `handle` (raw pointers to and from Rust objects), `error`
//! (result codes and the thread's last error) and `bytes` (library-owned
//! outputs). The header `include/chatvault.h` is generated from these files
//! by cbindgen (see `cbindgen.toml` and `tests/header.rs`).
//!
//! Conventions, as in rustls-ffi: `const *` arguments are not mutated; the
//! object comes first, then inputs as `(const uint8_t *ptr, size_t len)`,
//! then outputs; every pointer is NULL-checked; outputs are written only on
//! success; nothing the caller passed is kept after a call returns.
#![allow(unsafe_code)]
// The C functions take flattened (pointer, length) pairs, so they have many
// parameters by design.
#![allow(clippy::too_many_arguments)]

#[macro_use]
mod panic;

mod archive;
mod audit;
mod bytes;
mod error;
mod grant;
mod handle;
mod keys;
mod pii;
mod retention;
mod scan;
mod seal;
pub(crate) mod sys;
