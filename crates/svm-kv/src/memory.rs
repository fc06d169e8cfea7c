//! [`MemoryStore`]: an ordered in-memory map.

use std::{
    collections::BTreeMap,
    sync::{RwLock, RwLockReadGuard, RwLockWriteGuard},
};

use crate::{BatchOp, KVStore, KvError, KvPair, WriteBatch, scan_start};

/// An in-memory [`KVStore`] over an ordered map. Nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys stored.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    // Nothing panics while a guard is held, so a poisoned lock (impossible in practice) would
    // still guard a consistent map: recover the guard instead of panicking.
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_lock(&self) -> RwLockWriteGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
        self.map.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl KVStore for MemoryStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self.read().get(key).cloned())
    }

    fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
        let mut map = self.write_lock();
        for op in batch.into_ops() {
            match op {
                BatchOp::Put { key, value } => {
                    map.insert(key, value);
                }
                BatchOp::Delete { key } => {
                    map.remove(&key);
                }
            }
        }
        Ok(())
    }

    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
        let map = self.read();
        Ok(map
            .range(scan_start(prefix, from).to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        let map = self.read();
        Ok(map
            .range(scan_start(prefix, from).to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        let map = self.read();
        Ok(map
            .range(scan_start(prefix, from).to_vec()..)
            .next()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}
