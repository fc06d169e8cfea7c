//! The data directory and the node-like runtime over it.
//!
//! Layout of a data directory (`--data-dir`, default `./svm-data`):
//!
//! | path | what |
//! |---|---|
//! | `VERSION` | `svm-data 1` and `store <backend>`: written first when the directory is created |
//! | `store/` | the key-value store (RocksDB or LevelDB), holding the global state and layers |
//! | `modules/` | the module cache's compiled artifacts (one per deployed template) |
//! | `node.key` | this node's secret key authenticating `modules/` (owner-only; never copy it with a snapshot) |
//! | `pending.json` | only between `svm open` and `svm commit`: the open layer's journal |
//!
//! Initialisation is crash-safe (a SIGKILL at any point leaves a directory the next command
//! completes), and never wipes or re-initialises a store that holds anything:
//!
//! 1. `VERSION` is written first (a temporary file, fsync, rename): from then on the
//!    directory is an svm data directory of that format and backend, initialised or not.
//!    Killed before the rename, the directory holds at most a `.VERSION.tmp-<pid>` file,
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
//! Layers: a layer lives in memory only while a runtime is open, so every command that
//! writes runs in a layer of its own (open next, apply, commit: one atomic write). `svm open`
//! starts a *journal* instead: later commands append to `pending.json` (after replaying it to
//! produce their receipt) and `svm commit` replays the journal and commits it as one layer.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
    sync::Arc,
};

use serde_json::{Value as Json, json};
use svm_codec::{Codec, Context, Receipt, Transaction};
use svm_kv::{KVStore, KvError, MemoryStore};
use svm_runtime::{Runtime, RuntimeConfig};
use svm_storage::{GlobalState, StorageError, WorldState};
use svm_types::{Address, Amount, Layer, State, TemplateAddr};

use crate::error::{CliError, Result};
use crate::input;
use crate::output::note;

/// The data directory format this build reads and writes.
pub(crate) const DATA_DIR_VERSION: u32 = 1;

/// Backends of a data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// RocksDB (the default, embedded, crash-safe).
    Rocksdb,
    /// LevelDB.
    Leveldb,
    /// In memory: nothing is kept after the command (tests, `run`, `demo`).
    Memory,
}

impl StoreKind {
    /// The name used in `VERSION` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::Rocksdb => "rocksdb",
            StoreKind::Leveldb => "leveldb",
            StoreKind::Memory => "memory",
        }
    }
}

/// A committed layer and its root, if a command committed one.
pub(crate) type Committed = Option<(Layer, State)>;

/// The store behind every runtime of the CLI.
pub(crate) type Kv = Arc<dyn KVStore>;

/// One entry of the open layer's journal.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// A local funding (`svm fund`).
    Fund(Address, Amount),
    /// A transaction (`svm deploy|spawn|call`).
    Tx(Box<Transaction>),
}

/// The journal of a layer opened with `svm open`.
#[derive(Debug, Clone)]
struct Journal {
    layer: Layer,
    entries: Vec<Entry>,
}

impl Journal {
    fn to_json(&self) -> Json {
        let entries: Vec<Json> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Fund(a, n) => {
                    json!({"fund": {"account": a.to_string(), "amount": n.0.to_string()}})
                }
                Entry::Tx(tx) => json!({"tx": hex::encode(tx.encode())}),
            })
            .collect();
        json!({"layer": self.layer.0.to_string(), "entries": entries})
    }

    fn from_json(path: &Path, v: &Json) -> Result<Self> {
        let bad = |m: &str| CliError::Incompatible {
            path: path.to_path_buf(),
            reason: format!("malformed journal: {m}"),
        };
        let layer = v
            .get("layer")
            .and_then(Json::as_str)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("layer"))?;
        let mut entries = Vec::new();
        for e in v
            .get("entries")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("entries"))?
        {
            if let Some(f) = e.get("fund") {
                let account = f
                    .get("account")
                    .and_then(Json::as_str)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("fund.account"))?;
                let amount = f
                    .get("amount")
                    .and_then(Json::as_str)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("fund.amount"))?;
                entries.push(Entry::Fund(account, Amount(amount)));
            } else {
                let bytes = e
                    .get("tx")
                    .and_then(Json::as_str)
                    .and_then(|s| hex::decode(s).ok())
                    .ok_or_else(|| bad("tx"))?;
                let tx = Transaction::decode(&bytes).map_err(|e| bad(&e.to_string()))?;
                entries.push(Entry::Tx(Box::new(tx)));
            }
        }
        Ok(Self {
            layer: Layer(layer),
            entries,
        })
    }
}

/// Where and how to open the state: the global options of the command line.
#[derive(Debug, Clone)]
pub(crate) struct StoreArgs {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The backend.
    pub store: StoreKind,
}

/// A runtime over a data directory (or a memory store), with the open layer's journal.
pub(crate) struct Node {
    /// The runtime.
    pub rt: Runtime<GlobalState<Kv>>,
    kv: Kv,
    dir: Option<PathBuf>,
    journal: Option<Journal>,
    /// Whether a layer is open in the runtime (by [`Node::begin`]).
    open: Option<Layer>,
}

fn version_text(kind: StoreKind) -> String {
    format!("svm-data {DATA_DIR_VERSION}\nstore {}\n", kind.name())
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
    Interrupted(Option<StoreKind>),
}

/// Checks what the existing data directory `dir` holds (see the module documentation).
fn inspect(dir: &Path, kind: StoreKind) -> Result<DirState> {
    let file = dir.join("VERSION");
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return inspect_unversioned(dir),
        Err(e) => return Err(CliError::io(file, e)),
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
    let incompatible = |reason: String| CliError::Incompatible {
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
        Some(s) => Err(incompatible(format!(
            "it holds a {s} store, not {} (use --store {s})",
            kind.name()
        ))),
        None => Err(incompatible("VERSION names no store backend".into())),
    }
}

/// [`inspect`] of a directory without `VERSION`.
fn inspect_unversioned(dir: &Path) -> Result<DirState> {
    let not_svm = || CliError::Incompatible {
        path: dir.to_path_buf(),
        reason: "it has files but no VERSION file: not an svm data directory".into(),
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| CliError::io(dir, e))? {
        let name = entry.map_err(|e| CliError::io(dir, e))?.file_name();
        let is_key = name == "node.key"
            && std::fs::symlink_metadata(dir.join(&name)).is_ok_and(|m| m.is_file());
        // the artifact key is kept whatever else the directory holds
        if !name.to_string_lossy().starts_with(VERSION_TMP) && !is_key {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Ok(DirState::Empty);
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
        for entry in std::fs::read_dir(&store).map_err(|e| CliError::io(&store, e))? {
            let entry = entry.map_err(|e| CliError::io(&store, e))?;
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
        (true, true) => Some(StoreKind::Rocksdb),
        (true, false) => Some(StoreKind::Leveldb),
    };
    Ok(DirState::Interrupted(backend))
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
/// leaves either no `VERSION` (and maybe a `.VERSION.tmp-<pid>`) or the whole file.
fn write_version(dir: &Path, kind: StoreKind) -> Result<()> {
    use std::io::Write as _;
    let path = dir.join("VERSION");
    let tmp = dir.join(format!("{VERSION_TMP}{}", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(version_text(kind).as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(CliError::io(path, e));
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    // Leftovers of writes that were killed before their rename.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(VERSION_TMP) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// Fails if this build lacks the backend `kind`.
fn check_backend(kind: StoreKind) -> Result<()> {
    let built = match kind {
        StoreKind::Memory => true,
        StoreKind::Rocksdb => cfg!(feature = "rocksdb"),
        StoreKind::Leveldb => cfg!(feature = "leveldb"),
    };
    if built {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "this svm was built without the {} backend (cargo feature `{}`)",
            kind.name(),
            kind.name()
        )))
    }
}

fn open_kv(kind: StoreKind, dir: &Path) -> Result<Kv> {
    let path = dir.join("store");
    let result: std::result::Result<Kv, KvError> = match kind {
        StoreKind::Memory => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "rocksdb")]
        StoreKind::Rocksdb => svm_kv::RocksStore::open(&path).map(|s| Arc::new(s) as Kv),
        #[cfg(feature = "leveldb")]
        StoreKind::Leveldb => svm_kv::LevelStore::open(&path).map(|s| Arc::new(s) as Kv),
        #[allow(unreachable_patterns)]
        other => {
            return Err(CliError::usage(format!(
                "this svm was built without the {} backend (cargo feature `{}`)",
                other.name(),
                other.name()
            )));
        }
    };
    result.map_err(|e| match e {
        KvError::Locked { detail, .. } => CliError::Locked {
            path: dir.to_path_buf(),
            detail,
        },
        KvError::Corrupted { detail, .. } => CliError::Incompatible {
            path: dir.to_path_buf(),
            reason: format!("the store is corrupted ({detail})"),
        },
        other => CliError::Storage(other.into()),
    })
}

fn state_error(dir: &Path, e: svm_runtime::Error) -> CliError {
    match e {
        svm_runtime::Error::Storage(
            e @ (StorageError::UnsupportedFormat { .. }
            | StorageError::ConfigMismatch { .. }
            | StorageError::Corrupt(_)),
        ) => CliError::Incompatible {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        },
        other => CliError::Runtime(other),
    }
}

impl Node {
    /// Opens the state. `create`: a missing (or empty) data directory is created and
    /// initialised (commands that write); otherwise it is an error. Any command completes an
    /// initialisation that was interrupted (see the module documentation). A directory this
    /// call created is removed again if opening fails (unless another process holds its
    /// store), so no command leaves a half-written data directory behind an error.
    pub(crate) fn open(args: &StoreArgs, create: bool) -> Result<Self> {
        check_backend(args.store)?;
        if args.store == StoreKind::Memory {
            let kv: Kv = Arc::new(MemoryStore::new());
            let rt = Runtime::new(kv.clone(), RuntimeConfig::development())?;
            return Ok(Self {
                rt,
                kv,
                dir: None,
                journal: None,
                open: None,
            });
        }
        let dir = &args.data_dir;
        let created = match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => false,
            Ok(_) => {
                return Err(CliError::Incompatible {
                    path: dir.clone(),
                    reason: "it is a file, not a directory".into(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Err(CliError::NoDataDir(dir.clone()));
                }
                if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
                }
                match std::fs::create_dir(dir) {
                    Ok(()) => true,
                    // Another command created it meanwhile: it is not ours to remove.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                    Err(e) => return Err(CliError::io(dir, e)),
                }
            }
            Err(e) => return Err(CliError::io(dir, e)),
        };
        let result = Self::open_dir(dir, args.store, create);
        if created
            && result
                .as_ref()
                .is_err_and(|e| !matches!(e, CliError::Locked { .. }))
        {
            let _ = std::fs::remove_dir_all(dir);
        }
        result
    }

    fn open_dir(dir: &Path, kind: StoreKind, create: bool) -> Result<Self> {
        let state = inspect(dir, kind)?;
        match state {
            DirState::Versioned | DirState::Interrupted(None) => {}
            DirState::Empty if !create => return Err(CliError::NoDataDir(dir.to_path_buf())),
            DirState::Empty => write_version(dir, kind)?,
            DirState::Interrupted(Some(found)) if found != kind => {
                return Err(CliError::Incompatible {
                    path: dir.to_path_buf(),
                    reason: format!(
                        "it has no VERSION file but a {} store that an interrupted initialisation left (use --store {})",
                        found.name(),
                        found.name()
                    ),
                });
            }
            DirState::Interrupted(Some(_)) => {}
        }
        let rt = Self::open_runtime(dir, kind);
        let (rt, kv) = match (state, rt) {
            (_, Ok(opened)) => opened,
            // Undo this call's initialisation (the directory was empty), unless another
            // process holds the store: then it is that process's.
            (DirState::Empty, Err(e)) if !matches!(e, CliError::Locked { .. }) => {
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
        // (after an older svm's interrupted one) or correct (after a concurrent command's
        // with another backend).
        if state != DirState::Versioned
            && std::fs::read_to_string(dir.join("VERSION")).ok() != Some(version_text(kind))
        {
            write_version(dir, kind)?;
        }
        let journal_path = dir.join("pending.json");
        let mut journal = None;
        if journal_path.exists() {
            let text = input::read_text(&journal_path)?;
            let j = Journal::from_json(&journal_path, &input::parse_json(&journal_path, &text)?)?;
            let last = rt.state().last_layer();
            if last.next() == Some(j.layer) {
                journal = Some(j);
            } else {
                // A commit that wrote the layer but died before removing its journal.
                note!(
                    "note: removing the stale journal of layer {} (last committed layer is {last})",
                    j.layer
                );
                std::fs::remove_file(&journal_path).map_err(|e| CliError::io(&journal_path, e))?;
            }
        }
        Ok(Self {
            rt,
            kv,
            dir: Some(dir.to_path_buf()),
            journal,
            open: None,
        })
    }

    /// Opens the store of `dir` and a runtime over it (initialising an empty store).
    fn open_runtime(dir: &Path, kind: StoreKind) -> Result<(Runtime<GlobalState<Kv>>, Kv)> {
        let kv = open_kv(kind, dir)?;
        let config = RuntimeConfig {
            cache: svm_runtime::CacheConfig {
                dir: Some(dir.join("modules")),
                // the artifacts' MAC key, outside `modules/`
                key_file: Some(dir.join("node.key")),
                ..Default::default()
            },
            // a development node: `svm fund` makes accounts without keys
            ..RuntimeConfig::development()
        };
        let rt = Runtime::new(kv.clone(), config).map_err(|e| state_error(dir, e))?;
        Ok((rt, kv))
    }

    /// The last committed layer.
    pub(crate) fn last_layer(&self) -> Result<Layer> {
        Ok(self.rt.state().last_layer())
    }

    /// The global root after the last committed layer.
    pub(crate) fn root(&self) -> Result<State> {
        Ok(self.rt.state().root())
    }

    /// The layer opened by `svm open` and its entry count, if any.
    pub(crate) fn pending(&self) -> Option<(Layer, usize)> {
        self.journal.as_ref().map(|j| (j.layer, j.entries.len()))
    }

    /// Whether a template is deployed (committed state).
    pub(crate) fn template_exists(&self, addr: &TemplateAddr) -> Result<bool> {
        let mut view = GlobalState::new(self.kv.clone(), self.rt.config().storage)?;
        Ok(view.template(addr)?.is_some())
    }

    /// Opens the next layer in the runtime and replays the journal, if any: afterwards the
    /// runtime sees every pending change.
    pub(crate) fn begin(&mut self) -> Result<Layer> {
        if let Some(l) = self.open {
            return Ok(l);
        }
        let layer = self
            .last_layer()?
            .next()
            .ok_or_else(|| CliError::usage("no layer after u64::MAX"))?;
        self.rt.open(layer)?;
        self.open = Some(layer);
        let entries = self.journal.as_ref().map(|j| j.entries.clone());
        for e in entries.unwrap_or_default() {
            self.apply(&e)?;
        }
        Ok(layer)
    }

    /// Applies an entry in the open layer (see [`Node::begin`]).
    pub(crate) fn apply(&mut self, entry: &Entry) -> Result<Option<Receipt>> {
        let layer = self.open.ok_or_else(|| CliError::usage("no open layer"))?;
        match entry {
            Entry::Fund(a, n) => {
                self.rt.increase_balance(a, *n)?;
                Ok(None)
            }
            Entry::Tx(tx) => Ok(Some(self.execute(tx, layer)?)),
        }
    }

    /// Runs a transaction in the open layer.
    fn execute(&mut self, tx: &Transaction, layer: Layer) -> Result<Receipt> {
        let ctx = Context {
            layer,
            tx_id: tx.id(),
        };
        Ok(self.rt.execute(tx, &ctx)?)
    }

    /// Runs the verify step of a transaction (nothing is changed).
    pub(crate) fn verify(&mut self, tx: &Transaction) -> Result<Receipt> {
        let layer = match self.journal {
            Some(_) => self.begin()?,
            None => self.last_layer()?.next().unwrap_or(Layer(u64::MAX)),
        };
        let ctx = Context {
            layer,
            tx_id: tx.id(),
        };
        let msg = tx.message().encode();
        Ok(Receipt::Call(self.rt.verify(
            tx.envelope(),
            tx.verifydata(),
            &msg,
            &ctx,
        )?))
    }

    /// Applies one entry the way a single command does: in the journal's layer if `svm open`
    /// started one (the entry is appended to it), otherwise in a layer of its own, committed.
    /// Returns the receipt (if a transaction) and `Some((layer, root))` if committed.
    pub(crate) fn run_entry(&mut self, entry: Entry) -> Result<(Option<Receipt>, Committed)> {
        self.begin()?;
        let receipt = self.apply(&entry)?;
        if let Some(j) = &mut self.journal {
            j.entries.push(entry);
            let j = j.clone();
            self.save_journal(&j)?;
            return Ok((receipt, None));
        }
        let committed = self.commit_open()?;
        Ok((receipt, Some(committed)))
    }

    /// Commits the layer open in the runtime.
    pub(crate) fn commit_open(&mut self) -> Result<(Layer, State)> {
        let out = self.rt.commit()?;
        self.open = None;
        Ok(out)
    }

    fn journal_path(&self) -> Result<PathBuf> {
        self.dir.as_ref().map(|d| d.join("pending.json")).ok_or_else(|| {
            CliError::usage(
                "the memory store keeps nothing between commands: `open` and `commit` need a data directory (use `svm run` to apply several layers in one command)",
            )
        })
    }

    fn save_journal(&self, j: &Journal) -> Result<()> {
        let path = self.journal_path()?;
        let text = serde_json::to_string_pretty(&j.to_json()).unwrap_or_default();
        input::write_atomic(&path, text.as_bytes())
    }

    /// `svm open`: starts a journal for the next layer.
    pub(crate) fn open_journal(&mut self) -> Result<Layer> {
        if let Some(j) = &self.journal {
            return Err(CliError::usage(format!(
                "layer {} is already open ({} pending entries): `svm commit` or `svm rewind` it first",
                j.layer,
                j.entries.len()
            )));
        }
        let layer = self
            .last_layer()?
            .next()
            .ok_or_else(|| CliError::usage("no layer after u64::MAX"))?;
        let j = Journal {
            layer,
            entries: vec![],
        };
        self.save_journal(&j)?;
        self.journal = Some(j);
        Ok(layer)
    }

    /// `svm commit`: replays the journal and commits it as one layer.
    pub(crate) fn commit_journal(&mut self) -> Result<(Layer, State, usize)> {
        let count = match &self.journal {
            Some(j) => j.entries.len(),
            None => {
                return Err(CliError::usage(
                    "no layer is open: `svm open` starts one (single commands commit their own layer)",
                ));
            }
        };
        self.begin()?;
        let (layer, root) = self.commit_open()?;
        let path = self.journal_path()?;
        std::fs::remove_file(&path).map_err(|e| CliError::io(&path, e))?;
        self.journal = None;
        Ok((layer, root, count))
    }

    /// `svm rewind`: drops the journal, if any, and rewinds the store to `layer`.
    pub(crate) fn rewind(&mut self, layer: Layer) -> Result<(State, usize)> {
        let dropped = self.journal.as_ref().map_or(0, |j| j.entries.len());
        let root = self.rt.rewind(layer)?;
        self.open = None;
        if self.journal.take().is_some() {
            let path = self.journal_path()?;
            std::fs::remove_file(&path).map_err(|e| CliError::io(&path, e))?;
        }
        Ok((root, dropped))
    }

    /// The account at `addr` including pending changes.
    pub(crate) fn account(&mut self, addr: &Address) -> Result<Option<svm_storage::Account>> {
        if self.journal.is_some() {
            self.begin()?;
        }
        Ok(self.rt.get_account(addr)?)
    }

    /// The root the open layer would have if committed now.
    pub(crate) fn pending_root(&mut self) -> Result<Option<State>> {
        if self.journal.is_none() {
            return Ok(None);
        }
        self.begin()?;
        Ok(Some(self.rt.state().pending_root()?))
    }
}

/// Whether a progress bar may be drawn (standard error is a terminal).
pub(crate) fn interactive() -> bool {
    std::io::stderr().is_terminal()
}
