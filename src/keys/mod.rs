//! The key hierarchy: tenant master key, domain keys, data keys, grants.
//!
//! Owns: every key the crate holds, how each is derived or generated, how it
//! is stored (only wrapped), rotated, shredded, and delegated to supervisors
//! and agents through grants.
//!
//! ```text
//! master key (owner) ──HKDF──► domain roots, one per (domain, version):
//!   archive/<department> ──GGM tree──► one key per day ──wraps──► conversation data keys
//!   identifier/<class>                             ──wraps──► customer data keys (per class)
//!   blind-index, pseudonym
//! master key ──HKDF──► locator keys, one per department and per class (not
//!   versioned): where data keys sit in the store; a grant holds only its own
//! master key ──HKDF──► grant-signing key (Ed25519)
//! ```
//!
//! May call: `seal` (to wrap keys and to build sealers), `kdf`, `rng`,
//! `codec`.
//!
//! Invariants:
//! - secret bytes live in `Zeroizing` buffers and never appear in Debug
//!   output;
//! - data keys leave the key store only wrapped, and leave this module only
//!   as [`DataKey`] objects whose bytes cannot be read;
//! - a grant carries exactly the keys of its scope (departments and days, or
//!   identifier classes) at the versions current when it was issued.

mod file_store;
mod ggm;
mod grant;
mod keyring;
mod shares;
mod store;
mod wrap;

pub use file_store::FileKeyStore;
pub use grant::{
    open_export, open_key_share, AgentGrant, AgentScope, GranteePublic, GranteeSecret,
    SupervisorGrant, SupervisorScope, TenantPublic, Validity,
};
pub use keyring::{Keyring, Rotation};
pub use shares::{KeyShare, MAX_SHARES};
pub use store::{KeyStore, Locator, MemoryKeyStore};
pub use wrap::{Argon2Params, Kek};

use zeroize::Zeroizing;

use crate::codec::Writer;
use crate::error::{Error, Result};
use crate::seal::{Sealer, Suite};

/// Seconds in a day: the granularity of archive keys (see `ggm`).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Longest department name, in bytes.
pub const MAX_DEPARTMENT_LEN: usize = 64;
/// Longest tenant, conversation or customer identifier, in bytes.
pub const MAX_ID_LEN: usize = 256;

pub(crate) fn check_name(what: &str, s: &str, max: usize) -> Result<()> {
    if s.is_empty() || s.len() > max {
        return Err(Error::invalid(format!(
            "{what} must be 1 to {max} bytes, got {}",
            s.len()
        )));
    }
    Ok(())
}

/// The day number (days since 1970-01-01 UTC) of a Unix time in seconds.
pub(crate) fn day_of(unix_seconds: i64) -> Result<u32> {
    if unix_seconds < 0 {
        return Err(Error::invalid("times before 1970 are not supported"));
    }
    let day = unix_seconds / SECONDS_PER_DAY;
    u32::try_from(day)
        .ok()
        .filter(|d| *d <= ggm::MAX_DAY)
        .ok_or_else(|| Error::invalid("time beyond the last supported day"))
}

/// The tenant master key: 256 bits held by the business owner.
///
/// It never encrypts data; every other key is derived from it or wrapped
/// under a key derived from it. It leaves the process only wrapped
/// ([`export_with_passphrase`](Self::export_with_passphrase),
/// [`export_with_kek`](Self::export_with_kek)). Zeroized on drop; Debug shows
/// only a fingerprint.
///
/// # Examples
/// ```
/// use chatvault::keys::{Argon2Params, MasterKey};
///
/// let tmk = MasterKey::generate()?;
/// let params = Argon2Params::new(256, 1, 1)?; // tiny, for the example only
/// let blob = tmk.export_with_passphrase("acme", b"correct horse", params)?;
/// let back = MasterKey::import_with_passphrase("acme", &blob, b"correct horse")?;
/// assert_eq!(back.fingerprint(), tmk.fingerprint());
/// assert!(MasterKey::import_with_passphrase("acme", &blob, b"wrong").is_err());
/// # Ok::<(), chatvault::Error>(())
/// ```
pub struct MasterKey {
    secret: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.fingerprint())
    }
}

impl MasterKey {
    /// A new random master key from the operating system's CSPRNG.
    pub fn generate() -> Result<MasterKey> {
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::rng::os_fill(&mut secret[..])?;
        Ok(MasterKey { secret })
    }

    /// The key id: a public 256-bit commitment to the key (its
    /// [`fingerprint`](Self::fingerprint) is the first 8 bytes in hex).
    pub fn key_id(&self) -> [u8; 32] {
        crate::seal::key_id(&self.secret)
    }

    /// A copy of the key (for the C ABI, whose handle stays the caller's).
    pub(crate) fn duplicate(&self) -> MasterKey {
        MasterKey {
            secret: self.secret.clone(),
        }
    }

    /// A short public fingerprint (hex of the first 8 bytes of the key id),
    /// safe for logs.
    pub fn fingerprint(&self) -> String {
        crate::seal::hex_prefix(&crate::seal::key_id(&self.secret))
    }

    /// Wrap under a passphrase with Argon2id; `tenant` is bound in.
    pub fn export_with_passphrase(
        &self,
        tenant: &str,
        passphrase: &[u8],
        params: Argon2Params,
    ) -> Result<Vec<u8>> {
        wrap::wrap_passphrase(
            wrap::SecretKind::MasterKey,
            tenant,
            &self.secret,
            passphrase,
            params,
        )
    }

    /// Unwrap a key exported with [`export_with_passphrase`](Self::export_with_passphrase).
    /// A wrong passphrase or tenant is [`ErrorKind::Decrypt`](crate::ErrorKind::Decrypt).
    pub fn import_with_passphrase(
        tenant: &str,
        blob: &[u8],
        passphrase: &[u8],
    ) -> Result<MasterKey> {
        let secret = wrap::unwrap(
            wrap::SecretKind::MasterKey,
            tenant,
            blob,
            wrap::Unwrapper::Passphrase(passphrase),
        )?;
        Ok(MasterKey { secret })
    }

    /// Wrap under a caller-supplied key-encryption key; `tenant` is bound in.
    pub fn export_with_kek(&self, tenant: &str, kek: &Kek) -> Result<Vec<u8>> {
        wrap::wrap_kek(wrap::SecretKind::MasterKey, tenant, &self.secret, kek)
    }

    /// Unwrap a key exported with [`export_with_kek`](Self::export_with_kek).
    pub fn import_with_kek(tenant: &str, blob: &[u8], kek: &Kek) -> Result<MasterKey> {
        let secret = wrap::unwrap(
            wrap::SecretKind::MasterKey,
            tenant,
            blob,
            wrap::Unwrapper::Kek(kek),
        )?;
        Ok(MasterKey { secret })
    }

    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.secret
    }
}

/// A class of customer identifier; each has its own key, so an agent's
/// restore key can be limited to some classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum IdClass {
    /// Phone numbers.
    Phone = 1,
    /// Identity documents (resident ID card, passport, permits).
    IdCard = 2,
    /// Bank card numbers.
    BankCard = 3,
    /// E-mail addresses.
    Email = 4,
    /// Any other identifier.
    Other = 5,
}

impl IdClass {
    /// Every class, in number order.
    pub const ALL: [IdClass; 5] = [
        IdClass::Phone,
        IdClass::IdCard,
        IdClass::BankCard,
        IdClass::Email,
        IdClass::Other,
    ];

    /// The class for its number.
    pub fn from_u8(n: u8) -> Result<IdClass> {
        IdClass::ALL
            .into_iter()
            .find(|c| *c as u8 == n)
            .ok_or_else(|| Error::invalid(format!("unknown identifier class {n}")))
    }

    /// A stable lower-case name (`phone`, `id_card`, `bank_card`, `email`, `other`).
    pub fn name(self) -> &'static str {
        match self {
            IdClass::Phone => "phone",
            IdClass::IdCard => "id_card",
            IdClass::BankCard => "bank_card",
            IdClass::Email => "email",
            IdClass::Other => "other",
        }
    }
}

/// A purpose and scope of domain keys; each has its own version, bumped by
/// [`Keyring::rotate`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// Archived conversation content of one department (keys per day).
    Archive(String),
    /// Customer identifier fields of one class.
    Identifier(IdClass),
    /// Blind indexes of the tenant.
    BlindIndex,
    /// `@nickname` pseudonyms of the tenant.
    Pseudonym,
}

impl Domain {
    /// Canonical bytes: tag || u16 len || scope (docs/FORMAT.md).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Domain::Archive(d) => {
                out.put_u8(1);
                out.put_lp16(d.as_bytes());
            }
            Domain::Identifier(c) => {
                out.put_u8(2);
                out.put_lp16(&[*c as u8]);
            }
            Domain::BlindIndex => {
                out.put_u8(3);
                out.put_lp16(&[]);
            }
            Domain::Pseudonym => {
                out.put_u8(4);
                out.put_lp16(&[]);
            }
        }
        out
    }

    pub(crate) fn check(&self) -> Result<()> {
        if let Domain::Archive(d) = self {
            check_name("department", d, MAX_DEPARTMENT_LEN)?;
        }
        Ok(())
    }
}

/// Which data key: a conversation's, or one class of a customer's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataKeyId {
    /// The content key of one conversation in one department.
    Conversation {
        /// Department name (1 to 64 bytes).
        department: String,
        /// Conversation identifier (1 to 256 bytes).
        conversation: String,
    },
    /// The key of one customer's identifiers of one class.
    Customer {
        /// Customer identifier (1 to 256 bytes); use the helpdesk's internal
        /// id, not a phone number.
        customer: String,
        /// Identifier class.
        class: IdClass,
    },
}

impl DataKeyId {
    /// A conversation key id.
    pub fn conversation(department: &str, conversation: &str) -> DataKeyId {
        DataKeyId::Conversation {
            department: department.to_owned(),
            conversation: conversation.to_owned(),
        }
    }

    /// A customer key id.
    pub fn customer(customer: &str, class: IdClass) -> DataKeyId {
        DataKeyId::Customer {
            customer: customer.to_owned(),
            class,
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        match self {
            DataKeyId::Conversation {
                department,
                conversation,
            } => {
                check_name("department", department, MAX_DEPARTMENT_LEN)?;
                check_name("conversation", conversation, MAX_ID_LEN)
            }
            DataKeyId::Customer { customer, .. } => check_name("customer", customer, MAX_ID_LEN),
        }
    }

    /// Canonical bytes (docs/FORMAT.md, "Locator").
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            DataKeyId::Conversation {
                department,
                conversation,
            } => {
                out.put_u8(1);
                out.put_lp16(department.as_bytes());
                out.put_lp16(conversation.as_bytes());
            }
            DataKeyId::Customer { customer, class } => {
                out.put_u8(2);
                out.put_lp16(customer.as_bytes());
                out.put_u8(*class as u8);
            }
        }
        out
    }
}

/// A data key: random, one per conversation or per (customer, class).
///
/// Its bytes cannot be read; it only makes [`Sealer`]s. Zeroized on drop.
///
/// # Examples
/// ```
/// use chatvault::keys::DataKey;
/// use chatvault::seal::{Context, Suite};
/// let key = DataKey::generate()?;
/// let sm4 = key.sealer(Suite::Sm4Gcm);
/// let ctx = Context::new("acme", "r1", "f1");
/// let env = sm4.seal(&ctx, b"x")?;
/// assert_eq!(&sm4.open(&ctx, &env)?[..], b"x");
/// # Ok::<(), chatvault::Error>(())
/// ```
pub struct DataKey {
    secret: Zeroizing<[u8; 32]>,
    version: u32,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DataKey(v{}, {})",
            self.version,
            crate::seal::hex_prefix(&crate::seal::key_id(&self.secret))
        )
    }
}

impl DataKey {
    /// A fresh random data key (version 1) from the operating system's CSPRNG.
    /// Keys that must persist come from a [`Keyring`] instead, which stores
    /// them wrapped.
    pub fn generate() -> Result<DataKey> {
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::rng::os_fill(&mut secret[..])?;
        Ok(DataKey { secret, version: 1 })
    }

    pub(crate) fn from_secret(secret: Zeroizing<[u8; 32]>, version: u32) -> DataKey {
        DataKey { secret, version }
    }

    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    /// The data key's version (written into every envelope it seals).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The key id: a public 256-bit commitment to the key.
    pub fn key_id(&self) -> [u8; 32] {
        crate::seal::key_id(&self.secret)
    }

    /// A sealer for this key and `suite`. Build it once per key and reuse
    /// it: it derives and expands the cipher keys.
    pub fn sealer(&self, suite: Suite) -> Sealer {
        Sealer::from_secret(&self.secret, suite, self.version)
    }
}

/// A tenant's pseudonym key: deterministic keyed tags, so the same customer
/// always gets the same `@nickname` and the same keyed hash within a tenant,
/// and nobody without the key can link a tag back to an identifier.
///
/// tag = HMAC-SHA256(key, u16 len purpose || purpose || input).
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use chatvault::keys::{Keyring, MasterKey, MemoryKeyStore};
/// let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
/// let p = ring.pseudonym_key()?;
/// assert_eq!(p.tag("nickname", b"cust-1")?, p.tag("nickname", b"cust-1")?);
/// assert_ne!(p.tag("nickname", b"cust-1")?, p.tag("nickname", b"cust-2")?);
/// assert_ne!(p.tag("nickname", b"cust-1")?, p.tag("hash", b"cust-1")?);
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Clone)]
pub struct PseudonymKey {
    mac: hmac::Hmac<sha2::Sha256>,
    version: u32,
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PseudonymKey(v{})", self.version)
    }
}

impl PseudonymKey {
    pub(crate) fn from_secret(secret: &[u8; 32], version: u32) -> PseudonymKey {
        use hmac::KeyInit;
        PseudonymKey {
            mac: <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
                .expect("any key length"),
            version,
        }
    }

    /// The key version (bumped by rotating [`Domain::Pseudonym`]).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The 32-byte tag of `input` for `purpose` (at most 65,535 bytes).
    pub fn tag(&self, purpose: &str, input: &[u8]) -> Result<[u8; 32]> {
        use hmac::Mac;
        if purpose.len() > u16::MAX as usize {
            return Err(Error::invalid("purpose longer than 65535 bytes"));
        }
        let mut mac = self.mac.clone();
        mac.update(&(purpose.len() as u16).to_be_bytes());
        mac.update(purpose.as_bytes());
        mac.update(input);
        Ok(mac.finalize().into_bytes().into())
    }
}
