//! Integer newtypes: layers, amounts, gas and nonces.

/// Declares a `Copy` newtype over an unsigned integer with decimal `Display`/`FromStr` and
/// transparent serde.
macro_rules! int_type {
    ($(#[$meta:meta])* $name:ident, $int:ty) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(0);
            /// The largest value.
            pub const MAX: Self = Self(<$int>::MAX);

            /// `self + rhs`, or `None` on overflow.
            pub fn checked_add(self, rhs: Self) -> Option<Self> {
                self.0.checked_add(rhs.0).map(Self)
            }

            /// `self - rhs`, or `None` if `rhs > self`.
            pub fn checked_sub(self, rhs: Self) -> Option<Self> {
                self.0.checked_sub(rhs.0).map(Self)
            }

            /// `self + rhs`, clamped at [`Self::MAX`].
            pub fn saturating_add(self, rhs: Self) -> Self {
                Self(self.0.saturating_add(rhs.0))
            }
        }

        impl From<$int> for $name {
            fn from(v: $int) -> Self {
                Self(v)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl core::str::FromStr for $name {
            type Err = crate::NumberError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<$int>().map(Self).map_err(|e| crate::NumberError {
                    input: s.to_string(),
                    reason: e.to_string(),
                })
            }
        }
    };
}

int_type!(
    /// A layer number: the node's unit of block production. Layer 0 is the genesis state.
    Layer,
    u64
);
int_type!(
    /// An amount of coins.
    Amount,
    u64
);
int_type!(
    /// Units of gas.
    Gas,
    u64
);
int_type!(
    /// The price of one unit of gas, in coins.
    GasFee,
    u64
);
int_type!(
    /// An account's transaction counter.
    Nonce,
    u128
);

impl Layer {
    /// The layer after this one, or `None` at `u64::MAX`.
    pub fn next(self) -> Option<Layer> {
        self.0.checked_add(1).map(Layer)
    }
}
