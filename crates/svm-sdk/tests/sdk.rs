//! The SDK natively: every `env` function against the mock host, and the ABI decoder, which
//! must never panic on any calldata.

use proptest::prelude::*;
use svm_sdk::abi::{Decode, Encode, Reader, encode_one};
use svm_sdk::testing::{MockHost, call, with};
use svm_sdk::{Address, env};

#[test]
fn every_env_function_works_on_the_mock_host() {
    let mut host = MockHost::new(&[8, 20]);
    host.principal = Address([1; 20]);
    host.this = Address([2; 20]);
    host.amount = 5;
    host.layer = 7;
    host.tx_id = [3; 32];
    host.chain_id = [4; 32];
    host.envelope = vec![6; 64];
    host.message = b"msg".to_vec();
    host.calldata = vec![9, 9];
    host.balances.insert(Address([2; 20]), 100);
    host.install();
    assert_eq!(env::principal(), Address([1; 20]));
    assert_eq!(env::this(), Address([2; 20]));
    assert_eq!((env::amount(), env::layer()), (5, 7));
    assert_eq!((env::tx_id(), env::chain_id()), ([3; 32], [4; 32]));
    assert_eq!(env::envelope(), [6; 64]);
    assert_eq!(env::message(), b"msg");
    assert_eq!(env::calldata(), vec![9, 9]);
    env::store(0, &42u64.to_le_bytes());
    assert_eq!(env::load(0, 8), 42u64.to_le_bytes());
    assert_eq!((env::var_len(0), env::var_len(1)), (8, 20));
    env::store64(0, 43);
    assert_eq!(env::load64(0), 43);
    env::storage_write(8, &[5; 20]);
    assert_eq!(env::load(1, 20), vec![5; 20]);
    assert_eq!(env::storage_read(6, 4), vec![0, 0, 5, 5]);
    assert!(
        call(|| env::storage_read(27, 2))
            .unwrap_err()
            .contains("outside")
    );
    env::transfer(&Address([3; 20]), 40);
    assert_eq!(
        (env::balance(), env::balance_of(&Address([3; 20]))),
        (60, 40)
    );
    env::log(b"t", b"d");
    env::set_returndata(b"r");
    assert_eq!(
        with(|h| (h.logs.len(), h.returndata.clone())),
        (1, b"r".to_vec())
    );
    assert_eq!(env::sha3_256(b"abc"), svm_crypto::sha3_256(b"abc"));
    assert_eq!(env::keccak256(b"abc"), svm_crypto::keccak256(b"abc"));
    assert_eq!(env::blake3(b"abc"), svm_crypto::blake3(b"abc"));
    // secp256k1 with the chain's rules: a low-S signature of a compressed key
    use k256::ecdsa::{Signature, SigningKey, signature::hazmat::PrehashSigner};
    let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let prehash = [8u8; 32];
    let sig: Signature = key.sign_prehash(&prehash).unwrap();
    let sig = sig.normalize_s().unwrap_or(sig).to_bytes();
    let pk = key.verifying_key().to_encoded_point(true);
    assert!(env::secp256k1_verify(&prehash, &sig, pk.as_bytes()));
    assert!(!env::secp256k1_verify(&[9; 32], &sig, pk.as_bytes()));
    // host calls are charged; past the limit the call fails and the mock is rolled back
    let used = with(|h| h.gas_used);
    assert!(used > 80_000);
    with(|h| h.gas_limit = used + 10);
    assert!(
        call(|| env::sha3_256(b"x"))
            .unwrap_err()
            .contains("out of gas")
    );
    assert_eq!(with(|h| h.gas_used), used);
    // verify is read-only
    with(|h| {
        h.read_only = true;
        h.gas_limit = u64::MAX;
    });
    assert!(
        call(|| env::store(0, &[0; 8]))
            .unwrap_err()
            .contains("read-only")
    );
}

#[test]
fn values_round_trip_and_errors_say_where() {
    let bytes = [
        encode_one(&7u64),
        encode_one(&Address([1; 20])),
        encode_one(b"hi".as_slice()),
    ]
    .concat();
    let mut r = Reader::new(&bytes);
    assert_eq!(u64::decode(&mut r).unwrap(), 7);
    assert_eq!(Address::decode(&mut r).unwrap(), Address([1; 20]));
    assert_eq!(Vec::<u8>::decode(&mut r).unwrap(), b"hi");
    r.finish().unwrap();
    let e = u32::decode(&mut Reader::new(&encode_one(&7u64))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "argument at byte 0 has type marker 0x08, expected 0x06"
    );
    let e = bool::decode(&mut Reader::new(&[1, 2])).unwrap_err();
    assert_eq!(e.to_string(), "invalid value at byte 1");
    let e = String::decode(&mut Reader::new(&[0x0f, 0, 0, 0, 9, b'a'])).unwrap_err();
    assert_eq!(e.to_string(), "calldata ends at byte 5, 8 more needed");
    let mut out = Vec::new();
    "x".encode(&mut out);
    assert_eq!(out, [0x0f, 0, 0, 0, 1, b'x']);
}

proptest! {
    #[test]
    fn any_calldata_decodes_or_fails_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        // every argument type, in sequence, on arbitrary input: never a panic
        let mut r = Reader::new(&bytes);
        let _ = u64::decode(&mut r);
        let _ = Address::decode(&mut r);
        let _ = Vec::<u8>::decode(&mut r);
        let _ = String::decode(&mut r);
        let _ = bool::decode(&mut r);
        let _ = i128::decode(&mut r);
        let _ = r.finish();
    }

    #[test]
    fn encoded_values_decode_back(a in any::<u64>(), b in any::<i32>(), c in proptest::collection::vec(any::<u8>(), 0..40)) {
        let bytes = [encode_one(&a), encode_one(&b), encode_one(&c)].concat();
        let mut r = Reader::new(&bytes);
        prop_assert_eq!(u64::decode(&mut r).unwrap(), a);
        prop_assert_eq!(i32::decode(&mut r).unwrap(), b);
        prop_assert_eq!(Vec::<u8>::decode(&mut r).unwrap(), c);
        prop_assert!(r.finish().is_ok());
    }
}
