//! Property tests: sealing round-trips for any plaintext, context and suite;
//! any changed byte makes opening fail; parsing and opening arbitrary bytes
//! never panics; normalizations are idempotent.

use chatvault::keys::DataKey;
use chatvault::seal::{Context, EnvelopeHeader, Normalization, Suite};
use proptest::prelude::*;
use proptest::sample::Index;

fn suite() -> impl Strategy<Value = Suite> {
    prop::sample::select(Suite::ALL.to_vec())
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

/// Strings made mostly of what people type into identifier fields: ASCII
/// and full-width digits and letters, separators, ASCII and ideographic
/// spaces, tabs, and a few other characters.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9０-９a-zA-Zａ-ｚＡ-Ｚ+＋@＠.．()（）xX\\- －_ \u{3000}\t\n中文]{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn open_seal_round_trips(
        plaintext in bytes(2048),
        tenant in bytes(64),
        record in bytes(64),
        field in bytes(64),
        suite in suite(),
    ) {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let ctx = Context::new(&tenant, &record, &field);
        let env = sealer.seal(&ctx, &plaintext).unwrap();
        prop_assert_eq!(env.len(), suite.overhead() + plaintext.len());
        let h = EnvelopeHeader::parse(&env).unwrap();
        prop_assert_eq!(h.suite(), suite);
        prop_assert_eq!(h.plaintext_len(), plaintext.len());
        prop_assert_eq!(&sealer.open(&ctx, &env).unwrap()[..], &plaintext[..]);
    }

    #[test]
    fn any_single_byte_change_fails(
        plaintext in bytes(256),
        tenant in bytes(16),
        record in bytes(16),
        field in bytes(16),
        suite in suite(),
        at in any::<Index>(),
        xor in 1..=255u8,
    ) {
        let key = DataKey::generate().unwrap();
        let sealer = key.sealer(suite);
        let ctx = Context::new(&tenant, &record, &field);
        let mut env = sealer.seal(&ctx, &plaintext).unwrap();
        let i = at.index(env.len());
        env[i] ^= xor;
        prop_assert!(sealer.open(&ctx, &env).is_err(), "byte {} ^= {:#04x} opened", i, xor);
    }

    #[test]
    fn header_parse_never_panics(raw in bytes(300)) {
        if let Ok(h) = EnvelopeHeader::parse(&raw) {
            prop_assert_eq!(h.suite().overhead() + h.plaintext_len(), raw.len());
            prop_assert!(h.header_len() <= raw.len());
        }
    }

    /// Arbitrary bytes behind a valid version and suite byte reach the
    /// length checks and the AEAD; nothing panics and nothing opens.
    #[test]
    fn parsing_and_opening_garbage_never_panics(
        suite_byte in 0u8..=6,
        rest in bytes(200),
        suite in suite(),
    ) {
        let mut raw = vec![1u8, suite_byte];
        raw.extend_from_slice(&rest);
        if let Ok(h) = EnvelopeHeader::parse(&raw) {
            prop_assert_eq!(h.suite() as u8, suite_byte);
            prop_assert_eq!(h.suite().overhead() + h.plaintext_len(), raw.len());
        }
        let key = DataKey::generate().unwrap();
        let ctx = Context::new("t", "r", "f");
        prop_assert!(key.sealer(suite).open(&ctx, &raw).is_err());
    }

    #[test]
    fn normalization_is_idempotent(value in typed()) {
        for norm in [
            Normalization::Phone,
            Normalization::IdCard,
            Normalization::BankCard,
            Normalization::Email,
            Normalization::Text,
        ] {
            let once = norm.apply(&value);
            let twice = norm.apply(&once);
            prop_assert_eq!(&twice, &once, "{:?} of {:?}", norm, value);
        }
    }

    /// Phone numbers typed with a country prefix, full-width digits and
    /// separators normalize to the 11-digit national number.
    #[test]
    fn phone_forms_normalize_to_the_national_number(
        digits in "1[3-9][0-9]{9}",
        prefix in prop::sample::select(vec!["", "+86", "+86 ", "0086", "0086-", "86", "＋８６"]),
        sep in prop::sample::select(vec!["", " ", "-", "\u{3000}"]),
        full_width in any::<bool>(),
    ) {
        let body: String = digits
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let c = if full_width {
                    char::from_u32(c as u32 + 0xFEE0).unwrap()
                } else {
                    c
                };
                let s = if i == 3 || i == 7 { Some(sep) } else { None };
                s.into_iter().flat_map(str::chars).chain(std::iter::once(c))
            })
            .collect();
        let typed = format!("{prefix}{body}");
        prop_assert_eq!(Normalization::Phone.apply(&typed), digits);
    }
}
