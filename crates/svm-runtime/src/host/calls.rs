//! Contract-to-contract calls (the rules are in `calls.rs` and `docs/spec/host-abi.md`).
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_call` | `(target_ptr i32, func_ptr i32, func_len i32, data_ptr i32, data_len i32, amount i64, gas i64) -> i32` | calls `func` of the 20-byte account at `target_ptr` with the calldata, moving `amount` (u64) from the executing account, giving it at most `gas` (0 or more than may be forwarded: all that may be); the call's status (0 success) |
//! | `svm_static_call` | `(target_ptr i32, func_ptr i32, func_len i32, data_ptr i32, data_len i32, gas i64) -> i32` | the same, read-only (the callee and its callees cannot change state), no amount |
//! | `svm_call_async` | `(target_ptr i32, func_ptr i32, func_len i32, data_ptr i32, data_len i32, amount i64, gas i64, cb_ptr i32, cb_len i32, cb_gas i64)` | queues a call to run after the transaction with `gas` reserved now, and, if `cb_len > 0`, a callback into function `cb` of the executing account with `cb_gas` reserved |
//! | `svm_call_output_len` | `() -> i32` | length of the last call's output (its returndata, or its failure's text) |
//! | `svm_call_output_copy` | `(ptr i32, offset i32, len i32)` | copies output bytes `offset..offset+len` into memory |
//! | `svm_caller` | `(ptr i32)` | writes the 20-byte address of the account whose code called this one (the principal for the transaction's own call) |

use svm_codec::CallKind;
use svm_storage::WorldState;
use svm_types::Address;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError, StoreMut};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{check_range, copy_out, read_bytes, write_bytes},
    run,
};
use crate::calls::{
    AsyncCall, FrameCall, call_price, precheck, record_refused, resolve, run_frame,
};

/// The arguments every kind of call reads from memory.
struct Args {
    target: (i32,),
    function: (i32, i32),
    data: (i32, i32),
}

impl Args {
    fn new(target_ptr: i32, func_ptr: i32, func_len: i32, data_ptr: i32, data_len: i32) -> Self {
        Args {
            target: (target_ptr,),
            function: (func_ptr, func_len),
            data: (data_ptr, data_len),
        }
    }
}

/// Reads the target, function name and calldata, checking them against the codec's limits
/// (a name that is not UTF-8 or too long, calldata too long: the caller's fault, a trap).
fn read_call<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    store: &mut StoreMut<'_>,
    args: &Args,
) -> HostResult<(Address, String, Vec<u8>)> {
    let limits = env
        .frames
        .as_ref()
        .ok_or(HostError::Internal("no frame context"))?
        .limits;
    let (func_len, data_len) = (args.function.1 as u32, args.data.1 as u32);
    if func_len as usize > limits.max_name_len {
        return Err(HostError::Limit(format!(
            "function name of {func_len} bytes, at most {}",
            limits.max_name_len
        )));
    }
    if data_len as usize > limits.max_calldata {
        return Err(HostError::Limit(format!(
            "calldata of {data_len} bytes, at most {}",
            limits.max_calldata
        )));
    }
    let view = env.view(store)?;
    check_range(&view, args.function.0, func_len)?;
    check_range(&view, args.data.0, data_len)?;
    let target = read_bytes(&view, args.target.0, 20)?;
    let target = Address::from_slice(&target).map_err(|_| HostError::Internal("20 bytes read"))?;
    let function = String::from_utf8(read_bytes(&view, args.function.0, args.function.1)?)
        .map_err(|_| HostError::Limit("a function name is not UTF-8".into()))?;
    let data = read_bytes(&view, args.data.0, args.data.1)?;
    Ok((target, function, data))
}

/// `svm_call` and `svm_static_call`: the status of the call.
fn call<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    store: &mut StoreMut<'_>,
    kind: CallKind,
    args: Args,
    amount: u64,
    gas: i64,
) -> HostResult<i32> {
    if kind == CallKind::Call {
        env.writable("a state-changing call (use svm_static_call)")?;
    }
    let bytes = (args.function.1 as u32).saturating_add(args.data.1 as u32);
    let mut price = call_price(&env.costs, bytes, amount);
    env.charge(store, price)?;
    let (target, function, input) = read_call(env, store, &args)?;
    let ctx = env
        .frames
        .clone()
        .ok_or(HostError::Internal("no frame context"))?;
    let call = FrameCall {
        kind,
        caller: env.account,
        target,
        function,
        input,
        amount,
    };
    if env.calls.len() >= ctx.limits.max_frames {
        return Err(HostError::Limit(format!(
            "more than {} calls in one transaction",
            ctx.limits.max_frames
        )));
    }
    if let Some(status) = precheck(env, &ctx.limits, &target) {
        record_refused(env, &call, status, price);
        return Ok(i32::from(status.code()));
    }
    env.touch_account(store, &target)?;
    let callee = match env.with_state(|s, _, _| resolve(s, &call.target, &call.function))? {
        Ok(callee) => callee,
        Err(status) => {
            record_refused(env, &call, status, price);
            return Ok(i32::from(status.code()));
        }
    };
    let load = ctx.tx_costs.load(callee.record_len);
    env.charge(store, load)?;
    price = price.saturating_add(load);
    if amount > 0 && !env.dirty_accounts.contains(&target) {
        env.charge(store, env.costs.account_write)?;
        price = price.saturating_add(env.costs.account_write);
        env.dirty_accounts.insert(target);
    }
    let left = env.gas_left(store)?;
    let cap = left - left / 64;
    let forward = match u64::try_from(gas) {
        Ok(g) if g > 0 => g.min(cap),
        _ => cap,
    };
    env.charge(store, forward)?;
    let end = run_frame(env, &call, callee, price, forward)?;
    env.refund(store, forward.saturating_sub(end.gas_used))?;
    env.call_output = end.output;
    Ok(i32::from(end.status.code()))
}

#[allow(clippy::too_many_arguments)]
fn svm_call<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    target_ptr: i32,
    func_ptr: i32,
    func_len: i32,
    data_ptr: i32,
    data_len: i32,
    amount: i64,
    gas: i64,
) -> Result<i32, RuntimeError> {
    let args = Args::new(target_ptr, func_ptr, func_len, data_ptr, data_len);
    run(&mut env, |env, store| {
        call(env, store, CallKind::Call, args, amount as u64, gas)
    })
}

#[allow(clippy::too_many_arguments)]
fn svm_static_call<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    target_ptr: i32,
    func_ptr: i32,
    func_len: i32,
    data_ptr: i32,
    data_len: i32,
    gas: i64,
) -> Result<i32, RuntimeError> {
    let args = Args::new(target_ptr, func_ptr, func_len, data_ptr, data_len);
    run(&mut env, |env, store| {
        call(env, store, CallKind::Static, args, 0, gas)
    })
}

#[allow(clippy::too_many_arguments)]
fn svm_call_async<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    target_ptr: i32,
    func_ptr: i32,
    func_len: i32,
    data_ptr: i32,
    data_len: i32,
    amount: i64,
    gas: i64,
    cb_ptr: i32,
    cb_len: i32,
    cb_gas: i64,
) -> Result<(), RuntimeError> {
    let args = Args::new(target_ptr, func_ptr, func_len, data_ptr, data_len);
    run(&mut env, |env, store| {
        env.writable("an asynchronous call")?;
        if !env.async_allowed {
            return Err(HostError::ReadOnly(
                "an asynchronous call (not in a self-spawn's constructor)",
            ));
        }
        let bytes = (func_len as u32)
            .saturating_add(data_len as u32)
            .saturating_add(cb_len as u32);
        env.charge(
            store,
            env.costs.call_async.saturating_add(env.costs.copy(bytes)),
        )?;
        let (target, function, calldata) = read_call(env, store, &args)?;
        let limits = env
            .frames
            .as_ref()
            .ok_or(HostError::Internal("no frame context"))?
            .limits;
        let callback = match cb_len {
            0 => None,
            _ => {
                let view = env.view(store)?;
                check_range(&view, cb_ptr, cb_len as u32)?;
                if cb_len as u32 as usize > limits.max_name_len {
                    return Err(HostError::Limit(format!(
                        "callback name of {} bytes, at most {}",
                        cb_len as u32, limits.max_name_len
                    )));
                }
                let name = String::from_utf8(read_bytes(&view, cb_ptr, cb_len)?)
                    .map_err(|_| HostError::Limit("a callback name is not UTF-8".into()))?;
                Some((name, cb_gas as u64))
            }
        };
        let max = limits.max_async;
        if env.queued_total >= max {
            return Err(HostError::Limit(format!(
                "more than {max} asynchronous calls in one transaction"
            )));
        }
        let queued = AsyncCall {
            caller: env.account,
            target,
            function,
            calldata,
            amount: amount as u64,
            gas: gas as u64,
            callback,
        };
        // the reserved gas leaves the frame now; what the call does not use goes back to
        // the principal when it has run
        env.charge(store, queued.reserved())?;
        env.queued.push(queued);
        env.queued_total += 1;
        Ok(())
    })
}

fn svm_call_output_len<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(env.call_output.len() as i32)
    })
}

fn svm_call_output_copy<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    offset: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(len as u32))?;
        copy_out(
            &env.view(store)?,
            ptr,
            &env.call_output,
            offset,
            len,
            "call output",
        )
    })
}

fn svm_caller<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        write_bytes(&env.view(store)?, ptr, env.caller.as_bytes())
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_call", svm_call::<S>);
    add!(reg, env, "svm_static_call", svm_static_call::<S>);
    add!(reg, env, "svm_call_async", svm_call_async::<S>);
    add!(reg, env, "svm_call_output_len", svm_call_output_len::<S>);
    add!(reg, env, "svm_call_output_copy", svm_call_output_copy::<S>);
    add!(reg, env, "svm_caller", svm_caller::<S>);
}
