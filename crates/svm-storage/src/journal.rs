//! [`Journaled`]: an ordered map that can roll back to savepoints, the mechanism behind
//! [`WorldState::savepoint`](crate::WorldState::savepoint).
//!
//! A running transaction keeps its writes and caches in maps (record writes, pages,
//! variables). A nested call is a savepoint inside it: when the call fails, exactly its
//! changes must go, the caller's stay. Each map keeps, per open savepoint, the value every key
//! had when the savepoint opened, recorded the first time the key changes under it. So the
//! work of a savepoint is proportional to what changes under it (which the runtime prices as
//! that call's writes), never to the transaction's size:
//! - rolling back puts the recorded values back (and removes keys that were absent);
//! - releasing (the call succeeded) hands the records to the enclosing savepoint, keeping the
//!   older value of a key both recorded.
//!
//! Reads go through [`Deref`] to the plain map and record nothing.

use std::{collections::BTreeMap, ops::Deref};

/// An ordered map with nested savepoints.
#[derive(Debug)]
pub(crate) struct Journaled<K, V> {
    map: BTreeMap<K, V>,
    /// Per open savepoint, innermost last: each key changed under it, with its value (or
    /// absence) when the savepoint opened.
    undo: Vec<BTreeMap<K, Option<V>>>,
}

impl<K, V> Default for Journaled<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            undo: Vec::new(),
        }
    }
}

impl<K, V> Deref for Journaled<K, V> {
    type Target = BTreeMap<K, V>;

    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<K: Ord + Clone, V: Clone> Journaled<K, V> {
    /// An empty map with no savepoint.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records `key`'s current value under the innermost savepoint, once.
    fn remember(&mut self, key: &K) {
        if let Some(top) = self.undo.last_mut()
            && !top.contains_key(key)
        {
            top.insert(key.clone(), self.map.get(key).cloned());
        }
    }

    /// Inserts `value` at `key`, returning what was there.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.remember(&key);
        self.map.insert(key, value)
    }

    /// Removes `key`, returning what was there.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        if self.map.contains_key(key) {
            self.remember(key);
        }
        self.map.remove(key)
    }

    /// The value at `key`, to change in place.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.remember(key);
        }
        self.map.get_mut(key)
    }

    /// Every entry, to change in place (each is recorded under an open savepoint first).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        if let Some(top) = self.undo.last_mut() {
            for (k, v) in &self.map {
                top.entry(k.clone()).or_insert_with(|| Some(v.clone()));
            }
        }
        self.map.iter_mut()
    }

    /// Takes every entry out, leaving the map empty; open savepoints are closed, their
    /// changes kept.
    pub(crate) fn take(&mut self) -> BTreeMap<K, V> {
        self.undo.clear();
        std::mem::take(&mut self.map)
    }

    /// Opens a savepoint.
    pub(crate) fn savepoint(&mut self) {
        self.undo.push(BTreeMap::new());
    }

    /// Undoes every change since the innermost savepoint and closes it (nothing without one).
    pub(crate) fn rollback(&mut self) {
        for (key, value) in self.undo.pop().unwrap_or_default() {
            match value {
                Some(v) => self.map.insert(key, v),
                None => self.map.remove(&key),
            };
        }
    }

    /// Closes the innermost savepoint keeping its changes: the enclosing savepoint (if any)
    /// now answers for them.
    pub(crate) fn release(&mut self) {
        let Some(top) = self.undo.pop() else { return };
        if let Some(below) = self.undo.last_mut() {
            for (key, value) in top {
                below.entry(key).or_insert(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Journaled;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u8),
        Remove(u8),
        Bump(u8),
        BumpAll,
        Savepoint,
        Rollback,
        Release,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..8, any::<u8>()).prop_map(|(k, v)| Op::Insert(k, v)),
            (0u8..8).prop_map(Op::Remove),
            (0u8..8).prop_map(Op::Bump),
            Just(Op::BumpAll),
            Just(Op::Savepoint),
            Just(Op::Rollback),
            Just(Op::Release),
        ]
    }

    proptest! {
        /// Against a model that copies the whole map at each savepoint.
        #[test]
        fn matches_a_map_copied_at_each_savepoint(ops in proptest::collection::vec(op(), 0..80)) {
            let mut j: Journaled<u8, u8> = Journaled::new();
            let mut model: BTreeMap<u8, u8> = BTreeMap::new();
            let mut copies: Vec<BTreeMap<u8, u8>> = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        prop_assert_eq!(j.insert(k, v), model.insert(k, v));
                    }
                    Op::Remove(k) => prop_assert_eq!(j.remove(&k), model.remove(&k)),
                    Op::Bump(k) => {
                        if let Some(v) = j.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                        if let Some(v) = model.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                    }
                    Op::BumpAll => {
                        j.iter_mut().for_each(|(_, v)| *v = v.wrapping_add(1));
                        model.values_mut().for_each(|v| *v = v.wrapping_add(1));
                    }
                    Op::Savepoint => {
                        j.savepoint();
                        copies.push(model.clone());
                    }
                    Op::Rollback => {
                        j.rollback();
                        if let Some(copy) = copies.pop() {
                            model = copy;
                        }
                    }
                    Op::Release => {
                        j.release();
                        copies.pop();
                    }
                }
                prop_assert_eq!(&*j, &model);
            }
        }
    }
}
