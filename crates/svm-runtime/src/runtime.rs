//! [`Runtime`]: the go-svm API in Rust.
//!
//! Transaction semantics (all of it consensus, documented in `docs/spec/host-abi.md`):
//! - **Admission.** The principal's account must exist, the envelope's nonce must be its next
//!   nonce, and its balance must cover `amount + gas_limit x gas_fee`. A transaction that
//!   fails admission gets a failed receipt with gas used 0 and changes nothing: a node should
//!   not have included it.
//! - **Execution.** The maximum fee is reserved and the nonce bumped, the amount moves to the
//!   target, the code runs with `gas_limit` minus the transaction's intrinsic gas.
//! - **Success** keeps every change and refunds the unused part of the reserved fee.
//! - **Failure** (trap, out of gas, bad argument, missing function, insufficient funds...)
//!   rolls every change back, then charges `gas_used x gas_fee` and bumps the nonce.
//! - Fees are burned; a node credits rewards with [`Runtime::increase_balance`].

use svm_codec::{
    CallMessage, CallOutput, CallReceipt, Codec, Context, DeployMessage, DeployReceipt, Envelope,
    RuntimeError as Failure, SpawnMessage, SpawnOutput, SpawnReceipt, TouchedAccounts, TxType,
    truncate_utf8,
};
use svm_gas::{ExportKind, PrepareConfig};
use svm_kv::KVStore;
use svm_storage::{Account, FixedLayout, GlobalState, StorageError, Template};
use svm_types::{Address, Amount, Gas, Layer, State};
use wasmer::{FunctionType, Type};

use crate::{
    Error, RuntimeConfig,
    cache::{ModuleCache, disk::DiskCache},
    exec::{self, Signature},
    host::{HostEnv, Mode, NAMESPACE, host_signatures},
    template::TemplateMeta,
};

/// The name of the export [`Runtime::verify`] runs.
pub const VERIFY_FUNCTION: &str = "svm_verify";

/// The svm runtime over a key-value store.
pub struct Runtime<K: KVStore + 'static> {
    state: Option<GlobalState<K>>,
    cache: ModuleCache,
    config: RuntimeConfig,
}

/// What a run of template code produced, before it becomes a receipt.
struct Run {
    result: Result<Option<i32>, Failure>,
    gas_used: u64,
    returndata: Vec<u8>,
    logs: Vec<svm_codec::Log>,
    touched: TouchedAccounts,
}

/// The common parts of a spawn or call receipt.
struct Executed {
    /// On success: the account, its storage state, the returndata.
    result: Result<(Address, State, Vec<u8>), Failure>,
    gas_used: Gas,
    logs: Vec<svm_codec::Log>,
    touched: TouchedAccounts,
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
        }
    }
}

fn message_error(e: impl std::fmt::Display, limits: &svm_codec::CodecLimits) -> String {
    truncate_utf8(&e.to_string(), limits.max_string_len).to_string()
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

impl<K: KVStore + 'static> Runtime<K> {
    /// A runtime over `kv` (opened or initialised as in [`GlobalState::new`]).
    pub fn new(kv: K, config: RuntimeConfig) -> Result<Self, Error> {
        let state = GlobalState::new(kv, config.storage)?;
        let prepare = prepare_config(&config);
        let fingerprint = svm_gas::fingerprint(&prepare).0;
        let disk = match &config.cache.dir {
            Some(dir) => Some(DiskCache::open(dir).map_err(|e| Error::Cache(dir.clone(), e))?),
            None => None,
        };
        let engine = svm_gas::runtime_engine(&config.limits);
        let cache = ModuleCache::new(
            engine,
            prepare,
            fingerprint,
            config.cache.memory_bytes,
            disk,
        );
        Ok(Self {
            state: Some(state),
            cache,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// The module cache (statistics, engine).
    pub fn cache(&self) -> &ModuleCache {
        &self.cache
    }

    fn state(&mut self) -> Result<&mut GlobalState<K>, Error> {
        self.state.as_mut().ok_or(Error::Internal(
            "the global state was lost in an earlier call",
        ))
    }

    /// Read access to the global state (roots, layers, accounts).
    pub fn global_state(&self) -> Result<&GlobalState<K>, Error> {
        self.state.as_ref().ok_or(Error::Internal(
            "the global state was lost in an earlier call",
        ))
    }

    // ----- layers and accounts ------------------------------------------------------------

    /// Starts `layer`, which must be the last committed layer + 1.
    pub fn open(&mut self, layer: Layer) -> Result<(), Error> {
        Ok(self.state()?.open(layer)?)
    }

    /// Commits the open layer in one atomic write: `(layer, new global root)`.
    pub fn commit(&mut self) -> Result<(Layer, State), Error> {
        Ok(self.state()?.commit()?)
    }

    /// Rewinds to committed `layer`, removing every later one; returns its root.
    pub fn rewind(&mut self, layer: Layer) -> Result<State, Error> {
        Ok(self.state()?.rewind(layer)?)
    }

    /// The account at `addr`, if any.
    pub fn get_account(&mut self, addr: &Address) -> Result<Option<Account>, Error> {
        Ok(self.state()?.account(addr)?)
    }

    /// Adds `amount` to `addr` (creating a template-less account if needed) in the open layer.
    pub fn increase_balance(&mut self, addr: &Address, amount: Amount) -> Result<(), Error> {
        let state = self.state()?;
        state.checkpoint()?;
        if let Err(e) = state.increase_balance(addr, amount) {
            state.rollback()?;
            return Err(e.into());
        }
        Ok(state.commit_tx()?)
    }

    // ----- validation ---------------------------------------------------------------------

    /// Checks a deploy message: it decodes, its layout is valid and its code passes template
    /// validation (nothing is compiled or stored).
    pub fn validate_deploy(&self, msg: &[u8]) -> Result<(), Error> {
        let deploy = DeployMessage::decode_with_limits(msg, &self.config.codec)?;
        FixedLayout::new(&deploy.data.vars)?;
        self.cache.check(&deploy.code.code)?;
        Ok(())
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

    // ----- admission and settlement -------------------------------------------------------

    /// Checks the envelope against the principal's account. `Ok(Err(_))` is a transaction
    /// that must not run; `Err(_)` is misuse of the API.
    fn admit(
        &mut self,
        env: &Envelope,
        ctx: &Context,
        tx_type: TxType,
    ) -> Result<Result<u64, Failure>, Error> {
        if env.tx_type != tx_type {
            return Err(Error::WrongTxType {
                expected: tx_type,
                found: env.tx_type,
            });
        }
        let state = self.state()?;
        if state.current_layer() != Some(ctx.layer) {
            return Err(Error::LayerMismatch {
                context: ctx.layer,
                open: state.current_layer(),
            });
        }
        state.checkpoint()?;
        let account = state.account(&env.principal);
        state.rollback()?;
        let Some(account) = account? else {
            return Ok(Err(Failure::AccountNotFound(env.principal)));
        };
        if account.nonce != env.nonce {
            return Ok(Err(Failure::NonceMismatch {
                expected: account.nonce,
                found: env.nonce,
            }));
        }
        let max_fee = env.gas_limit.0.checked_mul(env.gas_fee.0);
        match max_fee.and_then(|f| f.checked_add(env.amount.0)) {
            Some(total) if total <= account.balance.0 => Ok(Ok(max_fee.unwrap_or(0))),
            _ => Ok(Err(Failure::InsufficientFunds)),
        }
    }

    /// Inside the running transaction: reserves the maximum fee and bumps the nonce.
    fn reserve(
        state: &mut GlobalState<K>,
        env: &Envelope,
        max_fee: u64,
    ) -> Result<(), StorageError> {
        state.decrease_balance(&env.principal, Amount(max_fee))?;
        let mut account = state
            .account(&env.principal)?
            .ok_or(StorageError::AccountNotFound(env.principal))?;
        account.nonce.0 = account.nonce.0.saturating_add(1);
        state.set_account(&env.principal, &account)
    }

    /// Moves the envelope's amount from the principal to `to` (admission checked the funds).
    fn pay_amount(
        state: &mut GlobalState<K>,
        env: &Envelope,
        to: &Address,
    ) -> Result<(), StorageError> {
        if env.amount.0 > 0 {
            state.decrease_balance(&env.principal, env.amount)?;
            state.increase_balance(to, env.amount)?;
        }
        Ok(())
    }

    /// Ends the running transaction: on success keeps it and refunds the unused fee; on
    /// failure rolls it back and, in a new transaction, charges `gas_used` and bumps the
    /// nonce.
    fn settle(
        &mut self,
        env: &Envelope,
        max_fee: u64,
        gas_used: u64,
        success: bool,
    ) -> Result<(), Error> {
        let fee = gas_used.saturating_mul(env.gas_fee.0);
        let state = self.state()?;
        if success {
            state.increase_balance(&env.principal, Amount(max_fee - fee.min(max_fee)))?;
            state.commit_tx()?;
        } else {
            state.rollback()?;
            state.checkpoint()?;
            Self::reserve(state, env, fee)?;
            state.commit_tx()?;
        }
        Ok(())
    }

    fn load_template(
        &mut self,
        addr: &svm_types::TemplateAddr,
    ) -> Result<Option<(Template, TemplateMeta)>, Error> {
        let Some(t) = self.state()?.template(addr)? else {
            return Ok(None);
        };
        let meta = TemplateMeta::decode(&t.meta)?;
        Ok(Some((t, meta)))
    }

    /// Runs `function` of `template` for `account` with the state moved into the host
    /// environment, and takes the state back. The code gets the envelope's gas limit minus
    /// the `intrinsic` gas already charged; the run's gas used includes it.
    #[allow(clippy::too_many_arguments)]
    fn run_code(
        &mut self,
        template_addr: &svm_types::TemplateAddr,
        template: &Template,
        mode: Mode,
        account: Address,
        env: &Envelope,
        ctx: &Context,
        function: &str,
        input: Vec<u8>,
        intrinsic: u64,
    ) -> Result<Run, Error> {
        let module = match self.cache.get(template_addr, &template.code) {
            Ok((m, _)) => m,
            Err(e) => {
                let failure = Failure::CompilationFailed(message_error(e, &self.config.codec));
                return Ok(Run::failed(failure, intrinsic));
            }
        };
        let mut host = HostEnv::detached();
        host.mode = mode;
        host.account = account;
        host.layout = template.layout.clone();
        host.principal = env.principal;
        host.amount = env.amount;
        host.layer = ctx.layer;
        host.tx_id = ctx.tx_id;
        host.input = input;
        host.costs = self.config.host_costs;
        host.max_logs = self.config.codec.max_logs;
        host.max_log_size = self.config.codec.max_log_size;
        host.max_returndata = self.config.codec.max_returndata;
        let state = self.state.take().ok_or(Error::Internal(
            "the global state was lost in an earlier call",
        ))?;
        let signature = if mode == Mode::Verify {
            Signature::Verdict
        } else {
            Signature::Unit
        };
        let out = exec::run(
            self.cache.engine(),
            &module,
            host,
            state,
            function,
            signature,
            env.gas_limit.0.saturating_sub(intrinsic),
        );
        self.state = out.state;
        Ok(Run {
            result: out.result,
            gas_used: out.gas_used.saturating_add(intrinsic),
            returndata: out.env.returndata,
            logs: out.env.logs,
            touched: out.env.touched,
        })
    }

    fn intrinsic(&self, base: u64, msg_len: usize, code_len: usize) -> u64 {
        base.saturating_add((msg_len as u64).saturating_mul(self.config.tx_costs.message_per_byte))
            .saturating_add(self.config.tx_costs.load(code_len))
    }

    /// The shape every spawn and call shares: admission, fee reservation and nonce bump,
    /// `inner` (which runs the code for an account), rollback on failure, settlement, and the
    /// receipt's parts (the account's storage state on success, sorted touched accounts,
    /// logs only on success).
    fn execute(
        &mut self,
        env: &Envelope,
        ctx: &Context,
        tx_type: TxType,
        inner: impl FnOnce(&mut Self, &mut TouchedAccounts) -> Result<(Run, Address), Error>,
    ) -> Result<Executed, Error> {
        let max_fee = match self.admit(env, ctx, tx_type)? {
            Ok(f) => f,
            Err(failure) => {
                return Ok(Executed {
                    result: Err(failure),
                    gas_used: Gas(0),
                    logs: vec![],
                    touched: TouchedAccounts::new(),
                });
            }
        };
        let state = self.state()?;
        state.checkpoint()?;
        Self::reserve(state, env, max_fee)?;
        let mut touched = TouchedAccounts::new();
        touched.insert(env.principal);
        let (run, account) = match inner(self, &mut touched) {
            Ok(r) => r,
            Err(e) => {
                self.state()?.rollback()?;
                return Err(e);
            }
        };
        let success = run.result.is_ok();
        self.settle(env, max_fee, run.gas_used, success)?;
        let result = match run.result {
            Ok(_) => {
                let storage = self
                    .state()?
                    .account(&account)?
                    .map_or(State::zero(), |a| a.storage);
                Ok((account, storage, run.returndata))
            }
            Err(e) => Err(e),
        };
        for a in run.touched.as_slice() {
            touched.insert(*a);
        }
        Ok(Executed {
            result,
            gas_used: Gas(run.gas_used),
            logs: if success { run.logs } else { vec![] },
            touched,
        })
    }

    /// Charges the message's intrinsic gas (`base` + per byte) and decodes it: the message
    /// and the gas used so far, or the failure and its gas (out of gas, invalid message).
    fn decode_message<M: Codec>(
        &self,
        env: &Envelope,
        msg: &[u8],
        base: u64,
    ) -> Result<(M, u64), (Failure, u64)> {
        let limits = self.config.codec;
        let base = self.intrinsic(base, msg.len(), 0);
        if base > env.gas_limit.0 {
            return Err((Failure::OutOfGas, env.gas_limit.0));
        }
        M::decode_with_limits(msg, &limits)
            .map(|m| (m, base))
            .map_err(|e| (Failure::InvalidMessage(message_error(e, &limits)), base))
    }

    // ----- deploy -------------------------------------------------------------------------

    /// Deploys the template in `msg`, paid by `env.principal`.
    pub fn deploy(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
    ) -> Result<DeployReceipt, Error> {
        let max_fee = match self.admit(env, ctx, TxType::Deploy)? {
            Ok(f) => f,
            Err(failure) => {
                return Ok(DeployReceipt {
                    result: Err(failure),
                    gas_used: Gas(0),
                    logs: vec![],
                });
            }
        };
        let costs = self.config.tx_costs;
        let gas_used = costs
            .deploy
            .saturating_add((msg.len() as u64).saturating_mul(costs.deploy_per_byte));
        let result = if gas_used > env.gas_limit.0 {
            Err(Failure::OutOfGas)
        } else {
            self.check_deploy(msg)
        };
        let gas_used = gas_used.min(env.gas_limit.0);
        let state = self.state()?;
        state.checkpoint()?;
        Self::reserve(state, env, max_fee)?;
        if let Ok((addr, template)) = &result {
            state.put_template(addr, template)?;
        }
        self.settle(env, max_fee, gas_used, result.is_ok())?;
        Ok(DeployReceipt {
            result: result.map(|(addr, _)| addr),
            gas_used: Gas(gas_used),
            logs: vec![],
        })
    }

    /// Decodes and validates a deploy message, compiling (and caching) its code.
    fn check_deploy(&mut self, msg: &[u8]) -> Result<(svm_types::TemplateAddr, Template), Failure> {
        let limits = self.config.codec;
        let deploy = DeployMessage::decode_with_limits(msg, &limits)
            .map_err(|e| Failure::InvalidMessage(message_error(e, &limits)))?;
        let layout = FixedLayout::new(&deploy.data.vars)
            .map_err(|e| Failure::ValidationFailed(message_error(e, &limits)))?;
        let addr = svm_codec::template_addr(&deploy);
        let exists = self
            .state()
            .map_err(|e| Failure::trap(&e.to_string()))?
            .template(&addr);
        if matches!(exists, Ok(Some(_))) {
            return Err(Failure::TemplateAlreadyExists(addr));
        }
        let (module, _) = self
            .cache
            .get(&addr, &deploy.code.code)
            .map_err(|e| match e {
                svm_gas::PrepareError::Compile(_) => {
                    Failure::CompilationFailed(message_error(&e, &limits))
                }
                other => Failure::ValidationFailed(message_error(other, &limits)),
            })?;
        let unit = FunctionType::new(Vec::<Type>::new(), Vec::<Type>::new());
        for ctor in &deploy.ctors {
            let ok = module
                .exports()
                .functions()
                .any(|f| f.name() == ctor && *f.ty() == unit);
            if !ok {
                return Err(Failure::ValidationFailed(message_error(
                    format!("constructor {ctor:?} is not an exported function () -> ()"),
                    &limits,
                )));
            }
        }
        let meta = TemplateMeta {
            ctors: deploy.ctors.clone(),
            api: deploy.api.clone(),
        };
        Ok((
            addr,
            Template {
                code: deploy.code.code,
                layout,
                meta: meta.encode(),
            },
        ))
    }

    // ----- spawn --------------------------------------------------------------------------

    /// Spawns an account from the template in `msg`, running its constructor.
    pub fn spawn(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
    ) -> Result<SpawnReceipt, Error> {
        let out = self.execute(env, ctx, TxType::Spawn, |rt, touched| {
            rt.spawn_inner(env, msg, ctx, touched)
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
        })
    }

    fn spawn_inner(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
        touched: &mut TouchedAccounts,
    ) -> Result<(Run, Address), Error> {
        let (spawn, base) =
            match self.decode_message::<SpawnMessage>(env, msg, self.config.tx_costs.spawn) {
                Ok(decoded) => decoded,
                Err((failure, gas)) => return Ok((Run::failed(failure, gas), Address::zero())),
            };
        let Some((template, meta)) = self.load_template(&spawn.template)? else {
            return Ok((
                Run::failed(Failure::TemplateNotFound(spawn.template), base),
                Address::zero(),
            ));
        };
        let intrinsic = base.saturating_add(self.config.tx_costs.load(template.code.len()));
        if intrinsic > env.gas_limit.0 {
            return Ok((
                Run::failed(Failure::OutOfGas, env.gas_limit.0),
                Address::zero(),
            ));
        }
        if !meta.ctors.contains(&spawn.ctor) {
            return Ok((
                Run::failed(Failure::FuncNotCtor(spawn.ctor), intrinsic),
                Address::zero(),
            ));
        }
        let account = svm_codec::account_addr(&env.principal, env.nonce, &spawn);
        let state = self.state()?;
        if state.account(&account)?.is_some() {
            return Ok((
                Run::failed(Failure::AccountAlreadyExists(account), intrinsic),
                account,
            ));
        }
        state.set_account(
            &account,
            &Account {
                template: Some(spawn.template),
                ..Account::default()
            },
        )?;
        Self::pay_amount(state, env, &account)?;
        touched.insert(account);
        let run = self.run_code(
            &spawn.template,
            &template,
            Mode::Spawn,
            account,
            env,
            ctx,
            &spawn.ctor,
            spawn.calldata,
            intrinsic,
        )?;
        Ok((run, account))
    }

    // ----- call ---------------------------------------------------------------------------

    /// Calls a function of the account in `msg`.
    pub fn call(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
    ) -> Result<CallReceipt, Error> {
        let out = self.execute(env, ctx, TxType::Call, |rt, touched| {
            rt.call_inner(env, msg, ctx, touched)
        })?;
        Ok(CallReceipt {
            result: out.result.map(|(_, new_state, returndata)| CallOutput {
                new_state,
                returndata,
            }),
            gas_used: out.gas_used,
            logs: out.logs,
            touched_accounts: out.touched,
        })
    }

    fn call_inner(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
        touched: &mut TouchedAccounts,
    ) -> Result<(Run, Address), Error> {
        let (call, base) =
            match self.decode_message::<CallMessage>(env, msg, self.config.tx_costs.call) {
                Ok(decoded) => decoded,
                Err((failure, gas)) => return Ok((Run::failed(failure, gas), Address::zero())),
            };
        let target = call.target;
        let Some(account) = self.state()?.account(&target)? else {
            return Ok((Run::failed(Failure::AccountNotFound(target), base), target));
        };
        let Some(template_addr) = account.template else {
            return Ok((
                Run::failed(Failure::FuncNotFound(call.function), base),
                target,
            ));
        };
        let Some((template, meta)) = self.load_template(&template_addr)? else {
            return Ok((
                Run::failed(Failure::TemplateNotFound(template_addr), base),
                target,
            ));
        };
        let intrinsic = base.saturating_add(self.config.tx_costs.load(template.code.len()));
        if intrinsic > env.gas_limit.0 {
            return Ok((Run::failed(Failure::OutOfGas, env.gas_limit.0), target));
        }
        if meta.ctors.contains(&call.function) {
            let failure = Failure::FuncNotAllowed {
                function: call.function,
                message: "constructors run only at spawn".into(),
            };
            return Ok((Run::failed(failure, intrinsic), target));
        }
        Self::pay_amount(self.state()?, env, &target)?;
        touched.insert(target);
        let run = self.run_code(
            &template_addr,
            &template,
            Mode::Call,
            target,
            env,
            ctx,
            &call.function,
            call.calldata,
            intrinsic,
        )?;
        Ok((run, target))
    }

    // ----- verify -------------------------------------------------------------------------

    /// Runs the principal's `svm_verify() -> i32` read-only with the call's verifydata as its
    /// input. A non-zero verdict is a successful receipt; zero is [`Failure::VerifyFailed`].
    /// Nothing is charged or changed; a layer need not be open.
    pub fn verify(
        &mut self,
        env: &Envelope,
        msg: &[u8],
        ctx: &Context,
    ) -> Result<CallReceipt, Error> {
        let limits = self.config.codec;
        let receipt = |result, gas_used| CallReceipt {
            result,
            gas_used: Gas(gas_used),
            logs: vec![],
            touched_accounts: TouchedAccounts::new(),
        };
        let call = match CallMessage::decode_with_limits(msg, &limits) {
            Ok(c) => c,
            Err(e) => {
                return Ok(receipt(
                    Err(Failure::InvalidMessage(message_error(e, &limits))),
                    0,
                ));
            }
        };
        let state = self.state()?;
        state.checkpoint()?;
        let account = state.account(&env.principal);
        let account = match account {
            Ok(a) => a,
            Err(e) => {
                state.rollback()?;
                return Err(e.into());
            }
        };
        let template_addr = account
            .as_ref()
            .and_then(|a| a.template)
            .unwrap_or_default();
        let template = match account.as_ref().and_then(|a| a.template) {
            Some(t) => self.load_template(&t),
            None => Ok(None),
        };
        let Ok(Some((template, _))) = template else {
            self.state()?.rollback()?;
            return match template {
                Err(e) => Err(e),
                _ => Ok(receipt(Err(Failure::AccountNotFound(env.principal)), 0)),
            };
        };
        let run = self.run_code(
            &template_addr,
            &template,
            Mode::Verify,
            env.principal,
            env,
            ctx,
            VERIFY_FUNCTION,
            call.verifydata,
            0,
        );
        self.state()?.rollback()?;
        let run = run?;
        let storage = account.map_or(State::zero(), |a| a.storage);
        Ok(match run.result {
            Ok(Some(v)) if v != 0 => receipt(
                Ok(CallOutput {
                    new_state: storage,
                    returndata: run.returndata,
                }),
                run.gas_used,
            ),
            Ok(_) => receipt(Err(Failure::VerifyFailed), run.gas_used),
            Err(e) => receipt(Err(e), run.gas_used),
        })
    }
}
