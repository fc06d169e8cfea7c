//! [`FaultyStore`]: a wrapper that fails reads or writes on command, for testing how the
//! layers above handle a store that breaks (they must return an error and change nothing).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::{KVStore, KvError, KvPair, WriteBatch};

/// Wraps a [`KVStore`] and injects [`KvError::Backend`] failures: the next read after a
/// countdown, or every write, until [`FaultyStore::heal`].
///
/// ```
/// use svm_kv::{FaultyStore, KVStore, MemoryStore, WriteBatch};
///
/// let store = FaultyStore::new(MemoryStore::new());
/// let mut batch = WriteBatch::new();
/// batch.put(b"k".to_vec(), b"v".to_vec());
/// store.write(batch)?;
/// store.fail_read_after(1); // one more read succeeds, then reads fail
/// assert!(store.get(b"k").is_ok());
/// assert!(store.get(b"k").is_err());
/// store.heal();
/// assert_eq!(store.get(b"k")?, Some(b"v".to_vec()));
/// # Ok::<(), svm_kv::KvError>(())
/// ```
#[derive(Debug)]
pub struct FaultyStore<S> {
    inner: S,
    /// Reads left before reads fail (`u64::MAX`: never).
    reads_left: AtomicU64,
    fail_writes: AtomicBool,
    /// Reads that reached the store.
    reads: AtomicU64,
}

const NEVER: u64 = u64::MAX;

impl<S> FaultyStore<S> {
    /// Wraps `inner`, failing nothing.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            reads_left: AtomicU64::new(NEVER),
            fail_writes: AtomicBool::new(false),
            reads: AtomicU64::new(0),
        }
    }

    /// Lets `n` more reads (`get` or `scan`) succeed, then fails every read.
    pub fn fail_read_after(&self, n: u64) {
        self.reads_left.store(n, Ordering::SeqCst);
    }

    /// Fails every write (or stops failing them).
    pub fn fail_writes(&self, fail: bool) {
        self.fail_writes.store(fail, Ordering::SeqCst);
    }

    /// Stops injecting failures.
    pub fn heal(&self) {
        self.reads_left.store(NEVER, Ordering::SeqCst);
        self.fail_writes.store(false, Ordering::SeqCst);
    }

    /// Reads that reached the store so far (failed ones included).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::SeqCst)
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    fn read_fault(&self) -> Result<(), KvError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let left = self.reads_left.load(Ordering::SeqCst);
        if left == NEVER {
            return Ok(());
        }
        if left == 0 {
            return Err(KvError::Backend {
                backend: "faulty",
                source: "injected read failure".into(),
            });
        }
        self.reads_left.store(left - 1, Ordering::SeqCst);
        Ok(())
    }
}

impl<S: KVStore> KVStore for FaultyStore<S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.read_fault()?;
        self.inner.get(key)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(KvError::Backend {
                backend: "faulty",
                source: "injected write failure".into(),
            });
        }
        self.inner.write(batch)
    }

    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
        self.read_fault()?;
        self.inner.scan(prefix, from)
    }

    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        self.read_fault()?;
        self.inner.first(prefix, from)
    }

    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        self.read_fault()?;
        self.inner.scan_limit(prefix, from, limit)
    }

    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}
