//! The archive workflow (会话存档): what a helpdesk runs, tying keys,
//! sealing, masking, scanning, retention and the audit log together.
//!
//! An [`Archive`] is one tenant's archive in one directory:
//!
//! | part | where |
//! |---|---|
//! | master key, wrapped (passphrase or KEK) | `master.key` |
//! | settings (tenant, suite, consent rule) | `archive.json` |
//! | data keys, wrapped ([`FileKeyStore`]) | `keys/` |
//! | sealed messages and metadata | `records/journal.cvar` (docs/FORMAT.md section 14) |
//! | audit log ([`AuditLog`]) | `audit/` |
//! | retention policy, once set | `retention.json` |
//!
//! Nothing is kept in the clear but the metadata retention and reports
//! need (conversation id, department, category, tags, region, channel,
//! times, sender role, agent id, scan outcome). Message text is masked
//! (identifiers replaced for display, their originals sealed under the
//! customer's class keys) and the display text sealed under the
//! conversation's data key; identifiers are findable through keyed blind
//! indexes; the customer id is kept only sealed and as a keyed tag.
//!
//! Every step is audited: each archived message (with the SHA-256 of its
//! stored record, so the audit log vouches for the archive's content),
//! blocked and reported messages, views, reveals (refused ones too),
//! searches, consent, holds, erasure, retention actions. The audit events
//! of reads are durable before the data is returned.
//!
//! # Examples
//! ```
//! use chatvault::archive::{Archive, Conversation, Message, Options, Protect};
//! use chatvault::audit::Role;
//! use chatvault::keys::{AgentScope, GranteeSecret, IdClass, MasterKey, SupervisorScope, Validity};
//!
//! let dir = tempfile::tempdir()?;
//! let t0 = 1_767_225_600; // 2026-01-01T00:00:00Z
//! let kek = chatvault::keys::Kek::from_bytes([7; 32]);
//! let archive = Archive::create(dir.path(), "acme", MasterKey::generate()?, Protect::Kek(&kek), Options::default())?;
//! archive.start_conversation(&Conversation::new("conv-1", "sales", "cust-42", t0))?;
//! let out = archive.ingest(&Message::customer("conv-1", "m1", t0 + 5, "我的手机 13800138000"))?;
//! assert_eq!(out.display, "我的手机 138****8000");
//!
//! // A supervisor grant for sales in January reads the masked text.
//! let sup = GranteeSecret::generate()?;
//! let blob = archive.issue_supervisor_grant(
//!     &sup.public(), "sup-1", &SupervisorScope::new(&["sales"], t0, t0 + 31 * 86_400)?,
//!     Validity::new(t0, t0 + 86_400)?, "owner", &[], t0)?;
//! let grant = chatvault::keys::SupervisorGrant::open(&blob, &sup, &archive.tenant_public())?;
//! let view = archive.view(&grant, "sup-1", "conv-1", t0 + 60)?;
//! assert_eq!(view.messages[0].text, "我的手机 138****8000");
//!
//! // An agent's restore key for phone numbers reveals the original.
//! let agent = GranteeSecret::generate()?;
//! let blob = archive.issue_agent_grant(
//!     &agent.public(), "agent-7", &AgentScope::new(&[IdClass::Phone])?,
//!     Validity::new(t0, t0 + 86_400)?, "owner", &[], t0)?;
//! let grant = chatvault::keys::AgentGrant::open(&blob, &agent, &archive.tenant_public())?;
//! let phone = archive.reveal(&grant, "agent-7", "cust-42", "conv-1", "m1", 0, t0 + 60)?;
//! assert_eq!(phone.as_str(), "13800138000");
//!
//! // Search by the number, written another way, without decrypting.
//! let hits = archive.search("sup-1", Role::Supervisor, IdClass::Phone, "+86 138-0013-8000", t0 + 90)?;
//! assert_eq!(hits.len(), 1);
//! assert!(archive.verify()?.is_consistent());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod approval;
mod control;
mod export;
mod journal;
mod ops;
pub(crate) mod record;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::audit::{
    AuditLog, CommitPolicy, Commitment, Event, EventKind, Id, NoteSigner, ObjectKind, Role, Value,
};
use crate::error::{Error, ErrorKind, Result};
use crate::keys::{
    AgentGrant, AgentScope, Argon2Params, DataKey, DataKeyId, FileKeyStore, GranteePublic, IdClass,
    Kek, KeyShare, KeyStore, Keyring, MasterKey, SupervisorGrant, SupervisorScope, TenantPublic,
    Validity,
};
use crate::mask::{ClassKeys, MaskPolicy, Masker, RecordRef, RestoreKeys, RestoreMap};
use crate::pii::{Detector, EntityType};
use crate::retention::{EndAction, LegalHold};
use crate::scan::{self, Direction, Scanner, SharedScanner};
use crate::seal::{BlindIndexer, Context, Normalization, Sealer, Suite};

use journal::{Journal, Loc};
use record::{check_name, ConvEntry, Entry, MsgEntry, Tag};

pub use approval::{approve, KeyDestination, Operation, ShareHolder, TwoPersonRule};
pub use control::MAX_REQUEST_SECONDS;
pub use export::ExportFormat;
pub use ops::{
    AgentStats, Applied, DepartmentStats, ErasureState, ErasureStatus, Stats, SweepReport,
    Upcoming, VerifyReport,
};

/// The longest message text: 1 MiB.
pub const MAX_TEXT: usize = 1 << 20;
const BLIND_LEN: usize = 16;
const CONFIG: &str = "archive.json";
const MASTER: &str = "master.key";

/// Whether a customer must have been told, or have agreed, before their
/// conversation is archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentRule {
    /// Archive without a recorded notice or consent.
    None,
    /// A notice must have been recorded ([`ConsentEvent::Notified`]).
    Notice,
    /// Consent must have been recorded ([`ConsentEvent::Given`]).
    Consent,
}

impl ConsentRule {
    fn name(self) -> &'static str {
        match self {
            ConsentRule::None => "none",
            ConsentRule::Notice => "notice",
            ConsentRule::Consent => "consent",
        }
    }

    fn from_name(s: &str) -> Result<ConsentRule> {
        Ok(match s {
            "none" => ConsentRule::None,
            "notice" => ConsentRule::Notice,
            "consent" => ConsentRule::Consent,
            _ => return Err(Error::malformed(format!("unknown consent rule {s:?}"))),
        })
    }
}

/// A customer's notice and consent, as the helpdesk records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentEvent {
    /// The customer was told the conversation is archived.
    Notified = 1,
    /// The customer agreed.
    Given = 2,
    /// The customer withdrew consent: the customer's conversations are
    /// restricted and disposed of as the retention policy's erasure rule
    /// says.
    Withdrawn = 3,
}

/// Settings fixed when an archive is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The suite message text is sealed with (identifiers' originals use
    /// the same).
    pub suite: Suite,
    /// What a customer must have been told or agreed to.
    pub consent: ConsentRule,
    /// Group commit of the record file and audit log: sync after this many
    /// messages or this long after the oldest unsynced one. Reads, grants,
    /// consent, holds, erasure and sweeps sync at once.
    pub commit: CommitPolicy,
}

impl Default for Options {
    /// AES-256-GCM, no consent rule, group commit of 256 messages or 10 ms.
    fn default() -> Self {
        Options {
            suite: Suite::Aes256Gcm,
            consent: ConsentRule::None,
            commit: CommitPolicy::default(),
        }
    }
}

/// How the master key is kept on disk when an archive is created.
pub enum Protect<'a> {
    /// Wrapped under a passphrase (Argon2id with these parameters).
    Passphrase(&'a [u8], Argon2Params),
    /// Wrapped under the caller's key-encryption key.
    Kek(&'a Kek),
}

/// How the master key is unwrapped when an archive is opened.
pub enum Unlock<'a> {
    /// The passphrase it was created with.
    Passphrase(&'a [u8]),
    /// The key-encryption key it was created with.
    Kek(&'a Kek),
    /// At least the threshold of the key's shares
    /// ([`Archive::export_master_key_shares`]).
    Shares(&'a [KeyShare]),
}

/// A conversation's metadata, given when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Its id (1-256 bytes, unique in the archive).
    pub id: String,
    /// The department serving it.
    pub department: String,
    /// The customer's id in the helpdesk (kept sealed and as a keyed tag).
    pub customer: String,
    /// Its retention category (`general`, `complaint`, `transaction`, ...).
    pub category: String,
    /// Tags (at most 32).
    pub tags: Vec<String>,
    /// The customer's region (`CN`, `EU`, ...; may be empty).
    pub region: String,
    /// The channel (`web`, `app`, `wechat`, ...; may be empty).
    pub channel: String,
    /// When it started, Unix seconds.
    pub started: i64,
}

impl Conversation {
    /// A `general` conversation with no tags, region or channel.
    pub fn new(id: &str, department: &str, customer: &str, started: i64) -> Conversation {
        Conversation {
            id: id.into(),
            department: department.into(),
            customer: customer.into(),
            category: "general".into(),
            tags: Vec::new(),
            region: String::new(),
            channel: String::new(),
            started,
        }
    }
}

/// One chat message to archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The conversation (started with [`Archive::start_conversation`]).
    pub conversation: &'a str,
    /// The message's id, unique in the conversation.
    pub id: &'a str,
    /// [`Role::Agent`] or [`Role::Customer`].
    pub role: Role,
    /// The agent's account id (for a customer's message, ignored: the
    /// conversation names the customer).
    pub sender: &'a str,
    /// When it was sent, Unix seconds.
    pub time: i64,
    /// The text (at most [`MAX_TEXT`] bytes).
    pub text: &'a str,
}

impl<'a> Message<'a> {
    /// A customer's message.
    pub fn customer(conversation: &'a str, id: &'a str, time: i64, text: &'a str) -> Message<'a> {
        Message {
            conversation,
            id,
            role: Role::Customer,
            sender: "",
            time,
            text,
        }
    }

    /// An agent's message.
    pub fn agent(
        conversation: &'a str,
        id: &'a str,
        agent: &'a str,
        time: i64,
        text: &'a str,
    ) -> Message<'a> {
        Message {
            conversation,
            id,
            role: Role::Agent,
            sender: agent,
            time,
            text,
        }
    }
}

/// What [`Archive::ingest`] did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// Whether it was archived (false: blocked, nothing kept but the
    /// attempt's metadata and audit event).
    pub stored: bool,
    /// The scan verdict: the sender gets `verdict.matches` as the reason
    /// for a block.
    pub verdict: scan::Verdict,
    /// The text as archived and shown: scanner-masked words and
    /// identifiers masked (empty when blocked).
    pub display: String,
    /// Each masked identifier's type and bytes in `display`.
    pub masked: Vec<(EntityType, Range<usize>)>,
}

/// One message as a supervisor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewedMessage {
    /// The message id.
    pub id: String,
    /// When it was sent.
    pub time: i64,
    /// Agent or customer.
    pub role: Role,
    /// The agent's id (empty for the customer).
    pub sender: String,
    /// The display text (identifiers masked).
    pub text: String,
    /// Each masked identifier's type and bytes in `text`; an agent reveals
    /// entry `i` with [`Archive::reveal`].
    pub masked: Vec<(EntityType, Range<usize>)>,
    /// An agent later deleted this message in the helpdesk (it stays
    /// archived).
    pub deleted_by_agent: bool,
    /// An agent later edited this message in the helpdesk.
    pub edited_by_agent: bool,
}

/// A conversation opened with a supervisor grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The conversation id.
    pub conversation: String,
    /// Its department.
    pub department: String,
    /// The messages inside the grant's window, in archive order.
    pub messages: Vec<ViewedMessage>,
    /// Messages outside the grant's window, not shown.
    pub withheld: usize,
}

/// A message found by [`Archive::search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The conversation.
    pub conversation: String,
    /// The message.
    pub message: String,
    /// When it was sent.
    pub time: i64,
}

/// Which conversations [`Archive::list`] returns; empty fields match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Started at or after (Unix seconds).
    pub from: Option<i64>,
    /// Started before.
    pub to: Option<i64>,
    /// Department.
    pub department: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Carrying this tag.
    pub tag: Option<String>,
}

impl Filter {
    fn matches(&self, e: &ConvEntry) -> bool {
        self.from.is_none_or(|f| e.started >= f)
            && self.to.is_none_or(|t| e.started < t)
            && self.department.as_ref().is_none_or(|d| *d == e.department)
            && self.category.as_ref().is_none_or(|d| *d == e.category)
            && self.tag.as_ref().is_none_or(|t| e.tags.contains(t))
    }
}

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In use.
    Live,
    /// Restricted: the customer asked for erasure or withdrew consent; kept
    /// for a legal floor or hold, not used.
    Restricted,
    /// Disposed of by retention (deleted or shredded): metadata only.
    Disposed,
}

/// A conversation's metadata, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Its id.
    pub id: String,
    /// Department.
    pub department: String,
    /// Category.
    pub category: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Region.
    pub region: String,
    /// Channel.
    pub channel: String,
    /// When it started.
    pub started: i64,
    /// The last message.
    pub last_activity: i64,
    /// When it was closed, if it was.
    pub closed: Option<i64>,
    /// Messages archived.
    pub messages: usize,
    /// Messages blocked.
    pub blocked: usize,
    /// Whether a legal hold is active.
    pub held: bool,
    /// In use, restricted or disposed of.
    pub state: State,
}

/// Something a supervisor should see at once: a reported message, a
/// sensitive behaviour, a conversation due for review. Also in the audit
/// log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// What happened.
    pub kind: EventKind,
    /// When, Unix seconds.
    pub time: i64,
    /// Who did it.
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// The department concerned (may be empty).
    pub department: String,
    /// The conversation (may be empty).
    pub conversation: String,
    /// The message (may be empty).
    pub message: String,
    /// A one-line description (categories and words for a scan report;
    /// never an identifier).
    pub detail: String,
}

/// The live-report callback: called after the event is in the audit log,
/// outside the archive's locks, on the thread that caused it.
pub type Reporter = Arc<dyn Fn(&Report) + Send + Sync>;

/// A sensitive behaviour the helpdesk reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour<'a> {
    /// An agent deleted a message in the helpdesk (the archive keeps it).
    MessageDeleted {
        /// The conversation.
        conversation: &'a str,
        /// The message.
        message: &'a str,
    },
    /// An agent edited a message (ingest the new text as a new message).
    MessageEdited {
        /// The conversation.
        conversation: &'a str,
        /// The message.
        message: &'a str,
    },
    /// A login; reported when the device was not seen for the account.
    Login {
        /// The device's id (kept only as a keyed tag).
        device: &'a str,
    },
}

#[derive(Debug, Clone)]
struct MsgState {
    id: String,
    time: i64,
    role: Role,
    sender: String,
    scan: scan::Action,
    loc: Loc,
    deleted_by_agent: bool,
    edited_by_agent: bool,
}

#[derive(Debug, Clone)]
struct Blocked {
    time: i64,
    role: Role,
    sender: String,
}

#[derive(Debug, Clone)]
struct ConvState {
    entry: ConvEntry,
    messages: Vec<MsgState>,
    /// Message ids archived or blocked, to refuse duplicates.
    ids: HashMap<String, usize>,
    blocked: Vec<Blocked>,
    last_activity: i64,
    closed: Option<i64>,
    holds: Vec<LegalHold>,
    events: Vec<(String, i64)>,
    disposed: Option<(EndAction, i64)>,
    archived: Option<i64>,
    reviewed: Option<i64>,
}

impl ConvState {
    fn held(&self) -> bool {
        self.holds.iter().any(|h| h.released_at.is_none())
    }

    /// Disposed of (deleted or shredded), its content not yet removed
    /// from the record file.
    fn has_disposed_content(&self) -> bool {
        self.disposed.is_some()
            && (!self.messages.is_empty() || !self.entry.sealed_customer.is_empty())
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct CustomerState {
    notified: Option<i64>,
    consented: Option<i64>,
    withdrawn: Option<i64>,
    erasure_requested: Option<i64>,
    erasure_completed: Option<i64>,
    /// The record of the request (holding the sealed customer id).
    erasure_loc: Option<Loc>,
    /// Whether that record still holds the sealed customer id.
    erasure_sealed: bool,
}

impl CustomerState {
    fn restricted(&self) -> bool {
        self.withdrawn.is_some() || self.erasure_requested.is_some()
    }
}

/// An approval request the archive issued.
#[derive(Debug, Clone, Copy)]
struct Request {
    expires: i64,
    used: bool,
    /// SHA-256 of the request's full text.
    text_sha256: [u8; 32],
}

/// A sensitive behaviour as kept for statistics.
#[derive(Debug, Clone)]
struct BehaviourRecord {
    time: i64,
    actor: String,
}

#[derive(Debug)]
struct Inner {
    journal: Journal,
    audit: AuditLog,
    convs: Vec<ConvState>,
    by_id: HashMap<String, usize>,
    blind: HashMap<(u8, Tag), Vec<(u32, u32)>>,
    customers: HashMap<Tag, CustomerState>,
    devices: HashSet<(String, Tag)>,
    behaviours: Vec<BehaviourRecord>,
    /// The MAC of every record body.
    mac: record::RecordMac,
    /// Approval requests issued, by nonce.
    requests: HashMap<[u8; 16], Request>,
    /// The latest record of each setting kind (1 two-person rule, 2
    /// retention policy): its body.
    settings: std::collections::BTreeMap<u8, Vec<u8>>,
    /// The SHA-256 of every setting record of each kind, in order.
    setting_history: std::collections::BTreeMap<u8, Vec<[u8; 32]>>,
    unsynced: usize,
    unsynced_since: Option<Instant>,
}

impl Inner {
    fn conv(&self, id: &str) -> Result<usize> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| Error::invalid(format!("no conversation {id:?} in the archive")))
    }

    /// Apply one record file entry to the in-memory state: the one path
    /// for both replay on opening and appends.
    fn apply(&mut self, loc: Loc, entry: Entry) -> Result<()> {
        match entry {
            Entry::Conversation(c) => {
                if self.by_id.contains_key(&c.id) {
                    return Err(Error::malformed(format!("conversation {:?} twice", c.id)));
                }
                self.by_id.insert(c.id.clone(), self.convs.len());
                self.convs.push(ConvState {
                    last_activity: c.started,
                    entry: c,
                    messages: Vec::new(),
                    ids: HashMap::new(),
                    blocked: Vec::new(),
                    closed: None,
                    holds: Vec::new(),
                    events: Vec::new(),
                    disposed: None,
                    archived: None,
                    reviewed: None,
                });
            }
            Entry::Message(m) => {
                let ci = self.conv(&m.conversation)?;
                let conv = &mut self.convs[ci];
                if conv.ids.contains_key(&m.id) {
                    return Err(Error::malformed(format!("message {:?} twice", m.id)));
                }
                let mi = conv.messages.len();
                conv.ids.insert(m.id.clone(), mi);
                conv.last_activity = conv.last_activity.max(m.time);
                conv.messages.push(MsgState {
                    id: m.id,
                    time: m.time,
                    role: role_of(m.role)?,
                    sender: m.sender,
                    scan: scan_action(m.scan)?,
                    loc,
                    deleted_by_agent: false,
                    edited_by_agent: false,
                });
                for (class, tag) in m.blind {
                    self.blind
                        .entry((class, tag))
                        .or_default()
                        .push((ci as u32, mi as u32));
                }
            }
            Entry::Blocked {
                conversation,
                id,
                time,
                role,
                sender,
                ..
            } => {
                let ci = self.conv(&conversation)?;
                let conv = &mut self.convs[ci];
                conv.ids.insert(id, usize::MAX);
                conv.blocked.push(Blocked {
                    time,
                    role: role_of(role)?,
                    sender,
                });
            }
            Entry::Consent {
                customer,
                kind,
                time,
            } => {
                let c = self.customers.entry(customer).or_default();
                match kind {
                    1 => c.notified = Some(time),
                    2 => {
                        c.consented = Some(time);
                        c.withdrawn = None;
                    }
                    3 => c.withdrawn = Some(time),
                    k => return Err(Error::malformed(format!("unknown consent kind {k}"))),
                }
            }
            Entry::Hold {
                conversation,
                set,
                by,
                reason,
                time,
            } => {
                let ci = self.conv(&conversation)?;
                let holds = &mut self.convs[ci].holds;
                if set {
                    holds.push(LegalHold {
                        set_at: time,
                        set_by: by,
                        reason,
                        released_at: None,
                        released_by: None,
                    });
                } else {
                    let h = holds
                        .iter_mut()
                        .rev()
                        .find(|h| h.released_at.is_none())
                        .ok_or_else(|| Error::malformed("release of a hold not set"))?;
                    h.released_at = Some(time);
                    h.released_by = Some(by);
                }
            }
            Entry::Closed { conversation, time } => {
                let ci = self.conv(&conversation)?;
                self.convs[ci].closed = Some(time);
            }
            Entry::Marker {
                conversation,
                name,
                time,
            } => {
                let ci = self.conv(&conversation)?;
                self.convs[ci].events.push((name, time));
            }
            Entry::Erasure {
                customer,
                state,
                time,
                sealed,
            } => {
                let c = self.customers.entry(customer).or_default();
                match state {
                    1 => {
                        c.erasure_requested = Some(time);
                        c.erasure_loc = Some(loc);
                        c.erasure_sealed = !sealed.is_empty();
                    }
                    2 => c.erasure_completed = Some(time),
                    s => return Err(Error::malformed(format!("unknown erasure state {s}"))),
                }
            }
            Entry::Disposed {
                conversation,
                action,
                time,
            } => {
                let ci = self.conv(&conversation)?;
                let action = EndAction::ALL
                    .iter()
                    .copied()
                    .find(|a| *a as u8 == action)
                    .ok_or_else(|| Error::malformed(format!("unknown end action {action}")))?;
                let conv = &mut self.convs[ci];
                match action {
                    EndAction::Delete | EndAction::Shred => conv.disposed = Some((action, time)),
                    EndAction::Archive => conv.archived = Some(time),
                    EndAction::Review => conv.reviewed = Some(time),
                }
            }
            Entry::Device {
                account,
                device,
                time,
            } => {
                self.behaviours.push(BehaviourRecord {
                    time,
                    actor: account.clone(),
                });
                self.devices.insert((account, device));
            }
            Entry::ApprovalRequest {
                nonce,
                expires,
                text_sha256,
                ..
            } => {
                let r = Request {
                    expires,
                    used: false,
                    text_sha256,
                };
                if self.requests.insert(nonce, r).is_some() {
                    return Err(Error::malformed("an approval request nonce twice"));
                }
            }
            Entry::ApprovalUsed { nonce, .. } => match self.requests.get_mut(&nonce) {
                Some(r) if !r.used => r.used = true,
                _ => {
                    return Err(Error::malformed(
                        "an approval used twice or never requested",
                    ))
                }
            },
            Entry::Setting { kind, body, .. } => {
                if !(1..=2).contains(&kind) {
                    return Err(Error::malformed(format!("unknown setting kind {kind}")));
                }
                self.setting_history
                    .entry(kind)
                    .or_default()
                    .push(sha256(&body));
                self.settings.insert(kind, body);
            }
            Entry::AgentAction {
                conversation,
                message,
                kind,
                by,
                time,
            } => {
                let ci = self.conv(&conversation)?;
                let conv = &mut self.convs[ci];
                let m = conv
                    .ids
                    .get(&message)
                    .and_then(|i| conv.messages.get_mut(*i));
                match (kind, m) {
                    (1, Some(m)) => m.deleted_by_agent = true,
                    (2, Some(m)) => m.edited_by_agent = true,
                    (1 | 2, None) => {}
                    (k, _) => return Err(Error::malformed(format!("unknown agent action {k}"))),
                }
                self.behaviours.push(BehaviourRecord { time, actor: by });
            }
        }
        Ok(())
    }

    /// Append an entry to the record file and apply it.
    /// Returns the entry's bytes (what a message's `record_sha256` hashes).
    fn record(&mut self, entry: Entry) -> Result<Vec<u8>> {
        let bytes = entry.encode();
        let body = self.mac.seal(self.journal.next_offset(), &bytes);
        let loc = self.journal.append(&body)?;
        self.apply(loc, entry)?;
        Ok(bytes)
    }

    /// The entry bytes of the record at `loc`, its MAC checked.
    fn read_entry(&self, loc: Loc) -> Result<Vec<u8>> {
        let body = self.journal.read(loc)?;
        Ok(self.mac.open(loc.offset, &body)?.to_vec())
    }

    /// Make everything appended durable: the record file first, then the
    /// audit log, so the log never vouches for a record that was lost.
    fn sync(&mut self) -> Result<()> {
        self.journal.flush()?;
        self.audit.flush()?;
        self.unsynced = 0;
        self.unsynced_since = None;
        Ok(())
    }

    fn sync_by(&mut self, policy: &CommitPolicy) -> Result<()> {
        self.unsynced += 1;
        let since = *self.unsynced_since.get_or_insert_with(Instant::now);
        if self.unsynced >= policy.max_batch || since.elapsed() >= policy.max_delay {
            self.sync()?;
        }
        Ok(())
    }
}

fn role_of(n: u8) -> Result<Role> {
    match Role::from_number(n) {
        Some(r @ (Role::Agent | Role::Customer)) => Ok(r),
        _ => Err(Error::malformed(format!("message role {n}"))),
    }
}

fn scan_action(n: u8) -> Result<scan::Action> {
    Ok(match n {
        0 => scan::Action::Allow,
        1 => scan::Action::Mask,
        2 => scan::Action::Report,
        _ => return Err(Error::malformed(format!("stored scan action {n}"))),
    })
}

/// The MAC of this archive's record bodies (docs/FORMAT.md section 14.2).
fn record_mac(ring: &Keyring) -> record::RecordMac {
    record::RecordMac::new(&ring.derive_secret("chatvault/archive/record"))
}

/// A caller's time, checked: 1970 to 9999 (Unix seconds), the range
/// retention evaluates, so no stored time can stop a sweep.
fn check_time(what: &str, t: i64) -> Result<()> {
    use crate::retention::{MAX_TIME, MIN_TIME};
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{what} {t} is outside {MIN_TIME}..={MAX_TIME} (Unix seconds, 1970 to 9999)"
        )))
    }
}

fn ms(secs: i64) -> i64 {
    secs.saturating_mul(1000)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn norm_of(class: IdClass) -> Normalization {
    match class {
        IdClass::Phone => Normalization::Phone,
        IdClass::IdCard => Normalization::IdCard,
        IdClass::BankCard => Normalization::BankCard,
        IdClass::Email => Normalization::Email,
        IdClass::Other => Normalization::Text,
    }
}

/// The sealing context field of a message's text: binds its metadata, so
/// a changed time, sender or role fails to open.
fn text_field(m: &MsgEntry) -> Vec<u8> {
    let mut f = Vec::with_capacity(16 + m.sender.len());
    f.extend_from_slice(b"text\0");
    f.extend_from_slice(&m.time.to_be_bytes());
    f.push(m.role);
    f.extend_from_slice(m.sender.as_bytes());
    f
}

fn message_record(conversation: &str, id: &str) -> String {
    format!("{conversation}/{id}")
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| Error::new(ErrorKind::Poisoned, "archive lock poisoned by a panic"))
}

fn refused(why: impl Into<String>) -> Error {
    Error::new(ErrorKind::Refused, why.into())
}

/// The customer's class keys through the archive's keyring, with sealers
/// kept in the archive's cache.
struct ArchiveCustomerKeys<'a> {
    archive: &'a Archive,
    customer: &'a str,
}

/// Never creates a key: a customer's class keys are created only under the
/// archive's lock, checked against erasure (in [`Archive::ingest`]), so a
/// key shredded by an erasure never comes back.
impl ClassKeys for ArchiveCustomerKeys<'_> {
    fn class_key(&self, class: IdClass) -> Result<DataKey> {
        self.archive
            .ring
            .data_key(&DataKeyId::customer(self.customer, class))
    }

    fn sealer(&self, class: IdClass, suite: Suite) -> Result<Arc<Sealer>> {
        let key = (self.customer.to_owned(), class);
        if let Some(s) = lock(&self.archive.customer_sealers)?.get(&key) {
            return Ok(s.clone());
        }
        let generation = self.archive.sealer_generation.load(Ordering::Acquire);
        let s = Arc::new(self.class_key(class)?.sealer(suite));
        let mut cache = lock(&self.archive.customer_sealers)?;
        // Not cached if keys were shredded since it was read.
        if generation == self.archive.sealer_generation.load(Ordering::Acquire) {
            if cache.len() >= SEALER_CACHE {
                cache.clear();
            }
            cache.insert(key, s.clone());
        }
        Ok(s)
    }
}

const SEALER_CACHE: usize = 4096;

/// One tenant's archive. `Send + Sync`: share it between threads; writes
/// are serialized inside, scanning, masking and sealing run outside the
/// lock.
pub struct Archive {
    dir: PathBuf,
    tenant: String,
    options: Options,
    ring: Keyring,
    store: Arc<FileKeyStore>,
    scanner: SharedScanner,
    detector: Detector,
    masker: Masker,
    indexer: BlindIndexer,
    signer: NoteSigner,
    retention: RwLock<Option<Arc<crate::retention::Policy>>>,
    two_person: RwLock<Option<TwoPersonRule>>,
    reporter: RwLock<Option<Reporter>>,
    inner: Mutex<Inner>,
    conv_sealers: Mutex<HashMap<String, Arc<Sealer>>>,
    customer_sealers: Mutex<HashMap<(String, IdClass), Arc<Sealer>>>,
    /// Bumped by every shredding, so a sealer read before it is not cached.
    sealer_generation: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("dir", &self.dir)
            .field("tenant", &self.tenant)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The audit log never syncs by itself: the archive syncs the record file
/// first, then the log.
const MANUAL: CommitPolicy = CommitPolicy {
    max_batch: usize::MAX,
    max_delay: Duration::MAX,
};

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(&format!("creating {}", path.display()), e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(&format!("writing {}", path.display()), e))
}

impl Archive {
    /// Create a tenant's archive in `dir` (created if missing; it must be
    /// empty) with `master` as the tenant's master key, kept on disk only
    /// wrapped as `protect` says.
    pub fn create(
        dir: &Path,
        tenant: &str,
        master: MasterKey,
        protect: Protect<'_>,
        options: Options,
    ) -> Result<Archive> {
        fs::create_dir_all(dir)
            .map_err(|e| Error::io(&format!("creating {}", dir.display()), e))?;
        let mut entries =
            fs::read_dir(dir).map_err(|e| Error::io(&format!("reading {}", dir.display()), e))?;
        if entries.next().is_some() {
            return Err(Error::invalid(format!(
                "{} is not empty: an archive is created in an empty directory",
                dir.display()
            )));
        }
        let master_key_id = master.key_id();
        let (wrapped, unlock_kind) = match protect {
            Protect::Passphrase(p, params) => (
                master.export_with_passphrase(tenant, p, params)?,
                "passphrase",
            ),
            Protect::Kek(k) => (master.export_with_kek(tenant, k)?, "kek"),
        };
        let store = Arc::new(FileKeyStore::open(dir.join("keys"))?);
        let ring = Keyring::new(tenant, master, store.clone())?;
        let config = serde_json::json!({
            "format": "chatvault-archive",
            "version": 1,
            "tenant": tenant,
            "suite": options.suite as u8,
            "consent": options.consent.name(),
            "master_key": unlock_kind,
            "master_key_id": hex(&master_key_id),
        });
        write_new(&dir.join(MASTER), &wrapped)?;
        fs::create_dir_all(dir.join("records"))
            .map_err(|e| Error::io("creating the records directory", e))?;
        let journal = Journal::create(&dir.join("records").join("journal.cvar"), tenant)?;
        let audit = AuditLog::create(&dir.join("audit"), &format!("{tenant}/audit"), MANUAL)?;
        // The settings file last: its presence marks a complete archive.
        write_new(
            &dir.join(CONFIG),
            serde_json::to_string_pretty(&config)
                .expect("JSON of plain values")
                .as_bytes(),
        )?;
        Archive::assemble(dir, ring, store, options, journal, audit, Vec::new())
    }

    /// Open the archive in `dir`, unwrapping the master key with `unlock`.
    /// Every record is re-read: a torn last record (a crash mid-write) is
    /// cut, other damage refuses to open; the audit log is verified the
    /// same way, and a message archived just before a crash whose audit
    /// event was lost gets it back (detail `recovered`).
    pub fn open(dir: &Path, unlock: Unlock<'_>) -> Result<Archive> {
        let text = fs::read_to_string(dir.join(CONFIG)).map_err(|e| {
            Error::io(
                &format!("{} holds no archive (reading {CONFIG})", dir.display()),
                e,
            )
        })?;
        let config: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::malformed(format!("{CONFIG}: {e}")))?;
        let field = |k: &str| {
            config
                .get(k)
                .ok_or_else(|| Error::malformed(format!("{CONFIG}: no {k:?}")))
        };
        if field("format")?.as_str() != Some("chatvault-archive") {
            return Err(Error::malformed(format!(
                "{CONFIG}: not a chatvault archive"
            )));
        }
        if field("version")?.as_u64() != Some(1) {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("{CONFIG}: archive version {}", field("version")?),
            ));
        }
        let tenant = field("tenant")?
            .as_str()
            .ok_or_else(|| Error::malformed(format!("{CONFIG}: tenant is not a string")))?
            .to_owned();
        let suite = field("suite")?
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| Error::malformed(format!("{CONFIG}: bad suite")))
            .and_then(Suite::from_u8)?;
        let consent = ConsentRule::from_name(field("consent")?.as_str().unwrap_or(""))?;
        let wrapped =
            fs::read(dir.join(MASTER)).map_err(|e| Error::io(&format!("reading {MASTER}"), e))?;
        let master = match unlock {
            Unlock::Passphrase(p) => MasterKey::import_with_passphrase(&tenant, &wrapped, p)?,
            Unlock::Kek(k) => MasterKey::import_with_kek(&tenant, &wrapped, k)?,
            Unlock::Shares(s) => MasterKey::combine(&tenant, s)?,
        };
        if field("master_key_id")?.as_str() != Some(hex(&master.key_id()).as_str()) {
            return Err(Error::new(
                ErrorKind::Decrypt,
                "the master key is not this archive's",
            ));
        }
        let store = Arc::new(FileKeyStore::open(dir.join("keys"))?);
        let ring = Keyring::new(&tenant, master, store.clone())?;
        let mac = record_mac(&ring);
        let mut bodies = Vec::new();
        let (journal, _repair) = Journal::open(
            &dir.join("records").join("journal.cvar"),
            &tenant,
            |loc, body| {
                bodies.push((loc, Entry::decode(mac.open(loc.offset, body)?)?));
                Ok(())
            },
        )?;
        let (audit, _report) = AuditLog::open(&dir.join("audit"), MANUAL)?;
        let options = Options {
            suite,
            consent,
            commit: CommitPolicy::default(),
        };
        let archive = Archive::assemble(dir, ring, store, options, journal, audit, bodies)?;
        archive.recover_audit()?;
        archive.load_settings()?;
        archive.finish_disposals(false)?;
        Ok(archive)
    }

    fn assemble(
        dir: &Path,
        ring: Keyring,
        store: Arc<FileKeyStore>,
        options: Options,
        journal: Journal,
        audit: AuditLog,
        entries: Vec<(Loc, Entry)>,
    ) -> Result<Archive> {
        let tenant = ring.tenant().to_owned();
        let mut inner = Inner {
            mac: record_mac(&ring),
            journal,
            audit,
            convs: Vec::new(),
            by_id: HashMap::new(),
            blind: HashMap::new(),
            customers: HashMap::new(),
            devices: HashSet::new(),
            behaviours: Vec::new(),
            requests: HashMap::new(),
            settings: Default::default(),
            setting_history: Default::default(),
            unsynced: 0,
            unsynced_since: None,
        };
        for (loc, e) in entries {
            // A record that does not fit the ones before it (a message of
            // an unknown conversation, a duplicate) is damage.
            inner.apply(loc, e).map_err(|e| {
                Error::malformed(format!(
                    "archive record file at byte {}: {}",
                    loc.offset,
                    e.detail()
                ))
            })?;
        }
        let signer = NoteSigner::from_seed(
            &format!("{tenant}/audit"),
            &ring.derive_secret("chatvault/archive/audit-signer"),
        )?;
        let empty = scan::DictionaryBuilder::new().build(
            scan::Normalization::ALL,
            scan::Policy::new(scan::Action::Allow),
        )?;
        Ok(Archive {
            dir: dir.to_owned(),
            masker: Masker::new(ring.pseudonym_key()?).with_suite(options.suite),
            indexer: ring.blind_indexer(BLIND_LEN)?,
            detector: Detector::new(),
            scanner: SharedScanner::new(empty),
            signer,
            tenant,
            options,
            ring,
            store,
            retention: RwLock::new(None),
            two_person: RwLock::new(None),
            reporter: RwLock::new(None),
            inner: Mutex::new(inner),
            conv_sealers: Mutex::new(HashMap::new()),
            customer_sealers: Mutex::new(HashMap::new()),
            sealer_generation: Default::default(),
        })
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The settings the archive was created with (the commit policy is
    /// this process's; see [`set_commit_policy`](Self::set_commit_policy)).
    pub fn options(&self) -> Options {
        self.options
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The tenant's public keys, for grantees to open their grants with.
    pub fn tenant_public(&self) -> TenantPublic {
        self.ring.tenant_public()
    }

    /// The keyring (the owner's view of every key).
    pub fn keyring(&self) -> &Keyring {
        &self.ring
    }

    /// The key store, for grant holders to fetch wrapped keys from.
    pub fn key_store(&self) -> &dyn KeyStore {
        &*self.store
    }

    /// Change the group-commit policy of this process.
    pub fn set_commit_policy(&mut self, policy: CommitPolicy) {
        self.options.commit = policy;
    }

    /// Use `scanner` for sensitive words from now on (replaced atomically
    /// while other threads ingest). The default scanner allows everything.
    pub fn set_scanner(&self, scanner: Scanner) -> Result<()> {
        self.scanner.replace(scanner)
    }

    /// Like [`set_scanner`](Self::set_scanner), with a scanner shared with
    /// other archives or threads.
    pub fn set_scanner_arc(&self, scanner: Arc<Scanner>) -> Result<()> {
        self.scanner.replace_arc(scanner)
    }

    /// Use `detector` to find identifiers (default: [`Detector::new`]).
    pub fn set_detector(&mut self, detector: Detector) {
        self.detector = detector;
    }

    /// Use `policy` to mask identifiers (default: [`MaskPolicy::default`]).
    pub fn set_mask_policy(&mut self, policy: MaskPolicy) {
        self.masker = self.masker.clone().with_policy(policy);
    }

    /// Send every report (reported messages, sensitive behaviours,
    /// conversations due for review) to `reporter` as well as the audit
    /// log; `None` stops. A report being delivered on another thread when
    /// this is called still reaches the old reporter.
    pub fn set_reporter(&self, reporter: Option<Reporter>) -> Result<()> {
        *self
            .reporter
            .write()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "reporter lock poisoned"))? = reporter;
        Ok(())
    }

    fn report(&self, reports: Vec<Report>) {
        if reports.is_empty() {
            return;
        }
        let r = self.reporter.read().ok().and_then(|g| g.clone());
        if let Some(r) = r {
            for rep in &reports {
                r(rep);
            }
        }
    }

    fn inner(&self) -> Result<MutexGuard<'_, Inner>> {
        lock(&self.inner)
    }

    fn customer_tag(&self, customer: &str) -> Result<Tag> {
        let v = self
            .indexer
            .index("customer", customer, Normalization::Exact)?;
        Ok(v[..16].try_into().expect("16-byte index"))
    }

    fn device_tag(&self, account: &str, device: &str) -> Result<Tag> {
        let v = self
            .indexer
            .index(&format!("device:{account}"), device, Normalization::Exact)?;
        Ok(v[..16].try_into().expect("16-byte index"))
    }

    /// The keyed commitment naming `customer` in audit events: HMAC under
    /// a key derived from the customer's own data key, so it links nothing
    /// once the customer's keys are shredded. `None` after that.
    fn customer_id(&self, customer: &str) -> Result<Option<Id>> {
        self.commitment(customer, true)
    }

    /// [`customer_id`](Self::customer_id) without creating a key: `None`
    /// for a customer the archive holds no key of.
    fn existing_customer_id(&self, customer: &str) -> Result<Option<Id>> {
        self.commitment(customer, false)
    }

    fn commitment(&self, customer: &str, create: bool) -> Result<Option<Id>> {
        let key = match self
            .ring
            .data_key(&DataKeyId::customer(customer, IdClass::Other))
        {
            Ok(k) => k,
            Err(e) if e.kind() == ErrorKind::KeyNotFound && !create => return Ok(None),
            Err(e) if e.kind() == ErrorKind::KeyNotFound => {
                let tag = self.customer_tag(customer)?;
                // Checked and created under the lock, as an erasure's
                // shredding runs: a shredded key is never reborn.
                let inner = self.inner()?;
                let erased = inner
                    .customers
                    .get(&tag)
                    .is_some_and(|c| c.erasure_completed.is_some());
                if erased {
                    return Ok(None);
                }
                self.ring.customer_key(customer, IdClass::Other)?
            }
            Err(e) => return Err(e),
        };
        let mut ck = Zeroizing::new([0u8; 32]);
        crate::kdf::derive(
            key.secret(),
            "chatvault/archive/commitment",
            &[],
            &mut ck[..],
        );
        Ok(Some(Id::Committed(Commitment::new(
            &ck[..],
            "customer",
            customer.as_bytes(),
        )?)))
    }

    /// The conversation's sealer. Never creates the key (that happens once,
    /// in [`start_conversation`](Self::start_conversation), under the
    /// lock): a shredded conversation's key is `KeyNotFound`, not reborn.
    fn conv_sealer(&self, c: &ConvEntry) -> Result<Arc<Sealer>> {
        if let Some(s) = lock(&self.conv_sealers)?.get(&c.id) {
            return Ok(s.clone());
        }
        let generation = self.sealer_generation.load(Ordering::Acquire);
        let key = self
            .ring
            .data_key(&DataKeyId::conversation(&c.department, &c.id))?;
        let s = Arc::new(key.sealer(self.options.suite));
        let mut cache = lock(&self.conv_sealers)?;
        // Not cached if keys were shredded since it was read.
        if generation == self.sealer_generation.load(Ordering::Acquire) {
            if cache.len() >= SEALER_CACHE {
                cache.clear();
            }
            cache.insert(c.id.clone(), s.clone());
        }
        Ok(s)
    }

    /// After keys were shredded: drop every cached sealer, and keep any
    /// read before from being cached.
    fn forget_sealers(&self) -> Result<()> {
        let mut conv = lock(&self.conv_sealers)?;
        let mut cust = lock(&self.customer_sealers)?;
        self.sealer_generation.fetch_add(1, Ordering::AcqRel);
        conv.clear();
        cust.clear();
        Ok(())
    }

    fn event(&self, time: i64, kind: EventKind, actor: &str, role: Role, dept: &str) -> Event {
        Event::new(ms(time), kind, actor, role, dept)
    }

    /// `err`, unless conversation `id` may no longer take messages (its keys
    /// went with an erasure or a sweep meanwhile): then that refusal.
    fn refusal_or<T>(&self, id: &str, err: Error) -> Result<T> {
        let inner = self.inner()?;
        self.may_archive(&inner, inner.conv(id)?)?;
        Err(err)
    }

    /// Whether conversation `ci` may take a message: not disposed of, and
    /// its customer's consent rule met with no erasure requested.
    fn may_archive(&self, inner: &Inner, ci: usize) -> Result<()> {
        let c = &inner.convs[ci];
        if c.disposed.is_some() {
            return Err(refused(format!(
                "conversation {:?} was disposed of by retention",
                c.entry.id
            )));
        }
        self.consent_ok(inner, &c.entry.customer)
            .map_err(|why| refused(format!("message not archived: {why}")))
    }

    fn consent_ok(&self, inner: &Inner, customer: &Tag) -> std::result::Result<(), &'static str> {
        let c = inner.customers.get(customer).copied().unwrap_or_default();
        if c.erasure_requested.is_some() {
            return Err("the customer asked for erasure");
        }
        if c.withdrawn.is_some() {
            return Err("the customer withdrew consent");
        }
        match self.options.consent {
            ConsentRule::None => Ok(()),
            ConsentRule::Notice if c.notified.is_some() || c.consented.is_some() => Ok(()),
            ConsentRule::Consent if c.consented.is_some() => Ok(()),
            ConsentRule::Notice => Err("the customer has not been notified"),
            ConsentRule::Consent => Err("the customer has not consented"),
        }
    }

    /// Start a conversation. Refused ([`ErrorKind::Refused`]) when the
    /// archive's consent rule is not met for the customer, the customer
    /// asked for erasure or withdrew consent.
    pub fn start_conversation(&self, c: &Conversation) -> Result<()> {
        check_name("conversation id", &c.id)?;
        check_name("department", &c.department)?;
        check_name("customer id", &c.customer)?;
        check_name("category", &c.category)?;
        for (what, s) in [("region", &c.region), ("channel", &c.channel)] {
            if !s.is_empty() {
                check_name(what, s)?;
            }
        }
        if c.tags.len() > record::MAX_TAGS {
            return Err(Error::invalid(format!(
                "a conversation has at most {} tags",
                record::MAX_TAGS
            )));
        }
        for t in &c.tags {
            check_name("tag", t)?;
        }
        crate::keys::DataKeyId::conversation(&c.department, &c.id).check()?;
        check_time("start time", c.started)?;
        crate::keys::day_of(c.started)?;
        let customer = self.customer_tag(&c.customer)?;
        let mut inner = self.inner()?;
        if inner.by_id.contains_key(&c.id) {
            return Err(Error::invalid(format!(
                "conversation {:?} already exists",
                c.id
            )));
        }
        if let Err(why) = self.consent_ok(&inner, &customer) {
            return Err(refused(format!(
                "conversation {:?} not archived: {why}",
                c.id
            )));
        }
        // The only place a conversation key is created: under the lock,
        // once the id is known to be new.
        let key = self
            .ring
            .conversation_key(&c.department, &c.id, c.started)?;
        let sealed_customer = key.sealer(self.options.suite).seal(
            &Context::new(&self.tenant, &c.id, "customer"),
            c.customer.as_bytes(),
        )?;
        inner.record(Entry::Conversation(ConvEntry {
            id: c.id.clone(),
            department: c.department.clone(),
            category: c.category.clone(),
            tags: c.tags.clone(),
            region: c.region.clone(),
            channel: c.channel.clone(),
            started: c.started,
            customer,
            sealed_customer,
        }))?;
        inner.sync_by(&self.options.commit)
    }

    /// Archive one message: scan it (a blocked message is not stored; the
    /// attempt is audited and reported, and the verdict says why), mask
    /// the identifiers in it (their originals sealed under the customer's
    /// class keys), seal the display text under the conversation's key,
    /// index the identifiers blindly, and audit it (`message_archived`
    /// with the record's SHA-256, and `message_reported` for a report
    /// verdict, which also goes to the reporter).
    ///
    /// Refused when the customer's consent is missing or withdrawn, or
    /// erasure was requested; an error for an unknown conversation, a
    /// duplicate message id, a text over [`MAX_TEXT`], a role other than
    /// agent or customer.
    pub fn ingest(&self, m: &Message<'_>) -> Result<Ingested> {
        check_name("message id", m.id)?;
        check_time("message time", m.time)?;
        let (direction, sender) = match m.role {
            Role::Agent => {
                check_name("agent id", m.sender)?;
                (Direction::AgentToCustomer, m.sender)
            }
            Role::Customer => (Direction::CustomerToAgent, ""),
            r => {
                return Err(Error::invalid(format!(
                    "a message is sent by an agent or a customer, not {}",
                    r.key()
                )))
            }
        };
        if m.text.len() > MAX_TEXT {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("a message holds at most {MAX_TEXT} bytes"),
            ));
        }
        let conv = {
            let inner = self.inner()?;
            let ci = inner.conv(m.conversation)?;
            let c = &inner.convs[ci];
            if c.ids.contains_key(m.id) {
                return Err(Error::invalid(format!(
                    "message {:?} is already in conversation {:?}",
                    m.id, m.conversation
                )));
            }
            self.may_archive(&inner, ci)?;
            c.entry.clone()
        };
        let verdict = self.scanner.scan(m.text, direction)?;
        let categories = || {
            let mut v: Vec<String> = Vec::new();
            for x in &verdict.matches {
                if x.action >= scan::Action::Report {
                    let name = self
                        .scanner
                        .current()
                        .ok()
                        .and_then(|s| s.category_name(x.category).map(str::to_owned))
                        .unwrap_or_else(|| x.category.index().to_string());
                    if !v.contains(&name) {
                        v.push(name);
                    }
                }
            }
            v
        };
        if verdict.action == scan::Action::Block {
            let cats = categories();
            let mut e = self.event(
                m.time,
                EventKind::MessageBlocked,
                if sender.is_empty() {
                    "customer"
                } else {
                    sender
                },
                m.role,
                &conv.department,
            );
            e.objects
                .push((ObjectKind::Conversation, Id::Plain(conv.id.clone())));
            e.objects
                .push((ObjectKind::Message, Id::Plain(m.id.to_owned())));
            e.details
                .insert("categories".into(), Value::Text(cats.join(",")));
            {
                let mut inner = self.inner()?;
                if inner.convs[inner.conv(m.conversation)?]
                    .ids
                    .contains_key(m.id)
                {
                    return Err(Error::invalid(format!("message {:?} raced", m.id)));
                }
                inner.record(Entry::Blocked {
                    conversation: conv.id.clone(),
                    id: m.id.to_owned(),
                    time: m.time,
                    role: m.role.number(),
                    sender: sender.to_owned(),
                    categories: cats.clone(),
                })?;
                inner.audit.append(&e)?;
                inner.sync()?;
            }
            self.report(vec![Report {
                kind: EventKind::MessageBlocked,
                time: m.time,
                actor: e.actor.clone(),
                role: m.role,
                department: conv.department.clone(),
                conversation: conv.id.clone(),
                message: m.id.to_owned(),
                detail: format!("blocked: {}", cats.join(", ")),
            }]);
            return Ok(Ingested {
                stored: false,
                verdict,
                display: String::new(),
                masked: Vec::new(),
            });
        }
        let text = verdict.masked.as_deref().unwrap_or(m.text);
        let findings = self.detector.detect(text)?;
        let record_id = message_record(&conv.id, m.id);
        let customer = self
            .conversation_customer(&conv)
            .or_else(|e| self.refusal_or(m.conversation, e))?;
        {
            // The customer's keys of the classes found, created under the
            // lock after checking again: an erasure shreds them under the
            // same lock, so they are never created after it.
            let inner = self.inner()?;
            self.may_archive(&inner, inner.conv(m.conversation)?)?;
            let mut classes: Vec<IdClass> = findings.iter().map(|f| f.entity.class()).collect();
            classes.sort_unstable();
            classes.dedup();
            // A cached sealer means the key exists (a shredding empties
            // the cache); only a miss goes to the key store.
            let cached = lock(&self.customer_sealers)?;
            let missing: Vec<IdClass> = classes
                .into_iter()
                .filter(|c| !cached.contains_key(&(customer.clone(), *c)))
                .collect();
            drop(cached);
            for class in missing {
                self.ring.customer_key(&customer, class)?;
            }
        }
        let keys = ArchiveCustomerKeys {
            archive: self,
            customer: &customer,
        };
        let masked = self
            .masker
            .mask(
                text,
                &findings,
                &keys,
                &RecordRef::new(&self.tenant, &record_id),
            )
            .or_else(|e| self.refusal_or(m.conversation, e))?;
        let mut blind = Vec::with_capacity(findings.len());
        for f in &findings {
            let class = f.entity.class();
            let v = self
                .indexer
                .index(class.name(), &text[f.span.clone()], norm_of(class))?;
            let tag: Tag = v[..16].try_into().expect("16-byte index");
            if !blind.contains(&(class as u8, tag)) && blind.len() < record::MAX_BLIND {
                blind.push((class as u8, tag));
            }
        }
        let mut entry = MsgEntry {
            conversation: conv.id.clone(),
            id: m.id.to_owned(),
            time: m.time,
            role: m.role.number(),
            sender: sender.to_owned(),
            scan: verdict.action as u8,
            sealed_text: Vec::new(),
            restore: masked.map.to_bytes(),
            blind,
        };
        entry.sealed_text = self
            .conv_sealer(&conv)
            .and_then(|s| {
                s.seal(
                    &Context::new(&self.tenant, &record_id, &text_field(&entry)),
                    masked.text.as_bytes(),
                )
            })
            .or_else(|e| self.refusal_or(m.conversation, e))?;
        let mut reports = Vec::new();
        {
            let mut inner = self.inner()?;
            let ci = inner.conv(m.conversation)?;
            if inner.convs[ci].ids.contains_key(m.id) {
                return Err(Error::invalid(format!(
                    "message {:?} is already in conversation {:?}",
                    m.id, m.conversation
                )));
            }
            // Checked once more where it is stored: an erasure or a sweep
            // since the checks above wins.
            self.may_archive(&inner, ci)?;
            let body = inner.record(Entry::Message(entry))?;
            let actor = if sender.is_empty() {
                "customer"
            } else {
                sender
            };
            let mut e = self.event(
                m.time,
                EventKind::MessageArchived,
                actor,
                m.role,
                &conv.department,
            );
            e.objects
                .push((ObjectKind::Conversation, Id::Plain(conv.id.clone())));
            e.objects
                .push((ObjectKind::Message, Id::Plain(m.id.to_owned())));
            e.details
                .insert("record_sha256".into(), Value::Bytes(sha256(&body).to_vec()));
            inner.audit.append(&e)?;
            if verdict.action == scan::Action::Report {
                let cats = categories();
                e.kind = EventKind::MessageReported;
                e.details.clear();
                e.details
                    .insert("categories".into(), Value::Text(cats.join(",")));
                inner.audit.append(&e)?;
                reports.push(Report {
                    kind: EventKind::MessageReported,
                    time: m.time,
                    actor: actor.to_owned(),
                    role: m.role,
                    department: conv.department.clone(),
                    conversation: conv.id.clone(),
                    message: m.id.to_owned(),
                    detail: format!("reported: {}", cats.join(", ")),
                });
            }
            inner.sync_by(&self.options.commit)?;
        }
        self.report(reports);
        let spans = masked
            .map
            .entries()
            .iter()
            .map(|e| (e.entity, e.span.clone()))
            .collect();
        Ok(Ingested {
            stored: true,
            verdict,
            display: masked.text,
            masked: spans,
        })
    }

    /// The customer id of a conversation, opened with the owner's key.
    fn conversation_customer(&self, c: &ConvEntry) -> Result<String> {
        let plain = self.conv_sealer(c)?.open(
            &Context::new(&self.tenant, &c.id, "customer"),
            &c.sealed_customer,
        )?;
        String::from_utf8(plain.to_vec()).map_err(|_| Error::malformed("customer id not UTF-8"))
    }

    /// Make every archived message and audit event durable now (ingest
    /// syncs in groups; see [`Options::commit`]).
    pub fn flush(&self) -> Result<()> {
        self.inner()?.sync()
    }

    /// Audit a read, durably, before its data is returned. `outcome` is
    /// `None` for success or the reason of a refusal.
    fn audit_read(&self, mut e: Event, outcome: Option<&Error>) -> Result<()> {
        e.details.insert(
            "outcome".into(),
            Value::Text(match outcome {
                None => "ok".into(),
                Some(err) => format!("refused: {err}"),
            }),
        );
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()
    }

    /// Open a conversation with a supervisor grant (私钥): only a
    /// department of the grant, only the messages inside its time window
    /// (the others are counted as withheld), only while the grant is
    /// valid at `now`. Audited as `archive_viewed` before the text is
    /// returned, refusals too; a conversation restricted by an erasure
    /// request or withdrawn consent is refused.
    pub fn view(
        &self,
        grant: &SupervisorGrant,
        actor: &str,
        conversation: &str,
        now: i64,
    ) -> Result<View> {
        check_name("actor", actor)?;
        check_name("conversation id", conversation)?;
        let found = {
            let inner = self.inner()?;
            inner.conv(conversation).map(|ci| {
                let c = &inner.convs[ci];
                let restricted = inner
                    .customers
                    .get(&c.entry.customer)
                    .is_some_and(|s| s.restricted());
                (
                    c.entry.clone(),
                    if c.disposed.is_some() {
                        None
                    } else {
                        Some(c.messages.clone())
                    },
                    restricted,
                )
            })
        };
        let (conv, msgs, restricted) = match found {
            Ok(x) => x,
            Err(err) => {
                // A probe for a conversation that is not there is audited
                // as a refused view.
                let mut e = self.event(now, EventKind::ArchiveViewed, actor, Role::Supervisor, "");
                e.objects
                    .push((ObjectKind::Conversation, Id::Plain(conversation.into())));
                e.objects
                    .push((ObjectKind::Grant, Id::Plain(hex(grant.id()))));
                self.audit_read(e, Some(&err))?;
                return Err(err);
            }
        };
        let mut e = self.event(
            now,
            EventKind::ArchiveViewed,
            actor,
            Role::Supervisor,
            &conv.department,
        );
        e.objects
            .push((ObjectKind::Conversation, Id::Plain(conv.id.clone())));
        e.objects
            .push((ObjectKind::Grant, Id::Plain(hex(grant.id()))));
        let attempt = (|| {
            let msgs = msgs.ok_or_else(|| refused("the conversation was disposed of"))?;
            if restricted {
                return Err(refused(
                    "the conversation is restricted (erasure requested or consent withdrawn)",
                ));
            }
            let key = grant.conversation_key(&*self.store, &conv.department, &conv.id, now)?;
            let sealer = key.sealer(self.options.suite);
            let mut out = View {
                conversation: conv.id.clone(),
                department: conv.department.clone(),
                messages: Vec::new(),
                withheld: 0,
            };
            for m in msgs {
                if grant.permits(&conv.department, m.time, now).is_err() {
                    out.withheld += 1;
                    continue;
                }
                let entry = self.read_message(m.loc)?;
                let record_id = message_record(&conv.id, &m.id);
                let text = sealer.open(
                    &Context::new(&self.tenant, &record_id, &text_field(&entry)),
                    &entry.sealed_text,
                )?;
                let map = RestoreMap::from_bytes(&entry.restore)?;
                out.messages.push(ViewedMessage {
                    id: m.id,
                    time: m.time,
                    role: m.role,
                    sender: m.sender,
                    text: String::from_utf8(text.to_vec())
                        .map_err(|_| Error::malformed("archived text not UTF-8"))?,
                    masked: map
                        .entries()
                        .iter()
                        .map(|e| (e.entity, e.span.clone()))
                        .collect(),
                    deleted_by_agent: m.deleted_by_agent,
                    edited_by_agent: m.edited_by_agent,
                });
            }
            Ok(out)
        })();
        match attempt {
            Ok(view) => {
                e.details
                    .insert("messages".into(), Value::Int(view.messages.len() as i64));
                e.details
                    .insert("withheld".into(), Value::Int(view.withheld as i64));
                self.audit_read(e, None)?;
                Ok(view)
            }
            Err(err) => {
                self.audit_read(e, Some(&err))?;
                Err(err)
            }
        }
    }

    fn read_message(&self, loc: Loc) -> Result<MsgEntry> {
        let bytes = self.inner()?.read_entry(loc)?;
        let entry = Entry::decode(&bytes)?;
        match entry {
            Entry::Message(m) => Ok(m),
            _ => Err(Error::malformed("archive record is not a message")),
        }
    }

    /// Reveal masked identifier `entry` of a message with an agent's
    /// restore key (还原密钥): only a class of the grant, only while it is
    /// valid, only for the conversation's own customer (`customer` is the
    /// customer the agent is serving). Audited as `field_revealed` before
    /// the original is returned, refusals too.
    #[allow(clippy::too_many_arguments)]
    pub fn reveal(
        &self,
        grant: &AgentGrant,
        actor: &str,
        customer: &str,
        conversation: &str,
        message: &str,
        entry: usize,
        now: i64,
    ) -> Result<Zeroizing<String>> {
        check_name("actor", actor)?;
        check_name("customer id", customer)?;
        check_name("conversation id", conversation)?;
        check_name("message id", message)?;
        let tag = self.customer_tag(customer)?;
        let found = (|| -> Result<_> {
            let inner = self.inner()?;
            let ci = inner.conv(conversation)?;
            let c = &inner.convs[ci];
            let m = c
                .ids
                .get(message)
                .and_then(|i| c.messages.get(*i))
                .cloned()
                .ok_or_else(|| {
                    Error::invalid(format!("no message {message:?} in {conversation:?}"))
                })?;
            let restricted = inner
                .customers
                .get(&c.entry.customer)
                .is_some_and(|s| s.restricted());
            Ok((c.entry.clone(), m, restricted || c.disposed.is_some()))
        })();
        let (conv, msg, restricted) = match found {
            Ok(x) => x,
            Err(err) if err.kind() == ErrorKind::InvalidInput => {
                // A probe for a conversation or message that is not there
                // is audited as a refused reveal.
                let mut e = self.event(now, EventKind::FieldRevealed, actor, Role::Agent, "");
                e.objects
                    .push((ObjectKind::Conversation, Id::Plain(conversation.into())));
                e.objects
                    .push((ObjectKind::Message, Id::Plain(message.into())));
                e.objects
                    .push((ObjectKind::Grant, Id::Plain(hex(grant.id()))));
                self.audit_read(e, Some(&err))?;
                return Err(err);
            }
            Err(err) => return Err(err),
        };
        let mut e = self.event(
            now,
            EventKind::FieldRevealed,
            actor,
            Role::Agent,
            &conv.department,
        );
        e.objects
            .push((ObjectKind::Conversation, Id::Plain(conv.id.clone())));
        e.objects
            .push((ObjectKind::Message, Id::Plain(msg.id.clone())));
        e.objects
            .push((ObjectKind::Field, Id::Plain(entry.to_string())));
        e.objects
            .push((ObjectKind::Grant, Id::Plain(hex(grant.id()))));
        let attempt = (|| {
            if tag != conv.customer {
                return Err(Error::new(
                    ErrorKind::GrantOutOfScope,
                    "the customer is not this conversation's customer",
                ));
            }
            if let Some(c) = self.customer_id(customer)? {
                e.objects.push((ObjectKind::Customer, c));
            }
            if restricted {
                return Err(refused(
                    "the conversation is restricted or disposed of (erasure, withdrawn consent or retention)",
                ));
            }
            let stored = self.read_message(msg.loc)?;
            let map = RestoreMap::from_bytes(&stored.restore)?;
            if let Some(en) = map.entries().get(entry) {
                e.details
                    .insert("class".into(), Value::Text(en.entity.class().name().into()));
            }
            let keys = RestoreKeys::new(grant, &*self.store, customer, now);
            map.reveal(
                entry,
                &keys,
                &RecordRef::new(&self.tenant, &message_record(&conv.id, &msg.id)),
            )
        })();
        match attempt {
            Ok(v) => {
                self.audit_read(e, None)?;
                Ok(v)
            }
            Err(err) => {
                self.audit_read(e, Some(&err))?;
                Err(err)
            }
        }
    }

    /// Find every archived message holding identifier `value` of `class`
    /// (written any way the blind index normalizes: `+86 138-0013-8000`
    /// finds `13800138000`), without decrypting anything. Audited as
    /// `archive_searched` (the class and the number of hits, never the
    /// value). Restricted conversations (the customer asked for erasure
    /// or withdrew consent) and disposed-of ones are not searched: use
    /// stops but storage.
    pub fn search(
        &self,
        actor: &str,
        role: Role,
        class: IdClass,
        value: &str,
        now: i64,
    ) -> Result<Vec<Hit>> {
        check_name("actor", actor)?;
        let v = self.indexer.index(class.name(), value, norm_of(class))?;
        let tag: Tag = v[..16].try_into().expect("16-byte index");
        let mut inner = self.inner()?;
        let hits: Vec<Hit> = inner
            .blind
            .get(&(class as u8, tag))
            .map(|list| {
                list.iter()
                    .filter_map(|(ci, mi)| {
                        let c = &inner.convs[*ci as usize];
                        let m = &c.messages[*mi as usize];
                        (inner.state_of(c) == State::Live).then(|| Hit {
                            conversation: c.entry.id.clone(),
                            message: m.id.clone(),
                            time: m.time,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut e = self.event(now, EventKind::ArchiveSearched, actor, role, "");
        e.details
            .insert("class".into(), Value::Text(class.name().into()));
        e.details
            .insert("hits".into(), Value::Int(hits.len() as i64));
        inner.audit.append(&e)?;
        inner.sync()?;
        Ok(hits)
    }

    /// Conversations matching `filter`, from metadata alone (nothing is
    /// decrypted), in the order they were started in the archive.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Summary>> {
        let inner = self.inner()?;
        Ok(inner
            .convs
            .iter()
            .filter(|c| filter.matches(&c.entry))
            .map(|c| Summary {
                id: c.entry.id.clone(),
                department: c.entry.department.clone(),
                category: c.entry.category.clone(),
                tags: c.entry.tags.clone(),
                region: c.entry.region.clone(),
                channel: c.entry.channel.clone(),
                started: c.entry.started,
                last_activity: c.last_activity,
                closed: c.closed,
                messages: c.messages.len(),
                blocked: c.blocked.len(),
                held: c.held(),
                state: inner.state_of(c),
            })
            .collect())
    }

    /// Record a customer's notice, consent or withdrawal of consent
    /// (audited as `consent_recorded` / `consent_withdrawn`, the customer
    /// named by a keyed commitment). A withdrawal restricts every
    /// conversation of the customer at once.
    pub fn record_consent(&self, customer: &str, event: ConsentEvent, now: i64) -> Result<()> {
        check_name("customer id", customer)?;
        check_time("time", now)?;
        let tag = self.customer_tag(customer)?;
        let kind = match event {
            ConsentEvent::Withdrawn => EventKind::ConsentWithdrawn,
            _ => EventKind::ConsentRecorded,
        };
        let mut e = self.event(now, kind, "customer", Role::Customer, "");
        if let Some(c) = self.customer_id(customer)? {
            e.objects.push((ObjectKind::Customer, c));
        }
        e.details.insert(
            "consent".into(),
            Value::Text(
                match event {
                    ConsentEvent::Notified => "notified",
                    ConsentEvent::Given => "given",
                    ConsentEvent::Withdrawn => "withdrawn",
                }
                .into(),
            ),
        );
        let mut inner = self.inner()?;
        inner.record(Entry::Consent {
            customer: tag,
            kind: event as u8,
            time: now,
        })?;
        inner.audit.append(&e)?;
        inner.sync()
    }

    /// Record a sensitive behaviour: an agent deleting or editing a
    /// message in the helpdesk, or a login (reported only from a device
    /// not seen before for the account; returns whether it was new).
    /// Audited and sent to the reporter.
    pub fn record_behaviour(
        &self,
        actor: &str,
        role: Role,
        department: &str,
        behaviour: Behaviour<'_>,
        now: i64,
    ) -> Result<bool> {
        check_name("actor", actor)?;
        if !department.is_empty() {
            check_name("department", department)?;
        }
        check_time("time", now)?;
        let (entry, kind, conversation, message) = match behaviour {
            Behaviour::MessageDeleted {
                conversation,
                message,
            }
            | Behaviour::MessageEdited {
                conversation,
                message,
            } => {
                let deleted = matches!(behaviour, Behaviour::MessageDeleted { .. });
                {
                    let inner = self.inner()?;
                    let c = &inner.convs[inner.conv(conversation)?];
                    if !c.ids.contains_key(message) {
                        return Err(Error::invalid(format!(
                            "no message {message:?} in {conversation:?}"
                        )));
                    }
                }
                (
                    Entry::AgentAction {
                        conversation: conversation.to_owned(),
                        message: message.to_owned(),
                        kind: if deleted { 1 } else { 2 },
                        by: actor.to_owned(),
                        time: now,
                    },
                    if deleted {
                        EventKind::MessageDeletedByAgent
                    } else {
                        EventKind::MessageEditedByAgent
                    },
                    conversation,
                    message,
                )
            }
            Behaviour::Login { device } => {
                check_name("device id", device)?;
                let tag = self.device_tag(actor, device)?;
                if self.inner()?.devices.contains(&(actor.to_owned(), tag)) {
                    return Ok(false);
                }
                (
                    Entry::Device {
                        account: actor.to_owned(),
                        device: tag,
                        time: now,
                    },
                    EventKind::NewDeviceLogin,
                    "",
                    "",
                )
            }
        };
        let mut e = self.event(now, kind, actor, role, department);
        if !conversation.is_empty() {
            e.objects
                .push((ObjectKind::Conversation, Id::Plain(conversation.into())));
            e.objects
                .push((ObjectKind::Message, Id::Plain(message.into())));
        }
        {
            let mut inner = self.inner()?;
            if let Entry::Device {
                account, device, ..
            } = &entry
            {
                if inner.devices.contains(&(account.clone(), *device)) {
                    return Ok(false);
                }
            }
            inner.record(entry)?;
            inner.audit.append(&e)?;
            inner.sync()?;
        }
        self.report(vec![Report {
            kind,
            time: now,
            actor: actor.to_owned(),
            role,
            department: department.to_owned(),
            conversation: conversation.to_owned(),
            message: message.to_owned(),
            detail: kind.key().replace('_', " "),
        }]);
        Ok(true)
    }

    /// Close a conversation (its `closed` retention clock starts).
    pub fn close(&self, conversation: &str, now: i64) -> Result<()> {
        check_time("time", now)?;
        let mut inner = self.inner()?;
        inner.conv(conversation)?;
        inner.record(Entry::Closed {
            conversation: conversation.to_owned(),
            time: now,
        })?;
        inner.sync_by(&self.options.commit)
    }

    /// Record a named event of a conversation (`dispute_resolved`), which
    /// retention rules may count from.
    pub fn mark(&self, conversation: &str, name: &str, now: i64) -> Result<()> {
        check_name("event name", name)?;
        check_time("time", now)?;
        let mut inner = self.inner()?;
        inner.conv(conversation)?;
        inner.record(Entry::Marker {
            conversation: conversation.to_owned(),
            name: name.to_owned(),
            time: now,
        })?;
        inner.sync_by(&self.options.commit)
    }

    /// Set a legal hold on a conversation: nothing of it is deleted or
    /// shredded until it is released. Audited.
    pub fn set_hold(&self, conversation: &str, by: &str, reason: &str, now: i64) -> Result<()> {
        self.hold(conversation, by, reason, true, now)
    }

    /// Release the last active legal hold of a conversation, under
    /// two-person control ([`set_two_person_rule`](Self::set_two_person_rule):
    /// `approvals` are the approvers' signed notes of a request for
    /// [`Operation::ReleaseHold`]; none needed while no rule is set).
    /// Audited.
    pub fn release_hold(
        &self,
        conversation: &str,
        by: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<()> {
        check_name("actor", by)?;
        check_time("time", now)?;
        {
            // Checked before the approvals are used up.
            let inner = self.inner()?;
            let ci = inner.conv(conversation)?;
            let c = &inner.convs[ci];
            let Some(h) = c.holds.iter().rev().find(|h| h.released_at.is_none()) else {
                return Err(Error::invalid(format!(
                    "conversation {conversation:?} has no active hold"
                )));
            };
            if now < h.set_at {
                return Err(Error::invalid(format!(
                    "a hold set at {} cannot be released at {now}, before it",
                    h.set_at
                )));
            }
        }
        self.authorize(&Operation::ReleaseHold { conversation }, approvals, by, now)?;
        self.hold(conversation, by, "", false, now)
    }

    fn hold(&self, conversation: &str, by: &str, reason: &str, set: bool, now: i64) -> Result<()> {
        check_name("actor", by)?;
        check_time("time", now)?;
        if reason.len() > record::MAX_NAME {
            return Err(Error::invalid("a hold's reason has at most 256 bytes"));
        }
        let mut inner = self.inner()?;
        let ci = inner.conv(conversation)?;
        let c = &inner.convs[ci];
        if !set && !c.held() {
            return Err(Error::invalid(format!(
                "conversation {conversation:?} has no active hold"
            )));
        }
        if let Some(h) = c.holds.iter().rev().find(|h| h.released_at.is_none()) {
            if !set && now < h.set_at {
                return Err(Error::invalid(format!(
                    "a hold set at {} cannot be released at {now}, before it",
                    h.set_at
                )));
            }
        }
        let mut e = self.event(
            now,
            if set {
                EventKind::LegalHoldSet
            } else {
                EventKind::LegalHoldReleased
            },
            by,
            Role::Owner,
            &c.entry.department.clone(),
        );
        e.objects
            .push((ObjectKind::Conversation, Id::Plain(conversation.into())));
        if set {
            e.details
                .insert("reason".into(), Value::Text(reason.into()));
        }
        inner.record(Entry::Hold {
            conversation: conversation.to_owned(),
            set,
            by: by.to_owned(),
            reason: reason.to_owned(),
            time: now,
        })?;
        inner.audit.append(&e)?;
        inner.sync()
    }

    /// Issue a supervisor grant (see [`Keyring::issue_supervisor_grant`]),
    /// under two-person control (`approvals`: signed notes of a request
    /// for [`Operation::IssueSupervisorGrant`] with exactly these
    /// parameters; none needed while no rule is set), audited as
    /// `grant_issued` with its scope.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_supervisor_grant(
        &self,
        grantee: &GranteePublic,
        label: &str,
        scope: &SupervisorScope,
        validity: Validity,
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<Vec<u8>> {
        check_name("actor", actor)?;
        self.authorize(
            &Operation::IssueSupervisorGrant {
                grantee,
                label,
                scope,
                validity,
            },
            approvals,
            actor,
            now,
        )?;
        let blob = self
            .ring
            .issue_supervisor_grant(grantee, label, scope, validity, now)?;
        let mut e = self.event(now, EventKind::GrantIssued, actor, Role::Owner, "");
        e.details
            .insert("type".into(), Value::Text("supervisor".into()));
        e.details.insert(
            "departments".into(),
            Value::Text(scope.departments().join(",")),
        );
        let (from, to) = scope.window();
        e.details.insert("window_from".into(), Value::Int(from));
        e.details.insert("window_to".into(), Value::Int(to));
        e.details.insert("label".into(), Value::Text(label.into()));
        e.details
            .insert("grant_sha256".into(), Value::Bytes(sha256(&blob).to_vec()));
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()?;
        Ok(blob)
    }

    /// Issue an agent restore-key grant (see
    /// [`Keyring::issue_agent_grant`]), under two-person control like
    /// [`issue_supervisor_grant`](Self::issue_supervisor_grant), audited as
    /// `grant_issued`.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_agent_grant(
        &self,
        grantee: &GranteePublic,
        label: &str,
        scope: &AgentScope,
        validity: Validity,
        actor: &str,
        approvals: &[&str],
        now: i64,
    ) -> Result<Vec<u8>> {
        check_name("actor", actor)?;
        self.authorize(
            &Operation::IssueAgentGrant {
                grantee,
                label,
                scope,
                validity,
            },
            approvals,
            actor,
            now,
        )?;
        let blob = self
            .ring
            .issue_agent_grant(grantee, label, scope, validity, now)?;
        let mut e = self.event(now, EventKind::GrantIssued, actor, Role::Owner, "");
        e.details.insert("type".into(), Value::Text("agent".into()));
        let classes: Vec<&str> = scope.classes().iter().map(|c| c.name()).collect();
        e.details
            .insert("classes".into(), Value::Text(classes.join(",")));
        e.details.insert("label".into(), Value::Text(label.into()));
        e.details
            .insert("grant_sha256".into(), Value::Bytes(sha256(&blob).to_vec()));
        let mut inner = self.inner()?;
        inner.audit.append(&e)?;
        inner.sync()?;
        Ok(blob)
    }

    /// Sign a checkpoint of the audit log (C2SP tlog checkpoint; key
    /// derived from the master key, name `<tenant>/audit`) after syncing.
    pub fn checkpoint(&self) -> Result<String> {
        let mut inner = self.inner()?;
        inner.sync()?;
        inner.audit.checkpoint(&self.signer)
    }

    /// Export the audit events `q` selects for an auditor (see
    /// [`AuditLog::export`]), signed with the archive's audit key.
    pub fn audit_export(&self, q: &crate::audit::Query) -> Result<String> {
        let mut inner = self.inner()?;
        inner.sync()?;
        inner.audit.export(q, &self.signer)
    }

    /// The verifier of the audit log's checkpoints.
    pub fn audit_verifier(&self) -> crate::audit::NoteVerifier {
        self.signer.verifier()
    }

    /// Run `f` with the audit log (synced first): queries, exports, proofs.
    pub fn with_audit<R>(&self, f: impl FnOnce(&mut AuditLog) -> R) -> Result<R> {
        let mut inner = self.inner()?;
        inner.sync()?;
        Ok(f(&mut inner.audit))
    }
}

impl Drop for Archive {
    /// Syncs what is buffered; a failure here is found again (as a torn
    /// record, cut) when the archive is next opened.
    fn drop(&mut self) {
        if let Ok(inner) = self.inner.get_mut() {
            let _ = inner.sync();
        }
    }
}

fn sha256(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Archive>();
    }
}
