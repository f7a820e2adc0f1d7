//! Two-person control of the archive's dangerous operations, and the
//! master key's export (wrapped, or as M-of-N shares).

use super::approval::{
    request_fields, request_text, same_person, KeyDestination, Operation, ShareHolder,
    TwoPersonRule,
};
use super::record::{check_name, Entry};
use super::{ms, refused, Archive, Protect};
use crate::audit::{
    open_note, parse_note, Event, EventKind, Id, NoteVerifier, ObjectKind, Role, Value,
};
use crate::error::{Error, ErrorKind, Result};

/// The longest a request may stay open: 30 days.
pub const MAX_REQUEST_SECONDS: i64 = 30 * 86_400;

/// Setting kinds kept in the record file (docs/FORMAT.md section 14.2).
pub(super) const SETTING_TWO_PERSON: u8 = 1;
pub(super) const SETTING_RETENTION: u8 = 2;

/// The name of a setting kind, as the `setting` detail of its
/// `policy_changed` audit event.
pub(super) fn setting_name(kind: u8) -> &'static str {
    match kind {
        SETTING_TWO_PERSON => "two_person_rule",
        _ => "retention_policy",
    }
}

impl Archive {
    /// Record a setting in the record file and audit its change as `event`
    /// with the setting's name and the SHA-256 of its text, both synced
    /// before this returns.
    pub(super) fn save_setting(
        &self,
        kind: u8,
        body: &[u8],
        mut event: Event,
        now: i64,
    ) -> Result<()> {
        event
            .details
            .insert("setting".into(), Value::Text(setting_name(kind).into()));
        event
            .details
            .insert("sha256".into(), Value::Bytes(super::sha256(body).to_vec()));
        let mut inner = self.inner()?;
        inner.record(Entry::Setting {
            kind,
            body: body.to_vec(),
            time: now,
        })?;
        inner.audit.append(&event)?;
        inner.sync()
    }

    /// On opening (after [`recover_audit`](Self::recover_audit) checked
    /// each setting's history against the audit log): put the settings in
    /// force.
    pub(super) fn load_settings(&self) -> Result<()> {
        let settings = self.inner()?.settings.clone();
        for (kind, body) in settings {
            let poisoned = || Error::new(ErrorKind::Poisoned, "lock poisoned");
            if kind == SETTING_TWO_PERSON {
                let text = std::str::from_utf8(&body)
                    .map_err(|_| Error::malformed("the two-person rule is not UTF-8"))?;
                *self.two_person.write().map_err(|_| poisoned())? =
                    Some(TwoPersonRule::from_lines(text)?);
            } else {
                let policy = crate::retention::Policy::from_json_bytes(&body)?;
                *self.retention.write().map_err(|_| poisoned())? =
                    Some(std::sync::Arc::new(policy));
            }
        }
        Ok(())
    }

    fn rule(&self) -> Result<Option<TwoPersonRule>> {
        Ok(self
            .two_person
            .read()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "lock poisoned"))?
            .clone())
    }

    /// The two-person rule in force, if one was set.
    pub fn two_person_rule(&self) -> Result<Option<TwoPersonRule>> {
        self.rule()
    }

    /// Write a request for `op` on behalf of `requested_by`, open until
    /// `now + valid_for` seconds (at most 30 days): the text each approver
    /// signs with [`approve`](super::approve). It names the tenant, the
    /// operation with its parameters, who asked, the expiry and a fresh
    /// nonce, and is good for one run of exactly that operation.
    pub fn request_approval(
        &self,
        op: &Operation<'_>,
        requested_by: &str,
        now: i64,
        valid_for: i64,
    ) -> Result<String> {
        check_name("requested_by", requested_by)?;
        if !(1..=MAX_REQUEST_SECONDS).contains(&valid_for) {
            return Err(Error::invalid(
                "an approval request is valid for 1 second to 30 days",
            ));
        }
        let mut nonce = [0u8; 16];
        crate::rng::os_fill(&mut nonce)?;
        let expires = now
            .checked_add(valid_for)
            .ok_or_else(|| Error::invalid("expiry out of range"))?;
        op.check()?;
        let text = request_text(&self.tenant, op, requested_by, expires, &nonce);
        let mut inner = self.inner()?;
        inner.record(Entry::ApprovalRequest {
            nonce,
            expires,
            requested_by: requested_by.to_owned(),
            text_sha256: super::sha256(text.as_bytes()),
        })?;
        inner.sync()?;
        Ok(text)
    }

    /// Check the approvals of `op` under the rule in force (none: nothing
    /// needed), use up its request, and audit every approval (or the
    /// refusal).
    pub(super) fn authorize(
        &self,
        op: &Operation<'_>,
        approvals: &[&str],
        actor: &str,
        now: i64,
    ) -> Result<()> {
        let rule = self.rule()?;
        self.authorize_under(rule.as_ref(), op, approvals, actor, now)
    }

    /// [`authorize`](Self::authorize) under `rule` (the caller may hold the
    /// rule's lock).
    fn authorize_under(
        &self,
        rule: Option<&TwoPersonRule>,
        op: &Operation<'_>,
        approvals: &[&str],
        actor: &str,
        now: i64,
    ) -> Result<()> {
        let Some(rule) = rule else {
            return Ok(());
        };
        let (name, _) = op.describe();
        let checked = (|| {
            let first = approvals.first().ok_or_else(|| {
                refused(format!(
                    "{name} needs {} approvals of the two-person rule; none given",
                    rule.threshold
                ))
            })?;
            let (text, _) = parse_note(first)?;
            let (nonce, expires, by) = request_fields(&text)?;
            if text != request_text(&self.tenant, op, &by, expires, &nonce) {
                return Err(refused(
                    "the approvals are for another operation or other parameters",
                ));
            }
            let issued = self.inner()?.requests.get(&nonce).copied();
            match issued {
                None => {
                    return Err(refused(
                        "the approval request was not issued by this archive",
                    ))
                }
                // The whole text, not only what the operation rebuilds: who
                // asked and until when are the archive's, not the caller's.
                Some(r) if r.text_sha256 != super::sha256(text.as_bytes()) => {
                    return Err(refused(
                        "the approval request differs from the one this archive issued",
                    ))
                }
                Some(r) if r.used => return Err(refused("the approval request was already used")),
                Some(r) if now >= r.expires => {
                    return Err(refused("the approval request has expired"))
                }
                Some(_) => {}
            }
            let trusted: Vec<&NoteVerifier> = rule.approvers.iter().collect();
            let mut names: Vec<String> = Vec::new();
            for note in approvals {
                let (t, sigs) = parse_note(note)?;
                if t != text {
                    return Err(refused("approvals of different requests"));
                }
                // A note signed by nobody of the rule counts for nothing; a
                // signature in an approver's name that fails is an error.
                if !sigs
                    .iter()
                    .any(|s| rule.approvers.iter().any(|a| a.name() == s.name))
                {
                    continue;
                }
                let (_, signed) = open_note(note, &trusted)?;
                for n in signed {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
            }
            // Whoever asked does not approve their own request.
            let own = names.iter().any(|n| same_person(n, &by));
            names.retain(|n| !same_person(n, &by));
            if names.len() < rule.threshold {
                return Err(refused(format!(
                    "{name} needs {} approvals; {} given ({}){}",
                    rule.threshold,
                    names.len(),
                    names.join(", "),
                    if own {
                        "; the requester's own approval does not count"
                    } else {
                        ""
                    }
                )));
            }
            Ok((nonce, by, names))
        })();
        let event = |approver: &str, by: &str, outcome: String| {
            let mut e = Event::new(
                ms(now),
                EventKind::ApprovalRecorded,
                approver,
                Role::Owner,
                "",
            );
            e.details
                .insert("operation".into(), Value::Text(name.into()));
            e.details
                .insert("requested_by".into(), Value::Text(by.into()));
            e.details.insert("run_by".into(), Value::Text(actor.into()));
            e.details.insert("outcome".into(), Value::Text(outcome));
            e
        };
        let mut inner = self.inner()?;
        match checked {
            Ok((nonce, by, names)) => {
                // Used up under the lock: two concurrent runs of one
                // request cannot both pass.
                if inner.requests.get(&nonce).is_some_and(|r| r.used) {
                    return Err(refused("the approval request was already used"));
                }
                inner.record(Entry::ApprovalUsed { nonce, time: now })?;
                for n in &names {
                    let mut e = event(n, &by, "approved".into());
                    e.objects.push((
                        ObjectKind::Export,
                        Id::Plain(nonce.iter().map(|b| format!("{b:02x}")).collect()),
                    ));
                    inner.audit.append(&e)?;
                }
                inner.sync()
            }
            Err(err) => {
                inner
                    .audit
                    .append(&event(actor, actor, format!("refused: {err}")))?;
                inner.sync()?;
                Err(err)
            }
        }
    }

    /// Set the two-person rule: from then on issuing a grant, releasing a
    /// legal hold, exporting the master key and changing the rule need
    /// approvals from `rule.threshold` of its approvers. The first rule is
    /// set by the owner alone; replacing one needs the approvals of the
    /// rule in force for [`Operation::SetTwoPersonRule`] with the new
    /// rule. Kept in the record file under a MAC of the master key;
    /// audited as `policy_changed` with the rule's hash.
    pub fn set_two_person_rule(
        &self,
        rule: &TwoPersonRule,
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<()> {
        check_name("actor", actor)?;
        let rule = TwoPersonRule::new(rule.threshold, rule.approvers.clone())?;
        // Held from the check to the replacement: two concurrent changes
        // cannot both pass against the same rule.
        let mut slot = self
            .two_person
            .write()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "lock poisoned"))?;
        self.authorize_under(
            slot.as_ref(),
            &Operation::SetTwoPersonRule { rule: &rule },
            approvals,
            actor,
            now,
        )?;
        let mut text = rule.lines().join("\n");
        text.push('\n');
        let mut e = Event::new(ms(now), EventKind::PolicyChanged, actor, Role::Owner, "");
        e.details
            .insert("policy".into(), Value::Text("two_person_rule".into()));
        e.details
            .insert("threshold".into(), Value::Int(rule.threshold as i64));
        e.details.insert(
            "approvers".into(),
            Value::Text(
                rule.approvers
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        );
        self.save_setting(SETTING_TWO_PERSON, text.as_bytes(), e, now)?;
        *slot = Some(rule);
        Ok(())
    }

    fn audit_key_export(&self, actor: &str, form: &str, now: i64) -> Result<()> {
        let mut e = Event::new(ms(now), EventKind::Exported, actor, Role::Owner, "");
        e.objects
            .push((ObjectKind::Key, Id::Plain(self.ring.master().fingerprint())));
        e.details
            .insert("what".into(), Value::Text("master_key".into()));
        e.details.insert("form".into(), Value::Text(form.into()));
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()
    }

    /// Export the master key wrapped as `protect` says (for a backup or
    /// another site), under two-person control. Audited.
    pub fn export_master_key(
        &self,
        protect: Protect<'_>,
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<Vec<u8>> {
        check_name("actor", actor)?;
        let (destination, form) = match protect {
            Protect::Kek(k) => (KeyDestination::Kek(k), "kek"),
            Protect::Passphrase(_, p) => (KeyDestination::Passphrase(p), "passphrase"),
        };
        self.authorize(
            &Operation::ExportMasterKey { destination },
            approvals,
            actor,
            now,
        )?;
        let out = match protect {
            Protect::Kek(k) => self.ring.master().export_with_kek(&self.tenant, k)?,
            Protect::Passphrase(p, params) => {
                self.ring
                    .master()
                    .export_with_passphrase(&self.tenant, p, params)?
            }
        };
        self.audit_key_export(actor, form, now)?;
        Ok(out)
    }

    /// Split the master key into one share per holder, of which any
    /// `threshold` open the archive ([`Unlock::Shares`](super::Unlock::Shares)),
    /// so no single person need hold it; under two-person control (the
    /// request names every holder and their key). Each share comes back
    /// sealed to its holder's public key and signed by the tenant, in the
    /// holders' order: only that holder opens it
    /// ([`open_key_share`](crate::keys::open_key_share)), so whoever runs
    /// the export never holds the shares. Audited.
    pub fn export_master_key_shares(
        &self,
        threshold: u8,
        holders: &[ShareHolder],
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<Vec<Vec<u8>>> {
        check_name("actor", actor)?;
        let op = Operation::ExportMasterKey {
            destination: KeyDestination::Shares { threshold, holders },
        };
        op.check()?;
        self.authorize(&op, approvals, actor, now)?;
        let count = u8::try_from(holders.len()).expect("checked");
        let shares = self.ring.master().split(&self.tenant, threshold, count)?;
        let sealed = holders
            .iter()
            .zip(&shares)
            .map(|(h, s)| self.ring.seal_key_share(&h.public, s))
            .collect::<Result<Vec<_>>>()?;
        let names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
        self.audit_key_export(
            actor,
            &format!("shares {threshold} of {count} to {}", names.join(", ")),
            now,
        )?;
        Ok(sealed)
    }
}
