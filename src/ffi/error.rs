//! Result codes, their messages, and the per-thread last error.
//!
//! Owns: [`chatvault_result`] (stable numbers, grouped by module, only ever
//! appended), the mapping from [`ErrorKind`] to codes, the thread-local last
//! error, and the two functions that write messages into caller buffers.
//!
//! Invariant: a decryption failure is one code with no detail, whatever its
//! cause; the last error of a failed decryption says only "decryption
//! failed".

use std::borrow::Cow;
use std::cell::RefCell;

use crate::error::{Error, ErrorKind};

use super::handle::write_text;

/// The result of every fallible chatvault C function.
///
/// Numbers are stable and grouped by module: 0 success, 100 general, 200
/// sealing, 300 keys, 600 retention, 700 audit; 400 (masking), 500
/// (scanning) and 800 (archive) are reserved. Codes are only ever added, never
/// renumbered or removed. The type is a `uint32_t` in C, so a library newer
/// than the header may return a code the header does not name: treat any
/// unknown non-zero code as a failure and show its message with
/// `chatvault_result_message`.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum chatvault_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL (or a `(NULL, len > 0)` input).
    NullPointer = 100,
    /// An argument is outside what the function accepts (an empty or too
    /// long name, an unknown suite or class number, a wrong key length, a
    /// time window that ends before it starts).
    InvalidArgument = 101,
    /// A string argument is not valid UTF-8.
    Utf8 = 102,
    /// The library panicked; the call had no effect that can be relied on.
    /// Objects it was using may be left POISONED.
    Panic = 103,
    /// A caller-supplied output buffer is too small; where the function has a
    /// `written` output, it holds the size needed.
    BufferTooSmall = 104,
    /// The operating system's random number generator failed.
    Rng = 105,
    /// Reading or writing the key store failed.
    Io = 106,
    /// An object was left unusable by an earlier failure (a panic while it
    /// was locked).
    Poisoned = 107,
    /// An error this version of the C ABI does not classify more precisely.
    /// The last error message says what it was.
    Other = 108,
    /// An input is larger than the function accepts (a text longer than a
    /// detector's limit).
    TooLarge = 109,
    /// Bytes that should be a chatvault format do not parse.
    Malformed = 200,
    /// The bytes carry a format version this build does not know.
    UnsupportedVersion = 201,
    /// The bytes or the argument name an algorithm suite this build does not
    /// know.
    UnsupportedSuite = 202,
    /// Authentication failed: wrong key, wrong passphrase, tampered or
    /// truncated bytes, or a ciphertext moved to another tenant, record or
    /// field. Deliberately carries no detail.
    Decrypt = 203,
    /// The key is not in the key store (never created, or crypto-shredded).
    KeyNotFound = 300,
    /// A grant was asked for something outside its scope (another
    /// department, identifier class, time window, or a rotated key version).
    GrantOutOfScope = 301,
    /// A grant was used before its not-before time.
    GrantNotYetValid = 302,
    /// A grant was used at or after its expiry time.
    GrantExpired = 303,
    /// A grant's issuer signature does not verify, or it was sealed to
    /// another grantee.
    GrantInvalid = 304,
    /// A retention policy was refused; the last error message lists every
    /// problem, each naming the rule and the field.
    Policy = 600,
    /// A signature of a signed note or checkpoint does not verify, or no
    /// trusted key signed it.
    BadSignature = 700,
    /// A Merkle inclusion or consistency proof does not verify.
    BadProof = 701,
    /// The archive refused the operation: consent or notice missing or
    /// withdrawn, the conversation restricted, held or erased.
    Refused = 800,
}

impl chatvault_result {
    /// Every code, in number order.
    pub(crate) const ALL: [chatvault_result; 24] = [
        chatvault_result::Ok,
        chatvault_result::NullPointer,
        chatvault_result::InvalidArgument,
        chatvault_result::Utf8,
        chatvault_result::Panic,
        chatvault_result::BufferTooSmall,
        chatvault_result::Rng,
        chatvault_result::Io,
        chatvault_result::Poisoned,
        chatvault_result::Other,
        chatvault_result::TooLarge,
        chatvault_result::Malformed,
        chatvault_result::UnsupportedVersion,
        chatvault_result::UnsupportedSuite,
        chatvault_result::Decrypt,
        chatvault_result::KeyNotFound,
        chatvault_result::GrantOutOfScope,
        chatvault_result::GrantNotYetValid,
        chatvault_result::GrantExpired,
        chatvault_result::GrantInvalid,
        chatvault_result::Policy,
        chatvault_result::BadSignature,
        chatvault_result::BadProof,
        chatvault_result::Refused,
    ];

    /// The code for a number, if it names one.
    pub(crate) fn from_u32(n: u32) -> Option<chatvault_result> {
        Self::ALL.into_iter().find(|c| *c as u32 == n)
    }

    /// The fixed text of a code. For codes that mirror an
    /// [`ErrorKind`] it is that kind's description.
    pub(crate) fn text(self) -> &'static str {
        use chatvault_result as R;
        match self {
            R::Ok => "success",
            R::NullPointer => "null pointer",
            R::InvalidArgument => ErrorKind::InvalidInput.description(),
            R::Utf8 => ErrorKind::Utf8.description(),
            R::Panic => "internal panic",
            R::BufferTooSmall => "output buffer too small",
            R::Rng => ErrorKind::Rng.description(),
            R::Io => ErrorKind::Io.description(),
            R::Poisoned => ErrorKind::Poisoned.description(),
            R::TooLarge => ErrorKind::TooLarge.description(),
            R::Other => "unclassified error",
            R::Malformed => ErrorKind::Malformed.description(),
            R::UnsupportedVersion => ErrorKind::UnsupportedVersion.description(),
            R::UnsupportedSuite => ErrorKind::UnsupportedSuite.description(),
            R::Decrypt => ErrorKind::Decrypt.description(),
            R::KeyNotFound => ErrorKind::KeyNotFound.description(),
            R::GrantOutOfScope => ErrorKind::GrantOutOfScope.description(),
            R::GrantNotYetValid => ErrorKind::GrantNotYetValid.description(),
            R::GrantExpired => ErrorKind::GrantExpired.description(),
            R::GrantInvalid => ErrorKind::GrantInvalid.description(),
            R::Policy => ErrorKind::Policy.description(),
            R::BadSignature => ErrorKind::BadSignature.description(),
            R::BadProof => ErrorKind::BadProof.description(),
            R::Refused => ErrorKind::Refused.description(),
        }
    }
}

/// The code for an error kind.
pub(crate) fn code_of(kind: ErrorKind) -> chatvault_result {
    use chatvault_result as R;
    // `ErrorKind` is #[non_exhaustive]: a kind added later maps to OTHER
    // until it gets a code of its own here (the unit test below lists every
    // kind known today, so a forgotten one shows up as OTHER in review).
    #[allow(unreachable_patterns)]
    match kind {
        ErrorKind::InvalidInput => R::InvalidArgument,
        ErrorKind::Malformed => R::Malformed,
        ErrorKind::UnsupportedVersion => R::UnsupportedVersion,
        ErrorKind::UnsupportedSuite => R::UnsupportedSuite,
        ErrorKind::Decrypt => R::Decrypt,
        ErrorKind::KeyNotFound => R::KeyNotFound,
        ErrorKind::GrantOutOfScope => R::GrantOutOfScope,
        ErrorKind::GrantNotYetValid => R::GrantNotYetValid,
        ErrorKind::GrantExpired => R::GrantExpired,
        ErrorKind::GrantInvalid => R::GrantInvalid,
        ErrorKind::Rng => R::Rng,
        ErrorKind::Io => R::Io,
        ErrorKind::Utf8 => R::Utf8,
        ErrorKind::Poisoned => R::Poisoned,
        ErrorKind::TooLarge => R::TooLarge,
        ErrorKind::Policy => R::Policy,
        ErrorKind::BadSignature => R::BadSignature,
        ErrorKind::BadProof => R::BadProof,
        ErrorKind::Refused => R::Refused,
        _ => R::Other,
    }
}

/// A failure on its way out through the C ABI: a code and the full message
/// for the thread's last error.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) code: chatvault_result,
    pub(crate) message: Cow<'static, str>,
}

impl FfiError {
    /// A NULL pointer where `what` was required.
    pub(crate) fn null(what: &'static str) -> FfiError {
        FfiError {
            code: chatvault_result::NullPointer,
            message: format!("null pointer: {what} is NULL").into(),
        }
    }

    /// An invalid argument, with a message naming it.
    pub(crate) fn invalid(detail: impl Into<Cow<'static, str>>) -> FfiError {
        let detail = detail.into();
        FfiError {
            code: chatvault_result::InvalidArgument,
            message: format!("{}: {detail}", chatvault_result::InvalidArgument.text()).into(),
        }
    }

    /// An output buffer of `have` bytes where `need` are needed.
    pub(crate) fn buffer_too_small(what: &'static str, need: usize, have: usize) -> FfiError {
        FfiError {
            code: chatvault_result::BufferTooSmall,
            message: format!("output buffer too small: {what} needs {need} bytes, got {have}")
                .into(),
        }
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> FfiError {
        let code = code_of(e.kind());
        // A decryption failure says nothing beyond its kind, even if a
        // detail were ever attached to one: errors must be no oracle.
        let message = if e.kind() == ErrorKind::Decrypt {
            Cow::Borrowed(ErrorKind::Decrypt.description())
        } else {
            Cow::Owned(e.to_string())
        };
        FfiError { code, message }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<(chatvault_result, String)>> = const { RefCell::new(None) };
}

/// Record `e` as this thread's last error and return its code.
pub(crate) fn fail(e: FfiError) -> chatvault_result {
    let code = e.code;
    // try_with: during thread teardown the slot may be gone; the code is
    // still returned.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some((code, e.message.into_owned()));
        }
    });
    code
}

/// Turn the outcome of a boundary-wrapped body into a result code.
pub(crate) fn finish(outcome: std::thread::Result<Result<(), FfiError>>) -> chatvault_result {
    match outcome {
        Ok(Ok(())) => chatvault_result::Ok,
        Ok(Err(e)) => fail(e),
        Err(payload) => panicked(payload),
    }
}

/// Record a caught panic as the last error; returns PANIC.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> chatvault_result {
    let what = if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown payload".to_owned()
    };
    // Dropping a panic payload can itself panic; leak it instead.
    std::mem::forget(payload);
    fail(FfiError {
        code: chatvault_result::Panic,
        message: format!("internal panic: {what}").into(),
    })
}

/// Write the fixed text of a result code into a caller buffer.
///
/// `code` is any `chatvault_result` number (a `uint32_t`, so that codes from
/// a newer library can be passed). `buf` receives the text, NUL-terminated;
/// `*written` receives the number of bytes the text takes including its NUL.
/// If `len` is too small, nothing is written to `buf`, `*written` is the
/// size needed, and the result is CHATVAULT_RESULT_BUFFER_TOO_SMALL; so
/// `(buf = NULL, len = 0)` asks for the size. `written` must not be NULL.
/// An unknown code gives CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Unlike every other function, this one never changes the thread's last
/// error, so it can be called between a failing call and
/// `chatvault_last_error_message`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_result_message(
    code: u32,
    buf: *mut std::ffi::c_char,
    len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary_raw! {
        match chatvault_result::from_u32(code) {
            Some(c) => write_text(c.text(), buf, len, written),
            None => chatvault_result::InvalidArgument,
        }
    }
}

/// Write the calling thread's last error message into a caller buffer.
///
/// Every function that returns a code other than CHATVAULT_RESULT_OK (except
/// this one and `chatvault_result_message`) records a message saying what
/// failed, with detail (which argument, which field, which limit), on the
/// thread that called it; successful calls leave it as it was. A decryption
/// failure is recorded with no detail. The message is empty if no call on
/// this thread has failed yet.
///
/// Buffer handling is as for `chatvault_result_message`: NUL-terminated,
/// `*written` = size including the NUL, BUFFER_TOO_SMALL with `*written` =
/// size needed, `(NULL, 0)` asks for the size. `written` must not be NULL.
/// This function never changes the last error, so it can be retried with a
/// bigger buffer.
///
/// Thread safety: may be called from any thread; it reads that thread's
/// own last error. From Go, where a goroutine may change OS threads between
/// two cgo calls, call `runtime.LockOSThread()` before the failing call and
/// unlock after reading the message (or read it from the same C helper).
#[no_mangle]
pub extern "C" fn chatvault_last_error_message(
    buf: *mut std::ffi::c_char,
    len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary_raw! {
        let message = LAST_ERROR
            .try_with(|slot| {
                slot.try_borrow()
                    .ok()
                    .and_then(|s| s.as_ref().map(|(_, m)| m.clone()))
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        write_text(&message, buf, len, written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_kind_has_its_own_code() {
        let kinds = [
            ErrorKind::InvalidInput,
            ErrorKind::Malformed,
            ErrorKind::UnsupportedVersion,
            ErrorKind::UnsupportedSuite,
            ErrorKind::Decrypt,
            ErrorKind::KeyNotFound,
            ErrorKind::GrantOutOfScope,
            ErrorKind::GrantNotYetValid,
            ErrorKind::GrantExpired,
            ErrorKind::GrantInvalid,
            ErrorKind::Rng,
            ErrorKind::Io,
            ErrorKind::Utf8,
            ErrorKind::Poisoned,
            ErrorKind::TooLarge,
            ErrorKind::Policy,
            ErrorKind::BadSignature,
            ErrorKind::BadProof,
            ErrorKind::Refused,
        ];
        let mut seen = std::collections::HashSet::new();
        for k in kinds {
            let c = code_of(k);
            assert_ne!(c, chatvault_result::Other, "{k:?} has no code");
            assert_ne!(c, chatvault_result::Ok);
            assert!(seen.insert(c), "{k:?} shares code {c:?}");
            assert_eq!(c.text(), k.description());
        }
    }

    #[test]
    fn numbers_are_stable_and_in_their_ranges() {
        use chatvault_result as R;
        // These numbers are the ABI: changing one breaks every compiled
        // caller, so the test spells them out.
        let expected = [
            (R::Ok, 0),
            (R::NullPointer, 100),
            (R::InvalidArgument, 101),
            (R::Utf8, 102),
            (R::Panic, 103),
            (R::BufferTooSmall, 104),
            (R::Rng, 105),
            (R::Io, 106),
            (R::Poisoned, 107),
            (R::Other, 108),
            (R::TooLarge, 109),
            (R::Malformed, 200),
            (R::UnsupportedVersion, 201),
            (R::UnsupportedSuite, 202),
            (R::Decrypt, 203),
            (R::KeyNotFound, 300),
            (R::GrantOutOfScope, 301),
            (R::GrantNotYetValid, 302),
            (R::GrantExpired, 303),
            (R::GrantInvalid, 304),
            (R::Policy, 600),
            (R::BadSignature, 700),
            (R::BadProof, 701),
            (R::Refused, 800),
        ];
        assert_eq!(expected.len(), R::ALL.len());
        for ((code, n), listed) in expected.into_iter().zip(R::ALL) {
            assert_eq!(code as u32, n);
            assert_eq!(code, listed);
            assert_eq!(R::from_u32(n), Some(code));
        }
        assert_eq!(R::from_u32(1), None);
        assert_eq!(R::from_u32(400), None);
        assert_eq!(R::from_u32(601), None);
        assert_eq!(R::from_u32(702), None);
    }

    #[test]
    fn decrypt_errors_carry_no_detail() {
        let e = FfiError::from(Error::new(ErrorKind::Decrypt, "secret detail"));
        assert_eq!(e.code, chatvault_result::Decrypt);
        assert_eq!(e.message, "decryption failed");
    }
}
