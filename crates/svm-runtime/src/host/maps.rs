//! Collections: the executing account's unbounded maps (`bytes -> bytes`, any number of
//! them, by a `u32` id), each committed under its own root in the account's storage state.
//! Lists, sets and sorted sets are maps with a key convention (`docs/spec/host-abi.md`,
//! Collections; the SDK's `Map`, `Vec`, `Set` and `SortedSet` follow it).
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_map_get` | `(map i32, key i32, key_len i32, out i32, out_cap i32) -> i32` | the value's length, or -1 when the key has none; the value is copied to `out` when it fits `out_cap` |
//! | `svm_map_set` | `(map i32, key i32, key_len i32, value i32, value_len i32) -> i32` | sets the key's value; returns the length of the value it held, or -1 |
//! | `svm_map_remove` | `(map i32, key i32, key_len i32) -> i32` | removes the key; returns the length of the value it held, or -1 |
//! | `svm_map_next` | `(map i32, from i32, from_len i32, out i32, out_cap i32) -> i32` | the first entry whose key is `>=` the `from` bytes, as `key_len u32 LE, key, value`: its size, or -1 when there is none; copied to `out` when it fits `out_cap` |
//!
//! Iteration is one entry per call, resumable from any key (the next cursor is the last key
//! with a zero byte appended): never unbounded. Keys are at most
//! [`svm_storage::MAX_MAP_KEY_LEN`] bytes, values [`svm_storage::MAX_MAP_VALUE_LEN`].
//!
//! Gas, charged before the work it pays for wherever the work's size is known first: a read
//! is `map_read` plus `storage_read_per_byte` per byte of key and value; a set or removal
//! `map_write` plus `storage_write_per_byte` per byte of key and value, then `map_level` per
//! level of the map's trie and the account's maps trie it walked ([`svm_storage::MapWrite`]:
//! `O(log n)`, at most 64 each, so the work done before that charge is bounded) and
//! `storage_write_per_byte` per byte of the value it replaced (kept in the layer's undo log);
//! a walk `map_read` plus the bytes, plus `map_step` and the stored bytes of each key removed
//! earlier in the layer that it stepped over ([`svm_storage::MapScan`]).

use svm_storage::{MAX_MAP_KEY_LEN, MAX_MAP_VALUE_LEN, StorageError, WorldState};
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError, StoreMut};

use super::{
    HostEnv, HostError, HostResult, add,
    env::{check_range, read_bytes, write_bytes},
    run,
};

/// A length argument against its limit, before anything is read for it.
fn bounded(what: &'static str, len: i32, max: u32) -> HostResult<u32> {
    let len = len as u32;
    if len > max {
        return Err(HostError::Storage(
            StorageError::MapEntryTooLong {
                what,
                len: len.into(),
                max,
            }
            .to_string(),
        ));
    }
    Ok(len)
}

/// The key argument: its length checked, then its bytes read.
fn key_arg<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    store: &StoreMut<'_>,
    ptr: i32,
    len: u32,
) -> HostResult<Vec<u8>> {
    read_bytes(&env.view(store)?, ptr, len as i32)
}

/// Writes `bytes` to `out` when they fit `cap` (checked against memory first) and returns
/// their length as the call's result.
fn answer<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    store: &StoreMut<'_>,
    out: i32,
    cap: i32,
    bytes: &[u8],
) -> HostResult<i32> {
    let view = env.view(store)?;
    check_range(&view, out, cap as u32)?;
    if bytes.len() <= cap as u32 as usize {
        write_bytes(&view, out, bytes)?;
    }
    Ok(bytes.len() as i32)
}

fn svm_map_get<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    map: i32,
    key: i32,
    key_len: i32,
    out: i32,
    out_cap: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        let key_len = bounded("key", key_len, MAX_MAP_KEY_LEN)?;
        env.charge(store, env.costs.map_read(key_len))?;
        let key = key_arg(env, store, key, key_len)?;
        let value = env.with_state(|state, account, _| state.map_get(account, map as u32, &key))?;
        let Some(value) = value else { return Ok(-1) };
        env.charge(store, env.costs.map_bytes_read(value.len()))?;
        answer(env, store, out, out_cap, &value)
    })
}

/// Sets (`Some`) or removes `key`, charging the write first and its levels after.
fn set<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    store: &mut StoreMut<'_>,
    map: i32,
    key: Vec<u8>,
    value: Option<Vec<u8>>,
) -> HostResult<i32> {
    let write = env.with_state(|state, account, _| {
        state.map_set(account, map as u32, &key, value.as_deref())
    })?;
    let previous = write.previous.as_ref().map_or(0, Vec::len);
    env.charge(
        store,
        env.costs
            .map_levels(write.levels)
            .saturating_add(env.costs.map_bytes_written(previous)),
    )?;
    Ok(write.previous.map_or(-1, |v| v.len() as i32))
}

fn svm_map_set<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    map: i32,
    key: i32,
    key_len: i32,
    value: i32,
    value_len: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a map write")?;
        let key_len = bounded("key", key_len, MAX_MAP_KEY_LEN)?;
        let value_len = bounded("value", value_len, MAX_MAP_VALUE_LEN)?;
        env.charge(store, env.costs.map_write(key_len + value_len))?;
        let key = key_arg(env, store, key, key_len)?;
        let value = read_bytes(&env.view(store)?, value, value_len as i32)?;
        set(env, store, map, key, Some(value))
    })
}

fn svm_map_remove<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    map: i32,
    key: i32,
    key_len: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a map write")?;
        let key_len = bounded("key", key_len, MAX_MAP_KEY_LEN)?;
        env.charge(store, env.costs.map_write(key_len))?;
        let key = key_arg(env, store, key, key_len)?;
        set(env, store, map, key, None)
    })
}

fn svm_map_next<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    map: i32,
    from: i32,
    from_len: i32,
    out: i32,
    out_cap: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        // a cursor is a key with at most one byte appended
        let from_len = bounded("cursor", from_len, MAX_MAP_KEY_LEN + 1)?;
        env.charge(store, env.costs.map_read(from_len))?;
        let from = key_arg(env, store, from, from_len)?;
        let scan =
            env.with_state(|state, account, _| state.map_range(account, map as u32, &from, 1))?;
        env.charge(
            store,
            env.costs
                .map_steps(scan.removed)
                .saturating_add(env.costs.map_bytes_read(scan.removed_bytes as usize)),
        )?;
        let Some((key, value)) = scan.entries.into_iter().next() else {
            return Ok(-1);
        };
        env.charge(store, env.costs.map_bytes_read(key.len() + value.len()))?;
        let mut entry = Vec::with_capacity(4 + key.len() + value.len());
        entry.extend_from_slice(&(key.len() as u32).to_le_bytes());
        entry.extend_from_slice(&key);
        entry.extend_from_slice(&value);
        answer(env, store, out, out_cap, &entry)
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_map_get", svm_map_get::<S>);
    add!(reg, env, "svm_map_set", svm_map_set::<S>);
    add!(reg, env, "svm_map_remove", svm_map_remove::<S>);
    add!(reg, env, "svm_map_next", svm_map_next::<S>);
}
