//! The C test programs in tests/c, driven by `cargo test`.
//!
//! Each program is compiled with `-std=c11 -Wall -Wextra -Werror` against
//! include/chatvault.h and the static library this build produced, then:
//! 1. built with AddressSanitizer + UndefinedBehaviorSanitizer and run with
//!    leak detection on;
//! 2. built without sanitizers and run under valgrind (memcheck, definite
//!    leaks are errors), with the one suppression in tests/c/valgrind.supp
//!    (a memcheck false positive in ring's AES-GCM assembly; .ci/run also
//!    runs the programs against the pure-Rust backend with no suppression).
//!
//! Without a C compiler or valgrind the matching part prints a "skipped"
//! line and passes, unless `CHATVAULT_REQUIRE_VALGRIND=1` (set by CI), which
//! makes a missing tool a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools_required() -> bool {
    std::env::var("CHATVAULT_REQUIRE_VALGRIND").is_ok_and(|v| v == "1")
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The static library of this build. The lib target's `crate-type`
/// includes `staticlib`, so the build `cargo test` runs compiles it into
/// `target/<profile>/deps` next to this test executable (only `cargo build`
/// copies it up to `target/<profile>`), rewritten by every compile of the
/// lib. If neither place has it, build it into a separate target directory,
/// since this one is locked by the running cargo.
fn static_lib() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let deps = exe.parent().expect("test executable has a directory");
        for dir in [Some(deps), deps.parent()].into_iter().flatten() {
            let lib = dir.join("libchatvault.a");
            if lib.exists() {
                return lib;
            }
        }
        let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-abi-target");
        eprintln!(
            "libchatvault.a not found next to {}; building it into {}",
            exe.display(),
            target.display()
        );
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--lib"])
            .arg("--manifest-path")
            .arg(root().join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo build --lib failed");
        let built = target.join("debug/libchatvault.a");
        assert!(built.exists(), "{} was not built", built.display());
        built
    })
}

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-abi");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn show(what: &str, out: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const WARNINGS: &[&str] = &["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"];
const LIBS: &[&str] = &["-lpthread", "-ldl", "-lm"];

/// Compile the C program `src` with `extra` flags into `exe`.
fn compile(src: &Path, name: &str, extra: &[&str], exe: &Path) {
    let out = Command::new("cc")
        .args(WARNINGS)
        .args(extra)
        .arg("-I")
        .arg(root().join("include"))
        .arg(src)
        .arg(static_lib())
        .args(LIBS)
        .arg("-o")
        .arg(exe)
        .output()
        .expect("cc runs");
    assert!(
        out.status.success(),
        "{}",
        show(&format!("compiling {name}"), &out)
    );
}

fn run_sanitized(src: &Path, name: &str) {
    let exe = out_dir().join(format!("{name}-asan"));
    compile(
        src,
        name,
        &[
            "-g",
            "-O1",
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=undefined",
        ],
        &exe,
    );
    let out = Command::new(&exe)
        .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        .output()
        .expect("the test program runs");
    assert!(
        out.status.success(),
        "{}",
        show(&format!("{name} (ASan+UBSan)"), &out)
    );
    print!("{}", String::from_utf8_lossy(&out.stdout));
}

fn run_valgrind(src: &Path, name: &str) {
    if !have("valgrind", "--version") {
        assert!(
            !tools_required(),
            "valgrind not found, and CHATVAULT_REQUIRE_VALGRIND=1"
        );
        println!("skipped: valgrind not found ({name} ran only under ASan+UBSan)");
        return;
    }
    let exe = out_dir().join(format!("{name}-plain"));
    compile(src, name, &["-g", "-O1"], &exe);
    let out = Command::new("valgrind")
        .args([
            "--error-exitcode=1",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--quiet",
        ])
        .arg(format!(
            "--suppressions={}",
            root().join("tests/c/valgrind.supp").display()
        ))
        .arg(&exe)
        .output()
        .expect("valgrind runs");
    assert!(
        out.status.success(),
        "{}",
        show(&format!("{name} (valgrind)"), &out)
    );
    print!("valgrind: {}", String::from_utf8_lossy(&out.stdout));
}

fn c_test(name: &str) {
    c_program(&root().join("tests/c").join(format!("{name}.c")), name);
}

/// Build `src` against the static library and run it under ASan+UBSan,
/// then under valgrind.
fn c_program(src: &Path, name: &str) {
    if !have("cc", "--version") {
        assert!(
            !tools_required(),
            "cc not found, and CHATVAULT_REQUIRE_VALGRIND=1"
        );
        println!("skipped: cc not found ({name} not compiled)");
        return;
    }
    run_sanitized(src, name);
    run_valgrind(src, name);
}

/// examples/c: the helpdesk flow in C.
#[test]
fn c_example_helpdesk() {
    c_program(&root().join("examples/c/helpdesk.c"), "example-helpdesk");
}

/// examples/go: the same flow from Go through cgo, when Go is installed
/// (CI installs it and sets CHATVAULT_REQUIRE_GO=1, so it always runs
/// there).
#[test]
fn go_example_helpdesk() {
    if !have("go", "version") || !have("cc", "--version") {
        assert!(
            !std::env::var("CHATVAULT_REQUIRE_GO").is_ok_and(|v| v == "1"),
            "go or cc not found, and CHATVAULT_REQUIRE_GO=1"
        );
        println!("skipped: go or cc not found (examples/go not built)");
        return;
    }
    let lib = static_lib();
    // Go's build cache does not notice a changed header outside the
    // module: a cache per header version keeps stale struct layouts out.
    let header = std::fs::read(root().join("include/chatvault.h")).expect("the header");
    let version = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        header.hash(&mut h);
        h.finish()
    };
    let gocache = out_dir().join(format!("gocache-{version:016x}"));
    let run = |args: &[&str]| {
        let out = Command::new("go")
            .args(args)
            .current_dir(root().join("examples/go"))
            .env("CGO_ENABLED", "1")
            .env(
                "CGO_CFLAGS",
                format!("-I{}", root().join("include").display()),
            )
            .env(
                "CGO_LDFLAGS",
                format!("{} -lpthread -ldl -lm", lib.display()),
            )
            .env("GOCACHE", &gocache)
            .env("GOFLAGS", "-mod=mod")
            .output()
            .expect("go runs");
        assert!(
            out.status.success(),
            "{}",
            show(&format!("go {}", args.join(" ")), &out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["vet", "."]);
    let stdout = run(&["run", "."]);
    print!("{stdout}");
    for needle in [
        "m2: BLOCKED, not stored",
        "+86 139 **** 9000",
        "agent-7 revealed: +86 139 0013 9000",
        "live report: agent-7 in conv-1/m2: blocked: contact",
    ] {
        assert!(stdout.contains(needle), "no {needle:?} in:\n{stdout}");
    }
}

#[test]
fn c_core() {
    c_test("test_core");
}

#[test]
fn c_seal() {
    c_test("test_seal");
}

#[test]
fn c_keys() {
    c_test("test_keys");
}

#[test]
fn c_grants() {
    c_test("test_grants");
}

#[test]
fn c_pii() {
    c_test("test_pii");
}

#[test]
fn c_scan() {
    c_test("test_scan");
}

#[test]
fn c_retention() {
    c_test("test_retention");
}

#[test]
fn c_audit() {
    c_test("test_audit");
}

#[test]
fn c_archive() {
    c_test("test_archive");
}

#[test]
fn every_c_program_is_run() {
    // A new tests/c/*.c file must get its own #[test] above.
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "test_archive",
            "test_audit",
            "test_core",
            "test_grants",
            "test_keys",
            "test_pii",
            "test_retention",
            "test_scan",
            "test_seal"
        ]
    );
}

/// The pkg-config file made by tools/chatvault-pc.sh is usable: a program
/// built with its flags (static) links and runs.
#[test]
fn pkg_config_file_builds_a_program() {
    if !have("cc", "--version") || !have("pkg-config", "--version") {
        assert!(
            !tools_required(),
            "cc or pkg-config not found, and CHATVAULT_REQUIRE_VALGRIND=1"
        );
        println!("skipped: cc or pkg-config not found");
        return;
    }
    // A private prefix holding only the header and the static library.
    let prefix = out_dir().join("pc-prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    std::fs::create_dir_all(prefix.join("lib/pkgconfig")).unwrap();
    std::os::unix::fs::symlink(root().join("include"), prefix.join("include")).unwrap();
    std::os::unix::fs::symlink(static_lib(), prefix.join("lib/libchatvault.a")).unwrap();
    let pc = Command::new("bash")
        .arg(root().join("tools/chatvault-pc.sh"))
        .arg(&prefix)
        .output()
        .expect("bash runs");
    assert!(
        pc.status.success(),
        "{}",
        show("tools/chatvault-pc.sh", &pc)
    );
    let text = String::from_utf8(pc.stdout).unwrap();
    assert!(
        text.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    std::fs::write(prefix.join("lib/pkgconfig/chatvault.pc"), &text).unwrap();
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "--static", "chatvault"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .output()
        .expect("pkg-config runs");
    assert!(flags.status.success(), "{}", show("pkg-config", &flags));
    let flags = String::from_utf8(flags.stdout).unwrap();
    let exe = out_dir().join("test_core-pkgconfig");
    let out = Command::new("cc")
        .args(WARNINGS)
        .arg("-I")
        .arg(root().join("tests/c"))
        .arg(root().join("tests/c/test_core.c"))
        .args(flags.split_whitespace())
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("cc runs");
    assert!(
        out.status.success(),
        "{}",
        show("cc with pkg-config flags", &out)
    );
    let run = Command::new(&exe).output().expect("runs");
    assert!(
        run.status.success(),
        "{}",
        show("test_core (pkg-config)", &run)
    );
}
