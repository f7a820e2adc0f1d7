//! `chatvault demo`: the whole story on the built-in sample conversations.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chatvault::archive::{
    approve, Archive, Behaviour, ConsentEvent, ConsentRule, Conversation, KeyDestination, Message,
    Operation, Options, Protect, Report, ShareHolder, Stats, SweepReport, TwoPersonRule, Unlock,
    VerifyReport, View,
};
use chatvault::audit::{AuditLog, DirReport, EventKind, NoteSigner, Role};
use chatvault::keys::{
    open_key_share, AgentGrant, AgentScope, Argon2Params, GranteeSecret, IdClass, MasterKey,
    SupervisorGrant, SupervisorScope, Validity,
};
use chatvault::pii::EntityType;

use super::sample::{self, DAY, START};
use super::{build_scanner, erasure_text, time_text, Res};

fn progress(what: &str, done: usize, total: usize) {
    use std::io::IsTerminal;
    let step = (total / 20).max(1);
    if std::io::stderr().is_terminal()
        && total >= 200
        && (done.is_multiple_of(step) || done == total)
    {
        eprint!("\r  {what}: {done}/{total} ({}%)   ", done * 100 / total);
        if done == total {
            eprintln!();
        }
        let _ = std::io::stderr().flush();
    }
}

fn section(title: &str) {
    println!("\n== {title}");
}

pub fn run(dir: Option<PathBuf>, n: usize) -> Res<()> {
    let (dir, _tmp) = match dir {
        Some(d) => (d, None),
        None => {
            let t = std::env::temp_dir().join(format!("chatvault-demo-{}", std::process::id()));
            (t.clone(), Some(TempDir(t)))
        }
    };
    section("1. The owner sets up the archive");
    // The passphrase the CLI opens the archive with afterwards (--dir).
    let from_env = std::env::var("CHATVAULT_PASSPHRASE").ok();
    let pass = from_env.clone().unwrap_or_else(|| "demo".into());
    let master = MasterKey::generate()?;
    let fingerprint = master.fingerprint();
    let archive = Archive::create(
        &dir,
        "acme-helpdesk",
        master,
        Protect::Passphrase(pass.as_bytes(), Argon2Params::RECOMMENDED),
        Options {
            consent: ConsentRule::Notice,
            ..Options::default()
        },
    )?;
    println!(
        "archive of tenant acme-helpdesk in {} (master key {fingerprint}, kept only wrapped under Argon2id)",
        dir.display()
    );
    archive.set_scanner(build_scanner(sample::WORDS)?)?;
    println!(
        "sensitive words: {} in 3 categories; agents may not send contact, fraud or abuse words \
         (blocked), customers' contact and fraud words are reported, abuse is masked",
        sample::WORDS.lines().count()
    );
    archive.set_retention_policy(sample::RETENTION, "owner", START)?;
    println!("retention policy demo-cn loaded (every load-time check passed)");
    std::fs::write(dir.join("scan-words.txt"), sample::WORDS)?;

    // Live reports: what a supervisor's dashboard would show at once.
    let live: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = live.clone();
    archive.set_reporter(Some(Arc::new(move |r: &Report| {
        sink.lock().expect("report sink").push(r.clone())
    })))?;

    section(&format!(
        "2. Ingest {n} sample conversations (Chinese and English)"
    ));
    let convs = sample::conversations(n);
    let total: usize = convs.iter().map(|c| c.lines.len()).sum();
    let mut notified = std::collections::HashSet::new();
    let (mut stored, mut blocked, mut refused, mut masked) = (0, 0, 0, 0);
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut first_blocked = None;
    let mut first_masked = None;
    let mut done = 0;
    let t = std::time::Instant::now();
    for c in &convs {
        if c.notified && notified.insert(c.customer.clone()) {
            archive.record_consent(&c.customer, ConsentEvent::Notified, c.started)?;
        }
        let started = archive.start_conversation(&Conversation {
            id: c.id.clone(),
            department: c.department.into(),
            customer: c.customer.clone(),
            category: c.category.into(),
            tags: Vec::new(),
            region: c.region.into(),
            channel: c.channel.into(),
            started: c.started,
        });
        if let Err(e) = started {
            if e.kind() == chatvault::ErrorKind::Refused {
                refused += 1;
                done += c.lines.len();
                continue;
            }
            return Err(e.into());
        }
        let mut time = c.started;
        for (i, line) in c.lines.iter().enumerate() {
            let id = format!("m{}", i + 1);
            time += line.after;
            let m = if line.agent {
                Message::agent(&c.id, &id, &c.agent, time, &line.text)
            } else {
                Message::customer(&c.id, &id, time, &line.text)
            };
            let out = archive.ingest(&m)?;
            if out.stored {
                stored += 1;
                masked += out.masked.len();
                for (e, _) in &out.masked {
                    *by_type.entry(e.name()).or_default() += 1;
                }
                if first_masked.is_none() && !out.masked.is_empty() && !line.agent {
                    first_masked = Some((line.text.clone(), out.display.clone()));
                }
            } else {
                blocked += 1;
                if first_blocked.is_none() {
                    first_blocked = Some((c.agent.clone(), line.text.clone(), out.verdict));
                }
            }
            done += 1;
            progress("messages", done, total);
        }
        archive.close(&c.id, time + 60)?;
    }
    archive.flush()?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{stored} messages archived, {blocked} blocked, {refused} conversation(s) refused \
         (customer never notified), {masked} identifiers masked; {:.0} messages/s in this build",
        stored as f64 / secs
    );
    let types: Vec<String> = by_type.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("identifiers masked by type: {}", types.join(", "));
    if let Some((text, display)) = &first_masked {
        println!("a customer wrote:  {text}");
        println!("the archive shows: {display}");
    }
    if let Some((agent, text, verdict)) = &first_blocked {
        let words: Vec<&str> = verdict.matches.iter().map(|m| m.word.as_str()).collect();
        println!("blocked: {agent} tried to send {text:?}; reason given back: {words:?}");
    }
    let reports = live.lock().expect("report sink").clone();
    let reported = reports
        .iter()
        .filter(|r| r.kind == EventKind::MessageReported)
        .count();
    println!(
        "live reports pushed to the supervisor dashboard: {} ({} reported customer messages, {} blocked agent messages)",
        reports.len(),
        reported,
        reports.len() - reported
    );
    for r in reports.iter().take(3) {
        let who = if r.role == Role::Customer {
            "customer".to_owned()
        } else {
            format!("{} {}", r.role.key(), r.actor)
        };
        println!(
            "  [{}] {who} in {}/{}: {}",
            time_text(r.time),
            r.conversation,
            r.message,
            r.detail
        );
    }

    section("3. A supervisor reads the sales archive with a private key (私钥)");
    let now = START + 30 * DAY;
    let sup_secret = GranteeSecret::generate()?;
    let blob = archive.issue_supervisor_grant(
        &sup_secret.public(),
        "王主管",
        &SupervisorScope::new(&["sales"], START, START + 31 * DAY)?,
        Validity::new(now, now + 7 * DAY)?,
        "owner",
        &[],
        now,
    )?;
    let sup = SupervisorGrant::open(&blob, &sup_secret, &archive.tenant_public())?;
    let live_convs = archive.list(&Default::default())?;
    let sales = live_convs
        .iter()
        .find(|s| s.department == "sales" && s.messages >= 5)
        .ok_or("no sales conversation in the sample")?;
    let view = archive.view(&sup, "sup-wang", &sales.id, now)?;
    print!("{}", view_text(&view));
    let support = live_convs
        .iter()
        .find(|s| s.department == "support")
        .ok_or("no support conversation in the sample")?;
    match archive.view(&sup, "sup-wang", &support.id, now) {
        Err(e) => println!("{} (support): refused: {e}", support.id),
        Ok(_) => return Err("a sales grant read a support conversation".into()),
    }

    section("4. An agent reveals a masked phone number with a restore key (还原密钥)");
    let agent_secret = GranteeSecret::generate()?;
    let blob = archive.issue_agent_grant(
        &agent_secret.public(),
        "agent-03",
        &AgentScope::new(&[IdClass::Phone])?,
        Validity::new(now, now + DAY)?,
        "owner",
        &[],
        now,
    )?;
    let agent = AgentGrant::open(&blob, &agent_secret, &archive.tenant_public())?;
    let (conv, msg, index, customer) =
        find_masked(&convs, &archive, &sup, now, EntityType::CnMobile)?;
    let phone = archive.reveal(&agent, "agent-03", &customer, &conv, &msg, index, now)?;
    println!("{conv}/{msg} entry {index}: revealed {}", phone.as_str());
    match find_masked(&convs, &archive, &sup, now, EntityType::CnResidentId) {
        Ok((conv, msg, index, customer)) => {
            match archive.reveal(&agent, "agent-03", &customer, &conv, &msg, index, now) {
                Err(e) => println!("{conv}/{msg} entry {index} (an ID card): refused: {e}"),
                Ok(_) => return Err("a phone-only restore key revealed an ID card".into()),
            }
        }
        Err(_) => println!("(no ID card in the sales sample to try)"),
    }
    // The same number, written another way.
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let other = spaced(&digits[digits.len().saturating_sub(11)..]);
    let hits = archive.search("sup-wang", Role::Supervisor, IdClass::Phone, &other, now)?;
    println!(
        "search for {other} (blind index, nothing decrypted): {} message(s) in {} conversation(s)",
        hits.len(),
        hits.iter()
            .map(|h| &h.conversation)
            .collect::<std::collections::HashSet<_>>()
            .len()
    );

    section("5. Sensitive behaviours, reported live");
    let before = live.lock().expect("report sink").len();
    archive.record_behaviour(
        &sales_agent(&convs, &sales.id),
        Role::Agent,
        "sales",
        Behaviour::MessageDeleted {
            conversation: &sales.id,
            message: "m2",
        },
        now,
    )?;
    archive.record_behaviour(
        "agent-03",
        Role::Agent,
        "support",
        Behaviour::Login {
            device: "laptop-7f3a",
        },
        now,
    )?;
    for r in &live.lock().expect("report sink")[before..] {
        println!("  [{}] {}: {}", time_text(r.time), r.actor, r.detail);
    }

    section("6. A customer asks for erasure");
    let customer = convs
        .iter()
        .find(|c| c.category == "complaint" && notified.contains(&c.customer))
        .map(|c| c.customer.clone())
        .ok_or("no complaint in the sample")?;
    let status = archive.request_erasure(&customer, &mut |_| true, now)?;
    println!("{customer}: {}", erasure_text(&status));

    section("7. Retention: the plan for the next year, then a sweep 13 months on");
    let plan = archive.retention_plan(now, now + 365 * DAY)?;
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in &plan {
        *counts.entry(p.action.key()).or_default() += 1;
    }
    println!(
        "{} conversation(s) fall due within a year: {:?}",
        plan.len(),
        counts
    );
    if let Some(p) = plan.first() {
        println!(
            "first: {} {} on {}: {}",
            p.action.key(),
            p.conversation,
            time_text(p.when),
            p.why
        );
    }
    let later = START + 400 * DAY;
    let t = std::time::Instant::now();
    let sweep = archive.sweep("system", later)?;
    println!(
        "{} ({:.2} s)",
        sweep_text(&sweep),
        t.elapsed().as_secs_f64()
    );
    println!(
        "{customer} now: {}",
        erasure_text(&archive.erasure_status(&customer, later)?)
    );

    section("8. Statistics for the first week (metadata only, nothing decrypted)");
    print!("{}", stats_text(&archive.stats(START, START + 7 * DAY)?));

    section("9. Two-person control: grants and the master key need 2 of 3 approvers");
    let approvers: Vec<NoteSigner> = ["security-li", "legal-zhao", "ops-chen"]
        .iter()
        .map(|n| NoteSigner::generate(n))
        .collect::<Result<_, _>>()?;
    let rule = TwoPersonRule::new(2, approvers.iter().map(NoteSigner::verifier).collect())?;
    archive.set_two_person_rule(&rule, "owner", &[], later)?;
    let auditor = GranteeSecret::generate()?;
    let scope = SupervisorScope::new(&["support"], START, START + 31 * DAY)?;
    let validity = Validity::new(later, later + 7 * DAY)?;
    let op = Operation::IssueSupervisorGrant {
        grantee: &auditor.public(),
        label: "internal audit",
        scope: &scope,
        validity,
    };
    let issue = |approvals: &[&str]| {
        archive.issue_supervisor_grant(
            &auditor.public(),
            "internal audit",
            &scope,
            validity,
            "owner",
            approvals,
            later,
        )
    };
    match issue(&[]) {
        Err(e) => println!("a grant without approvals: refused: {e}"),
        Ok(_) => return Err("a grant was issued without approvals".into()),
    }
    let request = archive.request_approval(&op, "owner", later, 3600)?;
    let first = approve(&request, &approvers[0])?;
    match issue(&[&first]) {
        Err(e) => println!("with one approval: refused: {e}"),
        Ok(_) => return Err("a grant was issued with one approval".into()),
    }
    let second = approve(&request, &approvers[1])?;
    let blob = issue(&[&first, &second])?;
    println!(
        "with security-li and legal-zhao: supervisor grant issued ({} bytes); the approvals cannot be used again",
        blob.len()
    );
    // Each share holder generates a key pair; the request names them.
    let holder_keys: Vec<(&str, GranteeSecret)> = ["cfo-wang", "cto-zhou", "dpo-sun"]
        .into_iter()
        .map(|n| Ok((n, GranteeSecret::generate()?)))
        .collect::<Res<_>>()?;
    let holders: Vec<ShareHolder> = holder_keys
        .iter()
        .map(|(n, s)| ShareHolder {
            name: (*n).to_owned(),
            public: s.public(),
        })
        .collect();
    let destination = KeyDestination::Shares {
        threshold: 2,
        holders: &holders,
    };
    let request = archive.request_approval(
        &Operation::ExportMasterKey { destination },
        "owner",
        later,
        3600,
    )?;
    let approvals = [
        approve(&request, &approvers[1])?,
        approve(&request, &approvers[2])?,
    ];
    let sealed = archive.export_master_key_shares(
        2,
        &holders,
        "owner",
        &[&approvals[0], &approvals[1]],
        later,
    )?;
    // Only each holder opens their own share.
    let tenant = archive.tenant_public();
    let shares = sealed
        .iter()
        .zip(&holder_keys)
        .map(|(blob, (_, secret))| open_key_share(blob, secret, &tenant))
        .collect::<Result<Vec<_>, _>>()?;
    println!(
        "master key split into {} shares, each sealed to its holder (cfo-wang, cto-zhou, \
         dpo-sun); any 2 open the archive, one alone reveals nothing",
        shares.len()
    );

    section("10. The audit log proves who did what, and that nothing was altered");
    let checkpoint = archive.checkpoint()?;
    print!("signed checkpoint:\n{checkpoint}");
    let verify = archive.verify()?;
    drop(archive);
    // The archive opens with two of the shares instead of the passphrase.
    let reopened = Archive::open(&dir, Unlock::Shares(&shares[1..]))?;
    println!(
        "reopened with the shares of cto-zhou and dpo-sun: {} conversations",
        reopened.list(&Default::default())?.len()
    );
    drop(reopened);
    let report = AuditLog::verify_dir(&dir.join("audit"))?;
    println!("{}", verify_text(&report, &verify));
    if !verify.is_consistent() {
        return Err("the archive and its audit log disagree".into());
    }
    if _tmp.is_none() {
        println!(
            "\nthe archive stays in {}; open it with {} (try `chatvault list {0}`)",
            dir.display(),
            if from_env.is_some() {
                "your CHATVAULT_PASSPHRASE"
            } else {
                "CHATVAULT_PASSPHRASE=demo"
            }
        );
    }
    Ok(())
}

/// Removes the demo's directory when the demo ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spaced(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}-{}-{}", &phone[..3], &phone[3..7], &phone[7..])
    } else {
        phone.to_owned()
    }
}

fn sales_agent(convs: &[sample::SampleConversation], id: &str) -> String {
    convs
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.agent.clone())
        .unwrap_or_else(|| "agent-01".into())
}

/// A sales message with a masked identifier of `entity`: (conversation,
/// message, entry index, customer).
fn find_masked(
    convs: &[sample::SampleConversation],
    archive: &Archive,
    sup: &SupervisorGrant,
    now: i64,
    entity: EntityType,
) -> Res<(String, String, usize, String)> {
    for s in archive.list(&Default::default())? {
        if s.department != "sales" || s.messages == 0 {
            continue;
        }
        let v = archive.view(sup, "sup-wang", &s.id, now)?;
        for m in &v.messages {
            if let Some(i) = m.masked.iter().position(|(e, _)| *e == entity) {
                let customer = convs
                    .iter()
                    .find(|c| c.id == s.id)
                    .map(|c| c.customer.clone())
                    .ok_or("unknown conversation")?;
                return Ok((s.id, m.id.clone(), i, customer));
            }
        }
    }
    Err(format!("no masked {} in the sales sample", entity.name()).into())
}

pub fn view_text(v: &View) -> String {
    let mut s = format!(
        "{} ({}), {} message(s){}:\n",
        v.conversation,
        v.department,
        v.messages.len(),
        if v.withheld > 0 {
            format!(", {} outside the grant's window withheld", v.withheld)
        } else {
            String::new()
        }
    );
    for m in &v.messages {
        let who = if m.role == Role::Agent {
            m.sender.as_str()
        } else {
            "customer"
        };
        s.push_str(&format!(
            "  {} {:>8} {:<9} {}{}\n",
            time_text(m.time),
            m.id,
            who,
            m.text,
            if m.deleted_by_agent {
                "  [deleted by the agent]"
            } else {
                ""
            }
        ));
    }
    s
}

pub fn sweep_text(r: &SweepReport) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for a in &r.applied {
        *counts.entry(a.action.key()).or_default() += 1;
    }
    format!(
        "sweep: {} evaluated, {} kept, {} restricted, {} held; applied {:?}; {} erasure(s) completed{}",
        r.evaluated,
        r.kept,
        r.restricted,
        r.held,
        counts,
        r.erasures_completed,
        r.compacted
            .map(|(b, a)| format!("; record file {} KiB -> {} KiB", b / 1024, a / 1024))
            .unwrap_or_default()
    )
}

fn secs(v: Option<f64>) -> String {
    v.map(|s| format!("{s:.0} s")).unwrap_or_else(|| "-".into())
}

pub fn stats_text(s: &Stats) -> String {
    let mut out = format!(
        "{} session(s), {} message(s), {} blocked, {} reported, {} sensitive behaviour(s), {} open\n",
        s.sessions, s.messages, s.blocked, s.reported, s.behaviours, s.open
    );
    out.push_str("  department    sessions  messages  first reply  reply  resolved  sensitive\n");
    for d in &s.departments {
        out.push_str(&format!(
            "  {:<12} {:>9} {:>9} {:>12} {:>6} {:>9} {:>10}\n",
            d.department,
            d.sessions,
            d.messages,
            secs(d.first_response_s),
            secs(d.response_s),
            d.resolved,
            d.sensitive_hits
        ));
    }
    out.push_str(
        "  agent         sessions  messages  first reply  reply  resolved  sensitive  blocked\n",
    );
    for a in &s.agents {
        out.push_str(&format!(
            "  {:<12} {:>9} {:>9} {:>12} {:>6} {:>9} {:>10} {:>8}\n",
            a.agent,
            a.sessions,
            a.messages,
            secs(a.first_response_s),
            secs(a.response_s),
            a.resolved,
            a.sensitive_hits,
            a.blocked
        ));
    }
    out
}

pub fn verify_text(report: &DirReport, v: &VerifyReport) -> String {
    format!(
        "audit log: {} records verified (hash chain, Merkle tree, checksums), root {}\n\
         archive: {} stored message(s), {} match their audit record; altered {}, removed {}, \
         unaudited {}; settings, holds and disposals differing from the audit log {} -> {}",
        report.records,
        super::hex(&report.root[..8]),
        v.messages,
        v.matched,
        v.altered.len(),
        v.removed.len(),
        v.unaudited.len(),
        v.settings.len() + v.holds.len() + v.disposals.len(),
        if v.is_consistent() {
            "consistent"
        } else {
            "NOT CONSISTENT"
        }
    )
}
