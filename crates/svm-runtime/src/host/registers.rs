//! Register host functions: moves between memory, registers and storage, and the seed's
//! register-addressed balance and transfer calls.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_reg_set` | `(bits i32, index i32, ptr i32, len i32)` | memory -> register (zero-padded) |
//! | `svm_reg_get` | `(bits i32, index i32, ptr i32)` | register (full width) -> memory |
//! | `svm_reg_load_var` | `(bits i32, index i32, var i32)` | storage variable -> register |
//! | `svm_reg_store_var` | `(bits i32, index i32, var i32)` | register's first bytes -> storage variable |
//! | `svm_get_balance_from_reg` | `(bits i32, index i32) -> i64` | balance of the address in a 160-bit register |
//! | `svm_transfer_from_reg` | `(bits i32, index i32, amount i64)` | transfer from the executing account to the address in a 160-bit register |

use svm_storage::WorldState;
use svm_types::Address;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, HostResult, add,
    context::balance_of,
    env::{read_bytes, write_bytes},
    run,
    transfer::transfer,
};

fn svm_reg_set<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(len as u32))?;
        let data = read_bytes(&env.view(store)?, ptr, len)?;
        env.registers_mut().set(bits as u32, index as u32, &data)?;
        Ok(())
    })
}

fn svm_reg_get<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(bits as u32 / 8))?;
        let data = env.registers().get(bits as u32, index as u32)?;
        write_bytes(&env.view(store)?, ptr, data)
    })
}

/// The variable's slot, checked to fit a register of `bits` (before anything is read).
fn register_var<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    bits: i32,
    index: i32,
    var: i32,
) -> HostResult<svm_storage::VarSlot> {
    let width = env.registers().get(bits as u32, index as u32)?.len();
    let slot = env
        .layout
        .var(var as u32)
        .map_err(|e| HostError::Storage(e.to_string()))?;
    if slot.len as usize > width {
        return Err(HostError::VarTooWide {
            var,
            len: slot.len,
            what: "the register",
        });
    }
    Ok(slot)
}

fn svm_reg_load_var<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
    var: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        let slot = register_var(env, bits, index, var)?;
        env.charge(store, env.costs.storage_read(slot.len))?;
        env.touch_pages(store, slot.offset, slot.len, false)?;
        let value =
            env.with_state(|state, account, layout| state.read_var(account, layout, var as u32))?;
        env.registers_mut().set(bits as u32, index as u32, &value)?;
        Ok(())
    })
}

fn svm_reg_store_var<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
    var: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        let slot = register_var(env, bits, index, var)?;
        env.charge(store, env.costs.storage_write(slot.len))?;
        env.touch_pages(store, slot.offset, slot.len, true)?;
        let value = env.registers().get(bits as u32, index as u32)?[..slot.len as usize].to_vec();
        env.with_state(|state, account, layout| {
            state.write_var(account, layout, var as u32, &value)
        })
    })
}

fn address_in<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    bits: i32,
    index: i32,
) -> HostResult<Address> {
    if bits != 160 {
        return Err(HostError::AddressRegister(bits));
    }
    let reg = env.registers().get(160, index as u32)?;
    Address::from_slice(reg).map_err(|_| HostError::Internal("160-bit register is not 20 bytes"))
}

fn svm_get_balance_from_reg<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.balance)?;
        let addr = address_in(env, bits, index)?;
        balance_of(env, store, &addr)
    })
}

fn svm_transfer_from_reg<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    bits: i32,
    index: i32,
    amount: i64,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a transfer")?;
        env.charge(store, env.costs.transfer)?;
        let to = address_in(env, bits, index)?;
        transfer(env, store, to, amount as u64)
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_reg_set", svm_reg_set::<S>);
    add!(reg, env, "svm_reg_get", svm_reg_get::<S>);
    add!(reg, env, "svm_reg_load_var", svm_reg_load_var::<S>);
    add!(reg, env, "svm_reg_store_var", svm_reg_store_var::<S>);
    add!(
        reg,
        env,
        "svm_get_balance_from_reg",
        svm_get_balance_from_reg::<S>
    );
    add!(
        reg,
        env,
        "svm_transfer_from_reg",
        svm_transfer_from_reg::<S>
    );
}
