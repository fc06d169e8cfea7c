//! Contract-to-contract calls: frames, their rules, and asynchronous calls
//! (`docs/spec/host-abi.md`, Calls).
//!
//! A call runs the callee's function as a new **frame** on the same transaction:
//! - **State.** Each frame runs in a storage savepoint ([`WorldState::savepoint`]): when it
//!   fails, its changes (storage, maps, balances, accounts, logs, asynchronous calls it
//!   queued) are undone and its caller's stay; when it returns, they join the caller's.
//! - **Gas.** The caller pays the call's price (the callee's template load included), then
//!   forwards at most all but 1/64 of what it has left (EIP-150), or less if it asks; the
//!   callee's unused gas comes back. A callee can never spend more than its caller had.
//! - **Depth and reentrancy.** At most [`TxLimits::max_call_depth`] frames deep; an account
//!   already running in the call stack cannot be called again until it returns (so a
//!   callee can never re-enter a contract halfway through a state change).
//! - **Failure is a value.** Whatever ends the callee (trap, out of gas, missing function,
//!   depth, reentrancy) is a [`CallStatus`] returned to the caller, never a trap of the
//!   caller.
//! - **Asynchronous calls** ([`AsyncCall`]) are queued with their gas reserved, and run after
//!   the transaction's own frame succeeds, in the order they were queued, each in its own
//!   savepoint, with an optional callback into the account that queued them. Their failure
//!   undoes only themselves.
//!
//! [`TxLimits::max_call_depth`]: crate::TxLimits::max_call_depth
//! [`WorldState::savepoint`]: svm_storage::WorldState::savepoint

use std::sync::Arc;

use svm_codec::{CallFrame, CallKind, CallStatus, RuntimeError as Failure, TouchedAccounts};
use svm_storage::{FixedLayout, StorageError, Template, WorldState};
use svm_types::{Address, Amount, Gas, TemplateAddr};

use crate::{
    config::{HostCosts, TxCosts},
    exec::{self, Signature},
    host::{HostEnv, HostError, HostResult, Mode},
    machine::SharedMachine,
    template::TemplateMeta,
};

/// The consensus bounds on a transaction's calls.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallLimits {
    /// Deepest frame (the transaction's own is 0).
    pub max_depth: u32,
    /// Most frames in the call tree (a receipt's limit).
    pub max_frames: usize,
    /// Most asynchronous calls one transaction may queue, its own asynchronous calls'
    /// included.
    pub max_async: usize,
    /// Longest calldata of a call (the codec's).
    pub max_calldata: usize,
    /// Longest function name of a call (the codec's string limit).
    pub max_name_len: usize,
}

/// What starting a frame needs besides the state: shared by every frame of a transaction.
pub(crate) struct FrameCtx<S: WorldState + Send + 'static> {
    /// The module cache and warm instances.
    pub machine: SharedMachine<S>,
    /// The template load price.
    pub tx_costs: TxCosts,
    /// Depth, frame and queue bounds.
    pub limits: CallLimits,
    /// Price of each page of memory a frame starts with.
    pub page_price: u64,
}

impl<S: WorldState + Send + 'static> Clone for FrameCtx<S> {
    fn clone(&self) -> Self {
        Self {
            machine: self.machine.clone(),
            tx_costs: self.tx_costs,
            limits: self.limits,
            page_price: self.page_price,
        }
    }
}

/// An asynchronous call waiting to run after the transaction's own frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AsyncCall {
    /// The account that queued it (and receives the callback).
    pub caller: Address,
    /// The account to call.
    pub target: Address,
    /// The function to call.
    pub function: String,
    /// Its input.
    pub calldata: Vec<u8>,
    /// Coins moved from `caller` to `target` when it runs.
    pub amount: u64,
    /// Gas reserved for the call.
    pub gas: u64,
    /// The callback function of `caller` and the gas reserved for it.
    pub callback: Option<(String, u64)>,
}

impl AsyncCall {
    /// Gas reserved for it (call and callback) when it was queued.
    pub(crate) fn reserved(&self) -> u64 {
        self.gas
            .saturating_add(self.callback.as_ref().map_or(0, |(_, g)| *g))
    }
}

/// A call as asked for.
pub(crate) struct FrameCall {
    pub kind: CallKind,
    /// The account making the call (coins come from it).
    pub caller: Address,
    pub target: Address,
    pub function: String,
    pub input: Vec<u8>,
    pub amount: u64,
}

/// The callee's code, found and checked.
pub(crate) struct Callee {
    pub template_addr: TemplateAddr,
    pub code: Vec<u8>,
    pub layout: FixedLayout,
    /// The template record's size (what loading it costs).
    pub record_len: usize,
}

/// How a frame ended, for its caller.
pub(crate) struct FrameEnd {
    pub status: CallStatus,
    /// Gas the frame used (its reservations for asynchronous calls it had queued and then
    /// dropped by failing are not used: they went back).
    pub gas_used: u64,
    /// Its returndata, or its failure's text.
    pub output: Vec<u8>,
}

/// The status a call gets without running, if any: depth, reentrancy.
pub(crate) fn precheck<S: WorldState + Send + 'static>(
    env: &HostEnv<S>,
    limits: &CallLimits,
    target: &Address,
) -> Option<CallStatus> {
    if env.depth >= limits.max_depth {
        return Some(CallStatus::DepthExceeded);
    }
    if env.stack.contains(target) {
        return Some(CallStatus::Reentrant);
    }
    None
}

/// Finds `target`'s template and checks that `function` may be called on it.
pub(crate) fn resolve<S: WorldState>(
    state: &mut S,
    target: &Address,
    function: &str,
) -> Result<Result<Callee, CallStatus>, StorageError> {
    let Some(account) = state.account(target)? else {
        return Ok(Err(CallStatus::AccountNotFound));
    };
    let Some(template_addr) = account.template else {
        return Ok(Err(CallStatus::NoTemplate));
    };
    let Some(template) = state.template(&template_addr)? else {
        return Err(StorageError::Corrupt(format!(
            "account {target} names template {template_addr}, which is not stored"
        )));
    };
    let meta = TemplateMeta::decode(&template.meta)?;
    if meta.ctors.iter().any(|c| c == function) {
        return Ok(Err(CallStatus::FunctionNotFound));
    }
    let record_len = record_len(&template);
    let Template { code, layout, .. } = template;
    Ok(Ok(Callee {
        template_addr,
        code,
        layout,
        record_len,
    }))
}

/// A template record's size: what loading it costs.
pub(crate) fn record_len(template: &Template) -> usize {
    template
        .code
        .len()
        .saturating_add(template.meta.len())
        .saturating_add(template.layout.len().saturating_mul(4))
}

/// Appends the record of a call that did not run.
pub(crate) fn record_refused<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    call: &FrameCall,
    status: CallStatus,
    gas_used: u64,
) {
    env.calls.push(CallFrame {
        depth: frame_depth(env.depth),
        kind: call.kind,
        caller: call.caller,
        callee: call.target,
        function: call.function.clone(),
        gas_used: Gas(gas_used),
        status,
    });
    env.call_output.clear();
}

fn frame_depth(parent: u32) -> u8 {
    u8::try_from(parent.saturating_add(1)).unwrap_or(u8::MAX)
}

fn status_of(failure: &Failure) -> CallStatus {
    match failure {
        Failure::OutOfGas => CallStatus::OutOfGas,
        Failure::FuncNotFound(_) | Failure::FuncInvalidSignature(_) => CallStatus::FunctionNotFound,
        _ => CallStatus::Failed,
    }
}

impl<S: WorldState + Send + 'static> HostEnv<S> {
    /// The environment of a frame this one calls: the transaction's context, the callee's
    /// account, and the parts every frame adds to (logs, call tree, queue, warm accounts),
    /// moved in; [`HostEnv::adopt`] moves them back.
    fn child(&mut self, call: &FrameCall, layout: FixedLayout, ctx: &FrameCtx<S>) -> HostEnv<S> {
        let mut c = HostEnv::new(self.state.clone());
        c.mode = match (call.kind, self.mode) {
            (CallKind::Static, _) | (_, Mode::Static | Mode::Verify) => Mode::Static,
            _ => Mode::Call,
        };
        c.account = call.target;
        c.caller = call.caller;
        c.depth = self.depth.saturating_add(1);
        c.stack = self.stack.clone();
        c.stack.push(call.target);
        c.frames = Some(ctx.clone());
        // a frame below one that may not queue (a self-spawn's constructor) may not either
        c.async_allowed = self.async_allowed && c.mode == Mode::Call;
        c.layout = layout;
        c.principal = self.principal;
        c.amount = Amount(call.amount);
        c.layer = self.layer;
        c.tx_id = self.tx_id;
        c.sighash = self.sighash;
        c.chain_id = self.chain_id;
        c.envelope = self.envelope.clone();
        c.message = Arc::clone(&self.message);
        c.input = call.input.clone();
        c.costs = self.costs;
        c.max_logs = self.max_logs;
        c.max_log_size = self.max_log_size;
        c.max_returndata = self.max_returndata;
        c.max_touched = self.max_touched;
        c.max_event_ttl = self.max_event_ttl;
        c.page_size = self.page_size;
        c.logs = std::mem::take(&mut self.logs);
        c.calls = std::mem::take(&mut self.calls);
        c.queued = std::mem::take(&mut self.queued);
        c.queued_total = self.queued_total;
        c.warm_accounts = std::mem::take(&mut self.warm_accounts);
        c.dirty_accounts = std::mem::take(&mut self.dirty_accounts);
        c.warm_accounts.insert(call.target);
        c
    }

    /// Takes back what [`HostEnv::child`] moved into `child`.
    fn adopt(&mut self, child: &mut HostEnv<S>) {
        self.logs = std::mem::take(&mut child.logs);
        self.calls = std::mem::take(&mut child.calls);
        self.queued = std::mem::take(&mut child.queued);
        self.queued_total = child.queued_total;
        self.warm_accounts = std::mem::take(&mut child.warm_accounts);
        self.dirty_accounts = std::mem::take(&mut child.dirty_accounts);
    }

    /// Runs a state access, a node fault becoming [`HostError::NodeFault`].
    fn state_op(&mut self, op: impl FnOnce(&mut S) -> Result<(), StorageError>) -> HostResult<()> {
        self.with_state(|state, _, _| op(state))
    }
}

/// Runs `call` of `callee` as a frame called by `env`'s, with `gas` (already taken from the
/// caller, as was the call's `price`): a savepoint, the amount, the code, then the savepoint
/// kept or dropped. Appends the frame's record (before those of the frames it called), whose
/// gas is `price` plus what the callee used. An `Err` is the node's fault (kept in `env`) or
/// a runtime invariant; everything the callee does is in the [`FrameEnd`], whose gas is the
/// callee's alone.
pub(crate) fn run_frame<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    call: &FrameCall,
    callee: Callee,
    price: u64,
    gas: u64,
) -> HostResult<FrameEnd> {
    let ctx = env
        .frames
        .clone()
        .ok_or(HostError::Internal("no frame context"))?;
    env.state_op(|s| s.savepoint())?;
    let mut touched = TouchedAccounts::new();
    if call.amount > 0 {
        let (from, to, amount) = (call.caller, call.target, Amount(call.amount));
        let moved = env.with_state(|s, _, _| {
            s.decrease_balance(&from, amount)?;
            s.increase_balance(&to, amount)
        });
        let refused = match moved {
            Ok(()) => None,
            Err(HostError::InsufficientFunds { .. }) => Some(CallStatus::InsufficientFunds),
            Err(HostError::BalanceOverflow) => Some(CallStatus::Failed),
            Err(other) => {
                // a node fault: the transaction is dropped, but leave the savepoints balanced
                let _ = env.state_op(|s| s.rollback_savepoint());
                return Err(other);
            }
        };
        if let Some(status) = refused {
            env.state_op(|s| s.rollback_savepoint())?;
            record_refused(env, call, status, price);
            return Ok(FrameEnd {
                status,
                gas_used: 0,
                output: Vec::new(),
            });
        }
        touched.insert(from);
        touched.insert(to);
    }
    let index = env.calls.len();
    record_refused(env, call, CallStatus::Failed, 0);
    let (logs_before, queued_before) = (env.logs.len(), env.queued.len());
    let mut child = env.child(call, callee.layout, &ctx);
    child.touched = touched;
    let out = exec::run(
        &ctx.machine,
        &callee.template_addr,
        &callee.code,
        child,
        &call.function,
        Signature::Unit,
        gas,
        ctx.page_price,
    );
    let mut child = out.env;
    env.adopt(&mut child);
    if let Some(fault) = out.fault {
        env.nested_fault = Some(fault);
        return Err(HostError::NodeFault);
    }
    let mut result = out.result;
    if result.is_ok() {
        // the receipt lists at most `max_touched` accounts, whichever frames touched them
        let mut union = env.touched.clone();
        union.extend(&child.touched);
        union.insert(call.target);
        if union.len() > env.max_touched {
            result = Err(Failure::Trap(format!(
                "limit exceeded: more than {} touched accounts",
                env.max_touched
            )));
        } else {
            env.touched = union;
        }
    }
    let (status, output, returned) = match result {
        Ok(_) => {
            env.state_op(|s| s.release_savepoint())?;
            (CallStatus::Ok, std::mem::take(&mut child.returndata), 0)
        }
        Err(failure) => {
            env.state_op(|s| s.rollback_savepoint())?;
            env.logs.truncate(logs_before);
            let dropped = env.queued.split_off(queued_before);
            let returned = dropped.iter().map(AsyncCall::reserved).sum::<u64>();
            (
                status_of(&failure),
                failure.to_string().into_bytes(),
                returned,
            )
        }
    };
    let gas_used = out.gas_used.saturating_sub(returned);
    if let Some(frame) = env.calls.get_mut(index) {
        frame.gas_used = Gas(gas_used.saturating_add(price));
        frame.status = status;
    }
    Ok(FrameEnd {
        status,
        gas_used,
        output,
    })
}

/// Runs an asynchronous call (or its callback) for a transaction whose own frame succeeded,
/// as a frame under `root` (an environment of the account that queued it, running no code)
/// with the gas it reserved, `budget`: its price first (as [`svm_call`] charges it), then
/// [`run_frame`]. Gas used and how it ended.
///
/// [`svm_call`]: crate::host
pub(crate) fn run_reserved<S: WorldState + Send + 'static>(
    root: &mut HostEnv<S>,
    call: &FrameCall,
    budget: u64,
) -> HostResult<FrameEnd> {
    let ctx = root
        .frames
        .clone()
        .ok_or(HostError::Internal("no frame context"))?;
    let refused = |root: &mut HostEnv<S>, status, gas_used| {
        record_refused(root, call, status, gas_used);
        Ok(FrameEnd {
            status,
            gas_used,
            output: Vec::new(),
        })
    };
    let bytes = call.function.len().saturating_add(call.input.len());
    let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
    let mut price = call_price(&root.costs, bytes, call.amount);
    if root.calls.len() >= ctx.limits.max_frames {
        // no room to record it: it does not run, and its reserved gas goes back
        return Ok(FrameEnd {
            status: CallStatus::Failed,
            gas_used: 0,
            output: format!(
                "limit exceeded: more than {} calls in one transaction",
                ctx.limits.max_frames
            )
            .into_bytes(),
        });
    }
    if let Some(status) = precheck(root, &ctx.limits, &call.target) {
        return refused(root, status, price.min(budget));
    }
    if !root.warm_accounts.contains(&call.target) {
        price = price.saturating_add(root.costs.account_cold);
        root.warm_accounts.insert(call.target);
    }
    let target = call.target;
    let function = call.function.clone();
    let callee = match root.with_state(|s, _, _| resolve(s, &target, &function))? {
        Ok(callee) => callee,
        Err(status) => return refused(root, status, price.min(budget)),
    };
    price = price.saturating_add(ctx.tx_costs.load(callee.record_len));
    if call.amount > 0 && !root.dirty_accounts.contains(&target) {
        price = price.saturating_add(root.costs.account_write);
        root.dirty_accounts.insert(target);
    }
    if price > budget {
        return refused(root, CallStatus::OutOfGas, budget);
    }
    let mut end = run_frame(root, call, callee, price, budget - price)?;
    end.gas_used = end.gas_used.saturating_add(price);
    Ok(end)
}

/// The price of a call before its callee is known: the call itself, copying `bytes` of
/// function name and input, and moving coins if it sends `amount`.
pub(crate) fn call_price(costs: &HostCosts, bytes: u32, amount: u64) -> u64 {
    let price = costs.call.saturating_add(costs.copy(bytes));
    if amount > 0 {
        price.saturating_add(costs.transfer)
    } else {
        price
    }
}
