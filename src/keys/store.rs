//! Where wrapped data keys live: the [`KeyStore`] trait and an in-memory
//! store.
//!
//! A store only ever sees wrapped keys, addressed by locators (keyed hashes
//! of the key id, so customer ids do not appear in it). Destroying a record
//! is crypto-shredding: an implementation must make the record's bytes
//! unrecoverable from the store, not merely mark them deleted.

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// The address of a wrapped data key in a store.
pub type Locator = [u8; 32];

/// Storage for wrapped data keys and the domain-key version table.
///
/// Implement it to keep keys in the helpdesk's own database; the crate ships
/// [`MemoryKeyStore`] and [`FileKeyStore`](super::FileKeyStore).
/// Implementations must be safe to call from several threads.
pub trait KeyStore: Send + Sync {
    /// The record at `locator`, if any.
    fn get(&self, locator: &Locator) -> Result<Option<Vec<u8>>>;
    /// Insert or replace the record at `locator`. When this returns, the
    /// record must be durable, and a replaced record's old bytes destroyed.
    fn put(&self, locator: &Locator, record: &[u8]) -> Result<()>;
    /// Destroy the record at `locator` so that its bytes can no longer be
    /// read from the store; returns whether there was one.
    fn destroy(&self, locator: &Locator) -> Result<bool>;
    /// Every locator in the store (for rotation).
    fn locators(&self) -> Result<Vec<Locator>>;
    /// The saved version table, if one was saved.
    fn load_versions(&self) -> Result<Option<Vec<u8>>>;
    /// Save the version table (replacing the previous one), durably.
    fn store_versions(&self, table: &[u8]) -> Result<()>;
}

/// A key store in memory, for tests and for helpdesks that persist the
/// records themselves. Destroyed records are zeroized.
#[derive(Default)]
pub struct MemoryKeyStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    records: HashMap<Locator, Zeroizing<Vec<u8>>>,
    versions: Option<Vec<u8>>,
}

impl std::fmt::Debug for MemoryKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryKeyStore").finish_non_exhaustive()
    }
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> MemoryKeyStore {
        MemoryKeyStore::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MemoryInner>> {
        self.inner
            .lock()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "key store lock poisoned"))
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, locator: &Locator) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.records.get(locator).map(|r| r.to_vec()))
    }
    fn put(&self, locator: &Locator, record: &[u8]) -> Result<()> {
        self.lock()?
            .records
            .insert(*locator, Zeroizing::new(record.to_vec()));
        Ok(())
    }
    fn destroy(&self, locator: &Locator) -> Result<bool> {
        Ok(self.lock()?.records.remove(locator).is_some())
    }
    fn locators(&self) -> Result<Vec<Locator>> {
        Ok(self.lock()?.records.keys().copied().collect())
    }
    fn load_versions(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.versions.clone())
    }
    fn store_versions(&self, table: &[u8]) -> Result<()> {
        self.lock()?.versions = Some(table.to_vec());
        Ok(())
    }
}
