//! A 2-of-3 multisig wallet: three ed25519 keys; a transaction needs signatures of the signing
//! hash by two distinct keys. The verifydata is two entries of 65 bytes, each a key index
//! (0-2) and a signature, in ascending index order.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::vec::Vec;
use svm_sdk::storage::Storable;
use svm_sdk::{Address, ctor, endpoint, env, storage, verify};

#[storage]
struct Multisig {
    keys: [[u8; 32]; 3],
}

/// Stores the three public keys (96 bytes).
#[ctor]
fn init(keys: Vec<u8>) {
    if keys.len() != 96 {
        env::abort(b"init: three 32-byte keys expected");
    }
    Multisig::set_keys(&<[[u8; 32]; 3]>::from_bytes(&keys));
}

#[verify]
fn two_of_three() -> bool {
    let input = env::calldata();
    if input.len() != 130 {
        return false;
    }
    let (keys, hash) = (Multisig::keys(), env::sighash());
    // (`split_first` and `get` rather than indexing: see the token's `slot_of`)
    let (a, b) = input.split_at(65);
    let (Some((&ia, sig_a)), Some((&ib, sig_b))) = (a.split_first(), b.split_first()) else {
        return false;
    };
    let (Some(key_a), Some(key_b)) = (keys.get(usize::from(ia)), keys.get(usize::from(ib))) else {
        return false;
    };
    ia < ib && env::ed25519_verify(&hash, sig_a, key_a) && env::ed25519_verify(&hash, sig_b, key_b)
}

/// Moves coins out of the wallet.
#[endpoint]
fn transfer(to: Address, amount: u64) {
    env::transfer(&to, amount);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use svm_sdk::testing::{MockHost, with};

    #[test]
    fn needs_two_distinct_signers_in_order() {
        let keys: Vec<SigningKey> = (1..=3u8)
            .map(|i| SigningKey::from_bytes(&[i; 32]))
            .collect();
        let mut host = MockHost::new(&Multisig::LAYOUT);
        host.sighash = [5; 32];
        host.install();
        init(
            keys.iter()
                .flat_map(|k| k.verifying_key().to_bytes())
                .collect(),
        );
        let entry = |i: u8| {
            let mut e = alloc::vec![i];
            e.extend_from_slice(&keys[usize::from(i)].sign(&[5; 32]).to_bytes());
            e
        };
        let check = |entries: &[Vec<u8>]| {
            with(|h| h.calldata = entries.concat());
            two_of_three()
        };
        assert!(check(&[entry(0), entry(2)]));
        assert!(check(&[entry(1), entry(2)]));
        assert!(!check(&[entry(2), entry(0)]), "descending");
        assert!(!check(&[entry(1), entry(1)]), "the same signer twice");
        assert!(!check(&[entry(0)]), "one signer");
        let mut forged = entry(1);
        forged[10] ^= 1;
        assert!(!check(&[entry(0), forged]));
    }
}
