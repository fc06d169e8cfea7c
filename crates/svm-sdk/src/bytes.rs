//! Byte buffers made without `Vec`'s growth code. A template's Wasm that never grows a `Vec`
//! links none of it, nor the allocation-failure handler and the integer formatting that
//! handler brings: the signed wallet is about half the size it would be otherwise.

use alloc::vec::Vec;

/// `n` zero bytes, allocated exactly (the call aborts with `out of memory` when the memory
/// cannot grow).
pub(crate) fn zeroed(n: usize) -> Vec<u8> {
    #[cfg(target_arch = "wasm32")]
    {
        if n == 0 {
            return Vec::new();
        }
        let Ok(layout) = core::alloc::Layout::array::<u8>(n) else {
            crate::env::abort(b"out of memory")
        };
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            crate::env::abort(b"out of memory")
        }
        // SAFETY: `ptr` is the global allocator's allocation of `n` bytes with `u8`'s
        // alignment, all of them initialised (zero): a `Vec<u8>` of length and capacity `n`.
        unsafe { Vec::from_raw_parts(ptr, n, n) }
    }
    #[cfg(not(target_arch = "wasm32"))]
    alloc::vec![0; n]
}

/// A copy of `src`, allocated exactly.
pub(crate) fn copied(src: &[u8]) -> Vec<u8> {
    let mut out = zeroed(src.len());
    copy(&mut out, src);
    out
}

/// Copies as many bytes as both sides have (the first `min(out.len(), src.len())`), and says
/// how many. (`copy_from_slice` would link its length-mismatch panic and the formatting code.)
pub(crate) fn copy(out: &mut [u8], src: &[u8]) -> usize {
    let n = out.len().min(src.len());
    // SAFETY: both slices have at least `n` bytes, and a `&mut` never overlaps a `&`.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), out.as_mut_ptr(), n) };
    n
}

/// A failure message being put together on the stack: at most 256 bytes, what `svm_abort`
/// keeps (the rest is dropped).
pub(crate) struct Text {
    buf: [u8; 256],
    len: usize,
}

impl Text {
    /// An empty message.
    pub(crate) fn new() -> Self {
        Text {
            buf: [0; 256],
            len: 0,
        }
    }

    /// Appends `bytes` (as many as fit).
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let Some(slot) = self.buf.get_mut(self.len) else {
                return;
            };
            *slot = b;
            self.len += 1;
        }
    }

    /// The message so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}
