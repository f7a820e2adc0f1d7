//! Group commit across threads.
//!
//! Owns: [`SharedAuditLog`], an [`AuditLog`] many threads append to, each
//! returning once its record is durable, with one sync serving every record
//! buffered while the previous sync ran.
//!
//! Invariant: at most one batch is being written at a time, and it is
//! written without holding the lock, so appenders keep buffering into the
//! next batch meanwhile; a record is reported durable only after the sync
//! that covers it returned.

use std::sync::{Condvar, Mutex, MutexGuard};

use super::event::Event;
use super::store::AuditLog;
use crate::error::{Error, ErrorKind, Result};

#[derive(Debug)]
struct State {
    log: AuditLog,
    syncing: bool,
}

/// An audit log shared by threads, with group commit: `append_durable`
/// returns once the record is on stable storage, and one sync covers
/// every record appended while the previous one ran.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use chatvault::audit::{AuditLog, CommitPolicy, Event, EventKind, Role, SharedAuditLog};
///
/// let dir = tempfile::tempdir()?;
/// let log = AuditLog::create(dir.path(), "acme/audit", CommitPolicy::default())?;
/// let shared = Arc::new(SharedAuditLog::new(log));
/// let threads: Vec<_> = (0..4)
///     .map(|t| {
///         let shared = Arc::clone(&shared);
///         std::thread::spawn(move || {
///             let e = Event::new(1_767_225_600_000 + t, EventKind::ArchiveViewed, "sup-1", Role::Supervisor, "support");
///             shared.append_durable(&e)
///         })
///     })
///     .collect();
/// for t in threads {
///     t.join().unwrap()?;
/// }
/// assert_eq!(shared.durable_size(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SharedAuditLog {
    state: Mutex<State>,
    synced: Condvar,
}

impl SharedAuditLog {
    /// Share `log` between threads.
    pub fn new(log: AuditLog) -> SharedAuditLog {
        SharedAuditLog {
            state: Mutex::new(State {
                log,
                syncing: false,
            }),
            synced: Condvar::new(),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| {
            Error::new(
                ErrorKind::Poisoned,
                "the shared audit log was poisoned by a panic",
            )
        })
    }

    /// Append `event` and return its sequence number once it is durable.
    /// The first appender to find no sync running writes and syncs every
    /// buffered record (its own and others') without holding the lock; the
    /// others wait for that sync or the next.
    pub fn append_durable(&self, event: &Event) -> Result<u64> {
        let mut g = self.lock()?;
        let seq = g.log.buffer(event)?;
        self.wait_durable(g, seq + 1)?;
        Ok(seq)
    }

    /// Append `event` without waiting for it to be durable (it will be with
    /// the next sync: a later `append_durable` or `flush`).
    pub fn append(&self, event: &Event) -> Result<u64> {
        self.lock()?.log.buffer(event)
    }

    /// Make every record appended so far durable; returns the durable size.
    pub fn flush(&self) -> Result<u64> {
        let g = self.lock()?;
        let want = g.log.size();
        self.wait_durable(g, want)
    }

    /// Wait until at least `want` records are durable, syncing when no one
    /// else is.
    fn wait_durable<'a>(&'a self, mut g: MutexGuard<'a, State>, want: u64) -> Result<u64> {
        loop {
            g.log.check_usable()?;
            if g.log.durable_size() >= want {
                return Ok(g.log.durable_size());
            }
            if g.syncing {
                g = self.synced.wait(g).map_err(|_| {
                    Error::new(
                        ErrorKind::Poisoned,
                        "the shared audit log was poisoned by a panic",
                    )
                })?;
                continue;
            }
            let Some(batch) = g.log.take_batch() else {
                // Nothing buffered yet below `want`: cannot happen, as every
                // appended record is buffered or durable.
                return Ok(g.log.durable_size());
            };
            g.syncing = true;
            drop(g);
            let written = batch.write();
            g = self.lock()?;
            g.syncing = false;
            let finished = g.log.finish_batch(batch, written);
            self.synced.notify_all();
            finished?;
        }
    }

    /// Records appended (durable or not).
    pub fn size(&self) -> u64 {
        self.lock().map_or(0, |g| g.log.size())
    }

    /// Records on stable storage.
    pub fn durable_size(&self) -> u64 {
        self.lock().map_or(0, |g| g.log.durable_size())
    }

    /// Run `f` on the log with the lock held (checkpoints, queries,
    /// exports). Waits for a running sync to finish first.
    pub fn with<R>(&self, f: impl FnOnce(&mut AuditLog) -> R) -> Result<R> {
        let mut g = self.lock()?;
        while g.syncing {
            g = self.synced.wait(g).map_err(|_| {
                Error::new(
                    ErrorKind::Poisoned,
                    "the shared audit log was poisoned by a panic",
                )
            })?;
        }
        Ok(f(&mut g.log))
    }

    /// The log back, once no other thread holds this.
    pub fn into_inner(self) -> Result<AuditLog> {
        self.state.into_inner().map(|s| s.log).map_err(|_| {
            Error::new(
                ErrorKind::Poisoned,
                "the shared audit log was poisoned by a panic",
            )
        })
    }
}
