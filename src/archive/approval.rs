//! Two-person control: dangerous operations run only with approvals from
//! M of N named approvers (docs/ARCHIVE.md, docs/FORMAT.md section 14.4).
//!
//! The archive writes a *request*: a text naming the tenant, the operation
//! with every parameter that matters, who asked, until when, and a fresh
//! nonce. Each approver signs that text with their own Ed25519 key as a
//! C2SP signed note ([`approve`]); the operation is then called with the
//! signed notes. The archive rebuilds the text from the call's own
//! parameters, checks that the nonce is one it issued, unused and not
//! expired, counts the distinct approvers of its rule whose signatures
//! verify, and runs the operation only when they reach the threshold.
//! Each request authorizes one operation once; each approval is audited.

use crate::audit::{sign_note, NoteSigner, NoteVerifier};
use crate::error::{Error, Result};
use crate::keys::{AgentScope, Argon2Params, GranteePublic, Kek, SupervisorScope, Validity};

/// The approvers and how many of them a dangerous operation needs.
#[derive(Debug, Clone)]
pub struct TwoPersonRule {
    /// Approvals needed (2 or more, at most the number of approvers).
    pub threshold: usize,
    /// The approvers' public keys (C2SP verifier keys; the key's name is
    /// the approver's name, unique in the rule).
    pub approvers: Vec<NoteVerifier>,
}

impl TwoPersonRule {
    /// A rule, checked: at least two approvers with distinct names (not
    /// only in letter case) and distinct keys, a threshold from 2 to their
    /// number. One person holding two keys, or one key under two names,
    /// would otherwise count twice.
    pub fn new(threshold: usize, approvers: Vec<NoteVerifier>) -> Result<TwoPersonRule> {
        if threshold < 2 || threshold > approvers.len() {
            return Err(Error::invalid(format!(
                "a two-person rule needs 2 to {} approvals of its {} approvers, not {threshold}",
                approvers.len(),
                approvers.len()
            )));
        }
        for (i, a) in approvers.iter().enumerate() {
            if let Some(b) = approvers[..i]
                .iter()
                .find(|b| same_person(b.name(), a.name()))
            {
                return Err(Error::invalid(format!(
                    "approvers {:?} and {:?} have the same name",
                    b.name(),
                    a.name()
                )));
            }
            if let Some(b) = approvers[..i]
                .iter()
                .find(|b| b.public_key() == a.public_key())
            {
                return Err(Error::invalid(format!(
                    "approvers {:?} and {:?} have the same key",
                    b.name(),
                    a.name()
                )));
            }
        }
        Ok(TwoPersonRule {
            threshold,
            approvers,
        })
    }

    /// The rule as the lines of a request or of its file.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut v = vec![format!("threshold: {}", self.threshold)];
        v.extend(
            self.approvers
                .iter()
                .map(|a| format!("approver: {}", a.encoded())),
        );
        v
    }

    /// Parse the lines of [`lines`](Self::lines).
    pub(crate) fn from_lines(text: &str) -> Result<TwoPersonRule> {
        let mut threshold = None;
        let mut approvers = Vec::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            if let Some(t) = line.strip_prefix("threshold: ") {
                threshold = Some(
                    t.parse()
                        .map_err(|_| Error::malformed(format!("bad threshold {t:?}")))?,
                );
            } else if let Some(k) = line.strip_prefix("approver: ") {
                approvers.push(NoteVerifier::from_encoded(k)?);
            } else {
                return Err(Error::malformed(format!("unknown line {line:?}")));
            }
        }
        let threshold = threshold.ok_or_else(|| Error::malformed("no threshold"))?;
        TwoPersonRule::new(threshold, approvers)
            .map_err(|e| Error::malformed(e.detail().to_owned()))
    }
}

/// Whether two names name the same person: equal but for letter case.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// Who receives one share of the master key: a name, and the public key
/// the share is sealed to (a [`GranteeSecret`](crate::keys::GranteeSecret)
/// the holder generated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareHolder {
    /// The holder's name (unique among the holders, not only in letter
    /// case).
    pub name: String,
    /// The holder's public key.
    pub public: GranteePublic,
}

/// Where an exported master key goes; an approval request names it, so
/// approvers know what they allow.
#[derive(Debug, Clone, Copy)]
pub enum KeyDestination<'a> {
    /// Wrapped under this key-encryption key, named in the request by its
    /// whole key id (64 hex digits).
    Kek(&'a Kek),
    /// Wrapped under a passphrase with these Argon2id parameters. A
    /// request cannot name a passphrase: whoever runs the approved export
    /// chooses it. Prefer a KEK or shares.
    Passphrase(Argon2Params),
    /// Split into one share per holder, `threshold` of them needed, each
    /// sealed to its holder's public key.
    Shares {
        /// Shares needed to recover the key.
        threshold: u8,
        /// The holders, in share order.
        holders: &'a [ShareHolder],
    },
}

/// A dangerous operation.
#[derive(Debug, Clone, Copy)]
pub enum Operation<'a> {
    /// Issue a supervisor grant.
    IssueSupervisorGrant {
        /// The grantee.
        grantee: &'a GranteePublic,
        /// Its label.
        label: &'a str,
        /// Departments and window.
        scope: &'a SupervisorScope,
        /// Validity.
        validity: Validity,
    },
    /// Issue an agent grant.
    IssueAgentGrant {
        /// The grantee.
        grantee: &'a GranteePublic,
        /// Its label.
        label: &'a str,
        /// Classes.
        scope: &'a AgentScope,
        /// Validity.
        validity: Validity,
    },
    /// Release a legal hold.
    ReleaseHold {
        /// The conversation.
        conversation: &'a str,
    },
    /// Export the master key (wrapped, or as M-of-N shares).
    ExportMasterKey {
        /// Where it goes.
        destination: KeyDestination<'a>,
    },
    /// Export conversations for transfer
    /// ([`Archive::export`](super::Archive::export)).
    BulkExport {
        /// `"json"` or `"csv"`.
        format: &'a str,
        /// Who the export is sealed to.
        recipient: &'a GranteePublic,
        /// Which conversations.
        filter: &'a super::Filter,
    },
    /// Replace the two-person rule.
    SetTwoPersonRule {
        /// The new rule.
        rule: &'a TwoPersonRule,
    },
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A value as a request shows it: a JSON string, so no value can hold a
/// line break or pass for a list separator or another field.
pub(crate) fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A list of values as a JSON array of strings.
fn quote_list<S: AsRef<str>>(items: &[S]) -> String {
    serde_json::Value::Array(
        items
            .iter()
            .map(|s| serde_json::Value::String(s.as_ref().to_owned()))
            .collect(),
    )
    .to_string()
}

impl Operation<'_> {
    /// Check the parameters a request will name: for shares, 2 to 255
    /// holders with distinct names and keys and a threshold from 2 to
    /// their number.
    pub(crate) fn check(&self) -> Result<()> {
        if let Operation::ExportMasterKey {
            destination: KeyDestination::Shares { threshold, holders },
        } = self
        {
            let n = holders.len();
            if !(2..=usize::from(crate::keys::MAX_SHARES)).contains(&n)
                || *threshold < 2
                || usize::from(*threshold) > n
            {
                return Err(Error::invalid(format!(
                    "a key is split among 2 to {} holders, 2 to all of them needed \
                     (asked: {threshold} of {n})",
                    crate::keys::MAX_SHARES
                )));
            }
            for (i, h) in holders.iter().enumerate() {
                super::record::check_name("holder name", &h.name)?;
                if let Some(o) = holders[..i].iter().find(|o| {
                    same_person(&o.name, &h.name) || o.public.as_bytes() == h.public.as_bytes()
                }) {
                    return Err(Error::invalid(format!(
                        "share holders {:?} and {:?} have the same name or key",
                        o.name, h.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// The operation's name and parameter lines.
    pub(crate) fn describe(&self) -> (&'static str, Vec<String>) {
        match self {
            Operation::IssueSupervisorGrant {
                grantee,
                label,
                scope,
                validity,
            } => {
                let (from, to) = scope.window();
                (
                    "issue_supervisor_grant",
                    vec![
                        format!("grantee: {}", hex(grantee.as_bytes())),
                        format!("label: {}", quote(label)),
                        format!("departments: {}", quote_list(scope.departments())),
                        format!("window: {from} {to}"),
                        format!("validity: {} {}", validity.not_before, validity.expires_at),
                    ],
                )
            }
            Operation::IssueAgentGrant {
                grantee,
                label,
                scope,
                validity,
            } => (
                "issue_agent_grant",
                vec![
                    format!("grantee: {}", hex(grantee.as_bytes())),
                    format!("label: {}", quote(label)),
                    format!(
                        "classes: {}",
                        quote_list(&scope.classes().iter().map(|c| c.name()).collect::<Vec<_>>())
                    ),
                    format!("validity: {} {}", validity.not_before, validity.expires_at),
                ],
            ),
            Operation::ReleaseHold { conversation } => (
                "release_hold",
                vec![format!("conversation: {}", quote(conversation))],
            ),
            Operation::ExportMasterKey { destination } => {
                let lines = match destination {
                    KeyDestination::Kek(k) => vec![format!("kek: {}", k.key_id_hex())],
                    KeyDestination::Passphrase(p) => {
                        vec![format!("passphrase: {}", p.describe())]
                    }
                    KeyDestination::Shares { threshold, holders } => {
                        let mut v = vec![format!("shares: {threshold} of {}", holders.len())];
                        v.extend(holders.iter().map(|h| {
                            format!("holder: {} {}", quote(&h.name), hex(h.public.as_bytes()))
                        }));
                        v
                    }
                };
                ("export_master_key", lines)
            }
            Operation::BulkExport {
                format,
                recipient,
                filter,
            } => {
                let mut lines = vec![
                    format!("format: {}", quote(format)),
                    format!("recipient: {}", hex(recipient.as_bytes())),
                ];
                lines.extend(super::export::filter_lines(filter));
                ("bulk_export", lines)
            }
            Operation::SetTwoPersonRule { rule } => ("set_two_person_rule", rule.lines()),
        }
    }
}

/// The text of a request: what approvers sign.
pub(crate) fn request_text(
    tenant: &str,
    op: &Operation<'_>,
    requested_by: &str,
    expires: i64,
    nonce: &[u8; 16],
) -> String {
    let (name, params) = op.describe();
    let mut t = String::from("chatvault approval request\n");
    t.push_str(&format!("tenant: {}\noperation: {name}\n", quote(tenant)));
    for p in params {
        t.push_str(&p);
        t.push('\n');
    }
    t.push_str(&format!(
        "requested-by: {}\nexpires: {expires}\nnonce: {}\n",
        quote(requested_by),
        hex(nonce)
    ));
    t
}

/// The nonce and expiry a request text names, read back.
pub(crate) fn request_fields(text: &str) -> Result<([u8; 16], i64, String)> {
    let field = |name: &str| {
        text.lines()
            .rev()
            .find_map(|l| l.strip_prefix(name))
            .ok_or_else(|| Error::malformed(format!("an approval request has no {name:?} line")))
    };
    let n = field("nonce: ")?.as_bytes();
    let mut nonce = [0u8; 16];
    if n.len() != 32 {
        return Err(Error::malformed(
            "an approval request's nonce is 32 hex digits",
        ));
    }
    let digit = |c: u8| {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| Error::malformed("an approval request's nonce is not hex"))
    };
    for (i, b) in nonce.iter_mut().enumerate() {
        *b = (digit(n[2 * i])? << 4) | digit(n[2 * i + 1])?;
    }
    let expires = field("expires: ")?
        .parse()
        .map_err(|_| Error::malformed("an approval request's expiry is not a number"))?;
    let by = serde_json::from_str::<String>(field("requested-by: ")?)
        .map_err(|_| Error::malformed("an approval request's requester is not a quoted name"))?;
    Ok((nonce, expires, by))
}

/// Approve a request: its text signed with the approver's key, as a C2SP
/// signed note to hand back to whoever runs the operation.
///
/// # Examples
/// ```
/// use chatvault::archive::approve;
/// use chatvault::audit::{open_note, NoteSigner};
///
/// let alice = NoteSigner::generate("alice")?;
/// let note = approve("chatvault approval request\ntenant: acme\n", &alice)?;
/// let (_, names) = open_note(&note, &[&alice.verifier()])?;
/// assert_eq!(names, ["alice"]);
/// # Ok::<(), chatvault::Error>(())
/// ```
pub fn approve(request: &str, approver: &NoteSigner) -> Result<String> {
    sign_note(request, &[approver])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_fields_never_panic_on_odd_text() {
        let ok = request_text(
            "t",
            &Operation::ReleaseHold { conversation: "c" },
            "me",
            5,
            &[0xab; 16],
        );
        assert_eq!(request_fields(&ok).unwrap(), ([0xab; 16], 5, "me".into()));
        for bad in [
            "nonce: éééééééééééééééé\nexpires: 1\nrequested-by: x\n",
            "nonce: 0123456789abcdef0123456789abcdeg\nexpires: 1\nrequested-by: x\n",
            "nonce: 00\nexpires: 1\nrequested-by: x\n",
            "expires: 1\n",
            "nonce: 0123456789abcdef0123456789abcdef\nexpires: x\nrequested-by: \"y\"\n",
            "nonce: 0123456789abcdef0123456789abcdef\nexpires: 1\nrequested-by: y\n",
            "",
        ] {
            assert!(request_fields(bad).is_err(), "{bad:?}");
        }
    }
}
