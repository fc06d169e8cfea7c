//! A contract of another platform that computes with floats.
#![no_std]

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn abort(code: u32);
    fn db_read(key: u32) -> u32;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: a host import taking a plain integer; it does not return.
    unsafe { abort(1) };
    loop {}
}

/// A compound-interest estimate in floating point.
#[unsafe(no_mangle)]
pub extern "C" fn interest(principal: u32, rate_bp: u32, years: u32) -> u64 {
    let mut amount = f64::from(principal);
    let rate = f64::from(rate_bp) / 10_000.0;
    for _ in 0..years {
        amount *= 1.0 + rate;
    }
    // SAFETY: a host import taking and returning plain integers.
    let bonus = f64::from(unsafe { db_read(years) }) * 0.5;
    (amount + bonus) as u64
}
