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

use svm_kv::KVStore;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{read_bytes, write_bytes},
    run,
};

fn var_len<K: KVStore>(env: &HostEnv<K>, var: i32) -> HostResult<u32> {
    env.layout
        .var(var as u32)
        .map(|s| s.len)
        .map_err(|e| HostError::Storage(e.to_string()))
}

fn svm_var_len<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    var: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(var_len(env, var)? as i32)
    })
}

fn svm_load<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    var: i32,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        let len = var_len(env, var)?;
        env.charge(store, env.costs.storage_read(len))?;
        let (state, account, layout) = env.storage()?;
        let value = state.read_var(account, layout, var as u32)?;
        write_bytes(&env.view(store)?, ptr, &value)
    })
}

fn svm_store<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    var: i32,
    ptr: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        let len = var_len(env, var)?;
        env.charge(store, env.costs.storage_write(len))?;
        let value = read_bytes(&env.view(store)?, ptr, len as i32)?;
        let (state, account, layout) = env.storage()?;
        state.write_var(account, layout, var as u32, &value)?;
        Ok(())
    })
}

fn small_var<K: KVStore>(env: &HostEnv<K>, var: i32) -> HostResult<u32> {
    let len = var_len(env, var)?;
    if len > 8 {
        return Err(HostError::Storage(format!(
            "variable {var} has {len} bytes; svm_load64/svm_store64 take at most 8"
        )));
    }
    Ok(len)
}

fn svm_load64<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    var: i32,
) -> Result<i64, RuntimeError> {
    run(&mut env, |env, store| {
        let len = small_var(env, var)?;
        env.charge(store, env.costs.storage_read(len))?;
        let (state, account, layout) = env.storage()?;
        let value = state.read_var(account, layout, var as u32)?;
        let mut le = [0u8; 8];
        le[..value.len()].copy_from_slice(&value);
        Ok(i64::from_le_bytes(le))
    })
}

fn svm_store64<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    var: i32,
    value: i64,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        let len = small_var(env, var)?;
        env.charge(store, env.costs.storage_write(len))?;
        let (state, account, layout) = env.storage()?;
        let bytes = value.to_le_bytes();
        state.write_var(account, layout, var as u32, &bytes[..len as usize])?;
        Ok(())
    })
}

fn svm_storage_read<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    offset: i32,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.storage_read(len as u32))?;
        let (state, account, layout) = env.storage()?;
        let bytes = state.read_raw(account, layout, offset as u32, len as u32)?;
        write_bytes(&env.view(store)?, ptr, &bytes)
    })
}

fn svm_storage_write<K: KVStore>(
    mut env: FunctionEnvMut<HostEnv<K>>,
    offset: i32,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a storage write")?;
        env.charge(store, env.costs.storage_write(len as u32))?;
        let bytes = read_bytes(&env.view(store)?, ptr, len)?;
        let (state, account, layout) = env.storage()?;
        state.write_raw(account, layout, offset as u32, &bytes)?;
        Ok(())
    })
}

pub(super) fn register<K: KVStore + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<K>>,
) {
    add!(reg, env, "svm_var_len", svm_var_len::<K>);
    add!(reg, env, "svm_load", svm_load::<K>);
    add!(reg, env, "svm_store", svm_store::<K>);
    add!(reg, env, "svm_load64", svm_load64::<K>);
    add!(reg, env, "svm_store64", svm_store64::<K>);
    add!(reg, env, "svm_storage_read", svm_storage_read::<K>);
    add!(reg, env, "svm_storage_write", svm_storage_write::<K>);
}
