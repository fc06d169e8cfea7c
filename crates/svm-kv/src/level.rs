//! [`LevelStore`]: LevelDB behind [`KVStore`].

use std::path::{Path, PathBuf};

use leveldb::{
    batch::{Batch, Writebatch},
    database::Database,
    iterator::{Iterable, LevelDBIterator},
    kv::KV,
    options::{Options, ReadOptions, WriteOptions},
};

use crate::{BatchOp, KVStore, KvError, KvPair, WriteBatch, open::prepare_dir, scan_start};

const BACKEND: &str = "leveldb";

/// A byte-string key for the `leveldb` crate, which wants keys to implement `db_key::Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BytesKey(Vec<u8>);

impl db_key::Key for BytesKey {
    fn from_u8(key: &[u8]) -> Self {
        BytesKey(key.to_vec())
    }

    fn as_slice<T, F: Fn(&[u8]) -> T>(&self, f: F) -> T {
        f(&self.0)
    }
}

/// A [`KVStore`] on LevelDB. Every batch is written with `sync`, so a committed batch survives
/// a process or machine crash.
pub struct LevelStore {
    db: Database<BytesKey>,
    path: PathBuf,
}

impl std::fmt::Debug for LevelStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LevelStore")
            .field("path", &self.path)
            .finish()
    }
}

impl LevelStore {
    /// Opens (creating if missing) the store in directory `path`.
    ///
    /// Errors: [`KvError::NotADirectory`], [`KvError::PermissionDenied`], [`KvError::Locked`]
    /// (another process or handle has it open), [`KvError::Corrupted`]. Nothing is repaired.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, KvError> {
        let path = path.as_ref();
        prepare_dir(BACKEND, path)?;
        let mut opts = Options::new();
        opts.create_if_missing = true;
        opts.paranoid_checks = true;
        let db = Database::open(path, opts)
            .map_err(|e| KvError::classify_open(BACKEND, path.to_path_buf(), e.to_string()))?;
        log::debug!("opened leveldb store at {}", path.display());
        Ok(Self {
            db,
            path: path.to_path_buf(),
        })
    }

    /// The directory of the store.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn backend_err(e: leveldb::error::Error) -> KvError {
    KvError::Backend {
        backend: BACKEND,
        source: Box::new(e),
    }
}

impl KVStore for LevelStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.db
            .get(ReadOptions::new(), BytesKey(key.to_vec()))
            .map_err(backend_err)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
        let mut wb = Writebatch::new();
        for op in batch.into_ops() {
            match op {
                BatchOp::Put { key, value } => wb.put(BytesKey(key), &value),
                BatchOp::Delete { key } => wb.delete(BytesKey(key)),
            }
        }
        let mut wo = WriteOptions::new();
        wo.sync = true;
        self.db.write(wo, &wb).map_err(backend_err)
    }

    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
        let start = BytesKey(scan_start(prefix, from).to_vec());
        let mut out = Vec::new();
        for (k, v) in self.db.iter(ReadOptions::new()).from(&start) {
            if !k.0.starts_with(prefix) {
                break;
            }
            out.push((k.0, v));
        }
        Ok(out)
    }

    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        let start = BytesKey(scan_start(prefix, from).to_vec());
        Ok(self
            .db
            .iter(ReadOptions::new())
            .from(&start)
            .take_while(|(k, _)| k.0.starts_with(prefix))
            .take(limit)
            .map(|(k, v)| (k.0, v))
            .collect())
    }

    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        let start = BytesKey(scan_start(prefix, from).to_vec());
        let first = self.db.iter(ReadOptions::new()).from(&start).next();
        Ok(first
            .filter(|(k, _)| k.0.starts_with(prefix))
            .map(|(k, v)| (k.0, v)))
    }

    fn backend(&self) -> &'static str {
        BACKEND
    }
}
