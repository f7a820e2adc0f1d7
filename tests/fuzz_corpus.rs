//! Replays the committed fuzz corpus through the fuzz targets' checks.
//!
//! Every file in `fuzz/corpus/<target>/` goes through the same property
//! check the fuzz target `<target>` runs (`fuzz/src/checks.rs`), so a plain
//! `cargo test` on stable Rust covers what the fuzzers found. Seeds named
//! `valid-*` must be accepted, `bad-*` rejected; other names (inputs the
//! fuzzer added) only have to pass the check.
//!
//! The seeds are made by [`seeds`]; `generated_seeds_meet_their_names`
//! checks a fresh set on every run. To rewrite the committed seeds:
//!
//! ```text
//! CHATVAULT_WRITE_CORPUS=1 cargo test --test fuzz_corpus generated_seeds
//! ```
//!
//! The seeds are sealed under the keys in `fuzz/fixtures/`. Replacing
//! those (only if a format changes) invalidates every seed:
//!
//! ```text
//! CHATVAULT_WRITE_FIXTURES=1 cargo test --test fuzz_corpus -- --ignored write_fixtures
//! CHATVAULT_WRITE_CORPUS=1 cargo test --test fuzz_corpus generated_seeds
//! ```

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chatvault::keys::AgentScope;
use chatvault::keys::{
    Argon2Params, DataKey, DataKeyId, Domain, FileKeyStore, GranteePublic, GranteeSecret, IdClass,
    Kek, KeyStore, Keyring, MasterKey, MemoryKeyStore, SupervisorScope, TenantPublic, Validity,
};
use chatvault::seal::{Context, Suite};

use checks::{
    fixture_bytes, fixtures, IssuedAgent, IssuedSupervisor, AGENT_GRANTS, CLASS, CONVERSATION,
    CUSTOMER, DEPARTMENT, PASSPHRASE, PLAINTEXTS, STARTED_AT, SUPERVISOR_GRANTS, TENANT,
};

type Check = fn(&[u8]) -> bool;

/// Every fuzz target and its check.
const TARGETS: [(&str, Check); 19] = [
    ("envelope", checks::envelope),
    ("wrapped_secret", checks::wrapped_secret),
    ("grant", checks::grant),
    ("tenant_public", checks::tenant_public),
    ("key_record", checks::key_record),
    ("file_store", checks::file_store),
    ("versions", checks::versions),
    ("pii_detect", checks::pii_detect),
    ("restore_map", checks::restore_map),
    ("scan_text", checks::scan_text),
    ("scan_dict", checks::scan_dict),
    ("retention_policy", checks::retention_policy),
    ("audit_proof", checks::audit_proof),
    ("audit_record", checks::audit_record),
    ("audit_checkpoint", checks::audit_checkpoint),
    ("audit_export", checks::audit_export),
    ("archive_records", checks::archive_records),
    ("key_share", checks::key_share),
    ("approval_note", checks::approval_note),
];

/// Corpus inputs that make chatvault panic today: each is a bug in `src/`,
/// reported and not yet fixed. Both panics come from debug assertions
/// (a `debug_assert!` and an overflow check), so with them on (`cargo
/// test`, `cargo fuzz`) the replay expects the panic, and fails once the
/// bug is fixed: then delete the entry, and the input joins the corpus.
///
/// - `key_record/crash-day-beyond-tree` (made by [`seeds`]) and
///   `key_record/crash-4e5da8cb…` (found by the fuzzer within a second): a
///   wrapped data key record whose day field is past the archive key tree
///   (2^24) reaches `ggm::Node::leaf`'s `debug_assert!(self.covers(day))`
///   from `Keyring::data_key` (and `rotate`), before the record is
///   authenticated.
/// - `file_store/crash-generation-max`: a checksum-valid slot with
///   generation `u64::MAX` overflows `generation + 1` in
///   `FileKeyStore::open`.
/// - `file_store/crash-generation-max-minus-1`: generation `u64::MAX - 1`
///   opens, and the next `put` overflows `next_generation += 1`.
const KNOWN_CRASHES: &[(&str, &str)] = &[];

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

fn check_of(target: &str) -> Check {
    TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, c)| *c)
        .expect("known target")
}

/// Runs one input through its check and holds it to its name. Returns
/// whether it was accepted (`None` for a known crash).
fn run_one(target: &str, name: &str, data: &[u8]) -> Option<bool> {
    let check = check_of(target);
    if KNOWN_CRASHES.contains(&(target, name)) && cfg!(debug_assertions) {
        let outcome = std::panic::catch_unwind(|| check(data));
        assert!(
            outcome.is_err(),
            "{target}/{name} no longer panics: the bug is fixed, remove it from KNOWN_CRASHES"
        );
        return None;
    }
    let accepted = check(data);
    if name.starts_with("valid-") {
        assert!(accepted, "{target}/{name} is valid but was rejected");
    }
    if name.starts_with("bad-") {
        assert!(!accepted, "{target}/{name} is malformed but was accepted");
    }
    Some(accepted)
}

fn replay(target: &str) {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    let (mut accepted, mut rejected) = (0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match run_one(target, &name, &data) {
            Some(true) => accepted += 1,
            Some(false) => rejected += 1,
            None => {}
        }
    }
    assert!(accepted > 0, "{target}: no input in the corpus is accepted");
    assert!(rejected > 0, "{target}: no input in the corpus is rejected");
}

#[test]
fn corpus_envelope() {
    replay("envelope");
}

#[test]
fn corpus_wrapped_secret() {
    replay("wrapped_secret");
}

#[test]
fn corpus_grant() {
    replay("grant");
}

#[test]
fn corpus_tenant_public() {
    replay("tenant_public");
}

#[test]
fn corpus_key_record() {
    replay("key_record");
}

#[test]
fn corpus_file_store() {
    replay("file_store");
}

#[test]
fn corpus_versions() {
    replay("versions");
}

#[test]
fn corpus_pii_detect() {
    replay("pii_detect");
}

#[test]
fn corpus_restore_map() {
    replay("restore_map");
}

#[test]
fn corpus_scan_text() {
    replay("scan_text");
}

#[test]
fn corpus_scan_dict() {
    replay("scan_dict");
}

#[test]
fn corpus_retention_policy() {
    replay("retention_policy");
}

#[test]
fn corpus_audit_proof() {
    replay("audit_proof");
}

#[test]
fn corpus_audit_record() {
    replay("audit_record");
}

#[test]
fn corpus_audit_checkpoint() {
    replay("audit_checkpoint");
}

#[test]
fn corpus_audit_export() {
    replay("audit_export");
}

#[test]
fn corpus_archive_records() {
    replay("archive_records");
}

#[test]
fn corpus_key_share() {
    replay("key_share");
}

#[test]
fn corpus_approval_note() {
    replay("approval_note");
}

// ---------------------------------------------------------------------------
// Seed generation

struct Seed {
    target: &'static str,
    name: String,
    data: Vec<u8>,
}

#[derive(Default)]
struct Seeds(Vec<Seed>);

impl Seeds {
    fn add(&mut self, target: &'static str, name: impl Into<String>, data: impl Into<Vec<u8>>) {
        self.0.push(Seed {
            target,
            name: name.into(),
            data: data.into(),
        });
    }
}

/// `data` with `f` applied to a copy.
fn edit(data: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v = data.to_vec();
    f(&mut v);
    v
}

fn flip(data: &[u8], at: usize) -> Vec<u8> {
    edit(data, |v| v[at] ^= 0x01)
}

fn memory_ring(master: MasterKey) -> (Keyring, Arc<MemoryKeyStore>) {
    let store = Arc::new(MemoryKeyStore::new());
    let ring = Keyring::new(TENANT, master, store.clone()).expect("keyring");
    (ring, store)
}

fn record_of(ring: &Keyring, store: &MemoryKeyStore, id: &DataKeyId) -> Vec<u8> {
    store
        .get(&ring.locator(id).expect("locator"))
        .expect("memory store")
        .expect("record")
}

fn issue_supervisor(ring: &Keyring, to: &GranteePublic, g: &IssuedSupervisor) -> Vec<u8> {
    let scope = SupervisorScope::new(g.departments, g.window.0, g.window.1).expect("scope");
    let validity = Validity::new(g.validity.0, g.validity.1).expect("validity");
    ring.issue_supervisor_grant(to, g.label, &scope, validity, g.issued_at)
        .expect("supervisor grant")
}

fn issue_agent(ring: &Keyring, to: &GranteePublic, g: &IssuedAgent) -> Vec<u8> {
    let scope = AgentScope::new(g.classes).expect("scope");
    let validity = Validity::new(g.validity.0, g.validity.1).expect("validity");
    ring.issue_agent_grant(to, g.label, &scope, validity, g.issued_at)
        .expect("agent grant")
}

fn envelope_seeds(s: &mut Seeds) {
    let f = fixtures();
    let (tenant, record, field) = checks::ENVELOPE_CONTEXT;
    let ctx = Context::new(tenant, record, field);
    for sealer in &f.sealers {
        let suite = sealer.suite().name().replace('+', "-plus-");
        for (i, plaintext) in PLAINTEXTS.iter().enumerate() {
            let env = sealer.seal(&ctx, plaintext).expect("seal");
            s.add("envelope", format!("valid-{suite}-{i}"), env);
        }
    }
    let sealer = |suite: Suite| &f.sealers[Suite::ALL.iter().position(|s| *s == suite).unwrap()];
    let aes = sealer(Suite::Aes256Gcm).seal(&ctx, PLAINTEXTS[1]).unwrap();
    let sm4 = sealer(Suite::Sm4Gcm).seal(&ctx, PLAINTEXTS[2]).unwrap();
    let chacha = sealer(Suite::ChaCha20Poly1305)
        .seal(&ctx, PLAINTEXTS[1])
        .unwrap();
    let cascade = sealer(Suite::Aes256GcmSm4Gcm)
        .seal(&ctx, PLAINTEXTS[2])
        .unwrap();
    s.add("envelope", "bad-empty", vec![]);
    s.add("envelope", "bad-version-2", edit(&aes, |v| v[0] = 2));
    s.add("envelope", "bad-suite-9", edit(&aes, |v| v[1] = 9));
    s.add("envelope", "bad-suite-swapped", edit(&aes, |v| v[1] = 3));
    s.add("envelope", "bad-key-version-2", edit(&aes, |v| v[5] = 2));
    s.add("envelope", "bad-key-id-flipped", flip(&aes, 10));
    s.add("envelope", "bad-nonce-flipped", flip(&chacha, 40));
    s.add("envelope", "bad-ciphertext-flipped", flip(&sm4, 53));
    s.add(
        "envelope",
        "bad-tag-flipped",
        flip(&chacha, chacha.len() - 1),
    );
    s.add("envelope", "bad-header-only", aes[..50].to_vec());
    s.add(
        "envelope",
        "bad-cascade-truncated",
        cascade[..cascade.len() - 1].to_vec(),
    );
    s.add(
        "envelope",
        "bad-cascade-too-short",
        edit(&aes, |v| v[1] = 4),
    );
    let moved = Context::new(tenant, "conv-1/msg-2", field);
    s.add(
        "envelope",
        "bad-other-record",
        f.sealers[0].seal(&moved, PLAINTEXTS[1]).unwrap(),
    );
    let other_key = DataKey::generate().unwrap().sealer(Suite::Aes256Gcm);
    s.add(
        "envelope",
        "bad-other-key",
        other_key.seal(&ctx, PLAINTEXTS[1]).unwrap(),
    );
}

fn wrapped_secret_seeds(s: &mut Seeds) {
    let f = fixtures();
    let kek = checks::kek();
    let master = checks::master_key();
    let tiny = Argon2Params::new(8, 1, 1).unwrap();
    let kek_blob = master.export_with_kek(TENANT, &kek).unwrap();
    let pass_blob = master
        .export_with_passphrase(TENANT, PASSPHRASE, tiny)
        .unwrap();
    s.add("wrapped_secret", "valid-master-key-kek", kek_blob.clone());
    s.add(
        "wrapped_secret",
        "valid-master-key-passphrase",
        pass_blob.clone(),
    );
    s.add(
        "wrapped_secret",
        "valid-master-key-passphrase-2-lanes",
        master
            .export_with_passphrase(TENANT, PASSPHRASE, Argon2Params::new(16, 2, 2).unwrap())
            .unwrap(),
    );
    s.add(
        "wrapped_secret",
        "valid-grantee-secret-kek",
        f.grantee.export_with_kek(&kek).unwrap(),
    );
    s.add(
        "wrapped_secret",
        "valid-grantee-secret-passphrase",
        f.grantee.export_with_passphrase(PASSPHRASE, tiny).unwrap(),
    );
    s.add("wrapped_secret", "bad-empty", vec![]);
    s.add(
        "wrapped_secret",
        "bad-magic",
        edit(&kek_blob, |v| v[3] = b'X'),
    );
    s.add(
        "wrapped_secret",
        "bad-version-2",
        edit(&kek_blob, |v| v[4] = 2),
    );
    s.add(
        "wrapped_secret",
        "bad-kind-3",
        edit(&kek_blob, |v| v[5] = 3),
    );
    s.add(
        "wrapped_secret",
        "bad-method-3",
        edit(&kek_blob, |v| v[6] = 3),
    );
    s.add(
        "wrapped_secret",
        "bad-truncated",
        kek_blob[..kek_blob.len() - 20].to_vec(),
    );
    s.add(
        "wrapped_secret",
        "bad-tag-flipped",
        flip(&kek_blob, kek_blob.len() - 1),
    );
    s.add("wrapped_secret", "bad-salt-flipped", flip(&pass_blob, 20));
    let set_u32 = |at: usize, n: u32| {
        edit(&pass_blob, |v| {
            v[at..at + 4].copy_from_slice(&n.to_be_bytes())
        })
    };
    s.add(
        "wrapped_secret",
        "bad-memory-over-cap",
        set_u32(7, Argon2Params::MAX_MEMORY_KIB + 1),
    );
    s.add(
        "wrapped_secret",
        "bad-passes-over-cap",
        set_u32(11, Argon2Params::MAX_PASSES + 1),
    );
    s.add("wrapped_secret", "bad-lanes-0", set_u32(15, 0));
    s.add("wrapped_secret", "bad-memory-below-lanes", set_u32(15, 2));
    // Within the caps but beyond the checks' Argon2id budget: skipped.
    s.add(
        "wrapped_secret",
        "costly-parameters",
        edit(&pass_blob, |v| {
            v[7..11].copy_from_slice(&Argon2Params::MAX_MEMORY_KIB.to_be_bytes());
            v[11..15].copy_from_slice(&Argon2Params::MAX_PASSES.to_be_bytes());
        }),
    );
    s.add(
        "wrapped_secret",
        "bad-other-tenant",
        master.export_with_kek("other", &kek).unwrap(),
    );
    s.add(
        "wrapped_secret",
        "bad-other-kek",
        master
            .export_with_kek(TENANT, &Kek::from_bytes([8; 32]))
            .unwrap(),
    );
    s.add(
        "wrapped_secret",
        "bad-other-passphrase",
        master
            .export_with_passphrase(TENANT, b"other passphrase", tiny)
            .unwrap(),
    );
}

fn grant_seeds(s: &mut Seeds) {
    let f = fixtures();
    let to = f.grantee.public();
    for (i, g) in SUPERVISOR_GRANTS.iter().enumerate() {
        s.add(
            "grant",
            format!("valid-supervisor-{i}"),
            issue_supervisor(&f.ring, &to, g),
        );
    }
    for (i, g) in AGENT_GRANTS.iter().enumerate() {
        s.add(
            "grant",
            format!("valid-agent-{i}"),
            issue_agent(&f.ring, &to, g),
        );
    }
    let blob = issue_supervisor(&f.ring, &to, &SUPERVISOR_GRANTS[0]);
    s.add("grant", "bad-empty", vec![]);
    s.add("grant", "bad-magic", edit(&blob, |v| v[0] = b'X'));
    s.add("grant", "bad-version-2", edit(&blob, |v| v[4] = 2));
    s.add("grant", "bad-kind-3", edit(&blob, |v| v[5] = 3));
    s.add("grant", "bad-header-only", blob[..70].to_vec());
    s.add("grant", "bad-truncated", blob[..blob.len() - 1].to_vec());
    s.add("grant", "bad-envelope-flipped", flip(&blob, 200));
    s.add("grant", "bad-ephemeral-flipped", flip(&blob, 10));
    s.add(
        "grant",
        "bad-low-order-ephemeral",
        edit(&blob, |v| v[6..38].fill(0)),
    );
    let stranger = GranteeSecret::generate().unwrap();
    s.add(
        "grant",
        "bad-other-grantee",
        issue_supervisor(&f.ring, &stranger.public(), &SUPERVISOR_GRANTS[0]),
    );
    // Same tenant name, another master key: it opens for the grantee but
    // its signature is not the tenant's.
    let (forger, _) = memory_ring(MasterKey::generate().unwrap());
    s.add(
        "grant",
        "bad-forged-issuer",
        issue_supervisor(&forger, &to, &SUPERVISOR_GRANTS[0]),
    );
    s.add(
        "grant",
        "bad-forged-agent",
        issue_agent(&forger, &to, &AGENT_GRANTS[0]),
    );
}

fn tenant_public_bytes(tenant: &[u8], key: &[u8]) -> Vec<u8> {
    let mut out = b"CVTP\x01".to_vec();
    out.extend_from_slice(&(tenant.len() as u16).to_be_bytes());
    out.extend_from_slice(tenant);
    out.extend_from_slice(key);
    out
}

fn tenant_public_seeds(s: &mut Seeds) {
    let f = fixtures();
    let own = f.tenant_public.to_bytes();
    let key = &own[own.len() - 32..];
    s.add("tenant_public", "valid-fixture", own.clone());
    let public_of = |tenant: &str| {
        let store = Arc::new(MemoryKeyStore::new());
        Keyring::new(tenant, MasterKey::generate().unwrap(), store)
            .unwrap()
            .tenant_public()
            .to_bytes()
    };
    s.add(
        "tenant_public",
        "valid-same-tenant-other-key",
        public_of(TENANT),
    );
    s.add(
        "tenant_public",
        "valid-long-tenant",
        public_of(&"t".repeat(256)),
    );
    s.add(
        "tenant_public",
        "valid-unicode-tenant",
        public_of("某某科技有限公司"),
    );
    s.add("tenant_public", "bad-empty", vec![]);
    s.add("tenant_public", "bad-magic", edit(&own, |v| v[0] = b'X'));
    s.add("tenant_public", "bad-version-2", edit(&own, |v| v[4] = 2));
    s.add(
        "tenant_public",
        "bad-trailing-byte",
        edit(&own, |v| v.push(0)),
    );
    s.add(
        "tenant_public",
        "bad-truncated-key",
        own[..own.len() - 1].to_vec(),
    );
    s.add(
        "tenant_public",
        "bad-empty-tenant",
        tenant_public_bytes(b"", key),
    );
    s.add(
        "tenant_public",
        "bad-tenant-257",
        tenant_public_bytes(&[b't'; 257], key),
    );
    s.add(
        "tenant_public",
        "bad-tenant-not-utf8",
        tenant_public_bytes(b"ac\xffme", key),
    );
    s.add(
        "tenant_public",
        "bad-length-past-end",
        edit(&own, |v| v[6] = 200),
    );
    // The first key bytes of the form [i; 32] that are not a curve point.
    let not_a_point = (0u8..=255)
        .map(|i| tenant_public_bytes(TENANT.as_bytes(), &[i; 32]))
        .find(|b| TenantPublic::from_bytes(b).is_err())
        .expect("some [i; 32] is not an Ed25519 point");
    s.add("tenant_public", "bad-not-a-point", not_a_point);
}

fn key_record_seeds(s: &mut Seeds) {
    let conv = fixture_bytes::CONVERSATION_RECORD;
    let cust = fixture_bytes::CUSTOMER_RECORD;
    s.add("key_record", "valid-conversation", conv);
    s.add("key_record", "valid-customer", cust);
    let rotated = |record: &[u8], id: &DataKeyId, domain: Domain| {
        let (ring, store) = memory_ring(checks::master_key());
        store
            .put(&ring.locator(id).unwrap(), record)
            .expect("memory store");
        assert_eq!(ring.rotate(&domain).unwrap().rewrapped, 1);
        record_of(&ring, &store, id)
    };
    s.add(
        "key_record",
        "valid-conversation-rotated",
        rotated(
            conv,
            &checks::conversation_id(),
            Domain::Archive(DEPARTMENT.into()),
        ),
    );
    s.add(
        "key_record",
        "valid-customer-rotated",
        rotated(cust, &checks::customer_id(), Domain::Identifier(CLASS)),
    );
    let (ring, store) = memory_ring(checks::master_key());
    ring.conversation_key(DEPARTMENT, "conv-2", STARTED_AT)
        .unwrap();
    s.add(
        "key_record",
        "bad-other-conversation",
        record_of(
            &ring,
            &store,
            &DataKeyId::conversation(DEPARTMENT, "conv-2"),
        ),
    );
    let (ring, store) = memory_ring(MasterKey::generate().unwrap());
    ring.conversation_key(DEPARTMENT, CONVERSATION, STARTED_AT)
        .unwrap();
    s.add(
        "key_record",
        "bad-other-master-key",
        record_of(&ring, &store, &checks::conversation_id()),
    );
    // Header: version | kind | domain version (2..6) | key version (6..10)
    // | day (10..14) | class (14) | u16 length (15..17) | department.
    s.add("key_record", "bad-empty", vec![]);
    s.add("key_record", "bad-version-2", edit(conv, |v| v[0] = 2));
    s.add("key_record", "bad-kind-3", edit(conv, |v| v[1] = 3));
    s.add(
        "key_record",
        "bad-domain-version-2",
        edit(conv, |v| v[5] = 2),
    );
    s.add("key_record", "bad-key-version-2", edit(conv, |v| v[9] = 2));
    s.add("key_record", "bad-day-shifted", flip(conv, 13));
    s.add(
        "key_record",
        "bad-archive-with-class",
        edit(conv, |v| v[14] = 1),
    );
    s.add("key_record", "bad-unknown-class", edit(cust, |v| v[14] = 9));
    s.add(
        "key_record",
        "bad-identifier-as-archive",
        edit(cust, |v| v[1] = 1),
    );
    s.add(
        "key_record",
        "bad-empty-department",
        edit(conv, |v| {
            let n = usize::from(u16::from_be_bytes([v[15], v[16]]));
            v.drain(15..17 + n);
            v.splice(15..15, [0, 0]);
        }),
    );
    s.add(
        "key_record",
        "bad-department-65",
        edit(conv, |v| {
            let n = usize::from(u16::from_be_bytes([v[15], v[16]]));
            v.splice(17..17 + n, [b'd'; 65]);
            v[15..17].copy_from_slice(&65u16.to_be_bytes());
        }),
    );
    s.add(
        "key_record",
        "bad-department-not-utf8",
        edit(conv, |v| v[17] = 0xff),
    );
    s.add("key_record", "bad-header-only", conv[..22].to_vec());
    s.add(
        "key_record",
        "bad-truncated",
        conv[..conv.len() - 1].to_vec(),
    );
    s.add(
        "key_record",
        "bad-envelope-flipped",
        flip(conv, conv.len() - 20),
    );
    s.add(
        "key_record",
        "crash-day-beyond-tree",
        edit(conv, |v| {
            v[10..14].copy_from_slice(&(1u32 << 24).to_be_bytes())
        }),
    );
}

/// A `keys.slots` slot with a correct checksum.
fn slot(state: u8, generation: u64, locator: [u8; 32], len: u16, record: &[u8]) -> Vec<u8> {
    let mut s = vec![0u8; checks::SLOT_LEN];
    s[0] = state;
    s[1..9].copy_from_slice(&generation.to_be_bytes());
    s[9..41].copy_from_slice(&locator);
    s[41..43].copy_from_slice(&len.to_be_bytes());
    s[43..43 + record.len()].copy_from_slice(record);
    let digest = ring::digest::digest(&ring::digest::SHA256, &s[..checks::SLOT_LEN - 4]);
    let end = checks::SLOT_LEN - 4;
    s[end..].copy_from_slice(&digest.as_ref()[..4]);
    s
}

fn file_store_seeds(s: &mut Seeds) {
    let f = fixtures();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.slots");
    let store = FileKeyStore::open(dir.path()).unwrap();
    store
        .put(&f.conversation, fixture_bytes::CONVERSATION_RECORD)
        .unwrap();
    store
        .put(&f.customer, fixture_bytes::CUSTOMER_RECORD)
        .unwrap();
    // Slots: conversation (generation 1), customer (2).
    let before = std::fs::read(&path).unwrap();
    store.put(&f.customer, b"replacement").unwrap();
    store.put(&[3; 32], b"third").unwrap();
    assert!(store.destroy(&[3; 32]).unwrap());
    drop(store);
    // Slots: conversation (1), free, customer replaced (3).
    let real = std::fs::read(&path).unwrap();
    assert_eq!(real.len(), 3 * checks::SLOT_LEN);
    let slot_of = |file: &[u8], i: usize| file[i * 256..(i + 1) * 256].to_vec();
    s.add("file_store", "valid-store", real.clone());
    s.add("file_store", "valid-empty", vec![]);
    s.add(
        "file_store",
        "valid-zero-tail",
        edit(&real, |v| v.extend([0; 100])),
    );
    s.add(
        "file_store",
        "valid-interrupted-replace",
        [slot_of(&before, 0), slot_of(&before, 1), slot_of(&real, 2)].concat(),
    );
    s.add(
        "file_store",
        "valid-interrupted-replace-newer-first",
        [slot_of(&real, 2), slot_of(&before, 1)].concat(),
    );
    s.add(
        "file_store",
        "valid-crafted-slot",
        slot(1, 5, [9; 32], 3, b"abc"),
    );
    s.add(
        "file_store",
        "valid-longest-record",
        slot(1, 1, [9; 32], 209, &[0x42; 209]),
    );
    s.add("file_store", "bad-torn-slot", flip(&real, 100));
    s.add("file_store", "bad-checksum-flipped", flip(&real, 255));
    s.add(
        "file_store",
        "bad-truncated",
        real[..real.len() - 10].to_vec(),
    );
    s.add("file_store", "bad-state-2", slot(2, 5, [9; 32], 3, b"abc"));
    s.add(
        "file_store",
        "bad-record-too-long",
        slot(1, 5, [9; 32], 210, &[0x42; 209]),
    );
    s.add(
        "file_store",
        "crash-generation-max",
        slot(1, u64::MAX, [9; 32], 3, b"abc"),
    );
    s.add(
        "file_store",
        "crash-generation-max-minus-1",
        slot(1, u64::MAX - 1, [9; 32], 3, b"abc"),
    );
}

/// A version table with `count` in its header and these (tag, scope,
/// version) entries.
fn table(count: u32, entries: &[(u8, &[u8], u32)]) -> Vec<u8> {
    let mut out = b"CVVT\x01".to_vec();
    out.extend_from_slice(&count.to_be_bytes());
    for (tag, scope, version) in entries {
        out.push(*tag);
        out.extend_from_slice(&(scope.len() as u16).to_be_bytes());
        out.extend_from_slice(scope);
        out.extend_from_slice(&version.to_be_bytes());
    }
    out
}

fn versions_seeds(s: &mut Seeds) {
    let (ring, store) = memory_ring(checks::master_key());
    for domain in [
        Domain::Archive(DEPARTMENT.into()),
        Domain::Identifier(IdClass::Phone),
        Domain::BlindIndex,
        Domain::BlindIndex,
        Domain::Pseudonym,
    ] {
        ring.rotate(&domain).unwrap();
    }
    let rotated = store.load_versions().unwrap().expect("saved table");
    s.add("versions", "valid-rotated", rotated.clone());
    s.add("versions", "valid-no-entries", table(0, &[]));
    s.add(
        "versions",
        "bad-repeated-domain",
        table(2, &[(3, b"", 3), (3, b"", 7)]),
    );
    s.add(
        "versions",
        "valid-version-max",
        table(1, &[(3, b"", u32::MAX)]),
    );
    s.add(
        "versions",
        "valid-department-64",
        table(1, &[(1, &[b'd'; 64], 2)]),
    );
    s.add("versions", "bad-empty", vec![]);
    s.add("versions", "bad-magic", edit(&rotated, |v| v[0] = b'X'));
    s.add("versions", "bad-version-2", edit(&rotated, |v| v[4] = 2));
    s.add("versions", "bad-count-too-big", table(2, &[(3, b"", 2)]));
    s.add(
        "versions",
        "bad-trailing-byte",
        edit(&rotated, |v| v.push(0)),
    );
    s.add(
        "versions",
        "bad-department-65",
        table(1, &[(1, &[b'd'; 65], 2)]),
    );
    s.add("versions", "bad-department-empty", table(1, &[(1, b"", 2)]));
    s.add(
        "versions",
        "bad-department-not-utf8",
        table(1, &[(1, b"\xff", 2)]),
    );
    s.add("versions", "bad-class-9", table(1, &[(2, &[9], 2)]));
    s.add("versions", "bad-class-empty", table(1, &[(2, b"", 2)]));
    s.add("versions", "bad-tag-5", table(1, &[(5, b"", 2)]));
    s.add(
        "versions",
        "bad-blind-index-scope",
        table(1, &[(3, b"x", 2)]),
    );
}

/// Every seed of every target.
fn pii_detect_seeds(s: &mut Seeds) {
    let valid = [
        ("mobile", "我的手机是 138 0013 8000，谢谢"),
        ("mobile-intl", "call +86 138-0013-8000 now"),
        ("numerals", "手机号一三八零零一三八零零零"),
        ("fullwidth", "电话１３８００１３８０００"),
        ("id", "身份证11010519491231002X"),
        ("card", "卡号 6222 0212 3456 7894"),
        (
            "email-url",
            "mail li.lei@example.com, see https://example.com/a?b=1.",
        ),
        ("ip", "server 192.168.1.20 and 2001:db8::1"),
        ("plate", "车牌 粤B·12345"),
        (
            "wallets",
            "btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ),
        ("wechat-qq", "加微信 lilei_2024 或 QQ 123456789"),
        (
            "documents",
            "护照 E12345678，HK ID A123456(3)，台湾 A123456789，澳门 1234567(8)",
        ),
        ("landline", "座机 (0755) 2345 6789，国际 +44 20 7946 0958"),
        (
            "overlap",
            "13800138000@163.com 和 http://x.cn/?tel=13800138000",
        ),
    ];
    for (name, text) in valid {
        s.add("pii_detect", format!("valid-{name}"), text.as_bytes());
    }
    let bad: [(&str, &[u8]); 6] = [
        ("empty", b""),
        ("not-utf8", b"\xff\xfe138"),
        ("order", "订单号 2023111513451238".as_bytes()),
        ("timestamp", "时间 2024-01-15 13:45:12".as_bytes()),
        ("bad-id", "身份证110105194912310021".as_bytes()),
        ("amount", "金额 ¥1,234.56 元".as_bytes()),
    ];
    for (name, data) in bad {
        s.add("pii_detect", format!("bad-{name}"), data);
    }
}

fn restore_map_seeds(s: &mut Seeds) {
    use chatvault::mask::{ClassKeys, Masker, RecordRef, RestoreMap};
    use chatvault::pii::Detector;
    struct Existing;
    impl ClassKeys for Existing {
        fn class_key(&self, class: IdClass) -> chatvault::Result<DataKey> {
            fixtures()
                .ring
                .data_key(&DataKeyId::customer(CUSTOMER, class))
        }
    }
    let f = fixtures();
    let found = Detector::new().detect(checks::MASKED_ORIGINAL).unwrap();
    let masker = Masker::new(f.ring.pseudonym_key().unwrap());
    let m = masker
        .mask(
            checks::MASKED_ORIGINAL,
            &found,
            &Existing,
            &RecordRef::new(TENANT, checks::MASKED_RECORD),
        )
        .unwrap();
    let map = m.map.to_bytes();
    s.add("restore_map", "valid-genuine", map.clone());
    let first_only = RestoreMap::from_entries(m.map.entries()[..1].to_vec()).unwrap();
    s.add("restore_map", "valid-first-entry", first_only.to_bytes());
    s.add(
        "restore_map",
        "valid-empty",
        RestoreMap::default().to_bytes(),
    );
    // Entries 0 and 2 only: entry 2 is now at index 1, so it does not open
    // (the map still parses).
    let e = m.map.entries();
    let skipped = RestoreMap::from_entries(vec![e[0].clone(), e[2].clone()]).unwrap();
    s.add("restore_map", "valid-skipped-entry", skipped.to_bytes());
    s.add("restore_map", "bad-magic", edit(&map, |v| v[0] = b'X'));
    s.add("restore_map", "bad-version", edit(&map, |v| v[4] = 2));
    s.add("restore_map", "bad-count", edit(&map, |v| v[8] = 9));
    s.add("restore_map", "bad-entity", edit(&map, |v| v[17] = 0));
    s.add("restore_map", "bad-class", edit(&map, |v| v[18] = 3));
    s.add(
        "restore_map",
        "bad-truncated",
        map[..map.len() - 1].to_vec(),
    );
    s.add("restore_map", "bad-trailing", edit(&map, |v| v.push(0)));
    s.add(
        "restore_map",
        "bad-envelope-suite",
        edit(&map, |v| v[24] = 9),
    );
    // Spans out of order: the first two entries' bytes swapped.
    let sorted = RestoreMap::from_entries(vec![e[0].clone(), e[1].clone()])
        .unwrap()
        .to_bytes();
    let end0 = 9 + 14 + e[0].sealed.len();
    let unsorted = [&sorted[..9], &sorted[end0..], &sorted[9..end0]].concat();
    s.add("restore_map", "bad-unsorted", unsorted);
}

fn scan_seeds(s: &mut Seeds) {
    let texts = [
        ("spaced", "加微 信"),
        ("symbols", "加微*信吧"),
        ("fullwidth", "加ｗｅｉｘｉｎ"),
        ("leet", "加 w3ix1n"),
        ("circled", "号码①②③④⑤⑥"),
        ("traditional", "國家大事"),
        ("mask", "你个口 交"),
        ("both", "口交 微信 大麻"),
    ];
    for (name, t) in texts {
        s.add("scan_text", format!("valid-{name}"), t.as_bytes());
    }
    for (name, t) in [
        ("clean", "谢谢您的耐心等待"),
        ("allowed", "真是大麻烦，前面路口交通拥堵"),
        ("class", "first class service"),
    ] {
        s.add("scan_text", format!("bad-{name}"), t.as_bytes());
    }
    s.add("scan_text", "bad-not-utf8", b"\xe5\xbe".to_vec());
    let dicts: [(&str, &str); 3] = [
        ("plain", "# words\n微信\n大麻\nabc\n"),
        ("tags", "冰毒 1\nfoo 0,4\n"),
        ("mixed", "甲\n乙 2\n"),
    ];
    for (name, t) in dicts {
        s.add("scan_dict", format!("valid-{name}"), t.as_bytes());
    }
    let long = format!("{}\n", "长".repeat(100));
    for (name, t) in [
        ("empty", ""),
        ("comments", "# only\n\n"),
        ("too-long", long.as_str()),
    ] {
        s.add("scan_dict", format!("bad-{name}"), t.as_bytes());
    }
    s.add("scan_dict", "bad-not-utf8", b"\xff\n".to_vec());
}

fn retention_seeds(s: &mut Seeds) {
    let policy = |rules: &str| {
        format!(
            r#"{{"chatvault_retention": 1, "name": "acme", "version": 2,
  "vocabulary": {{"categories": ["complaint", "transaction", "general"], "regions": ["CN", "EU"],
                 "events": ["dispute_resolved"]}},
  "erasure": {{"action": "shred", "within": "30d"}}, "grace": "7d",
  "rules": [{rules}]}}"#
        )
    };
    let valid = [
        (
            "templates",
            r#"{"name": "logs", "template": "cn-csl-network-logs"},
            {"name": "tx", "template": "cn-ecommerce-transactions", "select": {"category": ["transaction"]}, "ceiling": "5y", "action": "shred"},
            {"name": "eu", "template": "gdpr-storage-limitation", "select": {"region": ["EU"]}, "except": {"category": ["transaction"]}, "ceiling": "1y"}"#,
        ),
        (
            "selectors",
            r#"{"name": "vip", "select": {"tags_any": ["vip", "gold"], "tags_all": ["vip"]}, "except": {"tags": ["test"]}, "ceiling": "2y", "from": "last_activity", "action": "archive"},
            {"name": "disputes", "select": {"category": ["complaint"]}, "floor": "1y", "ceiling": "10y", "from": "event:dispute_resolved", "action": "review"},
            {"name": "default", "ceiling": "3y", "from": "closed", "action": "delete"}"#,
        ),
        (
            "floor-only",
            r#"{"name": "keep", "floor": "6m", "note": "only a floor"}"#,
        ),
    ];
    for (name, rules) in valid {
        s.add(
            "retention_policy",
            format!("valid-{name}"),
            policy(rules).as_bytes(),
        );
    }
    let locked = policy(r#"{"name": "keep", "floor": "6m"}"#)
        .replace("\"version\": 2", "\"version\": 2, \"locked\": true");
    s.add("retention_policy", "valid-locked", locked.as_bytes());
    let bad = [
        (
            "unknown-field",
            r#"{"name": "x", "floor": "1y", "flor": "2y"}"#,
        ),
        (
            "conflict",
            r#"{"name": "f", "floor": "3y"}, {"name": "c", "ceiling": "1y", "action": "delete"}"#,
        ),
        (
            "unreachable",
            r#"{"name": "x", "select": {"category": ["general"]}, "except": {"category": ["general"]}, "floor": "1y"}"#,
        ),
        ("absurd", r#"{"name": "x", "floor": "500y"}"#),
        (
            "unknown-category",
            r#"{"name": "x", "select": {"category": ["nope"]}, "floor": "1y"}"#,
        ),
        ("no-action", r#"{"name": "x", "ceiling": "1y"}"#),
    ];
    for (name, rules) in bad {
        s.add(
            "retention_policy",
            format!("bad-{name}"),
            policy(rules).as_bytes(),
        );
    }
    s.add(
        "retention_policy",
        "bad-syntax",
        b"{\"chatvault_retention\": 1, \"rules\": [,]}".to_vec(),
    );
    s.add(
        "retention_policy",
        "bad-not-utf8",
        b"{\"name\": \"\xff\"}".to_vec(),
    );
    s.add("retention_policy", "bad-deep", "[".repeat(200).into_bytes());
}

fn audit_proof_seeds(s: &mut Seeds) {
    use chatvault::audit::merkle::{leaf_hash, MerkleTree};
    let mut tree = MerkleTree::new();
    for i in 0..37u64 {
        tree.push(&i.to_be_bytes());
    }
    let inclusion = |index: u64, size: u64, proof: &[[u8; 32]]| {
        let mut d = vec![0u8];
        d.extend(index.to_le_bytes());
        d.extend(size.to_le_bytes());
        d.extend(leaf_hash(&index.to_be_bytes()));
        proof.iter().for_each(|h| d.extend(h));
        d
    };
    let consistency = |old: u64, new: u64, proof: &[[u8; 32]]| {
        let mut d = vec![1u8];
        d.extend(old.to_le_bytes());
        d.extend(new.to_le_bytes());
        proof.iter().for_each(|h| d.extend(h));
        d
    };
    for (index, size) in [(0, 1), (5, 8), (36, 37), (20, 33)] {
        let p = tree.inclusion_proof(index, size).unwrap();
        s.add(
            "audit_proof",
            format!("valid-inclusion-{index}-{size}"),
            inclusion(index, size, &p),
        );
    }
    for (old, new) in [(1, 37), (6, 8), (32, 37), (37, 37)] {
        let p = tree.consistency_proof(old, new).unwrap();
        s.add(
            "audit_proof",
            format!("valid-consistency-{old}-{new}"),
            consistency(old, new, &p),
        );
    }
    let p = tree.inclusion_proof(5, 8).unwrap();
    s.add(
        "audit_proof",
        "bad-inclusion-wrong-index",
        inclusion(4, 8, &p),
    );
    s.add(
        "audit_proof",
        "bad-inclusion-short",
        inclusion(5, 8, &p[..2]),
    );
    s.add(
        "audit_proof",
        "bad-inclusion-huge-size",
        inclusion(5, u64::MAX, &p),
    );
    let c = tree.consistency_proof(6, 8).unwrap();
    s.add(
        "audit_proof",
        "bad-consistency-swapped",
        consistency(8, 6, &c),
    );
    s.add(
        "audit_proof",
        "bad-consistency-extra",
        consistency(6, 8, &[c.clone(), vec![[0; 32]]].concat()),
    );
    s.add("audit_proof", "bad-too-short", vec![0u8; 10]);
}

fn audit_record_seeds(s: &mut Seeds) {
    use chatvault::audit::{Commitment, Event, EventKind, Id, Ledger, ObjectKind, Role, Value};
    let event = |i: u64| {
        let mut e = Event::new(
            1_767_225_600_000 + i as i64,
            EventKind::ALL[i as usize % 23],
            "agent-1",
            Role::Agent,
            "support",
        );
        e.objects
            .push((ObjectKind::Conversation, Id::Plain(format!("conv-{i}"))));
        e.objects.push((
            ObjectKind::Customer,
            Id::Committed(Commitment([i as u8; 32])),
        ));
        e.details
            .insert("reason".into(), Value::Text("审计".into()));
        e.details.insert("n".into(), Value::Int(-1));
        e
    };
    // Records are joined with 0xFF 0xFE; a seed must not contain that pair
    // inside a record, which these do not.
    let join = |records: &[Vec<u8>]| records.join(&[0xFFu8, 0xFE][..]);
    let mut log = Ledger::new("fuzz/audit").unwrap();
    let records: Vec<Vec<u8>> = (0..3).map(|i| log.append(&event(i)).unwrap()).collect();
    for r in &records {
        assert!(
            !r.windows(2).any(|w| w == [0xFF, 0xFE]),
            "separator inside a seed record"
        );
    }
    s.add("audit_record", "valid-one", records[0].clone());
    s.add("audit_record", "valid-three", join(&records));
    s.add(
        "audit_record",
        "bad-swapped",
        join(&[records[1].clone(), records[0].clone()]),
    );
    s.add("audit_record", "bad-missing-first", join(&records[1..]));
    let mut flipped = records[0].clone();
    flipped[40] ^= 1;
    s.add("audit_record", "bad-flipped", flipped);
    s.add(
        "audit_record",
        "bad-event-only",
        event(0).encode(0).unwrap(),
    );
    s.add("audit_record", "bad-empty", Vec::new());
}

fn audit_checkpoint_seeds(s: &mut Seeds) {
    use chatvault::audit::{Checkpoint, NoteSigner};
    let spec = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    s.add("audit_checkpoint", "valid-spec-note", spec.as_bytes());
    let key = NoteSigner::from_seed("acme-audit-log", &[3u8; 32]).unwrap();
    let cp = Checkpoint {
        origin: "acme/audit".into(),
        size: 1234,
        root: [9; 32],
        extensions: vec![],
    };
    s.add(
        "audit_checkpoint",
        "valid-checkpoint",
        cp.sign(&[&key]).unwrap().into_bytes(),
    );
    let cp2 = Checkpoint {
        extensions: vec!["ext".into()],
        ..cp.clone()
    };
    s.add(
        "audit_checkpoint",
        "valid-checkpoint-ext",
        cp2.sign(&[&key]).unwrap().into_bytes(),
    );
    s.add(
        "audit_checkpoint",
        "bad-tampered-spec",
        spec.replace("example message", "exemple message")
            .into_bytes(),
    );
    s.add(
        "audit_checkpoint",
        "bad-no-signature",
        cp.to_text().into_bytes(),
    );
    s.add(
        "audit_checkpoint",
        "bad-leading-zero",
        cp.sign(&[&key])
            .unwrap()
            .replacen("1234", "01234", 1)
            .into_bytes(),
    );
    s.add("audit_checkpoint", "bad-not-utf8", b"\xff\n\n".to_vec());
}

fn audit_export_seeds(s: &mut Seeds) {
    use chatvault::audit::{
        AuditLog, CommitPolicy, Event, EventKind, NoteSigner, Query, Role, Value,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::default()).unwrap();
    for i in 0..9u64 {
        let kind = [EventKind::ArchiveViewed, EventKind::FieldRevealed][i as usize % 2];
        let mut e = Event::new(
            1_767_225_600_000 + i as i64,
            kind,
            "agent-1",
            Role::Agent,
            "support",
        );
        e.details.insert("n".into(), Value::Int(i as i64));
        log.append(&e).unwrap();
    }
    let key = NoteSigner::from_seed("acme-audit-log", &[7u8; 32]).unwrap();
    let some = log
        .export(
            &Query {
                kinds: vec![EventKind::FieldRevealed],
                ..Query::default()
            },
            &key,
        )
        .unwrap();
    s.add("audit_export", "valid-reveals", some.as_bytes());
    let none = log
        .export(
            &Query {
                actor: Some("nobody".into()),
                ..Query::default()
            },
            &key,
        )
        .unwrap();
    s.add("audit_export", "valid-empty", none.as_bytes());
    s.add(
        "audit_export",
        "bad-changed-field",
        some.replacen("\"int\":1", "\"int\":2", 1).into_bytes(),
    );
    let lines: Vec<&str> = some.lines().collect();
    s.add(
        "audit_export",
        "bad-missing-line",
        format!("{}\n{}\n", lines[0], lines[2]).into_bytes(),
    );
    let other = NoteSigner::from_seed("acme-audit-log", &[8u8; 32]).unwrap();
    let foreign = log.export(&Query::default(), &other).unwrap();
    s.add("audit_export", "bad-other-key", foreign.into_bytes());
    s.add("audit_export", "bad-empty", Vec::new());
}

fn seeds() -> Vec<Seed> {
    let mut s = Seeds::default();
    envelope_seeds(&mut s);
    wrapped_secret_seeds(&mut s);
    grant_seeds(&mut s);
    tenant_public_seeds(&mut s);
    key_record_seeds(&mut s);
    file_store_seeds(&mut s);
    versions_seeds(&mut s);
    pii_detect_seeds(&mut s);
    restore_map_seeds(&mut s);
    scan_seeds(&mut s);
    retention_seeds(&mut s);
    audit_proof_seeds(&mut s);
    audit_record_seeds(&mut s);
    audit_checkpoint_seeds(&mut s);
    audit_export_seeds(&mut s);
    archive_seeds(&mut s);
    key_share_seeds(&mut s);
    approval_seeds(&mut s);
    s.0
}

/// Approvals that must not release the hold of `approval_note`: made by
/// keys that are not the rule's, for requests the archive never issued,
/// and malformed notes.
fn approval_seeds(s: &mut Seeds) {
    use chatvault::audit::NoteSigner;
    let request = "chatvault approval request\ntenant: \"acme\"\noperation: release_hold\n\
                   conversation: \"c1\"\nrequested-by: \"legal\"\nexpires: 100\n\
                   nonce: 000102030405060708090a0b0c0d0e0f\n";
    let mallory = NoteSigner::from_seed("mallory", &[5; 32]).unwrap();
    let fake_alice = NoteSigner::from_seed("alice", &[6; 32]).unwrap();
    s.add(
        "approval_note",
        "valid-note-not-an-approver",
        chatvault::archive::approve(request, &mallory).unwrap(),
    );
    s.add(
        "approval_note",
        "valid-note-wrong-key-for-alice",
        chatvault::archive::approve(request, &fake_alice).unwrap(),
    );
    s.add("approval_note", "bad-unsigned", request);
    s.add("approval_note", "bad-empty", "");
    s.add(
        "approval_note",
        "bad-nonce-multibyte",
        request.replace("000102030405060708090a0b0c0d0e0f", "éééééééééééééééé"),
    );
    s.add("approval_note", "bad-not-utf8", vec![0xff, 0xfe, b'\n']);
}

fn key_share_seeds(s: &mut Seeds) {
    let key = checks::master_key();
    let shares = key.split(TENANT, 2, 3).unwrap();
    let good = shares[1].to_bytes().to_vec();
    s.add("key_share", "valid-2-of-3", good.clone());
    let at = good.len() - 32 - 32 - 3; // threshold, count, index
    let mut variant = |name: &str, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        s.add("key_share", name, b);
    };
    variant("bad-magic", &|b| b[0] ^= 1);
    variant("bad-version-2", &|b| b[4] = 2);
    variant("bad-threshold-1", &|b| b[at] = 1);
    variant("bad-threshold-over-count", &|b| b[at] = 4);
    variant("bad-index-0", &|b| b[at + 2] = 0);
    variant("bad-index-over-count", &|b| b[at + 2] = 4);
    variant("bad-truncated", &|b| {
        b.pop();
    });
    variant("bad-trailing", &|b| b.push(0));
    variant("bad-tenant-not-utf8", &|b| b[7] = 0xff);
}

/// CRC-32C (Castagnoli), bit by bit, for hand-made frames.
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = (body.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(body);
    let crc = crc32c(&f);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

/// A record file holding every record type, made by a real archive.
fn archive_seeds(s: &mut Seeds) {
    use chatvault::archive::{
        Archive, Behaviour, ConsentEvent, Conversation, Message, Options, Protect,
    };
    use chatvault::audit::Role;
    use chatvault::scan;
    let dir = tempfile::tempdir().unwrap();
    let t0 = 1_767_225_600;
    let a = Archive::create(
        dir.path(),
        TENANT,
        checks::master_key(),
        Protect::Kek(&Kek::from_bytes(checks::KEK)),
        Options::default(),
    )
    .unwrap();
    let mut b = scan::DictionaryBuilder::new();
    let c = b.category("contact").unwrap();
    b.add("微信", c, false).unwrap();
    let mut p = scan::Policy::new(scan::Action::Allow);
    p.set(c, scan::Direction::AgentToCustomer, scan::Action::Block);
    a.set_scanner(b.build(scan::Normalization::ALL, p).unwrap())
        .unwrap();
    a.record_consent("cust-1", ConsentEvent::Given, t0).unwrap();
    let mut conv = Conversation::new("c1", "sales", "cust-1", t0);
    conv.tags = vec!["vip".into()];
    a.start_conversation(&conv).unwrap();
    a.start_conversation(&Conversation::new("c2", "support", "cust-2", t0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", t0 + 1, "手机 13800138000"))
        .unwrap();
    a.ingest(&Message::agent("c1", "m2", "agent-1", t0 + 2, "加微信"))
        .unwrap();
    a.ingest(&Message::agent("c1", "m3", "agent-1", t0 + 3, "好的"))
        .unwrap();
    a.ingest(&Message::customer(
        "c2",
        "m1",
        t0 + 4,
        "卡号 6222021234567894",
    ))
    .unwrap();
    a.record_behaviour(
        "agent-1",
        Role::Agent,
        "sales",
        Behaviour::MessageEdited {
            conversation: "c1",
            message: "m3",
        },
        t0 + 5,
    )
    .unwrap();
    a.record_behaviour(
        "agent-1",
        Role::Agent,
        "sales",
        Behaviour::Login { device: "pc" },
        t0 + 6,
    )
    .unwrap();
    a.set_hold("c1", "legal", "case 1", t0 + 7).unwrap();
    a.release_hold("c1", "legal", &[], t0 + 8).unwrap();
    a.mark("c1", "dispute_resolved", t0 + 9).unwrap();
    a.close("c1", t0 + 10).unwrap();
    a.request_erasure("cust-2", &mut |_| true, t0 + 11).unwrap();
    // A two-person rule and an approval request (record types 14 and 12).
    let approvers = [("alice", 11), ("bob", 12)]
        .map(|(n, k)| chatvault::audit::NoteVerifier::new(n, &[k; 32]).unwrap());
    let rule = chatvault::archive::TwoPersonRule::new(2, approvers.to_vec()).unwrap();
    a.set_two_person_rule(&rule, "owner", &[], t0 + 12).unwrap();
    a.request_approval(
        &chatvault::archive::Operation::ReleaseHold { conversation: "c1" },
        "legal",
        t0 + 12,
        60,
    )
    .unwrap();
    drop(a);
    let full = std::fs::read(dir.path().join("records").join("journal.cvar")).unwrap();
    let header_len = 4 + 1 + 2 + TENANT.len();
    let header = full[..header_len].to_vec();
    s.add("archive_records", "valid-archive", full.clone());
    s.add("archive_records", "valid-empty", header.clone());
    s.add(
        "archive_records",
        "valid-torn",
        full[..full.len() - 3].to_vec(),
    );
    let mut zeros = full.clone();
    zeros.extend_from_slice(&[0; 64]);
    s.add("archive_records", "valid-zero-tail", zeros);
    let mut flipped = full.clone();
    flipped[header_len + 10] ^= 1;
    s.add("archive_records", "bad-flipped", flipped);
    let mut tenant = full.clone();
    tenant[header_len - 1] ^= 0x20;
    s.add("archive_records", "bad-tenant", tenant);
    let mut version = full.clone();
    version[4] = 2;
    s.add("archive_records", "bad-version", version);
    let mut unknown = header.clone();
    unknown.extend_from_slice(&frame(&[99]));
    s.add("archive_records", "bad-unknown-type", unknown);
    // Messages of a conversation never started: the first conversation
    // record left out.
    let mut pos = header_len;
    let mut orphan = header.clone();
    let mut dropped = false;
    while pos < full.len() {
        let n = u32::from_be_bytes(full[pos..pos + 4].try_into().unwrap()) as usize;
        if full[pos + 4] == 1 && !dropped {
            dropped = true;
        } else {
            orphan.extend_from_slice(&full[pos..pos + 8 + n]);
        }
        pos += 8 + n;
    }
    assert!(dropped);
    s.add("archive_records", "bad-orphan-record", orphan);
    // A checksum-valid record cut short (a closed record without its time).
    let mut long = header;
    long.extend_from_slice(&frame(&[6, 0, 1, b'x']));
    long.extend_from_slice(&full[header_len..]);
    s.add("archive_records", "bad-short-record", long);
}

/// Fresh seeds meet their names; with `CHATVAULT_WRITE_CORPUS=1` they
/// also replace the committed seeds (inputs the fuzzer added stay).
#[test]
fn generated_seeds_meet_their_names() {
    let seeds = seeds();
    for (target, _) in TARGETS {
        let of_target = || seeds.iter().filter(|s| s.target == target);
        assert!(
            of_target().any(|s| s.name.starts_with("valid-")),
            "{target}"
        );
        assert!(of_target().any(|s| s.name.starts_with("bad-")), "{target}");
    }
    for seed in &seeds {
        run_one(seed.target, &seed.name, &seed.data);
    }
    if std::env::var("CHATVAULT_WRITE_CORPUS").as_deref() != Ok("1") {
        return;
    }
    for (target, _) in TARGETS {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Inputs the fuzzer found (crash-<hash> among them) stay.
            let generated = ["valid-", "bad-", "costly-"]
                .iter()
                .any(|p| name.starts_with(p));
            if generated {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
    for seed in &seeds {
        std::fs::write(corpus_dir(seed.target).join(&seed.name), &seed.data).unwrap();
    }
}

/// Makes the keys every seed is sealed under. Run only when a format
/// changes; then regenerate the corpus.
#[test]
#[ignore = "replaces fuzz/fixtures/, which invalidates the committed corpus"]
fn write_fixtures() {
    assert_eq!(
        std::env::var("CHATVAULT_WRITE_FIXTURES").as_deref(),
        Ok("1"),
        "set CHATVAULT_WRITE_FIXTURES=1 to replace fuzz/fixtures/"
    );
    let kek = checks::kek();
    let master = MasterKey::generate().unwrap();
    let master_blob = master.export_with_kek(TENANT, &kek).unwrap();
    let (ring, store) = memory_ring(master);
    ring.conversation_key(DEPARTMENT, CONVERSATION, STARTED_AT)
        .unwrap();
    ring.customer_key(CUSTOMER, CLASS).unwrap();
    let grantee = GranteeSecret::generate().unwrap();
    let files: [(&str, Vec<u8>); 6] = [
        ("master_key.cvws", master_blob),
        (
            "grantee_secret.cvws",
            grantee.export_with_kek(&kek).unwrap(),
        ),
        (
            "conversation.record",
            record_of(&ring, &store, &checks::conversation_id()),
        ),
        (
            "customer.record",
            record_of(&ring, &store, &checks::customer_id()),
        ),
        (
            "supervisor.grant",
            issue_supervisor(&ring, &grantee.public(), &SUPERVISOR_GRANTS[0]),
        ),
        (
            "agent.grant",
            issue_agent(&ring, &grantee.public(), &AGENT_GRANTS[0]),
        ),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
