//! What a `no_std` template needs on `wasm32`: an allocator and a panic handler.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

/// A bump allocator: a call is short-lived, so memory is never given back. It starts at the
/// linker's `__heap_base` (the end of the stack and the data), uses the rest of the initial
/// memory, and grows the memory only past it (each new page is paid for with gas, and an
/// instance whose memory grew is not reused for the next call).
struct Bump {
    next: UnsafeCell<usize>,
}

// SAFETY: a Wasm instance runs one thread; svm starts each call on an instance in its state
// right after instantiation (new, or reset), where `next` is 0.
unsafe impl Sync for Bump {}

#[global_allocator]
static ALLOCATOR: Bump = Bump {
    next: UnsafeCell::new(0),
};

const PAGE: usize = 65_536;

unsafe extern "C" {
    /// Defined by the linker: the first byte after the stack and the static data.
    static __heap_base: u8;
}

// SAFETY: `alloc` returns memory that is aligned, within the memory (grown first), and never
// handed out twice; `dealloc` does nothing, which `GlobalAlloc` allows.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded (see `Sync`); no other reference to `next` is live.
        let next = unsafe { &mut *self.next.get() };
        // (checked: a 4 GiB memory's size in bytes does not fit a wasm32 usize)
        let Some(have) = core::arch::wasm32::memory_size(0).checked_mul(PAGE) else {
            return core::ptr::null_mut();
        };
        if *next == 0 {
            *next = &raw const __heap_base as usize;
        }
        let Some(start) = next
            .checked_add(layout.align() - 1)
            .map(|n| n & !(layout.align() - 1))
        else {
            return core::ptr::null_mut();
        };
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if end > have {
            let pages = (end - have).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
        }
        *next = end;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // the message when it is a plain string (no formatting machinery is linked for it)
    let mut text = crate::bytes::Text::new();
    text.push(b"panic: ");
    text.push(match info.message().as_str() {
        Some(message) => message.as_bytes(),
        None => b"(a formatted message)",
    });
    crate::env::abort(text.as_bytes())
}
