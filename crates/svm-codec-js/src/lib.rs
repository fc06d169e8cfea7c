//! The svm codec for JavaScript: the export layer that `bindings/js` (the npm package) builds
//! to `wasm32-unknown-unknown` with `wasm-bindgen`. It adds no format of its own: every
//! function calls `svm-codec` (the node's own encoder and decoder), `svm-crypto` (the host
//! ABI's ed25519 rules) or `ed25519-dalek`, so JavaScript and the node cannot drift.
//!
//! The exports take and return bytes (`Uint8Array`) and JSON text; the package's `index.js`
//! turns JSON text into objects and the JSON error text these functions throw into
//! `SvmError`s (code, message, byte offset or field path). [`api`] holds the same functions
//! as plain Rust:
//!
//! ```
//! use svm_codec_js::api;
//!
//! let bytes = api::encode("context", r#"{"layer": 7, "tx_id": "ab"}"#).unwrap_err();
//! assert_eq!(bytes.code, "invalid-json");
//! assert_eq!(bytes.path.as_deref(), Some("tx_id"));
//!
//! let err = api::decode(Some("spawn"), &[0, 0, 0x11, 0]).unwrap_err();
//! assert_eq!((err.code, err.offset), ("unexpected-end", Some(3)));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
mod error;

/// The README's example, compiled and run.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use error::ExportError;

use wasm_bindgen::prelude::wasm_bindgen;

/// What an export throws: the JSON text of an [`ExportError`].
type Thrown = String;

fn thrown(e: ExportError) -> Thrown {
    e.to_json_string()
}

/// A fixed-size result as the `Uint8Array` JavaScript receives.
fn bytes<const N: usize>(r: api::Result<[u8; N]>) -> Result<Vec<u8>, Thrown> {
    r.map(Vec::from).map_err(thrown)
}

/// Encodes the JSON text of an item (`envelope`, `context`, `deploy`, `spawn`, `call`,
/// `transaction`, `receipt`, `deploy_receipt`, `spawn_receipt`, `call_receipt`,
/// `calldata`).
#[wasm_bindgen]
pub fn encode(item: &str, json: &str) -> Result<Vec<u8>, Thrown> {
    api::encode(item, json).map_err(thrown)
}

/// Decodes `bytes` as `item` (recognised from the item header when undefined) to JSON text.
#[wasm_bindgen]
pub fn decode(item: Option<String>, bytes: &[u8]) -> Result<String, Thrown> {
    api::decode(item.as_deref(), bytes).map_err(thrown)
}

/// The name of the item the header of `bytes` announces.
#[wasm_bindgen]
pub fn detect(bytes: &[u8]) -> Result<String, Thrown> {
    api::detect(bytes).map(str::to_owned).map_err(thrown)
}

/// The 32-byte id of a binary transaction.
#[wasm_bindgen(js_name = txId)]
pub fn tx_id(tx: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::tx_id(tx))
}

/// The 32-byte signing hash of a binary transaction on a chain (32-byte chain id).
#[wasm_bindgen(js_name = signingHash)]
pub fn signing_hash(chain_id: &[u8], tx: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::signing_hash(chain_id, tx))
}

/// The transaction with its verifydata set to the ed25519 signature of its signing hash.
#[wasm_bindgen(js_name = signTransaction)]
pub fn sign_transaction(tx: &[u8], chain_id: &[u8], secret_key: &[u8]) -> Result<Vec<u8>, Thrown> {
    api::sign_transaction(tx, chain_id, secret_key).map_err(thrown)
}

/// Whether a transaction's verifydata is the key's signature of its signing hash.
#[wasm_bindgen(js_name = verifyTransaction)]
pub fn verify_transaction(tx: &[u8], chain_id: &[u8], public_key: &[u8]) -> Result<bool, Thrown> {
    api::verify_transaction(tx, chain_id, public_key).map_err(thrown)
}

/// The 32-byte ed25519 public key of a 32-byte secret key.
#[wasm_bindgen(js_name = publicKey)]
pub fn public_key(secret_key: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::public_key(secret_key))
}

/// The 64-byte ed25519 signature of a message.
#[wasm_bindgen(js_name = ed25519Sign)]
pub fn ed25519_sign(message: &[u8], secret_key: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::ed25519_sign(message, secret_key))
}

/// Whether a signature verifies under the host ABI's ed25519 rules.
#[wasm_bindgen(js_name = ed25519Verify)]
pub fn ed25519_verify(message: &[u8], signature: &[u8], public_key: &[u8]) -> bool {
    api::ed25519_verify(message, signature, public_key)
}

/// The address of the account a principal spawns at a nonce (decimal) with a spawn message.
#[wasm_bindgen(js_name = spawnAddress)]
pub fn spawn_address(principal: &[u8], nonce: &str, spawn: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::spawn_address(principal, nonce, spawn))
}

/// The address of a self-spawned account (one that pays for its own spawn).
#[wasm_bindgen(js_name = selfSpawnAddress)]
pub fn self_spawn_address(spawn: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::self_spawn_address(spawn))
}

/// The address of the template a deploy message deploys.
#[wasm_bindgen(js_name = templateAddress)]
pub fn template_address(deploy: &[u8]) -> Result<Vec<u8>, Thrown> {
    bytes(api::template_address(deploy))
}
