//! A large contract of another platform: hundreds of generated integer kernels (see
//! `build.rs`), a dispatcher, and a sort, with no floating point anywhere.
#![no_std]
#![allow(clippy::all, unused_mut)]

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn abort(code: u32);
    fn db_read(key: u32) -> u32;
}

fn host(key: u32) -> u32 {
    // SAFETY: a host import taking and returning plain integers.
    unsafe { db_read(key) }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: a host import taking a plain integer; it does not return.
    unsafe { abort(1) };
    loop {}
}

include!(concat!(env!("OUT_DIR"), "/kernels.rs"));

/// Sorts 64 host values in place with an insertion sort and returns a checksum.
#[unsafe(no_mangle)]
pub extern "C" fn sorted_checksum(seed: u32) -> u64 {
    let mut v = [0u32; 64];
    for (i, x) in v.iter_mut().enumerate() {
        *x = host(seed.wrapping_add(i as u32));
    }
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    v.iter()
        .enumerate()
        .fold(0u64, |acc, (i, x)| acc.wrapping_mul(31).wrapping_add(u64::from(*x) ^ i as u64))
}
