//! The archive's oversight operations: retention policy, plan and sweep,
//! erasure requests, statistics, and the check that the audit log and the
//! record file agree.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::control::{setting_name, SETTING_RETENTION, SETTING_TWO_PERSON};
use super::journal;
use super::record::{check_name, Entry, Tag};
use super::{hex, ms, refused, sha256, Archive, ConvState, CustomerState, Inner, Report, State};
use crate::audit::{Event, EventKind, Id, ObjectKind, Role, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::keys::{DataKey, DataKeyId, IdClass};
use crate::retention::{Action, Decision, EndAction, Policy, Record};
use crate::scan;
use crate::seal::{Context, Suite};

/// What the audit log and the record file were found to say together
/// ([`Archive::verify`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Audit log records (all verified: hash chain, Merkle tree, frames).
    pub audit_records: u64,
    /// Messages in the record file.
    pub messages: usize,
    /// Messages whose stored record matches the hash its audit event
    /// holds.
    pub matched: usize,
    /// (conversation, message) stored, with a different hash than the
    /// audit log holds: altered.
    pub altered: Vec<(String, String)>,
    /// (conversation, message) the audit log says were archived, missing
    /// from the record file while their conversation was not disposed of:
    /// removed.
    pub removed: Vec<(String, String)>,
    /// (conversation, message) stored with no audit event: slipped in.
    pub unaudited: Vec<(String, String)>,
    /// Settings (`two_person_rule`, `retention_policy`) in force that are
    /// not the last change of them the audit log holds: removed from the
    /// record file, or put there unaudited.
    pub settings: Vec<String>,
    /// Conversations whose legal holds (set, released) are not the ones
    /// the audit log saw: a hold record removed or slipped in.
    pub holds: Vec<String>,
    /// Conversations disposed of in the record file without the audit
    /// log's `shredded` or `deleted` event, or the other way round.
    pub disposals: Vec<String>,
}

impl VerifyReport {
    /// Whether nothing was altered, removed or slipped in.
    pub fn is_consistent(&self) -> bool {
        self.altered.is_empty()
            && self.removed.is_empty()
            && self.unaudited.is_empty()
            && self.settings.is_empty()
            && self.holds.is_empty()
            && self.disposals.is_empty()
    }
}

/// A retention action the sweep applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The conversation.
    pub conversation: String,
    /// What was done (review: reported to the reporter and audited; the
    /// conversation stays due until [`Archive::mark_reviewed`]).
    pub action: EndAction,
    /// The decision's explanation.
    pub why: String,
}

/// A retention action coming up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The conversation.
    pub conversation: String,
    /// The action.
    pub action: EndAction,
    /// When it falls due.
    pub when: i64,
    /// The decision's explanation.
    pub why: String,
}

/// What [`Archive::sweep`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Conversations evaluated (not yet disposed of).
    pub evaluated: usize,
    /// Kept as they are.
    pub kept: usize,
    /// Restricted (erasure or withdrawn consent waiting for a floor or a
    /// hold).
    pub restricted: usize,
    /// Under a legal hold.
    pub held: usize,
    /// Actions applied now.
    pub applied: Vec<Applied>,
    /// Customers whose erasure completed (count; they are not named).
    pub erasures_completed: usize,
    /// Record file bytes before and after removing disposed content.
    pub compacted: Option<(u64, u64)>,
    /// Conversations the policy could not evaluate, with why; left as
    /// they are (the rest of the sweep goes on).
    pub skipped: Vec<(String, String)>,
}

/// Where a customer's erasure request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureState {
    /// No request.
    NotRequested,
    /// Requested: the customer's conversations are restricted (no use but
    /// storage) and are shredded as each legal floor ends.
    Restricted,
    /// Every conversation and the customer's identifier keys shredded.
    Completed,
}

/// An erasure request's progress, fit to show the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasureStatus {
    /// Where it stands.
    pub state: ErasureState,
    /// When it was requested.
    pub requested: Option<i64>,
    /// When it completed.
    pub completed: Option<i64>,
    /// The customer's conversations in the archive.
    pub conversations: usize,
    /// Of those, shredded or deleted.
    pub disposed: usize,
    /// Of those, under a legal hold.
    pub held: usize,
    /// When the next of the remaining ones falls due (a legal floor's
    /// end), if known.
    pub next_due: Option<i64>,
}

/// One agent's figures in [`Stats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentStats {
    /// The agent's id.
    pub agent: String,
    /// Conversations the agent wrote in.
    pub sessions: usize,
    /// Messages the agent sent (archived).
    pub messages: usize,
    /// Mean seconds from a conversation's first customer message to the
    /// agent's first answer, over the conversations it answered first.
    pub first_response_s: Option<f64>,
    /// Mean seconds from a customer message to the agent's next answer.
    pub response_s: Option<f64>,
    /// Conversations closed whose last agent message was this agent's.
    pub resolved: usize,
    /// The agent's messages with a sensitive word (masked, reported or
    /// blocked).
    pub sensitive_hits: usize,
    /// The agent's messages blocked.
    pub blocked: usize,
    /// The agent's sensitive behaviours (deleting or editing messages,
    /// new-device logins).
    pub behaviours: usize,
}

/// One department's figures in [`Stats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentStats {
    /// The department.
    pub department: String,
    /// Conversations started.
    pub sessions: usize,
    /// Messages archived.
    pub messages: usize,
    /// Mean first-response seconds.
    pub first_response_s: Option<f64>,
    /// Mean response seconds.
    pub response_s: Option<f64>,
    /// Conversations closed.
    pub resolved: usize,
    /// Messages with a sensitive word (masked, reported or blocked).
    pub sensitive_hits: usize,
}

/// Statistics for a time window, from metadata alone ([`Archive::stats`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Window start (Unix seconds, inclusive).
    pub from: i64,
    /// Window end (exclusive).
    pub to: i64,
    /// Conversations started in the window.
    pub sessions: usize,
    /// Messages archived in the window.
    pub messages: usize,
    /// Messages blocked in the window.
    pub blocked: usize,
    /// Messages reported in the window.
    pub reported: usize,
    /// Conversations started in the window and still open.
    pub open: usize,
    /// Sensitive behaviours in the window.
    pub behaviours: usize,
    /// Per agent, by id.
    pub agents: Vec<AgentStats>,
    /// Per department, by name.
    pub departments: Vec<DepartmentStats>,
}

#[derive(Default)]
struct Mean {
    sum: f64,
    n: u64,
}

impl Mean {
    fn add(&mut self, v: i64) {
        self.sum += v as f64;
        self.n += 1;
    }
    fn get(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

impl Archive {
    fn retention_policy(&self) -> Result<Option<Arc<Policy>>> {
        Ok(self
            .retention
            .read()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "lock poisoned"))?
            .clone())
    }

    /// The retention policy in force, if one was set.
    pub fn retention(&self) -> Result<Option<Arc<Policy>>> {
        self.retention_policy()
    }

    /// Set the retention policy (docs/FORMAT.md section 12) from its JSON
    /// text. Every load-time check runs; a locked policy in force only
    /// accepts a replacement that keeps data at least as long
    /// ([`Policy::check_update`]). Kept in the record file under a MAC of
    /// the master key; audited as `policy_changed` with the policy's hash.
    pub fn set_retention_policy(&self, json: &str, actor: &str, now: i64) -> Result<()> {
        check_name("actor", actor)?;
        let new = Policy::from_json(json)?;
        let mut slot = self
            .retention
            .write()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "lock poisoned"))?;
        if let Some(old) = slot.as_ref() {
            old.check_update(&new)?;
        }
        let mut e = Event::new(ms(now), EventKind::PolicyChanged, actor, Role::Owner, "");
        e.objects
            .push((ObjectKind::Policy, Id::Plain(hex(new.hash()))));
        e.details
            .insert("policy".into(), Value::Text(new.name().to_owned()));
        e.details
            .insert("version".into(), Value::Int(new.version() as i64));
        self.save_setting(super::control::SETTING_RETENTION, json.as_bytes(), e, now)?;
        *slot = Some(Arc::new(new));
        Ok(())
    }

    fn record_of(inner: &Inner, c: &ConvState) -> Record {
        let cust = inner
            .customers
            .get(&c.entry.customer)
            .copied()
            .unwrap_or_default();
        Record {
            category: c.entry.category.clone(),
            region: c.entry.region.clone(),
            channel: c.entry.channel.clone(),
            department: c.entry.department.clone(),
            tags: c.entry.tags.clone(),
            created: c.entry.started,
            last_activity: Some(c.last_activity),
            closed: c.closed,
            events: c.events.clone(),
            holds: c.holds.clone(),
            erasure_requested: cust.erasure_requested,
            consent_withdrawn: cust.withdrawn,
            archived: c.archived,
            reviewed: c.reviewed,
        }
    }

    /// What falls due in `from..to` under the retention policy, soonest
    /// first, each with its explanation.
    pub fn retention_plan(&self, from: i64, to: i64) -> Result<Vec<Upcoming>> {
        let policy = self
            .retention_policy()?
            .ok_or_else(|| Error::invalid("no retention policy is set"))?;
        let (ids, records): (Vec<String>, Vec<Record>) = {
            let inner = self.inner()?;
            inner
                .convs
                .iter()
                .filter(|c| c.disposed.is_none())
                .map(|c| (c.entry.id.clone(), Self::record_of(&inner, c)))
                .unzip()
        };
        policy
            .plan(&records, from, to)?
            .into_iter()
            .filter_map(|p| {
                let end = p.decision.end?;
                Some((p, end))
            })
            .map(|(p, end)| {
                Ok(Upcoming {
                    conversation: ids[p.index].clone(),
                    action: end,
                    when: p.decision.not_before.unwrap_or(to),
                    why: policy.explain(&p.decision)?,
                })
            })
            .collect()
    }

    /// The erasure key: seals a customer id in an erasure request until the
    /// erasure completes.
    fn erasure_sealer(&self) -> crate::seal::Sealer {
        DataKey::from_secret(self.ring.derive_secret("chatvault/archive/erasure"), 1)
            .sealer(Suite::Aes256Gcm)
    }

    /// A customer asks for erasure. `verify_identity` is the helpdesk's
    /// identity check (called with the customer id; false refuses). The
    /// customer's conversations are restricted at once, and each is
    /// shredded when its legal floor (and any hold) ends, by this call
    /// when nothing stands in the way, or by a later [`sweep`](Self::sweep);
    /// the customer's identifier keys go with the last one. Every step is
    /// audited. Asking again returns the status.
    pub fn request_erasure(
        &self,
        customer: &str,
        verify_identity: &mut dyn FnMut(&str) -> bool,
        now: i64,
    ) -> Result<ErasureStatus> {
        check_name("customer id", customer)?;
        super::check_time("now", now)?;
        let tag = self.customer_tag(customer)?;
        let mut e = Event::new(
            ms(now),
            EventKind::ErasureRequested,
            "customer",
            Role::Customer,
            "",
        );
        if !verify_identity(customer) {
            // Named only if the archive knows the customer: a failed check
            // creates no key for a stranger.
            if let Some(c) = self.existing_customer_id(customer)? {
                e.objects.push((ObjectKind::Customer, c));
            }
            e.details.insert(
                "outcome".into(),
                Value::Text("refused: identity not verified".into()),
            );
            let mut inner = self.inner()?;
            inner.audit.append(&e)?;
            inner.sync()?;
            return Err(refused("erasure refused: the identity check failed"));
        }
        if let Some(c) = self.customer_id(customer)? {
            e.objects.push((ObjectKind::Customer, c));
        }
        let already = {
            let mut inner = self.inner()?;
            let already = inner
                .customers
                .get(&tag)
                .is_some_and(|c| c.erasure_requested.is_some());
            if !already {
                let sealed = self.erasure_sealer().seal(
                    &Context::new(&self.tenant, &tag, "erasure"),
                    customer.as_bytes(),
                )?;
                inner.record(Entry::Erasure {
                    customer: tag,
                    state: 1,
                    time: now,
                    sealed,
                })?;
                e.details.insert("outcome".into(), Value::Text("ok".into()));
                inner.audit.append(&e)?;
                inner.sync()?;
            }
            already
        };
        if !already {
            self.sweep_inner("system", now, Some(tag))?;
        }
        self.erasure_status(customer, now)
    }

    /// Where `customer`'s erasure request stands at `now`.
    pub fn erasure_status(&self, customer: &str, now: i64) -> Result<ErasureStatus> {
        let tag = self.customer_tag(customer)?;
        let policy = self.retention_policy()?;
        let inner = self.inner()?;
        let c = inner.customers.get(&tag).copied().unwrap_or_default();
        let mut s = ErasureStatus {
            state: match (c.erasure_requested, c.erasure_completed) {
                (_, Some(_)) => ErasureState::Completed,
                (Some(_), None) => ErasureState::Restricted,
                _ => ErasureState::NotRequested,
            },
            requested: c.erasure_requested,
            completed: c.erasure_completed,
            conversations: 0,
            disposed: 0,
            held: 0,
            next_due: None,
        };
        for conv in inner.convs.iter().filter(|x| x.entry.customer == tag) {
            s.conversations += 1;
            if conv.disposed.is_some() {
                s.disposed += 1;
                continue;
            }
            if conv.held() {
                s.held += 1;
            }
            if let Some(p) = &policy {
                let d = p.evaluate(&Self::record_of(&inner, conv), now)?;
                if let Some(t) = d.not_before {
                    s.next_due = Some(s.next_due.map_or(t, |n: i64| n.min(t)));
                }
            }
        }
        Ok(s)
    }

    /// Mark a conversation as reviewed by a person (a `review` retention
    /// ceiling reached before now is then done). Audited.
    pub fn mark_reviewed(&self, conversation: &str, by: &str, now: i64) -> Result<()> {
        check_name("actor", by)?;
        super::check_time("now", now)?;
        let mut inner = self.inner()?;
        let ci = inner.conv(conversation)?;
        let dept = inner.convs[ci].entry.department.clone();
        let mut e = Event::new(ms(now), EventKind::RetentionApplied, by, Role::Owner, dept);
        e.objects
            .push((ObjectKind::Conversation, Id::Plain(conversation.into())));
        e.details
            .insert("action".into(), Value::Text("reviewed".into()));
        inner.record(Entry::Disposed {
            conversation: conversation.to_owned(),
            action: EndAction::Review as u8,
            time: now,
        })?;
        inner.audit.append(&e)?;
        inner.sync()
    }

    /// Evaluate every conversation under the retention policy at `now` and
    /// apply what is due: shred (destroy the conversation's key, then its
    /// sealed bytes), delete (the sealed bytes, and the key, which then
    /// protects nothing), archive (recorded as moved to cold storage;
    /// the report tells the helpdesk to move it), review (reported and
    /// audited until [`mark_reviewed`](Self::mark_reviewed)). Customers
    /// whose erasure was requested lose their identifier keys once their
    /// last conversation is gone. Each action is audited; disposed content
    /// is removed from the record file (rewritten and swapped in).
    pub fn sweep(&self, actor: &str, now: i64) -> Result<SweepReport> {
        check_name("actor", actor)?;
        super::check_time("now", now)?;
        if self.retention_policy()?.is_none() {
            return Err(Error::invalid("no retention policy is set"));
        }
        self.sweep_inner(actor, now, None)
    }

    fn sweep_inner(&self, actor: &str, now: i64, only: Option<Tag>) -> Result<SweepReport> {
        let policy = self.retention_policy()?;
        let mut report = SweepReport::default();
        let mut reports = Vec::new();
        // Decide under the lock, from one snapshot.
        let decisions: Vec<(usize, Decision, Option<String>)> = {
            let inner = self.inner()?;
            let mut out = Vec::new();
            for (ci, c) in inner.convs.iter().enumerate() {
                if c.disposed.is_some() || only.is_some_and(|t| t != c.entry.customer) {
                    continue;
                }
                report.evaluated += 1;
                let record = Self::record_of(&inner, c);
                let d = match &policy {
                    Some(p) => match p.evaluate(&record, now) {
                        Ok(d) => d,
                        Err(e) => {
                            report.skipped.push((c.entry.id.clone(), e.to_string()));
                            continue;
                        }
                    },
                    // No policy: an erasure has no floor to wait for.
                    None => no_policy_decision(&record, now),
                };
                match d.action {
                    Action::Keep => report.kept += 1,
                    Action::Restrict => report.restricted += 1,
                    _ => {}
                }
                if d.held {
                    report.held += 1;
                }
                if d.is_due() {
                    let why = match &policy {
                        Some(p) => Some(p.explain(&d)?),
                        None => None,
                    };
                    out.push((ci, d, why));
                }
            }
            out
        };
        let mut destroyed = false;
        let mut audit_index: Option<AuditIndex> = None;
        // Customer ids of erasure requests, opened before keys go.
        let erasing: Vec<(Tag, String)> = self.erasure_customers(only)?;
        for (ci, d, why) in decisions {
            let Some(end) = d.end else { continue };
            let why = why.unwrap_or_else(|| "erasure requested; no retention policy".into());
            let (conv, dept) = {
                let inner = self.inner()?;
                let c = &inner.convs[ci];
                (c.entry.id.clone(), c.entry.department.clone())
            };
            let mut e = Event::new(
                ms(now),
                EventKind::RetentionApplied,
                actor,
                Role::System,
                dept.clone(),
            );
            e.objects
                .push((ObjectKind::Conversation, Id::Plain(conv.clone())));
            if let Some(p) = &policy {
                e.objects
                    .push((ObjectKind::Policy, Id::Plain(hex(p.hash()))));
            }
            e.details
                .insert("action".into(), Value::Text(end.key().into()));
            match end {
                EndAction::Review => {
                    reports.push(Report {
                        kind: EventKind::RetentionApplied,
                        time: now,
                        actor: actor.to_owned(),
                        role: Role::System,
                        department: dept,
                        conversation: conv.clone(),
                        message: String::new(),
                        detail: format!("due for review: {why}"),
                    });
                    let mut inner = self.inner()?;
                    inner.audit.append(&e)?;
                }
                EndAction::Archive => {
                    let mut inner = self.inner()?;
                    inner.record(Entry::Disposed {
                        conversation: conv.clone(),
                        action: end as u8,
                        time: now,
                    })?;
                    inner.audit.append(&e)?;
                }
                EndAction::Delete | EndAction::Shred => {
                    // Under the lock, so a hold set since the decision
                    // (or another sweep) is seen: a hold wins.
                    let mut inner = self.inner()?;
                    let c = &inner.convs[ci];
                    if c.held() || c.disposed.is_some() {
                        continue;
                    }
                    // Destroyed only if the audit log saw the same holds set
                    // and released: a hold record cut from the file does
                    // not count. (One walk over the audit log per sweep
                    // that destroys anything.)
                    if audit_index.is_none() {
                        inner.sync()?;
                        audit_index = Some(AuditIndex::of(&mut inner)?);
                    }
                    let c = &inner.convs[ci];
                    if !audit_index.as_ref().is_some_and(|x| x.holds_agree(c)) {
                        report.skipped.push((
                            conv.clone(),
                            "its legal holds disagree with the audit log".into(),
                        ));
                        continue;
                    }
                    // Recorded and audited durably first, then the key
                    // (still under the lock, so no ingest creates one in
                    // between). A crash or failure between the two leaves
                    // a disposed conversation whose key the next sweep's
                    // compaction shreds.
                    inner.record(Entry::Disposed {
                        conversation: conv.clone(),
                        action: end as u8,
                        time: now,
                    })?;
                    inner.audit.append(&e)?;
                    let mut s = Event::new(
                        ms(now),
                        if end == EndAction::Shred {
                            EventKind::Shredded
                        } else {
                            EventKind::Deleted
                        },
                        actor,
                        Role::System,
                        dept.clone(),
                    );
                    s.objects
                        .push((ObjectKind::Conversation, Id::Plain(conv.clone())));
                    inner.audit.append(&s)?;
                    inner.sync()?;
                    self.ring.shred(&DataKeyId::conversation(&dept, &conv))?;
                    self.forget_sealers()?;
                    destroyed = true;
                }
            }
            report.applied.push(Applied {
                conversation: conv,
                action: end,
                why,
            });
        }
        // Erasures whose last conversation is gone: the customer's keys.
        for (tag, customer) in erasing {
            let status = |inner: &Inner| {
                let completed = inner
                    .customers
                    .get(&tag)
                    .is_some_and(|c| c.erasure_completed.is_some());
                let done = inner
                    .convs
                    .iter()
                    .all(|c| c.entry.customer != tag || c.disposed.is_some());
                (completed, done)
            };
            let (completed, done) = status(&*self.inner()?);
            let commitment = if done && !completed {
                self.customer_id(&customer)?
            } else {
                None
            };
            let mut inner = self.inner()?;
            // Checked again under the lock the shredding runs under.
            let (completed, done) = status(&inner);
            if completed || !done {
                continue;
            }
            let mut e = Event::new(
                ms(now),
                EventKind::ErasureCompleted,
                actor,
                Role::System,
                "",
            );
            if let Some(c) = commitment {
                e.objects.push((ObjectKind::Customer, c));
            }
            // The keys that exist now are the ones shredded below.
            let keys = IdClass::ALL
                .iter()
                .filter(|class| {
                    self.ring
                        .data_key(&DataKeyId::customer(&customer, **class))
                        .is_ok()
                })
                .count();
            e.details
                .insert("keys_shredded".into(), Value::Int(keys as i64));
            // Recorded and audited durably first, then the keys, under the
            // lock (no ingest creates one in between).
            inner.record(Entry::Erasure {
                customer: tag,
                state: 2,
                time: now,
                sealed: Vec::new(),
            })?;
            inner.audit.append(&e)?;
            inner.sync()?;
            self.ring.shred_customer(&customer)?;
            self.forget_sealers()?;
            report.erasures_completed += 1;
            destroyed = true;
        }
        self.inner()?.sync()?;
        report.compacted = self.finish_disposals(destroyed)?;
        self.report(reports);
        Ok(report)
    }

    /// Finish what deletions and erasures left (a failure or crash between
    /// their record and their keys, or in a compaction): the keys of every
    /// completed erasure whose record still holds the customer id, and of
    /// every disposed conversation whose content is still in the record
    /// file, are shredded (again: shredding is idempotent), then the
    /// record file is compacted. Runs at the end of every sweep and on
    /// opening; compacts when `force` or when something was left.
    pub(super) fn finish_disposals(&self, force: bool) -> Result<Option<(u64, u64)>> {
        // Nothing left (the usual case on opening): no erasure record is
        // read or opened.
        if !force && !self.inner()?.needs_compaction() {
            return Ok(None);
        }
        let erased: Vec<(Tag, String)> = {
            let pending = self.erasure_customers(None)?;
            let inner = self.inner()?;
            pending
                .into_iter()
                .filter(|(t, _)| {
                    inner
                        .customers
                        .get(t)
                        .is_some_and(|c| c.erasure_completed.is_some())
                })
                .collect()
        };
        let mut inner = self.inner()?;
        for (_, customer) in &erased {
            self.ring.shred_customer(customer)?;
        }
        for c in inner.convs.iter().filter(|c| c.has_disposed_content()) {
            self.ring
                .shred(&DataKeyId::conversation(&c.entry.department, &c.entry.id))?;
        }
        self.forget_sealers()?;
        Ok(Some(self.compact(&mut inner)?))
    }

    /// (tag, customer id) of every erasure request whose record still
    /// holds the sealed customer id: not completed, or completed and not
    /// yet compacted (of `only`, when given).
    fn erasure_customers(&self, only: Option<Tag>) -> Result<Vec<(Tag, String)>> {
        let pending: Vec<(Tag, Vec<u8>)> = {
            let inner = self.inner()?;
            let mut v = Vec::new();
            inner.journal_erasures(&mut v)?;
            v.retain(|(t, _)| only.is_none_or(|o| o == *t));
            v
        };
        let sealer = self.erasure_sealer();
        pending
            .into_iter()
            .map(|(tag, sealed)| {
                let id = sealer.open(&Context::new(&self.tenant, &tag, "erasure"), &sealed)?;
                Ok((
                    tag,
                    String::from_utf8(id.to_vec())
                        .map_err(|_| Error::malformed("sealed customer id not UTF-8"))?,
                ))
            })
            .collect()
    }

    /// Rewrite the record file without the content of disposed
    /// conversations (their messages and sealed customer id)
    /// and without erased customers' consent records and sealed ids, then
    /// rebuild the state from it. Returns the file's bytes before and after.
    fn compact(&self, inner: &mut Inner) -> Result<(u64, u64)> {
        inner.journal.flush()?;
        let path = self.dir.join("records").join("journal.cvar");
        let before = std::fs::metadata(&path)
            .map_err(|e| Error::io("reading the record file", e))?
            .len();
        let mut kept: Vec<Vec<u8>> = Vec::new();
        let disposed: std::collections::HashSet<String> = inner
            .convs
            .iter()
            .filter(|c| c.disposed.is_some())
            .map(|c| c.entry.id.clone())
            .collect();
        let erased = |t: &Tag, inner: &Inner| {
            inner
                .customers
                .get(t)
                .is_some_and(|c| c.erasure_completed.is_some())
        };
        let mut failure = None;
        let (_j, _) = journal::Journal::open(&path, &self.tenant, |loc, body| {
            let entry = Entry::decode(inner.mac.open(loc.offset, body)?)?;
            let keep = match entry {
                Entry::Message(ref m) if disposed.contains(&m.conversation) => None,
                // The metadata and the customer's keyed tag stay, so the
                // erasure's status and the retention record stay
                // answerable; the sealed customer id goes.
                Entry::Conversation(mut c) if disposed.contains(&c.id) => {
                    c.sealed_customer.clear();
                    Some(Entry::Conversation(c))
                }
                Entry::Consent { ref customer, .. } if erased(customer, inner) => None,
                Entry::Erasure {
                    customer,
                    state,
                    time,
                    ..
                } if erased(&customer, inner) => Some(Entry::Erasure {
                    customer,
                    state,
                    time,
                    sealed: Vec::new(),
                }),
                other => Some(other),
            };
            if let Some(e) = keep {
                kept.push(e.encode());
            }
            Ok(())
        })
        .inspect_err(|e| failure = Some(e.to_string()))?;
        let mac = inner.mac.clone();
        let (new, locs) = journal::rewrite(
            &path,
            &self.tenant,
            kept.iter().map(Vec::as_slice),
            |offset, entry| mac.seal(offset, entry),
        )?;
        let after = std::fs::metadata(&path)
            .map_err(|e| Error::io("reading the record file", e))?
            .len();
        inner.journal = new;
        inner.reset();
        for (loc, body) in locs.into_iter().zip(&kept) {
            inner.apply(loc, Entry::decode(body)?)?;
        }
        Ok((before, after))
    }

    /// Statistics for `from..to` (Unix seconds) from metadata alone: per
    /// agent and per department sessions, messages, first-response and
    /// response times, resolved sessions, sensitive-word hits, blocked
    /// and reported messages, sensitive behaviours.
    pub fn stats(&self, from: i64, to: i64) -> Result<Stats> {
        if from > to {
            return Err(Error::invalid("a statistics window ends before it starts"));
        }
        let inner = self.inner()?;
        let mut s = Stats {
            from,
            to,
            ..Stats::default()
        };
        #[derive(Default)]
        struct Acc {
            st: AgentStats,
            first: Mean,
            resp: Mean,
        }
        let mut agents: BTreeMap<String, Acc> = BTreeMap::new();
        let mut depts: BTreeMap<String, (DepartmentStats, Mean, Mean)> = BTreeMap::new();
        let inw = |t: i64| (from..to).contains(&t);
        for c in &inner.convs {
            let dept = depts.entry(c.entry.department.clone()).or_insert_with(|| {
                (
                    DepartmentStats {
                        department: c.entry.department.clone(),
                        ..DepartmentStats::default()
                    },
                    Mean::default(),
                    Mean::default(),
                )
            });
            if inw(c.entry.started) {
                s.sessions += 1;
                dept.0.sessions += 1;
                if c.closed.is_none() && c.disposed.is_none() {
                    s.open += 1;
                }
            }
            let mut waiting: Option<i64> = None;
            let mut first_done = false;
            let mut sessions_of: Vec<&str> = Vec::new();
            let mut last_agent: Option<&str> = None;
            for m in &c.messages {
                if !inw(m.time) {
                    if m.role == Role::Agent {
                        first_done = true;
                        waiting = None;
                    } else if waiting.is_none() {
                        waiting = Some(m.time);
                    }
                    continue;
                }
                s.messages += 1;
                dept.0.messages += 1;
                let hit = m.scan != scan::Action::Allow;
                if hit {
                    dept.0.sensitive_hits += 1;
                }
                if m.scan == scan::Action::Report {
                    s.reported += 1;
                }
                match m.role {
                    Role::Customer => {
                        waiting.get_or_insert(m.time);
                    }
                    _ => {
                        let a = agents.entry(m.sender.clone()).or_default();
                        a.st.messages += 1;
                        if hit {
                            a.st.sensitive_hits += 1;
                        }
                        if !sessions_of.contains(&m.sender.as_str()) {
                            sessions_of.push(&m.sender);
                            a.st.sessions += 1;
                        }
                        if let Some(t) = waiting.take() {
                            let dt = m.time.saturating_sub(t).max(0);
                            a.resp.add(dt);
                            dept.2.add(dt);
                            if !first_done {
                                a.first.add(dt);
                                dept.1.add(dt);
                            }
                        }
                        first_done = true;
                        last_agent = Some(&m.sender);
                    }
                }
            }
            for b in &c.blocked {
                if inw(b.time) {
                    s.blocked += 1;
                    dept.0.sensitive_hits += 1;
                    if b.role == Role::Agent {
                        let a = agents.entry(b.sender.clone()).or_default();
                        a.st.blocked += 1;
                        a.st.sensitive_hits += 1;
                    }
                }
            }
            if c.closed.is_some_and(inw) {
                dept.0.resolved += 1;
                if let Some(a) = last_agent.or_else(|| {
                    c.messages
                        .iter()
                        .rev()
                        .find(|m| m.role == Role::Agent)
                        .map(|m| m.sender.as_str())
                }) {
                    agents.entry(a.to_owned()).or_default().st.resolved += 1;
                }
            }
        }
        for b in inner.behaviours.iter().filter(|b| inw(b.time)) {
            s.behaviours += 1;
            agents.entry(b.actor.clone()).or_default().st.behaviours += 1;
        }
        s.agents = agents
            .into_iter()
            .map(|(id, a)| AgentStats {
                agent: id,
                first_response_s: a.first.get(),
                response_s: a.resp.get(),
                ..a.st
            })
            .collect();
        s.departments = depts
            .into_values()
            .filter(|(d, _, _)| d.sessions + d.messages + d.resolved + d.sensitive_hits > 0)
            .map(|(d, f, r)| DepartmentStats {
                first_response_s: f.get(),
                response_s: r.get(),
                ..d
            })
            .collect();
        Ok(s)
    }

    /// Today at a glance: [`stats`](Self::stats) for the calendar day
    /// holding `now` in the time zone `utc_offset_s` seconds east of UTC
    /// (28,800 for China Standard Time).
    pub fn today(&self, now: i64, utc_offset_s: i64) -> Result<Stats> {
        if utc_offset_s.abs() > 14 * 3600 {
            return Err(Error::invalid("a UTC offset is at most 14 hours"));
        }
        super::check_time("now", now)?;
        let local = now + utc_offset_s;
        let start = local.div_euclid(86_400) * 86_400 - utc_offset_s;
        self.stats(start, start + 86_400)
    }

    /// Check that the audit log and the record file agree: every stored
    /// message has its `message_archived` event with the same record hash;
    /// every archived message is still stored unless the audit log saw its
    /// conversation deleted or shredded; each conversation's legal holds
    /// and disposal, and the settings in force, are the ones the audit log
    /// saw. The audit log itself was verified (chain, tree, frames) when
    /// the archive was opened.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut inner = self.inner()?;
        inner.sync()?;
        let x = AuditIndex::of(&mut inner)?;
        let audited = &x.messages;
        let mut r = VerifyReport {
            audit_records: inner.audit.size(),
            ..VerifyReport::default()
        };
        let mut seen = std::collections::HashSet::new();
        for c in &inner.convs {
            for m in &c.messages {
                r.messages += 1;
                let key = (c.entry.id.clone(), m.id.clone());
                let body = inner.read_entry(m.loc)?;
                match audited.get(&key) {
                    Some(h) if *h == sha256(&body) => r.matched += 1,
                    Some(_) => r.altered.push(key.clone()),
                    None => r.unaudited.push(key.clone()),
                }
                seen.insert(key);
            }
        }
        // Removed, unless the audit log saw its conversation disposed of
        // (the record file's word for that is not taken).
        for key in audited.keys() {
            if !seen.contains(key) && !x.disposed.contains(&key.0) {
                r.removed.push(key.clone());
            }
        }
        r.removed.sort();
        for c in &inner.convs {
            if !x.holds_agree(c) {
                r.holds.push(c.entry.id.clone());
            }
            if c.disposed.is_some() != x.disposed.contains(&c.entry.id) {
                r.disposals.push(c.entry.id.clone());
            }
        }
        for kind in [SETTING_TWO_PERSON, SETTING_RETENTION] {
            let name = setting_name(kind);
            let current = inner.settings.get(&kind).map(|body| sha256(body));
            if current.as_ref() != x.settings.get(name).and_then(|v| v.last()) {
                r.settings.push(name.to_owned());
            }
        }
        Ok(r)
    }

    /// On opening: messages stored just before a crash whose audit event
    /// was lost get it now.
    pub(super) fn recover_audit(&self) -> Result<usize> {
        let mut inner = self.inner()?;
        let x = AuditIndex::of(&mut inner)?;
        // Every record opened with its MAC (only this archive wrote it,
        // where it lies), and the record file is synced before the audit
        // log: a crash can leave records whose events are missing at the
        // end, never events whose records are. Those get their events,
        // marked recovered; anything else is damage.
        let mut events = Vec::new();
        // Recovered events carry the time of the recovery.
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        for kind in [SETTING_TWO_PERSON, SETTING_RETENTION] {
            let name = setting_name(kind);
            let recorded = inner
                .setting_history
                .get(&kind)
                .cloned()
                .unwrap_or_default();
            let audited = x.settings.get(name).cloned().unwrap_or_default();
            if !recorded.starts_with(&audited) {
                return Err(Error::new(
                    ErrorKind::BadSignature,
                    format!(
                        "the record file lacks a change of the {name} that the audit log \
                         holds: records were cut off its end; restore the archive directory \
                         from a backup, and compare the audit log's policy_changed events"
                    ),
                ));
            }
            for h in &recorded[audited.len()..] {
                let mut e =
                    Event::new(now_ms, EventKind::PolicyChanged, "system", Role::System, "");
                e.details.insert("setting".into(), Value::Text(name.into()));
                e.details.insert("sha256".into(), Value::Bytes(h.to_vec()));
                events.push(e);
            }
        }
        for c in &inner.convs {
            let id = || (ObjectKind::Conversation, Id::Plain(c.entry.id.clone()));
            let (sets, releases) = x.holds.get(&c.entry.id).copied().unwrap_or_default();
            let released = c.holds.iter().filter(|h| h.released_at.is_some()).count() as u32;
            let (rec_sets, rec_releases) = (c.holds.len() as u32, released);
            // More events than records is a removal: verify reports it.
            if sets <= rec_sets && releases <= rec_releases {
                for (kind, n) in [
                    (EventKind::LegalHoldSet, rec_sets - sets),
                    (EventKind::LegalHoldReleased, rec_releases - releases),
                ] {
                    for _ in 0..n {
                        let mut e =
                            Event::new(now_ms, kind, "system", Role::System, &c.entry.department);
                        e.objects.push(id());
                        events.push(e);
                    }
                }
            }
            if let Some((action, time)) = c.disposed {
                if !x.disposed.contains(&c.entry.id) {
                    let kind = if action == EndAction::Shred {
                        EventKind::Shredded
                    } else {
                        EventKind::Deleted
                    };
                    let mut e =
                        Event::new(ms(time), kind, "system", Role::System, &c.entry.department);
                    e.objects.push(id());
                    events.push(e);
                }
            }
        }
        for mut e in events {
            e.details.insert("recovered".into(), Value::Bool(true));
            inner.audit.append(&e)?;
        }
        let audited = x.messages;
        let mut missing = Vec::new();
        for c in &inner.convs {
            for m in &c.messages {
                if !audited.contains_key(&(c.entry.id.clone(), m.id.clone())) {
                    missing.push((c.entry.id.clone(), c.entry.department.clone(), m.clone()));
                }
            }
        }
        for (conv, dept, m) in &missing {
            let body = inner.read_entry(m.loc)?;
            let actor = if m.sender.is_empty() {
                "customer"
            } else {
                &m.sender
            };
            let mut e = Event::new(ms(m.time), EventKind::MessageArchived, actor, m.role, dept);
            e.objects
                .push((ObjectKind::Conversation, Id::Plain(conv.clone())));
            e.objects
                .push((ObjectKind::Message, Id::Plain(m.id.clone())));
            e.details
                .insert("record_sha256".into(), Value::Bytes(sha256(&body).to_vec()));
            e.details.insert("recovered".into(), Value::Bool(true));
            inner.audit.append(&e)?;
        }
        inner.sync()?;
        Ok(missing.len())
    }

    /// Where each conversation stands, for reports.
    pub fn state(&self, conversation: &str) -> Result<State> {
        let inner = self.inner()?;
        Ok(inner.state_of(&inner.convs[inner.conv(conversation)?]))
    }
}

/// Without a retention policy only an erasure request or withdrawn
/// consent disposes of anything: shred at once, unless held.
fn no_policy_decision(r: &Record, now: i64) -> Decision {
    let held = r.holds.iter().any(|h| h.released_at.is_none());
    let restricted = r.erasure_requested.is_some() || r.consent_withdrawn.is_some();
    Decision {
        action: match (restricted, held) {
            (true, false) => Action::Shred,
            (true, true) => Action::Restrict,
            _ => Action::Keep,
        },
        end: restricted.then_some(EndAction::Shred),
        not_before: (restricted && !held).then_some(now),
        deadline: None,
        rule: None,
        ceiling_rule: None,
        floor_rule: None,
        floor_end: None,
        tie_break: crate::retention::TieBreak::NoRule,
        restricted,
        held,
        applied: crate::retention::RuleSet::default(),
        now,
        policy_hash: [0; 32],
    }
}

/// (conversation, message) -> record hash of every `message_archived`
/// event in the audit log.
/// What the audit log says about the archive's records, for checking the
/// record file against it.
#[derive(Default)]
struct AuditIndex {
    /// (conversation, message) -> record hash of every archived message.
    messages: HashMap<(String, String), [u8; 32]>,
    /// The hash of each change of each setting, in order, by name.
    settings: HashMap<String, Vec<[u8; 32]>>,
    /// Per conversation: legal holds set, and released.
    holds: HashMap<String, (u32, u32)>,
    /// Conversations deleted or shredded.
    disposed: std::collections::HashSet<String>,
}

impl AuditIndex {
    /// One walk over the audit log.
    fn of(inner: &mut Inner) -> Result<AuditIndex> {
        let mut x = AuditIndex::default();
        inner.audit.for_each_record(|_, record| {
            let (_, e) = Event::decode(&record[32..])?;
            let plain = |k: ObjectKind| {
                e.objects.iter().find_map(|(kind, id)| match id {
                    Id::Plain(s) if *kind == k => Some(s.clone()),
                    _ => None,
                })
            };
            match e.kind {
                EventKind::PolicyChanged => {
                    if let (Some(Value::Text(name)), Some(Value::Bytes(h))) =
                        (e.details.get("setting"), e.details.get("sha256"))
                    {
                        if let Ok(h) = <[u8; 32]>::try_from(h.as_slice()) {
                            x.settings.entry(name.clone()).or_default().push(h);
                        }
                    }
                }
                EventKind::MessageArchived => {
                    if let (Some(c), Some(m), Some(Value::Bytes(h))) = (
                        plain(ObjectKind::Conversation),
                        plain(ObjectKind::Message),
                        e.details.get("record_sha256"),
                    ) {
                        if let Ok(h) = <[u8; 32]>::try_from(h.as_slice()) {
                            x.messages.insert((c, m), h);
                        }
                    }
                }
                EventKind::LegalHoldSet | EventKind::LegalHoldReleased => {
                    if let Some(c) = plain(ObjectKind::Conversation) {
                        let n = x.holds.entry(c).or_default();
                        if e.kind == EventKind::LegalHoldSet {
                            n.0 += 1;
                        } else {
                            n.1 += 1;
                        }
                    }
                }
                EventKind::Shredded | EventKind::Deleted => {
                    if let Some(c) = plain(ObjectKind::Conversation) {
                        x.disposed.insert(c);
                    }
                }
                _ => {}
            }
            Ok(true)
        })?;
        Ok(x)
    }

    /// Whether the holds the record file holds for `c` are the ones the
    /// audit log saw set and released.
    fn holds_agree(&self, c: &ConvState) -> bool {
        let set = c.holds.len() as u32;
        let released = c.holds.iter().filter(|h| h.released_at.is_some()).count() as u32;
        self.holds.get(&c.entry.id).copied().unwrap_or_default() == (set, released)
    }
}

impl Inner {
    /// Whether the record file still holds content that should be gone: a
    /// disposed conversation's, or a completed erasure's sealed customer
    /// id (a compaction failed or was cut short).
    fn needs_compaction(&self) -> bool {
        self.convs.iter().any(ConvState::has_disposed_content)
            || self
                .customers
                .values()
                .any(|c| c.erasure_completed.is_some() && c.erasure_sealed)
    }

    /// Where a conversation stands: disposed of, restricted (its
    /// customer asked for erasure or withdrew consent), or live.
    pub(super) fn state_of(&self, c: &ConvState) -> State {
        if c.disposed.is_some() {
            State::Disposed
        } else if self
            .customers
            .get(&c.entry.customer)
            .is_some_and(CustomerState::restricted)
        {
            State::Restricted
        } else {
            State::Live
        }
    }

    /// Forget the state built from the record file (before a replay).
    fn reset(&mut self) {
        self.requests.clear();
        self.settings.clear();
        self.setting_history.clear();
        self.convs.clear();
        self.by_id.clear();
        self.blind.clear();
        self.customers.clear();
        self.devices.clear();
        self.behaviours.clear();
    }

    /// (tag, sealed id) of every erasure request in the record file.
    fn journal_erasures(&self, out: &mut Vec<(Tag, Vec<u8>)>) -> Result<()> {
        for (tag, c) in &self.customers {
            let Some(loc) = c.erasure_loc else { continue };
            if let Entry::Erasure { sealed, state, .. } = Entry::decode(&self.read_entry(loc)?)? {
                if state == 1 && !sealed.is_empty() {
                    out.push((*tag, sealed));
                }
            }
        }
        Ok(())
    }
}
