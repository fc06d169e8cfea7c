//! Fixed-size byte-array types with hex text form: addresses, state roots, transaction ids.

use crate::HexError;

/// Decodes `s` (optionally `0x`-prefixed, either case) into exactly `N` bytes.
///
/// ```
/// let bytes: [u8; 2] = svm_types::decode_hex_array("0xBEef").unwrap();
/// assert_eq!(bytes, [0xbe, 0xef]);
/// ```
pub fn decode_hex_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if let Some((position, ch)) = digits.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::InvalidChar { ch, position });
    }
    if digits.len() != 2 * N {
        return Err(HexError::InvalidLength {
            expected: 2 * N,
            got: digits.len(),
        });
    }
    let mut out = [0u8; N];
    // All characters are ASCII hex digits and the length is right, so this cannot fail.
    hex::decode_to_slice(digits, &mut out).map_err(|_| HexError::InvalidLength {
        expected: 2 * N,
        got: digits.len(),
    })?;
    Ok(out)
}

/// Declares a `Copy` newtype over `[u8; N]` with hex `Display`/`FromStr`/`Debug` and serde as a
/// hex string.
macro_rules! byte_array_type {
    ($(#[$meta:meta])* $name:ident, $len:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Length of this type in bytes.
            pub const LEN: usize = $len;

            /// The all-zero value.
            pub const fn zero() -> Self {
                Self([0u8; $len])
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Builds a value from a slice, which must be exactly [`Self::LEN`] bytes long.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::HexError> {
                let arr: [u8; $len] = bytes.try_into().map_err(|_| crate::HexError::WrongByteLength {
                    expected: $len,
                    got: bytes.len(),
                })?;
                Ok(Self(arr))
            }

            /// Whether every byte is zero.
            pub fn is_zero(&self) -> bool {
                self.0 == [0u8; $len]
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl core::str::FromStr for $name {
            type Err = crate::HexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                crate::decode_hex_array::<$len>(s).map(Self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

byte_array_type!(
    /// A 20-byte account address.
    Address,
    20
);
byte_array_type!(
    /// A 20-byte template address (derived from the template's code).
    TemplateAddr,
    20
);
byte_array_type!(
    /// A 32-byte state root: the global state root, or an account's storage state.
    State,
    32
);
byte_array_type!(
    /// A 32-byte transaction id, computed by the node from the transaction bytes.
    TxId,
    32
);
byte_array_type!(
    /// A 32-byte chain id (for example the hash of the chain's genesis): part of what a
    /// transaction's signature covers, so a signature is valid on one chain only.
    ChainId,
    32
);
byte_array_type!(
    /// The 32-byte hash a transaction's signature signs: see `svm_codec::signing_hash`.
    SigHash,
    32
);
