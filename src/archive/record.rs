//! The bodies of the archive's record file (docs/FORMAT.md section 14.3):
//! one tag byte, then the entry's fields in the crate's codec (big-endian
//! integers, `u16`-length-prefixed strings, `u32`-length-prefixed blobs).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};

/// Bytes of the tag ending every record body.
pub(crate) const TAG_LEN: usize = 16;

/// The MAC every record body ends with: `entry || HMAC-SHA256(key,
/// "chatvault archive record" || 00 || u64 offset || entry)[..16]`, the key
/// derived from the master key and `offset` the frame's place in the file.
/// Only a holder of the master key writes records that open, and a record
/// moved, copied or left behind by a removal does not open either.
#[derive(Clone)]
pub(crate) struct RecordMac(Hmac<Sha256>);

impl std::fmt::Debug for RecordMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordMac")
    }
}

impl RecordMac {
    pub(crate) fn new(key: &[u8; 32]) -> RecordMac {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(b"chatvault archive record\0");
        RecordMac(mac)
    }

    fn tag(&self, offset: u64, entry: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(&offset.to_be_bytes());
        mac.update(entry);
        mac
    }

    /// The body of the record at `offset`: the entry's bytes and their tag.
    pub(crate) fn seal(&self, offset: u64, entry: &[u8]) -> Vec<u8> {
        let tag = self.tag(offset, entry).finalize().into_bytes();
        let mut body = Vec::with_capacity(entry.len() + TAG_LEN);
        body.extend_from_slice(entry);
        body.extend_from_slice(&tag[..TAG_LEN]);
        body
    }

    /// The entry's bytes of the body at `offset` whose tag checks (in
    /// constant time).
    pub(crate) fn open<'a>(&self, offset: u64, body: &'a [u8]) -> Result<&'a [u8]> {
        let split = body
            .len()
            .checked_sub(TAG_LEN)
            .ok_or_else(|| Error::malformed("an archive record is shorter than its tag"))?;
        let (entry, tag) = body.split_at(split);
        self.tag(offset, entry)
            .verify_truncated_left(tag)
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    "an archive record fails its MAC: written without this archive's master \
                     key, moved, or left behind by a removal",
                )
            })?;
        Ok(entry)
    }
}

/// A blind index or customer tag: 16 bytes.
pub(crate) type Tag = [u8; 16];

/// The longest name (conversation, message, department, account id, ...).
pub(crate) const MAX_NAME: usize = 256;
/// Most tags per conversation.
pub(crate) const MAX_TAGS: usize = 32;
/// Most blind indexes per message.
pub(crate) const MAX_BLIND: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvEntry {
    pub id: String,
    pub department: String,
    pub category: String,
    pub tags: Vec<String>,
    pub region: String,
    pub channel: String,
    pub started: i64,
    /// The customer's blind tag (for consent, erasure, search).
    pub customer: Tag,
    /// The customer's id, sealed under the conversation key.
    pub sealed_customer: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MsgEntry {
    pub conversation: String,
    pub id: String,
    pub time: i64,
    /// An audit [`Role`](crate::audit::Role) number: agent or customer.
    pub role: u8,
    pub sender: String,
    /// The scan verdict's action number (allow, mask, report).
    pub scan: u8,
    /// The masked display text, sealed under the conversation key.
    pub sealed_text: Vec<u8>,
    /// The restore map bytes (originals sealed under the customer's keys).
    pub restore: Vec<u8>,
    /// (identifier class, blind index) of every identifier found.
    pub blind: Vec<(u8, Tag)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    Conversation(ConvEntry),
    Message(MsgEntry),
    /// A blocked message: metadata only, the text is not kept.
    Blocked {
        conversation: String,
        id: String,
        time: i64,
        role: u8,
        sender: String,
        categories: Vec<String>,
    },
    /// 1 notified, 2 consented, 3 withdrawn.
    Consent {
        customer: Tag,
        kind: u8,
        time: i64,
    },
    Hold {
        conversation: String,
        set: bool,
        by: String,
        reason: String,
        time: i64,
    },
    Closed {
        conversation: String,
        time: i64,
    },
    /// A named retention clock event ("dispute_resolved").
    Marker {
        conversation: String,
        name: String,
        time: i64,
    },
    /// 1 requested (with the customer id sealed under the archive's
    /// erasure key, until completed), 2 completed.
    Erasure {
        customer: Tag,
        state: u8,
        time: i64,
        sealed: Vec<u8>,
    },
    /// A retention end action applied: a retention `EndAction` number.
    Disposed {
        conversation: String,
        action: u8,
        time: i64,
    },
    /// An account's device, seen for the first time.
    Device {
        account: String,
        device: Tag,
        time: i64,
    },
    /// An approval request the archive issued (two-person control).
    ApprovalRequest {
        nonce: [u8; 16],
        expires: i64,
        requested_by: String,
        /// SHA-256 of the request's full text.
        text_sha256: [u8; 32],
    },
    /// An approval request used up by the operation it authorized.
    ApprovalUsed {
        nonce: [u8; 16],
        time: i64,
    },
    /// A setting of the archive (1 the two-person rule, 2 the retention
    /// policy): its whole text, and when it was set.
    Setting {
        kind: u8,
        body: Vec<u8>,
        time: i64,
    },
    /// 1 deleted, 2 edited by an agent.
    AgentAction {
        conversation: String,
        message: String,
        kind: u8,
        by: String,
        time: i64,
    },
}

fn name(what: &str, s: &str) -> Result<()> {
    if s.is_empty() || s.len() > MAX_NAME {
        return Err(Error::invalid(format!(
            "{what} must be 1 to {MAX_NAME} bytes"
        )));
    }
    Ok(())
}

/// Check a name field (non-empty, at most 256 bytes, no control
/// characters), naming `what` in the error.
pub(crate) fn check_name(what: &str, s: &str) -> Result<()> {
    name(what, s)?;
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(format!("{what} holds a control character")));
    }
    Ok(())
}

fn put_lp32(out: &mut Vec<u8>, b: &[u8]) {
    out.put_u32(b.len() as u32);
    out.put(b);
}

fn str16<'a>(r: &mut Reader<'a>) -> Result<String> {
    Ok(r.str16()?.to_owned())
}

fn lp32(r: &mut Reader<'_>) -> Result<Vec<u8>> {
    let n = r.u32()? as usize;
    Ok(r.bytes(n)?.to_vec())
}

impl Entry {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut o = Vec::with_capacity(64);
        match self {
            Entry::Conversation(c) => {
                o.put_u8(1);
                for s in [&c.id, &c.department, &c.category] {
                    o.put_lp16(s.as_bytes());
                }
                o.put_u8(c.tags.len() as u8);
                for t in &c.tags {
                    o.put_lp16(t.as_bytes());
                }
                o.put_lp16(c.region.as_bytes());
                o.put_lp16(c.channel.as_bytes());
                o.put_i64(c.started);
                o.put(&c.customer);
                o.put_lp16(&c.sealed_customer);
            }
            Entry::Message(m) => {
                o.put_u8(2);
                o.put_lp16(m.conversation.as_bytes());
                o.put_lp16(m.id.as_bytes());
                o.put_i64(m.time);
                o.put_u8(m.role);
                o.put_lp16(m.sender.as_bytes());
                o.put_u8(m.scan);
                put_lp32(&mut o, &m.sealed_text);
                put_lp32(&mut o, &m.restore);
                o.put_u16(m.blind.len() as u16);
                for (class, tag) in &m.blind {
                    o.put_u8(*class);
                    o.put(tag);
                }
            }
            Entry::Blocked {
                conversation,
                id,
                time,
                role,
                sender,
                categories,
            } => {
                o.put_u8(3);
                o.put_lp16(conversation.as_bytes());
                o.put_lp16(id.as_bytes());
                o.put_i64(*time);
                o.put_u8(*role);
                o.put_lp16(sender.as_bytes());
                o.put_u8(categories.len() as u8);
                for c in categories {
                    o.put_lp16(c.as_bytes());
                }
            }
            Entry::Consent {
                customer,
                kind,
                time,
            } => {
                o.put_u8(4);
                o.put(customer);
                o.put_u8(*kind);
                o.put_i64(*time);
            }
            Entry::Hold {
                conversation,
                set,
                by,
                reason,
                time,
            } => {
                o.put_u8(5);
                o.put_lp16(conversation.as_bytes());
                o.put_u8(u8::from(*set));
                o.put_lp16(by.as_bytes());
                o.put_lp16(reason.as_bytes());
                o.put_i64(*time);
            }
            Entry::Closed { conversation, time } => {
                o.put_u8(6);
                o.put_lp16(conversation.as_bytes());
                o.put_i64(*time);
            }
            Entry::Marker {
                conversation,
                name,
                time,
            } => {
                o.put_u8(7);
                o.put_lp16(conversation.as_bytes());
                o.put_lp16(name.as_bytes());
                o.put_i64(*time);
            }
            Entry::Erasure {
                customer,
                state,
                time,
                sealed,
            } => {
                o.put_u8(8);
                o.put(customer);
                o.put_u8(*state);
                o.put_i64(*time);
                o.put_lp16(sealed);
            }
            Entry::Disposed {
                conversation,
                action,
                time,
            } => {
                o.put_u8(9);
                o.put_lp16(conversation.as_bytes());
                o.put_u8(*action);
                o.put_i64(*time);
            }
            Entry::Device {
                account,
                device,
                time,
            } => {
                o.put_u8(10);
                o.put_lp16(account.as_bytes());
                o.put(device);
                o.put_i64(*time);
            }
            Entry::AgentAction {
                conversation,
                message,
                kind,
                by,
                time,
            } => {
                o.put_u8(11);
                o.put_lp16(conversation.as_bytes());
                o.put_lp16(message.as_bytes());
                o.put_u8(*kind);
                o.put_lp16(by.as_bytes());
                o.put_i64(*time);
            }
            Entry::ApprovalRequest {
                nonce,
                expires,
                requested_by,
                text_sha256,
            } => {
                o.put_u8(12);
                o.put(nonce);
                o.put_i64(*expires);
                o.put_lp16(requested_by.as_bytes());
                o.put(text_sha256);
            }
            Entry::ApprovalUsed { nonce, time } => {
                o.put_u8(13);
                o.put(nonce);
                o.put_i64(*time);
            }
            Entry::Setting { kind, body, time } => {
                o.put_u8(14);
                o.put_u8(*kind);
                o.put_i64(*time);
                put_lp32(&mut o, body);
            }
        }
        o
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Entry> {
        let mut r = Reader::new(bytes, "archive record");
        let tag = r.u8()?;
        let e = match tag {
            1 => {
                let id = str16(&mut r)?;
                let department = str16(&mut r)?;
                let category = str16(&mut r)?;
                let n = r.u8()? as usize;
                let tags = (0..n).map(|_| str16(&mut r)).collect::<Result<_>>()?;
                Entry::Conversation(ConvEntry {
                    id,
                    department,
                    category,
                    tags,
                    region: str16(&mut r)?,
                    channel: str16(&mut r)?,
                    started: r.i64()?,
                    customer: r.array()?,
                    sealed_customer: r.lp16()?.to_vec(),
                })
            }
            2 => {
                let conversation = str16(&mut r)?;
                let id = str16(&mut r)?;
                let time = r.i64()?;
                let role = r.u8()?;
                let sender = str16(&mut r)?;
                let scan = r.u8()?;
                let sealed_text = lp32(&mut r)?;
                let restore = lp32(&mut r)?;
                let n = r.u16()? as usize;
                let blind = (0..n)
                    .map(|_| Ok((r.u8()?, r.array()?)))
                    .collect::<Result<_>>()?;
                Entry::Message(MsgEntry {
                    conversation,
                    id,
                    time,
                    role,
                    sender,
                    scan,
                    sealed_text,
                    restore,
                    blind,
                })
            }
            3 => {
                let conversation = str16(&mut r)?;
                let id = str16(&mut r)?;
                let time = r.i64()?;
                let role = r.u8()?;
                let sender = str16(&mut r)?;
                let n = r.u8()? as usize;
                let categories = (0..n).map(|_| str16(&mut r)).collect::<Result<_>>()?;
                Entry::Blocked {
                    conversation,
                    id,
                    time,
                    role,
                    sender,
                    categories,
                }
            }
            4 => Entry::Consent {
                customer: r.array()?,
                kind: r.u8()?,
                time: r.i64()?,
            },
            5 => Entry::Hold {
                conversation: str16(&mut r)?,
                set: r.u8()? != 0,
                by: str16(&mut r)?,
                reason: str16(&mut r)?,
                time: r.i64()?,
            },
            6 => Entry::Closed {
                conversation: str16(&mut r)?,
                time: r.i64()?,
            },
            7 => Entry::Marker {
                conversation: str16(&mut r)?,
                name: str16(&mut r)?,
                time: r.i64()?,
            },
            8 => Entry::Erasure {
                customer: r.array()?,
                state: r.u8()?,
                time: r.i64()?,
                sealed: r.lp16()?.to_vec(),
            },
            9 => Entry::Disposed {
                conversation: str16(&mut r)?,
                action: r.u8()?,
                time: r.i64()?,
            },
            10 => Entry::Device {
                account: str16(&mut r)?,
                device: r.array()?,
                time: r.i64()?,
            },
            11 => Entry::AgentAction {
                conversation: str16(&mut r)?,
                message: str16(&mut r)?,
                kind: r.u8()?,
                by: str16(&mut r)?,
                time: r.i64()?,
            },
            12 => Entry::ApprovalRequest {
                nonce: r.array()?,
                expires: r.i64()?,
                requested_by: str16(&mut r)?,
                text_sha256: r.array()?,
            },
            13 => Entry::ApprovalUsed {
                nonce: r.array()?,
                time: r.i64()?,
            },
            14 => Entry::Setting {
                kind: r.u8()?,
                time: r.i64()?,
                body: lp32(&mut r)?,
            },
            t => return Err(Error::malformed(format!("unknown archive record type {t}"))),
        };
        r.finish()?;
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_round_trips_and_truncation_fails() {
        let entries = vec![
            Entry::Conversation(ConvEntry {
                id: "c1".into(),
                department: "sales".into(),
                category: "complaint".into(),
                tags: vec!["vip".into(), "refund".into()],
                region: "CN".into(),
                channel: "web".into(),
                started: 1_767_225_600,
                customer: [3; 16],
                sealed_customer: vec![9; 40],
            }),
            Entry::Message(MsgEntry {
                conversation: "c1".into(),
                id: "m1".into(),
                time: 1_767_225_601,
                role: 4,
                sender: "cust".into(),
                scan: 2,
                sealed_text: vec![1; 70_000],
                restore: vec![2; 10],
                blind: vec![(1, [7; 16])],
            }),
            Entry::Blocked {
                conversation: "c1".into(),
                id: "m2".into(),
                time: 5,
                role: 3,
                sender: "agent-1".into(),
                categories: vec!["contact".into()],
            },
            Entry::Consent {
                customer: [1; 16],
                kind: 2,
                time: -1,
            },
            Entry::Hold {
                conversation: "c1".into(),
                set: true,
                by: "legal".into(),
                reason: "case 7".into(),
                time: 9,
            },
            Entry::Closed {
                conversation: "c1".into(),
                time: 10,
            },
            Entry::Marker {
                conversation: "c1".into(),
                name: "dispute_resolved".into(),
                time: 11,
            },
            Entry::Erasure {
                customer: [4; 16],
                state: 1,
                time: 12,
                sealed: vec![6; 50],
            },
            Entry::Disposed {
                conversation: "c1".into(),
                action: 4,
                time: 13,
            },
            Entry::Device {
                account: "agent-1".into(),
                device: [5; 16],
                time: 14,
            },
            Entry::AgentAction {
                conversation: "c1".into(),
                message: "m1".into(),
                kind: 2,
                by: "agent-1".into(),
                time: 15,
            },
            Entry::ApprovalRequest {
                nonce: [8; 16],
                expires: 16,
                requested_by: "admin".into(),
                text_sha256: [9; 32],
            },
            Entry::ApprovalUsed {
                nonce: [8; 16],
                time: 17,
            },
            Entry::Setting {
                kind: 1,
                body: b"threshold: 2\n".to_vec(),
                time: 18,
            },
        ];
        for e in entries {
            let b = e.encode();
            assert_eq!(Entry::decode(&b).unwrap(), e);
            for cut in [0, 1, b.len() / 2, b.len() - 1] {
                assert!(Entry::decode(&b[..cut]).is_err(), "{e:?} cut at {cut}");
            }
            let mut longer = b.clone();
            longer.push(0);
            assert!(Entry::decode(&longer).is_err());
        }
        assert!(Entry::decode(&[0]).is_err());
        assert!(Entry::decode(&[14]).is_err());
    }
}
