//! [`KvError`]: what can go wrong when opening or using a store.

use std::path::PathBuf;

/// An error from a key-value store. Opening errors name the path; none of them has modified
/// what was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KvError {
    /// The path exists but is not a directory.
    #[error("{backend} store path {path} is not a directory")]
    NotADirectory {
        /// Backend name.
        backend: &'static str,
        /// The path given.
        path: PathBuf,
    },
    /// The process may not read or write the store's directory.
    #[error("{backend} store at {path}: permission denied ({detail})")]
    PermissionDenied {
        /// Backend name.
        backend: &'static str,
        /// The path given.
        path: PathBuf,
        /// What the backend or the OS said.
        detail: String,
    },
    /// Another process (or another handle in this process) has the store open.
    #[error("{backend} store at {path} is locked by another process or handle ({detail})")]
    Locked {
        /// Backend name.
        backend: &'static str,
        /// The path given.
        path: PathBuf,
        /// What the backend said.
        detail: String,
    },
    /// The store's files are damaged. Nothing was repaired or removed.
    #[error("{backend} store at {path} is corrupted ({detail})")]
    Corrupted {
        /// Backend name.
        backend: &'static str,
        /// The path given.
        path: PathBuf,
        /// What the backend said.
        detail: String,
    },
    /// The path is not valid UTF-8: the engine's C API would open another (lossily
    /// converted) path, so it is refused.
    #[error("{backend} store path {} is not valid UTF-8, which the engine cannot open", path.display())]
    UnsupportedPath {
        /// Backend name.
        backend: &'static str,
        /// The path given.
        path: PathBuf,
    },
    /// Any other failure of the backend or the OS.
    #[error("{backend} store error: {source}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// The backend's or the OS's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl KvError {
    /// Classifies an error message of a LevelDB-family engine (RocksDB and LevelDB share their
    /// status strings: `"IO error: ..."`, `"Corruption: ..."`) raised while opening `path`.
    #[cfg(any(feature = "rocksdb", feature = "leveldb"))]
    pub(crate) fn classify_open(backend: &'static str, path: PathBuf, detail: String) -> Self {
        let lower = detail.to_ascii_lowercase();
        if lower.contains("corruption") {
            KvError::Corrupted {
                backend,
                path,
                detail,
            }
        } else if lower.contains("lock") {
            KvError::Locked {
                backend,
                path,
                detail,
            }
        } else if lower.contains("permission denied") {
            KvError::PermissionDenied {
                backend,
                path,
                detail,
            }
        } else if lower.contains("not a directory") {
            KvError::NotADirectory { backend, path }
        } else {
            KvError::Backend {
                backend,
                source: detail.into(),
            }
        }
    }
}
