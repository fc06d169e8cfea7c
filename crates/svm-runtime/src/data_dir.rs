//! A node's data directory: the store, the module cache and its key, in one directory a
//! node (or `svm-cli`, or `svm-ffi`) opens with [`open_data_dir`].
//!
//! | path | what |
//! |---|---|
//! | `VERSION` | `svm-data 1` and `store <backend>`: written first when the directory is created |
//! | `store/` | the key-value store (RocksDB or LevelDB), holding the global state and layers |
//! | `modules/` | the module cache's compiled artifacts (one per deployed template) |
//! | `node.key` | this node's secret key authenticating `modules/` (owner-only; never copy it with a snapshot) |
//!
//! Initialisation is crash-safe (a SIGKILL at any point leaves a directory the next open
//! completes), and never wipes or re-initialises a store that holds anything:
//!
//! 1. `VERSION` is written first (a temporary file, fsync, rename): from then on the
//!    directory is an svm data directory of that format and backend, initialised or not.
//!    Killed before the rename, the directory holds at most `.VERSION.tmp-<pid>-<n>` files,
//!    which counts as empty.
//! 2. The store is opened (RocksDB and LevelDB create a database atomically: a database is
//!    there once its `CURRENT` file is, and a half-created one is created again), then the
//!    global state is initialised in one atomic write of the store (its format record,
//!    genesis tree and layer 0). The store itself tells whether that write happened: without
//!    its format record an empty store is initialised, with it the store is opened as it is.
//! 3. `modules/` is created (a cache: it may be missing or empty at any time).
//!
//! Older versions of svm wrote `VERSION` last, so a kill could leave `store/` (and
//! `modules/`) without it. Such a directory, holding nothing else, is adopted: its store is
//! opened as usual (initialised if empty, kept as it is if it holds an svm state, refused if
//! it holds anything else) and `VERSION` is written after. A store database left there is
//! opened only with its own backend (a RocksDB one has an `IDENTITY` file, a LevelDB one not).
//!
//! Only one process may have a data directory open: the store's lock refuses a second
//! ([`DataDirError::Locked`]). Layers live in memory while a runtime is open: a runtime
//! reopened after a crash is at the last committed layer.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use svm_kv::{KVStore, KvError, MemoryStore};
use svm_storage::{GlobalState, StorageError};

use crate::{CacheConfig, Error, Runtime, RuntimeConfig};

/// The data directory format this build reads and writes.
pub const DATA_DIR_VERSION: u32 = 1;

/// The store shared by a data directory's runtime and its readers.
pub type SharedKv = Arc<dyn KVStore>;

/// A runtime over a data directory's store.
pub type NodeRuntime = Runtime<GlobalState<SharedKv>>;

/// The key-value backends a data directory can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// RocksDB (the default: embedded, crash-safe). Needs the `rocksdb` feature.
    RocksDb,
    /// LevelDB. Needs the `leveldb` feature.
    LevelDb,
    /// In memory: nothing is kept after the runtime is dropped (tests, demos).
    Memory,
}

impl Backend {
    /// The name used in `VERSION` (`rocksdb`, `leveldb`, `memory`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::RocksDb => "rocksdb",
            Backend::LevelDb => "leveldb",
            Backend::Memory => "memory",
        }
    }

    /// Whether this build has the backend (its cargo feature is on).
    pub fn is_built(self) -> bool {
        match self {
            Backend::Memory => true,
            Backend::RocksDb => cfg!(feature = "rocksdb"),
            Backend::LevelDb => cfg!(feature = "leveldb"),
        }
    }
}

/// Why a data directory could not be opened. Nothing in the directory was lost: a failed
/// open removes only what it created itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// The directory does not exist (or is empty) and `create` was false.
    #[error("no data directory at {0}")]
    NotFound(PathBuf),
    /// The directory was written by an incompatible svm or holds another backend's store, or
    /// is not an svm data directory at all.
    #[error("data directory {path} is incompatible: {reason}")]
    Incompatible {
        /// The data directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The store's content is corrupted (the engine's files, or svm's records). Nothing was
    /// repaired or removed.
    #[error("data directory {path}: the store is corrupted: {detail}")]
    Corrupted {
        /// The data directory.
        path: PathBuf,
        /// What the engine or svm said.
        detail: String,
    },
    /// The directory holds a store of another backend (named in `VERSION`, or found in the
    /// `store/` an interrupted initialisation left).
    #[error(
        "data directory {path} is incompatible: {} a {found} store, not {expected}",
        if *interrupted { "it has no VERSION file but an interrupted initialisation left" } else { "it holds" }
    )]
    WrongBackend {
        /// The data directory.
        path: PathBuf,
        /// The backend it holds.
        found: String,
        /// The backend asked for.
        expected: &'static str,
        /// Whether `VERSION` is missing (an interrupted initialisation left the store).
        interrupted: bool,
    },
    /// Another process (or another runtime of this one) has the directory open.
    #[error("data directory {path} is locked: another process has it open ({detail})")]
    Locked {
        /// The data directory.
        path: PathBuf,
        /// What the store said.
        detail: String,
    },
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// This build lacks the backend (its cargo feature is off).
    #[error("this svm was built without the {0} backend (cargo feature `{0}`)")]
    BackendNotBuilt(&'static str),
    /// The store failed while opening.
    #[error("store: {0}")]
    Store(#[from] StorageError),
    /// The runtime could not be created over the store.
    #[error("runtime: {0}")]
    Runtime(#[from] Error),
}

impl DataDirError {
    fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataDirError::Io {
            path: path.into(),
            source,
        }
    }
}

/// A runtime over an in-memory store (nothing is kept after it is dropped), with its store.
pub fn open_memory(config: RuntimeConfig) -> Result<(NodeRuntime, SharedKv), Error> {
    let kv: SharedKv = Arc::new(MemoryStore::new());
    Ok((Runtime::new(kv.clone(), config)?, kv))
}

/// Opens the data directory `dir` holding a `backend` store, and a runtime over it with
/// `config` (whose module cache is set to `dir/modules`, keyed by `dir/node.key`).
///
/// `create`: a missing or empty directory is created and initialised; otherwise that is
/// [`DataDirError::NotFound`]. An interrupted initialisation is completed (see the module
/// documentation). What this call wrote is removed again if opening fails, and so is the
/// directory if it created it and nothing else is in it: a failed open leaves nothing
/// half-written, and never removes another opener's files.
/// [`Backend::Memory`] ignores `dir` and opens an empty in-memory store.
///
/// ```
/// use svm_runtime::{Backend, RuntimeConfig, data_dir::open_data_dir};
/// use svm_storage::WorldState;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("svm");
/// let (rt, _kv) = open_data_dir(&path, Backend::Memory, true, RuntimeConfig::default()).unwrap();
/// assert_eq!(rt.state().last_layer().0, 0);
/// ```
pub fn open_data_dir(
    dir: &Path,
    backend: Backend,
    create: bool,
    config: RuntimeConfig,
) -> Result<(NodeRuntime, SharedKv), DataDirError> {
    if !backend.is_built() {
        return Err(DataDirError::BackendNotBuilt(backend.name()));
    }
    if backend == Backend::Memory {
        return Ok(open_memory(config)?);
    }
    let created = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => false,
        Ok(_) => {
            return Err(DataDirError::Incompatible {
                path: dir.to_path_buf(),
                reason: "it is a file, not a directory".into(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !create {
                return Err(DataDirError::NotFound(dir.to_path_buf()));
            }
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| DataDirError::io(parent, e))?;
            }
            match std::fs::create_dir(dir) {
                Ok(()) => true,
                // Another process created it meanwhile: it is not ours to remove.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                Err(e) => return Err(DataDirError::io(dir, e)),
            }
        }
        Err(e) => return Err(DataDirError::io(dir, e)),
    };
    let result = open_dir(dir, backend, create, config);
    if created && result.is_err() {
        // `open_dir` removed what it wrote; the directory goes too if nothing else is in it
        // (another opener's files, if any, keep it: never a recursive removal)
        let _ = std::fs::remove_dir(dir);
    }
    result
}

fn open_dir(
    dir: &Path,
    backend: Backend,
    create: bool,
    config: RuntimeConfig,
) -> Result<(NodeRuntime, SharedKv), DataDirError> {
    let state = inspect(dir, backend)?;
    match state {
        DirState::Versioned | DirState::Interrupted(None) => {}
        DirState::Empty if !create => return Err(DataDirError::NotFound(dir.to_path_buf())),
        DirState::Empty => write_version(dir, backend)?,
        DirState::Interrupted(Some(found)) if found != backend => {
            return Err(DataDirError::WrongBackend {
                path: dir.to_path_buf(),
                found: found.name().to_string(),
                expected: backend.name(),
                interrupted: true,
            });
        }
        DirState::Interrupted(Some(_)) => {}
    }
    let opened = match (state, open_runtime(dir, backend, config)) {
        (_, Ok(opened)) => opened,
        // Undo this call's initialisation (the directory was empty), unless another process
        // holds the store: then it is that process's.
        (DirState::Empty, Err(e)) if !matches!(e, DataDirError::Locked { .. }) => {
            for name in ["store", "modules"] {
                let _ = std::fs::remove_dir_all(dir.join(name));
            }
            let _ = std::fs::remove_file(dir.join("VERSION"));
            let _ = std::fs::remove_file(dir.join("node.key"));
            return Err(e);
        }
        (_, Err(e)) => return Err(e),
    };
    // The store is open (and locked) here: an initialisation's `VERSION` is ours to write
    // (after an older svm's interrupted one) or correct (after a concurrent open with another
    // backend).
    if state != DirState::Versioned
        && std::fs::read_to_string(dir.join("VERSION")).ok() != Some(version_text(backend))
    {
        write_version(dir, backend)?;
    }
    remove_version_leftovers(dir);
    Ok(opened)
}

/// Opens the store of `dir` and a runtime over it (initialising an empty store).
fn open_runtime(
    dir: &Path,
    backend: Backend,
    config: RuntimeConfig,
) -> Result<(NodeRuntime, SharedKv), DataDirError> {
    let kv = open_kv(backend, dir)?;
    let config = RuntimeConfig {
        cache: CacheConfig {
            dir: Some(dir.join("modules")),
            // the artifacts' MAC key, outside `modules/`
            key_file: Some(dir.join("node.key")),
            ..config.cache
        },
        ..config
    };
    let rt = Runtime::new(kv.clone(), config).map_err(|e| match e {
        Error::Storage(
            e @ (StorageError::UnsupportedFormat { .. } | StorageError::ConfigMismatch { .. }),
        ) => DataDirError::Incompatible {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        },
        Error::Storage(e @ StorageError::Corrupt(_)) => DataDirError::Corrupted {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        },
        other => DataDirError::Runtime(other),
    })?;
    Ok((rt, kv))
}

fn open_kv(backend: Backend, dir: &Path) -> Result<SharedKv, DataDirError> {
    #[allow(unused_variables)]
    let path = dir.join("store");
    let result: Result<SharedKv, KvError> = match backend {
        Backend::Memory => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "rocksdb")]
        Backend::RocksDb => svm_kv::RocksStore::open(&path).map(|s| Arc::new(s) as SharedKv),
        #[cfg(feature = "leveldb")]
        Backend::LevelDb => svm_kv::LevelStore::open(&path).map(|s| Arc::new(s) as SharedKv),
        #[allow(unreachable_patterns)]
        other => return Err(DataDirError::BackendNotBuilt(other.name())),
    };
    result.map_err(|e| match e {
        KvError::Locked { detail, .. } => DataDirError::Locked {
            path: dir.to_path_buf(),
            detail,
        },
        KvError::Corrupted { detail, .. } => DataDirError::Corrupted {
            path: dir.to_path_buf(),
            detail,
        },
        other => DataDirError::Store(other.into()),
    })
}

fn version_text(backend: Backend) -> String {
    format!("svm-data {DATA_DIR_VERSION}\nstore {}\n", backend.name())
}

/// Prefix of the temporary files `VERSION` is written through.
const VERSION_TMP: &str = ".VERSION.tmp-";

/// What a data directory holds, as `VERSION` and its entries tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DirState {
    /// `VERSION` names this format and backend (the store may still be uninitialised:
    /// opening it completes the initialisation).
    Versioned,
    /// Nothing but leftover temporary `VERSION` files: a directory to initialise.
    Empty,
    /// No `VERSION`, only `store/` and/or `modules/`, as an older svm's initialisation left
    /// them when killed. `Some(kind)`: `store/` holds a database of that backend.
    Interrupted(Option<Backend>),
}

/// Checks what the existing data directory `dir` holds (see the module documentation).
fn inspect(dir: &Path, kind: Backend) -> Result<DirState, DataDirError> {
    let file = dir.join("VERSION");
    // Another opener may write `VERSION` between reading it and listing the directory: if
    // the listing shows one, read it again (once: `VERSION` is only ever written, atomically).
    let mut text = None;
    for _ in 0..2 {
        match std::fs::read_to_string(&file) {
            Ok(t) => {
                text = Some(t);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match inspect_unversioned(dir)? {
                Some(state) => return Ok(state),
                None => continue,
            },
            Err(e) => return Err(DataDirError::io(file, e)),
        }
    }
    let Some(text) = text else {
        return Err(DataDirError::Incompatible {
            path: dir.to_path_buf(),
            reason: "its VERSION file appears and disappears".into(),
        });
    };
    let mut version = None;
    let mut store = None;
    for line in text.lines() {
        match line.split_once(' ') {
            Some(("svm-data", v)) => version = v.trim().parse::<u32>().ok(),
            Some(("store", s)) => store = Some(s.trim().to_string()),
            _ => {}
        }
    }
    let incompatible = |reason: String| DataDirError::Incompatible {
        path: dir.to_path_buf(),
        reason,
    };
    match version {
        Some(DATA_DIR_VERSION) => {}
        Some(v) => {
            return Err(incompatible(format!(
                "data directory format {v}, this svm reads format {DATA_DIR_VERSION}"
            )));
        }
        None => {
            return Err(incompatible(format!(
                "VERSION file {} is not `svm-data <n>`",
                file.display()
            )));
        }
    }
    match store.as_deref() {
        Some(s) if s == kind.name() => Ok(DirState::Versioned),
        Some(s) => Err(DataDirError::WrongBackend {
            path: dir.to_path_buf(),
            found: s.to_string(),
            expected: kind.name(),
            interrupted: false,
        }),
        None => Err(incompatible("VERSION names no store backend".into())),
    }
}

/// [`inspect`] of a directory without `VERSION`.
///
/// `None` if the listing shows a `VERSION` after all (another opener wrote it meanwhile).
fn inspect_unversioned(dir: &Path) -> Result<Option<DirState>, DataDirError> {
    let not_svm = || DataDirError::Incompatible {
        path: dir.to_path_buf(),
        reason: "it has files but no VERSION file: not an svm data directory".into(),
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| DataDirError::io(dir, e))? {
        let name = entry.map_err(|e| DataDirError::io(dir, e))?.file_name();
        let is_key = name == "node.key"
            && std::fs::symlink_metadata(dir.join(&name)).is_ok_and(|m| m.is_file());
        // the artifact key is kept whatever else the directory holds
        if !name.to_string_lossy().starts_with(VERSION_TMP) && !is_key {
            names.push(name);
        }
    }
    if names.iter().any(|n| n == "VERSION") {
        return Ok(None);
    }
    if names.is_empty() {
        return Ok(Some(DirState::Empty));
    }
    if !names.iter().all(|n| n == "store" || n == "modules") {
        return Err(not_svm());
    }
    let is_dir = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_dir());
    if names.iter().any(|n| !is_dir(&n.to_string_lossy())) {
        return Err(not_svm());
    }
    let store = dir.join("store");
    let mut files = Vec::new();
    if store.exists() {
        for entry in std::fs::read_dir(&store).map_err(|e| DataDirError::io(&store, e))? {
            let entry = entry.map_err(|e| DataDirError::io(&store, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if !is_file || !is_engine_file(&name) {
                return Err(not_svm());
            }
            files.push(name);
        }
    }
    let created = files.iter().any(|n| n == "CURRENT");
    let rocksdb = files
        .iter()
        .any(|n| n == "IDENTITY" || n.starts_with("OPTIONS-"));
    let backend = match (created, rocksdb) {
        // No database was created: nothing can be stored in it yet.
        (false, _) => None,
        (true, true) => Some(Backend::RocksDb),
        (true, false) => Some(Backend::LevelDb),
    };
    Ok(Some(DirState::Interrupted(backend)))
}

/// Whether `name` is a file RocksDB or LevelDB keep in a database directory.
fn is_engine_file(name: &str) -> bool {
    const EXACT: [&str; 4] = ["CURRENT", "LOCK", "IDENTITY", "LOG"];
    const PREFIXES: [&str; 3] = ["MANIFEST-", "OPTIONS-", "LOG.old"];
    const SUFFIXES: [&str; 5] = [".log", ".sst", ".ldb", ".dbtmp", ".blob"];
    EXACT.contains(&name)
        || PREFIXES.iter().any(|p| name.starts_with(p))
        || SUFFIXES.iter().any(|x| name.ends_with(x))
}

/// Writes `VERSION` durably: a temporary file, fsync, rename, fsync of the directory. A kill
/// leaves either no `VERSION` (and maybe a `.VERSION.tmp-<pid>-<n>`) or the whole file.
fn write_version(dir: &Path, kind: Backend) -> Result<(), DataDirError> {
    use std::io::Write as _;
    let path = dir.join("VERSION");
    // unique per write, also between threads of one process opening the same directory
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{VERSION_TMP}{}-{n}", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(version_text(kind).as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(DataDirError::io(path, e));
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes the leftovers of `VERSION` writes that were killed before their rename. Called
/// only while this process holds the store's lock: another opener's write in flight is then
/// one that will fail on the lock anyway.
fn remove_version_leftovers(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(VERSION_TMP) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
