//! Running one exported function of a template: instantiate with the host functions, set the
//! gas, call, and classify what happened.

use svm_codec::RuntimeError as Failure;
use svm_kv::KVStore;
use svm_storage::GlobalState;
use wasmer::{Engine, FunctionEnv, Imports, Instance, Module, Store, Type, Value};

use crate::host::{HostEnv, HostError, NAMESPACE, host_functions_where};

/// The signature the runtime requires of the function it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// `() -> ()`: constructors and functions.
    Unit,
    /// `() -> i32`: `svm_verify`.
    Verdict,
}

/// What a run produced.
pub struct Outcome<K: KVStore + 'static> {
    /// The state, back from the host environment (always present: host functions borrow it
    /// and never move it out).
    pub state: Option<GlobalState<K>>,
    /// The function's result (`Some(verdict)` for [`Signature::Verdict`]) or why it failed.
    pub result: Result<Option<i32>, Failure>,
    /// Gas used by the code and host functions.
    pub gas_used: u64,
    /// Everything else the host environment collected.
    pub env: HostEnv<K>,
}

fn host_failure(e: &HostError) -> Failure {
    match e {
        HostError::OutOfGas => Failure::OutOfGas,
        HostError::InsufficientFunds { .. } => Failure::InsufficientFunds,
        other => Failure::trap(&other.to_string()),
    }
}

/// Instantiates `module` with `env` (whose state is attached), runs `function` with
/// `gas_limit` and returns the outcome. Never panics on guest behaviour.
pub fn run<K: KVStore + 'static>(
    engine: &Engine,
    module: &Module,
    mut env: HostEnv<K>,
    state: GlobalState<K>,
    function: &str,
    signature: Signature,
    gas_limit: u64,
) -> Outcome<K> {
    env.state = Some(state);
    let mut store = Store::new(engine.clone());
    let fenv = FunctionEnv::new(&mut store, env);
    let mut imports = Imports::new();
    let imported: Vec<String> = module
        .imports()
        .filter(|i| i.module() == NAMESPACE)
        .map(|i| i.name().to_string())
        .collect();
    let wanted = |name: &str| imported.iter().any(|i| i == name);
    for (name, f) in host_functions_where(&mut store, &fenv, &wanted) {
        imports.define(NAMESPACE, name, f);
    }
    let finish = |store: &mut Store, result: Result<Option<i32>, Failure>, gas_used: u64| {
        let mut taken = std::mem::replace(fenv.as_mut(store), HostEnv::detached());
        let state = taken.state.take();
        (state, result, gas_used, taken)
    };

    let outcome = (|| {
        let instance = match Instance::new(&mut store, module, &imports) {
            Ok(i) => i,
            Err(e) => return (Err(Failure::InstantiationFailed(e.to_string())), 0),
        };
        let memory = instance.exports.get_memory("memory").ok().cloned();
        let gas = match (
            instance
                .exports
                .get_global(svm_gas::metering::REMAINING_POINTS_EXPORT),
            instance
                .exports
                .get_global(svm_gas::metering::POINTS_EXHAUSTED_EXPORT),
        ) {
            (Ok(r), Ok(x)) => Some((r.clone(), x.clone())),
            _ => None,
        };
        {
            let env = fenv.as_mut(&mut store);
            env.memory = memory;
            env.gas = gas;
        }
        let func = match instance.exports.get_function(function) {
            Ok(f) => f.clone(),
            Err(_) => return (Err(Failure::FuncNotFound(function.to_string())), 0),
        };
        let ty = func.ty(&store);
        let expected_results: &[Type] = match signature {
            Signature::Unit => &[],
            Signature::Verdict => &[Type::I32],
        };
        if !ty.params().is_empty() || ty.results() != expected_results {
            return (Err(Failure::FuncInvalidSignature(function.to_string())), 0);
        }
        if svm_gas::set_gas(&mut store, &instance, svm_types::Gas(gas_limit)).is_err() {
            return (
                Err(Failure::InstantiationFailed("module is not metered".into())),
                0,
            );
        }
        let call = func.call(&mut store, &[]);
        let left = svm_gas::gas_left(&mut store, &instance);
        let gas_used = match left {
            Some(g) => gas_limit.saturating_sub(g.0),
            None => gas_limit,
        };
        let result = match call {
            Ok(values) => Ok(match values.first() {
                Some(Value::I32(v)) => Some(*v),
                _ => None,
            }),
            Err(e) => {
                let host_error = fenv.as_ref(&store).error.clone();
                Err(if left.is_none() {
                    Failure::OutOfGas
                } else if let Some(h) = host_error {
                    host_failure(&h)
                } else {
                    match svm_gas::classify_trap(&mut store, &instance) {
                        svm_gas::TrapKind::OutOfGas => Failure::OutOfGas,
                        svm_gas::TrapKind::DepthExceeded => {
                            Failure::trap("call depth limit exceeded")
                        }
                        _ => Failure::trap(&e.message()),
                    }
                })
            }
        };
        (result, gas_used)
    })();
    let (state, result, gas_used, env) = finish(&mut store, outcome.0, outcome.1);
    Outcome {
        state,
        result,
        gas_used,
        env,
    }
}
