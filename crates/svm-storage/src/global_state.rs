//! [`GlobalState`]: accounts, templates and account storage over a [`KVStore`], changed inside
//! transactions (checkpoints) inside layers.
//!
//! Reads see, newest first: the running transaction, the open layer's committed transactions,
//! then the store. Writes need a running transaction (see [`GlobalState::checkpoint`]); they
//! reach the open layer only when it is kept ([`GlobalState::commit_tx`]) and the store only
//! when the layer is committed ([`GlobalState::commit`], in `layer.rs`).

use std::{collections::BTreeMap, sync::Arc};

use svm_kv::KVStore;
use svm_types::{Address, Layer, State, TemplateAddr};

use crate::{
    Account, FixedLayout, StorageError, Template, WorldState,
    journal::Journaled,
    keys,
    layer_map::LayerMap,
    layout::VarId,
    page::{PageIndex, page_hash, trimmed},
    page_cache::{PageCache, PageSource},
    page_slice::{PageSliceCache, read_range, write_range},
    page_tree::PageTree,
};

pub(crate) use crate::layer_map::Overlay;

/// The settings of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageConfig {
    /// Bytes per storage page (default 4096). Fixed for the life of a store: reopening with
    /// another value is [`StorageError::ConfigMismatch`].
    pub page_size: u32,
    /// The rewind window: how many layers before the last committed one stay on record
    /// (rewind and proofs reach them). After each commit, what only older layers need (their
    /// undo logs, replaced tree nodes, roots) is deleted in bounded batches (`prune.rs`).
    /// `None` (the default) keeps every layer. A local setting, not consensus: it may differ
    /// between nodes and between runs (a larger window than before cannot bring pruned layers
    /// back).
    pub history: Option<u64>,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            page_size: crate::page::DEFAULT_PAGE_SIZE,
            history: None,
        }
    }
}

impl StorageConfig {
    /// The largest accepted page size (1 MiB).
    pub const MAX_PAGE_SIZE: u32 = 1 << 20;

    pub(crate) fn validate(&self) -> Result<(), StorageError> {
        if self.page_size == 0 || self.page_size > Self::MAX_PAGE_SIZE {
            return Err(StorageError::InvalidConfig(format!(
                "page size {} is outside 1..={}",
                self.page_size,
                Self::MAX_PAGE_SIZE
            )));
        }
        Ok(())
    }
}

/// One running transaction: its writes and its caches, all dropped on rollback.
#[derive(Debug)]
pub(crate) struct Tx {
    /// Record writes of this transaction.
    pub(crate) writes: Journaled<Vec<u8>, Option<Vec<u8>>>,
    /// Records read from the layer or the store during this transaction.
    pub(crate) reads: Overlay,
    pub(crate) pages: PageCache,
    pub(crate) slices: PageSliceCache,
    /// Accounts whose maps this transaction changed (their storage states need updating).
    pub(crate) maps_dirty: Journaled<Address, ()>,
    /// Savepoints open inside the transaction (`WorldState::savepoint`).
    pub(crate) savepoints: usize,
}

impl Tx {
    /// Runs `f` on each journaled part of the transaction (what a savepoint covers: the
    /// read cache only ever holds values from below the transaction, so it survives).
    fn each_part(&mut self, f: impl Fn(&mut dyn SavepointPart)) {
        f(&mut self.writes);
        f(&mut self.maps_dirty);
        f(self.pages.journal());
        f(self.slices.journal());
    }
}

/// One journaled part of a transaction.
pub(crate) trait SavepointPart {
    fn open(&mut self);
    fn rollback(&mut self);
    fn release(&mut self);
}

impl<K: Ord + Clone, V: Clone> SavepointPart for Journaled<K, V> {
    fn open(&mut self) {
        self.savepoint();
    }
    fn rollback(&mut self) {
        Journaled::rollback(self);
    }
    fn release(&mut self) {
        Journaled::release(self);
    }
}

/// The state of every account and template, with layers and per-transaction checkpoints.
///
/// ```
/// use svm_kv::MemoryStore;
/// use svm_storage::{FixedLayout, GlobalState, StorageConfig, WorldState};
/// use svm_types::{Address, Amount, Layer};
///
/// let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
/// let alice = Address([1; 20]);
/// state.open(Layer(1))?;
/// state.checkpoint()?;
/// state.increase_balance(&alice, Amount(100))?;
/// state.commit_tx()?;
/// let (layer, root) = state.commit()?;
/// assert_eq!(layer, Layer(1));
/// assert_eq!(state.account(&alice)?.unwrap().balance, Amount(100));
///
/// // A failed transaction leaves nothing behind.
/// state.open(Layer(2))?;
/// state.checkpoint()?;
/// state.increase_balance(&alice, Amount(5))?;
/// state.rollback()?;
/// assert_eq!(state.commit()?.1, root);
/// # Ok::<(), svm_storage::StorageError>(())
/// ```
#[derive(Debug)]
pub struct GlobalState<K: KVStore> {
    /// The store, shared with forks (`parallel.rs`), which only read it.
    pub(crate) kv: Arc<K>,
    pub(crate) config: StorageConfig,
    /// Last committed layer and its root.
    pub(crate) head: (Layer, State),
    /// The layer being built, if any.
    pub(crate) open: Option<Layer>,
    /// Writes of the open layer's kept transactions.
    pub(crate) layer: LayerMap,
    /// For keys of `layer` whose value before the layer a transaction already read: that
    /// value, so `commit` writes their undo records without reading the store again.
    pub(crate) priors: Overlay,
    /// The running transaction, if any.
    pub(crate) tx: Option<Tx>,
    /// The shape of every account's page tree.
    pub(crate) tree: PageTree,
    /// The oldest layer on record: every older one is pruned (`prune.rs`).
    pub(crate) pruned: Layer,
    /// In a fork (`parallel.rs`): each kept transaction's own writes, before the storage
    /// states they imply are computed (the state the fork came from computes them).
    pub(crate) kept: Option<Vec<KeptTx>>,
}

/// A kept transaction's own writes in a fork: records, dirty pages (full contents) and the
/// accounts whose maps changed. Applying them to the state the fork came from
/// ([`GlobalState::keep`]) computes page hashes, page trees and storage states there.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeptTx {
    pub(crate) writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    pub(crate) pages: BTreeMap<Address, Vec<(PageIndex, Vec<u8>)>>,
    pub(crate) maps_dirty: Vec<Address>,
}

/// The committed view plus the open layer: where the page cache loads from.
pub(crate) struct LayerView<'a, K: ?Sized> {
    pub(crate) kv: &'a K,
    pub(crate) layer: &'a LayerMap,
}

impl<K: KVStore + ?Sized> LayerView<'_, K> {
    pub(crate) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        if let Some(v) = self.layer.get_recent(key) {
            return Ok(v.clone());
        }
        let value = match self.layer.get_frozen(key) {
            Some(v) => v.clone(),
            None => self.kv.get(key)?,
        };
        self.layer.note_read(key, &value);
        Ok(value)
    }
}

impl<K: KVStore + ?Sized> PageSource for LayerView<'_, K> {
    fn load_page(&self, addr: &Address, index: PageIndex) -> Result<Option<Vec<u8>>, StorageError> {
        self.get(&keys::page(addr, index))
    }
}

impl<K: KVStore> GlobalState<K> {
    /// The store's settings.
    pub fn config(&self) -> StorageConfig {
        self.config
    }

    /// The key-value store underneath.
    pub fn kv(&self) -> &K {
        &self.kv
    }

    fn tx_mut(&mut self) -> Result<&mut Tx, StorageError> {
        self.tx.as_mut().ok_or(StorageError::NoTransaction)
    }

    /// Reads a record key through the transaction, the open layer and the store.
    pub(crate) fn get_record(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        match self.tx.as_mut() {
            Some(tx) => tx_get(tx, &view, key),
            None => view.get(key),
        }
    }

    fn put_record(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StorageError> {
        self.tx_mut()?.writes.insert(key, Some(value));
        Ok(())
    }

    // ----- account storage ----------------------------------------------------------------

    pub(crate) fn require_account(&mut self, addr: &Address) -> Result<(), StorageError> {
        match self.get_record(&keys::account(addr))? {
            Some(_) => Ok(()),
            None => Err(StorageError::AccountNotFound(*addr)),
        }
    }

    /// Raw page access to the `len` bytes at `offset` of an existing account's storage in the
    /// running transaction: pushes the variables of that range (laid out by `layout`) into the
    /// pages first, so raw bytes and variables never disagree, then runs `access` on the page
    /// cache.
    fn with_account_pages<T>(
        &mut self,
        addr: &Address,
        range: (&FixedLayout, u32, u32),
        access: impl FnOnce(&mut PageCache, &dyn PageSource, u32) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        self.require_account(addr)?;
        let page_size = self.config.page_size;
        let tx = self.tx.as_mut().ok_or(StorageError::NoTransaction)?;
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        let (layout, offset, len) = range;
        let vars = layout.vars_in(offset, len);
        tx.slices
            .flush(Some((addr, vars)), &mut tx.pages, &view, page_size)?;
        access(&mut tx.pages, &view, page_size)
    }

    /// Pages held by the running transaction's page cache (0 without a transaction).
    pub fn cached_pages(&self) -> usize {
        self.tx.as_ref().map_or(0, |tx| tx.pages.len())
    }

    /// Keeps transaction `tx` (its slices flushed) with its dirty `pages` in the open layer:
    /// dirty pages get new hashes, and every account whose pages or maps changed its new
    /// storage state.
    pub(crate) fn keep(
        &mut self,
        mut tx: Tx,
        pages: BTreeMap<Address, Vec<(PageIndex, Vec<u8>)>>,
    ) -> Result<(), StorageError> {
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        // the new page hashes of every account with dirty pages, then every account whose
        // pages or maps changed gets its new storage state
        let mut changed: BTreeMap<Address, BTreeMap<u32, [u8; 32]>> = BTreeMap::new();
        for (addr, pages) in pages {
            let leaves = changed.entry(addr).or_default();
            for (index, content) in pages {
                if u64::from(index.0) >= self.tree.capacity() {
                    return Err(StorageError::Corrupt(format!(
                        "page {} of {addr} is past the largest account storage",
                        index.0
                    )));
                }
                let used = trimmed(&content);
                let key = keys::page(&addr, index);
                if used.is_empty() {
                    leaves.insert(index.0, [0u8; 32]);
                    tx.writes.insert(key, None);
                } else {
                    leaves.insert(index.0, page_hash(&addr, index, used));
                    tx.writes.insert(key, Some(used.to_vec()));
                }
            }
        }
        for addr in tx.maps_dirty.take().into_keys() {
            changed.entry(addr).or_default();
        }
        for (addr, leaves) in changed {
            let mut nodes = Vec::new();
            let page_root = self.tree.update(
                leaves,
                |level, index| tx_get(&mut tx, &view, &keys::page_node(&addr, level, index)),
                |level, index, record| nodes.push((level, index, record)),
            )?;
            for (level, index, record) in nodes {
                tx.writes
                    .insert(keys::page_node(&addr, level, index), record);
            }
            let maps_root = crate::maps::maps_root(&mut tx, &view, &addr)?;
            let account_key = keys::account(&addr);
            let mut account = match tx_get(&mut tx, &view, &account_key)? {
                Some(bytes) => Account::decode(&addr, &bytes)?,
                None => return Err(StorageError::AccountNotFound(addr)),
            };
            account.storage = svm_proof::storage_state_with_maps(&addr, &page_root, &maps_root);
            tx.writes.insert(account_key, Some(account.encode()));
        }
        // A key not in the layer yet was read from the store itself (reads see the layer
        // first): what the transaction read is its value before the layer.
        for key in tx.writes.keys() {
            if !self.layer.contains_key(key)
                && let Some(prior) = tx.reads.get(key)
            {
                self.priors.insert(key.clone(), prior.clone());
            }
        }
        self.layer.extend(tx.writes.take());
        Ok(())
    }

    fn not_fork(&self, what: &'static str) -> Result<(), StorageError> {
        match self.kept {
            Some(_) => Err(StorageError::Fork(what)),
            None => Ok(()),
        }
    }

    /// A new, empty transaction.
    pub(crate) fn new_tx(&self) -> Tx {
        Tx {
            writes: Journaled::new(),
            reads: Overlay::new(),
            pages: PageCache::new(self.config.page_size),
            slices: PageSliceCache::new(),
            maps_dirty: Journaled::new(),
            savepoints: 0,
        }
    }
}

impl<K: KVStore> WorldState for GlobalState<K> {
    fn page_size(&self) -> u32 {
        self.config.page_size
    }

    fn open(&mut self, layer: Layer) -> Result<(), StorageError> {
        self.not_fork("open a layer")?;
        self.open_layer(layer)
    }

    fn pending_root(&self) -> Result<State, StorageError> {
        self.layer_pending_root()
    }

    fn commit(&mut self) -> Result<(Layer, State), StorageError> {
        self.not_fork("commit a layer")?;
        self.commit_layer()
    }

    fn rewind(&mut self, layer: Layer) -> Result<State, StorageError> {
        self.not_fork("rewind")?;
        self.rewind_to(layer)
    }

    /// The last committed layer.
    fn last_layer(&self) -> Layer {
        self.head.0
    }

    /// The global root after the last committed layer.
    fn root(&self) -> State {
        self.head.1
    }

    /// The layer being built, if one is open.
    fn current_layer(&self) -> Option<Layer> {
        self.open
    }

    fn layer_root(&self, layer: Layer) -> Result<Option<State>, StorageError> {
        GlobalState::layer_root(self, layer)
    }

    /// Whether a transaction is running.
    fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    // ----- transactions -----------------------------------------------------------------

    /// Starts a transaction (a checkpoint inside the open layer). Its writes are kept by
    /// [`commit_tx`](Self::commit_tx) or dropped by [`rollback`](Self::rollback).
    ///
    /// Without an open layer a transaction can still read (and write into its own caches),
    /// for read-only work such as verifying a transaction; only `commit_tx` needs the layer.
    fn checkpoint(&mut self) -> Result<(), StorageError> {
        if self.tx.is_some() {
            return Err(StorageError::TransactionActive);
        }
        self.tx = Some(self.new_tx());
        Ok(())
    }

    /// Opens a savepoint: a nested call's changes, kept or dropped on their own.
    fn savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        tx.each_part(|p| p.open());
        tx.savepoints += 1;
        Ok(())
    }

    /// Drops every change since the innermost savepoint.
    fn rollback_savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        if tx.savepoints == 0 {
            return Err(StorageError::NoSavepoint);
        }
        tx.each_part(|p| p.rollback());
        tx.savepoints -= 1;
        Ok(())
    }

    /// Keeps the changes since the innermost savepoint in the enclosing level.
    fn release_savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        if tx.savepoints == 0 {
            return Err(StorageError::NoSavepoint);
        }
        tx.each_part(|p| p.release());
        tx.savepoints -= 1;
        Ok(())
    }

    /// Drops every change of the running transaction.
    fn rollback(&mut self) -> Result<(), StorageError> {
        self.tx
            .take()
            .map(|_| ())
            .ok_or(StorageError::NoTransaction)
    }

    /// Keeps the running transaction's changes in the open layer: dirty variables go into
    /// their pages, dirty pages get new hashes, and every touched account its new storage
    /// state. On error the transaction is rolled back.
    fn commit_tx(&mut self) -> Result<(), StorageError> {
        if self.tx.is_some() && self.open.is_none() {
            self.tx = None;
            return Err(StorageError::NoOpenLayer);
        }
        let mut tx = self.tx.take().ok_or(StorageError::NoTransaction)?;
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        let page_size = self.config.page_size;
        tx.slices.flush(None, &mut tx.pages, &view, page_size)?;
        let pages = tx.pages.take_dirty();
        if let Some(kept) = self.kept.as_mut() {
            // a fork: the transaction's own writes, pages as records, nothing computed
            let record = KeptTx {
                writes: tx.writes.take(),
                pages,
                maps_dirty: tx.maps_dirty.take().into_keys().collect(),
            };
            let mut writes = record.writes.clone();
            for (addr, pages) in &record.pages {
                for (index, content) in pages {
                    let used = trimmed(content);
                    writes.insert(
                        keys::page(addr, *index),
                        (!used.is_empty()).then(|| used.to_vec()),
                    );
                }
            }
            kept.push(record);
            self.layer.extend(writes);
            return Ok(());
        }
        self.keep(tx, pages)
    }

    // ----- accounts and templates ---------------------------------------------------------

    /// The account at `addr`, if it exists.
    fn account(&mut self, addr: &Address) -> Result<Option<Account>, StorageError> {
        Ok(self
            .get_record(&keys::account(addr))?
            .map(|bytes| Account::decode(addr, &bytes))
            .transpose()?)
    }

    /// Writes the account at `addr` (creating it if needed). Needs a transaction.
    ///
    /// The storage state is the caller's to keep as read: variable writes update it at
    /// [`commit_tx`](Self::commit_tx).
    fn set_account(&mut self, addr: &Address, account: &Account) -> Result<(), StorageError> {
        self.put_record(keys::account(addr), account.encode())
    }

    /// The template at `addr`, if deployed.
    fn template(&mut self, addr: &TemplateAddr) -> Result<Option<Template>, StorageError> {
        self.get_record(&keys::template(addr))?
            .map(|bytes| Template::decode(addr, &bytes))
            .transpose()
    }

    /// Stores a template at `addr`. Needs a transaction.
    fn put_template(
        &mut self,
        addr: &TemplateAddr,
        template: &Template,
    ) -> Result<(), StorageError> {
        self.put_record(keys::template(addr), template.encode())
    }

    /// The value of variable `var` of `addr`, laid out by `layout`. Needs a transaction.
    fn read_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
    ) -> Result<Vec<u8>, StorageError> {
        let slot = layout.var(var)?;
        self.require_account(addr)?;
        let page_size = self.config.page_size;
        let tx = self.tx.as_mut().ok_or(StorageError::NoTransaction)?;
        let view = LayerView {
            kv: &*self.kv,
            layer: &self.layer,
        };
        tx.slices
            .read(addr, var, slot, &mut tx.pages, &view, page_size)
    }

    /// Sets variable `var` of `addr` to `value` (exactly the variable's size). Needs a
    /// transaction.
    fn write_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
        value: &[u8],
    ) -> Result<(), StorageError> {
        let slot = layout.var(var)?;
        self.require_account(addr)?;
        self.tx_mut()?.slices.write(addr, var, slot, value)
    }

    /// `len` raw bytes at `offset` of the storage of `addr`. Needs a transaction.
    fn read_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        len: u32,
    ) -> Result<Vec<u8>, StorageError> {
        layout.check_range(offset, len)?;
        self.with_account_pages(addr, (layout, offset, len), |pages, view, page_size| {
            read_range(addr, offset, len, pages, view, page_size)
        })
    }

    /// Writes raw `data` at `offset` of the storage of `addr`. Needs a transaction.
    fn write_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        data: &[u8],
    ) -> Result<(), StorageError> {
        let len = layout.check_data(offset, data)?;
        self.with_account_pages(addr, (layout, offset, len), |pages, view, page_size| {
            write_range(addr, offset, data, pages, view, page_size)
        })
    }

    fn emit_event(&mut self, event: &svm_proof::Event) -> Result<u32, StorageError> {
        self.put_event(event)
    }

    fn events_summary(
        &mut self,
        layer: Layer,
    ) -> Result<Option<svm_proof::EventsSummary>, StorageError> {
        self.summary_of(layer)
    }

    fn layer_events(
        &mut self,
        layer: Layer,
        from: u32,
        limit: usize,
    ) -> Result<Vec<(u32, svm_proof::Event)>, StorageError> {
        self.events_of(layer, from, limit)
    }

    fn map_get(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_map_entry(addr, map, key)
    }

    fn map_set(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<crate::MapWrite, StorageError> {
        self.set_map_entry(addr, map, key, value)
    }

    fn map_range(
        &mut self,
        addr: &Address,
        map: u32,
        from: &[u8],
        limit: usize,
    ) -> Result<crate::MapScan, StorageError> {
        self.map_entries(addr, map, from, limit)
    }
}

/// Reads a record key through the transaction's writes, its read cache, then `view`, caching
/// what `view` returned.
pub(crate) fn tx_get<K: KVStore + ?Sized>(
    tx: &mut Tx,
    view: &LayerView<'_, K>,
    key: &[u8],
) -> Result<Option<Vec<u8>>, StorageError> {
    if let Some(v) = tx.writes.get(key) {
        return Ok(v.clone());
    }
    if let Some(v) = tx.reads.get(key) {
        return Ok(v.clone());
    }
    let v = view.get(key)?;
    tx.reads.insert(key.to_vec(), v.clone());
    Ok(v)
}
