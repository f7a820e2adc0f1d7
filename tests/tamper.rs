//! Tampering with sealed-field envelopes, through the public API only: every
//! change to an envelope, every cut, every move to another context, key or
//! suite makes it fail to open, with the error kind docs/FORMAT.md section
//! 3.5 names, and never a panic.

use chatvault::hazmat::{NONCE_LEN, TAG_LEN};
use chatvault::keys::DataKey;
use chatvault::seal::{Context, EnvelopeHeader, Sealer, Suite, ENVELOPE_VERSION, KEY_ID_LEN};
use chatvault::ErrorKind;

const TENANT: &str = "acme";
const RECORD: &str = "conv-42/msg-7";
const FIELD: &str = "body";

fn ctx() -> Context<'static> {
    Context::new(TENANT, RECORD, FIELD)
}

/// Layers of AEAD in a suite (docs/FORMAT.md 3.1: the cascade has two nonces
/// and two tags, every other suite one).
fn layers(suite: Suite) -> usize {
    if suite == Suite::Aes256GcmSm4Gcm {
        2
    } else {
        1
    }
}

/// Header length per docs/FORMAT.md 3.1: version, suite, key version, key id,
/// then the nonces.
fn header_len(suite: Suite) -> usize {
    1 + 1 + 4 + KEY_ID_LEN + layers(suite) * NONCE_LEN
}

fn kind_of(sealer: &Sealer, c: &Context<'_>, env: &[u8]) -> ErrorKind {
    sealer
        .open(c, env)
        .expect_err("a tampered envelope must not open")
        .kind()
}

/// The kind an envelope whose suite byte was changed to `b` must fail with
/// when opened by a sealer of another suite (docs/FORMAT.md 3.5): an unknown
/// suite byte is `UnsupportedSuite`, a known one whose envelope is too short
/// for it is `Malformed`, and anything else is `Decrypt`.
fn expected_for_suite_byte(b: u8, len: usize) -> ErrorKind {
    match Suite::from_u8(b) {
        Err(_) => ErrorKind::UnsupportedSuite,
        Ok(s) if len < s.overhead() => ErrorKind::Malformed,
        Ok(_) => ErrorKind::Decrypt,
    }
}

#[test]
fn every_single_bit_flip_fails_with_the_right_kind() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let env = sealer.seal(&ctx(), b"13800138000").unwrap();
        assert_eq!(&sealer.open(&ctx(), &env).unwrap()[..], b"13800138000");
        for bit in 0..env.len() * 8 {
            let mut bad = env.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let got = kind_of(&sealer, &ctx(), &bad);
            let want = match bit / 8 {
                0 => ErrorKind::UnsupportedVersion,
                1 => expected_for_suite_byte(bad[1], bad.len()),
                _ => ErrorKind::Decrypt,
            };
            assert_eq!(got, want, "{}: bit {bit} flipped", suite.name());
        }
    }
}

#[test]
fn every_truncation_fails_and_never_panics() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let plaintext = b"a short field value";
        let env = sealer.seal(&ctx(), plaintext).unwrap();
        for len in 0..env.len() {
            let got = kind_of(&sealer, &ctx(), &env[..len]);
            // Shorter than the suite's header and tags: the header does not
            // parse. Longer: it parses as a shorter ciphertext whose tag
            // fails.
            let want = if len < suite.overhead() {
                ErrorKind::Malformed
            } else {
                ErrorKind::Decrypt
            };
            assert_eq!(got, want, "{}: cut to {len} bytes", suite.name());
        }
    }
}

#[test]
fn appended_bytes_fail() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let env = sealer.seal(&ctx(), b"value").unwrap();
        for extra in [&[0u8][..], &[0xff], &[0; 16]] {
            let mut long = env.clone();
            long.extend_from_slice(extra);
            assert_eq!(kind_of(&sealer, &ctx(), &long), ErrorKind::Decrypt);
        }
    }
}

#[test]
fn moved_to_another_tenant_record_or_field_fails() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let env = sealer.seal(&ctx(), b"value").unwrap();
        let elsewhere = [
            Context::new("acme2", RECORD, FIELD),
            Context::new("", RECORD, FIELD),
            Context::new(TENANT, "conv-42/msg-8", FIELD),
            Context::new(TENANT, RECORD, "subject"),
            Context::new(TENANT, RECORD, ""),
            // Same bytes, other boundaries: the length prefixes matter.
            Context::new("acmeconv-42/msg-7", "", FIELD),
            Context::new(TENANT, "conv-42/msg-7body", ""),
            Context::new("acm", "econv-42/msg-7", FIELD),
        ];
        for other in &elsewhere {
            assert_eq!(
                kind_of(&sealer, other, &env),
                ErrorKind::Decrypt,
                "{}: {other:?}",
                suite.name()
            );
        }
        // And it still opens where it belongs.
        assert_eq!(&sealer.open(&ctx(), &env).unwrap()[..], b"value");
    }
}

#[test]
fn another_key_fails() {
    for suite in Suite::ALL {
        let a = DataKey::generate().unwrap();
        let b = DataKey::generate().unwrap();
        let env = a.sealer(suite).seal(&ctx(), b"value").unwrap();
        assert_eq!(kind_of(&b.sealer(suite), &ctx(), &env), ErrorKind::Decrypt);

        // Even with the other key's id written into the header, so the
        // commitment check passes and only the AEAD can refuse it.
        let mut forged = env.clone();
        forged[6..6 + KEY_ID_LEN].copy_from_slice(&b.key_id());
        assert_eq!(
            kind_of(&b.sealer(suite), &ctx(), &forged),
            ErrorKind::Decrypt
        );
    }
}

#[test]
fn same_key_other_suite_fails() {
    let key = DataKey::generate().unwrap();
    for sealed_with in Suite::ALL {
        let env = key.sealer(sealed_with).seal(&ctx(), b"value").unwrap();
        for opened_with in Suite::ALL {
            let opener = key.sealer(opened_with);
            if opened_with == sealed_with {
                assert_eq!(&opener.open(&ctx(), &env).unwrap()[..], b"value");
                continue;
            }
            assert_eq!(
                kind_of(&opener, &ctx(), &env),
                ErrorKind::Decrypt,
                "{} envelope opened as {}",
                sealed_with.name(),
                opened_with.name()
            );
            // Relabelled with the opener's suite byte: the per-suite subkeys
            // and the header in the associated data still refuse it.
            let mut relabelled = env.clone();
            relabelled[1] = opened_with as u8;
            assert_eq!(
                kind_of(&opener, &ctx(), &relabelled),
                expected_for_suite_byte(opened_with as u8, relabelled.len()),
                "{} envelope relabelled as {}",
                sealed_with.name(),
                opened_with.name()
            );
        }
    }
}

#[test]
fn version_suite_and_empty_inputs() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let env = sealer.seal(&ctx(), b"value").unwrap();
        assert_eq!(env[0], ENVELOPE_VERSION);

        let mut v2 = env.clone();
        v2[0] = 2;
        assert_eq!(kind_of(&sealer, &ctx(), &v2), ErrorKind::UnsupportedVersion);
        assert_eq!(
            EnvelopeHeader::parse(&v2).unwrap_err().kind(),
            ErrorKind::UnsupportedVersion
        );

        let mut s9 = env.clone();
        s9[1] = 9;
        assert_eq!(kind_of(&sealer, &ctx(), &s9), ErrorKind::UnsupportedSuite);
        assert_eq!(
            EnvelopeHeader::parse(&s9).unwrap_err().kind(),
            ErrorKind::UnsupportedSuite
        );

        assert_eq!(kind_of(&sealer, &ctx(), &[]), ErrorKind::Malformed);
        assert_eq!(kind_of(&sealer, &ctx(), &[1]), ErrorKind::Malformed);
    }
    assert_eq!(
        EnvelopeHeader::parse(&[]).unwrap_err().kind(),
        ErrorKind::Malformed
    );
    for b in [0u8, 5, 9, 255] {
        assert_eq!(
            Suite::from_u8(b).unwrap_err().kind(),
            ErrorKind::UnsupportedSuite
        );
    }
}

#[test]
fn nonces_are_fresh_per_seal() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let a = sealer.seal(&ctx(), b"same plaintext").unwrap();
        let b = sealer.seal(&ctx(), b"same plaintext").unwrap();
        assert_ne!(a, b, "{}", suite.name());
        let hl = header_len(suite);
        let fixed = 1 + 1 + 4 + KEY_ID_LEN;
        // Header up to the nonces is identical, the nonces differ, and so
        // does the ciphertext.
        assert_eq!(a[..fixed], b[..fixed]);
        for layer in 0..layers(suite) {
            let n = fixed + layer * NONCE_LEN..fixed + (layer + 1) * NONCE_LEN;
            assert_ne!(a[n.clone()], b[n], "{} layer {layer} nonce", suite.name());
        }
        assert_ne!(a[hl..], b[hl..]);
        assert_eq!(&sealer.open(&ctx(), &a).unwrap()[..], b"same plaintext");
        assert_eq!(&sealer.open(&ctx(), &b).unwrap()[..], b"same plaintext");
    }
}

#[test]
fn envelope_length_and_header_fields() {
    for suite in Suite::ALL {
        assert_eq!(
            suite.overhead(),
            header_len(suite) + layers(suite) * TAG_LEN,
            "{}",
            suite.name()
        );
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        assert_eq!(sealer.suite(), suite);
        assert_eq!(sealer.key_version(), key.version());
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 1000] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let env = sealer.seal(&ctx(), &plaintext).unwrap();
            assert_eq!(
                env.len(),
                suite.overhead() + len,
                "{} len {len}",
                suite.name()
            );

            let h = EnvelopeHeader::parse(&env).unwrap();
            assert_eq!(h.suite(), suite);
            assert_eq!(h.key_version(), key.version());
            assert_eq!(h.key_id(), &key.key_id());
            assert_eq!(h.plaintext_len(), len);
            assert_eq!(h.header_len(), header_len(suite));

            assert_eq!(&sealer.open(&ctx(), &env).unwrap()[..], &plaintext[..]);

            // seal_append writes the same kind of envelope after what is
            // already in the buffer, and leaves that alone.
            let mut buf = b"prefix".to_vec();
            sealer.seal_append(&ctx(), &plaintext, &mut buf).unwrap();
            assert_eq!(&buf[..6], b"prefix");
            assert_eq!(buf.len(), 6 + suite.overhead() + len);
            assert_eq!(&sealer.open(&ctx(), &buf[6..]).unwrap()[..], &plaintext[..]);
        }
    }
}

#[test]
fn large_plaintexts_round_trip() {
    for suite in Suite::ALL {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        for len in [64 * 1024, 1024 * 1024] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let env = sealer.seal(&ctx(), &plaintext).unwrap();
            assert_eq!(env.len(), suite.overhead() + len);
            assert_eq!(EnvelopeHeader::parse(&env).unwrap().plaintext_len(), len);
            let opened = sealer.open(&ctx(), &env).unwrap();
            assert!(opened[..] == plaintext[..], "{} {len} bytes", suite.name());

            // A flip deep inside a large body is caught too.
            let mut bad = env.clone();
            let mid = env.len() / 2;
            bad[mid] ^= 0x10;
            assert_eq!(kind_of(&sealer, &ctx(), &bad), ErrorKind::Decrypt);
        }
    }
}

#[test]
fn key_commitment_is_the_key_id() {
    let key = DataKey::generate().unwrap();
    let other = DataKey::generate().unwrap();
    assert_ne!(key.key_id(), other.key_id());
    for suite in Suite::ALL {
        let sealer = key.sealer(suite);
        assert_eq!(sealer.key_id(), &key.key_id());
        let env = sealer.seal(&ctx(), b"value").unwrap();
        // docs/FORMAT.md 3.1: the key id is bytes 6..38.
        assert_eq!(env[6..6 + KEY_ID_LEN], key.key_id());
        assert_eq!(EnvelopeHeader::parse(&env).unwrap().key_id(), &key.key_id());
        // The key id is per key, not per suite.
        assert_eq!(key.sealer(Suite::Aes256Gcm).key_id(), sealer.key_id());
    }
}

#[test]
fn oversized_context_is_refused() {
    let key = DataKey::generate().unwrap();
    let sealer = key.sealer(Suite::Aes256Gcm);
    let long = vec![b'x'; 65_536];
    let ok = vec![b'x'; 65_535];
    let err = sealer
        .seal(&Context::new(TENANT, &long[..], FIELD), b"v")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let env = sealer
        .seal(&Context::new(TENANT, &ok[..], FIELD), b"v")
        .unwrap();
    assert_eq!(
        &sealer
            .open(&Context::new(TENANT, &ok[..], FIELD), &env)
            .unwrap()[..],
        b"v"
    );
    assert_eq!(
        sealer
            .open(&Context::new(TENANT, &long[..], FIELD), &env)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}
