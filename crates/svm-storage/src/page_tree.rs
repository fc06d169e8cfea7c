//! The per-account page tree: a binary Merkle tree over an account's page hashes, so that a
//! transaction that changes `k` pages updates the account's storage commitment in
//! `O(k x depth)` hashes, reads and writes, whatever the number of pages the account holds.
//!
//! - Leaves (level 0) are page hashes ([`page_hash`](crate::page_hash)) at their page index;
//!   a page that holds only zeros is the empty leaf (32 zero bytes).
//! - An inner node is `sha3-256("svm/page-node" || left || right)`; a subtree with only
//!   empty leaves has the precomputed empty hash of its level, and is not stored.
//! - The depth is fixed per store: enough levels for [`MAX_STORAGE_SIZE`] bytes of pages of
//!   the store's page size (12 levels for 4 KiB pages).
//! - The account's storage state is `sha3-256("svm/storage" || address || root)`, or all
//!   zeros when every page is empty (so an account whose storage went back to zeros has the
//!   same state as one never written).
//!
//! Nodes are flat records (`keys::page_node`), written through the running transaction like
//! pages: they reach the store with the layer, under the undo log, and rewind with it.

use std::collections::BTreeMap;

use sha3::{Digest, Sha3_256};
use svm_types::{Address, State};

use crate::layout::MAX_STORAGE_SIZE;

/// A node hash.
pub(crate) type Hash = [u8; 32];

/// The shape of the page trees of one store: its depth and the empty hash of each level.
#[derive(Debug, Clone)]
pub(crate) struct PageTree {
    depth: u8,
    empty: Vec<Hash>,
}

fn node(left: &Hash, right: &Hash) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/page-node")
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

impl PageTree {
    /// The trees of a store with `page_size`-byte pages.
    pub(crate) fn new(page_size: u32) -> Self {
        let pages = u64::from(MAX_STORAGE_SIZE).div_ceil(u64::from(page_size.max(1)));
        let depth = (u64::BITS - (pages.max(1) - 1).leading_zeros()) as u8;
        let mut empty = vec![[0u8; 32]];
        for level in 0..usize::from(depth) {
            let below = empty[level];
            empty.push(node(&below, &below));
        }
        Self { depth, empty }
    }

    /// Levels above the leaves.
    #[cfg(test)]
    pub(crate) fn depth(&self) -> u8 {
        self.depth
    }

    /// The number of page indices the tree has room for.
    pub(crate) fn capacity(&self) -> u64 {
        1u64 << self.depth
    }

    /// The empty hash of `level`.
    pub(crate) fn empty(&self, level: u8) -> &Hash {
        &self.empty[usize::from(level)]
    }

    /// The storage state of `addr` from its tree's root.
    pub(crate) fn state(&self, addr: &Address, root: &Hash) -> State {
        if root == self.empty(self.depth) {
            return State::zero();
        }
        State(
            Sha3_256::new()
                .chain_update(b"svm/storage")
                .chain_update(addr.as_bytes())
                .chain_update(root)
                .finalize()
                .into(),
        )
    }

    /// Applies `leaves` (page index -> new leaf hash, the empty leaf for a zeroed page) to
    /// the tree whose nodes `get` reads (`None` = empty), handing every changed node to
    /// `put` (`None` = now empty, delete it). Returns the new root. Work: one read, one hash
    /// and one write per changed node, at most `leaves x depth`.
    pub(crate) fn update<E>(
        &self,
        leaves: BTreeMap<u32, Hash>,
        mut get: impl FnMut(u8, u32) -> Result<Option<Hash>, E>,
        mut put: impl FnMut(u8, u32, Option<Hash>),
    ) -> Result<Hash, E> {
        let mut changed = leaves;
        for level in 0..self.depth {
            let empty = *self.empty(level);
            for (&index, hash) in &changed {
                put(level, index, (*hash != empty).then_some(*hash));
            }
            let mut parents = BTreeMap::new();
            for (&index, hash) in &changed {
                let parent = index / 2;
                if parents.contains_key(&parent) {
                    continue;
                }
                let sibling_index = index ^ 1;
                let sibling = match changed.get(&sibling_index) {
                    Some(h) => *h,
                    None => get(level, sibling_index)?.unwrap_or(empty),
                };
                let (left, right) = if index % 2 == 0 {
                    (hash, &sibling)
                } else {
                    (&sibling, hash)
                };
                let up = if *left == empty && *right == empty {
                    *self.empty(level + 1)
                } else {
                    node(left, right)
                };
                parents.insert(parent, up);
            }
            changed = parents;
        }
        let root = changed.get(&0).copied().map_or_else(
            || get(self.depth, 0).map(|r| r.unwrap_or(*self.empty(self.depth))),
            Ok,
        )?;
        if changed.contains_key(&0) {
            let empty = *self.empty(self.depth);
            put(self.depth, 0, (root != empty).then_some(root));
        }
        Ok(root)
    }
}

/// The storage state of an account holding exactly `page_hashes` (page index -> page hash
/// of each non-empty page) in a store with `page_size`-byte pages, computed from scratch:
/// what the incremental updates of [`GlobalState`](crate::GlobalState) always agree with.
/// For light clients and tests.
pub fn storage_state(
    addr: &Address,
    page_hashes: &BTreeMap<u32, [u8; 32]>,
    page_size: u32,
) -> State {
    let tree = PageTree::new(page_size);
    let root = tree
        .update::<std::convert::Infallible>(page_hashes.clone(), |_, _| Ok(None), |_, _, _| {})
        .unwrap_or_else(|e| match e {});
    tree.state(addr, &root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn depth_fits_the_largest_storage() {
        assert_eq!(PageTree::new(4096).depth(), 12);
        assert_eq!(PageTree::new(1 << 20).depth(), 4);
        assert_eq!(PageTree::new(1).depth(), 24);
        assert_eq!(PageTree::new(3000).capacity(), 8192);
    }

    proptest! {
        /// Updating a stored tree step by step gives the root of building it from scratch.
        #[test]
        fn incremental_updates_match_a_fresh_build(
            steps in prop::collection::vec(
                prop::collection::btree_map(0u32..64, prop::option::of(any::<[u8; 32]>()), 0..8),
                1..6,
            )
        ) {
            let tree = PageTree::new(1 << 18); // 64 pages, depth 6
            let addr = Address([3; 20]);
            let mut nodes: BTreeMap<(u8, u32), Hash> = BTreeMap::new();
            let mut model: BTreeMap<u32, Hash> = BTreeMap::new();
            for step in steps {
                let leaves = step
                    .iter()
                    .map(|(i, h)| (*i, h.unwrap_or([0; 32])))
                    .collect();
                let mut writes = Vec::new();
                let root = tree
                    .update::<()>(leaves, |l, i| Ok(nodes.get(&(l, i)).copied()), |l, i, h| {
                        writes.push((l, i, h))
                    })
                    .unwrap();
                for (l, i, h) in writes {
                    match h {
                        Some(h) => nodes.insert((l, i), h),
                        None => nodes.remove(&(l, i)),
                    };
                }
                for (i, h) in step {
                    match h {
                        Some(h) if h != [0; 32] => model.insert(i, h),
                        _ => model.remove(&i),
                    };
                }
                prop_assert_eq!(tree.state(&addr, &root), storage_state(&addr, &model, 1 << 18));
            }
            if model.is_empty() {
                prop_assert!(nodes.is_empty(), "an empty tree stores no node");
            }
        }
    }
}
