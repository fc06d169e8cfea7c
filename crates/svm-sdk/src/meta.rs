//! The `svm-meta` custom section: records the macros write into the Wasm, from which the CLI
//! builds a deploy message's metadata (layout, constructors, API) without a hand-written file.
//!
//! Each record is `kind u8 · length u16 BE · payload`; the linker concatenates the records of
//! every item. Kinds: [`LAYOUT`] (payload: the variables' sizes, `u32` little-endian each),
//! [`CTOR`], [`ENDPOINT`] and [`VERIFY`] (payload: the signature as text,
//! `name(type,type)->type`).

/// A storage layout record.
pub const LAYOUT: u8 = 1;
/// A constructor record.
pub const CTOR: u8 = 2;
/// An endpoint record.
pub const ENDPOINT: u8 = 3;
/// The verify function's record.
pub const VERIFY: u8 = 4;

/// The layout record of `sizes`, as a constant (`M` must be `3 + 4 * N`).
pub const fn layout_record<const N: usize, const M: usize>(sizes: &[u32; N]) -> [u8; M] {
    assert!(M == 3 + 4 * N, "layout record size");
    let mut out = [0u8; M];
    let len = 4 * N;
    out[0] = LAYOUT;
    out[1] = (len >> 8) as u8;
    out[2] = len as u8;
    let mut i = 0;
    while i < N {
        let b = sizes[i].to_le_bytes();
        out[3 + 4 * i] = b[0];
        out[4 + 4 * i] = b[1];
        out[5 + 4 * i] = b[2];
        out[6 + 4 * i] = b[3];
        i += 1;
    }
    out
}
