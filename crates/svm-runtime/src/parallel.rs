//! Parallel execution of a layer: [`Runtime::execute_layer`].
//!
//! The scheme (why, and what it costs, in `docs/architecture.md`, Parallel execution):
//! 1. The open layer is forked once per thread ([`ParallelState::forks`]); a fork sees the
//!    layer as it was when it was made.
//! 2. Workers take transactions in order and run each on their fork, as the runtime would,
//!    recording what it read ([`Effects`]).
//! 3. The runtime's own thread settles the transactions in order. A transaction's effects
//!    are applied if nothing they read was changed since their fork was made and its gas
//!    limit fits the layer's and its target's bounds as they are now; otherwise the
//!    transaction runs again, on the state itself. Either way it ends exactly as if the
//!    batch ran one transaction at a time. While the next one to settle is still running,
//!    this thread runs the next one no worker took.
//! 4. After a stale run the forks are made again (at most every [`REFRESH_AFTER`]
//!    transactions), so later runs see what was applied; when most runs go stale (one hot
//!    account) the workers pause for a while ([`Pacer`]).
//!
//! Nothing here depends on timing: which thread ran a transaction, or whether one ran it
//! before, changes the work done, never the receipts or the state. The thread count is a
//! local setting ([`Runtime::set_threads`]).

use std::{
    panic::AssertUnwindSafe,
    sync::{
        Condvar, Mutex, MutexGuard, PoisonError,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
};

use svm_codec::{CallMessage, Codec, Context, Envelope, Receipt, TxType};
use svm_storage::{Effects, ParallelState, StorageError};
use svm_types::{Address, Layer, State};

use crate::{
    Error, Runtime, cache::instances::InstancePool, machine::SharedMachine, state::SharedState,
};

/// One transaction of a layer, as its wire parts (a message that does not decode is a
/// failed receipt, as in [`Runtime::call`]) and its context.
#[derive(Debug, Clone)]
pub struct LayerTx<'a> {
    /// The envelope.
    pub envelope: Envelope,
    /// The verifydata the principal's `svm_verify` reads.
    pub verifydata: &'a [u8],
    /// The message's bytes.
    pub message: &'a [u8],
    /// The context: the layer, and the transaction's id.
    pub context: Context,
}

impl<'a> LayerTx<'a> {
    /// The transaction of these parts in `layer` (its id computed from them).
    pub fn new(envelope: Envelope, verifydata: &'a [u8], message: &'a [u8], layer: Layer) -> Self {
        let tx_id = svm_codec::tx_id(&envelope, verifydata, message);
        Self {
            envelope,
            verifydata,
            message,
            context: Context { layer, tx_id },
        }
    }

    /// The target of a call whose message decodes.
    fn call_target(&self, codec: &svm_codec::CodecLimits) -> Option<Address> {
        match self.envelope.tx_type {
            TxType::Call => CallMessage::decode_with_limits(self.message, codec)
                .ok()
                .map(|m| m.target),
            _ => None,
        }
    }
}

/// A node fault while executing a layer: the transactions before `index` are kept in the
/// open layer; the one at `index` changed nothing on one thread, and may be partly kept on
/// several (a fault while applying its effects). The node must rewind to the last committed
/// layer before retrying the block.
#[derive(Debug, thiserror::Error)]
#[error("transaction {index} of the layer: {error}")]
pub struct LayerError {
    /// The transaction that met the fault.
    pub index: usize,
    /// The fault.
    #[source]
    pub error: Box<Error>,
}

impl LayerError {
    fn new(index: usize, error: impl Into<Error>) -> Self {
        Self {
            index,
            error: Box::new(error.into()),
        }
    }
}

/// How each transaction of a parallel layer ended up kept. Local information (it depends
/// on the thread count), for tuning and benchmarks: the receipts never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxPath {
    /// Run once, on the runtime's own thread (no speculative run was available).
    Direct,
    /// Run on a worker; its effects still held and were applied.
    Applied,
    /// Run on a worker, but an earlier transaction of the batch changed what it read (or
    /// the layer's gas bounds no longer admitted it the same way): run again.
    Reexecuted,
}

/// The receipts of a layer's transactions, in order, and how each was kept.
#[derive(Debug, Clone)]
pub struct LayerRun {
    /// One receipt per transaction.
    pub receipts: Vec<Receipt>,
    /// How each was kept.
    pub paths: Vec<TxPath>,
}

impl LayerRun {
    /// How many transactions took `path`.
    pub fn count(&self, path: TxPath) -> usize {
        self.paths.iter().filter(|p| **p == path).count()
    }
}

/// A worker's run of one transaction.
struct Speculated {
    receipt: Result<Receipt, Error>,
    effects: Effects,
}

/// When speculation is not paying: most recent runs went stale (a hot account), so the
/// workers pause and the runtime's thread runs transactions itself for a while, then lets
/// the workers try again, pausing twice as long each time it still does not pay. Only the
/// work done depends on it, never the outcome.
#[derive(Default)]
struct Pacer {
    /// Runs settled since the last change, and how many of them were stale.
    settled: u32,
    stale: u32,
    paused: bool,
    /// Transactions run directly since the pause.
    direct: u32,
    /// Pauses in a row.
    pauses: u32,
}

impl Pacer {
    /// Runs looked at before deciding.
    const WINDOW: u32 = 32;
    /// Stale runs in a window that pause the workers.
    const STALE: u32 = 24;
    /// Transactions run directly before the workers try again.
    const PAUSE: u32 = 64;

    /// Notes how a transaction was kept: `Some(paused)` when the workers should pause or
    /// resume.
    fn record(&mut self, path: TxPath) -> Option<bool> {
        if self.paused {
            self.direct += 1;
            if self.direct < Self::PAUSE << self.pauses.min(10) {
                return None;
            }
            *self = Pacer {
                pauses: self.pauses + 1,
                ..Pacer::default()
            };
            return Some(false);
        }
        match path {
            TxPath::Direct => return None,
            TxPath::Applied => {}
            TxPath::Reexecuted => self.stale += 1,
        }
        self.settled += 1;
        if self.settled < Self::WINDOW {
            return None;
        }
        let pause = self.stale >= Self::STALE;
        *self = Pacer {
            paused: pause,
            pauses: if pause { self.pauses } else { 0 },
            ..Pacer::default()
        };
        pause.then_some(true)
    }
}

/// Transactions settled between two sets of fresh forks (at least).
const REFRESH_AFTER: u32 = 8;

/// How far past the transaction being settled workers may run (bounds the runs kept).
const AHEAD: usize = 256;

/// A worker thread's stack: a main thread's, for the host functions of nested calls.
const WORKER_STACK: usize = 8 << 20;

/// Stops the workers when dropped: set `stop` and wake them.
struct Release<'a, 'b, 't, S>(&'a Shared<'b, 't, S>);

impl<S> Drop for Release<'_, '_, '_, S> {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::SeqCst);
        self.0.board.wake_workers();
    }
}

/// What the threads of one parallel layer share.
struct Shared<'a, 't, S> {
    txs: &'a [LayerTx<'t>],
    /// The next transaction no worker has taken.
    next: &'a AtomicUsize,
    /// Set when the runtime's thread is done (or met a fault).
    stop: &'a AtomicBool,
    board: &'a Board,
    /// Fresh forks for the workers, and how many times they were made.
    refresh: &'a Mutex<Refresh<S>>,
    made: &'a AtomicU64,
}

/// Forks made after transactions were applied, for the workers to take up: runs on them
/// see those transactions, so a transaction that depends on one (a second payment from
/// the same account) need not go stale.
struct Refresh<S> {
    made: u64,
    spare: Vec<S>,
}

/// Where workers leave their runs for the runtime's thread, which sleeps only while the run
/// it needs next is missing (and is woken only by that one).
struct Board {
    inner: Mutex<BoardInner>,
    ready: Condvar,
    resume: Condvar,
}

struct BoardInner {
    runs: Vec<Option<Speculated>>,
    /// The transaction the runtime's thread settles next.
    wanted: usize,
    /// Workers still running.
    working: usize,
    /// Workers take no transaction while set (most runs were going stale).
    paused: bool,
    /// Workers waiting for the runtime's thread to catch up.
    waiting: usize,
}

impl Board {
    fn new(txs: usize) -> Self {
        Self {
            inner: Mutex::new(BoardInner {
                runs: (0..txs).map(|_| None).collect(),
                wanted: 0,
                working: 0,
                paused: false,
                waiting: 0,
            }),
            ready: Condvar::new(),
            resume: Condvar::new(),
        }
    }

    /// Pauses the workers, or lets them go on.
    fn pause(&self, paused: bool) {
        self.lock().paused = paused;
        if !paused {
            self.resume.notify_all();
        }
    }

    /// Wakes every waiting worker (to see `stop`).
    fn wake_workers(&self) {
        let _b = self.lock();
        self.resume.notify_all();
    }

    /// A worker: waits while the workers are paused or the next transaction is more than
    /// [`AHEAD`] past the one being settled; `false` once `stop` is set.
    fn wait_to_run(&self, next: &AtomicUsize, stop: &AtomicBool) -> bool {
        let mut b = self.lock();
        loop {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            let far = next.load(Ordering::SeqCst) >= b.wanted.saturating_add(AHEAD);
            if !b.paused && !far {
                return true;
            }
            b.waiting += 1;
            b = self.resume.wait(b).unwrap_or_else(PoisonError::into_inner);
            b.waiting -= 1;
        }
    }

    /// The runtime's thread settles transaction `i` next.
    fn settling(b: &mut BoardInner, resume: &Condvar, i: usize) {
        if b.wanted != i {
            b.wanted = i;
            if b.waiting > 0 {
                resume.notify_all();
            }
        }
    }

    /// A worker starts.
    fn started(&self) {
        self.lock().working += 1;
    }

    fn lock(&self) -> MutexGuard<'_, BoardInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A worker's run of transaction `i`.
    fn put(&self, i: usize, run: Speculated) {
        let mut b = self.lock();
        b.runs[i] = Some(run);
        if b.wanted == i {
            self.ready.notify_one();
        }
    }

    /// A worker stopped.
    fn done(&self) {
        let mut b = self.lock();
        b.working -= 1;
        self.ready.notify_one();
    }

    /// The run of transaction `i` if it is there already.
    fn try_take(&self, i: usize) -> Option<Speculated> {
        let mut b = self.lock();
        Self::settling(&mut b, &self.resume, i);
        b.runs[i].take()
    }

    /// The run of transaction `i`, once there; `None` if every worker stopped without it.
    fn take(&self, i: usize) -> Option<Speculated> {
        let mut b = self.lock();
        Self::settling(&mut b, &self.resume, i);
        loop {
            if let Some(run) = b.runs[i].take() {
                return Some(run);
            }
            if b.working == 0 {
                return None;
            }
            b = self.ready.wait(b).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl<S: ParallelState> Runtime<S> {
    /// Sets the threads [`execute_layer`](Self::execute_layer) runs transactions on (at
    /// least 1; 1 runs them one at a time on the calling thread). A local setting: the
    /// receipts and roots do not depend on it.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// The threads [`execute_layer`](Self::execute_layer) uses.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Executes `tx` by its envelope's type: [`deploy`](Self::deploy),
    /// [`spawn`](Self::spawn) or [`call`](Self::call).
    pub fn execute_parts(&mut self, tx: &LayerTx<'_>) -> Result<Receipt, Error> {
        let (env, vd, msg, ctx) = (&tx.envelope, tx.verifydata, tx.message, &tx.context);
        Ok(match env.tx_type {
            TxType::Deploy => Receipt::Deploy(self.deploy(env, vd, msg, ctx)?),
            TxType::Spawn => Receipt::Spawn(self.spawn(env, vd, msg, ctx)?),
            TxType::Call => Receipt::Call(self.call(env, vd, msg, ctx)?),
        })
    }

    /// Executes `txs` in the open layer on [`threads`](Self::threads) threads, with exactly
    /// the receipts, gas and state of executing them one by one in this order.
    ///
    /// ```
    /// use svm_codec::{Envelope, TxType};
    /// use svm_kv::MemoryStore;
    /// use svm_runtime::{LayerTx, Runtime, RuntimeConfig, TxPath};
    /// use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce};
    ///
    /// let mut rt = Runtime::new(MemoryStore::new(), RuntimeConfig::development())?;
    /// rt.open(Layer(1))?;
    /// // calls of nothing from four funded accounts: independent failed receipts
    /// let msgs: Vec<Vec<u8>> = (1..=4u8)
    ///     .map(|i| {
    ///         use svm_codec::Codec;
    ///         svm_codec::CallMessage { target: Address([100 + i; 20]), function: "f".into(), calldata: vec![] }
    ///             .encode()
    ///     })
    ///     .collect();
    /// let mut txs = Vec::new();
    /// for (i, msg) in msgs.iter().enumerate() {
    ///     let principal = Address([i as u8 + 1; 20]);
    ///     rt.increase_balance(&principal, Amount(1_000_000))?;
    ///     let env = Envelope {
    ///         tx_type: TxType::Call,
    ///         principal,
    ///         amount: Amount(0),
    ///         nonce: Nonce(0),
    ///         gas_limit: Gas(100_000),
    ///         gas_fee: GasFee(1),
    ///     };
    ///     txs.push(LayerTx::new(env, &[], msg, Layer(1)));
    /// }
    /// rt.set_threads(2);
    /// let run = rt.execute_layer(&txs)?;
    /// assert_eq!(run.receipts.len(), 4);
    /// assert_eq!(run.count(TxPath::Reexecuted), 0); // they read nothing another wrote
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute_layer(&mut self, txs: &[LayerTx<'_>]) -> Result<LayerRun, LayerError> {
        let threads = self.threads.min(txs.len());
        if threads <= 1 {
            return self.execute_sequential(txs);
        }
        let forks = self
            .state()
            .forks(threads)
            .map_err(|e| LayerError::new(0, e))?;
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let mut workers: Vec<Runtime<S>> = forks.into_iter().map(|f| self.worker(f)).collect();
        // the runtime's thread is a worker too, while it has nothing to settle
        let mut helper = workers.pop().ok_or_else(|| {
            LayerError::new(0, Error::Internal("no fork for the runtime's own thread"))
        })?;
        let worker_count = workers.len();
        let board = Board::new(txs.len());
        let refresh = Mutex::new(Refresh {
            made: 0,
            spare: Vec::new(),
        });
        let made = AtomicU64::new(0);
        let shared = Shared {
            txs,
            next: &next,
            stop: &stop,
            board: &board,
            refresh: &refresh,
            made: &made,
        };
        std::thread::scope(|scope| {
            // however this thread leaves (an error, a panic), the workers stop
            let _release = Release(&shared);
            for mut worker in workers {
                let shared = &shared;
                board.started();
                let spawned = std::thread::Builder::new()
                    .name("svm-worker".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || {
                        // a panic (a bug) stops the workers, never the batch: the runtime's
                        // thread runs what no worker delivered
                        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            let mut made = 0;
                            while shared.board.wait_to_run(shared.next, shared.stop) {
                                worker.take_fresh_fork(shared, &mut made);
                                if !worker.speculate_next(shared) {
                                    break;
                                }
                            }
                        }));
                        if run.is_err() {
                            log::error!("a parallel execution worker panicked; the others stop");
                            drop(Release(shared));
                        }
                        shared.board.done();
                    });
                if let Err(e) = spawned {
                    log::warn!("cannot start a parallel execution worker ({e}); fewer run");
                    board.done();
                }
            }
            self.settle_in_order(&shared, &mut helper, worker_count)
        })
    }

    fn execute_sequential(&mut self, txs: &[LayerTx<'_>]) -> Result<LayerRun, LayerError> {
        let mut receipts = Vec::with_capacity(txs.len());
        for (index, tx) in txs.iter().enumerate() {
            receipts.push(
                self.execute_parts(tx)
                    .map_err(|error| LayerError::new(index, error))?,
            );
        }
        Ok(LayerRun {
            receipts,
            paths: vec![TxPath::Direct; txs.len()],
        })
    }

    /// A runtime over `state` (a fork) sharing this one's module cache and configuration,
    /// with the layer's gas counted so far.
    fn worker(&self, state: S) -> Runtime<S> {
        Runtime {
            state: SharedState::new(state),
            machine: SharedMachine::new(
                self.machine.shared_cache(),
                InstancePool::new(self.config.cache.warm_instances),
            ),
            config: self.config.clone(),
            layer_gas: self.layer_gas,
            account_gas: self.account_gas.clone(),
            threads: 1,
        }
    }

    /// A worker: takes up the freshest forks if newer ones than its own (`made`) exist.
    fn take_fresh_fork(&mut self, shared: &Shared<'_, '_, S>, made: &mut u64) {
        if shared.made.load(Ordering::SeqCst) <= *made {
            return;
        }
        let mut refresh = shared
            .refresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if refresh.made > *made {
            if let Some(fork) = refresh.spare.pop() {
                *self.state() = fork;
            }
            *made = refresh.made;
        }
    }

    /// The runtime's thread: new forks of the state as it is now, for the workers and its
    /// own runs.
    fn refresh_forks(
        &mut self,
        shared: &Shared<'_, '_, S>,
        helper: &mut Runtime<S>,
        workers: usize,
    ) -> Result<(), Error> {
        let mut forks = self.state().forks(workers + 1)?;
        if let Some(own) = forks.pop() {
            *helper.state() = own;
        }
        let mut refresh = shared
            .refresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        refresh.made += 1;
        refresh.spare = forks;
        shared.made.store(refresh.made, Ordering::SeqCst);
        Ok(())
    }

    /// A worker's step: takes the next transaction, runs it on the fork, leaves its receipt
    /// and effects on the board, and returns the fork and the gas counters to the batch's
    /// start (a worker's counters never move: each run starts from the batch's). `false`
    /// when no transaction is left.
    fn speculate_next(&mut self, shared: &Shared<'_, '_, S>) -> bool {
        let i = shared.next.fetch_add(1, Ordering::SeqCst);
        let Some(tx) = shared.txs.get(i) else {
            return false;
        };
        let layer_gas = self.layer_gas;
        let target = tx.call_target(&self.config.codec);
        let target_gas = target.map(|t| (t, self.account_gas.get(&t).copied()));
        let receipt = self.execute_parts(tx);
        let effects = self.state().take_effects();
        self.layer_gas = layer_gas;
        match target_gas {
            Some((t, Some(gas))) => {
                self.account_gas.insert(t, gas);
            }
            Some((t, None)) => {
                self.account_gas.remove(&t);
            }
            None => {}
        }
        shared.board.put(i, Speculated { receipt, effects });
        true
    }

    /// The runtime's own part: each transaction in order, from its speculative run if that
    /// still holds, or run again.
    fn settle_in_order(
        &mut self,
        shared: &Shared<'_, '_, S>,
        helper: &mut Runtime<S>,
        workers: usize,
    ) -> Result<LayerRun, LayerError> {
        let txs = shared.txs;
        let mut run = LayerRun {
            receipts: Vec::with_capacity(txs.len()),
            paths: Vec::with_capacity(txs.len()),
        };
        let mut pacer = Pacer::default();
        let mut since_refresh = 0;
        for (index, tx) in txs.iter().enumerate() {
            let spec = loop {
                if let Some(spec) = shared.board.try_take(index) {
                    break Some(spec);
                }
                // no worker took it: run it here
                if shared
                    .next
                    .compare_exchange(index, index + 1, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    break None;
                }
                // a worker is running it: run a later one meanwhile, or wait
                if pacer.paused || !helper.speculate_next(shared) {
                    break shared.board.take(index);
                }
            };
            let (receipt, path) = self
                .settle_one(tx, spec)
                .map_err(|error| LayerError::new(index, error))?;
            if let Some(paused) = pacer.record(path) {
                shared.board.pause(paused);
            }
            // a stale run: later runs should see what was applied since the forks were made
            since_refresh += 1;
            if path == TxPath::Reexecuted && since_refresh >= REFRESH_AFTER {
                self.refresh_forks(shared, helper, workers)
                    .map_err(|error| LayerError::new(index, error))?;
                since_refresh = 0;
            }
            run.receipts.push(receipt);
            run.paths.push(path);
        }
        Ok(run)
    }

    /// Keeps `tx`: its speculative run's effects if they still hold, or a run now.
    fn settle_one(
        &mut self,
        tx: &LayerTx<'_>,
        spec: Option<Speculated>,
    ) -> Result<(Receipt, TxPath), Error> {
        let Some(spec) = spec else {
            return Ok((self.execute_parts(tx)?, TxPath::Direct));
        };
        let target = tx.call_target(&self.config.codec);
        let kept = match spec.receipt {
            Ok(receipt) if self.bounds_admit(tx, target) => {
                let mut state = self.state();
                match state.still_valid(&spec.effects)? {
                    true => {
                        state.apply(spec.effects)?;
                        Some(receipt)
                    }
                    false => None,
                }
            }
            // a fault on a fork is run again here: the state itself decides
            _ => None,
        };
        let Some(mut receipt) = kept else {
            return Ok((self.execute_parts(tx)?, TxPath::Reexecuted));
        };
        self.patch_storage_state(&mut receipt, target)?;
        let gas = receipt.gas_used().0;
        self.layer_gas = self.layer_gas.saturating_add(gas);
        if let Some(target) = target {
            let used = self.account_gas.entry(target).or_default();
            *used = used.saturating_add(gas);
        }
        Ok((receipt, TxPath::Applied))
    }

    /// Whether `tx`'s gas limit fits what the layer, and a call's target, have left now.
    /// Both only shrink as the batch runs, so a transaction that fits now fit when its
    /// speculative run was admitted, and admission took the same path.
    fn bounds_admit(&self, tx: &LayerTx<'_>, target: Option<Address>) -> bool {
        let limits = self.config.tx_limits;
        let gas = tx.envelope.gas_limit.0;
        let layer_left = limits.max_layer_gas.saturating_sub(self.layer_gas);
        let account_left = target.map_or(u64::MAX, |t| {
            limits
                .max_account_layer_gas
                .saturating_sub(self.account_gas_used(&t))
        });
        gas <= limits.max_tx_gas.min(layer_left) && gas <= account_left
    }

    /// A successful receipt's storage state as the state now has it: a fork does not
    /// compute storage states (`svm_storage::ParallelState`), the state it came from does
    /// when it applies the effects.
    fn patch_storage_state(
        &mut self,
        receipt: &mut Receipt,
        target: Option<Address>,
    ) -> Result<(), Error> {
        let mut state = self.state();
        let mut storage_of = |addr: &Address| -> Result<State, StorageError> {
            Ok(state.account(addr)?.map_or(State::zero(), |a| a.storage))
        };
        match receipt {
            Receipt::Call(r) => {
                if let (Ok(out), Some(target)) = (&mut r.result, target) {
                    out.new_state = storage_of(&target)?;
                }
            }
            Receipt::Spawn(r) => {
                if let Ok(out) = &mut r.result {
                    out.init_state = storage_of(&out.account)?;
                }
            }
            Receipt::Deploy(_) => {}
        }
        Ok(())
    }
}
