//! [`ParallelState`]: what parallel execution of a layer needs of the state. Transactions
//! run on forks, each recording what it read; the state the forks came from then takes
//! each transaction's [`Effects`] in order, if nothing they read has changed since, or has
//! the transaction run again. The scheme and why it is exact are in `docs/architecture.md`
//! (Parallel execution).
//!
//! For [`GlobalState`]:
//! - A fork shares the store and the open layer as it was at [`ParallelState::forks`]
//!   (no copy: `layer_map.rs`), and keeps its own writes. Every key it reads below them is
//!   recorded; so are map walks, as a prefix and a start.
//! - A fork keeps a transaction's own writes (records, dirty pages, maps changed) without
//!   computing page trees or storage states: [`ParallelState::apply`] computes them on the
//!   state they are applied to, as if the transaction had run there. So two transactions
//!   that write different pages of one account do not conflict.
//! - Validation: a key read is stale if the state wrote it since the fork was made (each
//!   `forks` call starts an epoch, and the state notes the epoch of every key it writes,
//!   so effects of forks of any earlier call can be validated). An account record is
//!   compared by content without its storage state (which every storage write changes),
//!   except for whether that state is zero, the only thing about it a transaction can
//!   observe. A map walk is stale if an entry of its map was written.

use svm_kv::KVStore;
use svm_types::Address;

use crate::{
    Account, GlobalState, StorageError, WorldState,
    global_state::{KeptTx, LayerView, Overlay},
    keys,
    layer_map::ReadSet,
};

/// What the transactions run on a fork since its last [`ParallelState::take_effects`] read
/// and kept. Opaque: only the state that made the fork reads it.
#[derive(Debug, Default)]
pub struct Effects {
    /// The epoch of the fork that made them (`layer_map.rs`).
    epoch: u64,
    reads: ReadSet,
    kept: Vec<KeptTx>,
}

impl Effects {
    /// Keys and account records read below the fork's own writes, and map walks.
    pub fn reads(&self) -> usize {
        self.reads.keys.len() + self.reads.accounts.len() + self.reads.walks.len()
    }

    /// Records and pages written by the kept transactions.
    pub fn writes(&self) -> usize {
        self.kept
            .iter()
            .map(|k| k.writes.len() + k.pages.values().map(Vec::len).sum::<usize>())
            .sum()
    }

    /// The keys the kept transactions wrote (records, and pages as their keys).
    fn written_keys(&self) -> std::collections::BTreeSet<Vec<u8>> {
        let mut keys = std::collections::BTreeSet::new();
        for k in &self.kept {
            keys.extend(k.writes.keys().cloned());
            for (addr, pages) in &k.pages {
                keys.extend(pages.iter().map(|(i, _)| crate::keys::page(addr, *i)));
            }
        }
        keys
    }

    /// Whether these effects read something that `earlier` (the effects of a transaction
    /// before this one, run on a fork of the same layer) wrote: what would make them stale
    /// once `earlier` is applied. For planning and models of the schedule (benchmarks):
    /// validation itself is [`ParallelState::still_valid`].
    pub fn depends_on(&self, earlier: &Effects) -> bool {
        let written = earlier.written_keys();
        let reads = &self.reads;
        reads.keys.iter().any(|k| written.contains(k))
            || reads.accounts.keys().any(|k| written.contains(k))
            || reads.walks.iter().any(|map| {
                written
                    .range(map.clone()..)
                    .next()
                    .is_some_and(|k| k.starts_with(map))
            })
    }
}

/// A [`WorldState`] whose open layer can be forked for speculative execution, and which can
/// validate and apply what a fork did.
///
/// The contract: if [`still_valid`](Self::still_valid) holds for effects `e` of a
/// transaction run on a fork, then [`apply`](Self::apply)`(e)` leaves the state exactly as
/// running the same calls on the state itself would have, and those calls would have
/// returned the same results. Parallel execution relies on nothing else.
///
/// ```
/// use svm_kv::MemoryStore;
/// use svm_storage::{GlobalState, ParallelState, StorageConfig, WorldState};
/// use svm_types::{Address, Amount, Layer};
///
/// let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
/// state.open(Layer(1))?;
/// let mut forks = state.forks(2)?;
/// // two transactions on two forks, each paying a different account
/// for (fork, to) in forks.iter_mut().zip([1u8, 2]) {
///     fork.checkpoint()?;
///     fork.increase_balance(&Address([to; 20]), Amount(10))?;
///     fork.commit_tx()?;
/// }
/// let effects: Vec<_> = forks.iter_mut().map(|f| f.take_effects()).collect();
/// for e in effects {
///     assert!(state.still_valid(&e)?); // neither read what the other wrote
///     state.apply(e)?;
/// }
/// assert_eq!(state.account(&Address([2; 20]))?.unwrap().balance, Amount(10));
/// # Ok::<(), svm_storage::StorageError>(())
/// ```
pub trait ParallelState: WorldState + Sized + Send + 'static {
    /// `n` forks of the open layer as it is now. A fork can run transactions (checkpoint,
    /// reads, writes, `commit_tx`) but not open, commit or rewind a layer. Forks can be made
    /// again while earlier ones live (each later set sees what was applied since).
    fn forks(&mut self, n: usize) -> Result<Vec<Self>, StorageError>;

    /// On a fork: what the transaction run since the last call read and kept. The fork is
    /// back at the layer it was made from. Call it after each transaction: effects are one
    /// transaction's (a second one run before the call would read the first one's writes
    /// without recording them).
    fn take_effects(&mut self) -> Effects;

    /// Whether `effects`, from a fork made by any earlier [`forks`](Self::forks) of the open
    /// layer, still hold: nothing they read was changed here since that fork was made.
    fn still_valid(&self, effects: &Effects) -> Result<bool, StorageError>;

    /// Keeps `effects` (which must be [`still_valid`](Self::still_valid)) in the open layer,
    /// as the transaction that made them would have. Needs no running transaction.
    fn apply(&mut self, effects: Effects) -> Result<(), StorageError>;
}

impl<K: KVStore + 'static> ParallelState for GlobalState<K> {
    fn forks(&mut self, n: usize) -> Result<Vec<Self>, StorageError> {
        self.between_transactions("make forks")?;
        self.layer.freeze();
        Ok((0..n)
            .map(|_| GlobalState {
                kv: std::sync::Arc::clone(&self.kv),
                config: self.config,
                head: self.head,
                open: self.open,
                layer: self.layer.fork(),
                priors: Overlay::new(),
                tx: None,
                tree: self.tree.clone(),
                pruned: self.pruned,
                kept: Some(Vec::new()),
            })
            .collect())
    }

    fn take_effects(&mut self) -> Effects {
        self.tx = None;
        self.priors.clear();
        let reads = self.layer.take_fork();
        let kept = self.kept.as_mut().map(std::mem::take).unwrap_or_default();
        Effects {
            epoch: self.layer.epoch(),
            reads,
            kept,
        }
    }

    fn still_valid(&self, effects: &Effects) -> Result<bool, StorageError> {
        let (reads, epoch) = (&effects.reads, effects.epoch);
        if reads
            .keys
            .iter()
            .any(|k| self.layer.written_since(k, epoch))
        {
            return Ok(false);
        }
        if reads
            .walks
            .iter()
            .any(|map| self.layer.map_written_since(map, epoch))
        {
            return Ok(false);
        }
        for (key, read) in &reads.accounts {
            if !self.layer.written_since(key, epoch) {
                continue;
            }
            let now = self.layer.get(key).and_then(Option::as_deref);
            if !same_account(key, read.as_deref(), now)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn apply(&mut self, effects: Effects) -> Result<(), StorageError> {
        self.between_transactions("apply effects")?;
        for kept in effects.kept {
            let mut tx = self.new_tx();
            for (key, value) in kept.writes {
                let value = match value {
                    Some(bytes) if keys::is_account(&key) => {
                        Some(self.with_current_storage(&key, bytes)?)
                    }
                    other => other,
                };
                tx.writes.insert(key, value);
            }
            for addr in kept.maps_dirty {
                tx.maps_dirty.insert(addr, ());
            }
            self.keep(tx, kept.pages)?;
        }
        Ok(())
    }
}

impl<K: KVStore> GlobalState<K> {
    /// Checks that this is not a fork (which cannot `what`), a layer is open and no
    /// transaction runs.
    fn between_transactions(&self, what: &'static str) -> Result<(), StorageError> {
        if self.kept.is_some() {
            return Err(StorageError::Fork(what));
        }
        if self.open.is_none() {
            return Err(StorageError::NoOpenLayer);
        }
        if self.tx.is_some() {
            return Err(StorageError::TransactionActive);
        }
        Ok(())
    }

    /// Account record `bytes` (written by a fork) with the storage state the account has
    /// here: the fork kept what it read, and storage states are computed where effects are
    /// applied.
    fn with_current_storage(&self, key: &[u8], bytes: Vec<u8>) -> Result<Vec<u8>, StorageError> {
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        let Some(current) = view.get(key)? else {
            return Ok(bytes);
        };
        let addr = account_addr(key);
        let mut written = Account::decode(&addr, &bytes)?;
        written.storage = Account::decode(&addr, &current)?.storage;
        Ok(written.encode())
    }
}

fn account_addr(key: &[u8]) -> Address {
    let mut addr = [0u8; 20];
    addr.copy_from_slice(&key[1..21]);
    Address(addr)
}

/// Whether two records of one account agree on all a transaction can observe: everything
/// but the storage state, and whether that state is zero.
fn same_account(key: &[u8], a: Option<&[u8]>, b: Option<&[u8]>) -> Result<bool, StorageError> {
    Ok(match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let addr = account_addr(key);
            let (a, b) = (Account::decode(&addr, a)?, Account::decode(&addr, b)?);
            a.template == b.template
                && a.balance == b.balance
                && a.nonce == b.nonce
                && (a.storage == svm_types::State::zero())
                    == (b.storage == svm_types::State::zero())
        }
        _ => false,
    })
}
