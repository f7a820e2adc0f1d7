//! The archive workflow end to end: ingest, scanning, masking, views,
//! reveals, search, consent, behaviours, reports, erasure, retention
//! sweeps, statistics, tampering and crashes, threads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chatvault::archive::{
    Archive, Behaviour, ConsentEvent, ConsentRule, Conversation, ErasureState, Filter,
    KeyDestination, Message, Options, Protect, Report, ShareHolder, State, Unlock,
};
use chatvault::audit::{EventKind, Query, Role};
use chatvault::keys::{
    open_key_share, AgentGrant, AgentScope, GranteeSecret, IdClass, Kek, KeyShare, MasterKey,
    SupervisorGrant, SupervisorScope, Validity,
};
use chatvault::pii::EntityType;
use chatvault::scan::{self, DictionaryBuilder, Direction};
use chatvault::ErrorKind;

const DAY: i64 = 86_400;
/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

fn kek() -> Kek {
    Kek::from_bytes([9; 32])
}

fn create(dir: &Path, options: Options) -> Archive {
    Archive::create(
        dir,
        "acme",
        MasterKey::generate().unwrap(),
        Protect::Kek(&kek()),
        options,
    )
    .unwrap()
}

fn reopen(dir: &Path) -> Archive {
    Archive::open(dir, Unlock::Kek(&kek())).unwrap()
}

fn supervisor(a: &Archive, depts: &[&str], from: i64, to: i64) -> SupervisorGrant {
    let s = GranteeSecret::generate().unwrap();
    let blob = a
        .issue_supervisor_grant(
            &s.public(),
            "sup",
            &SupervisorScope::new(depts, from, to).unwrap(),
            Validity::new(T0, T0 + 400 * DAY).unwrap(),
            "owner",
            &[],
            T0,
        )
        .unwrap();
    SupervisorGrant::open(&blob, &s, &a.tenant_public()).unwrap()
}

fn agent(a: &Archive, classes: &[IdClass]) -> AgentGrant {
    let s = GranteeSecret::generate().unwrap();
    let blob = a
        .issue_agent_grant(
            &s.public(),
            "agent",
            &AgentScope::new(classes).unwrap(),
            Validity::new(T0, T0 + 400 * DAY).unwrap(),
            "owner",
            &[],
            T0,
        )
        .unwrap();
    AgentGrant::open(&blob, &s, &a.tenant_public()).unwrap()
}

fn conv(id: &str, dept: &str, customer: &str, started: i64) -> Conversation {
    Conversation::new(id, dept, customer, started)
}

fn events(a: &Archive, kind: EventKind) -> usize {
    a.with_audit(|log| {
        log.query(&Query {
            kinds: vec![kind],
            ..Query::default()
        })
        .unwrap()
        .len()
    })
    .unwrap()
}

fn scanner() -> scan::Scanner {
    let mut b = DictionaryBuilder::new();
    let contact = b.category("contact").unwrap();
    let abuse = b.category("abuse").unwrap();
    b.add("微信", contact, false).unwrap();
    b.add("傻瓜", abuse, false).unwrap();
    let refund = b.category("refund").unwrap();
    b.add("退款", refund, false).unwrap();
    let mut p = scan::Policy::new(scan::Action::Allow);
    p.set(contact, Direction::AgentToCustomer, scan::Action::Block);
    p.set(contact, Direction::CustomerToAgent, scan::Action::Report);
    p.set(abuse, Direction::AgentToCustomer, scan::Action::Block);
    p.set(abuse, Direction::CustomerToAgent, scan::Action::Mask);
    b.build(scan::Normalization::ALL, p).unwrap()
}

#[test]
fn ingest_view_reveal_search_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    let m1 = a
        .ingest(&Message::customer(
            "c1",
            "m1",
            T0 + 10,
            "手机 13800138000，身份证 11010519491231002X",
        ))
        .unwrap();
    assert!(m1.stored);
    assert_eq!(m1.display, "手机 138****8000，身份证 110***********002X");
    assert_eq!(m1.masked.len(), 2);
    assert_eq!(m1.masked[0].0, EntityType::CnMobile);
    a.ingest(&Message::agent(
        "c1",
        "m2",
        "agent-7",
        T0 + 40,
        "好的，已登记",
    ))
    .unwrap();

    let sup = supervisor(&a, &["sales"], T0, T0 + 31 * DAY);
    let v = a.view(&sup, "sup-1", "c1", T0 + 100).unwrap();
    assert_eq!(v.messages.len(), 2);
    assert_eq!(v.messages[0].text, m1.display);
    assert_eq!(v.messages[1].sender, "agent-7");
    assert_eq!(v.messages[1].role, Role::Agent);

    let phones = agent(&a, &[IdClass::Phone]);
    let got = a
        .reveal(&phones, "agent-7", "cust-1", "c1", "m1", 0, T0 + 100)
        .unwrap();
    assert_eq!(got.as_str(), "13800138000");
    // The ID card is another class.
    let err = a
        .reveal(&phones, "agent-7", "cust-1", "c1", "m1", 1, T0 + 100)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GrantOutOfScope);
    // Another customer's name does not open this conversation.
    let err = a
        .reveal(&phones, "agent-7", "cust-2", "c1", "m1", 0, T0 + 100)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GrantOutOfScope);
    assert_eq!(events(&a, EventKind::FieldRevealed), 3);

    let hits = a
        .search(
            "sup-1",
            Role::Supervisor,
            IdClass::Phone,
            "+86 138 0013 8000",
            T0,
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].conversation.as_str(), hits[0].message.as_str()),
        ("c1", "m1")
    );
    assert!(a
        .search("sup-1", Role::Supervisor, IdClass::Phone, "13900139000", T0)
        .unwrap()
        .is_empty());
    let id_hits = a
        .search(
            "sup-1",
            Role::Supervisor,
            IdClass::IdCard,
            "11010519491231002x",
            T0,
        )
        .unwrap();
    assert_eq!(id_hits.len(), 1);

    let report = a.verify().unwrap();
    assert!(report.is_consistent(), "{report:?}");
    assert_eq!((report.messages, report.matched), (2, 2));
    drop(a);

    let a = reopen(dir.path());
    let v2 = a.view(&sup, "sup-1", "c1", T0 + 200).unwrap();
    assert_eq!(v2.messages, v.messages);
    assert!(a.verify().unwrap().is_consistent());
    assert_eq!(events(&a, EventKind::ArchiveViewed), 2);
    assert_eq!(events(&a, EventKind::MessageArchived), 2);
    // The master key does not open with another KEK.
    drop(a);
    let err = Archive::open(dir.path(), Unlock::Kek(&Kek::from_bytes([1; 32]))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decrypt);
}

#[test]
fn supervisor_grants_are_enforced_and_every_refusal_audited() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.start_conversation(&conv("c2", "support", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0 + 10, "hello"))
        .unwrap();
    // A message after the grant's window (the window ends at T0 + 1 day).
    a.ingest(&Message::customer("c1", "m2", T0 + DAY + 5, "again"))
        .unwrap();
    a.ingest(&Message::customer("c2", "m1", T0 + 10, "other dept"))
        .unwrap();
    let sup = supervisor(&a, &["sales"], T0, T0 + DAY);
    let v = a.view(&sup, "sup", "c1", T0 + 2 * DAY).unwrap();
    assert_eq!((v.messages.len(), v.withheld), (1, 1));
    let err = a.view(&sup, "sup", "c2", T0 + 2 * DAY).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GrantOutOfScope);
    // After the grant's validity.
    let err = a.view(&sup, "sup", "c1", T0 + 500 * DAY).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GrantExpired);
    // An unknown conversation is an input error, audited as a refused
    // view (a probe for what exists is an access attempt too).
    assert_eq!(
        a.view(&sup, "sup", "nope", T0).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let views = a
        .with_audit(|log| {
            log.query(&Query {
                kinds: vec![EventKind::ArchiveViewed],
                ..Query::default()
            })
        })
        .unwrap()
        .unwrap();
    assert_eq!(views.len(), 4);
    let outcomes: Vec<String> = views
        .iter()
        .map(|e| match e.event.details.get("outcome") {
            Some(chatvault::audit::Value::Text(t)) => t.clone(),
            other => panic!("no outcome: {other:?}"),
        })
        .collect();
    assert_eq!(outcomes[0], "ok");
    assert!(outcomes[1].starts_with("refused:"), "{outcomes:?}");
    assert!(outcomes[2].starts_with("refused:"), "{outcomes:?}");
    assert!(outcomes[3].contains("no conversation"), "{outcomes:?}");
}

#[test]
fn blocked_reported_and_masked_words_with_live_reports() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_scanner(scanner()).unwrap();
    let seen: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = seen.clone();
    a.set_reporter(Some(Arc::new(move |r: &Report| {
        sink.lock().unwrap().push(r.clone())
    })))
    .unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    // An agent may not send a contact word: blocked, not stored.
    let out = a
        .ingest(&Message::agent(
            "c1",
            "m1",
            "agent-7",
            T0 + 1,
            "加我微 信吧",
        ))
        .unwrap();
    assert!(!out.stored);
    assert_eq!(out.verdict.action, scan::Action::Block);
    assert_eq!(out.verdict.matches[0].word, "微信");
    assert!(out.display.is_empty());
    // A blocked message's id stays taken.
    assert_eq!(
        a.ingest(&Message::agent("c1", "m1", "agent-7", T0 + 2, "ok"))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    // A customer's contact word is reported and stored.
    let out = a
        .ingest(&Message::customer(
            "c1",
            "m2",
            T0 + 3,
            "你加我微信 13800138000",
        ))
        .unwrap();
    assert!(out.stored);
    assert_eq!(out.verdict.action, scan::Action::Report);
    // A customer's insult is masked in the archive.
    let out = a
        .ingest(&Message::customer("c1", "m3", T0 + 4, "你这个傻瓜"))
        .unwrap();
    assert_eq!(out.display, "你这个**");
    let reports = seen.lock().unwrap().clone();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].kind, EventKind::MessageBlocked);
    assert_eq!(reports[0].actor, "agent-7");
    assert_eq!(reports[1].kind, EventKind::MessageReported);
    assert_eq!(reports[1].detail, "reported: contact");
    assert!(!reports.iter().any(|r| r.detail.contains("13800138000")));
    assert_eq!(events(&a, EventKind::MessageBlocked), 1);
    assert_eq!(events(&a, EventKind::MessageReported), 1);
    let list = a.list(&Filter::default()).unwrap();
    assert_eq!((list[0].messages, list[0].blocked), (2, 1));

    // Behaviours: reported and audited; a known device is not.
    a.record_behaviour(
        "agent-7",
        Role::Agent,
        "sales",
        Behaviour::MessageDeleted {
            conversation: "c1",
            message: "m2",
        },
        T0 + 10,
    )
    .unwrap();
    let login = |t| {
        a.record_behaviour(
            "agent-7",
            Role::Agent,
            "sales",
            Behaviour::Login { device: "pc-1" },
            t,
        )
        .unwrap()
    };
    assert!(login(T0 + 20));
    assert!(!login(T0 + 30));
    let reports = seen.lock().unwrap().clone();
    assert_eq!(reports.len(), 4);
    assert_eq!(reports[2].kind, EventKind::MessageDeletedByAgent);
    assert_eq!(reports[3].kind, EventKind::NewDeviceLogin);
    let sup = supervisor(&a, &["sales"], T0, T0 + DAY);
    let v = a.view(&sup, "sup", "c1", T0 + 60).unwrap();
    assert!(v.messages[0].deleted_by_agent);
    // Known devices survive reopening.
    drop(a);
    let a = reopen(dir.path());
    assert!(!a
        .record_behaviour(
            "agent-7",
            Role::Agent,
            "sales",
            Behaviour::Login { device: "pc-1" },
            T0 + 40
        )
        .unwrap());
}

#[test]
fn consent_is_required_when_the_archive_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(
        dir.path(),
        Options {
            consent: ConsentRule::Consent,
            ..Options::default()
        },
    );
    let err = a
        .start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
    a.record_consent("cust-1", ConsentEvent::Notified, T0)
        .unwrap();
    assert_eq!(
        a.start_conversation(&conv("c1", "sales", "cust-1", T0))
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    a.record_consent("cust-1", ConsentEvent::Given, T0).unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0 + 1, "hi"))
        .unwrap();
    a.record_consent("cust-1", ConsentEvent::Withdrawn, T0 + 2)
        .unwrap();
    let err = a
        .ingest(&Message::customer("c1", "m2", T0 + 3, "hi again"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert_eq!(a.state("c1").unwrap(), State::Restricted);
    let sup = supervisor(&a, &["sales"], T0, T0 + DAY);
    assert_eq!(
        a.view(&sup, "sup", "c1", T0 + 5).unwrap_err().kind(),
        ErrorKind::Refused
    );
    assert_eq!(events(&a, EventKind::ConsentRecorded), 2);
    assert_eq!(events(&a, EventKind::ConsentWithdrawn), 1);
    // The rule survives reopening.
    drop(a);
    let a = reopen(dir.path());
    assert_eq!(a.options().consent, ConsentRule::Consent);
    assert_eq!(
        a.start_conversation(&conv("c9", "sales", "cust-9", T0))
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
}

const POLICY: &str = r#"{
  "chatvault_retention": 1,
  "name": "test",
  "version": 1,
  "vocabulary": {"categories": ["general", "complaint"], "events": []},
  "erasure": {"action": "shred", "within": "15d"},
  "rules": [
    {"name": "complaints", "select": {"category": ["complaint"]}, "floor": "1y"},
    {"name": "default", "except": {"category": ["complaint"]}, "ceiling": "90d",
     "from": "last_activity", "action": "delete"}
  ]
}"#;

#[test]
fn erasure_waits_for_the_floor_then_shreds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_retention_policy(POLICY, "owner", T0).unwrap();
    let mut complaint = conv("c1", "sales", "cust-1", T0);
    complaint.category = "complaint".into();
    a.start_conversation(&complaint).unwrap();
    a.start_conversation(&conv("c2", "sales", "cust-1", T0))
        .unwrap();
    a.start_conversation(&conv("c3", "sales", "cust-2", T0))
        .unwrap();
    for c in ["c1", "c2", "c3"] {
        a.ingest(&Message::customer(c, "m1", T0 + 5, "手机 13800138000"))
            .unwrap();
    }
    // The identity check fails: nothing happens but the audit.
    let err = a
        .request_erasure("cust-1", &mut |_| false, T0 + DAY)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert_eq!(
        a.erasure_status("cust-1", T0 + DAY).unwrap().state,
        ErasureState::NotRequested
    );
    let s = a
        .request_erasure("cust-1", &mut |c| c == "cust-1", T0 + DAY)
        .unwrap();
    // The general conversation goes at once; the complaint waits a year.
    assert_eq!(s.state, ErasureState::Restricted);
    assert_eq!((s.conversations, s.disposed), (2, 1));
    let due = s.next_due.unwrap();
    assert!((T0 + 365 * DAY..=T0 + 366 * DAY).contains(&due), "{due}");
    assert_eq!(a.state("c1").unwrap(), State::Restricted);
    assert_eq!(a.state("c2").unwrap(), State::Disposed);
    assert_eq!(a.state("c3").unwrap(), State::Live);
    // Restricted: no agent reveals, no supervisor views.
    let phones = agent(&a, &[IdClass::Phone]);
    assert_eq!(
        a.reveal(&phones, "agent", "cust-1", "c1", "m1", 0, T0 + 2 * DAY)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    // Search finds neither the shredded nor the restricted conversation.
    let hits = a
        .search(
            "sup",
            Role::Supervisor,
            IdClass::Phone,
            "13800138000",
            T0 + DAY,
        )
        .unwrap();
    let convs: Vec<&str> = hits.iter().map(|h| h.conversation.as_str()).collect();
    assert_eq!(convs, ["c3"]);

    // An approval request on record does not trouble the compaction's
    // replay.
    a.request_approval(
        &chatvault::archive::Operation::ReleaseHold { conversation: "c1" },
        "legal",
        T0,
        60,
    )
    .unwrap();
    // A year on, the sweep shreds the complaint and the customer's keys.
    let r = a.sweep("system", due).unwrap();
    assert_eq!(r.erasures_completed, 1, "{r:?}");
    assert!(r.applied.iter().any(|x| x.conversation == "c1"));
    let (before, after) = r.compacted.unwrap();
    assert!(after < before);
    let s = a.erasure_status("cust-1", due).unwrap();
    assert_eq!(s.state, ErasureState::Completed);
    assert_eq!((s.conversations, s.disposed), (2, 2));
    assert!(a
        .keyring()
        .data_key(&chatvault::keys::DataKeyId::customer(
            "cust-1",
            IdClass::Phone
        ))
        .is_err());
    assert_eq!(events(&a, EventKind::ErasureCompleted), 1);
    // The other customer is untouched by the erasure (its own 90-day
    // ceiling has long passed: the sweep deleted it too).
    assert!(r.applied.iter().any(|x| x.conversation == "c3"));
    assert!(a.verify().unwrap().is_consistent());
    // The record file no longer holds the erased content.
    let bytes = std::fs::read(dir.path().join("records/journal.cvar")).unwrap();
    assert!(!bytes.windows(3).any(|w| w == b"m1\0"));
    drop(a);
    let a = reopen(dir.path());
    assert_eq!(
        a.erasure_status("cust-1", due).unwrap().state,
        ErasureState::Completed
    );
    assert!(a.verify().unwrap().is_consistent());
}

#[test]
fn sweep_respects_holds_and_reports_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    assert_eq!(
        a.sweep("system", T0).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let review = POLICY.replace(
        r#"{"name": "complaints", "select": {"category": ["complaint"]}, "floor": "1y"}"#,
        r#"{"name": "complaints", "select": {"category": ["complaint"]}, "floor": "1y", "ceiling": "2y", "action": "review"}"#,
    );
    a.set_retention_policy(&review, "owner", T0).unwrap();
    let seen: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = seen.clone();
    a.set_reporter(Some(Arc::new(move |r: &Report| {
        sink.lock().unwrap().push(r.clone())
    })))
    .unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.start_conversation(&conv("c2", "sales", "cust-2", T0))
        .unwrap();
    let mut complaint = conv("c3", "sales", "cust-3", T0);
    complaint.category = "complaint".into();
    a.start_conversation(&complaint).unwrap();
    a.set_hold("c1", "legal", "case 7", T0 + DAY).unwrap();
    let plan = a.retention_plan(T0, T0 + 100 * DAY).unwrap();
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert_eq!(plan[0].conversation, "c2");
    assert!(!plan[0].why.is_empty());

    let r = a.sweep("system", T0 + 100 * DAY).unwrap();
    assert_eq!(r.held, 1);
    assert_eq!(r.applied.len(), 1);
    assert_eq!(a.state("c1").unwrap(), State::Live);
    assert_eq!(a.state("c2").unwrap(), State::Disposed);
    a.release_hold("c1", "legal", &[], T0 + 101 * DAY).unwrap();
    assert_eq!(
        a.release_hold("c1", "legal", &[], T0 + 101 * DAY)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    let r = a.sweep("system", T0 + 102 * DAY).unwrap();
    assert_eq!(r.applied[0].conversation, "c1");
    // The complaint reaches its review ceiling after two years.
    let r = a.sweep("system", T0 + 800 * DAY).unwrap();
    assert_eq!(r.applied.len(), 1);
    assert_eq!(r.applied[0].action, chatvault::retention::EndAction::Review);
    assert!(seen.lock().unwrap().iter().any(|x| x.conversation == "c3"));
    a.mark_reviewed("c3", "sup", T0 + 801 * DAY).unwrap();
    let r = a.sweep("system", T0 + 802 * DAY).unwrap();
    assert!(r.applied.is_empty(), "{r:?}");
    assert_eq!(events(&a, EventKind::LegalHoldSet), 1);
    assert_eq!(events(&a, EventKind::LegalHoldReleased), 1);
    assert_eq!(events(&a, EventKind::PolicyChanged), 1);
    // A malformed policy is refused and the old one stays.
    assert_eq!(
        a.set_retention_policy("{", "owner", T0).unwrap_err().kind(),
        ErrorKind::Policy
    );
    assert_eq!(a.retention().unwrap().unwrap().name(), "test");
}

#[test]
fn statistics_from_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_scanner(scanner()).unwrap();
    let h = T0 + 9 * 3600;
    a.start_conversation(&conv("c1", "sales", "cust-1", h))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", h, "在吗")).unwrap();
    a.ingest(&Message::customer("c1", "m2", h + 10, "有人吗"))
        .unwrap();
    a.ingest(&Message::agent("c1", "m3", "a1", h + 30, "您好"))
        .unwrap();
    a.ingest(&Message::customer("c1", "m4", h + 40, "退款"))
        .unwrap();
    a.ingest(&Message::agent("c1", "m5", "a1", h + 100, "好的"))
        .unwrap();
    a.ingest(&Message::agent("c1", "m6", "a1", h + 101, "加微信"))
        .unwrap(); // blocked
    a.close("c1", h + 200).unwrap();
    a.start_conversation(&conv("c2", "support", "cust-2", h))
        .unwrap();
    a.ingest(&Message::customer("c2", "m1", h + 5, "hello"))
        .unwrap();
    a.ingest(&Message::agent("c2", "m2", "a2", h + 25, "hi"))
        .unwrap();
    let s = a.today(h + 300, 8 * 3600).unwrap();
    assert_eq!((s.sessions, s.messages, s.blocked, s.open), (2, 7, 1, 1));
    let a1 = &s.agents[0];
    assert_eq!(a1.agent, "a1");
    assert_eq!(
        (a1.sessions, a1.messages, a1.resolved, a1.blocked),
        (1, 2, 1, 1)
    );
    // First response 30 s; responses 30 s and 60 s.
    assert_eq!(a1.first_response_s, Some(30.0));
    assert_eq!(a1.response_s, Some(45.0));
    assert_eq!(s.agents[1].first_response_s, Some(20.0));
    let sales = s
        .departments
        .iter()
        .find(|d| d.department == "sales")
        .unwrap();
    assert_eq!(
        (sales.sessions, sales.resolved, sales.sensitive_hits),
        (1, 1, 1)
    );
    // Another day is empty.
    let s = a.stats(h + DAY, h + 2 * DAY).unwrap();
    assert_eq!((s.sessions, s.messages), (0, 0));
    assert!(a.stats(2, 1).is_err());
    assert!(a.today(h, 15 * 3600).is_err());
}

#[test]
fn bad_input_gets_clear_errors_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    let kind = |r: chatvault::Result<chatvault::archive::Ingested>| r.unwrap_err().kind();
    assert_eq!(
        kind(a.ingest(&Message::customer("nope", "m1", T0, "x"))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(a.ingest(&Message::customer("c1", "", T0, "x"))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(a.ingest(&Message::customer("c1", "m\n1", T0, "x"))),
        ErrorKind::InvalidInput
    );
    let long = "x".repeat(chatvault::archive::MAX_TEXT + 1);
    assert_eq!(
        kind(a.ingest(&Message::customer("c1", "m1", T0, &long))),
        ErrorKind::TooLarge
    );
    let mut m = Message::agent("c1", "m1", "", T0, "x");
    assert_eq!(kind(a.ingest(&m)), ErrorKind::InvalidInput);
    m.role = Role::Owner;
    m.sender = "owner";
    assert_eq!(kind(a.ingest(&m)), ErrorKind::InvalidInput);
    assert_eq!(
        a.start_conversation(&conv("c1", "sales", "cust-1", T0))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    let mut bad = conv("c2", "sales", "cust-1", T0);
    bad.tags = vec!["t".into(); 33];
    assert_eq!(
        a.start_conversation(&bad).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(a.list(&Filter::default()).unwrap()[0].messages, 0);
    assert!(a.verify().unwrap().is_consistent());

    // Creating over a non-empty directory, opening a non-archive.
    let err = Archive::create(
        dir.path(),
        "acme",
        MasterKey::generate().unwrap(),
        Protect::Kek(&kek()),
        Options::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        Archive::open(empty.path(), Unlock::Kek(&kek()))
            .unwrap_err()
            .kind(),
        ErrorKind::Io
    );
}

/// Frames of the record file: (offset, length) of each body.
fn frames(bytes: &[u8]) -> Vec<(usize, usize)> {
    let header = 4 + 1 + 2 + u16::from_be_bytes([bytes[5], bytes[6]]) as usize;
    let mut out = Vec::new();
    let mut pos = header;
    while pos + 8 <= bytes.len() {
        let n = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        out.push((pos + 4, n));
        pos += 8 + n;
    }
    out
}

/// Rewrite a frame's checksum after editing its body, as a forger would.
fn fix_crc(bytes: &mut [u8], body: usize, n: usize) {
    let crc = crc32c(&bytes[body - 4..body + n]);
    bytes[body + n..body + n + 4].copy_from_slice(&crc.to_be_bytes());
}

fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn tampering_with_the_record_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    for i in 0..3 {
        a.ingest(&Message::customer(
            "c1",
            &format!("m{i}"),
            T0 + i,
            "secret text",
        ))
        .unwrap();
    }
    drop(a);
    let path = dir.path().join("records/journal.cvar");
    let good = std::fs::read(&path).unwrap();
    let fr = frames(&good);
    assert_eq!(fr.len(), 4);

    // A flipped bit without fixing the checksum: refused on opening.
    let mut bad = good.clone();
    bad[fr[1].0 + 10] ^= 1;
    std::fs::write(&path, &bad).unwrap();
    assert_eq!(
        Archive::open(dir.path(), Unlock::Kek(&kek()))
            .unwrap_err()
            .kind(),
        ErrorKind::Malformed
    );

    // Changing a message's time with a valid checksum: its MAC fails.
    let mut bad = good.clone();
    let (body, n) = fr[2];
    // conversation "c1" (2+2), id "m1" (2+2), then the time.
    let t = body + 1 + 4 + 4;
    bad[t + 7] ^= 0x01;
    fix_crc(&mut bad, body, n);
    std::fs::write(&path, &bad).unwrap();
    let open = || Archive::open(dir.path(), Unlock::Kek(&kek()));
    assert_eq!(open().unwrap_err().kind(), ErrorKind::BadSignature);

    // Removing a message frame in the middle moves the next one: its MAC
    // (bound to where it lies) fails.
    let mut cut = good[..fr[2].0 - 4].to_vec();
    cut.extend_from_slice(&good[fr[3].0 - 4..]);
    std::fs::write(&path, &cut).unwrap();
    assert_eq!(open().unwrap_err().kind(), ErrorKind::BadSignature);

    // The same frame copied to the end: refused too.
    let mut copied = good.clone();
    copied.extend_from_slice(&good[fr[2].0 - 4..fr[2].0 + fr[2].1 + 4]);
    std::fs::write(&path, &copied).unwrap();
    assert_eq!(open().unwrap_err().kind(), ErrorKind::BadSignature);

    // Cutting the last message off the end looks like a crash to the
    // record file; the audit log remembers it.
    std::fs::write(&path, &good[..fr[3].0 - 4]).unwrap();
    let a = reopen(dir.path());
    let r = a.verify().unwrap();
    assert_eq!(r.removed, vec![("c1".to_owned(), "m2".to_owned())]);
    assert!(!r.is_consistent());
}

#[test]
fn records_slipped_in_or_cut_off_do_not_release_holds() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_retention_policy(POLICY, "owner", T0).unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0 + 1, "hello"))
        .unwrap();
    a.set_hold("c1", "legal", "case 1", T0 + 2).unwrap();
    drop(a);
    let path = dir.path().join("records/journal.cvar");
    let good = std::fs::read(&path).unwrap();
    let frame = |body: Vec<u8>| {
        let mut f = (body.len() as u32).to_be_bytes().to_vec();
        f.extend_from_slice(&body);
        let crc = crc32c(&f);
        f.extend_from_slice(&crc.to_be_bytes());
        f
    };
    let lp = |s: &str| {
        let mut v = (s.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v
    };
    // A hold release nobody made (type 5, set = 0), with a valid checksum
    // and a made-up tag: refused.
    let mut release = vec![5];
    release.extend(lp("c1"));
    release.push(0);
    release.extend(lp("x"));
    release.extend(lp(""));
    release.extend((T0 + 3).to_be_bytes());
    release.extend([0u8; 16]);
    let mut bad = good.clone();
    bad.extend(frame(release));
    std::fs::write(&path, &bad).unwrap();
    assert_eq!(
        Archive::open(dir.path(), Unlock::Kek(&kek()))
            .unwrap_err()
            .kind(),
        ErrorKind::BadSignature
    );
    // The hold's own record cut off the end (it was the last): the archive
    // opens without it, but verify names it and no sweep destroys c1.
    let (hold, _) = *frames(&good).last().unwrap();
    assert_eq!(good[hold], 5);
    std::fs::write(&path, &good[..hold - 4]).unwrap();
    let a = reopen(dir.path());
    assert!(!a.list(&Filter::default()).unwrap()[0].held);
    let v = a.verify().unwrap();
    assert_eq!(v.holds, ["c1"]);
    assert!(!v.is_consistent());
    let r = a.sweep("system", T0 + 800 * DAY).unwrap();
    assert!(r.applied.iter().all(|x| x.conversation != "c1"), "{r:?}");
    assert_eq!(r.skipped.len(), 1, "{r:?}");
    assert_eq!(r.skipped[0].0, "c1");
    assert_ne!(a.state("c1").unwrap(), State::Disposed);
}

#[test]
fn a_torn_last_record_is_cut_and_a_lost_audit_event_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0, "one")).unwrap();
    a.ingest(&Message::customer("c1", "m2", T0 + 1, "two"))
        .unwrap();
    drop(a); // flushes
    let path = dir.path().join("records/journal.cvar");
    let good = std::fs::read(&path).unwrap();
    std::fs::write(&path, &good[..good.len() - 5]).unwrap();
    let a = reopen(dir.path());
    let list = a.list(&Filter::default()).unwrap();
    assert_eq!(list[0].messages, 1);
    // The audit log still says m2 was archived: it was lost in the crash.
    let r = a.verify().unwrap();
    assert_eq!(r.removed, vec![("c1".to_owned(), "m2".to_owned())]);
    // The message can be ingested again.
    a.ingest(&Message::customer("c1", "m2", T0 + 1, "two"))
        .unwrap();
    drop(a);

    // A message whose record reached the disk but whose audit event did
    // not (the audit log is synced second) gets the event on opening.
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0, "one")).unwrap();
    a.flush().unwrap();
    let audit_dir = dir.path().join("audit");
    let seg = std::fs::read_dir(&audit_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "cvlog"))
        .unwrap();
    let audit_before = std::fs::read(&seg).unwrap();
    a.ingest(&Message::customer("c1", "m2", T0 + 1, "two"))
        .unwrap();
    drop(a);
    std::fs::write(&seg, &audit_before).unwrap();
    let a = reopen(dir.path());
    let r = a.verify().unwrap();
    assert!(r.is_consistent(), "{r:?}");
    assert_eq!(r.matched, 2);

    // The same for a hold and a rule whose events were lost:
    // recovered on opening, so nothing reads as tampering, and the hold
    // still counts.
    drop(a);
    let a_dir = dir.path();
    let a = reopen(a_dir);
    a.flush().unwrap();
    let audit_before = std::fs::read(&seg).unwrap();
    a.set_hold("c1", "legal", "case", T0 + 5).unwrap();
    let alice = chatvault::audit::NoteSigner::generate("alice").unwrap();
    let bob = chatvault::audit::NoteSigner::generate("bob").unwrap();
    let rule =
        chatvault::archive::TwoPersonRule::new(2, vec![alice.verifier(), bob.verifier()]).unwrap();
    a.set_two_person_rule(&rule, "owner", &[], T0 + 6).unwrap();
    drop(a);
    std::fs::write(&seg, &audit_before).unwrap();
    let a = reopen(a_dir);
    let r = a.verify().unwrap();
    assert!(r.is_consistent(), "{r:?}");
    assert!(a.list(&Filter::default()).unwrap()[0].held);
    assert_eq!(a.two_person_rule().unwrap().unwrap().threshold, 2);
    assert_eq!(events(&a, EventKind::LegalHoldSet), 1);
}

#[test]
fn threads_ingest_while_others_read() {
    let dir = tempfile::tempdir().unwrap();
    let a = Arc::new(create(dir.path(), Options::default()));
    for t in 0..4 {
        a.start_conversation(&conv(&format!("c{t}"), "sales", &format!("cust-{t}"), T0))
            .unwrap();
    }
    let sup = Arc::new(supervisor(&a, &["sales"], T0, T0 + DAY));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let a = a.clone();
            let sup = sup.clone();
            std::thread::spawn(move || {
                let c = format!("c{t}");
                for i in 0..50 {
                    let text = format!("第{i}条 电话 1380013{:04}", i);
                    a.ingest(&Message::customer(&c, &format!("m{i}"), T0 + i, &text))
                        .unwrap();
                    if i % 10 == 0 {
                        a.view(&sup, "sup", &c, T0 + 100).unwrap();
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let r = a.verify().unwrap();
    assert!(r.is_consistent());
    assert_eq!(r.messages, 200);
    assert_eq!(
        a.search("sup", Role::Supervisor, IdClass::Phone, "13800130007", T0)
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn two_person_control_of_dangerous_operations() {
    use chatvault::archive::{approve, Operation, TwoPersonRule};
    use chatvault::audit::NoteSigner;
    use chatvault::keys::GranteePublic;

    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    let alice = NoteSigner::generate("alice").unwrap();
    let bob = NoteSigner::generate("bob").unwrap();
    let carol = NoteSigner::generate("carol").unwrap();
    let mallory = NoteSigner::generate("mallory").unwrap();
    let rule =
        TwoPersonRule::new(2, vec![alice.verifier(), bob.verifier(), carol.verifier()]).unwrap();
    assert!(TwoPersonRule::new(1, rule.approvers.clone()).is_err());
    assert!(TwoPersonRule::new(4, rule.approvers.clone()).is_err());
    // The first rule is the owner's alone.
    a.set_two_person_rule(&rule, "owner", &[], T0).unwrap();

    let grantee: GranteePublic = GranteeSecret::generate().unwrap().public();
    let scope = SupervisorScope::new(&["sales"], T0, T0 + 31 * DAY).unwrap();
    let validity = Validity::new(T0, T0 + 30 * DAY).unwrap();
    let issue = |approvals: &[&str], label: &str, now: i64| {
        a.issue_supervisor_grant(&grantee, label, &scope, validity, "admin", approvals, now)
    };
    // Without approvals: refused, and the refusal audited.
    assert_eq!(
        issue(&[], "sup", T0).unwrap_err().kind(),
        ErrorKind::Refused
    );
    let op = Operation::IssueSupervisorGrant {
        grantee: &grantee,
        label: "sup",
        scope: &scope,
        validity,
    };
    let request = a.request_approval(&op, "admin", T0, 3600).unwrap();
    assert!(request.contains("operation: issue_supervisor_grant\n"));
    assert!(request.contains("departments: [\"sales\"]\n"));
    assert!(request.contains("requested-by: \"admin\"\n"));
    let by_alice = approve(&request, &alice).unwrap();
    let by_bob = approve(&request, &bob).unwrap();
    let by_mallory = approve(&request, &mallory).unwrap();
    // One approver, or one plus an outsider, is not enough.
    let err = issue(&[&by_alice], "sup", T0 + 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(
        err.to_string()
            .contains("needs 2 approvals; 1 given (alice)"),
        "{err}"
    );
    assert_eq!(
        issue(&[&by_alice, &by_mallory], "sup", T0 + 1)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    // The same approver twice counts once.
    assert_eq!(
        issue(&[&by_alice, &by_alice], "sup", T0 + 1)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    // Approvals of this request do not authorize other parameters.
    assert_eq!(
        issue(&[&by_alice, &by_bob], "another label", T0 + 1)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    // A forged approval (bob's name, mallory's key) fails its signature.
    let forged = by_bob.replace(
        by_bob.lines().last().unwrap(),
        by_mallory
            .lines()
            .last()
            .unwrap()
            .replace("mallory", "bob")
            .as_str(),
    );
    assert!(issue(&[&by_alice, &forged], "sup", T0 + 1).is_err());
    // Expired.
    assert_eq!(
        issue(&[&by_alice, &by_bob], "sup", T0 + 3600)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    // Two approvers: issued, once.
    issue(&[&by_alice, &by_bob], "sup", T0 + 2).unwrap();
    let err = issue(&[&by_alice, &by_bob], "sup", T0 + 3).unwrap_err();
    assert!(err.to_string().contains("already used"), "{err}");
    // A request this archive never issued.
    let fake = request.replace(
        request.lines().last().unwrap(),
        "nonce: 00000000000000000000000000000000",
    );
    let f1 = approve(&fake, &alice).unwrap();
    let f2 = approve(&fake, &bob).unwrap();
    assert_eq!(
        issue(&[&f1, &f2], "sup", T0 + 4).unwrap_err().kind(),
        ErrorKind::Refused
    );

    // Releasing a hold.
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.set_hold("c1", "legal", "case 1", T0).unwrap();
    assert_eq!(
        a.release_hold("c1", "legal", &[], T0 + 5)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    let r = a
        .request_approval(
            &Operation::ReleaseHold { conversation: "c1" },
            "legal",
            T0,
            60,
        )
        .unwrap();
    let ok = [approve(&r, &bob).unwrap(), approve(&r, &carol).unwrap()];
    a.release_hold("c1", "legal", &[&ok[0], &ok[1]], T0 + 6)
        .unwrap();
    assert!(!a.list(&Filter::default()).unwrap()[0].held);

    // The master key as 2-of-3 shares, each sealed to a named holder, then
    // the archive opened with two.
    let holder_keys: Vec<GranteeSecret> =
        (0..3).map(|_| GranteeSecret::generate().unwrap()).collect();
    let holders: Vec<ShareHolder> = ["wang", "zhou", "sun"]
        .iter()
        .zip(&holder_keys)
        .map(|(n, s)| ShareHolder {
            name: (*n).into(),
            public: s.public(),
        })
        .collect();
    let destination = KeyDestination::Shares {
        threshold: 2,
        holders: &holders,
    };
    let r = a
        .request_approval(&Operation::ExportMasterKey { destination }, "owner", T0, 60)
        .unwrap();
    assert!(r.contains("shares: 2 of 3\nholder: \"wang\" "), "{r}");
    let ok = [approve(&r, &alice).unwrap(), approve(&r, &carol).unwrap()];
    assert!(a
        .export_master_key_shares(2, &holders, "owner", &[], T0 + 7)
        .is_err());
    // Approvals name the holders: other holders are refused.
    let mut swapped = holders.clone();
    swapped[2].public = GranteeSecret::generate().unwrap().public();
    assert_eq!(
        a.export_master_key_shares(2, &swapped, "owner", &[&ok[0], &ok[1]], T0 + 7)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    let sealed = a
        .export_master_key_shares(2, &holders, "owner", &[&ok[0], &ok[1]], T0 + 7)
        .unwrap();
    assert_eq!(sealed.len(), 3);
    let tenant = a.tenant_public();
    let shares: Vec<KeyShare> = sealed
        .iter()
        .zip(&holder_keys)
        .map(|(b, s)| open_key_share(b, s, &tenant).unwrap())
        .collect();
    // Only its holder opens a share.
    assert_eq!(
        open_key_share(&sealed[0], &holder_keys[1], &tenant)
            .unwrap_err()
            .kind(),
        ErrorKind::GrantInvalid
    );
    // A wrapped copy, too; the request names the KEK by its key id (whose
    // first 16 hex digits are its fingerprint).
    let backup_kek = Kek::from_bytes([4; 32]);
    let destination = KeyDestination::Kek(&backup_kek);
    let r = a
        .request_approval(&Operation::ExportMasterKey { destination }, "owner", T0, 60)
        .unwrap();
    assert!(r.contains(&format!("kek: {}", backup_kek.fingerprint())));
    let ok = [approve(&r, &alice).unwrap(), approve(&r, &bob).unwrap()];
    // Approved for that KEK, not another.
    assert_eq!(
        a.export_master_key(
            Protect::Kek(&Kek::from_bytes([5; 32])),
            "owner",
            &[&ok[0], &ok[1]],
            T0 + 8,
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Refused
    );
    let wrapped = a
        .export_master_key(
            Protect::Kek(&backup_kek),
            "owner",
            &[&ok[0], &ok[1]],
            T0 + 8,
        )
        .unwrap();
    let backup = MasterKey::import_with_kek("acme", &wrapped, &backup_kek).unwrap();
    assert_eq!(backup.fingerprint(), shares[0].fingerprint());

    // Replacing the rule needs the rule in force.
    let stricter = TwoPersonRule::new(3, rule.approvers.clone()).unwrap();
    assert_eq!(
        a.set_two_person_rule(&stricter, "owner", &[], T0 + 9)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    let r = a
        .request_approval(
            &Operation::SetTwoPersonRule { rule: &stricter },
            "owner",
            T0,
            60,
        )
        .unwrap();
    let ok = [approve(&r, &alice).unwrap(), approve(&r, &bob).unwrap()];
    a.set_two_person_rule(&stricter, "owner", &[&ok[0], &ok[1]], T0 + 10)
        .unwrap();
    // 2 grant + 2 hold + 2 shares + 2 kek + 2 rule approvals, and every
    // refusal: 9 for the grant, 1 hold, 2 shares, 1 kek, 1 rule.
    assert_eq!(events(&a, EventKind::ApprovalRecorded), 10 + 14);
    drop(a);

    // Two shares open the archive; the rule survived.
    let a = Archive::open(dir.path(), Unlock::Shares(&shares[1..])).unwrap();
    assert_eq!(a.two_person_rule().unwrap().unwrap().threshold, 3);
    drop(a);
    assert_eq!(
        Archive::open(dir.path(), Unlock::Shares(&shares[..1]))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    // Another key's shares are not this archive's.
    let other = MasterKey::generate().unwrap().split("acme", 2, 2).unwrap();
    assert_eq!(
        Archive::open(dir.path(), Unlock::Shares(&other))
            .unwrap_err()
            .kind(),
        ErrorKind::Decrypt
    );
}

#[test]
fn an_erasure_wins_over_a_concurrent_ingest_and_keys_stay_shredded() {
    use chatvault::keys::DataKeyId;
    let dir = tempfile::tempdir().unwrap();
    let a = Arc::new(create(dir.path(), Options::default()));
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m0", T0 + 1, "手机 13800138000"))
        .unwrap();
    // One thread ingests messages with phone numbers while the customer's
    // erasure (no retention policy: nothing to wait for) runs.
    let writer = {
        let a = a.clone();
        std::thread::spawn(move || {
            let mut refused_after = 0;
            for i in 1..400 {
                let text = format!("电话 1380013{:04}", 8000 + i);
                match a.ingest(&Message::customer("c1", &format!("m{i}"), T0 + 2, &text)) {
                    Ok(_) => assert_eq!(refused_after, 0, "stored after a refusal"),
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
                        refused_after += 1;
                    }
                }
            }
            refused_after
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    let s = a
        .request_erasure("cust-1", &mut |c| c == "cust-1", T0 + 3)
        .unwrap();
    assert_eq!(s.state, ErasureState::Completed);
    let refused = writer.join().unwrap();
    assert!(refused > 0, "the writer finished before the erasure");
    // Whatever the interleaving: no key of the conversation or the
    // customer came back, and nothing is stored.
    let ring = a.keyring();
    assert_eq!(
        ring.data_key(&DataKeyId::conversation("sales", "c1"))
            .unwrap_err()
            .kind(),
        ErrorKind::KeyNotFound
    );
    for class in IdClass::ALL {
        assert_eq!(
            ring.data_key(&DataKeyId::customer("cust-1", class))
                .unwrap_err()
                .kind(),
            ErrorKind::KeyNotFound,
            "{class:?}"
        );
    }
    assert_eq!(a.state("c1").unwrap(), State::Disposed);
    let v = a.verify().unwrap();
    assert_eq!(v.messages, 0);
    assert!(v.is_consistent(), "{v:?}");
    // Starting a conversation of that id again creates no key either.
    assert!(a
        .start_conversation(&conv("c1", "sales", "cust-9", T0 + 9))
        .is_err());
    assert!(ring
        .data_key(&DataKeyId::conversation("sales", "c1"))
        .is_err());
}

#[test]
fn times_out_of_range_and_oversized_names_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_retention_policy(POLICY, "owner", T0).unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    for t in [i64::MAX, -1, i64::MIN, 253_402_300_800] {
        for err in [
            a.ingest(&Message::customer("c1", "m1", t, "hi"))
                .unwrap_err(),
            a.close("c1", t).unwrap_err(),
            a.mark("c1", "dispute_resolved", t).unwrap_err(),
            a.set_hold("c1", "legal", "case", t).unwrap_err(),
            a.record_consent("cust-1", ConsentEvent::Given, t)
                .unwrap_err(),
            a.sweep("system", t).unwrap_err(),
            a.today(t, 0).unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{t}: {err}");
        }
    }
    // A hold is not released before it was set.
    a.set_hold("c1", "legal", "case", T0 + 100).unwrap();
    let err = a.release_hold("c1", "legal", &[], T0 + 99).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    a.release_hold("c1", "legal", &[], T0 + 101).unwrap();
    // A department too long for the audit log: refused before anything
    // is recorded, so the device is still new afterwards.
    let login = |dept: &str, t: i64| {
        a.record_behaviour(
            "agent-1",
            Role::Agent,
            dept,
            Behaviour::Login { device: "pc-1" },
            t,
        )
    };
    assert!(login(&"d".repeat(300), T0).is_err());
    assert!(login("sales", T0 + 1).unwrap());
    // A failed identity check for a customer the archive never saw
    // creates no key (the refusal is audited without naming anyone).
    assert_eq!(
        a.request_erasure("stranger", &mut |_| false, T0)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    assert_eq!(
        a.keyring()
            .data_key(&chatvault::keys::DataKeyId::customer(
                "stranger",
                IdClass::Other
            ))
            .unwrap_err()
            .kind(),
        ErrorKind::KeyNotFound
    );
    // Every sweep and plan still works.
    let r = a.sweep("system", T0 + 10).unwrap();
    assert!(r.skipped.is_empty(), "{r:?}");
    a.retention_plan(T0, T0 + 400 * DAY).unwrap();
    // A scanner category name too long for a record is refused when built.
    let mut b = DictionaryBuilder::new();
    assert!(b.category(&"c".repeat(65)).is_err());
    assert!(b.category("a\nb").is_err());
    assert!(b.category(&"c".repeat(64)).is_ok());
}

#[test]
fn two_person_control_is_hard_to_slip_past() {
    use chatvault::archive::{approve, Operation, TwoPersonRule};
    use chatvault::audit::{NoteSigner, NoteVerifier};

    let alice = NoteSigner::generate("alice").unwrap();
    let bob = NoteSigner::generate("bob").unwrap();
    let carol = NoteSigner::generate("carol").unwrap();
    // One key under two names, or one name in two letter cases, would let
    // one person count twice.
    let alias = NoteVerifier::new("alias", &alice.verifier().public_key()).unwrap();
    let err = TwoPersonRule::new(2, vec![alice.verifier(), alias]).unwrap_err();
    assert!(err.to_string().contains("same key"), "{err}");
    let upper = NoteSigner::generate("Alice").unwrap();
    let err = TwoPersonRule::new(2, vec![alice.verifier(), upper.verifier()]).unwrap_err();
    assert!(err.to_string().contains("same name"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    let rule =
        TwoPersonRule::new(2, vec![alice.verifier(), bob.verifier(), carol.verifier()]).unwrap();
    a.set_two_person_rule(&rule, "owner", &[], T0).unwrap();
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.set_hold("c1", "legal", "case 1", T0).unwrap();
    let release = Operation::ReleaseHold { conversation: "c1" };

    // The requester's own approval does not count.
    let r = a.request_approval(&release, "ALICE", T0, 600).unwrap();
    let (by_alice, by_bob) = (approve(&r, &alice).unwrap(), approve(&r, &bob).unwrap());
    let err = a
        .release_hold("c1", "legal", &[&by_alice, &by_bob], T0 + 1)
        .unwrap_err();
    assert!(err.to_string().contains("requester's own"), "{err}");

    // A request whose expiry or requester was changed is not the one the
    // archive issued, though the operation's own lines still match.
    let r = a.request_approval(&release, "legal", T0, 600).unwrap();
    let expires = r.lines().find(|l| l.starts_with("expires: ")).unwrap();
    for changed in [
        r.replace(expires, &format!("expires: {}", T0 + 30 * DAY)),
        r.replace("requested-by: \"legal\"", "requested-by: \"auditor\""),
    ] {
        let ok = [
            approve(&changed, &bob).unwrap(),
            approve(&changed, &carol).unwrap(),
        ];
        let err = a
            .release_hold("c1", "legal", &[&ok[0], &ok[1]], T0 + 2)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused);
        assert!(err.to_string().contains("differs"), "{err}");
    }

    // Parameters are quoted: a line break in one cannot pose as a field.
    let tricky = "c1\nnonce: 00000000000000000000000000000000";
    let r = a
        .request_approval(
            &Operation::ReleaseHold {
                conversation: tricky,
            },
            "legal",
            T0,
            600,
        )
        .unwrap();
    assert!(r.contains("conversation: \"c1\\nnonce: 0000"), "{r}");
    assert_eq!(r.lines().filter(|l| l.starts_with("nonce: ")).count(), 1);
    drop(a);

    // The rule lives in the record file under a MAC of the master key:
    // editing it, even with a valid checksum, refuses the archive.
    let path = dir.path().join("records/journal.cvar");
    let good = std::fs::read(&path).unwrap();
    let rule_frame = frames(&good)
        .into_iter()
        .find(|(b, _)| good[*b] == 14)
        .unwrap();
    let mut bad = good.clone();
    let (body, n) = rule_frame;
    let at = body
        + good[body..body + n]
            .windows(13)
            .position(|w| w == b"threshold: 2\n")
            .unwrap();
    bad[at + 11] = b'1';
    fix_crc(&mut bad, body, n);
    std::fs::write(&path, &bad).unwrap();
    assert_eq!(
        Archive::open(dir.path(), Unlock::Kek(&kek()))
            .unwrap_err()
            .kind(),
        ErrorKind::BadSignature
    );
    // Cutting the rule's record out moves every record after it: their
    // MACs (bound to where they lie) fail.
    let mut cut = good[..body - 4].to_vec();
    cut.extend_from_slice(&good[body + n + 4..]);
    std::fs::write(&path, &cut).unwrap();
    assert_eq!(
        Archive::open(dir.path(), Unlock::Kek(&kek()))
            .unwrap_err()
            .kind(),
        ErrorKind::BadSignature
    );
    std::fs::write(&path, &good).unwrap();
    let a = reopen(dir.path());
    assert_eq!(a.two_person_rule().unwrap().unwrap().threshold, 2);
    assert!(a.verify().unwrap().is_consistent());
    drop(a);

    // The rule as the last record, cut off the end: the audit log says a
    // rule was set, so the archive does not open without it.
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.set_two_person_rule(&rule, "owner", &[], T0).unwrap();
    drop(a);
    let path = dir.path().join("records/journal.cvar");
    let good = std::fs::read(&path).unwrap();
    let (body, _) = *frames(&good).last().unwrap();
    std::fs::write(&path, &good[..body - 4]).unwrap();
    let err = Archive::open(dir.path(), Unlock::Kek(&kek())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadSignature);
    assert!(err.to_string().contains("two_person_rule"), "{err}");
}

#[test]
fn exports_for_a_recipient_and_for_the_customer() {
    use chatvault::archive::{approve, ExportFormat, Operation, TwoPersonRule};
    use chatvault::audit::NoteSigner;
    use chatvault::keys::open_export;

    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), Options::default());
    a.start_conversation(&conv("c1", "sales", "cust-1", T0))
        .unwrap();
    a.start_conversation(&conv("c2", "support", "cust-2", T0))
        .unwrap();
    a.ingest(&Message::customer("c1", "m1", T0 + 1, "电话 13800138000"))
        .unwrap();
    a.ingest(&Message::agent(
        "c1",
        "m2",
        "agent-1",
        T0 + 2,
        "=cmd|' /C calc'!A0, ok",
    ))
    .unwrap();
    a.ingest(&Message::customer("c2", "m1", T0 + 3, "hello"))
        .unwrap();
    let recipient = GranteeSecret::generate().unwrap();
    let filter = Filter {
        department: Some("sales".into()),
        ..Filter::default()
    };

    // No rule yet: the owner exports alone. Identifiers stay masked.
    let sealed = a
        .export(
            &filter,
            ExportFormat::Json,
            &recipient.public(),
            "owner",
            &[],
            T0 + 10,
        )
        .unwrap();
    let json = open_export(&sealed, &recipient, &a.tenant_public()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["kind"], "bulk");
    assert_eq!(doc["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(
        doc["conversations"][0]["messages"][0]["text"],
        "电话 138****8000"
    );
    // Nobody else opens it.
    let other = GranteeSecret::generate().unwrap();
    assert_eq!(
        open_export(&sealed, &other, &a.tenant_public())
            .unwrap_err()
            .kind(),
        ErrorKind::GrantInvalid
    );
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(open_export(&tampered, &recipient, &a.tenant_public()).is_err());
    // CSV, with a formula defused.
    let csv = open_export(
        &a.export(
            &filter,
            ExportFormat::Csv,
            &recipient.public(),
            "owner",
            &[],
            T0 + 11,
        )
        .unwrap(),
        &recipient,
        &a.tenant_public(),
    )
    .unwrap();
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert!(csv
        .starts_with("conversation,department,category,started,message,time,role,sender,text\r\n"));
    assert!(csv.contains(",\"'=cmd|' /C calc'!A0, ok\"\r\n"), "{csv}");

    // Under a two-person rule the bulk export needs approvals.
    let (x, y) = (
        NoteSigner::generate("x").unwrap(),
        NoteSigner::generate("y").unwrap(),
    );
    let rule = TwoPersonRule::new(2, vec![x.verifier(), y.verifier()]).unwrap();
    a.set_two_person_rule(&rule, "owner", &[], T0).unwrap();
    assert_eq!(
        a.export(
            &filter,
            ExportFormat::Json,
            &recipient.public(),
            "owner",
            &[],
            T0 + 12
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Refused
    );
    let op = Operation::BulkExport {
        format: "json",
        recipient: &recipient.public(),
        filter: &filter,
    };
    let r = a.request_approval(&op, "owner", T0, 600).unwrap();
    assert!(r.contains("department: \"sales\"\ncategory: any\n"), "{r}");
    let ok = [approve(&r, &x).unwrap(), approve(&r, &y).unwrap()];
    // Approved for sales only: exporting everything is another operation.
    assert_eq!(
        a.export(
            &Filter::default(),
            ExportFormat::Json,
            &recipient.public(),
            "owner",
            &[&ok[0], &ok[1]],
            T0 + 13
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Refused
    );
    // The refused run above used nothing: the request still works once.
    a.export(
        &filter,
        ExportFormat::Json,
        &recipient.public(),
        "owner",
        &[&ok[0], &ok[1]],
        T0 + 13,
    )
    .unwrap();

    // Subject access: the customer's own records, identifiers restored,
    // even while restricted.
    a.record_consent("cust-1", ConsentEvent::Withdrawn, T0 + 20)
        .unwrap();
    assert_eq!(
        a.subject_access_export("cust-1", &mut |_| false, ExportFormat::Json, None, T0 + 21)
            .unwrap_err()
            .kind(),
        ErrorKind::Refused
    );
    let mine = a
        .subject_access_export("cust-1", &mut |_| true, ExportFormat::Json, None, T0 + 21)
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&mine).unwrap();
    assert_eq!(doc["kind"], "subject_access");
    let convs = doc["conversations"].as_array().unwrap();
    assert_eq!(convs.len(), 1);
    assert_eq!(convs[0]["messages"][0]["text"], "电话 13800138000");
    let sealed = a
        .subject_access_export(
            "cust-1",
            &mut |_| true,
            ExportFormat::Csv,
            Some(&recipient.public()),
            T0 + 22,
        )
        .unwrap();
    let csv = open_export(&sealed, &recipient, &a.tenant_public()).unwrap();
    assert!(String::from_utf8(csv.to_vec())
        .unwrap()
        .contains("电话 13800138000"));
    assert_eq!(events(&a, EventKind::Exported), 6);
}
