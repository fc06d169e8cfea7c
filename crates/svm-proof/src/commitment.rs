//! The hashes that make svm's state root, in one place: svm-storage builds the root with
//! them and the verifiers of this crate recompute it with them.
//!
//! - The global root is a Jellyfish Merkle tree (sha3-256) whose leaves are account records
//!   at [`account_leaf`] and template records at [`template_leaf`].
//! - An account record holds its storage state: [`storage_state`] of the root of its page
//!   tree, a 16-ary tree over [`page_hash`]es whose nodes are [`PageNode`]s.

use jmt::KeyHash;
use sha3::{Digest, Sha3_256};
use svm_types::{Address, State, TemplateAddr};

/// A page or page-tree node hash.
pub type Hash = [u8; 32];

/// The hash of an empty page or an empty subtree: 32 zero bytes (such pages and nodes are
/// not stored).
pub const EMPTY: Hash = [0; 32];

/// Children per page-tree node.
pub const ARITY: u32 = 16;

/// The largest storage of one account, in bytes (16 MiB): a layout may not be larger, and
/// the depth of the page trees follows from it.
pub const MAX_STORAGE_SIZE: u32 = 1 << 24;

/// The tree key of an account record: `sha3-256("svm/account" || address)`.
pub fn account_leaf(addr: &Address) -> KeyHash {
    KeyHash(
        Sha3_256::new()
            .chain_update(b"svm/account")
            .chain_update(addr)
            .finalize()
            .into(),
    )
}

/// The tree key of a template record: `sha3-256("svm/template" || template address)`.
pub fn template_leaf(addr: &TemplateAddr) -> KeyHash {
    KeyHash(
        Sha3_256::new()
            .chain_update(b"svm/template")
            .chain_update(addr)
            .finalize()
            .into(),
    )
}

/// The hash of a page: `sha3-256("svm/page" || address || index (u32 BE) || trimmed content)`.
///
/// `content` must already be trimmed of trailing zeros; an all-zero page has no hash because
/// it is not stored (its place in the tree is [`EMPTY`]).
///
/// ```
/// use svm_proof::page_hash;
/// use svm_types::Address;
/// assert_ne!(page_hash(&Address([1; 20]), 0, b"\x01"), page_hash(&Address([1; 20]), 1, b"\x01"));
/// ```
pub fn page_hash(addr: &Address, index: u32, trimmed_content: &[u8]) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/page")
        .chain_update(addr.as_bytes())
        .chain_update(index.to_be_bytes())
        .chain_update(trimmed_content)
        .finalize()
        .into()
}

/// Levels of page-tree nodes above the pages in a store of `page_size`-byte pages: enough
/// for [`MAX_STORAGE_SIZE`] bytes (3 for 4 KiB pages: 16^3 = 4,096 pages).
pub fn page_tree_depth(page_size: u32) -> u8 {
    let pages = u64::from(MAX_STORAGE_SIZE).div_ceil(u64::from(page_size.max(1)));
    let mut depth = 1u8;
    while u64::from(ARITY).pow(u32::from(depth)) < pages {
        depth += 1;
    }
    depth
}

/// A page-tree node: 16 children, page hashes at level 1 and node hashes above, empty ones
/// [`EMPTY`].
///
/// Its record is `bitmap (u16 BE) || non-empty children in order` (bit `i` set when child
/// `i` is non-empty), so one read gives every sibling of a path; its hash is
/// `sha3-256("svm/page-node" || record)`. A node whose children are all empty has neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNode(pub [Hash; ARITY as usize]);

impl PageNode {
    /// A node with every child empty.
    pub fn empty() -> Self {
        Self([EMPTY; ARITY as usize])
    }

    /// Reads a record written by [`PageNode::record`]: a clear error for anything else (a
    /// zero bitmap, a length that does not match it, an empty child listed).
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let Some((bitmap, hashes)) = bytes.split_first_chunk::<2>() else {
            return Err(format!("page tree node of {} bytes", bytes.len()));
        };
        let bitmap = u16::from_be_bytes(*bitmap);
        let present = bitmap.count_ones() as usize;
        if bitmap == 0 || hashes.len() != 32 * present {
            return Err(format!(
                "page tree node of {} bytes for {present} children",
                bytes.len()
            ));
        }
        let mut children = [EMPTY; ARITY as usize];
        let mut hashes = hashes.chunks_exact(32);
        for (i, child) in children.iter_mut().enumerate() {
            if bitmap & (1 << i) != 0
                && let Some(h) = hashes.next()
            {
                child.copy_from_slice(h);
                if *child == EMPTY {
                    return Err("page tree node lists an empty child".into());
                }
            }
        }
        Ok(Self(children))
    }

    /// The record and the hash, or `None` when every child is empty.
    pub fn record(&self) -> Option<(Vec<u8>, Hash)> {
        let mut bitmap = 0u16;
        let mut out = vec![0, 0];
        for (i, child) in self.0.iter().enumerate() {
            if *child != EMPTY {
                bitmap |= 1 << i;
                out.extend_from_slice(child);
            }
        }
        if bitmap == 0 {
            return None;
        }
        out[..2].copy_from_slice(&bitmap.to_be_bytes());
        let hash = Sha3_256::new()
            .chain_update(b"svm/page-node")
            .chain_update(&out)
            .finalize()
            .into();
        Some((out, hash))
    }

    /// The node's hash ([`EMPTY`] when every child is empty).
    pub fn hash(&self) -> Hash {
        self.record().map_or(EMPTY, |(_, h)| h)
    }
}

/// An account's storage state from the root of its page tree:
/// `sha3-256("svm/storage" || address || root)`, or all zeros for the empty tree (so storage
/// that went back to zeros has the state of storage never written).
pub fn storage_state(addr: &Address, page_tree_root: &Hash) -> State {
    if *page_tree_root == EMPTY {
        return State::zero();
    }
    State(
        Sha3_256::new()
            .chain_update(b"svm/storage")
            .chain_update(addr.as_bytes())
            .chain_update(page_tree_root)
            .finalize()
            .into(),
    )
}

/// An account's storage state when it also holds maps: `sha3-256("svm/storage/maps" || address
/// || page-tree root || maps root)`, the maps root being the root of the [trie](crate::trie_root)
/// whose entries are [`map_id_key`] -> the root of each non-empty map. With no map it is
/// [`storage_state`] (so accounts without maps keep their states).
pub fn storage_state_with_maps(addr: &Address, page_tree_root: &Hash, maps_root: &Hash) -> State {
    if *maps_root == EMPTY {
        return storage_state(addr, page_tree_root);
    }
    State(
        Sha3_256::new()
            .chain_update(b"svm/storage/maps")
            .chain_update(addr.as_bytes())
            .chain_update(page_tree_root)
            .chain_update(maps_root)
            .finalize()
            .into(),
    )
}

/// The key of map `map` in an account's maps trie: `sha3-256("svm/map" || map id (u32 BE))`.
pub fn map_id_key(map: u32) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/map")
        .chain_update(map.to_be_bytes())
        .finalize()
        .into()
}

/// The key of an entry in its map's trie: `sha3-256("svm/map-key" || key)`.
pub fn map_entry_key(key: &[u8]) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/map-key")
        .chain_update(key)
        .finalize()
        .into()
}

/// The value hash of an entry in its map's trie: `sha3-256("svm/map-value" || value)`.
pub fn map_value_hash(value: &[u8]) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/map-value")
        .chain_update(value)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_fits_the_largest_storage() {
        assert_eq!(page_tree_depth(4096), 3);
        assert_eq!(page_tree_depth(1 << 20), 1);
        assert_eq!(page_tree_depth(1), 6);
    }

    #[test]
    fn node_records_round_trip_and_damaged_ones_are_errors() {
        let mut n = PageNode::empty();
        assert_eq!(n.record(), None);
        assert_eq!(n.hash(), EMPTY);
        n.0[3] = [7; 32];
        n.0[15] = [9; 32];
        let (record, hash) = n.record().unwrap();
        assert_eq!(record.len(), 2 + 64);
        assert_eq!(PageNode::decode(&record).unwrap(), n);
        assert_eq!(n.hash(), hash);
        for bad in [
            &[][..],
            &[0, 0][..],
            &[0, 1][..],
            &[0, 1, 9][..],
            &[0, 1][..],
        ] {
            assert!(PageNode::decode(bad).is_err(), "{bad:?}");
        }
        let mut listed_empty = vec![0, 1];
        listed_empty.extend([0; 32]);
        assert!(PageNode::decode(&listed_empty).is_err());
    }
}
