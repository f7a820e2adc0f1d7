//! Load-time checks of a policy and the preservation lock.
//!
//! Owns: reachability of a rule, whether two rules can reach one
//! conversation, whether one rule reaches everything another does, the
//! ceiling-below-floor conflict check, the warnings, and
//! [`Policy::check_update`](super::Policy::check_update)'s rules.
//!
//! Invariant: "reachable" is exact: dimensions are independent single
//! values over an open set of strings, tags an open set, so a rule is
//! reachable iff each of its constraints can be met alone.

use super::policy::{Dimension, Policy, Problem, Rule, Selector};
use super::time::DayRanges;
use super::Anchor;

/// Values one dimension of a selector accepts: `Some(list)` or "any value
/// not in `exclude`".
fn allowed(s: &Selector, d: Dimension) -> Option<Vec<&String>> {
    let di = d as usize;
    s.include[di]
        .as_ref()
        .map(|inc| inc.iter().filter(|v| !s.exclude[di].contains(v)).collect())
}

fn reachable(s: &Selector) -> Result<(), String> {
    for d in Dimension::ALL {
        if allowed(s, d).is_some_and(|a| a.is_empty()) {
            return Err(format!(
                "no {} is left once the exceptions are taken out",
                d.key()
            ));
        }
    }
    if let Some(t) = s.tags_all.iter().find(|t| s.tags_none.contains(t)) {
        return Err(format!("tag {t:?} is both required and excluded"));
    }
    if !s.tags_any.is_empty() && s.tags_any.iter().all(|t| s.tags_none.contains(t)) {
        return Err("every tag of tags_any is excluded".into());
    }
    Ok(())
}

/// Whether some conversation is selected by both `a` and `b`.
fn co_reachable(a: &Selector, b: &Selector) -> bool {
    for d in Dimension::ALL {
        let di = d as usize;
        let ok = match (allowed(a, d), allowed(b, d)) {
            (Some(x), Some(y)) => x.iter().any(|v| y.contains(v)),
            (Some(x), None) => x.iter().any(|v| !b.exclude[di].contains(v)),
            (None, Some(y)) => y.iter().any(|v| !a.exclude[di].contains(v)),
            (None, None) => true,
        };
        if !ok {
            return false;
        }
    }
    let excluded = |t: &String| a.tags_none.contains(t) || b.tags_none.contains(t);
    let any_ok = |s: &Selector| s.tags_any.is_empty() || s.tags_any.iter().any(|t| !excluded(t));
    !a.tags_all.iter().chain(&b.tags_all).any(excluded) && any_ok(a) && any_ok(b)
}

/// Whether every conversation `inner` selects is selected by `outer`.
pub(crate) fn covers(outer: &Selector, inner: &Selector) -> bool {
    for d in Dimension::ALL {
        let di = d as usize;
        let ok = match (allowed(outer, d), allowed(inner, d)) {
            (None, Some(y)) => y.iter().all(|v| !outer.exclude[di].contains(v)),
            (None, None) => outer.exclude[di]
                .iter()
                .all(|v| inner.exclude[di].contains(v)),
            (Some(x), Some(y)) => y.iter().all(|v| x.contains(v)),
            (Some(_), None) => false,
        };
        if !ok {
            return false;
        }
    }
    let any_ok = outer.tags_any.is_empty()
        || inner.tags_all.iter().any(|t| outer.tags_any.contains(t))
        || (!inner.tags_any.is_empty()
            && inner.tags_any.iter().all(|t| outer.tags_any.contains(t)));
    any_ok
        && outer.tags_all.iter().all(|t| inner.tags_all.contains(t))
        && outer.tags_none.iter().all(|t| inner.tags_none.contains(t))
}

fn problem(r: &Rule, i: usize, field: &str, message: String) -> Problem {
    Problem {
        rule: Some(r.name.clone()),
        field: format!("rules[{i}]{field}"),
        message,
    }
}

/// The cross-rule errors and warnings of a loaded policy.
pub(crate) fn check(p: &Policy, ranges: &mut DayRanges) -> (Vec<Problem>, Vec<Problem>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (i, r) in p.rules.iter().enumerate() {
        if let Err(why) = reachable(&r.select) {
            errors.push(problem(
                r,
                i,
                ".select",
                format!("no conversation can reach this rule: {why}"),
            ));
        }
    }
    if !errors.is_empty() {
        return (errors, warnings);
    }
    let explicit: Vec<&Rule> = p
        .rules
        .iter()
        .filter(|r| r.action.is_some_and(super::EndAction::destroys) && r.is_explicit())
        .collect();
    // Only a ceiling that destroys can break a floor: archiving or a review
    // keeps the conversation.
    for (fi, f) in p.rules.iter().enumerate() {
        let Some(floor) = f.floor else { continue };
        // Whether an explicit delete/shred ceiling reaches all of this
        // floor's conversations: worked out once per floor, when needed.
        let mut covered: Option<bool> = None;
        for (ci, c) in p.rules.iter().enumerate() {
            let Some(ceiling) = c.ceiling else { continue };
            if !c.action.is_some_and(super::EndAction::destroys) {
                continue;
            }
            if fi == ci || !co_reachable(&f.select, &c.select) {
                continue;
            }
            // A catch-all ceiling does not govern conversations an explicit
            // ceiling covers.
            if !c.is_explicit()
                && *covered
                    .get_or_insert_with(|| explicit.iter().any(|e| covers(&e.select, &f.select)))
            {
                continue;
            }
            if ranges.can_be_shorter(ceiling, floor) {
                errors.push(problem(
                    c,
                    ci,
                    ".ceiling",
                    format!(
                        "the ceiling ({ceiling} from {}) can end before the floor of rule {:?} ({floor} from {}) on conversations both reach",
                        c.anchor, f.name, f.anchor
                    ),
                ));
            } else if f.anchor != c.anchor && f.anchor != Anchor::Created {
                warnings.push(problem(
                    c,
                    ci,
                    ".ceiling",
                    format!(
                        "the floor of rule {:?} counts from {}, which may come late enough to outlast this ceiling (from {}); retention then wins over deletion",
                        f.name, f.anchor, c.anchor
                    ),
                ));
            }
        }
    }
    (errors, warnings)
}

/// The preservation lock and version rules for replacing `old` by `new`.
pub(crate) fn update(old: &Policy, new: &Policy) -> Vec<Problem> {
    let mut out = Vec::new();
    let top = |field: &str, message: String| Problem {
        rule: None,
        field: field.into(),
        message,
    };
    if new.name != old.name {
        out.push(top(
            "name",
            format!("{:?} cannot replace policy {:?}", new.name, old.name),
        ));
    }
    if new.version <= old.version {
        out.push(top(
            "version",
            format!(
                "{} must be higher than the current {}",
                new.version, old.version
            ),
        ));
    }
    if !old.locked {
        return out;
    }
    if !new.locked {
        out.push(top(
            "locked",
            "the preservation lock cannot be removed".into(),
        ));
    }
    let mut ranges = DayRanges::default();
    for o in &old.rules {
        let Some((i, n)) = new.rules.iter().enumerate().find(|(_, n)| n.name == o.name) else {
            out.push(Problem {
                rule: Some(o.name.clone()),
                field: "rules".into(),
                message: "a locked policy cannot remove a rule".into(),
            });
            continue;
        };
        let mut bad = |field: &str, m: String| out.push(problem(n, i, field, m));
        if n.anchor != o.anchor {
            bad(
                ".from",
                format!("a locked rule keeps its clock ({})", o.anchor),
            );
        }
        if let Some(f) = o.floor {
            match n.floor {
                Some(nf) if !ranges.can_be_shorter(nf, f) => {}
                _ => bad(".floor", format!("a locked floor can only grow (was {f})")),
            }
        }
        match (o.ceiling, n.ceiling) {
            (None, None) => {
                if !covers(&n.select, &o.select) {
                    bad(
                        ".select",
                        "a locked rule can only widen its selection".into(),
                    );
                }
            }
            (None, Some(_)) => bad(".ceiling", "a locked rule cannot gain a ceiling".into()),
            (Some(c), nc) => {
                if nc.is_none_or(|nc| ranges.can_be_shorter(nc, c)) {
                    bad(
                        ".ceiling",
                        format!("a locked ceiling can only grow and cannot be removed (was {c})"),
                    );
                }
                if n.select != o.select {
                    bad(
                        ".select",
                        "a locked rule with a ceiling keeps its selection exactly (widening it would shorten retention elsewhere)".into(),
                    );
                }
                let same_kind = n.action == o.action
                    || n.action
                        .zip(o.action)
                        .is_some_and(|(a, b)| a.destroys() && b.destroys());
                if !same_kind {
                    bad(".action", "a locked rule keeps its end action".into());
                }
            }
        }
    }
    for (i, n) in new.rules.iter().enumerate() {
        if n.ceiling.is_some() && !old.rules.iter().any(|o| o.name == n.name) {
            out.push(problem(
                n,
                i,
                ".ceiling",
                "a new rule under the preservation lock cannot set a ceiling".into(),
            ));
        }
    }
    out
}
