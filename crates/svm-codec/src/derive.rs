//! Address and id derivation (sha3-256, domain-separated).

use sha3::{Digest, Sha3_256};
use svm_types::{Address, ChainId, Nonce, SigHash, TemplateAddr, TxId};

use crate::{Codec, DeployMessage, Envelope, SpawnMessage};

/// Domain prefix of template addresses.
pub const TEMPLATE_DOMAIN: &[u8] = b"svm/template/v0";
/// Domain prefix of account addresses.
pub const ACCOUNT_DOMAIN: &[u8] = b"svm/account/v0";
/// Domain prefix of transaction ids.
pub const TXID_DOMAIN: &[u8] = b"svm/txid/v1";
/// Domain prefix of self-spawned account addresses.
pub const SELF_SPAWN_DOMAIN: &[u8] = b"svm/selfspawn/v1";
/// Domain prefix of signing hashes.
pub const SIGHASH_DOMAIN: &[u8] = b"svm/sighash/v1";

fn sha3(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha3_256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn first20(h: [u8; 32]) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(&h[..20]);
    out
}

/// Template address: `sha3_256("svm/template/v0" || deploy message bytes)[0..20]`.
///
/// The whole canonical deploy message counts (code, layout, constructors, metadata), so
/// two templates differing in anything get different addresses, and deploying the same
/// template twice gives the same address.
pub fn template_addr(deploy: &DeployMessage) -> TemplateAddr {
    template_addr_from_bytes(&deploy.encode())
}

/// [`template_addr`] of already-encoded (and decoded, hence canonical) deploy message bytes.
pub fn template_addr_from_bytes(deploy_message: &[u8]) -> TemplateAddr {
    TemplateAddr(first20(sha3(&[TEMPLATE_DOMAIN, deploy_message])))
}

/// Account address:
/// `sha3_256("svm/account/v0" || template (20) || principal (20) || nonce (16, BE) || spawn message bytes)[0..20]`.
///
/// A principal never uses a nonce twice, so two spawns never produce the same address.
///
/// ```
/// use svm_codec::{account_addr, SpawnMessage};
/// use svm_types::{Address, Nonce};
///
/// let spawn = SpawnMessage { ctor: "init".into(), ..Default::default() };
/// let a = account_addr(&Address([1; 20]), Nonce(0), &spawn);
/// let b = account_addr(&Address([1; 20]), Nonce(1), &spawn);
/// assert_ne!(a, b);
/// ```
pub fn account_addr(principal: &Address, nonce: Nonce, spawn: &SpawnMessage) -> Address {
    Address(first20(sha3(&[
        ACCOUNT_DOMAIN,
        spawn.template.as_bytes(),
        principal.as_bytes(),
        &nonce.0.to_be_bytes(),
        &spawn.encode(),
    ])))
}

/// Self-spawned account address: `sha3_256("svm/selfspawn/v1" || spawn message bytes)[0..20]`.
///
/// A wallet that does not exist yet can pay for and authorise its own spawn: coins are sent
/// to this address first (a template-less account), then a spawn with the address as its
/// principal adopts it, runs the constructor (which stores the owner's key from the
/// calldata) and the new template's `svm_verify`. The message's `name` acts as a salt; the
/// address commits to the template and the constructor's calldata, so nobody else can
/// spawn a different wallet there.
pub fn self_spawn_addr(spawn: &SpawnMessage) -> Address {
    self_spawn_addr_from_bytes(&spawn.encode())
}

/// [`self_spawn_addr`] of already-encoded spawn message bytes (canonical bytes give the same
/// address as the decoded message).
pub fn self_spawn_addr_from_bytes(spawn_message: &[u8]) -> Address {
    Address(first20(sha3(&[SELF_SPAWN_DOMAIN, spawn_message])))
}

/// Transaction id: `sha3_256("svm/txid/v1" || envelope bytes (64) || verifydata field ||
/// message bytes)`, the verifydata field being its 4-byte big-endian length and its bytes:
/// exactly the transaction's bytes (§5 of the codec spec).
pub fn tx_id(envelope: &Envelope, verifydata: &[u8], message: &[u8]) -> TxId {
    let len = (verifydata.len() as u32).to_be_bytes();
    TxId(sha3(&[
        TXID_DOMAIN,
        &envelope.encode(),
        &len,
        verifydata,
        message,
    ]))
}

/// Signing hash: `sha3_256("svm/sighash/v1" || chain id (32) || envelope bytes (64) ||
/// message bytes)`: everything a transaction asks for, on one chain, and nothing of its
/// verifydata (which carries the signature over this hash).
///
/// ```
/// use svm_codec::{CallMessage, Codec, Envelope, TxType, signing_hash};
/// use svm_types::{Address, Amount, ChainId, Gas, GasFee, Nonce};
///
/// let env = Envelope { tx_type: TxType::Call, principal: Address([1; 20]), amount: Amount(0),
///                      nonce: Nonce(0), gas_limit: Gas(100_000), gas_fee: GasFee(1) };
/// let msg = CallMessage { target: Address([2; 20]), function: "run".into(), calldata: vec![] };
/// let here = signing_hash(&ChainId([1; 32]), &env, &msg.encode());
/// assert_ne!(here, signing_hash(&ChainId([2; 32]), &env, &msg.encode()));
/// ```
pub fn signing_hash(chain: &ChainId, envelope: &Envelope, message: &[u8]) -> SigHash {
    SigHash(sha3(&[
        SIGHASH_DOMAIN,
        chain.as_bytes(),
        &envelope.encode(),
        message,
    ]))
}
