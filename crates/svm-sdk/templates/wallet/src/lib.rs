//! A signed wallet, in Rust: its constructor stores the owner's ed25519 public key; its
//! `svm_verify` accepts a transaction whose verifydata is the owner's signature of the
//! transaction's signing hash; `transfer(to, amount)` moves coins out of it.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::vec::Vec;
use svm_sdk::{Address, ctor, endpoint, env, storage, verify};

#[storage]
struct Wallet {
    owner: [u8; 32],
}

#[ctor]
fn init(public_key: Vec<u8>) {
    let Ok(key) = <[u8; 32]>::try_from(public_key.as_slice()) else {
        env::abort(b"init: the public key must be 32 bytes");
    };
    Wallet::set_owner(&key);
}

#[verify]
fn authorised() -> bool {
    let signature = env::calldata();
    env::ed25519_verify(&env::sighash(), &signature, &Wallet::owner())
}

#[endpoint]
fn transfer(to: Address, amount: u64) {
    env::transfer(&to, amount);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use svm_sdk::testing::{MockHost, call, with};

    #[test]
    fn verifies_the_owners_signature_and_transfers() {
        let owner = SigningKey::from_bytes(&[7; 32]);
        let mut host = MockHost::new(&Wallet::LAYOUT);
        host.this = Address([1; 20]);
        host.balances.insert(host.this, 100);
        host.sighash = [9; 32];
        host.install();
        init(owner.verifying_key().to_bytes().to_vec());

        with(|h| h.calldata = owner.sign(&[9; 32]).to_bytes().to_vec());
        assert!(authorised());
        with(|h| {
            h.calldata = SigningKey::from_bytes(&[8; 32])
                .sign(&[9; 32])
                .to_bytes()
                .to_vec()
        });
        assert!(!authorised(), "a stranger's signature");
        with(|h| h.calldata = vec![0; 63]);
        assert!(!authorised(), "a short signature");

        transfer(Address([2; 20]), 30);
        assert_eq!(with(|h| h.balances[&Address([2; 20])]), 30);
        let err = call(|| transfer(Address([2; 20]), 1_000)).unwrap_err();
        assert!(err.contains("insufficient funds"), "{err}");
        assert_eq!(with(|h| h.balances[&Address([1; 20])]), 70);
        assert!(call(|| init(vec![1; 31])).unwrap_err().contains("32 bytes"));
    }
}
