//! Typed storage variables: a `#[storage]` struct's fields, each a fixed-size variable of the
//! template's layout, read and written whole.

use alloc::vec;
use alloc::vec::Vec;

use crate::{Address, env};

/// A value that lives in a storage variable of `SIZE` bytes (integers little-endian).
pub trait Storable: Sized {
    /// The variable's size in bytes.
    const SIZE: u32;
    /// The value from the variable's bytes (`SIZE` of them; a fresh variable is all zero).
    fn from_bytes(bytes: &[u8]) -> Self;
    /// The variable's bytes (`SIZE` of them).
    fn to_bytes(&self) -> Vec<u8>;
}

macro_rules! int {
    ($($t:ty),*) => {$(
        impl Storable for $t {
            const SIZE: u32 = core::mem::size_of::<$t>() as u32;
            fn from_bytes(bytes: &[u8]) -> Self {
                let mut a = [0u8; core::mem::size_of::<$t>()];
                a.copy_from_slice(bytes);
                <$t>::from_le_bytes(a)
            }
            fn to_bytes(&self) -> Vec<u8> {
                self.to_le_bytes().to_vec()
            }
        }
    )*};
}

int!(u8, i8, u16, i16, u32, i32, u64, i64, u128, i128);

impl Storable for bool {
    const SIZE: u32 = 1;
    fn from_bytes(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
    fn to_bytes(&self) -> Vec<u8> {
        vec![u8::from(*self)]
    }
}

impl Storable for Address {
    const SIZE: u32 = 20;
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut a = [0u8; 20];
        a.copy_from_slice(bytes);
        Address(a)
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

/// An array is its items one after the other (`[u8; 32]`, `[Address; 8]`, `[u64; 8]`).
impl<T: Storable + Copy + Default, const N: usize> Storable for [T; N] {
    const SIZE: u32 = N as u32 * T::SIZE;
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut out = [T::default(); N];
        for (item, chunk) in out.iter_mut().zip(bytes.chunks_exact(T::SIZE as usize)) {
            *item = T::from_bytes(chunk);
        }
        out
    }
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::SIZE as usize);
        for item in self {
            out.extend_from_slice(&item.to_bytes());
        }
        out
    }
}

/// Reads variable `var` as a `T`.
pub fn load<T: Storable>(var: u32) -> T {
    T::from_bytes(&env::load(var, T::SIZE))
}

/// Writes `value` to variable `var`.
pub fn store<T: Storable>(var: u32, value: &T) {
    env::store(var, &value.to_bytes())
}
