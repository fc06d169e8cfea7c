//! The wire format of svm, the deterministic WebAssembly smart-contract VM.
//!
//! Binary encoding and strict decoding of every item a node, wallet or client exchanges with
//! svm, as specified in `docs/spec/codec.md`:
//!
//! * [`Envelope`] (who pays, nonce, gas terms) and [`Context`] (layer, tx id);
//! * messages: [`DeployMessage`] (a template as typed sections), [`SpawnMessage`],
//!   [`CallMessage`], and a whole [`Transaction`] (envelope + message);
//! * receipts: [`DeployReceipt`], [`SpawnReceipt`], [`CallReceipt`] with a typed
//!   [`RuntimeError`] on failure, gas used always, logs and sorted [`TouchedAccounts`];
//! * the calldata ABI ([`abi`]) and the JSON form of everything ([`json`]);
//! * address derivation: [`template_addr`], [`account_addr`], [`tx_id`];
//! * any item by name ([`ItemKind`]): recognised from its header, to and from JSON.
//!
//! Decoding never panics, never allocates more than its input justifies, rejects trailing
//! bytes and non-canonical input, and reports a [`DecodeError`] with the byte offset.
//! [`CodecLimits`] bounds sizes (configuration, not format caps).
//!
//! ```
//! use svm_codec::{Codec, SpawnMessage, json::JsonForm};
//!
//! let msg = svm_codec::json::spawn_from_json(r#"{"version": 0,
//!     "template": "b5eba98957e6a93173ffb50207cceeedfddb1a72", "name": "My Account",
//!     "ctor_name": "initialize",
//!     "calldata": {"abi": ["address", "bool"], "data": ["8f20ed1a0e342c2a75b1b3f8014545dd3d886078", true]}}"#)?;
//! let bytes = msg.encode();
//! assert_eq!(SpawnMessage::decode(&bytes)?, msg);
//! assert_eq!(SpawnMessage::from_json(&msg.to_json())?, msg);
//!
//! // A cut-off message: the calldata (23 bytes, starting at byte 55) is one byte short.
//! let err = SpawnMessage::decode(&bytes[..bytes.len() - 1]).unwrap_err();
//! assert_eq!(err.to_string(), "at byte 55: input ends early: need 23 more bytes, 22 left");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod abi;
mod call;
mod call_tree;
mod context;
mod deploy;
mod derive;
mod envelope;
mod error;
#[cfg(feature = "fuzz")]
pub mod fuzz;
mod item_kind;
pub mod json;
mod limits;
mod receipt;
mod sdk_meta;
mod spawn;
mod wire;

pub use call::CallMessage;
pub use call_tree::{CallFrame, CallKind, CallStatus};
pub use context::Context;
pub use deploy::{
    CODE_FLAG_EXEC, CodeKind, CodeSection, DataSection, DeployMessage, HeaderSection, RawSection,
    section,
};
pub use derive::{
    ACCOUNT_DOMAIN, SELF_SPAWN_DOMAIN, SIGHASH_DOMAIN, TEMPLATE_DOMAIN, TXID_DOMAIN, account_addr,
    self_spawn_addr, self_spawn_addr_from_bytes, signing_hash, template_addr,
    template_addr_from_bytes, tx_id,
};
pub use envelope::{Envelope, Message, Transaction, TxType, split_transaction};
pub use error::{AbiError, DecodeError, DecodeErrorKind, JsonError};
pub use item_kind::{ItemKind, UnknownItemName};
pub use limits::CodecLimits;
pub use receipt::{
    CallOutput, CallReceipt, DeployReceipt, Log, Receipt, RuntimeError, SpawnOutput, SpawnReceipt,
    TouchedAccounts, truncate_utf8,
};
pub use sdk_meta::{SDK_META_SECTION, SdkMeta, SdkMetaError};
pub use spawn::SpawnMessage;
pub use wire::{Codec, VERSION, kind};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
