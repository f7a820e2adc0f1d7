//! The panic boundary: no panic ever unwinds into C (or Go).
//!
//! Owns: the `ffi_panic_boundary*` macros. Every exported function's body
//! starts with one of them; `tests/ffi_panic_boundary.rs` checks that
//! mechanically, because a single function without it is undefined
//! behaviour waiting for a panic.
//!
//! - `ffi_panic_boundary!`: the body returns `Result<(), FfiError>`; an error
//!   becomes its code and the thread's last error, a panic becomes
//!   CHATVAULT_RESULT_PANIC and the last error.
//! - `ffi_panic_boundary_raw!`: the body returns a `chatvault_result`
//!   directly and never touches the last error (the message functions, which
//!   must not overwrite the error they are asked about); a panic becomes
//!   CHATVAULT_RESULT_PANIC.
//! - `ffi_panic_boundary_void!`: for functions that return nothing (the
//!   `_free` functions); a panic is recorded as the last error and
//!   swallowed.
//! - `ffi_panic_boundary_or!(default; body)`: for functions that return a
//!   value, not a code (`chatvault_version`); a panic gives `default`.
//!
//! This relies on `panic = "unwind"` (the default); a build with
//! `panic = "abort"` aborts the process instead, which is at least defined.

macro_rules! ffi_panic_boundary {
    ( $($body:tt)* ) => {{
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::ffi::error::FfiError> { $($body)* },
        ));
        $crate::ffi::error::finish(outcome)
    }};
}

macro_rules! ffi_panic_boundary_raw {
    ( $($body:tt)* ) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::ffi::error::chatvault_result { $($body)* },
        )) {
            Ok(code) => code,
            Err(payload) => {
                ::std::mem::forget(payload);
                $crate::ffi::error::chatvault_result::Panic
            }
        }
    }};
}

macro_rules! ffi_panic_boundary_void {
    ( $($body:tt)* ) => {{
        if let Err(payload) = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || { $($body)* },
        )) {
            $crate::ffi::error::panicked(payload);
        }
    }};
}

macro_rules! ffi_panic_boundary_or {
    ( $default:expr; $($body:tt)* ) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(v) => v,
            Err(payload) => {
                $crate::ffi::error::panicked(payload);
                $default
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use crate::ffi::error::{chatvault_last_error_message, chatvault_result, FfiError};

    fn last_error() -> String {
        let mut buf = [0u8; 256];
        let mut written = 0usize;
        assert_eq!(
            chatvault_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut written),
            chatvault_result::Ok
        );
        String::from_utf8(buf[..written - 1].to_vec()).unwrap()
    }

    fn quiet<T>(f: impl FnOnce() -> T) -> T {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = f();
        std::panic::set_hook(hook);
        r
    }

    #[test]
    fn a_panic_becomes_the_panic_code_and_the_last_error() {
        let rc = quiet(|| {
            ffi_panic_boundary! {
                let v: Vec<u8> = Vec::new();
                if v.is_empty() {
                    panic!("boom {}", 42);
                }
                Ok(())
            }
        });
        assert_eq!(rc, chatvault_result::Panic);
        assert_eq!(last_error(), "internal panic: boom 42");
    }

    #[test]
    fn an_error_becomes_its_code_and_the_last_error() {
        let rc = ffi_panic_boundary! {
            Err(FfiError::invalid("the answer is 42"))
        };
        assert_eq!(rc, chatvault_result::InvalidArgument);
        assert_eq!(last_error(), "invalid argument: the answer is 42");
    }

    #[test]
    fn void_and_value_variants_swallow_panics() {
        quiet(|| {
            ffi_panic_boundary_void! {
                panic!("in free");
            }
        });
        assert_eq!(last_error(), "internal panic: in free");
        let v: *const std::ffi::c_char = quiet(|| {
            ffi_panic_boundary_or! { std::ptr::null();
                if last_error().is_empty() {
                    return c"x".as_ptr();
                }
                panic!("static")
            }
        });
        assert!(v.is_null());
        let raw = quiet(|| {
            ffi_panic_boundary_raw! {
                panic!("raw")
            }
        });
        assert_eq!(raw, chatvault_result::Panic);
        // The raw variant leaves the last error alone.
        assert_eq!(last_error(), "internal panic: static");
    }
}
