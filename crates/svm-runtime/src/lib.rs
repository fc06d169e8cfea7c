//! The execution engine of svm: deploy, spawn, call and verify WebAssembly templates
//! deterministically and metered, against `svm-storage`, returning `svm-codec` receipts.
//!
//! - `runtime.rs`: [`Runtime`], the node-facing API (validate, deploy, spawn, call, verify,
//!   open/commit/rewind, accounts) and the transaction semantics.
//! - `host/`: the host ABI (namespace `svm`), one file per family; see
//!   `docs/spec/host-abi.md`.
//! - `cache/`: the module cache, one file per tier (memory LRU, disk artifacts).
//! - `exec.rs`: instantiating and running one function, classifying traps.
//! - `calls.rs`: contract-to-contract calls: frames in storage savepoints, gas forwarding,
//!   depth and reentrancy rules, asynchronous calls.
//! - `machine.rs`: the module cache and warm instances, shared with running frames.
//! - `events.rs`: querying the events templates emit (`svm_emit`), a bounded page at a time,
//!   skipping layers by their bloom filter.
//! - `template.rs`: constructors and API kept with a template.
//! - `data_dir.rs`: a node's data directory (store, module cache, key) and opening it.
//!
//! - `state.rs`: the state shared by the runtime and a running call; the runtime is generic
//!   over [`svm_storage::WorldState`].
//! - `testing.rs` (feature `testing`): the test kit.
//!
//! A node's loop: open a layer, run transactions into receipts, commit. A contract's fault
//! is a failed receipt; an `Err` is the node's own fault (stop, retry the block). The same
//! with decoded transactions is `examples/embed.rs` ([`Runtime::execute`]).
//!
//! ```
//! # #[cfg(feature = "examples")]
//! # fn main() -> Result<(), svm_runtime::Error> {
//! use svm_codec::{CallMessage, Codec, Context, Envelope, SpawnMessage, TxType, tx_id};
//! use svm_kv::MemoryStore;
//! use svm_runtime::{Runtime, RuntimeConfig, examples::COUNTER};
//! use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce};
//!
//! // a development node: alice is a funded account without keys (on a chain a principal
//! // is a wallet whose svm_verify checks a signature: see `tests/auth.rs`)
//! let mut rt = Runtime::new(MemoryStore::new(), RuntimeConfig::development())?;
//! let alice = Address([1; 20]);
//! rt.open(Layer(1))?;
//! rt.increase_balance(&alice, Amount(100_000_000))?;
//! let envelope = |tx_type, nonce| Envelope {
//!     tx_type,
//!     principal: alice,
//!     amount: Amount(0),
//!     nonce: Nonce(nonce),
//!     gas_limit: Gas(20_000_000),
//!     gas_fee: GasFee(1),
//! };
//! // the context's tx id is the transaction's id (the runtime checks it)
//! let ctx = |env: &Envelope, msg: &[u8]| Context { layer: Layer(1), tx_id: tx_id(env, &[], msg) };
//!
//! // deploy: the template is validated and compiled once, here
//! let msg = COUNTER.deploy_message().unwrap().encode();
//! let env = envelope(TxType::Deploy, 0);
//! let template = rt.deploy(&env, &[], &msg, &ctx(&env, &msg))?.result.unwrap();
//!
//! // spawn an account from it, running its constructor
//! let spawn = SpawnMessage {
//!     template,
//!     name: "counter".into(),
//!     ctor: "initialize".into(),
//!     calldata: 5u64.to_le_bytes().to_vec(),
//! };
//! let (env, msg) = (envelope(TxType::Spawn, 1), spawn.encode());
//! let receipt = rt.spawn(&env, &[], &msg, &ctx(&env, &msg))?;
//! let counter = receipt.result.unwrap().account;
//!
//! // call it
//! let call = CallMessage {
//!     target: counter,
//!     function: "add".into(),
//!     calldata: 3u64.to_le_bytes().to_vec(),
//! };
//! let (env, msg) = (envelope(TxType::Call, 2), call.encode());
//! let receipt = rt.call(&env, &[], &msg, &ctx(&env, &msg))?;
//! assert_eq!(receipt.result.unwrap().returndata, 8u64.to_le_bytes());
//!
//! // commit the layer: one atomic write, a new global root
//! let (layer, root) = rt.commit()?;
//! assert_eq!(layer, Layer(1));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "examples"))]
//! # fn main() {}
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod cache;
mod calls;
mod config;
mod crypto;
pub mod data_dir;
mod events;
#[cfg(feature = "examples")]
pub mod examples;
mod exec;
mod host;
mod machine;
mod parallel;
mod runtime;
mod state;
mod template;
#[cfg(feature = "testing")]
pub mod testing;

pub use cache::{CacheStats, Tier, instances::InstanceStats};
pub use config::{CacheConfig, HostCosts, RuntimeConfig, TxCosts, TxLimits};
pub use data_dir::{Backend, DataDirError};
pub use events::{
    EventCursor, EventFilter, EventPage, FoundEvent, MAX_EVENTS_PER_PAGE, MAX_EVENTS_READ_PER_PAGE,
    MAX_LAYERS_PER_PAGE,
};
pub use host::host_signatures;
pub use parallel::{LayerError, LayerRun, LayerTx, TxPath};
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
    /// The context's transaction id is not the id of the transaction given (the runtime
    /// computes it from the transaction's bytes and never trusts the caller's).
    #[error("context tx id {context} is not the transaction's id {computed}")]
    TxIdMismatch {
        /// The context's id.
        context: svm_types::TxId,
        /// The id of the transaction's bytes.
        computed: svm_types::TxId,
    },
}

/// The README's example, compiled and run (it uses the `examples` feature).
#[cfg(all(doctest, feature = "examples"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
