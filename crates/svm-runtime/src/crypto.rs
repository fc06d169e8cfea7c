//! The cryptography of the host ABI: `svm-crypto`, where the acceptance rules are stated.

pub(crate) use svm_crypto::{blake3, ed25519_verify, keccak256, secp256k1_verify, sha3_256};
