#![no_main]
//! Fuzzes the light-client proof decoder (`svm_proof::Proof::decode`): never a panic, only
//! `Malformed` errors inside the input, and whatever decodes re-encodes to the same bytes.
use libfuzzer_sys::fuzz_target;
use svm_proof::{Proof, ProofError};

fuzz_target!(|data: &[u8]| match Proof::decode(data) {
    Ok(proof) => assert_eq!(proof.encode(), data, "decoding is canonical"),
    Err(ProofError::Malformed { offset, .. }) => assert!(offset <= data.len()),
    Err(e) => panic!("decoding fails only as Malformed, not {e}"),
});
