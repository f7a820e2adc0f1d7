//! Randomness: nonces from a fast per-thread CSPRNG, long-lived keys from
//! the operating system.
//!
//! Owns: every random byte the crate uses.
//!
//! Why a per-thread generator: one `getrandom` system call costs about
//! 0.6 us on the machines we measure on, several times the cost of sealing a
//! 64-byte field, so nonces come from a ChaCha20 generator per thread,
//! seeded from the OS and reseeded every [`RESEED_BYTES`] bytes.
//!
//! Invariant (fork safety): a forked child must never replay its parent's
//! generator state, or two processes would seal with the same nonces. A
//! `pthread_atfork` child handler (registered once, in `ffi::sys`) bumps a
//! process-wide generation counter; a thread's generator reseeds from the OS
//! whenever the counter differs from the one it was seeded under.

use std::cell::RefCell;
use std::sync::atomic::Ordering;

use chacha20::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};

/// Bytes a thread's generator produces before it reseeds from the OS.
const RESEED_BYTES: u64 = 1 << 20;

/// Bytes of generator output buffered per thread: nonces are taken from
/// the buffer, which is refilled in one call (much cheaper per nonce than
/// asking the generator for 12 bytes at a time).
const POOL: usize = 256;

struct ThreadRng {
    rng: ChaCha20Rng,
    generation: u64,
    produced: u64,
    pool: [u8; POOL],
    used: usize,
}

impl Drop for ThreadRng {
    fn drop(&mut self) {
        self.pool.zeroize();
    }
}

thread_local! {
    static THREAD_RNG: RefCell<Option<ThreadRng>> = const { RefCell::new(None) };
}

/// Fill `dst` straight from the operating system's CSPRNG. Used for keys.
pub(crate) fn os_fill(dst: &mut [u8]) -> Result<()> {
    getrandom::fill(dst).map_err(|e| Error::new(ErrorKind::Rng, format!("getrandom: {e}")))
}

fn seeded(generation: u64) -> Result<ThreadRng> {
    let mut seed = [0u8; 32];
    os_fill(&mut seed)?;
    let rng = ChaCha20Rng::from_seed(seed);
    seed.zeroize();
    Ok(ThreadRng {
        rng,
        generation,
        produced: 0,
        pool: [0u8; POOL],
        used: POOL,
    })
}

/// Fill `dst` from this thread's generator (nonces, grant ids, salts).
pub(crate) fn fill(dst: &mut [u8]) -> Result<()> {
    let generation = crate::ffi::sys::fork_generation()
        .ok_or_else(|| Error::new(ErrorKind::Rng, "fork handler could not be registered"))?
        .load(Ordering::Acquire);
    THREAD_RNG.with(|cell| {
        let mut slot = cell.borrow_mut();
        let stale = match slot.as_ref() {
            None => true,
            Some(t) => t.generation != generation || t.produced >= RESEED_BYTES,
        };
        if stale {
            *slot = Some(seeded(generation)?);
        }
        let t = slot.as_mut().expect("seeded above");
        t.produced += dst.len() as u64;
        if dst.len() > POOL {
            t.rng.fill_bytes(dst);
            return Ok(());
        }
        if POOL - t.used < dst.len() {
            t.rng.fill_bytes(&mut t.pool);
            t.used = 0;
        }
        // What is handed out here is public once used (nonces, salts, grant
        // ids), so the pool is not wiped byte by byte as it is consumed; it
        // is wiped when the thread's generator is dropped or reseeded.
        dst.copy_from_slice(&t.pool[t.used..t.used + dst.len()]);
        t.used += dst.len();
        Ok(())
    })
}

/// A fresh random array from this thread's generator.
pub(crate) fn array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_outputs() {
        let a: [u8; 12] = array().unwrap();
        let b: [u8; 12] = array().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn fork_generation_change_reseeds() {
        let _ = array::<12>().unwrap();
        let generation = crate::ffi::sys::fork_generation().unwrap();
        let new = generation.fetch_add(1, Ordering::AcqRel) + 1;
        let _ = array::<32>().unwrap();
        THREAD_RNG.with(|c| {
            let slot = c.borrow();
            let t = slot.as_ref().unwrap();
            // Reseeded: it carries the new generation and a fresh count.
            assert!(t.generation >= new);
            assert_eq!(t.produced, 32);
        });
    }

    #[test]
    fn threads_get_different_streams() {
        let a = std::thread::spawn(|| array::<16>().unwrap())
            .join()
            .unwrap();
        let b = std::thread::spawn(|| array::<16>().unwrap())
            .join()
            .unwrap();
        assert_ne!(a, b);
    }
}
