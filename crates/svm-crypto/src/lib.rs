//! The cryptography of the svm host ABI, as plain functions: hashes and signature checks whose
//! acceptance rules are consensus (every node must accept exactly the same inputs), so the
//! crates are pinned and every rule is explicit here.
//!
//! - **ed25519** ([`ed25519_verify`]): `ed25519-dalek =2.2.0`, `verify_strict`, plus a
//!   canonical public key. Refused: a key or signature of the wrong length, `S >= l`, a key
//!   that is not a point, not canonically encoded or of small order, an `R` of small order or
//!   not canonically encoded, and any signature the unscaled equation `[S]B = R + [k]A`
//!   rejects. Never batched (batch verification can accept what single verification does
//!   not).
//! - **secp256k1 ECDSA** ([`secp256k1_verify`]): `k256 =0.13.4` over a 32-byte prehash, a
//!   64-byte `r || s` signature with low `S` only (no malleable twin), and a 33-byte
//!   compressed public key (tag `0x02`/`0x03` only).
//! - **Hashes**: sha3-256, keccak-256 (Ethereum's) and blake3, 32 bytes each.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's example, compiled and run.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

use ed25519_dalek::{Signature as EdSignature, VerifyingKey as EdKey};
#[cfg(feature = "secp256k1")]
use k256::ecdsa::{Signature as K256Signature, VerifyingKey as K256Key};
use sha3::{Digest, Keccak256, Sha3_256};

/// sha3-256 of `data`.
pub fn sha3_256(data: &[u8]) -> [u8; 32] {
    Sha3_256::digest(data).into()
}

/// keccak-256 of `data` (the pre-standard padding Ethereum uses).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// blake3 of `data` (32 bytes).
pub fn blake3(data: &[u8]) -> [u8; 32] {
    blake3::hash(data).into()
}

/// Whether `sig` (64 bytes) is `pk`'s (32 bytes) ed25519 signature of `msg`, under the strict
/// rules of the crate docs.
pub fn ed25519_verify(msg: &[u8], sig: &[u8], pk: &[u8]) -> bool {
    let (Ok(sig), Ok(pk)) = (<&[u8; 64]>::try_from(sig), <&[u8; 32]>::try_from(pk)) else {
        return false;
    };
    let Ok(key) = EdKey::from_bytes(pk) else {
        return false;
    };
    // a non-canonical encoding of a valid point decodes; refuse it, so one key has one form
    if key.to_edwards().compress().to_bytes() != *pk || key.is_weak() {
        return false;
    }
    key.verify_strict(msg, &EdSignature::from_bytes(sig))
        .is_ok()
}

#[cfg(feature = "secp256k1")]
/// Whether `sig` (64 bytes `r || s`, low `s`) is the secp256k1 ECDSA signature of the 32-byte
/// `prehash` by the compressed public key `pk` (33 bytes).
pub fn secp256k1_verify(prehash: &[u8], sig: &[u8], pk: &[u8]) -> bool {
    if prehash.len() != 32 || pk.len() != 33 || !matches!(pk[0], 0x02 | 0x03) {
        return false;
    }
    let Ok(sig) = K256Signature::from_slice(sig) else {
        return false;
    };
    // `normalize_s` gives the low-S twin of a high-S signature, and nothing for a low one
    if sig.normalize_s().is_some() {
        return false;
    }
    let Ok(key) = K256Key::from_sec1_bytes(pk) else {
        return false;
    };
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    key.verify_prehash(prehash, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8032 test 2: one-byte message 0x72.
    const PK: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    const SIG: &str = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
                       085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn ed25519_accepts_the_rfc_vector_and_nothing_near_it() {
        let (pk, sig) = (h(PK), h(SIG));
        assert!(ed25519_verify(&[0x72], &sig, &pk));
        assert!(!ed25519_verify(&[0x73], &sig, &pk), "another message");
        assert!(
            !ed25519_verify(&[0x72], &sig[..63], &pk),
            "truncated signature"
        );
        assert!(!ed25519_verify(&[0x72], &sig, &pk[..31]), "truncated key");
        for i in [0, 31, 32, 63] {
            let mut bad = sig.clone();
            bad[i] ^= 1;
            assert!(!ed25519_verify(&[0x72], &bad, &pk), "flipped byte {i}");
        }
        // S + l: the same signature with a non-canonical S
        let l = h("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        let mut s = sig[32..].to_vec();
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(s[i]) + u16::from(l[i]) + carry;
            s[i] = v as u8;
            carry = v >> 8;
        }
        let malleated = [&sig[..32], &s].concat();
        assert!(!ed25519_verify(&[0x72], &malleated, &pk), "S >= l");
    }

    #[test]
    fn ed25519_refuses_small_order_and_non_canonical_keys() {
        // the identity (small order) with the signature R = identity, S = 0: valid under
        // permissive rules for every message
        let identity = {
            let mut b = [0u8; 32];
            b[0] = 1;
            b
        };
        let sig = [identity.as_slice(), &[0u8; 32]].concat();
        assert!(!ed25519_verify(b"anything", &sig, &identity));
        // a non-canonical encoding of the identity (y = p + 1)
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert!(!ed25519_verify(b"anything", &sig, &non_canonical));
        // not a point at all
        let mut not_point = h(PK);
        not_point[0] ^= 0x55;
        assert!(!ed25519_verify(&[0x72], &h(SIG), &not_point));
    }

    #[test]
    #[cfg(feature = "secp256k1")]
    fn secp256k1_low_s_compressed_keys_only() {
        use k256::ecdsa::{SigningKey, signature::hazmat::PrehashSigner};
        let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
        let prehash = sha3_256(b"transfer 10 coins");
        let sig: K256Signature = key.sign_prehash(&prehash).unwrap();
        let sig = sig.normalize_s().unwrap_or(sig);
        let pk = key.verifying_key().to_encoded_point(true);
        let (sig_bytes, pk) = (sig.to_bytes(), pk.as_bytes().to_vec());
        assert!(secp256k1_verify(&prehash, &sig_bytes, &pk));
        assert!(!secp256k1_verify(&sha3_256(b"other"), &sig_bytes, &pk));
        assert!(!secp256k1_verify(&prehash[..31], &sig_bytes, &pk));
        assert!(!secp256k1_verify(&prehash, &sig_bytes[..63], &pk));
        // the high-S twin of a valid signature
        let n_minus_s = -*sig.s();
        let high = K256Signature::from_scalars(sig.r().to_bytes(), n_minus_s.to_bytes()).unwrap();
        assert!(!secp256k1_verify(&prehash, &high.to_bytes(), &pk), "high S");
        // the uncompressed form of the same key
        let long = key.verifying_key().to_encoded_point(false);
        assert!(!secp256k1_verify(&prehash, &sig_bytes, long.as_bytes()));
        let mut bad_tag = pk.clone();
        bad_tag[0] = 0x04;
        assert!(!secp256k1_verify(&prehash, &sig_bytes, &bad_tag));
    }

    #[test]
    fn hashes_match_known_values() {
        assert_eq!(
            hex::encode(sha3_256(b"")),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(
            hex::encode(blake3(b"")),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }
}
