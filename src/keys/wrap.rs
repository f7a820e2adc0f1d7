//! Exporting secrets only wrapped: under a passphrase (Argon2id) or under a
//! caller-supplied key-encryption key.
//!
//! Owns: the "Wrapped secret" format (docs/FORMAT.md). Used for the tenant
//! master key and for grantee secrets; the `kind` byte keeps one from being
//! imported as the other.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::seal::{Context, Sealer, Suite};

const MAGIC: &[u8; 4] = b"CVWS";
const VERSION: u8 = 1;
const METHOD_PASSPHRASE: u8 = 1;
const METHOD_KEK: u8 = 2;

/// What a wrapped secret is; bound into its associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum SecretKind {
    MasterKey = 1,
    GranteeSecret = 2,
}

/// Argon2id cost parameters for passphrase wrapping.
///
/// # Examples
/// ```
/// use chatvault::keys::Argon2Params;
/// let p = Argon2Params::RECOMMENDED;
/// assert_eq!(p.memory_kib(), 64 * 1024);
/// assert!(Argon2Params::new(1 << 30, 3, 1).is_err()); // beyond MAX_MEMORY_KIB
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    m_kib: u32,
    t: u32,
    p: u32,
}

impl Argon2Params {
    /// RFC 9106's second recommended option, single lane: 64 MiB, 3 passes.
    pub const RECOMMENDED: Argon2Params = Argon2Params {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// Most memory an import accepts (1 GiB), so a crafted blob cannot make
    /// the importer allocate without bound.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// Most passes an import accepts.
    pub const MAX_PASSES: u32 = 64;
    /// Most lanes an import accepts.
    pub const MAX_LANES: u32 = 16;

    /// As an approval request names them: `argon2id m=65536 t=3 p=1`.
    pub(crate) fn describe(&self) -> String {
        format!("argon2id m={} t={} p={}", self.m_kib, self.t, self.p)
    }

    /// Custom parameters: `memory_kib` of memory, `passes` passes, `lanes`
    /// lanes. Below RFC 9106's recommendations is allowed (tests, small
    /// devices) but weakens the passphrase; above the MAX_* bounds is refused.
    pub fn new(memory_kib: u32, passes: u32, lanes: u32) -> Result<Argon2Params> {
        if !(1..=Self::MAX_LANES).contains(&lanes)
            || !(1..=Self::MAX_PASSES).contains(&passes)
            || memory_kib < 8 * lanes
            || memory_kib > Self::MAX_MEMORY_KIB
        {
            return Err(Error::invalid(format!(
                "Argon2id parameters out of range: m={memory_kib} KiB, t={passes}, p={lanes}"
            )));
        }
        Ok(Argon2Params {
            m_kib: memory_kib,
            t: passes,
            p: lanes,
        })
    }
    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.m_kib
    }
    /// Passes.
    pub fn passes(&self) -> u32 {
        self.t
    }
    /// Lanes.
    pub fn lanes(&self) -> u32 {
        self.p
    }

    fn derive(&self, passphrase: &[u8], salt: &[u8; 16]) -> Result<Zeroizing<[u8; 32]>> {
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::invalid(format!("Argon2id parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase, salt, &mut out[..])
            .map_err(|e| Error::invalid(format!("Argon2id: {e}")))?;
        Ok(out)
    }
}

/// A caller-supplied 256-bit key-encryption key (from an HSM, a KMS, or a
/// secret manager) to wrap exported secrets under.
///
/// Zeroized on drop; its Debug output shows only its key id prefix.
pub struct Kek {
    secret: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Kek({})",
            crate::seal::hex_prefix(&crate::seal::key_id(&self.secret))
        )
    }
}

impl Kek {
    /// A KEK from 32 bytes the caller holds.
    pub fn from_bytes(bytes: [u8; 32]) -> Kek {
        Kek {
            secret: Zeroizing::new(bytes),
        }
    }

    /// A short public fingerprint (hex of the first 8 bytes of its key
    /// id, as [`MasterKey::fingerprint`](super::MasterKey::fingerprint)),
    /// safe to show.
    pub fn fingerprint(&self) -> String {
        crate::seal::hex_prefix(&crate::seal::key_id(&self.secret))
    }

    /// Its whole 32-byte key id (section 2 of docs/FORMAT.md) as hex: how
    /// an approval request names the KEK (a 64-bit fingerprint could be
    /// matched by a key searched for).
    pub(crate) fn key_id_hex(&self) -> String {
        crate::seal::key_id(&self.secret)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn header(kind: SecretKind, method: u8) -> Vec<u8> {
    let mut h = Vec::with_capacity(48);
    h.put(MAGIC);
    h.put_u8(VERSION);
    h.put_u8(kind as u8);
    h.put_u8(method);
    h
}

fn seal_with(
    wrapping: &[u8; 32],
    tenant: &str,
    mut out: Vec<u8>,
    secret: &[u8; 32],
) -> Result<Vec<u8>> {
    let sealer = Sealer::from_secret(wrapping, Suite::Aes256Gcm, 1);
    let env = sealer.seal(&Context::new(tenant, &out[..], "wrapped secret"), secret)?;
    out.extend_from_slice(&env);
    Ok(out)
}

pub(crate) fn wrap_passphrase(
    kind: SecretKind,
    tenant: &str,
    secret: &[u8; 32],
    passphrase: &[u8],
    params: Argon2Params,
) -> Result<Vec<u8>> {
    if passphrase.is_empty() {
        return Err(Error::invalid("empty passphrase"));
    }
    let salt: [u8; 16] = crate::rng::array()?;
    let wrapping = params.derive(passphrase, &salt)?;
    let mut out = header(kind, METHOD_PASSPHRASE);
    out.put_u32(params.m_kib);
    out.put_u32(params.t);
    out.put_u32(params.p);
    out.put(&salt);
    seal_with(&wrapping, tenant, out, secret)
}

pub(crate) fn wrap_kek(
    kind: SecretKind,
    tenant: &str,
    secret: &[u8; 32],
    kek: &Kek,
) -> Result<Vec<u8>> {
    let mut out = header(kind, METHOD_KEK);
    out.put(&crate::seal::key_id(&kek.secret));
    seal_with(&kek.secret, tenant, out, secret)
}

/// How to unwrap: the passphrase or the KEK.
pub(crate) enum Unwrapper<'a> {
    Passphrase(&'a [u8]),
    Kek(&'a Kek),
}

pub(crate) fn unwrap(
    kind: SecretKind,
    tenant: &str,
    blob: &[u8],
    with: Unwrapper<'_>,
) -> Result<Zeroizing<[u8; 32]>> {
    let mut r = Reader::new(blob, "wrapped secret");
    if &r.array::<4>()? != MAGIC {
        return Err(Error::malformed(
            "not a chatvault wrapped secret (bad magic)",
        ));
    }
    let version = r.u8()?;
    if version != VERSION {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            format!("wrapped secret version {version}"),
        ));
    }
    let k = r.u8()?;
    if k != kind as u8 {
        return Err(Error::invalid(format!(
            "wrapped secret holds kind {k}, expected {}",
            kind as u8
        )));
    }
    let method = r.u8()?;
    let wrapping = match (method, with) {
        (METHOD_PASSPHRASE, Unwrapper::Passphrase(pass)) => {
            let params = Argon2Params::new(r.u32()?, r.u32()?, r.u32()?)
                .map_err(|e| Error::malformed(e.detail().to_owned()))?;
            let salt = r.array::<16>()?;
            params.derive(pass, &salt)?
        }
        (METHOD_KEK, Unwrapper::Kek(kek)) => {
            let _kek_id = r.array::<32>()?;
            // A wrong KEK fails below as Decrypt: the key id is a hint for
            // humans, not a check that would tell an attacker more.
            Zeroizing::new(*kek.secret)
        }
        (METHOD_PASSPHRASE, _) => {
            return Err(Error::invalid(
                "secret is wrapped under a passphrase, not a KEK",
            ))
        }
        (METHOD_KEK, _) => {
            return Err(Error::invalid(
                "secret is wrapped under a KEK, not a passphrase",
            ))
        }
        (m, _) => return Err(Error::malformed(format!("unknown wrapping method {m}"))),
    };
    let header_len = blob.len() - r.rest().len();
    let sealer = Sealer::from_secret(&wrapping, Suite::Aes256Gcm, 1);
    let plain = sealer.open(
        &Context::new(tenant, &blob[..header_len], "wrapped secret"),
        &blob[header_len..],
    )?;
    let out: [u8; 32] = plain[..].try_into().map_err(|_| Error::decrypt())?;
    Ok(Zeroizing::new(out))
}
