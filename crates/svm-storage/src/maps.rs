//! Maps: any number of unbounded `bytes -> bytes` maps per account (issue 16's collections;
//! sets, lists and sorted sets are maps with a key convention), each committed under its own
//! root inside the account's storage state.
//!
//! - Entries are records `E address map key -> value`, so a read is one lookup and a range
//!   read walks keys in byte order ([`GlobalState::map_range`], bounded and resumable from
//!   any key).
//! - Each map has a trie (`svm_proof::trie_*`) over its entries' key hashes, nodes at
//!   `Q address map path`; the account's maps trie (`R address path`) holds each non-empty
//!   map's root under its id. The storage state commits to the page tree and this root
//!   (`svm_proof::storage_state_with_maps`), so a map's root depends on its entries alone,
//!   never on the order they came in.
//! - Every record goes through the running transaction like pages: a failed transaction
//!   leaves nothing, a layer's changes are in its undo log, rewind restores them. A set costs
//!   `O(log n)` node reads and writes (the trie's depth).

use svm_kv::KVStore;
use svm_proof::{
    EMPTY, Hash, TrieNode, TrieStore, map_entry_key, map_id_key, map_value_hash, trie_insert,
    trie_remove, trie_root,
};
use svm_types::Address;

use crate::global_state::{LayerView, Tx, tx_get};
use crate::{GlobalState, StorageError, keys};

/// A trie's nodes as records under `prefix`, read and written through a transaction.
struct TxTrie<'a, 'b, K: ?Sized> {
    tx: &'a mut Tx,
    view: &'a LayerView<'b, K>,
    prefix: Vec<u8>,
}

impl<K: KVStore + ?Sized> TrieStore for TxTrie<'_, '_, K> {
    type Error = StorageError;

    fn get(&mut self, path: &[u8]) -> Result<Option<TrieNode>, StorageError> {
        let key = [&self.prefix[..], path].concat();
        tx_get(self.tx, self.view, &key)?
            .map(|bytes| {
                TrieNode::decode(&bytes)
                    .map_err(|e| StorageError::Corrupt(format!("trie node {key:02x?}: {e}")))
            })
            .transpose()
    }

    fn put(&mut self, path: &[u8], node: Option<TrieNode>) -> Result<(), StorageError> {
        let key = [&self.prefix[..], path].concat();
        self.tx.writes.insert(key, node.map(|n| n.record()));
        Ok(())
    }
}

/// The root of `addr`'s maps trie as the transaction sees it.
pub(crate) fn maps_root<K: KVStore + ?Sized>(
    tx: &mut Tx,
    view: &LayerView<'_, K>,
    addr: &Address,
) -> Result<Hash, StorageError> {
    trie_root(&mut TxTrie {
        tx,
        view,
        prefix: keys::maps_nodes(addr),
    })
}

impl<K: KVStore> GlobalState<K> {
    /// The value of `key` in map `map` of existing account `addr`. Needs no transaction.
    pub(crate) fn get_map_entry(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StorageError> {
        self.require_account(addr)?;
        self.get_record(&[&keys::map_entries(addr, map)[..], key].concat())
    }

    /// Sets (`Some`) or removes (`None`) `key` in map `map` of existing account `addr` and
    /// returns what it held. Updates the map's trie and the account's maps trie; the storage
    /// state follows at `commit_tx`. Needs a transaction.
    pub(crate) fn set_map_entry(
        &mut self,
        addr: &Address,
        map: u32,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        self.require_account(addr)?;
        let entry = [&keys::map_entries(addr, map)[..], key].concat();
        let previous = self.get_record(&entry)?;
        if previous.as_deref() == value {
            return Ok(previous);
        }
        let view = LayerView {
            kv: &self.kv,
            layer: &self.layer,
        };
        let tx = self.tx.as_mut().ok_or(StorageError::NoTransaction)?;
        tx.writes.insert(entry, value.map(<[u8]>::to_vec));
        let mut map_trie = TxTrie {
            tx,
            view: &view,
            prefix: keys::map_nodes(addr, map),
        };
        match value {
            Some(v) => trie_insert(&mut map_trie, map_entry_key(key), map_value_hash(v))?,
            None => {
                trie_remove(&mut map_trie, map_entry_key(key))?;
            }
        }
        let map_root = trie_root(&mut map_trie)?;
        let mut maps_trie = TxTrie {
            tx: map_trie.tx,
            view: &view,
            prefix: keys::maps_nodes(addr),
        };
        if map_root == EMPTY {
            trie_remove(&mut maps_trie, map_id_key(map))?;
        } else {
            trie_insert(&mut maps_trie, map_id_key(map), map_root)?;
        }
        maps_trie.tx.maps_dirty.insert(*addr);
        Ok(previous)
    }

    /// Up to `limit` entries of map `map` of existing account `addr` whose keys are `>= from`,
    /// in key byte order: the pending writes of the transaction and the open layer over the
    /// store's. Resume after the last key returned (append a zero byte to it). Work: the
    /// entries returned plus the pending deletions in the range.
    pub(crate) fn map_entries(
        &mut self,
        addr: &Address,
        map: u32,
        from: &[u8],
        limit: usize,
    ) -> Result<Vec<crate::MapEntry>, StorageError> {
        self.require_account(addr)?;
        let prefix = keys::map_entries(addr, map);
        let start = [&prefix[..], from].concat();
        let mut pending: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>> = self
            .layer
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(tx) = &self.tx {
            pending.extend(
                tx.writes
                    .range(start.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
        }
        let deletions = pending.values().filter(|v| v.is_none()).count();
        let mut merged: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = self
            .kv
            .scan_limit(&prefix, &start, limit.saturating_add(deletions))?
            .into_iter()
            .collect();
        for (k, v) in pending {
            match v {
                Some(v) => merged.insert(k, v),
                None => merged.remove(&k),
            };
        }
        Ok(merged
            .into_iter()
            .take(limit)
            .map(|(k, v)| (k[prefix.len()..].to_vec(), v))
            .collect())
    }
}
