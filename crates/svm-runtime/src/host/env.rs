//! [`HostEnv`]: what host functions see of the running transaction.

use std::{collections::BTreeSet, sync::Arc};

use svm_codec::{CallFrame, Log, TouchedAccounts};
use svm_registers::Registers;
use svm_storage::WorldState;
use svm_storage::{FixedLayout, StorageError};
use svm_types::{Address, Amount, ChainId, Layer, SigHash, TxId};
use wasmer::{AsStoreMut, Global, Memory, MemoryView, Value};

use crate::{
    calls::{AsyncCall, FrameCtx},
    config::HostCosts,
    exec::NodeFault,
    host::{HostError, HostResult, storage_error},
    state::SharedState,
};

/// Why the contract is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A constructor during spawn.
    Spawn,
    /// A function during call.
    Call,
    /// `svm_verify` of the principal: read-only.
    Verify,
    /// A function called with `svm_static_call` (or by such a function): read-only.
    Static,
}

/// The per-call environment of host functions: the state it shares with the runtime, and
/// everything else the call collects.
pub(crate) struct HostEnv<S: WorldState + Send + 'static> {
    /// The runtime's state, borrowed for one access at a time.
    pub state: SharedState<S>,
    /// Why the contract runs.
    pub mode: Mode,
    /// The executing account (the only one the contract can move coins out of).
    pub account: Address,
    /// The account whose code called this frame (the principal for the transaction's own).
    pub caller: Address,
    /// 0 for the transaction's frame (and the root of an asynchronous call), 1 for a frame
    /// it called, and so on.
    pub depth: u32,
    /// The accounts running in this call stack, outermost first, this one included: none of
    /// them may be called again until it returns (reentrancy is refused).
    pub stack: Vec<Address>,
    /// What starting another frame needs (absent only in environments that run no code).
    pub frames: Option<FrameCtx<S>>,
    /// Whether this frame may queue asynchronous calls (not in verify, static calls or a
    /// self-spawn's constructor).
    pub async_allowed: bool,
    /// The returndata of the last call this frame made (or its failure text).
    pub call_output: Vec<u8>,
    /// The transaction's call tree so far (moved into each frame and back).
    pub calls: Vec<CallFrame>,
    /// Asynchronous calls queued so far and not dropped (moved into each frame and back).
    pub queued: Vec<AsyncCall>,
    /// Asynchronous calls the transaction queued in all (moved into each frame and back).
    pub queued_total: usize,
    /// The account's storage layout.
    pub layout: FixedLayout,
    /// Who signed and pays.
    pub principal: Address,
    /// Coins sent with the transaction.
    pub amount: Amount,
    /// The layer being executed.
    pub layer: Layer,
    /// The transaction id (computed by the runtime from the transaction's bytes).
    pub tx_id: TxId,
    /// The transaction's signing hash on this chain.
    pub sighash: SigHash,
    /// The chain id.
    pub chain_id: ChainId,
    /// The envelope's 64 bytes.
    pub envelope: Vec<u8>,
    /// The message's bytes.
    pub message: Arc<[u8]>,
    /// The function's input (calldata, or verifydata in verify mode).
    pub input: Vec<u8>,
    /// What the contract returns.
    pub returndata: Vec<u8>,
    /// Logs, in emission order.
    pub logs: Vec<Log>,
    /// Accounts whose balance changed.
    pub touched: TouchedAccounts,
    /// Register banks, fresh for each call: created on first use (most calls use none).
    registers: Option<Registers>,
    /// Host-function prices.
    pub costs: HostCosts,
    /// Limits on logs.
    pub max_logs: usize,
    /// Limits on one log's size.
    pub max_log_size: usize,
    /// Limit on returndata.
    pub max_returndata: usize,
    /// Limit on touched accounts.
    pub max_touched: usize,
    /// The longest an event may be kept, in layers.
    pub max_event_ttl: u64,
    /// Page size of the state (for cold and first-write page prices).
    pub page_size: u32,
    /// Accounts whose record this transaction already read (warm).
    pub warm_accounts: BTreeSet<Address>,
    /// Accounts whose record this transaction already changed (paid for at commit).
    pub dirty_accounts: BTreeSet<Address>,
    /// Pages of the executing account this call already loaded (warm).
    pub warm_pages: BTreeSet<u32>,
    /// Pages of the executing account this call already wrote.
    pub dirty_pages: BTreeSet<u32>,
    /// The instance's memory (set after instantiation).
    pub memory: Option<Memory>,
    /// The metering globals (set after instantiation): remaining points, exhausted flag.
    pub gas: Option<(Global, Global)>,
    /// The first host error of this call, kept so the runtime can report it precisely.
    pub error: Option<HostError>,
    /// A failure of the node met by a host function: the runtime aborts the transaction
    /// with it as an `Err` (no receipt, nothing changed).
    pub fault: Option<StorageError>,
    /// A failure of the node met in a frame this one called (passed up the same way).
    pub nested_fault: Option<NodeFault>,
}

impl<S: WorldState + Send + 'static> HostEnv<S> {
    /// Runs `access` on the state with the executing account and its layout; a storage
    /// error becomes the contract's fault or, for the node's own faults, is kept in
    /// [`HostEnv::fault`].
    pub(crate) fn with_state<T>(
        &mut self,
        access: impl FnOnce(&mut S, &Address, &FixedLayout) -> Result<T, StorageError>,
    ) -> HostResult<T> {
        let mut state = self
            .state
            .try_lock()
            .ok_or(HostError::Internal("the state is borrowed during a call"))?;
        access(&mut state, &self.account, &self.layout)
            .map_err(|e| storage_error(&mut self.fault, e))
    }

    /// Charges the cold price of `addr`'s record if this transaction has not read it yet.
    pub(crate) fn touch_account(
        &mut self,
        store: &mut impl AsStoreMut,
        addr: &Address,
    ) -> HostResult<()> {
        if !self.warm_accounts.contains(addr) {
            self.charge(store, self.costs.account_cold)?;
            self.warm_accounts.insert(*addr);
        }
        Ok(())
    }

    /// The call's register banks, to read (all zero until a register is written).
    pub(crate) fn registers(&self) -> &Registers {
        static ZERO: std::sync::LazyLock<Registers> = std::sync::LazyLock::new(Registers::new);
        self.registers.as_ref().unwrap_or(&ZERO)
    }

    /// The call's register banks, to write (created zeroed on first use).
    pub(crate) fn registers_mut(&mut self) -> &mut Registers {
        self.registers.get_or_insert_with(Registers::new)
    }

    /// Charges the cold price of every page of `len` bytes at `offset` not loaded yet in
    /// this call and, for a write, the first-write price of every page not written yet.
    pub(crate) fn touch_pages(
        &mut self,
        store: &mut impl AsStoreMut,
        offset: u32,
        len: u32,
        write: bool,
    ) -> HostResult<()> {
        if len == 0 || self.page_size == 0 {
            return Ok(());
        }
        let first = offset / self.page_size;
        let last = ((u64::from(offset) + u64::from(len) - 1) / u64::from(self.page_size)) as u32;
        // counted through the sets (bounded by pages paid for before), never page by page:
        // a range may span many pages and must be charged before any per-page work
        let pages = u64::from(last - first) + 1;
        let cold = pages - self.warm_pages.range(first..=last).count() as u64;
        let fresh = if write {
            pages - self.dirty_pages.range(first..=last).count() as u64
        } else {
            0
        };
        let cost = cold
            .saturating_mul(self.costs.page_cold)
            .saturating_add(fresh.saturating_mul(self.costs.page_first_write));
        self.charge(store, cost)?;
        self.warm_pages.extend(first..=last);
        if write {
            self.dirty_pages.extend(first..=last);
        }
        Ok(())
    }

    /// Records `addr` as touched, failing once a transaction touches more accounts than a
    /// receipt may list.
    pub(crate) fn touch(&mut self, addr: Address) -> HostResult<()> {
        if self.touched.insert(addr) && self.touched.len() > self.max_touched {
            return Err(HostError::Limit(format!(
                "more than {} touched accounts",
                self.max_touched
            )));
        }
        Ok(())
    }

    /// Fails in verify mode and static calls: `what` would change state.
    pub(crate) fn writable(&self, what: &'static str) -> HostResult<()> {
        if matches!(self.mode, Mode::Verify | Mode::Static) {
            return Err(HostError::ReadOnly(what));
        }
        Ok(())
    }

    /// The gas this frame has left.
    pub(crate) fn gas_left(&self, store: &mut impl AsStoreMut) -> HostResult<u64> {
        let (remaining, _) = self
            .gas
            .as_ref()
            .ok_or(HostError::Internal("no metering globals"))?;
        match remaining.get(store) {
            Value::I64(v) => Ok(v as u64),
            _ => Err(HostError::Internal("metering global is not an i64")),
        }
    }

    /// Gives back `amount` gas charged before (what a callee did not use).
    pub(crate) fn refund(&self, store: &mut impl AsStoreMut, amount: u64) -> HostResult<()> {
        let left = self.gas_left(store)?;
        let (remaining, _) = self
            .gas
            .as_ref()
            .ok_or(HostError::Internal("no metering globals"))?;
        let total = left
            .checked_add(amount)
            .filter(|t| *t <= i64::MAX as u64)
            .ok_or(HostError::Internal("a refund passes the gas given"))?;
        remaining
            .set(store, Value::I64(total as i64))
            .map_err(|_| HostError::Internal("cannot update the metering global"))
    }

    /// Charges `cost` gas, or fails with out-of-gas (marking the metering as exhausted so the
    /// runtime classifies the trap as out of gas).
    pub(crate) fn charge(&self, store: &mut impl AsStoreMut, cost: u64) -> HostResult<()> {
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
    pub(crate) fn view<'a>(
        &self,
        store: &'a impl wasmer::AsStoreRef,
    ) -> HostResult<MemoryView<'a>> {
        Ok(self
            .memory
            .as_ref()
            .ok_or(HostError::Internal("no memory export"))?
            .view(store))
    }
}

/// Fails with [`HostError::BadPointer`] unless `len` bytes at guest pointer `ptr` are
/// inside memory: checked before anything is read or allocated for them.
pub(super) fn check_range(view: &MemoryView<'_>, ptr: i32, len: u32) -> HostResult<()> {
    let ptr = ptr as u32;
    if u64::from(ptr) + u64::from(len) > view.data_size() {
        return Err(HostError::BadPointer { ptr, len });
    }
    Ok(())
}

/// Reads `len` bytes at guest pointer `ptr`; out of bounds is [`HostError::BadPointer`].
pub(super) fn read_bytes(view: &MemoryView<'_>, ptr: i32, len: i32) -> HostResult<Vec<u8>> {
    check_range(view, ptr, len as u32)?;
    let (ptr, len) = (ptr as u32, len as u32);
    let mut buf = vec![0u8; len as usize];
    view.read(u64::from(ptr), &mut buf)
        .map_err(|_| HostError::BadPointer { ptr, len })?;
    Ok(buf)
}

/// Writes bytes `offset..offset + len` of `source` (the input, the message: `what`) at guest
/// pointer `ptr`; a range past the end of `source` is a [`HostError::Limit`].
pub(crate) fn copy_out(
    view: &MemoryView<'_>,
    ptr: i32,
    source: &[u8],
    offset: i32,
    len: i32,
    what: &str,
) -> HostResult<()> {
    let (offset, len) = (offset as u32 as usize, len as u32 as usize);
    let bytes = offset
        .checked_add(len)
        .and_then(|end| source.get(offset..end))
        .ok_or(HostError::Limit(format!(
            "{what} has {} bytes, {len} at offset {offset} asked for",
            source.len()
        )))?;
    write_bytes(view, ptr, bytes)
}

/// Writes `data` at guest pointer `ptr`; out of bounds is [`HostError::BadPointer`].
pub(super) fn write_bytes(view: &MemoryView<'_>, ptr: i32, data: &[u8]) -> HostResult<()> {
    let ptr = ptr as u32;
    let len = data.len() as u32;
    view.write(u64::from(ptr), data)
        .map_err(|_| HostError::BadPointer { ptr, len })
}

impl<S: WorldState + Send + 'static> HostEnv<S> {
    /// An environment over `state` with everything else empty: the starting point of every
    /// call's environment.
    pub(crate) fn new(state: SharedState<S>) -> Self {
        Self {
            state,
            mode: Mode::Call,
            account: Address::zero(),
            caller: Address::zero(),
            depth: 0,
            stack: Vec::new(),
            frames: None,
            async_allowed: false,
            call_output: Vec::new(),
            calls: Vec::new(),
            queued: Vec::new(),
            queued_total: 0,
            layout: FixedLayout::default(),
            principal: Address::zero(),
            amount: Amount::ZERO,
            layer: Layer::ZERO,
            tx_id: TxId::zero(),
            sighash: SigHash::zero(),
            chain_id: ChainId::zero(),
            envelope: Vec::new(),
            message: Arc::from(&[][..]),
            input: Vec::new(),
            returndata: Vec::new(),
            logs: Vec::new(),
            touched: TouchedAccounts::new(),
            registers: None,
            costs: HostCosts::default(),
            max_logs: 0,
            max_log_size: 0,
            max_returndata: 0,
            max_touched: 0,
            max_event_ttl: 0,
            page_size: 0,
            warm_accounts: BTreeSet::new(),
            dirty_accounts: BTreeSet::new(),
            warm_pages: BTreeSet::new(),
            dirty_pages: BTreeSet::new(),
            memory: None,
            gas: None,
            error: None,
            fault: None,
            nested_fault: None,
        }
    }
}
