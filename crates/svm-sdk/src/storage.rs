//! Typed storage variables: a `#[storage]` struct's fields, each a fixed-size variable of the
//! template's layout, read and written whole.

use crate::bytes::copy;
use crate::{Address, env};

/// A value that lives in a storage variable of `SIZE` bytes (integers little-endian).
pub trait Storable: Sized {
    /// The variable's size in bytes.
    const SIZE: u32;
    /// The value from the first `SIZE` bytes of `bytes` (a fresh variable is all zero; bytes
    /// missing at the end read as zero).
    fn from_bytes(bytes: &[u8]) -> Self;
    /// Writes the value's `SIZE` bytes to the start of `out` (as many as fit).
    fn to_bytes(&self, out: &mut [u8]);
}

macro_rules! int {
    ($($t:ty),*) => {$(
        impl Storable for $t {
            const SIZE: u32 = core::mem::size_of::<$t>() as u32;
            fn from_bytes(bytes: &[u8]) -> Self {
                let mut a = [0u8; core::mem::size_of::<$t>()];
                copy(&mut a, bytes);
                <$t>::from_le_bytes(a)
            }
            fn to_bytes(&self, out: &mut [u8]) {
                copy(out, &self.to_le_bytes());
            }
        }
    )*};
}

int!(u8, i8, u16, i16, u32, i32, u64, i64, u128, i128);

impl Storable for bool {
    const SIZE: u32 = 1;
    fn from_bytes(bytes: &[u8]) -> Self {
        bytes.first().is_some_and(|&b| b != 0)
    }
    fn to_bytes(&self, out: &mut [u8]) {
        copy(out, &[u8::from(*self)]);
    }
}

impl Storable for Address {
    const SIZE: u32 = 20;
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut a = [0u8; 20];
        copy(&mut a, bytes);
        Address(a)
    }
    fn to_bytes(&self, out: &mut [u8]) {
        copy(out, &self.0);
    }
}

/// An array is its items one after the other (`[u8; 32]`, `[Address; 8]`, `[u64; 8]`).
impl<T: Storable + Copy + Default, const N: usize> Storable for [T; N] {
    const SIZE: u32 = N as u32 * T::SIZE;
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut out = [T::default(); N];
        for (i, item) in out.iter_mut().enumerate() {
            let at = i * T::SIZE as usize;
            *item = T::from_bytes(bytes.get(at..).unwrap_or_default());
        }
        out
    }
    fn to_bytes(&self, out: &mut [u8]) {
        for (i, item) in self.iter().enumerate() {
            let at = i * T::SIZE as usize;
            item.to_bytes(out.get_mut(at..).unwrap_or_default());
        }
    }
}

/// Variables up to this size are read and written through a stack buffer; larger ones
/// through an allocation.
const ON_STACK: usize = 256;

/// Reads variable `var` as a `T`.
pub fn load<T: Storable>(var: u32) -> T {
    let size = T::SIZE as usize;
    if size <= ON_STACK {
        let mut buf = [0u8; ON_STACK];
        let bytes = buf.get_mut(..size).unwrap_or_default();
        env::load_to(var, bytes);
        T::from_bytes(bytes)
    } else {
        T::from_bytes(&env::load(var, T::SIZE))
    }
}

/// Writes `value` to variable `var`.
pub fn store<T: Storable>(var: u32, value: &T) {
    let size = T::SIZE as usize;
    if size <= ON_STACK {
        let mut buf = [0u8; ON_STACK];
        let bytes = buf.get_mut(..size).unwrap_or_default();
        value.to_bytes(bytes);
        env::store(var, bytes)
    } else {
        let mut bytes = crate::bytes::zeroed(size);
        value.to_bytes(&mut bytes);
        env::store(var, &bytes)
    }
}
