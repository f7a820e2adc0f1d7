//! The crate's one error type.
//!
//! Owns: [`Error`] and [`ErrorKind`]. Every fallible function in the crate
//! returns `Result<T, Error>`. The C ABI maps each [`ErrorKind`] to a stable
//! `chatvault_result` code, so kinds are only ever appended, never renumbered
//! or removed.
//!
//! Invariant: an authentication or decryption failure is always
//! [`ErrorKind::Decrypt`] with no further detail, whatever the cause (wrong
//! key, flipped bit, moved ciphertext), so that errors are no oracle.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, in a form programs can match on.
///
/// The C ABI exposes each kind as a stable `chatvault_result` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument is outside what the function accepts (an empty or too
    /// long name, a bad parameter, a time window that ends before it starts).
    InvalidInput,
    /// Bytes that should be a chatvault format do not parse (too short,
    /// bad lengths, trailing bytes, an impossible field value).
    Malformed,
    /// The bytes carry a format version this build does not know.
    UnsupportedVersion,
    /// The bytes name an algorithm suite this build does not know.
    UnsupportedSuite,
    /// Authentication failed: wrong key, tampered or truncated bytes, or a
    /// ciphertext moved to another tenant, record or field. Deliberately
    /// carries no detail.
    Decrypt,
    /// The requested key is not in the key store (never created, or
    /// destroyed by crypto-shredding).
    KeyNotFound,
    /// A grant was asked for something outside its scope (another
    /// department, identifier class, time window or key version).
    GrantOutOfScope,
    /// A grant was used before its not-before time.
    GrantNotYetValid,
    /// A grant was used after its expiry time.
    GrantExpired,
    /// A grant's issuer signature does not verify under the tenant's public
    /// key, or it was sealed to another grantee.
    GrantInvalid,
    /// The operating system's random number generator failed.
    Rng,
    /// Reading or writing the key store failed.
    Io,
    /// A string argument is not valid UTF-8.
    Utf8,
    /// An object was left unusable by an earlier failure (for example a store
    /// whose lock was poisoned by a panic).
    Poisoned,
    /// An input is larger than the function accepts (a text longer than a
    /// detector's limit, for example).
    TooLarge,
    /// A retention policy was refused: the detail lists every problem, each
    /// naming the rule and the field.
    Policy,
    /// A signature (of a signed note or checkpoint) does not verify, or no
    /// trusted key signed.
    BadSignature,
    /// A Merkle inclusion or consistency proof does not verify.
    BadProof,
    /// The archive refused the operation for the data subject's or the
    /// owner's sake: consent or notice missing or withdrawn, the
    /// conversation restricted, held or erased. The detail says which.
    Refused,
}

impl ErrorKind {
    /// A short, fixed description of the kind.
    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid argument",
            ErrorKind::Malformed => "malformed input bytes",
            ErrorKind::UnsupportedVersion => "unsupported format version",
            ErrorKind::UnsupportedSuite => "unsupported algorithm suite",
            ErrorKind::Decrypt => "decryption failed",
            ErrorKind::KeyNotFound => "key not found",
            ErrorKind::GrantOutOfScope => "outside the grant's scope",
            ErrorKind::GrantNotYetValid => "grant not yet valid",
            ErrorKind::GrantExpired => "grant expired",
            ErrorKind::GrantInvalid => "grant invalid",
            ErrorKind::Rng => "random number generator failed",
            ErrorKind::Io => "I/O error",
            ErrorKind::Utf8 => "invalid UTF-8",
            ErrorKind::Poisoned => "object poisoned by an earlier failure",
            ErrorKind::TooLarge => "input too large",
            ErrorKind::Policy => "retention policy refused",
            ErrorKind::BadSignature => "signature does not verify",
            ErrorKind::BadProof => "proof does not verify",
            ErrorKind::Refused => "refused by the archive",
        }
    }
}

/// The error returned by every fallible chatvault function.
///
/// Carries an [`ErrorKind`] and, except for [`ErrorKind::Decrypt`], a detail
/// message that names the offending argument or field. It never contains
/// key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    detail: Cow<'static, str>,
}

impl Error {
    /// An error of `kind` with a detail message. For code outside the crate
    /// that implements its traits (a [`KeyStore`](crate::keys::KeyStore)
    /// over the helpdesk's database returns [`ErrorKind::Io`] this way).
    /// The detail must not contain secrets.
    pub fn new(kind: ErrorKind, detail: impl Into<Cow<'static, str>>) -> Error {
        Error {
            kind,
            detail: detail.into(),
        }
    }

    /// The one decryption failure, with no detail.
    pub(crate) fn decrypt() -> Error {
        Error::new(ErrorKind::Decrypt, "")
    }

    pub(crate) fn invalid(detail: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::InvalidInput, detail)
    }

    pub(crate) fn malformed(detail: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Malformed, detail)
    }

    pub(crate) fn io(context: &str, err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, format!("{context}: {err}"))
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The detail message (may be empty).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            f.write_str(self.kind.description())
        } else {
            write!(f, "{}: {}", self.kind.description(), self.detail)
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, err.to_string())
    }
}

/// Shorthand for `Result<T, chatvault::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
