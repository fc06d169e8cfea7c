//! `svm_buf_t`: the variable-length outputs (receipts, encoded envelopes), owned by the
//! caller once returned and freed with `svm_buf_free`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::error::{FfiError, svm_error_t};
use crate::guard;

/// Bytes svm returned: all zero (`{NULL, 0, 0}`) when empty. Pass an empty one as an
/// out-argument; free a filled one with `svm_buf_free`.
#[repr(C)]
#[derive(Debug)]
#[allow(non_camel_case_types)]
pub struct svm_buf_t {
    /// The bytes (NULL when empty).
    pub ptr: *mut u8,
    /// Their number.
    pub len: usize,
    /// The buffer's serial number, never reused: a stale copy of a freed buffer is told apart
    /// from a new buffer that the allocator placed at the same address.
    pub id: u64,
}

/// The empty buffer.
const EMPTY: svm_buf_t = svm_buf_t {
    ptr: std::ptr::null_mut(),
    len: 0,
    id: 0,
};

/// The buffers handed out and not yet freed: address -> (length, serial number).
static LIVE: Mutex<BTreeMap<usize, (usize, u64)>> = Mutex::new(BTreeMap::new());

/// The next buffer's serial number (0 is the empty buffer's).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn live() -> std::sync::MutexGuard<'static, BTreeMap<usize, (usize, u64)>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The number of live buffers.
pub(crate) fn live_count() -> u64 {
    live().len() as u64
}

/// An out buffer, checked to be empty before any work.
pub(crate) struct OutBuf(guard::Out<svm_buf_t>);

impl OutBuf {
    /// Checks the out-argument `out`: not NULL and empty (all zero), so that filling it
    /// cannot leak what it held.
    ///
    /// # Safety
    /// A non-NULL `out` points to a readable and writable `svm_buf_t`.
    pub(crate) unsafe fn new(out: *mut svm_buf_t, arg: &str) -> Result<Self, FfiError> {
        let checked = guard::output(out, arg)?;
        // SAFETY: non-NULL and aligned (checked above), readable per the contract.
        let current = unsafe { &*out };
        if !current.ptr.is_null() || current.len != 0 || current.id != 0 {
            return Err(FfiError::bad(format!(
                "out buffer `{arg}` is not empty ({} bytes): free it with svm_buf_free, or pass an all-zero one",
                current.len
            )));
        }
        Ok(OutBuf(checked))
    }

    /// Hands `bytes` to the caller.
    pub(crate) fn fill(self, bytes: Vec<u8>) {
        let buf = if bytes.is_empty() {
            EMPTY
        } else {
            let len = bytes.len();
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            let ptr = Box::into_raw(bytes.into_boxed_slice()).cast::<u8>();
            live().insert(ptr as usize, (len, id));
            svm_buf_t { ptr, len, id }
        };
        // SAFETY: checked by `OutBuf::new` (non-NULL, aligned, writable per the contract).
        unsafe { self.0.write(buf) }
    }
}

/// Frees a buffer svm returned and zeroes it, so freeing it again through the same variable
/// does nothing. NULL and an empty buffer are accepted. A buffer svm did not hand out, one
/// freed already through a copy (even if a newer buffer now sits at its address), or one
/// whose length was changed, is refused with `SVM_ERR_BAD_ARG` and nothing is freed.
///
/// # Safety
/// A non-NULL `buf` points to a readable and writable `svm_buf_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_buf_free(buf: *mut svm_buf_t) -> *mut svm_error_t {
    guard::catch(|| {
        if buf.is_null() {
            return Ok(());
        }
        let out = guard::output(buf, "buf")?;
        // SAFETY: non-NULL and aligned (checked above), readable per the contract.
        let svm_buf_t { ptr, len, id } = unsafe { &*buf };
        let (ptr, len, id) = (*ptr, *len, *id);
        if ptr.is_null() {
            return match (len, id) {
                (0, 0) => Ok(()),
                _ => Err(FfiError::bad(format!(
                    "buffer is {{NULL, {len}, {id}}}: not one svm returned"
                ))),
            };
        }
        {
            let mut live = live();
            match live.get(&(ptr as usize)) {
                Some(&(l, i)) if (l, i) == (len, id) => {
                    live.remove(&(ptr as usize));
                }
                Some(&(l, i)) if i == id => {
                    return Err(FfiError::bad(format!(
                        "buffer length is {len}, svm returned {l} bytes there: not freed"
                    )));
                }
                _ => {
                    return Err(FfiError::bad(
                        "buffer is not one svm returned, or was freed already through a copy: not freed",
                    ));
                }
            }
        }
        // SAFETY: the (address, length, id) entry was in `LIVE` and is removed, so it came from
        // `Box::into_raw` of a boxed slice of exactly `len` bytes in `fill`, and is dropped
        // exactly once, here.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
        // SAFETY: as checked by `output`.
        unsafe { out.write(EMPTY) };
        Ok(())
    })
}
