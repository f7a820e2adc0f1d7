//! Properties of the public API itself: shareable types are Send + Sync,
//! nothing secret prints.

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use chatvault::keys::*;
use chatvault::seal::*;

fn send_sync<T: Send + Sync>() {}
fn unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

#[test]
fn shared_objects_are_send_and_sync() {
    send_sync::<Keyring>();
    send_sync::<Sealer>();
    send_sync::<BlindIndexer>();
    send_sync::<DataKey>();
    send_sync::<MasterKey>();
    send_sync::<GranteeSecret>();
    send_sync::<TenantPublic>();
    send_sync::<SupervisorGrant>();
    send_sync::<AgentGrant>();
    send_sync::<MemoryKeyStore>();
    send_sync::<FileKeyStore>();
    send_sync::<chatvault::Error>();
}

#[test]
fn values_are_unwind_safe() {
    unwind_safe::<Sealer>();
    unwind_safe::<DataKey>();
    unwind_safe::<MasterKey>();
    unwind_safe::<BlindIndexer>();
    unwind_safe::<TenantPublic>();
    unwind_safe::<chatvault::Error>();
}

/// Debug output of key-holding types shows fingerprints, never key bytes.
#[test]
fn debug_never_prints_secrets() {
    let tmk = MasterKey::generate().unwrap();
    let s = format!("{tmk:?}");
    assert!(s.starts_with("MasterKey(") && s.len() < 40, "{s}");

    let ring = Keyring::new("acme", tmk, Arc::new(MemoryKeyStore::new())).unwrap();
    let key = ring.conversation_key("sales", "c1", 0).unwrap();
    let id_hex: String = key.key_id().iter().map(|b| format!("{b:02x}")).collect();
    let dbg = format!("{key:?} {:?} {ring:?}", key.sealer(Suite::Aes256Gcm));
    // Only a prefix of the public key id appears, never the whole id and
    // never anything longer.
    assert!(dbg.contains(&id_hex[..16]), "{dbg}");
    assert!(!dbg.contains(&id_hex), "{dbg}");
    let kek = Kek::from_bytes([0x42; 32]);
    assert!(!format!("{kek:?}").contains("4242"));
}

/// Many threads sealing and creating keys at once: every key created
/// concurrently for the same conversation is the same key.
#[test]
fn concurrent_key_creation_yields_one_key() {
    let ring = Arc::new(
        Keyring::new(
            "acme",
            MasterKey::generate().unwrap(),
            Arc::new(MemoryKeyStore::new()),
        )
        .unwrap(),
    );
    let ids: Vec<[u8; 32]> = (0..8)
        .map(|_| {
            let ring = ring.clone();
            std::thread::spawn(move || ring.conversation_key("sales", "same", 0).unwrap().key_id())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
}
