//! A file-backed key store whose deletions really erase.
//!
//! Layout (docs/FORMAT.md, "Key store files"): a directory holding
//! `keys.slots`, an array of fixed 256-byte slots, and `versions`, the
//! version table (public, replaced by write-and-rename).
//!
//! Why slots: crypto-shredding must leave no copy of a destroyed key in the
//! store's files. A destroy overwrites the slot with zeros in place and syncs;
//! a replace writes the new record to a free slot, syncs, then zeroes the old
//! one. Nothing is ever appended, renamed over or compacted, so no stale copy
//! survives in a file. (What the file system or the drive does beneath the
//! file is outside the store's reach; the records are wrapped in any case.)
//!
//! Crash safety: each slot carries a generation number and a checksum. On
//! open, two slots with the same locator (a replace cut short) keep the newer
//! one and zero the older; a slot whose checksum fails (a torn write) makes
//! `open` fail unless the caller asks for repair, since silently dropping a
//! key would silently lose data.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::store::{KeyStore, Locator};
use crate::error::{Error, ErrorKind, Result};

/// Bytes per slot.
pub const SLOT_LEN: usize = 256;
const HEADER: usize = 1 + 8 + 32 + 2; // state, generation, locator, length
const CHECK: usize = 4;
/// Longest record a slot holds.
pub const MAX_RECORD_LEN: usize = SLOT_LEN - HEADER - CHECK;
const USED: u8 = 1;
/// Slots with a generation at or above this are damaged (see `open_with`).
const MAX_GENERATION: u64 = 1 << 63;

/// A [`KeyStore`] in a directory of files. See the module docs for the
/// erasure and crash guarantees. `Send + Sync`; one process at a time (an
/// exclusive lock on `keys.slots` refuses a second opener).
///
/// # Examples
/// ```
/// use chatvault::keys::{FileKeyStore, KeyStore};
/// let dir = std::env::temp_dir().join(format!("cv-doc-{}", std::process::id()));
/// let store = FileKeyStore::open(&dir)?;
/// store.put(&[1; 32], b"wrapped key bytes")?;
/// assert!(store.destroy(&[1; 32])?);
/// assert_eq!(store.get(&[1; 32])?, None);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), chatvault::Error>(())
/// ```
pub struct FileKeyStore {
    dir: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    file: File,
    index: HashMap<Locator, (u64, u64)>, // locator -> (slot, generation)
    free: Vec<u64>,
    slots: u64,
    next_generation: u64,
}

impl std::fmt::Debug for FileKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileKeyStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn checksum(slot: &[u8]) -> [u8; CHECK] {
    let d = Sha256::digest(&slot[..SLOT_LEN - CHECK]);
    d[..CHECK].try_into().expect("4")
}

impl FileKeyStore {
    /// Open (creating if needed) the store in `dir`. Fails closed on a
    /// damaged slot; see [`open_repairing`](Self::open_repairing).
    pub fn open(dir: impl AsRef<Path>) -> Result<FileKeyStore> {
        Self::open_with(dir.as_ref(), false)
    }

    /// Open the store, zeroing damaged slots (torn writes from a crash)
    /// instead of failing. The keys in them are lost.
    pub fn open_repairing(dir: impl AsRef<Path>) -> Result<FileKeyStore> {
        Self::open_with(dir.as_ref(), true)
    }

    fn open_with(dir: &Path, repair: bool) -> Result<FileKeyStore> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating key store directory", e))?;
        let path = dir.join("keys.slots");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io("opening keys.slots", e))?;
        // One process per store: two writers would hand out the same free
        // slot. The lock is released when the store is dropped.
        file.try_lock().map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "key store {} is in use by another process: {e}",
                    dir.display()
                ),
            )
        })?;
        let len = file
            .metadata()
            .map_err(|e| Error::io("reading keys.slots", e))?
            .len();
        // A partial last slot can only come from a crash while growing the
        // file; treat its bytes as one more (damaged or free) slot.
        let slots = len.div_ceil(SLOT_LEN as u64);
        let mut inner = Inner {
            file,
            index: HashMap::new(),
            free: Vec::new(),
            slots,
            next_generation: 1,
        };
        let mut buf = [0u8; SLOT_LEN];
        for slot in 0..slots {
            buf.fill(0);
            let n = inner.read_slot(slot, &mut buf)?;
            if buf.iter().all(|b| *b == 0) {
                if n < SLOT_LEN {
                    inner.write_slot(slot, &[0u8; SLOT_LEN])?;
                }
                inner.free.push(slot);
                continue;
            }
            let record_len = u16::from_be_bytes([buf[41], buf[42]]) as usize;
            let generation = u64::from_be_bytes(buf[1..9].try_into().expect("8"));
            // Generations count writes from 1: one at or past MAX_GENERATION
            // cannot come from a writer and would leave no room for more.
            let intact = buf[0] == USED
                && checksum(&buf) == buf[SLOT_LEN - CHECK..]
                && record_len <= MAX_RECORD_LEN
                && generation < MAX_GENERATION;
            if !intact {
                if !repair {
                    return Err(Error::new(
                        ErrorKind::Io,
                        format!("key store slot {slot} is damaged; open_repairing would drop it"),
                    ));
                }
                inner.write_slot(slot, &[0u8; SLOT_LEN])?;
                inner.free.push(slot);
                continue;
            }
            let locator: Locator = buf[9..41].try_into().expect("32");
            inner.next_generation = inner.next_generation.max(generation + 1);
            match inner.index.get(&locator).copied() {
                Some((_, newer)) if newer > generation => {
                    inner.write_slot(slot, &[0u8; SLOT_LEN])?;
                    inner.free.push(slot);
                }
                Some((old_slot, _)) => {
                    inner.write_slot(old_slot, &[0u8; SLOT_LEN])?;
                    inner.free.push(old_slot);
                    inner.index.insert(locator, (slot, generation));
                }
                None => {
                    inner.index.insert(locator, (slot, generation));
                }
            }
        }
        inner.sync()?;
        buf.zeroize();
        Ok(FileKeyStore {
            dir: dir.to_path_buf(),
            inner: Mutex::new(inner),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>> {
        self.inner
            .lock()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "key store lock poisoned"))
    }
}

impl Inner {
    fn read_slot(&self, slot: u64, buf: &mut [u8; SLOT_LEN]) -> Result<usize> {
        let mut done = 0;
        while done < SLOT_LEN {
            let n = self
                .file
                .read_at(&mut buf[done..], slot * SLOT_LEN as u64 + done as u64)
                .map_err(|e| Error::io("reading keys.slots", e))?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    fn write_slot(&self, slot: u64, buf: &[u8; SLOT_LEN]) -> Result<()> {
        self.file
            .write_all_at(buf, slot * SLOT_LEN as u64)
            .map_err(|e| Error::io("writing keys.slots", e))
    }

    fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| Error::io("syncing keys.slots", e))
    }

    fn alloc(&mut self) -> u64 {
        self.free.pop().unwrap_or_else(|| {
            self.slots += 1;
            self.slots - 1
        })
    }
}

impl KeyStore for FileKeyStore {
    fn get(&self, locator: &Locator) -> Result<Option<Vec<u8>>> {
        let inner = self.lock()?;
        let Some(&(slot, _)) = inner.index.get(locator) else {
            return Ok(None);
        };
        let mut buf = [0u8; SLOT_LEN];
        inner.read_slot(slot, &mut buf)?;
        if checksum(&buf) != buf[SLOT_LEN - CHECK..] || buf[9..41] != locator[..] {
            buf.zeroize();
            return Err(Error::new(
                ErrorKind::Io,
                format!("key store slot {slot} changed on disk"),
            ));
        }
        let len = u16::from_be_bytes([buf[41], buf[42]]) as usize;
        let out = buf[HEADER..HEADER + len].to_vec();
        buf.zeroize();
        Ok(Some(out))
    }

    fn put(&self, locator: &Locator, record: &[u8]) -> Result<()> {
        if record.len() > MAX_RECORD_LEN {
            return Err(Error::invalid(format!(
                "record of {} bytes exceeds the {MAX_RECORD_LEN}-byte slot",
                record.len()
            )));
        }
        let mut inner = self.lock()?;
        let generation = inner.next_generation;
        if generation >= MAX_GENERATION {
            return Err(Error::new(ErrorKind::Io, "key store generations exhausted"));
        }
        let slot = inner.alloc();
        let mut buf = [0u8; SLOT_LEN];
        buf[0] = USED;
        buf[1..9].copy_from_slice(&generation.to_be_bytes());
        buf[9..41].copy_from_slice(locator);
        buf[41..43].copy_from_slice(&(record.len() as u16).to_be_bytes());
        buf[HEADER..HEADER + record.len()].copy_from_slice(record);
        let c = checksum(&buf);
        buf[SLOT_LEN - CHECK..].copy_from_slice(&c);
        let written = inner.write_slot(slot, &buf).and_then(|_| inner.sync());
        buf.zeroize();
        // The generation is spent even on failure: a partly written slot that
        // survives must never tie with a later write of the same locator.
        inner.next_generation += 1;
        if let Err(e) = written {
            // Best effort: a copy with a valid checksum must not come back
            // on the next open. The slot is not reused in this process.
            let _ = inner
                .write_slot(slot, &[0u8; SLOT_LEN])
                .and_then(|_| inner.sync());
            return Err(e);
        }
        if let Some((old, _)) = inner.index.insert(*locator, (slot, generation)) {
            // The new record is durable either way; say so, since a caller
            // that took the error for a failed put might retry or give up on
            // a record that is in fact stored. The old copy stays out of the
            // free list and the next open zeroes it (older generation).
            inner
                .write_slot(old, &[0u8; SLOT_LEN])
                .and_then(|_| inner.sync())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Io,
                        format!(
                            "the new record is stored, but erasing the replaced copy in slot \
                             {old} failed (it is erased when the store is next opened): {}",
                            e.detail()
                        ),
                    )
                })?;
            inner.free.push(old);
        }
        Ok(())
    }

    fn destroy(&self, locator: &Locator) -> Result<bool> {
        let mut inner = self.lock()?;
        let Some(&(slot, _)) = inner.index.get(locator) else {
            return Ok(false);
        };
        // Zero and sync before forgetting the slot: if either fails, the
        // record stays indexed, so the caller sees the error and a retry
        // erases it.
        inner.write_slot(slot, &[0u8; SLOT_LEN])?;
        inner.sync()?;
        inner.index.remove(locator);
        inner.free.push(slot);
        Ok(true)
    }

    fn locators(&self) -> Result<Vec<Locator>> {
        Ok(self.lock()?.index.keys().copied().collect())
    }

    fn load_versions(&self) -> Result<Option<Vec<u8>>> {
        match std::fs::read(self.dir.join("versions")) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading versions", e)),
        }
    }

    fn store_versions(&self, table: &[u8]) -> Result<()> {
        let _guard = self.lock()?;
        let tmp = self.dir.join("versions.tmp");
        let write = || -> std::io::Result<()> {
            let f = File::create(&tmp)?;
            f.write_all_at(table, 0)?;
            f.sync_data()?;
            std::fs::rename(&tmp, self.dir.join("versions"))?;
            File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| Error::io("writing versions", e))
    }
}
