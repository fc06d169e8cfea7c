//! Running one exported function of a template: take an instance (reset or new, see
//! `cache/instances.rs`), set the gas, call, and classify what happened: the contract's deterministic faults become
//! [`Failure`]s with svm's own fixed texts (never an engine's message), the node's own
//! faults become a [`NodeFault`].

use svm_codec::RuntimeError as Failure;
use svm_gas::PrepareError;
use svm_storage::StorageError;
use svm_storage::WorldState;
use svm_types::TemplateAddr;
use wasmer::{InstantiationError, LinkError, Type, Value};

use crate::cache::instances::Warm;
use crate::host::{HostEnv, HostError};
use crate::machine::SharedMachine;

/// The signature the runtime requires of the function it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signature {
    /// `() -> ()`: constructors and functions.
    Unit,
    /// `() -> i32`: `svm_verify`.
    Verdict,
}

/// A failure of the node during a run: never the contract's fault, never a receipt.
#[derive(Debug)]
pub(crate) enum NodeFault {
    /// The state layer failed under a host function.
    Storage(StorageError),
    /// The engine could not instantiate the module for a reason of this node (resources,
    /// CPU features, a link error in a module that passed validation).
    Instantiation(String),
    /// The template's module could not be loaded (its artifact and its recompilation
    /// failed on this node).
    Artifact(TemplateAddr, PrepareError),
    /// An invariant of the runtime failed.
    Internal(&'static str),
}

/// What a run produced.
pub(crate) struct Outcome<S: WorldState + Send + 'static> {
    /// The function's result (`Some(verdict)` for [`Signature::Verdict`]) or why it failed.
    pub result: Result<Option<i32>, Failure>,
    /// Gas used by the code and host functions.
    pub gas_used: u64,
    /// Everything else the host environment collected.
    pub env: HostEnv<S>,
    /// A node fault, if one ended the run (then `result` means nothing).
    pub fault: Option<NodeFault>,
}

/// svm's fixed text for an engine trap code: the receipt never carries an engine's wording.
fn trap_text(code: Option<wasmer::sys::vm::TrapCode>) -> &'static str {
    use wasmer::sys::vm::TrapCode as T;
    match code {
        Some(T::StackOverflow) => "native stack exhausted",
        Some(T::HeapAccessOutOfBounds) => "memory access out of bounds",
        Some(T::HeapMisaligned) => "misaligned memory access",
        Some(T::TableAccessOutOfBounds) => "table access out of bounds",
        Some(T::IndirectCallToNull) => "indirect call to a null entry",
        Some(T::BadSignature) => "indirect call signature mismatch",
        Some(T::IntegerOverflow) => "integer overflow",
        Some(T::IntegerDivisionByZero) => "integer division by zero",
        Some(T::BadConversionToInteger) => "invalid conversion to integer",
        Some(T::UnreachableCodeReached) => "unreachable executed",
        Some(_) | None => "trap",
    }
}

fn host_failure(e: &HostError) -> Failure {
    match e {
        HostError::OutOfGas => Failure::OutOfGas,
        HostError::InsufficientFunds { .. } => Failure::InsufficientFunds,
        other => Failure::trap(&other.to_string()),
    }
}

/// Runs `function` of `template` (Wasm `code`) with `env` (which shares the runtime's state)
/// and `gas_limit`, on an instance from `machine`'s pool or a new one, and returns the
/// outcome; every page of the memory the call starts with costs `page_price` (see
/// [`memory_charge`]). Never panics on guest behaviour.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<S: WorldState + Send + 'static>(
    machine: &SharedMachine<S>,
    template: &TemplateAddr,
    code: &[u8],
    env: HostEnv<S>,
    function: &str,
    signature: Signature,
    gas_limit: u64,
    page_price: u64,
) -> Outcome<S> {
    let state = env.state.clone();
    let (module, engine) = match machine.module(template, code) {
        Ok(loaded) => loaded,
        Err(e) => {
            return Outcome {
                result: Err(Failure::OutOfGas),
                gas_used: 0,
                env,
                fault: Some(NodeFault::Artifact(*template, e)),
            };
        }
    };
    let mut warm = match machine.take(template, &engine, &module, code, &state) {
        Ok(w) => w,
        Err(e) => {
            let (result, gas_used, fault) = instantiation_failed(*e);
            return Outcome {
                result,
                gas_used,
                env,
                fault,
            };
        }
    };
    {
        let memory = warm.memory.clone();
        let gas = warm.gas.clone();
        let slot = warm.fenv.as_mut(&mut warm.store);
        *slot = env;
        slot.memory = memory;
        slot.gas = gas;
    }
    let (result, gas_used, fault) = call(&mut warm, function, signature, gas_limit, page_price);
    let mut env = std::mem::replace(warm.fenv.as_mut(&mut warm.store), HostEnv::new(state));
    let fault = match (fault, env.fault.take(), env.nested_fault.take()) {
        (_, Some(storage), _) => Some(NodeFault::Storage(storage)),
        (_, None, Some(nested)) => Some(nested),
        (fault, None, None) => fault,
    };
    machine.give_back(*template, warm, result.is_ok() && fault.is_none());
    Outcome {
        result,
        gas_used,
        env,
        fault,
    }
}

type Ran = (Result<Option<i32>, Failure>, u64, Option<NodeFault>);

/// The gas a call pays up front for the memory it starts with: `pages x page_price`, the
/// price of growing a page. A template's memory is handed to every call zeroed and unmapped
/// (a reused instance's pages are released), so each 4 KiB the call touches costs the node a
/// page fault and the kernel's zeroing, about 1.2 us here: a call touching all 64 pages of a
/// 4 MiB memory took 2 ms for 70,000 gas before this charge. Charging the pages the memory
/// has, not the ones touched, keeps gas a function of the module alone.
pub(crate) fn memory_charge(pages: u64, page_price: u64) -> u64 {
    pages.saturating_mul(page_price)
}

fn call<S: WorldState + Send + 'static>(
    warm: &mut Warm<S>,
    function: &str,
    signature: Signature,
    gas_limit: u64,
    page_price: u64,
) -> Ran {
    let Warm {
        store,
        fenv,
        instance,
        memory,
        ..
    } = warm;
    let func = match instance.exports.get_function(function) {
        Ok(f) => f.clone(),
        Err(_) => return (Err(Failure::FuncNotFound(function.to_string())), 0, None),
    };
    let ty = func.ty(store);
    let expected_results: &[Type] = match signature {
        Signature::Unit => &[],
        Signature::Verdict => &[Type::I32],
    };
    if !ty.params().is_empty() || ty.results() != expected_results {
        return (
            Err(Failure::FuncInvalidSignature(function.to_string())),
            0,
            None,
        );
    }
    let pages = memory
        .as_ref()
        .map_or(0, |m| u64::from(m.view(store).size().0));
    let charge = memory_charge(pages, page_price);
    if charge > gas_limit {
        return (Err(Failure::OutOfGas), gas_limit, None);
    }
    if svm_gas::set_gas(store, instance, svm_types::Gas(gas_limit - charge)).is_err() {
        let fault = NodeFault::Internal("a module from the cache is not metered");
        return (Err(Failure::OutOfGas), 0, Some(fault));
    }
    let outcome = func.call(store, &[]);
    let left = svm_gas::gas_left(store, instance);
    let gas_used = match left {
        Some(g) => gas_limit.saturating_sub(g.0),
        None => gas_limit,
    };
    let e = match outcome {
        Ok(values) => {
            let verdict = match values.first() {
                Some(Value::I32(v)) => Some(*v),
                _ => None,
            };
            return (Ok(verdict), gas_used, None);
        }
        Err(e) => e,
    };
    let host_error = fenv.as_mut(store).error.take();
    if let Some(h) = &host_error
        && h.is_node_fault()
    {
        let fault = match h {
            HostError::Internal(what) => NodeFault::Internal(what),
            // the storage error itself is in the environment's `fault`
            _ => NodeFault::Internal("node fault under a host function"),
        };
        return (Err(Failure::OutOfGas), gas_used, Some(fault));
    }
    let failure = if left.is_none() {
        Failure::OutOfGas
    } else if let Some(h) = host_error {
        host_failure(&h)
    } else {
        match svm_gas::classify_trap(store, instance) {
            svm_gas::TrapKind::OutOfGas => Failure::OutOfGas,
            svm_gas::TrapKind::DepthExceeded => Failure::trap("call depth limit exceeded"),
            svm_gas::TrapKind::Other => Failure::trap(trap_text(e.to_trap())),
        }
    };
    (Err(failure), gas_used, None)
}

/// A trap while instantiating (a data or element segment out of bounds) is the contract's
/// fault; anything else is the node's.
fn instantiation_failed(e: InstantiationError) -> Ran {
    match e {
        InstantiationError::Start(trap) | InstantiationError::Link(LinkError::Trap(trap)) => (
            Err(Failure::InstantiationFailed(
                trap_text(trap.to_trap()).to_string(),
            )),
            0,
            None,
        ),
        other => (
            Err(Failure::OutOfGas),
            0,
            Some(NodeFault::Instantiation(other.to_string())),
        ),
    }
}
