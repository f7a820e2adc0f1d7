//! Retention policy evaluation: keep, restrict, delete or shred, when and why.
//!
//! Owns: the policy model ([`Policy`], [`Rule`], [`Selector`], [`Anchor`],
//! [`Period`], [`Template`]), its JSON loader and load-time checks
//! ([`Problem`], [`PolicyError`]), the preservation lock
//! ([`Policy::check_update`]), the record metadata evaluation reads
//! ([`Record`], [`LegalHold`]), and decisions ([`Decision`], [`Action`],
//! [`EndAction`], [`TieBreak`]) with their explanations and plans.
//!
//! Invariants:
//! - Evaluation is a pure function of (record, policy, now): no clock, no
//!   I/O, no allocation; "what is due next month" is the same call with
//!   another `now`.
//! - An active legal hold never yields an end action; a delete or shred is
//!   never due before every applicable floor has ended; once an end action
//!   is due it stays due as `now` grows, unless a hold or floor is added.
//!
//! The precedence, in the spirit of Microsoft Purview's principles of
//! retention (docs/RETENTION.md):
//! 1. a legal hold wins over everything: nothing is deleted, shredded,
//!    archived or sent to review while one is active;
//! 2. retention wins over deletion: a delete or shred waits until the
//!    longest applicable floor has ended;
//! 3. the longest floor wins;
//! 4. explicit beats implicit: when a rule with a selector sets a delete or
//!    shred ceiling, the delete and shred ceilings of catch-all rules (no
//!    selector) do not apply to the conversation;
//! 5. the shortest ceiling wins (at the same instant: shred, delete,
//!    archive, review; then the rule written first).
//!
//! An erasure request or withdrawn consent restricts the record at once
//! ("stop all use but storage", PIPL Art. 47 para. 2, GDPR Art. 17(3)) and
//! schedules the policy's erasure action for the moment the floors end.
//!
//! # Examples
//! ```
//! use chatvault::retention::{Action, Policy, Record};
//!
//! let policy = Policy::from_json(r#"{
//!   "chatvault_retention": 1, "name": "acme", "version": 1,
//!   "vocabulary": {"categories": ["complaint", "general"]},
//!   "rules": [
//!     {"name": "logs", "template": "cn-csl-network-logs"},
//!     {"name": "complaints", "select": {"category": ["complaint"]},
//!      "floor": "1y", "ceiling": "3y", "from": "closed", "action": "shred"},
//!     {"name": "default", "ceiling": "2y", "from": "last_activity", "action": "delete"}
//!   ]}"#)?;
//!
//! let day = 86_400;
//! let created = 1_767_225_600; // 2026-01-01
//! let mut chat = Record::new("complaint", created);
//! chat.closed = Some(created + 10 * day);
//!
//! let d = policy.evaluate(&chat, created + 400 * day)?;
//! assert_eq!(d.action, Action::Keep);
//! assert_eq!(policy.rule(d.rule.unwrap()).name, "complaints");
//!
//! // The customer asks for erasure: use stops now, the shred waits for
//! // the one-year floor.
//! chat.erasure_requested = Some(created + 20 * day);
//! let d = policy.evaluate(&chat, created + 30 * day)?;
//! assert_eq!(d.action, Action::Restrict);
//! let d = policy.evaluate(&chat, created + 400 * day)?;
//! assert_eq!(d.action, Action::Shred);
//! println!("{}", policy.explain(&d)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod eval;
mod json;
mod policy;
mod time;

pub use eval::{Action, Decision, EndAction, LegalHold, Planned, Record, TieBreak};
pub use policy::{
    Anchor, Dimension, Policy, PolicyError, Problem, Rule, RuleId, RuleSet, RuleSetIter, Selector,
    Template, MAX_EVENTS, MAX_POLICY_BYTES, MAX_RULES, TEMPLATES,
};
pub use time::{Period, Timestamp, MAX_TIME, MIN_TIME};
