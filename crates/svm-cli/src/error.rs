//! [`CliError`]: every way a command can fail, each naming the problem (file, field, line
//! and column, data directory) so the message alone tells the user what to fix.

use std::path::PathBuf;

use svm_types::{Layer, State};

/// A command failure. `main` prints it as `error: ...` and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A file is not valid JSON.
    #[error("{path}: JSON syntax error at line {line}, column {column}: {message}")]
    JsonSyntax {
        /// The file (or `<argument>`).
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// A JSON document is valid JSON but a field is wrong (missing, unknown, bad value).
    #[error("{path}: {message}")]
    Field {
        /// The file.
        path: PathBuf,
        /// Which field and what is wrong with it.
        message: String,
    },
    /// A hex string does not decode.
    #[error("bad hex in {what}: {message}")]
    BadHex {
        /// Which input or field.
        what: String,
        /// What is wrong.
        message: String,
    },
    /// Bytes that do not decode as the item they should be.
    #[error("{what}: {message}")]
    Decode {
        /// Which input.
        what: String,
        /// The decoder's error (with the byte offset).
        message: String,
    },
    /// A template or deploy message does not pass validation.
    #[error("invalid: {0}")]
    Invalid(String),
    /// Another process has the data directory open.
    #[error(
        "data directory {path} is locked: another process (or `svm` command) has it open ({detail})"
    )]
    Locked {
        /// The data directory.
        path: PathBuf,
        /// What the store said.
        detail: String,
    },
    /// The data directory was written by an incompatible svm or another backend.
    #[error("data directory {path} is incompatible: {reason}")]
    Incompatible {
        /// The data directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The data directory does not exist (read-only commands do not create one).
    #[error(
        "no data directory at {0} (commands that write, such as `svm fund` or `svm deploy`, create it)"
    )]
    NoDataDir(PathBuf),
    /// The storage layer failed.
    #[error("store: {0}")]
    Storage(#[from] svm_storage::StorageError),
    /// The runtime failed (not a failed transaction: those are receipts).
    #[error("runtime: {0}")]
    Runtime(#[from] svm_runtime::Error),
    /// The runtime failed on a transaction of a layer run at once (`svm run`, the demo).
    #[error("runtime, transaction {} of the layer: {}", .0.index, .0.error)]
    Layer(#[from] svm_runtime::LayerError),
    /// The command line or its inputs do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// The demo's replay did not reproduce the layer (a determinism bug).
    #[error("demo check failed: {0}")]
    Check(String),
    /// Standard output cannot be written (a full disk, a closed pipe). Whatever the command
    /// did before it printed, such as committing a layer, is kept.
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
    /// An entry of `svm run` failed before the run had committed anything.
    #[error("{at}: {source}; nothing of the run was committed")]
    RunEntry {
        /// Which entry of the run file failed (`layers[0].transactions[2]`).
        at: String,
        /// Why it failed.
        source: Box<CliError>,
    },
    /// An entry of `svm run` failed after the run had committed layers; they were rewound,
    /// so the store is exactly as before the run.
    #[error(
        "{at}: {source}; the run was undone: the store is back at layer {layer}, root {root}, as before the run"
    )]
    RunUndone {
        /// Which entry of the run file failed (`layers[1].fund[0]`).
        at: String,
        /// Why it failed.
        source: Box<CliError>,
        /// The layer the run started from (and the store is at again).
        layer: Layer,
        /// Its root.
        root: State,
    },
    /// An entry of `svm run` failed after the run had committed layers, and rewinding them
    /// failed too.
    #[error(
        "{at}: {source}; undoing the run failed too ({rewind}): layers after {layer} may remain; `svm rewind --layer {layer}` removes them"
    )]
    RunNotUndone {
        /// Which entry of the run file failed.
        at: String,
        /// Why it failed.
        source: Box<CliError>,
        /// Why the rewind failed.
        rewind: Box<CliError>,
        /// The layer the run started from.
        layer: Layer,
    },
}

impl CliError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.into(),
            source,
        }
    }

    /// A usage error.
    pub(crate) fn usage(msg: impl Into<String>) -> Self {
        CliError::Usage(msg.into())
    }
}

/// The result of a command.
pub(crate) type Result<T, E = CliError> = std::result::Result<T, E>;
