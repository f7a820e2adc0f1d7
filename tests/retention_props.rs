//! Property tests of retention decisions over random policies and records:
//! a hold never yields an end action; no delete or shred before every floor
//! has ended; once due, a record stays due as time passes unless a hold
//! appears; evaluation is a pure function.

use chatvault::retention::{Action, Anchor, Dimension, LegalHold, Policy, Record, Selector};
use proptest::prelude::*;

const DAY: i64 = 86_400;
const T0: i64 = 1_767_225_600;
const CATEGORIES: [&str; 3] = ["complaint", "transaction", "general"];
const REGIONS: [&str; 2] = ["CN", "EU"];
const SELECT_TAGS: [&str; 2] = ["vip", "minor"];
const EXCEPT_TAGS: [&str; 2] = ["test", "internal"];

fn subset(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(pool.to_vec(), 1..=pool.len())
}

fn quoted(v: &[&str]) -> String {
    let q: Vec<String> = v.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", q.join(", "))
}

/// One rule as JSON. Floors are at most a year and ceilings at least 13
/// months, so no ceiling can end before a floor on the same clock and every
/// generated policy loads; floors and ceilings on different clocks still
/// meet at run time.
fn rule() -> impl Strategy<Value = String> {
    let floor = prop_oneof![
        Just(None),
        (1u32..=12).prop_map(|m| Some(format!("{m}m"))),
        (1u32..=360).prop_map(|d| Some(format!("{d}d"))),
    ];
    let ceiling = prop_oneof![
        Just(None),
        (13u32..=120).prop_map(|m| Some(format!("{m}m"))),
        (400u32..=3650).prop_map(|d| Some(format!("{d}d"))),
    ];
    (
        prop::option::of(subset(&CATEGORIES)),
        prop::option::of(subset(&REGIONS)),
        prop::option::of(subset(&SELECT_TAGS)),
        prop::option::of(subset(&EXCEPT_TAGS)),
        floor,
        ceiling,
        prop::sample::select(vec!["created", "last_activity", "closed", "event:resolved"]),
        prop::sample::select(vec!["delete", "shred", "archive", "review"]),
    )
        .prop_filter("a rule needs a floor or a ceiling", |r| {
            r.4.is_some() || r.5.is_some()
        })
        .prop_map(|(cat, reg, tags, except, floor, ceiling, from, action)| {
            let mut select = Vec::new();
            if let Some(c) = cat {
                select.push(format!("\"category\": {}", quoted(&c)));
            }
            if let Some(r) = reg {
                select.push(format!("\"region\": {}", quoted(&r)));
            }
            if let Some(t) = tags {
                let key = if t.len() == 1 { "tags_all" } else { "tags_any" };
                select.push(format!("\"{key}\": {}", quoted(&t)));
            }
            let mut fields = vec![format!("\"select\": {{{}}}", select.join(", "))];
            if let Some(e) = except {
                fields.push(format!("\"except\": {{\"tags\": {}}}", quoted(&e)));
            }
            if let Some(f) = floor {
                fields.push(format!("\"floor\": \"{f}\""));
            }
            if let Some(c) = ceiling {
                fields.push(format!("\"ceiling\": \"{c}\", \"action\": \"{action}\""));
            }
            fields.push(format!("\"from\": \"{from}\""));
            fields.join(", ")
        })
}

fn policy() -> impl Strategy<Value = Policy> {
    (prop::collection::vec(rule(), 1..8), any::<bool>()).prop_map(|(rules, erase_by_delete)| {
        let rules: Vec<String> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{{\"name\": \"r{i}\", {r}}}"))
            .collect();
        let json = format!(
            r#"{{"chatvault_retention": 1, "name": "p", "version": 1,
                "vocabulary": {{"categories": ["complaint", "transaction", "general"], "events": ["resolved"]}},
                "erasure": {{"action": "{}", "within": "30d"}}, "grace": "7d",
                "rules": [{}]}}"#,
            if erase_by_delete { "delete" } else { "shred" },
            rules.join(", ")
        );
        Policy::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"))
    })
}

fn opt_after(base: i64, max_days: i64) -> impl Strategy<Value = Option<i64>> {
    prop::option::of((0..max_days * DAY).prop_map(move |d| base + d))
}

fn record() -> impl Strategy<Value = Record> {
    (
        prop::sample::select(vec!["complaint", "transaction", "general", "unlisted"]),
        prop::sample::select(vec!["CN", "EU", "US"]),
        prop::sample::subsequence(vec!["vip", "minor", "test", "internal", "other"], 0..=3),
        0..1000 * DAY,
        (opt_after(0, 400), opt_after(0, 800), opt_after(0, 2000)),
        (opt_after(0, 3000), opt_after(0, 3000)),
        (opt_after(0, 3000), opt_after(0, 3000)),
        prop::collection::vec((0..4000 * DAY, prop::option::of(0..1000 * DAY)), 0..3),
    )
        .prop_map(
            |(
                cat,
                region,
                tags,
                created,
                (last, closed, event),
                (erase, consent),
                (arch, rev),
                holds,
            )| {
                let created = T0 + created;
                let mut r = Record::new(cat, created);
                r.region = region.into();
                r.tags = tags.into_iter().map(String::from).collect();
                r.last_activity = last.map(|t| created + t);
                r.closed = closed.map(|t| created + t);
                if let Some(e) = event {
                    r.events.push(("resolved".into(), created + e));
                }
                r.erasure_requested = erase.map(|t| created + t);
                r.consent_withdrawn = consent.map(|t| created + t);
                r.archived = arch.map(|t| created + t);
                r.reviewed = rev.map(|t| created + t);
                for (set, len) in holds {
                    let mut h = LegalHold::new(created + set, "legal", "case");
                    h.released_at = len.map(|l| created + set + l);
                    r.holds.push(h);
                }
                r
            },
        )
}

/// The record's clock for an anchor, computed here independently.
fn clock(r: &Record, a: &Anchor) -> Option<i64> {
    match a {
        Anchor::Created => Some(r.created),
        Anchor::LastActivity => Some(r.last_activity.unwrap_or(r.created)),
        Anchor::Closed => r.closed,
        Anchor::Event(e) => r.events.iter().filter(|(n, _)| n == e).map(|x| x.1).max(),
    }
}

/// Whether a rule's selector picks the record, computed here from the
/// selector's definition.
fn selects(s: &Selector, r: &Record) -> bool {
    let attrs = [&r.category, &r.region, &r.channel, &r.department];
    Dimension::ALL.iter().all(|&d| {
        let v = attrs[d as usize];
        s.include[d as usize].as_ref().is_none_or(|l| l.contains(v))
            && !s.exclude[d as usize].contains(v)
    }) && (s.tags_any.is_empty() || s.tags_any.iter().any(|t| r.tags.contains(t)))
        && s.tags_all.iter().all(|t| r.tags.contains(t))
        && !s.tags_none.iter().any(|t| r.tags.contains(t))
}

fn held(r: &Record, t: i64) -> bool {
    r.holds
        .iter()
        .any(|h| h.set_at <= t && h.released_at.is_none_or(|x| t < x))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn holds_and_floors_are_never_overridden(
        p in policy(),
        r in record(),
        later in 0..5000 * DAY,
    ) {
        let now = r.created + later;
        let d = p.evaluate(&r, now).unwrap();
        prop_assert_eq!(d, p.evaluate(&r, now).unwrap(), "not a pure function");
        for (id, rule) in p.rules().iter().enumerate() {
            prop_assert_eq!(d.applied.contains(id), selects(&rule.select, &r), "rule {}", rule.name);
        }
        prop_assert!(!p.explain(&d).unwrap().is_empty());
        if held(&r, now) {
            prop_assert!(matches!(d.action, Action::Keep | Action::Restrict), "{:?} under a hold", d);
        }
        if matches!(d.action, Action::Delete | Action::Shred) {
            for id in d.applied.iter() {
                let rule = p.rule(id);
                if let Some(f) = rule.floor {
                    let start = clock(&r, &rule.anchor);
                    prop_assert!(start.is_some(), "destroyed while floor {} has not started", rule.name);
                    prop_assert!(f.after(start.unwrap()) <= now, "destroyed before floor {} ended", rule.name);
                }
            }
            prop_assert!(d.not_before.is_some_and(|t| t <= now));
        }
        if d.restricted {
            let asked = [r.erasure_requested, r.consent_withdrawn].into_iter().flatten().min();
            prop_assert!(asked.is_some_and(|t| t <= now));
        }
    }

    #[test]
    fn once_due_stays_due_unless_a_hold_appears(
        p in policy(),
        r in record(),
        first in 0..5000 * DAY,
        more in 0..3000 * DAY,
    ) {
        let t1 = r.created + first;
        let t2 = t1 + more;
        let d1 = p.evaluate(&r, t1).unwrap();
        let hold_appears = r.holds.iter().any(|h| h.set_at > t1 && h.set_at <= t2);
        if d1.is_due() && !hold_appears && !held(&r, t2) {
            let d2 = p.evaluate(&r, t2).unwrap();
            prop_assert!(d2.is_due(), "due at {} ({:?}) but not at {} ({:?})", t1, d1, t2, d2);
        }
    }
}
