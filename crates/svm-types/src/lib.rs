//! The shared vocabulary of svm, the deterministic WebAssembly smart-contract VM.
//!
//! Every other svm crate speaks in these types. Byte-array types ([`Address`],
//! [`TemplateAddr`], [`State`], [`TxId`]) have a lowercase hex text form; integer types
//! ([`Layer`], [`Amount`], [`Gas`], [`GasFee`], [`Nonce`]) have a decimal one. Both serialise
//! with serde in their text-friendly form (hex strings, plain numbers).
//!
//! ```
//! use svm_types::{Address, HexError, Nonce};
//!
//! let addr: Address = "0x8F20ED1A0E342C2A75B1B3F8014545DD3D886078".parse().unwrap();
//! assert_eq!(addr.to_string(), "8f20ed1a0e342c2a75b1b3f8014545dd3d886078");
//!
//! let err = "8f20".parse::<Address>().unwrap_err();
//! assert_eq!(err, HexError::InvalidLength { expected: 40, got: 4 });
//!
//! let nonce: Nonce = "340282366920938463463374607431768211455".parse().unwrap();
//! assert_eq!(nonce, Nonce::MAX);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod bytes;
mod numbers;

pub use bytes::{Address, ChainId, SigHash, State, TemplateAddr, TxId, decode_hex_array};
pub use numbers::{Amount, Gas, GasFee, Layer, Nonce};

/// Why a hex string (or byte slice) could not become a fixed-size value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HexError {
    /// The string holds a character that is not a hex digit.
    #[error("invalid hex character {ch:?} at position {position}")]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte position in the string (after any `0x` prefix).
        position: usize,
    },
    /// The string has the wrong number of hex digits.
    #[error("expected {expected} hex digits, got {got}")]
    InvalidLength {
        /// Digits expected (twice the byte length).
        expected: usize,
        /// Digits found.
        got: usize,
    },
    /// A byte slice has the wrong length.
    #[error("expected {expected} bytes, got {got}")]
    WrongByteLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}

/// Why a decimal string could not become an integer type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid number {input:?}: {reason}")]
pub struct NumberError {
    /// The text that was given.
    pub input: String,
    /// Why it is not a number of the right range.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hex_errors_say_what_is_wrong() {
        assert_eq!(
            "zz".parse::<State>().unwrap_err(),
            HexError::InvalidChar {
                ch: 'z',
                position: 0
            }
        );
        assert_eq!(
            "0x12g4".parse::<TxId>().unwrap_err(),
            HexError::InvalidChar {
                ch: 'g',
                position: 2
            }
        );
        assert_eq!(
            "abc".parse::<TemplateAddr>().unwrap_err(),
            HexError::InvalidLength {
                expected: 40,
                got: 3
            }
        );
        assert_eq!(
            Address::from_slice(&[1, 2]).unwrap_err(),
            HexError::WrongByteLength {
                expected: 20,
                got: 2
            }
        );
        assert!(
            "é0"
                .parse::<Address>()
                .unwrap_err()
                .to_string()
                .contains("invalid hex character 'é'")
        );
    }

    #[test]
    fn numbers_parse_and_reject() {
        assert_eq!("42".parse::<Layer>().unwrap(), Layer(42));
        let err = "-1".parse::<Amount>().unwrap_err();
        assert_eq!(err.input, "-1");
        assert!("18446744073709551616".parse::<Gas>().is_err());
        assert_eq!(Layer(u64::MAX).next(), None);
        assert_eq!(Amount(5).checked_sub(Amount(6)), None);
    }

    #[test]
    fn serde_forms() {
        let a = Address([0xab; 20]);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, format!("\"{}\"", "ab".repeat(20)));
        assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a);
        let err = serde_json::from_str::<Address>("\"00\"").unwrap_err();
        assert!(err.to_string().contains("expected 40 hex digits, got 2"));
        assert_eq!(
            serde_json::to_string(&Nonce(u128::MAX)).unwrap(),
            u128::MAX.to_string()
        );
    }

    proptest! {
        #[test]
        fn hex_roundtrip(bytes in any::<[u8; 32]>()) {
            let s = State(bytes);
            prop_assert_eq!(s.to_string().parse::<State>().unwrap(), s);
            prop_assert_eq!(s.to_string().to_uppercase().parse::<State>().unwrap(), s);
        }

        #[test]
        fn parse_never_panics(s in ".{0,80}") {
            let _ = s.parse::<Address>();
            let _ = s.parse::<Nonce>();
        }
    }
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
