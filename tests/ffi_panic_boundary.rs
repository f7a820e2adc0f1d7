//! Every `extern "C"` function in src/ffi starts with a panic boundary.
//!
//! A panic unwinding into C or Go is undefined behaviour, and one function
//! that lost its wrapper is enough (rustls-ffi #286). This test parses every
//! file of src/ffi with `syn` and fails if the body of any `extern "C" fn`
//! (free function, method, or nested) does not start with one of the
//! `ffi_panic_boundary*!` macros, or if an exported (`#[no_mangle]`)
//! function is not `extern "C"`, or if `extern "C" fn`/`no_mangle` appear
//! where the parser cannot see them (inside macro bodies).

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// `extern "C"` functions allowed without a boundary, with the reason.
/// Keep this list short: each entry must be unable to panic.
const EXEMPT: &[(&str, &str, &str)] = &[(
    "sys.rs",
    "after_fork_in_child",
    "pthread_atfork child handler: one atomic add, cannot panic, and \
     catch_unwind is not async-signal-safe",
)];

const BOUNDARIES: &[&str] = &[
    "ffi_panic_boundary",
    "ffi_panic_boundary_raw",
    "ffi_panic_boundary_void",
    "ffi_panic_boundary_or",
];

struct Finding {
    name: String,
    problem: String,
}

struct Checker {
    findings: Vec<Finding>,
    checked: Vec<String>,
}

fn is_extern_c(abi: &Option<syn::Abi>) -> bool {
    match abi {
        Some(abi) => abi
            .name
            .as_ref()
            .is_none_or(|n| n.value() == "C" || n.value() == "C-unwind"),
        None => false,
    }
}

fn is_no_mangle(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("no_mangle")
            || (a.path().is_ident("unsafe")
                && a.parse_args::<syn::Path>()
                    .is_ok_and(|p| p.is_ident("no_mangle")))
    })
}

fn starts_with_boundary(block: &syn::Block) -> bool {
    let Some(first) = block.stmts.first() else {
        return false;
    };
    let mac = match first {
        syn::Stmt::Macro(m) => &m.mac,
        syn::Stmt::Expr(syn::Expr::Macro(m), _) => &m.mac,
        _ => return false,
    };
    // The boundary must be the whole body, so nothing runs outside it.
    block.stmts.len() == 1
        && mac
            .path
            .get_ident()
            .is_some_and(|i| BOUNDARIES.iter().any(|b| i == b))
}

impl Checker {
    fn check(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, block: &syn::Block) {
        let name = sig.ident.to_string();
        let extern_c = is_extern_c(&sig.abi);
        if is_no_mangle(attrs) && !extern_c {
            self.findings.push(Finding {
                name: name.clone(),
                problem: "is #[no_mangle] but not extern \"C\"".into(),
            });
        }
        if !extern_c {
            return;
        }
        self.checked.push(name.clone());
        if !starts_with_boundary(block) {
            self.findings.push(Finding {
                name,
                problem: "does not consist of one ffi_panic_boundary*! macro".into(),
            });
        }
    }
}

impl<'ast> Visit<'ast> for Checker {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.check(&f.attrs, &f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.check(&f.attrs, &f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

fn ffi_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Occurrences of `needle` in `text` outside `//` comments.
fn count_in_code(text: &str, needle: &str) -> usize {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .map(|l| l.matches(needle).count())
        .sum()
}

#[test]
fn every_extern_c_function_starts_with_a_panic_boundary() {
    let mut problems = Vec::new();
    let mut total = 0;
    for path in ffi_files() {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let ast = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", path.display()));
        let mut checker = Checker {
            findings: Vec::new(),
            checked: Vec::new(),
        };
        checker.visit_file(&ast);
        total += checker.checked.len();

        // Functions hidden inside macro bodies are invisible to the parser:
        // refuse them rather than trust them.
        let seen = count_in_code(&text, "extern \"C\" fn ");
        if seen != checker.checked.len() {
            problems.push(format!(
                "{file_name}: {seen} `extern \"C\" fn` in the text but {} parsed \
                 (is one generated by a macro?)",
                checker.checked.len()
            ));
        }

        for f in checker.findings {
            let exempt = EXEMPT
                .iter()
                .any(|(file, name, _)| *file == file_name && *name == f.name);
            if !exempt {
                let line = text
                    .lines()
                    .position(|l| l.contains(&format!("fn {}(", f.name)))
                    .map_or(0, |i| i + 1);
                problems.push(format!("{file_name}:{line}: {} {}", f.name, f.problem));
            }
        }
    }
    assert!(
        total > 50,
        "found only {total} extern \"C\" functions in src/ffi"
    );
    assert!(
        problems.is_empty(),
        "functions without a panic boundary:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_checker_catches_a_missing_boundary() {
    // The check itself must be able to fail.
    let bad = r#"
        #[no_mangle]
        pub extern "C" fn chatvault_bad(x: *const u8) -> u32 {
            let _ = x;
            ffi_panic_boundary! { Ok(()) }
        }
        #[no_mangle]
        pub extern "C" fn chatvault_good() -> u32 {
            ffi_panic_boundary! { Ok(()) }
        }
        #[no_mangle]
        pub fn chatvault_not_c() {}
        struct S;
        impl S {
            extern "C" fn method() { panic!() }
        }
    "#;
    let ast = syn::parse_file(bad).unwrap();
    let mut checker = Checker {
        findings: Vec::new(),
        checked: Vec::new(),
    };
    checker.visit_file(&ast);
    let mut names: Vec<_> = checker.findings.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["chatvault_bad", "chatvault_not_c", "method"]);
    assert_eq!(checker.checked.len(), 3);
}
