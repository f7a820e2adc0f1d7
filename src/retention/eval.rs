//! Evaluating a policy for one conversation: decisions, plans, explanations.
//!
//! Owns: [`Record`] and [`LegalHold`] (the metadata evaluation reads),
//! [`Action`], [`EndAction`], [`TieBreak`], [`Decision`], [`Planned`], and
//! `Policy::{evaluate, plan, explain}`.
//!
//! Invariant: [`Policy::evaluate`] reads nothing but its arguments and
//! allocates nothing.

use std::fmt::Write as _;

use super::policy::{Dimension, Policy, RuleId, RuleSet};
use super::time::{date, Civil, Period, Timestamp, MAX_TIME, MIN_TIME};
use crate::error::{Error, Result};

/// What a rule does when its ceiling is reached (and what an erasure does).
///
/// The numbers of this enum, [`Action`] and [`TieBreak`] are the C ABI's:
/// only ever appended, never renumbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndAction {
    /// Send to a person to decide (`"review"`).
    Review = 1,
    /// Move to cold storage (`"archive"`).
    Archive = 2,
    /// Delete the sealed bytes (`"delete"`).
    Delete = 3,
    /// Crypto-shred: destroy the keys, then the bytes (`"shred"`).
    Shred = 4,
}

impl EndAction {
    /// Every end action, weakest first.
    pub const ALL: [EndAction; 4] = [
        EndAction::Review,
        EndAction::Archive,
        EndAction::Delete,
        EndAction::Shred,
    ];

    /// Its name in a policy file.
    pub fn key(self) -> &'static str {
        match self {
            EndAction::Review => "review",
            EndAction::Archive => "archive",
            EndAction::Delete => "delete",
            EndAction::Shred => "shred",
        }
    }

    /// Whether it destroys the conversation (delete or shred): only these
    /// wait for floors.
    pub fn destroys(self) -> bool {
        matches!(self, EndAction::Delete | EndAction::Shred)
    }
}

/// What to do with a conversation now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Nothing is due: keep it, in use.
    Keep = 0,
    /// Stop every use but storage (an erasure request or withdrawn consent
    /// waits for a floor or a hold); the end action follows later.
    Restrict = 1,
    /// Send it to a person to decide.
    Review = 2,
    /// Move it to cold storage.
    Archive = 3,
    /// Delete it.
    Delete = 4,
    /// Crypto-shred it.
    Shred = 5,
}

impl From<EndAction> for Action {
    fn from(a: EndAction) -> Action {
        match a {
            EndAction::Review => Action::Review,
            EndAction::Archive => Action::Archive,
            EndAction::Delete => Action::Delete,
            EndAction::Shred => Action::Shred,
        }
    }
}

/// What decided the timing of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieBreak {
    /// No rule applies: kept until a rule or a request says otherwise.
    NoRule = 0,
    /// Rules apply but none sets a ceiling, and nothing was requested.
    NoCeiling = 1,
    /// One ceiling applies.
    OnlyCeiling = 2,
    /// Several ceilings apply; the shortest wins.
    ShortestCeiling = 3,
    /// A catch-all ceiling was shorter, but an explicit rule's ceiling
    /// governs this conversation.
    ExplicitOverImplicit = 4,
    /// The end action was due earlier but waits for the longest floor.
    RetentionOverDeletion = 5,
    /// An erasure request or withdrawn consent, earlier than any ceiling.
    Erasure = 6,
    /// An erasure request or withdrawn consent waits for the longest floor.
    ErasureAfterFloor = 7,
    /// A legal hold is active.
    LegalHold = 8,
    /// The clock of the deciding ceiling or floor has not started (the
    /// conversation is open, or the event has not happened).
    AwaitingClock = 9,
}

/// A legal hold on a conversation: while active, nothing is deleted,
/// shredded, archived or sent to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    /// When it was set.
    pub set_at: Timestamp,
    /// Who set it.
    pub set_by: String,
    /// Why.
    pub reason: String,
    /// When it was released, if it was.
    pub released_at: Option<Timestamp>,
    /// Who released it.
    pub released_by: Option<String>,
}

impl LegalHold {
    /// A hold set at `set_at` by `set_by` for `reason`.
    pub fn new(set_at: Timestamp, set_by: impl Into<String>, reason: impl Into<String>) -> Self {
        LegalHold {
            set_at,
            set_by: set_by.into(),
            reason: reason.into(),
            released_at: None,
            released_by: None,
        }
    }

    fn active_at(&self, t: Timestamp) -> bool {
        self.set_at <= t && self.released_at.is_none_or(|r| t < r)
    }
}

/// The metadata of one archived conversation that evaluation reads. No
/// content: categories, tags, attributes, clocks, holds and requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// Its category (complaint, transaction, ...).
    pub category: String,
    /// The customer's region.
    pub region: String,
    /// The channel.
    pub channel: String,
    /// The department.
    pub department: String,
    /// Tags.
    pub tags: Vec<String>,
    /// When the conversation started.
    pub created: Timestamp,
    /// The last message, if known (else `created` counts).
    pub last_activity: Option<Timestamp>,
    /// When it was closed, if it was.
    pub closed: Option<Timestamp>,
    /// Named events (name, time); the latest of a name counts.
    pub events: Vec<(String, Timestamp)>,
    /// Legal holds, active or released.
    pub holds: Vec<LegalHold>,
    /// When the customer asked for erasure.
    pub erasure_requested: Option<Timestamp>,
    /// When the customer withdrew consent.
    pub consent_withdrawn: Option<Timestamp>,
    /// When it was moved to cold storage (archive ceilings are then done).
    pub archived: Option<Timestamp>,
    /// When a person last reviewed it (a review ceiling reached at or before
    /// this is done).
    pub reviewed: Option<Timestamp>,
}

impl Record {
    /// A conversation of `category` created at `created`.
    pub fn new(category: impl Into<String>, created: Timestamp) -> Record {
        Record {
            category: category.into(),
            created,
            ..Record::default()
        }
    }

    fn attribute(&self, d: Dimension) -> &str {
        match d {
            Dimension::Category => &self.category,
            Dimension::Region => &self.region,
            Dimension::Channel => &self.channel,
            Dimension::Department => &self.department,
        }
    }

    fn check_times(&self) -> Result<()> {
        // The common case in one pass of comparisons; the errors below.
        let ok = |t: Timestamp| (MIN_TIME..=MAX_TIME).contains(&t);
        if ok(self.created)
            && [
                self.last_activity,
                self.closed,
                self.erasure_requested,
                self.consent_withdrawn,
                self.archived,
                self.reviewed,
            ]
            .iter()
            .all(|t| t.is_none_or(ok))
            && self.events.iter().all(|(_, t)| ok(*t))
            && self
                .holds
                .iter()
                .all(|h| ok(h.set_at) && h.released_at.is_none_or(|r| ok(r) && r >= h.set_at))
        {
            return Ok(());
        }
        let bad = |what: &str, t: Timestamp| {
            Err(Error::invalid(format!(
                "record {what} {t} is outside {MIN_TIME}..={MAX_TIME} (seconds since 1970)"
            )))
        };
        let ok = |t: Timestamp| (MIN_TIME..=MAX_TIME).contains(&t);
        for (what, t) in [
            ("created", Some(self.created)),
            ("last_activity", self.last_activity),
            ("closed", self.closed),
            ("erasure_requested", self.erasure_requested),
            ("consent_withdrawn", self.consent_withdrawn),
            ("archived", self.archived),
            ("reviewed", self.reviewed),
        ] {
            if let Some(t) = t.filter(|t| !ok(*t)) {
                return bad(what, t);
            }
        }
        for (_, t) in &self.events {
            if !ok(*t) {
                return bad("event", *t);
            }
        }
        for h in &self.holds {
            if !ok(h.set_at) {
                return bad("hold set_at", h.set_at);
            }
            if let Some(r) = h.released_at {
                if !ok(r) || r < h.set_at {
                    return Err(Error::invalid(format!(
                        "a legal hold released at {r}, before it was set at {}",
                        h.set_at
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A retention decision for one conversation at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// What to do now.
    pub action: Action,
    /// The end action due now or scheduled next, if any.
    pub end: Option<EndAction>,
    /// When `end` is (or became) due; `None` when unknown (a hold without
    /// release, a clock not started) or nothing is scheduled.
    pub not_before: Option<Timestamp>,
    /// The latest time `end` must be carried out: `not_before` plus the
    /// policy's grace (or its erasure time limit for an erasure).
    pub deadline: Option<Timestamp>,
    /// The rule that decided: the ceiling's, or the floor's when a floor
    /// delayed the end; `None` for no rule, an erasure with no floor in the
    /// way, or a hold.
    pub rule: Option<RuleId>,
    /// The ceiling rule whose end action is scheduled, if any.
    pub ceiling_rule: Option<RuleId>,
    /// The longest applicable floor's rule.
    pub floor_rule: Option<RuleId>,
    /// When the longest floor ends (`None`: no floor, or its clock has not
    /// started; see `floor_rule`).
    pub floor_end: Option<Timestamp>,
    /// What decided the timing.
    pub tie_break: TieBreak,
    /// Whether use must stop (erasure requested or consent withdrawn).
    pub restricted: bool,
    /// Whether a legal hold is active.
    pub held: bool,
    /// Every rule that applies to the conversation.
    pub applied: RuleSet,
    /// The instant evaluated.
    pub now: Timestamp,
    /// SHA-256 of the policy file.
    pub policy_hash: [u8; 32],
}

impl Decision {
    /// Whether the end action is due (`action` is review, archive, delete or
    /// shred).
    pub fn is_due(&self) -> bool {
        !matches!(self.action, Action::Keep | Action::Restrict)
    }
}

/// One entry of a [`Policy::plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// Position of the record in the input.
    pub index: usize,
    /// Its decision at the end of the window.
    pub decision: Decision,
}

impl Policy {
    /// Which rules apply to `r`.
    pub fn applicable(&self, r: &Record) -> RuleSet {
        let mut set = RuleSet::ALL;
        for d in Dimension::ALL {
            set = set.and(self.dims[d as usize].lookup(r.attribute(d)));
        }
        if set.and(self.tag_rules).is_empty() {
            return set;
        }
        // Per tag the record carries: the rules it satisfies through
        // tags_any and the rules it excludes through except.tags.
        let mut any_met = RuleSet::default();
        let mut excluded = RuleSet::default();
        let mut have = [0u64; 4];
        for t in &r.tags {
            if let Some(i) = self.tags.find(t) {
                have[i / 64] |= 1 << (i % 64);
                any_met = any_met.or(self.tag_any_sets[i]);
                excluded = excluded.or(self.tag_none_sets[i]);
            }
        }
        set = set
            .without(excluded)
            .without(self.tags_any_rules.without(any_met));
        for id in set.and(self.tags_all_rules).iter() {
            let all = &self.tags_all_masks[id];
            if (0..4).any(|w| all[w] & !have[w] != 0) {
                set.remove(id);
            }
        }
        set
    }

    /// Decide what to do with the conversation `r` at `now`: a pure function
    /// of its three arguments (see the module documentation for the
    /// precedence). Times must lie in [`MIN_TIME`]..=[`MAX_TIME`], a hold's
    /// release after its start.
    pub fn evaluate(&self, r: &Record, now: Timestamp) -> Result<Decision> {
        check_instant(now, "now")?;
        r.check_times()?;
        let applied = self.applicable(r);
        let mut d = Decision {
            action: Action::Keep,
            end: None,
            not_before: None,
            deadline: None,
            rule: None,
            ceiling_rule: None,
            floor_rule: None,
            floor_end: None,
            tie_break: if applied.is_empty() {
                TieBreak::NoRule
            } else {
                TieBreak::NoCeiling
            },
            restricted: false,
            held: r.holds.iter().any(|h| h.active_at(now)),
            applied,
            now,
            policy_hash: self.hash,
        };

        // Per clock the policy uses (its rule sets precomputed at load): the
        // longest floor and the shortest ceiling, compared as periods first
        // so that only a few dates are computed. Explicit beats implicit: when an explicit rule sets
        // a delete or shred ceiling, catch-all delete and shred ceilings do
        // not apply. Archive and review ceilings always take part: they
        // keep the conversation.
        let explicit = applied.and(self.explicit_ceilings);
        let mut eligible = if explicit.is_empty() {
            applied
        } else {
            explicit.or(applied.and(self.keeping_ceilings))
        };
        if r.archived.is_some() {
            eligible = eligible.without(self.archive_rules);
        }
        let mut floor_open: Option<RuleId> = None;
        let mut floor: Option<(Timestamp, u16)> = None;
        let mut ceiling: Option<(Timestamp, EndAction, u16)> = None;
        let mut candidates = 0;
        let mut awaiting = false;
        // Each clock's start, with its calendar split once computed, for
        // the explicit-over-implicit check below.
        let mut starts: [Option<Civil>; 8] = [None; 8];
        for plan in &self.slot_plans {
            let floors = applied.and(plan.floors);
            let ceilings = eligible.and(plan.ceilings);
            if floors.is_empty() && ceilings.is_empty() {
                continue;
            }
            let Some(t) = clock(r, &self.events, plan.slot) else {
                if let Some(first) = floors.first() {
                    floor_open = Some(floor_open.map_or(first, |f| f.min(first)));
                }
                awaiting |= !ceilings.is_empty();
                continue;
            };
            // Per unit (days, months) the longest floor and the shortest
            // ceiling compare without dates (the first rule on a tie; at
            // the same length the stronger action); then the dates.
            let mut start = Civil::of(t);
            let mut best_floor: [Option<(u32, u16)>; 2] = [None; 2];
            for id in floors.iter() {
                let (u, n) = unit(self.limits[id].floor.expect("floor rule"));
                if best_floor[u].is_none_or(|(m, _)| n > m) {
                    best_floor[u] = Some((n, id as u16));
                }
            }
            for (u, best) in best_floor.iter().enumerate() {
                let &Some((n, id)) = best else {
                    continue;
                };
                let end = start.add(of_unit(u, n));
                if floor.is_none_or(|(e, fid)| end > e || (end == e && id < fid)) {
                    floor = Some((end, id));
                }
            }
            let mut best_ceiling: [Option<(u32, EndAction, u16)>; 2] = [None; 2];
            for id in ceilings.iter() {
                let rule = &self.limits[id];
                let (Some(c), Some(action)) = (rule.ceiling, rule.action) else {
                    continue;
                };
                // A review done at or after its ceiling's end is done.
                if action == EndAction::Review && r.reviewed.is_some_and(|rv| rv >= start.add(c)) {
                    continue;
                }
                candidates += 1;
                let (u, n) = unit(c);
                let better =
                    best_ceiling[u].is_none_or(|(m, a, _)| n < m || (n == m && action > a));
                if better {
                    best_ceiling[u] = Some((n, action, id as u16));
                }
            }
            for (u, best) in best_ceiling.iter().enumerate() {
                let &Some((n, action, id)) = best else {
                    continue;
                };
                let end = start.add(of_unit(u, n));
                let better = ceiling.is_none_or(|(e, a, cid)| {
                    end < e || (end == e && (action > a || (action == a && id < cid)))
                });
                if better {
                    ceiling = Some((end, action, id));
                }
            }
            if let Some(s) = starts.get_mut(usize::from(plan.slot)) {
                *s = Some(start);
            }
        }
        match (floor_open, floor) {
            (Some(first), _) => d.floor_rule = Some(first),
            (None, Some((end, id))) => {
                d.floor_end = Some(end);
                d.floor_rule = Some(usize::from(id));
            }
            (None, None) => {}
        }
        let floor_open = floor_open.is_some();
        let ceiling = ceiling.map(|(e, a, id)| (e, a, usize::from(id)));
        if let Some((end, action, id)) = ceiling {
            d.end = Some(action);
            d.not_before = Some(end);
            d.rule = Some(id);
            d.ceiling_rule = Some(id);
            let shorter_implicit = !explicit.is_empty()
                && applied.and(self.implicit_ceilings).iter().any(|i| {
                    let slot = self.slots[i];
                    self.limits[i]
                        .ceiling
                        .zip(clock(r, &self.events, slot))
                        .is_some_and(|(c, t)| {
                            let mut s = starts
                                .get(usize::from(slot))
                                .copied()
                                .flatten()
                                .unwrap_or_else(|| Civil::of(t));
                            s.add(c) < end
                        })
                });
            d.tie_break = if shorter_implicit {
                TieBreak::ExplicitOverImplicit
            } else if candidates > 1 {
                TieBreak::ShortestCeiling
            } else {
                TieBreak::OnlyCeiling
            };
        } else if awaiting {
            d.tie_break = TieBreak::AwaitingClock;
        }

        // An erasure request or withdrawn consent: restrict now, erase when
        // the floors allow, unless a ceiling destroys it earlier.
        let erasure = match (r.erasure_requested, r.consent_withdrawn) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(e) = erasure {
            if e <= now {
                d.restricted = true;
            }
            let ceiling_first = ceiling.is_some_and(|(end, a, _)| a.destroys() && end < e);
            if !ceiling_first {
                d.end = Some(self.erasure_action);
                d.not_before = Some(e);
                d.rule = None;
                d.ceiling_rule = None;
                d.tie_break = TieBreak::Erasure;
            }
        }

        // Retention wins over deletion.
        if d.end.is_some_and(EndAction::destroys) {
            if floor_open {
                d.not_before = None;
                d.rule = d.floor_rule;
                d.tie_break = if d.tie_break == TieBreak::Erasure {
                    TieBreak::ErasureAfterFloor
                } else {
                    TieBreak::AwaitingClock
                };
            } else if let (Some(f), Some(t)) = (d.floor_end, d.not_before) {
                if f > t {
                    d.not_before = Some(f);
                    d.rule = d.floor_rule;
                    d.tie_break = if d.tie_break == TieBreak::Erasure {
                        TieBreak::ErasureAfterFloor
                    } else {
                        TieBreak::RetentionOverDeletion
                    };
                }
            }
        }

        // A hold wins over everything: the end waits for every hold known
        // to be in the way (from now on, when one is active now).
        if let Some(t) = d.not_before {
            let from = if d.held { t.max(now) } else { t };
            d.not_before = hold_free_from(&r.holds, from);
            if d.not_before != Some(t) {
                d.tie_break = TieBreak::LegalHold;
                d.rule = None;
            }
        }
        if d.held {
            d.tie_break = TieBreak::LegalHold;
            d.rule = None;
        }

        if let (Some(end), Some(t)) = (d.end, d.not_before) {
            // An end without a ceiling rule is an erasure.
            let within = if d.ceiling_rule.is_none() {
                self.erasure_within
            } else {
                self.grace
            };
            d.deadline = Some(within.after(t));
            if now >= t && !d.held {
                d.action = end.into();
            }
        }
        if d.action == Action::Keep && d.restricted {
            d.action = Action::Restrict;
        }
        Ok(d)
    }

    /// Evaluate every record of a batch at `now`. A record that cannot be
    /// evaluated fails the batch, its index named (`records[3]: ...`).
    pub fn evaluate_batch(&self, records: &[Record], now: Timestamp) -> Result<Vec<Decision>> {
        check_instant(now, "now")?;
        records
            .iter()
            .enumerate()
            .map(|(i, r)| self.evaluate(r, now).map_err(|e| at_record(i, e)))
            .collect()
    }

    /// What becomes due in the window `from..to`: every record whose end
    /// action falls due in it (evaluated at `to`), soonest first. Records
    /// already due before `from` are not listed.
    pub fn plan<'r>(
        &self,
        records: impl IntoIterator<Item = &'r Record>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Planned>> {
        if from > to {
            return Err(Error::invalid("a plan window ends before it starts"));
        }
        check_instant(to, "to")?;
        let mut out = Vec::new();
        for (index, r) in records.into_iter().enumerate() {
            let decision = self.evaluate(r, to).map_err(|e| at_record(index, e))?;
            if decision.not_before.is_some_and(|t| (from..to).contains(&t)) {
                out.push(Planned { index, decision });
            }
        }
        out.sort_by_key(|p| (p.decision.not_before, p.index));
        Ok(out)
    }

    /// A one-paragraph human explanation of `d`. The decision must come
    /// from this policy: one with another policy hash, or naming rules this
    /// policy does not have, is refused (`InvalidInput`).
    pub fn explain(&self, d: &Decision) -> Result<String> {
        if d.policy_hash != self.hash {
            return Err(Error::invalid("the decision was made by another policy"));
        }
        let n = self.rules.len();
        let rules = [d.rule, d.ceiling_rule, d.floor_rule];
        if rules
            .iter()
            .flatten()
            .copied()
            .chain(d.applied.iter())
            .any(|id| id >= n)
        {
            return Err(Error::invalid(format!(
                "the decision names a rule beyond this policy's {n}"
            )));
        }
        Ok(self.explain_checked(d))
    }

    fn explain_checked(&self, d: &Decision) -> String {
        let rule = |id: RuleId| {
            let r = &self.rules[id];
            format!("rule \"{}\"", r.name)
        };
        let mut s = String::new();
        let _ = match d.action {
            Action::Keep => write!(s, "Keep"),
            Action::Restrict => write!(s, "Restrict (stop every use but storage)"),
            a => write!(s, "{:?} now", a),
        };
        match (d.end, d.not_before) {
            (Some(_), Some(t)) if d.is_due() => {
                let _ = write!(s, ": due since {}", date(t));
                if let Some(dl) = d.deadline {
                    let _ = write!(s, ", to be done by {}", date(dl));
                }
            }
            (Some(end), Some(t)) => {
                let _ = write!(s, "; {} from {}", end.key(), date(t));
                if let Some(dl) = d.deadline {
                    let _ = write!(s, " (by {})", date(dl));
                }
            }
            (Some(end), None) => {
                let _ = write!(s, "; {} once nothing stands in the way", end.key());
            }
            (None, _) => {}
        }
        s.push_str(". ");
        let ceiling_text = |s: &mut String, id: RuleId| {
            let r = &self.rules[id];
            if let (Some(c), Some(a)) = (r.ceiling, r.action) {
                let _ = write!(
                    s,
                    "{} sets a ceiling of {c} from {}, then {}",
                    rule(id),
                    r.anchor,
                    a.key()
                );
            }
        };
        match d.tie_break {
            TieBreak::NoRule => s.push_str("No rule of the policy applies to this conversation"),
            TieBreak::NoCeiling => s.push_str("No applicable rule sets a ceiling"),
            TieBreak::OnlyCeiling | TieBreak::ShortestCeiling | TieBreak::ExplicitOverImplicit => {
                if let Some(id) = d.ceiling_rule {
                    ceiling_text(&mut s, id);
                }
                s.push_str(match d.tie_break {
                    TieBreak::ShortestCeiling => "; it is the shortest ceiling that applies",
                    TieBreak::ExplicitOverImplicit => {
                        "; explicit beats implicit: it governs although a catch-all ceiling is shorter"
                    }
                    _ => "; it is the only ceiling that applies",
                });
            }
            TieBreak::RetentionOverDeletion => {
                if let Some(id) = d.ceiling_rule {
                    ceiling_text(&mut s, id);
                }
                s.push_str("; retention wins over deletion, so it waits for the longest floor");
            }
            TieBreak::Erasure => s.push_str(if d.restricted {
                "The customer asked for erasure (or withdrew consent) and no floor stands in the way"
            } else {
                "An erasure request (or consent withdrawal) is recorded for later"
            }),
            TieBreak::ErasureAfterFloor => s.push_str(
                "The customer asked for erasure (or withdrew consent): use stops now, and the \
                 erasure waits for the longest floor (PIPL Art. 47, GDPR Art. 17(3))",
            ),
            TieBreak::LegalHold => s.push_str(if d.held {
                "A legal hold is active: nothing is deleted, shredded, archived or reviewed while it lasts"
            } else {
                "A recorded legal hold postpones the end action until its release"
            }),
            TieBreak::AwaitingClock => s.push_str(
                "The clock of a deciding rule has not started (the conversation is open or its event has not happened)",
            ),
        }
        if let Some(id) = d.floor_rule {
            let r = &self.rules[id];
            if let Some(f) = r.floor {
                let _ = write!(
                    s,
                    ". Floor: {} keeps it at least {f} from {}",
                    rule(id),
                    r.anchor
                );
                if let Some(t) = d.floor_end {
                    let _ = write!(s, " (until {})", date(t));
                }
                if let Some(tpl) = r.template {
                    let _ = write!(s, " [{}]", tpl.source);
                }
            }
        }
        if !d.applied.is_empty() {
            let names: Vec<_> = d
                .applied
                .iter()
                .map(|id| self.rules[id].name.as_str())
                .collect();
            let _ = write!(s, ". Rules applied: {}", names.join(", "));
        }
        let _ = write!(
            s,
            ". Policy \"{}\" version {} (sha256 {}), evaluated at {}.",
            self.name,
            self.version,
            hex8(&d.policy_hash),
            date(d.now)
        );
        s
    }
}

/// A record's clock in a slot (see `Policy::slots`).
fn clock(r: &Record, events: &[String], slot: u8) -> Option<Timestamp> {
    match slot {
        0 => Some(r.created),
        1 => Some(r.last_activity.unwrap_or(r.created)),
        2 => r.closed,
        n => {
            let name = &events[usize::from(n) - 3];
            r.events
                .iter()
                .filter(|(e, _)| e == name)
                .map(|&(_, t)| t)
                .max()
        }
    }
}

fn check_instant(t: Timestamp, what: &str) -> Result<()> {
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{what} {t} is outside {MIN_TIME}..={MAX_TIME} (seconds since 1970)"
        )))
    }
}

/// `e` with the record's position in its batch.
fn at_record(i: usize, e: Error) -> Error {
    Error::new(e.kind(), format!("records[{i}]: {}", e.detail()))
}

fn unit(p: Period) -> (usize, u32) {
    match p {
        Period::Days(n) => (0, n),
        Period::Months(n) => (1, n),
    }
}

fn of_unit(unit: usize, n: u32) -> Period {
    if unit == 0 {
        Period::Days(n)
    } else {
        Period::Months(n)
    }
}

/// The first instant at or after `t` when no hold is active; `None` if a
/// hold without release is in the way.
fn hold_free_from(holds: &[LegalHold], mut t: Timestamp) -> Option<Timestamp> {
    // Each pass moves `t` past one hold; at most one pass per hold.
    for _ in 0..=holds.len() {
        match holds.iter().find(|h| h.active_at(t)) {
            None => return Some(t),
            Some(h) => t = h.released_at?,
        }
    }
    Some(t)
}

fn hex8(h: &[u8; 32]) -> String {
    h[..8].iter().map(|b| format!("{b:02x}")).collect()
}
