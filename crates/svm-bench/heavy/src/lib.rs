//! A large template: ed25519 and secp256k1 signature checks and SHA-256 done in Wasm, not
//! through the host. It exists to be big (the benchmark suite prepares and loads it); its
//! endpoints are real and run.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use sha2::{Digest, Sha256};
use svm_sdk::{ctor, endpoint, storage};

#[storage]
struct Heavy {
    checks: u64,
}

#[ctor]
fn init() {}

/// Does nothing: the trivial call of the cold-start figure.
#[endpoint]
fn noop() {}

/// Checks an ed25519 signature of `msg` by `key` (32 bytes) in Wasm.
#[endpoint]
fn ed25519(key: Vec<u8>, msg: Vec<u8>, sig: Vec<u8>) -> bool {
    let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(key.as_slice()), <[u8; 64]>::try_from(sig.as_slice())) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    let ok = key
        .verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok();
    Heavy::set_checks(&(Heavy::checks() + 1));
    ok
}

/// Checks a secp256k1 ECDSA signature (64 bytes) of SHA-256(`msg`) by a SEC1 `key` in Wasm.
#[endpoint]
fn secp256k1(key: Vec<u8>, msg: Vec<u8>, sig: Vec<u8>) -> bool {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    let (Ok(key), Ok(sig)) = (
        k256::ecdsa::VerifyingKey::from_sec1_bytes(&key),
        k256::ecdsa::Signature::from_slice(&sig),
    ) else {
        return false;
    };
    let digest = Sha256::digest(&msg);
    let ok = key.verify_prehash(&digest, &sig).is_ok();
    Heavy::set_checks(&(Heavy::checks() + 1));
    ok
}

/// Checks a P-256 ECDSA signature (64 bytes) of SHA-256(`msg`) by a SEC1 `key` in Wasm.
#[endpoint]
fn p256(key: Vec<u8>, msg: Vec<u8>, sig: Vec<u8>) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let (Ok(key), Ok(sig)) = (
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&key),
        p256::ecdsa::Signature::from_slice(&sig),
    ) else {
        return false;
    };
    let digest = Sha256::digest(&msg);
    let ok = key.verify_prehash(&digest, &sig).is_ok();
    Heavy::set_checks(&(Heavy::checks() + 1));
    ok
}

/// Keccak-256 of `msg`, in Wasm.
#[endpoint]
fn keccak(msg: Vec<u8>) -> Vec<u8> {
    use sha3::Digest as _;
    sha3::Keccak256::digest(&msg).to_vec()
}

/// Checks a BIP-340 Schnorr signature (64 bytes) of `msg` by an x-only `key` (32 bytes).
#[endpoint]
fn schnorr(key: Vec<u8>, msg: Vec<u8>, sig: Vec<u8>) -> bool {
    use k256::schnorr::signature::Verifier;
    let (Ok(key), Ok(sig)) = (
        k256::schnorr::VerifyingKey::from_bytes(&key),
        k256::schnorr::Signature::try_from(sig.as_slice()),
    ) else {
        return false;
    };
    key.verify(&msg, &sig).is_ok()
}

/// BLAKE2b-512 then RIPEMD-160 of `msg`, in Wasm.
#[endpoint]
fn digests(msg: Vec<u8>) -> Vec<u8> {
    let b = blake2::Blake2b512::digest(&msg);
    ripemd::Ripemd160::digest(b).to_vec()
}

