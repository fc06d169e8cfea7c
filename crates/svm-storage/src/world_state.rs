//! [`WorldState`]: what the runtime and the host ABI need of state, as one trait.
//!
//! `svm-runtime` is generic over this trait, so a chain can run svm over its own state model
//! (its own tree, key layout or account records) without touching the runtime.
//! [`GlobalState`](crate::GlobalState) is the default implementation: pages, page caches, a
//! page tree per account and a Jellyfish Merkle root over a [`svm_kv::KVStore`].

use svm_types::{Address, Amount, Layer, State, TemplateAddr};

use svm_proof::{Event, EventsSummary};

use crate::{Account, FixedLayout, StorageError, Template, VarId};

/// A map entry: its key and its value.
pub type MapEntry = (Vec<u8>, Vec<u8>);

/// The longest key a map entry may have, in bytes.
pub const MAX_MAP_KEY_LEN: u32 = 512;

/// The longest value a map entry may have, in bytes.
pub const MAX_MAP_VALUE_LEN: u32 = 65_536;

/// What [`WorldState::map_set`] did: the value the key held, and the work, which the host ABI
/// prices (`docs/spec/host-abi.md`, Collections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapWrite {
    /// What the key held before.
    pub previous: Option<Vec<u8>>,
    /// The key's levels in its map's trie plus the map id's levels in the account's maps
    /// trie ([`svm_proof::trie_levels`]): the branches the change walked and rewrote. They
    /// follow from the content alone, so every implementation reports the same.
    pub levels: u32,
}

/// What [`WorldState::map_range`] found: the entries, and the work of finding them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapScan {
    /// Up to `limit` entries, in key byte order.
    pub entries: Vec<MapEntry>,
    /// Keys of the map removed in the open layer (by the running transaction or an earlier
    /// one of the layer, and not set again since) that the walk stepped over: between the
    /// cursor and the last entry returned, or to the map's end when fewer than `limit` were
    /// found. A committed store still holds them until the layer commits, so each costs the
    /// walk a step.
    pub removed: u64,
    /// The bytes (key and value) the committed state held for those removed keys: what the
    /// walk reads of the store to step over them (0 for a key that came and went within
    /// the layer).
    pub removed_bytes: u64,
}

/// The state the runtime executes against: accounts, templates and account storage, changed
/// inside transactions (checkpoints) inside layers.
///
/// The contract between runtime and state:
/// - **Layers.** [`open`](Self::open) starts the layer after the last committed one;
///   [`commit`](Self::commit) makes it durable in one atomic step and returns its root;
///   [`rewind`](Self::rewind) returns to an earlier committed layer.
/// - **Transactions.** Writes happen only inside a transaction started by
///   [`checkpoint`](Self::checkpoint). [`commit_tx`](Self::commit_tx) keeps its changes in
///   the open layer (and updates each changed account's [`Account::storage`] commitment);
///   [`rollback`](Self::rollback) drops them, leaving the state exactly as before.
///   [`savepoint`](Self::savepoint)s nest inside a transaction, for nested calls. Reads see
///   the running transaction, then the open layer, then committed state. A transaction may
///   run without an open layer for read-only work (the runtime's verify), but only
///   `rollback` ends it then.
/// - **Errors.** A contract's deterministic fault is one of the variants
///   [`StorageError::is_node_fault`] calls not a node fault (unknown variable, range,
///   length, funds); anything else is the node's own failure, which the runtime returns as
///   an `Err` instead of a receipt. An implementation reports its own failures as
///   [`StorageError::Backend`] (or `Kv`, `Corrupt`).
/// - **Determinism.** Same calls, same results and roots, on every node: no iteration order
///   of a hash map, no clock, no randomness in anything returned.
///
/// Prices are the runtime's: an implementation should cost about what `GlobalState` costs
/// per operation (see `docs/spec/gas.md`), or the chain must reprice.
///
/// ```
/// use svm_kv::MemoryStore;
/// use svm_storage::{GlobalState, StorageConfig, WorldState};
/// use svm_types::{Address, Amount, Layer};
///
/// // Code generic over the trait runs on any implementation.
/// fn pay<S: WorldState>(state: &mut S, to: &Address) -> Result<(), svm_storage::StorageError> {
///     state.checkpoint()?;
///     state.increase_balance(to, Amount(10))?;
///     state.commit_tx()
/// }
///
/// let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
/// state.open(Layer(1))?;
/// pay(&mut state, &Address([1; 20]))?;
/// state.commit()?;
/// assert_eq!(state.account(&Address([1; 20]))?.unwrap().balance, Amount(10));
/// # Ok::<(), svm_storage::StorageError>(())
/// ```
pub trait WorldState {
    /// Bytes per storage page: the unit the runtime prices cold and first-written storage
    /// in.
    fn page_size(&self) -> u32;

    // ----- layers ---------------------------------------------------------------------------

    /// The last committed layer.
    fn last_layer(&self) -> Layer;

    /// The global root after the last committed layer.
    fn root(&self) -> State;

    /// The layer being built, if one is open.
    fn current_layer(&self) -> Option<Layer>;

    /// The root recorded for committed `layer`, if that layer was committed (and not rewound
    /// away). Layer 0 is the genesis.
    fn layer_root(&self, layer: Layer) -> Result<Option<State>, StorageError>;

    /// Starts building `layer`, which must be the last committed layer + 1.
    fn open(&mut self, layer: Layer) -> Result<(), StorageError>;

    /// The global root the open layer would have if committed now (kept transactions
    /// only). Changes nothing.
    fn pending_root(&self) -> Result<State, StorageError>;

    /// Commits the open layer atomically: the layer and its new global root. A running
    /// transaction must be ended first.
    fn commit(&mut self) -> Result<(Layer, State), StorageError>;

    /// Returns to committed `layer`, removing every later one (an open layer and a running
    /// transaction are dropped): that layer's root.
    fn rewind(&mut self, layer: Layer) -> Result<State, StorageError>;

    // ----- transactions ---------------------------------------------------------------------

    /// Whether a transaction is running.
    fn in_transaction(&self) -> bool;

    /// Starts a transaction. Fails if one is running.
    fn checkpoint(&mut self) -> Result<(), StorageError>;

    /// Drops every change of the running transaction.
    fn rollback(&mut self) -> Result<(), StorageError>;

    /// Keeps the running transaction's changes in the open layer, with each changed
    /// account's storage commitment updated. On error the transaction is dropped.
    fn commit_tx(&mut self) -> Result<(), StorageError>;

    /// Appends `event` to the open layer's events in the running transaction (dropped with
    /// it, or with a rolled-back savepoint): its index in the layer, in emission order. It
    /// must expire after the open layer and have at most four topics
    /// ([`StorageError::InvalidEvent`]). At the commit of layer `event.expires` it is deleted.
    fn emit_event(&mut self, event: &Event) -> Result<u32, StorageError>;

    /// The events summary of committed `layer` (count, live count, root, bloom), `None` when
    /// the layer has no live event.
    fn events_summary(&mut self, layer: Layer) -> Result<Option<EventsSummary>, StorageError>;

    /// Up to `limit` live events of committed `layer` whose index is `>= from`, in index
    /// order, as of the last commit.
    fn layer_events(
        &mut self,
        layer: Layer,
        from: u32,
        limit: usize,
    ) -> Result<Vec<(u32, Event)>, StorageError>;

    /// Opens a savepoint inside the running transaction: the changes after it can be
    /// dropped on their own ([`rollback_savepoint`](Self::rollback_savepoint)) or kept in
    /// the enclosing level ([`release_savepoint`](Self::release_savepoint)). Savepoints
    /// nest; the runtime opens one per contract-to-contract call, so a failed callee undoes
    /// exactly its own changes. The work of a savepoint must be proportional to what
    /// changes under it, never to the transaction's size. Ending the transaction
    /// ([`commit_tx`](Self::commit_tx), [`rollback`](Self::rollback)) closes any still open
    /// (committing keeps their changes).
    fn savepoint(&mut self) -> Result<(), StorageError>;

    /// Drops every change since the innermost open savepoint and closes it
    /// ([`StorageError::NoSavepoint`] without one).
    fn rollback_savepoint(&mut self) -> Result<(), StorageError>;

    /// Closes the innermost open savepoint, keeping its changes
    /// ([`StorageError::NoSavepoint`] without one).
    fn release_savepoint(&mut self) -> Result<(), StorageError>;

    // ----- accounts and templates -----------------------------------------------------------

    /// The account at `addr`, if it exists.
    fn account(&mut self, addr: &Address) -> Result<Option<Account>, StorageError>;

    /// Writes the account at `addr`, creating it if needed. Needs a transaction. Its
    /// [`Account::storage`] is the caller's to keep as read: storage writes update it at
    /// [`commit_tx`](Self::commit_tx).
    fn set_account(&mut self, addr: &Address, account: &Account) -> Result<(), StorageError>;

    /// Adds `amount` to the balance of `addr`; an address without an account gets a
    /// template-less account holding `amount`. Needs a transaction.
    fn increase_balance(&mut self, addr: &Address, amount: Amount) -> Result<(), StorageError> {
        let mut account = self.account(addr)?.unwrap_or_default();
        account.balance = account
            .balance
            .checked_add(amount)
            .ok_or(StorageError::BalanceOverflow(*addr))?;
        self.set_account(addr, &account)
    }

    /// Takes `amount` from the balance of `addr`. Needs a transaction.
    fn decrease_balance(&mut self, addr: &Address, amount: Amount) -> Result<(), StorageError> {
        let mut account = self
            .account(addr)?
            .ok_or(StorageError::AccountNotFound(*addr))?;
        account.balance =
            account
                .balance
                .checked_sub(amount)
                .ok_or(StorageError::InsufficientFunds {
                    addr: *addr,
                    balance: account.balance,
                    amount,
                })?;
        self.set_account(addr, &account)
    }

    /// The template at `addr`, if deployed.
    fn template(&mut self, addr: &TemplateAddr) -> Result<Option<Template>, StorageError>;

    /// Stores a template at `addr`. Needs a transaction.
    fn put_template(
        &mut self,
        addr: &TemplateAddr,
        template: &Template,
    ) -> Result<(), StorageError>;

    // ----- account storage ------------------------------------------------------------------

    /// The value of variable `var` of existing account `addr`, laid out by `layout`. Needs
    /// a transaction.
    fn read_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
    ) -> Result<Vec<u8>, StorageError>;

    /// Sets variable `var` of existing account `addr` to `value` (exactly the variable's
    /// size). Needs a transaction.
    fn write_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
        value: &[u8],
    ) -> Result<(), StorageError>;

    /// `len` raw bytes at `offset` of the storage of existing account `addr`, inside
    /// `layout`'s size. Needs a transaction.
    fn read_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        len: u32,
    ) -> Result<Vec<u8>, StorageError>;

    /// Writes raw `data` at `offset` of the storage of existing account `addr`, inside
    /// `layout`'s size. Needs a transaction.
    fn write_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        data: &[u8],
    ) -> Result<(), StorageError>;

    // ----- maps (unbounded collections, `maps.rs`) ----------------------------------------

    /// The value of `key` in map `map` of existing account `addr`, if any.
    fn map_get(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StorageError>;

    /// Sets (`Some`) or removes (`None`) `key` in map `map` of existing account `addr`, and
    /// returns what it held and the work ([`MapWrite`]). The account's storage state, which
    /// commits to its maps, follows at `commit_tx`. Needs a transaction. A key longer than
    /// [`MAX_MAP_KEY_LEN`] or a value longer than [`MAX_MAP_VALUE_LEN`] is refused
    /// ([`StorageError::MapEntryTooLong`]).
    fn map_set(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<MapWrite, StorageError>;

    /// Up to `limit` entries of map `map` of existing account `addr` with keys `>= from`, in
    /// key byte order (resume after the last key: it with a zero byte appended), and the
    /// removed keys stepped over ([`MapScan`]).
    fn map_range(
        &mut self,
        addr: &Address,
        map: u32,
        from: &[u8],
        limit: usize,
    ) -> Result<MapScan, StorageError>;
}
