//! The committed C header is exactly what cbindgen generates from the
//! sources, and its version macros match Cargo.toml.
//!
//! The header is generated from `src/ffi/mod.rs` and the modules it
//! declares (not the whole crate, whose Rust-only `pub const`s are not part
//! of the C API), with `cbindgen.toml` and the cbindgen version pinned in
//! Cargo.toml. The same header comes from the cbindgen command line:
//! `cbindgen --config cbindgen.toml --output include/chatvault.h src/ffi/mod.rs`.
//!
//! To rewrite the header after changing the C API:
//! `CHATVAULT_BLESS=1 cargo test --test header`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate() -> String {
    let root = root();
    let config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (la, lb)) in a.lines().zip(b.lines()).enumerate() {
        if la != lb {
            return format!("line {}:\n  committed: {la}\n  generated: {lb}", i + 1);
        }
    }
    format!(
        "one is a prefix of the other ({} vs {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn committed_header_matches_generated() {
    let generated = generate();
    let path = root().join("include/chatvault.h");
    if std::env::var_os("CHATVAULT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        eprintln!("rewrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/chatvault.h is out of date with src/ffi and cbindgen.toml; first difference at {}\n\
         Rewrite it with:\n    CHATVAULT_BLESS=1 cargo test --test header\n\
         and commit it (and note C-visible changes in CHANGELOG.md).",
        first_difference(&committed, &generated)
    );
}

fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    let line = header
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("the header defines no {name}"));
    line[prefix.len()..].trim().to_owned()
}

#[test]
fn version_macros_match_cargo_toml() {
    // The generated text, so that the check holds whatever state the
    // committed file is in (its drift is the other test's business).
    let header = generate();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        define(&header, "CHATVAULT_VERSION"),
        format!("\"{version}\"")
    );
    let parts: Vec<&str> = version.split(['.', '-', '+']).collect();
    assert_eq!(define(&header, "CHATVAULT_VERSION_MAJOR"), parts[0]);
    assert_eq!(define(&header, "CHATVAULT_VERSION_MINOR"), parts[1]);
    assert_eq!(define(&header, "CHATVAULT_VERSION_PATCH"), parts[2]);
    // And the library reports the same version at run time (the C test
    // compares chatvault_version() with CHATVAULT_VERSION as well).
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION_MAJOR").to_owned()
            + "."
            + env!("CARGO_PKG_VERSION_MINOR")
            + "."
            + env!("CARGO_PKG_VERSION_PATCH")
    );
}

#[test]
fn every_exported_function_is_declared_and_documented() {
    let header = generate();
    let src = root().join("src/ffi");
    let mut exported = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            collect_exports(&path, &mut exported);
        }
    }
    assert!(exported.len() > 50, "found only {} exports", exported.len());
    for name in &exported {
        assert!(
            name.starts_with("chatvault_"),
            "exported function {name} does not start with chatvault_"
        );
        // The declaration: a line (not inside a comment) naming the function
        // after its return type.
        let decl = format!("{name}(");
        let lines: Vec<&str> = header.lines().collect();
        let at = lines
            .iter()
            .position(|l| {
                !l.starts_with(' ')
                    && !l.starts_with("/*")
                    && (l.contains(&format!(" {decl}")) || l.contains(&format!("*{decl}")))
            })
            .unwrap_or_else(|| panic!("{name} is not declared in the header"));
        // Its doc comment ends on the line right above it.
        assert!(
            at > 0 && lines[at - 1].trim() == "*/",
            "{name} has no doc comment in the header"
        );
        let doc_start = lines[..at]
            .iter()
            .rposition(|l| l.trim_start().starts_with("/**"))
            .unwrap();
        let doc = lines[doc_start..at].join("\n");
        assert!(
            doc.contains("Thread safety:"),
            "{name}'s doc comment does not state its thread safety"
        );
        if name.ends_with("_new")
            || name.ends_with("_generate")
            || name.contains("_import_")
            || name.ends_with("_open")
            || name.ends_with("_from_bytes")
        {
            assert!(
                doc.contains("_free"),
                "{name} does not name the _free function of what it creates"
            );
        }
    }
}

#[test]
fn every_type_states_its_thread_safety() {
    let header = generate();
    let lines: Vec<&str> = header.lines().collect();
    let mut types = 0;
    for (i, line) in lines.iter().enumerate() {
        let is_type = (line.starts_with("typedef struct ") && line.ends_with(';'))
            || (line.starts_with("typedef struct ") && line.ends_with('{'))
            || (line.starts_with("enum ") && !line.ends_with(';'));
        if !is_type {
            continue;
        }
        types += 1;
        assert!(
            i > 0 && lines[i - 1].trim() == "*/",
            "no doc comment before `{line}`"
        );
        let start = lines[..i]
            .iter()
            .rposition(|l| l.trim_start().starts_with("/**"))
            .unwrap();
        let doc = lines[start..i].join("\n");
        assert!(
            doc.contains("Thread safety:"),
            "`{line}`: the doc comment does not state its thread safety"
        );
    }
    assert!(types >= 15, "found only {types} types in the header");
}

fn collect_exports(path: &Path, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut no_mangle = false;
    for line in text.lines() {
        let l = line.trim();
        if l == "#[no_mangle]" || l == "#[unsafe(no_mangle)]" {
            no_mangle = true;
        } else if no_mangle && l.starts_with("pub extern \"C\" fn ") {
            let rest = &l["pub extern \"C\" fn ".len()..];
            out.push(rest[..rest.find('(').unwrap()].to_owned());
            no_mangle = false;
        }
    }
}
