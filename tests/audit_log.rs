//! Audit events (canonical encoding, commitments) and the hash-chained
//! log: every change, removal, insertion, reordering or truncation of
//! records is detected.

use chatvault::audit::merkle::{leaf_hash, verify_inclusion};
use chatvault::audit::{
    genesis, verify_records, Commitment, Event, EventKind, Id, Ledger, ObjectKind, Role, Value,
    MAX_EVENT_BYTES,
};
use chatvault::ErrorKind;
use proptest::prelude::*;

const T0: i64 = 1_767_225_600_000;

fn sample(i: u64) -> Event {
    let kind = EventKind::ALL[i as usize % EventKind::ALL.len()];
    let role = Role::ALL[i as usize % Role::ALL.len()];
    let mut e = Event::new(
        T0 + i as i64 * 1000,
        kind,
        format!("user-{}", i % 7),
        role,
        "support",
    );
    e.objects
        .push((ObjectKind::Conversation, Id::Plain(format!("conv-{i}"))));
    let c = Commitment::new(&[9u8; 32], "customer", format!("cust-{}", i % 5).as_bytes()).unwrap();
    e.objects.push((ObjectKind::Customer, Id::Committed(c)));
    e.details.insert("n".into(), Value::Int(i as i64 - 3));
    e.details
        .insert("ok".into(), Value::Bool(i.is_multiple_of(2)));
    e.details
        .insert("why".into(), Value::Text("routine check 例行检查".into()));
    e.details
        .insert("hash".into(), Value::Bytes(vec![i as u8; 8]));
    e
}

fn log_of(n: u64) -> (Ledger, Vec<Vec<u8>>) {
    let mut log = Ledger::new("acme/audit").unwrap();
    let records = (0..n).map(|i| log.append(&sample(i)).unwrap()).collect();
    (log, records)
}

fn verify(records: &[Vec<u8>]) -> chatvault::Result<chatvault::audit::Verified> {
    verify_records("acme/audit", records.iter().map(Vec::as_slice))
}

#[test]
fn every_number_round_trips_and_names_are_unique() {
    for (i, k) in EventKind::ALL.iter().enumerate() {
        assert_eq!(k.number() as usize, i + 1);
        assert_eq!(EventKind::from_number(k.number()), Some(*k));
    }
    assert_eq!(EventKind::ALL.len(), 26);
    assert_eq!(EventKind::from_number(0), None);
    assert_eq!(EventKind::from_number(27), None);
    let mut keys: Vec<_> = EventKind::ALL.iter().map(|k| k.key()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 26);
    for r in Role::ALL {
        assert_eq!(Role::from_number(r.number()), Some(*r));
    }
    for o in ObjectKind::ALL {
        assert_eq!(ObjectKind::from_number(o.number()), Some(*o));
    }
}

#[test]
fn events_round_trip_and_only_canonical_bytes_decode() {
    for i in 0..50 {
        let e = sample(i);
        let bytes = e.encode(i).unwrap();
        assert_eq!(Event::decode(&bytes).unwrap(), (i, e.clone()));
        // Any trailing byte, any truncation is refused.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            Event::decode(&longer).unwrap_err().kind(),
            ErrorKind::Malformed
        );
        for cut in 0..bytes.len() {
            assert!(Event::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
    let bytes = sample(1).encode(1).unwrap();
    let mut v2 = bytes.clone();
    v2[0] = 2;
    assert_eq!(
        Event::decode(&v2).unwrap_err().kind(),
        ErrorKind::UnsupportedVersion
    );
    // Unknown kind number (bytes 17-18).
    let mut k = bytes.clone();
    k[17..19].copy_from_slice(&999u16.to_be_bytes());
    assert!(Event::decode(&k).unwrap_err().detail().contains("kind 999"));
    // Details out of order: "hash" < "n" < "ok" < "why"; swap the first
    // two by building the bytes by hand.
    let mut e = Event::new(T0, EventKind::Exported, "a", Role::Owner, "");
    e.details.insert("a".into(), Value::Int(1));
    e.details.insert("b".into(), Value::Int(2));
    let good = e.encode(0).unwrap();
    let tail = good.len() - 2 * (2 + 1 + 1 + 8);
    let (first, second) = good[tail..].split_at(12);
    let swapped = [&good[..tail], second, first].concat();
    assert!(Event::decode(&swapped)
        .unwrap_err()
        .detail()
        .contains("out of order"));
    // A flag other than 0 or 1.
    let mut e = Event::new(T0, EventKind::Exported, "a", Role::Owner, "");
    e.details.insert("f".into(), Value::Bool(true));
    let mut bad = e.encode(0).unwrap();
    *bad.last_mut().unwrap() = 2;
    assert!(Event::decode(&bad).unwrap_err().detail().contains("flag 2"));
}

#[test]
fn customers_appear_only_as_commitments_and_limits_hold() {
    let mut e = Event::new(T0, EventKind::ErasureRequested, "cust", Role::Customer, "");
    e.objects
        .push((ObjectKind::Customer, Id::Plain("13800138000".into())));
    let err = e.encode(0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.detail().contains("commitment"));
    // A commitment depends on the key, the label and the value.
    let k1 = [1u8; 32];
    let k2 = [2u8; 32];
    let c = Commitment::new(&k1, "phone", b"13800138000").unwrap();
    assert_ne!(c, Commitment::new(&k2, "phone", b"13800138000").unwrap());
    assert_ne!(c, Commitment::new(&k1, "customer", b"13800138000").unwrap());
    assert_ne!(c, Commitment::new(&k1, "phone", b"13800138001").unwrap());
    assert!(Commitment::new(&[0u8; 8], "phone", b"x").is_err());
    // Limits.
    assert!(Event::new(T0, EventKind::Exported, "", Role::Owner, "")
        .encode(0)
        .is_err());
    let long = "x".repeat(257);
    assert!(Event::new(T0, EventKind::Exported, long, Role::Owner, "")
        .encode(0)
        .is_err());
    let mut e = Event::new(T0, EventKind::Exported, "a", Role::Owner, "");
    e.details
        .insert("blob".into(), Value::Bytes(vec![0; MAX_EVENT_BYTES]));
    assert_eq!(e.encode(0).unwrap_err().kind(), ErrorKind::TooLarge);
    let mut e = Event::new(T0, EventKind::Exported, "a", Role::Owner, "");
    for i in 0..65 {
        e.details.insert(format!("k{i}"), Value::Int(i));
    }
    assert!(e.encode(0).is_err());
}

#[test]
fn a_log_verifies_and_its_records_prove_inclusion() {
    let (log, records) = log_of(40);
    let v = verify(&records).unwrap();
    assert_eq!((v.size, v.root, v.head), (40, log.root(), log.head()));
    assert_eq!(leaf_hash(records.last().unwrap()), log.head());
    assert_eq!(&records[0][..32], &genesis("acme/audit"));
    for (i, r) in records.iter().enumerate() {
        let proof = log.tree().inclusion_proof(i as u64, 40).unwrap();
        verify_inclusion(&leaf_hash(r), i as u64, 40, &proof, &log.root()).unwrap();
    }
    // The rebuilt ledger continues the chain.
    let mut again = v.ledger;
    let mut original = log;
    assert_eq!(
        again.append(&sample(40)).unwrap(),
        original.append(&sample(40)).unwrap()
    );
    // Another log id does not verify.
    let e = verify_records("other", records.iter().map(Vec::as_slice)).unwrap_err();
    assert!(
        e.detail().starts_with("record 0: does not start the log"),
        "{e}"
    );
    assert!(Ledger::new("").is_err());
    assert!(Ledger::new("a\nb").is_err());
}

#[test]
fn every_changed_byte_is_detected() {
    let (log, records) = log_of(6);
    for i in 0..records.len() {
        for at in 0..records[i].len() {
            let mut bad = records.clone();
            bad[i][at] ^= 0x01;
            match verify(&bad) {
                Err(e) => {
                    // Named at the record itself (its link or encoding) or
                    // at the next record (whose link no longer matches).
                    let d = e.detail();
                    assert!(
                        d.starts_with(&format!("record {i}:"))
                            || d.starts_with(&format!("record {}:", i + 1)),
                        "record {i} byte {at}: {d}"
                    );
                }
                Ok(v) => {
                    // Only the last record can change without breaking the
                    // chain; the root then differs from a checkpoint's.
                    assert_eq!(i, records.len() - 1, "record {i} byte {at} went unnoticed");
                    assert_ne!(v.root, log.root());
                }
            }
        }
    }
}

#[test]
fn removed_inserted_reordered_and_truncated_records_are_detected() {
    let (log, records) = log_of(8);
    for i in 0..8 {
        let mut removed = records.clone();
        removed.remove(i);
        match verify(&removed) {
            Err(e) => assert!(e.detail().starts_with(&format!("record {i}:")), "{e}"),
            // Removing the last record is a truncation.
            Ok(v) => assert!(i == 7 && v.size == 7 && v.root != log.root()),
        }
        let mut inserted = records.clone();
        inserted.insert(i, records[(i + 3) % 8].clone());
        let e = verify(&inserted).unwrap_err();
        assert!(e.detail().starts_with(&format!("record {i}:")), "{e}");
    }
    for i in 0..7 {
        let mut swapped = records.clone();
        swapped.swap(i, i + 1);
        let e = verify(&swapped).unwrap_err();
        assert!(e.detail().starts_with(&format!("record {i}:")), "{e}");
    }
    // Cut short: verifies, but as a smaller tree than the checkpoint's
    // (size 8, root); its root is the old size's root.
    let v = verify(&records[..5]).unwrap();
    assert_eq!(v.size, 5);
    assert_eq!(v.root, log.tree().root_at(5).unwrap());
    assert_ne!(v.root, log.root());
    // A record re-encoded with another sequence number, relinked.
    let mut forged = records[..3].to_vec();
    let mut body = sample(3).encode(7).unwrap();
    let mut rec = leaf_hash(&forged[2]).to_vec();
    rec.append(&mut body);
    forged.push(rec);
    let e = verify(&forged).unwrap_err();
    assert!(
        e.detail().contains("record 3: carries sequence number 7"),
        "{e}"
    );
    let e = verify(&[vec![0u8; 10]]).unwrap_err();
    assert!(e.detail().contains("shorter than its link"));
}

fn event_strategy() -> impl Strategy<Value = Event> {
    (
        any::<i64>(),
        0..EventKind::ALL.len(),
        0..Role::ALL.len(),
        "[a-z0-9\\-]{1,20}",
        "\\PC{0,10}",
        prop::collection::vec(
            (
                1..=10u8,
                prop_oneof![
                    "[a-z0-9]{0,12}".prop_map(Id::Plain),
                    any::<[u8; 32]>().prop_map(|b| Id::Committed(Commitment(b))),
                ],
            ),
            0..5,
        ),
        prop::collection::btree_map(
            "[a-z_]{1,10}",
            prop_oneof![
                "\\PC{0,30}".prop_map(Value::Text),
                any::<i64>().prop_map(Value::Int),
                any::<bool>().prop_map(Value::Bool),
                prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
                any::<[u8; 32]>().prop_map(|b| Value::Committed(Commitment(b))),
            ],
            0..6,
        ),
    )
        .prop_map(|(t, k, r, actor, dept, objects, details)| {
            let mut e = Event::new(t, EventKind::ALL[k], actor, Role::ALL[r], dept);
            e.objects = objects
                .into_iter()
                .map(|(o, id)| {
                    let kind = ObjectKind::from_number(o).unwrap();
                    match (kind, id) {
                        (ObjectKind::Customer, Id::Plain(_)) => {
                            (kind, Id::Committed(Commitment([o; 32])))
                        }
                        (kind, id) => (kind, id),
                    }
                })
                .collect();
            e.details = details;
            e
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_event_round_trips(e in event_strategy(), seq in any::<u64>()) {
        let bytes = e.encode(seq).unwrap();
        prop_assert_eq!(Event::decode(&bytes).unwrap(), (seq, e));
    }

    #[test]
    fn decoding_any_bytes_never_panics_and_accepts_only_canonical(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok((seq, e)) = Event::decode(&bytes) {
            prop_assert_eq!(e.encode(seq).unwrap(), bytes);
        }
    }
}
