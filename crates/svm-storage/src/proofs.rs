//! Proofs of committed state for light clients and bridges: an account record or its absence,
//! and bytes of an account's storage, at the last committed layer or any earlier one still on
//! record. `svm-proof` verifies them against the layer's root alone.
//!
//! A layer's values are read from the records as they are now and the undo logs of the
//! layers after it (the value a key held at layer `L` is the undo record of the first later
//! layer that changed it); the Jellyfish Merkle tree keeps every version's nodes, and page-tree
//! nodes are records like pages.

use svm_kv::KVStore;
use svm_proof::{
    AccountProof, MapEntryProof, PageProof, StorageProof, TrieNode, TrieProof, TrieStore,
    map_entry_key, map_id_key, trie_prove,
};
use svm_types::{Address, Layer, State};

use crate::{GlobalState, PageIndex, StorageError, keys, layer::decode_undo, merkle};

impl<K: KVStore> GlobalState<K> {
    /// A proof of `addr`'s record at committed `layer` (of its absence when it had none),
    /// which [`AccountProof::verify`] checks against that layer's root.
    ///
    /// ```
    /// use svm_kv::MemoryStore;
    /// use svm_storage::{Account, GlobalState, StorageConfig, WorldState};
    /// use svm_types::{Address, Amount, Layer};
    ///
    /// let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
    /// state.open(Layer(1))?;
    /// state.checkpoint()?;
    /// state.set_account(&Address([1; 20]), &Account::with_balance(Amount(7)))?;
    /// state.commit_tx()?;
    /// let (layer, root) = state.commit()?;
    ///
    /// let proof = state.prove_account(&Address([1; 20]), layer)?;
    /// let account = proof.verify(&root, &Address([1; 20])).unwrap().unwrap();
    /// assert_eq!(account.balance, Amount(7));
    /// let absent = state.prove_account(&Address([2; 20]), layer)?;
    /// assert_eq!(absent.verify(&root, &Address([2; 20])).unwrap(), None);
    /// # Ok::<(), svm_storage::StorageError>(())
    /// ```
    pub fn prove_account(
        &self,
        addr: &Address,
        layer: Layer,
    ) -> Result<AccountProof, StorageError> {
        let root = self.committed_root(layer)?;
        let record = self.committed_value(&keys::account(addr), layer)?;
        let merkle = merkle::prove(
            &self.kv,
            layer.0,
            &root,
            svm_proof::account_leaf(addr),
            record.clone(),
        )?;
        Ok(AccountProof {
            address: *addr,
            record,
            merkle,
        })
    }

    /// A proof of the `len` bytes at `offset` of `addr`'s storage at committed `layer`, which
    /// [`StorageProof::verify`] checks against that layer's root. The account must exist
    /// there ([`StorageError::AccountNotFound`] otherwise: prove its absence instead), and
    /// the range must lie within [`MAX_STORAGE_SIZE`](crate::MAX_STORAGE_SIZE) bytes.
    /// The proof's size grows with the pages the range spans (one path of
    /// [`page tree`](crate::storage_state) depth per page).
    pub fn prove_storage(
        &self,
        addr: &Address,
        offset: u32,
        len: u32,
        layer: Layer,
    ) -> Result<StorageProof, StorageError> {
        let account = self.prove_account(addr, layer)?;
        if account.record.is_none() {
            return Err(StorageError::AccountNotFound(*addr));
        }
        let page_size = self.config.page_size;
        let out_of_range = StorageError::OutOfRange {
            offset,
            len,
            size: crate::MAX_STORAGE_SIZE,
        };
        let end = offset
            .checked_add(len)
            .filter(|&end| len > 0 && end <= crate::MAX_STORAGE_SIZE)
            .ok_or(out_of_range)?;
        let depth = self.tree.depth();
        let mut pages = Vec::new();
        for index in offset / page_size..=(end - 1) / page_size {
            let content = self
                .committed_value(&keys::page(addr, PageIndex(index)), layer)?
                .unwrap_or_default();
            let mut path = Vec::with_capacity(usize::from(depth));
            let mut node = index;
            for level in 1..=depth {
                node /= svm_proof::ARITY;
                path.push(self.committed_value(&keys::page_node(addr, level, node), layer)?);
            }
            pages.push(PageProof {
                index,
                content,
                path,
            });
        }
        let maps_root = self
            .committed_value(&keys::maps_nodes(addr), layer)?
            .map(|record| {
                svm_proof::TrieNode::decode(&record)
                    .map(|node| node.hash())
                    .map_err(|e| StorageError::Corrupt(format!("maps trie root of {addr}: {e}")))
            })
            .transpose()?
            .unwrap_or(svm_proof::EMPTY);
        Ok(StorageProof {
            account,
            page_size,
            offset,
            len,
            maps_root,
            pages,
        })
    }

    /// A proof of `key` in map `map` of `addr` at committed `layer` (of its absence when the
    /// map does not hold it), which [`MapEntryProof::verify`] checks against that layer's
    /// root. The account must exist there. Size: `O(log n)` trie nodes for `n` entries.
    pub fn prove_map_entry(
        &self,
        addr: &Address,
        map: u32,
        key: &[u8],
        layer: Layer,
    ) -> Result<MapEntryProof, StorageError> {
        let account = self.prove_account(addr, layer)?;
        if account.record.is_none() {
            return Err(StorageError::AccountNotFound(*addr));
        }
        let value =
            self.committed_value(&[&keys::map_entries(addr, map)[..], key].concat(), layer)?;
        let page_root = self
            .committed_value(&keys::page_node(addr, self.tree.depth(), 0), layer)?
            .map(|record| {
                svm_proof::PageNode::decode(&record)
                    .map(|n| n.hash())
                    .map_err(StorageError::Corrupt)
            })
            .transpose()?
            .unwrap_or(svm_proof::EMPTY);
        let mut maps = Committed {
            state: self,
            prefix: keys::maps_nodes(addr),
            layer,
        };
        let maps_path = trie_prove(&mut maps, &map_id_key(map))?;
        let entry_path = match &maps_path.end {
            Some(TrieNode::Leaf { key: k, .. }) if *k == map_id_key(map) => {
                let mut entries = Committed {
                    state: self,
                    prefix: keys::map_nodes(addr, map),
                    layer,
                };
                trie_prove(&mut entries, &map_entry_key(key))?
            }
            _ => TrieProof::empty(),
        };
        Ok(MapEntryProof {
            account,
            map,
            key: key.to_vec(),
            value,
            page_root,
            maps_path,
            entry_path,
        })
    }

    /// The root of committed `layer`, which must be on record.
    fn committed_root(&self, layer: Layer) -> Result<State, StorageError> {
        let last = self.head.0;
        match self.layer_root(layer)? {
            Some(root) if layer <= last && layer >= self.oldest_layer() => Ok(root),
            _ => Err(StorageError::NoSuchLayer {
                requested: layer,
                last,
            }),
        }
    }

    /// A proof that event `seq` emitted in layer `emitted` is kept under the root of committed
    /// layer `at`, which [`svm_proof::EventProof::verify`] checks: the layer's events summary
    /// with its tree path, the event, and its path in the layer's events tree. An event that
    /// has expired by `at` (or never was) is [`StorageError::InvalidEvent`].
    pub fn prove_event(
        &self,
        emitted: Layer,
        seq: u32,
        at: Layer,
    ) -> Result<svm_proof::EventProof, StorageError> {
        let root = self.committed_root(at)?;
        let missing = || {
            StorageError::InvalidEvent(format!(
                "no live event {seq} of layer {emitted} at layer {at}"
            ))
        };
        let summary = self
            .committed_value(&keys::events_summary(emitted), at)?
            .ok_or_else(missing)?;
        let event = self
            .committed_value(&keys::event(emitted, seq), at)?
            .ok_or_else(missing)?;
        let hashes = self
            .committed_value(&keys::event_hashes(emitted), at)?
            .ok_or_else(|| StorageError::Corrupt(format!("layer {emitted} has no event hashes")))?;
        let leaves: Vec<svm_proof::Hash> = hashes
            .chunks_exact(32)
            .map(|c| c.try_into().unwrap_or_default())
            .collect();
        let merkle = merkle::prove(
            &self.kv,
            at.0,
            &root,
            svm_proof::events_leaf(emitted),
            Some(summary.clone()),
        )?;
        Ok(svm_proof::EventProof {
            layer: emitted,
            seq,
            summary,
            merkle,
            event,
            path: svm_proof::events_path(&leaves, seq as usize),
        })
    }

    /// The value of the record `key` when `layer` was committed.
    fn committed_value(&self, key: &[u8], layer: Layer) -> Result<Option<Vec<u8>>, StorageError> {
        let mut later = layer;
        while later < self.head.0 {
            later = later.next().ok_or(StorageError::LayerOverflow)?;
            if let Some(undo) = self.kv.get(&keys::undo(later, key))? {
                return Ok(decode_undo(&undo)?.map(<[u8]>::to_vec));
            }
        }
        Ok(self.kv.get(key)?)
    }
}

/// A trie's nodes as they were when `layer` was committed.
struct Committed<'a, K: KVStore> {
    state: &'a GlobalState<K>,
    prefix: Vec<u8>,
    layer: Layer,
}

impl<K: KVStore> TrieStore for Committed<'_, K> {
    type Error = StorageError;

    fn get(&mut self, path: &[u8]) -> Result<Option<TrieNode>, StorageError> {
        let key = [&self.prefix[..], path].concat();
        self.state
            .committed_value(&key, self.layer)?
            .map(|bytes| TrieNode::decode(&bytes).map_err(StorageError::Corrupt))
            .transpose()
    }

    fn put(&mut self, _: &[u8], _: Option<TrieNode>) -> Result<(), StorageError> {
        Err(StorageError::Corrupt("a proof writes nothing".into()))
    }
}
