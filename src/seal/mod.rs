//! Field encryption: algorithm suites, the sealed-field envelope, and blind
//! indexes.
//!
//! Owns: the envelope format (docs/FORMAT.md, "Sealed field"), the per-key
//! key schedule (AEAD subkeys and the key commitment), nonce choice, and the
//! associated-data binding of tenant, record and field.
//!
//! May call: `kdf`, `rng`, `error`. Keys come from the `keys` module, which
//! is the only way to obtain a [`Sealer`]: the easy API takes no raw key and
//! no nonce.
//!
//! Invariants:
//! - every envelope binds its format version, suite, key version and the
//!   caller's tenant, record and field into the AEAD associated data, so it
//!   opens nowhere else; the rest of the header is bound too, the key id by
//!   the commitment check and each nonce as an input of its AEAD layer;
//! - an envelope opens only under the key it was sealed with (key
//!   commitment), never under a second key;
//! - every failure to open is [`ErrorKind::Decrypt`](crate::ErrorKind::Decrypt)
//!   with no detail, except header errors (version, suite, length), which
//!   concern public bytes and are reported precisely.

pub(crate) mod aead;
mod blind;
mod envelope;
mod sm4;

pub use blind::{BlindIndexer, Normalization};
pub use envelope::EnvelopeHeader;

use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind, Result};
use aead::{Primitive, NONCE_LEN, TAG_LEN};

/// The envelope format version this build writes.
pub const ENVELOPE_VERSION: u8 = 1;

/// Bytes of the key id (a commitment to the key) in every envelope.
pub const KEY_ID_LEN: usize = 32;

/// An algorithm suite: which AEAD seals a field.
///
/// The numbers are the suite byte of the envelope and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Suite {
    /// AES-256-GCM (NIST SP 800-38D).
    Aes256Gcm = 1,
    /// SM4-GCM: the GB/T 32907-2016 block cipher in GCM, as in RFC 8998.
    Sm4Gcm = 2,
    /// ChaCha20-Poly1305 (RFC 8439).
    ChaCha20Poly1305 = 3,
    /// AES-256-GCM, then SM4-GCM over its output, with independent keys and
    /// nonces: confidential and authentic while either cipher holds.
    Aes256GcmSm4Gcm = 4,
}

impl Suite {
    /// Every suite, in suite-byte order.
    pub const ALL: [Suite; 4] = [
        Suite::Aes256Gcm,
        Suite::Sm4Gcm,
        Suite::ChaCha20Poly1305,
        Suite::Aes256GcmSm4Gcm,
    ];

    /// The suite for an envelope's suite byte.
    pub fn from_u8(b: u8) -> Result<Suite> {
        Suite::ALL
            .into_iter()
            .find(|s| *s as u8 == b)
            .ok_or_else(|| Error::new(ErrorKind::UnsupportedSuite, format!("suite byte {b}")))
    }

    /// A stable name: `aes-256-gcm`, `sm4-gcm`, `chacha20-poly1305`,
    /// `aes-256-gcm+sm4-gcm`.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Aes256Gcm => "aes-256-gcm",
            Suite::Sm4Gcm => "sm4-gcm",
            Suite::ChaCha20Poly1305 => "chacha20-poly1305",
            Suite::Aes256GcmSm4Gcm => "aes-256-gcm+sm4-gcm",
        }
    }

    /// Number of AEAD layers (and so of nonces and tags) in the envelope.
    pub(crate) fn layers(self) -> usize {
        if self == Suite::Aes256GcmSm4Gcm {
            2
        } else {
            1
        }
    }

    /// Envelope bytes added to a plaintext by this suite.
    pub fn overhead(self) -> usize {
        envelope::fixed_header_len() + self.layers() * (NONCE_LEN + TAG_LEN)
    }
}

/// Where a sealed field belongs: tenant, record and field.
///
/// All three are bound into the AEAD associated data, so an envelope sealed
/// for one (tenant, record, field) fails to open for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context<'a> {
    tenant: &'a [u8],
    record: &'a [u8],
    field: &'a [u8],
}

impl<'a> Context<'a> {
    /// A context from tenant, record and field identifiers (any bytes; each
    /// at most 65,535 bytes).
    ///
    /// # Examples
    /// ```
    /// let ctx = chatvault::seal::Context::new("acme", "conv-42/msg-7", "customer.phone");
    /// assert_eq!(ctx.field(), b"customer.phone");
    /// ```
    pub fn new<T, R, F>(tenant: &'a T, record: &'a R, field: &'a F) -> Context<'a>
    where
        T: AsRef<[u8]> + ?Sized,
        R: AsRef<[u8]> + ?Sized,
        F: AsRef<[u8]> + ?Sized,
    {
        Context {
            tenant: tenant.as_ref(),
            record: record.as_ref(),
            field: field.as_ref(),
        }
    }

    /// The tenant identifier.
    pub fn tenant(&self) -> &'a [u8] {
        self.tenant
    }
    /// The record identifier.
    pub fn record(&self) -> &'a [u8] {
        self.record
    }
    /// The field identifier.
    pub fn field(&self) -> &'a [u8] {
        self.field
    }

    fn check(&self) -> Result<()> {
        for (name, v) in [
            ("tenant", self.tenant),
            ("record", self.record),
            ("field", self.field),
        ] {
            if v.len() > u16::MAX as usize {
                return Err(Error::invalid(format!(
                    "context {name} longer than 65535 bytes"
                )));
            }
        }
        Ok(())
    }

    /// Append the associated data to `out`: version || suite || key version
    /// || u16 len || tenant || u16 len || record || u16 len || field.
    ///
    /// The key id and the nonces are not in it: the key id is compared with
    /// the opening key's own id before anything is decrypted, and each nonce
    /// is an input of its AEAD layer. Keeping the AAD short matters: GHASH
    /// over it is a large share of sealing a short field.
    fn append_aad(&self, suite: Suite, key_version: u32, out: &mut Vec<u8>) {
        out.push(ENVELOPE_VERSION);
        out.push(suite as u8);
        out.extend_from_slice(&key_version.to_be_bytes());
        for part in [self.tenant, self.record, self.field] {
            out.extend_from_slice(&(part.len() as u16).to_be_bytes());
            out.extend_from_slice(part);
        }
    }

    fn aad_len(&self) -> usize {
        6 + 6 + self.tenant.len() + self.record.len() + self.field.len()
    }
}

// A Sealer is built once per key and then only read, so the size of this
// enum does not matter; keeping the primitives inline avoids a pointer chase
// per seal.
#[allow(clippy::large_enum_variant)]
enum Layers {
    One(Primitive),
    /// AES-256-GCM inside, SM4-GCM outside.
    Cascade(Primitive, Primitive),
}

/// A keyed, cached field cipher for one key, one key version and one suite.
///
/// Obtained from the key hierarchy (for example
/// [`DataKey::sealer`](crate::keys::DataKey::sealer)); it holds only subkeys
/// derived from the key, never the key itself, and prints nothing secret.
/// `Send + Sync`: share one per key across threads.
///
/// # Examples
/// ```
/// use chatvault::keys::DataKey;
/// use chatvault::seal::{Context, Suite};
///
/// let key = DataKey::generate()?;
/// let sealer = key.sealer(Suite::Aes256Gcm);
/// let ctx = Context::new("acme", "conv-1/msg-1", "body");
/// let sealed = sealer.seal(&ctx, b"hello")?;
/// assert_eq!(&sealer.open(&ctx, &sealed)?[..], b"hello");
/// // Moved to another field, it does not open.
/// let other = Context::new("acme", "conv-1/msg-1", "subject");
/// assert!(sealer.open(&other, &sealed).is_err());
/// # Ok::<(), chatvault::Error>(())
/// ```
pub struct Sealer {
    suite: Suite,
    key_version: u32,
    key_id: [u8; KEY_ID_LEN],
    layers: Layers,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("suite", &self.suite.name())
            .field("key_version", &self.key_version)
            .field("key_id", &hex_prefix(&self.key_id))
            .finish_non_exhaustive()
    }
}

pub(crate) fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Derive the key id (commitment) of a 32-byte key.
pub(crate) fn key_id(secret: &[u8; 32]) -> [u8; KEY_ID_LEN] {
    key_id_from(&crate::kdf::Extracted::new(secret))
}

fn key_id_from(prk: &crate::kdf::Extracted) -> [u8; KEY_ID_LEN] {
    let mut id = [0u8; KEY_ID_LEN];
    prk.expand("chatvault key id", &[], &mut id);
    id
}

impl Sealer {
    /// Build the cipher for `secret`. Crate-internal: users get sealers from
    /// key objects, never from raw bytes.
    pub(crate) fn from_secret(secret: &[u8; 32], suite: Suite, key_version: u32) -> Sealer {
        let mut sub = Zeroizing::new([0u8; 48]);
        let n = match suite {
            Suite::Sm4Gcm => 16,
            Suite::Aes256GcmSm4Gcm => 48,
            _ => 32,
        };
        let prk = crate::kdf::Extracted::new(secret);
        prk.expand("chatvault aead key", &[&[suite as u8]], &mut sub[..n]);
        let k32 = |s: &[u8]| -> [u8; 32] { s[..32].try_into().expect("32 bytes") };
        let k16 = |s: &[u8]| -> [u8; 16] { s[..16].try_into().expect("16 bytes") };
        let layers = match suite {
            Suite::Aes256Gcm => {
                let mut k = k32(&sub[..]);
                let p = Primitive::aes256gcm(&k);
                k.zeroize();
                Layers::One(p)
            }
            Suite::ChaCha20Poly1305 => {
                let mut k = k32(&sub[..]);
                let p = Primitive::chacha20poly1305(&k);
                k.zeroize();
                Layers::One(p)
            }
            Suite::Sm4Gcm => {
                let mut k = k16(&sub[..]);
                let p = Primitive::sm4gcm(&k);
                k.zeroize();
                Layers::One(p)
            }
            Suite::Aes256GcmSm4Gcm => {
                let mut ka = k32(&sub[..]);
                let mut ks = k16(&sub[32..]);
                let l = Layers::Cascade(Primitive::aes256gcm(&ka), Primitive::sm4gcm(&ks));
                ka.zeroize();
                ks.zeroize();
                l
            }
        };
        Sealer {
            suite,
            key_version,
            key_id: key_id_from(&prk),
            layers,
        }
    }

    /// The suite this sealer seals with.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The key version written into every envelope.
    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// The key id (commitment) written into every envelope.
    pub fn key_id(&self) -> &[u8; KEY_ID_LEN] {
        &self.key_id
    }

    /// Seal `plaintext` for `ctx`; returns the envelope. A fresh random
    /// nonce is drawn per call (see docs/FORMAT.md, "Nonces").
    pub fn seal(&self, ctx: &Context<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        // Room for the AAD too: seal_append writes it after the data.
        let mut out = Vec::with_capacity(self.suite.overhead() + plaintext.len() + ctx.aad_len());
        self.seal_append(ctx, plaintext, &mut out)?;
        Ok(out)
    }

    /// Like [`seal`](Self::seal) but appends the envelope to `out`, so a
    /// caller can reuse one buffer. On error `out` is left as it was.
    pub fn seal_append(
        &self,
        ctx: &Context<'_>,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        ctx.check()?;
        let start = out.len();
        let layers = self.suite.layers();
        let mut nonces = [0u8; 2 * NONCE_LEN];
        crate::rng::fill(&mut nonces[..layers * NONCE_LEN])?;
        // One buffer: header || plaintext || room for the inner tag (cascade)
        // || AAD. The AAD sits after the data so it can be borrowed beside
        // the part being encrypted in place, then is cut off again.
        out.reserve(self.suite.overhead() + plaintext.len() + ctx.aad_len());
        envelope::write_header(
            out,
            self.suite,
            self.key_version,
            &self.key_id,
            &nonces[..layers * NONCE_LEN],
        );
        let body = out.len();
        out.extend_from_slice(plaintext);
        let inner_end = out.len();
        if layers == 2 {
            out.extend_from_slice(&[0u8; TAG_LEN]);
        }
        let aad_start = out.len();
        ctx.append_aad(self.suite, self.key_version, out);
        let (data, aad) = out.split_at_mut(aad_start);
        let n1: &[u8; NONCE_LEN] = nonces[..NONCE_LEN].try_into().expect("12");
        let result = match &self.layers {
            Layers::One(p) => p.seal_in_place(n1, aad, &mut data[body..]),
            Layers::Cascade(aes, sm4) => aes
                .seal_in_place(n1, aad, &mut data[body..inner_end])
                .and_then(|tag1| {
                    data[inner_end..].copy_from_slice(&tag1);
                    let n2: &[u8; NONCE_LEN] = nonces[NONCE_LEN..].try_into().expect("12");
                    sm4.seal_in_place(n2, aad, &mut data[body..])
                }),
        };
        out.truncate(aad_start);
        match result {
            Ok(tag) => {
                out.extend_from_slice(&tag);
                Ok(())
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    /// Open an envelope sealed for `ctx` under this sealer's key. Any
    /// mismatch (key, key version, suite, context, a flipped bit, a cut)
    /// is [`ErrorKind::Decrypt`](crate::ErrorKind::Decrypt); an unknown
    /// version or suite byte and impossible lengths are reported as such.
    pub fn open(&self, ctx: &Context<'_>, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        ctx.check()?;
        let h = EnvelopeHeader::parse(envelope)?;
        if h.suite() != self.suite
            || h.key_version() != self.key_version
            // The key id is public (it is in every envelope): a plain
            // comparison leaks nothing.
            || h.key_id() != &self.key_id
        {
            return Err(Error::decrypt());
        }
        // body || AAD in one buffer, as in seal_append.
        let body_len = envelope.len() - h.header_len();
        let mut buf = Zeroizing::new(Vec::with_capacity(body_len + ctx.aad_len()));
        buf.extend_from_slice(&envelope[h.header_len()..]);
        ctx.append_aad(self.suite, self.key_version, &mut buf);
        let (body, aad) = buf.split_at_mut(body_len);
        let n1 = h.nonce(0);
        let pt_len = match &self.layers {
            Layers::One(p) => open_layer(p, &n1, aad, body)?,
            Layers::Cascade(aes, sm4) => {
                let inner = open_layer(sm4, &h.nonce(1), aad, body)?;
                open_layer(aes, &n1, aad, &mut body[..inner])?
            }
        };
        buf.truncate(pt_len);
        Ok(buf)
    }
}

/// Open one layer in place: `buf` = ciphertext || tag; returns the
/// plaintext length (the plaintext is `buf[..len]`). On failure the buffer
/// is wiped, as it may hold unauthenticated keystream output.
fn open_layer(p: &Primitive, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut [u8]) -> Result<usize> {
    let ct_len = buf.len().checked_sub(TAG_LEN).ok_or_else(Error::decrypt)?;
    let (ct, tag) = buf.split_at_mut(ct_len);
    let tag: &[u8; TAG_LEN] = (&*tag).try_into().expect("16");
    match p.open_in_place(nonce, aad, ct, tag) {
        Ok(()) => Ok(ct_len),
        Err(e) => {
            buf.zeroize();
            Err(e)
        }
    }
}
