//! The owner's keyring: derives domain keys, creates, wraps, finds, rotates
//! and shreds data keys, and issues grants.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::ggm;
use super::grant::{self, AgentScope, GranteePublic, SupervisorScope, TenantPublic, Validity};
use super::store::{KeyStore, Locator};
use super::{check_name, day_of, DataKey, DataKeyId, Domain, IdClass, MasterKey, MAX_ID_LEN};
use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::seal::{BlindIndexer, Context, Sealer, Suite};

const RECORD_VERSION: u8 = 1;

type Secret32 = Zeroizing<[u8; 32]>;
const VERSIONS_MAGIC: &[u8; 4] = b"CVVT";

/// The owner's view of a tenant's keys. Holds the master key.
///
/// `Send + Sync`: one per tenant, shared by all threads. Derived domain keys
/// and their cipher instances are cached, so no record pays for an HKDF.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use chatvault::keys::*;
/// use chatvault::seal::{Context, Suite};
///
/// let ring = Keyring::new("acme", MasterKey::generate()?, Arc::new(MemoryKeyStore::new()))?;
/// let key = ring.conversation_key("sales", "conv-1", 1_767_225_600)?;
/// let sealer = key.sealer(Suite::Aes256Gcm);
/// let ctx = Context::new("acme", "conv-1/1", "body");
/// let sealed = sealer.seal(&ctx, "您好".as_bytes())?;
///
/// // Later, or in another process: the same key comes back from the store.
/// let again = ring.data_key(&DataKeyId::conversation("sales", "conv-1"))?;
/// assert_eq!(&again.sealer(Suite::Aes256Gcm).open(&ctx, &sealed)?[..], "您好".as_bytes());
///
/// // Crypto-shredding: the key is gone, and with it the content.
/// assert!(ring.shred(&DataKeyId::conversation("sales", "conv-1"))?);
/// assert!(ring.data_key(&DataKeyId::conversation("sales", "conv-1")).is_err());
/// # Ok::<(), chatvault::Error>(())
/// ```
pub struct Keyring {
    tenant: String,
    master: MasterKey,
    store: Arc<dyn KeyStore>,
    signing: ed25519_dalek::SigningKey,
    locator_keys: Mutex<HashMap<Domain, Zeroizing<[u8; 32]>>>,
    versions: Mutex<BTreeMap<Domain, u32>>,
    roots: Mutex<HashMap<(Domain, u32), Secret32>>,
    wrappers: Mutex<HashMap<(Domain, u32, u32), Arc<Sealer>>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("tenant", &self.tenant)
            .field("master", &self.master)
            .finish_non_exhaustive()
    }
}

/// What a [`Keyring::rotate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The domain rotated.
    pub domain: Domain,
    /// Its version before.
    pub old_version: u32,
    /// Its version now.
    pub new_version: u32,
    /// Data keys rewrapped under the new version.
    pub rewrapped: usize,
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| Error::new(ErrorKind::Poisoned, "keyring lock poisoned"))
}

/// The header of a wrapped data key record (docs/FORMAT.md, "Wrapped data key").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordHeader {
    pub(crate) domain: Domain,
    pub(crate) domain_version: u32,
    pub(crate) key_version: u32,
    pub(crate) day: u32,
}

impl RecordHeader {
    fn encode(&self) -> Vec<u8> {
        let mut h = Vec::with_capacity(80);
        h.put_u8(RECORD_VERSION);
        let (kind, class, dept): (u8, u8, &str) = match &self.domain {
            Domain::Archive(d) => (1, 0, d),
            Domain::Identifier(c) => (2, *c as u8, ""),
            _ => unreachable!("data keys are wrapped only by archive and identifier keys"),
        };
        h.put_u8(kind);
        h.put_u32(self.domain_version);
        h.put_u32(self.key_version);
        h.put_u32(self.day);
        h.put_u8(class);
        h.put_lp16(dept.as_bytes());
        h
    }

    /// Parse a record into its header, the header's bytes and the envelope.
    pub(crate) fn parse(record: &[u8]) -> Result<(RecordHeader, &[u8], &[u8])> {
        let mut r = Reader::new(record, "wrapped data key");
        let v = r.u8()?;
        if v != RECORD_VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("wrapped data key version {v}"),
            ));
        }
        let kind = r.u8()?;
        let domain_version = r.u32()?;
        let key_version = r.u32()?;
        let day = r.u32()?;
        let class = r.u8()?;
        let dept = r.str16()?;
        let domain = match (kind, class, dept) {
            (1, 0, d) => {
                check_name("department", d, super::MAX_DEPARTMENT_LEN)
                    .map_err(|e| Error::malformed(e.detail().to_owned()))?;
                if day > ggm::MAX_DAY {
                    return Err(Error::malformed(
                        "wrapped data key: day beyond the key tree",
                    ));
                }
                Domain::Archive(d.to_owned())
            }
            (2, c, "") if day == 0 => Domain::Identifier(
                IdClass::from_u8(c).map_err(|e| Error::malformed(e.detail().to_owned()))?,
            ),
            _ => {
                return Err(Error::malformed(
                    "wrapped data key: inconsistent kind fields",
                ))
            }
        };
        let header_len = record.len() - r.rest().len();
        Ok((
            RecordHeader {
                domain,
                domain_version,
                key_version,
                day,
            },
            &record[..header_len],
            &record[header_len..],
        ))
    }
}

fn wrap_context<'a>(tenant: &'a str, record_ad: &'a [u8]) -> Context<'a> {
    Context::new(tenant, record_ad, "data key")
}

fn record_ad(locator: &Locator, header: &[u8]) -> Vec<u8> {
    let mut ad = Vec::with_capacity(32 + header.len());
    ad.put(locator);
    ad.put(header);
    ad
}

/// Unwrap a record's envelope with `wrapper`; shared with grants.
pub(crate) fn unwrap_record(
    tenant: &str,
    locator: &Locator,
    header: &RecordHeader,
    header_bytes: &[u8],
    envelope: &[u8],
    wrapper: &Sealer,
) -> Result<DataKey> {
    let ad = record_ad(locator, header_bytes);
    let plain = wrapper.open(&wrap_context(tenant, &ad), envelope)?;
    let secret: [u8; 32] = plain[..].try_into().map_err(|_| Error::decrypt())?;
    Ok(DataKey::from_secret(
        Zeroizing::new(secret),
        header.key_version,
    ))
}

/// locator = HMAC-SHA256(locator key, "chatvault locator" || id)
pub(crate) fn locator(locator_key: &[u8; 32], id: &DataKeyId) -> Locator {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(locator_key).expect("any key length");
    mac.update(b"chatvault locator");
    mac.update(&id.encode());
    mac.finalize().into_bytes().into()
}

impl Keyring {
    /// The keyring of `tenant` (1 to 256 bytes) with its master key and key
    /// store. Loads the domain-key version table from the store.
    pub fn new(tenant: &str, master: MasterKey, store: Arc<dyn KeyStore>) -> Result<Keyring> {
        check_name("tenant", tenant, MAX_ID_LEN)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::kdf::derive(
            master.secret(),
            "chatvault grant signing",
            &[tenant.as_bytes()],
            &mut seed[..],
        );
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let versions = match store.load_versions()? {
            Some(bytes) => decode_versions(&bytes)?,
            None => BTreeMap::new(),
        };
        Ok(Keyring {
            tenant: tenant.to_owned(),
            master,
            store,
            signing,
            locator_keys: Mutex::new(HashMap::new()),
            versions: Mutex::new(versions),
            roots: Mutex::new(HashMap::new()),
            wrappers: Mutex::new(HashMap::new()),
        })
    }

    /// The tenant id.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// What grantees need to check that a grant came from this tenant's
    /// owner: the tenant id and its grant-signing public key.
    pub fn tenant_public(&self) -> TenantPublic {
        TenantPublic::new(&self.tenant, self.signing.verifying_key())
    }

    /// The current version of `domain` (1 until first rotated).
    pub fn version(&self, domain: &Domain) -> Result<u32> {
        domain.check()?;
        Ok(lock(&self.versions)?.get(domain).copied().unwrap_or(1))
    }

    /// The root key of (domain, version), cached.
    pub(crate) fn root(&self, domain: &Domain, version: u32) -> Result<Zeroizing<[u8; 32]>> {
        let mut roots = lock(&self.roots)?;
        if let Some(k) = roots.get(&(domain.clone(), version)) {
            return Ok(k.clone());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        crate::kdf::derive(
            self.master.secret(),
            "chatvault domain",
            &[
                self.tenant.as_bytes(),
                &domain.encode(),
                &version.to_be_bytes(),
            ],
            &mut k[..],
        );
        roots.insert((domain.clone(), version), k.clone());
        Ok(k)
    }

    /// The key that wraps data keys of (domain, version, day), cached.
    fn wrapper(&self, domain: &Domain, version: u32, day: u32) -> Result<Arc<Sealer>> {
        let cache_key = (domain.clone(), version, day);
        if let Some(s) = lock(&self.wrappers)?.get(&cache_key) {
            return Ok(s.clone());
        }
        let root = self.root(domain, version)?;
        let key = match domain {
            Domain::Archive(_) => ggm::Node::root(root).leaf(day),
            _ => root,
        };
        let sealer = Arc::new(Sealer::from_secret(&key, Suite::Aes256Gcm, version));
        lock(&self.wrappers)?.insert(cache_key, sealer.clone());
        Ok(sealer)
    }

    /// The key that locates data keys of `domain` in the store, cached. One
    /// per department and per class (not per version: rotation rewraps
    /// records in place), so a grant can locate only the keys of its scope.
    fn locator_key(&self, domain: &Domain) -> Result<Zeroizing<[u8; 32]>> {
        let mut keys = lock(&self.locator_keys)?;
        if let Some(k) = keys.get(domain) {
            return Ok(k.clone());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        crate::kdf::derive(
            self.master.secret(),
            "chatvault locator key",
            &[self.tenant.as_bytes(), &domain.encode()],
            &mut k[..],
        );
        keys.insert(domain.clone(), k.clone());
        Ok(k)
    }

    /// The store locator of a data key id.
    pub fn locator(&self, id: &DataKeyId) -> Result<Locator> {
        id.check()?;
        Ok(locator(&*self.locator_key(&Self::domain_of(id))?, id))
    }

    fn domain_of(id: &DataKeyId) -> Domain {
        match id {
            DataKeyId::Conversation { department, .. } => Domain::Archive(department.clone()),
            DataKeyId::Customer { class, .. } => Domain::Identifier(*class),
        }
    }

    fn wrap_and_put(&self, locator: &Locator, header: &RecordHeader, key: &DataKey) -> Result<()> {
        let wrapper = self.wrapper(&header.domain, header.domain_version, header.day)?;
        let hbytes = header.encode();
        let ad = record_ad(locator, &hbytes);
        let mut record = hbytes;
        wrapper.seal_append(&wrap_context(&self.tenant, &ad), key.secret(), &mut record)?;
        self.store.put(locator, &record)
    }

    fn get_or_create(&self, id: &DataKeyId, day: u32) -> Result<DataKey> {
        let loc = self.locator(id)?;
        if let Some(record) = self.store.get(&loc)? {
            return self.open_record(&loc, &record);
        }
        // Create under the version-table lock: two threads creating the same
        // key must not both store one (the loser's sealed data would be
        // lost), and a concurrent rotation must not leave it under the old
        // version.
        let versions = lock(&self.versions)?;
        if let Some(record) = self.store.get(&loc)? {
            drop(versions);
            return self.open_record(&loc, &record);
        }
        let domain = Self::domain_of(id);
        let header = RecordHeader {
            domain_version: versions.get(&domain).copied().unwrap_or(1),
            domain,
            key_version: 1,
            day,
        };
        let key = DataKey::generate()?;
        self.wrap_and_put(&loc, &header, &key)?;
        Ok(key)
    }

    fn open_record(&self, loc: &Locator, record: &[u8]) -> Result<DataKey> {
        let (header, hbytes, envelope) = RecordHeader::parse(record)?;
        let wrapper = self.wrapper(&header.domain, header.domain_version, header.day)?;
        unwrap_record(&self.tenant, loc, &header, hbytes, envelope, &wrapper)
    }

    /// The data key of a conversation, created (random, stored wrapped under
    /// the department's archive key for the day of `started_at`) if it does
    /// not exist yet. `started_at` is Unix seconds.
    pub fn conversation_key(
        &self,
        department: &str,
        conversation: &str,
        started_at: i64,
    ) -> Result<DataKey> {
        let day = day_of(started_at)?;
        self.get_or_create(&DataKeyId::conversation(department, conversation), day)
    }

    /// The data key of one customer's identifiers of one class, created if
    /// needed (stored wrapped under the class key).
    pub fn customer_key(&self, customer: &str, class: IdClass) -> Result<DataKey> {
        self.get_or_create(&DataKeyId::customer(customer, class), 0)
    }

    /// An existing data key; [`ErrorKind::KeyNotFound`] if it was never
    /// created or has been shredded.
    pub fn data_key(&self, id: &DataKeyId) -> Result<DataKey> {
        let loc = self.locator(id)?;
        let record = self.store.get(&loc)?.ok_or_else(|| {
            Error::new(
                ErrorKind::KeyNotFound,
                "no such data key (never created, or shredded)",
            )
        })?;
        self.open_record(&loc, &record)
    }

    /// Crypto-shred a data key: destroy it in the store, so everything
    /// sealed under it is unreadable by anyone. Returns whether it existed.
    pub fn shred(&self, id: &DataKeyId) -> Result<bool> {
        let loc = self.locator(id)?;
        self.store.destroy(&loc)
    }

    /// Crypto-shred every identifier key of a customer; returns how many
    /// existed.
    pub fn shred_customer(&self, customer: &str) -> Result<usize> {
        let mut n = 0;
        for class in IdClass::ALL {
            n += usize::from(self.shred(&DataKeyId::customer(customer, class))?);
        }
        Ok(n)
    }

    /// Rotate `domain` to a new version: every data key wrapped under it is
    /// rewrapped under the new version inside the keyring (no plaintext key
    /// leaves it), and the version table is saved. Grants issued before can
    /// derive nothing under the new version: this is how grants are revoked.
    /// Safe to rerun after a crash; data keys are never lost on the way.
    pub fn rotate(&self, domain: &Domain) -> Result<Rotation> {
        domain.check()?;
        let mut versions = lock(&self.versions)?;
        let old_version = versions.get(domain).copied().unwrap_or(1);
        let new_version = old_version
            .checked_add(1)
            .ok_or_else(|| Error::invalid("key version exhausted"))?;
        let mut rewrapped = 0;
        if matches!(domain, Domain::Archive(_) | Domain::Identifier(_)) {
            for loc in self.store.locators()? {
                let Some(record) = self.store.get(&loc)? else {
                    continue;
                };
                let (header, _, _) = RecordHeader::parse(&record)?;
                if header.domain != *domain || header.domain_version == new_version {
                    continue;
                }
                let key = self.open_record(&loc, &record)?;
                let new_header = RecordHeader {
                    domain_version: new_version,
                    ..header
                };
                self.wrap_and_put(&loc, &new_header, &key)?;
                rewrapped += 1;
            }
        }
        // Adopt before saving: the records are already at the new version, so
        // this keyring's new keys and grants must be too. If saving fails the
        // error says so; the store's table still names the old version and a
        // rerun (here or after a restart) rewraps nothing and saves it.
        versions.insert(domain.clone(), new_version);
        self.store.store_versions(&encode_versions(&versions))?;
        Ok(Rotation {
            domain: domain.clone(),
            old_version,
            new_version,
            rewrapped,
        })
    }

    /// The tenant's blind indexer with `len`-byte indexes (8 to 32; 16 is a
    /// good default), under the current blind-index key version.
    pub fn blind_indexer(&self, len: usize) -> Result<BlindIndexer> {
        let v = self.version(&Domain::BlindIndex)?;
        BlindIndexer::from_secret(&*self.root(&Domain::BlindIndex, v)?, len)
    }

    /// The tenant's pseudonym key (current version): deterministic, keyed
    /// tags for `@nickname` pseudonyms and keyed hashes of identifiers.
    pub fn pseudonym_key(&self) -> Result<super::PseudonymKey> {
        let v = self.version(&Domain::Pseudonym)?;
        Ok(super::PseudonymKey::from_secret(
            &*self.root(&Domain::Pseudonym, v)?,
            v,
        ))
    }

    /// Issue a supervisor "private key" grant to `grantee`: read archived
    /// content of `scope`'s departments in its time window, during
    /// `validity`. Returns the sealed grant bytes to hand to the grantee.
    pub fn issue_supervisor_grant(
        &self,
        grantee: &GranteePublic,
        label: &str,
        scope: &SupervisorScope,
        validity: Validity,
        now: i64,
    ) -> Result<Vec<u8>> {
        let (first, last) = scope.days()?;
        let mut departments = Vec::new();
        for dept in scope.departments() {
            let domain = Domain::Archive(dept.clone());
            let version = self.version(&domain)?;
            let root = self.root(&domain, version)?;
            departments.push(grant::DeptKeys {
                name: dept.clone(),
                version,
                locator_key: self.locator_key(&domain)?,
                nodes: ggm::cover(&root, first, last),
            });
        }
        let payload = grant::SupervisorPayload {
            common: grant::Common::new(label, validity, now)?,
            window: scope.window(),
            departments,
        };
        grant::seal(self, grantee, grant::Kind::Supervisor, &payload.encode()?)
    }

    /// Issue an agent "restore key" grant to `grantee`: reveal identifier
    /// fields of `scope`'s classes during `validity`.
    pub fn issue_agent_grant(
        &self,
        grantee: &GranteePublic,
        label: &str,
        scope: &AgentScope,
        validity: Validity,
        now: i64,
    ) -> Result<Vec<u8>> {
        let mut classes = Vec::new();
        for class in scope.classes() {
            let domain = Domain::Identifier(*class);
            let version = self.version(&domain)?;
            classes.push(grant::ClassKeys {
                class: *class,
                version,
                locator_key: self.locator_key(&domain)?,
                key: self.root(&domain, version)?,
            });
        }
        let payload = grant::AgentPayload {
            common: grant::Common::new(label, validity, now)?,
            classes,
        };
        grant::seal(self, grantee, grant::Kind::Agent, &payload.encode()?)
    }

    pub(crate) fn signing_key(&self) -> &ed25519_dalek::SigningKey {
        &self.signing
    }

    /// Sign and seal `payload` (an export) to `recipient`: only the holder
    /// of the matching [`GranteeSecret`](super::GranteeSecret) opens it,
    /// with [`open_export`](super::open_export), and knows this tenant
    /// made it.
    pub(crate) fn seal_export(&self, recipient: &GranteePublic, payload: &[u8]) -> Result<Vec<u8>> {
        grant::seal(self, recipient, grant::Kind::Export, payload)
    }

    /// Seal a share of the master key to its holder, signed by the
    /// tenant: [`open_key_share`](super::open_key_share) opens it.
    pub(crate) fn seal_key_share(
        &self,
        holder: &GranteePublic,
        share: &super::KeyShare,
    ) -> Result<Vec<u8>> {
        grant::seal(self, holder, grant::Kind::KeyShare, &share.to_bytes())
    }

    /// The master key.
    pub(crate) fn master(&self) -> &MasterKey {
        &self.master
    }

    /// A 32-byte secret for a purpose of the crate's own (`label` names it;
    /// docs/FORMAT.md lists every label), derived from the master key.
    pub(crate) fn derive_secret(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        crate::kdf::derive(
            self.master.secret(),
            label,
            &[self.tenant.as_bytes()],
            &mut out[..],
        );
        out
    }
}

fn encode_versions(v: &BTreeMap<Domain, u32>) -> Vec<u8> {
    let mut out = Vec::new();
    out.put(VERSIONS_MAGIC);
    out.put_u8(1);
    out.put_u32(v.len() as u32);
    for (d, ver) in v {
        out.put(&d.encode());
        out.put_u32(*ver);
    }
    out
}

fn decode_versions(bytes: &[u8]) -> Result<BTreeMap<Domain, u32>> {
    let mut r = Reader::new(bytes, "version table");
    if &r.array::<4>()? != VERSIONS_MAGIC {
        return Err(Error::malformed(
            "not a chatvault version table (bad magic)",
        ));
    }
    let v = r.u8()?;
    if v != 1 {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            format!("version table version {v}"),
        ));
    }
    let n = r.u32()?;
    let mut out = BTreeMap::new();
    for _ in 0..n {
        let tag = r.u8()?;
        let scope = r.lp16()?;
        let domain = match (tag, scope) {
            (1, d) => Domain::Archive(
                std::str::from_utf8(d)
                    .map_err(|_| Error::malformed("version table: department not UTF-8"))?
                    .to_owned(),
            ),
            (2, [c]) => Domain::Identifier(
                IdClass::from_u8(*c).map_err(|e| Error::malformed(e.detail().to_owned()))?,
            ),
            (3, []) => Domain::BlindIndex,
            (4, []) => Domain::Pseudonym,
            _ => return Err(Error::malformed("version table: unknown domain")),
        };
        domain
            .check()
            .map_err(|e| Error::malformed(e.detail().to_owned()))?;
        if out.insert(domain, r.u32()?).is_some() {
            return Err(Error::malformed("version table: a domain listed twice"));
        }
    }
    r.finish()?;
    Ok(out)
}
