//! Audit queries and exports an auditor verifies offline.

use chatvault::audit::{
    verify_export, AuditLog, CommitPolicy, Commitment, Event, EventKind, Id, NoteSigner,
    ObjectKind, Query, Role, Value,
};
use chatvault::ErrorKind;

const T0: i64 = 1_767_225_600_000;

fn events() -> Vec<Event> {
    (0..60u64)
        .map(|i| {
            let kind = [
                EventKind::ArchiveViewed,
                EventKind::FieldRevealed,
                EventKind::MessageBlocked,
            ][i as usize % 3];
            let role = [Role::Supervisor, Role::Agent, Role::System][i as usize % 3];
            let mut e = Event::new(
                T0 + i as i64 * 60_000,
                kind,
                format!("user-{}", i % 4),
                role,
                ["support", "sales"][i as usize % 2],
            );
            e.objects.push((
                ObjectKind::Conversation,
                Id::Plain(format!("conv-{}", i % 6)),
            ));
            let c =
                Commitment::new(&[5u8; 32], "customer", format!("c{}", i % 3).as_bytes()).unwrap();
            e.objects.push((ObjectKind::Customer, Id::Committed(c)));
            e.details.insert("n".into(), Value::Int(i as i64));
            e.details
                .insert("note".into(), Value::Text("检查 \"quoted\" \\ text".into()));
            e.details.insert("flag".into(), Value::Bool(i % 5 == 0));
            e.details
                .insert("bytes".into(), Value::Bytes(vec![i as u8, 0, 255]));
            e
        })
        .collect()
}

fn log_with(dir: &std::path::Path) -> (AuditLog, Vec<Event>) {
    let mut log = AuditLog::create(dir, "acme/audit", CommitPolicy::default()).unwrap();
    let evs = events();
    for e in &evs {
        log.append(e).unwrap();
    }
    (log, evs)
}

#[test]
fn queries_select_exactly_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let (mut log, evs) = log_with(dir.path());
    let customer = Commitment::new(&[5u8; 32], "customer", b"c1").unwrap();
    let queries = [
        Query::default(),
        Query {
            from_ms: Some(T0 + 10 * 60_000),
            to_ms: Some(T0 + 20 * 60_000),
            ..Query::default()
        },
        Query {
            actor: Some("user-2".into()),
            ..Query::default()
        },
        Query {
            kinds: vec![EventKind::FieldRevealed, EventKind::MessageBlocked],
            ..Query::default()
        },
        Query {
            department: Some("sales".into()),
            kinds: vec![EventKind::ArchiveViewed],
            ..Query::default()
        },
        Query {
            object: Some((ObjectKind::Customer, Id::Committed(customer))),
            ..Query::default()
        },
        Query {
            object: Some((ObjectKind::Conversation, Id::Plain("conv-5".into()))),
            ..Query::default()
        },
        Query {
            actor: Some("nobody".into()),
            ..Query::default()
        },
    ];
    for q in &queries {
        let got = log.query(q).unwrap();
        let want: Vec<u64> = evs
            .iter()
            .enumerate()
            .filter(|(_, e)| q.matches(e))
            .map(|(i, _)| i as u64)
            .collect();
        assert_eq!(got.iter().map(|e| e.seq).collect::<Vec<_>>(), want, "{q:?}");
        for e in &got {
            assert_eq!(e.event, evs[e.seq as usize]);
            assert_eq!(Some(e.leaf), log.ledger().tree().leaf(e.seq));
        }
    }
    // Hand-checked counts: 20 of each kind; 30 per department.
    assert_eq!(log.query(&queries[3]).unwrap().len(), 40);
    assert_eq!(log.query(&queries[1]).unwrap().len(), 10);
    assert!(log.query(&queries[7]).unwrap().is_empty());
    let limited = Query {
        limit: Some(3),
        ..Query::default()
    };
    assert_eq!(
        log.query(&limited)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(log
        .query(&Query {
            limit: Some(0),
            ..Query::default()
        })
        .unwrap()
        .is_empty());
}

#[test]
fn exports_verify_offline_and_every_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (mut log, _) = log_with(dir.path());
    let key = NoteSigner::generate("acme-audit-log").unwrap();
    let q = Query {
        kinds: vec![EventKind::FieldRevealed],
        ..Query::default()
    };
    let export = log.export(&q, &key).unwrap();
    let public = key.verifier();
    let (cp, entries) = verify_export(&export, &public, &[]).unwrap();
    assert_eq!(cp.size, 60);
    assert_eq!(entries.len(), 20);
    assert_eq!(entries, log.query(&q).unwrap());

    let lines: Vec<&str> = export.lines().collect();
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    // A changed field.
    let changed = export.replacen("\"actor\":\"user-1\"", "\"actor\":\"user-9\"", 1);
    assert_ne!(changed, export);
    let e = verify_export(&changed, &public, &[]).unwrap_err();
    assert!(e.detail().contains("fields differ"), "{e}");
    // A line removed: the header's count no longer matches.
    let removed = join(&[&lines[..3], &lines[4..]].concat());
    assert!(verify_export(&removed, &public, &[])
        .unwrap_err()
        .detail()
        .contains("announces 20"));
    // Two lines swapped.
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    assert!(verify_export(&join(&swapped), &public, &[])
        .unwrap_err()
        .detail()
        .contains("out of order"));
    // A record from another position (its proof no longer fits).
    let mut moved: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    let other: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    moved["record"] = other["record"].clone();
    let mut m = lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    m[1] = moved.to_string();
    let e = verify_export(&m.join("\n"), &public, &[]).unwrap_err();
    assert!(e.detail().starts_with("export line 2:"), "{e}");
    // Another key, a broken header.
    let stranger = NoteSigner::generate("stranger").unwrap().verifier();
    assert_eq!(
        verify_export(&export, &stranger, &[]).unwrap_err().kind(),
        ErrorKind::BadSignature
    );
    assert!(verify_export("", &public, &[]).is_err());
    assert!(verify_export("{\"format\":\"other\"}\n", &public, &[]).is_err());
}

#[test]
fn a_segment_changed_after_opening_is_reported_by_queries() {
    let dir = tempfile::tempdir().unwrap();
    let (mut log, _) = log_with(dir.path());
    log.flush().unwrap();
    let seg = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "cvlog"))
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    let n = bytes.len();
    bytes[n - 20] ^= 1;
    std::fs::write(&seg, &bytes).unwrap();
    let e = log.query(&Query::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(e.detail().contains("changed on disk"), "{e}");
}
