//! Verify an audit export offline, as an auditor does.
//!
//! ```text
//! cargo run --example audit_verify -- EXPORT.jsonl LOG_VERIFIER_KEY [COSIGNER_KEY...]
//! ```
//!
//! `EXPORT.jsonl` comes from `AuditLog::export` (try
//! `cargo run --example audit_export_sample -- DIR`, which writes one and
//! its key). Keys are C2SP verifier keys (`name+hex+base64`). Prints the
//! checkpoint and every verified event; exits with status 1 and the first
//! failing line on any mismatch.

use std::io::Write;

use chatvault::audit::{verify_export, NoteVerifier};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: audit_verify EXPORT.jsonl LOG_VERIFIER_KEY [COSIGNER_KEY...]");
        std::process::exit(2);
    }
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let export = std::fs::read_to_string(&args[0])?;
        let key_text = |s: &str| -> Result<String, std::io::Error> {
            // A key given inline, or the path of a file holding it.
            if s.contains('+') && !std::path::Path::new(s).exists() {
                Ok(s.to_owned())
            } else {
                Ok(std::fs::read_to_string(s)?.trim().to_owned())
            }
        };
        let log_key = NoteVerifier::from_encoded(&key_text(&args[1])?)?;
        let cosigners: Vec<NoteVerifier> = args[2..]
            .iter()
            .map(|a| Ok(NoteVerifier::from_encoded(&key_text(a)?)?))
            .collect::<Result<_, Box<dyn std::error::Error>>>()?;
        let refs: Vec<&NoteVerifier> = cosigners.iter().collect();
        let (cp, entries) = verify_export(&export, &log_key, &refs)?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "OK: {} events verified against the checkpoint of {:?} at {} records, signed by {}",
            entries.len(),
            cp.origin,
            cp.size,
            log_key.name()
        )?;
        for e in &entries {
            let ev = &e.event;
            // Stop quietly when the reader goes away (`| head`).
            if writeln!(
                out,
                "  #{:<6} {} ms  {:<26} {} ({}) {}",
                e.seq,
                ev.time_ms,
                ev.kind.key(),
                ev.actor,
                ev.role.key(),
                ev.department
            )
            .is_err()
            {
                break;
            }
        }
        Ok(())
    };
    if let Err(e) = run() {
        eprintln!("NOT VERIFIED: {e}");
        std::process::exit(1);
    }
}
