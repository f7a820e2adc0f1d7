//! Queries over the audit log and exports an auditor verifies offline.
//!
//! Owns: [`Query`] and [`Entry`], `AuditLog::query`, `AuditLog::export`
//! (JSON lines with a signed checkpoint and an inclusion proof per entry,
//! docs/FORMAT.md section 13.5) and [`verify_export`], which needs only the
//! export and the log's public key.
//!
//! Invariant: an export's JSON fields are derived from the record bytes it
//! carries, and [`verify_export`] re-derives them: what an auditor reads is
//! exactly what the log signed.

use serde_json::{json, Map, Value as Json};

use super::event::{Event, EventKind, Id, ObjectKind, Value};
use super::merkle::{leaf_hash, verify_inclusion, Hash};
use super::note::{b64_decode, b64_encode, Checkpoint, NoteSigner, NoteVerifier};
use super::store::AuditLog;
use crate::error::{Error, ErrorKind, Result};

/// Which events a query selects: every set condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// At or after this time (milliseconds since 1970).
    pub from_ms: Option<i64>,
    /// Before this time.
    pub to_ms: Option<i64>,
    /// By this actor.
    pub actor: Option<String>,
    /// Of one of these kinds (any kind when empty).
    pub kinds: Vec<EventKind>,
    /// In this department.
    pub department: Option<String>,
    /// Referring to this object.
    pub object: Option<(ObjectKind, Id)>,
    /// At most this many entries (the first ones).
    pub limit: Option<usize>,
}

impl Query {
    /// Whether `e` is selected.
    pub fn matches(&self, e: &Event) -> bool {
        self.from_ms.is_none_or(|t| e.time_ms >= t)
            && self.to_ms.is_none_or(|t| e.time_ms < t)
            && self.actor.as_ref().is_none_or(|a| *a == e.actor)
            && (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && self.department.as_ref().is_none_or(|d| *d == e.department)
            && self
                .object
                .as_ref()
                .is_none_or(|(k, id)| e.objects.iter().any(|(ek, eid)| ek == k && eid == id))
    }
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its position in the log.
    pub seq: u64,
    /// The event.
    pub event: Event,
    /// Its record's Merkle leaf hash.
    pub leaf: Hash,
}

const EXPORT_FORMAT: &str = "chatvault/audit-export/1";

impl Entry {
    /// The event as a JSON object (the fields of an export line, without
    /// `record` and `proof`; docs/FORMAT.md section 13.5).
    pub fn to_json(&self) -> String {
        event_json(self.seq, &self.event).to_string()
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The JSON of an event, as exports carry it.
fn event_json(seq: u64, e: &Event) -> Json {
    let objects: Vec<Json> = e
        .objects
        .iter()
        .map(|(k, id)| match id {
            Id::Plain(s) => json!({"kind": k.key(), "id": s}),
            Id::Committed(c) => json!({"kind": k.key(), "commitment": hex(&c.0)}),
        })
        .collect();
    let mut details = Map::new();
    for (k, v) in &e.details {
        let v = match v {
            Value::Text(s) => json!({ "text": s }),
            Value::Int(i) => json!({ "int": i }),
            Value::Bool(b) => json!({ "bool": b }),
            Value::Bytes(b) => json!({ "bytes": hex(b) }),
            Value::Committed(c) => json!({ "commitment": hex(&c.0) }),
        };
        details.insert(k.clone(), v);
    }
    json!({
        "seq": seq,
        "time_ms": e.time_ms,
        "kind": e.kind.key(),
        "actor": e.actor,
        "role": e.role.key(),
        "department": e.department,
        "objects": objects,
        "details": details,
    })
}

impl AuditLog {
    /// The events `q` selects, in log order (buffered records are synced
    /// first). Reads every segment: for reports, not for hot paths.
    pub fn query(&mut self, q: &Query) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        let limit = q.limit.unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(out);
        }
        self.for_each_record(|seq, record| {
            let (_, event) = Event::decode(&record[32..])?;
            if q.matches(&event) {
                out.push(Entry {
                    seq,
                    event,
                    leaf: leaf_hash(record),
                });
            }
            Ok(out.len() < limit)
        })?;
        Ok(out)
    }

    /// Export the events `q` selects for an auditor: JSON lines, the first
    /// a header with a checkpoint of the whole log signed now by `signer`,
    /// then one line per event with its fields, its record (base64) and
    /// its inclusion proof against that checkpoint. [`verify_export`]
    /// checks it with only the log's public key.
    pub fn export(&mut self, q: &Query, signer: &NoteSigner) -> Result<String> {
        let entries = self.query(q)?;
        let note = self.checkpoint(signer)?;
        let size = self.durable_size();
        let mut out = json!({
            "format": EXPORT_FORMAT,
            "origin": self.log_id(),
            "checkpoint": note,
            "entries": entries.len(),
        })
        .to_string();
        out.push('\n');
        let mut records: Vec<(u64, Vec<u8>)> = Vec::with_capacity(entries.len());
        let mut want = entries.iter().map(|e| e.seq).peekable();
        self.for_each_record(|seq, record| {
            if want.peek() == Some(&seq) {
                records.push((seq, record.to_vec()));
                want.next();
            }
            Ok(want.peek().is_some())
        })?;
        for (entry, (seq, record)) in entries.iter().zip(&records) {
            debug_assert_eq!(entry.seq, *seq);
            let proof: Vec<String> = self
                .ledger()
                .tree()
                .inclusion_proof(*seq, size)?
                .iter()
                .map(|h| b64_encode(h))
                .collect();
            let mut line = event_json(*seq, &entry.event);
            let obj = line.as_object_mut().expect("an object");
            obj.insert("record".into(), Json::String(b64_encode(record)));
            obj.insert("proof".into(), json!(proof));
            out.push_str(&line.to_string());
            out.push('\n');
        }
        Ok(out)
    }
}

/// Verify an export offline: the checkpoint must be signed by `log_key`
/// (cosignatures by `cosigners` are checked too), every record must be
/// included in that checkpoint's tree, and every line's fields must be
/// exactly those its record encodes. Returns the checkpoint and the
/// entries; the first failing line is named.
pub fn verify_export(
    export: &str,
    log_key: &NoteVerifier,
    cosigners: &[&NoteVerifier],
) -> Result<(Checkpoint, Vec<Entry>)> {
    let bad = |line: usize, why: String| {
        Error::new(ErrorKind::Malformed, format!("export line {line}: {why}"))
    };
    let mut lines = export.lines().enumerate();
    let (_, head) = lines.next().ok_or_else(|| bad(1, "empty export".into()))?;
    let head: Json = serde_json::from_str(head).map_err(|e| bad(1, e.to_string()))?;
    if head.get("format").and_then(Json::as_str) != Some(EXPORT_FORMAT) {
        return Err(bad(1, format!("not a {EXPORT_FORMAT} export")));
    }
    let note = head
        .get("checkpoint")
        .and_then(Json::as_str)
        .ok_or_else(|| bad(1, "no checkpoint".into()))?;
    let (cp, _) = Checkpoint::open(note, log_key, cosigners)?;
    if head.get("origin").and_then(Json::as_str) != Some(cp.origin.as_str()) {
        return Err(bad(1, "the origin differs from the checkpoint's".into()));
    }
    let count = head
        .get("entries")
        .and_then(Json::as_u64)
        .ok_or_else(|| bad(1, "no entry count".into()))?;
    let mut entries = Vec::new();
    let mut last: Option<u64> = None;
    for (i, line) in lines {
        let n = i + 1;
        let mut v: Json = serde_json::from_str(line).map_err(|e| bad(n, e.to_string()))?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| bad(n, "not an object".into()))?;
        let record = obj
            .remove("record")
            .and_then(|r| r.as_str().and_then(b64_decode))
            .ok_or_else(|| bad(n, "no record".into()))?;
        let proof: Vec<Hash> = obj
            .remove("proof")
            .and_then(|p| {
                p.as_array()?
                    .iter()
                    .map(|h| b64_decode(h.as_str()?)?.try_into().ok())
                    .collect::<Option<Vec<Hash>>>()
            })
            .ok_or_else(|| bad(n, "no proof".into()))?;
        if record.len() < 32 {
            return Err(bad(n, "record shorter than its link".into()));
        }
        let (seq, event) = Event::decode(&record[32..]).map_err(|e| bad(n, e.to_string()))?;
        if last.is_some_and(|l| seq <= l) {
            return Err(bad(n, "entries out of order or repeated".into()));
        }
        last = Some(seq);
        let leaf = leaf_hash(&record);
        verify_inclusion(&leaf, seq, cp.size, &proof, &cp.root)
            .map_err(|e| bad(n, format!("record {seq} is not in the signed log: {e}")))?;
        if v != event_json(seq, &event) {
            return Err(bad(
                n,
                format!("the fields differ from what record {seq} says"),
            ));
        }
        entries.push(Entry { seq, event, leaf });
    }
    if entries.len() as u64 != count {
        return Err(bad(
            1,
            format!(
                "the header announces {count} entries; the export has {}",
                entries.len()
            ),
        ));
    }
    Ok((cp, entries))
}
