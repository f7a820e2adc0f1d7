//! Turning C pointers into Rust references and back.
//!
//! Owns: the one place where raw pointers from C become slices, strings,
//! references, `Box`es and `Arc`s, and where outputs are written through
//! caller pointers. Every other ffi file calls these helpers instead of
//! dereferencing pointers itself.
//!
//! Ownership model (as in rustls-ffi): each opaque C type names its Rust
//! type and how it is owned through [`Castable`]:
//! - [`OwnershipBox`]: one owner (the caller), freed with its `_free`;
//! - [`OwnershipArc`]: immutable and shareable; the library keeps its own
//!   references where it needs them, so the caller may free its handle at
//!   any time after the call that used it returns.
//!
//! Invariants: a `(NULL, 0)` input is the empty slice and `(NULL, n > 0)`
//! is NULL_POINTER, without ever calling `slice::from_raw_parts` on NULL;
//! no caller pointer is kept after a call returns (the Go cgo rule);
//! outputs are written only on success.

use std::marker::PhantomData;
use std::sync::Arc;

use super::error::{chatvault_result, FfiError};

/// Owned by a single `Box`.
pub(crate) struct OwnershipBox;
/// Shared through an `Arc`.
pub(crate) struct OwnershipArc;

/// Links an opaque C handle type to the Rust type behind it.
pub(crate) trait Castable {
    /// How the Rust object is owned.
    type Ownership;
    /// The Rust object a pointer to the C type really points to.
    type RustType;
}

/// Hand a new object to C as an owned (`Box`) handle.
pub(crate) fn box_into_ptr<C: Castable<Ownership = OwnershipBox>>(v: C::RustType) -> *mut C {
    Box::into_raw(Box::new(v)).cast::<C>()
}

/// Hand a new object to C as a shared (`Arc`) handle.
pub(crate) fn arc_into_ptr<C: Castable<Ownership = OwnershipArc>>(v: C::RustType) -> *const C {
    Arc::into_raw(Arc::new(v)).cast::<C>()
}

/// Borrow the object behind a handle of either ownership.
pub(crate) fn try_ref<'a, C: Castable>(
    ptr: *const C,
    what: &'static str,
) -> Result<&'a C::RustType, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: the pointer is non-NULL and, per the documented contract of
    // every function taking this handle type, was returned by this library
    // for this type (box_into_ptr or arc_into_ptr of C::RustType) and not yet
    // freed. The object is only read through this reference, and the caller
    // must not free it while the call runs.
    Ok(unsafe { &*ptr.cast::<C::RustType>() })
}

/// Borrow the object behind an owned handle mutably.
pub(crate) fn try_mut<'a, C: Castable<Ownership = OwnershipBox>>(
    ptr: *mut C,
    what: &'static str,
) -> Result<&'a mut C::RustType, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: the pointer is non-NULL and, per the handle type's contract,
    // came from box_into_ptr for this type and is not yet freed; the type
    // is documented "one thread at a time", so no other reference to the
    // object exists while the call runs.
    Ok(unsafe { &mut *ptr.cast::<C::RustType>() })
}

/// A new strong reference to the object behind a shared handle.
pub(crate) fn try_clone_arc<C: Castable<Ownership = OwnershipArc>>(
    ptr: *const C,
    what: &'static str,
) -> Result<Arc<C::RustType>, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    let raw = ptr.cast::<C::RustType>();
    // SAFETY: `raw` came from Arc::into_raw in arc_into_ptr (contract of the
    // handle type) and the caller's reference is still alive, so the count
    // is at least 1; we add one and adopt it, leaving the caller's intact.
    unsafe {
        Arc::increment_strong_count(raw);
        Ok(Arc::from_raw(raw))
    }
}

/// Take an owned handle back from C (it must not be used afterwards).
pub(crate) fn try_take_box<C: Castable<Ownership = OwnershipBox>>(
    ptr: *mut C,
    what: &'static str,
) -> Result<Box<C::RustType>, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: `ptr` came from Box::into_raw in box_into_ptr (contract of the
    // handle type); the caller gives up ownership with this call.
    Ok(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) })
}

/// Free an owned handle; NULL is ignored.
pub(crate) fn free_box<C: Castable<Ownership = OwnershipBox>>(ptr: *mut C) {
    if let Ok(b) = try_take_box(ptr, "handle") {
        drop(b);
    }
}

/// Release the caller's reference to a shared handle; NULL is ignored.
pub(crate) fn free_arc<C: Castable<Ownership = OwnershipArc>>(ptr: *const C) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: `ptr` came from Arc::into_raw in arc_into_ptr and this call
    // gives back the one reference the caller held.
    drop(unsafe { Arc::from_raw(ptr.cast::<C::RustType>()) });
}

/// Check an output pointer before doing any work, so a NULL one fails
/// early and nothing is computed (or allocated) for nobody.
pub(crate) fn out_ptr<'a, T>(ptr: *mut T, what: &'static str) -> Result<Out<'a, T>, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    Ok(Out {
        ptr,
        _life: PhantomData,
    })
}

/// A checked, non-NULL output pointer. Writing it is the last step of a
/// successful call.
pub(crate) struct Out<'a, T> {
    ptr: *mut T,
    _life: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Write the output (without reading or dropping what was there).
    pub(crate) fn write(self, v: T) {
        // SAFETY: non-NULL (checked in out_ptr); the caller promises it points
        // to writable memory for a T. `write` does not drop the old contents,
        // which C may have left uninitialized.
        unsafe { self.ptr.write(v) }
    }
}

/// An input byte string: `(NULL, 0)` is empty, `(NULL, n > 0)` is an error.
pub(crate) fn input_bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::null(what))
        };
    }
    if len > isize::MAX as usize {
        return Err(FfiError::invalid(format!("{what}: length {len} too large")));
    }
    // SAFETY: non-NULL, length at most isize::MAX, and the caller promises
    // `len` readable bytes that stay unchanged during the call. The slice
    // does not outlive the call (callers copy what they keep).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An input UTF-8 string given as `(ptr, len)`.
pub(crate) fn input_str<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<&'a str, FfiError> {
    let bytes = input_bytes(ptr, len, what)?;
    std::str::from_utf8(bytes).map_err(|e| FfiError {
        code: chatvault_result::Utf8,
        message: format!(
            "invalid UTF-8: {what} has an invalid sequence at byte {}",
            e.valid_up_to()
        )
        .into(),
    })
}

/// An input of exactly `N` bytes given as `(ptr, len)`.
pub(crate) fn input_array<const N: usize>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<[u8; N], FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    input_bytes(ptr, len, what)?
        .try_into()
        .map_err(|_| FfiError::invalid(format!("{what} must be {N} bytes, got {len}")))
}

/// A caller output buffer of at least `need` bytes; `(NULL, 0)` counts as
/// too small, `(NULL, n > 0)` as NULL_POINTER.
pub(crate) fn output_buffer<'a>(
    ptr: *mut u8,
    len: usize,
    need: usize,
    what: &'static str,
) -> Result<&'a mut [u8], FfiError> {
    if ptr.is_null() && len > 0 {
        return Err(FfiError::null(what));
    }
    if len < need {
        return Err(FfiError::buffer_too_small(what, need, len));
    }
    // SAFETY: non-NULL (NULL with len >= need >= 1 was refused above, and
    // every caller passes need >= 1), and the caller promises `len >= need`
    // writable bytes; the slice lives only during the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, need) })
}

/// Write `text` plus a NUL into `(buf, len)`, setting `*written` to the
/// size including the NUL, also when the buffer is too small. Does not
/// touch the last error (the message functions use it).
pub(crate) fn write_text(
    text: &str,
    buf: *mut std::ffi::c_char,
    len: usize,
    written: *mut usize,
) -> chatvault_result {
    let Ok(written) = out_ptr(written, "written") else {
        return chatvault_result::NullPointer;
    };
    let need = text.len() + 1;
    if buf.is_null() && len > 0 {
        return chatvault_result::NullPointer;
    }
    if len < need {
        written.write(need);
        return chatvault_result::BufferTooSmall;
    }
    // SAFETY: non-NULL (NULL with len >= need >= 1 was refused above) and the
    // caller promises `len >= need` writable bytes.
    let dst = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), need) };
    dst[..text.len()].copy_from_slice(text.as_bytes());
    dst[text.len()] = 0;
    written.write(need);
    chatvault_result::Ok
}

/// The pointer checks of a text output, before any work.
pub(crate) fn check_text_output(
    buf: *mut std::ffi::c_char,
    buf_len: usize,
    written: *mut usize,
) -> Result<(), FfiError> {
    if written.is_null() {
        return Err(FfiError::null("written"));
    }
    if buf.is_null() && buf_len > 0 {
        return Err(FfiError::null("buf"));
    }
    Ok(())
}

/// Write `text` with `write_text` (after `check_text_output`), recording a
/// short buffer as the last error.
pub(crate) fn text_into(
    text: &str,
    buf: *mut std::ffi::c_char,
    buf_len: usize,
    written: *mut usize,
    what: &'static str,
) -> Result<(), FfiError> {
    match write_text(text, buf, buf_len, written) {
        chatvault_result::Ok => Ok(()),
        chatvault_result::BufferTooSmall => {
            Err(FfiError::buffer_too_small(what, text.len() + 1, buf_len))
        }
        code => Err(FfiError {
            code,
            message: format!("{what}: {}", code.text()).into(),
        }),
    }
}
