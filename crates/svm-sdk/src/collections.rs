//! Unbounded collections in the executing account's maps (`svm_map_*`,
//! `docs/spec/host-abi.md`, Collections): [`Map`], [`Vec`], [`Set`] and [`SortedSet`].
//!
//! Each collection is one map of the account, named by a `u32` id the template picks (two
//! collections must not share one). Nothing is loaded whole: every operation reads or writes
//! the entries it needs, in `O(log n)` host work, and iteration asks the host for one entry at
//! a time. Values are stored in the ABI encoding ([`crate::abi`]); keys of a [`Map`] and the
//! items of a [`SortedSet`] in an order-preserving one ([`Key`]), so iteration follows the
//! keys' order.
//!
//! ```
//! use svm_sdk::Address;
//! use svm_sdk::collections::{Map, SortedSet, Vec};
//!
//! const BALANCES: Map<Address, u64> = Map::new(0);
//! const HISTORY: Vec<u64> = Vec::new(1);
//! const RANKS: SortedSet<u32> = SortedSet::new(2);
//!
//! svm_sdk::testing::MockHost::new(&[]).install();
//! let alice = Address([0xa1; 20]);
//! BALANCES.insert(&alice, &100);
//! assert_eq!(BALANCES.get(&alice), Some(100));
//! HISTORY.push(&7);
//! HISTORY.push(&9);
//! assert_eq!((HISTORY.len(), HISTORY.get(1)), (2, Some(9)));
//! for r in [30, 10, 20] {
//!     RANKS.insert(&r);
//! }
//! assert_eq!(RANKS.iter().collect::<std::vec::Vec<_>>(), [10, 20, 30]);
//! ```
//!
//! Key conventions (what another language's SDK must follow to read the same state):
//! - [`Map`]: the key's [`Key`] bytes; the value's ABI encoding.
//! - [`Set`]: the item's ABI encoding as the key, an empty value.
//! - [`SortedSet`]: the item's [`Key`] bytes as the key, an empty value.
//! - [`Vec`]: the length as a u64 big-endian under the empty key; item `i` under `i` as a u64
//!   big-endian, its ABI encoding as the value.

use alloc::vec::Vec as Bytes;
use core::marker::PhantomData;

use crate::Address;
use crate::abi::{Decode, Encode, Reader, encode_one};
use crate::bytes::{copied, copy, zeroed};
use crate::env;

/// A map key, encoded so that byte order is the key's order: unsigned integers big-endian,
/// signed ones big-endian with the sign bit flipped, addresses and byte arrays as they are.
/// Byte strings and strings are their bytes (as a whole key only: in a tuple a shorter one
/// would not order before a longer one).
pub trait Key: Sized {
    /// The length of the key's bytes.
    fn key_len(&self) -> usize;
    /// Writes the key's bytes into `out` (`key_len()` bytes long).
    fn write_key(&self, out: &mut [u8]);
    /// The key from its bytes (`None` when they are not one).
    fn read_key(bytes: &[u8]) -> Option<Self>;
}

macro_rules! unsigned_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            fn key_len(&self) -> usize {
                core::mem::size_of::<$t>()
            }
            fn write_key(&self, out: &mut [u8]) {
                copy(out, &self.to_be_bytes());
            }
            fn read_key(bytes: &[u8]) -> Option<Self> {
                Some(<$t>::from_be_bytes(bytes.try_into().ok()?))
            }
        }
    )*};
}

unsigned_key!(u8, u16, u32, u64, u128);

macro_rules! signed_key {
    ($($t:ty => $u:ty),*) => {$(
        impl Key for $t {
            fn key_len(&self) -> usize {
                core::mem::size_of::<$t>()
            }
            fn write_key(&self, out: &mut [u8]) {
                // the sign bit flipped: negative numbers before positive ones
                copy(out, &((*self as $u) ^ (1 << (<$u>::BITS - 1))).to_be_bytes());
            }
            fn read_key(bytes: &[u8]) -> Option<Self> {
                let u = <$u>::from_be_bytes(bytes.try_into().ok()?);
                Some((u ^ (1 << (<$u>::BITS - 1))) as $t)
            }
        }
    )*};
}

signed_key!(i8 => u8, i16 => u16, i32 => u32, i64 => u64, i128 => u128);

impl Key for Address {
    fn key_len(&self) -> usize {
        20
    }
    fn write_key(&self, out: &mut [u8]) {
        copy(out, &self.0);
    }
    fn read_key(bytes: &[u8]) -> Option<Self> {
        Some(Address(bytes.try_into().ok()?))
    }
}

impl<const N: usize> Key for [u8; N] {
    fn key_len(&self) -> usize {
        N
    }
    fn write_key(&self, out: &mut [u8]) {
        copy(out, self);
    }
    fn read_key(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok()
    }
}

impl Key for Bytes<u8> {
    fn key_len(&self) -> usize {
        self.len()
    }
    fn write_key(&self, out: &mut [u8]) {
        copy(out, self);
    }
    fn read_key(bytes: &[u8]) -> Option<Self> {
        Some(copied(bytes))
    }
}

impl Key for alloc::string::String {
    fn key_len(&self) -> usize {
        self.len()
    }
    fn write_key(&self, out: &mut [u8]) {
        copy(out, self.as_bytes());
    }
    fn read_key(bytes: &[u8]) -> Option<Self> {
        alloc::string::String::from_utf8(copied(bytes)).ok()
    }
}

/// A key's bytes, allocated exactly (no `Vec` growth: see `bytes.rs`).
fn key_bytes<K: Key>(key: &K) -> Bytes<u8> {
    let mut out = zeroed(key.key_len());
    key.write_key(&mut out);
    out
}

/// A stored value back, or the call ends: the bytes were written by this template's own
/// encoding, so a value that does not decode means the template changed a collection's
/// type under the same id.
fn decode<V: Decode>(bytes: &[u8]) -> V {
    let mut r = Reader::new(bytes);
    match V::decode(&mut r).and_then(|v| r.finish().map(|()| v)) {
        Ok(v) => v,
        Err(_) => env::abort(b"collections: a stored value does not decode as its type"),
    }
}

/// The cursor after `key`: the smallest key greater than it.
fn after(key: &[u8]) -> Bytes<u8> {
    let mut next = zeroed(key.len() + 1);
    copy(&mut next, key);
    next
}

/// Entries of map `id` in key order, from a cursor, one host call each.
struct Walk {
    id: u32,
    from: Option<Bytes<u8>>,
}

impl Iterator for Walk {
    type Item = (Bytes<u8>, Bytes<u8>);
    fn next(&mut self) -> Option<Self::Item> {
        let from = self.from.take()?;
        let (key, value) = env::map_next(self.id, &from)?;
        self.from = Some(after(&key));
        Some((key, value))
    }
}

/// An unbounded map from `K` to `V`, iterated in `K`'s order.
#[derive(Debug, Clone, Copy)]
pub struct Map<K, V> {
    id: u32,
    types: PhantomData<fn() -> (K, V)>,
}

impl<K: Key, V: Encode + Decode> Map<K, V> {
    /// The map with id `id` of the executing account.
    pub const fn new(id: u32) -> Self {
        Map {
            id,
            types: PhantomData,
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        env::map_get(self.id, &key_bytes(key)).map(|v| decode(&v))
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        env::map_get(self.id, &key_bytes(key)).is_some()
    }

    /// Sets `key` to `value`; returns whether it had a value.
    pub fn insert(&self, key: &K, value: &V) -> bool {
        env::map_set(self.id, &key_bytes(key), &encode_one(value))
    }

    /// Removes `key`; returns whether it had a value.
    pub fn remove(&self, key: &K) -> bool {
        env::map_remove(self.id, &key_bytes(key))
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (K, V)> {
        self.walk(Bytes::new())
    }

    /// The entries whose keys are `>= from`, in key order.
    pub fn iter_from(&self, from: &K) -> impl Iterator<Item = (K, V)> {
        self.walk(key_bytes(from))
    }

    fn walk(&self, from: Bytes<u8>) -> impl Iterator<Item = (K, V)> {
        Walk {
            id: self.id,
            from: Some(from),
        }
        .map(|(k, v)| match K::read_key(&k) {
            Some(key) => (key, decode(&v)),
            None => env::abort(b"collections: a stored key does not decode as its type"),
        })
    }
}

/// An unbounded set of `T`, by `T`'s ABI encoding: membership in `O(log n)`; iteration in
/// the encodings' byte order.
#[derive(Debug, Clone, Copy)]
pub struct Set<T> {
    id: u32,
    types: PhantomData<fn() -> T>,
}

impl<T: Encode + Decode> Set<T> {
    /// The set with id `id` of the executing account.
    pub const fn new(id: u32) -> Self {
        Set {
            id,
            types: PhantomData,
        }
    }

    /// Adds `item`; returns whether it was new.
    pub fn insert(&self, item: &T) -> bool {
        !env::map_set(self.id, &encode_one(item), &[])
    }

    /// Removes `item`; returns whether it was there.
    pub fn remove(&self, item: &T) -> bool {
        env::map_remove(self.id, &encode_one(item))
    }

    /// Whether `item` is in the set.
    pub fn contains(&self, item: &T) -> bool {
        env::map_get(self.id, &encode_one(item)).is_some()
    }

    /// The items, in their encodings' byte order.
    pub fn iter(&self) -> impl Iterator<Item = T> {
        Walk {
            id: self.id,
            from: Some(Bytes::new()),
        }
        .map(|(k, _)| decode(&k))
    }
}

/// An unbounded set of `T` kept in `T`'s order ([`Key`]): membership in `O(log n)`,
/// iteration in order from the start or from any item, the least item in one call.
#[derive(Debug, Clone, Copy)]
pub struct SortedSet<T> {
    id: u32,
    types: PhantomData<fn() -> T>,
}

impl<T: Key> SortedSet<T> {
    /// The sorted set with id `id` of the executing account.
    pub const fn new(id: u32) -> Self {
        SortedSet {
            id,
            types: PhantomData,
        }
    }

    /// Adds `item`; returns whether it was new.
    pub fn insert(&self, item: &T) -> bool {
        !env::map_set(self.id, &key_bytes(item), &[])
    }

    /// Removes `item`; returns whether it was there.
    pub fn remove(&self, item: &T) -> bool {
        env::map_remove(self.id, &key_bytes(item))
    }

    /// Whether `item` is in the set.
    pub fn contains(&self, item: &T) -> bool {
        env::map_get(self.id, &key_bytes(item)).is_some()
    }

    /// The least item.
    pub fn first(&self) -> Option<T> {
        self.iter().next()
    }

    /// The items in order.
    pub fn iter(&self) -> impl Iterator<Item = T> {
        self.walk(Bytes::new())
    }

    /// The items `>= from`, in order.
    pub fn iter_from(&self, from: &T) -> impl Iterator<Item = T> {
        self.walk(key_bytes(from))
    }

    fn walk(&self, from: Bytes<u8>) -> impl Iterator<Item = T> {
        Walk {
            id: self.id,
            from: Some(from),
        }
        .map(|(k, _)| match T::read_key(&k) {
            Some(item) => item,
            None => env::abort(b"collections: a stored item does not decode as its type"),
        })
    }
}

/// An unbounded list of `T`: push and pop at the end, read and replace by index, each in
/// `O(log n)`.
#[derive(Debug, Clone, Copy)]
pub struct Vec<T> {
    id: u32,
    types: PhantomData<fn() -> T>,
}

/// The key of a [`Vec`]'s length.
const LEN: &[u8] = &[];

impl<T: Encode + Decode> Vec<T> {
    /// The list with id `id` of the executing account.
    pub const fn new(id: u32) -> Self {
        Vec {
            id,
            types: PhantomData,
        }
    }

    /// How many items it holds.
    pub fn len(&self) -> u64 {
        env::map_get(self.id, LEN)
            .and_then(|b| u64::read_key(&b))
            .unwrap_or(0)
    }

    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn set_len(&self, len: u64) {
        if len == 0 {
            env::map_remove(self.id, LEN);
        } else {
            env::map_set(self.id, LEN, &len.to_be_bytes());
        }
    }

    /// Item `index`.
    pub fn get(&self, index: u64) -> Option<T> {
        if index >= self.len() {
            return None;
        }
        env::map_get(self.id, &index.to_be_bytes()).map(|v| decode(&v))
    }

    /// Replaces item `index` (the call ends when there is none).
    pub fn set(&self, index: u64, item: &T) {
        if index >= self.len() {
            env::abort(b"collections: Vec::set past the end");
        }
        env::map_set(self.id, &index.to_be_bytes(), &encode_one(item));
    }

    /// Appends `item`.
    pub fn push(&self, item: &T) {
        let len = self.len();
        env::map_set(self.id, &len.to_be_bytes(), &encode_one(item));
        self.set_len(len + 1);
    }

    /// Removes and returns the last item.
    pub fn pop(&self) -> Option<T> {
        let last = self.len().checked_sub(1)?;
        let key = last.to_be_bytes();
        let item = env::map_get(self.id, &key).map(|v| decode(&v));
        env::map_remove(self.id, &key);
        self.set_len(last);
        item
    }

    /// The items in index order.
    pub fn iter(&self) -> impl Iterator<Item = T> {
        Walk {
            id: self.id,
            from: Some(copied(&0u64.to_be_bytes())),
        }
        .map(|(_, v)| decode(&v))
    }
}
