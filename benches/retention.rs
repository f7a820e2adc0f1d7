//! Retention decisions per second on a 30-rule policy, and policy load
//! with every load-time check, each beside a reference in the same run.
//!
//! The policy (built here, 30 rules: two legal-floor templates, 28 rules
//! over 6 categories, 4 regions, 4 channels, 8 departments and tags, with
//! floors, ceilings, exceptions and four clocks) and 1,024 conversations
//! (varied attributes, a third closed, some with events, erasure requests
//! and legal holds) are generated deterministically; no external data.
//!
//! `retention/evaluate` (throughput in decisions):
//! - `chatvault_evaluate`: `Policy::evaluate` for each conversation, with
//!   the whole precedence (holds, floors, explicit over implicit, erasure).
//! - `naive_string_rules`: the reference a helpdesk would hand-roll: for
//!   each of the same rules, compare the conversation's strings to the
//!   rule's lists, then take the longest floor and shortest ceiling with
//!   the same calendar arithmetic. No holds, erasure or explicit/implicit
//!   precedence: less work than the real thing.
//!
//! `retention/load` (one policy file):
//! - `chatvault_from_json`: `Policy::from_json` with every check
//!   (unknown fields, reachability, ceiling below floor, lookup tables).
//! - `serde_json_value`: only parsing the same text into a
//!   `serde_json::Value`, the floor any JSON loader pays.
//!
//! Run: `cargo bench --bench retention`. Results: docs/BENCHMARKS.md.

use std::hint::black_box;

use chatvault::retention::{Anchor, LegalHold, Period, Policy, Record};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const DAY: i64 = 86_400;
const T0: i64 = 1_767_225_600;
const CATEGORIES: [&str; 6] = [
    "complaint",
    "transaction",
    "legal_dispute",
    "general",
    "refund",
    "presale",
];
const REGIONS: [&str; 4] = ["CN", "EU", "HK", "US"];
const CHANNELS: [&str; 4] = ["web", "app", "wechat", "phone"];
const DEPARTMENTS: [&str; 8] = [
    "sales",
    "support",
    "billing",
    "vip",
    "logistics",
    "after-sales",
    "legal",
    "risk",
];
const TAGS: [&str; 4] = ["vip", "minor", "escalated", "test"];

/// A small deterministic generator (xorshift), so runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, pool: &[&'a str], max: usize) -> Vec<&'a str> {
        let n = 1 + self.below(max);
        let mut out: Vec<&str> = Vec::new();
        while out.len() < n {
            let v = pool[self.below(pool.len())];
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

fn list(v: &[&str]) -> String {
    let q: Vec<_> = v.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", q.join(", "))
}

/// The 30-rule policy. Floors stay at or under a year and ceilings at 13
/// months or more (37 here: the e-commerce template floor is 36), so it
/// passes the ceiling-below-floor check.
fn policy_json() -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rules = vec![
        r#"{"name": "network-logs", "template": "cn-csl-network-logs"}"#.to_owned(),
        r#"{"name": "transactions", "template": "cn-ecommerce-transactions", "select": {"category": ["transaction", "refund"]}, "ceiling": "5y", "action": "shred"}"#.to_owned(),
    ];
    let clocks = [
        "created",
        "last_activity",
        "closed",
        "event:dispute_resolved",
    ];
    let actions = ["delete", "shred", "archive", "review"];
    for i in 0..27 {
        let mut select = Vec::new();
        match i % 4 {
            0 => select.push(format!(
                "\"category\": {}",
                list(&rng.pick(&CATEGORIES[2..], 2))
            )),
            1 => select.push(format!("\"region\": {}", list(&rng.pick(&REGIONS, 2)))),
            2 => {
                select.push(format!(
                    "\"department\": {}",
                    list(&rng.pick(&DEPARTMENTS, 3))
                ));
                select.push(format!("\"channel\": {}", list(&rng.pick(&CHANNELS, 2))));
            }
            _ => select.push(format!("\"tags_any\": {}", list(&rng.pick(&TAGS[..3], 2)))),
        }
        let mut r = format!(
            "{{\"name\": \"rule-{i}\", \"select\": {{{}}}",
            select.join(", ")
        );
        if i % 5 == 0 {
            r += ", \"except\": {\"tags\": [\"test\"]}";
        }
        if i % 3 != 2 {
            r += &format!(", \"floor\": \"{}m\"", 1 + rng.below(12));
        }
        if i % 3 != 0 {
            r += &format!(
                ", \"ceiling\": \"{}m\", \"action\": \"{}\"",
                37 + rng.below(48),
                actions[rng.below(4)]
            );
        }
        r += &format!(", \"from\": \"{}\"}}", clocks[rng.below(4)]);
        rules.push(r);
    }
    rules.push(
        r#"{"name": "default", "ceiling": "3y", "from": "last_activity", "action": "delete"}"#
            .to_owned(),
    );
    assert_eq!(rules.len(), 30);
    format!(
        r#"{{"chatvault_retention": 1, "name": "bench", "version": 1,
  "vocabulary": {{"categories": {}, "regions": {}, "channels": {}, "departments": {}, "events": ["dispute_resolved"]}},
  "erasure": {{"action": "shred", "within": "30d"}}, "grace": "7d",
  "rules": [
    {}
  ]}}"#,
        list(&CATEGORIES),
        list(&REGIONS),
        list(&CHANNELS),
        list(&DEPARTMENTS),
        rules.join(",\n    ")
    )
}

fn records(n: usize) -> Vec<Record> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..n)
        .map(|i| {
            let created = T0 + rng.below(700) as i64 * DAY;
            let mut r = Record::new(CATEGORIES[rng.below(6)], created);
            r.region = REGIONS[rng.below(4)].into();
            r.channel = CHANNELS[rng.below(4)].into();
            r.department = DEPARTMENTS[rng.below(8)].into();
            if rng.below(3) == 0 {
                r.tags = rng.pick(&TAGS, 2).into_iter().map(String::from).collect();
            }
            r.last_activity = Some(created + rng.below(30) as i64 * DAY);
            if i % 3 == 0 {
                r.closed = Some(created + rng.below(60) as i64 * DAY);
            }
            if i % 7 == 0 {
                r.events
                    .push(("dispute_resolved".into(), created + 200 * DAY));
            }
            if i % 11 == 0 {
                r.erasure_requested = Some(created + 100 * DAY);
            }
            if i % 13 == 0 {
                let mut h = LegalHold::new(created + 50 * DAY, "legal", "case");
                h.released_at = Some(created + 400 * DAY);
                r.holds.push(h);
            }
            r
        })
        .collect()
}

/// The hand-rolled reference: the same rules as plain string lists.
struct NaiveRule {
    include: [Option<Vec<String>>; 4],
    tags_any: Vec<String>,
    floor: Option<Period>,
    ceiling: Option<Period>,
    anchor: Anchor,
}

fn naive_rules(p: &Policy) -> Vec<NaiveRule> {
    p.rules()
        .iter()
        .map(|r| NaiveRule {
            include: r.select.include.clone(),
            tags_any: r.select.tags_any.clone(),
            floor: r.floor,
            ceiling: r.ceiling,
            anchor: r.anchor.clone(),
        })
        .collect()
}

fn naive(rules: &[NaiveRule], r: &Record) -> (Option<i64>, Option<i64>) {
    let attrs = [&r.category, &r.region, &r.channel, &r.department];
    let mut floor = None;
    let mut ceiling: Option<i64> = None;
    for rule in rules {
        let selected = rule
            .include
            .iter()
            .zip(attrs)
            .all(|(inc, a)| inc.as_ref().is_none_or(|l| l.iter().any(|v| v == a)))
            && (rule.tags_any.is_empty() || rule.tags_any.iter().any(|t| r.tags.contains(t)));
        if !selected {
            continue;
        }
        let start = match &rule.anchor {
            Anchor::Created => Some(r.created),
            Anchor::LastActivity => r.last_activity.or(Some(r.created)),
            Anchor::Closed => r.closed,
            Anchor::Event(e) => r.events.iter().filter(|x| &x.0 == e).map(|x| x.1).max(),
        };
        let Some(start) = start else { continue };
        if let Some(f) = rule.floor {
            floor = floor.max(Some(f.after(start)));
        }
        if let Some(c) = rule.ceiling {
            let end = c.after(start);
            ceiling = Some(ceiling.map_or(end, |x| x.min(end)));
        }
    }
    (floor, ceiling)
}

fn bench(c: &mut Criterion) {
    let json = policy_json();
    let policy = Policy::from_json(&json).expect("bench policy loads");
    let recs = records(1024);
    let now = T0 + 900 * DAY;
    let rules = naive_rules(&policy);
    let mut actions = std::collections::BTreeMap::new();
    for r in &recs {
        *actions
            .entry(format!("{:?}", policy.evaluate(r, now).unwrap().action))
            .or_insert(0) += 1;
    }
    eprintln!(
        "retention bench: {} rules, {} conversations, decisions at now: {actions:?}, {} warnings",
        policy.rules().len(),
        recs.len(),
        policy.warnings().len()
    );

    let mut g = c.benchmark_group("retention/evaluate");
    g.throughput(Throughput::Elements(recs.len() as u64));
    g.bench_function("chatvault_evaluate", |b| {
        b.iter(|| {
            for r in &recs {
                black_box(policy.evaluate(black_box(r), now).unwrap());
            }
        })
    });
    g.bench_function("naive_string_rules", |b| {
        b.iter(|| {
            for r in &recs {
                black_box(naive(&rules, black_box(r)));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("retention/load");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("chatvault_from_json", |b| {
        b.iter(|| Policy::from_json(black_box(&json)).unwrap())
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
