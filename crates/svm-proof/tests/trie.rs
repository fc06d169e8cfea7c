//! The collection trie against a model: any sequence of inserts and removals gives the root of
//! building the same final entries from scratch in any order, leaves the unique shape (no
//! stray node), and every key's proof verifies (present or absent); a changed proof does not.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sha3::{Digest, Sha3_256};
use svm_proof::{
    EMPTY, MemoryTrie, TrieNode, trie_insert, trie_levels, trie_prove, trie_remove, trie_root,
};

fn h(x: u16) -> [u8; 32] {
    Sha3_256::digest(x.to_be_bytes()).into()
}

/// A trie built from `entries` inserted in the given order.
fn build(entries: impl IntoIterator<Item = ([u8; 32], [u8; 32])>) -> MemoryTrie {
    let mut t = MemoryTrie::default();
    for (k, v) in entries {
        trie_insert(&mut t, k, v).unwrap();
    }
    t
}

/// Every node is where the shape rules put it: branches hold 2+ keys below them (or a single
/// branch), leaves are alone at the shortest unshared prefix, and stored hashes agree.
fn check_shape(t: &MemoryTrie) {
    for (path, node) in &t.0 {
        if let TrieNode::Branch(children) = node {
            let mut n = 0;
            for (j, c) in children.iter().enumerate() {
                let child = t.0.get(&[&path[..], &[j as u8]].concat());
                assert_eq!(*c == EMPTY, child.is_none(), "slot {j} of {path:?}");
                if let Some(child) = child {
                    assert_eq!(child.hash(), *c, "hash in slot {j} of {path:?}");
                    n += 1;
                }
            }
            let only_leaf = n == 1
                && matches!(
                    t.0.get(
                        &[
                            &path[..],
                            &[children.iter().position(|c| *c != EMPTY).unwrap() as u8]
                        ]
                        .concat()
                    ),
                    Some(TrieNode::Leaf { .. })
                );
            assert!(n >= 1 && !only_leaf, "branch at {path:?} with {n} children");
        }
        if !path.is_empty() {
            assert!(
                matches!(t.0.get(&path[..path.len() - 1]), Some(TrieNode::Branch(_))),
                "orphan at {path:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_history_gives_the_root_and_shape_of_its_final_entries(
        ops in prop::collection::vec((0u16..300, prop::option::of(any::<u16>())), 1..200),
        seed in any::<u64>(),
    ) {
        let mut t = MemoryTrie::default();
        let mut model: BTreeMap<[u8; 32], [u8; 32]> = BTreeMap::new();
        for (k, v) in &ops {
            match v {
                // the levels a change reports are the reference ones, from the keys alone
                Some(v) => {
                    let levels = trie_insert(&mut t, h(*k), h(*v)).unwrap();
                    prop_assert_eq!(levels, trie_levels(&h(*k), model.keys()));
                    model.insert(h(*k), h(*v));
                }
                None => {
                    let (was, levels) = trie_remove(&mut t, h(*k)).unwrap();
                    prop_assert_eq!(levels, trie_levels(&h(*k), model.keys()));
                    prop_assert_eq!(was, model.remove(&h(*k)).is_some());
                }
            }
        }
        check_shape(&t);
        // the same entries inserted in another order: the same nodes, so the same root
        let mut shuffled: Vec<_> = model.iter().map(|(k, v)| (*k, *v)).collect();
        let n = shuffled.len().max(1);
        shuffled.rotate_left((seed as usize) % n);
        if seed % 2 == 0 { shuffled.reverse(); }
        let fresh = build(shuffled);
        prop_assert_eq!(&fresh, &t);
        let root = trie_root(&mut t).unwrap();
        prop_assert_eq!(root == EMPTY, model.is_empty());
        // proofs: every key asked, present or not
        for k in 0u16..300 {
            let proof = trie_prove(&mut t, &h(k)).unwrap();
            prop_assert_eq!(proof.verify(&root, &h(k)).unwrap(), model.get(&h(k)).copied());
        }
    }
}

#[test]
fn changed_proofs_other_keys_and_other_roots_are_refused() {
    let mut t = build((0..50u16).map(|i| (h(i), h(i + 1000))));
    let root = trie_root(&mut t).unwrap();
    let proof = trie_prove(&mut t, &h(7)).unwrap();
    assert_eq!(proof.verify(&root, &h(7)).unwrap(), Some(h(1007)));
    assert!(proof.verify(&[1; 32], &h(7)).is_err(), "another root");
    // another key on the same path would need the same nibbles: h(8)'s differ
    assert!(proof.verify(&root, &h(8)).is_err() || proof.verify(&root, &h(8)).unwrap().is_none());
    // a changed sibling or value
    let mut bad = proof.clone();
    let slot = bad.branches[0].iter().position(|c| *c != EMPTY).unwrap();
    bad.branches[0][slot][0] ^= 1;
    assert!(bad.verify(&root, &h(7)).is_err());
    let mut bad = proof.clone();
    if let Some(TrieNode::Leaf { value, .. }) = &mut bad.end {
        value[0] ^= 1;
    }
    assert!(bad.verify(&root, &h(7)).is_err());
    // absence: a proof for a missing key verifies as none and cannot be turned into presence
    let absent = trie_prove(&mut t, &h(5000)).unwrap();
    assert_eq!(absent.verify(&root, &h(5000)).unwrap(), None);
    let mut forged = absent.clone();
    forged.end = Some(TrieNode::Leaf {
        key: h(5000),
        value: h(1),
    });
    assert!(forged.verify(&root, &h(5000)).is_err());
}

#[test]
fn records_round_trip() {
    let leaf = TrieNode::Leaf {
        key: h(1),
        value: h(2),
    };
    assert_eq!(TrieNode::decode(&leaf.record()).unwrap(), leaf);
    let mut c = [EMPTY; 16];
    c[3] = h(3);
    c[9] = h(4);
    let branch = TrieNode::Branch(Box::new(c));
    assert_eq!(TrieNode::decode(&branch.record()).unwrap(), branch);
    for bad in [&[][..], &[2][..], &[1, 0, 0][..], &[0; 10][..]] {
        assert!(TrieNode::decode(bad).is_err());
    }
}
