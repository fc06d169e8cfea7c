//! Context getters: who, what, when.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_principal` | `(ptr i32)` | writes the principal's 20-byte address |
//! | `svm_self` | `(ptr i32)` | writes the executing account's 20-byte address |
//! | `svm_amount` | `() -> i64` | coins sent with the transaction (u64) |
//! | `svm_layer` | `() -> i64` | the layer being executed (u64) |
//! | `svm_tx_id` | `(ptr i32)` | writes the 32-byte transaction id (computed by the runtime) |
//! | `svm_sighash` | `(ptr i32)` | writes the transaction's 32-byte signing hash on this chain |
//! | `svm_chain_id` | `(ptr i32)` | writes the 32-byte chain id |
//! | `svm_envelope` | `(ptr i32)` | writes the transaction's 64-byte envelope |
//! | `svm_message_len` | `() -> i32` | the length of the transaction's message |
//! | `svm_message_copy` | `(ptr i32, offset i32, len i32)` | copies message bytes `offset..offset+len` into memory |
//! | `svm_balance` | `() -> i64` | the executing account's balance (u64) |
//! | `svm_balance_of` | `(ptr i32) -> i64` | balance of the 20-byte address at `ptr` (0 if no account) |

use svm_storage::WorldState;
use svm_types::Address;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{copy_out, read_bytes, write_bytes},
    run,
};

fn svm_principal<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        write_bytes(&env.view(store)?, ptr, env.principal.as_bytes())
    })
}

fn svm_self<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        write_bytes(&env.view(store)?, ptr, env.account.as_bytes())
    })
}

fn svm_amount<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(env.amount.0 as i64)
    })
}

fn svm_layer<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(env.layer.0 as i64)
    })
}

fn svm_tx_id<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        write_bytes(&env.view(store)?, ptr, env.tx_id.as_bytes())
    })
}

/// Writes the 32 bytes of `value` at `ptr`.
fn write32<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    value: fn(&HostEnv<S>) -> [u8; 32],
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(32))?;
        write_bytes(&env.view(store)?, ptr, &value(env))
    })
}

fn svm_sighash<S: WorldState + Send + 'static>(
    env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    write32(env, ptr, |e| e.sighash.0)
}

fn svm_chain_id<S: WorldState + Send + 'static>(
    env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    write32(env, ptr, |e| e.chain_id.0)
}

fn svm_envelope<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(env.envelope.len() as u32))?;
        write_bytes(&env.view(store)?, ptr, &env.envelope)
    })
}

fn svm_message_len<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(env.message.len() as i32)
    })
}

fn svm_message_copy<S: WorldState + Send + 'static>(
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
            &env.message,
            offset,
            len,
            "the message",
        )
    })
}

/// The balance of `addr` (0 without an account), charging its cold price first.
pub(super) fn balance_of<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    store: &mut impl wasmer::AsStoreMut,
    addr: &Address,
) -> HostResult<i64> {
    env.touch_account(store, addr)?;
    let account = env.with_state(|state, _, _| state.account(addr))?;
    Ok(account.map_or(0, |a| a.balance.0) as i64)
}

fn svm_balance<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.balance)?;
        let account = env.account;
        balance_of(env, store, &account)
    })
}

fn svm_balance_of<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.balance)?;
        let bytes = read_bytes(&env.view(store)?, ptr, 20)?;
        let addr = Address::from_slice(&bytes).map_err(|_| HostError::Internal("20 bytes read"))?;
        balance_of(env, store, &addr)
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_principal", svm_principal::<S>);
    add!(reg, env, "svm_self", svm_self::<S>);
    add!(reg, env, "svm_amount", svm_amount::<S>);
    add!(reg, env, "svm_layer", svm_layer::<S>);
    add!(reg, env, "svm_sighash", svm_sighash::<S>);
    add!(reg, env, "svm_chain_id", svm_chain_id::<S>);
    add!(reg, env, "svm_envelope", svm_envelope::<S>);
    add!(reg, env, "svm_message_len", svm_message_len::<S>);
    add!(reg, env, "svm_message_copy", svm_message_copy::<S>);
    add!(reg, env, "svm_tx_id", svm_tx_id::<S>);
    add!(reg, env, "svm_balance", svm_balance::<S>);
    add!(reg, env, "svm_balance_of", svm_balance_of::<S>);
}
