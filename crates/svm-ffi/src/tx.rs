//! Validation, transactions (deploy, spawn, call, verify) and the batch that executes a
//! whole layer's transactions in one crossing.

use svm_codec::{Codec, Envelope, Receipt, split_transaction, tx_id};
use svm_runtime::data_dir::NodeRuntime;
use svm_types::Layer;

use crate::buf::{OutBuf, svm_buf_t};
use crate::error::{FfiError, SVM_ERR_INVALID_MESSAGE, svm_error_t};
use crate::guard::{self, catch};
use crate::registry;
use crate::types::{svm_context_t, svm_envelope_t, svm_runtime_t};

/// Checks a deploy message: it decodes, its storage layout is valid, its code passes
/// template validation (nothing is compiled or stored). NULL if valid, else
/// `SVM_ERR_INVALID_MESSAGE` or `SVM_ERR_INVALID_TEMPLATE` saying why.
///
/// # Safety
/// `msg` points to `msg_len` readable bytes (or is NULL with length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_validate_deploy(
    rt: svm_runtime_t,
    msg: *const u8,
    msg_len: usize,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `msg`.
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        registry::with(rt, |r| Ok(r.validate_deploy(msg)?))
    })
}

/// Checks that a spawn message decodes (`SVM_ERR_INVALID_MESSAGE` with the offset if not).
///
/// # Safety
/// `msg` points to `msg_len` readable bytes (or is NULL with length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_validate_spawn(
    rt: svm_runtime_t,
    msg: *const u8,
    msg_len: usize,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `msg`.
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        registry::with(rt, |r| Ok(r.validate_spawn(msg)?))
    })
}

/// Checks that a call message decodes (`SVM_ERR_INVALID_MESSAGE` with the offset if not).
///
/// # Safety
/// `msg` points to `msg_len` readable bytes (or is NULL with length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_validate_call(
    rt: svm_runtime_t,
    msg: *const u8,
    msg_len: usize,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `msg`.
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        registry::with(rt, |r| Ok(r.validate_call(msg)?))
    })
}

/// Which transaction function is running.
#[derive(Clone, Copy)]
enum Kind {
    Deploy,
    Spawn,
    Call,
    Verify,
}

/// Runs one transaction (or a verify) and returns its encoded receipt.
fn run(
    r: &mut NodeRuntime,
    kind: Kind,
    env: &Envelope,
    verifydata: &[u8],
    msg: &[u8],
    ctx: &svm_codec::Context,
) -> Result<Vec<u8>, FfiError> {
    let receipt = match kind {
        Kind::Deploy => Receipt::Deploy(r.deploy(env, verifydata, msg, ctx)?),
        Kind::Spawn => Receipt::Spawn(r.spawn(env, verifydata, msg, ctx)?),
        Kind::Call => Receipt::Call(r.call(env, verifydata, msg, ctx)?),
        Kind::Verify => Receipt::Call(r.verify(env, verifydata, msg, ctx)?),
    };
    Ok(receipt.encode())
}

/// The shared body of the four transaction functions.
///
/// # Safety
/// The caller's contract of those functions.
#[allow(clippy::too_many_arguments)]
unsafe fn transaction(
    kind: Kind,
    rt: svm_runtime_t,
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const svm_context_t,
    receipt_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY (all four): the caller's contract for each argument.
        let env = unsafe { guard::input(env, "env") }?.to_envelope()?;
        let verifydata = unsafe { guard::bytes(verifydata, verifydata_len, "verifydata") }?;
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        let ctx = unsafe { guard::input(ctx, "ctx") }?.to_context();
        let out = unsafe { OutBuf::new(receipt_out, "receipt_out") }?;
        let receipt = registry::with(rt, |r| run(r, kind, &env, verifydata, msg, &ctx))?;
        out.fill(receipt);
        Ok(())
    })
}

/// Deploys the template in `msg`, paid and authorised by `env->principal` (its `svm_verify`
/// gets `verifydata`), in the open layer `ctx->layer`. Writes the deploy receipt
/// (`docs/spec/codec.md` §7) to `*receipt_out`, which must be empty and is the caller's to
/// free. A failed transaction is a receipt; an error means nothing happened.
///
/// # Safety
/// `env` and `ctx` point to their structs; `verifydata` and `msg` to their bytes (or NULL
/// with length 0); `receipt_out` to a writable, empty `svm_buf_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_deploy(
    rt: svm_runtime_t,
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const svm_context_t,
    receipt_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    // SAFETY: the same contract.
    unsafe {
        transaction(
            Kind::Deploy,
            rt,
            env,
            verifydata,
            verifydata_len,
            msg,
            msg_len,
            ctx,
            receipt_out,
        )
    }
}

/// Spawns an account from a template, running its constructor: as `svm_deploy`, with a
/// spawn message and a spawn receipt.
///
/// # Safety
/// As `svm_deploy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_spawn(
    rt: svm_runtime_t,
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const svm_context_t,
    receipt_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    // SAFETY: the same contract.
    unsafe {
        transaction(
            Kind::Spawn,
            rt,
            env,
            verifydata,
            verifydata_len,
            msg,
            msg_len,
            ctx,
            receipt_out,
        )
    }
}

/// Calls a function of an account: as `svm_deploy`, with a call message and a call
/// receipt.
///
/// # Safety
/// As `svm_deploy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_call(
    rt: svm_runtime_t,
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const svm_context_t,
    receipt_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    // SAFETY: the same contract.
    unsafe {
        transaction(
            Kind::Call,
            rt,
            env,
            verifydata,
            verifydata_len,
            msg,
            msg_len,
            ctx,
            receipt_out,
        )
    }
}

/// Runs only the principal's `svm_verify` on a transaction of any type (a mempool's check):
/// read-only, no open layer needed, nothing charged. Writes a call receipt: success if the
/// principal accepts the transaction. `ctx->layer` is the layer the transaction would run
/// in.
///
/// # Safety
/// As `svm_deploy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_verify(
    rt: svm_runtime_t,
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const svm_context_t,
    receipt_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    // SAFETY: the same contract.
    unsafe {
        transaction(
            Kind::Verify,
            rt,
            env,
            verifydata,
            verifydata_len,
            msg,
            msg_len,
            ctx,
            receipt_out,
        )
    }
}

/// Splits a batch into its items: each a 4-byte big-endian length and that many bytes.
fn items(batch: &[u8]) -> Result<Vec<(usize, &[u8])>, FfiError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < batch.len() {
        let bad = |m: String| FfiError::new(SVM_ERR_INVALID_MESSAGE, m);
        let Some(len) = batch.get(at..at + 4) else {
            return Err(bad(format!(
                "batch item {} at byte {at}: the length needs 4 bytes, {} left",
                out.len(),
                batch.len() - at
            )));
        };
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let start = at + 4;
        let Some(item) = batch.get(start..start.saturating_add(len)) else {
            return Err(bad(format!(
                "batch item {} at byte {at}: length {len}, but {} bytes left",
                out.len(),
                batch.len() - start
            )));
        };
        out.push((at, item));
        at = start + len;
    }
    Ok(out)
}

/// A batch item's parts and the context svm gives it.
type Parsed<'a> = (Envelope, &'a [u8], &'a [u8], svm_codec::Context);

/// Splits every item of a batch into its parts (all before anything runs), with each
/// transaction's context in `layer`.
fn parse<'a>(
    r: &NodeRuntime,
    layer: u64,
    items: &[(usize, &'a [u8])],
) -> Result<Vec<Parsed<'a>>, FfiError> {
    let limits = r.config().codec;
    let mut parts = Vec::with_capacity(items.len());
    for (i, (at, item)) in items.iter().enumerate() {
        let (env, verifydata, msg) = split_transaction(item, &limits).map_err(|e| {
            FfiError::new(
                SVM_ERR_INVALID_MESSAGE,
                format!("batch item {i} (at byte {at}): {e}"),
            )
        })?;
        let ctx = svm_codec::Context {
            layer: Layer(layer),
            tx_id: tx_id(&env, verifydata, msg),
        };
        parts.push((env, verifydata, msg, ctx));
    }
    Ok(parts)
}

/// Executes a whole layer's transactions in one crossing, in the open layer `layer`, with
/// the receipts and state of executing them one by one in order, on the threads set by
/// `svm_set_threads` (see `docs/architecture.md`, Parallel execution); writes all their
/// receipts to `*receipts_out`.
///
/// `txs` is a sequence of items, each a 4-byte big-endian length followed by one
/// transaction's wire bytes (`docs/spec/codec.md` §5: envelope, verifydata, message). The
/// output is the receipts in the same order and framing (a 4-byte big-endian length, then
/// the receipt's bytes). svm computes each transaction's id and context itself.
///
/// Every item is checked before anything runs: an item whose length or envelope does not
/// decode fails the whole batch with `SVM_ERR_INVALID_MESSAGE` naming the item, and nothing
/// is executed (a message that does not decode is a failed receipt, as with `svm_call`).
/// A node fault during the batch is an error naming the transaction; the transactions before
/// it stay applied in the open layer, which the node should drop (`svm_rewind` to the last
/// committed layer) before retrying the block.
///
/// # Safety
/// `txs` points to `txs_len` readable bytes (or is NULL with length 0); `receipts_out` to a
/// writable, empty `svm_buf_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_execute_batch(
    rt: svm_runtime_t,
    layer: u64,
    txs: *const u8,
    txs_len: usize,
    receipts_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `txs` and `receipts_out`.
        let batch = unsafe { guard::bytes(txs, txs_len, "txs") }?;
        let out = unsafe { OutBuf::new(receipts_out, "receipts_out") }?;
        let items = items(batch)?;
        let receipts = registry::with(rt, |r| {
            let txs: Vec<svm_runtime::LayerTx<'_>> = parse(r, layer, &items)?
                .into_iter()
                .map(
                    |(envelope, verifydata, message, context)| svm_runtime::LayerTx {
                        envelope,
                        verifydata,
                        message,
                        context,
                    },
                )
                .collect();
            let run = r.execute_layer(&txs).map_err(|e| {
                FfiError::from(*e.error).context(format_args!("batch transaction {}", e.index))
            })?;
            let mut receipts = Vec::new();
            for receipt in run.receipts {
                let receipt = receipt.encode();
                receipts.extend_from_slice(&(receipt.len() as u32).to_be_bytes());
                receipts.extend_from_slice(&receipt);
            }
            Ok(receipts)
        })?;
        out.fill(receipts);
        Ok(())
    })
}

/// Test only (feature `testing`): executes a batch like [`svm_execute_batch`] but through
/// the Rust API alone (no receipt encoding or framing), writing the total gas used: the
/// baseline of the FFI overhead benchmark, run in the same process as the FFI paths.
///
/// # Safety
/// As [`svm_execute_batch`]; `gas_out` is writable.
#[cfg(feature = "testing")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_bench_execute_rust(
    rt: svm_runtime_t,
    layer: u64,
    txs: *const u8,
    txs_len: usize,
    gas_out: *mut u64,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `txs`.
        let batch = unsafe { guard::bytes(txs, txs_len, "txs") }?;
        let out = guard::output(gas_out, "gas_out")?;
        let items = items(batch)?;
        let gas = registry::with(rt, |r| {
            let mut gas = 0u64;
            for (env, verifydata, msg, ctx) in parse(r, layer, &items)? {
                gas += match env.tx_type {
                    svm_codec::TxType::Deploy => r.deploy(&env, verifydata, msg, &ctx)?.gas_used.0,
                    svm_codec::TxType::Spawn => r.spawn(&env, verifydata, msg, &ctx)?.gas_used.0,
                    svm_codec::TxType::Call => r.call(&env, verifydata, msg, &ctx)?.gas_used.0,
                };
            }
            Ok(gas)
        })?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write(gas) };
        Ok(())
    })
}
