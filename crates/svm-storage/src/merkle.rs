//! The global root: a Jellyfish Merkle tree (crate `jmt`, hashed with sha3-256) over account
//! and template records, one tree version per layer.
//!
//! Updating the root after a layer touches only the paths of the changed leaves:
//! O(changes x log(state size)) node reads and writes. Nodes are stored under
//! `N | version (u64 BE) | borsh(nibble path)` so the nodes of every layer after `L` form one
//! key range, which [`rewind`](crate::GlobalState::rewind) deletes.

use jmt::{
    JellyfishMerkleTree, KeyHash, OwnedValue, Version,
    proof::SparseMerkleProof,
    storage::{LeafNode, Node, NodeKey, TreeReader},
};
use sha3::Sha3_256;
use svm_kv::KVStore;
use svm_types::State;

use crate::{StorageError, keys};

/// The tree keys of records (svm-proof defines them, so proofs verify against this tree).
pub(crate) use svm_proof::{account_leaf, template_leaf};

/// The KV key of a tree node.
pub(crate) fn node_key(nk: &NodeKey) -> Result<Vec<u8>, StorageError> {
    let mut k = keys::node_version_prefix(nk.version());
    borsh::to_writer(&mut k, nk.nibble_path())
        .map_err(|e| StorageError::Corrupt(format!("cannot encode tree node key: {e}")))?;
    Ok(k)
}

/// Reads committed tree nodes from the KV store.
struct NodeReader<'a, K: ?Sized> {
    kv: &'a K,
}

impl<K: KVStore + ?Sized> TreeReader for NodeReader<'_, K> {
    fn get_node_option(&self, nk: &NodeKey) -> anyhow::Result<Option<Node>> {
        let key = node_key(nk)?;
        match self.kv.get(&key)? {
            Some(bytes) => Ok(Some(borsh::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(
        &self,
        _max_version: Version,
        _key: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        // Records live in the flat `A`/`T` keys, not in the tree; only tree updates (which read
        // nodes alone) go through this reader.
        anyhow::bail!("svm's tree reader serves nodes only")
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("svm's tree reader does not support restore")
    }
}

/// Serves committed nodes and, for the one key a proof is about, that key's value.
struct ProofReader<'a, K: ?Sized> {
    nodes: NodeReader<'a, K>,
    key: KeyHash,
    value: Option<OwnedValue>,
}

impl<K: KVStore + ?Sized> TreeReader for ProofReader<'_, K> {
    fn get_node_option(&self, nk: &NodeKey) -> anyhow::Result<Option<Node>> {
        self.nodes.get_node_option(nk)
    }

    fn get_value_option(
        &self,
        _max_version: Version,
        key: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        anyhow::ensure!(key == self.key, "a proof reads only its own key's value");
        Ok(self.value.clone())
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("svm's tree reader does not support restore")
    }
}

/// The Merkle path of `key` in tree version `version`, whose value there is `value` (read by
/// the caller from the records): a proof of inclusion, or of absence when `value` is `None`.
/// The proof is checked against the version's root before it is returned, so a damaged store
/// is an error here rather than a proof that fails at the client.
pub(crate) fn prove<K: KVStore + ?Sized>(
    kv: &K,
    version: Version,
    root: &State,
    key: KeyHash,
    value: Option<OwnedValue>,
) -> Result<SparseMerkleProof<Sha3_256>, StorageError> {
    let reader = ProofReader {
        nodes: NodeReader { kv },
        key,
        value: value.clone(),
    };
    let tree = JellyfishMerkleTree::<_, Sha3_256>::new(&reader);
    let (_, proof) = tree
        .get_with_proof(key, version)
        .map_err(|e| StorageError::Tree(format!("{e:#}")))?;
    proof
        .verify(jmt::RootHash(root.0), key, value.as_deref())
        .map_err(|e| StorageError::Corrupt(format!("a proof from the stored tree fails: {e:#}")))?;
    Ok(proof)
}

/// The result of one tree update: the new root, the nodes to write, and the KV keys of the
/// stored nodes it replaces (kept until pruning: older layers still need them).
pub(crate) struct TreeUpdate {
    pub root: State,
    pub nodes: Vec<(Vec<u8>, Vec<u8>)>,
    pub stale: Vec<Vec<u8>>,
}

/// Applies `changes` as tree version `version` (which must be the last version + 1, or 0 on an
/// empty store) and returns the new root and the nodes to write. Nothing is written.
pub(crate) fn update<K: KVStore + ?Sized>(
    kv: &K,
    version: Version,
    changes: Vec<(KeyHash, Option<OwnedValue>)>,
) -> Result<TreeUpdate, StorageError> {
    let reader = NodeReader { kv };
    let tree = JellyfishMerkleTree::<_, Sha3_256>::new(&reader);
    let inserts: Option<Vec<(KeyHash, OwnedValue)>> = changes
        .iter()
        .map(|(k, v)| v.clone().map(|v| (*k, v)))
        .collect();
    let result = match inserts {
        // The batch path builds each changed node once (sorted keys, one pass), instead of
        // re-hashing the path to the root for every key; it takes inserts only, and needs at
        // least one. Both paths give the same root (tested).
        Some(inserts) if !inserts.is_empty() => tree
            .batch_put_value_sets(vec![inserts], None, version)
            .map(|(roots, batch)| (roots.first().copied(), batch)),
        _ => tree
            .put_value_set(changes, version)
            .map(|(root, batch)| (Some(root), batch)),
    };
    let (root, batch) = result.map_err(|e| StorageError::Tree(format!("{e:#}")))?;
    let root = root.ok_or_else(|| StorageError::Tree("tree update returned no root".into()))?;
    let mut nodes = Vec::with_capacity(batch.node_batch.nodes().len());
    for (nk, node) in batch.node_batch.nodes() {
        let bytes = borsh::to_vec(node)
            .map_err(|e| StorageError::Tree(format!("cannot encode tree node: {e}")))?;
        nodes.push((node_key(nk)?, bytes));
    }
    let stale = batch
        .stale_node_index_batch
        .iter()
        .map(|s| node_key(&s.node_key))
        .collect::<Result<_, _>>()?;
    Ok(TreeUpdate {
        root: State(root.0),
        nodes,
        stale,
    })
}

/// The root of tree version `version`, if that version exists.
pub(crate) fn root_at<K: KVStore + ?Sized>(
    kv: &K,
    version: Version,
) -> Result<Option<State>, StorageError> {
    let reader = NodeReader { kv };
    let tree = JellyfishMerkleTree::<_, Sha3_256>::new(&reader);
    tree.get_root_hash_option(version)
        .map(|r| r.map(|r| State(r.0)))
        .map_err(|e| StorageError::Tree(format!("{e:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_kv::{MemoryStore, WriteBatch};
    use svm_types::{Address, TemplateAddr};

    fn apply(
        kv: &MemoryStore,
        version: Version,
        changes: Vec<(KeyHash, Option<OwnedValue>)>,
    ) -> State {
        let up = update(kv, version, changes).unwrap();
        let mut b = WriteBatch::new();
        for (k, v) in up.nodes {
            b.put(k, v);
        }
        kv.write(b).unwrap();
        up.root
    }

    #[test]
    fn batch_and_one_by_one_updates_give_the_same_roots() {
        let leaves: Vec<_> = (0u32..300)
            .map(|i| {
                (
                    account_leaf(
                        &Address::from_slice(&[&i.to_be_bytes()[..], &[0; 16]].concat()).unwrap(),
                    ),
                    i.to_be_bytes().to_vec(),
                )
            })
            .collect();
        let batch_kv = MemoryStore::new();
        let single_kv = MemoryStore::new();
        apply(&batch_kv, 0, vec![]);
        apply(&single_kv, 0, vec![]);
        // batch path (all inserts) on one store, one-key-at-a-time path (a delete of an absent
        // key forces it) on the other
        let absent = template_leaf(&TemplateAddr([9; 20]));
        for (version, chunk) in (1u64..).zip(leaves.chunks(100)) {
            let inserts: Vec<_> = chunk.iter().map(|(k, v)| (*k, Some(v.clone()))).collect();
            let mut with_delete = inserts.clone();
            with_delete.push((absent, None));
            assert_eq!(
                apply(&batch_kv, version, inserts),
                apply(&single_kv, version, with_delete)
            );
        }
        // an empty layer keeps the root
        let before = root_at(&batch_kv, 3).unwrap().unwrap();
        assert_eq!(apply(&batch_kv, 4, vec![]), before);
    }
}
