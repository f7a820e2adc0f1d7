//! The `chatvault` example binary (the README's first Quick start
//! command): the demo runs to the end, every subcommand works on a real
//! archive directory, and errors are one line with a non-zero status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example, built beside the test binaries (`cargo test` builds the
/// examples; a run of this test alone builds it here, so it is never
/// stale).
fn binary() -> PathBuf {
    static BUILD: std::sync::Once = std::sync::Once::new();
    BUILD.call_once(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", "chatvault"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "building the chatvault example failed");
    });
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("examples").join("chatvault");
    assert!(bin.exists(), "{} is not built", bin.display());
    bin
}

fn run(args: &[&str], now: i64) -> Output {
    Command::new(binary())
        .args(args)
        .env("CHATVAULT_PASSPHRASE", "owner pass")
        .env("CHATVAULT_GRANTEE_PASSPHRASE", "grantee pass")
        .env("CHATVAULT_NOW", now.to_string())
        .output()
        .unwrap()
}

fn ok(args: &[&str], now: i64) -> String {
    let out = run(args, now);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {stderr}\nstdout: {stdout}"
    );
    stdout
}

/// Fails with `code` and a single-line message containing `needle`.
fn fails(args: &[&str], now: i64, code: i32, needle: &str) {
    let out = run(args, now);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    let first = stderr.lines().next().unwrap_or("");
    assert!(first.starts_with("chatvault: "), "{stderr}");
    assert!(first.contains(needle), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    if code == 1 {
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn the_demo_tells_the_whole_story() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    let out = ok(
        &[
            "demo",
            "--conversations",
            "60",
            "--dir",
            d.to_str().unwrap(),
        ],
        0,
    );
    for needle in [
        "== 1. The owner sets up the archive",
        "messages archived",
        "blocked:",
        "the archive shows:",
        "refused: outside the grant's scope: department not in the grant",
        "revealed ",
        "identifier class not in the grant",
        "message deleted by agent",
        "erasure in progress",
        "erasure completed",
        "sweep:",
        "department    sessions",
        "with one approval: refused",
        "each sealed to its holder",
        "reopened with the shares of cto-zhou and dpo-sun",
        "signed checkpoint:",
        "-> consistent",
    ] {
        assert!(out.contains(needle), "no {needle:?} in:\n{out}");
    }
    // The demo's archive is left in --dir and verifies from the CLI.
    let v = ok(&["audit", "verify", d.to_str().unwrap()], 0);
    assert!(v.contains("consistent"), "{v}");
    // Without --dir the demo cleans up after itself (not checked here: its
    // directory name is per process).
}

const T0: i64 = 1_767_225_600;

#[test]
fn every_subcommand_on_a_real_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let d = dir.to_str().unwrap();
    let words = tmp.path().join("words.txt");
    std::fs::write(&words, "微信 contact\n刷单 fraud\n").unwrap();
    let policy = tmp.path().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"chatvault_retention": 1, "name": "p", "version": 1,
            "vocabulary": {"categories": ["general"]},
            "rules": [{"name": "default", "ceiling": "30d", "from": "last_activity", "action": "shred"}]}"#,
    )
    .unwrap();
    ok(
        &[
            "init",
            d,
            "--tenant",
            "acme",
            "--suite",
            "sm4",
            "--words",
            words.to_str().unwrap(),
            "--retention",
            policy.to_str().unwrap(),
        ],
        T0,
    );
    let chat = tmp.path().join("chat.jsonl");
    let line = |conv: &str, id: &str, role: &str, t: i64, text: &str| {
        format!(
            r#"{{"conversation":"{conv}","department":"sales","customer":"cust-{conv}","id":"{id}","role":"{role}","sender":"{}","time":{t},"text":"{text}"}}"#,
            if role == "agent" { "agent-1" } else { "" }
        )
    };
    std::fs::write(
        &chat,
        [
            line("c1", "m1", "customer", T0 + 10, "我的手机 13800138000"),
            line("c1", "m2", "agent", T0 + 20, "加我微信"),
            line("c1", "m3", "agent", T0 + 30, "好的"),
            String::new(),
            line("c2", "m1", "customer", T0 + 40, "call +86 138-0013-8000"),
        ]
        .join("\n"),
    )
    .unwrap();
    let out = ok(&["ingest", d, chat.to_str().unwrap()], T0 + 60);
    assert!(
        out.contains("3 message(s) archived, 1 blocked, 2 identifier(s) masked"),
        "{out}"
    );
    let out = ok(&["list", d], T0 + 60);
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = ok(&["search", d, "phone", "13800138000"], T0 + 60);
    assert!(out.contains("2 message(s)"), "{out}");
    // Words of a category the demo does not know are reported both ways;
    // the demo's `fraud` is blocked for agents.
    let out = ok(&["scan", d, "agent", "刷 单吗"], T0);
    assert!(out.contains("verdict: Block"), "{out}");
    assert!(out.contains("\"刷单\" at bytes 0..7"), "{out}");

    let sup = tmp.path().join("sup.json");
    let agent = tmp.path().join("agent.json");
    ok(
        &[
            "grant",
            "supervisor",
            d,
            sup.to_str().unwrap(),
            "--dept",
            "sales",
        ],
        T0 + 60,
    );
    ok(
        &[
            "grant",
            "agent",
            d,
            agent.to_str().unwrap(),
            "--classes",
            "phone",
        ],
        T0 + 60,
    );
    let out = ok(&["view", d, sup.to_str().unwrap(), "c1"], T0 + 100);
    assert!(out.contains("我的手机 138****8000"), "{out}");
    assert!(out.contains("2 message(s)"), "{out}");
    let out = ok(
        &[
            "reveal",
            d,
            agent.to_str().unwrap(),
            "cust-c1",
            "c1",
            "m1",
            "0",
        ],
        T0 + 100,
    );
    assert_eq!(out.trim(), "13800138000");
    // A supervisor grant is not an agent grant.
    fails(
        &[
            "reveal",
            d,
            sup.to_str().unwrap(),
            "cust-c1",
            "c1",
            "m1",
            "0",
        ],
        T0 + 100,
        1,
        "is a supervisor grant, not a agent grant",
    );
    let out = ok(&["stats", d, "--days", "30"], T0 + 100);
    assert!(
        out.contains("2 session(s), 3 message(s), 1 blocked"),
        "{out}"
    );
    let out = ok(&["retention", "plan", d, "--days", "60"], T0 + 100);
    assert!(out.contains("2 conversation(s) fall due"), "{out}");
    let out = ok(&["erase", d, "cust-c2"], T0 + 200);
    assert!(out.contains("erasure completed"), "{out}");
    let out = ok(&["retention", "sweep", d], T0 + 40 * 86_400);
    assert!(out.contains("\"shred\": 1"), "{out}");
    let out = ok(&["audit", "verify", d], T0 + 40 * 86_400);
    assert!(out.contains("-> consistent"), "{out}");
    let out = ok(&["audit", "export", d, "--kind", "field_revealed"], T0);
    assert_eq!(out.lines().count(), 2, "{out}"); // the header and one event
    let out = ok(&["audit", "prove", d, "0"], T0);
    assert!(out.contains("record 0 leaf"), "{out}");
    assert!(Path::new(d).join("scan-words.txt").exists());
}

#[test]
fn errors_are_one_line_and_nothing_is_half_done() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("v");
    let ds = d.to_str().unwrap();
    fails(&[], 0, 2, "no command");
    fails(&["frobnicate"], 0, 2, "unknown command");
    fails(&["init", ds], 0, 2, "init needs --tenant");
    fails(
        &["init", ds, "--tenant", "a", "--suite", "des"],
        0,
        2,
        "unknown suite",
    );
    fails(&["list", ds], 0, 1, "holds no archive");
    // A bad word list or policy creates nothing.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    fails(
        &[
            "init",
            ds,
            "--tenant",
            "a",
            "--retention",
            bad.to_str().unwrap(),
        ],
        0,
        1,
        "",
    );
    ok(&["init", ds, "--tenant", "a"], 0);
    let out = Command::new(binary())
        .args(["list", ds])
        .env_remove("CHATVAULT_PASSPHRASE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("set CHATVAULT_PASSPHRASE"));
    let out = Command::new(binary())
        .args(["list", ds])
        .env("CHATVAULT_PASSPHRASE", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("decryption failed"));
    let chat = tmp.path().join("c.jsonl");
    std::fs::write(&chat, "{\"conversation\": 1}\n").unwrap();
    fails(&["ingest", ds, chat.to_str().unwrap()], 0, 1, "line 1:");
    std::fs::write(&chat, [0xff, 0xfe, b'\n']).unwrap();
    fails(&["ingest", ds, chat.to_str().unwrap()], 0, 1, "line 1:");
    fails(&["view", ds, "/nonexistent", "c1"], 0, 1, "No such file");
    fails(
        &["search", ds, "passport", "x"],
        0,
        2,
        "unknown identifier class",
    );
}
