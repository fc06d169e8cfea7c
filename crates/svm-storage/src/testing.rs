//! Test kit (feature `testing`): [`MockState`], a [`WorldState`] kept in plain ordered maps.
//!
//! It proves the seam between the runtime and state: the runtime's end-to-end tests run on
//! it as on [`GlobalState`](crate::GlobalState), with the same receipts except for storage
//! commitments and roots, which are its own. It is a reference model, not a store: every
//! checkpoint copies the whole state (`O(state)` per transaction) and nothing is persisted.
//!
//! ```
//! use svm_storage::{FixedLayout, WorldState, testing::MockState};
//! use svm_types::{Address, Amount, Layer};
//!
//! let mut state = MockState::new(4096);
//! let alice = Address([1; 20]);
//! state.open(Layer(1))?;
//! state.checkpoint()?;
//! state.increase_balance(&alice, Amount(7))?;
//! state.write_var(&alice, &FixedLayout::new(&[8])?, 0, &[1; 8])?;
//! state.commit_tx()?;
//! let (_, root) = state.commit()?;
//! assert_eq!(state.account(&alice)?.unwrap().balance, Amount(7));
//! assert_ne!(state.account(&alice)?.unwrap().storage, svm_types::State::zero());
//! assert_eq!(state.rewind(Layer(0))?, svm_types::State::zero());
//! assert_ne!(root, svm_types::State::zero());
//! # Ok::<(), svm_storage::StorageError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use sha3::{Digest, Sha3_256};
use svm_types::{Address, Layer, State, TemplateAddr};

use svm_proof::{Event, EventsSummary, map_entry_key, map_id_key, trie_levels};

use crate::{
    Account, FixedLayout, MAX_MAP_KEY_LEN, MAX_MAP_VALUE_LEN, MapEntry, MapScan, MapWrite,
    StorageError, Template, VarId, WorldState,
};

/// Everything a [`MockState`] holds at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Snapshot {
    accounts: BTreeMap<Address, Account>,
    templates: BTreeMap<TemplateAddr, Template>,
    /// Each account's storage bytes, as long as the furthest byte ever written.
    storage: BTreeMap<Address, Vec<u8>>,
    /// Each account's non-empty maps.
    maps: BTreeMap<(Address, u32), BTreeMap<Vec<u8>, Vec<u8>>>,
    /// Map keys removed in the open layer and not set again since (what a map walk steps
    /// over, [`crate::MapScan::removed`]); empty in every committed layer.
    removed: BTreeSet<(Address, u32, Vec<u8>)>,
    /// The open layer's events, in emission order (empty in every committed layer).
    pending_events: Vec<Event>,
    /// Live events of committed layers, by (layer, index).
    events: BTreeMap<(Layer, u32), Event>,
    /// Summaries of committed layers with live events.
    summaries: BTreeMap<Layer, EventsSummary>,
}

impl Snapshot {
    /// A commitment to everything, in map order (so the same for the same content).
    fn root(&self) -> State {
        if self == &Snapshot::default() {
            return State::zero();
        }
        let mut h = Sha3_256::new();
        for (addr, account) in &self.accounts {
            h.update(b"A");
            h.update(addr.as_bytes());
            h.update(account.encode());
        }
        for (layer, summary) in &self.summaries {
            h.update(b"W");
            h.update(layer.0.to_be_bytes());
            h.update(summary.encode());
        }
        for (addr, template) in &self.templates {
            let bytes = template.encode();
            h.update(b"T");
            h.update(addr.as_bytes());
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        }
        State(h.finalize().into())
    }

    fn storage_state(&self, addr: &Address) -> State {
        let bytes = self.storage.get(addr).map_or(&[][..], Vec::as_slice);
        let used = bytes.len() - bytes.iter().rev().take_while(|b| **b == 0).count();
        let maps = self.maps.range((*addr, 0)..=(*addr, u32::MAX));
        if used == 0 && maps.clone().next().is_none() {
            return State::zero();
        }
        let mut h = Sha3_256::new();
        h.update(b"mock storage");
        h.update(addr.as_bytes());
        h.update(&bytes[..used]);
        for ((_, map), entries) in maps {
            // after the bytes: a length keeps them apart from the maps
            h.update(b"mock maps");
            h.update((used as u64).to_be_bytes());
            h.update(map.to_be_bytes());
            for (k, v) in entries {
                h.update((k.len() as u64).to_be_bytes());
                h.update(k);
                h.update((v.len() as u64).to_be_bytes());
                h.update(v);
            }
        }
        State(h.finalize().into())
    }
}

/// The running transaction: its copy of the state and the accounts whose storage it wrote.
#[derive(Debug)]
struct Tx {
    state: Snapshot,
    written: BTreeSet<Address>,
    /// A copy of `state` and `written` per open savepoint, innermost last.
    savepoints: Vec<(Snapshot, BTreeSet<Address>)>,
}

/// A [`WorldState`] in ordered maps, with whole-state copies for transactions and layers.
#[derive(Debug)]
pub struct MockState {
    page_size: u32,
    /// Every committed layer, oldest first: layer 0 (empty) and each later one.
    history: Vec<(Layer, State, Snapshot)>,
    /// The open layer's state.
    open: Option<(Layer, Snapshot)>,
    tx: Option<Tx>,
}

impl MockState {
    /// An empty state at layer 0, reporting `page_size` to the runtime.
    pub fn new(page_size: u32) -> Self {
        Self {
            page_size,
            history: vec![(Layer::ZERO, State::zero(), Snapshot::default())],
            open: None,
            tx: None,
        }
    }

    fn head(&self) -> &(Layer, State, Snapshot) {
        // `history` starts with layer 0 and `rewind` never removes it
        &self.history[self.history.len() - 1]
    }

    /// What reads see: the transaction, else the open layer, else the last commit.
    fn view(&self) -> &Snapshot {
        match (&self.tx, &self.open) {
            (Some(tx), _) => &tx.state,
            (None, Some((_, layer))) => layer,
            (None, None) => &self.head().2,
        }
    }

    /// What reads see, when account `addr` exists there.
    fn existing(&self, addr: &Address) -> Result<&Snapshot, StorageError> {
        let view = self.view();
        if !view.accounts.contains_key(addr) {
            return Err(StorageError::AccountNotFound(*addr));
        }
        Ok(view)
    }

    fn tx_mut(&mut self) -> Result<&mut Tx, StorageError> {
        self.tx.as_mut().ok_or(StorageError::NoTransaction)
    }

    /// The transaction's storage of existing account `addr`, at least `end` bytes long.
    fn storage_mut(&mut self, addr: &Address, end: u32) -> Result<&mut Vec<u8>, StorageError> {
        let tx = self.tx_mut()?;
        if !tx.state.accounts.contains_key(addr) {
            return Err(StorageError::AccountNotFound(*addr));
        }
        tx.written.insert(*addr);
        let bytes = tx.state.storage.entry(*addr).or_default();
        if bytes.len() < end as usize {
            bytes.resize(end as usize, 0);
        }
        Ok(bytes)
    }

    fn read(&mut self, addr: &Address, offset: u32, len: u32) -> Result<Vec<u8>, StorageError> {
        let tx = self.tx_mut()?;
        if !tx.state.accounts.contains_key(addr) {
            return Err(StorageError::AccountNotFound(*addr));
        }
        let bytes = tx.state.storage.get(addr).map_or(&[][..], Vec::as_slice);
        let mut out = vec![0u8; len as usize];
        let start = (offset as usize).min(bytes.len());
        let end = (offset as usize + len as usize).min(bytes.len());
        out[..end - start].copy_from_slice(&bytes[start..end]);
        Ok(out)
    }
}

impl WorldState for MockState {
    fn page_size(&self) -> u32 {
        self.page_size
    }

    fn last_layer(&self) -> Layer {
        self.head().0
    }

    fn root(&self) -> State {
        self.head().1
    }

    fn current_layer(&self) -> Option<Layer> {
        self.open.as_ref().map(|(l, _)| *l)
    }

    fn layer_root(&self, layer: Layer) -> Result<Option<State>, StorageError> {
        Ok(self
            .history
            .iter()
            .find(|(l, _, _)| *l == layer)
            .map(|(_, root, _)| *root))
    }

    fn open(&mut self, layer: Layer) -> Result<(), StorageError> {
        if let Some((open, _)) = &self.open {
            return Err(StorageError::LayerAlreadyOpen(*open));
        }
        let expected = self.head().0.next().ok_or(StorageError::LayerOverflow)?;
        if layer != expected {
            return Err(StorageError::LayerNotNext {
                expected,
                got: layer,
            });
        }
        self.open = Some((layer, self.head().2.clone()));
        Ok(())
    }

    fn pending_root(&self) -> Result<State, StorageError> {
        let (_, layer) = self.open.as_ref().ok_or(StorageError::NoOpenLayer)?;
        Ok(layer.root())
    }

    fn commit(&mut self) -> Result<(Layer, State), StorageError> {
        if self.tx.is_some() {
            return Err(StorageError::TransactionActive);
        }
        let (layer, mut state) = self.open.take().ok_or(StorageError::NoOpenLayer)?;
        state.removed.clear();
        let emitted = std::mem::take(&mut state.pending_events);
        if !emitted.is_empty() {
            let mut bloom = [0u8; svm_proof::BLOOM_BYTES];
            let hashes: Vec<_> = emitted
                .iter()
                .map(|e| {
                    e.add_to(&mut bloom);
                    e.hash()
                })
                .collect();
            let count = emitted.len() as u32;
            state.summaries.insert(
                layer,
                EventsSummary {
                    count,
                    live: count,
                    root: svm_proof::events_root(&hashes),
                    bloom,
                },
            );
            for (seq, e) in emitted.into_iter().enumerate() {
                state.events.insert((layer, seq as u32), e);
            }
        }
        let expired: Vec<(Layer, u32)> = state
            .events
            .iter()
            .filter(|(_, e)| e.expires == layer)
            .map(|(k, _)| *k)
            .collect();
        for (emitted_in, seq) in expired {
            state.events.remove(&(emitted_in, seq));
            if let Some(summary) = state.summaries.get_mut(&emitted_in) {
                summary.live -= 1;
                if summary.live == 0 {
                    state.summaries.remove(&emitted_in);
                }
            }
        }
        let root = state.root();
        self.history.push((layer, root, state));
        Ok((layer, root))
    }

    fn rewind(&mut self, layer: Layer) -> Result<State, StorageError> {
        let last = self.head().0;
        let Some(keep) = self.history.iter().position(|(l, _, _)| *l == layer) else {
            return Err(StorageError::RewindBeyondHead {
                requested: layer,
                last,
            });
        };
        self.history.truncate(keep + 1);
        self.open = None;
        self.tx = None;
        Ok(self.head().1)
    }

    fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    fn checkpoint(&mut self) -> Result<(), StorageError> {
        if self.tx.is_some() {
            return Err(StorageError::TransactionActive);
        }
        self.tx = Some(Tx {
            state: self.view().clone(),
            written: BTreeSet::new(),
            savepoints: Vec::new(),
        });
        Ok(())
    }

    fn emit_event(&mut self, event: &Event) -> Result<u32, StorageError> {
        let layer = match self.current_layer() {
            Some(open) => open,
            None => self
                .last_layer()
                .next()
                .ok_or(StorageError::LayerOverflow)?,
        };
        crate::events::check_event(event, layer)?;
        let tx = self.tx_mut()?;
        let expiring = tx
            .state
            .events
            .values()
            .filter(|e| e.expires == event.expires)
            .count()
            + tx.state
                .pending_events
                .iter()
                .filter(|e| e.expires == event.expires)
                .count();
        if expiring >= crate::MAX_EVENTS_EXPIRING as usize {
            return Err(StorageError::InvalidEvent(format!(
                "{} events expire at layer {} already",
                crate::MAX_EVENTS_EXPIRING,
                event.expires
            )));
        }
        tx.state.pending_events.push(event.clone());
        Ok(tx.state.pending_events.len() as u32 - 1)
    }

    fn events_summary(&mut self, layer: Layer) -> Result<Option<EventsSummary>, StorageError> {
        Ok(self.head().2.summaries.get(&layer).cloned())
    }

    fn layer_events(
        &mut self,
        layer: Layer,
        from: u32,
        limit: usize,
    ) -> Result<Vec<(u32, Event)>, StorageError> {
        Ok(self
            .head()
            .2
            .events
            .range((layer, from)..=(layer, u32::MAX))
            .take(limit)
            .map(|((_, seq), e)| (*seq, e.clone()))
            .collect())
    }

    fn savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        tx.savepoints.push((tx.state.clone(), tx.written.clone()));
        Ok(())
    }

    fn rollback_savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        (tx.state, tx.written) = tx.savepoints.pop().ok_or(StorageError::NoSavepoint)?;
        Ok(())
    }

    fn release_savepoint(&mut self) -> Result<(), StorageError> {
        let tx = self.tx_mut()?;
        tx.savepoints.pop().ok_or(StorageError::NoSavepoint)?;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), StorageError> {
        self.tx
            .take()
            .map(|_| ())
            .ok_or(StorageError::NoTransaction)
    }

    fn commit_tx(&mut self) -> Result<(), StorageError> {
        let mut tx = self.tx.take().ok_or(StorageError::NoTransaction)?;
        let Some((_, layer)) = self.open.as_mut() else {
            return Err(StorageError::NoOpenLayer);
        };
        for addr in &tx.written {
            let storage = tx.state.storage_state(addr);
            if let Some(account) = tx.state.accounts.get_mut(addr) {
                account.storage = storage;
            }
        }
        *layer = tx.state;
        Ok(())
    }

    fn account(&mut self, addr: &Address) -> Result<Option<Account>, StorageError> {
        Ok(self.view().accounts.get(addr).cloned())
    }

    fn set_account(&mut self, addr: &Address, account: &Account) -> Result<(), StorageError> {
        self.tx_mut()?.state.accounts.insert(*addr, account.clone());
        Ok(())
    }

    fn template(&mut self, addr: &TemplateAddr) -> Result<Option<Template>, StorageError> {
        Ok(self.view().templates.get(addr).cloned())
    }

    fn put_template(
        &mut self,
        addr: &TemplateAddr,
        template: &Template,
    ) -> Result<(), StorageError> {
        self.tx_mut()?
            .state
            .templates
            .insert(*addr, template.clone());
        Ok(())
    }

    fn read_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
    ) -> Result<Vec<u8>, StorageError> {
        let slot = layout.var(var)?;
        self.read(addr, slot.offset, slot.len)
    }

    fn write_var(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        var: VarId,
        value: &[u8],
    ) -> Result<(), StorageError> {
        let slot = layout.var(var)?;
        if value.len() != slot.len as usize {
            return Err(StorageError::ValueLength {
                var,
                expected: slot.len,
                got: value.len(),
            });
        }
        let end = slot.offset + slot.len;
        self.storage_mut(addr, end)?[slot.offset as usize..end as usize].copy_from_slice(value);
        Ok(())
    }

    fn read_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        len: u32,
    ) -> Result<Vec<u8>, StorageError> {
        layout.check_range(offset, len)?;
        self.read(addr, offset, len)
    }

    fn write_raw(
        &mut self,
        addr: &Address,
        layout: &FixedLayout,
        offset: u32,
        data: &[u8],
    ) -> Result<(), StorageError> {
        let len = layout.check_data(offset, data)?;
        let end = offset + len;
        self.storage_mut(addr, end)?[offset as usize..end as usize].copy_from_slice(data);
        Ok(())
    }

    fn map_get(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StorageError> {
        let view = self.existing(addr)?;
        Ok(view
            .maps
            .get(&(*addr, map))
            .and_then(|m| m.get(key))
            .cloned())
    }

    fn map_set(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<MapWrite, StorageError> {
        crate::maps::check_len("key", key.len(), MAX_MAP_KEY_LEN)?;
        crate::maps::check_len("value", value.map_or(0, <[u8]>::len), MAX_MAP_VALUE_LEN)?;
        let tx = self.tx_mut()?;
        if !tx.state.accounts.contains_key(addr) {
            return Err(StorageError::AccountNotFound(*addr));
        }
        tx.written.insert(*addr);
        // the levels of the reference trie, from the keys alone (`svm_proof::trie_levels`)
        let hashes = |entries: &BTreeMap<Vec<u8>, Vec<u8>>| -> Vec<_> {
            entries.keys().map(|k| map_entry_key(k)).collect()
        };
        let others: Vec<_> = tx
            .state
            .maps
            .range((*addr, 0)..=(*addr, u32::MAX))
            .map(|((_, m), _)| map_id_key(*m))
            .collect();
        let entries = tx.state.maps.entry((*addr, map)).or_default();
        let mut levels = trie_levels(&map_entry_key(key), &hashes(entries));
        let previous = match value {
            Some(v) => {
                tx.state.removed.remove(&(*addr, map, key.to_vec()));
                entries.insert(key.to_vec(), v.to_vec())
            }
            None => entries.remove(key),
        };
        if value.is_none() && previous.is_some() {
            tx.state.removed.insert((*addr, map, key.to_vec()));
        }
        if entries.is_empty() {
            tx.state.maps.remove(&(*addr, map));
        }
        levels += trie_levels(&map_id_key(map), &others);
        Ok(MapWrite { previous, levels })
    }

    fn map_range(
        &mut self,
        addr: &Address,
        map: u32,
        from: &[u8],
        limit: usize,
    ) -> Result<MapScan, StorageError> {
        let view = self.existing(addr)?;
        let entries: Vec<MapEntry> = view
            .maps
            .get(&(*addr, map))
            .map(|m| {
                m.range(from.to_vec()..)
                    .take(limit)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        // the walk stops at the last entry it returns when it found `limit` of them
        let lo = (*addr, map, from.to_vec());
        let removed = view.removed.range(lo..).take_while(|(a, m, k)| {
            (a, *m) == (addr, map)
                && (entries.len() < limit || entries.last().is_some_and(|(last, _)| k < last))
        });
        // what the committed state held of them
        let committed = self.head().2.maps.get(&(*addr, map));
        let (mut count, mut removed_bytes) = (0, 0);
        for (_, _, key) in removed {
            count += 1;
            if let Some(value) = committed.and_then(|m| m.get(key)) {
                removed_bytes += (key.len() + value.len()) as u64;
            }
        }
        Ok(MapScan {
            entries,
            removed: count,
            removed_bytes,
        })
    }
}
