//! Write a sample audit log, an export of its reveals and the log's
//! verifier key into a directory, to try `audit_verify` on.
//!
//! ```text
//! cargo run --example audit_export_sample -- /tmp/audit-sample
//! cargo run --example audit_verify -- /tmp/audit-sample/export.jsonl /tmp/audit-sample/log.vkey
//! ```

use chatvault::audit::{
    AuditLog, CommitPolicy, Commitment, Event, EventKind, Id, NoteSigner, ObjectKind, Query, Role,
    Value,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: audit_export_sample DIR")?,
    );
    std::fs::create_dir_all(&out)?;
    let log_dir = out.join("log");
    let mut log = AuditLog::create(&log_dir, "acme/audit", CommitPolicy::default())?;
    let t0 = 1_767_225_600_000i64;
    for i in 0..200u64 {
        let kind = [
            EventKind::ArchiveViewed,
            EventKind::FieldRevealed,
            EventKind::MessageReported,
        ][i as usize % 3];
        let mut e = Event::new(
            t0 + i as i64 * 90_000,
            kind,
            format!("agent-{}", i % 7),
            Role::Agent,
            "support",
        );
        e.objects.push((
            ObjectKind::Conversation,
            Id::Plain(format!("conv-{}", i / 4)),
        ));
        // The customer is named only by a commitment under the customer's
        // key (here a fixed demo key).
        let customer = Commitment::new(
            &[42u8; 32],
            "customer",
            format!("cust-{}", i % 11).as_bytes(),
        )?;
        e.objects
            .push((ObjectKind::Customer, Id::Committed(customer)));
        e.details
            .insert("class".into(), Value::Text("phone".into()));
        log.append(&e)?;
    }
    let key = NoteSigner::generate("acme-audit-log")?;
    let export = log.export(
        &Query {
            kinds: vec![EventKind::FieldRevealed],
            ..Query::default()
        },
        &key,
    )?;
    std::fs::write(out.join("export.jsonl"), &export)?;
    std::fs::write(out.join("log.vkey"), key.verifier().encoded() + "\n")?;
    println!(
        "wrote {} (log of {} events), export.jsonl ({} lines) and log.vkey",
        log_dir.display(),
        log.size(),
        export.lines().count()
    );
    Ok(())
}
