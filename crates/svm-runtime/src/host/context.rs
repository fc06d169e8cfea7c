//! Context getters: who, what, when.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_principal` | `(ptr i32)` | writes the principal's 20-byte address |
//! | `svm_self` | `(ptr i32)` | writes the executing account's 20-byte address |
//! | `svm_amount` | `() -> i64` | coins sent with the transaction (u64) |
//! | `svm_layer` | `() -> i64` | the layer being executed (u64) |
//! | `svm_tx_id` | `(ptr i32)` | writes the 32-byte transaction id |
//! | `svm_balance` | `() -> i64` | the executing account's balance (u64) |
//! | `svm_balance_of` | `(ptr i32) -> i64` | balance of the 20-byte address at `ptr` (0 if no account) |

use svm_storage::WorldState;
use svm_types::Address;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{read_bytes, write_bytes},
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
    add!(reg, env, "svm_tx_id", svm_tx_id::<S>);
    add!(reg, env, "svm_balance", svm_balance::<S>);
    add!(reg, env, "svm_balance_of", svm_balance_of::<S>);
}
