//! Helpers for calling the C API from Rust tests, as a host would.
#![allow(dead_code, unreachable_pub)]

use std::ptr::{null, null_mut};

use svm_codec::{Codec, Receipt};
use svm_ffi::*;

/// Initialises the library (idempotent).
pub fn init() {
    ok(svm_init(SVM_ABI_VERSION));
}

/// Asserts success, naming the error otherwise.
#[track_caller]
pub fn ok(err: *mut svm_error_t) {
    if !err.is_null() {
        let (code, msg) = take(err);
        panic!("expected success, got error {code}: {msg}");
    }
}

/// The code and message of an error, which is freed.
pub fn take(err: *mut svm_error_t) -> (i32, String) {
    assert!(!err.is_null(), "expected an error, got success");
    // SAFETY: a live error svm returned; freed once, after reading.
    unsafe {
        let code = svm_error_code(err);
        let msg = std::ffi::CStr::from_ptr(svm_error_message(err))
            .to_string_lossy()
            .into_owned();
        svm_error_free(err);
        (code, msg)
    }
}

/// The code of an error (freed), `SVM_OK` for success.
pub fn code(err: *mut svm_error_t) -> i32 {
    if err.is_null() { SVM_OK } else { take(err).0 }
}

/// Copies and frees a buffer.
pub fn take_buf(buf: &mut svm_buf_t) -> Vec<u8> {
    let bytes = if buf.ptr.is_null() {
        vec![]
    } else {
        // SAFETY: a live buffer svm returned, `len` bytes.
        unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec()
    };
    // SAFETY: the buffer svm returned.
    ok(unsafe { svm_buf_free(buf) });
    bytes
}

/// An empty out buffer.
pub fn empty() -> svm_buf_t {
    svm_buf_t {
        ptr: null_mut(),
        len: 0,
        id: 0,
    }
}

/// A runtime in memory with `flags`.
pub fn memory_runtime(flags: u32) -> svm_runtime_t {
    init();
    let opts = svm_options_t {
        flags,
        ..Default::default()
    };
    let mut rt = svm_runtime_t::default();
    // SAFETY: valid pointers.
    ok(unsafe { svm_runtime_new(null(), 0, &opts, &mut rt) });
    rt
}

/// A runtime over the data directory `dir`.
pub fn dir_runtime(
    dir: &std::path::Path,
    backend: u32,
    flags: u32,
) -> Result<svm_runtime_t, (i32, String)> {
    init();
    let opts = svm_options_t {
        backend,
        flags,
        ..Default::default()
    };
    let bytes = dir.as_os_str().as_encoded_bytes();
    let mut rt = svm_runtime_t::default();
    // SAFETY: valid pointers.
    let err = unsafe { svm_runtime_new(bytes.as_ptr(), bytes.len(), &opts, &mut rt) };
    if err.is_null() {
        Ok(rt)
    } else {
        Err(take(err))
    }
}

/// An envelope.
pub fn envelope(tx_type: u8, principal: [u8; 20], nonce: u64) -> svm_envelope_t {
    svm_envelope_t {
        tx_type,
        principal: svm_address_t { bytes: principal },
        amount: 0,
        nonce: svm_u128_t { hi: 0, lo: nonce },
        gas_limit: 20_000_000,
        gas_fee: 1,
    }
}

/// The context of a transaction in `layer` (its id computed by svm).
pub fn context(layer: u64, env: &svm_envelope_t, verifydata: &[u8], msg: &[u8]) -> svm_context_t {
    let mut id = svm_bytes32_t::default();
    // SAFETY: valid pointers and lengths.
    ok(unsafe {
        svm_tx_id(
            env,
            verifydata.as_ptr(),
            verifydata.len(),
            msg.as_ptr(),
            msg.len(),
            &mut id,
        )
    });
    svm_context_t { layer, tx_id: id }
}

/// Which transaction function.
#[derive(Clone, Copy)]
pub enum Tx {
    Deploy,
    Spawn,
    Call,
    Verify,
}

/// Runs a transaction function; the decoded receipt, or the error.
pub fn run(
    rt: svm_runtime_t,
    tx: Tx,
    env: &svm_envelope_t,
    verifydata: &[u8],
    msg: &[u8],
    ctx: &svm_context_t,
) -> Result<Receipt, (i32, String)> {
    let f = match tx {
        Tx::Deploy => svm_deploy,
        Tx::Spawn => svm_spawn,
        Tx::Call => svm_call,
        Tx::Verify => svm_verify,
    };
    let mut out = empty();
    // SAFETY: valid pointers and lengths.
    let err = unsafe {
        f(
            rt,
            env,
            verifydata.as_ptr(),
            verifydata.len(),
            msg.as_ptr(),
            msg.len(),
            ctx,
            &mut out,
        )
    };
    if !err.is_null() {
        assert!(out.ptr.is_null(), "no buffer on an error");
        return Err(take(err));
    }
    Ok(Receipt::decode(&take_buf(&mut out)).expect("a receipt"))
}

/// The head: (last layer, root, open layer).
pub fn head(rt: svm_runtime_t) -> (u64, [u8; 32], u64) {
    let (mut last, mut root, mut open) = (0, svm_bytes32_t::default(), 0);
    // SAFETY: valid pointers.
    ok(unsafe { svm_head(rt, &mut last, &mut root, &mut open) });
    (last, root.bytes, open)
}

/// Commits; the root.
pub fn commit(rt: svm_runtime_t) -> [u8; 32] {
    let mut root = svm_bytes32_t::default();
    // SAFETY: valid pointers.
    ok(unsafe { svm_commit(rt, null_mut(), &mut root) });
    root.bytes
}

/// The counters (runtimes, buffers, errors).
pub fn counters() -> (u64, u64, u64) {
    (
        svm_runtimes_count(),
        svm_receipts_count(),
        svm_errors_count(),
    )
}
