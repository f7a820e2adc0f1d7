//! Crypto-shredding with the file key store: a shredded key leaves no copy
//! of its wrapped record (nor its locator) in the store's files, stays gone
//! across reopening, and takes everything sealed under it along; a rewrap
//! leaves no copy of the old record; damaged and duplicated slots are
//! handled as docs/FORMAT.md 7.3 and 7.4 say.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chatvault::hazmat::{NONCE_LEN, TAG_LEN};
use chatvault::keys::{
    DataKeyId, Domain, FileKeyStore, GranteeSecret, IdClass, Kek, KeyStore, Keyring, Locator,
    MasterKey, SupervisorGrant, SupervisorScope, Validity,
};
use chatvault::seal::{Context, EnvelopeHeader, Suite};
use chatvault::{Error, ErrorKind};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// 2026-01-01T00:00:00Z.
const JAN1: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// docs/FORMAT.md 7.3: 256-byte slots; state (1), generation (8),
/// locator (32), record length (2), record, zero padding, checksum (4).
const SLOT: usize = 256;
const CHECK_AT: usize = SLOT - 4;

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.expect_err("expected an error").kind()
}

/// The random part of a wrapped data key record: its envelope's nonce,
/// ciphertext (the 32-byte key) and tag (docs/FORMAT.md 6 and 3.1). The
/// record's header, and the envelope's key id (the wrapping key's, shared by
/// every key of the same department and day), legitimately recur in other
/// records, so searches for a destroyed record look at this part.
fn random_tail(record: &[u8]) -> &[u8] {
    &record[record.len() - (NONCE_LEN + 32 + TAG_LEN)..]
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every 16-byte window of every file under `dir`.
struct Scan(HashSet<[u8; 16]>);

impl Scan {
    fn new(dir: &Path) -> Scan {
        let mut set = HashSet::new();
        for f in files(dir) {
            let bytes = std::fs::read(&f).unwrap();
            for w in bytes.windows(16) {
                set.insert(w.try_into().unwrap());
            }
        }
        Scan(set)
    }

    /// Whether any 16-byte window of `needle` appears in the files.
    fn any_window_of(&self, needle: &[u8]) -> bool {
        needle
            .windows(16)
            .any(|w| self.0.contains(&<[u8; 16]>::try_from(w).unwrap()))
    }

    /// Whether all of `needle` appears (checked window by window).
    fn every_window_of(&self, needle: &[u8]) -> bool {
        needle
            .windows(16)
            .all(|w| self.0.contains(&<[u8; 16]>::try_from(w).unwrap()))
    }
}

/// The master key, exported under a KEK so that a "restarted process" can
/// import the same key again.
struct Master {
    blob: Vec<u8>,
    kek: Kek,
}

impl Master {
    fn new() -> Master {
        let kek = Kek::from_bytes([0x42; 32]);
        let blob = MasterKey::generate()
            .unwrap()
            .export_with_kek("acme", &kek)
            .unwrap();
        Master { blob, kek }
    }

    fn ring(&self, store: Arc<FileKeyStore>) -> Keyring {
        let master = MasterKey::import_with_kek("acme", &self.blob, &self.kek).unwrap();
        Keyring::new("acme", master, store).unwrap()
    }
}

struct Sealed {
    id: DataKeyId,
    record: String,
    suite: Suite,
    envelope: Vec<u8>,
}

fn ctx(record: &str) -> Context<'_> {
    Context::new("acme", record, "body")
}

fn plaintext_for(id: &DataKeyId) -> Vec<u8> {
    format!("secret under {id:?}").into_bytes()
}

fn plaintext(s: &Sealed) -> Vec<u8> {
    plaintext_for(&s.id)
}

fn opens_with_owner(ring: &Keyring, s: &Sealed) -> Result<(), Error> {
    let key = ring.data_key(&s.id)?;
    let opened = key.sealer(s.suite).open(&ctx(&s.record), &s.envelope)?;
    assert_eq!(&opened[..], &plaintext(s)[..]);
    Ok(())
}

fn populate(ring: &Keyring) -> Vec<Sealed> {
    let mut out = Vec::new();
    for i in 0..40i64 {
        let dept = if i % 3 == 0 { "support" } else { "sales" };
        let conv = format!("conv-{i}");
        // Several keys share a day, so their records share header bytes.
        let key = ring
            .conversation_key(dept, &conv, JAN1 + (i / 4) * DAY + i * 60)
            .unwrap();
        let mut s = Sealed {
            id: DataKeyId::conversation(dept, &conv),
            record: conv,
            suite: Suite::ALL[i as usize % 4],
            envelope: Vec::new(),
        };
        s.envelope = key
            .sealer(s.suite)
            .seal(&ctx(&s.record), &plaintext(&s))
            .unwrap();
        out.push(s);
    }
    for c in 0..4 {
        for class in IdClass::ALL {
            let cust = format!("cust-{c}");
            let key = ring.customer_key(&cust, class).unwrap();
            let mut s = Sealed {
                id: DataKeyId::customer(&cust, class),
                record: format!("{cust}/{}", class.name()),
                suite: Suite::Sm4Gcm,
                envelope: Vec::new(),
            };
            s.envelope = key
                .sealer(s.suite)
                .seal(&ctx(&s.record), &plaintext(&s))
                .unwrap();
            out.push(s);
        }
    }
    out
}

fn is_victim(id: &DataKeyId) -> bool {
    match id {
        DataKeyId::Conversation { conversation, .. } => {
            conversation
                .trim_start_matches("conv-")
                .parse::<u32>()
                .unwrap()
                % 5
                == 0
        }
        DataKeyId::Customer { customer, .. } => customer == "cust-1",
    }
}

#[test]
fn shredded_keys_leave_no_trace_in_the_files() {
    let dir = TempDir::new().unwrap();
    let master = Master::new();
    let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
    let ring = master.ring(store.clone());
    let sealed = populate(&ring);

    // Remember each key's locator and wrapped record.
    let records: Vec<(Locator, Vec<u8>)> = sealed
        .iter()
        .map(|s| {
            let loc = ring.locator(&s.id).unwrap();
            (loc, store.get(&loc).unwrap().expect("record exists"))
        })
        .collect();
    let distinct: HashSet<&[u8]> = records.iter().map(|(_, r)| random_tail(r)).collect();
    assert_eq!(distinct.len(), records.len(), "record tails are unique");

    // The scan finds what is there: every record and locator, before shredding.
    let before = Scan::new(dir.path());
    for (loc, rec) in &records {
        assert!(before.every_window_of(random_tail(rec)));
        assert!(before.every_window_of(loc));
    }

    let mut victims = 0;
    for s in sealed
        .iter()
        .filter(|s| matches!(s.id, DataKeyId::Conversation { .. }))
    {
        if is_victim(&s.id) {
            assert!(ring.shred(&s.id).unwrap());
            assert!(!ring.shred(&s.id).unwrap(), "second shred finds nothing");
            victims += 1;
        }
    }
    assert_eq!(ring.shred_customer("cust-1").unwrap(), IdClass::ALL.len());
    assert_eq!(ring.shred_customer("cust-1").unwrap(), 0);
    victims += IdClass::ALL.len();
    assert_eq!(victims, 8 + 5);

    let after = Scan::new(dir.path());
    let live_locators: HashSet<Locator> = store.locators().unwrap().into_iter().collect();
    assert_eq!(live_locators.len(), sealed.len() - victims);
    for (s, (loc, rec)) in sealed.iter().zip(&records) {
        if is_victim(&s.id) {
            assert!(
                !after.any_window_of(random_tail(rec)),
                "{:?}: record left in the files",
                s.id
            );
            assert!(
                !after.any_window_of(loc),
                "{:?}: locator left in the files",
                s.id
            );
            assert_eq!(store.get(loc).unwrap(), None);
            assert!(!live_locators.contains(loc));
            assert_eq!(kind(ring.data_key(&s.id)), ErrorKind::KeyNotFound);
            assert_eq!(kind(opens_with_owner(&ring, s)), ErrorKind::KeyNotFound);
        } else {
            assert!(after.every_window_of(random_tail(rec)), "{:?}", s.id);
            assert_eq!(store.get(loc).unwrap().as_deref(), Some(&rec[..]));
            opens_with_owner(&ring, s).unwrap();
        }
    }

    // Reopen (a restarted process): the shredded stay gone, the others stay.
    drop(ring);
    drop(store);
    let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
    let ring = master.ring(store.clone());
    assert_eq!(store.locators().unwrap().len(), sealed.len() - victims);
    for s in &sealed {
        if is_victim(&s.id) {
            assert_eq!(kind(ring.data_key(&s.id)), ErrorKind::KeyNotFound);
        } else {
            opens_with_owner(&ring, s).unwrap();
        }
    }

    // No key obtainable from the keyring or a grant opens a shredded
    // envelope: a grant finds nothing, and asking for the id again makes a
    // new, different key.
    let supervisor = GranteeSecret::generate().unwrap();
    let blob = ring
        .issue_supervisor_grant(
            &supervisor.public(),
            "sup",
            &SupervisorScope::new(&["sales", "support"], JAN1, JAN1 + 30 * DAY).unwrap(),
            Validity::new(0, i64::MAX).unwrap(),
            JAN1,
        )
        .unwrap();
    let grant = SupervisorGrant::open(&blob, &supervisor, &ring.tenant_public()).unwrap();
    for s in sealed.iter().filter(|s| is_victim(&s.id)) {
        let old_id = EnvelopeHeader::parse(&s.envelope)
            .unwrap()
            .key_id()
            .to_owned();
        let fresh = match &s.id {
            DataKeyId::Conversation {
                department,
                conversation,
            } => {
                assert_eq!(
                    kind(grant.conversation_key(&*store, department, conversation, JAN1)),
                    ErrorKind::KeyNotFound
                );
                ring.conversation_key(department, conversation, JAN1)
                    .unwrap()
            }
            DataKeyId::Customer { customer, class } => ring.customer_key(customer, *class).unwrap(),
        };
        assert_ne!(fresh.key_id(), old_id);
        assert_eq!(
            kind(fresh.sealer(s.suite).open(&ctx(&s.record), &s.envelope)),
            ErrorKind::Decrypt
        );
    }
}

#[test]
fn a_rewrap_leaves_no_copy_of_the_old_record() {
    let dir = TempDir::new().unwrap();
    let master = Master::new();
    let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
    let ring = master.ring(store.clone());
    let sealed = populate(&ring);
    let old: Vec<Vec<u8>> = sealed
        .iter()
        .map(|s| store.get(&ring.locator(&s.id).unwrap()).unwrap().unwrap())
        .collect();

    let sales = ring.rotate(&Domain::Archive("sales".into())).unwrap();
    let phone = ring.rotate(&Domain::Identifier(IdClass::Phone)).unwrap();
    let rotated = |id: &DataKeyId| match id {
        DataKeyId::Conversation { department, .. } => department == "sales",
        DataKeyId::Customer { class, .. } => *class == IdClass::Phone,
    };
    assert_eq!(
        sales.rewrapped + phone.rewrapped,
        sealed.iter().filter(|s| rotated(&s.id)).count()
    );

    let scan = Scan::new(dir.path());
    for (s, old_rec) in sealed.iter().zip(&old) {
        let new_rec = store.get(&ring.locator(&s.id).unwrap()).unwrap().unwrap();
        if rotated(&s.id) {
            assert_ne!(&new_rec, old_rec);
            assert!(
                !scan.any_window_of(random_tail(old_rec)),
                "{:?}: old record left",
                s.id
            );
            assert!(scan.every_window_of(random_tail(&new_rec)));
        } else {
            assert_eq!(&new_rec, old_rec);
            assert!(scan.every_window_of(random_tail(old_rec)));
        }
        opens_with_owner(&ring, s).unwrap();
    }
    assert_eq!(store.locators().unwrap().len(), sealed.len());

    // And after reopening.
    drop(ring);
    drop(store);
    let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
    let ring = master.ring(store);
    for s in &sealed {
        opens_with_owner(&ring, s).unwrap();
    }
}

/// The raw slots of `keys.slots`.
fn read_slots(dir: &Path) -> Vec<[u8; SLOT]> {
    let bytes = std::fs::read(dir.join("keys.slots")).unwrap();
    assert_eq!(bytes.len() % SLOT, 0);
    bytes.chunks(SLOT).map(|c| c.try_into().unwrap()).collect()
}

fn write_slot(dir: &Path, index: usize, slot: &[u8; SLOT]) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("keys.slots"))
        .unwrap();
    f.write_all_at(slot, (index * SLOT) as u64).unwrap();
    f.sync_all().unwrap();
}

fn slot_locator(slot: &[u8; SLOT]) -> Locator {
    slot[9..41].try_into().unwrap()
}

fn slot_generation(slot: &[u8; SLOT]) -> u64 {
    u64::from_be_bytes(slot[1..9].try_into().unwrap())
}

fn checksum(slot: &[u8; SLOT]) -> [u8; 4] {
    Sha256::digest(&slot[..CHECK_AT])[..4].try_into().unwrap()
}

/// A store of a few keys, closed; returns the sealed values.
fn closed_store(dir: &Path, master: &Master) -> Vec<Sealed> {
    let store = Arc::new(FileKeyStore::open(dir).unwrap());
    let ring = master.ring(store);
    let mut out = Vec::new();
    for i in 0..6 {
        let conv = format!("conv-{i}");
        let key = ring
            .conversation_key("sales", &conv, JAN1 + i * DAY)
            .unwrap();
        let mut s = Sealed {
            id: DataKeyId::conversation("sales", &conv),
            record: conv,
            suite: Suite::Aes256Gcm,
            envelope: Vec::new(),
        };
        s.envelope = key
            .sealer(s.suite)
            .seal(&ctx(&s.record), &plaintext(&s))
            .unwrap();
        out.push(s);
    }
    out
}

#[test]
fn a_damaged_slot_fails_closed_and_repair_drops_only_it() {
    for damage in ["checksum", "state", "length"] {
        let dir = TempDir::new().unwrap();
        let master = Master::new();
        let sealed = closed_store(dir.path(), &master);
        let slots = read_slots(dir.path());
        assert_eq!(slots.len(), sealed.len());
        let victim = 2;
        let mut slot = slots[victim];
        assert_eq!(slot[0], 1, "slot {victim} is used");
        assert_eq!(checksum(&slot), slot[CHECK_AT..], "checksum as documented");
        let lost = slot_locator(&slot);
        match damage {
            // A torn write: garbage where the checksum was.
            "checksum" => {
                for b in &mut slot[CHECK_AT..] {
                    *b ^= 0xff;
                }
            }
            // A bad state byte, with a checksum that matches.
            "state" => {
                slot[0] = 2;
                let c = checksum(&slot);
                slot[CHECK_AT..].copy_from_slice(&c);
            }
            // A record length beyond the slot, with a matching checksum.
            _ => {
                slot[41..43].copy_from_slice(&300u16.to_be_bytes());
                let c = checksum(&slot);
                slot[CHECK_AT..].copy_from_slice(&c);
            }
        }
        write_slot(dir.path(), victim, &slot);

        let err = FileKeyStore::open(dir.path()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{damage}");
        // Failing closed changed nothing on disk.
        assert_eq!(read_slots(dir.path())[victim], slot);

        let store = Arc::new(FileKeyStore::open_repairing(dir.path()).unwrap());
        assert_eq!(store.get(&lost).unwrap(), None);
        assert_eq!(store.locators().unwrap().len(), sealed.len() - 1);
        let ring = master.ring(store.clone());
        let mut gone = 0;
        for s in &sealed {
            if ring.locator(&s.id).unwrap() == lost {
                assert_eq!(kind(opens_with_owner(&ring, s)), ErrorKind::KeyNotFound);
                gone += 1;
            } else {
                opens_with_owner(&ring, s).unwrap();
            }
        }
        assert_eq!(gone, 1);
        drop(ring);
        drop(store);
        // The repaired slot was zeroed, so a plain open now succeeds.
        assert_eq!(read_slots(dir.path())[victim], [0u8; SLOT]);
        let store = FileKeyStore::open(dir.path()).unwrap();
        assert_eq!(store.locators().unwrap().len(), sealed.len() - 1);
    }
}

#[test]
fn a_partial_last_slot_is_damaged_unless_zero() {
    let dir = TempDir::new().unwrap();
    let master = Master::new();
    let sealed = closed_store(dir.path(), &master);
    let path = dir.path().join("keys.slots");
    let len = std::fs::metadata(&path).unwrap().len();

    // A crash while growing the file: a partial slot of zeros is free.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0u8; 100]);
    std::fs::write(&path, &bytes).unwrap();
    let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
    assert_eq!(store.locators().unwrap().len(), sealed.len());
    drop(store);

    // A partial slot holding part of a record is damaged.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(len as usize);
    let mut partial = bytes[..SLOT].to_vec();
    partial.truncate(120);
    bytes.extend_from_slice(&partial);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(kind(FileKeyStore::open(dir.path())), ErrorKind::Io);
    let store = Arc::new(FileKeyStore::open_repairing(dir.path()).unwrap());
    let ring = master.ring(store);
    for s in &sealed {
        opens_with_owner(&ring, s).unwrap();
    }
}

/// A replace cut short by a crash leaves two slots for one locator (the old
/// record not yet zeroed); opening keeps the newer one and zeroes the
/// other, wherever the stale copy lies in the file.
#[test]
fn a_duplicated_locator_keeps_the_newer_record() {
    for stale_after_new in [false, true] {
        let dir = TempDir::new().unwrap();
        let master = Master::new();
        let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
        let ring = master.ring(store.clone());
        // Other departments' keys, then the one key that will be replaced.
        for i in 0..3 {
            ring.conversation_key("support", &format!("p{i}"), JAN1)
                .unwrap();
        }
        let id = DataKeyId::conversation("sales", "c1");
        let key = ring.conversation_key("sales", "c1", JAN1).unwrap();
        let s = Sealed {
            envelope: key
                .sealer(Suite::Sm4Gcm)
                .seal(&ctx("c1"), &plaintext_for(&id))
                .unwrap(),
            id: id.clone(),
            record: "c1".into(),
            suite: Suite::Sm4Gcm,
        };
        let loc = ring.locator(&id).unwrap();
        let old_record = store.get(&loc).unwrap().unwrap();
        let before = read_slots(dir.path());
        let old_index = before
            .iter()
            .position(|sl| sl[0] == 1 && slot_locator(sl) == loc)
            .unwrap();
        let old_slot = before[old_index];

        // Replace it (rotation rewraps it), then close.
        let r = ring.rotate(&Domain::Archive("sales".into())).unwrap();
        assert_eq!(r.rewrapped, 1);
        let new_record = store.get(&loc).unwrap().unwrap();
        assert_ne!(new_record, old_record);
        drop(ring);
        drop(store);

        let after = read_slots(dir.path());
        assert_eq!(
            after[old_index], [0u8; SLOT],
            "the replace zeroed the old slot"
        );
        let new_index = after
            .iter()
            .position(|sl| sl[0] == 1 && slot_locator(sl) == loc)
            .unwrap();
        assert!(slot_generation(&after[new_index]) > slot_generation(&old_slot));

        // The crash: the old slot was never zeroed.
        let stale_index = if stale_after_new {
            after.len()
        } else {
            old_index
        };
        assert_eq!(stale_index > new_index, stale_after_new);
        write_slot(dir.path(), stale_index, &old_slot);
        assert!(Scan::new(dir.path()).every_window_of(random_tail(&old_record)));

        let store = Arc::new(FileKeyStore::open(dir.path()).unwrap());
        assert_eq!(store.get(&loc).unwrap().as_deref(), Some(&new_record[..]));
        assert_eq!(store.locators().unwrap().len(), 4);
        let ring = master.ring(store.clone());
        opens_with_owner(&ring, &s).unwrap();
        let slots = read_slots(dir.path());
        assert_eq!(slots[stale_index], [0u8; SLOT], "the stale copy was zeroed");
        assert!(!Scan::new(dir.path()).any_window_of(random_tail(&old_record)));

        // Later writes get generations above every one seen.
        ring.conversation_key("sales", "c2", JAN1).unwrap();
        let newest = read_slots(dir.path())
            .iter()
            .filter(|sl| sl[0] == 1)
            .map(slot_generation)
            .max()
            .unwrap();
        assert!(newest > slot_generation(&after[new_index]));
    }
}
