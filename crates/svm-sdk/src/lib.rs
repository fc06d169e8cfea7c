//! Write svm templates in Rust.
//!
//! A template is a `cdylib` crate built for `wasm32-unknown-unknown`. On that target this
//! crate is `no_std` + `alloc`: its `env` functions call the host ABI (`docs/spec/host-abi.md`),
//! it brings a small allocator and a panic handler that ends the call with the panic's message
//! (`svm_abort`). On any other target the same functions run against [`testing`]'s mock host,
//! so a template's unit tests are plain `cargo test`.
//!
//! ```
//! use svm_sdk::{Address, ctor, endpoint, env, storage};
//!
//! #[storage]
//! struct State {
//!     count: u64,
//! }
//!
//! #[ctor]
//! fn initialize(start: u64) {
//!     State::set_count(&start);
//! }
//!
//! #[endpoint]
//! fn add(n: u64) -> u64 {
//!     let v = State::count() + n;
//!     State::set_count(&v);
//!     env::log(b"added", &v.to_le_bytes());
//!     v
//! }
//!
//! // a native test against the mock host
//! let host = svm_sdk::testing::MockHost::new(&State::LAYOUT);
//! host.install();
//! initialize(5);
//! assert_eq!(add(3), 8);
//! assert_eq!(svm_sdk::testing::with(|h| h.logs.len()), 1);
//! let _ = Address::ZERO;
//! ```
//!
//! Modules: `env` (the host functions), `storage` (typed variables), `collections`
//! (unbounded maps, lists and sets), `call` (calling other templates, with
//! `#[interface]`), `abi` (calldata values),
//! `meta` (the `svm-meta` custom section), `testing` (the mock host, native only).
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]
#![forbid(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod abi;
mod bytes;
pub mod call;
pub mod collections;
pub mod env;
pub mod meta;
pub mod storage;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use svm_sdk_macros::{ctor, endpoint, interface, storage, verify};

/// The README's example, compiled and run.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// A 20-byte account address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The all-zero address.
    pub const ZERO: Address = Address([0; 20]);
}
