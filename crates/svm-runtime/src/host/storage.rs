//! Storage host functions: variables by id (from the template's fixed layout) and raw byte
//! ranges of the account's storage.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_var_len` | `(var i32) -> i32` | the variable's size in bytes |
//! | `svm_load` | `(var i32, ptr i32)` | copies the variable into memory at `ptr` |
//! | `svm_store` | `(var i32, ptr i32)` | sets the variable from memory at `ptr` (its size) |
//! | `svm_load64` | `(var i32) -> i64` | a variable of at most 8 bytes, little-endian, zero-extended |
//! | `svm_store64` | `(var i32, value i64)` | sets a variable of at most 8 bytes to `value`'s low bytes, little-endian |
//! | `svm_storage_read` | `(offset i32, ptr i32, len i32)` | copies raw storage bytes into memory |
//! | `svm_storage_write` | `(offset i32, ptr i32, len i32)` | writes raw storage bytes from memory |

use svm_storage::VarSlot;
use svm_storage::WorldState;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{check_range, read_bytes, write_bytes},
    run,
};

fn slot<S: WorldState + Send + 'static>(env: &HostEnv<S>, var: i32) -> HostResult<VarSlot> {
    env.layout
        .var(var as u32)
        .map_err(|e| HostError::Storage(e.to_string()))
}

fn svm_var_len<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    var: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(slot(env, var)?.len as i32)
    })
}

fn svm_load<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    var: i32,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        let slot = slot(env, var)?;
        env.charge(store, env.costs.storage_read(slot.len))?;
        check_range(&env.view(store)?, ptr, slot.len)?;
        env.touch_pages(store, slot.offset, slot.len, false)?;
        let value =
            env.with_state(|state, account, layout| state.read_var(account, layout, var as u32))?;
        write_bytes(&env.view(store)?, ptr, &value)
    })
}

fn svm_store<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    var: i32,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        let slot = slot(env, var)?;
        env.charge(store, env.costs.storage_write(slot.len))?;
        check_range(&env.view(store)?, ptr, slot.len)?;
        env.touch_pages(store, slot.offset, slot.len, true)?;
        let value = read_bytes(&env.view(store)?, ptr, slot.len as i32)?;
        env.with_state(|state, account, layout| {
            state.write_var(account, layout, var as u32, &value)
        })
    })
}

fn small_var<S: WorldState + Send + 'static>(env: &HostEnv<S>, var: i32) -> HostResult<VarSlot> {
    let slot = slot(env, var)?;
    if slot.len > 8 {
        return Err(HostError::VarTooWide {
            var,
            len: slot.len,
            what: "svm_load64/svm_store64 take (8 bytes)",
        });
    }
    Ok(slot)
}

fn svm_load64<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    var: i32,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        let slot = small_var(env, var)?;
        env.charge(store, env.costs.storage_read(slot.len))?;
        env.touch_pages(store, slot.offset, slot.len, false)?;
        let value =
            env.with_state(|state, account, layout| state.read_var(account, layout, var as u32))?;
        let mut le = [0u8; 8];
        le[..value.len()].copy_from_slice(&value);
        Ok(i64::from_le_bytes(le))
    })
}

fn svm_store64<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    var: i32,
    value: i64,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        let slot = small_var(env, var)?;
        env.charge(store, env.costs.storage_write(slot.len))?;
        env.touch_pages(store, slot.offset, slot.len, true)?;
        let bytes = value.to_le_bytes();
        env.with_state(|state, account, layout| {
            state.write_var(account, layout, var as u32, &bytes[..slot.len as usize])
        })
    })
}

/// Checks a raw range against the layout before anything is charged by size or read.
fn raw_range<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    offset: i32,
    len: i32,
) -> HostResult<(u32, u32)> {
    let (offset, len) = (offset as u32, len as u32);
    env.layout
        .check_range(offset, len)
        .map_err(|e| HostError::Storage(e.to_string()))?;
    Ok((offset, len))
}

fn svm_storage_read<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    offset: i32,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.storage_read(len as u32))?;
        let (offset, len) = raw_range(env, offset, len)?;
        check_range(&env.view(store)?, ptr, len)?;
        env.touch_pages(store, offset, len, false)?;
        let bytes =
            env.with_state(|state, account, layout| state.read_raw(account, layout, offset, len))?;
        write_bytes(&env.view(store)?, ptr, &bytes)
    })
}

fn svm_storage_write<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    offset: i32,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        env.charge(store, env.costs.storage_write(len as u32))?;
        let (offset, len) = raw_range(env, offset, len)?;
        check_range(&env.view(store)?, ptr, len)?;
        env.touch_pages(store, offset, len, true)?;
        let bytes = read_bytes(&env.view(store)?, ptr, len as i32)?;
        env.with_state(|state, account, layout| state.write_raw(account, layout, offset, &bytes))
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_var_len", svm_var_len::<S>);
    add!(reg, env, "svm_load", svm_load::<S>);
    add!(reg, env, "svm_store", svm_store::<S>);
    add!(reg, env, "svm_load64", svm_load64::<S>);
    add!(reg, env, "svm_store64", svm_store64::<S>);
    add!(reg, env, "svm_storage_read", svm_storage_read::<S>);
    add!(reg, env, "svm_storage_write", svm_storage_write::<S>);
}
