//! Audit events and their canonical binary encoding.
//!
//! Owns: [`Event`] with [`EventKind`], [`Role`], [`ObjectKind`], [`Id`],
//! [`Value`] and [`Commitment`]; [`Event::encode`] and [`Event::decode`]
//! (docs/FORMAT.md section 13.1).
//!
//! Invariants: an event has exactly one encoding: decoding accepts only
//! bytes that re-encode to themselves (known numbers, details in strictly
//! ascending key order, booleans 0 or 1, no trailing bytes). A customer is
//! never named in the clear: [`ObjectKind::Customer`] takes only a
//! [`Commitment`], a keyed hash that nobody can link to the customer once
//! the customer's key is shredded.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};

/// Format version of an encoded event.
pub const EVENT_VERSION: u8 = 1;
/// Longest encoded event, in bytes.
pub const MAX_EVENT_BYTES: usize = 65_536;
/// Longest actor, department or plain id, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Longest detail key, in bytes.
pub const MAX_KEY_BYTES: usize = 64;
/// Most objects or details in one event.
pub const MAX_ITEMS: usize = 64;

macro_rules! numbered {
    ($(#[$m:meta])* $name:ident : $repr:ty { $($(#[$vm:meta])* $v:ident = $n:literal, $key:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $v = $n,)*
        }

        impl $name {
            /// Every value, in number order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// Its number in the encoding (and the C ABI).
            pub fn number(self) -> $repr {
                self as $repr
            }

            /// The value with this number.
            pub fn from_number(n: $repr) -> Option<$name> {
                match n {
                    $($n => Some($name::$v),)*
                    _ => None,
                }
            }

            /// Its name in exports (`snake_case`).
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$v => $key,)*
                }
            }
        }
    };
}

numbered! {
    /// What happened. Numbers are only ever appended.
    EventKind: u16 {
        /// A supervisor or auditor opened archived conversations.
        ArchiveViewed = 1, "archive_viewed";
        /// A masked field was revealed with a restore key.
        FieldRevealed = 2, "field_revealed";
        /// A grant was issued.
        GrantIssued = 3, "grant_issued";
        /// A grant was revoked.
        GrantRevoked = 4, "grant_revoked";
        /// A grant expired.
        GrantExpired = 5, "grant_expired";
        /// Records were exported.
        Exported = 6, "exported";
        /// A retention decision was applied.
        RetentionApplied = 7, "retention_applied";
        /// Records were deleted.
        Deleted = 8, "deleted";
        /// Keys were crypto-shredded.
        Shredded = 9, "shredded";
        /// A legal hold was set.
        LegalHoldSet = 10, "legal_hold_set";
        /// A legal hold was released.
        LegalHoldReleased = 11, "legal_hold_released";
        /// A customer asked for erasure.
        ErasureRequested = 12, "erasure_requested";
        /// An erasure was completed.
        ErasureCompleted = 13, "erasure_completed";
        /// Consent was recorded.
        ConsentRecorded = 14, "consent_recorded";
        /// Consent was withdrawn.
        ConsentWithdrawn = 15, "consent_withdrawn";
        /// A message was blocked by the sensitive-word scanner.
        MessageBlocked = 16, "message_blocked";
        /// A message was reported to a supervisor.
        MessageReported = 17, "message_reported";
        /// An agent deleted a message.
        MessageDeletedByAgent = 18, "message_deleted_by_agent";
        /// An agent edited a message.
        MessageEditedByAgent = 19, "message_edited_by_agent";
        /// Someone logged in from a device not seen before.
        NewDeviceLogin = 20, "new_device_login";
        /// The retention or scanning policy changed.
        PolicyChanged = 21, "policy_changed";
        /// A key domain was rotated.
        KeyRotated = 22, "key_rotated";
        /// The log repaired a torn last record on opening.
        LogRepaired = 23, "log_repaired";
        /// A message was archived (details: the SHA-256 of its stored
        /// record, so the log vouches for the archive's content).
        MessageArchived = 24, "message_archived";
        /// The archive was searched by an identifier's blind index.
        ArchiveSearched = 25, "archive_searched";
        /// An approver approved a dangerous operation (two-person
        /// control), or an operation was refused for want of approvals.
        ApprovalRecorded = 26, "approval_recorded";
    }
}

numbered! {
    /// Who acted.
    Role: u8 {
        /// The tenant's owner.
        Owner = 1, "owner";
        /// A supervisor.
        Supervisor = 2, "supervisor";
        /// A customer-service agent.
        Agent = 3, "agent";
        /// A customer.
        Customer = 4, "customer";
        /// The helpdesk system itself (sweeps, expiries).
        System = 5, "system";
        /// An auditor.
        Auditor = 6, "auditor";
    }
}

numbered! {
    /// What an event refers to.
    ObjectKind: u8 {
        /// A conversation.
        Conversation = 1, "conversation";
        /// A message.
        Message = 2, "message";
        /// A customer (only by commitment).
        Customer = 3, "customer";
        /// A grant.
        Grant = 4, "grant";
        /// A policy (its hash).
        Policy = 5, "policy";
        /// A key (its id).
        Key = 6, "key";
        /// An export.
        Export = 7, "export";
        /// A device.
        Device = 8, "device";
        /// A department.
        Department = 9, "department";
        /// A field of a message.
        Field = 10, "field";
    }
}

/// A keyed commitment to a personal value: HMAC-SHA256 under the data
/// subject's key, so the log can name the customer without holding the
/// identifier, and nobody can link the entry to the customer once that key
/// is shredded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Commitment(pub [u8; 32]);

impl Commitment {
    /// `HMAC-SHA256(key, "chatvault/audit/commit" || lp16(what) || value)`:
    /// `what` names the kind of value (`"customer"`, `"phone"`).
    pub fn new(key: &[u8], what: &str, value: &[u8]) -> Result<Commitment> {
        if key.len() < 16 {
            return Err(Error::invalid("a commitment key has at least 16 bytes"));
        }
        let what_len = u16::try_from(what.len())
            .map_err(|_| Error::invalid("a commitment label has at most 65,535 bytes"))?;
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(b"chatvault/audit/commit");
        mac.update(&what_len.to_be_bytes());
        mac.update(what.as_bytes());
        mac.update(value);
        Ok(Commitment(mac.finalize().into_bytes().into()))
    }
}

/// How an event names an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Id {
    /// An identifier that is not personal data (conversation id, grant id,
    /// policy hash in hex).
    Plain(String),
    /// A commitment to personal data.
    Committed(Commitment),
}

/// A detail value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// Text (never personal data: commit it instead).
    Text(String),
    /// An integer.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// Bytes (hashes, ids).
    Bytes(Vec<u8>),
    /// A commitment to personal data.
    Committed(Commitment),
}

/// One audit event.
///
/// # Examples
/// ```
/// use chatvault::audit::{Commitment, Event, EventKind, Id, ObjectKind, Role, Value};
///
/// let customer_key = [7u8; 32]; // the customer's key, from the keyring
/// let mut e = Event::new(1_767_225_600_000, EventKind::FieldRevealed, "agent-17", Role::Agent, "support");
/// e.objects.push((ObjectKind::Conversation, Id::Plain("conv-1".into())));
/// e.objects.push((ObjectKind::Customer, Id::Committed(Commitment::new(&customer_key, "customer", b"cust-42")?)));
/// e.details.insert("class".into(), Value::Text("phone".into()));
/// let bytes = e.encode(0)?;
/// assert_eq!(Event::decode(&bytes)?, (0, e));
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When, in milliseconds since 1970-01-01T00:00:00Z.
    pub time_ms: i64,
    /// What happened.
    pub kind: EventKind,
    /// Who acted (an account id, not a person's name).
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// The actor's department (may be empty).
    pub department: String,
    /// What the event refers to, in order.
    pub objects: Vec<(ObjectKind, Id)>,
    /// Further details, by key.
    pub details: BTreeMap<String, Value>,
}

impl Event {
    /// An event with no objects or details.
    pub fn new(
        time_ms: i64,
        kind: EventKind,
        actor: impl Into<String>,
        role: Role,
        department: impl Into<String>,
    ) -> Event {
        Event {
            time_ms,
            kind,
            actor: actor.into(),
            role,
            department: department.into(),
            objects: Vec::new(),
            details: BTreeMap::new(),
        }
    }

    fn check(&self) -> Result<()> {
        let name = |what: &str, s: &str| {
            if s.len() > MAX_NAME_BYTES {
                Err(Error::invalid(format!(
                    "{what} is longer than {MAX_NAME_BYTES} bytes"
                )))
            } else {
                Ok(())
            }
        };
        if self.actor.is_empty() {
            return Err(Error::invalid("an event needs an actor"));
        }
        name("actor", &self.actor)?;
        name("department", &self.department)?;
        if self.objects.len() > MAX_ITEMS || self.details.len() > MAX_ITEMS {
            return Err(Error::invalid(format!(
                "an event has at most {MAX_ITEMS} objects and {MAX_ITEMS} details"
            )));
        }
        for (kind, id) in &self.objects {
            match id {
                Id::Plain(_) if *kind == ObjectKind::Customer => {
                    return Err(Error::invalid(
                        "a customer is named in the audit log only by a commitment",
                    ))
                }
                Id::Plain(s) => name("object id", s)?,
                Id::Committed(_) => {}
            }
        }
        for key in self.details.keys() {
            if key.is_empty() || key.len() > MAX_KEY_BYTES {
                return Err(Error::invalid(format!(
                    "detail keys are 1 to {MAX_KEY_BYTES} bytes"
                )));
            }
        }
        Ok(())
    }

    /// The canonical encoding of this event as entry `seq` of a log.
    pub fn encode(&self, seq: u64) -> Result<Vec<u8>> {
        self.check()?;
        let mut w = Vec::with_capacity(128);
        w.put_u8(EVENT_VERSION);
        w.put_u64(seq);
        w.put_i64(self.time_ms);
        w.put_u16(self.kind.number());
        w.put_u8(self.role.number());
        w.put_lp16(self.actor.as_bytes());
        w.put_lp16(self.department.as_bytes());
        w.put_u8(self.objects.len() as u8);
        for (kind, id) in &self.objects {
            w.put_u8(kind.number());
            match id {
                Id::Plain(s) => {
                    w.put_u8(0);
                    w.put_lp16(s.as_bytes());
                }
                Id::Committed(c) => {
                    w.put_u8(1);
                    w.put(&c.0);
                }
            }
        }
        w.put_u8(self.details.len() as u8);
        for (key, value) in &self.details {
            w.put_lp16(key.as_bytes());
            match value {
                Value::Text(s) => {
                    w.put_u8(0);
                    put_long(&mut w, s.as_bytes())?;
                }
                Value::Int(v) => {
                    w.put_u8(1);
                    w.put_i64(*v);
                }
                Value::Bool(b) => {
                    w.put_u8(2);
                    w.put_u8(u8::from(*b));
                }
                Value::Bytes(b) => {
                    w.put_u8(3);
                    put_long(&mut w, b)?;
                }
                Value::Committed(c) => {
                    w.put_u8(4);
                    w.put(&c.0);
                }
            }
        }
        if w.len() > MAX_EVENT_BYTES {
            return Err(Error::new(
                crate::ErrorKind::TooLarge,
                format!("an encoded event has at most {MAX_EVENT_BYTES} bytes"),
            ));
        }
        Ok(w)
    }

    /// Decode an event and its sequence number; only canonical encodings
    /// are accepted ([`crate::ErrorKind::Malformed`] otherwise,
    /// [`crate::ErrorKind::UnsupportedVersion`] for another version).
    pub fn decode(bytes: &[u8]) -> Result<(u64, Event)> {
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(Error::malformed("audit event longer than the maximum"));
        }
        let mut r = Reader::new(bytes, "audit event");
        let version = r.u8()?;
        if version != EVENT_VERSION {
            return Err(Error::new(
                crate::ErrorKind::UnsupportedVersion,
                format!("audit event version {version}"),
            ));
        }
        let seq = r.u64()?;
        let time_ms = r.i64()?;
        let kind = r.u16()?;
        let kind = EventKind::from_number(kind)
            .ok_or_else(|| Error::malformed(format!("unknown audit event kind {kind}")))?;
        let role = r.u8()?;
        let role = Role::from_number(role)
            .ok_or_else(|| Error::malformed(format!("unknown audit role {role}")))?;
        let actor = r.str16()?.to_owned();
        let department = r.str16()?.to_owned();
        let mut e = Event::new(time_ms, kind, actor, role, department);
        for _ in 0..r.u8()? {
            let k = r.u8()?;
            let kind = ObjectKind::from_number(k)
                .ok_or_else(|| Error::malformed(format!("unknown audit object kind {k}")))?;
            let id = match r.u8()? {
                0 => Id::Plain(r.str16()?.to_owned()),
                1 => Id::Committed(Commitment(r.array()?)),
                t => return Err(Error::malformed(format!("unknown audit id type {t}"))),
            };
            e.objects.push((kind, id));
        }
        for _ in 0..r.u8()? {
            let key = r.str16()?.to_owned();
            if e.details
                .keys()
                .next_back()
                .is_some_and(|last| *last >= key)
            {
                return Err(Error::malformed(
                    "audit event details out of order or repeated",
                ));
            }
            let value = match r.u8()? {
                0 => Value::Text(
                    std::str::from_utf8(long(&mut r)?)
                        .map_err(|_| Error::malformed("audit detail text is not UTF-8"))?
                        .to_owned(),
                ),
                1 => Value::Int(r.i64()?),
                2 => match r.u8()? {
                    0 => Value::Bool(false),
                    1 => Value::Bool(true),
                    b => return Err(Error::malformed(format!("audit flag {b}"))),
                },
                3 => Value::Bytes(long(&mut r)?.to_vec()),
                4 => Value::Committed(Commitment(r.array()?)),
                t => return Err(Error::malformed(format!("unknown audit value type {t}"))),
            };
            e.details.insert(key, value);
        }
        r.finish()?;
        // Limits a writer enforces are also reader checks.
        e.check()
            .map_err(|err| Error::malformed(err.detail().to_owned()))?;
        Ok((seq, e))
    }
}

/// A u32-length-prefixed byte string (text and bytes values).
fn put_long(w: &mut Vec<u8>, b: &[u8]) -> Result<()> {
    let n = u32::try_from(b.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_EVENT_BYTES)
        .ok_or_else(|| {
            Error::new(
                crate::ErrorKind::TooLarge,
                format!("an encoded event has at most {MAX_EVENT_BYTES} bytes"),
            )
        })?;
    w.put_u32(n);
    w.put(b);
    Ok(())
}

fn long<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let n = r.u32()? as usize;
    r.bytes(n)
}
