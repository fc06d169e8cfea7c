//! The data directory and the node-like runtime over it.
//!
//! The data directory (`--data-dir`, default `./svm-data`) is opened by
//! [`svm_runtime::data_dir`], which documents its layout and its crash-safe initialisation.
//! The CLI adds one file: `pending.json`, only between `svm open` and `svm commit`: the open
//! layer's journal.
//!
//! Layers: a layer lives in memory only while a runtime is open, so every command that
//! writes runs in a layer of its own (open next, apply, commit: one atomic write). `svm open`
//! starts a *journal* instead: later commands append to `pending.json` (after replaying it to
//! produce their receipt) and `svm commit` replays the journal and commits it as one layer.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
};

use serde_json::{Value as Json, json};
use svm_codec::{Codec, Context, Receipt, Transaction};
use svm_runtime::data_dir::{self, SharedKv};
use svm_runtime::{Backend, DataDirError, Runtime, RuntimeConfig};
use svm_storage::{GlobalState, WorldState};
use svm_types::{Address, Amount, Layer, State, TemplateAddr};

use crate::error::{CliError, Result};
use crate::input;
use crate::output::note;

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

    /// The runtime's backend.
    pub fn backend(self) -> Backend {
        match self {
            StoreKind::Rocksdb => Backend::RocksDb,
            StoreKind::Leveldb => Backend::LevelDb,
            StoreKind::Memory => Backend::Memory,
        }
    }
}

/// A committed layer and its root, if a command committed one.
pub(crate) type Committed = Option<(Layer, State)>;

/// The store behind every runtime of the CLI.
pub(crate) type Kv = SharedKv;

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
    /// The rewind window (`--history`), `None`: keep every layer.
    pub history: Option<u64>,
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

/// The CLI's view of a data directory error.
fn dir_error(e: DataDirError) -> CliError {
    match e {
        DataDirError::NotFound(path) => CliError::NoDataDir(path),
        DataDirError::Incompatible { path, reason } => CliError::Incompatible { path, reason },
        DataDirError::Corrupted { path, detail } => CliError::Incompatible {
            path,
            reason: format!("the store is corrupted: {detail}"),
        },
        DataDirError::WrongBackend {
            path,
            found,
            expected,
            interrupted,
        } => CliError::Incompatible {
            path,
            reason: if interrupted {
                format!(
                    "it has no VERSION file but a {found} store that an interrupted initialisation left (use --store {found})"
                )
            } else {
                format!("it holds a {found} store, not {expected} (use --store {found})")
            },
        },
        DataDirError::Locked { path, detail } => CliError::Locked { path, detail },
        DataDirError::Io { path, source } => CliError::Io { path, source },
        DataDirError::BackendNotBuilt(name) => CliError::usage(format!(
            "this svm was built without the {name} backend (cargo feature `{name}`)"
        )),
        DataDirError::Store(e) => CliError::Storage(e),
        DataDirError::Runtime(e) => CliError::Runtime(e),
        other => CliError::usage(other.to_string()),
    }
}

impl Node {
    /// Opens the state. `create`: a missing (or empty) data directory is created and
    /// initialised (commands that write); otherwise it is an error. Any command completes an
    /// initialisation that was interrupted (see the module documentation). A directory this
    /// call created is removed again if opening fails (unless another process holds its
    /// store), so no command leaves a half-written data directory behind an error.
    pub(crate) fn open(args: &StoreArgs, create: bool) -> Result<Self> {
        // a development node: `svm fund` makes accounts without keys
        let mut config = RuntimeConfig::development();
        config.storage.history = args.history;
        let dir = &args.data_dir;
        let (rt, kv) = data_dir::open_data_dir(dir, args.store.backend(), create, config)
            .map_err(dir_error)?;
        if args.store == StoreKind::Memory {
            return Ok(Self {
                rt,
                kv,
                dir: None,
                journal: None,
                open: None,
            });
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

    /// Bytes of the files under the data directory (none for the memory store).
    pub(crate) fn disk_bytes(&self) -> Result<Option<u64>> {
        fn walk(path: &Path) -> std::io::Result<u64> {
            let mut total = 0;
            for entry in std::fs::read_dir(path)? {
                let entry = entry?;
                let meta = entry.metadata()?;
                total += if meta.is_dir() {
                    walk(&entry.path())?
                } else {
                    meta.len()
                };
            }
            Ok(total)
        }
        self.dir
            .as_deref()
            .map(|dir| walk(dir).map_err(|e| CliError::io(dir, e)))
            .transpose()
    }

    /// The store (committed state).
    pub(crate) fn kv(&self) -> &Kv {
        &self.kv
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

    /// Runs the transactions of a layer in the open layer, on `threads` threads (the
    /// receipts are those of running them one by one).
    pub(crate) fn apply_layer(
        &mut self,
        txs: &[Transaction],
        threads: usize,
    ) -> Result<Vec<Receipt>> {
        let layer = self.open.ok_or_else(|| CliError::usage("no open layer"))?;
        let msgs: Vec<Vec<u8>> = txs.iter().map(|t| t.message().encode()).collect();
        let parts: Vec<svm_runtime::LayerTx<'_>> = txs
            .iter()
            .zip(&msgs)
            .map(|(t, m)| svm_runtime::LayerTx::new(*t.envelope(), t.verifydata(), m, layer))
            .collect();
        self.rt.set_threads(threads);
        Ok(self.rt.execute_layer(&parts)?.receipts)
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
