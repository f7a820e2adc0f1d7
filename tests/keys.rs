//! The key hierarchy through the public API: master key export and import,
//! persistence of data keys, supervisor and agent grants and their scopes,
//! rotation as revocation (including a rotation cut short by a crash), and
//! blind indexes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use chatvault::keys::{
    AgentGrant, AgentScope, Argon2Params, DataKeyId, Domain, FileKeyStore, GranteeSecret, IdClass,
    Kek, KeyStore, Keyring, Locator, MasterKey, MemoryKeyStore, Rotation, SupervisorGrant,
    SupervisorScope, TenantPublic, Validity, SECONDS_PER_DAY,
};
use chatvault::seal::{Context, Normalization, Suite};
use chatvault::{Error, ErrorKind};

/// 2026-01-01T00:00:00Z.
const JAN1: i64 = 1_767_225_600;
const DAY: i64 = SECONDS_PER_DAY;

/// Argon2id parameters small enough for tests (never for real passphrases).
fn tiny() -> Argon2Params {
    Argon2Params::new(64, 1, 1).unwrap()
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.expect_err("expected an error").kind()
}

fn always() -> Validity {
    Validity::new(0, i64::MAX).unwrap()
}

/// A keyring over a fresh in-memory store, with its master key exported
/// under a KEK so a test can build a second keyring with the same master key.
struct Owner {
    store: Arc<MemoryKeyStore>,
    ring: Keyring,
    kek: Kek,
    blob: Vec<u8>,
}

impl Owner {
    fn new(tenant: &str) -> Owner {
        let store = Arc::new(MemoryKeyStore::new());
        let master = MasterKey::generate().unwrap();
        let kek = Kek::from_bytes([0x5a; 32]);
        let blob = master.export_with_kek(tenant, &kek).unwrap();
        let ring = Keyring::new(tenant, master, store.clone()).unwrap();
        Owner {
            store,
            ring,
            kek,
            blob,
        }
    }

    fn master(&self) -> MasterKey {
        MasterKey::import_with_kek(self.ring.tenant(), &self.blob, &self.kek).unwrap()
    }
}

fn ctx(record: &str) -> Context<'_> {
    Context::new("acme", record, "body")
}

// ---------------------------------------------------------------------------
// Master key export and import
// ---------------------------------------------------------------------------

#[test]
fn master_key_passphrase_and_kek_round_trips() {
    let owner = Owner::new("acme");
    let key = owner.ring.conversation_key("sales", "c1", JAN1).unwrap();
    let env = key
        .sealer(Suite::Sm4Gcm)
        .seal(&ctx("c1"), b"hello")
        .unwrap();

    let master = owner.master();
    let pass_blob = master
        .export_with_passphrase("acme", b"correct horse", tiny())
        .unwrap();
    let kek = Kek::from_bytes([7; 32]);
    let kek_blob = master.export_with_kek("acme", &kek).unwrap();

    let from_pass =
        MasterKey::import_with_passphrase("acme", &pass_blob, b"correct horse").unwrap();
    let from_kek = MasterKey::import_with_kek("acme", &kek_blob, &kek).unwrap();
    assert_eq!(from_pass.fingerprint(), master.fingerprint());
    assert_eq!(from_kek.fingerprint(), master.fingerprint());

    // The imported keys are the same key: they find and unwrap the data key.
    for imported in [from_pass, from_kek] {
        let ring = Keyring::new("acme", imported, owner.store.clone()).unwrap();
        let again = ring
            .data_key(&DataKeyId::conversation("sales", "c1"))
            .unwrap();
        assert_eq!(again.key_id(), key.key_id());
        assert_eq!(
            &again.sealer(Suite::Sm4Gcm).open(&ctx("c1"), &env).unwrap()[..],
            b"hello"
        );
    }

    // Two exports of one key differ (fresh salt and nonce).
    let again = master
        .export_with_passphrase("acme", b"correct horse", tiny())
        .unwrap();
    assert_ne!(again, pass_blob);
}

#[test]
fn master_key_wrong_secret_or_tenant_is_decrypt() {
    let master = MasterKey::generate().unwrap();
    let pass_blob = master
        .export_with_passphrase("acme", b"correct horse", tiny())
        .unwrap();
    let kek = Kek::from_bytes([7; 32]);
    let kek_blob = master.export_with_kek("acme", &kek).unwrap();

    assert_eq!(
        kind(MasterKey::import_with_passphrase(
            "acme",
            &pass_blob,
            b"correct horsf"
        )),
        ErrorKind::Decrypt
    );
    assert_eq!(
        kind(MasterKey::import_with_passphrase("acme", &pass_blob, b"")),
        ErrorKind::Decrypt
    );
    assert_eq!(
        kind(MasterKey::import_with_kek(
            "acme",
            &kek_blob,
            &Kek::from_bytes([8; 32])
        )),
        ErrorKind::Decrypt
    );
    assert_eq!(
        kind(MasterKey::import_with_passphrase(
            "acme2",
            &pass_blob,
            b"correct horse"
        )),
        ErrorKind::Decrypt
    );
    assert_eq!(
        kind(MasterKey::import_with_kek("Acme", &kek_blob, &kek)),
        ErrorKind::Decrypt
    );
    // An empty passphrase is refused on export.
    assert_eq!(
        kind(master.export_with_passphrase("acme", b"", tiny())),
        ErrorKind::InvalidInput
    );
}

#[test]
fn master_key_blob_with_the_other_method_is_a_clear_error() {
    let master = MasterKey::generate().unwrap();
    let pass_blob = master
        .export_with_passphrase("acme", b"pw", tiny())
        .unwrap();
    let kek = Kek::from_bytes([7; 32]);
    let kek_blob = master.export_with_kek("acme", &kek).unwrap();

    let e = MasterKey::import_with_kek("acme", &pass_blob, &kek).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.detail().contains("passphrase"), "detail: {}", e.detail());

    let e = MasterKey::import_with_passphrase("acme", &kek_blob, b"pw").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.detail().contains("KEK"), "detail: {}", e.detail());

    // A grantee secret is not a master key, and the other way round.
    let grantee = GranteeSecret::generate().unwrap();
    let g_blob = grantee.export_with_kek(&kek).unwrap();
    assert_eq!(
        kind(MasterKey::import_with_kek("", &g_blob, &kek)),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(GranteeSecret::import_with_kek(&kek_blob, &kek)),
        ErrorKind::InvalidInput
    );
}

#[test]
fn master_key_blob_bit_flips_fail_without_panic() {
    let master = MasterKey::generate().unwrap();
    let pass_blob = master
        .export_with_passphrase("acme", b"pw", tiny())
        .unwrap();
    let kek = Kek::from_bytes([7; 32]);
    let kek_blob = master.export_with_kek("acme", &kek).unwrap();

    // Every bit of both blobs. Flips in the Argon2 memory field that stay
    // within the caps (up to 512 MiB) run a real, slower derivation; the rest
    // are refused before any.
    for bit in 0..pass_blob.len() * 8 {
        let mut bad = pass_blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(
            MasterKey::import_with_passphrase("acme", &bad, b"pw").is_err(),
            "passphrase blob bit {bit}"
        );
    }
    for bit in 0..kek_blob.len() * 8 {
        let mut bad = kek_blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let r = MasterKey::import_with_kek("acme", &bad, &kek);
        // Bytes 7..39 are the KEK's key id, a hint that is not checked
        // (docs/FORMAT.md 8): the envelope binds the header, so it fails as
        // Decrypt like any other change past the method byte.
        match bit / 8 {
            0..=3 => assert_eq!(kind(r), ErrorKind::Malformed, "bit {bit}"),
            4 => assert_eq!(kind(r), ErrorKind::UnsupportedVersion, "bit {bit}"),
            5 => assert_eq!(kind(r), ErrorKind::InvalidInput, "bit {bit}"),
            6 => assert!(
                matches!(kind(r), ErrorKind::Malformed | ErrorKind::InvalidInput),
                "bit {bit}"
            ),
            _ => assert!(r.is_err(), "bit {bit}"),
        }
    }
    // Every truncation too.
    for len in 0..pass_blob.len() {
        assert!(MasterKey::import_with_passphrase("acme", &pass_blob[..len], b"pw").is_err());
    }
    for len in 0..kek_blob.len() {
        assert!(MasterKey::import_with_kek("acme", &kek_blob[..len], &kek).is_err());
    }
}

#[test]
fn crafted_argon2_params_above_the_caps_are_refused_before_deriving() {
    let master = MasterKey::generate().unwrap();
    let blob = master
        .export_with_passphrase("acme", b"pw", tiny())
        .unwrap();
    // docs/FORMAT.md 8 (src/keys/wrap.rs): m at offset 7, t at 11, p at 15,
    // each a big-endian u32.
    assert_eq!(&blob[7..11], &64u32.to_be_bytes());
    assert_eq!(&blob[11..15], &1u32.to_be_bytes());
    assert_eq!(&blob[15..19], &1u32.to_be_bytes());

    let patched = |at: usize, v: u32| {
        let mut b = blob.clone();
        b[at..at + 4].copy_from_slice(&v.to_be_bytes());
        b
    };
    let over_caps = [
        patched(7, Argon2Params::MAX_MEMORY_KIB + 1),
        patched(7, u32::MAX),
        patched(11, Argon2Params::MAX_PASSES + 1),
        patched(11, u32::MAX),
        patched(15, Argon2Params::MAX_LANES + 1),
        patched(15, u32::MAX),
        patched(11, 0),
        patched(15, 0),
        // Memory below 8 KiB per lane.
        patched(7, 7),
    ];
    for b in &over_caps {
        // Had any of these reached Argon2, u32::MAX KiB (4 TiB) would abort
        // the process on allocation and 2^32 passes would not finish: a
        // prompt Malformed shows the caps are checked first.
        let start = std::time::Instant::now();
        assert_eq!(
            kind(MasterKey::import_with_passphrase("acme", b, b"pw")),
            ErrorKind::Malformed
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
    // The caps are the documented constants, and `new` refuses the same.
    assert!(Argon2Params::new(Argon2Params::MAX_MEMORY_KIB + 1, 1, 1).is_err());
    assert!(Argon2Params::new(64, Argon2Params::MAX_PASSES + 1, 1).is_err());
    assert!(Argon2Params::new(1024, 1, Argon2Params::MAX_LANES + 1).is_err());
    assert!(Argon2Params::new(64, 0, 1).is_err());
    assert!(Argon2Params::new(64, 1, 0).is_err());
    let p = Argon2Params::new(128, 2, 2).unwrap();
    assert_eq!((p.memory_kib(), p.passes(), p.lanes()), (128, 2, 2));
}

#[test]
fn grantee_secret_export_round_trips() {
    let secret = GranteeSecret::generate().unwrap();
    let kek = Kek::from_bytes([9; 32]);
    let a = GranteeSecret::import_with_kek(&secret.export_with_kek(&kek).unwrap(), &kek).unwrap();
    let b = GranteeSecret::import_with_passphrase(
        &secret.export_with_passphrase(b"pw", tiny()).unwrap(),
        b"pw",
    )
    .unwrap();
    assert_eq!(a.public(), secret.public());
    assert_eq!(b.public(), secret.public());
    assert_eq!(
        kind(GranteeSecret::import_with_kek(
            &secret.export_with_kek(&kek).unwrap(),
            &Kek::from_bytes([10; 32])
        )),
        ErrorKind::Decrypt
    );

    // The imported secret opens grants sealed to the original.
    let owner = Owner::new("acme");
    owner.ring.customer_key("cust", IdClass::Phone).unwrap();
    let blob = owner
        .ring
        .issue_agent_grant(
            &secret.public(),
            "agent",
            &AgentScope::new(&[IdClass::Phone]).unwrap(),
            always(),
            0,
        )
        .unwrap();
    let g = AgentGrant::open(&blob, &a, &owner.ring.tenant_public()).unwrap();
    assert_eq!(
        g.customer_key(&*owner.store, "cust", IdClass::Phone, 1)
            .unwrap()
            .key_id(),
        owner
            .ring
            .customer_key("cust", IdClass::Phone)
            .unwrap()
            .key_id()
    );
}

// ---------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------

#[test]
fn same_master_key_finds_the_same_data_keys() {
    let owner = Owner::new("acme");
    let mut sealed = Vec::new();
    for i in 0..20 {
        let conv = format!("conv-{i}");
        let k = owner
            .ring
            .conversation_key(
                if i % 2 == 0 { "sales" } else { "support" },
                &conv,
                JAN1 + i * 3600 * 7,
            )
            .unwrap();
        let env = k
            .sealer(Suite::Aes256GcmSm4Gcm)
            .seal(&ctx(&conv), conv.as_bytes())
            .unwrap();
        sealed.push((
            DataKeyId::conversation(if i % 2 == 0 { "sales" } else { "support" }, &conv),
            conv,
            k.key_id(),
            env,
        ));
    }
    for (i, class) in IdClass::ALL.into_iter().enumerate() {
        let cust = format!("cust-{i}");
        let k = owner.ring.customer_key(&cust, class).unwrap();
        let env = k
            .sealer(Suite::Sm4Gcm)
            .seal(&ctx(&cust), cust.as_bytes())
            .unwrap();
        sealed.push((DataKeyId::customer(&cust, class), cust, k.key_id(), env));
    }

    // Asking again creates nothing new.
    let k = owner
        .ring
        .conversation_key("sales", "conv-0", JAN1 + 99 * DAY)
        .unwrap();
    assert_eq!(k.key_id(), sealed[0].2);

    let second = Keyring::new("acme", owner.master(), owner.store.clone()).unwrap();
    for (id, record, key_id, env) in &sealed {
        let k = second.data_key(id).unwrap();
        assert_eq!(&k.key_id(), key_id);
        let suite = chatvault::seal::EnvelopeHeader::parse(env).unwrap().suite();
        assert_eq!(
            &k.sealer(suite).open(&ctx(record), env).unwrap()[..],
            record.as_bytes()
        );
        assert_eq!(second.locator(id).unwrap(), owner.ring.locator(id).unwrap());
    }
}

#[test]
fn another_master_key_cannot_open_the_store() {
    let owner = Owner::new("acme");
    let id = DataKeyId::conversation("sales", "c1");
    owner.ring.conversation_key("sales", "c1", JAN1).unwrap();

    let intruder =
        Keyring::new("acme", MasterKey::generate().unwrap(), owner.store.clone()).unwrap();
    // Locators are keyed by the master key, so another master key does not
    // even find the record under its own locator for the id.
    assert_ne!(
        intruder.locator(&id).unwrap(),
        owner.ring.locator(&id).unwrap()
    );
    assert_eq!(kind(intruder.data_key(&id)), ErrorKind::KeyNotFound);

    // Copy the record to where the intruder looks: it still does not unwrap.
    let record = owner
        .store
        .get(&owner.ring.locator(&id).unwrap())
        .unwrap()
        .unwrap();
    owner
        .store
        .put(&intruder.locator(&id).unwrap(), &record)
        .unwrap();
    assert_eq!(kind(intruder.data_key(&id)), ErrorKind::Decrypt);

    // Nor does a record moved to another id's locator in the same keyring
    // (the locator is bound into the wrapping).
    let other = DataKeyId::conversation("sales", "c2");
    owner
        .store
        .put(&owner.ring.locator(&other).unwrap(), &record)
        .unwrap();
    assert_eq!(kind(owner.ring.data_key(&other)), ErrorKind::Decrypt);
    // The original is untouched.
    owner.ring.data_key(&id).unwrap();
}

// ---------------------------------------------------------------------------
// Supervisor and agent grants: scope and validity
// ---------------------------------------------------------------------------

struct Fixture {
    owner: Owner,
    supervisor: GranteeSecret,
    agent: GranteeSecret,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            owner: Owner::new("acme"),
            supervisor: GranteeSecret::generate().unwrap(),
            agent: GranteeSecret::generate().unwrap(),
        }
    }

    fn sup(&self, depts: &[&str], from: i64, to: i64, validity: Validity) -> SupervisorGrant {
        let blob = self
            .owner
            .ring
            .issue_supervisor_grant(
                &self.supervisor.public(),
                "王主管",
                &SupervisorScope::new(depts, from, to).unwrap(),
                validity,
                from,
            )
            .unwrap();
        SupervisorGrant::open(&blob, &self.supervisor, &self.owner.ring.tenant_public()).unwrap()
    }

    fn agt(&self, classes: &[IdClass], validity: Validity) -> AgentGrant {
        let blob = self
            .owner
            .ring
            .issue_agent_grant(
                &self.agent.public(),
                "agent 007",
                &AgentScope::new(classes).unwrap(),
                validity,
                0,
            )
            .unwrap();
        AgentGrant::open(&blob, &self.agent, &self.owner.ring.tenant_public()).unwrap()
    }
}

#[test]
fn supervisor_grant_scope() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let store = &*f.owner.store;
    let (from, to) = (JAN1, JAN1 + 31 * DAY);
    ring.conversation_key("sales", "inside", JAN1 + 5 * DAY)
        .unwrap();
    ring.conversation_key("sales", "first-second", from)
        .unwrap();
    ring.conversation_key("sales", "last-second", to - 1)
        .unwrap();
    ring.conversation_key("sales", "before", from - 1).unwrap();
    ring.conversation_key("sales", "after", to).unwrap();
    ring.conversation_key("support", "other-dept", JAN1 + 5 * DAY)
        .unwrap();

    let g = f.sup(&["sales"], from, to, always());
    assert_eq!(g.departments(), vec!["sales"]);
    assert_eq!(g.window(), (from, to));
    assert_eq!(g.label(), "王主管");
    let now = JAN1;

    for conv in ["inside", "first-second", "last-second"] {
        let k = g.conversation_key(store, "sales", conv, now).unwrap();
        let owner_key = ring
            .data_key(&DataKeyId::conversation("sales", conv))
            .unwrap();
        assert_eq!(k.key_id(), owner_key.key_id(), "{conv}");
        // And it really is the key: it opens what the owner sealed.
        let env = owner_key
            .sealer(Suite::Sm4Gcm)
            .seal(&ctx(conv), b"x")
            .unwrap();
        assert_eq!(
            &k.sealer(Suite::Sm4Gcm).open(&ctx(conv), &env).unwrap()[..],
            b"x"
        );
    }
    for conv in ["before", "after"] {
        assert_eq!(
            kind(g.conversation_key(store, "sales", conv, now)),
            ErrorKind::GrantOutOfScope,
            "{conv}"
        );
    }
    assert_eq!(
        kind(g.conversation_key(store, "support", "other-dept", now)),
        ErrorKind::GrantOutOfScope
    );
    // The department check comes before the store lookup: a department
    // outside the grant is out of scope even for a conversation that does
    // not exist.
    assert_eq!(
        kind(g.conversation_key(store, "marketing", "nothing", now)),
        ErrorKind::GrantOutOfScope
    );
    // Inside the scope but never created.
    assert_eq!(
        kind(g.conversation_key(store, "sales", "nothing", now)),
        ErrorKind::KeyNotFound
    );

    // A grant over two departments opens both.
    let both = f.sup(&["support", "sales", "sales"], from, to, always());
    assert_eq!(both.departments(), vec!["sales", "support"]);
    both.conversation_key(store, "sales", "inside", now)
        .unwrap();
    both.conversation_key(store, "support", "other-dept", now)
        .unwrap();
}

#[test]
fn supervisor_permits_at_the_window_edges() {
    let f = Fixture::new();
    let (from, to) = (JAN1 + 3600, JAN1 + 10 * DAY + 7200);
    let g = f.sup(&["sales"], from, to, always());
    let now = JAN1;
    g.permits("sales", from, now).unwrap();
    g.permits("sales", to - 1, now).unwrap();
    assert_eq!(
        kind(g.permits("sales", from - 1, now)),
        ErrorKind::GrantOutOfScope
    );
    assert_eq!(
        kind(g.permits("sales", to, now)),
        ErrorKind::GrantOutOfScope
    );
    assert_eq!(
        kind(g.permits("support", from, now)),
        ErrorKind::GrantOutOfScope
    );

    // Keys stop only at whole days (docs/FORMAT.md 9.6): a conversation
    // started on the window's first day before `from` is keyed for that day
    // and opens, while permits() refuses that second.
    let ring = &f.owner.ring;
    ring.conversation_key("sales", "early-same-day", JAN1)
        .unwrap();
    ring.conversation_key("sales", "day-before", JAN1 - 1)
        .unwrap();
    g.conversation_key(&*f.owner.store, "sales", "early-same-day", now)
        .unwrap();
    assert_eq!(
        kind(g.permits("sales", JAN1, now)),
        ErrorKind::GrantOutOfScope
    );
    assert_eq!(
        kind(g.conversation_key(&*f.owner.store, "sales", "day-before", now)),
        ErrorKind::GrantOutOfScope
    );
}

#[test]
fn validity_boundaries_are_exact() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let store = &*f.owner.store;
    ring.conversation_key("sales", "c1", JAN1 + DAY).unwrap();
    ring.customer_key("cust", IdClass::Phone).unwrap();
    let (nb, exp) = (JAN1 + 1000, JAN1 + 5000);
    let v = Validity::new(nb, exp).unwrap();
    let g = f.sup(&["sales"], JAN1, JAN1 + 30 * DAY, v);
    let a = f.agt(&[IdClass::Phone], v);
    assert_eq!(g.validity(), v);
    assert_eq!(a.validity(), v);

    for (now, want) in [
        (nb - 1, Some(ErrorKind::GrantNotYetValid)),
        (nb, None),
        (exp - 1, None),
        (exp, Some(ErrorKind::GrantExpired)),
        (i64::MIN, Some(ErrorKind::GrantNotYetValid)),
        (i64::MAX, Some(ErrorKind::GrantExpired)),
    ] {
        let results = [
            g.conversation_key(store, "sales", "c1", now).map(|_| ()),
            g.permits("sales", JAN1 + DAY, now),
            a.customer_key(store, "cust", IdClass::Phone, now)
                .map(|_| ()),
            a.permits(IdClass::Phone, now),
        ];
        for (i, r) in results.into_iter().enumerate() {
            assert_eq!(r.err().map(|e| e.kind()), want, "now = {now}, check {i}");
        }
    }

    // Validity itself: expiry must be after not-before.
    assert_eq!(kind(Validity::new(5, 5)), ErrorKind::InvalidInput);
    assert_eq!(kind(Validity::new(6, 5)), ErrorKind::InvalidInput);
}

#[test]
fn agent_grant_scope() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let store = &*f.owner.store;
    for class in IdClass::ALL {
        ring.customer_key("cust-1", class).unwrap();
    }
    let a = f.agt(&[IdClass::Phone, IdClass::Email, IdClass::Phone], always());
    assert_eq!(a.classes(), vec![IdClass::Phone, IdClass::Email]);
    assert_eq!(a.label(), "agent 007");
    for class in IdClass::ALL {
        let r = a.customer_key(store, "cust-1", class, 1);
        if matches!(class, IdClass::Phone | IdClass::Email) {
            assert_eq!(
                r.unwrap().key_id(),
                ring.data_key(&DataKeyId::customer("cust-1", class))
                    .unwrap()
                    .key_id()
            );
            a.permits(class, 1).unwrap();
        } else {
            assert_eq!(kind(r), ErrorKind::GrantOutOfScope, "{class:?}");
            assert_eq!(kind(a.permits(class, 1)), ErrorKind::GrantOutOfScope);
        }
    }
    assert_eq!(
        kind(a.customer_key(store, "cust-2", IdClass::Phone, 1)),
        ErrorKind::KeyNotFound
    );
    assert_eq!(kind(AgentScope::new(&[])), ErrorKind::InvalidInput);
}

/// "A grant can derive nothing outside its scope": over a window of 40 days
/// (crossing day 20480, a multiple of 4096, so the cover has nodes on both
/// sides of a large subtree boundary), one conversation per day from the
/// day before the window to the day after; exactly the days inside open.
#[test]
fn a_grant_derives_nothing_outside_its_days() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let store = &*f.owner.store;
    let (a, b) = (20_461i64, 20_500i64);
    for d in a - 1..=b + 1 {
        ring.conversation_key("sales", &format!("day-{d}"), d * DAY + DAY / 2)
            .unwrap();
        ring.conversation_key("support", &format!("day-{d}"), d * DAY + DAY / 2)
            .unwrap();
    }
    let g = f.sup(&["sales"], a * DAY, (b + 1) * DAY, always());
    for d in a - 1..=b + 1 {
        let conv = format!("day-{d}");
        let r = g.conversation_key(store, "sales", &conv, JAN1);
        if (a..=b).contains(&d) {
            let k = r.unwrap_or_else(|e| panic!("day {d}: {e}"));
            assert_eq!(
                k.key_id(),
                ring.data_key(&DataKeyId::conversation("sales", &conv))
                    .unwrap()
                    .key_id()
            );
        } else {
            assert_eq!(kind(r), ErrorKind::GrantOutOfScope, "day {d}");
        }
        assert_eq!(
            kind(g.conversation_key(store, "support", &conv, JAN1)),
            ErrorKind::GrantOutOfScope
        );
    }

    // A one-day window opens exactly that day.
    let one = f.sup(&["sales"], a * DAY, (a + 1) * DAY, always());
    for d in a - 1..=a + 1 {
        let r = one.conversation_key(store, "sales", &format!("day-{d}"), JAN1);
        assert_eq!(r.is_ok(), d == a, "day {d}");
    }
}

// ---------------------------------------------------------------------------
// Grant blobs
// ---------------------------------------------------------------------------

#[test]
fn grant_blobs_open_only_for_their_grantee_tenant_and_kind() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    ring.conversation_key("sales", "c1", JAN1).unwrap();
    let scope = SupervisorScope::new(&["sales"], JAN1, JAN1 + DAY).unwrap();
    let sup_blob = ring
        .issue_supervisor_grant(&f.supervisor.public(), "sup", &scope, always(), JAN1)
        .unwrap();
    let agent_blob = ring
        .issue_agent_grant(
            &f.agent.public(),
            "agent",
            &AgentScope::new(&[IdClass::Phone]).unwrap(),
            always(),
            JAN1,
        )
        .unwrap();
    let tp = ring.tenant_public();
    SupervisorGrant::open(&sup_blob, &f.supervisor, &tp).unwrap();
    AgentGrant::open(&agent_blob, &f.agent, &tp).unwrap();

    // Another grantee's secret.
    let stranger = GranteeSecret::generate().unwrap();
    assert_eq!(
        kind(SupervisorGrant::open(&sup_blob, &stranger, &tp)),
        ErrorKind::GrantInvalid
    );
    assert_eq!(
        kind(AgentGrant::open(&agent_blob, &f.supervisor, &tp)),
        ErrorKind::GrantInvalid
    );

    // Another tenant's public key. With another tenant id the envelope does
    // not even open, because the tenant id is the envelope's context tenant
    // (docs/FORMAT.md 9.2): Decrypt. With the same tenant id but another
    // master key (so another signing key) the envelope opens and the
    // signature check fails: GrantInvalid.
    let other_tenant = Owner::new("globex");
    assert_eq!(
        kind(SupervisorGrant::open(
            &sup_blob,
            &f.supervisor,
            &other_tenant.ring.tenant_public()
        )),
        ErrorKind::Decrypt
    );
    let impostor = Owner::new("acme");
    assert_eq!(
        kind(SupervisorGrant::open(
            &sup_blob,
            &f.supervisor,
            &impostor.ring.tenant_public()
        )),
        ErrorKind::GrantInvalid
    );
    assert_eq!(
        kind(AgentGrant::open(
            &agent_blob,
            &f.agent,
            &impostor.ring.tenant_public()
        )),
        ErrorKind::GrantInvalid
    );
    // A grant issued by the impostor for a grantee does not open under the
    // real tenant's key either.
    let forged = impostor
        .ring
        .issue_supervisor_grant(&f.supervisor.public(), "sup", &scope, always(), JAN1)
        .unwrap();
    assert_eq!(
        kind(SupervisorGrant::open(&forged, &f.supervisor, &tp)),
        ErrorKind::GrantInvalid
    );

    // The wrong kind.
    assert_eq!(
        kind(AgentGrant::open(&sup_blob, &f.supervisor, &tp)),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(SupervisorGrant::open(&agent_blob, &f.agent, &tp)),
        ErrorKind::InvalidInput
    );

    // Garbage and truncations.
    assert_eq!(
        kind(SupervisorGrant::open(&[], &f.supervisor, &tp)),
        ErrorKind::Malformed
    );
    for len in 0..sup_blob.len() {
        assert!(SupervisorGrant::open(&sup_blob[..len], &f.supervisor, &tp).is_err());
    }
    let mut long = sup_blob.clone();
    long.push(0);
    assert!(SupervisorGrant::open(&long, &f.supervisor, &tp).is_err());
}

#[test]
fn every_sampled_bit_flip_of_a_grant_fails() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let tp = ring.tenant_public();
    let scope =
        SupervisorScope::new(&["sales", "support"], JAN1 + 3 * DAY, JAN1 + 40 * DAY).unwrap();
    let sup_blob = ring
        .issue_supervisor_grant(&f.supervisor.public(), "sup", &scope, always(), JAN1)
        .unwrap();
    let agent_blob = ring
        .issue_agent_grant(
            &f.agent.public(),
            "agent",
            &AgentScope::new(&IdClass::ALL).unwrap(),
            always(),
            JAN1,
        )
        .unwrap();
    let bits = |len: usize| (0..len * 8).filter(|b| *b < 1600 || b % 7 == 0);
    let mut tried = 0;
    for bit in bits(sup_blob.len()) {
        let mut bad = sup_blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(
            SupervisorGrant::open(&bad, &f.supervisor, &tp).is_err(),
            "supervisor grant bit {bit}"
        );
        tried += 1;
    }
    for bit in bits(agent_blob.len()) {
        let mut bad = agent_blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(
            AgentGrant::open(&bad, &f.agent, &tp).is_err(),
            "agent grant bit {bit}"
        );
        tried += 1;
    }
    assert!(tried > 1600, "sampled {tried} bits");
}

#[test]
fn tenant_public_encoding() {
    let owner = Owner::new("acme-租户");
    let tp = owner.ring.tenant_public();
    assert_eq!(tp.tenant(), "acme-租户");
    let bytes = tp.to_bytes();
    // docs/FORMAT.md 9.1: 39 + T bytes.
    assert_eq!(bytes.len(), 39 + "acme-租户".len());
    let back = TenantPublic::from_bytes(&bytes).unwrap();
    assert_eq!(back, tp);
    assert_eq!(back.to_bytes(), bytes);

    // A decoded TenantPublic verifies grants like the original.
    let g = GranteeSecret::generate().unwrap();
    let blob = owner
        .ring
        .issue_agent_grant(
            &g.public(),
            "a",
            &AgentScope::new(&[IdClass::Email]).unwrap(),
            always(),
            0,
        )
        .unwrap();
    AgentGrant::open(&blob, &g, &back).unwrap();

    assert_eq!(kind(TenantPublic::from_bytes(&[])), ErrorKind::Malformed);
    for len in 0..bytes.len() {
        assert!(
            TenantPublic::from_bytes(&bytes[..len]).is_err(),
            "cut to {len}"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(kind(TenantPublic::from_bytes(&long)), ErrorKind::Malformed);
    let mut magic = bytes.clone();
    magic[0] = b'X';
    assert_eq!(kind(TenantPublic::from_bytes(&magic)), ErrorKind::Malformed);
    let mut version = bytes.clone();
    version[4] = 2;
    assert_eq!(
        kind(TenantPublic::from_bytes(&version)),
        ErrorKind::UnsupportedVersion
    );

    let encode = |tenant: &[u8], key: &[u8; 32]| {
        let mut b = b"CVTP\x01".to_vec();
        b.extend_from_slice(&(tenant.len() as u16).to_be_bytes());
        b.extend_from_slice(tenant);
        b.extend_from_slice(key);
        b
    };
    let key: [u8; 32] = bytes[bytes.len() - 32..].try_into().unwrap();
    assert_eq!(
        TenantPublic::from_bytes(&encode("acme-租户".as_bytes(), &key)).unwrap(),
        tp
    );
    // Tenant out of bounds or not UTF-8.
    assert_eq!(
        kind(TenantPublic::from_bytes(&encode(b"", &key))),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(TenantPublic::from_bytes(&encode(&[b'a'; 257], &key))),
        ErrorKind::Malformed
    );
    TenantPublic::from_bytes(&encode(&[b'a'; 256], &key)).unwrap();
    assert_eq!(
        kind(TenantPublic::from_bytes(&encode(&[0xff, 0xfe], &key))),
        ErrorKind::Malformed
    );
    // Not a point: about half of all y coordinates have no x on the curve.
    let mut refused = 0;
    for i in 0..=255u8 {
        let mut y = [0u8; 32];
        y[0] = i;
        y[1] = i.wrapping_mul(37);
        match TenantPublic::from_bytes(&encode(b"acme", &y)) {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Malformed);
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "some candidate encodings are not points");

    // A TenantPublic with another tenant id (same key) does not open grants.
    let renamed = TenantPublic::from_bytes(&encode(b"acme", &key)).unwrap();
    assert_eq!(
        kind(AgentGrant::open(&blob, &g, &renamed)),
        ErrorKind::Decrypt
    );
}

// ---------------------------------------------------------------------------
// Rotation is revocation
// ---------------------------------------------------------------------------

#[test]
fn rotation_revokes_grants() {
    let f = Fixture::new();
    let ring = &f.owner.ring;
    let store = &*f.owner.store;
    let (from, to) = (JAN1, JAN1 + 60 * DAY);
    let mut envs = Vec::new();
    for i in 0..3 {
        let conv = format!("s{i}");
        let k = ring
            .conversation_key("sales", &conv, JAN1 + i * DAY)
            .unwrap();
        envs.push((
            conv.clone(),
            k.sealer(Suite::Aes256Gcm)
                .seal(&ctx(&conv), b"old")
                .unwrap(),
        ));
    }
    ring.conversation_key("support", "p0", JAN1).unwrap();
    ring.customer_key("cust-1", IdClass::Phone).unwrap();
    ring.customer_key("cust-2", IdClass::Phone).unwrap();
    ring.customer_key("cust-1", IdClass::IdCard).unwrap();

    let old_sup = f.sup(&["sales", "support"], from, to, always());
    let old_agent = f.agt(&[IdClass::Phone, IdClass::IdCard], always());
    old_sup
        .conversation_key(store, "sales", "s0", JAN1)
        .unwrap();
    old_agent
        .customer_key(store, "cust-1", IdClass::Phone, 1)
        .unwrap();

    let sales = Domain::Archive("sales".into());
    assert_eq!(ring.version(&sales).unwrap(), 1);
    let r = ring.rotate(&sales).unwrap();
    assert_eq!(
        r,
        Rotation {
            domain: sales.clone(),
            old_version: 1,
            new_version: 2,
            rewrapped: 3,
        }
    );
    assert_eq!(ring.version(&sales).unwrap(), 2);
    ring.conversation_key("sales", "s-new", JAN1 + 10 * DAY)
        .unwrap();

    // The old grant: out of scope for every sales key, old or new ...
    for conv in ["s0", "s1", "s2", "s-new"] {
        assert_eq!(
            kind(old_sup.conversation_key(store, "sales", conv, JAN1)),
            ErrorKind::GrantOutOfScope,
            "{conv}"
        );
    }
    // ... but untouched for the department that was not rotated.
    old_sup
        .conversation_key(store, "support", "p0", JAN1)
        .unwrap();

    // A new grant opens old and new keys; the data keys did not change, so
    // what was sealed before the rotation still opens.
    let new_sup = f.sup(&["sales"], from, to, always());
    for (conv, env) in &envs {
        let k = new_sup
            .conversation_key(store, "sales", conv, JAN1)
            .unwrap();
        assert_eq!(
            &k.sealer(Suite::Aes256Gcm).open(&ctx(conv), env).unwrap()[..],
            b"old"
        );
        let owner_key = ring
            .data_key(&DataKeyId::conversation("sales", conv))
            .unwrap();
        assert_eq!(
            &owner_key
                .sealer(Suite::Aes256Gcm)
                .open(&ctx(conv), env)
                .unwrap()[..],
            b"old"
        );
    }
    new_sup
        .conversation_key(store, "sales", "s-new", JAN1)
        .unwrap();

    // Identifier classes rotate the same way.
    let phone = Domain::Identifier(IdClass::Phone);
    let r = ring.rotate(&phone).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (1, 2, 2));
    ring.customer_key("cust-3", IdClass::Phone).unwrap();
    for cust in ["cust-1", "cust-2", "cust-3"] {
        assert_eq!(
            kind(old_agent.customer_key(store, cust, IdClass::Phone, 1)),
            ErrorKind::GrantOutOfScope
        );
    }
    old_agent
        .customer_key(store, "cust-1", IdClass::IdCard, 1)
        .unwrap();
    let new_agent = f.agt(&[IdClass::Phone], always());
    for cust in ["cust-1", "cust-2", "cust-3"] {
        assert_eq!(
            new_agent
                .customer_key(store, cust, IdClass::Phone, 1)
                .unwrap()
                .key_id(),
            ring.data_key(&DataKeyId::customer(cust, IdClass::Phone))
                .unwrap()
                .key_id()
        );
    }

    // Domains without data keys rotate too, rewrapping nothing.
    let r = ring.rotate(&Domain::BlindIndex).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (1, 2, 0));

    // The version table persists: a second keyring over the store agrees.
    let second = Keyring::new("acme", f.owner.master(), f.owner.store.clone()).unwrap();
    assert_eq!(second.version(&sales).unwrap(), 2);
    assert_eq!(second.version(&phone).unwrap(), 2);
    assert_eq!(
        second.version(&Domain::Archive("support".into())).unwrap(),
        1
    );
    assert_eq!(
        second
            .version(&Domain::Identifier(IdClass::IdCard))
            .unwrap(),
        1
    );
}

/// A key store that can be told to fail, to simulate a crash part-way
/// through a rotation.
struct Flaky {
    inner: MemoryKeyStore,
    /// Puts allowed before every further put fails (usize::MAX: never fail).
    puts_left: AtomicUsize,
    fail_versions: AtomicBool,
    /// An `Io` error obtained from the crate (its constructors are private).
    err: Error,
}

impl Flaky {
    fn new() -> Flaky {
        let err = FileKeyStore::open("/dev/null/not-a-directory").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        Flaky {
            inner: MemoryKeyStore::new(),
            puts_left: AtomicUsize::new(usize::MAX),
            fail_versions: AtomicBool::new(false),
            err,
        }
    }
}

impl KeyStore for Flaky {
    fn get(&self, locator: &Locator) -> chatvault::Result<Option<Vec<u8>>> {
        self.inner.get(locator)
    }
    fn put(&self, locator: &Locator, record: &[u8]) -> chatvault::Result<()> {
        let left = self.puts_left.load(Ordering::SeqCst);
        if left == 0 {
            return Err(self.err.clone());
        }
        if left != usize::MAX {
            self.puts_left.store(left - 1, Ordering::SeqCst);
        }
        self.inner.put(locator, record)
    }
    fn destroy(&self, locator: &Locator) -> chatvault::Result<bool> {
        self.inner.destroy(locator)
    }
    fn locators(&self) -> chatvault::Result<Vec<Locator>> {
        self.inner.locators()
    }
    fn load_versions(&self) -> chatvault::Result<Option<Vec<u8>>> {
        self.inner.load_versions()
    }
    fn store_versions(&self, table: &[u8]) -> chatvault::Result<()> {
        if self.fail_versions.load(Ordering::SeqCst) {
            return Err(self.err.clone());
        }
        self.inner.store_versions(table)
    }
}

#[test]
fn rotation_cut_short_loses_nothing_and_reruns() {
    let store = Arc::new(Flaky::new());
    let kek = Kek::from_bytes([3; 32]);
    let blob = MasterKey::generate()
        .unwrap()
        .export_with_kek("acme", &kek)
        .unwrap();
    let master = || MasterKey::import_with_kek("acme", &blob, &kek).unwrap();
    let ring = Keyring::new("acme", master(), store.clone()).unwrap();
    let supervisor = GranteeSecret::generate().unwrap();
    let grant = |ring: &Keyring| {
        let blob = ring
            .issue_supervisor_grant(
                &supervisor.public(),
                "sup",
                &SupervisorScope::new(&["sales"], JAN1, JAN1 + 30 * DAY).unwrap(),
                always(),
                JAN1,
            )
            .unwrap();
        SupervisorGrant::open(&blob, &supervisor, &ring.tenant_public()).unwrap()
    };

    let mut keys = Vec::new();
    for i in 0..10 {
        let conv = format!("c{i}");
        let k = ring
            .conversation_key("sales", &conv, JAN1 + i * DAY)
            .unwrap();
        let env = k
            .sealer(Suite::ChaCha20Poly1305)
            .seal(&ctx(&conv), conv.as_bytes())
            .unwrap();
        keys.push((conv, k.key_id(), env));
    }
    ring.conversation_key("support", "p0", JAN1).unwrap();
    let old = grant(&ring);

    let check_all_open = |ring: &Keyring| {
        for (conv, key_id, env) in &keys {
            let k = ring
                .data_key(&DataKeyId::conversation("sales", conv))
                .unwrap();
            assert_eq!(&k.key_id(), key_id);
            assert_eq!(
                &k.sealer(Suite::ChaCha20Poly1305)
                    .open(&ctx(conv), env)
                    .unwrap()[..],
                conv.as_bytes()
            );
        }
        ring.data_key(&DataKeyId::conversation("support", "p0"))
            .unwrap();
    };
    let old_grant_opens = |g: &SupervisorGrant| {
        keys.iter()
            .filter(
                |(conv, _, _)| match g.conversation_key(&*store, "sales", conv, JAN1) {
                    Ok(_) => true,
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::GrantOutOfScope);
                        false
                    }
                },
            )
            .count()
    };

    // Crash after 4 of the 10 rewraps.
    let sales = Domain::Archive("sales".into());
    store.puts_left.store(4, Ordering::SeqCst);
    assert_eq!(kind(ring.rotate(&sales)), ErrorKind::Io);
    store.puts_left.store(usize::MAX, Ordering::SeqCst);
    assert_eq!(ring.version(&sales).unwrap(), 1, "the table was not bumped");
    check_all_open(&ring);
    assert_eq!(old_grant_opens(&old), 6, "4 keys were already rewrapped");

    // The process restarts (a new keyring over the same store) and reruns
    // the rotation: it finishes the other 6.
    drop(ring);
    let ring = Keyring::new("acme", master(), store.clone()).unwrap();
    assert_eq!(ring.version(&sales).unwrap(), 1);
    let r = ring.rotate(&sales).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (1, 2, 6));
    check_all_open(&ring);
    assert_eq!(old_grant_opens(&old), 0);
    assert_eq!(old_grant_opens(&grant(&ring)), 10);

    // Saving the version table fails after every rewrap (to version 3).
    store.fail_versions.store(true, Ordering::SeqCst);
    assert_eq!(kind(ring.rotate(&sales)), ErrorKind::Io);
    store.fail_versions.store(false, Ordering::SeqCst);
    check_all_open(&ring);
    // This keyring keeps the version its records now have, so its new keys
    // and grants match them ...
    assert_eq!(ring.version(&sales).unwrap(), 3);
    assert_eq!(old_grant_opens(&grant(&ring)), 10);
    // ... while the saved table still says 2. A restarted process (the
    // crash case) sees 2: its grants open nothing rewrapped until it reruns
    // the rotation, which rewraps nothing and saves version 3.
    drop(ring);
    let ring = Keyring::new("acme", master(), store.clone()).unwrap();
    assert_eq!(ring.version(&sales).unwrap(), 2);
    check_all_open(&ring);
    assert_eq!(old_grant_opens(&grant(&ring)), 0);
    let r = ring.rotate(&sales).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (2, 3, 0));
    check_all_open(&ring);
    assert_eq!(old_grant_opens(&grant(&ring)), 10);

    // Rotating twice in a row is fine too, and loses nothing.
    let r = ring.rotate(&sales).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (3, 4, 10));
    let r = ring.rotate(&sales).unwrap();
    assert_eq!((r.old_version, r.new_version, r.rewrapped), (4, 5, 10));
    check_all_open(&ring);
    let fresh = Keyring::new("acme", master(), store.clone()).unwrap();
    assert_eq!(fresh.version(&sales).unwrap(), 5);
    check_all_open(&fresh);
    assert_eq!(old_grant_opens(&grant(&fresh)), 10);
}

// ---------------------------------------------------------------------------
// Blind indexes
// ---------------------------------------------------------------------------

#[test]
fn blind_index_normalizes_and_separates() {
    let owner = Owner::new("acme");
    let bi = owner.ring.blind_indexer(16).unwrap();
    assert_eq!(bi.len(), 16);
    let field = "customer.phone";
    let want = bi
        .index(field, "13800138000", Normalization::Phone)
        .unwrap();
    assert_eq!(want.len(), 16);
    for form in [
        "１３８００１３８０００",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "８６ １３８００１３８０００",
        " 138\u{3000}0013\t8000 ",
        "(138) 0013-8000",
    ] {
        assert_eq!(
            bi.index(field, form, Normalization::Phone).unwrap(),
            want,
            "{form:?}"
        );
    }
    assert_ne!(
        bi.index(field, "13800138001", Normalization::Phone)
            .unwrap(),
        want
    );
    // Other field, other tenant, other master key: other index.
    assert_ne!(
        bi.index("contact.phone", "13800138000", Normalization::Phone)
            .unwrap(),
        want
    );
    let other_tenant = Owner::new("globex");
    assert_ne!(
        other_tenant
            .ring
            .blind_indexer(16)
            .unwrap()
            .index(field, "13800138000", Normalization::Phone)
            .unwrap(),
        want
    );
    let other_master = Owner::new("acme");
    assert_ne!(
        other_master
            .ring
            .blind_indexer(16)
            .unwrap()
            .index(field, "13800138000", Normalization::Phone)
            .unwrap(),
        want
    );
    // The same master key gives the same index (indexes are stable).
    let same = Keyring::new("acme", owner.master(), Arc::new(MemoryKeyStore::new())).unwrap();
    assert_eq!(
        same.blind_indexer(16)
            .unwrap()
            .index(field, "13800138000", Normalization::Phone)
            .unwrap(),
        want
    );

    // Other normalizations.
    let e = |v: &str| bi.index("email", v, Normalization::Email).unwrap();
    assert_eq!(e(" Li.Lei@Example.COM "), e("li.lei@example.com"));
    assert_eq!(
        e("ｌｉ．ｌｅｉ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
        e("li.lei@example.com")
    );
    let id = |v: &str| bi.index("id", v, Normalization::IdCard).unwrap();
    assert_eq!(id("11010519491231002x"), id("110105 19491231 002X"));
    assert_eq!(
        id("１１０１０５-１９４９１２３１-００２ｘ"),
        id("11010519491231002X")
    );
    let bank = |v: &str| bi.index("bank", v, Normalization::BankCard).unwrap();
    assert_eq!(bank("6222 0202 0000 1234 567"), bank("6222020200001234567"));
    let text = |v: &str| bi.index("name", v, Normalization::Text).unwrap();
    assert_eq!(text("  Li   Lei "), text("li lei"));
    assert_ne!(
        bi.index("name", "Li Lei", Normalization::Exact).unwrap(),
        bi.index("name", "li lei", Normalization::Exact).unwrap()
    );

    // The index is a prefix of the full-length one (truncated HMAC).
    let full = owner
        .ring
        .blind_indexer(32)
        .unwrap()
        .index(field, "13800138000", Normalization::Phone)
        .unwrap();
    assert_eq!(&full[..16], &want[..]);
}

#[test]
fn blind_index_lengths_and_empty_values() {
    let owner = Owner::new("acme");
    for len in 8..=32 {
        let bi = owner.ring.blind_indexer(len).unwrap();
        assert_eq!(bi.len(), len);
        assert!(!bi.is_empty());
        assert_eq!(bi.index("f", "v", Normalization::Exact).unwrap().len(), len);
    }
    for len in [0, 7, 33, 64, usize::MAX] {
        assert_eq!(
            kind(owner.ring.blind_indexer(len)),
            ErrorKind::InvalidInput,
            "{len}"
        );
    }
    let bi = owner.ring.blind_indexer(16).unwrap();
    for (value, norm) in [
        ("", Normalization::Exact),
        ("   ", Normalization::Text),
        ("\u{3000}\t", Normalization::Text),
        ("abc", Normalization::Phone),
        ("+-()", Normalization::Phone),
        (" - ", Normalization::IdCard),
        ("no digits", Normalization::BankCard),
        ("  ", Normalization::Email),
    ] {
        assert_eq!(
            kind(bi.index("f", value, norm)),
            ErrorKind::InvalidInput,
            "{value:?} {norm:?}"
        );
    }

    // Rotating the blind-index domain changes every index.
    let before = bi.index("f", "v", Normalization::Exact).unwrap();
    owner.ring.rotate(&Domain::BlindIndex).unwrap();
    let after = owner
        .ring
        .blind_indexer(16)
        .unwrap()
        .index("f", "v", Normalization::Exact)
        .unwrap();
    assert_ne!(before, after);
}
