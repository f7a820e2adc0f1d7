//! C ABI of the key hierarchy: master key, key stores, keyring, data keys.
//!
//! Owns: `chatvault_master_key` (Box), `chatvault_key_store` (Arc),
//! `chatvault_keyring` (Arc), `chatvault_data_key` (Box), the identifier
//! class, domain and Argon2 constants, and `chatvault_rotation`.
//!
//! Invariant: key material never crosses the ABI unwrapped; data keys are
//! handles that only make sealers.

use std::sync::Arc;

use crate::keys::{
    Argon2Params, DataKey, DataKeyId, Domain, FileKeyStore, IdClass, Kek, KeyStore, Keyring,
    Locator, MasterKey, MemoryKeyStore,
};
use crate::seal::KEY_ID_LEN;

use super::bytes::{chatvault_bytes, put_bytes};
use super::error::{chatvault_result, FfiError};
use super::handle::write_text;
use super::handle::{
    arc_into_ptr, box_into_ptr, free_arc, free_box, input_array, input_bytes, input_str, out_ptr,
    output_buffer, try_clone_arc, try_ref, try_take_box, Castable, OwnershipArc, OwnershipBox,
};
use super::seal::{chatvault_sealer, normalization_from, suite_from};

/// Argon2id memory cost, in KiB, of the recommended passphrase parameters
/// (RFC 9106's second recommended option: 64 MiB).
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_ARGON2_RECOMMENDED_M_KIB: u32 = 65536;
/// Argon2id passes of the recommended passphrase parameters.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_ARGON2_RECOMMENDED_T: u32 = 3;
/// Argon2id lanes of the recommended passphrase parameters.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_ARGON2_RECOMMENDED_P: u32 = 1;
/// Bytes of a key-encryption key (KEK).
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_KEK_LEN: usize = 32;
/// Size of a master key fingerprint as text, including its NUL.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_FINGERPRINT_SIZE: usize = 17;
/// Shortest blind index, in bytes.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_BLIND_INDEX_MIN_LEN: usize = 8;
/// Longest blind index, in bytes.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_BLIND_INDEX_MAX_LEN: usize = 32;
/// A good default blind index length, in bytes.
#[allow(dead_code)] // used from C, through the header
pub const CHATVAULT_BLIND_INDEX_DEFAULT_LEN: usize = 16;

/// A class of customer identifier; each has its own keys, so an agent's
/// restore key can be limited to some classes. Functions take classes as
/// `uint8_t`; an unknown number gives CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum chatvault_id_class {
    /// Phone numbers.
    Phone = 1,
    /// Identity documents (resident ID card, passport, permits).
    IdCard = 2,
    /// Bank card numbers.
    BankCard = 3,
    /// E-mail addresses.
    Email = 4,
    /// Any other identifier.
    Other = 5,
}

/// A family of domain keys, each with its own version (see
/// `chatvault_keyring_rotate`). Functions take it as a `uint32_t`.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types, dead_code)] // used from C, through the header
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum chatvault_domain {
    /// Archived conversation content of one department (named by the
    /// `department` argument).
    Archive = 1,
    /// Customer identifier fields of one class (the `id_class` argument).
    Identifier = 2,
    /// The tenant's blind indexes.
    BlindIndex = 3,
    /// The tenant's `@nickname` pseudonyms.
    Pseudonym = 4,
}

pub(crate) fn class_from(n: u8) -> Result<IdClass, FfiError> {
    Ok(IdClass::from_u8(n)?)
}

fn argon2(m_kib: u32, t: u32, p: u32) -> Result<Argon2Params, FfiError> {
    Ok(Argon2Params::new(m_kib, t, p)?)
}

pub(crate) fn kek_from(kek: *const u8, kek_len: usize) -> Result<Kek, FfiError> {
    let bytes = zeroize::Zeroizing::new(input_array::<CHATVAULT_KEK_LEN>(kek, kek_len, "kek")?);
    Ok(Kek::from_bytes(*bytes))
}

// ---------------------------------------------------------------- master key

/// The tenant master key: 256 bits held by the business owner. It never
/// encrypts data; it leaves the process only wrapped (under a passphrase or
/// a KEK). Created by `chatvault_master_key_generate` or one of the
/// `_import_` functions; freed with `chatvault_master_key_free` (which
/// zeroizes it), or consumed by `chatvault_keyring_new`.
///
/// Thread safety: the functions that take it as `const` may be called
/// concurrently; freeing it must not race with any other use.
#[allow(non_camel_case_types)]
pub struct chatvault_master_key {
    _private: [u8; 0],
}

impl Castable for chatvault_master_key {
    type Ownership = OwnershipBox;
    type RustType = MasterKey;
}

/// Generate a new random master key from the operating system's CSPRNG.
///
/// On success `*out` receives a key the caller owns and must free with
/// `chatvault_master_key_free` (or hand to `chatvault_keyring_new`). Export
/// it (`chatvault_master_key_export_with_passphrase` or `_with_kek`) before
/// relying on it: losing it loses every key derived from it.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_master_key_generate(
    out: *mut *mut chatvault_master_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(MasterKey::generate()?));
        Ok(())
    }
}

/// Write the master key's public fingerprint (16 lower-case hex digits and
/// a NUL, CHATVAULT_FINGERPRINT_SIZE bytes), safe for logs, into `buf`.
/// `*written` receives the size including the NUL; a short buffer gives
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL with `*written` = the size needed.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_master_key_fingerprint(
    master_key: *const chatvault_master_key,
    buf: *mut std::ffi::c_char,
    len: usize,
    written: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(master_key, "master_key")?;
        if written.is_null() {
            return Err(FfiError::null("written"));
        }
        if buf.is_null() && len > 0 {
            return Err(FfiError::null("buf"));
        }
        let fp = key.fingerprint();
        match write_text(&fp, buf, len, written) {
            chatvault_result::Ok => Ok(()),
            _ => Err(FfiError::buffer_too_small("fingerprint", fp.len() + 1, len)),
        }
    }
}

/// Export the master key wrapped under a passphrase with Argon2id
/// (`m_kib` KiB of memory, `t` passes, `p` lanes; use the
/// CHATVAULT_ARGON2_RECOMMENDED_* values unless you have measured). The
/// tenant id (UTF-8) is bound in: the blob imports only for the same
/// tenant. The passphrase is any non-empty bytes.
///
/// On success `*out` receives the blob, owned by the caller, freed with
/// `chatvault_bytes_free`. Parameters out of range or an empty passphrase:
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_master_key_export_with_passphrase(
    master_key: *const chatvault_master_key,
    tenant: *const u8,
    tenant_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    m_kib: u32,
    t: u32,
    p: u32,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(master_key, "master_key")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let passphrase = input_bytes(passphrase, passphrase_len, "passphrase")?;
        let out = out_ptr(out, "out")?;
        let blob = key.export_with_passphrase(tenant, passphrase, argon2(m_kib, t, p)?)?;
        put_bytes(out, blob);
        Ok(())
    }
}

/// Import a master key exported with
/// `chatvault_master_key_export_with_passphrase`.
///
/// A wrong passphrase or tenant is CHATVAULT_RESULT_DECRYPT. On success
/// `*out` receives a key the caller owns and must free with
/// `chatvault_master_key_free` (or hand to `chatvault_keyring_new`).
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_master_key_import_with_passphrase(
    tenant: *const u8,
    tenant_len: usize,
    blob: *const u8,
    blob_len: usize,
    passphrase: *const u8,
    passphrase_len: usize,
    out: *mut *mut chatvault_master_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let blob = input_bytes(blob, blob_len, "blob")?;
        let passphrase = input_bytes(passphrase, passphrase_len, "passphrase")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(MasterKey::import_with_passphrase(tenant, blob, passphrase)?));
        Ok(())
    }
}

/// Export the master key wrapped under a caller-supplied key-encryption key
/// (exactly CHATVAULT_KEK_LEN bytes, from an HSM, a KMS or a secret
/// manager). The tenant id (UTF-8) is bound in.
///
/// On success `*out` receives the blob, owned by the caller, freed with
/// `chatvault_bytes_free`. A KEK of another length is
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_master_key_export_with_kek(
    master_key: *const chatvault_master_key,
    tenant: *const u8,
    tenant_len: usize,
    kek: *const u8,
    kek_len: usize,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(master_key, "master_key")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let kek = kek_from(kek, kek_len)?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, key.export_with_kek(tenant, &kek)?);
        Ok(())
    }
}

/// Import a master key exported with `chatvault_master_key_export_with_kek`.
///
/// A wrong KEK or tenant is CHATVAULT_RESULT_DECRYPT. On success `*out`
/// receives a key the caller owns and must free with
/// `chatvault_master_key_free` (or hand to `chatvault_keyring_new`).
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_master_key_import_with_kek(
    tenant: *const u8,
    tenant_len: usize,
    blob: *const u8,
    blob_len: usize,
    kek: *const u8,
    kek_len: usize,
    out: *mut *mut chatvault_master_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let blob = input_bytes(blob, blob_len, "blob")?;
        let kek = kek_from(kek, kek_len)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(MasterKey::import_with_kek(tenant, blob, &kek)?));
        Ok(())
    }
}

/// Free (and zeroize) a master key.
///
/// Calling with NULL is fine. Must not be called twice, nor on a key that
/// `chatvault_keyring_new` consumed (that call sets the caller's pointer to
/// NULL, so freeing that pointer afterwards is a harmless no-op).
///
/// Thread safety: must not race with other uses of the same key.
#[no_mangle]
pub extern "C" fn chatvault_master_key_free(master_key: *mut chatvault_master_key) {
    ffi_panic_boundary_void! {
        free_box(master_key);
    }
}

// ---------------------------------------------------------------- key store

/// Where a keyring keeps its wrapped data keys: in memory, or in a
/// directory of files whose deletions really erase. Created by
/// `chatvault_key_store_new_memory` or `chatvault_key_store_open`; freed with
/// `chatvault_key_store_free`. A keyring keeps its own reference, so the
/// handle may be freed as soon as the keyring exists; pass the same store to
/// the grant functions that fetch keys from it.
///
/// Thread safety: safe to use from many threads at once (it locks
/// internally). Free it once, when no other thread uses the handle.
#[allow(non_camel_case_types)]
pub struct chatvault_key_store {
    _private: [u8; 0],
}

/// The stores the C ABI can create, as one thin type.
pub(crate) enum AnyKeyStore {
    Memory(MemoryKeyStore),
    File(FileKeyStore),
}

impl AnyKeyStore {
    fn inner(&self) -> &dyn KeyStore {
        match self {
            AnyKeyStore::Memory(s) => s,
            AnyKeyStore::File(s) => s,
        }
    }
}

impl KeyStore for AnyKeyStore {
    fn get(&self, locator: &Locator) -> crate::Result<Option<Vec<u8>>> {
        self.inner().get(locator)
    }
    fn put(&self, locator: &Locator, record: &[u8]) -> crate::Result<()> {
        self.inner().put(locator, record)
    }
    fn destroy(&self, locator: &Locator) -> crate::Result<bool> {
        self.inner().destroy(locator)
    }
    fn locators(&self) -> crate::Result<Vec<Locator>> {
        self.inner().locators()
    }
    fn load_versions(&self) -> crate::Result<Option<Vec<u8>>> {
        self.inner().load_versions()
    }
    fn store_versions(&self, table: &[u8]) -> crate::Result<()> {
        self.inner().store_versions(table)
    }
}

impl Castable for chatvault_key_store {
    type Ownership = OwnershipArc;
    type RustType = AnyKeyStore;
}

/// A new, empty key store in memory (for tests, and for helpdesks that
/// persist nothing). On success `*out` receives a store the caller owns and
/// must free with `chatvault_key_store_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_key_store_new_memory(
    out: *mut *const chatvault_key_store,
) -> chatvault_result {
    ffi_panic_boundary! {
        let out = out_ptr(out, "out")?;
        out.write(arc_into_ptr(AnyKeyStore::Memory(MemoryKeyStore::new())));
        Ok(())
    }
}

fn open_store(
    path: *const u8,
    path_len: usize,
    repair: bool,
    out: *mut *const chatvault_key_store,
) -> Result<(), FfiError> {
    let path = input_str(path, path_len, "path")?;
    if path.is_empty() {
        return Err(FfiError::invalid("path is empty"));
    }
    if path.contains('\0') {
        return Err(FfiError::invalid("path contains a NUL byte"));
    }
    let out = out_ptr(out, "out")?;
    let store = if repair {
        FileKeyStore::open_repairing(path)?
    } else {
        FileKeyStore::open(path)?
    };
    out.write(arc_into_ptr(AnyKeyStore::File(store)));
    Ok(())
}

/// Open (creating if needed) the file key store in directory `path` (UTF-8,
/// not NUL-terminated). Fails closed on a damaged slot
/// (CHATVAULT_RESULT_MALFORMED); see `chatvault_key_store_open_repairing`.
/// File system errors are CHATVAULT_RESULT_IO.
///
/// On success `*out` receives a store the caller owns and must free with
/// `chatvault_key_store_free`.
///
/// Thread safety: may be called from any thread; open one directory only
/// once per process.
#[no_mangle]
pub extern "C" fn chatvault_key_store_open(
    path: *const u8,
    path_len: usize,
    out: *mut *const chatvault_key_store,
) -> chatvault_result {
    ffi_panic_boundary! {
        open_store(path, path_len, false, out)
    }
}

/// Like `chatvault_key_store_open`, but zeroes damaged slots (torn writes
/// from a crash) instead of failing. The keys in them are lost.
///
/// On success `*out` receives a store the caller owns and must free with
/// `chatvault_key_store_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_key_store_open_repairing(
    path: *const u8,
    path_len: usize,
    out: *mut *const chatvault_key_store,
) -> chatvault_result {
    ffi_panic_boundary! {
        open_store(path, path_len, true, out)
    }
}

/// Release the caller's reference to a key store (keyrings that use it keep
/// theirs).
///
/// Calling with NULL is fine. Must not be called twice for the same handle.
///
/// Thread safety: must not race with other uses of the same handle.
#[no_mangle]
pub extern "C" fn chatvault_key_store_free(store: *const chatvault_key_store) {
    ffi_panic_boundary_void! {
        free_arc(store);
    }
}

// ---------------------------------------------------------------- keyring

/// The owner's keyring for one tenant: derives domain keys, creates, finds,
/// rotates and shreds data keys, issues grants, computes blind indexes.
/// Created by `chatvault_keyring_new`; freed with `chatvault_keyring_free`.
///
/// Thread safety: one keyring per tenant, shared by all threads: every
/// function may be called concurrently on it. Free it once, when no other
/// thread uses the handle.
#[allow(non_camel_case_types)]
pub struct chatvault_keyring {
    _private: [u8; 0],
}

impl Castable for chatvault_keyring {
    type Ownership = OwnershipArc;
    type RustType = Keyring;
}

/// What a `chatvault_keyring_rotate` did.
///
/// Thread safety: a plain value.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct chatvault_rotation {
    /// The domain's version before.
    pub old_version: u32,
    /// The domain's version now.
    pub new_version: u32,
    /// Data keys rewrapped under the new version.
    pub rewrapped: usize,
}

/// Create the keyring of `tenant` (UTF-8, 1 to 256 bytes) with a master key
/// and a key store; loads the domain version table from the store.
///
/// Ownership: the keyring takes the master key. `master_key` points to the
/// caller's `chatvault_master_key *`; if that is non-NULL, the key is
/// consumed whatever the result, and `*master_key` is set to NULL, so the
/// caller can neither use nor double-free it (calling
/// `chatvault_master_key_free` on the NULL is a harmless no-op). Export the
/// master key before this call if it must be kept. The store is shared: the
/// keyring keeps its own reference, so the caller still frees its handle.
///
/// On success `*out` receives a keyring the caller owns and must free with
/// `chatvault_keyring_free`.
///
/// Thread safety: may be called from any thread.
#[no_mangle]
pub extern "C" fn chatvault_keyring_new(
    tenant: *const u8,
    tenant_len: usize,
    master_key: *mut *mut chatvault_master_key,
    store: *const chatvault_key_store,
    out: *mut *const chatvault_keyring,
) -> chatvault_result {
    ffi_panic_boundary! {
        let slot = out_ptr(master_key, "master_key")?;
        // SAFETY: `master_key` is non-NULL (checked by out_ptr) and points to
        // the caller's handle variable, readable during the call.
        let key_ptr = unsafe { *master_key };
        if key_ptr.is_null() {
            return Err(FfiError::null("*master_key"));
        }
        // Consume first, so the key is taken whatever happens next.
        slot.write(std::ptr::null_mut());
        let key = try_take_box(key_ptr, "*master_key")?;
        let tenant = input_str(tenant, tenant_len, "tenant")?;
        let store = try_clone_arc(store, "store")?;
        let out = out_ptr(out, "out")?;
        let ring = Keyring::new(tenant, *key, store as Arc<dyn KeyStore>)?;
        out.write(arc_into_ptr(ring));
        Ok(())
    }
}

/// Release the caller's reference to a keyring.
///
/// Calling with NULL is fine. Must not be called twice for the same handle.
///
/// Thread safety: must not race with other uses of the same handle.
#[no_mangle]
pub extern "C" fn chatvault_keyring_free(keyring: *const chatvault_keyring) {
    ffi_panic_boundary_void! {
        free_arc(keyring);
    }
}

/// The data key of a conversation, created if it does not exist yet
/// (random, stored wrapped under the department's archive key for the day of
/// `started_at`, Unix seconds, not before 1970). `department` (1 to 64
/// bytes) and `conversation` (1 to 256 bytes) are UTF-8.
///
/// On success `*out` receives a data key the caller owns and must free with
/// `chatvault_data_key_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_conversation_key(
    keyring: *const chatvault_keyring,
    department: *const u8,
    department_len: usize,
    conversation: *const u8,
    conversation_len: usize,
    started_at: i64,
    out: *mut *mut chatvault_data_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let department = input_str(department, department_len, "department")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(ring.conversation_key(department, conversation, started_at)?));
        Ok(())
    }
}

/// The data key of one customer's identifiers of one class
/// (`chatvault_id_class` number), created if needed. `customer` (UTF-8, 1
/// to 256 bytes) should be the helpdesk's internal id, not a phone number.
///
/// On success `*out` receives a data key the caller owns and must free with
/// `chatvault_data_key_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_customer_key(
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    id_class: u8,
    out: *mut *mut chatvault_data_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let class = class_from(id_class)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(ring.customer_key(customer, class)?));
        Ok(())
    }
}

/// An existing conversation data key; CHATVAULT_RESULT_KEY_NOT_FOUND if it
/// was never created or has been shredded.
///
/// On success `*out` receives a data key the caller owns and must free with
/// `chatvault_data_key_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_data_key_conversation(
    keyring: *const chatvault_keyring,
    department: *const u8,
    department_len: usize,
    conversation: *const u8,
    conversation_len: usize,
    out: *mut *mut chatvault_data_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let department = input_str(department, department_len, "department")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let out = out_ptr(out, "out")?;
        let id = DataKeyId::conversation(department, conversation);
        out.write(box_into_ptr(ring.data_key(&id)?));
        Ok(())
    }
}

/// An existing customer data key of one class; CHATVAULT_RESULT_KEY_NOT_FOUND
/// if it was never created or has been shredded.
///
/// On success `*out` receives a data key the caller owns and must free with
/// `chatvault_data_key_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_data_key_customer(
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    id_class: u8,
    out: *mut *mut chatvault_data_key,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let class = class_from(id_class)?;
        let out = out_ptr(out, "out")?;
        out.write(box_into_ptr(ring.data_key(&DataKeyId::customer(customer, class))?));
        Ok(())
    }
}

/// Crypto-shred a conversation's data key: destroy it in the store, so
/// everything sealed under it is unreadable by anyone. `*existed` receives
/// whether there was such a key.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_shred_conversation(
    keyring: *const chatvault_keyring,
    department: *const u8,
    department_len: usize,
    conversation: *const u8,
    conversation_len: usize,
    existed: *mut bool,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let department = input_str(department, department_len, "department")?;
        let conversation = input_str(conversation, conversation_len, "conversation")?;
        let existed = out_ptr(existed, "existed")?;
        existed.write(ring.shred(&DataKeyId::conversation(department, conversation))?);
        Ok(())
    }
}

/// Crypto-shred one customer's data key of one class. `*existed` receives
/// whether there was such a key.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_shred_customer_key(
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    id_class: u8,
    existed: *mut bool,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let class = class_from(id_class)?;
        let existed = out_ptr(existed, "existed")?;
        existed.write(ring.shred(&DataKeyId::customer(customer, class))?);
        Ok(())
    }
}

/// Crypto-shred every identifier key of a customer (all classes).
/// `*count` receives how many existed.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_shred_customer(
    keyring: *const chatvault_keyring,
    customer: *const u8,
    customer_len: usize,
    count: *mut usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let customer = input_str(customer, customer_len, "customer")?;
        let count = out_ptr(count, "count")?;
        count.write(ring.shred_customer(customer)?);
        Ok(())
    }
}

fn domain_from(
    domain: u32,
    department: *const u8,
    department_len: usize,
    id_class: u8,
) -> Result<Domain, FfiError> {
    let department = input_str(department, department_len, "department")?;
    let needs = |what: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(FfiError::invalid(format!("domain {domain}: {what}")))
        }
    };
    match domain {
        1 => {
            needs("id_class must be 0", id_class == 0)?;
            Ok(Domain::Archive(department.to_owned()))
        }
        2 => {
            needs("department must be empty", department.is_empty())?;
            Ok(Domain::Identifier(class_from(id_class)?))
        }
        3 | 4 => {
            needs(
                "department must be empty and id_class 0",
                department.is_empty() && id_class == 0,
            )?;
            Ok(if domain == 3 {
                Domain::BlindIndex
            } else {
                Domain::Pseudonym
            })
        }
        _ => Err(FfiError::invalid(format!("unknown domain {domain}"))),
    }
}

/// Rotate a domain to a new version: every data key wrapped under it is
/// rewrapped inside the keyring, and the version table is saved. Grants
/// issued before can derive nothing under the new version: this is how
/// grants are revoked. Safe to rerun after a crash.
///
/// The domain is `domain` (a `chatvault_domain` number) with its scope:
/// for CHATVAULT_DOMAIN_ARCHIVE, `department` (UTF-8, 1 to 64 bytes) and
/// `id_class` 0; for CHATVAULT_DOMAIN_IDENTIFIER, `id_class` (a
/// `chatvault_id_class` number) and an empty department `(NULL, 0)`; for the
/// others, an empty department and `id_class` 0. Anything else is
/// CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// On success `*out` receives the old and new versions and the number of
/// keys rewrapped.
///
/// Thread safety: may be called concurrently (rotations are serialized
/// inside the keyring).
#[no_mangle]
pub extern "C" fn chatvault_keyring_rotate(
    keyring: *const chatvault_keyring,
    domain: u32,
    department: *const u8,
    department_len: usize,
    id_class: u8,
    out: *mut chatvault_rotation,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let domain = domain_from(domain, department, department_len, id_class)?;
        let out = out_ptr(out, "out")?;
        let r = ring.rotate(&domain)?;
        out.write(chatvault_rotation {
            old_version: r.old_version,
            new_version: r.new_version,
            rewrapped: r.rewrapped,
        });
        Ok(())
    }
}

/// The current version of a domain (1 until first rotated), into `*out`.
/// The domain is given as for `chatvault_keyring_rotate`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_version(
    keyring: *const chatvault_keyring,
    domain: u32,
    department: *const u8,
    department_len: usize,
    id_class: u8,
    out: *mut u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let domain = domain_from(domain, department, department_len, id_class)?;
        let out = out_ptr(out, "out")?;
        out.write(ring.version(&domain)?);
        Ok(())
    }
}

/// The tenant's public key bytes: what grantees need to check that a grant
/// came from this tenant's owner (see `chatvault_tenant_public_from_bytes`).
/// Public; distribute it with the helpdesk's configuration.
///
/// On success `*out` receives the bytes, owned by the caller, freed with
/// `chatvault_bytes_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_tenant_public(
    keyring: *const chatvault_keyring,
    out: *mut *mut chatvault_bytes,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let out = out_ptr(out, "out")?;
        put_bytes(out, ring.tenant_public().to_bytes());
        Ok(())
    }
}

/// The blind index of `value` in `field` (both UTF-8) after normalization
/// `normalization` (a `chatvault_normalization` number), under the tenant's
/// current blind-index key: equal values give equal indexes, so records can
/// be found by an exact value without decrypting.
///
/// The index is `out_len` bytes long, written to `out`: `out_len` chooses
/// the length and must be between CHATVAULT_BLIND_INDEX_MIN_LEN and
/// CHATVAULT_BLIND_INDEX_MAX_LEN (CHATVAULT_BLIND_INDEX_DEFAULT_LEN is a good
/// choice), else CHATVAULT_RESULT_INVALID_ARGUMENT. A value that normalizes
/// to nothing is CHATVAULT_RESULT_INVALID_ARGUMENT.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_keyring_blind_index(
    keyring: *const chatvault_keyring,
    field: *const u8,
    field_len: usize,
    value: *const u8,
    value_len: usize,
    normalization: u32,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let ring = try_ref(keyring, "keyring")?;
        let field = input_str(field, field_len, "field")?;
        let value = input_str(value, value_len, "value")?;
        let norm = normalization_from(normalization)?;
        if out.is_null() {
            return Err(FfiError::null("out"));
        }
        let indexer = ring.blind_indexer(out_len)?;
        let index = indexer.index(field, value, norm)?;
        output_buffer(out, out_len, index.len(), "out")?.copy_from_slice(&index);
        Ok(())
    }
}

// ---------------------------------------------------------------- data key

/// A data key: random, one per conversation or per (customer, class). Its
/// bytes cannot be read; it only makes sealers. Obtained from the keyring
/// or a grant; freed with `chatvault_data_key_free` (which zeroizes it).
///
/// Thread safety: immutable; the `const` functions may be called
/// concurrently. Freeing must not race with other uses.
#[allow(non_camel_case_types)]
pub struct chatvault_data_key {
    _private: [u8; 0],
}

impl Castable for chatvault_data_key {
    type Ownership = OwnershipBox;
    type RustType = DataKey;
}

/// The data key's version (written into every envelope it seals), into
/// `*out`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_data_key_version(
    data_key: *const chatvault_data_key,
    out: *mut u32,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(data_key, "data_key")?;
        out_ptr(out, "out")?.write(key.version());
        Ok(())
    }
}

/// The data key's id, a public commitment to it: CHATVAULT_KEY_ID_LEN bytes
/// into `out`, which must hold at least that many (`out_len`), else
/// CHATVAULT_RESULT_BUFFER_TOO_SMALL.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_data_key_key_id(
    data_key: *const chatvault_data_key,
    out: *mut u8,
    out_len: usize,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(data_key, "data_key")?;
        output_buffer(out, out_len, KEY_ID_LEN, "out")?.copy_from_slice(&key.key_id());
        Ok(())
    }
}

/// A sealer for this key and `suite` (a `chatvault_suite` number; unknown:
/// CHATVAULT_RESULT_UNSUPPORTED_SUITE). The sealer holds only subkeys; the
/// data key may be freed while the sealer lives.
///
/// On success `*out` receives a sealer the caller owns and must free with
/// `chatvault_sealer_free`.
///
/// Thread safety: may be called concurrently.
#[no_mangle]
pub extern "C" fn chatvault_data_key_sealer(
    data_key: *const chatvault_data_key,
    suite: u32,
    out: *mut *const chatvault_sealer,
) -> chatvault_result {
    ffi_panic_boundary! {
        let key = try_ref(data_key, "data_key")?;
        let suite = suite_from(suite)?;
        let out = out_ptr(out, "out")?;
        out.write(arc_into_ptr(key.sealer(suite)));
        Ok(())
    }
}

/// Free (and zeroize) a data key.
///
/// Calling with NULL is fine. Must not be called twice.
///
/// Thread safety: must not race with other uses of the same key.
#[no_mangle]
pub extern "C" fn chatvault_data_key_free(data_key: *mut chatvault_data_key) {
    ffi_panic_boundary_void! {
        free_box(data_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_rust_api() {
        let r = Argon2Params::RECOMMENDED;
        assert_eq!(CHATVAULT_ARGON2_RECOMMENDED_M_KIB, r.memory_kib());
        assert_eq!(CHATVAULT_ARGON2_RECOMMENDED_T, r.passes());
        assert_eq!(CHATVAULT_ARGON2_RECOMMENDED_P, r.lanes());
        let classes = [
            (chatvault_id_class::Phone, IdClass::Phone),
            (chatvault_id_class::IdCard, IdClass::IdCard),
            (chatvault_id_class::BankCard, IdClass::BankCard),
            (chatvault_id_class::Email, IdClass::Email),
            (chatvault_id_class::Other, IdClass::Other),
        ];
        assert_eq!(classes.len(), IdClass::ALL.len());
        for (c, r) in classes {
            assert_eq!(c as u8, r as u8);
            assert_eq!(class_from(c as u8).unwrap(), r);
        }
        assert!(class_from(0).is_err());
        assert!(class_from(6).is_err());
        let key = MasterKey::generate().unwrap();
        assert_eq!(key.fingerprint().len() + 1, CHATVAULT_FINGERPRINT_SIZE);
        let ring = Keyring::new("t", key, Arc::new(MemoryKeyStore::new())).unwrap();
        assert!(ring.blind_indexer(CHATVAULT_BLIND_INDEX_MIN_LEN).is_ok());
        assert!(ring.blind_indexer(CHATVAULT_BLIND_INDEX_MAX_LEN).is_ok());
        assert!(ring
            .blind_indexer(CHATVAULT_BLIND_INDEX_MIN_LEN - 1)
            .is_err());
        assert!(ring
            .blind_indexer(CHATVAULT_BLIND_INDEX_MAX_LEN + 1)
            .is_err());
    }

    #[test]
    fn domains_need_exactly_their_scope() {
        let d = |n, dept: &str, c| domain_from(n, dept.as_ptr(), dept.len(), c);
        assert_eq!(d(1, "sales", 0).unwrap(), Domain::Archive("sales".into()));
        assert_eq!(d(2, "", 1).unwrap(), Domain::Identifier(IdClass::Phone));
        assert_eq!(d(3, "", 0).unwrap(), Domain::BlindIndex);
        assert_eq!(d(4, "", 0).unwrap(), Domain::Pseudonym);
        for (n, dept, c) in [
            (1, "sales", 1),
            (2, "sales", 1),
            (2, "", 0),
            (3, "x", 0),
            (4, "", 2),
            (5, "", 0),
            (0, "", 0),
        ] {
            assert_eq!(
                d(n, dept, c).unwrap_err().code,
                chatvault_result::InvalidArgument,
                "{n} {dept} {c}"
            );
        }
        assert_eq!(chatvault_domain::Archive as u32, 1);
        assert_eq!(chatvault_domain::Identifier as u32, 2);
        assert_eq!(chatvault_domain::BlindIndex as u32, 3);
        assert_eq!(chatvault_domain::Pseudonym as u32, 4);
    }
}
