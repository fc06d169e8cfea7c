//! State commitments of svm, the deterministic WebAssembly smart-contract VM, and proofs
//! against them, for light clients and bridges: everything needed to check an account record
//! (or its absence) and bytes of an account's storage against a state root, with nothing but
//! that root. No wasmer, no C++; the crate builds for `wasm32-unknown-unknown`.
//!
//! - `commitment.rs`: the hashes that make the root (tree keys of records, page hashes,
//!   page-tree nodes, storage states); svm-storage builds the root with these same functions.
//! - `account.rs`: the account record, the value of an account's leaf.
//! - `proof.rs`: [`AccountProof`], [`StorageProof`], their binary form ([`Proof`]) and their
//!   verification.
//! - `trie.rs`: the commitment of a collection: a Merkle trie over hashed keys whose root
//!   depends on the entries alone, with proofs of an entry or of its absence ([`TrieProof`]). Nodes produce them with `svm_storage::GlobalState::prove_account` and
//!   `prove_storage` (and `svm proof` on the command line).
//!
//! ```
//! use svm_proof::{Proof, ProofError};
//! use svm_types::{Address, State};
//!
//! fn balance_of(root: &State, who: &Address, proof_bytes: &[u8]) -> Result<u64, ProofError> {
//!     let Proof::Account(proof) = Proof::decode(proof_bytes)? else {
//!         return Err(ProofError::Malformed { offset: 1, problem: "not an account proof".into() });
//!     };
//!     Ok(proof.verify(root, who)?.map_or(0, |account| account.balance.0))
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod account;
mod commitment;
mod events;
mod proof;
mod trie;

/// The README's example, compiled.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use account::{Account, RecordError};
pub use commitment::{
    ARITY, EMPTY, Hash, MAX_STORAGE_SIZE, PageNode, account_leaf, map_entry_key, map_id_key,
    map_value_hash, page_hash, page_tree_depth, storage_state, storage_state_with_maps,
    template_leaf,
};
pub use events::{
    BLOOM_BYTES, Event, EventProof, EventRecordError, EventsSummary, MAX_TOPICS, bloom_add,
    bloom_may_contain, events_leaf, events_path, events_root, root_from_path,
};
pub use jmt::{KeyHash, proof::SparseMerkleProof};
pub use proof::{
    AccountProof, MapEntryProof, PROOF_VERSION, PageProof, Proof, ProofError, StorageProof,
};
pub use trie::{
    MemoryTrie, TrieNode, TriePath, TrieProof, TrieProofError, TrieStore, trie_insert, trie_levels,
    trie_prove, trie_remove, trie_root,
};
