//! M-of-N shares of a master key (Shamir's secret sharing over GF(2^8)),
//! so no single person holds the key (docs/FORMAT.md section 15).
//!
//! Each byte of the key is the constant term of its own random polynomial
//! of degree M - 1; share `i` (1 to N) holds every polynomial's value at
//! `x = i`. Any M shares give the key back by Lagrange interpolation at
//! 0; fewer reveal nothing about it. Every share carries the tenant, M,
//! N, its index and the key id of the key it was split from, so combining
//! checks the result: shares of another key, a tampered share or a wrong
//! index give [`ErrorKind::Decrypt`], never a wrong key.
//!
//! The field arithmetic is constant-time in the secret bytes (no
//! secret-indexed table lookups, no secret-dependent branches).

use zeroize::Zeroizing;

use super::MasterKey;
use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 4] = b"CVKS";
const VERSION: u8 = 1;
/// Most shares a key is split into.
pub const MAX_SHARES: u8 = 255;

/// One share of a master key. Hand each to its holder over a secure
/// channel (or wrapped under the holder's own key); its bytes are secret.
#[derive(Clone)]
pub struct KeyShare {
    tenant: String,
    threshold: u8,
    count: u8,
    index: u8,
    key_id: [u8; 32],
    y: Zeroizing<[u8; 32]>,
}

/// Compared in constant time (the share's secret bytes included).
impl PartialEq for KeyShare {
    fn eq(&self, other: &KeyShare) -> bool {
        use subtle::ConstantTimeEq;
        let public = self.tenant == other.tenant
            && self.threshold == other.threshold
            && self.count == other.count
            && self.index == other.index
            && self.key_id == other.key_id;
        let secret: bool = self.y[..].ct_eq(&other.y[..]).into();
        public & secret
    }
}

impl Eq for KeyShare {}

impl std::fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "KeyShare({} of {}, needs {}, key {})",
            self.index,
            self.count,
            self.threshold,
            crate::seal::hex_prefix(&self.key_id)
        )
    }
}

/// a * b in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1,
/// without branches or lookups on the operands.
fn mul(a: u8, b: u8) -> u8 {
    let (mut a, mut b, mut p) = (a, b, 0u8);
    for _ in 0..8 {
        p ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    p
}

/// a^-1 = a^254 (0 for 0), constant-time.
fn inv(a: u8) -> u8 {
    let mut r = 1u8;
    let mut base = a;
    let mut e = 254u8;
    for _ in 0..8 {
        let m = 0u8.wrapping_sub(e & 1);
        r = (mul(r, base) & m) | (r & !m);
        base = mul(base, base);
        e >>= 1;
    }
    r
}

impl KeyShare {
    /// The share's index (1 to its count).
    pub fn index(&self) -> u8 {
        self.index
    }

    /// Shares needed to recover the key.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// Shares the key was split into.
    pub fn count(&self) -> u8 {
        self.count
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The public fingerprint of the key it belongs to (as
    /// [`MasterKey::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        crate::seal::hex_prefix(&self.key_id)
    }

    /// The share's bytes (docs/FORMAT.md section 15); secret.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut o = Zeroizing::new(Vec::with_capacity(76 + self.tenant.len()));
        o.put(MAGIC);
        o.put_u8(VERSION);
        o.put_lp16(self.tenant.as_bytes());
        o.put_u8(self.threshold);
        o.put_u8(self.count);
        o.put_u8(self.index);
        o.put(&self.key_id);
        o.put(&self.y[..]);
        o
    }

    /// Parse a share. Bad bytes: [`ErrorKind::Malformed`] (or
    /// `UnsupportedVersion`).
    pub fn from_bytes(b: &[u8]) -> Result<KeyShare> {
        let mut r = Reader::new(b, "key share");
        if r.array::<4>()? != *MAGIC {
            return Err(Error::malformed("not a key share"));
        }
        let v = r.u8()?;
        if v != VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("key share version {v}"),
            ));
        }
        let tenant = r.str16()?.to_owned();
        let (threshold, count, index) = (r.u8()?, r.u8()?, r.u8()?);
        let key_id = r.array::<32>()?;
        let y = Zeroizing::new(r.array::<32>()?);
        r.finish()?;
        if threshold < 2 || threshold > count || index == 0 || index > count {
            return Err(Error::malformed(format!(
                "key share {index} of {count} needing {threshold} is impossible"
            )));
        }
        Ok(KeyShare {
            tenant,
            threshold,
            count,
            index,
            key_id,
            y,
        })
    }
}

impl MasterKey {
    /// Split the key of `tenant` into `count` shares of which any
    /// `threshold` (2 to `count`) recover it.
    ///
    /// # Examples
    /// ```
    /// use chatvault::keys::MasterKey;
    /// let key = MasterKey::generate()?;
    /// let shares = key.split("acme", 3, 5)?;
    /// let back = MasterKey::combine("acme", &[shares[4].clone(), shares[0].clone(), shares[2].clone()])?;
    /// assert_eq!(back.fingerprint(), key.fingerprint());
    /// assert!(MasterKey::combine("acme", &shares[..2]).is_err());
    /// # Ok::<(), chatvault::Error>(())
    /// ```
    pub fn split(&self, tenant: &str, threshold: u8, count: u8) -> Result<Vec<KeyShare>> {
        super::check_name("tenant", tenant, super::MAX_ID_LEN)?;
        if threshold < 2 || threshold > count {
            return Err(Error::invalid(format!(
                "a key is split into 2 to {MAX_SHARES} shares, 2 to all of them needed \
                 (asked: {threshold} of {count})"
            )));
        }
        let key_id = crate::seal::key_id(self.secret());
        // coefficients[k][j]: coefficient of x^(k+1) for key byte j.
        let mut coefficients = Zeroizing::new(vec![[0u8; 32]; threshold as usize - 1]);
        for c in coefficients.iter_mut() {
            crate::rng::os_fill(&mut c[..])?;
        }
        Ok((1..=count)
            .map(|x| {
                let mut y = Zeroizing::new(*self.secret());
                // Horner from the top coefficient: y = s + x(c1 + x(c2 + ...)).
                let mut acc = Zeroizing::new([0u8; 32]);
                for c in coefficients.iter().rev() {
                    for j in 0..32 {
                        acc[j] = mul(acc[j], x) ^ c[j];
                    }
                }
                for j in 0..32 {
                    y[j] ^= mul(acc[j], x);
                }
                KeyShare {
                    tenant: tenant.to_owned(),
                    threshold,
                    count,
                    index: x,
                    key_id,
                    y,
                }
            })
            .collect())
    }

    /// Recover the key of `tenant` from at least its threshold of shares
    /// (extra shares are ignored). Shares of another tenant or key, of
    /// different splits, or repeated: [`ErrorKind::InvalidInput`]; too
    /// few: `InvalidInput`; shares that do not give back the key they
    /// were split from (a tampered share): [`ErrorKind::Decrypt`].
    pub fn combine(tenant: &str, shares: &[KeyShare]) -> Result<MasterKey> {
        let first = shares
            .first()
            .ok_or_else(|| Error::invalid("no key shares"))?;
        for s in shares {
            if s.tenant != tenant {
                return Err(Error::invalid("a key share of another tenant"));
            }
            if (s.threshold, s.count, s.key_id) != (first.threshold, first.count, first.key_id) {
                return Err(Error::invalid("key shares of different splits"));
            }
        }
        let t = first.threshold as usize;
        let mut used: Vec<&KeyShare> = Vec::with_capacity(t);
        for s in shares {
            if used.iter().any(|u| u.index == s.index) {
                return Err(Error::invalid(format!("key share {} given twice", s.index)));
            }
            if used.len() < t {
                used.push(s);
            }
        }
        if used.len() < t {
            return Err(Error::invalid(format!(
                "{} key share(s) given, {t} needed",
                used.len()
            )));
        }
        let mut secret = Zeroizing::new([0u8; 32]);
        for (i, si) in used.iter().enumerate() {
            // Lagrange basis at 0: prod over j != i of x_j / (x_j - x_i);
            // the x are public.
            let mut l = 1u8;
            for (j, sj) in used.iter().enumerate() {
                if i != j {
                    l = mul(l, mul(sj.index, inv(sj.index ^ si.index)));
                }
            }
            for b in 0..32 {
                secret[b] ^= mul(si.y[b], l);
            }
        }
        if crate::seal::key_id(&secret) != first.key_id {
            return Err(Error::new(
                ErrorKind::Decrypt,
                "the key shares do not give back their key",
            ));
        }
        Ok(MasterKey { secret })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic() {
        // FIPS-197 section 4.2: {57} x {83} = {c1}; {57} x {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        for a in 1..=255u8 {
            assert_eq!(mul(a, inv(a)), 1, "{a}");
        }
        assert_eq!(inv(0), 0);
    }

    #[test]
    fn any_threshold_subset_recovers_and_fewer_do_not() {
        let key = MasterKey::generate().unwrap();
        let shares = key.split("acme", 3, 5).unwrap();
        for a in 0..5 {
            for b in a + 1..5 {
                for c in b + 1..5 {
                    let got = MasterKey::combine(
                        "acme",
                        &[shares[a].clone(), shares[b].clone(), shares[c].clone()],
                    )
                    .unwrap();
                    assert_eq!(got.secret(), key.secret());
                }
            }
        }
        assert_eq!(
            MasterKey::combine("acme", &shares[..2]).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        // Round trip through bytes; tampering is caught.
        let mut b = shares[1].to_bytes().to_vec();
        assert_eq!(KeyShare::from_bytes(&b).unwrap(), shares[1]);
        let last = b.len() - 1;
        b[last] ^= 1;
        let bad = KeyShare::from_bytes(&b).unwrap();
        let err =
            MasterKey::combine("acme", &[shares[0].clone(), bad, shares[2].clone()]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decrypt);
        assert_eq!(
            MasterKey::combine("beta", &shares).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        let twice = [shares[0].clone(), shares[0].clone(), shares[1].clone()];
        assert!(MasterKey::combine("acme", &twice).is_err());
        assert!(key.split("acme", 1, 5).is_err());
        assert!(key.split("acme", 6, 5).is_err());
        assert!(KeyShare::from_bytes(&shares[0].to_bytes()[..20]).is_err());
    }
}
