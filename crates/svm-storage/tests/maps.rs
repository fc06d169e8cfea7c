//! Maps (unbounded `bytes -> bytes` collections per account) against a `BTreeMap` model:
//! reads, range reads with resumption, rolled-back transactions and rewound layers agree with
//! the model; the same final content gives the same storage states and global root whatever
//! the order it came in, on every backend; storage proofs still verify next to maps.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use svm_kv::{KVStore, MemoryStore};
use svm_proof::{Proof, map_entry_key, map_id_key, trie_levels};
use svm_storage::{Account, GlobalState, StorageError, WorldState};
use svm_types::{Address, Layer, State};

type Model = BTreeMap<(Address, u32), BTreeMap<Vec<u8>, Vec<u8>>>;

#[derive(Debug, Clone)]
enum Op {
    /// account, map, key, value (`None`: remove)
    Set(u32, u32, Vec<u8>, Option<Vec<u8>>),
    /// end the transaction: keep it (`true`) or roll it back
    EndTx(bool),
    /// commit the layer
    Commit,
}

fn op() -> impl Strategy<Value = Op> {
    let key = prop::collection::vec(0u8..4, 0..4); // short keys: many collisions and prefixes
    let value = prop::option::weighted(0.8, prop::collection::vec(any::<u8>(), 0..6));
    prop_oneof![
        8 => (0u32..3, 0u32..3, key, value).prop_map(|(a, m, k, v)| Op::Set(a, m, k, v)),
        2 => any::<bool>().prop_map(Op::EndTx),
        1 => Just(Op::Commit),
    ]
}

fn set(
    model: &mut Model,
    a: Address,
    map: u32,
    key: &[u8],
    value: Option<&Vec<u8>>,
) -> Option<Vec<u8>> {
    let entries = model.entry((a, map)).or_default();
    let previous = match value {
        Some(v) => entries.insert(key.to_vec(), v.clone()),
        None => entries.remove(key),
    };
    if entries.is_empty() {
        model.remove(&(a, map));
    }
    previous
}

/// The levels a set of `key` in `map` walks by the spec: the key's among the map's other keys,
/// plus the map id's among the account's other non-empty maps.
fn reference_levels(model: &Model, a: Address, map: u32, key: &[u8]) -> u32 {
    let keys: Vec<_> = model
        .get(&(a, map))
        .map(|m| m.keys().map(|k| map_entry_key(k)).collect())
        .unwrap_or_default();
    let maps: Vec<_> = model
        .keys()
        .filter(|(owner, _)| *owner == a)
        .map(|(_, m)| map_id_key(*m))
        .collect();
    trie_levels(&map_entry_key(key), &keys) + trie_levels(&map_id_key(map), &maps)
}

/// Every map of the model (and an empty one) read back whole, in pages of `page` entries.
fn check<K: KVStore>(state: &mut GlobalState<K>, model: &Model) {
    for a in 0..3 {
        let a = addr(a);
        if state.account(&a).unwrap().is_none() {
            continue;
        }
        for map in 0..3 {
            let expected: Vec<(Vec<u8>, Vec<u8>)> = model
                .get(&(a, map))
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            for page in [1usize, 2, 100] {
                let mut got = Vec::new();
                let mut from = Vec::new();
                loop {
                    let chunk = state.map_range(&a, map, &from, page).unwrap().entries;
                    let Some((last, _)) = chunk.last() else { break };
                    from = [&last[..], &[0]].concat();
                    let n = chunk.len();
                    got.extend(chunk);
                    if n < page {
                        break;
                    }
                }
                assert_eq!(got, expected, "account {a}, map {map}, pages of {page}");
            }
            for (k, v) in &expected {
                assert_eq!(state.map_get(&a, map, k).unwrap().as_ref(), Some(v));
            }
            assert_eq!(state.map_get(&a, map, b"\xff\xff").unwrap(), None);
        }
    }
}

/// A fresh store holding `model`'s content, written in reverse order in one layer.
fn fresh(model: &Model, accounts: &[Address]) -> (GlobalState<MemoryStore>, State) {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    for a in accounts {
        state.set_account(a, &Account::default()).unwrap();
    }
    for ((a, map), entries) in model.iter().rev() {
        for (k, v) in entries.iter().rev() {
            state.map_set(a, *map, k, Some(v)).unwrap();
        }
    }
    state.commit_tx().unwrap();
    let (_, root) = state.commit().unwrap();
    (state, root)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn maps_agree_with_a_model_and_their_roots_ignore_history(ops in prop::collection::vec(op(), 1..60)) {
        let mut state = memory_state();
        let mut layer_model: Model = BTreeMap::new(); // the open layer's kept transactions
        let mut tx_model: Option<Model> = None;
        let accounts: Vec<Address> = (0..3).map(addr).collect();
        // layer 1: the accounts, no map yet
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        for a in &accounts {
            state.set_account(a, &Account::default()).unwrap();
        }
        state.commit_tx().unwrap();
        state.commit().unwrap();
        let mut layer = 2;
        state.open(Layer(layer)).unwrap();
        for op in ops {
            match op {
                Op::Set(a, map, key, value) => {
                    if tx_model.is_none() {
                        state.checkpoint().unwrap();
                        tx_model = Some(layer_model.clone());
                    }
                    let m = tx_model.as_mut().unwrap();
                    let levels = reference_levels(m, addr(a), map, &key);
                    let expected = set(m, addr(a), map, &key, value.as_ref());
                    let write = state.map_set(&addr(a), map, &key, value.as_deref()).unwrap();
                    prop_assert_eq!(write.previous, expected);
                    prop_assert_eq!(write.levels, levels, "the levels priced are the reference ones");
                }
                Op::EndTx(keep) => {
                    if let Some(m) = tx_model.take() {
                        if keep {
                            state.commit_tx().unwrap();
                            layer_model = m;
                        } else {
                            state.rollback().unwrap();
                        }
                    }
                }
                Op::Commit => {
                    if tx_model.take().is_some() {
                        state.rollback().unwrap();
                    }
                    state.commit().unwrap();
                    layer += 1;
                    state.open(Layer(layer)).unwrap();
                }
            }
            if tx_model.is_none() {
                state.checkpoint().unwrap();
                check(&mut state, &layer_model);
                state.rollback().unwrap();
            }
        }
        if tx_model.take().is_some() {
            state.rollback().unwrap();
        }
        state.commit().unwrap();
        let root = state.root();
        // the same content from scratch, in another order: the same storage states and root
        let (mut other, other_root) = fresh(&layer_model, &accounts);
        for a in &accounts {
            prop_assert_eq!(
                state.account(a).unwrap().unwrap().storage,
                other.account(a).unwrap().unwrap().storage
            );
        }
        prop_assert_eq!(root, other_root);
        // every key's proof, present or absent, verifies to the model against the root
        let last = state.last_layer();
        for a in &accounts {
            for map in 0..3u32 {
                let entries = layer_model.get(&(*a, map));
                let mut keys: Vec<Vec<u8>> = entries.map(|m| m.keys().cloned().collect()).unwrap_or_default();
                keys.extend([vec![9], vec![0, 0, 0, 0, 0]]);
                for key in keys {
                    let proof = state.prove_map_entry(a, map, &key, last).unwrap();
                    let bytes = Proof::MapEntry(Box::new(proof)).encode();
                    let Proof::MapEntry(proof) = Proof::decode(&bytes).unwrap() else { unreachable!() };
                    prop_assert_eq!(
                        proof.verify(&root, a, map, &key).unwrap(),
                        entries.and_then(|m| m.get(&key)).cloned()
                    );
                }
            }
        }
        // a rewind to the first layer restores its (empty) maps exactly
        let first = state.layer_root(Layer(1)).unwrap().unwrap();
        prop_assert_eq!(state.rewind(Layer(1)).unwrap(), first);
        state.open(Layer(2)).unwrap();
        state.checkpoint().unwrap();
        check(&mut state, &BTreeMap::new());
    }
}

#[test]
fn maps_need_an_account_and_a_transaction_to_change() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    assert!(matches!(
        state.map_set(&addr(1), 0, b"k", Some(b"v")),
        Err(StorageError::AccountNotFound(_))
    ));
    assert!(matches!(
        state.map_get(&addr(1), 0, b"k"),
        Err(StorageError::AccountNotFound(_))
    ));
    state.set_account(&addr(1), &Account::default()).unwrap();
    state.commit_tx().unwrap();
    assert!(matches!(
        state.map_set(&addr(1), 0, b"k", Some(b"v")),
        Err(StorageError::NoTransaction)
    ));
}

#[test]
fn an_emptied_map_leaves_the_storage_state_it_had_without_maps() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    state.set_account(&addr(1), &Account::default()).unwrap();
    state.write_raw(&addr(1), &layout(), 0, &[5; 10]).unwrap();
    state.commit_tx().unwrap();
    let plain = {
        state.checkpoint().unwrap();
        let s = state.account(&addr(1)).unwrap().unwrap().storage;
        state.rollback().unwrap();
        s
    };
    state.checkpoint().unwrap();
    state.map_set(&addr(1), 7, b"a", Some(b"1")).unwrap();
    state.commit_tx().unwrap();
    state.checkpoint().unwrap();
    let with_map = state.account(&addr(1)).unwrap().unwrap().storage;
    assert_ne!(with_map, plain);
    state.map_set(&addr(1), 7, b"a", None).unwrap();
    state.commit_tx().unwrap();
    state.checkpoint().unwrap();
    assert_eq!(state.account(&addr(1)).unwrap().unwrap().storage, plain);
    state.rollback().unwrap();
    // and storage proofs verify next to maps
    state.checkpoint().unwrap();
    state.map_set(&addr(1), 7, b"b", Some(b"2")).unwrap();
    state.commit_tx().unwrap();
    let (layer, root) = state.commit().unwrap();
    let proof = state.prove_storage(&addr(1), 0, 10, layer).unwrap();
    assert_eq!(
        proof.verify(&root, &addr(1), PAGE_SIZE, 0, 10).unwrap(),
        vec![5; 10]
    );
}

#[test]
fn map_proofs_with_any_byte_changed_or_another_claim_are_refused() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    state.set_account(&addr(1), &Account::default()).unwrap();
    state.write_raw(&addr(1), &layout(), 3, &[1, 2, 3]).unwrap();
    for i in 0..200u32 {
        state
            .map_set(&addr(1), i % 2, &i.to_be_bytes(), Some(&[i as u8; 5]))
            .unwrap();
    }
    state.commit_tx().unwrap();
    let (layer, root) = state.commit().unwrap();
    let a = addr(1);
    let key = 77u32.to_be_bytes();
    for (map, present) in [(1, true), (0, false), (5, false)] {
        let proof = state.prove_map_entry(&a, map, &key, layer).unwrap();
        let value = proof.verify(&root, &a, map, &key).unwrap();
        assert_eq!(value.is_some(), present, "map {map}");
        let bytes = Proof::MapEntry(Box::new(proof.clone())).encode();
        for i in 0..bytes.len() {
            let mut tampered = bytes.clone();
            tampered[i] ^= 0x01;
            let refused = match Proof::decode(&tampered) {
                Ok(Proof::MapEntry(p)) => p.verify(&root, &a, map, &key).is_err(),
                _ => true,
            };
            assert!(
                refused,
                "map {map}: byte {i} of {} changed still verifies",
                bytes.len()
            );
        }
        assert!(
            proof.verify(&State([3; 32]), &a, map, &key).is_err(),
            "another root"
        );
        assert!(
            proof.verify(&root, &a, map, &78u32.to_be_bytes()).is_err(),
            "another key"
        );
        assert!(
            proof.verify(&root, &a, map + 1, &key).is_err(),
            "another map"
        );
        assert!(
            proof.verify(&root, &addr(2), map, &key).is_err(),
            "another account"
        );
    }
}

/// The same maps on RocksDB give the same root.
#[cfg(feature = "rocksdb")]
#[test]
fn maps_give_the_same_root_on_rocksdb() {
    let dir = tempfile::tempdir().unwrap();
    let mut rocks =
        GlobalState::new(svm_kv::RocksStore::open(dir.path()).unwrap(), config()).unwrap();
    let mut memory = memory_state();
    for state in [&mut rocks as &mut dyn WorldState, &mut memory] {
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        for i in 0..20u32 {
            state.set_account(&addr(i % 3), &Account::default()).ok();
        }
        for i in 0..300u32 {
            let a = addr(i % 3);
            state
                .map_set(&a, i % 4, &i.to_be_bytes(), Some(&[i as u8; 3]))
                .unwrap();
            if i % 7 == 0 {
                state
                    .map_set(&a, i % 4, &(i / 2).to_be_bytes(), None)
                    .unwrap();
            }
        }
        state.commit_tx().unwrap();
        state.commit().unwrap();
    }
    assert_eq!(rocks.root(), memory.root());
    rocks.open(Layer(2)).unwrap();
    memory.open(Layer(2)).unwrap();
    for i in 0..3 {
        for map in 0..4 {
            assert_eq!(
                rocks.map_range(&addr(i), map, b"", 1000).unwrap(),
                memory.map_range(&addr(i), map, b"", 1000).unwrap()
            );
        }
    }
}

/// The test kit's `MockState` reads maps back as `GlobalState` does.
#[cfg(feature = "testing")]
#[test]
fn the_mock_state_agrees_on_maps() {
    let mut mock = svm_storage::testing::MockState::new(PAGE_SIZE);
    let mut real = memory_state();
    for state in [&mut mock as &mut dyn WorldState, &mut real] {
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        state.set_account(&addr(1), &Account::default()).unwrap();
        for i in 0..50u8 {
            state
                .map_set(&addr(1), u32::from(i % 3), &[i, i], Some(&[i]))
                .unwrap();
            if i % 4 == 0 {
                assert!(
                    state
                        .map_set(&addr(1), u32::from(i % 3), &[i, i], None)
                        .unwrap()
                        .previous
                        .is_some()
                );
            }
        }
        state.commit_tx().unwrap();
        state.commit().unwrap();
    }
    for map in 0..4 {
        for from in [&[][..], &[7][..], &[7, 7, 0][..]] {
            assert_eq!(
                mock.map_range(&addr(1), map, from, 5).unwrap(),
                real.map_range(&addr(1), map, from, 5).unwrap()
            );
        }
        assert_eq!(
            mock.map_get(&addr(1), map, &[9, 9]).unwrap(),
            real.map_get(&addr(1), map, &[9, 9]).unwrap()
        );
    }
    assert!(mock.account(&addr(1)).unwrap().unwrap().storage != State::zero());
}

#[cfg(feature = "testing")]
#[derive(Debug, Clone)]
enum Step {
    Op(Op),
    /// account, map, from, limit: a walk, in the running transaction
    Scan(u32, u32, Vec<u8>, usize),
}

#[cfg(feature = "testing")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The work a map change or walk reports is part of its price, so it is consensus: the
    /// test kit's `MockState` (plain ordered maps, the levels computed from the keys alone)
    /// and `GlobalState` (the trie walked) report the same levels, the same removed keys
    /// stepped over, and the same entries, through transactions kept, rolled back and
    /// layers committed.
    #[test]
    fn the_mock_state_and_the_store_report_the_same_work(
        steps in prop::collection::vec(prop_oneof![
            4 => op().prop_map(Step::Op),
            2 => (0u32..2, 0u32..2, prop::collection::vec(0u8..4, 0..3), 0usize..4)
                .prop_map(|(a, m, f, l)| Step::Scan(a, m, f, l)),
        ], 1..80)
    ) {
        let mut mock = svm_storage::testing::MockState::new(PAGE_SIZE);
        let mut real = memory_state();
        let mut layer = 2;
        for state in [&mut mock as &mut dyn WorldState, &mut real] {
            state.open(Layer(1)).unwrap();
            state.checkpoint().unwrap();
            for a in 0..3 {
                state.set_account(&addr(a), &Account::default()).unwrap();
            }
            state.commit_tx().unwrap();
            state.commit().unwrap();
            state.open(Layer(2)).unwrap();
        }
        for step in steps {
            let both = [&mut mock as &mut dyn WorldState, &mut real];
            match step {
                Step::Op(Op::Set(a, map, key, value)) => {
                    let [m, r] = both.map(|state| {
                        if !state.in_transaction() {
                            state.checkpoint().unwrap();
                        }
                        state.map_set(&addr(a), map, &key, value.as_deref()).unwrap()
                    });
                    prop_assert_eq!(m, r);
                }
                Step::Op(Op::EndTx(keep)) => {
                    for state in both {
                        if state.in_transaction() {
                            if keep { state.commit_tx().unwrap() } else { state.rollback().unwrap() }
                        }
                    }
                }
                Step::Op(Op::Commit) => {
                    layer += 1;
                    for state in both {
                        if state.in_transaction() {
                            state.commit_tx().unwrap();
                        }
                        state.commit().unwrap();
                        state.open(Layer(layer)).unwrap();
                    }
                }
                Step::Scan(a, map, from, limit) => {
                    let [m, r] = both.map(|state| state.map_range(&addr(a), map, &from, limit).unwrap());
                    prop_assert_eq!(m, r);
                }
            }
        }
    }
}

/// A walk pays a step for each key removed in the open layer that it passes: the store still
/// holds them until the layer commits. After the commit they are gone, and so is the step.
#[test]
fn a_walk_counts_the_removed_keys_it_steps_over() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    state.set_account(&addr(1), &Account::default()).unwrap();
    for i in 0..10u8 {
        state.map_set(&addr(1), 7, &[i], Some(&[i])).unwrap();
    }
    state.commit_tx().unwrap();
    state.commit().unwrap();
    state.open(Layer(2)).unwrap();
    state.checkpoint().unwrap();
    for i in 0..6u8 {
        state.map_set(&addr(1), 7, &[i], None).unwrap();
    }
    // a key inserted and removed within the layer is stepped over too; a removed key set
    // again is an entry
    state.map_set(&addr(1), 7, &[3, 1], Some(b"x")).unwrap();
    state.map_set(&addr(1), 7, &[3, 1], None).unwrap();
    state.map_set(&addr(1), 7, &[5], Some(b"back")).unwrap();
    let scan = state.map_range(&addr(1), 7, &[], 1).unwrap();
    assert_eq!(scan.entries, vec![(vec![5], b"back".to_vec())]);
    assert_eq!(scan.removed, 6, "keys 0-4 and [3, 1]");
    assert_eq!(
        scan.removed_bytes, 10,
        "keys 0-4 and their values, 1 byte each"
    );
    let scan = state.map_range(&addr(1), 7, &[4], 100).unwrap();
    assert_eq!(scan.entries.len(), 5);
    assert_eq!(scan.removed, 1, "key 4");
    assert_eq!(state.map_range(&addr(1), 7, &[], 0).unwrap().removed, 0);
    state.commit_tx().unwrap();
    state.commit().unwrap();
    state.open(Layer(3)).unwrap();
    let scan = state.map_range(&addr(1), 7, &[], 1).unwrap();
    assert_eq!((scan.entries.len(), scan.removed), (1, 0));
    // keys and values past the limits are refused, as the contract's fault
    state.checkpoint().unwrap();
    let long = vec![0u8; svm_storage::MAX_MAP_KEY_LEN as usize + 1];
    let e = state.map_set(&addr(1), 7, &long, Some(b"v")).unwrap_err();
    assert!(!e.is_node_fault(), "{e}");
    let big = vec![0u8; svm_storage::MAX_MAP_VALUE_LEN as usize + 1];
    let e = state.map_set(&addr(1), 7, b"k", Some(&big)).unwrap_err();
    assert!(e.to_string().contains("value of 65537 bytes"), "{e}");
}
