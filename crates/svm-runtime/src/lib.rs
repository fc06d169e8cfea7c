//! The execution engine of svm: deploy, spawn, call and verify WebAssembly templates
//! deterministically and metered, against `svm-storage`, returning `svm-codec` receipts.
//!
//! - `runtime.rs`: [`Runtime`], the node-facing API (validate, deploy, spawn, call, verify,
//!   open/commit/rewind, accounts) and the transaction semantics.
//! - `host/`: the host ABI (namespace `svm`), one file per family; see
//!   `docs/spec/host-abi.md`.
//! - `cache/`: the module cache, one file per tier (memory LRU, disk artifacts).
//! - `exec.rs`: instantiating and running one function, classifying traps.
//! - `template.rs`: constructors and API kept with a template.
//!
//! ```
//! use svm_codec::{Codec, Context, Envelope, TxType};
//! use svm_kv::MemoryStore;
//! use svm_runtime::{Runtime, RuntimeConfig};
//! use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TxId};
//!
//! let mut rt = Runtime::new(MemoryStore::new(), RuntimeConfig::default())?;
//! let alice = Address([1; 20]);
//! rt.open(Layer(1))?;
//! rt.increase_balance(&alice, Amount(1_000_000))?;
//! let (layer, root) = rt.commit()?;
//! assert_eq!(rt.get_account(&alice)?.unwrap().balance, Amount(1_000_000));
//! # Ok::<(), svm_runtime::Error>(())
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod cache;
mod config;
#[cfg(feature = "examples")]
pub mod examples;
mod exec;
mod host;
mod runtime;
mod state;
mod template;
#[cfg(feature = "testing")]
pub mod testing;

pub use cache::{CacheStats, Tier};
pub use config::{CacheConfig, HostCosts, RuntimeConfig, TxCosts, TxLimits};
pub use host::host_signatures;
pub use runtime::{Runtime, VERIFY_FUNCTION, prepare_config};
pub use state::StateGuard;
pub use template::TemplateMeta;

use std::path::PathBuf;

use svm_codec::TxType;
use svm_types::Layer;

/// Misuse of the API or a failure of the node (never a contract's fault: those are failed
/// receipts). A method that returns one changed nothing: the node should stop (or retry) the
/// transaction, never record a receipt for it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The state layer failed (store error, no open layer, ...).
    #[error(transparent)]
    Storage(#[from] svm_storage::StorageError),
    /// The envelope's transaction type does not match the API called.
    #[error("the envelope is a {found:?} transaction, not {expected:?}")]
    WrongTxType {
        /// The API's type.
        expected: TxType,
        /// The envelope's type.
        found: TxType,
    },
    /// The context's layer is not the open layer.
    #[error("context layer {context} is not the open layer ({open:?})")]
    LayerMismatch {
        /// The context's layer.
        context: Layer,
        /// The open layer.
        open: Option<Layer>,
    },
    /// A message does not decode (validate_* only; in transactions this is a failed receipt).
    #[error("invalid message: {0}")]
    Decode(#[from] svm_codec::DecodeError),
    /// A template does not pass validation (validate_deploy only).
    #[error("invalid template: {0}")]
    Template(#[from] svm_gas::PrepareError),
    /// The module cache directory (or its key file) cannot be used.
    #[error("module cache directory {0}: {1}")]
    Cache(PathBuf, std::io::Error),
    /// A deployed template's module could not be prepared or loaded on this node (a node
    /// fault: the template passed validation when it was deployed).
    #[error("module of template {0}: {1}")]
    Artifact(svm_types::TemplateAddr, #[source] svm_gas::PrepareError),
    /// The engine could not instantiate a module for a reason of this node (resources, CPU
    /// features).
    #[error("instantiation failed on this node: {0}")]
    Instantiation(String),
    /// An invariant of the runtime failed (a bug, reported rather than panicking).
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// The README's example, compiled and run (it uses the `examples` feature).
#[cfg(all(doctest, feature = "examples"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
