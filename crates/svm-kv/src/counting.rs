//! [`CountingStore`]: a wrapper that counts what reaches the store underneath.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{KVStore, KvError, KvPair, WriteBatch};

/// Counts of operations that reached a store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KvCounts {
    /// Calls to `get`.
    pub gets: u64,
    /// Calls to `write` (batches).
    pub writes: u64,
    /// Calls to `scan`.
    pub scans: u64,
}

/// Wraps a [`KVStore`] and counts its reads and writes: for metrics, and for tests that check
/// a cache really spares the store.
#[derive(Debug, Default)]
pub struct CountingStore<S> {
    inner: S,
    gets: AtomicU64,
    writes: AtomicU64,
    scans: AtomicU64,
}

impl<S> CountingStore<S> {
    /// Wraps `inner` with all counts at zero.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            gets: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            scans: AtomicU64::new(0),
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> KvCounts {
        KvCounts {
            gets: self.gets.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            scans: self.scans.load(Ordering::Relaxed),
        }
    }

    /// Sets every count back to zero.
    pub fn reset(&self) {
        self.gets.store(0, Ordering::Relaxed);
        self.writes.store(0, Ordering::Relaxed);
        self.scans.store(0, Ordering::Relaxed);
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: KVStore> KVStore for CountingStore<S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.gets.fetch_add(1, Ordering::Relaxed);
        self.inner.get(key)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.inner.write(batch)
    }

    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
        self.scans.fetch_add(1, Ordering::Relaxed);
        self.inner.scan(prefix, from)
    }

    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        self.scans.fetch_add(1, Ordering::Relaxed);
        self.inner.first(prefix, from)
    }

    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        self.scans.fetch_add(1, Ordering::Relaxed);
        self.inner.scan_limit(prefix, from, limit)
    }

    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}
