//! Library-owned byte strings handed to C, and the version string.
//!
//! Owns: [`chatvault_bytes`] (every variable-size output: envelopes,
//! plaintexts, exported keys, grants, labels) and `chatvault_version`.
//!
//! Invariant: a `chatvault_bytes` that may hold plaintext or key material
//! is zeroized when freed; public outputs (envelopes, wrapped keys, sealed
//! grants, labels) are not, since wiping them protects nothing and costs a
//! volatile store per byte of the allocation. Its `data` is never NULL and
//! is followed by one NUL byte not counted in `len`, so text outputs can be
//! used as C strings directly.

use zeroize::Zeroizing;

use super::handle::Out;

/// A byte string owned by the library: an envelope, a plaintext, an
/// exported key, a grant, a label.
///
/// Functions that produce one return it through a `chatvault_bytes **out`
/// parameter. Read `data[0..len]`; `data` is never NULL (also when `len` is
/// 0), and `data[len]` is always a NUL byte not counted in `len`, so text
/// outputs (labels, lists) can be printed as C strings (binary outputs may
/// of course contain NUL bytes before `len`). Do not modify the bytes.
///
/// The caller owns it and must free it with `chatvault_bytes_free` (never
/// with `free()`); for outputs that may hold plaintext (what
/// `chatvault_sealer_open` returns) that zeroizes the bytes first.
///
/// Thread safety: immutable; may be read from several threads at once and
/// freed from any thread, once.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct chatvault_bytes {
    /// The bytes; never NULL; `data[len]` is a NUL byte.
    pub data: *const u8,
    /// Number of bytes, not counting the trailing NUL.
    pub len: usize,
}

/// The allocation behind a `chatvault_bytes`: the public part first, so a
/// pointer to one is a pointer to the other.
#[repr(C)]
struct BytesBox {
    public: chatvault_bytes,
    owner: Owner,
}

enum Owner {
    /// Public bytes: freed without wiping.
    Public(#[allow(dead_code)] Vec<u8>),
    /// Plaintext: wiped (whole allocation) when freed.
    Secret(#[allow(dead_code)] Zeroizing<Vec<u8>>),
}

fn into_ptr(data: *const u8, len: usize, owner: Owner) -> *mut chatvault_bytes {
    let boxed = Box::new(BytesBox {
        public: chatvault_bytes { data, len },
        owner,
    });
    Box::into_raw(boxed).cast::<chatvault_bytes>()
}

/// Hand public `bytes` to C, appending the NUL terminator.
pub(crate) fn public_into_ptr(mut bytes: Vec<u8>) -> *mut chatvault_bytes {
    let len = bytes.len();
    bytes.push(0);
    into_ptr(bytes.as_ptr(), len, Owner::Public(bytes))
}

/// Hand secret `bytes` to C. Takes the vector as it is (no copy, and so no
/// unzeroized copy left behind), appending only the NUL terminator.
pub(crate) fn secret_into_ptr(mut bytes: Zeroizing<Vec<u8>>) -> *mut chatvault_bytes {
    let len = bytes.len();
    if bytes.capacity() == len {
        // Appending would reallocate and leave the old buffer unzeroized:
        // move into a fresh buffer ourselves and zeroize the old one.
        let mut bigger = Zeroizing::new(Vec::with_capacity(len + 1));
        bigger.extend_from_slice(&bytes);
        bytes = bigger;
    }
    bytes.push(0);
    into_ptr(bytes.as_ptr(), len, Owner::Secret(bytes))
}

/// Write public `bytes` (an envelope, a wrapped key, a sealed grant, a
/// label) as a new `chatvault_bytes` to a checked output.
pub(crate) fn put_bytes(out: Out<'_, *mut chatvault_bytes>, bytes: Vec<u8>) {
    out.write(public_into_ptr(bytes));
}

/// Write plaintext as a new `chatvault_bytes` that is wiped when freed.
pub(crate) fn put_secret(out: Out<'_, *mut chatvault_bytes>, bytes: Zeroizing<Vec<u8>>) {
    out.write(secret_into_ptr(bytes));
}

/// Free a `chatvault_bytes`, zeroizing its contents first if it may hold
/// plaintext.
///
/// Calling with NULL is fine. Must not be called twice for the same
/// pointer, and the pointer must have come from this library.
///
/// Thread safety: may be called from any thread, but not while another
/// thread still reads the bytes.
#[no_mangle]
pub extern "C" fn chatvault_bytes_free(bytes: *mut chatvault_bytes) {
    ffi_panic_boundary_void! {
        if bytes.is_null() {
            return;
        }
        // SAFETY: non-NULL, and by this function's contract it came from
        // into_ptr, which allocated a BytesBox whose first field is
        // the chatvault_bytes (repr(C)), and it has not been freed yet.
        let boxed = unsafe { Box::from_raw(bytes.cast::<BytesBox>()) };
        // Dropping a Secret owner zeroizes the whole allocation.
        drop(boxed);
    }
}

/// The library version, `"MAJOR.MINOR.PATCH"`, as a static NUL-terminated
/// string (do not free it). It equals the header's `CHATVAULT_VERSION` when
/// the header and the library come from the same release.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_version() -> *const std::ffi::c_char {
    ffi_panic_boundary_or! { std::ptr::null();
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}
