//! Exports: conversations for transfer to a named recipient (bulk, under
//! two-person control) and a customer's own records (subject access), as
//! JSON or CSV (docs/ARCHIVE.md).

use serde_json::json;
use zeroize::Zeroizing;

use super::approval::Operation;
use super::record::check_name;
use super::{
    message_record, ms, refused, text_field, Archive, ArchiveCustomerKeys, ConvState, Filter,
};
use crate::audit::{Event, EventKind, ObjectKind, Role, Value};
use crate::error::{Error, Result};
use crate::keys::GranteePublic;
use crate::mask::{RecordRef, RestoreMap};
use crate::seal::Context;

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON document: `{"tenant", "kind", "exported_at",
    /// "conversations": [{"id", "department", "category", "tags", "region",
    /// "channel", "started", "closed", "messages": [{"id", "time", "role",
    /// "sender", "text"}]}]}`.
    Json,
    /// RFC 4180 CSV, one row per message: `conversation, department,
    /// category, started, message, time, role, sender, text`. Cells that a
    /// spreadsheet would run as a formula (starting with `=`, `+`, `-`,
    /// `@`, tab or carriage return) are prefixed with `'`.
    Csv,
}

impl ExportFormat {
    fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
        }
    }
}

struct Row {
    id: String,
    time: i64,
    role: Role,
    sender: String,
    text: String,
}

fn csv_cell(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The filter as the lines of a bulk-export request: a value quoted, or
/// `any`.
pub(crate) fn filter_lines(f: &Filter) -> Vec<String> {
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "any".into(), super::approval::quote)
    };
    let num = |v: Option<i64>| v.map_or_else(|| "any".into(), |n| n.to_string());
    vec![
        format!("department: {}", opt(&f.department)),
        format!("category: {}", opt(&f.category)),
        format!("tag: {}", opt(&f.tag)),
        format!("started: {} {}", num(f.from), num(f.to)),
    ]
}

impl Archive {
    /// The messages of a conversation as the owner reads them: display
    /// text, or with the originals restored under the customer's keys.
    fn rows(&self, c: &ConvState, customer: Option<&str>) -> Result<Vec<Row>> {
        let sealer = self.conv_sealer(&c.entry)?;
        let mut out = Vec::with_capacity(c.messages.len());
        for m in &c.messages {
            let entry = self.read_message(m.loc)?;
            let record = message_record(&c.entry.id, &m.id);
            let plain = sealer.open(
                &Context::new(&self.tenant, &record, &text_field(&entry)),
                &entry.sealed_text,
            )?;
            let display = String::from_utf8(plain.to_vec())
                .map_err(|_| Error::malformed("archived text not UTF-8"))?;
            let text = match customer {
                Some(customer) => RestoreMap::from_bytes(&entry.restore)?.restore(
                    &display,
                    &ArchiveCustomerKeys {
                        archive: self,
                        customer,
                    },
                    &RecordRef::new(&self.tenant, &record),
                )?,
                None => display,
            };
            out.push(Row {
                id: m.id.clone(),
                time: m.time,
                role: m.role,
                sender: m.sender.clone(),
                text,
            });
        }
        Ok(out)
    }

    fn render(
        &self,
        kind: &str,
        format: ExportFormat,
        now: i64,
        convs: &[(ConvState, Vec<Row>)],
    ) -> Zeroizing<Vec<u8>> {
        match format {
            ExportFormat::Json => {
                let doc = json!({
                    "tenant": self.tenant,
                    "kind": kind,
                    "exported_at": now,
                    "conversations": convs.iter().map(|(c, rows)| json!({
                        "id": c.entry.id, "department": c.entry.department,
                        "category": c.entry.category, "tags": c.entry.tags,
                        "region": c.entry.region, "channel": c.entry.channel,
                        "started": c.entry.started, "closed": c.closed,
                        "messages": rows.iter().map(|r| json!({
                            "id": r.id, "time": r.time, "role": r.role.key(),
                            "sender": r.sender, "text": r.text,
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                });
                Zeroizing::new(doc.to_string().into_bytes())
            }
            ExportFormat::Csv => {
                let mut s = String::from(
                    "conversation,department,category,started,message,time,role,sender,text\r\n",
                );
                for (c, rows) in convs {
                    for r in rows {
                        let cells = [
                            csv_cell(&c.entry.id),
                            csv_cell(&c.entry.department),
                            csv_cell(&c.entry.category),
                            c.entry.started.to_string(),
                            csv_cell(&r.id),
                            r.time.to_string(),
                            r.role.key().to_owned(),
                            csv_cell(&r.sender),
                            csv_cell(&r.text),
                        ];
                        s.push_str(&cells.join(","));
                        s.push_str("\r\n");
                    }
                }
                Zeroizing::new(s.into_bytes())
            }
        }
    }

    /// Export the conversations `filter` selects for transfer to
    /// `recipient`, under two-person control (a request for
    /// [`Operation::BulkExport`] with these parameters): identifiers stay
    /// masked, restricted and disposed-of conversations are left out, and
    /// the result is signed by the tenant and sealed to the recipient
    /// (open it with [`open_export`](crate::keys::open_export)). Audited
    /// as `exported`.
    #[allow(clippy::too_many_arguments)]
    pub fn export(
        &self,
        filter: &Filter,
        format: ExportFormat,
        recipient: &GranteePublic,
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<Vec<u8>> {
        check_name("actor", actor)?;
        self.authorize(
            &Operation::BulkExport {
                format: format.name(),
                recipient,
                filter,
            },
            approvals,
            actor,
            now,
        )?;
        let live = |inner: &super::Inner, id: &str| {
            inner
                .by_id
                .get(id)
                .is_some_and(|i| inner.state_of(&inner.convs[*i]) == super::State::Live)
        };
        let selected: Vec<ConvState> = {
            let inner = self.inner()?;
            inner
                .convs
                .iter()
                .filter(|c| filter.matches(&c.entry) && live(&inner, &c.entry.id))
                .cloned()
                .collect()
        };
        let mut convs = Vec::with_capacity(selected.len());
        for c in selected {
            let rows = self.rows(&c, None);
            // Checked again once read: a conversation restricted or
            // disposed of meanwhile (an erasure, a sweep) is left out, even
            // if its messages were read before that.
            if !live(&*self.inner()?, &c.entry.id) {
                continue;
            }
            convs.push((c, rows?));
        }
        let doc = self.render("bulk", format, now, &convs);
        let sealed = self.ring.seal_export(recipient, &doc)?;
        let mut e = Event::new(ms(now), EventKind::Exported, actor, Role::Owner, "");
        e.details.insert("type".into(), Value::Text("bulk".into()));
        e.details
            .insert("format".into(), Value::Text(format.name().into()));
        e.details
            .insert("recipient".into(), Value::Text(hex(recipient.as_bytes())));
        e.details
            .insert("conversations".into(), Value::Int(convs.len() as i64));
        e.details.insert(
            "messages".into(),
            Value::Int(convs.iter().map(|(_, r)| r.len() as i64).sum()),
        );
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()?;
        Ok(sealed)
    }

    /// A customer's own records (subject access): every conversation of
    /// the customer still held, restricted ones included, with the
    /// identifiers restored (they are the customer's own). `verify_identity`
    /// is the helpdesk's identity check (false refuses, audited). With a
    /// `recipient` the result is signed and sealed to it; without, it is
    /// returned as is for the helpdesk to hand over on its own secure
    /// channel. Audited as `exported`.
    pub fn subject_access_export(
        &self,
        customer: &str,
        verify_identity: &mut dyn FnMut(&str) -> bool,
        format: ExportFormat,
        recipient: Option<&GranteePublic>,
        now: i64,
    ) -> Result<Zeroizing<Vec<u8>>> {
        check_name("customer id", customer)?;
        let tag = self.customer_tag(customer)?;
        let mut e = Event::new(ms(now), EventKind::Exported, "customer", Role::Customer, "");
        if let Some(c) = self.customer_id(customer)? {
            e.objects.push((ObjectKind::Customer, c));
        }
        e.details
            .insert("type".into(), Value::Text("subject_access".into()));
        e.details
            .insert("format".into(), Value::Text(format.name().into()));
        if !verify_identity(customer) {
            e.details.insert(
                "outcome".into(),
                Value::Text("refused: identity not verified".into()),
            );
            let mut inner = self.inner()?;
            inner.audit.append(&e)?;
            inner.sync()?;
            return Err(refused("subject access refused: the identity check failed"));
        }
        let mine: Vec<ConvState> = {
            let inner = self.inner()?;
            inner
                .convs
                .iter()
                .filter(|c| c.entry.customer == tag && c.disposed.is_none())
                .cloned()
                .collect()
        };
        let mut convs = Vec::with_capacity(mine.len());
        for c in mine {
            let rows = self.rows(&c, Some(customer))?;
            convs.push((c, rows));
        }
        let doc = self.render("subject_access", format, now, &convs);
        e.details.insert("outcome".into(), Value::Text("ok".into()));
        e.details
            .insert("conversations".into(), Value::Int(convs.len() as i64));
        let out = match recipient {
            Some(r) => {
                e.details
                    .insert("recipient".into(), Value::Text(hex(r.as_bytes())));
                Zeroizing::new(self.ring.seal_export(r, &doc)?)
            }
            None => doc,
        };
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("hello"), "hello");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
