//! The key-value boundary of svm.
//!
//! Everything svm persists goes through one small trait, [`KVStore`]: point reads, atomic and
//! durable batch writes, and ordered prefix scans. A store knows nothing of pages, accounts or
//! layers; those live in `svm-storage` above it.
//!
//! Backends:
//! - [`MemoryStore`]: always available; an ordered map in memory.
//! - `RocksStore` (feature `rocksdb`, default): RocksDB.
//! - `LevelStore` (feature `leveldb`): LevelDB.
//!
//! [`CountingStore`] wraps any store and counts its reads and writes (metrics, tests).
//!
//! ```
//! use svm_kv::{KVStore, MemoryStore, WriteBatch};
//!
//! let kv = MemoryStore::new();
//! let mut batch = WriteBatch::new();
//! batch.put(b"k", b"v");
//! kv.write(batch)?;
//! assert_eq!(kv.get(b"k")?, Some(b"v".to_vec()));
//! # Ok::<(), svm_kv::KvError>(())
//! ```
#![deny(missing_docs)]
// The LevelDB backend's `db_key::Key` impl is the only place that needs no unsafe either; all
// backends use safe wrappers, so unsafe code is forbidden throughout.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod batch;
mod counting;
mod error;
mod faulty;
mod memory;
#[cfg(any(feature = "rocksdb", feature = "leveldb"))]
mod open;

#[cfg(feature = "leveldb")]
mod level;
#[cfg(feature = "rocksdb")]
mod rocks;
#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

pub use batch::{BatchOp, WriteBatch};
pub use counting::{CountingStore, KvCounts};
pub use error::KvError;
pub use faulty::FaultyStore;
#[cfg(feature = "leveldb")]
pub use level::LevelStore;
pub use memory::MemoryStore;
#[cfg(feature = "rocksdb")]
pub use rocks::RocksStore;

/// A key and its value, as returned by [`KVStore::scan`].
pub type KvPair = (Vec<u8>, Vec<u8>);

/// A byte-ordered key-value store.
///
/// Implementations must make [`write`](KVStore::write) atomic (after a crash at any point,
/// either every operation of the batch is visible or none is) and durable once it returns.
/// Keys compare as unsigned bytes (lexicographically).
pub trait KVStore: Send + Sync + std::fmt::Debug {
    /// The value stored under `key`, if any.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError>;

    /// Applies every operation of `batch` atomically, in order (a later operation on the same
    /// key wins).
    fn write(&self, batch: WriteBatch) -> Result<(), KvError>;

    /// Every entry whose key starts with `prefix` and is `>= from`, in ascending key order.
    ///
    /// `from` shorter than `prefix` (for example empty) means "from the start of the prefix".
    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError>;

    /// The first entry [`scan`](KVStore::scan) would return, without reading the rest: what
    /// a check like "is this range empty?" should use (a whole-range scan on an open or hot
    /// path costs as much as the range holds). The default calls `scan`; every backend of
    /// this crate overrides it with an iterator that stops at the first entry.
    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        Ok(self.scan(prefix, from)?.into_iter().next())
    }

    /// At most `limit` of the entries [`scan`](KVStore::scan) would return, the first ones:
    /// how work over a large range is done in bounded steps (svm-storage prunes old layers
    /// this way). The default calls `scan`; every backend of this crate overrides it with an
    /// iterator that stops after `limit` entries.
    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        let mut all = self.scan(prefix, from)?;
        all.truncate(limit);
        Ok(all)
    }

    /// A short name of the backend, for logs and error messages.
    fn backend(&self) -> &'static str;
}

/// Forwards [`KVStore`] through a smart pointer, so `Arc<S>`, `Box<S>` and `Box<dyn KVStore>`
/// are stores too.
macro_rules! forward_kvstore {
    ($($ptr:ident),*) => {$(
        impl<T: KVStore + ?Sized> KVStore for $ptr<T> {
            fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
                (**self).get(key)
            }
            fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
                (**self).write(batch)
            }
            fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
                (**self).scan(prefix, from)
            }
            fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
                (**self).first(prefix, from)
            }
            fn scan_limit(
                &self,
                prefix: &[u8],
                from: &[u8],
                limit: usize,
            ) -> Result<Vec<KvPair>, KvError> {
                (**self).scan_limit(prefix, from, limit)
            }
            fn backend(&self) -> &'static str {
                (**self).backend()
            }
        }
    )*};
}
forward_kvstore!(Arc, Box);

/// The key a scan starts from: the larger of `prefix` and `from`.
pub(crate) fn scan_start<'a>(prefix: &'a [u8], from: &'a [u8]) -> &'a [u8] {
    if from > prefix { from } else { prefix }
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
