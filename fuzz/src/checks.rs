//! Property checks for every chatvault byte format, one function per fuzz
//! target.
//!
//! Each check takes arbitrary bytes and returns whether chatvault accepted
//! them (opened, imported, parsed). It panics only when a property fails,
//! which is a bug in chatvault. Two kinds of property are checked:
//!
//! - a reference reading of each format's public framing, written here from
//!   the format's definition, predicts the exact [`ErrorKind`] of every
//!   rejected input, or that the input reaches its cryptographic check;
//! - whatever opens must be exactly what the fixtures sealed or issued
//!   (nobody without the keys can make an envelope, wrapped secret, grant or
//!   wrapped data key that opens), and must behave as issued.
//!
//! The keys are fixed: `fuzz/fixtures/` holds a master key and a grantee
//! secret wrapped under the public test KEK [`KEK`], two wrapped data key
//! records and two grants, all made once by `write_fixtures` in
//! `tests/fuzz_corpus.rs`. The committed corpus was sealed under them.
//!
//! This file is compiled both by the fuzz crate (`fuzz/src/lib.rs`) and by
//! the corpus replay test (`tests/fuzz_corpus.rs`), so it uses only
//! chatvault, std and tempfile.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chatvault::keys::{
    AgentGrant, Argon2Params, DataKey, DataKeyId, Domain, FileKeyStore, GranteeSecret, IdClass,
    Kek, KeyStore, Keyring, Locator, MasterKey, MemoryKeyStore, SupervisorGrant, TenantPublic,
    Validity,
};
use chatvault::seal::{Context, EnvelopeHeader, Sealer, Suite};
use chatvault::ErrorKind;

/// The tenant of every fixture.
pub const TENANT: &str = "acme";
/// The test key-encryption key the fixtures are wrapped under (public: it
/// protects nothing but test data).
pub const KEK: [u8; 32] = [7; 32];
/// The passphrase of the passphrase-wrapped seeds.
pub const PASSPHRASE: &[u8] = b"fuzz passphrase";
/// Seconds per day.
pub const DAY: i64 = 86_400;
/// 2026-01-01T00:00:00Z.
pub const JAN1: i64 = 1_767_225_600;
/// The time at which grants are used.
pub const NOW: i64 = JAN1 + DAY;
/// The fixture conversation's department.
pub const DEPARTMENT: &str = "sales";
/// The fixture conversation.
pub const CONVERSATION: &str = "conv-1";
/// When the fixture conversation started.
pub const STARTED_AT: i64 = JAN1 + 3_600;
/// The fixture customer.
pub const CUSTOMER: &str = "cust-9";
/// The fixture customer key's identifier class.
pub const CLASS: IdClass = IdClass::Phone;
/// (tenant, record, field) every envelope seed is sealed for.
pub const ENVELOPE_CONTEXT: (&str, &str, &str) = ("acme", "conv-1/msg-1", "body");
/// Every plaintext the envelope seeds hold: an envelope that opens must
/// hold one of these.
pub const PLAINTEXTS: &[&[u8]] = &[
    b"",
    "您好".as_bytes(),
    "我的手机号是13800138000".as_bytes(),
    &[0x5a; 300],
];
/// Most Argon2id work (memory KiB times passes) a check spends on one
/// input. Blobs asking for more, within the library's caps, are legitimate
/// but too slow to fuzz, so the passphrase import is skipped for them.
pub const ARGON2_BUDGET: u64 = 1024;

/// Bytes of a wrapped secret's envelope: 32-byte secret under AES-256-GCM.
const WRAPPED_ENVELOPE_LEN: usize = 38 + 12 + 32 + 16;

/// The committed fixture files.
pub mod fixture_bytes {
    /// The master key, wrapped under [`super::KEK`] for [`super::TENANT`].
    pub const MASTER_KEY: &[u8] = include_bytes!("../fixtures/master_key.cvws");
    /// The grantee secret, wrapped under [`super::KEK`].
    pub const GRANTEE_SECRET: &[u8] = include_bytes!("../fixtures/grantee_secret.cvws");
    /// The wrapped data key of the fixture conversation.
    pub const CONVERSATION_RECORD: &[u8] = include_bytes!("../fixtures/conversation.record");
    /// The wrapped data key of the fixture customer.
    pub const CUSTOMER_RECORD: &[u8] = include_bytes!("../fixtures/customer.record");
    /// `SUPERVISOR_GRANTS[0]`, issued to the grantee.
    pub const SUPERVISOR_GRANT: &[u8] = include_bytes!("../fixtures/supervisor.grant");
    /// `AGENT_GRANTS[0]`, issued to the grantee.
    pub const AGENT_GRANT: &[u8] = include_bytes!("../fixtures/agent.grant");
}

/// A supervisor grant the seeds hold.
#[derive(Debug)]
pub struct IssuedSupervisor {
    /// Label.
    pub label: &'static str,
    /// Departments, sorted.
    pub departments: &'static [&'static str],
    /// Archive window.
    pub window: (i64, i64),
    /// Validity.
    pub validity: (i64, i64),
    /// Issue time.
    pub issued_at: i64,
}

/// Every supervisor grant ever issued to the fixture grantee. The first is
/// `fixtures/supervisor.grant`.
pub const SUPERVISOR_GRANTS: &[IssuedSupervisor] = &[
    IssuedSupervisor {
        label: "王主管",
        departments: &["sales"],
        window: (JAN1, JAN1 + 31 * DAY),
        validity: (JAN1, JAN1 + 90 * DAY),
        issued_at: JAN1,
    },
    IssuedSupervisor {
        label: "support lead",
        departments: &["sales", "support"],
        window: (JAN1 - 10 * DAY + 7, JAN1 + 2 * DAY),
        validity: (0, i64::MAX),
        issued_at: JAN1 - DAY,
    },
    IssuedSupervisor {
        label: "archive auditor",
        departments: &["support"],
        window: (0, JAN1),
        validity: (JAN1, JAN1 + 7 * DAY),
        issued_at: JAN1,
    },
    IssuedSupervisor {
        label: "former lead",
        departments: &["sales"],
        window: (JAN1, JAN1 + DAY),
        validity: (JAN1 - 30 * DAY, JAN1),
        issued_at: JAN1 - 30 * DAY,
    },
];

/// An agent grant the seeds hold.
#[derive(Debug)]
pub struct IssuedAgent {
    /// Label.
    pub label: &'static str,
    /// Identifier classes, sorted.
    pub classes: &'static [IdClass],
    /// Validity.
    pub validity: (i64, i64),
    /// Issue time.
    pub issued_at: i64,
}

/// Every agent grant ever issued to the fixture grantee. The first is
/// `fixtures/agent.grant`.
pub const AGENT_GRANTS: &[IssuedAgent] = &[
    IssuedAgent {
        label: "agent 007",
        classes: &[IdClass::Phone],
        validity: (0, i64::MAX),
        issued_at: 0,
    },
    IssuedAgent {
        label: "agent 008",
        classes: &[IdClass::IdCard, IdClass::Email],
        validity: (JAN1, JAN1 + 7 * DAY),
        issued_at: JAN1,
    },
    IssuedAgent {
        label: "agent 009",
        classes: &[IdClass::Phone, IdClass::BankCard],
        validity: (NOW + 1, NOW + 2),
        issued_at: NOW,
    },
];

impl IssuedSupervisor {
    /// What `conversation_key` of the fixture conversation gives at [`NOW`].
    fn expected_conversation_key(&self) -> Result<(), ErrorKind> {
        validity_at(self.validity, NOW)?;
        if !self.departments.contains(&DEPARTMENT) {
            return Err(ErrorKind::GrantOutOfScope);
        }
        // Keys are per day: the grant holds whole days of its window.
        let day = STARTED_AT / DAY;
        if day < self.window.0 / DAY || day > (self.window.1 - 1) / DAY {
            return Err(ErrorKind::GrantOutOfScope);
        }
        Ok(())
    }

    /// What `permits` of the fixture conversation's start gives at [`NOW`].
    fn expected_permit(&self) -> Result<(), ErrorKind> {
        validity_at(self.validity, NOW)?;
        if !self.departments.contains(&DEPARTMENT)
            || STARTED_AT < self.window.0
            || STARTED_AT >= self.window.1
        {
            return Err(ErrorKind::GrantOutOfScope);
        }
        Ok(())
    }
}

impl IssuedAgent {
    /// What `customer_key` of the fixture customer gives at [`NOW`].
    fn expected_customer_key(&self) -> Result<(), ErrorKind> {
        validity_at(self.validity, NOW)?;
        if !self.classes.contains(&CLASS) {
            return Err(ErrorKind::GrantOutOfScope);
        }
        Ok(())
    }
}

fn validity_at((not_before, expires_at): (i64, i64), now: i64) -> Result<(), ErrorKind> {
    if now < not_before {
        Err(ErrorKind::GrantNotYetValid)
    } else if now >= expires_at {
        Err(ErrorKind::GrantExpired)
    } else {
        Ok(())
    }
}

/// The keys and objects every check works with, built once from the
/// committed fixtures.
pub struct Fixtures {
    /// The tenant's keyring over [`Fixtures::store`].
    pub ring: Keyring,
    /// A store holding the two fixture records.
    pub store: Arc<MemoryKeyStore>,
    /// The master key's fingerprint.
    pub master_fingerprint: String,
    /// The grantee every grant is sealed to.
    pub grantee: GranteeSecret,
    /// The tenant's grant-verification key.
    pub tenant_public: TenantPublic,
    /// Locator of the fixture conversation key.
    pub conversation: Locator,
    /// Locator of the fixture customer key.
    pub customer: Locator,
    /// Key id of the fixture conversation key.
    pub conversation_key_id: [u8; 32],
    /// Key id of the fixture customer key.
    pub customer_key_id: [u8; 32],
    /// The conversation key's sealer for each suite, in `Suite::ALL` order.
    pub sealers: Vec<Sealer>,
    /// `SUPERVISOR_GRANTS[0]`, opened.
    pub supervisor: SupervisorGrant,
    /// `AGENT_GRANTS[0]`, opened.
    pub agent: AgentGrant,
}

const REGENERATE: &str = "(regenerate with CHATVAULT_WRITE_FIXTURES=1 cargo test --test fuzz_corpus -- --ignored write_fixtures)";

/// The test KEK.
pub fn kek() -> Kek {
    Kek::from_bytes(KEK)
}

/// A fresh copy of the fixture master key.
pub fn master_key() -> MasterKey {
    MasterKey::import_with_kek(TENANT, fixture_bytes::MASTER_KEY, &kek())
        .unwrap_or_else(|e| panic!("fuzz/fixtures/master_key.cvws: {e} {REGENERATE}"))
}

/// The fixture conversation's key id.
pub fn conversation_id() -> DataKeyId {
    DataKeyId::conversation(DEPARTMENT, CONVERSATION)
}

/// The fixture customer's key id.
pub fn customer_id() -> DataKeyId {
    DataKeyId::customer(CUSTOMER, CLASS)
}

fn bad_fixture(what: &str, e: chatvault::Error) -> ! {
    panic!("fuzz/fixtures/{what}: {e} {REGENERATE}")
}

/// The fixtures, loaded on first use.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let master = master_key();
        let master_fingerprint = master.fingerprint();
        let store = Arc::new(MemoryKeyStore::new());
        let ring = Keyring::new(TENANT, master, store.clone()).expect("keyring");
        let conversation = ring.locator(&conversation_id()).expect("locator");
        let customer = ring.locator(&customer_id()).expect("locator");
        store
            .put(&conversation, fixture_bytes::CONVERSATION_RECORD)
            .expect("memory store");
        store
            .put(&customer, fixture_bytes::CUSTOMER_RECORD)
            .expect("memory store");
        let conversation_key = ring
            .data_key(&conversation_id())
            .unwrap_or_else(|e| bad_fixture("conversation.record", e));
        let customer_key = ring
            .data_key(&customer_id())
            .unwrap_or_else(|e| bad_fixture("customer.record", e));
        let grantee = GranteeSecret::import_with_kek(fixture_bytes::GRANTEE_SECRET, &kek())
            .unwrap_or_else(|e| bad_fixture("grantee_secret.cvws", e));
        let tenant_public = ring.tenant_public();
        let supervisor =
            SupervisorGrant::open(fixture_bytes::SUPERVISOR_GRANT, &grantee, &tenant_public)
                .unwrap_or_else(|e| bad_fixture("supervisor.grant", e));
        let agent = AgentGrant::open(fixture_bytes::AGENT_GRANT, &grantee, &tenant_public)
            .unwrap_or_else(|e| bad_fixture("agent.grant", e));
        Fixtures {
            sealers: Suite::ALL
                .iter()
                .map(|s| conversation_key.sealer(*s))
                .collect(),
            conversation_key_id: conversation_key.key_id(),
            customer_key_id: customer_key.key_id(),
            ring,
            store,
            master_fingerprint,
            grantee,
            tenant_public,
            conversation,
            customer,
            supervisor,
            agent,
        }
    })
}

// ---------------------------------------------------------------------------
// Reference readings of the formats' public framing.

/// Reads big-endian fields; running out of bytes is `Malformed`.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ErrorKind> {
        if self.0.len() < n {
            return Err(ErrorKind::Malformed);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, ErrorKind> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ErrorKind> {
        Ok(u16::from_be_bytes(self.take(2)?.try_into().expect("2")))
    }
    fn u32(&mut self) -> Result<u32, ErrorKind> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().expect("4")))
    }
    fn u64(&mut self) -> Result<u64, ErrorKind> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().expect("8")))
    }
    fn lp16(&mut self) -> Result<&'a [u8], ErrorKind> {
        let n = self.u16()? as usize;
        self.take(n)
    }
    fn utf8(&mut self) -> Result<&'a str, ErrorKind> {
        std::str::from_utf8(self.lp16()?).map_err(|_| ErrorKind::Malformed)
    }
    fn rest(&self) -> &'a [u8] {
        self.0
    }
}

/// An envelope header as the format defines it.
#[derive(Debug)]
struct RefHeader {
    suite: Suite,
    key_version: u32,
    key_id: [u8; 32],
    header_len: usize,
    plaintext_len: usize,
}

/// Sealed field: version 1 | suite | key version (4) | key id (32) | one
/// nonce (12), two for the cascade (suite 4) | ciphertext | one tag (16),
/// two for the cascade.
fn envelope_reference(b: &[u8]) -> Result<RefHeader, ErrorKind> {
    let mut c = Cursor(b);
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    let (suite, layers) = match c.u8()? {
        1 => (Suite::Aes256Gcm, 1),
        2 => (Suite::Sm4Gcm, 1),
        3 => (Suite::ChaCha20Poly1305, 1),
        4 => (Suite::Aes256GcmSm4Gcm, 2),
        _ => return Err(ErrorKind::UnsupportedSuite),
    };
    let header_len = 38 + 12 * layers;
    let min = header_len + 16 * layers;
    if b.len() < min {
        return Err(ErrorKind::Malformed);
    }
    let key_version = c.u32()?;
    let key_id = c.take(32)?.try_into().expect("32");
    Ok(RefHeader {
        suite,
        key_version,
        key_id,
        header_len,
        plaintext_len: b.len() - min,
    })
}

/// How an envelope that does not open is rejected: for its header, or
/// else as `Decrypt`.
fn envelope_failure(envelope: &[u8]) -> ErrorKind {
    envelope_reference(envelope)
        .err()
        .unwrap_or(ErrorKind::Decrypt)
}

#[track_caller]
fn expect_err<T>(r: chatvault::Result<T>, kind: ErrorKind, what: &str) {
    match r {
        Ok(_) => panic!("{what}: accepted, expected {kind:?}"),
        Err(e) => assert_eq!(e.kind(), kind, "{what}: {e}"),
    }
}

// ---------------------------------------------------------------------------
// envelope

/// `EnvelopeHeader::parse`, and `Sealer::open` under the fixture key's
/// sealer of each suite.
///
/// Properties: the header parses exactly as the format says; an envelope
/// opens under at most one sealer, only for its context, and holds one of
/// [`PLAINTEXTS`] with the header's length; every other input fails with
/// its header's error or `Decrypt`.
pub fn envelope(data: &[u8]) -> bool {
    let f = fixtures();
    let parsed = EnvelopeHeader::parse(data);
    let reference = envelope_reference(data);
    match (&parsed, &reference) {
        (Ok(h), Ok(r)) => {
            assert_eq!(h.suite(), r.suite);
            assert_eq!(h.key_version(), r.key_version);
            assert_eq!(h.key_id(), &r.key_id);
            assert_eq!(h.header_len(), r.header_len);
            assert_eq!(h.plaintext_len(), r.plaintext_len);
        }
        (Err(e), Err(k)) => assert_eq!(e.kind(), *k, "EnvelopeHeader::parse: {e}"),
        _ => panic!("EnvelopeHeader::parse gave {parsed:?}, the format says {reference:?}"),
    }
    let (tenant, record, field) = ENVELOPE_CONTEXT;
    let ctx = Context::new(tenant, record, field);
    let mut opened = 0;
    for sealer in &f.sealers {
        match sealer.open(&ctx, data) {
            Ok(plain) => {
                opened += 1;
                let h = parsed
                    .as_ref()
                    .expect("an envelope that opens has a header");
                assert_eq!(h.suite(), sealer.suite());
                assert_eq!(h.key_version(), sealer.key_version());
                assert_eq!(h.key_id(), sealer.key_id());
                assert_eq!(h.plaintext_len(), plain.len());
                assert!(
                    PLAINTEXTS.contains(&&plain[..]),
                    "opened to {} bytes nobody sealed",
                    plain.len()
                );
                for other in [
                    Context::new(tenant, "conv-1/msg-2", field),
                    Context::new(tenant, record, "subject"),
                    Context::new("acme2", record, field),
                ] {
                    expect_err(
                        sealer.open(&other, data),
                        ErrorKind::Decrypt,
                        "an envelope opened for another context",
                    );
                }
            }
            Err(e) => assert_eq!(
                e.kind(),
                envelope_failure(data),
                "{} open: {e}",
                sealer.suite().name()
            ),
        }
    }
    assert!(opened <= 1, "one envelope opened under {opened} sealers");
    opened == 1
}

// ---------------------------------------------------------------------------
// wrapped_secret

const KIND_MASTER_KEY: u8 = 1;
const KIND_GRANTEE_SECRET: u8 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Passphrase,
    Kek,
}

/// A wrapped secret whose framing is sound: what remains is its envelope.
struct RefWrapped<'a> {
    /// Argon2id memory (KiB) and passes, for the passphrase method.
    cost: Option<(u32, u32)>,
    envelope: &'a [u8],
}

/// Wrapped secret: "CVWS" | version 1 | kind | method, then for method 1
/// (passphrase) m_kib, t, p (u32 each, within the caps) and a 16-byte salt,
/// for method 2 (KEK) the KEK's 32-byte id; then the envelope.
fn wrapped_reference(b: &[u8], kind: u8, method: Method) -> Result<RefWrapped<'_>, ErrorKind> {
    let mut c = Cursor(b);
    if c.take(4)? != b"CVWS" {
        return Err(ErrorKind::Malformed);
    }
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    if c.u8()? != kind {
        return Err(ErrorKind::InvalidInput);
    }
    let cost = match (c.u8()?, method) {
        (1, Method::Passphrase) => {
            let (m, t, p) = (c.u32()?, c.u32()?, c.u32()?);
            let within_caps = (1..=Argon2Params::MAX_LANES).contains(&p)
                && (1..=Argon2Params::MAX_PASSES).contains(&t)
                && m >= 8 * p
                && m <= Argon2Params::MAX_MEMORY_KIB;
            if !within_caps {
                return Err(ErrorKind::Malformed);
            }
            c.take(16)?;
            Some((m, t))
        }
        (2, Method::Kek) => {
            c.take(32)?;
            None
        }
        (1, Method::Kek) | (2, Method::Passphrase) => return Err(ErrorKind::InvalidInput),
        _ => return Err(ErrorKind::Malformed),
    };
    Ok(RefWrapped {
        cost,
        envelope: c.rest(),
    })
}

/// Runs `import` unless the blob asks for more Argon2id work than
/// [`ARGON2_BUDGET`]; checks a rejection against the reference and returns
/// what was imported.
fn import_checked<T>(
    data: &[u8],
    kind: u8,
    method: Method,
    what: &str,
    import: impl FnOnce() -> chatvault::Result<T>,
) -> Option<T> {
    let reference = wrapped_reference(data, kind, method);
    if let Ok(RefWrapped {
        cost: Some((m, t)), ..
    }) = &reference
    {
        if u64::from(*m) * u64::from(*t) > ARGON2_BUDGET {
            return None;
        }
    }
    match import() {
        Ok(v) => {
            let r = reference
                .as_ref()
                .unwrap_or_else(|k| panic!("{what}: imported a blob the format rejects ({k:?})"));
            assert_eq!(r.envelope.len(), WRAPPED_ENVELOPE_LEN, "{what}");
            Some(v)
        }
        Err(e) => {
            let expected = match &reference {
                Err(k) => *k,
                Ok(r) => envelope_failure(r.envelope),
            };
            assert_eq!(e.kind(), expected, "{what}: {e}");
            None
        }
    }
}

/// `MasterKey` and `GranteeSecret` imports, under the KEK and under a
/// passphrase.
///
/// Properties: rejections get the error the framing predicts (parameters
/// beyond the Argon2id caps are `Malformed`, refused before any work);
/// whatever imports is the fixture master key or grantee secret, and only
/// under its tenant and its KEK or passphrase. (The test KEK and passphrase
/// are public, so anyone could wrap another key under them; no seed does,
/// and a fuzzer cannot without forging AES-256-GCM.)
pub fn wrapped_secret(data: &[u8]) -> bool {
    let f = fixtures();
    let kek = kek();
    let wrong_kek = Kek::from_bytes([8; 32]);
    let mut accepted = false;

    let master = import_checked(
        data,
        KIND_MASTER_KEY,
        Method::Kek,
        "master key (KEK)",
        || MasterKey::import_with_kek(TENANT, data, &kek),
    );
    if let Some(k) = master {
        accepted = true;
        assert_eq!(
            k.fingerprint(),
            f.master_fingerprint,
            "a master key nobody wrapped"
        );
        expect_err(
            MasterKey::import_with_kek("acme-other", data, &kek),
            ErrorKind::Decrypt,
            "master key imported for another tenant",
        );
        expect_err(
            MasterKey::import_with_kek(TENANT, data, &wrong_kek),
            ErrorKind::Decrypt,
            "master key imported under another KEK",
        );
    }

    let master = import_checked(
        data,
        KIND_MASTER_KEY,
        Method::Passphrase,
        "master key (passphrase)",
        || MasterKey::import_with_passphrase(TENANT, data, PASSPHRASE),
    );
    if let Some(k) = master {
        accepted = true;
        assert_eq!(
            k.fingerprint(),
            f.master_fingerprint,
            "a master key nobody wrapped"
        );
        expect_err(
            MasterKey::import_with_passphrase(TENANT, data, b"another passphrase"),
            ErrorKind::Decrypt,
            "master key imported under another passphrase",
        );
    }

    let grantee = import_checked(
        data,
        KIND_GRANTEE_SECRET,
        Method::Kek,
        "grantee secret (KEK)",
        || GranteeSecret::import_with_kek(data, &kek),
    );
    if let Some(g) = grantee {
        accepted = true;
        assert_eq!(
            g.public(),
            f.grantee.public(),
            "a grantee secret nobody wrapped"
        );
        expect_err(
            GranteeSecret::import_with_kek(data, &wrong_kek),
            ErrorKind::Decrypt,
            "grantee secret imported under another KEK",
        );
    }

    let grantee = import_checked(
        data,
        KIND_GRANTEE_SECRET,
        Method::Passphrase,
        "grantee secret (passphrase)",
        || GranteeSecret::import_with_passphrase(data, PASSPHRASE),
    );
    if let Some(g) = grantee {
        accepted = true;
        assert_eq!(
            g.public(),
            f.grantee.public(),
            "a grantee secret nobody wrapped"
        );
    }
    accepted
}

// ---------------------------------------------------------------------------
// grant

const KIND_SUPERVISOR: u8 = 1;
const KIND_AGENT: u8 = 2;

/// Grant: "CVGR" | version 1 | kind | ephemeral X25519 key (32) | recipient
/// X25519 key (32) | envelope. Returns the envelope.
fn grant_reference<'a>(b: &'a [u8], kind: u8, recipient: &[u8; 32]) -> Result<&'a [u8], ErrorKind> {
    let mut c = Cursor(b);
    if c.take(4)? != b"CVGR" {
        return Err(ErrorKind::Malformed);
    }
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    if c.u8()? != kind {
        return Err(ErrorKind::InvalidInput);
    }
    c.take(32)?;
    if c.take(32)? != recipient {
        return Err(ErrorKind::GrantInvalid);
    }
    Ok(c.rest())
}

#[track_caller]
fn check_grant_failure(e: &chatvault::Error, reference: &Result<&[u8], ErrorKind>, what: &str) {
    let allowed = match reference {
        Err(k) => vec![*k],
        // A low-order ephemeral key is refused as Decrypt before the
        // envelope is read; one sealed to the grantee by anyone but the
        // owner opens but fails the issuer's signature.
        Ok(env) => match envelope_reference(env) {
            Err(k) => vec![k, ErrorKind::Decrypt],
            Ok(_) => vec![ErrorKind::Decrypt, ErrorKind::GrantInvalid],
        },
    };
    assert!(
        allowed.contains(&e.kind()),
        "{what}: {e}, expected one of {allowed:?}"
    );
}

fn validity_of(v: (i64, i64)) -> Validity {
    Validity {
        not_before: v.0,
        expires_at: v.1,
    }
}

#[track_caller]
fn check_key(got: chatvault::Result<DataKey>, expected: Result<[u8; 32], ErrorKind>, what: &str) {
    match (got, expected) {
        (Ok(k), Ok(id)) => assert_eq!(k.key_id(), id, "{what}: another key"),
        (Ok(_), Err(kind)) => panic!("{what}: gave a key, expected {kind:?}"),
        (Err(e), Ok(_)) => panic!("{what}: {e}, expected the key"),
        (Err(e), Err(kind)) => assert_eq!(e.kind(), kind, "{what}: {e}"),
    }
}

/// `SupervisorGrant::open` and `AgentGrant::open` with the fixture grantee
/// secret and tenant key.
///
/// Properties: rejections get the error the framing predicts; whatever
/// opens is one of [`SUPERVISOR_GRANTS`] or [`AGENT_GRANTS`] as issued, and
/// gives exactly the fixture keys its scope and validity allow.
pub fn grant(data: &[u8]) -> bool {
    let f = fixtures();
    let recipient = *f.grantee.public().as_bytes();
    let mut accepted = false;

    let reference = grant_reference(data, KIND_SUPERVISOR, &recipient);
    match SupervisorGrant::open(data, &f.grantee, &f.tenant_public) {
        Ok(g) => {
            accepted = true;
            assert!(reference.is_ok(), "opened a grant the format rejects");
            let issued = SUPERVISOR_GRANTS
                .iter()
                .find(|i| {
                    g.label() == i.label
                        && g.departments() == i.departments
                        && g.window() == i.window
                        && g.validity() == validity_of(i.validity)
                        && g.issued_at() == i.issued_at
                })
                .unwrap_or_else(|| panic!("opened a supervisor grant nobody issued: {g:?}"));
            check_key(
                g.conversation_key(&*f.store, DEPARTMENT, CONVERSATION, NOW),
                issued
                    .expected_conversation_key()
                    .map(|()| f.conversation_key_id),
                "supervisor grant, fixture conversation",
            );
            match (
                g.permits(DEPARTMENT, STARTED_AT, NOW),
                issued.expected_permit(),
            ) {
                (Ok(()), Ok(())) => {}
                (Err(e), Err(k)) => assert_eq!(e.kind(), k, "permits: {e}"),
                (got, want) => panic!("permits gave {got:?}, expected {want:?}"),
            }
        }
        Err(e) => check_grant_failure(&e, &reference, "supervisor grant"),
    }

    let reference = grant_reference(data, KIND_AGENT, &recipient);
    match AgentGrant::open(data, &f.grantee, &f.tenant_public) {
        Ok(g) => {
            accepted = true;
            assert!(reference.is_ok(), "opened a grant the format rejects");
            let issued = AGENT_GRANTS
                .iter()
                .find(|i| {
                    g.label() == i.label
                        && g.classes() == i.classes
                        && g.validity() == validity_of(i.validity)
                        && g.issued_at() == i.issued_at
                })
                .unwrap_or_else(|| panic!("opened an agent grant nobody issued: {g:?}"));
            let expected = issued.expected_customer_key();
            check_key(
                g.customer_key(&*f.store, CUSTOMER, CLASS, NOW),
                expected.map(|()| f.customer_key_id),
                "agent grant, fixture customer",
            );
            match (g.permits(CLASS, NOW), expected) {
                (Ok(()), Ok(())) => {}
                (Err(e), Err(k)) => assert_eq!(e.kind(), k, "permits: {e}"),
                (got, want) => panic!("permits gave {got:?}, expected {want:?}"),
            }
        }
        Err(e) => check_grant_failure(&e, &reference, "agent grant"),
    }
    accepted
}

// ---------------------------------------------------------------------------
// tenant_public

/// Tenant public key: "CVTP" | version 1 | u16 length | tenant (UTF-8, 1 to
/// 256 bytes) | Ed25519 key (32), nothing after.
fn tenant_public_reference(b: &[u8]) -> Result<&str, ErrorKind> {
    let mut c = Cursor(b);
    if c.take(4)? != b"CVTP" {
        return Err(ErrorKind::Malformed);
    }
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    let tenant = c.utf8()?;
    if tenant.is_empty() || tenant.len() > 256 {
        return Err(ErrorKind::Malformed);
    }
    c.take(32)?;
    if !c.rest().is_empty() {
        return Err(ErrorKind::Malformed);
    }
    Ok(tenant)
}

/// `TenantPublic::from_bytes`.
///
/// Properties: it accepts only what the format allows, and then
/// `to_bytes` gives back the input; rejections get the predicted error
/// (only the curve point is left to the library); a parsed key verifies
/// the fixture grant exactly when it is the fixture tenant's key.
pub fn tenant_public(data: &[u8]) -> bool {
    let f = fixtures();
    let reference = tenant_public_reference(data);
    match TenantPublic::from_bytes(data) {
        Ok(tp) => {
            let tenant = reference
                .unwrap_or_else(|k| panic!("accepted a tenant key the format rejects ({k:?})"));
            assert_eq!(tp.tenant(), tenant);
            assert_eq!(tp.to_bytes(), data, "to_bytes does not give back the input");
            assert_eq!(TenantPublic::from_bytes(&tp.to_bytes()).as_ref(), Ok(&tp));
            let opened = SupervisorGrant::open(fixture_bytes::SUPERVISOR_GRANT, &f.grantee, &tp);
            if tp == f.tenant_public {
                assert!(opened.is_ok(), "the tenant's own key rejects its grant");
            } else if tp.tenant() != TENANT {
                expect_err(
                    opened,
                    ErrorKind::Decrypt,
                    "grant opened for another tenant",
                );
            } else {
                expect_err(
                    opened,
                    ErrorKind::GrantInvalid,
                    "grant verified under another key",
                );
            }
            true
        }
        Err(e) => {
            // With sound framing only the key can be refused: not a point.
            let expected = reference.err().unwrap_or(ErrorKind::Malformed);
            assert_eq!(e.kind(), expected, "TenantPublic::from_bytes: {e}");
            false
        }
    }
}

// ---------------------------------------------------------------------------
// key_record

/// A wrapped data key record's header as the format defines it.
#[derive(Debug)]
struct RefRecord<'a> {
    domain: Domain,
    domain_version: u32,
    key_version: u32,
    day: u32,
    envelope: &'a [u8],
}

/// Wrapped data key: version 1 | kind (1 archive, 2 identifier) | domain
/// version (4) | key version (4) | day (4) | class (0 for archive) | u16
/// length | department (UTF-8; 1 to 64 bytes for archive, empty for
/// identifier) | envelope (docs/FORMAT.md, section 6).
fn record_reference(b: &[u8]) -> Result<RefRecord<'_>, ErrorKind> {
    let mut c = Cursor(b);
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    let kind = c.u8()?;
    let domain_version = c.u32()?;
    let key_version = c.u32()?;
    let day = c.u32()?;
    let class = c.u8()?;
    let department = c.utf8()?;
    let domain = match (kind, class, department) {
        // Archive days stop at the end of the key tree (2^24 - 1);
        // identifier records carry day 0.
        (1, 0, d) if (1..=64).contains(&d.len()) && day < 1 << 24 => Domain::Archive(d.to_owned()),
        (2, 1..=5, "") if day == 0 => Domain::Identifier(IdClass::ALL[usize::from(class) - 1]),
        _ => return Err(ErrorKind::Malformed),
    };
    Ok(RefRecord {
        domain,
        domain_version,
        key_version,
        day,
        envelope: c.rest(),
    })
}

/// How `Keyring::data_key` rejects a record that does not open: for its
/// header, or else for its envelope.
fn data_key_failure(reference: &Result<RefRecord<'_>, ErrorKind>) -> ErrorKind {
    match reference {
        Err(k) => *k,
        Ok(r) => envelope_failure(r.envelope),
    }
}

#[track_caller]
fn check_record_key(
    got: chatvault::Result<DataKey>,
    reference: &Result<RefRecord<'_>, ErrorKind>,
    expected_failure: ErrorKind,
    key_id: [u8; 32],
    what: &str,
) -> bool {
    match got {
        Ok(k) => {
            let r = reference.as_ref().unwrap_or_else(|kind| {
                panic!("{what}: opened a record the format rejects ({kind:?})")
            });
            assert_eq!(k.key_id(), key_id, "{what}: opened to a key nobody stored");
            assert_eq!(k.version(), r.key_version, "{what}: key version");
            true
        }
        Err(e) => {
            assert_eq!(e.kind(), expected_failure, "{what}: {e}");
            false
        }
    }
}

/// The input as the wrapped data key of the fixture conversation and of the
/// fixture customer, read by `Keyring::data_key`, by the fixture grants, and
/// by `Keyring::rotate`.
///
/// Properties: rejections get the error the header predicts (scope errors
/// for records outside a grant); whatever opens is the fixture key stored
/// at that locator, at the header's key version; rotating rewraps a real
/// record to the same key and revokes the earlier supervisor grant.
pub fn key_record(data: &[u8]) -> bool {
    let f = fixtures();
    let store = Arc::new(MemoryKeyStore::new());
    store.put(&f.conversation, data).expect("memory store");
    store.put(&f.customer, data).expect("memory store");
    let ring = Keyring::new(TENANT, master_key(), store.clone()).expect("keyring");
    let reference = record_reference(data);
    let failure = data_key_failure(&reference);

    let conversation_opens = check_record_key(
        ring.data_key(&conversation_id()),
        &reference,
        failure,
        f.conversation_key_id,
        "conversation key",
    );
    let customer_opens = check_record_key(
        ring.data_key(&customer_id()),
        &reference,
        failure,
        f.customer_key_id,
        "customer key",
    );

    let sales = Domain::Archive(DEPARTMENT.to_owned());
    let issued = &SUPERVISOR_GRANTS[0];
    let (first_day, last_day) = (issued.window.0 / DAY, (issued.window.1 - 1) / DAY);
    let supervisor_failure = match &reference {
        Err(k) => *k,
        Ok(r) if r.domain != sales || r.domain_version != 1 => ErrorKind::GrantOutOfScope,
        Ok(r) if i64::from(r.day) < first_day || i64::from(r.day) > last_day => {
            ErrorKind::GrantOutOfScope
        }
        Ok(r) => envelope_failure(r.envelope),
    };
    check_record_key(
        f.supervisor
            .conversation_key(&*store, DEPARTMENT, CONVERSATION, NOW),
        &reference,
        supervisor_failure,
        f.conversation_key_id,
        "supervisor grant",
    );
    let agent_failure = match &reference {
        Err(k) => *k,
        Ok(r) if r.domain != Domain::Identifier(CLASS) || r.domain_version != 1 => {
            ErrorKind::GrantOutOfScope
        }
        Ok(r) => envelope_failure(r.envelope),
    };
    check_record_key(
        f.agent.customer_key(&*store, CUSTOMER, CLASS, NOW),
        &reference,
        agent_failure,
        f.customer_key_id,
        "agent grant",
    );

    // Rotation reads every record in the store: leave only the one at the
    // conversation's locator.
    store.destroy(&f.customer).expect("memory store");
    let rotation = ring.rotate(&sales);
    match &reference {
        Err(k) => expect_err(rotation, *k, "rotation over an unreadable record"),
        Ok(r) if r.domain != sales || r.domain_version == 2 => {
            let rot = rotation.expect("rotation that has nothing to rewrap");
            assert_eq!(rot.rewrapped, 0);
        }
        Ok(_) if !conversation_opens => expect_err(
            rotation,
            failure,
            "rotation over a record that does not open",
        ),
        Ok(_) => {
            let rot = rotation.expect("rotation");
            assert_eq!((rot.old_version, rot.new_version, rot.rewrapped), (1, 2, 1));
            let rotated = store
                .get(&f.conversation)
                .expect("memory store")
                .expect("rotation keeps the record");
            let header = record_reference(&rotated).expect("rotation writes a sound record");
            assert_eq!(header.domain_version, 2);
            check_key(
                ring.data_key(&conversation_id()),
                Ok(f.conversation_key_id),
                "conversation key after rotation",
            );
            check_key(
                f.supervisor
                    .conversation_key(&*store, DEPARTMENT, CONVERSATION, NOW),
                Err(ErrorKind::GrantOutOfScope),
                "supervisor grant after rotation",
            );
        }
    }
    conversation_opens || customer_opens
}

// ---------------------------------------------------------------------------
// versions

/// Version table: "CVVT" | 1 | u32 count | count × (domain tag | u16 length
/// | scope | u32 version), nothing after. Domains: 1 archive (department,
/// UTF-8, 1 to 64 bytes), 2 identifier (one class byte), 3 blind index and
/// 4 pseudonym (empty scope); each domain at most once. Every error is
/// `Malformed` (docs/FORMAT.md, section 7.1).
fn versions_reference(b: &[u8]) -> Result<BTreeMap<Domain, u32>, ErrorKind> {
    let mut c = Cursor(b);
    if c.take(4)? != b"CVVT" {
        return Err(ErrorKind::Malformed);
    }
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    let n = c.u32()?;
    let mut out = BTreeMap::new();
    for _ in 0..n {
        let tag = c.u8()?;
        let scope = c.lp16()?;
        let domain = match (tag, scope) {
            (1, d) => {
                let d = std::str::from_utf8(d).map_err(|_| ErrorKind::Malformed)?;
                if d.is_empty() || d.len() > 64 {
                    return Err(ErrorKind::Malformed);
                }
                Domain::Archive(d.to_owned())
            }
            (2, [class @ 1..=5]) => Domain::Identifier(IdClass::ALL[usize::from(*class) - 1]),
            (3, []) => Domain::BlindIndex,
            (4, []) => Domain::Pseudonym,
            _ => return Err(ErrorKind::Malformed),
        };
        if out.insert(domain, c.u32()?).is_some() {
            return Err(ErrorKind::Malformed);
        }
    }
    if !c.rest().is_empty() {
        return Err(ErrorKind::Malformed);
    }
    Ok(out)
}

/// The input as a store's saved version table, loaded by `Keyring::new`.
///
/// Properties: the keyring accepts exactly the tables the format allows
/// and then reports each domain's version from it (1 for others); a
/// rotation saves a table that reads back as the same versions with the
/// rotated domain one higher.
pub fn versions(data: &[u8]) -> bool {
    let store = Arc::new(MemoryKeyStore::new());
    store.store_versions(data).expect("memory store");
    let reference = versions_reference(data);
    let ring = match Keyring::new(TENANT, master_key(), store.clone()) {
        Ok(ring) => ring,
        Err(e) => {
            let k = reference
                .err()
                .unwrap_or_else(|| panic!("rejected a version table the format allows: {e}"));
            assert_eq!(e.kind(), k, "Keyring::new: {e}");
            return false;
        }
    };
    let table =
        reference.unwrap_or_else(|k| panic!("accepted a version table the format rejects ({k:?})"));
    let mut probes: Vec<Domain> = table.keys().cloned().collect();
    probes.extend([
        Domain::Archive(DEPARTMENT.to_owned()),
        Domain::BlindIndex,
        Domain::Pseudonym,
    ]);
    probes.extend(IdClass::ALL.map(Domain::Identifier));
    for d in &probes {
        let want = table.get(d).copied().unwrap_or(1);
        assert_eq!(ring.version(d).expect("version"), want, "{d:?}");
    }

    let rotated = Domain::BlindIndex;
    let old = table.get(&rotated).copied().unwrap_or(1);
    match ring.rotate(&rotated) {
        Ok(rot) => {
            assert_eq!((rot.old_version, rot.new_version), (old, old + 1));
            let saved = store
                .load_versions()
                .expect("memory store")
                .expect("rotation saves the table");
            let mut want = table.clone();
            want.insert(rotated, old + 1);
            assert_eq!(versions_reference(&saved), Ok(want.clone()), "saved table");
            let again = Keyring::new(TENANT, master_key(), store.clone()).expect("reload");
            for (d, v) in &want {
                assert_eq!(again.version(d).expect("version"), *v, "{d:?} after reload");
            }
        }
        Err(e) => {
            assert_eq!(old, u32::MAX, "rotation from version {old}: {e}");
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        }
    }
    true
}

// ---------------------------------------------------------------------------
// file_store

/// Bytes per slot of `keys.slots`.
pub const SLOT_LEN: usize = 256;
/// Slot: state (1 = used) | generation (8) | locator (32) | u16 record
/// length | record | zero padding | checksum (4, first bytes of SHA-256 of
/// everything before it). An all-zero slot is free.
const SLOT_HEADER: usize = 1 + 8 + 32 + 2;
/// Longest record a slot holds.
pub const MAX_SLOT_RECORD: usize = SLOT_LEN - SLOT_HEADER - 4;

/// A non-free slot whose state and length are sound (its checksum is not
/// checked here).
struct RefSlot {
    generation: u64,
    locator: Locator,
    record: Vec<u8>,
}

/// The file's slots, a partial last one padded with zeros as the store
/// reads it.
fn slots_of(b: &[u8]) -> Vec<[u8; SLOT_LEN]> {
    b.chunks(SLOT_LEN)
        .map(|chunk| {
            let mut slot = [0u8; SLOT_LEN];
            slot[..chunk.len()].copy_from_slice(chunk);
            slot
        })
        .collect()
}

/// `None` for a free slot; `Some(Err(()))` for one no valid slot can be.
fn read_slot(slot: &[u8; SLOT_LEN]) -> Option<Result<RefSlot, ()>> {
    if slot.iter().all(|b| *b == 0) {
        return None;
    }
    let mut c = Cursor(slot);
    let state = c.u8().expect("slot");
    let generation = c.u64().expect("slot");
    let locator: Locator = c.take(32).expect("slot").try_into().expect("32");
    let len = usize::from(c.u16().expect("slot"));
    // Generations count writes from 1; one at or past 2^63 is damage.
    if state != 1 || len > MAX_SLOT_RECORD || generation >= 1 << 63 {
        return Some(Err(()));
    }
    Some(Ok(RefSlot {
        generation,
        locator,
        record: c.take(len).expect("slot").to_vec(),
    }))
}

#[track_caller]
fn assert_holds(store: &FileKeyStore, want: &BTreeMap<Locator, Vec<u8>>, what: &str) {
    let mut locators = store.locators().expect("locators");
    locators.sort();
    assert_eq!(
        locators,
        want.keys().copied().collect::<Vec<_>>(),
        "{what}: locators"
    );
    for (locator, record) in want {
        let got = store
            .get(locator)
            .unwrap_or_else(|e| panic!("{what}: get: {e}"))
            .unwrap_or_else(|| panic!("{what}: a listed locator has no record"));
        assert_eq!(&got, record, "{what}: record");
    }
}

/// The input as `keys.slots` of a `FileKeyStore` directory, opened with
/// `open` and with `open_repairing`, then written to and reopened.
///
/// Properties: `open` accepts only a file whose every slot is free or
/// sound and then holds, for each locator, the record of its newest slot;
/// `open_repairing` accepts any file, keeps only sound slots in place, one
/// per locator, and leaves a store that opens without repair; records put
/// or destroyed afterwards are there, or gone, on the next open.
pub fn file_store(data: &[u8]) -> bool {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("keys.slots");
    std::fs::write(&path, data).expect("writing keys.slots");
    let slots = slots_of(data);
    let read: Vec<_> = slots.iter().map(read_slot).collect();

    let accepted = match FileKeyStore::open(dir.path()) {
        Ok(store) => {
            assert!(
                !read.iter().any(|s| matches!(s, Some(Err(())))),
                "open accepted a slot with a bad state byte or record length"
            );
            let mut newest: BTreeMap<Locator, (u64, Vec<u8>)> = BTreeMap::new();
            for slot in read.iter().flatten().flatten() {
                match newest.get(&slot.locator) {
                    Some((generation, _)) if *generation > slot.generation => {}
                    _ => {
                        newest.insert(slot.locator, (slot.generation, slot.record.clone()));
                    }
                }
            }
            let want = newest.into_iter().map(|(l, (_, r))| (l, r)).collect();
            assert_holds(&store, &want, "open");
            Some(want)
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Io, "open: {e}");
            None
        }
    };

    std::fs::write(&path, data).expect("writing keys.slots");
    let store = FileKeyStore::open_repairing(dir.path())
        .unwrap_or_else(|e| panic!("open_repairing refused a file: {e}"));
    let repaired = slots_of(&std::fs::read(&path).expect("reading keys.slots"));
    assert!(repaired.len() <= slots.len(), "repair added slots");
    let mut kept = BTreeMap::new();
    for (i, slot) in repaired.iter().enumerate() {
        let Some(found) = read_slot(slot) else {
            continue;
        };
        assert_eq!(
            slot, &slots[i],
            "repair changed slot {i} instead of freeing it"
        );
        let found = found.unwrap_or_else(|()| panic!("repair kept unsound slot {i}"));
        assert!(
            kept.insert(found.locator, found.record).is_none(),
            "repair kept two slots of one locator"
        );
    }
    assert_holds(&store, &kept, "open_repairing");
    if let Some(want) = &accepted {
        assert_eq!(&kept, want, "repairing a sound file changed what it holds");
    }
    drop(store);

    let store = FileKeyStore::open(dir.path())
        .unwrap_or_else(|e| panic!("a repaired store does not open: {e}"));
    assert_holds(&store, &kept, "reopened after repair");
    let mut fresh = [0xa5u8; 32];
    while kept.contains_key(&fresh) {
        fresh[0] = fresh[0].wrapping_add(1);
    }
    let existing: Vec<Locator> = kept.keys().copied().collect();
    store.put(&fresh, b"fresh record").expect("put");
    kept.insert(fresh, b"fresh record".to_vec());
    if let Some(first) = existing.first() {
        store.put(first, b"replaced record").expect("put");
        kept.insert(*first, b"replaced record".to_vec());
    }
    if let Some(second) = existing.get(1) {
        assert!(
            store.destroy(second).expect("destroy"),
            "destroy found nothing"
        );
        kept.remove(second);
    }
    assert_holds(&store, &kept, "after writes");
    drop(store);
    let store = FileKeyStore::open(dir.path())
        .unwrap_or_else(|e| panic!("the store does not reopen after writes: {e}"));
    assert_holds(&store, &kept, "reopened after writes");
    accepted.is_some()
}

// ---------------------------------------------------------------------------
// pii_detect

/// A keyring of its own for masking arbitrary text (its customer keys are
/// created on demand, so it must not be the fixture store).
fn pii_ring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(|| {
        Keyring::new(TENANT, master_key(), Arc::new(MemoryKeyStore::new())).expect("keyring")
    })
}

/// Whether a finding's value passes its type's own check.
fn finding_valid(entity: chatvault::pii::EntityType, value: &str) -> bool {
    use chatvault::mask::normalize;
    use chatvault::pii::{checks as c, EntityType as E};
    let n = normalize(entity, value);
    let b = n.as_bytes();
    match entity {
        E::CnMobile => c::cn_mobile_valid(b),
        E::CnResidentId => c::cn_id18_valid(b, 9999) || c::cn_id15_valid(b),
        E::BankCard => c::luhn_valid(b) && (16..=19).contains(&b.len()),
        E::Email => value.contains('@'),
        E::Ipv4 => value.parse::<std::net::Ipv4Addr>().is_ok(),
        E::Ipv6 => value.parse::<std::net::Ipv6Addr>().is_ok(),
        E::EthAddress => c::eth_address_valid(value.as_bytes()),
        E::BtcAddress => {
            c::btc_base58check_valid(value.as_bytes()) || c::btc_bech32_valid(value.as_bytes())
        }
        E::TwId => c::tw_id_valid(b),
        E::CnPassport => c::cn_passport_valid(b),
        _ => true,
    }
}

/// `Detector::detect`, `StreamDetector::push` over the text cut in two,
/// and `Masker::mask` then `RestoreMap::restore` on what was found.
///
/// Properties: findings are sorted, disjoint, on character boundaries,
/// confident enough, and each passes its type's check; a stream finding's
/// parts lie in their messages; restoring the masked text (also from the
/// map's bytes) gives back the exact input. Returns whether anything was
/// found; input that is not UTF-8 is rejected.
pub fn pii_detect(data: &[u8]) -> bool {
    use chatvault::mask::{CustomerKeys, Masker, RecordRef, RestoreMap};
    use chatvault::pii::{Detector, StreamDetector};
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let detector = Detector::new();
    let found = detector.detect(text).expect("under the size limit");
    let mut end = 0;
    for f in &found {
        assert!(
            f.span.start >= end && f.span.start < f.span.end,
            "{found:?}"
        );
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert!((0.5..=1.0).contains(&f.confidence), "{f:?}");
        let value = &text[f.span.clone()];
        assert!(finding_valid(f.entity, value), "{:?} {value:?}", f.entity);
        end = f.span.end;
    }

    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    let (first, second) = text.split_at(cut);
    let mut stream = StreamDetector::new(detector);
    let a = stream.push(first).expect("push");
    let b = stream.push(second).expect("push");
    assert!(a
        .iter()
        .all(|f| f.previous.is_none() && f.finding.span.end <= first.len()));
    for f in &b {
        assert!(f.finding.span.end <= second.len());
        if let Some(p) = &f.previous {
            assert!(p.start < p.end && p.end <= first.len(), "{f:?}");
            assert!(first.is_char_boundary(p.start) && first.is_char_boundary(p.end));
        }
    }

    let ring = pii_ring();
    let keys = CustomerKeys::new(ring, CUSTOMER);
    let at = RecordRef::new(TENANT, "conv-1/msg-1");
    let masker = Masker::new(ring.pseudonym_key().expect("pseudonym key"));
    let masked = masker.mask(text, &found, &keys, &at).expect("mask");
    assert_eq!(masked.map.len(), found.len());
    let map = RestoreMap::from_bytes(&masked.map.to_bytes()).expect("own map parses");
    assert_eq!(
        map.restore(&masked.text, &keys, &at).expect("restore"),
        text
    );
    !found.is_empty()
}

// ---------------------------------------------------------------------------
// restore_map

/// The text whose restore map the `restore_map` seeds hold: phone numbers
/// only, so the fixture customer key ([`CLASS`]) seals every original.
pub const MASKED_ORIGINAL: &str = "手机 13800138000，备用 +86 139 0013 9000，座机 010-62345678";

/// Record of [`MASKED_ORIGINAL`] in the restore-map seeds.
pub const MASKED_RECORD: &str = "conv-1/msg-2";

/// The fixture customer's existing class keys (none is ever created).
struct ExistingKeys;

impl chatvault::mask::ClassKeys for ExistingKeys {
    fn class_key(&self, class: IdClass) -> chatvault::Result<DataKey> {
        fixtures()
            .ring
            .data_key(&DataKeyId::customer(CUSTOMER, class))
    }
}

/// The display text of [`MASKED_ORIGINAL`] and its regions (display span,
/// entity, original), from a fresh masking with the fixture key.
/// A display text and its regions: (display span, entity number, original).
type MaskedReference = (String, Vec<(std::ops::Range<usize>, u8, String)>);

fn masked_reference() -> &'static MaskedReference {
    static REF: OnceLock<MaskedReference> = OnceLock::new();
    REF.get_or_init(|| {
        use chatvault::mask::{Masker, RecordRef};
        use chatvault::pii::Detector;
        let f = fixtures();
        let found = Detector::new().detect(MASKED_ORIGINAL).expect("detect");
        let masker = Masker::new(f.ring.pseudonym_key().expect("pseudonym"));
        let m = masker
            .mask(
                MASKED_ORIGINAL,
                &found,
                &ExistingKeys,
                &RecordRef::new(TENANT, MASKED_RECORD),
            )
            .expect("mask with the fixture key");
        let regions = m
            .map
            .entries()
            .iter()
            .zip(&found)
            .map(|(e, f)| {
                (
                    e.span.clone(),
                    e.entity as u8,
                    MASKED_ORIGINAL[f.span.clone()].to_owned(),
                )
            })
            .collect();
        (m.text, regions)
    })
}

/// Restore map: "CVRM" | version 1 | count u32 | count × (start u32 | end
/// u32 | entity u8 (1-19) | class u8 (the entity's) | len u32 | sealed
/// envelope of len bytes); spans non-empty, sorted, disjoint; nothing after.
fn restore_map_reference(b: &[u8]) -> Result<Vec<(std::ops::Range<usize>, u8)>, ErrorKind> {
    let mut c = Cursor(b);
    if c.take(4)? != b"CVRM" {
        return Err(ErrorKind::Malformed);
    }
    if c.u8()? != 1 {
        return Err(ErrorKind::UnsupportedVersion);
    }
    let count = c.u32()? as usize;
    if count > (b.len() - 9) / 14 {
        return Err(ErrorKind::Malformed);
    }
    let mut out = Vec::new();
    for _ in 0..count {
        let start = c.u32()? as usize;
        let end = c.u32()? as usize;
        let entity = c.u8()?;
        let class = match entity {
            1..=3 => 1,
            4..=9 => 2,
            10 => 3,
            11 => 4,
            12..=19 => 5,
            _ => return Err(ErrorKind::Malformed),
        };
        if c.u8()? != class {
            return Err(ErrorKind::Malformed);
        }
        let len = c.u32()? as usize;
        let sealed = c.take(len)?;
        envelope_reference(sealed)?;
        out.push((start..end, entity));
    }
    if !c.0.is_empty() {
        return Err(ErrorKind::Malformed);
    }
    let mut prev = 0;
    for (i, (span, _)) in out.iter().enumerate() {
        if span.start >= span.end || (i > 0 && span.start < prev) {
            return Err(ErrorKind::Malformed);
        }
        prev = span.end;
    }
    Ok(out)
}

/// `RestoreMap::from_bytes`, `to_bytes` and `restore` of the display text
/// of [`MASKED_ORIGINAL`] with the fixture customer key.
///
/// Properties: the map parses exactly as the format says and re-encodes to
/// the same bytes; a map restores only if each of its entries is the
/// genuine entry at its index (nobody without the key can make or move
/// one), and then gives the display text with those entries' originals.
pub fn restore_map(data: &[u8]) -> bool {
    use chatvault::mask::{RecordRef, RestoreMap};
    let parsed = RestoreMap::from_bytes(data);
    let reference = restore_map_reference(data);
    let map = match (parsed, reference) {
        (Err(e), Err(kind)) => {
            assert_eq!(e.kind(), kind, "{e}");
            return false;
        }
        (Ok(map), Ok(spans)) => {
            let got: Vec<_> = map
                .entries()
                .iter()
                .map(|e| (e.span.clone(), e.entity as u8))
                .collect();
            assert_eq!(got, spans);
            assert_eq!(map.to_bytes(), data, "not canonical");
            map
        }
        (p, r) => panic!(
            "parser {:?} and reference {r:?} disagree",
            p.map(|m| m.len())
        ),
    };
    let (display, regions) = masked_reference();
    let at = RecordRef::new(TENANT, MASKED_RECORD);
    match map.restore(display, &ExistingKeys, &at) {
        Ok(text) => {
            let mut expect = String::new();
            let mut pos = 0;
            for (i, e) in map.entries().iter().enumerate() {
                let (span, entity, original) =
                    regions.get(i).expect("no more entries than genuine ones");
                assert_eq!(
                    (&e.span, e.entity as u8),
                    (span, *entity),
                    "entry {i} moved but opened"
                );
                expect.push_str(&display[pos..span.start]);
                expect.push_str(original);
                pos = span.end;
            }
            expect.push_str(&display[pos..]);
            assert_eq!(text, expect);
        }
        Err(e) => assert!(
            matches!(
                e.kind(),
                ErrorKind::Decrypt
                    | ErrorKind::InvalidInput
                    | ErrorKind::KeyNotFound
                    | ErrorKind::Malformed
            ),
            "{e}"
        ),
    }
    true
}

// ---------------------------------------------------------------------------
// scan_text

/// A scanner over a small dictionary with a word for each disguise, built
/// once, with and without normalization.
fn scan_fixtures() -> &'static (chatvault::scan::Scanner, chatvault::scan::Scanner) {
    use chatvault::scan::{Action, DictionaryBuilder, Direction, Normalization, Policy};
    static S: OnceLock<(chatvault::scan::Scanner, chatvault::scan::Scanner)> = OnceLock::new();
    S.get_or_init(|| {
        let mut d = DictionaryBuilder::new();
        let contact = d.category("contact").expect("category");
        let rude = d.category("rude").expect("category");
        for w in ["微信", "weixin", "加我qq", "123456", "國家"] {
            d.add(w, contact, false).expect("word");
        }
        for w in ["大麻", "口交"] {
            d.add(w, rude, false).expect("word");
        }
        d.add("ass", rude, true).expect("word");
        d.allow("大麻烦").allow("路口交通");
        let mut p = Policy::new(Action::Report);
        p.set(contact, Direction::AgentToCustomer, Action::Block);
        p.set(rude, Direction::AgentToCustomer, Action::Mask);
        let all = d.build(Normalization::ALL, p.clone()).expect("build");
        let none = d.build(Normalization::NONE, p).expect("build");
        (all, none)
    })
}

/// Check one verdict against its text.
fn check_verdict(text: &str, v: &chatvault::scan::Verdict) {
    use chatvault::scan::Action;
    let mut end = 0;
    for m in &v.matches {
        assert!(
            m.span.start < m.span.end && m.span.end <= text.len(),
            "{m:?}"
        );
        assert!(
            m.span.start >= end,
            "matches overlap or are out of order: {:?}",
            v.matches
        );
        assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        end = m.span.end;
    }
    let strongest = v
        .matches
        .iter()
        .map(|m| m.action)
        .max()
        .unwrap_or(Action::Allow);
    assert_eq!(v.action, strongest);
    let any_mask = v.matches.iter().any(|m| m.action == Action::Mask);
    assert_eq!(v.masked.is_some(), any_mask);
    if let Some(masked) = &v.masked {
        assert_eq!(
            masked.chars().count(),
            text.chars().count(),
            "masking keeps the length"
        );
    }
}

/// `Scanner::scan` in both directions, with full normalization and none.
///
/// Properties: matches lie in the text on character boundaries, in order
/// and disjoint; the verdict is the strongest match's action; the masked
/// text has as many characters as the original; without normalization,
/// every match is its dictionary word exactly. Returns whether anything
/// matched; input that is not UTF-8 is rejected.
pub fn scan_text(data: &[u8]) -> bool {
    use chatvault::scan::Direction;
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let (all, none) = scan_fixtures();
    let mut found = false;
    for dir in [Direction::AgentToCustomer, Direction::CustomerToAgent] {
        let v = all.scan(text, dir).expect("under the size limit");
        check_verdict(text, &v);
        found |= !v.matches.is_empty();
        let v = none.scan(text, dir).expect("under the size limit");
        check_verdict(text, &v);
        for m in &v.matches {
            assert_eq!(
                &text[m.span.clone()],
                m.word,
                "unnormalized match is the word"
            );
        }
    }
    found
}

// ---------------------------------------------------------------------------
// scan_dict

/// `DictionaryBuilder::load_plain`, `load_tags` and `build` on arbitrary
/// word lists, then a scan of the list itself.
///
/// Properties: a load either adds every line or fails with a clear kind
/// (`InvalidInput`, `Malformed`) and adds nothing; a dictionary that loads
/// builds; without normalization, scanning `"<word>"` alone finds a match
/// for every loaded word. Returns whether the plain load succeeded with at
/// least one word.
pub fn scan_dict(data: &[u8]) -> bool {
    use chatvault::scan::{Action, DictionaryBuilder, Direction, Normalization, Policy};
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let mut d = DictionaryBuilder::new();
    let c = d.category("x").expect("category");
    let tags: Vec<_> = (0..5)
        .map(|i| d.category(&format!("t{i}")).expect("category"))
        .collect();
    let before = d
        .build(Normalization::NONE, Policy::new(Action::Block))
        .expect("empty")
        .len();
    assert_eq!(before, 0);
    let plain = match d.load_plain(text, c) {
        Ok(n) => n,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Malformed),
                "{e}"
            );
            let s = d
                .build(Normalization::NONE, Policy::new(Action::Block))
                .expect("build");
            assert_eq!(s.len(), 0, "a failed load added words");
            0
        }
    };
    let tagged = d.load_tags(text, |t| tags.get(t.parse::<usize>().ok()?).copied());
    if let Err(e) = &tagged {
        assert!(
            matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Malformed),
            "{e}"
        );
    }
    for norm in [Normalization::NONE, Normalization::ALL] {
        let s = d
            .build(norm, Policy::new(Action::Block))
            .expect("a loaded dictionary builds");
        let v = s.scan(text, Direction::AgentToCustomer).expect("scan");
        check_verdict(text, &v);
    }
    if plain > 0 {
        let s = d
            .build(Normalization::NONE, Policy::new(Action::Block))
            .expect("build");
        for w in text
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .take(50)
        {
            let v = s.scan(w, Direction::AgentToCustomer).expect("scan");
            assert!(!v.matches.is_empty(), "loaded word {w:?} not found alone");
        }
    }
    plain > 0
}

/// A retention policy file. Loading never panics; a refused file lists at
/// least one problem, each naming a field. An accepted policy evaluates
/// conversations of each declared category (open, closed, with an event,
/// an erasure request, a legal hold) at several instants without error; a
/// hold never yields an end action, a delete or shred never comes before
/// the longest floor ends; every decision explains itself; the policy
/// cannot replace itself (same version).
pub fn retention_policy(data: &[u8]) -> bool {
    use chatvault::retention::{Action, Dimension, LegalHold, Policy, Record, MAX_TIME};
    let policy = match Policy::from_json_bytes(data) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.problems().is_empty(), "refused without a problem");
            for p in e.problems() {
                assert!(!p.field.is_empty() && !p.message.is_empty(), "{p:?}");
            }
            let err: chatvault::Error = e.into();
            assert_eq!(err.kind(), ErrorKind::Policy);
            return false;
        }
    };
    const DAY: i64 = 86_400;
    const T0: i64 = 1_767_225_600;
    let categories: Vec<String> = policy
        .vocabulary(Dimension::Category)
        .expect("categories are declared")
        .iter()
        .take(4)
        .cloned()
        .chain(["unlisted".to_owned()])
        .collect();
    for (i, category) in categories.iter().enumerate() {
        let mut r = Record::new(category.clone(), T0);
        r.region = ["CN", "EU", ""][i % 3].into();
        r.tags = vec!["vip".into()];
        if i % 2 == 0 {
            r.closed = Some(T0 + 5 * DAY);
        }
        for e in policy.events() {
            r.events.push((e.clone(), T0 + 40 * DAY));
        }
        r.erasure_requested = (i % 3 == 1).then_some(T0 + 10 * DAY);
        let mut hold = LegalHold::new(T0 + 700 * DAY, "legal", "case");
        hold.released_at = (i % 2 == 1).then_some(T0 + 900 * DAY);
        r.holds.push(hold);
        for now in [
            T0,
            T0 + 365 * DAY,
            T0 + 800 * DAY,
            T0 + 4000 * DAY,
            MAX_TIME,
        ] {
            let d = policy.evaluate(&r, now).expect("valid record");
            let held = now >= T0 + 700 * DAY && (i % 2 == 0 || now < T0 + 900 * DAY);
            assert_eq!(d.held, held);
            if held {
                assert!(matches!(d.action, Action::Keep | Action::Restrict), "{d:?}");
            }
            if matches!(d.action, Action::Delete | Action::Shred) {
                assert!(
                    d.floor_rule.is_none() || d.floor_end.is_some_and(|f| f <= now),
                    "{d:?}"
                );
            }
            assert!(!policy.explain(&d).expect("own decision").is_empty());
        }
    }
    assert!(
        policy.check_update(&policy).is_err(),
        "same version accepted"
    );
    true
}

/// A Merkle proof against a fixed tree of 37 leaves: byte 0 picks an
/// inclusion (even) or consistency (odd) proof, then two little-endian
/// u64 (leaf index and size, or old and new size), for inclusion a 32-byte
/// leaf hash, then the proof's 32-byte hashes. Verification never panics
/// whatever the sizes; it accepts only the tree's own proof for a leaf of
/// the tree (or an empty proof where one is due), checked against the
/// true roots.
pub fn audit_proof(data: &[u8]) -> bool {
    use chatvault::audit::merkle::{leaf_hash, verify_consistency, verify_inclusion, MerkleTree};
    const LEAVES: u64 = 37;
    if data.len() < 17 {
        return false;
    }
    let mut tree = MerkleTree::new();
    for i in 0..LEAVES {
        tree.push(&i.to_be_bytes());
    }
    let a = u64::from_le_bytes(data[1..9].try_into().expect("8 bytes"));
    let b = u64::from_le_bytes(data[9..17].try_into().expect("8 bytes"));
    let root_of = |size: u64| {
        tree.root_at(size.min(LEAVES))
            .expect("size within the tree")
    };
    let hashes = |bytes: &[u8]| -> Option<Vec<[u8; 32]>> {
        bytes.len().is_multiple_of(32).then(|| {
            bytes
                .chunks(32)
                .map(|c| c.try_into().expect("32 bytes"))
                .collect()
        })
    };
    if data[0].is_multiple_of(2) {
        if data.len() < 49 {
            return false;
        }
        let leaf: [u8; 32] = data[17..49].try_into().expect("32 bytes");
        let Some(proof) = hashes(&data[49..]) else {
            return false;
        };
        let ok = verify_inclusion(&leaf, a, b, &proof, &root_of(b)).is_ok();
        if ok && b <= LEAVES {
            assert_eq!(leaf, leaf_hash(&a.to_be_bytes()), "a foreign leaf verified");
            assert_eq!(
                proof,
                tree.inclusion_proof(a, b).expect("valid"),
                "a forged path verified"
            );
        }
        ok
    } else {
        let Some(proof) = hashes(&data[17..]) else {
            return false;
        };
        let ok = verify_consistency(a, b, &proof, &root_of(a), &root_of(b)).is_ok();
        if ok && b <= LEAVES && a > 0 {
            assert_eq!(
                proof,
                tree.consistency_proof(a, b).expect("valid"),
                "a forged proof verified"
            );
        }
        ok
    }
}

/// Audit records. The input is split at each `0xFF 0xFE` pair into
/// records, which are replayed as a log named `fuzz/audit`: verification
/// never panics, and when it succeeds every record's event decodes and
/// re-encodes to exactly its bytes. The whole input is also decoded as one
/// event, which must re-encode to itself when accepted.
pub fn audit_record(data: &[u8]) -> bool {
    use chatvault::audit::{verify_records, Event};
    if let Ok((seq, e)) = Event::decode(data) {
        assert_eq!(e.encode(seq).expect("decoded events encode"), data);
    }
    let records: Vec<&[u8]> = split_records(data);
    match verify_records("fuzz/audit", records.iter().copied()) {
        Ok(v) => {
            assert_eq!(v.size, records.len() as u64);
            for (i, r) in records.iter().enumerate() {
                let (seq, e) = Event::decode(&r[32..]).expect("verified records decode");
                assert_eq!(seq, i as u64);
                assert_eq!(e.encode(seq).expect("encodes"), &r[32..]);
            }
            !records.is_empty()
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
            assert!(e.detail().starts_with("record "), "{e}");
            false
        }
    }
}

/// `data` split at each `0xFF 0xFE` pair (none: one record; empty: none).
pub fn split_records(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] == 0xFF && data[i + 1] == 0xFE {
            out.push(&data[start..i]);
            start = i + 2;
            i += 2;
        } else {
            i += 1;
        }
    }
    out.push(&data[start..]);
    out
}

/// A signed checkpoint note. Parsing never panics; a note that opens under
/// the C2SP specification's example key (whose private key is not
/// published) is that specification's example note, and a note that parses
/// re-signs to the same structure; a checkpoint body that parses prints back
/// to exactly its text.
pub fn audit_checkpoint(data: &[u8]) -> bool {
    use chatvault::audit::{open_note, parse_note, Checkpoint, NoteVerifier};
    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    if let Ok(cp) = Checkpoint::parse(text) {
        assert_eq!(cp.to_text(), text, "a checkpoint body has one form");
    }
    let spec = NoteVerifier::from_encoded(SPEC_VKEY).expect("spec key");
    if let Ok((body, signed)) = open_note(text, &[&spec]) {
        assert_eq!(
            body, "This is an example message.\n",
            "a note forged under the spec key"
        );
        assert_eq!(signed, ["example.com/foo"]);
        return true;
    }
    if let Ok((body, sigs)) = parse_note(text) {
        assert!(text.starts_with(&body) && !sigs.is_empty());
        return Checkpoint::parse(&body).is_ok();
    }
    false
}

/// An audit export (JSON lines). Verification never panics; an export that
/// verifies under the fixed test key has as many entries as its header
/// announces, in strictly increasing order, each within the checkpoint.
pub fn audit_export(data: &[u8]) -> bool {
    use chatvault::audit::{verify_export, NoteSigner};
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let key = NoteSigner::from_seed("acme-audit-log", &[7u8; 32]).expect("fixed key");
    match verify_export(text, &key.verifier(), &[]) {
        Ok((cp, entries)) => {
            assert!(entries.windows(2).all(|w| w[0].seq < w[1].seq));
            assert!(entries.iter().all(|e| e.seq < cp.size));
            true
        }
        Err(_) => false,
    }
}

/// An archive record file (docs/FORMAT.md section 14.2), written into a
/// fresh archive of tenant `acme` in place of its own. Opening never
/// panics and refuses only as malformed or of an unsupported version; an
/// archive that opens lists its conversations, checks against its audit
/// log without panicking, and opens again to the same state (a torn tail
/// is cut once). The archive's master key is [`master_key`], so settings
/// (two-person rule, retention policy) of the seeds check; a setting whose
/// MAC fails refuses the archive as a bad signature.
pub fn archive_records(data: &[u8]) -> bool {
    use chatvault::archive::{Archive, Filter, Options, Protect, Unlock};
    let dir = tempfile::tempdir().expect("temporary directory");
    let kek = Kek::from_bytes(KEK);
    let master = master_key();
    drop(
        Archive::create(
            dir.path(),
            TENANT,
            master,
            Protect::Kek(&kek),
            Options::default(),
        )
        .expect("creating an archive"),
    );
    let path = dir.path().join("records").join("journal.cvar");
    std::fs::write(&path, data).expect("writing the record file");
    match Archive::open(dir.path(), Unlock::Kek(&kek)) {
        Ok(archive) => {
            let listed = archive.list(&Filter::default()).expect("list");
            archive.verify().expect("verify");
            drop(archive);
            let again = Archive::open(dir.path(), Unlock::Kek(&kek)).expect("reopening");
            assert_eq!(again.list(&Filter::default()).expect("list"), listed);
            true
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Malformed | ErrorKind::UnsupportedVersion | ErrorKind::BadSignature
                ),
                "{e}"
            );
            false
        }
    }
}

/// A master key share (docs/FORMAT.md section 15). Parsing never panics
/// and refuses only as malformed or of an unsupported version; an accepted
/// share re-encodes to exactly its bytes, and combining it with itself
/// (too few, or repeated) is refused, never a key.
pub fn key_share(data: &[u8]) -> bool {
    use chatvault::keys::KeyShare;
    match KeyShare::from_bytes(data) {
        Ok(share) => {
            assert_eq!(&share.to_bytes()[..], data);
            assert!(share.index() >= 1 && share.index() <= share.count());
            assert!(share.threshold() >= 2 && share.threshold() <= share.count());
            let tenant = share.tenant().to_owned();
            let err = MasterKey::combine(&tenant, &[share.clone(), share])
                .expect_err("a share repeated is not a key");
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            true
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Malformed | ErrorKind::UnsupportedVersion
                ),
                "{e}"
            );
            false
        }
    }
}

/// An approval of a dangerous operation (docs/FORMAT.md section 14.4), as
/// text given to an archive under a 2-of-2 two-person rule to release a
/// legal hold. Whatever the text, it never panics and never authorizes
/// (the fuzzer holds no approver key): the operation is refused, or the
/// approval is malformed or badly signed. Returns whether the text is a
/// well-formed signed note.
pub fn approval_note(data: &[u8]) -> bool {
    use chatvault::archive::{Archive, Conversation, Options, Protect, TwoPersonRule};
    use chatvault::audit::NoteVerifier;
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let a = Archive::create(
        dir.path(),
        TENANT,
        MasterKey::generate().expect("master key"),
        Protect::Kek(&Kek::from_bytes(KEK)),
        Options::default(),
    )
    .expect("archive");
    // Fixed approver keys (their private halves are not in the corpus).
    let approvers = ["alice", "bob"]
        .iter()
        .map(|n| NoteVerifier::new(n, &[if *n == "alice" { 11 } else { 12 }; 32]))
        .collect::<Result<Vec<_>, _>>()
        .expect("verifier keys");
    let rule = TwoPersonRule::new(2, approvers).expect("rule");
    a.set_two_person_rule(&rule, "owner", &[], 0)
        .expect("rule set");
    a.start_conversation(&Conversation::new("c1", "sales", "cust-1", 0))
        .expect("conversation");
    a.set_hold("c1", "legal", "case", 0).expect("hold");
    let err = a
        .release_hold("c1", "legal", &[text, text], 1)
        .expect_err("an approval nobody signed released a hold");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Refused | ErrorKind::Malformed | ErrorKind::BadSignature
        ),
        "{err}"
    );
    chatvault::audit::parse_note(text).is_ok()
}
