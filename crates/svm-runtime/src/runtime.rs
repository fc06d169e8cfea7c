//! [`Runtime`]: the go-svm API in Rust.
//!
//! Transaction semantics (all of it consensus, documented in `docs/spec/host-abi.md`):
//! - **Admission.** The gas fee must be at least [`TxLimits::min_gas_fee`], the gas limit at
//!   most [`TxLimits::max_tx_gas`] and what the open layer has left of
//!   [`TxLimits::max_layer_gas`] (and, for a call, what its target has left of
//!   [`TxLimits::max_account_layer_gas`]: the local fee market); the principal's account
//!   must exist, its nonce must be the envelope's and not exhausted, and its balance must
//!   cover `amount + gas_limit x gas_fee`.
//!   A transaction that fails admission gets a failed receipt with gas used 0 and changes
//!   nothing: a node should not have included it.
//! - **Execution.** The maximum fee is reserved and the nonce bumped; the message's intrinsic
//!   gas is charged; a call of a principal with a template first runs the principal's
//!   `svm_verify` (read-only, at most [`TxLimits::max_verify_gas`], its gas part of the
//!   fee); the amount moves to the target; the code runs with what is left of the gas limit.
//! - **Success** keeps every change and refunds the unused part of the reserved fee.
//! - **Failure** (trap, out of gas, bad argument, missing function, insufficient funds,
//!   verify refused...) rolls every change back, then charges `gas_used x gas_fee` and bumps
//!   the nonce.
//! - **Node faults** (the store failed, a resource ran out) are not the transaction's: the
//!   method returns `Err` and the state is exactly as before the call, so the node can stop
//!   and retry instead of committing a root no other node has.
//! - Fees are burned; a node credits rewards with [`Runtime::increase_balance`].
//!
//! [`TxLimits::min_gas_fee`]: crate::TxLimits::min_gas_fee
//! [`TxLimits::max_tx_gas`]: crate::TxLimits::max_tx_gas
//! [`TxLimits::max_layer_gas`]: crate::TxLimits::max_layer_gas
//! [`TxLimits::max_account_layer_gas`]: crate::TxLimits::max_account_layer_gas
//! [`TxLimits::max_verify_gas`]: crate::TxLimits::max_verify_gas

use svm_codec::{
    CallFrame, CallKind, CallMessage, CallOutput, CallReceipt, Codec, Context, DeployMessage,
    DeployReceipt, Envelope, Message, Receipt, RuntimeError as Failure, SpawnMessage, SpawnOutput,
    SpawnReceipt, TouchedAccounts, Transaction, TxType, truncate_utf8,
};
use svm_gas::{ExportKind, PrepareConfig, PrepareError};
use svm_kv::KVStore;
use svm_storage::{Account, FixedLayout, GlobalState, StorageError, Template, WorldState};
use svm_types::{Address, Amount, Gas, Layer, SigHash, State, TemplateAddr};

use crate::{
    Error, RuntimeConfig,
    cache::{
        ArtifactStore, CacheStats, ModuleCache,
        disk::{DiskCache, NodeKey},
        instances::{InstancePool, InstanceStats},
    },
    calls::{self, AsyncCall, CallLimits, FrameCall, FrameCtx},
    config::linear,
    exec::{self, NodeFault, Signature},
    host::{HostEnv, HostError, Mode, NAMESPACE, host_signatures},
    machine::SharedMachine,
    state::{SharedState, StateGuard},
    template::TemplateMeta,
};

/// The name of the export [`Runtime::verify`] runs.
pub const VERIFY_FUNCTION: &str = "svm_verify";

/// The svm runtime over a state: [`GlobalState`] over a key-value store by default
/// ([`Runtime::new`]), or any [`WorldState`] ([`Runtime::with_state`]).
pub struct Runtime<S: WorldState + Send + 'static> {
    pub(crate) state: SharedState<S>,
    /// The module cache and ready instances, shared with running frames.
    pub(crate) machine: SharedMachine<S>,
    pub(crate) config: RuntimeConfig,
    /// Gas used by the transactions of the open layer.
    pub(crate) layer_gas: u64,
    /// Gas used by the open layer's calls, by target account (the local fee market).
    pub(crate) account_gas: std::collections::BTreeMap<Address, u64>,
    /// Threads `Runtime::execute_layer` runs transactions on (a local setting).
    pub(crate) threads: usize,
}

/// What a run of template code produced, before it becomes a receipt.
struct Run {
    result: Result<Option<i32>, Failure>,
    gas_used: u64,
    returndata: Vec<u8>,
    logs: Vec<svm_codec::Log>,
    touched: TouchedAccounts,
    /// The calls it made.
    calls: Vec<CallFrame>,
    /// Asynchronous calls it queued (none when it failed: their reserved gas is not used).
    queued: Vec<AsyncCall>,
    /// Asynchronous calls the transaction queued in all (dropped ones included).
    queued_total: usize,
    /// Accounts the transaction read and changed so far (cold and write prices are paid
    /// once per transaction, its asynchronous calls included).
    warm_accounts: std::collections::BTreeSet<Address>,
    dirty_accounts: std::collections::BTreeSet<Address>,
}

/// The common parts of a spawn or call receipt.
struct Executed {
    /// On success: the account, its storage state, the returndata.
    result: Result<(Address, State, Vec<u8>), Failure>,
    gas_used: Gas,
    logs: Vec<svm_codec::Log>,
    touched: TouchedAccounts,
    calls: Vec<CallFrame>,
}

impl Executed {
    fn refused(failure: Failure) -> Self {
        Executed {
            result: Err(failure),
            gas_used: Gas(0),
            logs: vec![],
            touched: TouchedAccounts::new(),
            calls: vec![],
        }
    }
}

impl Run {
    /// A run that failed before or instead of running code.
    fn failed(result: Failure, gas_used: u64) -> Self {
        Run {
            result: Err(result),
            gas_used,
            returndata: vec![],
            logs: vec![],
            touched: TouchedAccounts::new(),
            calls: vec![],
            queued: vec![],
            queued_total: 0,
            warm_accounts: Default::default(),
            dirty_accounts: Default::default(),
        }
    }
}

/// What admission found: the fee to reserve, the principal's account, and a call's target
/// (whose per-layer gas the transaction counts in).
struct Admitted {
    max_fee: u64,
    principal: Account,
    target: Option<Address>,
}

/// The transaction being run: its parts as given, and what the runtime derived from them
/// (the id is checked against the context's; the signing hash is what code may verify).
struct TxView<'a> {
    env: &'a Envelope,
    verifydata: &'a [u8],
    msg: &'a [u8],
    ctx: &'a Context,
    sighash: SigHash,
}

/// A loaded template: its record and metadata, and the record's size (what loading costs).
struct Loaded {
    template: Template,
    meta: TemplateMeta,
    record_len: usize,
}

fn message_error(e: impl std::fmt::Display, limits: &svm_codec::CodecLimits) -> String {
    truncate_utf8(&e.to_string(), limits.max_string_len).to_string()
}

/// A validation error as a receipt states it: svm's rule, never the parser's own wording
/// (which could change with a wasmparser upgrade and split replays of old deploys). The
/// full text is what `Runtime::validate_deploy` returns.
fn receipt_text(e: &PrepareError) -> String {
    match e {
        PrepareError::Parse { .. } => "the code is not valid WebAssembly".into(),
        PrepareError::FeatureNotAllowed { feature, what, .. } => {
            format!("{feature} {what} not allowed")
        }
        other => other.to_string(),
    }
}

/// The deploy-level text of a validation error about a constructor export.
fn ctor_error(e: &PrepareError, ctors: &[String]) -> Option<String> {
    match e {
        PrepareError::MissingExport { name, .. }
        | PrepareError::ExportTypeMismatch { name, .. }
            if ctors.contains(name) =>
        {
            Some(format!(
                "constructor {name:?} is not an exported function () -> ()"
            ))
        }
        _ => None,
    }
}

fn fault_error(fault: NodeFault) -> Error {
    match fault {
        NodeFault::Storage(e) => Error::Storage(e),
        NodeFault::Instantiation(what) => Error::Instantiation(what),
        NodeFault::Internal(what) => Error::Internal(what),
        NodeFault::Artifact(addr, e) => Error::Artifact(addr, e),
    }
}

/// The preparation configuration of a runtime: the host table as allowed imports, a
/// `memory` export required.
pub fn prepare_config(config: &RuntimeConfig) -> PrepareConfig {
    let mut p = PrepareConfig::default()
        .with_limits(config.limits)
        .with_costs(config.wasm_costs)
        .with_compiler(config.compiler)
        .require_export("memory", ExportKind::Memory);
    for (name, ty) in host_signatures() {
        p = p.allow_function(NAMESPACE, name, ty);
    }
    p
}

impl<K: KVStore + 'static> Runtime<GlobalState<K>> {
    /// A runtime over `kv` (opened or initialised as in [`GlobalState::new`], with
    /// `config.storage`).
    pub fn new(kv: K, config: RuntimeConfig) -> Result<Self, Error> {
        let state = GlobalState::new(kv, config.storage)?;
        Self::with_state(state, config)
    }
}

impl<S: WorldState + Send + 'static> Runtime<S> {
    /// A runtime over `state` (`config.storage` is not used: the state has its own page
    /// size).
    pub fn with_state(state: S, config: RuntimeConfig) -> Result<Self, Error> {
        let prepare = prepare_config(&config);
        let fingerprint = svm_gas::fingerprint(&prepare).0;
        let artifacts = match &config.cache.dir {
            Some(dir) => {
                let key = match &config.cache.key_file {
                    Some(file) => NodeKey::load_or_create(file, dir),
                    None => NodeKey::ephemeral(),
                }
                .map_err(|e| Error::Cache(dir.clone(), e))?;
                let disk = DiskCache::open(dir, key).map_err(|e| Error::Cache(dir.clone(), e))?;
                ArtifactStore::Disk(disk)
            }
            None => ArtifactStore::Memory(Default::default()),
        };
        let engine = svm_gas::runtime_engine(&config.limits);
        let cache = ModuleCache::new(
            engine,
            prepare,
            fingerprint,
            config.cache.memory_bytes,
            artifacts,
        );
        Ok(Self {
            state: SharedState::new(state),
            machine: SharedMachine::new(
                std::sync::Arc::new(std::sync::Mutex::new(cache)),
                InstancePool::new(config.cache.warm_instances),
            ),
            config,
            layer_gas: 0,
            account_gas: Default::default(),
            threads: 1,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// What the module cache has served and done so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.machine.cache().stats()
    }

    /// How calls got their instances so far: built, or reset and reused.
    pub fn instance_stats(&self) -> InstanceStats {
        self.machine.instances().stats()
    }

    /// The state (roots, layers, accounts, the store), borrowed until the guard is dropped.
    /// Changing it directly bypasses the runtime's admission and fees: it is for reading,
    /// and for what a node does outside transactions.
    pub fn state(&self) -> StateGuard<'_, S> {
        self.state.lock()
    }

    /// Gas used so far by the transactions of the open layer (0 when none is open).
    pub fn layer_gas_used(&self) -> u64 {
        self.layer_gas
    }

    /// Gas used so far by the open layer's calls of `account` (what its local fee market
    /// counts against [`TxLimits::max_account_layer_gas`](crate::TxLimits)).
    pub fn account_gas_used(&self, account: &Address) -> u64 {
        self.account_gas.get(account).copied().unwrap_or(0)
    }

    /// Starts counting a new layer's gas.
    fn reset_layer_gas(&mut self) {
        self.layer_gas = 0;
        self.account_gas.clear();
    }

    /// Runs `op`; if it fails, drops the transaction it left running, so an `Err` never
    /// leaves the runtime wedged and never leaves a partial change behind.
    fn guarded<T>(&mut self, op: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        let result = op(self);
        let mut state = self.state();
        if result.is_err()
            && state.in_transaction()
            && let Err(e) = state.rollback()
        {
            log::error!("cannot roll back after a failed operation: {e}");
        }
        result
    }

    // ----- layers and accounts ------------------------------------------------------------

    /// Starts `layer`, which must be the last committed layer + 1.
    pub fn open(&mut self, layer: Layer) -> Result<(), Error> {
        self.state().open(layer)?;
        self.reset_layer_gas();
        Ok(())
    }

    /// Commits the open layer in one atomic write: `(layer, new global root)`.
    pub fn commit(&mut self) -> Result<(Layer, State), Error> {
        let committed = self.state().commit()?;
        self.reset_layer_gas();
        Ok(committed)
    }

    /// Rewinds to committed `layer`, removing every later one; returns its root.
    pub fn rewind(&mut self, layer: Layer) -> Result<State, Error> {
        let root = self.state().rewind(layer)?;
        self.reset_layer_gas();
        Ok(root)
    }

    /// The account at `addr`, if any.
    pub fn get_account(&mut self, addr: &Address) -> Result<Option<Account>, Error> {
        Ok(self.state().account(addr)?)
    }

    /// Adds `amount` to `addr` (creating a template-less account if needed) in the open layer.
    pub fn increase_balance(&mut self, addr: &Address, amount: Amount) -> Result<(), Error> {
        self.guarded(|rt| {
            let mut state = rt.state();
            state.checkpoint()?;
            state.increase_balance(addr, amount)?;
            Ok(state.commit_tx()?)
        })
    }

    /// Installs the template of deploy message `msg` in the open layer outside any
    /// transaction, as a node does for its genesis (the first wallet templates, before any
    /// account can send a transaction): the same checks and compilation as a deploy, no
    /// principal, no fee. The template's address.
    pub fn install_template(&mut self, msg: &[u8]) -> Result<TemplateAddr, Error> {
        let deploy = DeployMessage::decode_with_limits(msg, &self.config.codec)?;
        let layout = self.check_layout(&deploy.data.vars)?;
        self.machine
            .cache()
            .check_with_ctors(&deploy.code.code, &deploy.ctors)?;
        let addr = svm_codec::template_addr(&deploy);
        self.guarded(|rt| {
            if rt.state().template(&addr)?.is_some() {
                return Ok(addr);
            }
            rt.machine
                .cache()
                .compile(&addr, &deploy.code.code)
                .map_err(|e| Error::Artifact(addr, e))?;
            let template = Template {
                code: deploy.code.code,
                layout,
                meta: TemplateMeta {
                    ctors: deploy.ctors,
                    api: deploy.api,
                }
                .encode(),
            };
            let mut state = rt.state();
            state.checkpoint()?;
            state.put_template(&addr, &template)?;
            state.commit_tx()?;
            Ok(addr)
        })
    }

    // ----- validation ---------------------------------------------------------------------

    /// Checks a deploy message: it decodes, its layout is valid and within the size limit,
    /// and its code passes template validation with its constructors exported (nothing is
    /// compiled or stored).
    pub fn validate_deploy(&self, msg: &[u8]) -> Result<(), Error> {
        let deploy = DeployMessage::decode_with_limits(msg, &self.config.codec)?;
        self.check_layout(&deploy.data.vars)?;
        self.machine
            .cache()
            .check_with_ctors(&deploy.code.code, &deploy.ctors)?;
        Ok(())
    }

    /// Checks Wasm code as a deploy would (template validation; nothing is compiled).
    pub fn validate_code(&self, code: &[u8]) -> Result<(), Error> {
        Ok(self.machine.cache().check(code)?)
    }

    /// Checks that a spawn message decodes.
    pub fn validate_spawn(&self, msg: &[u8]) -> Result<(), Error> {
        SpawnMessage::decode_with_limits(msg, &self.config.codec)?;
        Ok(())
    }

    /// Checks that a call message decodes.
    pub fn validate_call(&self, msg: &[u8]) -> Result<(), Error> {
        CallMessage::decode_with_limits(msg, &self.config.codec)?;
        Ok(())
    }

    fn check_layout(&self, vars: &[u32]) -> Result<FixedLayout, StorageError> {
        let layout = FixedLayout::new(vars)?;
        let max = self.config.tx_limits.max_layout_bytes;
        if layout.total_size() > max {
            return Err(StorageError::InvalidLayout(format!(
                "{} bytes of storage, at most {max}",
                layout.total_size()
            )));
        }
        Ok(layout)
    }

    // ----- admission and settlement -------------------------------------------------------

    /// The transaction's view after checking that the context's id is the id of these
    /// bytes (`svm_codec::tx_id`): the caller's id is never trusted.
    fn tx_view<'a>(
        &self,
        env: &'a Envelope,
        verifydata: &'a [u8],
        msg: &'a [u8],
        ctx: &'a Context,
    ) -> Result<TxView<'a>, Error> {
        let computed = svm_codec::tx_id(env, verifydata, msg);
        if computed != ctx.tx_id {
            return Err(Error::TxIdMismatch {
                context: ctx.tx_id,
                computed,
            });
        }
        Ok(TxView {
            env,
            verifydata,
            msg,
            ctx,
            sighash: svm_codec::signing_hash(&self.config.chain_id, env, msg),
        })
    }

    /// The principal's authorisation of `tx`: a principal with a template must pass its own
    /// `svm_verify` (read-only, with the verifydata as input, at most `max_verify_gas`);
    /// one without a template is refused (`NoTemplate`) unless `keyless_principals`. `Ok(Ok(gas))` is the gas the step used (part of
    /// the transaction's); `Ok(Err(_))` a refusal, which admits nothing: no fee, no nonce.
    fn authorize(
        &mut self,
        tx: &TxView<'_>,
        principal: &Account,
    ) -> Result<Result<u64, Failure>, Error> {
        let Some(template) = principal.template else {
            return Ok(match self.config.tx_limits.keyless_principals {
                true => Ok(0),
                false => Err(Failure::NoTemplate(tx.env.principal)),
            });
        };
        self.state().checkpoint()?;
        let verdict = self.verify_step(tx, &template, 0);
        self.state().rollback()?;
        Ok(match verdict? {
            (Ok(true), gas) => Ok(gas),
            (Ok(false), _) => Err(Failure::VerifyFailed),
            (Err(failure), _) => Err(failure),
        })
    }

    /// Checks the envelope against the limits and the principal's account. `Ok(Err(_))` is
    /// a transaction that must not run; `Err(_)` is misuse of the API or a node fault.
    /// `executing` is false for [`Runtime::verify`], which needs no open layer.
    fn admit(
        &mut self,
        tx: &TxView<'_>,
        tx_type: TxType,
        executing: bool,
    ) -> Result<Result<Admitted, Failure>, Error> {
        let (env, ctx) = (tx.env, tx.ctx);
        if env.tx_type != tx_type {
            return Err(Error::WrongTxType {
                expected: tx_type,
                found: env.tx_type,
            });
        }
        let limits = self.config.tx_limits;
        let layer_gas = self.layer_gas;
        let minimum = self.message_gas(tx_type, tx.msg.len());
        let mut state = self.state();
        if executing && state.current_layer() != Some(ctx.layer) {
            return Err(Error::LayerMismatch {
                context: ctx.layer,
                open: state.current_layer(),
            });
        }
        if env.gas_fee.0 < limits.min_gas_fee {
            return Ok(Err(Failure::GasFeeTooLow {
                minimum: limits.min_gas_fee,
                found: env.gas_fee.0,
            }));
        }
        let mut maximum = limits.max_tx_gas;
        if executing {
            maximum = maximum.min(limits.max_layer_gas.saturating_sub(layer_gas));
        }
        if env.gas_limit.0 > maximum {
            return Ok(Err(Failure::GasLimitTooHigh {
                maximum,
                found: env.gas_limit.0,
            }));
        }
        // a limit below the message's own gas could only run out before decoding it: the
        // node would bump the nonce and keep a receipt for (almost) nothing
        if env.gas_limit.0 < minimum {
            return Ok(Err(Failure::GasLimitTooLow {
                minimum,
                found: env.gas_limit.0,
            }));
        }
        // the local fee market: a call's target has its own share of the layer
        let target = match tx_type {
            TxType::Call if executing => {
                CallMessage::decode_with_limits(tx.msg, &self.config.codec)
                    .ok()
                    .map(|m| m.target)
            }
            _ => None,
        };
        if let Some(account) = target {
            let used = self.account_gas.get(&account).copied().unwrap_or(0);
            let left = limits.max_account_layer_gas.saturating_sub(used);
            if env.gas_limit.0 > left {
                return Ok(Err(Failure::AccountGasCap {
                    account,
                    maximum: left,
                    found: env.gas_limit.0,
                }));
            }
        }
        let Some(account) = state.account(&env.principal)? else {
            return Ok(Err(Failure::PrincipalNotFound(env.principal)));
        };
        if account.nonce.0 == u128::MAX {
            return Ok(Err(Failure::NonceExhausted));
        }
        if account.nonce != env.nonce {
            return Ok(Err(Failure::NonceMismatch {
                expected: account.nonce,
                found: env.nonce,
            }));
        }
        let max_fee = env.gas_limit.0.checked_mul(env.gas_fee.0);
        Ok(match max_fee.and_then(|f| f.checked_add(env.amount.0)) {
            Some(total) if total <= account.balance.0 => Ok(Admitted {
                max_fee: max_fee.unwrap_or(0),
                principal: account,
                target,
            }),
            _ => Err(Failure::InsufficientFunds),
        })
    }

    /// Inside the running transaction: takes `fee` from the principal and bumps its nonce
    /// (admission checked that the nonce is not exhausted).
    fn reserve(state: &mut S, env: &Envelope, fee: u64) -> Result<(), Error> {
        state.decrease_balance(&env.principal, Amount(fee))?;
        let mut account = state
            .account(&env.principal)?
            .ok_or(StorageError::AccountNotFound(env.principal))?;
        account.nonce.0 = account
            .nonce
            .0
            .checked_add(1)
            .ok_or(Error::Internal("nonce overflow after admission checked it"))?;
        Ok(state.set_account(&env.principal, &account)?)
    }

    /// Moves the envelope's amount from the principal to `to` (admission checked the funds).
    /// A balance of `to` that would overflow is the transaction's fault: `Ok(Err(_))`.
    fn pay_amount(
        state: &mut S,
        env: &Envelope,
        to: &Address,
    ) -> Result<Result<(), Failure>, Error> {
        if env.amount.0 == 0 {
            return Ok(Ok(()));
        }
        state.decrease_balance(&env.principal, env.amount)?;
        match state.increase_balance(to, env.amount) {
            Ok(()) => Ok(Ok(())),
            Err(StorageError::BalanceOverflow(_)) => Ok(Err(Failure::Trap(format!(
                "the balance of {to} would overflow"
            )))),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends the running transaction: on success keeps it and refunds the unused fee; on
    /// failure rolls it back and, in a new transaction, charges `gas_used` and bumps the
    /// nonce. Counts the gas in the layer's total.
    fn settle(
        &mut self,
        env: &Envelope,
        max_fee: u64,
        gas_used: u64,
        success: bool,
    ) -> Result<(), Error> {
        // gas_used <= gas_limit, so the fee fits in the reserved maximum
        let fee = gas_used.saturating_mul(env.gas_fee.0).min(max_fee);
        let mut state = self.state();
        if success {
            state.increase_balance(&env.principal, Amount(max_fee - fee))?;
            state.commit_tx()?;
        } else {
            state.rollback()?;
            state.checkpoint()?;
            Self::reserve(&mut state, env, fee)?;
            state.commit_tx()?;
        }
        drop(state);
        self.layer_gas = self.layer_gas.saturating_add(gas_used);
        Ok(())
    }

    fn load_template(&mut self, addr: &TemplateAddr) -> Result<Option<Loaded>, Error> {
        let Some(template) = self.state().template(addr)? else {
            return Ok(None);
        };
        let meta = TemplateMeta::decode(&template.meta)?;
        let record_len = template
            .code
            .len()
            .saturating_add(template.meta.len())
            .saturating_add(template.layout.len().saturating_mul(4));
        Ok(Some(Loaded {
            template,
            meta,
            record_len,
        }))
    }

    /// The environment of a frame of transaction `tx` run by the runtime itself (the
    /// transaction's own, or the root of an asynchronous call): `account` runs (or, for a
    /// root, answers for) it, in `mode`, with `layout`.
    fn frame_env(
        &self,
        tx: &TxView<'_>,
        mode: Mode,
        account: Address,
        layout: FixedLayout,
    ) -> HostEnv<S> {
        let (env, ctx) = (tx.env, tx.ctx);
        let codec = &self.config.codec;
        let mut host = HostEnv::new(self.state.clone());
        host.mode = mode;
        host.account = account;
        host.caller = env.principal;
        host.stack = vec![account];
        host.frames = Some(FrameCtx {
            machine: self.machine.clone(),
            tx_costs: self.config.tx_costs,
            limits: CallLimits {
                max_depth: self.config.tx_limits.max_call_depth,
                max_frames: codec.max_call_frames,
                max_async: self.config.tx_limits.max_async_calls as usize,
                max_calldata: codec.max_calldata,
                max_name_len: codec.max_string_len,
            },
            page_price: self.config.wasm_costs.memory_grow_per_page.into(),
        });
        // not in verify, nor in a self-spawn's constructor (whose account is the principal:
        // it runs before the fee is reserved)
        host.async_allowed =
            mode == Mode::Call || (mode == Mode::Spawn && account != env.principal);
        host.layout = layout;
        host.principal = env.principal;
        host.amount = env.amount;
        host.layer = ctx.layer;
        host.tx_id = ctx.tx_id;
        host.sighash = tx.sighash;
        host.chain_id = self.config.chain_id;
        host.envelope = env.encode();
        host.message = std::sync::Arc::from(tx.msg);
        host.costs = self.config.host_costs;
        host.max_logs = codec.max_logs;
        host.max_log_size = codec.max_log_size;
        host.max_returndata = codec.max_returndata;
        host.max_touched = codec.max_touched_accounts;
        host.max_event_ttl = self.config.tx_limits.max_event_ttl;
        host.page_size = self.state().page_size();
        // the principal and the executing account were read by admission and loading
        host.warm_accounts.insert(env.principal);
        host.warm_accounts.insert(account);
        // their records are rewritten by every transaction anyway (fee, nonce, storage)
        host.dirty_accounts.insert(env.principal);
        host.dirty_accounts.insert(account);
        host
    }

    /// Runs `function` of `template` for `account` with the state moved into the host
    /// environment, and takes the state back. The code gets `gas` (what is left of the gas
    /// limit); the run's gas used adds `charged` (intrinsic gas charged before). A node
    /// fault is an `Err` (the caller's guard rolls the transaction back). A failed run
    /// queued nothing: the gas it reserved for asynchronous calls is not used.
    #[allow(clippy::too_many_arguments)]
    fn run_code(
        &mut self,
        template_addr: &TemplateAddr,
        template: &Template,
        mode: Mode,
        account: Address,
        tx: &TxView<'_>,
        function: &str,
        input: Vec<u8>,
        charged: u64,
        gas: u64,
    ) -> Result<Run, Error> {
        let mut host = self.frame_env(tx, mode, account, template.layout.clone());
        host.input = input;
        let signature = if mode == Mode::Verify {
            Signature::Verdict
        } else {
            Signature::Unit
        };
        let out = exec::run(
            &self.machine,
            template_addr,
            &template.code,
            host,
            function,
            signature,
            gas,
            self.config.wasm_costs.memory_grow_per_page.into(),
        );
        if let Some(fault) = out.fault {
            return Err(fault_error(fault));
        }
        let mut gas_used = out.gas_used.saturating_add(charged);
        let mut queued = out.env.queued;
        if out.result.is_err() {
            let reserved: u64 = queued.iter().map(AsyncCall::reserved).sum();
            gas_used = gas_used.saturating_sub(reserved);
            queued.clear();
        }
        Ok(Run {
            result: out.result,
            gas_used,
            returndata: out.env.returndata,
            logs: out.env.logs,
            touched: out.env.touched,
            calls: out.env.calls,
            queued,
            queued_total: out.env.queued_total,
            warm_accounts: out.env.warm_accounts,
            dirty_accounts: out.env.dirty_accounts,
        })
    }

    /// Runs the asynchronous calls `run` (a transaction's successful frame) queued, in
    /// order, then those they queue, each in its own savepoint with the gas it reserved, and
    /// its callback after it; adds their gas (instead of the reservations), call records,
    /// logs and touched accounts to `run`. A failed call or callback undoes only itself.
    fn run_async(&mut self, tx: &TxView<'_>, run: &mut Run) -> Result<(), Error> {
        let mut queue: std::collections::VecDeque<AsyncCall> = run.queued.drain(..).collect();
        let mut total = run.queued_total;
        while let Some(queued) = queue.pop_front() {
            run.gas_used = run.gas_used.saturating_sub(queued.reserved());
            let call = FrameCall {
                kind: CallKind::Async,
                caller: queued.caller,
                target: queued.target,
                function: queued.function.clone(),
                input: queued.calldata.clone(),
                amount: queued.amount,
            };
            let (status, output) =
                self.run_reserved(tx, run, &call, queued.gas, &mut total, &mut queue)?;
            let Some((callback, gas)) = queued.callback else {
                continue;
            };
            let mut input = vec![status];
            input.extend_from_slice(&output);
            let answer = FrameCall {
                kind: CallKind::Callback,
                caller: queued.target,
                target: queued.caller,
                function: callback,
                input,
                amount: 0,
            };
            self.run_reserved(tx, run, &answer, gas, &mut total, &mut queue)?;
        }
        Ok(())
    }

    /// One asynchronous call or callback of [`Runtime::run_async`]: its status code and
    /// output.
    fn run_reserved(
        &mut self,
        tx: &TxView<'_>,
        run: &mut Run,
        call: &FrameCall,
        budget: u64,
        total: &mut usize,
        queue: &mut std::collections::VecDeque<AsyncCall>,
    ) -> Result<(u8, Vec<u8>), Error> {
        let mut root = self.frame_env(tx, Mode::Call, call.caller, FixedLayout::default());
        // a root runs no code: nothing of the call stack is running
        root.stack.clear();
        root.logs = std::mem::take(&mut run.logs);
        root.calls = std::mem::take(&mut run.calls);
        root.touched = std::mem::take(&mut run.touched);
        // what the transaction read and changed so far stays paid for
        root.warm_accounts = std::mem::take(&mut run.warm_accounts);
        root.dirty_accounts = std::mem::take(&mut run.dirty_accounts);
        root.queued_total = *total;
        let end = calls::run_reserved(&mut root, call, budget);
        run.logs = std::mem::take(&mut root.logs);
        run.calls = std::mem::take(&mut root.calls);
        run.touched = std::mem::take(&mut root.touched);
        run.warm_accounts = std::mem::take(&mut root.warm_accounts);
        run.dirty_accounts = std::mem::take(&mut root.dirty_accounts);
        let end = match end {
            Ok(end) => end,
            Err(e) => return Err(self.root_fault(&mut root, e)),
        };
        *total = root.queued_total;
        queue.extend(root.queued.drain(..));
        run.gas_used = run.gas_used.saturating_add(end.gas_used);
        Ok((end.status.code(), end.output))
    }

    /// The error of a root environment's failed call: the node fault it kept, or a
    /// runtime invariant.
    fn root_fault(&self, root: &mut HostEnv<S>, e: HostError) -> Error {
        if let Some(storage) = root.fault.take() {
            return Error::Storage(storage);
        }
        if let Some(nested) = root.nested_fault.take() {
            return fault_error(nested);
        }
        match e {
            HostError::Internal(what) => Error::Internal(what),
            _ => Error::Internal("an asynchronous call failed outside its frame"),
        }
    }

    fn intrinsic(&self, base: u64, msg_len: usize) -> u64 {
        base.saturating_add((msg_len as u64).saturating_mul(self.config.tx_costs.message_per_byte))
    }

    /// The gas every transaction of `tx_type` with a message of `msg_len` bytes is charged
    /// before its message is decoded (a deploy's message price; a spawn's or a call's base
    /// and per-byte price). Admission refuses a smaller gas limit (`GasLimitTooLow`).
    fn message_gas(&self, tx_type: TxType, msg_len: usize) -> u64 {
        let costs = &self.config.tx_costs;
        match tx_type {
            TxType::Deploy => linear(costs.deploy, msg_len as u64, costs.deploy_per_byte),
            TxType::Spawn => self.intrinsic(costs.spawn, msg_len),
            TxType::Call => self.intrinsic(costs.call, msg_len),
        }
    }

    /// The shape every spawn and call shares: admission, fee reservation and nonce bump,
    /// `inner` (which runs the code for an account), rollback on failure, settlement, and the
    /// receipt's parts (the account's storage state on success, sorted touched accounts,
    /// logs only on success).
    fn run_transaction(
        &mut self,
        tx: &TxView<'_>,
        tx_type: TxType,
        inner: impl FnOnce(&mut Self, u64, &mut TouchedAccounts) -> Result<(Run, Address), Error>,
    ) -> Result<Executed, Error> {
        let env = tx.env;
        self.guarded(|rt| {
            let admitted = match rt.admit(tx, tx_type, true)? {
                Ok(a) => a,
                Err(failure) => return Ok(Executed::refused(failure)),
            };
            let verified = match rt.authorize(tx, &admitted.principal)? {
                Ok(gas) => gas,
                Err(failure) => return Ok(Executed::refused(failure)),
            };
            let mut state = rt.state();
            state.checkpoint()?;
            Self::reserve(&mut state, env, admitted.max_fee)?;
            drop(state);
            let mut touched = TouchedAccounts::new();
            touched.insert(env.principal);
            let (mut run, account) = inner(rt, verified, &mut touched)?;
            if run.result.is_ok() && !run.queued.is_empty() {
                rt.run_async(tx, &mut run)?;
            }
            let success = run.result.is_ok();
            rt.settle(env, admitted.max_fee, run.gas_used, success)?;
            if let Some(target) = admitted.target {
                let used = rt.account_gas.entry(target).or_default();
                *used = used.saturating_add(run.gas_used);
            }
            let result = match run.result {
                Ok(_) => {
                    let storage = rt
                        .state()
                        .account(&account)?
                        .map_or(State::zero(), |a| a.storage);
                    touched.extend(&run.touched);
                    Ok((account, storage, run.returndata))
                }
                Err(e) => {
                    // a failed transaction changed only the principal's balance and nonce
                    touched = TouchedAccounts::new();
                    touched.insert(env.principal);
                    Err(e)
                }
            };
            Ok(Executed {
                result,
                gas_used: Gas(run.gas_used),
                logs: if success { run.logs } else { vec![] },
                touched,
                calls: run.calls,
            })
        })
    }

    /// Charges the message's intrinsic gas (`base` + per byte) after the `pre` gas already
    /// used (the verify step) and decodes it: the message and the gas used so far, or the
    /// failure and its gas (out of gas, invalid message).
    fn decode_message<M: Codec>(
        &self,
        env: &Envelope,
        msg: &[u8],
        base: u64,
        pre: u64,
    ) -> Result<(M, u64), (Failure, u64)> {
        let limits = self.config.codec;
        let base = self.intrinsic(base, msg.len()).saturating_add(pre);
        if base > env.gas_limit.0 {
            return Err((Failure::OutOfGas, env.gas_limit.0));
        }
        M::decode_with_limits(msg, &limits)
            .map(|m| (m, base))
            .map_err(|e| (Failure::InvalidMessage(message_error(e, &limits)), base))
    }

    /// Adds the load price of a template of `record_len` bytes to `used`: the new total, or
    /// `None` when it passes the gas limit (out of gas, all of it used).
    fn charge_load(&self, env: &Envelope, used: u64, record_len: usize) -> Option<u64> {
        let total = used.saturating_add(self.config.tx_costs.load(record_len));
        (total <= env.gas_limit.0).then_some(total)
    }

    // ----- any transaction ----------------------------------------------------------------

    /// Executes a decoded transaction: [`deploy`](Self::deploy), [`spawn`](Self::spawn) or
    /// [`call`](Self::call), by its message, with the same receipts and gas as the bytes
    /// would give (the message is encoded once here, as its size is priced per byte). The
    /// context's tx id must be [`Transaction::id`].
    ///
    /// ```
    /// use svm_codec::{
    ///     CallMessage, Context, Envelope, Message, Receipt, RuntimeError, Transaction, TxType,
    /// };
    /// use svm_kv::MemoryStore;
    /// use svm_runtime::{Runtime, RuntimeConfig};
    /// use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce};
    ///
    /// // development: alice is a funded account without keys
    /// let mut rt = Runtime::new(MemoryStore::new(), RuntimeConfig::development())?;
    /// let alice = Address([1; 20]);
    /// rt.open(Layer(1))?;
    /// rt.increase_balance(&alice, Amount(1_000_000))?;
    /// let call = CallMessage {
    ///     target: Address([2; 20]),
    ///     function: "run".into(),
    ///     calldata: vec![],
    /// };
    /// let envelope = Envelope {
    ///     tx_type: TxType::Call, // `Transaction::new` sets it from the message
    ///     principal: alice,
    ///     amount: Amount(0),
    ///     nonce: Nonce(0),
    ///     gas_limit: Gas(100_000),
    ///     gas_fee: GasFee(1),
    /// };
    /// let tx = Transaction::new(envelope, Message::Call(call));
    /// let ctx = Context { layer: Layer(1), tx_id: tx.id() };
    /// let Receipt::Call(receipt) = rt.execute(&tx, &ctx)? else { unreachable!() };
    /// // nothing lives at the target: a failed receipt, its gas paid
    /// assert_eq!(receipt.result.unwrap_err(), RuntimeError::AccountNotFound(Address([2; 20])));
    /// assert!(receipt.gas_used.0 > 0);
    /// # Ok::<(), svm_runtime::Error>(())
    /// ```
    pub fn execute(&mut self, tx: &Transaction, ctx: &Context) -> Result<Receipt, Error> {
        let (env, verifydata) = (tx.envelope(), tx.verifydata());
        let msg = tx.message().encode();
        Ok(match tx.message() {
            Message::Deploy(_) => Receipt::Deploy(self.deploy(env, verifydata, &msg, ctx)?),
            Message::Spawn(_) => Receipt::Spawn(self.spawn(env, verifydata, &msg, ctx)?),
            Message::Call(_) => Receipt::Call(self.call(env, verifydata, &msg, ctx)?),
        })
    }

    // ----- deploy -------------------------------------------------------------------------

    /// Deploys the template in `msg`, paid by `env.principal` and authorised by its
    /// `svm_verify` with `verifydata` when it has a template.
    ///
    /// Gas: `deploy + deploy_per_byte x message` for decoding, validating and storing, then,
    /// only once every check passed, `compile_per_byte x code` for compiling. The template
    /// is compiled here, once; its artifact is kept, so calls never compile it.
    pub fn deploy(
        &mut self,
        env: &Envelope,
        verifydata: &[u8],
        msg: &[u8],
        ctx: &Context,
    ) -> Result<DeployReceipt, Error> {
        let tx = self.tx_view(env, verifydata, msg, ctx)?;
        let refused = |failure| DeployReceipt {
            result: Err(failure),
            gas_used: Gas(0),
            logs: vec![],
        };
        self.guarded(|rt| {
            let admitted = match rt.admit(&tx, TxType::Deploy, true)? {
                Ok(a) => a,
                Err(failure) => return Ok(refused(failure)),
            };
            let verified = match rt.authorize(&tx, &admitted.principal)? {
                Ok(gas) => gas,
                Err(failure) => return Ok(refused(failure)),
            };
            let mut state = rt.state();
            state.checkpoint()?;
            Self::reserve(&mut state, env, admitted.max_fee)?;
            drop(state);
            let (result, gas_used) = rt.deploy_inner(env, msg, verified)?;
            if let Ok((addr, template)) = &result {
                rt.state().put_template(addr, template)?;
            }
            rt.settle(env, admitted.max_fee, gas_used, result.is_ok())?;
            Ok(DeployReceipt {
                result: result.map(|(addr, _)| addr),
                gas_used: Gas(gas_used),
                logs: vec![],
            })
        })
    }

    /// The checks and the compilation of a deploy: the template (or why not) and gas used.
    #[allow(clippy::type_complexity)]
    fn deploy_inner(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        pre: u64,
    ) -> Result<(Result<(TemplateAddr, Template), Failure>, u64), Error> {
        let costs = self.config.tx_costs;
        let limits = self.config.codec;
        let limit = env.gas_limit.0;
        let used = self
            .message_gas(TxType::Deploy, msg.len())
            .saturating_add(pre);
        if used > limit {
            return Ok((Err(Failure::OutOfGas), limit));
        }
        let failed = |f: Failure| Ok((Err(f), used));
        let deploy = match DeployMessage::decode_with_limits(msg, &limits) {
            Ok(d) => d,
            Err(e) => return failed(Failure::InvalidMessage(message_error(e, &limits))),
        };
        let layout = match self.check_layout(&deploy.data.vars) {
            Ok(l) => l,
            Err(e) => return failed(Failure::ValidationFailed(message_error(e, &limits))),
        };
        let addr = svm_codec::template_addr(&deploy);
        if self.state().template(&addr)?.is_some() {
            return failed(Failure::TemplateAlreadyExists(addr));
        }
        let checked = self
            .machine
            .cache()
            .check_with_ctors(&deploy.code.code, &deploy.ctors);
        if let Err(e) = checked {
            let text = ctor_error(&e, &deploy.ctors).unwrap_or_else(|| receipt_text(&e));
            return failed(Failure::ValidationFailed(message_error(text, &limits)));
        }
        let used = linear(used, deploy.code.code.len() as u64, costs.compile_per_byte);
        if used > limit {
            return Ok((Err(Failure::OutOfGas), limit));
        }
        let compiled = self.machine.cache().compile(&addr, &deploy.code.code);
        match compiled {
            Ok(_) => {}
            // validation passed, so the compiler refusing is a limit of this compiler:
            // deterministic for every node with the same build, reported in svm's words
            Err(PrepareError::Compile(_)) => {
                return failed(Failure::CompilationFailed(
                    "the compiler rejected a module that passed validation".into(),
                ));
            }
            Err(e) => return Err(Error::Artifact(addr, e)),
        }
        let meta = TemplateMeta {
            ctors: deploy.ctors,
            api: deploy.api,
        };
        let template = Template {
            code: deploy.code.code,
            layout,
            meta: meta.encode(),
        };
        Ok((Ok((addr, template)), used))
    }

    // ----- spawn --------------------------------------------------------------------------

    /// Spawns an account from the template in `msg`, running its constructor; authorised by
    /// the principal's `svm_verify` with `verifydata` when the principal has a template.
    ///
    /// The account's address is derived from the principal, its nonce and the message. An
    /// existing account there is adopted if it has no template, nonce 0 and empty storage
    /// (coins sent to the address before the spawn stay); any other is
    /// [`Failure::AccountAlreadyExists`].
    ///
    /// A **self-spawn** is a spawn whose principal is
    /// [`svm_codec::self_spawn_addr`] of its message: a wallet that does not exist yet pays
    /// for and authorises its own spawn. Its constructor runs first (storing the owner's
    /// key), then the new template's `svm_verify` with `verifydata`; only an accepted verify
    /// admits it (`docs/spec/host-abi.md`, Self-spawn).
    pub fn spawn(
        &mut self,
        env: &Envelope,
        verifydata: &[u8],
        msg: &[u8],
        ctx: &Context,
    ) -> Result<SpawnReceipt, Error> {
        let tx = self.tx_view(env, verifydata, msg, ctx)?;
        // the address is a hash of the bytes: an ordinary spawn is not decoded twice, and
        // bytes that hash to the principal decode (a valid message is canonical)
        if env.principal == svm_codec::self_spawn_addr_from_bytes(msg)
            && let Ok(spawn) = SpawnMessage::decode_with_limits(msg, &self.config.codec)
        {
            return self.self_spawn(&tx, spawn);
        }
        let out = self.run_transaction(&tx, TxType::Spawn, |rt, pre, touched| {
            rt.spawn_inner(&tx, pre, touched)
        })?;
        Ok(SpawnReceipt {
            result: out
                .result
                .map(|(account, init_state, returndata)| SpawnOutput {
                    account,
                    init_state,
                    returndata,
                }),
            gas_used: out.gas_used,
            logs: out.logs,
            touched_accounts: out.touched,
            calls: out.calls,
        })
    }

    /// A self-spawn: the principal is the account being spawned, a template-less account
    /// with nonce 0 and empty storage that holds coins sent to its address beforehand. In
    /// one transaction the account adopts the template, its constructor runs (storing the
    /// owner's key from the calldata) and then the new template's `svm_verify` with the
    /// verifydata: only an accepted verify admits the transaction, which then pays its gas
    /// from the account and bumps its nonce to 1. A failed constructor or a refused verify
    /// rolls everything back and charges nothing, like any refused admission; each of the
    /// two runs gets at most `max_verify_gas`.
    fn self_spawn(&mut self, tx: &TxView<'_>, spawn: SpawnMessage) -> Result<SpawnReceipt, Error> {
        let env = tx.env;
        let refused = |failure| SpawnReceipt {
            result: Err(failure),
            gas_used: Gas(0),
            logs: vec![],
            touched_accounts: TouchedAccounts::new(),
            calls: vec![],
        };
        self.guarded(|rt| {
            let admitted = match rt.admit(tx, TxType::Spawn, true)? {
                Ok(a) => a,
                Err(failure) => return Ok(refused(failure)),
            };
            let (gas_used, ctor) = match rt.self_spawn_verdict(tx, spawn, &admitted.principal)? {
                Ok(accepted) => accepted,
                Err(failure) => return Ok(refused(failure)),
            };
            Self::reserve(&mut rt.state(), env, admitted.max_fee)?;
            rt.settle(env, admitted.max_fee, gas_used, true)?;
            let init_state = rt
                .state()
                .account(&env.principal)?
                .map_or(State::zero(), |a| a.storage);
            let mut touched = TouchedAccounts::new();
            touched.insert(env.principal);
            touched.extend(&ctor.touched);
            Ok(SpawnReceipt {
                result: Ok(SpawnOutput {
                    account: env.principal,
                    init_state,
                    returndata: ctor.returndata,
                }),
                gas_used: Gas(gas_used),
                logs: ctor.logs,
                touched_accounts: touched,
                calls: ctor.calls,
            })
        })
    }

    /// The admission of a self-spawn whose principal (`principal`, already admitted) is the
    /// account being spawned: it must be fresh, the template and constructor must exist, and
    /// in a checkpoint the account adopts the template, its constructor runs, then the
    /// template's `svm_verify`. Accepted: `(gas used by both runs, the constructor's run)`
    /// with the checkpoint still open (the caller settles or rolls back). Refused: the
    /// failure, with everything rolled back.
    fn self_spawn_verdict(
        &mut self,
        tx: &TxView<'_>,
        spawn: SpawnMessage,
        principal: &Account,
    ) -> Result<Result<(u64, Run), Failure>, Error> {
        let env = tx.env;
        // only a fresh account is adopted: no template, never used, empty storage
        if principal.template.is_some()
            || principal.nonce.0 != 0
            || principal.storage != State::zero()
        {
            return Ok(Err(Failure::AccountAlreadyExists(env.principal)));
        }
        if env.amount.0 != 0 {
            return Ok(Err(Failure::InvalidMessage(
                "a self-spawn moves no amount: the account holds its coins already".into(),
            )));
        }
        let used = self.message_gas(TxType::Spawn, tx.msg.len());
        let Some(loaded) = self.load_template(&spawn.template)? else {
            return Ok(Err(Failure::TemplateNotFound(spawn.template)));
        };
        let Some(used) = self.charge_load(env, used, loaded.record_len) else {
            return Ok(Err(Failure::OutOfGas));
        };
        if !loaded.meta.ctors.contains(&spawn.ctor) {
            return Ok(Err(Failure::FuncNotCtor(spawn.ctor)));
        }
        let budget = (env.gas_limit.0 - used).min(self.config.tx_limits.max_verify_gas);
        self.state().checkpoint()?;
        let adopted = Account {
            template: Some(spawn.template),
            ..principal.clone()
        };
        self.state().set_account(&env.principal, &adopted)?;
        let ctor = self.run_code(
            &spawn.template,
            &loaded.template,
            Mode::Spawn,
            env.principal,
            tx,
            &spawn.ctor,
            spawn.calldata,
            used,
            budget,
        )?;
        let verdict = match &ctor.result {
            Err(failure) => Err(failure.clone()),
            Ok(_) => match self.verify_step(tx, &spawn.template, ctor.gas_used)? {
                (Ok(true), gas) => Ok(gas),
                (Ok(false), _) => Err(Failure::VerifyFailed),
                (Err(failure), _) => Err(failure),
            },
        };
        match verdict {
            Ok(gas) => Ok(Ok((gas, ctor))),
            Err(failure) => {
                self.state().rollback()?;
                Ok(Err(failure))
            }
        }
    }

    fn spawn_inner(
        &mut self,
        tx: &TxView<'_>,
        pre: u64,
        touched: &mut TouchedAccounts,
    ) -> Result<(Run, Address), Error> {
        let env = tx.env;
        let costs = self.config.tx_costs;
        let base = costs.spawn.saturating_add(costs.account_create);
        let (spawn, used) = match self.decode_message::<SpawnMessage>(env, tx.msg, base, pre) {
            Ok(decoded) => decoded,
            Err((failure, gas)) => return Ok((Run::failed(failure, gas), Address::zero())),
        };
        let Some(loaded) = self.load_template(&spawn.template)? else {
            return Ok((
                Run::failed(Failure::TemplateNotFound(spawn.template), used),
                Address::zero(),
            ));
        };
        let Some(used) = self.charge_load(env, used, loaded.record_len) else {
            return Ok((
                Run::failed(Failure::OutOfGas, env.gas_limit.0),
                Address::zero(),
            ));
        };
        if !loaded.meta.ctors.contains(&spawn.ctor) {
            return Ok((
                Run::failed(Failure::FuncNotCtor(spawn.ctor), used),
                Address::zero(),
            ));
        }
        let account = svm_codec::account_addr(&env.principal, env.nonce, &spawn);
        let mut state = self.state();
        let balance = match state.account(&account)? {
            None => Amount::ZERO,
            Some(a) if a.template.is_none() && a.nonce.0 == 0 && a.storage == State::zero() => {
                a.balance
            }
            Some(_) => {
                return Ok((
                    Run::failed(Failure::AccountAlreadyExists(account), used),
                    account,
                ));
            }
        };
        state.set_account(
            &account,
            &Account {
                template: Some(spawn.template),
                balance,
                ..Account::default()
            },
        )?;
        if let Err(failure) = Self::pay_amount(&mut state, env, &account)? {
            return Ok((Run::failed(failure, used), account));
        }
        drop(state);
        touched.insert(account);
        let run = self.run_code(
            &spawn.template,
            &loaded.template,
            Mode::Spawn,
            account,
            tx,
            &spawn.ctor,
            spawn.calldata,
            used,
            env.gas_limit.0 - used,
        )?;
        Ok((run, account))
    }

    // ----- call ---------------------------------------------------------------------------

    /// Calls a function of the account in `msg`. A principal with a template must first pass
    /// its own `svm_verify` with `verifydata` (see [`Runtime::verify`]); its gas is part of
    /// the transaction's, and a refusal admits nothing (no fee, no nonce).
    pub fn call(
        &mut self,
        env: &Envelope,
        verifydata: &[u8],
        msg: &[u8],
        ctx: &Context,
    ) -> Result<CallReceipt, Error> {
        let tx = self.tx_view(env, verifydata, msg, ctx)?;
        let out = self.run_transaction(&tx, TxType::Call, |rt, pre, touched| {
            rt.call_inner(&tx, pre, touched)
        })?;
        Ok(CallReceipt {
            result: out.result.map(|(_, new_state, returndata)| CallOutput {
                new_state,
                returndata,
            }),
            gas_used: out.gas_used,
            logs: out.logs,
            touched_accounts: out.touched,
            calls: out.calls,
        })
    }

    fn call_inner(
        &mut self,
        tx: &TxView<'_>,
        pre: u64,
        touched: &mut TouchedAccounts,
    ) -> Result<(Run, Address), Error> {
        let env = tx.env;
        let base = self.config.tx_costs.call;
        let (call, used) = match self.decode_message::<CallMessage>(env, tx.msg, base, pre) {
            Ok(decoded) => decoded,
            Err((failure, gas)) => return Ok((Run::failed(failure, gas), Address::zero())),
        };
        let target = call.target;
        let Some(account) = self.state().account(&target)? else {
            return Ok((Run::failed(Failure::AccountNotFound(target), used), target));
        };
        let Some(template_addr) = account.template else {
            return Ok((Run::failed(Failure::NoTemplate(target), used), target));
        };
        let Some(loaded) = self.load_template(&template_addr)? else {
            return Ok((
                Run::failed(Failure::TemplateNotFound(template_addr), used),
                target,
            ));
        };
        let Some(used) = self.charge_load(env, used, loaded.record_len) else {
            return Ok((Run::failed(Failure::OutOfGas, env.gas_limit.0), target));
        };
        if loaded.meta.ctors.contains(&call.function) {
            let failure = Failure::FuncNotAllowed {
                function: call.function,
                message: "constructors run only at spawn".into(),
            };
            return Ok((Run::failed(failure, used), target));
        }
        if let Err(failure) = Self::pay_amount(&mut self.state(), env, &target)? {
            return Ok((Run::failed(failure, used), target));
        }
        touched.insert(target);
        let run = self.run_code(
            &template_addr,
            &loaded.template,
            Mode::Call,
            target,
            tx,
            &call.function,
            call.calldata,
            used,
            env.gas_limit.0 - used,
        )?;
        Ok((run, target))
    }

    /// Runs the principal's `svm_verify` (template `template`) read-only with the
    /// transaction's verifydata as input, after `used` gas: the verdict (or why there is
    /// none) and the gas used in total. It gets at most `max_verify_gas`; the template's
    /// load is charged as for a call.
    fn verify_step(
        &mut self,
        tx: &TxView<'_>,
        template: &TemplateAddr,
        used: u64,
    ) -> Result<(Result<bool, Failure>, u64), Error> {
        let env = tx.env;
        let Some(loaded) = self.load_template(template)? else {
            return Ok((Err(Failure::TemplateNotFound(*template)), used));
        };
        let Some(used) = self.charge_load(env, used, loaded.record_len) else {
            return Ok((Err(Failure::OutOfGas), env.gas_limit.0));
        };
        let budget = (env.gas_limit.0 - used).min(self.config.tx_limits.max_verify_gas);
        let run = self.run_code(
            template,
            &loaded.template,
            Mode::Verify,
            env.principal,
            tx,
            VERIFY_FUNCTION,
            tx.verifydata.to_vec(),
            used,
            budget,
        )?;
        // running out of the verify budget is OutOfGas, as running out of the whole limit is
        Ok((run.result.map(|v| v.is_some_and(|v| v != 0)), run.gas_used))
    }

    // ----- verify -------------------------------------------------------------------------

    /// The authorisation step of a transaction of any type alone, as a mempool check:
    /// admission (the principal exists, the nonce is its next one, it can pay `amount +
    /// gas_limit x gas_fee`, fee and gas limit within bounds), then the principal's
    /// `svm_verify() -> i32` read-only with `verifydata` as its input, at most
    /// `max_verify_gas`. A non-zero verdict is a successful receipt; zero is
    /// [`Failure::VerifyFailed`]. The receipt's gas is what the same step charges when the
    /// transaction executes; nothing is charged or changed here, and a layer need not be
    /// open. A transaction whose verify fails here fails the same way when executed, and
    /// is then not admitted: a node should not include it.
    ///
    /// A self-spawn (see [`Runtime::spawn`]) is verified as it runs: in a checkpoint rolled
    /// back afterwards, the fresh account adopts the template, its constructor runs, then the
    /// new template's `svm_verify`; the receipt's gas is both runs'.
    pub fn verify(
        &mut self,
        env: &Envelope,
        verifydata: &[u8],
        msg: &[u8],
        ctx: &Context,
    ) -> Result<CallReceipt, Error> {
        let tx = self.tx_view(env, verifydata, msg, ctx)?;
        let receipt = |result, gas_used| CallReceipt {
            result,
            gas_used: Gas(gas_used),
            logs: vec![],
            touched_accounts: TouchedAccounts::new(),
            calls: vec![],
        };
        let admitted = match self.admit(&tx, env.tx_type, false)? {
            Ok(a) => a,
            Err(failure) => return Ok(receipt(Err(failure), 0)),
        };
        // a self-spawn is verified as it would run: constructor, then the new wallet's verify
        if env.tx_type == TxType::Spawn
            && env.principal == svm_codec::self_spawn_addr_from_bytes(msg)
            && let Ok(spawn) = SpawnMessage::decode_with_limits(msg, &self.config.codec)
        {
            let new_state = admitted.principal.storage;
            return self.guarded(|rt| {
                let verdict = rt.self_spawn_verdict(&tx, spawn, &admitted.principal)?;
                Ok(match verdict {
                    Ok((gas_used, _)) => {
                        rt.state().rollback()?;
                        receipt(
                            Ok(CallOutput {
                                new_state,
                                returndata: vec![],
                            }),
                            gas_used,
                        )
                    }
                    Err(failure) => receipt(Err(failure), 0),
                })
            });
        }
        let Some(template) = admitted.principal.template else {
            return Ok(receipt(Err(Failure::NoTemplate(env.principal)), 0));
        };
        self.guarded(|rt| {
            rt.state().checkpoint()?;
            let verdict = rt.verify_step(&tx, &template, 0);
            rt.state().rollback()?;
            let (verdict, gas_used) = verdict?;
            Ok(match verdict {
                Ok(true) => receipt(
                    Ok(CallOutput {
                        new_state: admitted.principal.storage,
                        returndata: vec![],
                    }),
                    gas_used,
                ),
                Ok(false) => receipt(Err(Failure::VerifyFailed), gas_used),
                Err(e) => receipt(Err(e), gas_used),
            })
        })
    }
}
