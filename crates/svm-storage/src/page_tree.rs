//! The per-account page tree: a 16-ary Merkle tree over an account's page hashes, so that a
//! transaction that changes `k` pages updates the account's storage commitment in
//! `O(k x depth)` reads, hashes and writes, whatever the number of pages the account holds.
//!
//! - The children of a level-1 node are page hashes ([`page_hash`](crate::page_hash)) at
//!   their page index; the children of a level-`l` node are level-`l - 1` node hashes.
//!   Node `(level, index)` has children `16 x index .. 16 x index + 15`.
//! - An empty page, and a node whose children are all empty, is the zero hash (32 zero
//!   bytes) and is not stored.
//! - A node's hash is `sha3-256("svm/page-node" || bitmap u16 BE || non-empty children in
//!   order)`, bit `i` of the bitmap set when child `i` is non-empty; its record is
//!   `bitmap || non-empty children`, so one read gives every sibling of a path.
//! - The depth is fixed per store: enough levels for [`MAX_STORAGE_SIZE`] bytes of pages of
//!   the store's page size (3 levels for 4 KiB pages: 16^3 = 4,096 pages).
//! - The account's storage state is `sha3-256("svm/storage" || address || root)`, or all
//!   zeros when every page is empty (so an account whose storage went back to zeros has the
//!   same state as one never written).
//!
//! Node records are flat keys (`keys::page_node`), written through the running transaction
//! like pages: they reach the store with the layer, under the undo log, and rewind with it.

use std::collections::BTreeMap;

use svm_proof::{ARITY, EMPTY, PageNode as Node, page_tree_depth};
use svm_types::{Address, State};

use crate::StorageError;

/// A page or node hash.
pub(crate) type Hash = svm_proof::Hash;

/// The shape of the page trees of one store: its depth.
#[derive(Debug, Clone)]
pub(crate) struct PageTree {
    depth: u8,
}

impl PageTree {
    /// The trees of a store with `page_size`-byte pages.
    pub(crate) fn new(page_size: u32) -> Self {
        Self {
            depth: page_tree_depth(page_size),
        }
    }

    /// Levels of nodes above the pages.
    pub(crate) fn depth(&self) -> u8 {
        self.depth
    }

    /// The number of page indices the tree has room for.
    pub(crate) fn capacity(&self) -> u64 {
        u64::from(ARITY).pow(u32::from(self.depth))
    }

    /// The storage state of `addr` from its tree's root.
    pub(crate) fn state(&self, addr: &Address, root: &Hash) -> State {
        svm_proof::storage_state(addr, root)
    }

    /// Applies `pages` (page index -> new page hash, [`EMPTY`] for a zeroed page) to the tree
    /// whose node records `get` reads (`None` = empty), handing every changed record to `put`
    /// (`None` = now empty, delete it). Returns the new root. Work: one read, one hash and
    /// one write per changed node, at most `pages x depth`. A `get` error or a damaged
    /// record is an error.
    pub(crate) fn update(
        &self,
        pages: BTreeMap<u32, Hash>,
        mut get: impl FnMut(u8, u32) -> Result<Option<Vec<u8>>, StorageError>,
        mut put: impl FnMut(u8, u32, Option<Vec<u8>>),
    ) -> Result<Hash, StorageError> {
        let mut changed = pages;
        for level in 1..=self.depth {
            let mut parents: BTreeMap<u32, Vec<(u32, Hash)>> = BTreeMap::new();
            for (index, hash) in changed {
                parents
                    .entry(index / ARITY)
                    .or_default()
                    .push((index % ARITY, hash));
            }
            let mut next = BTreeMap::new();
            for (parent, children) in parents {
                let mut node = match get(level, parent)? {
                    Some(bytes) => Node::decode(&bytes).map_err(StorageError::Corrupt)?,
                    None => Node::empty(),
                };
                for (slot, hash) in children {
                    node.0[slot as usize] = hash;
                }
                let hash = match node.record() {
                    Some((record, hash)) => {
                        put(level, parent, Some(record));
                        hash
                    }
                    None => {
                        put(level, parent, None);
                        EMPTY
                    }
                };
                next.insert(parent, hash);
            }
            changed = next;
        }
        match changed.get(&0) {
            Some(root) => Ok(*root),
            // nothing changed: the stored root
            None => match get(self.depth, 0)? {
                Some(bytes) => Ok(Node::decode(&bytes).map_err(StorageError::Corrupt)?.hash()),
                None => Ok(EMPTY),
            },
        }
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
    match tree.update(page_hashes.clone(), |_, _| Ok(None), |_, _, _| {}) {
        Ok(root) => tree.state(addr, &root),
        // with no stored nodes there is nothing to read or decode
        Err(_) => State::zero(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::MAX_STORAGE_SIZE;
    use proptest::prelude::*;

    #[test]
    fn depth_fits_the_largest_storage() {
        assert_eq!(PageTree::new(4096).depth(), 3);
        assert_eq!(PageTree::new(1 << 20).depth(), 1);
        assert_eq!(PageTree::new(1).depth(), 6);
        assert!(PageTree::new(3000).capacity() >= u64::from(MAX_STORAGE_SIZE) / 3000);
    }

    #[test]
    fn damaged_records_are_errors() {
        for bad in [&[][..], &[0, 0][..], &[0, 1][..], &[0, 1, 9][..]] {
            assert!(Node::decode(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        /// Updating a stored tree step by step gives the root of building it from scratch.
        #[test]
        fn incremental_updates_match_a_fresh_build(
            steps in prop::collection::vec(
                prop::collection::btree_map(0u32..600, prop::option::of(any::<[u8; 32]>()), 0..8),
                1..6,
            )
        ) {
            let tree = PageTree::new(1 << 13); // 2,048 pages, depth 3
            let addr = Address([3; 20]);
            let mut nodes: BTreeMap<(u8, u32), Vec<u8>> = BTreeMap::new();
            let mut model: BTreeMap<u32, Hash> = BTreeMap::new();
            for step in steps {
                let pages = step
                    .iter()
                    .map(|(i, h)| (*i, h.unwrap_or(EMPTY)))
                    .collect();
                let mut writes = Vec::new();
                let root = tree
                    .update(pages, |l, i| Ok(nodes.get(&(l, i)).cloned()), |l, i, r| {
                        writes.push((l, i, r))
                    })
                    .unwrap();
                for (l, i, r) in writes {
                    match r {
                        Some(r) => nodes.insert((l, i), r),
                        None => nodes.remove(&(l, i)),
                    };
                }
                for (i, h) in step {
                    match h {
                        Some(h) if h != EMPTY => model.insert(i, h),
                        _ => model.remove(&i),
                    };
                }
                prop_assert_eq!(tree.state(&addr, &root), storage_state(&addr, &model, 1 << 13));
            }
            if model.is_empty() {
                prop_assert!(nodes.is_empty(), "an empty tree stores no node");
            }
        }
    }
}
