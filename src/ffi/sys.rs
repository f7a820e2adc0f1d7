//! Calls out of Rust into the C library that the core modules need.
//!
//! Only fork detection lives here: the core's nonce generator (`rng`) must
//! reseed in a forked child, and learning about a fork needs
//! `pthread_atfork`, an `unsafe` call, which the crate keeps inside `ffi/`.

use std::sync::atomic::AtomicU64;
use std::sync::OnceLock;

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static REGISTERED: OnceLock<bool> = OnceLock::new();

extern "C" fn after_fork_in_child() {
    // Async-signal-safe: a single atomic add.
    FORK_GENERATION.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

/// The process-wide fork generation counter, registering the fork handler on
/// first use. Every `fork()` bumps it in the child. `None` if the handler
/// could not be registered (pthread_atfork fails only with ENOMEM): without
/// it a child could replay nonces, so callers must refuse to make any.
pub(crate) fn fork_generation() -> Option<&'static AtomicU64> {
    let registered = *REGISTERED.get_or_init(|| {
        // SAFETY: `after_fork_in_child` is a plain `extern "C" fn()` that only
        // touches a static atomic, which is valid in the child of a fork; the
        // prepare and parent handlers are NULL, which pthread_atfork allows.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
        rc == 0
    });
    registered.then_some(&FORK_GENERATION)
}
