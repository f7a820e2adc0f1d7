//! C ABI of PII detection and masking.
//!
//! Owns: `chatvault_detector` (Arc), `chatvault_stream_detector` (Box),
//! `chatvault_findings` (Box, a library-owned list of `chatvault_finding`),
//! `chatvault_mask_policy` (Box), `chatvault_masker` (Arc), the
//! `chatvault_entity` and `chatvault_mask_op` numbers, and the restore-map
//! functions.
//!
//! Invariant: originals cross the ABI only as the output of a restore or
//! reveal call, in `chatvault_bytes` that are zeroized when freed.

use std::ffi::{c_char, CString};
use std::sync::Arc;

use crate::keys::{AgentGrant, Keyring};
use crate::mask::{
    ClassKeys, CustomerKeys, MaskPolicy, Masker, NicknameStyle, Operator, RecordRef, RestoreKeys,
    RestoreMap,
};
use crate::pii::{Detector, DetectorBuilder, EntityType, Finding, StreamDetector, StreamFinding};

use super::bytes::{chatvault_bytes, put_bytes, put_secret};
use super::error::{chatvault_result, FfiError};
use super::grant::chatvault_agent_grant;
use super::handle::{
    arc_into_ptr, box_into_ptr, free_arc, free_box, input_bytes, input_str, out_ptr, try_mut,
    try_ref, Castable, OwnershipArc, OwnershipBox,
};
use super::keys::{chatvault_key_store, chatvault_keyring};
use super::seal::suite_from;

/// Every entity type, as a mask for `chatvault_detector_new`: bit `n` is
/// the entity type numbered `n`.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_ENTITIES_ALL: u64 = 0xF_FFFE;

/// A kind of personal identifier; functions take and return it as a
/// `uint32_t`. Numbers are stable and only ever appended; a newer library
/// may return a number this header does not name (show it with
/// `chatvault_entity_name`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_entity {
    /// Mainland China mobile number.
    CnMobile = 1,
    /// Mainland China landline with its area code.
    CnLandline = 2,
    /// Another country's number in international form.
    IntlPhone = 3,
    /// PRC resident identity card number.
    CnResidentId = 4,
    /// PRC passport number.
    CnPassport = 5,
    /// Mainland, Hong Kong, Macau and Taiwan travel permits.
    TravelPermit = 6,
    /// Hong Kong identity card number.
    HkId = 7,
    /// Macau resident identity card number.
    MoId = 8,
    /// Taiwan national identification number.
    TwId = 9,
    /// Bank card number.
    BankCard = 10,
    /// E-mail address.
    Email = 11,
    /// IPv4 address.
    Ipv4 = 12,
    /// IPv6 address.
    Ipv6 = 13,
    /// URL.
    Url = 14,
    /// Mainland vehicle licence plate.
    LicencePlate = 15,
    /// Bitcoin address.
    BtcAddress = 16,
    /// Ethereum address.
    EthAddress = 17,
    /// WeChat id.
    WechatId = 18,
    /// QQ number.
    QqId = 19,
}

/// How a mask policy shows one entity type (`chatvault_mask_policy_set`).
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_mask_op {
    /// Keep the first `first` and last `last` letters and digits, replace
    /// the others with the character `with` (separators stay).
    Keep = 1,
    /// Replace with `***`.
    Redact = 2,
    /// Replace with the entity type's name in brackets (`[cn_mobile]`).
    TypeLabel = 3,
    /// Replace with `#` and 16 hex digits of a keyed hash (per tenant).
    KeyedHash = 4,
    /// Replace with a Chinese `@nickname` (per tenant and identifier).
    NicknameChinese = 5,
    /// Replace with a Latin `@Nickname`.
    NicknameLatin = 6,
    /// Replace with a format-preserving token that still validates.
    Token = 7,
    /// `l***@example.com`.
    Email = 8,
}

fn entity_from(n: u32) -> Result<EntityType, FfiError> {
    let n = u8::try_from(n).map_err(|_| FfiError::invalid(format!("unknown entity type {n}")))?;
    Ok(EntityType::from_u8(n)?)
}

// ------------------------------------------------------------------ findings

/// One identifier found in a text. Spans are byte offsets into the text
/// passed to the call that found it.
///
/// Thread safety: a plain value; `rule` points into the `chatvault_findings`
/// it was read from and is valid until that is freed.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_finding {
    /// The `chatvault_entity` number.
    pub entity: u32,
    /// Start of the identifier in the text (byte offset).
    pub start: usize,
    /// End of the identifier in the text (byte offset, exclusive).
    pub end: usize,
    /// Confidence from 0 to 1.
    pub confidence: f32,
    /// The rule that fired, as a NUL-terminated string.
    pub rule: *const c_char,
    /// For a stream detector: whether the identifier began in the previous
    /// message; then `previous_start..previous_end` is its part there.
    pub has_previous: bool,
    /// Start of the part in the previous message (0 if none).
    pub previous_start: usize,
    /// End of the part in the previous message (0 if none).
    pub previous_end: usize,
}

/// A list of findings owned by the caller, from `chatvault_detector_detect`
/// or `chatvault_stream_detector_push`; read it with
/// `chatvault_findings_len` and `chatvault_findings_get`, free it with
/// `chatvault_findings_free`.
///
/// Thread safety: immutable; may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_findings {
    _private: [u8; 0],
}

pub(crate) struct Findings {
    items: Vec<StreamFinding>,
    rules: Vec<CString>,
}

impl Castable for chatvault_findings {
    type Ownership = OwnershipBox;
    type RustType = Findings;
}

impl Findings {
    fn new(items: Vec<StreamFinding>) -> Findings {
        let rules = items
            .iter()
            .map(|f| CString::new(f.finding.rule).expect("rule names have no NUL"))
            .collect();
        Findings { items, rules }
    }

    fn plain(found: Vec<Finding>) -> Findings {
        Findings::new(
            found
                .into_iter()
                .map(|finding| StreamFinding {
                    finding,
                    previous: None,
                })
                .collect(),
        )
    }
}

/// Number of findings in the list (0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_findings_len(findings: *const chatvault_findings) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(findings, "findings").map_or(0, |f| f.items.len())
    }
}

/// Copy finding `index` into `*out`. An index at or past the length is
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_findings_get(
    findings: *const chatvault_findings,
    index: usize,
    out: *mut chatvault_finding,
) -> chatvault_result {
    ffi_panic_boundary! {
        let list = try_ref(findings, "findings")?;
        let out = out_ptr(out, "out")?;
        let f = list.items.get(index).ok_or_else(|| {
            FfiError::invalid(format!("index {index} past the {} findings", list.items.len()))
        })?;
        let (has_previous, previous_start, previous_end) = match &f.previous {
            Some(p) => (true, p.start, p.end),
            None => (false, 0, 0),
        };
        out.write(chatvault_finding {
            entity: f.finding.entity as u32,
            start: f.finding.span.start,
            end: f.finding.span.end,
            confidence: f.finding.confidence,
            rule: list.rules[index].as_ptr(),
            has_previous,
            previous_start,
            previous_end,
        });
        Ok(())
    }
}

/// Free a findings list. Calling with NULL is fine; must not be called
/// twice.
///
/// Thread safety: must not race with readers of the list.
#[no_mangle]
pub extern "C" fn chatvault_findings_free(findings: *mut chatvault_findings) {
    ffi_panic_boundary_void! {
        free_box(findings);
    }
}

/// The stable lower-case name of an entity type (`cn_mobile`, …) as a
/// static NUL-terminated string; `"unknown"` for a number this library does
/// not know.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_entity_name(entity: u32) -> *const c_char {
    ffi_panic_boundary_or! { c"unknown".as_ptr();
        match entity_from(entity) {
            Ok(e) => ENTITY_NAMES[e as usize - 1].as_ptr(),
            Err(_) => c"unknown".as_ptr(),
        }
    }
}

const ENTITY_NAMES: [&std::ffi::CStr; 19] = [
    c"cn_mobile",
    c"cn_landline",
    c"intl_phone",
    c"cn_resident_id",
    c"cn_passport",
    c"travel_permit",
    c"hk_id",
    c"mo_id",
    c"tw_id",
    c"bank_card",
    c"email",
    c"ipv4",
    c"ipv6",
    c"url",
    c"licence_plate",
    c"btc_address",
    c"eth_address",
    c"wechat_id",
    c"qq_id",
];

/// The identifier class (`chatvault_id_class` number) whose key seals
/// originals of `entity`, or 0 for an unknown entity number.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_entity_class(entity: u32) -> u8 {
    ffi_panic_boundary_or! { 0;
        entity_from(entity).map_or(0, |e| e.class() as u8)
    }
}

// ------------------------------------------------------------------ detector

/// A compiled PII detector. Created by `chatvault_detector_new`; freed with
/// `chatvault_detector_free`.
///
/// Thread safety: immutable; share one between threads and call
/// `chatvault_detector_detect` concurrently.
#[allow(non_camel_case_types)]
pub struct chatvault_detector {
    _private: [u8; 0],
}

impl Castable for chatvault_detector {
    type Ownership = OwnershipArc;
    type RustType = Detector;
}

/// Build a detector for the entity types in `entities` (bit `n` set for
/// the `chatvault_entity` numbered `n`; CHATVAULT_ENTITIES_ALL for every
/// type) reporting findings at least `min_confidence` sure (0 to 1; 0.5 is
/// the default), for texts up to `max_input` bytes (0 for the default of 16
/// MiB). Unknown bits, an empty set or values out of range:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives a detector the caller owns and must free with
/// `chatvault_detector_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_detector_new(
    entities: u64,
    min_confidence: f32,
    max_input: usize,
    out: *mut *const chatvault_detector,
) -> chatvault_result {
    ffi_panic_boundary! {
        let out = out_ptr(out, "out")?;
        if entities == 0 || entities & !CHATVAULT_ENTITIES_ALL != 0 {
            return Err(FfiError::invalid(format!(
                "entities mask {entities:#x} is empty or names unknown types"
            )));
        }
        let types: Vec<EntityType> = EntityType::ALL
            .into_iter()
            .filter(|e| entities & (1u64 << (*e as u8)) != 0)
            .collect();
        let mut b = DetectorBuilder::new();
        b.only(&types).min_confidence(min_confidence);
        if max_input != 0 {
            b.max_input(max_input);
        }
        out.write(arc_into_ptr(b.build()?));
        Ok(())
    }
}

/// Every identifier in the UTF-8 `text`, in order, none overlapping.
/// Invalid UTF-8: CHATVAULT_RESULT_UTF8; longer than the detector's limit:
/// CHATVAULT_RESULT_TOO_LARGE.
///
/// On success `*out` receives a list the caller owns and must free with
/// `chatvault_findings_free` (also when it is empty).
///
/// Thread safety: may be called concurrently on one detector.
#[no_mangle]
pub extern "C" fn chatvault_detector_detect(
    detector: *const chatvault_detector,
    text: *const u8,
    text_len: usize,
    out: *mut *mut chatvault_findings,
) -> chatvault_result {
    ffi_panic_boundary! {
        let det = try_ref(detector, "detector")?;
        let text = input_str(text, text_len, "text")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(Findings::plain(det.detect(text)?)));
        Ok(())
    }
}

/// Release the caller's reference to a detector. Calling with NULL is fine;
/// must not be called twice.
///
/// Thread safety: may be called from any thread, once no call on this
/// handle is running.
#[no_mangle]
pub extern "C" fn chatvault_detector_free(detector: *const chatvault_detector) {
    ffi_panic_boundary_void! {
        free_arc(detector);
    }
}

/// Follows one conversation's messages from one sender and also finds
/// identifiers split across two consecutive messages. Created by
/// `chatvault_stream_detector_new`; freed with
/// `chatvault_stream_detector_free`.
///
/// Thread safety: mutable; one thread at a time.
#[allow(non_camel_case_types)]
pub struct chatvault_stream_detector {
    _private: [u8; 0],
}

impl Castable for chatvault_stream_detector {
    type Ownership = OwnershipBox;
    type RustType = StreamDetector;
}

/// A stream detector using `detector` (which the caller may free at once).
///
/// On success `*out` receives a stream detector the caller owns and must
/// free with `chatvault_stream_detector_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_stream_detector_new(
    detector: *const chatvault_detector,
    out: *mut *mut chatvault_stream_detector,
) -> chatvault_result {
    ffi_panic_boundary! {
        let det = try_ref(detector, "detector")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(StreamDetector::new(det.clone())));
        Ok(())
    }
}

/// The findings of the next message of the stream. A finding that began in
/// the previous message has `has_previous` set and its part there in
/// `previous_start..previous_end` (offsets into the previous message).
///
/// On success `*out` receives a list the caller owns and must free with
/// `chatvault_findings_free`. On failure the stream is unchanged.
///
/// Thread safety: not concurrently on one stream detector.
#[no_mangle]
pub extern "C" fn chatvault_stream_detector_push(
    stream: *mut chatvault_stream_detector,
    text: *const u8,
    text_len: usize,
    out: *mut *mut chatvault_findings,
) -> chatvault_result {
    ffi_panic_boundary! {
        let text = input_str(text, text_len, "text")?;
        let out = out_ptr(out, "out")?;
        let stream = try_mut(stream, "stream")?;
        out.write(box_into_ptr(Findings::new(stream.push(text)?)));
        Ok(())
    }
}

/// Forget the previous message (a new conversation or another sender).
///
/// Thread safety: not concurrently on one stream detector.
#[no_mangle]
pub extern "C" fn chatvault_stream_detector_reset(
    stream: *mut chatvault_stream_detector,
) -> chatvault_result {
    ffi_panic_boundary! {
        try_mut(stream, "stream")?.reset();
        Ok(())
    }
}

/// Free a stream detector. Calling with NULL is fine; must not be called
/// twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_stream_detector_free(stream: *mut chatvault_stream_detector) {
    ffi_panic_boundary_void! {
        free_box(stream);
    }
}

// -------------------------------------------------------------------- policy

/// Which operator masks each entity type. Created by
/// `chatvault_mask_policy_new` with the default operators (phones
/// `138****5678`, ID cards `110***********002X`, bank cards the last four,
/// e-mail `l***@example.com`, …); freed with `chatvault_mask_policy_free`.
///
/// Thread safety: mutable; one thread at a time.
#[allow(non_camel_case_types)]
pub struct chatvault_mask_policy {
    _private: [u8; 0],
}

impl Castable for chatvault_mask_policy {
    type Ownership = OwnershipBox;
    type RustType = MaskPolicy;
}

/// A policy with the default operators.
///
/// On success `*out` receives a policy the caller owns and must free with
/// `chatvault_mask_policy_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_mask_policy_new(
    out: *mut *mut chatvault_mask_policy,
) -> chatvault_result {
    ffi_panic_boundary! {
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(MaskPolicy::new()));
        Ok(())
    }
}

/// Show `entity` (a `chatvault_entity` number, or 0 for every type) with
/// `op` (a `chatvault_mask_op` number). `first`, `last` and `with` (a
/// Unicode scalar value, e.g. '*') are used by CHATVAULT_MASK_OP_KEEP only
/// and ignored otherwise. Unknown numbers or a `with` that is not a
/// character: CHATVAULT_RESULT_INVALID_ARGUMENT, and the policy is
/// unchanged.
///
/// Thread safety: not concurrently on one policy.
#[no_mangle]
pub extern "C" fn chatvault_mask_policy_set(
    policy: *mut chatvault_mask_policy,
    entity: u32,
    op: u32,
    first: u16,
    last: u16,
    with: u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let op = match op {
            1 => Operator::keep(
                first,
                last,
                char::from_u32(with)
                    .ok_or_else(|| FfiError::invalid(format!("with {with:#x} is not a character")))?,
            ),
            2 => Operator::Redact,
            3 => Operator::TypeLabel,
            4 => Operator::KeyedHash,
            5 => Operator::Nickname(NicknameStyle::Chinese),
            6 => Operator::Nickname(NicknameStyle::Latin),
            7 => Operator::Token,
            8 => Operator::Email,
            _ => return Err(FfiError::invalid(format!("unknown mask operator {op}"))),
        };
        let target = if entity == 0 { None } else { Some(entity_from(entity)?) };
        let p = try_mut(policy, "policy")?;
        match target {
            Some(e) => p.set(e, op),
            None => p.set_all(op),
        };
        Ok(())
    }
}

/// Free a policy. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_mask_policy_free(policy: *mut chatvault_mask_policy) {
    ffi_panic_boundary_void! {
        free_box(policy);
    }
}

// -------------------------------------------------------------------- masker

/// Masks findings: shows each as its policy says and seals the original
/// under the customer's key for the identifier's class. Created by
/// `chatvault_masker_new`; freed with `chatvault_masker_free`.
///
/// Thread safety: immutable; share one per tenant and call it concurrently.
#[allow(non_camel_case_types)]
pub struct chatvault_masker {
    _private: [u8; 0],
}

impl Castable for chatvault_masker {
    type Ownership = OwnershipArc;
    type RustType = Masker;
}

/// A masker for the tenant of `keyring` (its pseudonym key makes keyed
/// hashes, nicknames and tokens), showing identifiers as `policy` says
/// (NULL: the default policy; the policy is copied, the caller keeps and
/// frees it) and sealing originals with `suite` (a `chatvault_suite`
/// number).
///
/// On success `*out` receives a masker the caller owns and must free with
/// `chatvault_masker_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_masker_new(
    keyring: *const chatvault_keyring,
    policy: *const chatvault_mask_policy,
    suite: u32,
    out: *mut *const chatvault_masker,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let policy = if policy.is_null() {
            MaskPolicy::new()
        } else {
            try_ref(policy, "policy")?.clone()
        };
        let suite = suite_from(suite)?;
        let out = out_ptr(out, "out")?;
        let masker = Masker::new(ring.pseudonym_key()?).with_policy(policy).with_suite(suite);
        out.write(arc_into_ptr(masker));
        Ok(())
    }
}

fn findings_of(findings: *const chatvault_findings) -> Result<Vec<Finding>, FfiError> {
    if findings.is_null() {
        return Ok(Vec::new());
    }
    let list = try_ref(findings, "findings")?;
    Ok(list.items.iter().map(|f| f.finding.clone()).collect())
}

/// Mask `findings` (from `chatvault_detector_detect` on this same `text`;
/// NULL for none) in the UTF-8 `text` of message `record` of `customer`,
/// sealing the originals under the customer's class keys in `keyring`
/// (created on first use) for the keyring's tenant.
///
/// On success `*out_text` receives the display text and `*out_map` the
/// restore map's bytes (store both), each owned by the caller and freed
/// with `chatvault_bytes_free`. A finding span that does not fit the text:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_masker_mask(
    masker: *const chatvault_masker,
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    record: *const u8,
    record_len: usize,
    text: *const u8,
    text_len: usize,
    findings: *const chatvault_findings,
    out_text: *mut *mut chatvault_bytes,
    out_map: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let masker = try_ref(masker, "masker")?;
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let record = input_str(record, record_len, "record")?;
        let text = input_str(text, text_len, "text")?;
        let found = findings_of(findings)?;
        let out_text = out_ptr(out_text, "out_text")?;
        let out_map = out_ptr(out_map, "out_map")?;
        mask_into(masker, ring, customer, record, text, &found, out_text, out_map)
    }
}

/// Detect with `detector` and mask in one call: as
/// `chatvault_detector_detect` then `chatvault_masker_mask`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_masker_detect_and_mask(
    masker: *const chatvault_masker,
    detector: *const chatvault_detector,
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    record: *const u8,
    record_len: usize,
    text: *const u8,
    text_len: usize,
    out_text: *mut *mut chatvault_bytes,
    out_map: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let masker = try_ref(masker, "masker")?;
        let det = try_ref(detector, "detector")?;
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let record = input_str(record, record_len, "record")?;
        let text = input_str(text, text_len, "text")?;
        let out_text = out_ptr(out_text, "out_text")?;
        let out_map = out_ptr(out_map, "out_map")?;
        let found = det.detect(text)?;
        mask_into(masker, ring, customer, record, text, &found, out_text, out_map)
    }
}

fn mask_into(
    masker: &Masker,
    ring: &Keyring,
    customer: &str,
    record: &str,
    text: &str,
    found: &[Finding],
    out_text: super::handle::Out<'_, *mut chatvault_bytes>,
    out_map: super::handle::Out<'_, *mut chatvault_bytes>,
) -> Result<(), FfiError> {
    let keys = CustomerKeys::new(ring, customer);
    let m = masker.mask(text, found, &keys, &RecordRef::new(ring.tenant(), record))?;
    put_bytes(out_text, m.text.into_bytes());
    put_bytes(out_map, m.map.to_bytes());
    Ok(())
}

/// Release the caller's reference to a masker. Calling with NULL is fine;
/// must not be called twice.
///
/// Thread safety: may be called from any thread, once no call on this
/// handle is running.
#[no_mangle]
pub extern "C" fn chatvault_masker_free(masker: *const chatvault_masker) {
    ffi_panic_boundary_void! {
        free_arc(masker);
    }
}

// --------------------------------------------------------------- restore map

fn restore_into(
    map: &RestoreMap,
    display: &str,
    keys: &dyn ClassKeys,
    at: &RecordRef<'_>,
    partial: bool,
    out: super::handle::Out<'_, *mut chatvault_bytes>,
    withheld: *mut usize,
) -> Result<(), FfiError> {
    let withheld = if withheld.is_null() {
        None
    } else {
        Some(out_ptr(withheld, "withheld")?)
    };
    let r = if partial {
        map.restore_permitted(display, keys, at)?
    } else {
        let text = map.restore(display, keys, at)?;
        crate::mask::Restored {
            text,
            revealed: Vec::new(),
            withheld: Vec::new(),
        }
    };
    if let Some(w) = withheld {
        w.write(r.withheld.len());
    }
    put_secret(out, zeroize::Zeroizing::new(r.text.into_bytes()));
    Ok(())
}

/// The number of masked spans in a restore map's bytes. Bytes that are not
/// a well-formed restore map: CHATVAULT_RESULT_MALFORMED (or
/// UNSUPPORTED_VERSION).
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_restore_map_len(
    map: *const u8,
    map_len: usize,
    out: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let map = RestoreMap::from_bytes(input_bytes(map, map_len, "map")?)?;
        out_ptr(out, "out")?.write(map.len());
        Ok(())
    }
}

/// Entry `index` of a restore map: its `chatvault_entity` number and its
/// span `*out_start..*out_end` in the display text. Any of the three
/// outputs may be NULL if not wanted.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_restore_map_entry(
    map: *const u8,
    map_len: usize,
    index: usize,
    out_entity: *mut u32,
    out_start: *mut usize,
    out_end: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let map = RestoreMap::from_bytes(input_bytes(map, map_len, "map")?)?;
        let e = map
            .entries()
            .get(index)
            .ok_or_else(|| FfiError::invalid(format!("index {index} past the {} entries", map.len())))?;
        let outs = [out_start, out_end];
        let vals = [e.span.start, e.span.end];
        if !out_entity.is_null() {
            out_ptr(out_entity, "out_entity")?.write(e.entity as u32);
        }
        for (p, v) in outs.into_iter().zip(vals) {
            if !p.is_null() {
                out_ptr(p, "out")?.write(v);
            }
        }
        Ok(())
    }
}

/// Restore a display text with the tenant's own keys: every masked span of
/// message `record` of `customer` replaced by its original, so the result
/// is exactly the text that was masked.
///
/// On success `*out` receives the text, owned by the caller and freed with
/// `chatvault_bytes_free` (which zeroizes it). A map that does not belong
/// to this display text, record or customer, or was altered:
/// CHATVAULT_RESULT_DECRYPT or INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_restore_map_restore_with_keyring(
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    record: *const u8,
    record_len: usize,
    display: *const u8,
    display_len: usize,
    map: *const u8,
    map_len: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let record = input_str(record, record_len, "record")?;
        let display = input_str(display, display_len, "display")?;
        let map = RestoreMap::from_bytes(input_bytes(map, map_len, "map")?)?;
        let out = out_ptr(out, "out")?;
        let keys = CustomerKeys::new(ring, customer);
        restore_into(&map, display, &keys, &RecordRef::new(ring.tenant(), record), false, out, std::ptr::null_mut())
    }
}

/// Restore a display text with an agent's restore key (`grant`, opened
/// with `chatvault_agent_grant_open`), whose class keys are fetched from
/// `store` at time `now`, for message `record` of `customer` of `tenant`.
///
/// With `partial` false, every span must be in a granted class, else
/// CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE. With `partial` true, spans of other
/// classes (or of shredded keys) stay masked and their number goes to
/// `*withheld` (may be NULL). An expired or not yet valid grant is always
/// an error.
///
/// On success `*out` receives the text, owned by the caller and freed with
/// `chatvault_bytes_free` (which zeroizes it).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_restore_map_restore_with_grant(
    grant: *const chatvault_agent_grant,
    store: *const chatvault_key_store,
    tenant: *const u8,
    tenant_len: usize,
    customer: *const u8,
    customer_len: usize,
    record: *const u8,
    record_len: usize,
    now: i64,
    display: *const u8,
    display_len: usize,
    map: *const u8,
    map_len: usize,
    partial: bool,
    out: *mut *mut chatvault_bytes,
    withheld: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let grant: &AgentGrant = try_ref(grant, "grant")?;
        let store = try_ref(store, "store")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let record = input_str(record, record_len, "record")?;
        let display = input_str(display, display_len, "display")?;
        let map = RestoreMap::from_bytes(input_bytes(map, map_len, "map")?)?;
        let out = out_ptr(out, "out")?;
        let keys = RestoreKeys::new(grant, store, customer, now);
        restore_into(&map, display, &keys, &RecordRef::new(tenant, record), partial, out, withheld)
    }
}

/// Reveal one masked span (entry `index` of the map) with an agent's
/// restore key: the original identifier, as for
/// `chatvault_restore_map_restore_with_grant`. Its class not granted:
/// CHATVAULT_RESULT_GRANT_OUT_OF_SCOPE.
///
/// On success `*out` receives the original, owned by the caller and freed
/// with `chatvault_bytes_free` (which zeroizes it).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_restore_map_reveal_with_grant(
    grant: *const chatvault_agent_grant,
    store: *const chatvault_key_store,
    tenant: *const u8,
    tenant_len: usize,
    customer: *const u8,
    customer_len: usize,
    record: *const u8,
    record_len: usize,
    now: i64,
    map: *const u8,
    map_len: usize,
    index: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let grant: &AgentGrant = try_ref(grant, "grant")?;
        let store = try_ref(store, "store")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let record = input_str(record, record_len, "record")?;
        let map = RestoreMap::from_bytes(input_bytes(map, map_len, "map")?)?;
        let out = out_ptr(out, "out")?;
        let keys = RestoreKeys::new(grant, store, customer, now);
        let original = map.reveal(index, &keys, &RecordRef::new(tenant, record))?;
        put_secret(out, zeroize::Zeroizing::new(original.as_bytes().to_vec()));
        Ok(())
    }
}

/// Keep the detector type shareable behind `Arc` (checked at compile time).
#[allow(dead_code)]
fn assert_shareable() {
    fn check<T: Send + Sync>() {}
    check::<Arc<Detector>>();
    check::<Arc<Masker>>();
}
