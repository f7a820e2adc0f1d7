//! The retention policy model and its JSON loader.
//!
//! Owns: [`Policy`] (immutable once loaded), [`Rule`], [`Selector`],
//! [`Anchor`], [`Template`] and the built-in [`TEMPLATES`], [`RuleSet`], the
//! compiled per-attribute lookup tables evaluation uses, and the problems a
//! policy file can have ([`Problem`], [`PolicyError`]).
//!
//! Invariant: a [`Policy`] exists only if its file parsed and passed every
//! load-time check (`check.rs`); its hash is the SHA-256 of the exact bytes.

use std::fmt;

use sha2::{Digest, Sha256};

use super::eval::EndAction;
use super::json::Json;
use super::time::{DayRanges, Period};
use crate::error::{Error, ErrorKind};

/// The most rules a policy may have.
pub const MAX_RULES: usize = 256;
/// The largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;
/// The most distinct tags a policy's selectors may name.
const MAX_TAGS: usize = 256;
const MAX_NAME: usize = 64;
const FORMAT: u64 = 1;

/// A rule's position in [`Policy::rules`].
pub type RuleId = usize;

/// A set of rules of one policy (at most [`MAX_RULES`]), without allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RuleSet([u64; 4]);

impl RuleSet {
    pub(crate) const ALL: RuleSet = RuleSet([u64::MAX; 4]);

    /// Whether rule `id` is in the set.
    pub fn contains(&self, id: RuleId) -> bool {
        id < MAX_RULES && self.0[id / 64] & (1 << (id % 64)) != 0
    }

    /// Number of rules in the set.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    /// The rules in the set, in policy order.
    pub fn iter(&self) -> RuleSetIter {
        RuleSetIter {
            words: self.0,
            word: 0,
        }
    }

    /// The lowest rule in the set.
    pub fn first(&self) -> Option<RuleId> {
        self.iter().next()
    }

    /// A set from [`RuleSet::words`].
    pub fn from_words(words: [u64; 4]) -> RuleSet {
        RuleSet(words)
    }

    /// The set as four 64-bit words, rule `i` at bit `i % 64` of word
    /// `i / 64` (the C ABI's representation).
    pub fn words(&self) -> [u64; 4] {
        self.0
    }

    pub(crate) fn insert(&mut self, id: RuleId) {
        self.0[id / 64] |= 1 << (id % 64);
    }

    pub(crate) fn and(self, other: RuleSet) -> RuleSet {
        RuleSet(std::array::from_fn(|i| self.0[i] & other.0[i]))
    }

    pub(crate) fn or(self, other: RuleSet) -> RuleSet {
        RuleSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    pub(crate) fn without(self, other: RuleSet) -> RuleSet {
        RuleSet(std::array::from_fn(|i| self.0[i] & !other.0[i]))
    }

    pub(crate) fn remove(&mut self, id: RuleId) {
        self.0[id / 64] &= !(1 << (id % 64));
    }
}

/// The rules of a [`RuleSet`], lowest first.
#[derive(Debug, Clone)]
pub struct RuleSetIter {
    words: [u64; 4],
    word: usize,
}

impl Iterator for RuleSetIter {
    type Item = RuleId;

    fn next(&mut self) -> Option<RuleId> {
        while self.word < 4 {
            let w = &mut self.words[self.word];
            if *w != 0 {
                let b = w.trailing_zeros() as usize;
                *w &= *w - 1;
                return Some(self.word * 64 + b);
            }
            self.word += 1;
        }
        None
    }
}

/// Per clock slot the policy uses: its floor rules and ceiling rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlotPlan {
    pub(crate) slot: u8,
    pub(crate) floors: RuleSet,
    pub(crate) ceilings: RuleSet,
}

/// A single-valued attribute of a conversation that rules select on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The conversation's category (complaint, transaction, ...): declared in
    /// the policy's vocabulary.
    Category = 0,
    /// The customer's region (`CN`, `EU`, ...).
    Region = 1,
    /// The channel (web, app, wechat, phone, ...).
    Channel = 2,
    /// The department that served the conversation.
    Department = 3,
}

impl Dimension {
    /// Every dimension, in index order.
    pub const ALL: [Dimension; 4] = [
        Dimension::Category,
        Dimension::Region,
        Dimension::Channel,
        Dimension::Department,
    ];

    /// The key naming it in a policy's `select`, `except` and
    /// `vocabulary` (plural there).
    pub fn key(self) -> &'static str {
        ["category", "region", "channel", "department"][self as usize]
    }

    fn vocabulary_key(self) -> &'static str {
        ["categories", "regions", "channels", "departments"][self as usize]
    }
}

/// Which conversations a rule applies to.
///
/// A conversation is selected when, for every dimension, its value is in
/// `include` (when set) and not in `exclude`, it carries at least one of
/// `tags_any` (when not empty), all of `tags_all`, and none of `tags_none`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// Accepted values per [`Dimension`] (index `Dimension as usize`);
    /// `None` accepts any value.
    pub include: [Option<Vec<String>>; 4],
    /// Refused values per dimension.
    pub exclude: [Vec<String>; 4],
    /// At least one of these tags, when not empty.
    pub tags_any: Vec<String>,
    /// All of these tags.
    pub tags_all: Vec<String>,
    /// None of these tags.
    pub tags_none: Vec<String>,
}

impl Selector {
    /// Whether the selector constrains nothing (a catch-all rule).
    pub fn is_catch_all(&self) -> bool {
        self.include.iter().all(Option::is_none)
            && self.exclude.iter().all(Vec::is_empty)
            && self.tags_any.is_empty()
            && self.tags_all.is_empty()
            && self.tags_none.is_empty()
    }

    /// Whether `value` is accepted in `dim`.
    pub(crate) fn accepts(&self, dim: Dimension, value: &str) -> bool {
        let d = dim as usize;
        self.include[d]
            .as_ref()
            .is_none_or(|inc| inc.iter().any(|v| v == value))
            && !self.exclude[d].iter().any(|v| v == value)
    }
}

/// The clock a rule's periods count from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// When the conversation started (`"created"`).
    Created,
    /// The last message (`"last_activity"`; the start when unknown).
    LastActivity,
    /// When the conversation was closed (`"closed"`); not started while open.
    Closed,
    /// A named event declared in the vocabulary (`"event:dispute_resolved"`);
    /// not started until the event is recorded (the latest occurrence counts).
    Event(String),
}

impl Anchor {
    fn parse(s: &str) -> Option<Anchor> {
        Some(match s {
            "created" => Anchor::Created,
            "last_activity" => Anchor::LastActivity,
            "closed" => Anchor::Closed,
            _ => Anchor::Event(s.strip_prefix("event:")?.to_owned()),
        })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Anchor::Created => f.write_str("creation"),
            Anchor::LastActivity => f.write_str("last activity"),
            Anchor::Closed => f.write_str("closing"),
            Anchor::Event(e) => write!(f, "event \"{e}\""),
        }
    }
}

/// A built-in rule template: a common legal floor or principle. These are
/// configurable defaults, not legal advice; each cites its source.
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    /// The name a rule's `"template"` uses.
    pub name: &'static str,
    /// Default floor.
    pub floor: Option<Period>,
    /// Default ceiling.
    pub ceiling: Option<Period>,
    /// Default clock.
    pub anchor: Anchor,
    /// Default end action (with a ceiling).
    pub action: Option<EndAction>,
    /// Whether the rule must state its own ceiling (the source sets a
    /// principle, not a number).
    pub needs_ceiling: bool,
    /// The legal source and what it says.
    pub source: &'static str,
}

/// The built-in templates.
pub static TEMPLATES: [Template; 4] = [
    Template {
        name: "cn-csl-network-logs",
        floor: Some(Period::Months(6)),
        ceiling: None,
        anchor: Anchor::Created,
        action: None,
        needs_ceiling: false,
        source: "PRC Cybersecurity Law, Art. 21(3) of the 2017 text (Art. 23(3) after the \
                 2026 amendment): network logs are kept for no less than six months",
    },
    Template {
        name: "cn-ecommerce-transactions",
        floor: Some(Period::Months(36)),
        ceiling: None,
        anchor: Anchor::Closed,
        action: None,
        needs_ceiling: false,
        source: "PRC E-Commerce Law, Art. 31: goods, service and transaction information is \
                 kept for no less than three years from the completion of the transaction",
    },
    Template {
        name: "gdpr-storage-limitation",
        floor: None,
        ceiling: None,
        anchor: Anchor::LastActivity,
        action: Some(EndAction::Delete),
        needs_ceiling: true,
        source: "GDPR Art. 5(1)(e): personal data is kept no longer than necessary for the \
                 purposes; the rule states the period",
    },
    Template {
        name: "pipl-shortest-necessary",
        floor: None,
        ceiling: None,
        anchor: Anchor::LastActivity,
        action: Some(EndAction::Delete),
        needs_ceiling: true,
        source: "PRC Personal Information Protection Law, Art. 19: kept for the shortest time \
                 necessary for the purpose; the rule states the period",
    },
];

/// One retention rule, after its template was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its unique name.
    pub name: String,
    /// Which conversations it applies to.
    pub select: Selector,
    /// Minimum retention.
    pub floor: Option<Period>,
    /// Maximum retention.
    pub ceiling: Option<Period>,
    /// The clock both periods count from.
    pub anchor: Anchor,
    /// What happens when the ceiling is reached.
    pub action: Option<EndAction>,
    /// The template it was built from.
    pub template: Option<&'static Template>,
    /// Free text from the policy file.
    pub note: Option<String>,
}

impl Rule {
    /// A rule with a selector (explicit) rather than a catch-all (implicit).
    pub fn is_explicit(&self) -> bool {
        !self.select.is_catch_all()
    }
}

/// One thing wrong (or, among [`Policy::warnings`], doubtful) in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule concerned, when there is one.
    pub rule: Option<String>,
    /// Where in the file: a JSON path such as `rules[2].ceiling`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(r) => write!(f, "rule {r:?} ({}): {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// A policy refused at load time or by the preservation lock: every problem
/// found, not just the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    problems: Vec<Problem>,
}

impl PolicyError {
    /// Every problem found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "retention policy refused ({n} problem{})",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "; {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Error {
        Error::new(ErrorKind::Policy, e.to_string())
    }
}

/// A sorted set of strings with an open-addressing index on their length,
/// first eight and last eight bytes: a lookup hashes once and compares
/// bytes only for a matching key longer than 16 bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrTable {
    keys: Vec<StrKey>,
    values: Vec<Box<str>>,
    /// Position + 1 of a value, 0 for empty; a power-of-two length.
    index: Vec<u32>,
}

/// (first eight bytes, last eight bytes, length); bytes past the end are
/// zero.
type StrKey = (u64, u64, usize);

fn str_key(v: &str) -> StrKey {
    let b = v.as_bytes();
    let n = b.len();
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let u64_at = |i: usize| {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(a)
    };
    // Short strings are read as overlapping pieces that OR together into
    // exactly their bytes, without a loop.
    let head = match n {
        0 => 0,
        1..=3 => {
            u64::from(b[0])
                | u64::from(b[n / 2]) << (8 * (n / 2))
                | u64::from(b[n - 1]) << (8 * (n - 1))
        }
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        _ => u64_at(0),
    };
    let tail = if n >= 8 { u64_at(n - 8) } else { 0 };
    (head, tail, n)
}

fn str_hash(k: StrKey, mask: usize) -> usize {
    let h = (k.0 ^ k.1.rotate_left(29) ^ (k.2 as u64).rotate_left(59))
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 32) as usize & mask
}

#[cfg(test)]
mod str_key_tests {
    use super::str_key;

    #[test]
    fn keys_are_the_bytes() {
        for s in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdef",
            "abcdefg",
            "abcdefgh",
            "abcdefghijklmnopq",
            "中文",
        ] {
            let b = s.as_bytes();
            let mut head = [0u8; 8];
            let n = b.len().min(8);
            head[..n].copy_from_slice(&b[..n]);
            let mut tail = [0u8; 8];
            if b.len() >= 8 {
                tail.copy_from_slice(&b[b.len() - 8..]);
            }
            assert_eq!(
                str_key(s),
                (u64::from_le_bytes(head), u64::from_le_bytes(tail), b.len()),
                "{s}"
            );
        }
    }
}

impl StrTable {
    fn new<'a>(values: impl Iterator<Item = &'a String>) -> StrTable {
        let mut values: Vec<Box<str>> = values.map(|s| s.as_str().into()).collect();
        values.sort();
        values.dedup();
        let keys: Vec<_> = values.iter().map(|v| str_key(v)).collect();
        let mut index = vec![0u32; (values.len() * 2).next_power_of_two().max(8)];
        let mask = index.len() - 1;
        for (i, k) in keys.iter().enumerate() {
            let mut h = str_hash(*k, mask);
            while index[h] != 0 {
                h = (h + 1) & mask;
            }
            index[h] = i as u32 + 1;
        }
        StrTable {
            keys,
            values,
            index,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The position of `v`, if the table holds it.
    pub(crate) fn find(&self, v: &str) -> Option<usize> {
        let k = str_key(v);
        let mask = self.index.len().wrapping_sub(1);
        let mut h = str_hash(k, mask);
        loop {
            let slot = *self.index.get(h)?;
            if slot == 0 {
                return None;
            }
            let i = slot as usize - 1;
            if self.keys[i] == k && (k.2 <= 16 || *self.values[i] == *v) {
                return Some(i);
            }
            h = (h + 1) & mask;
        }
    }
}

/// Per dimension: the values rules name, each with the rules that accept
/// it, and the rules that accept any other value.
#[derive(Debug, Clone, Default)]
pub(crate) struct DimIndex {
    table: StrTable,
    sets: Vec<RuleSet>,
    other: RuleSet,
}

impl DimIndex {
    pub(crate) fn lookup(&self, v: &str) -> RuleSet {
        match self.table.find(v) {
            Some(i) => self.sets[i],
            None => self.other,
        }
    }
}

/// A loaded, checked retention policy. Immutable and `Send + Sync`: load it
/// once and share it (for example in an `Arc`) between threads.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) name: String,
    pub(crate) version: u64,
    pub(crate) locked: bool,
    pub(crate) hash: [u8; 32],
    pub(crate) rules: Vec<Rule>,
    pub(crate) erasure_action: EndAction,
    pub(crate) erasure_within: Period,
    pub(crate) grace: Period,
    pub(crate) vocabulary: [Option<Vec<String>>; 4],
    pub(crate) events: Vec<String>,
    pub(crate) warnings: Vec<Problem>,
    pub(crate) dims: [DimIndex; 4],
    pub(crate) tags: StrTable,
    /// Per rule: its tags_all as a mask over `tags`.
    pub(crate) tags_all_masks: Vec<[u64; 4]>,
    pub(crate) tag_rules: RuleSet,
    pub(crate) explicit_ceilings: RuleSet,
    /// Each rule's clock as a slot: 0 created, 1 last activity, 2 closed,
    /// 3 + n the policy's event n.
    pub(crate) slots: Vec<u8>,
    pub(crate) slot_plans: Vec<SlotPlan>,
    /// Rules whose ceiling archives or sends to review.
    pub(crate) keeping_ceilings: RuleSet,
    pub(crate) archive_rules: RuleSet,
    /// Catch-all rules with a delete or shred ceiling.
    pub(crate) implicit_ceilings: RuleSet,
    /// Each rule's periods and action, packed for evaluation.
    pub(crate) limits: Vec<Limits>,
    /// Per tag of `tags`: the rules naming it in tags_any, in except.tags.
    pub(crate) tag_any_sets: Vec<RuleSet>,
    pub(crate) tag_none_sets: Vec<RuleSet>,
    /// Rules with a tags_any list; with a tags_all list.
    pub(crate) tags_any_rules: RuleSet,
    pub(crate) tags_all_rules: RuleSet,
}

/// A rule's periods and end action, without the rest of [`Rule`], so that
/// evaluation reads a few cache lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) floor: Option<Period>,
    pub(crate) ceiling: Option<Period>,
    pub(crate) action: Option<EndAction>,
}

/// The most named events a policy may declare.
pub const MAX_EVENTS: usize = 16;
/// Clock slots: three built-in clocks and the events.
pub(crate) const SLOTS: usize = 3 + MAX_EVENTS;

impl Policy {
    /// Load and check a policy file (JSON, specified in docs/FORMAT.md
    /// section 12). Every problem is reported, each naming the rule and the
    /// field: syntax errors (with line and column), unknown or missing
    /// fields, unknown categories or events, absurd periods, a ceiling
    /// shorter than a floor on any conversation both rules can reach, and
    /// rules no conversation can reach.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let one = |field: &str, message: String| PolicyError {
            problems: vec![Problem {
                rule: None,
                field: field.to_owned(),
                message,
            }],
        };
        if text.len() > MAX_POLICY_BYTES {
            return Err(one(
                "(file)",
                format!(
                    "{} bytes, more than the {MAX_POLICY_BYTES} accepted",
                    text.len()
                ),
            ));
        }
        let json = Json::parse(text).map_err(|e| one("(file)", format!("not JSON: {e}")))?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&Sha256::digest(text.as_bytes()));
        let mut l = Loader::default();
        let mut policy = l.policy(&json, hash);
        let mut problems = std::mem::take(&mut l.problems);
        if let Some(p) = &mut policy {
            let (errors, warnings) = super::check::check(p, &mut l.ranges);
            problems.extend(errors);
            p.warnings.extend(warnings);
        }
        match policy {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(PolicyError { problems }),
        }
    }

    /// Like [`Policy::from_json`] for bytes that may not be UTF-8.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let text = std::str::from_utf8(bytes).map_err(|e| PolicyError {
            problems: vec![Problem {
                rule: None,
                field: "(file)".into(),
                message: format!("not UTF-8: {e}"),
            }],
        })?;
        Policy::from_json(text)
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy's version number.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether the preservation lock is on ([`Policy::check_update`]).
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// SHA-256 of the policy file's bytes; every decision carries it.
    pub fn hash(&self) -> &[u8; 32] {
        &self.hash
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Rule `id`. Panics if `id` is not below `rules().len()`.
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id]
    }

    /// The end action for erasure requests and withdrawn consent.
    pub fn erasure_action(&self) -> EndAction {
        self.erasure_action
    }

    /// How long an erasure may take once it is due.
    pub fn erasure_within(&self) -> Period {
        self.erasure_within
    }

    /// How long an end action may take once it is due.
    pub fn grace(&self) -> Period {
        self.grace
    }

    /// Things that load but deserve a look: a template's legal floor
    /// shortened, a floor on a later clock than a ceiling it may outlast.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The policy file's values for `dim`, when its vocabulary lists them.
    pub fn vocabulary(&self, dim: Dimension) -> Option<&[String]> {
        self.vocabulary[dim as usize].as_deref()
    }

    /// The named events the policy declares.
    pub fn events(&self) -> &[String] {
        &self.events
    }

    /// Whether `new` may replace this policy. A locked policy (preservation
    /// lock) only accepts a successor that keeps every conversation at least
    /// as long: see [`super::check`] and docs/RETENTION.md. Any policy
    /// requires a higher version number and the same name.
    pub fn check_update(&self, new: &Policy) -> Result<(), PolicyError> {
        let problems = super::check::update(self, new);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PolicyError { problems })
        }
    }
}

// ------------------------------------------------------------------ loading

#[derive(Default)]
struct Loader {
    problems: Vec<Problem>,
    rule: Option<String>,
    ranges: DayRanges,
}

impl Loader {
    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            rule: self.rule.clone(),
            field: field.into(),
            message: message.into(),
        });
    }

    /// The fields of an object, refusing keys not in `known`.
    fn object<'j>(
        &mut self,
        j: &'j Json,
        path: &str,
        known: &[&str],
    ) -> Option<&'j [(String, Json)]> {
        let Json::Object(fields) = j else {
            self.problem(path, format!("must be an object, not {}", j.kind()));
            return None;
        };
        for (k, _) in fields {
            if !known.contains(&k.as_str()) {
                self.problem(
                    format!("{path}.{k}"),
                    format!("unknown field (known: {})", known.join(", ")),
                );
            }
        }
        Some(fields)
    }

    fn string(&mut self, j: &Json, path: &str) -> Option<String> {
        match j {
            Json::String(s) => Some(s.clone()),
            _ => {
                self.problem(path, format!("must be a string, not {}", j.kind()));
                None
            }
        }
    }

    fn name(&mut self, j: &Json, path: &str) -> Option<String> {
        let s = self.string(j, path)?;
        if s.is_empty() || s.len() > MAX_NAME || s.chars().any(char::is_control) {
            self.problem(
                path,
                format!("{s:?}: names are 1 to {MAX_NAME} bytes without control characters"),
            );
            return None;
        }
        Some(s)
    }

    fn names(&mut self, j: &Json, path: &str) -> Option<Vec<String>> {
        let Json::Array(items) = j else {
            self.problem(
                path,
                format!("must be an array of strings, not {}", j.kind()),
            );
            return None;
        };
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if let Some(s) = self.name(item, &p) {
                if out.contains(&s) {
                    self.problem(p, format!("{s:?} is listed twice"));
                } else {
                    out.push(s);
                }
            }
        }
        Some(out)
    }

    fn period(&mut self, j: &Json, path: &str) -> Option<Period> {
        let s = self.string(j, path)?;
        Period::parse(&s).map_err(|e| self.problem(path, e)).ok()
    }

    fn end_action(&mut self, j: &Json, path: &str, allowed: &[EndAction]) -> Option<EndAction> {
        let s = self.string(j, path)?;
        match allowed.iter().find(|a| a.key() == s) {
            Some(a) => Some(*a),
            None => {
                let names: Vec<_> = allowed.iter().map(|a| a.key()).collect();
                self.problem(path, format!("{s:?} is not one of {}", names.join(", ")));
                None
            }
        }
    }

    fn policy(&mut self, j: &Json, hash: [u8; 32]) -> Option<Policy> {
        let fields = self.object(
            j,
            "(top)",
            &[
                "chatvault_retention",
                "name",
                "version",
                "locked",
                "description",
                "vocabulary",
                "erasure",
                "grace",
                "rules",
            ],
        )?;
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        match get("chatvault_retention") {
            Some(Json::Number(n)) if n.as_u64() == Some(FORMAT) => {}
            Some(other) => self.problem(
                "chatvault_retention",
                format!("this build reads format 1, not {}", json_short(other)),
            ),
            None => self.problem(
                "chatvault_retention",
                "missing: a policy file starts with \"chatvault_retention\": 1",
            ),
        }
        let name = match get("name") {
            Some(v) => self.name(v, "name"),
            None => {
                self.problem("name", "missing");
                None
            }
        };
        let version = match get("version") {
            Some(Json::Number(n)) if n.as_u64().is_some_and(|v| v >= 1) => n.as_u64(),
            Some(v) => {
                self.problem(
                    "version",
                    format!("must be a whole number >= 1, not {}", json_short(v)),
                );
                None
            }
            None => {
                self.problem("version", "missing");
                None
            }
        };
        let locked = match get("locked") {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(v) => {
                self.problem("locked", format!("must be true or false, not {}", v.kind()));
                false
            }
        };
        if let Some(d) = get("description") {
            self.string(d, "description");
        }
        let (vocabulary, events) = match get("vocabulary") {
            Some(v) => self.vocabulary(v),
            None => {
                self.problem("vocabulary", "missing: declare at least the categories");
                Default::default()
            }
        };
        let (erasure_action, erasure_within) = match get("erasure") {
            None => (EndAction::Shred, Period::Days(30)),
            Some(e) => self.erasure(e),
        };
        let grace = match get("grace") {
            None => Period::Days(0),
            Some(g) => self.period(g, "grace").unwrap_or(Period::Days(0)),
        };
        let mut warnings = Vec::new();
        let rules = match get("rules") {
            Some(Json::Array(items)) => {
                if items.len() > MAX_RULES {
                    self.problem(
                        "rules",
                        format!("{} rules, more than {MAX_RULES}", items.len()),
                    );
                    return None;
                }
                let mut rules: Vec<Rule> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if let Some(r) = self.rule(item, i, &vocabulary, &events, &mut warnings) {
                        if rules.iter().any(|o| o.name == r.name) {
                            self.problem(
                                format!("rules[{i}].name"),
                                "the name is used by an earlier rule",
                            );
                        }
                        rules.push(r);
                    }
                    self.rule = None;
                }
                rules
            }
            Some(v) => {
                self.problem("rules", format!("must be an array, not {}", v.kind()));
                return None;
            }
            None => {
                self.problem("rules", "missing");
                return None;
            }
        };
        if !self.problems.is_empty() {
            return None;
        }
        let mut p = Policy {
            name: name?,
            version: version?,
            locked,
            hash,
            rules,
            erasure_action,
            erasure_within,
            grace,
            vocabulary,
            events,
            warnings,
            dims: Default::default(),
            tags: StrTable::default(),
            slots: Vec::new(),
            slot_plans: Vec::new(),
            keeping_ceilings: RuleSet::default(),
            archive_rules: RuleSet::default(),
            implicit_ceilings: RuleSet::default(),
            limits: Vec::new(),
            tag_any_sets: Vec::new(),
            tag_none_sets: Vec::new(),
            tags_any_rules: RuleSet::default(),
            tags_all_rules: RuleSet::default(),
            tags_all_masks: Vec::new(),
            tag_rules: RuleSet::default(),
            explicit_ceilings: RuleSet::default(),
        };
        if let Err(m) = compile(&mut p) {
            self.problem("rules", m);
            return None;
        }
        Some(p)
    }

    fn vocabulary(&mut self, j: &Json) -> ([Option<Vec<String>>; 4], Vec<String>) {
        let mut out: [Option<Vec<String>>; 4] = Default::default();
        let mut events = Vec::new();
        let Some(fields) = self.object(
            j,
            "vocabulary",
            &["categories", "regions", "channels", "departments", "events"],
        ) else {
            return (out, events);
        };
        for (k, v) in fields {
            let path = format!("vocabulary.{k}");
            match Dimension::ALL.iter().find(|d| d.vocabulary_key() == k) {
                Some(d) => out[*d as usize] = self.names(v, &path),
                None if k == "events" => {
                    events = self.names(v, &path).unwrap_or_default();
                    if events.len() > MAX_EVENTS {
                        self.problem(
                            path,
                            format!("{} events, more than {MAX_EVENTS}", events.len()),
                        );
                    }
                }
                None => {}
            }
        }
        if out[Dimension::Category as usize].is_none() {
            self.problem(
                "vocabulary.categories",
                "missing: declare the categories rules may name",
            );
        }
        (out, events)
    }

    fn erasure(&mut self, j: &Json) -> (EndAction, Period) {
        let mut out = (EndAction::Shred, Period::Days(30));
        let Some(fields) = self.object(j, "erasure", &["action", "within"]) else {
            return out;
        };
        for (k, v) in fields {
            match k.as_str() {
                "action" => {
                    if let Some(a) =
                        self.end_action(v, "erasure.action", &[EndAction::Delete, EndAction::Shred])
                    {
                        out.0 = a;
                    }
                }
                "within" => {
                    if let Some(p) = self.period(v, "erasure.within") {
                        out.1 = p;
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn rule(
        &mut self,
        j: &Json,
        i: usize,
        vocabulary: &[Option<Vec<String>>; 4],
        events: &[String],
        warnings: &mut Vec<Problem>,
    ) -> Option<Rule> {
        let path = format!("rules[{i}]");
        // Name the rule in every problem, unknown fields included.
        if let Json::Object(f) = j {
            if let Some((_, Json::String(n))) = f.iter().find(|(k, _)| k == "name") {
                self.rule = Some(n.clone());
            }
        }
        let fields = self.object(
            j,
            &path,
            &[
                "name", "template", "select", "except", "floor", "ceiling", "from", "action",
                "note",
            ],
        )?;
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        let name = match get("name") {
            Some(v) => self.name(v, &format!("{path}.name"))?,
            None => {
                self.problem(format!("{path}.name"), "missing: every rule has a name");
                return None;
            }
        };
        self.rule = Some(name.clone());
        let before = self.problems.len();
        let template = match get("template") {
            None => None,
            Some(t) => {
                let t = self.string(t, &format!("{path}.template"))?;
                match TEMPLATES.iter().find(|x| x.name == t) {
                    Some(x) => Some(x),
                    None => {
                        let names: Vec<_> = TEMPLATES.iter().map(|x| x.name).collect();
                        self.problem(
                            format!("{path}.template"),
                            format!("unknown template {t:?} (known: {})", names.join(", ")),
                        );
                        return None;
                    }
                }
            }
        };
        let mut select = Selector::default();
        if let Some(s) = get("select") {
            self.selector(s, &format!("{path}.select"), vocabulary, &mut select, false);
        }
        if let Some(s) = get("except") {
            self.selector(s, &format!("{path}.except"), vocabulary, &mut select, true);
        }
        let floor = match get("floor") {
            Some(v) => self.period(v, &format!("{path}.floor")),
            None => template.and_then(|t| t.floor),
        };
        let ceiling = match get("ceiling") {
            Some(v) => self.period(v, &format!("{path}.ceiling")),
            None => template.and_then(|t| t.ceiling),
        };
        let anchor = match get("from") {
            Some(v) => {
                let p = format!("{path}.from");
                let s = self.string(v, &p)?;
                match Anchor::parse(&s) {
                    Some(Anchor::Event(e)) if !events.contains(&e) => {
                        self.problem(
                            p,
                            format!("event {e:?} is not declared in vocabulary.events"),
                        );
                        return None;
                    }
                    Some(a) => a,
                    None => {
                        self.problem(
                            p,
                            format!("{s:?}: use created, last_activity, closed or event:NAME"),
                        );
                        return None;
                    }
                }
            }
            None => template.map_or(Anchor::Created, |t| t.anchor.clone()),
        };
        let action = match get("action") {
            Some(v) => self.end_action(v, &format!("{path}.action"), &EndAction::ALL),
            None => template.and_then(|t| t.action),
        };
        let note = get("note").and_then(|n| self.string(n, &format!("{path}.note")));
        if self.problems.len() > before {
            return None;
        }
        if floor.is_none() && ceiling.is_none() {
            let msg = match template {
                Some(t) if t.needs_ceiling => format!(
                    "template {:?} needs the rule's own ceiling ({})",
                    t.name, t.source
                ),
                _ => "sets neither a floor nor a ceiling".to_owned(),
            };
            self.problem(format!("{path}.ceiling"), msg);
            return None;
        }
        if let (Some(t), None) = (template, ceiling) {
            if t.needs_ceiling {
                self.problem(
                    format!("{path}.ceiling"),
                    format!(
                        "template {:?} needs the rule's own ceiling ({})",
                        t.name, t.source
                    ),
                );
            }
        }
        if floor.is_some_and(Period::is_zero) {
            self.problem(
                format!("{path}.floor"),
                "a floor of zero keeps nothing: leave it out",
            );
        }
        match (ceiling, action) {
            (Some(_), None) => self.problem(
                format!("{path}.action"),
                "missing: a ceiling needs the action at its end (delete, shred, archive, review)",
            ),
            (None, Some(_)) if get("action").is_some() => self.problem(
                format!("{path}.action"),
                "an action needs a ceiling: a floor only says how long to keep at least",
            ),
            _ => {}
        }
        if let (Some(f), Some(c)) = (floor, ceiling) {
            if self.ranges.can_be_shorter(c, f) {
                self.problem(
                    format!("{path}.ceiling"),
                    format!("the ceiling ({c}) can end before the rule's own floor ({f})"),
                );
            }
        }
        if let (Some(t), Some(f)) = (template, floor) {
            if let Some(tf) = t.floor {
                if self.ranges.can_be_shorter(f, tf) {
                    warnings.push(Problem {
                        rule: Some(name.clone()),
                        field: format!("{path}.floor"),
                        message: format!("{f} is shorter than the template's {tf} ({})", t.source),
                    });
                }
            }
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Rule {
            name,
            select,
            floor,
            ceiling,
            anchor,
            action: if ceiling.is_some() { action } else { None },
            template,
            note,
        })
    }

    fn selector(
        &mut self,
        j: &Json,
        path: &str,
        vocabulary: &[Option<Vec<String>>; 4],
        out: &mut Selector,
        except: bool,
    ) {
        let known: &[&str] = if except {
            &["category", "region", "channel", "department", "tags"]
        } else {
            &[
                "category",
                "region",
                "channel",
                "department",
                "tags_any",
                "tags_all",
            ]
        };
        let Some(fields) = self.object(j, path, known) else {
            return;
        };
        for (k, v) in fields {
            let p = format!("{path}.{k}");
            let Some(values) = self.names(v, &p) else {
                continue;
            };
            match Dimension::ALL.iter().find(|d| d.key() == k) {
                Some(&d) => {
                    if let Some(vocab) = &vocabulary[d as usize] {
                        for v in values.iter().filter(|v| !vocab.contains(v)) {
                            self.problem(
                                p.clone(),
                                format!(
                                    "unknown {} {v:?}: not in vocabulary.{}",
                                    d.key(),
                                    d.vocabulary_key()
                                ),
                            );
                        }
                    }
                    if except {
                        out.exclude[d as usize] = values;
                    } else {
                        out.include[d as usize] = Some(values);
                    }
                }
                None => match k.as_str() {
                    "tags_any" => out.tags_any = values,
                    "tags_all" => out.tags_all = values,
                    "tags" => out.tags_none = values,
                    _ => {}
                },
            }
        }
    }
}

fn json_short(j: &Json) -> String {
    match j {
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("{s:?}"),
        other => other.kind().to_owned(),
    }
}

/// Build the lookup tables evaluation uses.
fn compile(p: &mut Policy) -> Result<(), String> {
    for d in Dimension::ALL {
        let di = d as usize;
        let table = StrTable::new(p.rules.iter().flat_map(|r| {
            r.select.include[di]
                .iter()
                .flatten()
                .chain(&r.select.exclude[di])
        }));
        let mut idx = DimIndex {
            sets: vec![RuleSet::default(); table.len()],
            table,
            other: RuleSet::default(),
        };
        for (id, r) in p.rules.iter().enumerate() {
            if r.select.include[di].is_none() {
                idx.other.insert(id);
            }
            for (v, set) in idx.table.values.iter().zip(&mut idx.sets) {
                if r.select.accepts(d, v) {
                    set.insert(id);
                }
            }
        }
        p.dims[di] = idx;
    }
    let tags = StrTable::new(p.rules.iter().flat_map(|r| {
        r.select
            .tags_any
            .iter()
            .chain(&r.select.tags_all)
            .chain(&r.select.tags_none)
    }));
    if tags.len() > MAX_TAGS {
        return Err(format!(
            "selectors name {} distinct tags, more than {MAX_TAGS}",
            tags.len()
        ));
    }
    let mask = |names: &[String]| {
        let mut m = [0u64; 4];
        for n in names {
            let i = tags.find(n).expect("tag in table");
            m[i / 64] |= 1 << (i % 64);
        }
        m
    };
    p.tags_all_masks = p.rules.iter().map(|r| mask(&r.select.tags_all)).collect();
    p.tag_any_sets = vec![RuleSet::default(); tags.len()];
    p.tag_none_sets = vec![RuleSet::default(); tags.len()];
    for (id, r) in p.rules.iter().enumerate() {
        let s = &r.select;
        if !(s.tags_any.is_empty() && s.tags_all.is_empty() && s.tags_none.is_empty()) {
            p.tag_rules.insert(id);
        }
        if !s.tags_any.is_empty() {
            p.tags_any_rules.insert(id);
        }
        if !s.tags_all.is_empty() {
            p.tags_all_rules.insert(id);
        }
        for t in &s.tags_any {
            p.tag_any_sets[tags.find(t).expect("tag in table")].insert(id);
        }
        for t in &s.tags_none {
            p.tag_none_sets[tags.find(t).expect("tag in table")].insert(id);
        }
        if r.action.is_some_and(EndAction::destroys) {
            if r.is_explicit() {
                p.explicit_ceilings.insert(id);
            } else {
                p.implicit_ceilings.insert(id);
            }
        }
    }
    p.tags = tags;
    p.limits = p
        .rules
        .iter()
        .map(|r| Limits {
            floor: r.floor,
            ceiling: r.ceiling,
            action: r.action,
        })
        .collect();
    p.slots = p
        .rules
        .iter()
        .map(|r| match &r.anchor {
            Anchor::Created => 0,
            Anchor::LastActivity => 1,
            Anchor::Closed => 2,
            Anchor::Event(e) => {
                let n = p
                    .events
                    .iter()
                    .position(|x| x == e)
                    .expect("declared event");
                3 + n as u8
            }
        })
        .collect();
    for slot in 0..SLOTS as u8 {
        let mut plan = SlotPlan {
            slot,
            ..SlotPlan::default()
        };
        for (id, r) in p.rules.iter().enumerate() {
            if p.slots[id] == slot {
                if r.floor.is_some() {
                    plan.floors.insert(id);
                }
                if r.ceiling.is_some() {
                    plan.ceilings.insert(id);
                }
            }
        }
        if !(plan.floors.is_empty() && plan.ceilings.is_empty()) {
            p.slot_plans.push(plan);
        }
    }
    for (id, r) in p.rules.iter().enumerate() {
        match r.action {
            Some(EndAction::Archive) => {
                p.keeping_ceilings.insert(id);
                p.archive_rules.insert(id);
            }
            Some(EndAction::Review) => p.keeping_ceilings.insert(id),
            _ => {}
        }
    }
    Ok(())
}
