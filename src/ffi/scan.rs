//! C ABI of sensitive-word scanning.
//!
//! Owns: `chatvault_scan_dict` (Box, a dictionary being built),
//! `chatvault_scan_policy` (Box), `chatvault_scanner` (Arc, compiled and
//! immutable), `chatvault_shared_scanner` (Arc, replaceable while in use),
//! `chatvault_scan_verdict` (Box) with `chatvault_scan_match`, and the
//! action, direction and normalization numbers.

use std::sync::Arc;

use crate::scan::{
    Action, CategoryId, DictionaryBuilder, Direction, Normalization, Policy, Scanner,
    SharedScanner, Verdict,
};

use super::bytes::{chatvault_bytes, put_bytes};
use super::error::{chatvault_result, FfiError};
use super::handle::{
    arc_into_ptr, box_into_ptr, free_arc, free_box, input_str, out_ptr, try_clone_arc, try_mut,
    try_ref, Castable, OwnershipArc, OwnershipBox,
};

/// Normalization flag: Unicode case folding.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_CASE_FOLD: u32 = 1;
/// Normalization flag: full-width forms to ASCII.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_WIDTH: u32 = 2;
/// Normalization flag: traditional Chinese to simplified.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_TRADITIONAL: u32 = 4;
/// Normalization flag: number styles (①, ⑴, 一, 壹, superscripts) to digits.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_NUMBERS: u32 = 8;
/// Normalization flag: letter styles (Ⓐ, 𝐀) to ASCII.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_LETTERS: u32 = 16;
/// Normalization flag: leetspeak and look-alikes inside Latin words.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_LEET: u32 = 32;
/// Normalization flag: characters inserted between a word's characters.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_SEPARATORS: u32 = 64;
/// Normalization flag: repeated characters.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_REPEATS: u32 = 128;
/// Every normalization flag.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_NORM_ALL: u32 = 255;

/// What to do with a message; functions take and return it as a
/// `uint32_t`. Ordered by strength.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_scan_action {
    /// Nothing.
    Allow = 0,
    /// Replace the word with `*`s.
    Mask = 1,
    /// Tell a supervisor.
    Report = 2,
    /// The message must not be sent.
    Block = 3,
}

/// Who writes to whom; functions take it as a `uint32_t`.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_scan_direction {
    /// An agent writes to a customer.
    AgentToCustomer = 1,
    /// A customer writes to an agent.
    CustomerToAgent = 2,
}

fn action_from(n: u32) -> Result<Action, FfiError> {
    Ok(match n {
        0 => Action::Allow,
        1 => Action::Mask,
        2 => Action::Report,
        3 => Action::Block,
        _ => return Err(FfiError::invalid(format!("unknown scan action {n}"))),
    })
}

fn direction_from(n: u32) -> Result<Direction, FfiError> {
    Ok(match n {
        1 => Direction::AgentToCustomer,
        2 => Direction::CustomerToAgent,
        _ => return Err(FfiError::invalid(format!("unknown scan direction {n}"))),
    })
}

fn normalization_from(flags: u32) -> Result<Normalization, FfiError> {
    if flags & !CHATVAULT_NORM_ALL != 0 {
        return Err(FfiError::invalid(format!(
            "unknown normalization flags {flags:#x}"
        )));
    }
    let on = |f: u32| flags & f != 0;
    Ok(Normalization {
        case_fold: on(CHATVAULT_NORM_CASE_FOLD),
        width: on(CHATVAULT_NORM_WIDTH),
        traditional: on(CHATVAULT_NORM_TRADITIONAL),
        numbers: on(CHATVAULT_NORM_NUMBERS),
        letters: on(CHATVAULT_NORM_LETTERS),
        leet: on(CHATVAULT_NORM_LEET),
        separators: on(CHATVAULT_NORM_SEPARATORS),
        repeats: on(CHATVAULT_NORM_REPEATS),
    })
}

// --------------------------------------------------------------- dictionary

/// A dictionary being built: categories, words, allow-list. Created by
/// `chatvault_scan_dict_new`; freed with `chatvault_scan_dict_free`.
///
/// Thread safety: mutable; one thread at a time.
#[allow(non_camel_case_types)]
pub struct chatvault_scan_dict {
    _private: [u8; 0],
}

impl Castable for chatvault_scan_dict {
    type Ownership = OwnershipBox;
    type RustType = DictionaryBuilder;
}

/// An empty dictionary.
///
/// On success `*out` receives a dictionary the caller owns and must free
/// with `chatvault_scan_dict_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_new(out: *mut *mut chatvault_scan_dict) -> chatvault_result {
    ffi_panic_boundary! {
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(DictionaryBuilder::new()));
        Ok(())
    }
}

/// The number of the category named `name` (UTF-8), created if new (at
/// most 64 per dictionary), into `*out`.
///
/// Thread safety: not concurrently on one dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_category(
    dict: *mut chatvault_scan_dict,
    name: *const u8,
    name_len: usize,
    out: *mut u8,
) -> chatvault_result {
    ffi_panic_boundary! {
        let name = input_str(name, name_len, "name")?;
        let out = out_ptr(out, "out")?;
        let d = try_mut(dict, "dict")?;
        out.write(d.category(name)?.index());
        Ok(())
    }
}

/// Add `word` (UTF-8) in `category` (a number from
/// `chatvault_scan_dict_category`); with `whole_word`, a match must not
/// touch an ASCII letter or digit on either side.
///
/// Thread safety: not concurrently on one dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_add(
    dict: *mut chatvault_scan_dict,
    word: *const u8,
    word_len: usize,
    category: u8,
    whole_word: bool,
) -> chatvault_result {
    ffi_panic_boundary! {
        let word = input_str(word, word_len, "word")?;
        let d = try_mut(dict, "dict")?;
        d.add(word, CategoryId::from_index(category)?, whole_word)?;
        Ok(())
    }
}

/// Add every line of the UTF-8 `text` (one word per line, `#` comments) in
/// `category`; the number added goes to `*count` (may be NULL). A line too
/// long: CHATVAULT_RESULT_INVALID_ARGUMENT naming it, and nothing is added.
///
/// Thread safety: not concurrently on one dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_load_plain(
    dict: *mut chatvault_scan_dict,
    text: *const u8,
    text_len: usize,
    category: u8,
    count: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let text = input_str(text, text_len, "text")?;
        let d = try_mut(dict, "dict")?;
        let n = d.load_plain(text, CategoryId::from_index(category)?)?;
        if !count.is_null() {
            out_ptr(count, "count")?.write(n);
        }
        Ok(())
    }
}

/// Add words in the tags format (`word TAG[,TAG]` per line) from the UTF-8
/// `text`; each tag names a category, created if new. The number added goes
/// to `*count` (may be NULL). A malformed line: CHATVAULT_RESULT_MALFORMED
/// naming it, and nothing is added.
///
/// Thread safety: not concurrently on one dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_load_tags(
    dict: *mut chatvault_scan_dict,
    text: *const u8,
    text_len: usize,
    count: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let text = input_str(text, text_len, "text")?;
        let n = try_mut(dict, "dict")?.load_tags_named(text)?;
        if !count.is_null() {
            out_ptr(count, "count")?.write(n);
        }
        Ok(())
    }
}

/// Allow `word` (UTF-8): a match inside an occurrence of it is not
/// reported.
///
/// Thread safety: not concurrently on one dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_allow(
    dict: *mut chatvault_scan_dict,
    word: *const u8,
    word_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let word = input_str(word, word_len, "word")?;
        try_mut(dict, "dict")?.allow(word);
        Ok(())
    }
}

/// Compile the dictionary into a scanner with the normalization `flags`
/// (CHATVAULT_NORM_*, CHATVAULT_NORM_ALL for all) and `policy` (copied).
/// The dictionary stays usable.
///
/// On success `*out` receives a scanner the caller owns and must free with
/// `chatvault_scanner_free`.
///
/// Thread safety: not concurrently with changes to the dictionary.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_build(
    dict: *const chatvault_scan_dict,
    flags: u32,
    policy: *const chatvault_scan_policy,
    out: *mut *const chatvault_scanner,
) -> chatvault_result {
    ffi_panic_boundary! {
        let d = try_ref(dict, "dict")?;
        let p = try_ref(policy, "policy")?.clone();
        let norm = normalization_from(flags)?;
        let out = out_ptr(out, "out")?;
        out.write(arc_into_ptr(d.build(norm, p)?));
        Ok(())
    }
}

/// Free a dictionary. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_scan_dict_free(dict: *mut chatvault_scan_dict) {
    ffi_panic_boundary_void! {
        free_box(dict);
    }
}

// ------------------------------------------------------------------- policy

/// The action for each category and direction. Created by
/// `chatvault_scan_policy_new`; freed with `chatvault_scan_policy_free`.
///
/// Thread safety: mutable; one thread at a time.
#[allow(non_camel_case_types)]
pub struct chatvault_scan_policy {
    _private: [u8; 0],
}

impl Castable for chatvault_scan_policy {
    type Ownership = OwnershipBox;
    type RustType = Policy;
}

/// A policy giving `default_action` (a `chatvault_scan_action`) to every
/// category and direction.
///
/// On success `*out` receives a policy the caller owns and must free with
/// `chatvault_scan_policy_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_scan_policy_new(
    default_action: u32,
    out: *mut *mut chatvault_scan_policy,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = action_from(default_action)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(Policy::new(a)));
        Ok(())
    }
}

/// Use `action` for `category` (0-63) in `direction`.
///
/// Thread safety: not concurrently on one policy.
#[no_mangle]
pub extern "C" fn chatvault_scan_policy_set(
    policy: *mut chatvault_scan_policy,
    category: u8,
    direction: u32,
    action: u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let a = action_from(action)?;
        let dir = direction_from(direction)?;
        let id = CategoryId::from_index(category)?;
        try_mut(policy, "policy")?.set(id, dir, a);
        Ok(())
    }
}

/// Free a policy. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with any other use of it.
#[no_mangle]
pub extern "C" fn chatvault_scan_policy_free(policy: *mut chatvault_scan_policy) {
    ffi_panic_boundary_void! {
        free_box(policy);
    }
}

// ------------------------------------------------------------------ scanner

/// A compiled dictionary and policy. Created by `chatvault_scan_dict_build`;
/// freed with `chatvault_scanner_free`.
///
/// Thread safety: immutable; scan from any number of threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_scanner {
    _private: [u8; 0],
}

impl Castable for chatvault_scanner {
    type Ownership = OwnershipArc;
    type RustType = Scanner;
}

/// One dictionary word found in a message.
///
/// Thread safety: a plain value; `word` points into the verdict it was read
/// from and is valid until that is freed.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatvault_scan_match {
    /// The category number.
    pub category: u8,
    /// The `chatvault_scan_action` for it in the scanned direction.
    pub action: u32,
    /// Start of the match in the original text (byte offset).
    pub start: usize,
    /// End of the match (byte offset, exclusive).
    pub end: usize,
    /// The dictionary word as it was added (UTF-8, not NUL-terminated).
    pub word: *const u8,
    /// Length of `word` in bytes.
    pub word_len: usize,
}

/// A message's verdict: its strongest action, every match, and the masked
/// text. From `chatvault_scanner_scan`; freed with
/// `chatvault_scan_verdict_free`.
///
/// Thread safety: immutable; may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct chatvault_scan_verdict {
    _private: [u8; 0],
}

impl Castable for chatvault_scan_verdict {
    type Ownership = OwnershipBox;
    type RustType = Verdict;
}

/// Scan the UTF-8 `text` written in `direction` (a
/// `chatvault_scan_direction`). Invalid UTF-8: CHATVAULT_RESULT_UTF8; over
/// 16 MiB: CHATVAULT_RESULT_TOO_LARGE.
///
/// On success `*out` receives a verdict the caller owns and must free with
/// `chatvault_scan_verdict_free`.
///
/// Thread safety: may be called concurrently on one scanner.
#[no_mangle]
pub extern "C" fn chatvault_scanner_scan(
    scanner: *const chatvault_scanner,
    text: *const u8,
    text_len: usize,
    direction: u32,
    out: *mut *mut chatvault_scan_verdict,
) -> chatvault_result {
    ffi_panic_boundary! {
        let s = try_ref(scanner, "scanner")?;
        scan_into(|t, d| s.scan(t, d), text, text_len, direction, out)
    }
}

/// The checks and output of both scan functions around `scan`.
fn scan_into(
    scan: impl FnOnce(&str, Direction) -> crate::Result<Verdict>,
    text: *const u8,
    text_len: usize,
    direction: u32,
    out: *mut *mut chatvault_scan_verdict,
) -> Result<(), FfiError> {
    let text = input_str(text, text_len, "text")?;
    let dir = direction_from(direction)?;
    let out = out_ptr(out, "out")?;
    out.write(box_into_ptr(scan(text, dir)?));
    Ok(())
}

/// Release the caller's reference to a scanner. Calling with NULL is fine;
/// must not be called twice.
///
/// Thread safety: may be called from any thread once no call on this handle
/// is running.
#[no_mangle]
pub extern "C" fn chatvault_scanner_free(scanner: *const chatvault_scanner) {
    ffi_panic_boundary_void! {
        free_arc(scanner);
    }
}

/// The verdict's action (a `chatvault_scan_action`; ALLOW for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_scan_verdict_action(verdict: *const chatvault_scan_verdict) -> u32 {
    ffi_panic_boundary_or! { 0;
        try_ref(verdict, "verdict").map_or(0, |v| v.action as u32)
    }
}

/// Number of matches (0 for NULL).
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_scan_verdict_len(verdict: *const chatvault_scan_verdict) -> usize {
    ffi_panic_boundary_or! { 0;
        try_ref(verdict, "verdict").map_or(0, |v| v.matches.len())
    }
}

/// Copy match `index` into `*out`; an index past the end is
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_scan_verdict_get(
    verdict: *const chatvault_scan_verdict,
    index: usize,
    out: *mut chatvault_scan_match,
) -> chatvault_result {
    ffi_panic_boundary! {
        let v = try_ref(verdict, "verdict")?;
        let out = out_ptr(out, "out")?;
        let m = v.matches.get(index).ok_or_else(|| {
            FfiError::invalid(format!("index {index} past the {} matches", v.matches.len()))
        })?;
        out.write(chatvault_scan_match {
            category: m.category.index(),
            action: m.action as u32,
            start: m.span.start,
            end: m.span.end,
            word: m.word.as_ptr(),
            word_len: m.word.len(),
        });
        Ok(())
    }
}

/// The message with every MASK match replaced by `*`s, into `*out` (owned
/// by the caller, freed with `chatvault_bytes_free`); `*out` is set to NULL
/// when nothing is masked.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_scan_verdict_masked(
    verdict: *const chatvault_scan_verdict,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let v = try_ref(verdict, "verdict")?;
        let out = out_ptr(out, "out")?;
        match &v.masked {
            Some(m) => put_bytes(out, m.clone().into_bytes()),
            None => out.write(std::ptr::null_mut()),
        }
        Ok(())
    }
}

/// Free a verdict. Calling with NULL is fine; must not be called twice.
///
/// Thread safety: must not race with readers of it.
#[no_mangle]
pub extern "C" fn chatvault_scan_verdict_free(verdict: *mut chatvault_scan_verdict) {
    ffi_panic_boundary_void! {
        free_box(verdict);
    }
}

// ----------------------------------------------------------- shared scanner

/// A scanner that can be replaced while other threads scan with it.
/// Created by `chatvault_shared_scanner_new`; freed with
/// `chatvault_shared_scanner_free`.
///
/// Thread safety: scan and replace from any threads at once; each scan uses
/// the scanner current when it starts.
#[allow(non_camel_case_types)]
pub struct chatvault_shared_scanner {
    _private: [u8; 0],
}

impl Castable for chatvault_shared_scanner {
    type Ownership = OwnershipArc;
    type RustType = SharedScanner;
}

/// Share `scanner` (the caller keeps its own reference and frees it as
/// usual).
///
/// On success `*out` receives a shared scanner the caller owns and must
/// free with `chatvault_shared_scanner_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_shared_scanner_new(
    scanner: *const chatvault_scanner,
    out: *mut *const chatvault_shared_scanner,
) -> chatvault_result {
    ffi_panic_boundary! {
        let s: Arc<Scanner> = try_clone_arc(scanner, "scanner")?;
        let out = out_ptr(out, "out")?;
        out.write(arc_into_ptr(SharedScanner::from_arc(s)));
        Ok(())
    }
}

/// Put `scanner` in use for every scan that starts from now on (a reload;
/// build it first, off the hot path).
///
/// Thread safety: may be called concurrently with scans.
#[no_mangle]
pub extern "C" fn chatvault_shared_scanner_replace(
    shared: *const chatvault_shared_scanner,
    scanner: *const chatvault_scanner,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sh = try_ref(shared, "shared")?;
        let s: Arc<Scanner> = try_clone_arc(scanner, "scanner")?;
        sh.replace_arc(s)?;
        Ok(())
    }
}

/// Scan with the scanner in use now; as `chatvault_scanner_scan`.
///
/// Thread safety: may be called concurrently, also with replacements.
#[no_mangle]
pub extern "C" fn chatvault_shared_scanner_scan(
    shared: *const chatvault_shared_scanner,
    text: *const u8,
    text_len: usize,
    direction: u32,
    out: *mut *mut chatvault_scan_verdict,
) -> chatvault_result {
    ffi_panic_boundary! {
        let sh = try_ref(shared, "shared")?;
        scan_into(|t, d| sh.scan(t, d), text, text_len, direction, out)
    }
}

/// Release the caller's reference to a shared scanner. Calling with NULL is
/// fine; must not be called twice.
///
/// Thread safety: may be called from any thread once no call on this handle
/// is running.
#[no_mangle]
pub extern "C" fn chatvault_shared_scanner_free(shared: *const chatvault_shared_scanner) {
    ffi_panic_boundary_void! {
        free_arc(shared);
    }
}
