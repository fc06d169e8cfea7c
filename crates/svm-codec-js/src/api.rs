//! What the exports do, as plain Rust (tested natively; `lib.rs` only adapts the types).

use ed25519_dalek::{Signer, SigningKey};
use svm_codec::{
    Codec, CodecLimits, DeployMessage, ItemKind, SpawnMessage, Transaction, account_addr,
    self_spawn_addr_from_bytes, template_addr_from_bytes,
};
use svm_types::{Address, ChainId, Nonce};

use crate::error::ExportError;

/// A result of this layer.
pub type Result<T> = std::result::Result<T, ExportError>;

fn fixed<const N: usize>(what: &str, bytes: &[u8]) -> Result<[u8; N]> {
    bytes.try_into().map_err(|_| {
        ExportError::argument(
            what,
            format_args!("expected {N} bytes, found {}", bytes.len()),
        )
    })
}

fn item(name: &str) -> Result<ItemKind> {
    Ok(name.parse()?)
}

fn transaction(bytes: &[u8]) -> Result<Transaction> {
    Ok(Transaction::decode(bytes)?)
}

/// The bytes of the item `item` whose JSON text is `json`.
pub fn encode(item_name: &str, json: &str) -> Result<Vec<u8>> {
    let kind = item(item_name)?;
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| svm_codec::JsonError::new("", format!("invalid JSON: {e}")))?;
    Ok(kind.encode_json(&v)?)
}

/// The JSON text of `bytes` decoded as `item` (recognised from the header when `None`).
pub fn decode(item_name: Option<&str>, bytes: &[u8]) -> Result<String> {
    let kind = match item_name {
        Some(name) => item(name)?,
        None => ItemKind::detect(bytes)?,
    };
    Ok(kind.decode_json(bytes, &CodecLimits::DEFAULT)?.to_string())
}

/// The name of the headed item `bytes` hold.
pub fn detect(bytes: &[u8]) -> Result<&'static str> {
    Ok(ItemKind::detect(bytes)?.name())
}

/// The transaction id of the transaction `tx`.
pub fn tx_id(tx: &[u8]) -> Result<[u8; 32]> {
    Ok(transaction(tx)?.id().0)
}

/// The signing hash of `tx` on the chain `chain_id` (32 bytes).
pub fn signing_hash(chain_id: &[u8], tx: &[u8]) -> Result<[u8; 32]> {
    let chain = ChainId(fixed("chain id", chain_id)?);
    Ok(transaction(tx)?.signing_hash(&chain).0)
}

fn signing_key(secret_key: &[u8]) -> Result<SigningKey> {
    Ok(SigningKey::from_bytes(&fixed("secret key", secret_key)?))
}

/// The ed25519 public key of the 32-byte secret key (seed).
pub fn public_key(secret_key: &[u8]) -> Result<[u8; 32]> {
    Ok(signing_key(secret_key)?.verifying_key().to_bytes())
}

/// The ed25519 signature (64 bytes) of `message` by the 32-byte secret key.
pub fn ed25519_sign(message: &[u8], secret_key: &[u8]) -> Result<[u8; 64]> {
    Ok(signing_key(secret_key)?.sign(message).to_bytes())
}

/// Whether `signature` is `public_key`'s ed25519 signature of `message`, under exactly the
/// rules of the host ABI's `svm_ed25519_verify` (`svm-crypto`).
pub fn ed25519_verify(message: &[u8], signature: &[u8], public_key: &[u8]) -> bool {
    svm_crypto::ed25519_verify(message, signature, public_key)
}

/// `tx` with its verifydata replaced by the key's signature of its signing hash on
/// `chain_id`: what the `signed_wallet` and SDK wallet templates accept.
pub fn sign_transaction(tx: &[u8], chain_id: &[u8], secret_key: &[u8]) -> Result<Vec<u8>> {
    let chain = ChainId(fixed("chain id", chain_id)?);
    let key = signing_key(secret_key)?;
    let tx = transaction(tx)?;
    let signature = key.sign(tx.signing_hash(&chain).as_bytes());
    Ok(tx.with_verifydata(signature.to_bytes().to_vec()).encode())
}

/// Whether the verifydata of `tx` is `public_key`'s signature of its signing hash on
/// `chain_id` (what the wallet templates' `svm_verify` checks).
pub fn verify_transaction(tx: &[u8], chain_id: &[u8], public_key: &[u8]) -> Result<bool> {
    let chain = ChainId(fixed("chain id", chain_id)?);
    let tx = transaction(tx)?;
    let hash = tx.signing_hash(&chain);
    Ok(ed25519_verify(hash.as_bytes(), tx.verifydata(), public_key))
}

/// The address of the account that `principal`, at `nonce` (decimal, up to 2^128-1),
/// spawns with the spawn message `spawn`.
pub fn spawn_address(principal: &[u8], nonce: &str, spawn: &[u8]) -> Result<[u8; 20]> {
    let principal = Address(fixed("principal", principal)?);
    let nonce = nonce.parse::<u128>().map_err(|e| {
        ExportError::argument(
            "nonce",
            format_args!("`{nonce}` is not a u128 in decimal: {e}"),
        )
    })?;
    let spawn = SpawnMessage::decode(spawn)?;
    Ok(account_addr(&principal, Nonce(nonce), &spawn).0)
}

/// The address a spawn message gives an account that pays for its own spawn.
pub fn self_spawn_address(spawn: &[u8]) -> Result<[u8; 20]> {
    SpawnMessage::decode(spawn)?; // canonical bytes only
    Ok(self_spawn_addr_from_bytes(spawn).0)
}

/// The address of the template a deploy message deploys.
pub fn template_address(deploy: &[u8]) -> Result<[u8; 20]> {
    DeployMessage::decode(deploy)?;
    Ok(template_addr_from_bytes(deploy).0)
}
