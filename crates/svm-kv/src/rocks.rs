//! [`RocksStore`]: RocksDB behind [`KVStore`].

use std::path::{Path, PathBuf};

use rocksdb::{DB, Direction, IteratorMode, Options, WriteOptions};

use crate::{BatchOp, KVStore, KvError, KvPair, WriteBatch, open::prepare_dir, scan_start};

const BACKEND: &str = "rocksdb";

/// A [`KVStore`] on RocksDB. Every batch is written with `sync`, so a committed batch survives
/// a process or machine crash.
pub struct RocksStore {
    db: DB,
    path: PathBuf,
}

impl std::fmt::Debug for RocksStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RocksStore")
            .field("path", &self.path)
            .finish()
    }
}

impl RocksStore {
    /// Opens (creating if missing) the store in directory `path`.
    ///
    /// Errors: [`KvError::NotADirectory`], [`KvError::PermissionDenied`], [`KvError::Locked`]
    /// (another process or handle has it open), [`KvError::Corrupted`]. Nothing is repaired.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, KvError> {
        let path = path.as_ref();
        prepare_dir(BACKEND, path)?;
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.set_paranoid_checks(true);
        let db = DB::open(&opts, path)
            .map_err(|e| KvError::classify_open(BACKEND, path.to_path_buf(), e.into_string()))?;
        log::debug!("opened rocksdb store at {}", path.display());
        Ok(Self {
            db,
            path: path.to_path_buf(),
        })
    }

    /// The directory of the store.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the memtable and waits (polling, at most `timeout`) until RocksDB has no flush
    /// or compaction running or pending: what a benchmark calls between measurements, so one
    /// measurement does not pay for the background work of another's writes. Whether the
    /// store settled within `timeout`.
    pub fn settle(&self, timeout: std::time::Duration) -> Result<bool, KvError> {
        self.db.flush().map_err(backend_err)?;
        let start = std::time::Instant::now();
        loop {
            let mut busy = 0;
            for property in [
                "rocksdb.num-running-flushes",
                "rocksdb.num-running-compactions",
                "rocksdb.compaction-pending",
            ] {
                busy += self
                    .db
                    .property_int_value(property)
                    .map_err(backend_err)?
                    .unwrap_or(0);
            }
            if busy == 0 {
                return Ok(true);
            }
            if start.elapsed() >= timeout {
                return Ok(false);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

fn backend_err(e: rocksdb::Error) -> KvError {
    KvError::Backend {
        backend: BACKEND,
        source: Box::new(e),
    }
}

impl KVStore for RocksStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.db.get(key).map_err(backend_err)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), KvError> {
        let mut wb = rocksdb::WriteBatch::default();
        for op in batch.into_ops() {
            match op {
                BatchOp::Put { key, value } => wb.put(key, value),
                BatchOp::Delete { key } => wb.delete(key),
            }
        }
        let mut wo = WriteOptions::default();
        wo.set_sync(true);
        self.db.write_opt(wb, &wo).map_err(backend_err)
    }

    fn scan(&self, prefix: &[u8], from: &[u8]) -> Result<Vec<KvPair>, KvError> {
        let start = scan_start(prefix, from);
        let mut out = Vec::new();
        for item in self
            .db
            .iterator(IteratorMode::From(start, Direction::Forward))
        {
            let (k, v) = item.map_err(backend_err)?;
            if !k.starts_with(prefix) {
                break;
            }
            out.push((k.into_vec(), v.into_vec()));
        }
        Ok(out)
    }

    fn scan_limit(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<Vec<KvPair>, KvError> {
        let start = scan_start(prefix, from);
        let mut out = Vec::new();
        for item in self
            .db
            .iterator(IteratorMode::From(start, Direction::Forward))
            .take(limit)
        {
            let (k, v) = item.map_err(backend_err)?;
            if !k.starts_with(prefix) {
                break;
            }
            out.push((k.into_vec(), v.into_vec()));
        }
        Ok(out)
    }

    fn first(&self, prefix: &[u8], from: &[u8]) -> Result<Option<KvPair>, KvError> {
        let start = scan_start(prefix, from);
        let mut it = self
            .db
            .iterator(IteratorMode::From(start, Direction::Forward));
        match it.next() {
            Some(item) => {
                let (k, v) = item.map_err(backend_err)?;
                Ok(k.starts_with(prefix).then(|| (k.into_vec(), v.into_vec())))
            }
            None => Ok(None),
        }
    }

    fn backend(&self) -> &'static str {
        BACKEND
    }
}
