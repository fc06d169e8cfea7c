//! The state layer of svm: account storage in pages, the caches above them, account and
//! template records, one global root over everything, and layers with commit and rewind.
//!
//! The stack, bottom to top (one file per concept):
//! - [`svm_kv::KVStore`]: bytes in, bytes out (memory, RocksDB, LevelDB).
//! - `page.rs`: fixed-size pages of account storage, hashed from (address, index, content).
//! - `page_cache.rs`: the page cache, each page loaded at most once per transaction, dirty
//!   pages kept until the transaction ends.
//! - `layout.rs` / `page_slice.rs`: [`FixedLayout`] maps variables to page slices;
//!   the page-slice cache is what a running contract reads and writes.
//! - `page_tree.rs`: the per-account Merkle tree over page hashes, whose root is the
//!   account's storage state; a transaction updates it in `O(changed pages x depth)`.
//! - `account.rs` / `template.rs`: the records of the global state.
//! - `merkle.rs`: the Jellyfish Merkle tree that commits to every record.
//! - `world_state.rs`: [`WorldState`], the trait the runtime executes against.
//! - `journal.rs`: savepoints inside a transaction (a nested call's changes, undone on
//!   their own), recorded per key the first time it changes.
//! - `global_state.rs` / `layer.rs`: [`GlobalState`], its implementation over a
//!   [`svm_kv::KVStore`]: transactions and layers.
//! - `maps.rs`: unbounded `bytes -> bytes` maps per account, each under its own root in the
//!   account's storage state, with bounded, resumable range reads in key order.
//! - `events.rs`: events emitted by templates, committed per layer (summary, hashes, bloom)
//!   under the global root and deleted when they expire.
//! - `prune.rs`: the rewind window ([`StorageConfig::history`]): what only older layers need
//!   is deleted after each commit, in bounded, crash-safe batches.
//! - `proofs.rs`: proofs of committed accounts and storage for light clients
//!   ([`GlobalState::prove_account`], [`GlobalState::prove_storage`]; `svm-proof` verifies
//!   them, and defines the hashes every root here is built from).
//!
//! See `docs/architecture.md` for the key layout and the reasons behind it.
//!
//! ```
//! use svm_kv::MemoryStore;
//! use svm_storage::{Account, FixedLayout, GlobalState, StorageConfig, WorldState};
//! use svm_types::{Address, Layer};
//!
//! let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
//! let layout = FixedLayout::new(&[4, 8])?; // two variables: 4 and 8 bytes
//! let counter = Address([7; 20]);
//!
//! state.open(Layer(1))?;
//! state.checkpoint()?;
//! state.set_account(&counter, &Account::default())?;
//! state.write_var(&counter, &layout, 1, &42u64.to_be_bytes())?;
//! state.commit_tx()?;
//! let (_, root) = state.commit()?;
//!
//! state.open(Layer(2))?;
//! state.checkpoint()?;
//! assert_eq!(state.read_var(&counter, &layout, 1)?, 42u64.to_be_bytes());
//! assert!(state.read_var(&counter, &layout, 2).is_err()); // no variable 2
//! state.rollback()?;
//! assert_eq!(state.rewind(Layer(1))?, root);
//! # Ok::<(), svm_storage::StorageError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod account;
mod events;
mod global_state;
mod journal;
mod keys;
mod layer;
mod layer_map;
mod layout;
mod maps;
mod merkle;
mod page;
mod page_cache;
mod page_slice;
mod page_tree;
mod parallel;
mod proofs;
mod prune;
mod template;
#[cfg(feature = "testing")]
pub mod testing;
mod world_state;

pub use account::Account;
pub use events::MAX_EVENTS_EXPIRING;
pub use global_state::{GlobalState, StorageConfig};
pub use layer::STORE_FORMAT;
pub use layout::{FixedLayout, MAX_STORAGE_SIZE, PageSlice, VarId, VarSlot, page_slices};
pub use page::{DEFAULT_PAGE_SIZE, PageIndex, page_hash, trimmed};
pub use page_tree::storage_state;
pub use parallel::{Effects, ParallelState};
pub use prune::{PRUNE_BATCH_KEYS, PRUNE_MIN_KEYS};
pub use svm_proof::{Event, EventProof, EventsSummary, MAX_TOPICS};
pub use template::Template;
pub use world_state::{
    MAX_MAP_KEY_LEN, MAX_MAP_VALUE_LEN, MapEntry, MapScan, MapWrite, WorldState,
};

use svm_types::{Address, Amount, Layer};

impl StorageError {
    /// Whether this error is the node's own fault (I/O, corruption, the tree, misuse of the
    /// API by the embedder) rather than a contract's deterministic fault (an unknown
    /// variable, an out-of-range access, a wrong value length, a balance that cannot pay or
    /// would overflow).
    ///
    /// A contract's fault ends its transaction in a failed receipt on every node alike. A
    /// node fault must not: another node, without the fault, would commit a different
    /// state. The runtime turns node faults into an `Err` that changes nothing, so the node
    /// stops and retries.
    pub fn is_node_fault(&self) -> bool {
        !matches!(
            self,
            StorageError::InvalidLayout(_)
                | StorageError::UnknownVar { .. }
                | StorageError::OutOfRange { .. }
                | StorageError::ValueLength { .. }
                | StorageError::BalanceOverflow(_)
                | StorageError::InsufficientFunds { .. }
                | StorageError::MapEntryTooLong { .. }
                | StorageError::InvalidEvent(_)
        )
    }
}

/// Everything that can go wrong in the state layer. Errors caused by a contract (unknown
/// variable, out-of-range access, wrong value length, insufficient funds) leave the state
/// unchanged; the caller rolls the transaction back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The key-value store failed.
    #[error(transparent)]
    Kv(#[from] svm_kv::KvError),
    /// Another [`WorldState`] implementation's own failure (a node fault).
    #[error("state backend: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Stored bytes are not what svm wrote.
    #[error("corrupted state: {0}")]
    Corrupt(String),
    /// The Merkle tree could not be updated or read.
    #[error("state tree: {0}")]
    Tree(String),
    /// A storage configuration is unusable.
    #[error("invalid storage configuration: {0}")]
    InvalidConfig(String),
    /// The store was created with another page size.
    #[error("store was created with page size {stored_page_size}, not {requested}")]
    ConfigMismatch {
        /// Page size the store was created with.
        stored_page_size: u32,
        /// Page size asked for.
        requested: u32,
    },
    /// The store was written by an incompatible version of svm.
    #[error("store format {found} is not supported (this svm reads format {supported})")]
    UnsupportedFormat {
        /// Format found in the store.
        found: u32,
        /// Format this build reads.
        supported: u32,
    },
    /// A layout is unusable.
    #[error("invalid storage layout: {0}")]
    InvalidLayout(String),
    /// No variable with that id in the layout.
    #[error("unknown variable {var}: the layout has {count} variables")]
    UnknownVar {
        /// Variable asked for.
        var: VarId,
        /// Variables in the layout.
        count: u32,
    },
    /// A raw access outside the account's storage.
    #[error("{len} bytes at offset {offset} are outside the account's {size} bytes of storage")]
    OutOfRange {
        /// Offset asked for.
        offset: u32,
        /// Length asked for.
        len: u32,
        /// The account's storage size.
        size: u32,
    },
    /// A value written to a variable has the wrong length.
    #[error("variable {var} holds {expected} bytes, got {got}")]
    ValueLength {
        /// The variable.
        var: VarId,
        /// Its size.
        expected: u32,
        /// Bytes given.
        got: usize,
    },
    /// No account at that address.
    #[error("no account at {0}")]
    AccountNotFound(Address),
    /// A map key or value longer than the maps allow.
    #[error("map {what} of {len} bytes is longer than the {max} bytes allowed")]
    MapEntryTooLong {
        /// `"key"` or `"value"`.
        what: &'static str,
        /// Its length.
        len: u64,
        /// The most allowed ([`MAX_MAP_KEY_LEN`] or [`MAX_MAP_VALUE_LEN`]).
        max: u32,
    },
    /// A balance would pass `u64::MAX`.
    #[error("balance of {0} would overflow")]
    BalanceOverflow(Address),
    /// A balance is smaller than the amount taken from it.
    #[error("account {addr} holds {balance}, cannot pay {amount}")]
    InsufficientFunds {
        /// The account.
        addr: Address,
        /// Its balance.
        balance: Amount,
        /// Amount asked for.
        amount: Amount,
    },
    /// `open` was given a layer other than the last committed + 1.
    #[error("layer {got} cannot be opened: the next layer is {expected}")]
    LayerNotNext {
        /// The only layer that may be opened.
        expected: Layer,
        /// Layer given.
        got: Layer,
    },
    /// A layer is already open.
    #[error("layer {0} is already open")]
    LayerAlreadyOpen(Layer),
    /// The operation needs an open layer.
    #[error("no layer is open")]
    NoOpenLayer,
    /// The layer counter would pass `u64::MAX`.
    #[error("no layer after u64::MAX")]
    LayerOverflow,
    /// The operation needs a running transaction.
    #[error("no transaction is running (call checkpoint first)")]
    NoTransaction,
    /// An event the state cannot keep (more than four topics, an expiration not after the
    /// open layer, more than 2^32 events in a layer).
    #[error("invalid event: {0}")]
    InvalidEvent(String),
    /// The operation needs an open savepoint
    /// ([`WorldState::savepoint`]).
    #[error("no savepoint is open in the running transaction")]
    NoSavepoint,
    /// A fork of the state (`ParallelState::forks`) was asked for what only the state it
    /// came from does (open, commit or rewind a layer, make forks, apply effects).
    #[error("a fork of the state cannot {0}")]
    Fork(&'static str),
    /// The operation needs no running transaction.
    #[error("a transaction is running: commit_tx or rollback it first")]
    TransactionActive,
    /// `rewind` was given a layer after the last committed one.
    #[error("cannot rewind to layer {requested}: the last committed layer is {last}")]
    RewindBeyondHead {
        /// Layer asked for.
        requested: Layer,
        /// Last committed layer.
        last: Layer,
    },
    /// `rewind` was given a layer older than the rewind window keeps.
    #[error(
        "cannot rewind to layer {requested}: the oldest layer on record is {oldest} (the rewind window keeps no older one)"
    )]
    RewindBeyondWindow {
        /// Layer asked for.
        requested: Layer,
        /// The oldest layer that can be rewound to.
        oldest: Layer,
    },
    /// A proof was asked at a layer that is not committed (or no longer on record).
    #[error("layer {requested} is not a committed layer on record (the last is {last})")]
    NoSuchLayer {
        /// Layer asked for.
        requested: Layer,
        /// Last committed layer.
        last: Layer,
    },
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
