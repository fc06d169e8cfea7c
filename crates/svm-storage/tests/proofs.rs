//! Proofs for light clients (`GlobalState::prove_account`/`prove_storage`, verified by
//! svm-proof): every proof verifies against its layer's root and tells exactly what the state
//! held then, absence included; a proof with any byte changed, against another root or for
//! another key is refused; proofs are the same bytes on every backend.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use svm_kv::{KVStore, MemoryStore};
use svm_proof::{Proof, ProofError};
use svm_storage::{Account, FixedLayout, GlobalState, StorageError, WorldState};
use svm_types::{Address, Amount, Layer, Nonce, State};

/// 4 KiB of storage per account: 64 pages of 64 bytes, a page tree of depth 3.
const STORAGE: u32 = 4096;

fn big_layout() -> FixedLayout {
    FixedLayout::new(&[STORAGE]).unwrap()
}

/// One step of a layer: an account's balance set, or bytes written at an offset.
#[derive(Debug, Clone)]
enum Op {
    Balance(u32, u64),
    Write(u32, u32, Vec<u8>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u32..6, any::<u64>()).prop_map(|(a, b)| Op::Balance(a, b)),
        (
            0u32..6,
            0u32..STORAGE - 200,
            prop::collection::vec(any::<u8>(), 1..200)
        )
            .prop_map(|(a, o, d)| Op::Write(a, o, d)),
        // zeros: pages that go back to empty
        (0u32..6, 0u32..STORAGE - 130).prop_map(|(a, o)| Op::Write(a, o, vec![0; 130])),
    ]
}

/// What a layer left: every account's record and storage.
type Snapshot = BTreeMap<Address, (Account, Vec<u8>)>;

/// Applies `layers` of ops, one committed layer each; returns the state and, per layer, its
/// root and what it held.
fn build<K: KVStore>(kv: K, layers: &[Vec<Op>]) -> (GlobalState<K>, Vec<(Layer, State, Snapshot)>) {
    let mut state = GlobalState::new(kv, config()).unwrap();
    let layout = big_layout();
    let mut model: Snapshot = BTreeMap::new();
    let mut history = Vec::new();
    for (n, ops) in (1u64..).zip(layers) {
        state.open(Layer(n)).unwrap();
        state.checkpoint().unwrap();
        for op in ops {
            let a = match op {
                Op::Balance(a, _) | Op::Write(a, _, _) => addr(*a),
            };
            if state.account(&a).unwrap().is_none() {
                state.set_account(&a, &Account::default()).unwrap();
                model.insert(a, (Account::default(), vec![0; STORAGE as usize]));
            }
            match op {
                Op::Balance(_, b) => {
                    let mut acc = state.account(&a).unwrap().unwrap();
                    acc.balance = Amount(*b);
                    acc.nonce = Nonce(acc.nonce.0 + 1);
                    state.set_account(&a, &acc).unwrap();
                }
                Op::Write(_, offset, data) => {
                    state.write_raw(&a, &layout, *offset, data).unwrap();
                    let bytes = &mut model.get_mut(&a).unwrap().1;
                    bytes[*offset as usize..*offset as usize + data.len()].copy_from_slice(data);
                }
            }
        }
        state.commit_tx().unwrap();
        let (layer, root) = state.commit().unwrap();
        for (a, (acc, _)) in model.iter_mut() {
            *acc = state.account(a).unwrap().unwrap();
        }
        history.push((layer, root, model.clone()));
    }
    (state, history)
}

fn ranges() -> Vec<(u32, u32)> {
    // within a page, across one and several page boundaries, the first and last bytes
    vec![
        (0, 1),
        (3, 20),
        (60, 10),
        (100, 300),
        (0, STORAGE),
        (STORAGE - 1, 1),
        (1000, 64),
    ]
}

fn check_every_proof<K: KVStore>(state: &GlobalState<K>, history: &[(Layer, State, Snapshot)]) {
    for (layer, root, snapshot) in history {
        for i in 0..7 {
            let a = addr(i);
            let proof = state.prove_account(&a, *layer).unwrap();
            let proven = proof.verify(root, &a).unwrap();
            assert_eq!(
                proven.as_ref(),
                snapshot.get(&a).map(|(acc, _)| acc),
                "layer {layer}, account {i}"
            );
            let Some((_, bytes)) = snapshot.get(&a) else {
                assert!(matches!(
                    state.prove_storage(&a, 0, 8, *layer),
                    Err(StorageError::AccountNotFound(_))
                ));
                continue;
            };
            for (offset, len) in ranges() {
                let proof = state.prove_storage(&a, offset, len, *layer).unwrap();
                // through the wire form, as a client receives it
                let Proof::Storage(proof) = Proof::decode(&Proof::Storage(proof).encode()).unwrap()
                else {
                    panic!("a storage proof decodes as one");
                };
                let value = proof.verify(root, &a, PAGE_SIZE, offset, len).unwrap();
                assert_eq!(
                    value,
                    bytes[offset as usize..(offset + len) as usize],
                    "layer {layer}, account {i}, {len} bytes at {offset}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random layers of balance changes and storage writes: at every layer, every account's
    /// proof gives what the state held then (absent accounts included) and every storage
    /// range's proof gives its bytes then.
    #[test]
    fn every_proof_verifies_and_tells_what_the_layer_held(
        layers in prop::collection::vec(prop::collection::vec(op(), 1..8), 1..5)
    ) {
        let (state, history) = build(MemoryStore::new(), &layers);
        check_every_proof(&state, &history);
    }
}

/// A state with a few accounts over three layers, and one of its storage proofs.
fn sample() -> (GlobalState<MemoryStore>, Vec<(Layer, State, Snapshot)>) {
    let layers = vec![
        vec![
            Op::Balance(0, 10),
            Op::Write(1, 50, vec![7; 100]),
            Op::Balance(2, 3),
        ],
        vec![Op::Write(0, 4000, vec![9; 90]), Op::Balance(1, 99)],
        vec![Op::Write(1, 60, vec![0; 80]), Op::Balance(3, 5)],
    ];
    build(MemoryStore::new(), &layers)
}

#[test]
fn any_changed_byte_another_root_or_another_claim_is_refused() {
    let (state, history) = sample();
    let (layer, root, _) = &history[2];
    let (_, older_root, _) = &history[0];
    let a = addr(1);
    let account = Proof::Account(state.prove_account(&a, *layer).unwrap());
    let absent = Proof::Account(state.prove_account(&addr(5), *layer).unwrap());
    let storage = Proof::Storage(state.prove_storage(&a, 40, 100, *layer).unwrap());
    let verify = |proof: &Proof, root: &State| -> Result<(), ProofError> {
        match proof {
            Proof::Account(p) if p.address == addr(5) => p.verify(root, &addr(5)).map(drop),
            Proof::Account(p) => p.verify(root, &a).map(drop),
            Proof::Storage(p) => p.verify(root, &a, PAGE_SIZE, 40, 100).map(drop),
            Proof::MapEntry(p) => p.verify(root, &a, 0, b"").map(drop),
            Proof::Event(p) => p.verify(root, p.layer, p.seq).map(drop),
        }
    };
    for proof in [&account, &absent, &storage] {
        verify(proof, root).unwrap();
        let bytes = proof.encode();
        for i in 0..bytes.len() {
            for bit in [0x01, 0x80] {
                let mut tampered = bytes.clone();
                tampered[i] ^= bit;
                let refused = Proof::decode(&tampered).map_or(true, |p| verify(&p, root).is_err());
                assert!(
                    refused,
                    "byte {i} of {} changed (^{bit:#x}) still verifies",
                    bytes.len()
                );
            }
        }
        assert!(verify(proof, older_root).is_err(), "another layer's root");
        assert!(verify(proof, &State([0x5a; 32])).is_err(), "a made-up root");
    }
    // another claim: account, range, page size
    let Proof::Storage(p) = &storage else {
        unreachable!()
    };
    assert!(matches!(
        p.verify(root, &addr(0), PAGE_SIZE, 40, 100),
        Err(ProofError::WrongAccount { .. })
    ));
    assert!(matches!(
        p.verify(root, &a, PAGE_SIZE, 41, 100),
        Err(ProofError::WrongRange { .. })
    ));
    assert!(matches!(
        p.verify(root, &a, PAGE_SIZE, 40, 99),
        Err(ProofError::WrongRange { .. })
    ));
    assert!(matches!(
        p.verify(root, &a, 4096, 40, 100),
        Err(ProofError::WrongPageSize { .. })
    ));
    let Proof::Account(p) = &account else {
        unreachable!()
    };
    assert!(matches!(
        p.verify(root, &addr(0)),
        Err(ProofError::WrongAccount { .. })
    ));
    // an inclusion proof is no proof of absence, and the other way round
    let Proof::Account(p5) = &absent else {
        unreachable!()
    };
    let mut forged = p5.clone();
    forged.record = Some(Account::default().encode());
    assert!(forged.verify(root, &addr(5)).is_err());
    let mut forged = p.clone();
    forged.record = None;
    assert!(forged.verify(root, &a).is_err());
}

#[test]
fn proofs_need_a_committed_layer_on_record() {
    let (mut state, history) = sample();
    assert!(matches!(
        state.prove_account(&addr(0), Layer(4)),
        Err(StorageError::NoSuchLayer {
            requested: Layer(4),
            last: Layer(3)
        })
    ));
    assert!(matches!(
        state.prove_storage(&addr(1), STORAGE * 4096, 1, Layer(3)),
        Err(StorageError::OutOfRange { .. })
    ));
    assert!(
        state.prove_storage(&addr(1), 0, 0, Layer(3)).is_err(),
        "an empty range"
    );
    // the genesis has every account absent
    let genesis = state.layer_root(Layer(0)).unwrap().unwrap();
    assert_eq!(
        state
            .prove_account(&addr(0), Layer(0))
            .unwrap()
            .verify(&genesis, &addr(0))
            .unwrap(),
        None
    );
    // after a rewind, the dropped layers have no proofs, and the kept ones still do
    state.rewind(Layer(1)).unwrap();
    assert!(matches!(
        state.prove_account(&addr(0), Layer(2)),
        Err(StorageError::NoSuchLayer { .. })
    ));
    check_every_proof(&state, &history[..1]);
}

#[test]
fn malformed_proof_bytes_are_errors_that_name_the_byte() {
    let (state, _) = sample();
    let bytes = Proof::Storage(state.prove_storage(&addr(1), 0, 100, Layer(3)).unwrap()).encode();
    for n in 0..bytes.len() {
        assert!(
            matches!(
                Proof::decode(&bytes[..n]),
                Err(ProofError::Malformed { .. })
            ),
            "prefix of {n} bytes"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        Proof::decode(&longer).unwrap_err().to_string(),
        format!("malformed proof at byte {}: 1 trailing bytes", bytes.len())
    );
    assert!(
        Proof::decode(&[1, 1])
            .unwrap_err()
            .to_string()
            .contains("unsupported proof version 1")
    );
}

/// The same layers on RocksDB give byte-identical proofs.
#[cfg(feature = "rocksdb")]
#[test]
fn proofs_are_the_same_bytes_on_rocksdb() {
    let layers = vec![
        vec![Op::Balance(0, 10), Op::Write(1, 50, vec![7; 100])],
        vec![
            Op::Write(0, 4000, vec![9; 90]),
            Op::Balance(1, 99),
            Op::Write(1, 60, vec![0; 80]),
        ],
    ];
    let dir = tempfile::tempdir().unwrap();
    let (rocks, history) = build(svm_kv::RocksStore::open(dir.path()).unwrap(), &layers);
    let (memory, _) = build(MemoryStore::new(), &layers);
    for (layer, _, _) in &history {
        for i in 0..3 {
            assert_eq!(
                Proof::Account(rocks.prove_account(&addr(i), *layer).unwrap()).encode(),
                Proof::Account(memory.prove_account(&addr(i), *layer).unwrap()).encode()
            );
        }
        assert_eq!(
            Proof::Storage(rocks.prove_storage(&addr(1), 0, 300, *layer).unwrap()).encode(),
            Proof::Storage(memory.prove_storage(&addr(1), 0, 300, *layer).unwrap()).encode()
        );
    }
    check_every_proof(&rocks, &history);
}
