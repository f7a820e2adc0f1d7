//! C2SP signed notes (Ed25519) and tlog checkpoints.
//!
//! Owns: [`NoteSigner`] and [`NoteVerifier`] with their C2SP key
//! encodings, [`sign_note`] and [`open_note`] (docs/FORMAT.md section
//! 13.4, after <https://c2sp.org/signed-note>), and [`Checkpoint`], the
//! body of a C2SP tlog checkpoint (<https://c2sp.org/tlog-checkpoint>):
//! origin, tree size, root hash.
//!
//! Invariants: a note opens only if at least one signature by a key the
//! caller trusts verifies, and no signature claiming a trusted key fails;
//! signatures by unknown keys are kept but not trusted. Parsing never
//! panics and refuses every non-canonical form (base64 included).

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::merkle::Hash;
use crate::error::{Error, ErrorKind, Result};

/// The signature type byte of Ed25519 note keys.
const TYPE_ED25519: u8 = 0x01;
/// The separator before a signature: an em dash and a space.
const SIG_PREFIX: &str = "\u{2014} ";
/// Longest note accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 1 << 16;
/// Most signature lines accepted on one note.
const MAX_SIGNATURES: usize = 100;

fn malformed(why: impl Into<String>) -> Error {
    Error::new(ErrorKind::Malformed, why.into())
}

// ------------------------------------------------------------------ base64

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub(crate) fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict standard base64: padding required, unused bits zero.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| B64.iter().position(|&x| x == c).map(|p| p as u32);
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (i, q) in b.chunks(4).enumerate() {
        let last = i + 1 == b.len() / 4;
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (j, &c) in q.iter().enumerate() {
            let v = if j >= 4 - pad { 0 } else { val(c)? };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = 3 - pad;
        // Non-canonical: bits under the padding must be zero.
        if bytes[keep..].iter().any(|&x| x != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(out)
}

// -------------------------------------------------------------------- keys

fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 256
        || name.contains('+')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::invalid(format!(
            "{name:?} is not a note key name: 1 to 256 bytes, no '+', spaces or control characters"
        )));
    }
    Ok(())
}

/// The 4-byte key id: the first bytes of
/// `SHA-256(name || "\n" || 0x01 || public key)`.
fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([TYPE_ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Who checks note signatures: a name and an Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key: VerifyingKey,
    id: u32,
}

impl NoteVerifier {
    /// A verifier from a name and a 32-byte Ed25519 public key.
    pub fn new(name: &str, public: &[u8; 32]) -> Result<NoteVerifier> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(public)
            .map_err(|_| Error::invalid("not an Ed25519 public key"))?;
        Ok(NoteVerifier {
            name: name.to_owned(),
            key,
            id: key_id(name, public),
        })
    }

    /// Parse the C2SP verifier key encoding `name+hex8(id)+base64(0x01 || key)`.
    pub fn from_encoded(vkey: &str) -> Result<NoteVerifier> {
        let bad = || malformed(format!("{vkey:?} is not a note verifier key"));
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let raw = b64_decode(key).ok_or_else(bad)?;
        if raw.len() != 33 || raw[0] != TYPE_ED25519 || id.len() != 8 {
            return Err(bad());
        }
        let public: [u8; 32] = raw[1..].try_into().expect("32 bytes");
        let v = NoteVerifier::new(name, &public).map_err(|_| bad())?;
        if format!("{:08x}", v.id) != id {
            return Err(malformed(format!(
                "{vkey:?}: the key id does not match the key"
            )));
        }
        Ok(v)
    }

    /// The C2SP verifier key encoding.
    pub fn encoded(&self) -> String {
        let mut raw = vec![TYPE_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, b64_encode(&raw))
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }
}

/// Who signs notes: a name and an Ed25519 private key.
pub struct NoteSigner {
    name: String,
    key: SigningKey,
    id: u32,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("id", &format_args!("{:08x}", self.id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// A signer with a new random key.
    pub fn generate(name: &str) -> Result<NoteSigner> {
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::rng::os_fill(&mut seed[..])?;
        NoteSigner::from_seed(name, &seed)
    }

    /// A signer from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<NoteSigner> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(NoteSigner {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// Parse the C2SP signer key encoding
    /// `PRIVATE+KEY+name+hex8(id)+base64(0x01 || seed)`.
    pub fn from_encoded(skey: &str) -> Result<NoteSigner> {
        let bad = || malformed("not a note signer key");
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or_else(bad)?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let raw = Zeroizing::new(b64_decode(key).ok_or_else(bad)?);
        if raw.len() != 33 || raw[0] != TYPE_ED25519 {
            return Err(bad());
        }
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(raw[1..].try_into().expect("32 bytes"));
        let s = NoteSigner::from_seed(name, &seed).map_err(|_| bad())?;
        if format!("{:08x}", s.id) != id {
            return Err(malformed("the signer key's id does not match the key"));
        }
        Ok(s)
    }

    /// The C2SP signer key encoding (secret: store it like a password).
    pub fn encoded(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new(vec![TYPE_ED25519]);
        raw.extend_from_slice(self.key.as_bytes());
        Zeroizing::new(format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            b64_encode(&raw)
        ))
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key: self.key.verifying_key(),
            id: self.id,
        }
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

// ------------------------------------------------------------------- notes

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id.
    pub key_id: u32,
    /// The signature bytes (64 for Ed25519).
    pub signature: Vec<u8>,
}

fn check_text(text: &str) -> Result<()> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(malformed(
            "a note's text is not empty and ends with a newline",
        ));
    }
    if text.len() > MAX_NOTE_BYTES {
        return Err(malformed("note longer than the maximum"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(malformed(
            "a note's text has no control characters but newlines",
        ));
    }
    Ok(())
}

/// Sign `text` (non-empty, ending with a newline) with each signer:
/// `text || "\n" || "— " name " " base64(id || signature) "\n"` per signer.
pub fn sign_note(text: &str, signers: &[&NoteSigner]) -> Result<String> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(Error::invalid("a signed note needs a signer"));
    }
    let mut out = String::with_capacity(text.len() + 120 * signers.len());
    out.push_str(text);
    out.push('\n');
    for s in signers {
        let sig = s.key.sign(text.as_bytes());
        let mut raw = s.id.to_be_bytes().to_vec();
        raw.extend_from_slice(&sig.to_bytes());
        out.push_str(SIG_PREFIX);
        out.push_str(&s.name);
        out.push(' ');
        out.push_str(&b64_encode(&raw));
        out.push('\n');
    }
    Ok(out)
}

/// Split a signed note into its text and signature lines.
pub fn parse_note(note: &str) -> Result<(String, Vec<NoteSignature>)> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(malformed("note longer than the maximum"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| malformed("a signed note has a blank line before its signatures"))?;
    let text = &note[..=split];
    check_text(text)?;
    let block = &note[split + 2..];
    if block.is_empty() || !block.ends_with('\n') {
        return Err(malformed("a signed note ends with a signature line"));
    }
    let mut sigs = Vec::new();
    for line in block[..block.len() - 1].split('\n') {
        let rest = line
            .strip_prefix(SIG_PREFIX)
            .ok_or_else(|| malformed("a signature line starts with an em dash and a space"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| malformed("a signature line is a name and base64"))?;
        check_name(name).map_err(|e| malformed(e.detail().to_owned()))?;
        let raw =
            b64_decode(b64).ok_or_else(|| malformed("a signature is not canonical base64"))?;
        if raw.len() < 5 {
            return Err(malformed("a signature is shorter than its key id"));
        }
        sigs.push(NoteSignature {
            name: name.to_owned(),
            key_id: u32::from_be_bytes(raw[..4].try_into().expect("4 bytes")),
            signature: raw[4..].to_vec(),
        });
        if sigs.len() > MAX_SIGNATURES {
            return Err(malformed("too many signatures"));
        }
    }
    Ok((text.to_owned(), sigs))
}

/// Open a signed note: its text, if at least one signature by a key in
/// `trusted` verifies and none claiming a trusted key fails; with the names
/// of the trusted keys that signed. Signatures by other keys are ignored.
pub fn open_note(note: &str, trusted: &[&NoteVerifier]) -> Result<(String, Vec<String>)> {
    let (text, signed) = open_note_keys(note, trusted)?;
    let mut names: Vec<String> = Vec::new();
    for i in signed {
        if !names.contains(&trusted[i].name) {
            names.push(trusted[i].name.clone());
        }
    }
    Ok((text, names))
}

/// [`open_note`], returning the positions in `trusted` of the keys that
/// signed (a key is its name and its key id, never its name alone).
fn open_note_keys(note: &str, trusted: &[&NoteVerifier]) -> Result<(String, Vec<usize>)> {
    let (text, sigs) = parse_note(note)?;
    let mut signed: Vec<usize> = Vec::new();
    for s in &sigs {
        let Some(i) = trusted
            .iter()
            .position(|v| v.name == s.name && v.id == s.key_id)
        else {
            continue;
        };
        let v = trusted[i];
        let sig: [u8; 64] =
            s.signature.as_slice().try_into().map_err(|_| {
                malformed(format!("the signature of {} has the wrong length", s.name))
            })?;
        v.key
            .verify_strict(text.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig))
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    format!("the signature of {} does not verify", s.name),
                )
            })?;
        // Every trusted key with this name and id signed (two entries of
        // one key count once).
        for (j, w) in trusted.iter().enumerate() {
            if w.name == v.name && w.id == v.id && w.key == v.key && !signed.contains(&j) {
                signed.push(j);
            }
        }
    }
    if signed.is_empty() {
        return Err(Error::new(
            ErrorKind::BadSignature,
            "no signature by a trusted key",
        ));
    }
    Ok((text, signed))
}

// -------------------------------------------------------------- checkpoint

/// The body of a C2SP tlog checkpoint.
///
/// # Examples
/// ```
/// use chatvault::audit::{Checkpoint, NoteSigner};
///
/// let log_key = NoteSigner::generate("acme-audit-log")?;
/// let witness = NoteSigner::generate("supervisor-wang")?;
/// let cp = Checkpoint { origin: "acme/audit".into(), size: 42, root: [7; 32], extensions: vec![] };
/// let note = cp.sign(&[&log_key, &witness])?;
///
/// // Anyone holding the public keys checks it.
/// let (opened, cosigners) = Checkpoint::open(&note, &log_key.verifier(), &[&witness.verifier()])?;
/// assert_eq!((opened, cosigners), (cp, vec!["supervisor-wang".to_owned()]));
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin (its log id).
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The Merkle root of that size.
    pub root: Hash,
    /// Extension lines, without their newlines.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// `origin\nsize\nbase64(root)\n` then each extension line.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            b64_encode(&self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parse a checkpoint body (a note's text).
    pub fn parse(text: &str) -> Result<Checkpoint> {
        check_text(text)?;
        let mut lines = text[..text.len() - 1].split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| malformed("a checkpoint starts with its origin"))?;
        let size = lines
            .next()
            .ok_or_else(|| malformed("a checkpoint has a tree size"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(malformed(format!("{size:?} is not a tree size")));
        }
        let size: u64 = size.parse().map_err(|_| malformed("tree size too large"))?;
        let root = lines
            .next()
            .ok_or_else(|| malformed("a checkpoint has a root hash"))?;
        let root: Hash = b64_decode(root)
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| malformed("a checkpoint's root is 32 bytes in base64"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(malformed("a checkpoint has no empty lines"));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Sign this checkpoint: a signed note.
    pub fn sign(&self, signers: &[&NoteSigner]) -> Result<String> {
        sign_note(&self.to_text(), signers)
    }

    /// Open a signed checkpoint: it must be signed by `log` (the log's own
    /// key); further signatures by keys in `cosigners` are checked and
    /// their names returned.
    pub fn open(
        note: &str,
        log: &NoteVerifier,
        cosigners: &[&NoteVerifier],
    ) -> Result<(Checkpoint, Vec<String>)> {
        let mut trusted = vec![log];
        trusted.extend_from_slice(cosigners);
        let (text, signed) = open_note_keys(note, &trusted)?;
        if !signed.contains(&0) {
            return Err(Error::new(
                ErrorKind::BadSignature,
                "the checkpoint is not signed by the log's key",
            ));
        }
        let cp = Checkpoint::parse(&text)?;
        // Cosigners by key: another key with the log key's name is still
        // another key; the log's own key is not a cosigner.
        let mut cosigned: Vec<String> = Vec::new();
        for i in signed {
            let v = trusted[i];
            if i > 0 && v != log && !cosigned.contains(&v.name) {
                cosigned.push(v.name.clone());
            }
        }
        Ok((cp, cosigned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_and_refuses_non_canonical_forms() {
        // RFC 4648 section 10.
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64_encode(plain.as_bytes()), enc);
            assert_eq!(b64_decode(enc).unwrap(), plain.as_bytes());
        }
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zg==Zg==", "Zm9v\n", "Zm-v", "====",
        ] {
            assert_eq!(b64_decode(bad), None, "{bad}");
        }
    }
}
