//! Retention policies: loading, load-time checks, decisions, plans,
//! explanations and the preservation lock.

use chatvault::retention::{
    Action, EndAction, LegalHold, Period, Policy, Record, TieBreak, MAX_RULES, MAX_TIME,
};
use chatvault::ErrorKind;

const DAY: i64 = 86_400;
/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

fn policy_with(rules: &str) -> String {
    format!(
        r#"{{
  "chatvault_retention": 1,
  "name": "acme-cn",
  "version": 3,
  "description": "test policy",
  "vocabulary": {{
    "categories": ["complaint", "transaction", "legal_dispute", "general"],
    "regions": ["CN", "EU"],
    "channels": ["web", "app", "wechat"],
    "events": ["dispute_resolved"]
  }},
  "erasure": {{"action": "shred", "within": "15d"}},
  "grace": "7d",
  "rules": [{rules}]
}}"#
    )
}

const RULES: &str = r#"
    {"name": "network-logs", "template": "cn-csl-network-logs"},
    {"name": "transactions", "template": "cn-ecommerce-transactions",
     "select": {"category": ["transaction"]}, "ceiling": "5y", "action": "shred"},
    {"name": "complaints", "select": {"category": ["complaint"], "region": ["CN"]},
     "floor": "1y", "ceiling": "3y", "from": "closed", "action": "shred",
     "note": "complaint handling evidence"},
    {"name": "disputes", "select": {"category": ["legal_dispute"]},
     "floor": "3y", "ceiling": "10y", "from": "event:dispute_resolved", "action": "shred"},
    {"name": "eu", "template": "gdpr-storage-limitation", "select": {"region": ["EU"]},
     "except": {"category": ["transaction", "legal_dispute"], "tags": ["vip"]}, "ceiling": "1y"},
    {"name": "vip-archive", "select": {"tags_any": ["vip"]}, "ceiling": "2y",
     "from": "last_activity", "action": "archive"},
    {"name": "default", "ceiling": "2y", "from": "last_activity", "action": "delete"}
"#;

fn policy() -> Policy {
    Policy::from_json(&policy_with(RULES)).expect("test policy loads")
}

fn rule_name(p: &Policy, id: Option<usize>) -> Option<&str> {
    id.map(|i| p.rule(i).name.as_str())
}

/// The problems of a refused policy, as text.
fn refused(json: &str) -> Vec<String> {
    match Policy::from_json(json) {
        Ok(_) => panic!("policy was accepted"),
        Err(e) => {
            assert!(!e.problems().is_empty());
            let err: chatvault::Error = e.clone().into();
            assert_eq!(err.kind(), ErrorKind::Policy);
            e.problems().iter().map(|p| p.to_string()).collect()
        }
    }
}

fn assert_refused(json: &str, needles: &[&str]) {
    let problems = refused(json);
    let all = problems.join("\n");
    for n in needles {
        assert!(all.contains(n), "{n:?} not in:\n{all}");
    }
}

// ------------------------------------------------------------------ loading

#[test]
fn the_test_policy_loads_with_its_rules_and_hash() {
    let p = policy();
    assert_eq!(p.name(), "acme-cn");
    assert_eq!(p.version(), 3);
    assert!(!p.locked());
    assert_eq!(p.rules().len(), 7);
    assert_eq!(p.rule(0).floor, Some(Period::Months(6)));
    assert_eq!(p.rule(1).floor, Some(Period::Months(36)));
    assert_eq!(p.rule(4).action, Some(EndAction::Delete));
    assert!(p
        .rule(0)
        .template
        .unwrap()
        .source
        .contains("Cybersecurity Law"));
    assert_eq!(p.erasure_action(), EndAction::Shred);
    assert_eq!(p.erasure_within(), Period::Days(15));
    assert_eq!(p.grace(), Period::Days(7));
    // The hash is the SHA-256 of the exact bytes: one more space changes it.
    let q = Policy::from_json(&(policy_with(RULES) + " ")).unwrap();
    assert_ne!(p.hash(), q.hash());
    assert_eq!(p.hash(), policy().hash());
    fn shared<T: Send + Sync>() {}
    shared::<Policy>();
}

#[test]
fn syntax_errors_give_line_and_column() {
    let all = refused("{\n  \"name\": \"x\",\n  \"rules\": [,]\n}").join("");
    assert!(all.contains("not JSON") && all.contains("line 3"), "{all}");
    assert_refused("", &["not JSON"]);
    assert_refused("[1, 2]", &["(top): must be an object"]);
    assert_refused(
        &policy_with(r#"{"name": "a", "name": "b", "floor": "1y"}"#),
        &["appears twice"],
    );
    let bad_utf8 = Policy::from_json_bytes(b"{\"name\": \"\xff\"}").unwrap_err();
    assert!(bad_utf8.to_string().contains("not UTF-8"));
}

#[test]
fn unknown_fields_and_values_name_the_rule_and_field() {
    assert_refused(
        &policy_with(r#"{"name": "logs", "floor": "6m", "flor": "1y"}"#),
        &[r#"rule "logs" (rules[0].flor): unknown field"#],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "select": {"category": ["complant"]}, "floor": "1y"}"#),
        &[r#"rule "c" (rules[0].select.category): unknown category "complant""#],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "select": {"channel": ["fax"]}, "floor": "1y"}"#),
        &["unknown channel \"fax\""],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "select": {"colour": ["red"]}, "floor": "1y"}"#),
        &["rules[0].select.colour): unknown field"],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "floor": "1y", "from": "event:refund"}"#),
        &["event \"refund\" is not declared"],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "floor": "1y", "from": "opened"}"#),
        &["\"opened\": use created, last_activity, closed or event:NAME"],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "template": "hipaa"}"#),
        &["unknown template \"hipaa\""],
    );
    assert_refused(
        &policy_with(r#"{"name": "c", "ceiling": "1y", "action": "burn"}"#),
        &["\"burn\" is not one of review, archive, delete, shred"],
    );
    // Departments are not in the vocabulary: any value is accepted.
    assert!(Policy::from_json(&policy_with(
        r#"{"name": "c", "select": {"department": ["anything"]}, "floor": "1y"}"#
    ))
    .is_ok());
    // Top-level mistakes.
    let top = policy_with(RULES).replace("\"version\": 3", "\"version\": 0");
    assert_refused(&top, &["version: must be a whole number >= 1, not 0"]);
    let top =
        policy_with(RULES).replace("\"chatvault_retention\": 1", "\"chatvault_retention\": 2");
    assert_refused(&top, &["this build reads format 1, not 2"]);
    let top = policy_with(RULES).replace("\"grace\": \"7d\"", "\"grace\": 7");
    assert_refused(&top, &["grace: must be a string, not a number"]);
    let top = policy_with(RULES).replace("\"categories\"", "\"kinds\"");
    assert_refused(
        &top,
        &[
            "vocabulary.kinds: unknown field",
            "vocabulary.categories: missing",
        ],
    );
}

#[test]
fn absurd_and_malformed_periods_are_refused() {
    for (period, needle) in [
        ("101y", "longer than 100 years"),
        ("99999999999999999999999d", "too large"),
        ("-1y", "is not a period"),
        ("1.5y", "is not a period"),
        ("10 d", "is not a period"),
        ("6h", "unknown unit"),
        ("", "an empty period"),
    ] {
        let json = policy_with(&format!(r#"{{"name": "x", "floor": "{period}"}}"#));
        assert_refused(&json, &["rule \"x\" (rules[0].floor)", needle]);
    }
    assert_refused(
        &policy_with(r#"{"name": "x", "floor": "0d"}"#),
        &["a floor of zero keeps nothing"],
    );
    // A ceiling of zero is allowed: delete as soon as the clock starts.
    Policy::from_json(&policy_with(
        r#"{"name": "x", "ceiling": "0d", "from": "closed", "action": "delete"}"#,
    ))
    .unwrap();
}

#[test]
fn rule_shape_mistakes_are_refused() {
    assert_refused(
        &policy_with(r#"{"name": "x"}"#),
        &["sets neither a floor nor a ceiling"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "ceiling": "1y"}"#),
        &["rules[0].action): missing: a ceiling needs the action"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "floor": "1y", "action": "delete"}"#),
        &["an action needs a ceiling"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "template": "gdpr-storage-limitation"}"#),
        &["needs the rule's own ceiling", "GDPR Art. 5(1)(e)"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "floor": "1y", "ceiling": "11m", "action": "delete"}"#),
        &["the ceiling (11 months) can end before the rule's own floor (1 year)"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "floor": "1y"}, {"name": "x", "floor": "2y"}"#),
        &["rules[1].name): the name is used by an earlier rule"],
    );
    assert_refused(
        &policy_with(r#"{"floor": "1y"}"#),
        &["rules[0].name: missing"],
    );
    assert_refused(
        &policy_with(r#"{"name": "x\ny", "floor": "1y"}"#),
        &["without control characters"],
    );
    let many: Vec<String> = (0..=MAX_RULES)
        .map(|i| format!(r#"{{"name": "r{i}", "floor": "1y"}}"#))
        .collect();
    assert_refused(&policy_with(&many.join(",")), &["more than 256"]);
    let huge = format!("{}{}", policy_with(RULES), " ".repeat(1 << 20));
    assert_refused(&huge, &["more than the 1048576 accepted"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let json = policy_with(
        r#"{"name": "a", "floor": "1yr"},
           {"name": "b", "select": {"category": ["nope"]}, "floor": "1y"},
           {"name": "c", "ceiling": "1y"}"#,
    );
    let problems = refused(&json);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("rule \"a\""));
    assert!(problems[1].starts_with("rule \"b\""));
    assert!(problems[2].starts_with("rule \"c\""));
}

#[test]
fn unreachable_rules_are_refused() {
    assert_refused(
        &policy_with(
            r#"{"name": "x", "select": {"category": ["complaint"]},
                "except": {"category": ["complaint"]}, "floor": "1y"}"#,
        ),
        &[
            "rule \"x\"",
            "no conversation can reach this rule: no category is left",
        ],
    );
    assert_refused(
        &policy_with(r#"{"name": "x", "select": {"region": []}, "floor": "1y"}"#),
        &["no region is left"],
    );
    assert_refused(
        &policy_with(
            r#"{"name": "x", "select": {"tags_all": ["vip"]}, "except": {"tags": ["vip"]}, "floor": "1y"}"#,
        ),
        &["tag \"vip\" is both required and excluded"],
    );
    assert_refused(
        &policy_with(
            r#"{"name": "x", "select": {"tags_any": ["a", "b"]}, "except": {"tags": ["a", "b"]}, "floor": "1y"}"#,
        ),
        &["every tag of tags_any is excluded"],
    );
}

#[test]
fn ceilings_below_reachable_floors_are_refused_with_both_rules_named() {
    // A catch-all ceiling below a catch-all floor.
    assert_refused(
        &policy_with(
            r#"{"name": "logs", "template": "cn-csl-network-logs"},
               {"name": "quick", "ceiling": "90d", "action": "delete"}"#,
        ),
        &[
            r#"rule "quick" (rules[1].ceiling): the ceiling (90 days from creation) can end before the floor of rule "logs" (6 months from creation)"#,
        ],
    );
    // Explicit ceiling below a floor of the same conversations.
    assert_refused(
        &policy_with(
            r#"{"name": "tx", "template": "cn-ecommerce-transactions", "select": {"category": ["transaction"]}},
               {"name": "tx-cn", "select": {"category": ["transaction"], "region": ["CN"]}, "ceiling": "2y", "from": "closed", "action": "delete"}"#,
        ),
        &["rule \"tx-cn\"", "floor of rule \"tx\""],
    );
    // 180 days against six months: six months is at least 181 days.
    Policy::from_json(&policy_with(
        r#"{"name": "f", "floor": "180d"}, {"name": "c", "ceiling": "6m", "action": "delete"}"#,
    ))
    .unwrap();
    assert_refused(
        &policy_with(
            r#"{"name": "f", "floor": "182d"}, {"name": "c", "ceiling": "6m", "action": "delete"}"#,
        ),
        &["can end before the floor of rule \"f\""],
    );
    // Disjoint selections cannot conflict.
    Policy::from_json(&policy_with(
        r#"{"name": "f", "select": {"category": ["complaint"]}, "floor": "3y"},
           {"name": "c", "select": {"category": ["general"]}, "ceiling": "1y", "action": "delete"}"#,
    ))
    .unwrap();
    // The catch-all ceiling does not govern conversations an explicit
    // ceiling covers: no conflict, because explicit beats implicit.
    Policy::from_json(&policy_with(
        r#"{"name": "f", "select": {"category": ["complaint"]}, "floor": "3y", "ceiling": "5y", "action": "shred"},
           {"name": "default", "ceiling": "1y", "action": "delete"}"#,
    ))
    .unwrap();
}

#[test]
fn doubtful_policies_load_with_warnings() {
    let p = Policy::from_json(&policy_with(
        r#"{"name": "logs", "template": "cn-csl-network-logs", "floor": "3m"},
           {"name": "disputes", "select": {"category": ["legal_dispute"]}, "floor": "1y", "from": "event:dispute_resolved"},
           {"name": "default", "ceiling": "2y", "action": "delete"}"#,
    ))
    .unwrap();
    let w: Vec<String> = p.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(
        w[0].contains("rule \"logs\"") && w[0].contains("shorter than the template's 6 months")
    );
    assert!(w[1].contains("rule \"default\"") && w[1].contains("event \"dispute_resolved\""));
    assert!(policy().warnings().iter().all(|w| !w.message.is_empty()));
}

// ---------------------------------------------------------------- decisions

fn complaint_cn(created: i64) -> Record {
    let mut r = Record::new("complaint", created);
    r.region = "CN".into();
    r.channel = "web".into();
    r.department = "support".into();
    r
}

#[test]
fn explicit_ceiling_beats_the_catch_all_and_waits_for_closing() {
    let p = policy();
    let mut r = complaint_cn(T0);
    // Open: the complaint rule's clock has not started; the catch-all
    // 2-year ceiling does not govern an explicitly covered complaint.
    let d = p.evaluate(&r, T0 + 900 * DAY).unwrap();
    assert_eq!(d.action, Action::Keep);
    assert_eq!(d.tie_break, TieBreak::AwaitingClock);
    assert_eq!(d.not_before, None);
    assert_eq!(rule_name(&p, d.floor_rule), Some("complaints"));
    let names: Vec<_> = d.applied.iter().map(|i| p.rule(i).name.clone()).collect();
    assert_eq!(names, ["network-logs", "complaints", "default"]);

    r.closed = Some(T0 + 10 * DAY);
    let d = p.evaluate(&r, T0 + 900 * DAY).unwrap();
    assert_eq!(d.action, Action::Keep);
    assert_eq!(d.end, Some(EndAction::Shred));
    assert_eq!(rule_name(&p, d.rule), Some("complaints"));
    assert_eq!(d.tie_break, TieBreak::ExplicitOverImplicit);
    let due = Period::Months(36).after(T0 + 10 * DAY);
    assert_eq!(d.not_before, Some(due));
    assert_eq!(d.deadline, Some(due + 7 * DAY));
    assert_eq!(d.floor_end, Some(Period::Months(12).after(T0 + 10 * DAY)));
    let d = p.evaluate(&r, due - 1).unwrap();
    assert_eq!(d.action, Action::Keep);
    let d = p.evaluate(&r, due).unwrap();
    assert_eq!(d.action, Action::Shred);
    assert!(d.is_due());
    assert_eq!(d.policy_hash, *p.hash());
}

#[test]
fn no_rule_and_no_ceiling_keep() {
    let p = Policy::from_json(&policy_with(
        r#"{"name": "cn-only", "select": {"region": ["CN"]}, "floor": "1y"}"#,
    ))
    .unwrap();
    let d = p
        .evaluate(&Record::new("general", T0), T0 + 9000 * DAY)
        .unwrap();
    assert_eq!(
        (d.action, d.tie_break, d.end),
        (Action::Keep, TieBreak::NoRule, None)
    );
    assert!(d.applied.is_empty());
    let mut r = Record::new("general", T0);
    r.region = "CN".into();
    let d = p.evaluate(&r, T0 + 9000 * DAY).unwrap();
    assert_eq!((d.action, d.tie_break), (Action::Keep, TieBreak::NoCeiling));
    assert!(p
        .explain(&d)
        .unwrap()
        .contains("No applicable rule sets a ceiling"));
}

#[test]
fn shortest_ceiling_wins_and_the_stronger_action_at_the_same_instant() {
    let p = Policy::from_json(&policy_with(
        r#"{"name": "a", "select": {"channel": ["web"]}, "ceiling": "3y", "action": "delete"},
           {"name": "b", "select": {"region": ["CN"]}, "ceiling": "2y", "action": "delete"},
           {"name": "c", "select": {"category": ["general"]}, "ceiling": "24m", "action": "shred"}"#,
    ))
    .unwrap();
    let mut r = Record::new("general", T0);
    r.region = "CN".into();
    r.channel = "web".into();
    let d = p.evaluate(&r, T0).unwrap();
    assert_eq!(rule_name(&p, d.rule), Some("c"));
    assert_eq!(d.end, Some(EndAction::Shred));
    assert_eq!(d.tie_break, TieBreak::ShortestCeiling);
    r.category = "complaint".into();
    let d = p.evaluate(&r, T0).unwrap();
    assert_eq!(rule_name(&p, d.rule), Some("b"));
    r.region = "EU".into();
    let d = p.evaluate(&r, T0).unwrap();
    assert_eq!(
        (rule_name(&p, d.rule), d.tie_break),
        (Some("a"), TieBreak::OnlyCeiling)
    );
}

#[test]
fn retention_wins_over_deletion() {
    // The catch-all ceiling counts from last activity, the dispute floor
    // from the resolution (a warning at load, resolved at run time).
    let p = Policy::from_json(&policy_with(
        r#"{"name": "disputes", "select": {"category": ["legal_dispute"]}, "floor": "1y", "from": "event:dispute_resolved"},
           {"name": "default", "ceiling": "2y", "from": "last_activity", "action": "delete"}"#,
    ))
    .unwrap();
    assert_eq!(p.warnings().len(), 1);
    // A 3-year floor under the 2-year catch-all is refused at load.
    assert_refused(
        &policy_with(
            r#"{"name": "disputes", "select": {"category": ["legal_dispute"]}, "floor": "3y", "from": "event:dispute_resolved"},
               {"name": "default", "ceiling": "2y", "from": "last_activity", "action": "delete"}"#,
        ),
        &["rule \"default\"", "floor of rule \"disputes\""],
    );
    let mut r = Record::new("legal_dispute", T0);
    r.last_activity = Some(T0 + DAY);
    let d = p.evaluate(&r, T0 + 1000 * DAY).unwrap();
    assert_eq!(
        (d.action, d.tie_break),
        (Action::Keep, TieBreak::AwaitingClock)
    );
    assert_eq!(rule_name(&p, d.rule), Some("disputes"));
    r.events.push(("dispute_resolved".into(), T0 + 100 * DAY));
    r.events.push(("dispute_resolved".into(), T0 + 400 * DAY)); // reopened and resolved again
    r.events.push(("other".into(), T0 + 5000 * DAY));
    let floor_end = Period::Months(12).after(T0 + 400 * DAY);
    let d = p.evaluate(&r, T0 + 740 * DAY).unwrap();
    assert_eq!(d.action, Action::Keep);
    assert_eq!(d.tie_break, TieBreak::RetentionOverDeletion);
    assert_eq!(rule_name(&p, d.rule), Some("disputes"));
    assert_eq!(rule_name(&p, d.ceiling_rule), Some("default"));
    assert_eq!(d.not_before, Some(floor_end));
    assert_eq!(p.evaluate(&r, floor_end).unwrap().action, Action::Delete);
    assert!(p
        .explain(&d)
        .unwrap()
        .contains("retention wins over deletion"));
}

#[test]
fn erasure_restricts_at_once_and_shreds_when_the_floor_ends() {
    let p = policy();
    let mut r = Record::new("transaction", T0);
    r.closed = Some(T0 + DAY);
    r.erasure_requested = Some(T0 + 30 * DAY);
    let before = p.evaluate(&r, T0 + 29 * DAY).unwrap();
    assert_eq!(before.action, Action::Keep);
    assert!(!before.restricted);
    let d = p.evaluate(&r, T0 + 30 * DAY).unwrap();
    assert_eq!(d.action, Action::Restrict);
    assert!(d.restricted);
    assert_eq!(d.tie_break, TieBreak::ErasureAfterFloor);
    assert_eq!(rule_name(&p, d.rule), Some("transactions"));
    let floor_end = Period::Months(36).after(T0 + DAY);
    assert_eq!(d.not_before, Some(floor_end));
    assert_eq!(d.deadline, Some(floor_end + 15 * DAY));
    let text = p.explain(&d).unwrap();
    assert!(text.starts_with("Restrict"), "{text}");
    assert!(text.contains("PIPL Art. 47"), "{text}");
    assert!(text.contains("E-Commerce Law"), "{text}");
    let d = p.evaluate(&r, floor_end).unwrap();
    assert_eq!((d.action, d.end), (Action::Shred, Some(EndAction::Shred)));
    assert!(d.restricted);

    // No floor in the way: due at once. Consent withdrawal counts the same.
    let p = Policy::from_json(&policy_with(
        r#"{"name": "d", "ceiling": "2y", "action": "delete"}"#,
    ))
    .unwrap();
    let mut r = Record::new("general", T0);
    r.consent_withdrawn = Some(T0 + 5 * DAY);
    let d = p.evaluate(&r, T0 + 5 * DAY).unwrap();
    assert_eq!((d.action, d.tie_break), (Action::Shred, TieBreak::Erasure));
    assert_eq!(d.rule, None);
    assert_eq!(d.deadline, Some(T0 + 20 * DAY));
    // A ceiling that destroys earlier than the request stays in charge.
    r.consent_withdrawn = Some(T0 + 800 * DAY);
    let d = p.evaluate(&r, T0 + 800 * DAY).unwrap();
    assert_eq!(
        (d.action, rule_name(&p, d.rule)),
        (Action::Delete, Some("d"))
    );
}

#[test]
fn legal_holds_win_over_everything() {
    let p = Policy::from_json(&policy_with(
        r#"{"name": "d", "ceiling": "2y", "action": "delete"}"#,
    ))
    .unwrap();
    let mut r = Record::new("general", T0);
    r.erasure_requested = Some(T0 + DAY);
    r.holds
        .push(LegalHold::new(T0 + 2 * DAY, "legal@acme", "case 2026-17"));
    // Before the hold: the erasure is due.
    assert_eq!(p.evaluate(&r, T0 + DAY).unwrap().action, Action::Shred);
    // During the hold: restricted, never shredded, no date known.
    let d = p.evaluate(&r, T0 + 3000 * DAY).unwrap();
    assert_eq!(d.action, Action::Restrict);
    assert!(d.held);
    assert_eq!(
        (d.tie_break, d.not_before, d.rule),
        (TieBreak::LegalHold, None, None)
    );
    assert!(p.explain(&d).unwrap().contains("legal hold is active"));
    // Released: due from the release.
    r.holds[0].released_at = Some(T0 + 100 * DAY);
    r.holds[0].released_by = Some("legal@acme".into());
    let d = p.evaluate(&r, T0 + 50 * DAY).unwrap();
    assert_eq!(
        (d.action, d.not_before),
        (Action::Restrict, Some(T0 + 100 * DAY))
    );
    assert_eq!(
        p.evaluate(&r, T0 + 100 * DAY).unwrap().action,
        Action::Shred
    );
    // A second hold set later, known in advance, is in the way too.
    r.holds
        .push(LegalHold::new(T0 + 100 * DAY, "legal@acme", "appeal"));
    r.holds[1].released_at = Some(T0 + 200 * DAY);
    let d = p.evaluate(&r, T0 + 150 * DAY).unwrap();
    assert_eq!(
        (d.action, d.not_before),
        (Action::Restrict, Some(T0 + 200 * DAY))
    );
    // Without an erasure: a held conversation is kept, not restricted.
    let mut r = Record::new("general", T0);
    r.holds.push(LegalHold::new(T0, "legal", "case"));
    let d = p.evaluate(&r, T0 + 5000 * DAY).unwrap();
    assert_eq!((d.action, d.end), (Action::Keep, Some(EndAction::Delete)));
}

#[test]
fn archive_and_review_are_done_once_and_then_the_next_ceiling_applies() {
    let p = policy();
    let mut r = Record::new("general", T0);
    r.tags = vec!["vip".into(), "unlisted-tag".into()];
    r.last_activity = Some(T0 + 10 * DAY);
    let due = Period::Months(24).after(T0 + 10 * DAY);
    let d = p.evaluate(&r, due).unwrap();
    // vip-archive and default both end at 2 years: delete is stronger.
    assert_eq!(
        (d.action, rule_name(&p, d.rule)),
        (Action::Delete, Some("default"))
    );
    assert_eq!(d.tie_break, TieBreak::ShortestCeiling);
    let p2 = Policy::from_json(&policy_with(
        r#"{"name": "vip-archive", "select": {"tags_any": ["vip"]}, "ceiling": "1y", "action": "archive"},
           {"name": "vip-review", "select": {"tags_all": ["vip"]}, "ceiling": "18m", "action": "review"},
           {"name": "default", "ceiling": "2y", "action": "delete"}"#,
    ))
    .unwrap();
    let mut r = Record::new("general", T0);
    r.tags = vec!["vip".into()];
    let d = p2.evaluate(&r, T0 + 400 * DAY).unwrap();
    assert_eq!(
        (d.action, rule_name(&p2, d.rule)),
        (Action::Archive, Some("vip-archive"))
    );
    r.archived = Some(T0 + 401 * DAY);
    let d = p2.evaluate(&r, T0 + 560 * DAY).unwrap();
    assert_eq!(
        (d.action, rule_name(&p2, d.rule)),
        (Action::Review, Some("vip-review"))
    );
    r.reviewed = Some(T0 + 560 * DAY);
    let d = p2.evaluate(&r, T0 + 560 * DAY).unwrap();
    // Archive and review ceilings do not displace the catch-all delete.
    assert_eq!((d.action, d.end), (Action::Keep, Some(EndAction::Delete)));
    assert_eq!(rule_name(&p2, d.rule), Some("default"));
    assert_eq!(
        p2.evaluate(&r, T0 + 800 * DAY).unwrap().action,
        Action::Delete
    );
    // A review done before the ceiling was reached does not count.
    r.archived = None;
    r.reviewed = Some(T0 + 10 * DAY);
    r.archived = Some(T0 + 400 * DAY);
    let d = p2.evaluate(&r, T0 + 600 * DAY).unwrap();
    assert_eq!(
        (d.action, rule_name(&p2, d.rule)),
        (Action::Review, Some("vip-review"))
    );
}

#[test]
fn selectors_with_exceptions_and_tags() {
    let p = policy();
    let mut r = Record::new("general", T0);
    r.region = "EU".into();
    let d = p.evaluate(&r, T0).unwrap();
    assert_eq!(rule_name(&p, d.rule), Some("eu"));
    assert_eq!(d.not_before, Some(Period::Months(12).after(T0)));
    r.tags.push("vip".into()); // excluded from "eu"
    let d = p.evaluate(&r, T0).unwrap();
    let names: Vec<_> = d.applied.iter().map(|i| p.rule(i).name.clone()).collect();
    assert_eq!(names, ["network-logs", "vip-archive", "default"]);
    assert_eq!(rule_name(&p, d.rule), Some("default"));
    r.tags.clear();
    r.category = "transaction".into(); // excluded from "eu"
    let d = p.evaluate(&r, T0).unwrap();
    assert_eq!(rule_name(&p, d.ceiling_rule), None); // awaiting closing
    assert_eq!(d.tie_break, TieBreak::AwaitingClock);
}

#[test]
fn plans_list_what_becomes_due_in_a_window() {
    let p = policy();
    let records: Vec<Record> = (0..100)
        .map(|i| {
            let mut r = Record::new("general", T0 + i * 10 * DAY);
            r.region = if i % 2 == 0 { "CN" } else { "EU" }.into();
            r
        })
        .collect();
    let from = T0 + 730 * DAY;
    let to = from + 30 * DAY;
    let plan = p.plan(&records, from, to).unwrap();
    assert!(!plan.is_empty());
    let mut last = i64::MIN;
    for item in &plan {
        let t = item.decision.not_before.unwrap();
        assert!((from..to).contains(&t));
        assert!(t >= last);
        last = t;
        assert!(item.decision.is_due());
        // The same as evaluating the record alone at the window's end.
        assert_eq!(p.evaluate(&records[item.index], to).unwrap(), item.decision);
    }
    // Every record due in the window is listed, and no other.
    for (i, r) in records.iter().enumerate() {
        let d = p.evaluate(r, to).unwrap();
        let in_window = d.not_before.is_some_and(|t| (from..to).contains(&t));
        assert_eq!(in_window, plan.iter().any(|x| x.index == i), "record {i}");
    }
    assert_eq!(
        p.plan(&records, to, from).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let batch = p.evaluate_batch(&records, to).unwrap();
    assert_eq!(batch.len(), records.len());
}

#[test]
fn explanations_refuse_decisions_of_other_policies() {
    let p = policy();
    let d = p.evaluate(&complaint_cn(T0), T0).unwrap();
    let other = Policy::from_json(&policy_with(r#"{"name": "x", "floor": "1y"}"#)).unwrap();
    let e = other.explain(&d).unwrap_err();
    assert!(e.detail().contains("another policy"), "{e}");
    // The same hash but a rule this policy does not have.
    let small = Policy::from_json(&policy_with(r#"{"name": "x", "floor": "1y"}"#)).unwrap();
    let mut forged = small.evaluate(&complaint_cn(T0), T0).unwrap();
    forged.floor_rule = Some(7);
    assert_eq!(
        small.explain(&forged).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let mut forged = small.evaluate(&complaint_cn(T0), T0).unwrap();
    forged.applied = chatvault::retention::RuleSet::from_words([0, 0, 0, 1]);
    assert!(small
        .explain(&forged)
        .unwrap_err()
        .detail()
        .contains("beyond"));
}

#[test]
fn batches_and_plans_name_the_record_that_fails() {
    let p = policy();
    let mut records = vec![Record::new("general", T0); 3];
    records[2].closed = Some(-1);
    let e = p.evaluate_batch(&records, T0).unwrap_err();
    assert!(
        e.detail().starts_with("records[2]: record closed -1"),
        "{e}"
    );
    let e = p.plan(&records, T0, T0 + DAY).unwrap_err();
    assert!(e.detail().starts_with("records[2]: "), "{e}");
    let e = p.evaluate_batch(&records, -5).unwrap_err();
    assert!(e.detail().starts_with("now -5"), "{e}");
    let e = p.plan(&records, 0, MAX_TIME + 1).unwrap_err();
    assert!(e.detail().starts_with("to "), "{e}");
}

#[test]
fn times_out_of_range_are_refused() {
    let p = policy();
    let r = Record::new("general", T0);
    for now in [-1, MAX_TIME + 1, i64::MIN, i64::MAX] {
        assert_eq!(
            p.evaluate(&r, now).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    let mut bad = r.clone();
    bad.closed = Some(i64::MAX);
    assert!(p
        .evaluate(&bad, T0)
        .unwrap_err()
        .detail()
        .contains("closed"));
    let mut bad = r.clone();
    bad.events.push(("dispute_resolved".into(), -5));
    assert!(p.evaluate(&bad, T0).is_err());
    let mut bad = r.clone();
    let mut h = LegalHold::new(T0 + 10, "a", "b");
    h.released_at = Some(T0);
    bad.holds.push(h);
    assert!(p
        .evaluate(&bad, T0)
        .unwrap_err()
        .detail()
        .contains("before it was set"));
    // The extremes are fine.
    let mut edge = Record::new("general", MAX_TIME);
    edge.closed = Some(MAX_TIME);
    p.evaluate(&edge, MAX_TIME).unwrap();
    p.evaluate(&Record::new("unknown-category", 0), 0).unwrap();
}

#[test]
fn explanations_name_the_rules_dates_and_policy() {
    let p = policy();
    let mut r = complaint_cn(T0);
    r.closed = Some(T0);
    let d = p.evaluate(&r, T0 + 2000 * DAY).unwrap();
    let text = p.explain(&d).unwrap();
    for needle in [
        "Shred now: due since 2029-01-01, to be done by 2029-01-08",
        "rule \"complaints\" sets a ceiling of 3 years from closing, then shred",
        "explicit beats implicit",
        "Floor: rule \"complaints\" keeps it at least 1 year from closing (until 2027-01-01)",
        "Rules applied: network-logs, complaints, default",
        "Policy \"acme-cn\" version 3 (sha256 ",
        "evaluated at 2031-06-24",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    assert!(!text.contains('\n'));
}

// -------------------------------------------------------- preservation lock

fn locked(version: u32, rules: &str) -> Policy {
    let json = policy_with(rules)
        .replace("\"version\": 3", &format!("\"version\": {version}"))
        .replace(
            "\"name\": \"acme-cn\",",
            "\"name\": \"acme-cn\", \"locked\": true,",
        );
    Policy::from_json(&json).unwrap()
}

#[test]
fn updates_need_a_higher_version_and_the_same_name() {
    let p = policy();
    let e = p.check_update(&policy()).unwrap_err().to_string();
    assert!(
        e.contains("version: 3 must be higher than the current 3"),
        "{e}"
    );
    let next = Policy::from_json(
        &policy_with(r#"{"name": "x", "floor": "1y"}"#).replace("\"version\": 3", "\"version\": 4"),
    )
    .unwrap();
    p.check_update(&next).unwrap(); // unlocked: anything goes
    let other = Policy::from_json(
        &policy_with(RULES)
            .replace("\"version\": 3", "\"version\": 9")
            .replace("acme-cn", "other"),
    )
    .unwrap();
    assert!(p
        .check_update(&other)
        .unwrap_err()
        .to_string()
        .contains("cannot replace"));
}

#[test]
fn the_preservation_lock_only_accepts_keeping_data_at_least_as_long() {
    let base = r#"{"name": "logs", "template": "cn-csl-network-logs"},
        {"name": "complaints", "select": {"category": ["complaint"]}, "floor": "1y", "ceiling": "3y", "from": "closed", "action": "delete"},
        {"name": "default", "ceiling": "2y", "action": "delete"}"#;
    let old = locked(1, base);
    let ok = |rules: &str| {
        old.check_update(&locked(2, rules))
            .map_err(|e| e.to_string())
    };
    // Longer floor and ceiling, a wider floor-only rule, delete to shred, a
    // new floor-only rule: all keep data at least as long.
    ok(r#"{"name": "logs", "floor": "1y", "select": {}},
        {"name": "complaints", "select": {"category": ["complaint"]}, "floor": "2y", "ceiling": "5y", "from": "closed", "action": "shred"},
        {"name": "default", "ceiling": "3y", "action": "delete"},
        {"name": "new-floor", "select": {"region": ["CN"]}, "floor": "1y"}"#)
    .unwrap();
    for (rules, needle) in [
        // Shorter floor.
        (base.replace(r#""floor": "1y", "ceiling": "3y""#, r#""floor": "6m", "ceiling": "3y""#), "a locked floor can only grow"),
        // Shorter ceiling.
        (base.replace(r#""ceiling": "2y""#, r#""ceiling": "1y""#), "a locked ceiling can only grow"),
        // A removed rule.
        (base.replace(r#"{"name": "logs", "template": "cn-csl-network-logs"},"#, ""), "cannot remove a rule"),
        // A widened ceiling rule shortens retention of general chats.
        (base.replace(r#"["complaint"]"#, r#"["complaint", "general"]"#), "keeps its selection exactly"),
        // Another clock.
        (base.replace(r#""from": "closed""#, r#""from": "created""#), "keeps its clock"),
        // A new ceiling.
        (format!("{base}, {{\"name\": \"fast\", \"select\": {{\"region\": [\"EU\"]}}, \"ceiling\": \"3y\", \"action\": \"delete\"}}"), "cannot set a ceiling"),
        // A floor-only rule gaining a ceiling.
        (base.replace(r#""template": "cn-csl-network-logs""#, r#""template": "cn-csl-network-logs", "ceiling": "5y", "action": "delete""#), "cannot gain a ceiling"),
        // Delete to archive.
        (base.replace(r#""3y", "from": "closed", "action": "delete""#, r#""3y", "from": "closed", "action": "archive""#), "keeps its end action"),
    ] {
        let e = ok(&rules).unwrap_err();
        assert!(e.contains(needle), "{needle:?} not in {e}");
    }
    // Removing the lock is refused.
    let unlocked =
        Policy::from_json(&policy_with(base).replace("\"version\": 3", "\"version\": 5")).unwrap();
    let e = old.check_update(&unlocked).unwrap_err().to_string();
    assert!(e.contains("the preservation lock cannot be removed"), "{e}");
}
