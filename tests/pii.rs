//! The PII detector: each entity type in the ways people write it, hard
//! negatives that must stay silent, streaming across messages, options,
//! and robustness on arbitrary text.

use chatvault::pii::{
    checks, Detector, DetectorBuilder, EntityType, StreamDetector, DEFAULT_MAX_INPUT,
};
use chatvault::ErrorKind;
use proptest::prelude::*;

/// A Luhn-valid card number from a payload.
fn card(payload: &str) -> String {
    let c = checks::luhn_check_digit(payload.as_bytes()).unwrap();
    format!("{payload}{}", c as char)
}

/// A resident ID with a valid check character from its first 17 digits.
fn id18(first17: &str) -> String {
    let c = checks::cn_id_check_char(first17.as_bytes()).unwrap();
    format!("{first17}{}", c as char)
}

/// The (entity, text) of every finding.
fn found(text: &str) -> Vec<(EntityType, String)> {
    Detector::new()
        .detect(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.entity, text[f.span].to_owned()))
        .collect()
}

fn expect_one(text: &str, entity: EntityType, value: &str) {
    assert_eq!(found(text), vec![(entity, value.to_owned())], "in {text:?}");
}

#[test]
fn mainland_mobiles_in_every_style() {
    use EntityType::CnMobile as M;
    expect_one("我的手机是13800138000", M, "13800138000");
    expect_one("手机 138 0013 8000 谢谢", M, "138 0013 8000");
    expect_one("call 138-0013-8000 please", M, "138-0013-8000");
    expect_one("电话：138.0013.8000", M, "138.0013.8000");
    expect_one("+86 138 0013 8000", M, "+86 138 0013 8000");
    expect_one("+8613800138000", M, "+8613800138000");
    expect_one("0086 13800138000", M, "0086 13800138000");
    expect_one("手机１３８００１３８０００", M, "１３８００１３８０００");
    expect_one("手机号一三八零零一三八零零零", M, "一三八零零一三八零零零");
    expect_one(
        "号码是幺三八 零零幺三 八零零零",
        M,
        "幺三八 零零幺三 八零零零",
    );
    // Followed directly by Chinese text, and inside English.
    expect_one("13800138000是我的手机", M, "13800138000");
    expect_one("Reach me on 13800138000, thanks", M, "13800138000");
}

#[test]
fn landlines_and_international_numbers() {
    expect_one("电话 010-62345678", EntityType::CnLandline, "010-62345678");
    expect_one(
        "座机 (0755) 2345 6789",
        EntityType::CnLandline,
        "(0755) 2345 6789",
    );
    expect_one(
        "call +44 20 7946 0958",
        EntityType::IntlPhone,
        "+44 20 7946 0958",
    );
    expect_one(
        "香港 +852 2345 6789",
        EntityType::IntlPhone,
        "+852 2345 6789",
    );
    expect_one(
        "+86 10 6234 5678",
        EntityType::CnLandline,
        "+86 10 6234 5678",
    );
}

#[test]
fn identity_documents() {
    expect_one(
        "身份证11010519491231002X",
        EntityType::CnResidentId,
        "11010519491231002X",
    );
    let id = id18("44030419900307123");
    expect_one(&format!("ID: {id}"), EntityType::CnResidentId, &id);
    expect_one(
        "老身份证 110105491231002",
        EntityType::CnResidentId,
        "110105491231002",
    );
    expect_one("护照 E12345678", EntityType::CnPassport, "E12345678");
    expect_one("HK ID A123456(3)", EntityType::HkId, "A123456(3)");
    expect_one("身份证 A123456789", EntityType::TwId, "A123456789");
    expect_one("澳门身份证 1234567(8)", EntityType::MoId, "1234567(8)");
    expect_one(
        "港澳通行证 C12345678",
        EntityType::TravelPermit,
        "C12345678",
    );
    expect_one("台胞证 12345678", EntityType::TravelPermit, "12345678");
}

#[test]
fn bank_cards_grouped_or_not() {
    let c16 = card("622202123456789");
    let c19 = card("621700123456789012");
    expect_one(&format!("卡号 {c16}"), EntityType::BankCard, &c16);
    let grouped = format!(
        "{} {} {} {}",
        &c16[..4],
        &c16[4..8],
        &c16[8..12],
        &c16[12..]
    );
    expect_one(
        &format!("card number {grouped}."),
        EntityType::BankCard,
        &grouped,
    );
    expect_one(&format!("储蓄卡{c19}"), EntityType::BankCard, &c19);
    let visa = card("411111111111111");
    expect_one(&format!("Visa {visa}"), EntityType::BankCard, &visa);
}

#[test]
fn network_and_online_identifiers() {
    expect_one(
        "mail li.lei@example.com now",
        EntityType::Email,
        "li.lei@example.com",
    );
    expect_one(
        "邮箱：13800138000@163.com",
        EntityType::Email,
        "13800138000@163.com",
    );
    expect_one(
        "see https://example.com/a?b=1.",
        EntityType::Url,
        "https://example.com/a?b=1",
    );
    expect_one(
        "打开 www.example.cn/help 看看",
        EntityType::Url,
        "www.example.cn/help",
    );
    expect_one("IP 192.168.1.20 down", EntityType::Ipv4, "192.168.1.20");
    expect_one("addr 2001:db8::1 up", EntityType::Ipv6, "2001:db8::1");
    expect_one(
        "fe80::1ff:fe23:4567:890a is local",
        EntityType::Ipv6,
        "fe80::1ff:fe23:4567:890a",
    );
    expect_one("车牌 粤B·12345 违停", EntityType::LicencePlate, "粤B·12345");
    expect_one("京AD12345新能源", EntityType::LicencePlate, "京AD12345");
    // Published addresses: the Bitcoin genesis block's, BIP-173's example,
    // and EIP-55's first test vector.
    expect_one(
        "btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        EntityType::BtcAddress,
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    );
    expect_one(
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 pls",
        EntityType::BtcAddress,
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    );
    expect_one(
        "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        EntityType::EthAddress,
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    );
    expect_one("加微信 lilei_2024 吧", EntityType::WeChatId, "lilei_2024");
    expect_one("wx: zhang-san88", EntityType::WeChatId, "zhang-san88");
    expect_one("QQ 123456789", EntityType::QqId, "123456789");
    expect_one("扣扣：10001", EntityType::QqId, "10001");
}

#[test]
fn two_identifiers_in_one_line_keep_their_spans() {
    let text = "手机13800138000，身份证11010519491231002X";
    assert_eq!(
        found(text),
        vec![
            (EntityType::CnMobile, "13800138000".to_owned()),
            (EntityType::CnResidentId, "11010519491231002X".to_owned())
        ]
    );
    // A number run followed by a short unrelated number.
    expect_one("手机 13800138000 2 个", EntityType::CnMobile, "13800138000");
}

#[test]
fn hard_negatives_stay_silent() {
    let luhn_order = card("202311151345123");
    let bad_luhn = {
        let c = card("622202123456789");
        let last = c.as_bytes()[15];
        format!("{}{}", &c[..15], ((last - b'0' + 1) % 10 + b'0') as char)
    };
    let bad_id = {
        let id = id18("44030419900307123");
        let last = if id.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &id[..17])
    };
    let negatives = [
        format!("订单号 {luhn_order}"),
        format!("order no. {luhn_order} shipped"),
        "快递单号 773123456789012".to_owned(),
        "运单号：SF1234567890123".to_owned(),
        "tracking YT1234567890123".to_owned(),
        "时间 2024-01-15 13:45:12".to_owned(),
        "20240115134512 的日志".to_owned(),
        "unix time 1700000000".to_owned(),
        "金额 ¥1,234.56 元".to_owned(),
        "共 12345.67元".to_owned(),
        "price $99.99".to_owned(),
        format!("卡号 {bad_luhn}"),
        format!("身份证 {bad_id}"),
        "号码 12345678901".to_owned(),
        "验证码 123456".to_owned(),
        "version 1.2.3.4.5".to_owned(),
        "型号 RTX4090".to_owned(),
        "在 12:30:45 到".to_owned(),
        "一二三四五六七".to_owned(),
        "第一百二十三号".to_owned(),
        "a@b".to_owned(),
        "foo@localhost".to_owned(),
        "0x1234".to_owned(),
        "password1 and abcdef123".to_owned(),
    ];
    for n in &negatives {
        assert_eq!(found(n), vec![], "hard negative {n:?}");
    }
}

#[test]
fn context_words_raise_and_lower_confidence() {
    let d = Detector::new();
    let plain = d.detect("13800138000").unwrap()[0].confidence;
    let ctx = d.detect("手机13800138000").unwrap()[0].confidence;
    assert!(ctx > plain, "{ctx} > {plain}");
    // A QQ number needs its word; without it nothing is reported.
    assert!(d.detect("123456789").unwrap().is_empty());
    // A negative word nearer than the positive one wins.
    let c = card("622202123456789");
    assert!(d
        .detect(&format!("卡号不对，订单号 {c}"))
        .unwrap()
        .is_empty());
    assert_eq!(d.detect(&format!("订单号不对，卡号 {c}")).unwrap().len(), 1);
}

#[test]
fn every_finding_names_its_rule() {
    let text = "手机13800138000 mail a.b@example.com 192.168.0.1";
    for f in Detector::new().detect(text).unwrap() {
        assert!(!f.rule.is_empty());
        assert!(f.confidence >= 0.5 && f.confidence <= 1.0);
    }
}

#[test]
fn options_select_types_and_limit_input() {
    let d = DetectorBuilder::new()
        .only(&[EntityType::Email])
        .build()
        .unwrap();
    assert_eq!(d.detect("13800138000 a@example.com").unwrap().len(), 1);
    let d = DetectorBuilder::new()
        .enable(EntityType::CnMobile, false)
        .build()
        .unwrap();
    assert!(d.detect("13800138000").unwrap().is_empty());
    let d = DetectorBuilder::new().min_confidence(0.96).build().unwrap();
    assert!(d.detect("13800138000").unwrap().is_empty());
    let big = "a".repeat(DEFAULT_MAX_INPUT + 1);
    assert_eq!(
        Detector::new().detect(&big).unwrap_err().kind(),
        ErrorKind::TooLarge
    );
    // Birth years after the configured year are not plausible.
    let d = DetectorBuilder::new().max_birth_year(1948).build().unwrap();
    assert!(d.detect("11010519491231002X").unwrap().is_empty());
}

#[test]
fn stream_finds_identifiers_split_across_messages() {
    let mut s = StreamDetector::new(Detector::new());
    assert!(s.push("我的手机号是 138 0013").unwrap().is_empty());
    let f = s.push("8000").unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].finding.entity, EntityType::CnMobile);
    assert_eq!(f[0].finding.span, 0..4);
    let prev = "我的手机号是 138 0013";
    assert_eq!(&prev[f[0].previous.clone().unwrap()], "138 0013");

    // An identifier wholly in one message is reported once, with that
    // message.
    s.reset();
    assert_eq!(s.push("卡号 11010519491231002X").unwrap().len(), 1);
    assert!(s.push("好的").unwrap().is_empty());

    // The tail is bounded: a long message before keeps only its end.
    let long = format!("{}身份证号 110105", "很长的消息".repeat(50));
    let mut s = StreamDetector::new(Detector::new());
    assert!(s.push(&long).unwrap().is_empty());
    let f = s.push("19491231002X").unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].finding.entity, EntityType::CnResidentId);
    assert_eq!(&long[f[0].previous.clone().unwrap()], "110105");

    // Findings inside the new message alone have no previous part.
    let mut s = StreamDetector::new(Detector::new());
    s.push("你好").unwrap();
    let f = s.push("手机13800138000").unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].previous, None);
    assert_eq!(f[0].finding.span, 6..17);
}

#[test]
fn detector_types_are_send_sync() {
    fn check<T: Send + Sync + std::panic::UnwindSafe>() {}
    check::<Detector>();
    check::<StreamDetector>();
    check::<DetectorBuilder>();
}

/// Characters chat text is made of, weighted towards the ones the scanner
/// treats specially.
fn chat_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('0', '9'),
        2 => proptest::sample::select(vec![
            ' ', '-', '.', '(', ')', '+', '@', ':', '/', 'X', 'x', '（', '）', '·', '\u{3000}',
        ]),
        2 => proptest::sample::select(vec![
            '一', '三', '八', '零', '幺', '１', '３', '８', '手', '机', '号', '卡', '京', '粤',
            '微', '信', '订', '单',
        ]),
        2 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text: no panic, findings sorted, disjoint, on character
    /// boundaries, confident enough.
    #[test]
    fn findings_are_well_formed(chars in proptest::collection::vec(chat_char(), 0..120)) {
        let text: String = chars.into_iter().collect();
        let found = Detector::new().detect(&text).unwrap();
        let mut end = 0;
        for f in &found {
            prop_assert!(f.span.start >= end && f.span.start < f.span.end);
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            prop_assert!(f.span.end <= text.len());
            prop_assert!((0.5..=1.0).contains(&f.confidence));
            end = f.span.end;
        }
    }

    /// A valid mobile number inside arbitrary Chinese or English words is
    /// found whenever it stands apart from other digits and letters.
    #[test]
    fn embedded_mobiles_are_found(
        prefix in "[\\u4e0a-\\u4e5c ，。]{0,6}",
        suffix in "[\\u4e0a-\\u4e5c ，。]{0,6}",
        tail in 0u32..100_000_000,
    ) {
        let number = format!("138{tail:08}");
        let text = format!("手机{prefix}{number}{suffix}");
        let found = Detector::new().detect(&text).unwrap();
        prop_assert!(
            found.iter().any(|f| f.entity == EntityType::CnMobile && text[f.span.clone()].contains(&number)),
            "{text:?}: {found:?}"
        );
    }
}
