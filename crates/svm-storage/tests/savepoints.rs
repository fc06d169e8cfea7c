//! Savepoints (what a nested contract call runs in): a transaction with nested savepoints, some
//! rolled back and some kept, ends exactly as the same transaction with the rolled-back
//! blocks removed and the kept ones inlined: same reads after it, same root. On
//! `GlobalState` (memory and every persistent backend) and on the `MockState` model.

mod common;

use common::*;
use proptest::prelude::*;
use svm_kv::MemoryStore;
use svm_storage::{Account, GlobalState, StorageError, WorldState, testing::MockState};
use svm_types::{Amount, Layer};

#[derive(Debug, Clone)]
enum Change {
    Spawn(u8),
    Credit(u8, u32),
    Debit(u8, u32),
    WriteVar(u8, u8, u8),
    WriteRaw(u8, u8, Vec<u8>),
    MapSet(u8, u8, Option<u8>),
}

#[derive(Debug, Clone)]
enum Item {
    Change(Change),
    /// A savepoint around `items`, released (`keep`) or rolled back.
    Nested {
        items: Vec<Item>,
        keep: bool,
    },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0u8..6).prop_map(Change::Spawn),
        (0u8..6, any::<u32>()).prop_map(|(a, v)| Change::Credit(a, v)),
        (0u8..6, 0u32..1000).prop_map(|(a, v)| Change::Debit(a, v)),
        (0u8..6, 0u8..5, any::<u8>()).prop_map(|(a, v, s)| Change::WriteVar(a, v, s)),
        (
            0u8..6,
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..12)
        )
            .prop_map(|(a, o, d)| Change::WriteRaw(a, o, d)),
        (0u8..6, 0u8..4, prop::option::of(any::<u8>()))
            .prop_map(|(a, k, v)| Change::MapSet(a, k, v)),
    ]
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    let leaf = change().prop_map(Item::Change);
    let item = leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            3 => change().prop_map(Item::Change),
            1 => (prop::collection::vec(inner, 0..6), prop::bool::weighted(0.5))
                .prop_map(|(items, keep)| Item::Nested { items, keep }),
        ]
    });
    prop::collection::vec(item, 0..12)
}

/// The items with every rolled-back block removed and every kept one inlined.
fn flatten(items: &[Item], out: &mut Vec<Change>) {
    for item in items {
        match item {
            Item::Change(c) => out.push(c.clone()),
            Item::Nested { items, keep: true } => flatten(items, out),
            Item::Nested { keep: false, .. } => {}
        }
    }
}

fn apply<S: WorldState>(state: &mut S, c: &Change) -> Result<(), StorageError> {
    let l = layout();
    let a = |i: &u8| addr(u32::from(*i));
    match c {
        Change::Spawn(i) => state.set_account(
            &a(i),
            &Account {
                template: Some(template_addr()),
                ..Account::default()
            },
        ),
        Change::Credit(i, v) => state.increase_balance(&a(i), Amount(u64::from(*v))),
        Change::Debit(i, v) => state.decrease_balance(&a(i), Amount(u64::from(*v))),
        Change::WriteVar(i, v, seed) => {
            let var = u32::from(*v);
            let len = l.var(var).map(|s| s.len).unwrap_or(3);
            state.write_var(&a(i), &l, var, &value(u64::from(*seed), 0, var, len))
        }
        Change::WriteRaw(i, o, d) => state.write_raw(&a(i), &l, u32::from(*o), d),
        Change::MapSet(i, k, v) => state
            .map_set(&a(i), 1, &[*k], v.map(|v| vec![v; 3]).as_deref())
            .map(|_| ()),
    }
}

/// Applies the items (each change's error, a contract's fault, is ignored as a runtime
/// would: the change did not happen).
fn run_items<S: WorldState>(state: &mut S, items: &[Item]) {
    for item in items {
        match item {
            Item::Change(c) => {
                let _ = apply(state, c);
            }
            Item::Nested { items, keep } => {
                state.savepoint().unwrap();
                run_items(state, items);
                if *keep {
                    state.release_savepoint().unwrap();
                } else {
                    state.rollback_savepoint().unwrap();
                }
            }
        }
    }
}

/// Everything observable of the six accounts, then the root after committing the layer.
fn observe<S: WorldState>(state: &mut S) -> Vec<String> {
    let l = layout();
    let mut seen = Vec::new();
    state.checkpoint().unwrap();
    for i in 0..6 {
        let a = addr(i);
        seen.push(format!("{:?}", state.account(&a).unwrap()));
        for var in 0..5 {
            seen.push(format!("{:?}", state.read_var(&a, &l, var).ok()));
        }
        seen.push(format!("{:?}", state.read_raw(&a, &l, 0, 300).ok()));
        seen.push(format!("{:?}", state.map_range(&a, 1, &[], 10).ok()));
    }
    state.rollback().unwrap();
    seen.push(format!("{}", state.commit().unwrap().1));
    seen
}

fn both_ways<S: WorldState>(fresh: impl Fn() -> S, items: &[Item]) -> (Vec<String>, Vec<String>) {
    let mut flat = Vec::new();
    flatten(items, &mut flat);
    let mut nested = fresh();
    let mut inlined = fresh();
    for (state, items) in [
        (&mut nested, items.to_vec()),
        (
            &mut inlined,
            flat.into_iter().map(Item::Change).collect::<Vec<_>>(),
        ),
    ] {
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        // every account exists with coins, so most changes apply
        for i in 0..6 {
            state.increase_balance(&addr(i), Amount(500)).unwrap();
        }
        run_items(state, &items);
        state.commit_tx().unwrap();
    }
    (observe(&mut nested), observe(&mut inlined))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_rolled_back_savepoint_is_as_if_it_never_ran(items in items()) {
        let (nested, inlined) =
            both_ways(|| GlobalState::new(MemoryStore::new(), config()).unwrap(), &items);
        prop_assert_eq!(nested, inlined, "GlobalState");
        let (nested, inlined) = both_ways(|| MockState::new(config().page_size), &items);
        prop_assert_eq!(nested, inlined, "MockState");
    }
}

#[test]
fn every_backend_agrees_with_savepoints() {
    // one fixed, deep sequence on each persistent backend gives memory's observations
    let mut items = vec![Item::Change(Change::Spawn(1))];
    for depth in 0..8u8 {
        items = vec![
            Item::Change(Change::WriteVar(1, depth % 5, depth)),
            Item::Change(Change::MapSet(1, depth % 4, Some(depth))),
            Item::Nested {
                items,
                keep: depth % 3 != 0,
            },
            Item::Change(Change::Debit(2, 7)),
        ];
    }
    let reference = both_ways(
        || GlobalState::new(MemoryStore::new(), config()).unwrap(),
        &items,
    );
    assert_eq!(reference.0, reference.1);
    for backend in persistent_backends() {
        let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
        let next = std::cell::Cell::new(0);
        let got = both_ways(
            || {
                let i = next.replace(next.get() + 1);
                GlobalState::new(open_backend(backend, dirs[i].path()), config()).unwrap()
            },
            &items,
        );
        assert_eq!(got, reference, "{backend}");
    }
}

#[test]
fn savepoints_need_a_transaction_and_balance() {
    let mut state = memory_state();
    assert!(matches!(
        state.savepoint(),
        Err(StorageError::NoTransaction)
    ));
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    assert!(matches!(
        state.rollback_savepoint(),
        Err(StorageError::NoSavepoint)
    ));
    assert!(matches!(
        state.release_savepoint(),
        Err(StorageError::NoSavepoint)
    ));
    // committing the transaction keeps what open savepoints hold
    state.savepoint().unwrap();
    state.increase_balance(&addr(1), Amount(3)).unwrap();
    state.commit_tx().unwrap();
    assert_eq!(state.account(&addr(1)).unwrap().unwrap().balance, Amount(3));
}
