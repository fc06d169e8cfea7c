//! Decoding proofs from untrusted bytes: never a panic, and whatever decodes is canonical (it
//! encodes back to the same bytes).

use proptest::prelude::*;
use svm_proof::{Proof, ProofError};

fn check(bytes: &[u8]) {
    match Proof::decode(bytes) {
        Ok(proof) => assert_eq!(proof.encode(), bytes, "decoding is canonical"),
        Err(ProofError::Malformed { offset, .. }) => assert!(offset <= bytes.len()),
        Err(e) => panic!("decoding fails only as Malformed, not {e}"),
    }
}

/// An account proof of absence in an empty tree: no leaf, no sibling.
fn empty_tree_absence() -> Vec<u8> {
    let mut b = vec![0, 1];
    b.extend([7; 20]);
    b.push(0); // no record
    b.extend(5u32.to_be_bytes()); // borsh: leaf None (1 byte) + 0 siblings (4 bytes)
    b.extend([0, 0, 0, 0, 0]);
    b
}

#[test]
fn a_minimal_proof_round_trips_and_verifies_against_the_empty_root() {
    let bytes = empty_tree_absence();
    let Proof::Account(p) = Proof::decode(&bytes).unwrap() else {
        panic!()
    };
    assert_eq!(Proof::Account(p.clone()).encode(), bytes);
    // the empty Jellyfish Merkle tree's root is the placeholder hash
    let empty_root = svm_types::State(*b"SPARSE_MERKLE_PLACEHOLDER_HASH__");
    assert_eq!(
        p.verify(&empty_root, &svm_types::Address([7; 20])).unwrap(),
        None
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&bytes);
    }

    #[test]
    fn mutated_proofs_never_panic(i in 0usize..64, b in any::<u8>(), extra in prop::collection::vec(any::<u8>(), 0..40)) {
        let mut bytes = empty_tree_absence();
        let n = bytes.len();
        bytes[i % n] = b;
        check(&bytes);
        bytes.extend(extra);
        check(&bytes);
    }
}
