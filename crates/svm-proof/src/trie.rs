//! The commitment of a collection (issue 16's maps, sets and lists): a 16-ary Merkle trie over
//! the sha3-256 hashes of the entries' keys, whose root depends on the entries alone, never
//! on the order they were inserted or removed in.
//!
//! Shape (unique for a set of key hashes):
//! - a **leaf** `(key hash, value hash)` sits at the shortest nibble path of its key hash that
//!   no other key hash of the collection shares;
//! - a **branch** sits at every path that two or more key hashes share; child `j` is the node
//!   at the path extended by nibble `j` (empty when none). A branch may have a single child
//!   branch (two keys sharing a long prefix), never a single child leaf (that leaf belongs one
//!   level up).
//!
//! Hashes: a leaf is `sha3-256("svm/trie-leaf" || key hash || value hash)`, a branch
//! `sha3-256("svm/trie-node" || bitmap (u16 BE) || non-empty children)` (the record a node
//! store keeps), the empty trie's root is 32 zero bytes. With hashed keys a trie of `n`
//! entries is `log16(n)` levels deep on average, so an insert, a removal and a proof touch
//! `O(log n)` nodes.
//!
//! The trie works over any [`TrieStore`] of nodes by path: svm-storage keeps them as records
//! under the transaction's undo log, like pages; a [`MemoryTrie`] serves tests and light
//! clients. [`TrieProof`]s of an entry, or of its absence, verify against the root alone.

use std::collections::BTreeMap;

use sha3::{Digest, Sha3_256};

use crate::commitment::{EMPTY, Hash};

/// Nibbles in a key hash: the deepest path.
const MAX_DEPTH: usize = 64;

/// A node of the trie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrieNode {
    /// One entry: the hash of its key and of its value.
    Leaf {
        /// sha3-256 of the entry's key.
        key: Hash,
        /// sha3-256 of the entry's value.
        value: Hash,
    },
    /// The hashes of the 16 children ([`EMPTY`] for none).
    Branch(Box<[Hash; 16]>),
}

impl TrieNode {
    /// The node's hash.
    pub fn hash(&self) -> Hash {
        match self {
            TrieNode::Leaf { key, value } => Sha3_256::new()
                .chain_update(b"svm/trie-leaf")
                .chain_update(key)
                .chain_update(value)
                .finalize()
                .into(),
            TrieNode::Branch(children) => {
                let mut h = Sha3_256::new();
                h.update(b"svm/trie-node");
                h.update(bitmap(children).to_be_bytes());
                for c in children.iter().filter(|c| **c != EMPTY) {
                    h.update(c);
                }
                h.finalize().into()
            }
        }
    }

    /// The stored form: `0 || key hash || value hash` for a leaf, `1 || bitmap || non-empty
    /// children` for a branch.
    pub fn record(&self) -> Vec<u8> {
        match self {
            TrieNode::Leaf { key, value } => [&[0u8][..], key, value].concat(),
            TrieNode::Branch(children) => {
                let mut out = vec![1];
                out.extend_from_slice(&bitmap(children).to_be_bytes());
                for c in children.iter().filter(|c| **c != EMPTY) {
                    out.extend_from_slice(c);
                }
                out
            }
        }
    }

    /// Reads [`TrieNode::record`]'s form; anything else (including a branch with fewer than
    /// one child or an empty child listed) is an error naming the problem.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        match bytes.split_first() {
            Some((0, rest)) if rest.len() == 64 => {
                let (mut key, mut value) = ([0; 32], [0; 32]);
                key.copy_from_slice(&rest[..32]);
                value.copy_from_slice(&rest[32..]);
                Ok(TrieNode::Leaf { key, value })
            }
            Some((1, rest)) if rest.len() >= 2 => {
                let map = u16::from_be_bytes([rest[0], rest[1]]);
                let hashes = &rest[2..];
                if map == 0 || hashes.len() != 32 * map.count_ones() as usize {
                    return Err(format!(
                        "trie branch of {} bytes for bitmap {map:#06x}",
                        bytes.len()
                    ));
                }
                let mut children = [EMPTY; 16];
                let mut chunks = hashes.chunks_exact(32);
                for (j, child) in children.iter_mut().enumerate() {
                    if map & (1 << j) != 0
                        && let Some(h) = chunks.next()
                    {
                        child.copy_from_slice(h);
                        if *child == EMPTY {
                            return Err("trie branch lists an empty child".into());
                        }
                    }
                }
                Ok(TrieNode::Branch(Box::new(children)))
            }
            _ => Err(format!("not a trie node record ({} bytes)", bytes.len())),
        }
    }
}

fn bitmap(children: &[Hash; 16]) -> u16 {
    children
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != EMPTY)
        .fold(0, |m, (j, _)| m | (1 << j))
}

/// Nibble `i` of a key hash.
fn nibble(key: &Hash, i: usize) -> u8 {
    let b = key[i / 2];
    if i.is_multiple_of(2) {
        b >> 4
    } else {
        b & 0x0f
    }
}

/// A path in the trie: the first `len` nibbles of a key hash, as the nibbles themselves.
pub type TriePath = Vec<u8>;

/// Where a trie keeps its nodes, by path. Errors are the store's own (a node fault).
pub trait TrieStore {
    /// The store's error.
    type Error;
    /// The node at `path`, if any.
    fn get(&mut self, path: &[u8]) -> Result<Option<TrieNode>, Self::Error>;
    /// Stores `node` at `path`, or removes the node there (`None`).
    fn put(&mut self, path: &[u8], node: Option<TrieNode>) -> Result<(), Self::Error>;
}

/// A trie's nodes in a map: for tests and light clients.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTrie(pub BTreeMap<TriePath, TrieNode>);

impl TrieStore for MemoryTrie {
    type Error = std::convert::Infallible;
    fn get(&mut self, path: &[u8]) -> Result<Option<TrieNode>, Self::Error> {
        Ok(self.0.get(path).cloned())
    }
    fn put(&mut self, path: &[u8], node: Option<TrieNode>) -> Result<(), Self::Error> {
        match node {
            Some(n) => self.0.insert(path.to_vec(), n),
            None => self.0.remove(path),
        };
        Ok(())
    }
}

/// The root of the trie in `store` (the hash of the node at the empty path).
pub fn trie_root<S: TrieStore>(store: &mut S) -> Result<Hash, S::Error> {
    Ok(store.get(&[])?.map_or(EMPTY, |n| n.hash()))
}

/// The levels of `key` among the key hashes `others` (the collection's other keys): the
/// length of the nibble path its leaf has, or would have, in the trie of them all: one more
/// than the longest nibble prefix it shares with another key, 0 when there is none. An
/// insert, a removal or a lookup of `key` walks this many branches (the price of a
/// collection write is per level, `docs/spec/host-abi.md`): it depends on the content
/// alone, so any implementation of the commitment finds the same.
pub fn trie_levels<'a>(key: &Hash, others: impl IntoIterator<Item = &'a Hash>) -> u32 {
    others
        .into_iter()
        .filter(|other| *other != key)
        .map(|other| common_nibbles(key, other) as u32 + 1)
        .max()
        .unwrap_or(0)
}

/// How many leading nibbles two key hashes share.
fn common_nibbles(a: &Hash, b: &Hash) -> usize {
    (0..MAX_DEPTH)
        .take_while(|&i| nibble(a, i) == nibble(b, i))
        .count()
}

/// Sets the entry of key hash `key` to value hash `value` (insert or replace) and returns
/// the key's [levels](trie_levels). `O(depth)` node reads and writes.
pub fn trie_insert<S: TrieStore>(store: &mut S, key: Hash, value: Hash) -> Result<u32, S::Error> {
    let mut path: TriePath = Vec::new();
    let levels;
    loop {
        match store.get(&path)? {
            None => {
                store.put(&path, Some(TrieNode::Leaf { key, value }))?;
                levels = path.len();
                break;
            }
            Some(TrieNode::Leaf { key: other, .. }) if other == key => {
                store.put(&path, Some(TrieNode::Leaf { key, value }))?;
                levels = path.len();
                break;
            }
            Some(TrieNode::Leaf {
                key: other,
                value: other_value,
            }) => {
                // split: branches down to where the two key hashes part, then both leaves
                let depth = path.len();
                let common = (depth..MAX_DEPTH)
                    .take_while(|&i| nibble(&key, i) == nibble(&other, i))
                    .count();
                let split = depth + common;
                let mut p = path.clone();
                let (mine, theirs) = (nibble(&key, split), nibble(&other, split));
                let mine_leaf = TrieNode::Leaf { key, value };
                let their_leaf = TrieNode::Leaf {
                    key: other,
                    value: other_value,
                };
                let mut at_split = [EMPTY; 16];
                at_split[mine as usize] = mine_leaf.hash();
                at_split[theirs as usize] = their_leaf.hash();
                p.extend((depth..split).map(|i| nibble(&key, i)));
                store.put(&[&p[..], &[mine]].concat(), Some(mine_leaf))?;
                store.put(&[&p[..], &[theirs]].concat(), Some(their_leaf))?;
                let mut node = TrieNode::Branch(Box::new(at_split));
                // the chain of single-child branches above the split, bottom up
                for i in (depth..split).rev() {
                    let hash = node.hash();
                    store.put(&p, Some(node))?;
                    p.pop();
                    let mut children = [EMPTY; 16];
                    children[nibble(&key, i) as usize] = hash;
                    node = TrieNode::Branch(Box::new(children));
                }
                store.put(&p, Some(node))?;
                levels = split + 1;
                break;
            }
            Some(TrieNode::Branch(_)) => path.push(nibble(&key, path.len())),
        }
    }
    rehash_up(store, &key, path)?;
    Ok(levels as u32)
}

/// Removes the entry of key hash `key`, if any; returns whether it was there, and the key's
/// [levels](trie_levels) before. A branch left with a single leaf gives its place to that
/// leaf, up the path, so the shape stays the one the remaining entries alone determine.
pub fn trie_remove<S: TrieStore>(store: &mut S, key: Hash) -> Result<(bool, u32), S::Error> {
    let mut here: TriePath = Vec::new();
    loop {
        match store.get(&here)? {
            None => return Ok((false, here.len() as u32)),
            Some(TrieNode::Leaf { key: other, .. }) if other != key => {
                return Ok((false, common_nibbles(&key, &other) as u32 + 1));
            }
            Some(TrieNode::Leaf { .. }) => break,
            Some(TrieNode::Branch(_)) => here.push(nibble(&key, here.len())),
        }
    }
    let levels = here.len() as u32;
    store.put(&here, None)?;
    // up the path: a branch left with a single leaf gives its place to that leaf
    while let Some(slot) = here.pop() {
        let Some(TrieNode::Branch(mut children)) = store.get(&here)? else {
            break;
        };
        let child = [&here[..], &[slot]].concat();
        children[slot as usize] = store.get(&child)?.map_or(EMPTY, |n| n.hash());
        let left: Vec<u8> = (0..16u8)
            .filter(|&j| children[j as usize] != EMPTY)
            .collect();
        if let [only] = left.as_slice() {
            let only_path = [&here[..], &[*only]].concat();
            if let Some(leaf @ TrieNode::Leaf { .. }) = store.get(&only_path)? {
                store.put(&only_path, None)?;
                store.put(&here, Some(leaf))?;
                continue;
            }
        }
        let node = (!left.is_empty()).then_some(TrieNode::Branch(children));
        store.put(&here, node)?;
        return rehash_up(store, &key, here).map(|()| (true, levels));
    }
    Ok((true, levels))
}

/// After the node at `path` changed, rewrites each ancestor's slot on `key`'s path with the
/// new hash of the node below it.
fn rehash_up<S: TrieStore>(store: &mut S, key: &Hash, mut path: TriePath) -> Result<(), S::Error> {
    while let Some(slot) = path.pop() {
        let below = store
            .get(&[&path[..], &[slot]].concat())?
            .map_or(EMPTY, |n| n.hash());
        let Some(TrieNode::Branch(mut children)) = store.get(&path)? else {
            break;
        };
        children[slot as usize] = below;
        store.put(&path, Some(TrieNode::Branch(children)))?;
        debug_assert_eq!(slot, nibble(key, path.len()));
    }
    Ok(())
}

/// A proof that a key hash has a value hash in a trie with a given root, or has none: the
/// branch records from the root down the key's path, then what ends the path (the key's leaf,
/// another key's leaf, or nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrieProof {
    /// The branches on the path, root first.
    pub branches: Vec<[Hash; 16]>,
    /// The node that ends the path (`None`: an empty slot, or the empty trie).
    pub end: Option<TrieNode>,
}

/// Why a [`TrieProof`] is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trie proof refused: {0}")]
pub struct TrieProofError(pub String);

/// The proof of key hash `key` in the trie in `store`.
pub fn trie_prove<S: TrieStore>(store: &mut S, key: &Hash) -> Result<TrieProof, S::Error> {
    let mut branches = Vec::new();
    let mut path: TriePath = Vec::new();
    loop {
        match store.get(&path)? {
            Some(TrieNode::Branch(children)) => {
                let next = nibble(key, path.len());
                branches.push(*children);
                if children[next as usize] == EMPTY {
                    return Ok(TrieProof {
                        branches,
                        end: None,
                    });
                }
                path.push(next);
            }
            end => return Ok(TrieProof { branches, end }),
        }
    }
}

impl TrieProof {
    /// The proof of the empty trie: no branch, no end.
    pub fn empty() -> Self {
        TrieProof {
            branches: Vec::new(),
            end: None,
        }
    }

    /// Checks the proof for key hash `key` against `root`: the value hash the key has, or
    /// `None` when the proof shows it has none.
    pub fn verify(&self, root: &Hash, key: &Hash) -> Result<Option<Hash>, TrieProofError> {
        let (implied, found) = self.implied_root(key)?;
        if implied != *root {
            return Err(TrieProofError("the path does not lead to the root".into()));
        }
        Ok(found)
    }

    /// The root the proof leads to for key hash `key`, and the value hash it shows the key
    /// has (`None`: none). For proofs whose root is itself proven by another proof (a map's
    /// root in the account's maps trie).
    pub fn implied_root(&self, key: &Hash) -> Result<(Hash, Option<Hash>), TrieProofError> {
        let bad = |why: String| Err(TrieProofError(why));
        if self.branches.len() >= MAX_DEPTH {
            return bad(format!("a path of {} branches", self.branches.len()));
        }
        let depth = self.branches.len();
        let (mut hash, found) = match &self.end {
            None => (EMPTY, None),
            Some(TrieNode::Branch(_)) => return bad("the path ends in a branch".into()),
            Some(leaf @ TrieNode::Leaf { key: k, value }) => {
                // a leaf at `depth` must share the path's nibbles with the key
                if (0..depth).any(|i| nibble(k, i) != nibble(key, i)) {
                    return bad("the leaf at the path's end is off the key's path".into());
                }
                (leaf.hash(), (k == key).then_some(*value))
            }
        };
        if depth > 0 && self.end.is_none() {
            // an empty slot: the last branch must not hold anything there
            if self.branches[depth - 1][nibble(key, depth - 1) as usize] != EMPTY {
                return bad("the slot the path ends in is not empty".into());
            }
        }
        for (i, children) in self.branches.iter().enumerate().rev() {
            if children.iter().all(|c| *c == EMPTY) {
                return bad(format!("an empty branch at depth {i}"));
            }
            if (i + 1 < depth || self.end.is_some()) && children[nibble(key, i) as usize] != hash {
                return bad(format!(
                    "the branch at depth {i} does not hold the node below it"
                ));
            }
            hash = TrieNode::Branch(Box::new(*children)).hash();
        }
        Ok((hash, found))
    }

    /// The binary form: the branch count (u8), each branch's record without its tag
    /// (`bitmap || non-empty children`), then `0` (nothing) or `1 || key hash || value hash`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.branches.len() as u8);
        for children in &self.branches {
            out.extend_from_slice(&TrieNode::Branch(Box::new(*children)).record()[1..]);
        }
        match &self.end {
            Some(TrieNode::Leaf { key, value }) => {
                out.push(1);
                out.extend_from_slice(key);
                out.extend_from_slice(value);
            }
            _ => out.push(0),
        }
    }

    /// Reads [`TrieProof::encode`]'s form from the front of `bytes`; returns the proof and the
    /// bytes it took. Errors name the byte (relative to `bytes`).
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize), (usize, String)> {
        let mut pos = 0;
        let take = |pos: &mut usize, n: usize| -> Result<&[u8], (usize, String)> {
            let slice = bytes
                .get(*pos..*pos + n)
                .ok_or((*pos, format!("input ends early: need {n} more bytes")))?;
            *pos += n;
            Ok(slice)
        };
        let count = take(&mut pos, 1)?[0] as usize;
        if count >= MAX_DEPTH {
            return Err((0, format!("{count} branches")));
        }
        let mut branches = Vec::with_capacity(count);
        for _ in 0..count {
            let at = pos;
            let map = u16::from_be_bytes(take(&mut pos, 2)?.try_into().unwrap_or([0; 2]));
            let children = take(&mut pos, 32 * map.count_ones() as usize)?;
            let record = [&[1u8][..], &map.to_be_bytes(), children].concat();
            match TrieNode::decode(&record) {
                Ok(TrieNode::Branch(c)) => branches.push(*c),
                Ok(_) | Err(_) => return Err((at, "not a trie branch".into())),
            }
        }
        let at = pos;
        let end = match take(&mut pos, 1)?[0] {
            0 => None,
            1 => {
                let leaf = take(&mut pos, 64)?;
                let (mut key, mut value) = ([0; 32], [0; 32]);
                key.copy_from_slice(&leaf[..32]);
                value.copy_from_slice(&leaf[32..]);
                Some(TrieNode::Leaf { key, value })
            }
            flag => return Err((at, format!("trie proof end flag {flag}"))),
        };
        Ok((TrieProof { branches, end }, pos))
    }
}
