//! `svm_buf_t`: the variable-length outputs (receipts, encoded envelopes), owned by the
//! caller once returned and freed with `svm_buf_free`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::error::{FfiError, svm_error_t};
use crate::guard;

/// Bytes svm returned: `{NULL, 0}` when empty. Pass an empty one as an out-argument; free
/// a filled one with `svm_buf_free`.
#[repr(C)]
#[derive(Debug)]
#[allow(non_camel_case_types)]
pub struct svm_buf_t {
    /// The bytes (NULL when empty).
    pub ptr: *mut u8,
    /// Their number.
    pub len: usize,
}

/// The buffers handed out and not yet freed: address -> length.
static LIVE: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());

fn live() -> std::sync::MutexGuard<'static, BTreeMap<usize, usize>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The number of live buffers.
pub(crate) fn live_count() -> u64 {
    live().len() as u64
}

/// An out buffer, checked to be empty before any work.
pub(crate) struct OutBuf(guard::Out<svm_buf_t>);

impl OutBuf {
    /// Checks the out-argument `out`: not NULL and empty (`{NULL, 0}`), so that filling it
    /// cannot leak what it held.
    ///
    /// # Safety
    /// A non-NULL `out` points to a readable and writable `svm_buf_t`.
    pub(crate) unsafe fn new(out: *mut svm_buf_t, arg: &str) -> Result<Self, FfiError> {
        let checked = guard::output(out, arg)?;
        // SAFETY: non-NULL and aligned (checked above), readable per the contract.
        let current = unsafe { &*out };
        if !current.ptr.is_null() || current.len != 0 {
            return Err(FfiError::bad(format!(
                "out buffer `{arg}` is not empty ({} bytes): free it with svm_buf_free, or pass {{NULL, 0}}",
                current.len
            )));
        }
        Ok(OutBuf(checked))
    }

    /// Hands `bytes` to the caller.
    pub(crate) fn fill(self, bytes: Vec<u8>) {
        let buf = if bytes.is_empty() {
            svm_buf_t {
                ptr: std::ptr::null_mut(),
                len: 0,
            }
        } else {
            let len = bytes.len();
            let ptr = Box::into_raw(bytes.into_boxed_slice()).cast::<u8>();
            live().insert(ptr as usize, len);
            svm_buf_t { ptr, len }
        };
        // SAFETY: checked by `OutBuf::new` (non-NULL, aligned, writable per the contract).
        unsafe { self.0.write(buf) }
    }
}

/// Frees a buffer svm returned and sets it to `{NULL, 0}`, so freeing it again through the
/// same variable does nothing. NULL and an empty buffer are accepted. A buffer svm did not
/// hand out (or freed already through a copy), or whose length was changed, is refused
/// with `SVM_ERR_BAD_ARG` and left alone.
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
        let svm_buf_t { ptr, len } = unsafe { &*buf };
        let (ptr, len) = (*ptr, *len);
        if ptr.is_null() {
            return match len {
                0 => Ok(()),
                n => Err(FfiError::bad(format!(
                    "buffer is {{NULL, {n}}}: not one svm returned"
                ))),
            };
        }
        {
            let mut live = live();
            match live.get(&(ptr as usize)) {
                Some(&l) if l == len => {
                    live.remove(&(ptr as usize));
                }
                Some(&l) => {
                    return Err(FfiError::bad(format!(
                        "buffer length is {len}, svm returned {l} bytes there: not freed"
                    )));
                }
                None => {
                    return Err(FfiError::bad(
                        "buffer is not one svm returned (or it was freed already through a copy): not freed",
                    ));
                }
            }
        }
        // SAFETY: the (address, length) pair was in `LIVE` and is removed, so it came from
        // `Box::into_raw` of a boxed slice of exactly `len` bytes in `fill`, and is dropped
        // exactly once, here.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
        // SAFETY: as checked by `output`.
        unsafe {
            out.write(svm_buf_t {
                ptr: std::ptr::null_mut(),
                len: 0,
            })
        };
        Ok(())
    })
}
