//! [`HostEnv`]: what host functions see of the running transaction.

use svm_codec::{Log, TouchedAccounts};
use svm_kv::KVStore;
use svm_registers::Registers;
use svm_storage::{FixedLayout, GlobalState};
use svm_types::{Address, Amount, Layer, TxId};
use wasmer::{AsStoreMut, Global, Memory, MemoryView, Value};

use crate::{
    config::HostCosts,
    host::{HostError, HostResult},
};

/// Why the contract is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A constructor during spawn.
    Spawn,
    /// A function during call.
    Call,
    /// `svm_verify` of the principal: read-only.
    Verify,
}

/// The per-call environment of host functions. The global state is moved in for the call and
/// taken back after it ([`HostEnv::state`]).
pub struct HostEnv<K: KVStore + 'static> {
    /// The state, present while the contract runs.
    pub state: Option<GlobalState<K>>,
    /// Why the contract runs.
    pub mode: Mode,
    /// The executing account (the only one the contract can move coins out of).
    pub account: Address,
    /// The account's storage layout.
    pub layout: FixedLayout,
    /// Who signed and pays.
    pub principal: Address,
    /// Coins sent with the transaction.
    pub amount: Amount,
    /// The layer being executed.
    pub layer: Layer,
    /// The transaction id.
    pub tx_id: TxId,
    /// The function's input (calldata, or verifydata in verify mode).
    pub input: Vec<u8>,
    /// What the contract returns.
    pub returndata: Vec<u8>,
    /// Logs, in emission order.
    pub logs: Vec<Log>,
    /// Accounts whose balance changed.
    pub touched: TouchedAccounts,
    /// Register banks, fresh for each call.
    pub registers: Registers,
    /// Host-function prices.
    pub costs: HostCosts,
    /// Limits on logs.
    pub max_logs: usize,
    /// Limits on one log's size.
    pub max_log_size: usize,
    /// Limit on returndata.
    pub max_returndata: usize,
    /// The instance's memory (set after instantiation).
    pub memory: Option<Memory>,
    /// The metering globals (set after instantiation): remaining points, exhausted flag.
    pub gas: Option<(Global, Global)>,
    /// The first host error of this call, kept so the runtime can report it precisely.
    pub error: Option<HostError>,
}

impl<K: KVStore + 'static> HostEnv<K> {
    /// The global state; a host function can only run while it is moved in.
    pub fn state(&mut self) -> HostResult<&mut GlobalState<K>> {
        self.state
            .as_mut()
            .ok_or(HostError::Internal("state is not attached"))
    }

    /// The state with the executing account and its layout, for storage access.
    pub fn storage(&mut self) -> HostResult<(&mut GlobalState<K>, &Address, &FixedLayout)> {
        let state = self
            .state
            .as_mut()
            .ok_or(HostError::Internal("state is not attached"))?;
        Ok((state, &self.account, &self.layout))
    }

    /// Fails in verify mode: `what` would change state.
    pub fn writable(&self, what: &'static str) -> HostResult<()> {
        if self.mode == Mode::Verify {
            return Err(HostError::ReadOnly(what));
        }
        Ok(())
    }

    /// Charges `cost` gas, or fails with out-of-gas (marking the metering as exhausted so the
    /// runtime classifies the trap as out of gas).
    pub fn charge(&self, store: &mut impl AsStoreMut, cost: u64) -> HostResult<()> {
        let (remaining, exhausted) = self
            .gas
            .as_ref()
            .ok_or(HostError::Internal("no metering globals"))?;
        let left = match remaining.get(store) {
            Value::I64(v) => v as u64,
            _ => return Err(HostError::Internal("metering global is not an i64")),
        };
        if left < cost {
            remaining
                .set(store, Value::I64(0))
                .map_err(|_| HostError::Internal("cannot update the metering global"))?;
            exhausted
                .set(store, Value::I32(1))
                .map_err(|_| HostError::Internal("cannot update the metering global"))?;
            return Err(HostError::OutOfGas);
        }
        remaining
            .set(store, Value::I64((left - cost) as i64))
            .map_err(|_| HostError::Internal("cannot update the metering global"))?;
        Ok(())
    }

    /// A view of the instance's memory.
    pub fn view<'a>(&self, store: &'a impl wasmer::AsStoreRef) -> HostResult<MemoryView<'a>> {
        Ok(self
            .memory
            .as_ref()
            .ok_or(HostError::Internal("no memory export"))?
            .view(store))
    }
}

/// Reads `len` bytes at guest pointer `ptr`; out of bounds is [`HostError::BadPointer`].
pub fn read_bytes(view: &MemoryView<'_>, ptr: i32, len: i32) -> HostResult<Vec<u8>> {
    let (ptr, len) = (ptr as u32, len as u32);
    let end = u64::from(ptr) + u64::from(len);
    if end > view.data_size() {
        return Err(HostError::BadPointer { ptr, len });
    }
    let mut buf = vec![0u8; len as usize];
    view.read(u64::from(ptr), &mut buf)
        .map_err(|_| HostError::BadPointer { ptr, len })?;
    Ok(buf)
}

/// Writes `data` at guest pointer `ptr`; out of bounds is [`HostError::BadPointer`].
pub fn write_bytes(view: &MemoryView<'_>, ptr: i32, data: &[u8]) -> HostResult<()> {
    let ptr = ptr as u32;
    let len = data.len() as u32;
    view.write(u64::from(ptr), data)
        .map_err(|_| HostError::BadPointer { ptr, len })
}

impl<K: KVStore + 'static> HostEnv<K> {
    /// An environment attached to nothing: used to list host-function signatures and as the
    /// starting point of every call's environment.
    pub fn detached() -> Self {
        Self {
            state: None,
            mode: Mode::Call,
            account: Address::zero(),
            layout: FixedLayout::default(),
            principal: Address::zero(),
            amount: Amount::ZERO,
            layer: Layer::ZERO,
            tx_id: TxId::zero(),
            input: Vec::new(),
            returndata: Vec::new(),
            logs: Vec::new(),
            touched: TouchedAccounts::new(),
            registers: Registers::new(),
            costs: HostCosts::default(),
            max_logs: 0,
            max_log_size: 0,
            max_returndata: 0,
            memory: None,
            gas: None,
            error: None,
        }
    }
}
