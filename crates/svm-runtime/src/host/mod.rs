//! The host ABI: the functions a template may import from namespace `svm`
//! (`docs/spec/host-abi.md`). One file per family; [`host_functions`] is the single list the
//! runtime instantiates and the validation table is derived from, so the two cannot drift.
//!
//! Every host function charges gas first (in proportion to what it reads, writes, hashes or
//! allocates, cold touches included), checks that a destination fits before it reads or
//! allocates, and turns every bad argument (pointer outside memory, unknown variable, wrong
//! register, insufficient funds, write in verify mode) into a trap; the precise
//! [`HostError`] is kept in the environment for the receipt.
//!
//! A failure of the node itself (the store, corruption) is not the contract's fault: it is
//! kept apart ([`HostEnv::fault`]) and the runtime returns it as an `Err`, changing nothing.

mod calls;
mod context;
mod crypto;
mod env;
mod events;
mod io;
mod maps;
mod registers;
mod storage;
mod transfer;

pub(crate) use env::{HostEnv, Mode};

use crate::state::SharedState;

use svm_storage::WorldState;
use wasmer::{Function, FunctionEnv, FunctionEnvMut, FunctionType, RuntimeError, Store, StoreMut};

/// The import namespace of every host function.
pub(crate) const NAMESPACE: &str = "svm";

/// A host function's complaint about its arguments or the state. Each ends the call with a
/// trap; all but [`HostError::NodeFault`] give a failed receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HostError {
    /// Not enough gas left for the host call.
    #[error("out of gas")]
    OutOfGas,
    /// A pointer range outside the instance's memory.
    #[error("bad pointer: {len} bytes at {ptr} are outside memory")]
    BadPointer {
        /// Pointer given.
        ptr: u32,
        /// Length given.
        len: u32,
    },
    /// A storage access the layout does not allow.
    #[error("storage: {0}")]
    Storage(String),
    /// An address argument in a register of the wrong width.
    #[error("register: an address is in a 160-bit register, not a {0}-bit one")]
    AddressRegister(i32),
    /// A variable that does not fit the register or call it is moved through.
    #[error("register: variable {var} ({len} bytes) is wider than {what}")]
    VarTooWide {
        /// The variable.
        var: i32,
        /// Its size.
        len: u32,
        /// What it must fit.
        what: &'static str,
    },
    /// A register access outside the banks.
    #[error("register: {0}")]
    Register(#[from] svm_registers::RegisterError),
    /// The executing account cannot pay.
    #[error("insufficient funds: balance {balance}, transfer {amount}")]
    InsufficientFunds {
        /// The account's balance.
        balance: u64,
        /// The amount asked for.
        amount: u64,
    },
    /// A balance would overflow.
    #[error("balance overflow")]
    BalanceOverflow,
    /// A state change in verify mode.
    #[error("{0} is not allowed in verify (read-only)")]
    ReadOnly(&'static str),
    /// A limit of the codec (logs, returndata).
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// The contract ended the call itself (`svm_abort`), with its reason.
    #[error("aborted: {0}")]
    Abort(String),
    /// An invariant of the runtime itself failed (a bug, reported rather than panicking).
    #[error("internal: {0}")]
    Internal(&'static str),
    /// The node failed (store I/O, corruption): the transaction is aborted with an `Err`,
    /// never a receipt. The error itself is in [`HostEnv::fault`].
    #[error("node fault")]
    NodeFault,
}

impl HostError {
    /// Whether this error aborts the transaction as the node's fault (no receipt).
    pub(crate) fn is_node_fault(&self) -> bool {
        matches!(self, HostError::NodeFault | HostError::Internal(_))
    }
}

/// A contract's storage fault as a host error; a node fault goes to `fault` and becomes
/// [`HostError::NodeFault`].
pub(crate) fn storage_error(
    fault: &mut Option<svm_storage::StorageError>,
    e: svm_storage::StorageError,
) -> HostError {
    if e.is_node_fault() {
        fault.get_or_insert(e);
        return HostError::NodeFault;
    }
    match e {
        svm_storage::StorageError::InsufficientFunds {
            balance, amount, ..
        } => HostError::InsufficientFunds {
            balance: balance.0,
            amount: amount.0,
        },
        svm_storage::StorageError::BalanceOverflow(_) => HostError::BalanceOverflow,
        other => HostError::Storage(other.to_string()),
    }
}

/// The result of a host function's body.
pub(crate) type HostResult<T> = Result<T, HostError>;

/// Runs a host function body with the environment and the store, recording its first error
/// and turning it into a trap.
pub(crate) fn run<S, T>(
    env: &mut FunctionEnvMut<'_, HostEnv<S>>,
    body: impl FnOnce(&mut HostEnv<S>, &mut StoreMut<'_>) -> HostResult<T>,
) -> Result<T, RuntimeError>
where
    S: WorldState + Send + 'static,
{
    let (data, mut store) = env.data_and_store_mut();
    body(data, &mut store).map_err(|e| {
        let msg = e.to_string();
        data.error.get_or_insert(e);
        RuntimeError::new(msg)
    })
}

/// Every host function, by name, bound to `env` in `store`.
pub(crate) fn host_functions<S: WorldState + Send + 'static>(
    store: &mut Store,
    env: &FunctionEnv<HostEnv<S>>,
) -> Vec<(&'static str, Function)> {
    host_functions_where(store, env, &|_| true)
}

/// The host functions whose names pass `wanted` (a module's imports: creating only those
/// keeps instantiation cheap).
pub(crate) fn host_functions_where<S: WorldState + Send + 'static>(
    store: &mut Store,
    env: &FunctionEnv<HostEnv<S>>,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<(&'static str, Function)> {
    let mut v = Vec::new();
    let mut reg = Registrar {
        store,
        wanted,
        out: &mut v,
    };
    storage::register(&mut reg, env);
    maps::register(&mut reg, env);
    registers::register(&mut reg, env);
    io::register(&mut reg, env);
    context::register(&mut reg, env);
    transfer::register(&mut reg, env);
    crypto::register(&mut reg, env);
    calls::register(&mut reg, env);
    events::register(&mut reg, env);
    v
}

/// Collects the wanted host functions of each family.
pub(crate) struct Registrar<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) wanted: &'a dyn Fn(&str) -> bool,
    pub(crate) out: &'a mut Vec<(&'static str, Function)>,
}

/// The name and signature of every host function: what validation allows templates to import.
pub fn host_signatures() -> Vec<(&'static str, FunctionType)> {
    let mut store = Store::default();
    // the signatures do not depend on the state: any state will do
    let state = svm_storage::GlobalState::new(svm_kv::MemoryStore::new(), Default::default())
        .expect("an empty in-memory state opens");
    let env = FunctionEnv::new(&mut store, HostEnv::new(SharedState::new(state)));
    host_functions(&mut store, &env)
        .into_iter()
        .map(|(name, f)| (name, f.ty(&store)))
        .collect()
}

/// Shorthand used by the family files to add a typed host function.
macro_rules! add {
    ($reg:expr, $env:expr, $name:literal, $f:expr) => {
        if ($reg.wanted)($name) {
            let f = wasmer::Function::new_typed_with_env($reg.store, $env, $f);
            $reg.out.push(($name, f));
        }
    };
}
pub(crate) use add;
