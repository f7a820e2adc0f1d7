//! C2SP signed notes and tlog checkpoints: the published examples, signing
//! the log, proofs checked with only a checkpoint and a public key,
//! cosignatures, and a log cut short or rewritten refusing to open.

use chatvault::audit::merkle::{verify_consistency, verify_inclusion};
use chatvault::audit::{
    open_note, parse_note, sign_note, AuditLog, Checkpoint, CommitPolicy, Event, EventKind,
    NoteSigner, NoteVerifier, Role,
};
use chatvault::ErrorKind;

// The C2SP signed-note specification's example (c2sp.org/signed-note).
const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
// The example key and note of the reference implementation
// (golang.org/x/mod/sumdb/note, its package documentation and tests).
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn the_published_examples_verify_and_sign_byte_for_byte() {
    let spec = NoteVerifier::from_encoded(SPEC_VKEY).unwrap();
    assert_eq!(spec.encoded(), SPEC_VKEY);
    assert_eq!(spec.key_id(), 0x530d_903a);
    let (text, signed) = open_note(SPEC_NOTE, &[&spec]).unwrap();
    assert_eq!(
        (text.as_str(), signed),
        (
            "This is an example message.\n",
            vec!["example.com/foo".to_owned()]
        )
    );

    let signer = NoteSigner::from_encoded(GO_SKEY).unwrap();
    assert_eq!(*signer.encoded(), GO_SKEY);
    assert_eq!(signer.verifier().encoded(), GO_VKEY);
    assert_eq!(sign_note(GO_TEXT, &[&signer]).unwrap(), GO_NOTE);
    let v = NoteVerifier::from_encoded(GO_VKEY).unwrap();
    assert_eq!(open_note(GO_NOTE, &[&v]).unwrap().0, GO_TEXT);
    // Both keys trusted, one signature: fine; signatures by unknown keys
    // are ignored, but none by a trusted key is an error.
    assert!(open_note(GO_NOTE, &[&v, &spec]).is_ok());
    assert_eq!(
        open_note(GO_NOTE, &[&spec]).unwrap_err().kind(),
        ErrorKind::BadSignature
    );
}

#[test]
fn tampered_and_malformed_notes_are_refused() {
    let v = NoteVerifier::from_encoded(GO_VKEY).unwrap();
    let changed = GO_NOTE.replacen("answer", "Answer", 1);
    assert_eq!(
        open_note(&changed, &[&v]).unwrap_err().kind(),
        ErrorKind::BadSignature
    );
    let sig_flip = GO_NOTE.replacen("x08go", "y08go", 1);
    assert!(open_note(&sig_flip, &[&v]).is_err());
    for bad in [
        "",
        "no blank line\n\u{2014} PeterNeumann x08go=\n",
        "text\n\n",
        "text\n\n- PeterNeumann abc=\n",
        "text\n\n\u{2014} PeterNeumann not base64!\n",
        "text\n\n\u{2014} PeterNeumann AAA=\n",
        "text\n\n\u{2014} Peter Neumann AAAAAAAA\n",
        "text\n\n\u{2014} PeterNeumann AAAAAAAA",
        "te\u{7}xt\n\n\u{2014} PeterNeumann AAAAAAAA\n",
    ] {
        assert_eq!(
            parse_note(bad).unwrap_err().kind(),
            ErrorKind::Malformed,
            "{bad:?}"
        );
    }
    // Non-canonical base64 (unused bits set) is refused.
    let noncanonical = GO_NOTE.replacen("AM=\n", "AN=\n", 1);
    assert!(parse_note(&noncanonical).is_err());
    for bad in [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpbDgcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ] {
        assert!(NoteVerifier::from_encoded(bad).is_err(), "{bad:?}");
    }
    assert!(NoteSigner::from_encoded(GO_VKEY).is_err());
    assert!(NoteSigner::generate("has space").is_err());
    assert!(sign_note("no newline", &[&NoteSigner::generate("k").unwrap()]).is_err());
}

#[test]
fn checkpoints_round_trip_and_refuse_non_canonical_bodies() {
    let cp = Checkpoint {
        origin: "acme/audit".into(),
        size: 42,
        root: [7; 32],
        extensions: vec!["ext one".into()],
    };
    let text = cp.to_text();
    assert_eq!(
        text,
        format!(
            "acme/audit\n42\n{}\next one\n",
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="
        )
    );
    assert_eq!(Checkpoint::parse(&text).unwrap(), cp);
    for bad in [
        "acme/audit\n042\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
        "acme/audit\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
        "acme/audit\n42\nBwcH\n",
        "acme/audit\n42\n",
        "\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
        "acme/audit\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\nx\n",
        "acme/audit\n99999999999999999999999\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
    ] {
        assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
    }
}

fn event(i: u64) -> Event {
    Event::new(
        1_767_225_600_000 + i as i64,
        EventKind::ArchiveViewed,
        "sup-1",
        Role::Supervisor,
        "support",
    )
}

#[test]
fn proofs_verify_with_only_a_checkpoint_and_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let log_key = NoteSigner::generate("acme-audit-log").unwrap();
    let supervisor = NoteSigner::generate("supervisor-wang").unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::default()).unwrap();
    let mut leaves = Vec::new();
    for i in 0..25 {
        log.append(&event(i)).unwrap();
        leaves.push(log.ledger().head());
    }
    let note = log.checkpoint(&log_key).unwrap();
    // A supervisor cosigns the same checkpoint text.
    let (text, _) = parse_note(&note).unwrap();
    let cosigned = sign_note(&text, &[&log_key, &supervisor]).unwrap();

    // The auditor holds only the note and the public keys.
    let log_pub = NoteVerifier::from_encoded(&log_key.verifier().encoded()).unwrap();
    let sup_pub = supervisor.verifier();
    let (cp, cosigners) = Checkpoint::open(&cosigned, &log_pub, &[&sup_pub]).unwrap();
    assert_eq!(cosigners, ["supervisor-wang"]);
    assert_eq!((cp.origin.as_str(), cp.size), ("acme/audit", 25));
    let proof = log.ledger().tree().inclusion_proof(7, cp.size).unwrap();
    verify_inclusion(&leaves[7], 7, cp.size, &proof, &cp.root).unwrap();
    // Signed by the supervisor alone: not a checkpoint of this log.
    let only_sup = sign_note(&text, &[&supervisor]).unwrap();
    assert_eq!(
        Checkpoint::open(&only_sup, &log_pub, &[&sup_pub])
            .unwrap_err()
            .kind(),
        ErrorKind::BadSignature
    );

    // A later checkpoint is consistent with the earlier one.
    for i in 25..40 {
        log.append(&event(i)).unwrap();
    }
    let later = log.checkpoint(&log_key).unwrap();
    let (cp2, _) = Checkpoint::open(&later, &log_pub, &[]).unwrap();
    assert!(cp2.size >= cp.size);
    let c = log
        .ledger()
        .tree()
        .consistency_proof(cp.size, cp2.size)
        .unwrap();
    verify_consistency(cp.size, cp2.size, &c, &cp.root, &cp2.root).unwrap();
    assert_eq!(log.last_checkpoint(), Some(&cp2));
}

#[test]
fn a_log_cut_short_or_rewritten_below_its_checkpoint_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let key = NoteSigner::generate("acme-audit-log").unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    let mut ends = Vec::new();
    let seg = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "cvlog"))
        .unwrap();
    for i in 0..12 {
        log.append(&event(i)).unwrap();
        ends.push(std::fs::metadata(&seg).unwrap().len());
    }
    log.checkpoint(&key).unwrap();
    drop(log);
    let (log, _) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!(log.last_checkpoint().map(|c| c.size), Some(12));
    drop(log);
    let full = std::fs::read(&seg).unwrap();
    // Cut at a record boundary: the records verify, the checkpoint does not.
    std::fs::write(&seg, &full[..ends[8] as usize]).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(
        e.detail()
            .contains("cut short: it signed 12 records and holds 9"),
        "{e}"
    );
    // The last record rewritten with a valid frame: the chain cannot see it,
    // the checkpoint can.
    let mut forged = full.clone();
    let start = ends[10] as usize;
    let len = u32::from_be_bytes(forged[start..start + 4].try_into().unwrap()) as usize;
    forged[start + 4 + 32 + 16] ^= 0x01; // the last byte of the event's time
    let crc = crc32c_of(&forged[start..start + 4 + len]);
    forged[start + 4 + len..start + 8 + len].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&seg, &forged).unwrap();
    let e = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap_err();
    assert!(e.detail().contains("the first 12 records differ"), "{e}");
    std::fs::write(&seg, &full).unwrap();
    assert!(AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).is_ok());
}

/// CRC-32C, bitwise, from its definition.
fn crc32c_of(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82f6_3b78
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn an_outside_checkpoint_detects_truncation_and_the_directory_verifies_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = NoteSigner::generate("acme-audit-log").unwrap();
    let mut log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::EVERY_RECORD).unwrap();
    for i in 0..10 {
        log.append(&event(i)).unwrap();
    }
    // An auditor keeps this checkpoint outside the log.
    let kept = log.checkpoint(&key).unwrap();
    let (cp, _) = Checkpoint::open(&kept, &key.verifier(), &[]).unwrap();
    log.ledger().check_extends(&cp).unwrap();
    for i in 10..15 {
        log.append(&event(i)).unwrap();
    }
    log.ledger().check_extends(&cp).unwrap();
    drop(log);

    let report = AuditLog::verify_dir(dir.path()).unwrap();
    assert_eq!(
        (report.log_id.as_str(), report.records, report.torn.clone()),
        ("acme/audit", 15, None)
    );
    assert_eq!(report.checkpoint.as_ref().map(|c| c.size), Some(10));

    // Someone removes the kept checkpoint file and cuts the log to 6
    // records: the log opens, but the auditor's checkpoint catches it.
    std::fs::remove_file(dir.path().join("checkpoint")).unwrap();
    let seg = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "cvlog"))
        .unwrap();
    let full = std::fs::read(&seg).unwrap();
    // The end of the sixth record's frame (header, then length-prefixed
    // frames with a 4-byte checksum).
    let mut pos = 4 + 1 + 2 + "acme/audit".len() + 8;
    for _ in 0..6 {
        let n = u32::from_be_bytes(full[pos..pos + 4].try_into().unwrap()) as usize;
        pos += 8 + n;
    }
    std::fs::write(&seg, &full[..pos]).unwrap();
    let (log, report) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert_eq!((report.records, report.repaired), (6, None));
    let e = log.ledger().check_extends(&cp).unwrap_err();
    assert!(
        e.detail()
            .contains("cut short: a checkpoint covers 10 records, the log holds 6"),
        "{e}"
    );
    drop(log);

    // A torn tail is reported by verify_dir and left as it is.
    let mut torn = std::fs::read(&seg).unwrap();
    torn.extend_from_slice(&[0, 0, 1]);
    std::fs::write(&seg, &torn).unwrap();
    let report = AuditLog::verify_dir(dir.path()).unwrap();
    assert_eq!(
        report.torn.as_ref().map(|t| (t.1, t.2)),
        Some((torn.len() as u64 - 3, 3))
    );
    assert_eq!(std::fs::read(&seg).unwrap(), torn);
    let other = Checkpoint {
        origin: "other".into(),
        ..cp.clone()
    };
    let (log, _) = AuditLog::open(dir.path(), CommitPolicy::EVERY_RECORD).unwrap();
    assert!(log
        .ledger()
        .check_extends(&other)
        .unwrap_err()
        .detail()
        .contains("of log \"other\""));
}

#[test]
fn a_cosigner_named_like_the_log_key_cannot_pass_for_it() {
    let log_key = NoteSigner::generate("acme-audit-log").unwrap();
    let impostor = NoteSigner::generate("acme-audit-log").unwrap(); // same name, other key
    let cp = Checkpoint {
        origin: "acme/audit".into(),
        size: 3,
        root: [1; 32],
        extensions: vec![],
    };
    let by_impostor = cp.sign(&[&impostor]).unwrap();
    let e =
        Checkpoint::open(&by_impostor, &log_key.verifier(), &[&impostor.verifier()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature);
    // Signed by both: the impostor counts as a cosigner (another key), the
    // log key as the log.
    let both = cp.sign(&[&log_key, &impostor]).unwrap();
    let (_, cosigned) =
        Checkpoint::open(&both, &log_key.verifier(), &[&impostor.verifier()]).unwrap();
    assert_eq!(cosigned, ["acme-audit-log"]);
    let (_, cosigned) = Checkpoint::open(&both, &log_key.verifier(), &[]).unwrap();
    assert!(cosigned.is_empty());
    // The log key listed again as a cosigner is not a cosignature.
    let alone = cp.sign(&[&log_key]).unwrap();
    let (_, cosigned) =
        Checkpoint::open(&alone, &log_key.verifier(), &[&log_key.verifier()]).unwrap();
    assert!(cosigned.is_empty());
}
