//! Hashes and signature checks (`crate::crypto` holds the rules).
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_sha3_256` | `(ptr i32, len i32, out i32)` | writes the 32-byte sha3-256 of `len` bytes at `ptr` |
//! | `svm_keccak256` | `(ptr i32, len i32, out i32)` | the same with keccak-256 (Ethereum's) |
//! | `svm_blake3` | `(ptr i32, len i32, out i32)` | the same with blake3 |
//! | `svm_ed25519_verify` | `(msg i32, msg_len i32, sig i32, sig_len i32, pk i32, pk_len i32) -> i32` | 1 if the 64-byte signature of the message by the 32-byte key is valid under the strict rules, else 0 |
//! | `svm_secp256k1_verify` | `(hash i32, sig i32, sig_len i32, pk i32, pk_len i32) -> i32` | 1 if the 64-byte low-S ECDSA signature of the 32-byte prehash by the 33-byte compressed key is valid, else 0 |
//!
//! Gas is charged first, in proportion to the bytes hashed. A signature or key of the wrong
//! length is a 0 (a refused signature), never a trap; a range outside memory traps.

use svm_storage::WorldState;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostResult, add,
    env::{check_range, read_bytes, write_bytes},
    run,
};
use crate::crypto;

/// Reads `len` bytes at `ptr` only when `len` is `want`; another length is `None` (refused).
fn read_exact<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    store: &mut wasmer::StoreMut<'_>,
    ptr: i32,
    len: i32,
    want: usize,
) -> HostResult<Option<Vec<u8>>> {
    if len as u32 as usize != want {
        return Ok(None);
    }
    read_bytes(&env.view(store)?, ptr, len).map(Some)
}

fn hash_into<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    len: i32,
    out: i32,
    hash: fn(&[u8]) -> [u8; 32],
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.hash(len as u32))?;
        let view = env.view(store)?;
        check_range(&view, out, 32)?;
        let data = read_bytes(&view, ptr, len)?;
        write_bytes(&view, out, &hash(&data))
    })
}

/// A host function `(ptr, len, out)` writing `hash` of the input range.
macro_rules! hash_function {
    ($name:ident, $hash:path) => {
        fn $name<S: WorldState + Send + 'static>(
            env: FunctionEnvMut<HostEnv<S>>,
            ptr: i32,
            len: i32,
            out: i32,
        ) -> Result<(), RuntimeError> {
            hash_into(env, ptr, len, out, $hash)
        }
    };
}

hash_function!(svm_sha3_256, crypto::sha3_256);
hash_function!(svm_keccak256, crypto::keccak256);
hash_function!(svm_blake3, crypto::blake3);

#[allow(clippy::too_many_arguments)]
fn svm_ed25519_verify<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    msg: i32,
    msg_len: i32,
    sig: i32,
    sig_len: i32,
    pk: i32,
    pk_len: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.ed25519(msg_len as u32))?;
        let message = read_bytes(&env.view(store)?, msg, msg_len)?;
        let (Some(sig), Some(pk)) = (
            read_exact(env, store, sig, sig_len, 64)?,
            read_exact(env, store, pk, pk_len, 32)?,
        ) else {
            return Ok(0);
        };
        Ok(i32::from(crypto::ed25519_verify(&message, &sig, &pk)))
    })
}

fn svm_secp256k1_verify<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    hash: i32,
    sig: i32,
    sig_len: i32,
    pk: i32,
    pk_len: i32,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.secp256k1_verify)?;
        let prehash = read_bytes(&env.view(store)?, hash, 32)?;
        let (Some(sig), Some(pk)) = (
            read_exact(env, store, sig, sig_len, 64)?,
            read_exact(env, store, pk, pk_len, 33)?,
        ) else {
            return Ok(0);
        };
        Ok(i32::from(crypto::secp256k1_verify(&prehash, &sig, &pk)))
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_sha3_256", svm_sha3_256::<S>);
    add!(reg, env, "svm_keccak256", svm_keccak256::<S>);
    add!(reg, env, "svm_blake3", svm_blake3::<S>);
    add!(reg, env, "svm_ed25519_verify", svm_ed25519_verify::<S>);
    add!(reg, env, "svm_secp256k1_verify", svm_secp256k1_verify::<S>);
}
