//! `svm_error_t`: owned errors with stable codes, and how svm's errors map to them.

use std::collections::BTreeSet;
use std::ffi::{CString, c_char};
use std::sync::{Mutex, PoisonError};

use svm_kv::KvError;
use svm_runtime::{DataDirError, Error};
use svm_storage::StorageError;

/// Success (never the code of an error object; returned by `svm_error_code` for NULL).
pub const SVM_OK: i32 = 0;
/// A required pointer argument is NULL (the message names it).
pub const SVM_ERR_NULL_ARG: i32 = 1;
/// An argument is invalid: unknown flags or backend, a non-empty out buffer, a misaligned
/// pointer, a buffer svm did not hand out.
pub const SVM_ERR_BAD_ARG: i32 = 2;
/// The runtime handle is zero, invented or destroyed.
pub const SVM_ERR_BAD_HANDLE: i32 = 3;
/// `svm_init` got another ABI version than this library's.
pub const SVM_ERR_ABI_MISMATCH: i32 = 4;
/// A runtime was created before `svm_init`.
pub const SVM_ERR_NOT_INITIALISED: i32 = 5;
/// Bytes that do not decode (a message, an envelope, a batch): the message gives the offset.
pub const SVM_ERR_INVALID_MESSAGE: i32 = 10;
/// A template that does not pass validation.
pub const SVM_ERR_INVALID_TEMPLATE: i32 = 11;
/// The envelope's transaction type is not the function's.
pub const SVM_ERR_WRONG_TX_TYPE: i32 = 12;
/// Layer misuse: opening a layer that is not the next, committing with none open, a
/// context for another layer, rewinding beyond the head.
pub const SVM_ERR_LAYER: i32 = 13;
/// A balance would overflow.
pub const SVM_ERR_OVERFLOW: i32 = 14;
/// The context's transaction id is not the id of the transaction given.
pub const SVM_ERR_TX_ID_MISMATCH: i32 = 15;
/// The store failed (I/O, permissions): a fault of the node.
pub const SVM_ERR_STORE: i32 = 20;
/// Another runtime or process has the data directory open.
pub const SVM_ERR_STORE_LOCKED: i32 = 21;
/// The store's content is corrupted.
pub const SVM_ERR_STORE_CORRUPT: i32 = 22;
/// The data directory is of another format, backend or configuration (or not svm's).
pub const SVM_ERR_STORE_FORMAT: i32 = 23;
/// The module cache directory or its key cannot be used.
pub const SVM_ERR_CACHE_DIR: i32 = 24;
/// An invariant of svm failed, or this node cannot run a module (resources).
pub const SVM_ERR_INTERNAL: i32 = 30;
/// svm panicked (a bug, caught at the boundary). The runtime involved is poisoned.
pub const SVM_ERR_PANIC: i32 = 31;
/// The runtime panicked in an earlier call: destroy it, reopen its data directory and
/// replay the open layer.
pub const SVM_ERR_POISONED: i32 = 32;

/// An error svm returned: owned by the caller, freed with `svm_error_free`.
#[allow(non_camel_case_types)]
pub struct svm_error_t {
    code: i32,
    message: CString,
}

/// Addresses of the errors handed out and not yet freed.
static LIVE: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<usize>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The number of live errors.
pub(crate) fn live_count() -> u64 {
    live().len() as u64
}

/// An error on its way to the caller.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) code: i32,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A required pointer argument is NULL.
    pub(crate) fn null(arg: &str) -> Self {
        Self::new(SVM_ERR_NULL_ARG, format!("argument `{arg}` is NULL"))
    }

    /// A bad argument.
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::new(SVM_ERR_BAD_ARG, message)
    }

    /// Prefixes the message with where the error happened.
    pub(crate) fn context(mut self, at: impl std::fmt::Display) -> Self {
        self.message = format!("{at}: {}", self.message);
        self
    }

    /// Hands the error to the caller.
    pub(crate) fn into_raw(self) -> *mut svm_error_t {
        let message = CString::new(self.message.replace('\0', "\\0"))
            .unwrap_or_else(|_| CString::from(c"(message with NUL)"));
        let ptr = Box::into_raw(Box::new(svm_error_t {
            code: self.code,
            message,
        }));
        live().insert(ptr as usize);
        ptr
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        Self::new(FfiError::from_ref(&e), e.to_string())
    }
}

impl From<DataDirError> for FfiError {
    fn from(e: DataDirError) -> Self {
        let code = match &e {
            DataDirError::Locked { .. } => SVM_ERR_STORE_LOCKED,
            DataDirError::Incompatible { .. } | DataDirError::WrongBackend { .. } => {
                SVM_ERR_STORE_FORMAT
            }
            DataDirError::Corrupted { .. } => SVM_ERR_STORE_CORRUPT,
            DataDirError::BackendNotBuilt(_) => SVM_ERR_BAD_ARG,
            DataDirError::Store(s) => storage_code(s),
            DataDirError::Runtime(r) => FfiError::from_ref(r),
            _ => SVM_ERR_STORE,
        };
        Self::new(code, e.to_string())
    }
}

impl FfiError {
    /// The code of a runtime error.
    fn from_ref(e: &Error) -> i32 {
        match e {
            Error::Storage(s) => storage_code(s),
            Error::WrongTxType { .. } => SVM_ERR_WRONG_TX_TYPE,
            Error::LayerMismatch { .. } => SVM_ERR_LAYER,
            Error::Decode(_) => SVM_ERR_INVALID_MESSAGE,
            Error::Template(_) => SVM_ERR_INVALID_TEMPLATE,
            Error::Cache(..) => SVM_ERR_CACHE_DIR,
            Error::TxIdMismatch { .. } => SVM_ERR_TX_ID_MISMATCH,
            _ => SVM_ERR_INTERNAL,
        }
    }
}

fn storage_code(e: &StorageError) -> i32 {
    match e {
        StorageError::Kv(KvError::Locked { .. }) => SVM_ERR_STORE_LOCKED,
        StorageError::Kv(KvError::Corrupted { .. }) => SVM_ERR_STORE_CORRUPT,
        StorageError::Kv(KvError::UnsupportedPath { .. }) => SVM_ERR_BAD_ARG,
        StorageError::Kv(_) | StorageError::Backend(_) => SVM_ERR_STORE,
        StorageError::Corrupt(_) | StorageError::Tree(_) => SVM_ERR_STORE_CORRUPT,
        StorageError::UnsupportedFormat { .. } | StorageError::ConfigMismatch { .. } => {
            SVM_ERR_STORE_FORMAT
        }
        StorageError::LayerNotNext { .. }
        | StorageError::LayerAlreadyOpen(_)
        | StorageError::NoOpenLayer
        | StorageError::LayerOverflow
        | StorageError::RewindBeyondHead { .. } => SVM_ERR_LAYER,
        StorageError::BalanceOverflow(_) => SVM_ERR_OVERFLOW,
        // a deploy's variable layout (validation, genesis templates)
        StorageError::InvalidLayout(_) => SVM_ERR_INVALID_TEMPLATE,
        _ => SVM_ERR_INTERNAL,
    }
}

/// Looks up a live error: NULL or one svm did not hand out (or already freed) is `None`.
fn find<'a>(err: *const svm_error_t) -> Option<&'a svm_error_t> {
    if err.is_null() || !live().contains(&(err as usize)) {
        return None;
    }
    // SAFETY: the address is in `LIVE`, so it came from `Box::into_raw` in `into_raw` and has
    // not been freed (freeing removes it first); the caller must not free it concurrently
    // with this call, as with any owned object.
    Some(unsafe { &*err })
}

/// The code of `err` (one of the `SVM_ERR_*` constants); `SVM_OK` for NULL, and
/// `SVM_ERR_BAD_ARG` for a pointer that is not a live svm error.
///
/// # Safety
/// `err` is NULL or an error returned by svm (a freed or invented pointer is detected).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_error_code(err: *const svm_error_t) -> i32 {
    if err.is_null() {
        return SVM_OK;
    }
    find(err).map_or(SVM_ERR_BAD_ARG, |e| e.code)
}

/// The message of `err`: a NUL-terminated UTF-8 string borrowed from `err`, valid until
/// `svm_error_free`. For NULL or a pointer that is not a live svm error, a static message
/// saying so.
///
/// # Safety
/// `err` is NULL or an error returned by svm.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_error_message(err: *const svm_error_t) -> *const c_char {
    if err.is_null() {
        return c"no error".as_ptr();
    }
    match find(err) {
        Some(e) => e.message.as_ptr(),
        None => c"not a live svm error (freed already, or not returned by svm)".as_ptr(),
    }
}

/// Frees an error. NULL, and a pointer that is not a live svm error (never returned, or freed
/// already and its address not given to a newer error since), are ignored. As with
/// `free(3)`, do not use an error pointer after freeing it: svm may return a later error at
/// the same address.
///
/// # Safety
/// `err` is NULL or an error returned by svm; the message of a freed error must not be read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_error_free(err: *mut svm_error_t) {
    if err.is_null() || !live().remove(&(err as usize)) {
        return;
    }
    // SAFETY: the address was in `LIVE` (removed just now, so no other free can reach it):
    // it came from `Box::into_raw` and is dropped exactly once here.
    drop(unsafe { Box::from_raw(err) });
}
