//! The hash and signature host functions through a template: results, refusals (0, not a
//! trap), bad pointers (a trap), and gas charged before the work.

mod common;

use common::*;
use ed25519_dalek::{Signer, SigningKey};
use svm_codec::RuntimeError as Failure;
use svm_kv::MemoryStore;
use svm_runtime::RuntimeConfig;
use svm_types::Address;

/// `ed`: calldata `pk (32) | sig (64) | msg`; `ed_len`: the same with the signature length
/// taken from the first calldata byte (`len | pk | sig | msg`); `secp`: `pk (33) | sig (64) |
/// hash (32)`; `hashes`: sha3 | keccak | blake3 of the calldata; `bad`: sha3 of a range
/// outside memory. Each verdict is returned as one byte.
const CRYPTO: &str = r#"(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (import "svm" "svm_sha3_256" (func $sha3 (param i32 i32 i32)))
  (import "svm" "svm_keccak256" (func $keccak (param i32 i32 i32)))
  (import "svm" "svm_blake3" (func $blake3 (param i32 i32 i32)))
  (import "svm" "svm_ed25519_verify" (func $ed (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_secp256k1_verify" (func $secp (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "init"))
  (func $load (result i32)
    (call $cd (i32.const 1024) (i32.const 0) (call $len))
    (call $len))
  (func $verdict (param i32)
    (i32.store8 (i32.const 0) (local.get 0))
    (call $ret (i32.const 0) (i32.const 1)))
  (func (export "ed") (local $n i32)
    (local.set $n (call $load))
    (call $verdict (call $ed
      (i32.const 1120) (i32.sub (local.get $n) (i32.const 96))
      (i32.const 1056) (i32.const 64)
      (i32.const 1024) (i32.const 32))))
  (func (export "ed_len") (local $n i32)
    (local.set $n (call $load))
    (call $verdict (call $ed
      (i32.const 1121) (i32.sub (local.get $n) (i32.const 97))
      (i32.const 1057) (i32.load8_u (i32.const 1024))
      (i32.const 1025) (i32.const 32))))
  (func (export "secp")
    (drop (call $load))
    (call $verdict (call $secp
      (i32.const 1121) (i32.const 1057) (i32.const 64) (i32.const 1024) (i32.const 33))))
  (func (export "hashes") (local $n i32)
    (local.set $n (call $load))
    (call $sha3 (i32.const 1024) (local.get $n) (i32.const 0))
    (call $keccak (i32.const 1024) (local.get $n) (i32.const 32))
    (call $blake3 (i32.const 1024) (local.get $n) (i32.const 64))
    (call $ret (i32.const 0) (i32.const 96)))
  (func (export "bad")
    (call $sha3 (i32.const 65530) (i32.const 100) (i32.const 0))))"#;

fn setup() -> (Node<MemoryStore>, Address) {
    let mut n = Node::new(MemoryStore::new(), RuntimeConfig::default());
    let t = n.deploy_wat(CRYPTO, &[8], &["init"], None).result.unwrap();
    let c = n.spawn(t, "init", &[]);
    (n, c)
}

fn verdict(n: &mut Node<MemoryStore>, c: Address, f: &str, calldata: &[u8]) -> (u8, u64) {
    let r = n.call(c, f, calldata);
    let gas = r.gas_used.0;
    (r.result.unwrap().returndata[0], gas)
}

#[test]
fn ed25519_verifies_and_refuses_without_trapping() {
    let (mut n, c) = setup();
    let key = SigningKey::from_bytes(&[9; 32]);
    let msg = b"pay 10 coins to bob";
    let sig = key.sign(msg).to_bytes();
    let pk = key.verifying_key().to_bytes();
    let input = |pk: &[u8], sig: &[u8], msg: &[u8]| [pk, sig, msg].concat();
    let (ok, gas_ok) = verdict(&mut n, c, "ed", &input(&pk, &sig, msg));
    assert_eq!(ok, 1);
    assert_eq!(
        verdict(&mut n, c, "ed", &input(&pk, &sig, b"pay 99 coins to bob")).0,
        0
    );
    let other = SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes();
    assert_eq!(
        verdict(&mut n, c, "ed", &input(&other, &sig, msg)).0,
        0,
        "wrong key"
    );
    let mut small_order = [0u8; 32];
    small_order[0] = 1;
    let forged = [small_order.as_slice(), &[0; 32]].concat();
    assert_eq!(
        verdict(&mut n, c, "ed", &input(&small_order, &forged, msg)).0,
        0,
        "small-order key"
    );
    // a truncated signature: the length is refused (0), nothing traps
    let truncated = [&[63u8][..], &pk, &sig[..63], &[0], msg].concat();
    assert_eq!(verdict(&mut n, c, "ed_len", &truncated).0, 0);
    let exact = [&[64u8][..], &pk, &sig, msg].concat();
    assert_eq!(verdict(&mut n, c, "ed_len", &exact).0, 1);
    // the check is charged: at least its price more than a hash of the same bytes
    let (_, gas_hash) = {
        let r = n.call(c, "hashes", &input(&pk, &sig, msg));
        (0, r.gas_used.0)
    };
    assert!(gas_ok > gas_hash + 50_000, "{gas_ok} vs {gas_hash}");
}

#[test]
fn secp256k1_low_s_only() {
    use k256::ecdsa::{Signature, SigningKey, signature::hazmat::PrehashSigner};
    let (mut n, c) = setup();
    let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let hash = [0x42u8; 32];
    let sig: Signature = key.sign_prehash(&hash).unwrap();
    let sig = sig.normalize_s().unwrap_or(sig);
    let pk = key.verifying_key().to_encoded_point(true);
    let input = |sig: &[u8]| [pk.as_bytes(), sig, &hash].concat();
    assert_eq!(verdict(&mut n, c, "secp", &input(&sig.to_bytes())).0, 1);
    let high = Signature::from_scalars(sig.r().to_bytes(), (-*sig.s()).to_bytes()).unwrap();
    assert_eq!(
        verdict(&mut n, c, "secp", &input(&high.to_bytes())).0,
        0,
        "high S"
    );
}

#[test]
fn hashes_are_the_standard_ones() {
    let (mut n, c) = setup();
    let r = n.call(c, "hashes", b"abc");
    let out = r.result.unwrap().returndata;
    assert_eq!(
        hex::encode(&out[..32]),
        "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
    );
    assert_eq!(
        hex::encode(&out[32..64]),
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    );
    assert_eq!(
        hex::encode(&out[64..]),
        "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
    );
}

#[test]
fn a_range_outside_memory_is_a_failed_receipt() {
    let (mut n, c) = setup();
    let r = n.call(c, "bad", &[]);
    match r.result {
        Err(Failure::Trap(text)) => assert!(text.contains("bad pointer"), "{text}"),
        other => panic!("expected a bad-pointer trap, got {other:?}"),
    }
    assert!(r.gas_used.0 > 0);
}
