//! `chatvault`: the archive from the command line, and `chatvault demo`,
//! the whole story on built-in sample conversations.
//!
//! ```text
//! cargo run --release --example chatvault -- demo
//! cargo run --release --example chatvault -- help
//! ```
//!
//! State lives in a directory (the archive: keys, sealed records, audit
//! log). The master key is wrapped under `CHATVAULT_PASSPHRASE`; grant
//! files hold the grantee's secret wrapped under
//! `CHATVAULT_GRANTEE_PASSPHRASE`. Times are now unless `CHATVAULT_NOW`
//! (Unix seconds) says otherwise. Errors are one line on stderr and exit
//! status 1 (2 for usage).

mod demo;
mod sample;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use chatvault::archive::{
    Archive, ConsentEvent, ConsentRule, Conversation, Filter, Message, Options, Protect, Unlock,
};
use chatvault::audit::{AuditLog, Query, Role};
use chatvault::keys::{
    AgentGrant, AgentScope, Argon2Params, GranteeSecret, IdClass, MasterKey, SupervisorGrant,
    SupervisorScope, Validity,
};
use chatvault::scan::{self, DictionaryBuilder, Direction};
use chatvault::seal::Suite;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: chatvault COMMAND ...

  demo [--dir DIR] [--conversations N]   the whole story on built-in samples
  init DIR --tenant NAME [--consent none|notice|consent] [--suite aes|sm4|chacha|aes+sm4]
           [--words FILE] [--retention FILE]
  ingest DIR FILE.jsonl                 one JSON message per line (see below)
  consent DIR CUSTOMER notified|given|withdrawn
  grant supervisor DIR OUT --dept D[,D] [--from UNIX --to UNIX] [--days N]
  grant agent DIR OUT --classes phone[,id_card,bank_card,email,other] [--days N]
  view DIR GRANT CONVERSATION
  reveal DIR GRANT CUSTOMER CONVERSATION MESSAGE INDEX
  search DIR phone|id_card|bank_card|email|other VALUE
  list DIR [--dept D] [--category C] [--tag T]
  scan DIR agent|customer TEXT
  retention set DIR FILE | retention plan DIR [--days N] | retention sweep DIR
  erase DIR CUSTOMER
  stats DIR [--days N]
  audit verify DIR | audit export DIR [--kind KIND] | audit prove DIR SEQ

Ingest lines: {\"conversation\":\"c1\",\"department\":\"sales\",\"customer\":\"cust-1\",
  \"category\":\"general\",\"id\":\"m1\",\"role\":\"customer\",\"time\":1767225600,
  \"text\":\"...\"} (agent lines: \"role\":\"agent\",\"sender\":\"agent-7\"; optional
  tags, region, channel). A conversation starts with its first line.

Environment: CHATVAULT_PASSPHRASE (the archive), CHATVAULT_GRANTEE_PASSPHRASE
(grant files), CHATVAULT_NOW (Unix seconds; default now).";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => {}
        Err(e) if e.downcast_ref::<Usage>().is_some() => {
            eprintln!("chatvault: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("chatvault: error: {e}");
            std::process::exit(1);
        }
    }
}

#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn usage<T>(why: impl Into<String>) -> Res<T> {
    Err(Box::new(Usage(why.into())))
}

/// Positional arguments and `--flag value` options.
struct Args {
    pos: Vec<String>,
    opts: HashMap<String, String>,
}

impl Args {
    fn parse(args: &[String], flags: &[&str]) -> Res<Args> {
        let mut pos = Vec::new();
        let mut opts = HashMap::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                if !flags.contains(&name) {
                    return usage(format!("unknown option --{name}"));
                }
                let v = it
                    .next()
                    .ok_or_else(|| Usage(format!("--{name} needs a value")))?;
                opts.insert(name.to_owned(), v.clone());
            } else {
                pos.push(a.clone());
            }
        }
        Ok(Args { pos, opts })
    }

    fn need(&self, n: usize) -> Res<()> {
        if self.pos.len() != n {
            return usage(format!("expected {n} arguments, got {}", self.pos.len()));
        }
        Ok(())
    }

    fn opt(&self, name: &str) -> Option<&str> {
        self.opts.get(name).map(String::as_str)
    }

    fn num(&self, name: &str, default: i64) -> Res<i64> {
        match self.opt(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| Usage(format!("--{name} takes a number, not {v:?}")).into()),
        }
    }
}

fn now() -> Res<i64> {
    match std::env::var("CHATVAULT_NOW") {
        Ok(v) => Ok(v
            .parse()
            .map_err(|_| format!("CHATVAULT_NOW is not a number of seconds: {v:?}"))?),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64),
    }
}

fn secret_env(name: &str) -> Res<Vec<u8>> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v.into_bytes()),
        _ => Err(format!("set {name} (the passphrase)").into()),
    }
}

fn open(dir: &str) -> Res<Archive> {
    let pass = secret_env("CHATVAULT_PASSPHRASE")?;
    let archive = Archive::open(Path::new(dir), Unlock::Passphrase(&pass))?;
    // The dictionary the archive was set up with, if any.
    let words = Path::new(dir).join("scan-words.txt");
    if words.exists() {
        archive.set_scanner(build_scanner(&std::fs::read_to_string(words)?)?)?;
    }
    Ok(archive)
}

/// A scanner from `word category` lines, with the demo's actions for the
/// demo's categories and "report" both ways for any other.
pub fn build_scanner(words: &str) -> Res<scan::Scanner> {
    let mut b = DictionaryBuilder::new();
    b.load_tags_named(words)?;
    let mut policy = scan::Policy::new(scan::Action::Allow);
    let action = |s: &str| match s {
        "block" => scan::Action::Block,
        "report" => scan::Action::Report,
        "mask" => scan::Action::Mask,
        _ => scan::Action::Allow,
    };
    for (i, name) in b.categories().to_vec().iter().enumerate() {
        let c = scan::CategoryId::from_index(i as u8)?;
        let (agent, customer) = sample::ACTIONS
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, a, c)| (action(a), action(c)))
            .unwrap_or((scan::Action::Report, scan::Action::Report));
        policy.set(c, Direction::AgentToCustomer, agent);
        policy.set(c, Direction::CustomerToAgent, customer);
    }
    Ok(b.build(scan::Normalization::ALL, policy)?)
}

fn run(args: &[String]) -> Res<()> {
    let Some((cmd, rest)) = args.split_first() else {
        return usage("no command");
    };
    match cmd.as_str() {
        "demo" => {
            let a = Args::parse(rest, &["dir", "conversations"])?;
            a.need(0)?;
            let n = a.num("conversations", 300)?;
            if !(10..=100_000).contains(&n) {
                return usage("--conversations is 10 to 100000");
            }
            demo::run(a.opt("dir").map(PathBuf::from), n as usize)
        }
        "init" => init(rest),
        "ingest" => ingest(rest),
        "consent" => {
            let a = Args::parse(rest, &[])?;
            a.need(3)?;
            let ev = match a.pos[2].as_str() {
                "notified" => ConsentEvent::Notified,
                "given" => ConsentEvent::Given,
                "withdrawn" => ConsentEvent::Withdrawn,
                o => return usage(format!("unknown consent event {o:?}")),
            };
            open(&a.pos[0])?.record_consent(&a.pos[1], ev, now()?)?;
            println!("recorded");
            Ok(())
        }
        "grant" => grant(rest),
        "view" => view(rest),
        "reveal" => reveal(rest),
        "search" => {
            let a = Args::parse(rest, &[])?;
            a.need(3)?;
            let class = class_of(&a.pos[1])?;
            let hits =
                open(&a.pos[0])?.search("cli", Role::Supervisor, class, &a.pos[2], now()?)?;
            for h in &hits {
                println!("{}\t{}\t{}", h.conversation, h.message, time_text(h.time));
            }
            println!("{} message(s)", hits.len());
            Ok(())
        }
        "list" => {
            let a = Args::parse(rest, &["dept", "category", "tag"])?;
            a.need(1)?;
            let filter = Filter {
                department: a.opt("dept").map(Into::into),
                category: a.opt("category").map(Into::into),
                tag: a.opt("tag").map(Into::into),
                ..Filter::default()
            };
            for s in open(&a.pos[0])?.list(&filter)? {
                println!(
                    "{}\t{}\t{}\t{}\t{} msgs\t{} blocked\t{:?}{}",
                    s.id,
                    s.department,
                    s.category,
                    time_text(s.started),
                    s.messages,
                    s.blocked,
                    s.state,
                    if s.held { "\theld" } else { "" }
                );
            }
            Ok(())
        }
        "scan" => {
            let a = Args::parse(rest, &[])?;
            a.need(3)?;
            let dir = match a.pos[1].as_str() {
                "agent" => Direction::AgentToCustomer,
                "customer" => Direction::CustomerToAgent,
                o => return usage(format!("direction is agent or customer, not {o:?}")),
            };
            let words = std::fs::read_to_string(Path::new(&a.pos[0]).join("scan-words.txt"))
                .map_err(|e| format!("the archive has no word list: {e}"))?;
            let v = build_scanner(&words)?.scan(&a.pos[2], dir)?;
            println!("verdict: {:?}", v.action);
            for m in &v.matches {
                println!(
                    "  {:?} {:?} at bytes {}..{} ({:?})",
                    m.action,
                    m.word,
                    m.span.start,
                    m.span.end,
                    &a.pos[2][m.span.clone()]
                );
            }
            if let Some(masked) = v.masked {
                println!("masked: {masked}");
            }
            Ok(())
        }
        "retention" => retention(rest),
        "erase" => {
            let a = Args::parse(rest, &[])?;
            a.need(2)?;
            // The CLI's identity check: the operator confirms by running it.
            let s = open(&a.pos[0])?.request_erasure(&a.pos[1], &mut |_| true, now()?)?;
            println!("{}", erasure_text(&s));
            Ok(())
        }
        "stats" => {
            let a = Args::parse(rest, &["days"])?;
            a.need(1)?;
            let t = now()?;
            let days = a.num("days", 1)?;
            let s = open(&a.pos[0])?.stats(t - days * 86_400, t + 1)?;
            print!("{}", demo::stats_text(&s));
            Ok(())
        }
        "audit" => audit(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => usage(format!("unknown command {other:?}")),
    }
}

fn init(rest: &[String]) -> Res<()> {
    let a = Args::parse(rest, &["tenant", "consent", "suite", "words", "retention"])?;
    a.need(1)?;
    let tenant = a
        .opt("tenant")
        .ok_or_else(|| Usage("init needs --tenant".into()))?;
    let consent = match a.opt("consent").unwrap_or("none") {
        "none" => ConsentRule::None,
        "notice" => ConsentRule::Notice,
        "consent" => ConsentRule::Consent,
        o => return usage(format!("unknown consent rule {o:?}")),
    };
    let suite = match a.opt("suite").unwrap_or("aes") {
        "aes" => Suite::Aes256Gcm,
        "sm4" => Suite::Sm4Gcm,
        "chacha" => Suite::ChaCha20Poly1305,
        "aes+sm4" => Suite::Aes256GcmSm4Gcm,
        o => return usage(format!("unknown suite {o:?}")),
    };
    // Read everything before creating anything.
    let words = a.opt("words").map(std::fs::read_to_string).transpose()?;
    if let Some(w) = &words {
        build_scanner(w)?;
    }
    let policy = a
        .opt("retention")
        .map(std::fs::read_to_string)
        .transpose()?;
    if let Some(p) = &policy {
        chatvault::retention::Policy::from_json(p)?;
    }
    let pass = secret_env("CHATVAULT_PASSPHRASE")?;
    let dir = Path::new(&a.pos[0]);
    let master = MasterKey::generate()?;
    let fingerprint = master.fingerprint();
    let archive = Archive::create(
        dir,
        tenant,
        master,
        Protect::Passphrase(&pass, Argon2Params::RECOMMENDED),
        Options {
            suite,
            consent,
            ..Options::default()
        },
    )?;
    if let Some(w) = words {
        std::fs::write(dir.join("scan-words.txt"), w)?;
    }
    if let Some(p) = policy {
        archive.set_retention_policy(&p, "owner", now()?)?;
    }
    println!(
        "created the archive of {tenant} in {} (master key {fingerprint}, wrapped under Argon2id)",
        dir.display()
    );
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    conversation: String,
    department: String,
    customer: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    region: String,
    #[serde(default)]
    channel: String,
    id: String,
    role: String,
    #[serde(default)]
    sender: String,
    time: i64,
    text: String,
}

fn ingest(rest: &[String]) -> Res<()> {
    let a = Args::parse(rest, &[])?;
    a.need(2)?;
    let archive = open(&a.pos[0])?;
    let file = std::fs::File::open(&a.pos[1])?;
    let (mut stored, mut blocked, mut masked) = (0usize, 0usize, 0usize);
    let known: std::collections::HashSet<String> = archive
        .list(&Filter::default())?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut started = known;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: &dyn std::fmt::Display| format!("line {}: {e}", i + 1);
        let l: Line = serde_json::from_str(&line).map_err(|e| at(&e))?;
        if !started.contains(&l.conversation) {
            archive
                .start_conversation(&Conversation {
                    id: l.conversation.clone(),
                    department: l.department.clone(),
                    customer: l.customer.clone(),
                    category: l.category.clone().unwrap_or_else(|| "general".into()),
                    tags: l.tags.clone(),
                    region: l.region.clone(),
                    channel: l.channel.clone(),
                    started: l.time,
                })
                .map_err(|e| at(&e))?;
            started.insert(l.conversation.clone());
        }
        let role = match l.role.as_str() {
            "agent" => Role::Agent,
            "customer" => Role::Customer,
            o => return Err(at(&format!("role is agent or customer, not {o:?}")).into()),
        };
        let out = archive
            .ingest(&Message {
                conversation: &l.conversation,
                id: &l.id,
                role,
                sender: &l.sender,
                time: l.time,
                text: &l.text,
            })
            .map_err(|e| at(&e))?;
        if out.stored {
            stored += 1;
            masked += out.masked.len();
        } else {
            blocked += 1;
        }
    }
    archive.flush()?;
    println!("{stored} message(s) archived, {blocked} blocked, {masked} identifier(s) masked");
    Ok(())
}

/// A grant file: kind, the grantee's secret wrapped under
/// CHATVAULT_GRANTEE_PASSPHRASE, and the grant, in hex.
fn write_grant(path: &str, kind: &str, secret: &GranteeSecret, blob: &[u8]) -> Res<()> {
    let pass = secret_env("CHATVAULT_GRANTEE_PASSPHRASE")?;
    let wrapped = secret.export_with_passphrase(&pass, Argon2Params::RECOMMENDED)?;
    let json = serde_json::json!({
        "kind": kind,
        "secret": hex(&wrapped),
        "grant": hex(blob),
    });
    std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    Ok(())
}

fn read_grant(path: &str, kind: &str) -> Res<(GranteeSecret, Vec<u8>)> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)
        .map_err(|e| format!("{path}: {e}"))?;
    let field = |k: &str| -> Res<String> {
        Ok(v.get(k)
            .and_then(|x| x.as_str())
            .ok_or_else(|| format!("{path}: no {k:?}"))?
            .to_owned())
    };
    if field("kind")? != kind {
        return Err(format!("{path} is a {} grant, not a {kind} grant", field("kind")?).into());
    }
    let pass = secret_env("CHATVAULT_GRANTEE_PASSPHRASE")?;
    let secret = GranteeSecret::import_with_passphrase(&unhex(&field("secret")?)?, &pass)?;
    Ok((secret, unhex(&field("grant")?)?))
}

fn grant(rest: &[String]) -> Res<()> {
    let a = Args::parse(rest, &["dept", "from", "to", "days", "classes"])?;
    a.need(3)?;
    let t = now()?;
    let days = a.num("days", 30)?;
    let validity = Validity::new(t, t + days * 86_400)?;
    let archive = open(&a.pos[1])?;
    let secret = GranteeSecret::generate()?;
    match a.pos[0].as_str() {
        "supervisor" => {
            let depts: Vec<&str> = a
                .opt("dept")
                .ok_or_else(|| Usage("a supervisor grant needs --dept".into()))?
                .split(',')
                .collect();
            let scope = SupervisorScope::new(
                &depts,
                a.num("from", t - 365 * 86_400)?,
                a.num("to", t + 1)?,
            )?;
            let blob = archive.issue_supervisor_grant(
                &secret.public(),
                "supervisor",
                &scope,
                validity,
                "owner",
                &[],
                t,
            )?;
            write_grant(&a.pos[2], "supervisor", &secret, &blob)?;
        }
        "agent" => {
            let classes = a
                .opt("classes")
                .ok_or_else(|| Usage("an agent grant needs --classes".into()))?
                .split(',')
                .map(class_of)
                .collect::<Res<Vec<_>>>()?;
            let blob = archive.issue_agent_grant(
                &secret.public(),
                "agent",
                &AgentScope::new(&classes)?,
                validity,
                "owner",
                &[],
                t,
            )?;
            write_grant(&a.pos[2], "agent", &secret, &blob)?;
        }
        o => return usage(format!("grant supervisor or agent, not {o:?}")),
    }
    println!("wrote {}", a.pos[2]);
    Ok(())
}

fn view(rest: &[String]) -> Res<()> {
    let a = Args::parse(rest, &[])?;
    a.need(3)?;
    let archive = open(&a.pos[0])?;
    let (secret, blob) = read_grant(&a.pos[1], "supervisor")?;
    let grant = SupervisorGrant::open(&blob, &secret, &archive.tenant_public())?;
    let v = archive.view(&grant, grant.label(), &a.pos[2], now()?)?;
    print!("{}", demo::view_text(&v));
    Ok(())
}

fn reveal(rest: &[String]) -> Res<()> {
    let a = Args::parse(rest, &[])?;
    a.need(6)?;
    let archive = open(&a.pos[0])?;
    let (secret, blob) = read_grant(&a.pos[1], "agent")?;
    let grant = AgentGrant::open(&blob, &secret, &archive.tenant_public())?;
    let index: usize = a.pos[5]
        .parse()
        .map_err(|_| Usage("INDEX is a number".into()))?;
    let v = archive.reveal(
        &grant,
        grant.label(),
        &a.pos[2],
        &a.pos[3],
        &a.pos[4],
        index,
        now()?,
    )?;
    println!("{}", v.as_str());
    Ok(())
}

fn retention(rest: &[String]) -> Res<()> {
    let Some((sub, rest)) = rest.split_first() else {
        return usage("retention set, plan or sweep");
    };
    let a = Args::parse(rest, &["days"])?;
    let t = now()?;
    match sub.as_str() {
        "set" => {
            a.need(2)?;
            let text = std::fs::read_to_string(&a.pos[1])?;
            open(&a.pos[0])?.set_retention_policy(&text, "owner", t)?;
            println!("retention policy set");
        }
        "plan" => {
            a.need(1)?;
            let days = a.num("days", 30)?;
            let plan = open(&a.pos[0])?.retention_plan(t, t + days * 86_400)?;
            for p in &plan {
                println!(
                    "{}\t{}\t{}",
                    time_text(p.when),
                    p.action.key(),
                    p.conversation
                );
            }
            println!(
                "{} conversation(s) fall due in the next {days} day(s)",
                plan.len()
            );
        }
        "sweep" => {
            a.need(1)?;
            let r = open(&a.pos[0])?.sweep("system", t)?;
            println!("{}", demo::sweep_text(&r));
        }
        o => return usage(format!("retention set, plan or sweep, not {o:?}")),
    }
    Ok(())
}

fn audit(rest: &[String]) -> Res<()> {
    let Some((sub, rest)) = rest.split_first() else {
        return usage("audit verify, export or prove");
    };
    let a = Args::parse(rest, &["kind"])?;
    match sub.as_str() {
        "verify" => {
            a.need(1)?;
            let dir = Path::new(&a.pos[0]);
            let report = AuditLog::verify_dir(&dir.join("audit"))?;
            let archive = open(&a.pos[0])?;
            let v = archive.verify()?;
            println!("{}", demo::verify_text(&report, &v));
            if !v.is_consistent() {
                return Err("the archive and its audit log disagree".into());
            }
        }
        "export" => {
            a.need(1)?;
            let archive = open(&a.pos[0])?;
            let kinds = match a.opt("kind") {
                Some(k) => vec![chatvault::audit::EventKind::ALL
                    .iter()
                    .copied()
                    .find(|x| x.key() == k)
                    .ok_or_else(|| Usage(format!("unknown event kind {k:?}")))?],
                None => Vec::new(),
            };
            let q = Query {
                kinds,
                ..Query::default()
            };
            print!("{}", archive.audit_export(&q)?);
            eprintln!("verifier key: {}", archive.audit_verifier().encoded());
        }
        "prove" => {
            a.need(2)?;
            let seq: u64 = a.pos[1]
                .parse()
                .map_err(|_| Usage("SEQ is a number".into()))?;
            let archive = open(&a.pos[0])?;
            let checkpoint = archive.checkpoint()?;
            let (leaf, proof) = archive.with_audit(|log| -> Res<_> {
                let tree = log.ledger().tree();
                let leaf = tree
                    .leaf(seq)
                    .ok_or_else(|| format!("no audit record {seq}"))?;
                Ok((leaf, tree.inclusion_proof(seq, tree.len())?))
            })??;
            print!("{checkpoint}");
            println!("record {seq} leaf {}", hex(&leaf));
            for p in proof {
                println!("  {}", hex(&p));
            }
        }
        o => return usage(format!("audit verify, export or prove, not {o:?}")),
    }
    Ok(())
}

fn class_of(s: &str) -> Res<IdClass> {
    IdClass::ALL
        .into_iter()
        .find(|c| c.name() == s)
        .ok_or_else(|| Usage(format!("unknown identifier class {s:?}")).into())
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Res<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return Err("odd-length hex".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| Ok(u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| "bad hex")?))
        .collect()
}

/// `YYYY-MM-DD HH:MM` in China Standard Time.
pub fn time_text(t: i64) -> String {
    let local = t + 8 * 3600;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

pub fn erasure_text(s: &chatvault::archive::ErasureStatus) -> String {
    use chatvault::archive::ErasureState as E;
    match s.state {
        E::NotRequested => "no erasure requested".into(),
        E::Completed => format!(
            "erasure completed {}: {} conversation(s) shredded with the customer's keys",
            s.completed.map(time_text).unwrap_or_default(),
            s.disposed
        ),
        E::Restricted => format!(
            "erasure in progress: {} of {} conversation(s) shredded; the rest are restricted \
             (kept for a legal floor{}){}",
            s.disposed,
            s.conversations,
            if s.held > 0 { " or a legal hold" } else { "" },
            s.next_due
                .map(|t| format!(", next due {}", time_text(t)))
                .unwrap_or_default()
        ),
    }
}
