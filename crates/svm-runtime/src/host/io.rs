//! Input, output and logs.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_calldata_len` | `() -> i32` | length of the input (calldata; verifydata in `svm_verify`) |
//! | `svm_calldata_copy` | `(ptr i32, offset i32, len i32)` | copies input bytes `offset..offset+len` into memory |
//! | `svm_set_returndata` | `(ptr i32, len i32)` | sets the returndata (replaces earlier calls) |
//! | `svm_log` | `(topic_ptr i32, topic_len i32, data_ptr i32, data_len i32)` | appends a log |
//! | `svm_abort` | `(ptr i32, len i32)` | ends the call as failed, the UTF-8 message at `ptr` its reason |
//!
//! Allocation convention: the host never allocates in the guest's memory. The guest asks for
//! a length, reserves memory itself, and passes pointers.

use svm_codec::Log;
use svm_storage::WorldState;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{
    HostEnv, HostError, add,
    env::{copy_out, read_bytes},
    run,
};

fn svm_calldata_len<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
) -> Result<i32, RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.host_call)?;
        Ok(env.input.len() as i32)
    })
}

fn svm_calldata_copy<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    offset: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(len as u32))?;
        copy_out(&env.view(store)?, ptr, &env.input, offset, len, "input")
    })
}

fn svm_set_returndata<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(len as u32))?;
        if len as u32 as usize > env.max_returndata {
            return Err(HostError::Limit(format!(
                "returndata of {} bytes, at most {}",
                len as u32, env.max_returndata
            )));
        }
        env.returndata = read_bytes(&env.view(store)?, ptr, len)?;
        Ok(())
    })
}

fn svm_log<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    topic_ptr: i32,
    topic_len: i32,
    data_ptr: i32,
    data_len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        let size = (topic_len as u32).saturating_add(data_len as u32);
        env.charge(store, env.costs.log(size))?;
        if env.logs.len() >= env.max_logs {
            return Err(HostError::Limit(format!("more than {} logs", env.max_logs)));
        }
        if size as usize > env.max_log_size {
            return Err(HostError::Limit(format!(
                "a log of {size} bytes, at most {}",
                env.max_log_size
            )));
        }
        let view = env.view(store)?;
        let topic = read_bytes(&view, topic_ptr, topic_len)?;
        let data = read_bytes(&view, data_ptr, data_len)?;
        env.logs.push(Log { topic, data });
        Ok(())
    })
}

/// The longest message `svm_abort` takes (longer ones are a limit failure).
const MAX_ABORT_MESSAGE: u32 = 256;

fn svm_abort<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    ptr: i32,
    len: i32,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.charge(store, env.costs.copy(len as u32))?;
        if len as u32 > MAX_ABORT_MESSAGE {
            return Err(HostError::Limit(format!(
                "an abort message of {} bytes, at most {MAX_ABORT_MESSAGE}",
                len as u32
            )));
        }
        let message = read_bytes(&env.view(store)?, ptr, len)?;
        Err(HostError::Abort(
            String::from_utf8_lossy(&message).into_owned(),
        ))
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_calldata_len", svm_calldata_len::<S>);
    add!(reg, env, "svm_calldata_copy", svm_calldata_copy::<S>);
    add!(reg, env, "svm_set_returndata", svm_set_returndata::<S>);
    add!(reg, env, "svm_log", svm_log::<S>);
    add!(reg, env, "svm_abort", svm_abort::<S>);
}
