//! Interoperability with an independent implementation of docs/FORMAT.md.
//!
//! `tests/interop/chatvault_format.py` implements every byte format and key
//! derivation of the document in Python, with the `cryptography` package,
//! from the document alone. These tests drive `tests/interop/check.py`:
//!
//! - `rust_output_verifies_in_python`: Python wraps a known master key and
//!   grantee secret under a KEK; chatvault imports them and, through its
//!   public API, builds a key store with conversation and customer keys,
//!   envelopes of every suite, blind indexes, pseudonym tags, grants of both
//!   kinds, rotations and a shredded key, and lists what it made in
//!   `manifest.txt`; `check.py verify` recomputes or opens all of it.
//! - `python_output_opens_in_rust`: `check.py make` writes envelopes of every
//!   suite, a key store (records, a version table, a stale duplicate slot),
//!   signed grants of both kinds, and malformed grants, version tables and
//!   records; chatvault opens or refuses each one as the document says.
//! - `format_document_vectors`: `check.py doc` recomputes or opens every test
//!   vector in section 10 of docs/FORMAT.md.
//!
//! Without `python3`, or without a `cryptography` that does SM4-GCM, each
//! test prints "skipped: ..." and passes, unless `CHATVAULT_REQUIRE_PYTHON=1`
//! is set, in which case it fails. `CHATVAULT_PYTHON` names another
//! interpreter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use chatvault::keys::*;
use chatvault::seal::{Context, EnvelopeHeader, Normalization, Suite};
use chatvault::ErrorKind;

const TENANT: &str = "acme";
const JAN1: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;
const PASSPHRASE: &[u8] = b"correct horse battery staple";
const PLAINTEXT: &str = "我的手机号是13800138000";

/// The KEK both sides use; the master key and the grantee secret reach
/// chatvault only as blobs wrapped under it by the Python side.
fn kek() -> Kek {
    Kek::from_bytes([0x42; 32])
}

fn tiny_argon2() -> Argon2Params {
    Argon2Params::new(256, 1, 1).unwrap() // tests only
}

// ---------------------------------------------------------------------------
// Running check.py
// ---------------------------------------------------------------------------

fn check_py() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check.py")
}

/// The interpreter, or why the tests are skipped. Probed once.
fn python() -> Option<&'static str> {
    static PROBE: OnceLock<Result<String, String>> = OnceLock::new();
    let probe = PROBE.get_or_init(|| {
        let py = std::env::var("CHATVAULT_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let out = match Command::new(&py)
            .arg(check_py())
            .arg("probe")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
        {
            Ok(out) => out,
            Err(e) => return Err(format!("cannot run {py}: {e}")),
        };
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        match out.status.code() {
            Some(0) => Ok(py),
            Some(77) => Err(text),
            _ => panic!(
                "{py} check.py probe failed ({}):\n{text}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    });
    match probe {
        Ok(py) => Some(py.as_str()),
        Err(why) => {
            if std::env::var("CHATVAULT_REQUIRE_PYTHON").as_deref() == Ok("1") {
                panic!("CHATVAULT_REQUIRE_PYTHON=1 but: {why}");
            }
            println!("skipped: {why} (set CHATVAULT_REQUIRE_PYTHON=1 to make this fatal)");
            None
        }
    }
}

/// Run `check.py <command> <arg>`; panic with its output unless it succeeds.
fn run_check(py: &str, command: &str, arg: &Path) {
    let out = Command::new(py)
        .arg(check_py())
        .arg(command)
        .arg(arg)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {py}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "check.py {command} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    print!("{stdout}");
}

// ---------------------------------------------------------------------------
// Manifest files (format in check.py's docstring)
// ---------------------------------------------------------------------------

fn tx(s: &str) -> String {
    hex::encode(s.as_bytes())
}

fn untx(h: &str) -> String {
    String::from_utf8(hex::decode(h).unwrap()).unwrap()
}

fn unhex(h: &str) -> Vec<u8> {
    hex::decode(h).unwrap_or_else(|e| panic!("bad hex {h:.20}...: {e}"))
}

fn read_manifest(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(' ').map(str::to_owned).collect())
        .collect()
}

fn find<'a>(m: &'a [Vec<String>], kind: &str) -> impl Iterator<Item = &'a Vec<String>> {
    let kind = kind.to_owned();
    m.iter().filter(move |f| f[0] == kind)
}

fn cvws(m: &[Vec<String>], secret: &str, method: &str) -> Option<Vec<u8>> {
    find(m, "cvws")
        .find(|f| f[1] == secret && f[2] == method)
        .map(|f| unhex(&f[3]))
}

fn domain_token(d: &Domain) -> String {
    match d {
        Domain::Archive(dept) => format!("archive:{}", tx(dept)),
        Domain::Identifier(c) => format!("identifier:{}", *c as u8),
        Domain::BlindIndex => "blind_index".to_owned(),
        Domain::Pseudonym => "pseudonym".to_owned(),
    }
}

fn parse_domain(tok: &str) -> Domain {
    if let Some(h) = tok.strip_prefix("archive:") {
        Domain::Archive(untx(h))
    } else if let Some(n) = tok.strip_prefix("identifier:") {
        Domain::Identifier(IdClass::from_u8(n.parse().unwrap()).unwrap())
    } else if tok == "blind_index" {
        Domain::BlindIndex
    } else {
        assert_eq!(tok, "pseudonym");
        Domain::Pseudonym
    }
}

struct Manifest(Vec<String>);

impl Manifest {
    fn line(&mut self, fields: &[&dyn std::fmt::Display]) {
        let l: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        self.0.push(l.join(" "));
    }
}

/// Inputs both sides use for blind indexes: (field, value, normalization, length).
const BLIND_CASES: &[(&str, &str, u32, usize)] = &[
    ("customer.phone", "+86 138-0013-8000", 2, 16),
    ("customer.phone", "１３８ ００１３ ８０００", 2, 16),
    ("customer.phone", "0086 13800138000", 2, 32),
    ("customer.phone", "86-10-1234-5678", 2, 16),
    ("customer.email", " Li.Lei@Example.COM ", 5, 16),
    ("customer.email", "\u{3000}ＡＢ@ｅｘ.com\u{2003}", 5, 16),
    ("note", "  Hello\u{3000}\t ＷＯＲＬＤ\u{2028}ÄÖ  x ", 1, 16),
    ("note", "a\u{1c}b", 1, 16),
    ("customer.id_card", "11010519491231002x", 3, 16),
    ("customer.id_card", "110105 1949-1231 002ｘ", 3, 16),
    ("customer.bank", "6222 0202 0000 1234 567", 4, 8),
    ("raw", "  Exact Ｖalue ", 0, 16),
    ("", "x", 0, 8),
];

// ---------------------------------------------------------------------------
// chatvault -> Python
// ---------------------------------------------------------------------------

enum Made {
    Conversation(&'static str, &'static str, i64),
    Customer(&'static str, IdClass),
}

impl Made {
    fn id(&self) -> DataKeyId {
        match *self {
            Made::Conversation(d, c, _) => DataKeyId::conversation(d, c),
            Made::Customer(c, class) => DataKeyId::customer(c, class),
        }
    }
}

#[test]
fn rust_output_verifies_in_python() {
    let Some(py) = python() else { return };
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    run_check(py, "inputs", dir);
    let inputs = read_manifest(&dir.join("inputs.txt"));
    let mut out = Manifest(Vec::new());
    out.line(&[&"tenant", &tx(TENANT)]);

    // The master key and the grantee secret, as Python wrapped them.
    let master =
        MasterKey::import_with_kek(TENANT, &cvws(&inputs, "master", "kek").unwrap(), &kek())
            .expect("Python's KEK-wrapped master key imports");
    let grantee = GranteeSecret::import_with_kek(&cvws(&inputs, "grantee", "kek").unwrap(), &kek())
        .expect("Python's KEK-wrapped grantee secret imports");
    if let Some(blob) = cvws(&inputs, "master", "passphrase") {
        let m = MasterKey::import_with_passphrase(TENANT, &blob, PASSPHRASE)
            .expect("Python's passphrase-wrapped master key imports");
        assert_eq!(m.fingerprint(), master.fingerprint());
        let g = GranteeSecret::import_with_passphrase(
            &cvws(&inputs, "grantee", "passphrase").unwrap(),
            PASSPHRASE,
        )
        .expect("Python's passphrase-wrapped grantee secret imports");
        assert_eq!(g.public(), grantee.public());
    }
    out.line(&[&"fingerprint", &master.fingerprint()]);
    out.line(&[&"grantee_public", &hex::encode(grantee.public().as_bytes())]);
    let exports = [
        ("master", "kek", master.export_with_kek(TENANT, &kek())),
        (
            "master",
            "passphrase",
            master.export_with_passphrase(TENANT, PASSPHRASE, tiny_argon2()),
        ),
        ("grantee", "kek", grantee.export_with_kek(&kek())),
        (
            "grantee",
            "passphrase",
            grantee.export_with_passphrase(PASSPHRASE, tiny_argon2()),
        ),
    ];
    for (secret, method, blob) in exports {
        out.line(&[&"cvws", &secret, &method, &hex::encode(blob.unwrap())]);
    }

    let store = Arc::new(FileKeyStore::open(dir.join("store")).unwrap());
    let ring = Keyring::new(TENANT, master, store.clone()).unwrap();
    out.line(&[
        &"tenant_public",
        &hex::encode(ring.tenant_public().to_bytes()),
    ]);

    // Data keys.
    let made: Vec<(&str, Made)> = vec![
        (
            "conv1",
            Made::Conversation("support", "conv-1", JAN1 + 3600),
        ),
        (
            "conv2",
            Made::Conversation("sales", "会话-2", JAN1 + 5 * DAY + 100),
        ),
        (
            "conv3",
            Made::Conversation("support", "conv-3", JAN1 + 40 * DAY),
        ),
        (
            "conv4",
            Made::Conversation("sales", "conv-shred", JAN1 + DAY),
        ),
        ("cust1", Made::Customer("cust-9", IdClass::Phone)),
        ("cust2", Made::Customer("cust-9", IdClass::Email)),
        ("cust3", Made::Customer("cust-7", IdClass::IdCard)),
    ];
    let mut keys = BTreeMap::new();
    for (name, m) in &made {
        let key = match *m {
            Made::Conversation(d, c, t) => ring.conversation_key(d, c, t).unwrap(),
            Made::Customer(c, class) => ring.customer_key(c, class).unwrap(),
        };
        let loc = hex::encode(ring.locator(&m.id()).unwrap());
        let (kid, kv) = (hex::encode(key.key_id()), key.version());
        match *m {
            Made::Conversation(d, c, t) => out.line(&[
                &"key",
                name,
                &"conversation",
                &tx(d),
                &tx(c),
                &t,
                &loc,
                &kid,
                &kv,
            ]),
            Made::Customer(c, class) => out.line(&[
                &"key",
                name,
                &"customer",
                &tx(c),
                &(class as u8),
                &loc,
                &kid,
                &kv,
            ]),
        }
        keys.insert(*name, key);
    }

    // Envelopes: every suite for conv1 (a text, nothing, 3000 bytes), one
    // suite for some others.
    let long: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
    let mut sealed = vec![];
    for suite in Suite::ALL {
        for (i, pt) in [PLAINTEXT.as_bytes(), b"", &long].into_iter().enumerate() {
            sealed.push((
                "conv1",
                suite,
                format!("conv-1/msg-{}-{i}", suite as u8),
                pt,
            ));
        }
    }
    sealed.push(("conv2", Suite::ChaCha20Poly1305, "会话-2/1".into(), b"hi"));
    sealed.push((
        "conv3",
        Suite::Sm4Gcm,
        "conv-3/1".into(),
        PLAINTEXT.as_bytes(),
    ));
    sealed.push(("cust1", Suite::Sm4Gcm, "cust-9".into(), b"13800138000"));
    sealed.push((
        "cust2",
        Suite::Aes256GcmSm4Gcm,
        "cust-9".into(),
        b"li.lei@example.com",
    ));
    sealed.push((
        "cust3",
        Suite::Aes256Gcm,
        "cust-7".into(),
        b"11010519491231002X",
    ));
    for (name, suite, record, pt) in &sealed {
        let key = &keys[name];
        let field = "text";
        let ctx = Context::new(TENANT, record.as_str(), field);
        let env = key.sealer(*suite).seal(&ctx, pt).unwrap();
        out.line(&[
            &"envelope",
            name,
            &(*suite as u8),
            &key.version(),
            &tx(TENANT),
            &tx(record),
            &tx(field),
            &hex::encode(pt),
            &hex::encode(&env),
        ]);
    }

    let blind_and_pseudonyms = |out: &mut Manifest| {
        let v = ring.version(&Domain::BlindIndex).unwrap();
        for (field, value, norm, len) in BLIND_CASES {
            let index = ring
                .blind_indexer(*len)
                .unwrap()
                .index(field, value, Normalization::from_u32(*norm).unwrap())
                .unwrap();
            out.line(&[
                &"blind",
                &v,
                &tx(field),
                &tx(value),
                norm,
                len,
                &hex::encode(index),
            ]);
        }
        let p = ring.pseudonym_key().unwrap();
        for (purpose, input) in [("nickname", &b"cust-9"[..]), ("hash", b"13800138000")] {
            let tag = p.tag(purpose, input).unwrap();
            out.line(&[
                &"pseudonym",
                &p.version(),
                &tx(purpose),
                &hex::encode(input),
                &hex::encode(tag),
            ]);
        }
    };
    blind_and_pseudonyms(&mut out);

    // Grants, before and after rotation.
    let issue_supervisor =
        |out: &mut Manifest, label: &str, depts: &[&str], to: i64, issued: i64| {
            let validity = Validity::new(JAN1, JAN1 + 90 * DAY).unwrap();
            let scope = SupervisorScope::new(depts, JAN1, to).unwrap();
            let blob = ring
                .issue_supervisor_grant(&grantee.public(), label, &scope, validity, issued)
                .unwrap();
            let versions: Vec<String> = depts
                .iter()
                .map(|d| {
                    let v = ring.version(&Domain::Archive(d.to_string())).unwrap();
                    format!("{}:{v}", tx(d))
                })
                .collect();
            out.line(&[
                &"grant",
                &"supervisor",
                &tx(label),
                &issued,
                &validity.not_before,
                &validity.expires_at,
                &JAN1,
                &to,
                &versions.join(","),
                &hex::encode(blob),
            ]);
        };
    let issue_agent = |out: &mut Manifest, label: &str, classes: &[IdClass], issued: i64| {
        let validity = Validity::new(JAN1, JAN1 + 90 * DAY).unwrap();
        let blob = ring
            .issue_agent_grant(
                &grantee.public(),
                label,
                &AgentScope::new(classes).unwrap(),
                validity,
                issued,
            )
            .unwrap();
        let versions: Vec<String> = classes
            .iter()
            .map(|c| {
                let v = ring.version(&Domain::Identifier(*c)).unwrap();
                format!("{}:{v}", *c as u8)
            })
            .collect();
        out.line(&[
            &"grant",
            &"agent",
            &tx(label),
            &issued,
            &validity.not_before,
            &validity.expires_at,
            &versions.join(","),
            &hex::encode(blob),
        ]);
    };
    issue_supervisor(
        &mut out,
        "王主管",
        &["support", "sales"],
        JAN1 + 31 * DAY,
        JAN1 - 10,
    );
    issue_agent(
        &mut out,
        "agent 007",
        &[IdClass::Phone, IdClass::Email],
        JAN1,
    );

    // Rotation: the records of the rotated domains are rewrapped in place.
    for name in ["conv1", "conv3", "cust1"] {
        let m = &made.iter().find(|(n, _)| *n == name).unwrap().1;
        let record = store.get(&ring.locator(&m.id()).unwrap()).unwrap().unwrap();
        out.line(&[&"record", &name, &1, &hex::encode(record)]);
    }
    for domain in [
        Domain::Archive("support".into()),
        Domain::Identifier(IdClass::Phone),
        Domain::BlindIndex,
        Domain::Pseudonym,
        Domain::Pseudonym,
    ] {
        let r = ring.rotate(&domain).unwrap();
        out.line(&[
            &"rotation",
            &domain_token(&r.domain),
            &r.old_version,
            &r.new_version,
            &r.rewrapped,
        ]);
    }
    for domain in [
        Domain::Archive("support".into()),
        Domain::Archive("sales".into()),
        Domain::Identifier(IdClass::Phone),
        Domain::Identifier(IdClass::Email),
        Domain::Identifier(IdClass::IdCard),
        Domain::BlindIndex,
        Domain::Pseudonym,
    ] {
        let v = ring.version(&domain).unwrap();
        out.line(&[&"version", &domain_token(&domain), &v]);
    }
    blind_and_pseudonyms(&mut out);
    issue_supervisor(&mut out, "support v2", &["support"], JAN1 + 60 * DAY, JAN1);
    issue_agent(
        &mut out,
        "agent v2",
        &[IdClass::Phone, IdClass::IdCard],
        JAN1,
    );

    // Crypto-shredding: nothing of the record may remain in keys.slots.
    let shred = DataKeyId::conversation("sales", "conv-shred");
    let loc = ring.locator(&shred).unwrap();
    let record = store.get(&loc).unwrap().unwrap();
    assert!(ring.shred(&shred).unwrap());
    out.line(&[
        &"shredded",
        &"conv4",
        &hex::encode(loc),
        &hex::encode(record),
    ]);

    drop(ring);
    drop(store);
    std::fs::write(dir.join("manifest.txt"), out.0.join("\n") + "\n").unwrap();
    run_check(py, "verify", dir);
}

// ---------------------------------------------------------------------------
// Python -> chatvault
// ---------------------------------------------------------------------------

#[test]
fn python_output_opens_in_rust() {
    let Some(py) = python() else { return };
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    run_check(py, "make", dir);
    let m = read_manifest(&dir.join("manifest.txt"));
    let mut checks = 0usize;
    let master = || {
        MasterKey::import_with_kek(TENANT, &cvws(&m, "master", "kek").unwrap(), &kek())
            .expect("Python's KEK-wrapped master key imports")
    };
    let grantee = GranteeSecret::import_with_kek(&cvws(&m, "grantee", "kek").unwrap(), &kek())
        .expect("Python's KEK-wrapped grantee secret imports");
    assert_eq!(
        hex::encode(grantee.public().as_bytes()),
        find(&m, "grantee_public").next().unwrap()[1]
    );
    if let Some(blob) = cvws(&m, "master", "passphrase") {
        let mp = MasterKey::import_with_passphrase(TENANT, &blob, PASSPHRASE).unwrap();
        assert_eq!(mp.fingerprint(), master().fingerprint());
        let gp = GranteeSecret::import_with_passphrase(
            &cvws(&m, "grantee", "passphrase").unwrap(),
            PASSPHRASE,
        )
        .unwrap();
        assert_eq!(gp.public(), grantee.public());
        assert!(MasterKey::import_with_passphrase(TENANT, &blob, b"wrong").is_err());
        checks += 3;
    }

    // The store: opening it resolves the duplicate slot and zeroes the stale one.
    let store = Arc::new(FileKeyStore::open(dir.join("store")).expect("Python's keys.slots opens"));
    let slots = std::fs::read(dir.join("store/keys.slots")).unwrap();
    for f in find(&m, "stale") {
        let stale = unhex(&f[2]);
        assert!(
            !slots.windows(stale.len()).any(|w| w == stale),
            "the stale duplicate slot of {} was not zeroed",
            f[1]
        );
        checks += 1;
    }
    let ring = Keyring::new(TENANT, master(), store.clone()).expect("Python's version table loads");
    let tp = TenantPublic::from_bytes(&unhex(&find(&m, "tenant_public").next().unwrap()[1]))
        .expect("Python's CVTP parses");
    assert_eq!(tp, ring.tenant_public());
    assert_eq!(tp.to_bytes(), ring.tenant_public().to_bytes());

    for f in find(&m, "version") {
        assert_eq!(
            ring.version(&parse_domain(&f[1])).unwrap(),
            f[2].parse::<u32>().unwrap(),
            "version of {}",
            f[1]
        );
        checks += 1;
    }

    // Data keys at their locators.
    let mut keys = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for f in find(&m, "key") {
        let (id, rest) = match f[2].as_str() {
            "conversation" => (DataKeyId::conversation(&untx(&f[3]), &untx(&f[4])), &f[6..]),
            _ => {
                let class = IdClass::from_u8(f[4].parse().unwrap()).unwrap();
                (DataKeyId::customer(&untx(&f[3]), class), &f[5..])
            }
        };
        assert_eq!(
            hex::encode(ring.locator(&id).unwrap()),
            rest[0],
            "locator of {}",
            f[1]
        );
        let key = ring
            .data_key(&id)
            .unwrap_or_else(|e| panic!("data key {}: {e}", f[1]));
        assert_eq!(hex::encode(key.key_id()), rest[1], "key id of {}", f[1]);
        assert_eq!(
            key.version().to_string(),
            rest[2],
            "key version of {}",
            f[1]
        );
        keys.insert(f[1].clone(), key);
        ids.insert(f[1].clone(), id);
        checks += 3;
    }

    // Envelopes.
    let mut suites = std::collections::BTreeSet::new();
    for f in find(&m, "envelope") {
        let key = &keys[&f[1]];
        let suite = Suite::from_u8(f[2].parse().unwrap()).unwrap();
        let (t, r, fl) = (unhex(&f[4]), unhex(&f[5]), unhex(&f[6]));
        let (pt, env) = (unhex(&f[7]), unhex(&f[8]));
        let h = EnvelopeHeader::parse(&env).unwrap();
        assert_eq!(
            (h.suite(), h.key_version(), h.key_id(), h.plaintext_len()),
            (suite, f[3].parse().unwrap(), &key.key_id(), pt.len())
        );
        let sealer = key.sealer(suite);
        let got = sealer
            .open(&Context::new(&t, &r, &fl), &env)
            .unwrap_or_else(|e| panic!("Python's {suite:?} envelope for {}: {e}", f[1]));
        assert_eq!(&got[..], &pt[..]);
        let other = sealer.open(&Context::new(&t, &r, b"other"), &env);
        assert_eq!(other.unwrap_err().kind(), ErrorKind::Decrypt);
        suites.insert(suite as u8);
        checks += 3;
    }
    assert_eq!(suites.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4]);

    for f in find(&m, "blind") {
        assert_eq!(ring.version(&Domain::BlindIndex).unwrap().to_string(), f[1]);
        let (field, value) = (untx(&f[2]), untx(&f[3]));
        let norm = Normalization::from_u32(f[4].parse().unwrap()).unwrap();
        let index = ring
            .blind_indexer(f[5].parse().unwrap())
            .unwrap()
            .index(&field, &value, norm)
            .unwrap();
        assert_eq!(hex::encode(index), f[6], "blind index of {value:?}");
        checks += 1;
    }
    for f in find(&m, "pseudonym") {
        let p = ring.pseudonym_key().unwrap();
        assert_eq!(p.version().to_string(), f[1]);
        assert_eq!(
            hex::encode(p.tag(&untx(&f[2]), &unhex(&f[3])).unwrap()),
            f[4]
        );
        checks += 1;
    }

    // Grants Python signed and sealed.
    let now = JAN1 + DAY;
    for f in find(&m, "grant") {
        let (label, issued, nb, exp) = (
            untx(&f[2]),
            f[3].parse::<i64>().unwrap(),
            f[4].parse::<i64>().unwrap(),
            f[5].parse::<i64>().unwrap(),
        );
        let blob = unhex(f.last().unwrap());
        if f[1] == "supervisor" {
            let g = SupervisorGrant::open(&blob, &grantee, &tp).expect("Python's supervisor grant");
            let (from, to): (i64, i64) = (f[6].parse().unwrap(), f[7].parse().unwrap());
            assert_eq!(
                (g.label(), g.issued_at(), g.validity(), g.window()),
                (
                    label.as_str(),
                    issued,
                    Validity::new(nb, exp).unwrap(),
                    (from, to)
                )
            );
            let depts: Vec<String> = f[8]
                .split(',')
                .map(|x| untx(x.split(':').next().unwrap()))
                .collect();
            assert_eq!(g.departments(), depts);
            for (name, id) in &ids {
                let DataKeyId::Conversation {
                    department,
                    conversation,
                } = id
                else {
                    continue;
                };
                let key = g
                    .conversation_key(&*store, department, conversation, now)
                    .unwrap_or_else(|e| panic!("supervisor grant, key {name}: {e}"));
                assert_eq!(key.key_id(), keys[name].key_id());
                assert!(g.permits(department, from, now).is_ok());
                assert!(g.permits(department, to, now).is_err());
                checks += 2;
            }
            assert!(g
                .conversation_key(&*store, "support", "conv-py-1", exp)
                .is_err());
        } else {
            let g = AgentGrant::open(&blob, &grantee, &tp).expect("Python's agent grant");
            assert_eq!(
                (g.label(), g.issued_at(), g.validity()),
                (label.as_str(), issued, Validity::new(nb, exp).unwrap())
            );
            let classes: Vec<IdClass> = f[6]
                .split(',')
                .map(|x| IdClass::from_u8(x.split(':').next().unwrap().parse().unwrap()).unwrap())
                .collect();
            assert_eq!(g.classes(), classes);
            for (name, id) in &ids {
                let DataKeyId::Customer { customer, class } = id else {
                    continue;
                };
                let key = g
                    .customer_key(&*store, customer, *class, now)
                    .unwrap_or_else(|e| panic!("agent grant, key {name}: {e}"));
                assert_eq!(key.key_id(), keys[name].key_id());
                checks += 1;
            }
            assert!(g
                .customer_key(&*store, "cust-py", IdClass::IdCard, now)
                .is_err());
        }
        // A grant never opens as the other kind.
        let as_other = if f[1] == "supervisor" {
            AgentGrant::open(&blob, &grantee, &tp).err()
        } else {
            SupervisorGrant::open(&blob, &grantee, &tp).err()
        };
        assert!(
            as_other.is_some(),
            "{} grant opened as the other kind",
            f[1]
        );
    }
    assert_eq!(find(&m, "grant").count(), 2);

    // What chatvault must refuse as malformed.
    for f in find(&m, "bad_grant") {
        let blob = unhex(&f[3]);
        let err = if f[1] == "supervisor" {
            SupervisorGrant::open(&blob, &grantee, &tp).err()
        } else {
            AgentGrant::open(&blob, &grantee, &tp).err()
        };
        let kind = err.as_ref().map(|e| e.kind());
        assert_eq!(
            kind,
            Some(ErrorKind::Malformed),
            "{} grant with {}: {err:?}",
            f[1],
            untx(&f[2])
        );
        checks += 1;
    }
    for f in find(&m, "bad_versions") {
        let mem = MemoryKeyStore::new();
        mem.store_versions(&unhex(&f[2])).unwrap();
        let err = Keyring::new(TENANT, master(), Arc::new(mem)).err();
        let kind = err.as_ref().map(|e| e.kind());
        assert_eq!(
            kind,
            Some(ErrorKind::Malformed),
            "version table with {}: {err:?}",
            untx(&f[1])
        );
        checks += 1;
    }
    for f in find(&m, "bad_record") {
        let mem = Arc::new(MemoryKeyStore::new());
        let ring = Keyring::new(TENANT, master(), mem.clone()).unwrap();
        let id = DataKeyId::conversation(&untx(&f[1]), &untx(&f[2]));
        mem.put(&ring.locator(&id).unwrap(), &unhex(&f[4])).unwrap();
        let err = ring.data_key(&id).err();
        let kind = err.as_ref().map(|e| e.kind());
        assert_eq!(
            kind,
            Some(ErrorKind::Malformed),
            "record with {}: {err:?}",
            untx(&f[3])
        );
        checks += 1;
    }
    assert!(find(&m, "bad_grant").count() >= 10 && find(&m, "bad_versions").count() >= 5);
    println!("python -> rust: {checks} checks passed");
}

// ---------------------------------------------------------------------------
// The document's own test vectors
// ---------------------------------------------------------------------------

#[test]
fn format_document_vectors() {
    let Some(py) = python() else { return };
    run_check(
        py,
        "doc",
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMAT.md"),
    );
}
