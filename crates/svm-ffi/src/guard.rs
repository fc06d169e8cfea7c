//! The boundary's safety net: every entry point runs under [`catch`], and reads its pointer
//! arguments through the checked helpers here.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

use crate::error::{FfiError, SVM_ERR_PANIC, svm_error_t};

/// Runs an entry point's body: `Ok` is NULL, an error is handed to the caller, a panic is
/// caught, counted and returned as `SVM_ERR_PANIC` (the runtime it happened in, if any, is
/// poisoned by its lock).
pub(crate) fn catch(body: impl FnOnce() -> Result<(), FfiError>) -> *mut svm_error_t {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => std::ptr::null_mut(),
        Ok(Err(e)) => e.into_raw(),
        Err(payload) => {
            crate::PANICS.fetch_add(1, Ordering::SeqCst);
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            log::error!("svm panicked at the C boundary (a bug of svm, please report it): {what}");
            FfiError::new(
                SVM_ERR_PANIC,
                format!("svm panicked (a bug of svm, please report it): {what}"),
            )
            .into_raw()
        }
    }
}

/// The borrowed input bytes `(ptr, len)`: NULL is accepted only with length 0.
///
/// # Safety
/// A non-NULL `ptr` points to `len` readable bytes that stay valid and unchanged for the
/// call (the caller's side of the C API contract).
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    arg: &str,
) -> Result<&'a [u8], FfiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(arg).context(format!("{len} bytes")));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::bad(format!(
            "argument `{arg}`: length {len} is not a length"
        )));
    }
    // SAFETY: non-NULL, `len` within isize::MAX, and readable for the call per the contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A borrowed input struct: not NULL, aligned.
///
/// # Safety
/// A non-NULL `ptr` points to a valid `T` for the call.
pub(crate) unsafe fn input<'a, T>(ptr: *const T, arg: &str) -> Result<&'a T, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(arg));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::bad(format!("argument `{arg}` is misaligned")));
    }
    // SAFETY: non-NULL and aligned; valid for the call per the contract (all our input
    // structs are plain data: every bit pattern of their integer fields is a value).
    Ok(unsafe { &*ptr })
}

/// An out-pointer, checked before any work so that a NULL one fails without side effects.
pub(crate) fn output<T>(ptr: *mut T, arg: &str) -> Result<Out<T>, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(arg));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::bad(format!("argument `{arg}` is misaligned")));
    }
    Ok(Out(ptr))
}

/// A checked out-pointer (non-NULL, aligned), written only on success.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Writes the value.
    ///
    /// # Safety
    /// The pointer was given by the caller as writable for a `T` for the call.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL and aligned (checked by `output`), writable per the contract;
        // `write` does not drop the caller's previous (plain data) value.
        unsafe { self.0.write(value) }
    }
}
