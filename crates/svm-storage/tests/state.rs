//! Behaviour of the global state: layers, transactions, pages and caches.

mod common;

use common::*;
use svm_kv::{CountingStore, KVStore, MemoryStore};
use svm_storage::{
    Account, FixedLayout, GlobalState, StorageConfig, StorageError, Template, WorldState,
    page_hash, storage_state,
};
use svm_types::{Address, Amount, Layer, Nonce, State};

fn with_account(state: &mut GlobalState<impl KVStore>, a: &Address) {
    state.set_account(a, &Account::default()).unwrap();
}

#[test]
fn fresh_store_is_layer_zero_with_the_empty_root() {
    let state = memory_state();
    assert_eq!(state.last_layer(), Layer(0));
    assert_eq!(state.layers().unwrap(), vec![(Layer(0), state.root())]);
    assert_eq!(state.current_layer(), None);
    // the same empty root on any store
    assert_eq!(memory_state().root(), state.root());
}

#[test]
fn open_accepts_only_the_next_layer() {
    let mut state = memory_state();
    let err = state.open(Layer(2)).unwrap_err();
    assert!(matches!(
        err,
        StorageError::LayerNotNext {
            expected: Layer(1),
            got: Layer(2)
        }
    ));
    assert_eq!(
        err.to_string(),
        "layer 2 cannot be opened: the next layer is 1"
    );
    assert!(matches!(
        state.open(Layer(0)),
        Err(StorageError::LayerNotNext { .. })
    ));
    state.open(Layer(1)).unwrap();
    assert!(matches!(
        state.open(Layer(1)),
        Err(StorageError::LayerAlreadyOpen(Layer(1)))
    ));
    let (layer, _) = state.commit().unwrap();
    assert_eq!(layer, Layer(1));
    assert!(matches!(
        state.open(Layer(1)),
        Err(StorageError::LayerNotNext {
            expected: Layer(2),
            ..
        })
    ));
    state.open(Layer(2)).unwrap();
}

#[test]
fn writes_need_a_transaction_and_commit_needs_none() {
    let mut state = memory_state();
    // without a layer a transaction may read, but cannot be kept
    state.checkpoint().unwrap();
    assert_eq!(state.account(&addr(1)).unwrap(), None);
    state.increase_balance(&addr(1), Amount(1)).unwrap();
    assert!(matches!(state.commit_tx(), Err(StorageError::NoOpenLayer)));
    assert!(!state.in_transaction(), "the failed commit_tx rolled back");
    state.open(Layer(1)).unwrap();
    let a = addr(1);
    assert!(matches!(
        state.increase_balance(&a, Amount(1)),
        Err(StorageError::NoTransaction)
    ));
    assert!(matches!(state.rollback(), Err(StorageError::NoTransaction)));
    state.checkpoint().unwrap();
    assert!(matches!(
        state.checkpoint(),
        Err(StorageError::TransactionActive)
    ));
    assert!(matches!(
        state.commit(),
        Err(StorageError::TransactionActive)
    ));
    state.commit_tx().unwrap();
    state.commit().unwrap();
    assert!(matches!(state.commit(), Err(StorageError::NoOpenLayer)));
}

#[test]
fn rollback_discards_everything_and_commit_tx_keeps_it() {
    let mut state = memory_state();
    let l = layout();
    let a = addr(1);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    with_account(&mut state, &a);
    state.commit_tx().unwrap();
    let before = state.pending_root().unwrap();

    state.checkpoint().unwrap();
    state.increase_balance(&a, Amount(10)).unwrap();
    state.write_var(&a, &l, 0, &[9; 8]).unwrap();
    state.write_raw(&a, &l, 100, &[1, 2, 3]).unwrap();
    state
        .put_template(&template_addr(), &Template::default())
        .unwrap();
    state.rollback().unwrap();
    assert_eq!(state.pending_root().unwrap(), before);

    state.checkpoint().unwrap();
    assert_eq!(state.account(&a).unwrap().unwrap().balance, Amount(0));
    assert_eq!(state.read_var(&a, &l, 0).unwrap(), vec![0; 8]);
    assert_eq!(state.template(&template_addr()).unwrap(), None);
    state.increase_balance(&a, Amount(10)).unwrap();
    state.commit_tx().unwrap();
    let (_, root) = state.commit().unwrap();
    assert_ne!(root, before);
    assert_eq!(state.account(&a).unwrap().unwrap().balance, Amount(10));
}

#[test]
fn balance_increase_creates_a_template_less_account() {
    let mut state = memory_state();
    let a = addr(5);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    assert_eq!(state.account(&a).unwrap(), None);
    state.increase_balance(&a, Amount(7)).unwrap();
    state.commit_tx().unwrap();
    state.commit().unwrap();
    let acc = state.account(&a).unwrap().unwrap();
    assert_eq!(
        acc,
        Account {
            template: None,
            balance: Amount(7),
            nonce: Nonce(0),
            storage: State::zero()
        }
    );
}

#[test]
fn balances_never_overflow_or_go_negative() {
    let mut state = memory_state();
    let a = addr(5);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    state.increase_balance(&a, Amount(u64::MAX)).unwrap();
    assert!(matches!(
        state.increase_balance(&a, Amount(1)),
        Err(StorageError::BalanceOverflow(_))
    ));
    let err = state.decrease_balance(&addr(6), Amount(1)).unwrap_err();
    assert!(matches!(err, StorageError::AccountNotFound(_)));
    state
        .set_account(&addr(6), &Account::with_balance(Amount(3)))
        .unwrap();
    let err = state.decrease_balance(&addr(6), Amount(4)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("account {} holds 3, cannot pay 4", addr(6))
    );
    state.decrease_balance(&addr(6), Amount(3)).unwrap();
    assert_eq!(state.account(&addr(6)).unwrap().unwrap().balance, Amount(0));
}

#[test]
fn variables_straddle_pages_and_survive_commit() {
    let mut state = memory_state();
    let l = layout(); // var 1 = bytes 8..60, var 2 = 60..68 crosses the 64-byte page boundary
    let a = addr(2);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    with_account(&mut state, &a);
    state
        .write_var(&a, &l, 2, &[1, 2, 3, 4, 5, 6, 7, 8])
        .unwrap();
    state.write_var(&a, &l, 4, &[0xEE; 68]).unwrap();
    assert_eq!(
        state.read_var(&a, &l, 2).unwrap(),
        vec![1, 2, 3, 4, 5, 6, 7, 8]
    );
    state.commit_tx().unwrap();
    state.commit().unwrap();

    state.open(Layer(2)).unwrap();
    state.checkpoint().unwrap();
    assert_eq!(
        state.read_var(&a, &l, 2).unwrap(),
        vec![1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert_eq!(state.read_var(&a, &l, 4).unwrap(), vec![0xEE; 68]);
    assert_eq!(state.read_var(&a, &l, 1).unwrap(), vec![0; 52]);
    // raw reads see the same bytes, across the boundary
    assert_eq!(
        state.read_raw(&a, &l, 60, 8).unwrap(),
        vec![1, 2, 3, 4, 5, 6, 7, 8]
    );
    // a raw write is seen by a later variable read, and a variable write by a raw read
    state.write_raw(&a, &l, 62, &[0xAB, 0xCD]).unwrap();
    assert_eq!(
        state.read_var(&a, &l, 2).unwrap(),
        vec![1, 2, 0xAB, 0xCD, 5, 6, 7, 8]
    );
    state.write_var(&a, &l, 0, &[5; 8]).unwrap();
    assert_eq!(
        state.read_raw(&a, &l, 0, 9).unwrap(),
        vec![5, 5, 5, 5, 5, 5, 5, 5, 0]
    );
}

#[test]
fn bad_variable_access_is_an_error_not_a_panic() {
    let mut state = memory_state();
    let l = layout();
    let a = addr(3);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    assert!(matches!(
        state.read_var(&a, &l, 0),
        Err(StorageError::AccountNotFound(_))
    ));
    with_account(&mut state, &a);
    let err = state.read_var(&a, &l, 5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown variable 5: the layout has 5 variables"
    );
    assert!(matches!(
        state.write_var(&a, &l, u32::MAX, &[0]),
        Err(StorageError::UnknownVar { .. })
    ));
    let err = state.write_var(&a, &l, 0, &[1; 9]).unwrap_err();
    assert_eq!(err.to_string(), "variable 0 holds 8 bytes, got 9");
    let err = state.read_raw(&a, &l, 160, 9).unwrap_err();
    assert_eq!(
        err.to_string(),
        "9 bytes at offset 160 are outside the account's 168 bytes of storage"
    );
    assert!(matches!(
        state.write_raw(&a, &l, u32::MAX, &[1, 2]),
        Err(StorageError::OutOfRange { .. })
    ));
    assert!(matches!(
        state.read_raw(&a, &l, u32::MAX, u32::MAX),
        Err(StorageError::OutOfRange { .. })
    ));
    assert!(FixedLayout::new(&[4, 0]).is_err());
    assert!(FixedLayout::new(&[u32::MAX, 1]).is_err());
}

#[test]
fn a_page_is_read_from_the_store_at_most_once_per_transaction() {
    let kv = std::sync::Arc::new(CountingStore::new(MemoryStore::new()));
    let mut state = GlobalState::new(kv.clone(), config()).unwrap();
    let l = layout();
    let a = addr(4);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    with_account(&mut state, &a);
    state.write_var(&a, &l, 0, &[1; 8]).unwrap();
    state.write_var(&a, &l, 4, &[2; 68]).unwrap();
    state.commit_tx().unwrap();
    state.commit().unwrap();

    state.open(Layer(2)).unwrap();
    state.checkpoint().unwrap();
    state.account(&a).unwrap(); // record read, now cached in the transaction
    kv.reset();
    // vars 0 and 1 live in page 0; var 2 straddles pages 0 and 1
    state.read_var(&a, &l, 0).unwrap();
    state.read_var(&a, &l, 1).unwrap();
    state.read_var(&a, &l, 2).unwrap();
    state.read_var(&a, &l, 0).unwrap();
    state.write_var(&a, &l, 1, &[3; 52]).unwrap();
    state.read_raw(&a, &l, 0, 64).unwrap();
    assert_eq!(kv.counts().gets, 2, "pages 0 and 1, once each");
    assert_eq!(state.cached_pages(), 2);
    state.commit_tx().unwrap();

    // the next transaction has its own cache: page 0 (changed by the kept transaction) comes
    // from the open layer, page 1 from the store, once
    state.checkpoint().unwrap();
    kv.reset();
    state.read_var(&a, &l, 2).unwrap();
    state.read_var(&a, &l, 2).unwrap();
    state.read_var(&a, &l, 0).unwrap();
    assert_eq!(kv.counts().gets, 1);
    assert_eq!(
        kv.counts().writes,
        0,
        "nothing reaches the store before commit"
    );
}

#[test]
fn untouched_pages_cost_nothing_and_zeroed_pages_disappear() {
    let mut state = memory_state();
    let l = layout();
    let a = addr(8);
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    with_account(&mut state, &a);
    state.commit_tx().unwrap();
    let (_, empty_account_root) = state.commit().unwrap();
    let keys_before = state.kv().len();

    state.open(Layer(2)).unwrap();
    state.checkpoint().unwrap();
    state
        .write_var(&a, &l, 4, &{
            let mut v = vec![0u8; 68];
            v[0] = 9; // byte 100 of storage: page 1, offset 36
            v
        })
        .unwrap();
    state.commit_tx().unwrap();
    state.commit().unwrap();
    // only page 1 is stored, trimmed to 37 bytes, and its hash decides the storage state
    let acc = state.account(&a).unwrap().unwrap();
    let mut page1 = vec![0u8; 37];
    page1[36] = 9;
    let expected = storage_state(
        &a,
        &[(1u32, page_hash(&a, svm_storage::PageIndex(1), &page1))]
            .into_iter()
            .collect(),
        config().page_size,
    );
    assert_eq!(acc.storage, expected);

    state.open(Layer(3)).unwrap();
    state.checkpoint().unwrap();
    state.write_var(&a, &l, 4, &[0; 68]).unwrap();
    state.commit_tx().unwrap();
    let (_, root) = state.commit().unwrap();
    assert_eq!(state.account(&a).unwrap().unwrap().storage, State::zero());
    assert_eq!(
        root, empty_account_root,
        "all-zero storage is the same state as never written"
    );
    // layer 2 and 3 added only undo records, layer/tree records: no page stayed behind
    let pages = state.kv().scan(b"P", b"").unwrap();
    assert!(pages.is_empty(), "{pages:?}");
    assert!(state.kv().len() > keys_before);
}

#[test]
fn the_root_is_a_function_of_the_state_not_of_the_order_of_writes() {
    let l = layout();
    let run = |order: &[u32]| {
        let mut state = memory_state();
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        for &i in order {
            with_account(&mut state, &addr(i));
        }
        for &i in order {
            state
                .write_var(
                    &addr(i),
                    &l,
                    i % 5,
                    &value(1, i, i % 5, l.var(i % 5).unwrap().len),
                )
                .unwrap();
            state
                .increase_balance(&addr(i), Amount(u64::from(i)))
                .unwrap();
        }
        state.commit_tx().unwrap();
        state.commit().unwrap().1
    };
    assert_eq!(run(&[1, 2, 3, 4, 5, 6]), run(&[6, 4, 2, 5, 3, 1]));
    assert_ne!(run(&[1, 2, 3]), run(&[1, 2, 4]));
}

#[test]
fn pending_root_predicts_commit() {
    let mut state = memory_state();
    apply_layer(&mut state, Layer(1));
    state.open(Layer(2)).unwrap();
    state.checkpoint().unwrap();
    state.increase_balance(&addr(1), Amount(1)).unwrap();
    state.commit_tx().unwrap();
    let predicted = state.pending_root().unwrap();
    assert_eq!(state.commit().unwrap().1, predicted);
}

#[test]
fn rewind_restores_an_earlier_layer_exactly() {
    let mut state = memory_state();
    let mut roots = vec![state.root()];
    for layer in 1..=6 {
        apply_layer(&mut state, Layer(layer));
        roots.push(state.root());
    }
    let snapshot_at_2 = {
        let mut s = memory_state();
        apply_layer(&mut s, Layer(1));
        apply_layer(&mut s, Layer(2));
        s.kv().scan(b"", b"").unwrap()
    };
    assert_eq!(state.rewind(Layer(2)).unwrap(), roots[2]);
    assert_eq!(state.last_layer(), Layer(2));
    assert_eq!(state.root(), roots[2]);
    assert_eq!(state.layers().unwrap().len(), 3);
    // byte for byte the store of a node that never went past layer 2
    assert_eq!(state.kv().scan(b"", b"").unwrap(), snapshot_at_2);
    // the rewound layers can be replayed to the same roots
    for layer in 3..=6 {
        apply_layer(&mut state, Layer(layer));
        assert_eq!(state.root(), roots[layer as usize]);
    }
    // rewinding to the current layer drops the open layer only; to genesis, everything
    state.open(Layer(7)).unwrap();
    assert_eq!(state.rewind(Layer(6)).unwrap(), roots[6]);
    assert_eq!(state.rewind(Layer(0)).unwrap(), roots[0]);
    let err = state.rewind(Layer(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot rewind to layer 1: the last committed layer is 0"
    );
}

#[test]
fn reopening_restores_the_last_layer_and_root() {
    for backend in persistent_backends() {
        let dir = tempfile::tempdir().unwrap();
        let (layer, root) = {
            let mut state = GlobalState::new(open_backend(backend, dir.path()), config()).unwrap();
            for layer in 1..=3 {
                apply_layer(&mut state, Layer(layer));
            }
            // an open layer with kept transactions is not committed and must not survive
            state.open(Layer(4)).unwrap();
            state.checkpoint().unwrap();
            state.increase_balance(&addr(1), Amount(1000)).unwrap();
            state.commit_tx().unwrap();
            (state.last_layer(), state.root())
        };
        let mut state = GlobalState::new(open_backend(backend, dir.path()), config()).unwrap();
        assert_eq!(
            (state.last_layer(), state.root()),
            (layer, root),
            "{backend}"
        );
        apply_layer(&mut state, Layer(4));
        let mut mem = memory_state();
        for layer in 1..=4 {
            apply_layer(&mut mem, Layer(layer));
        }
        assert_eq!(state.root(), mem.root(), "{backend}: same roots as memory");
        drop(state);
        let err = GlobalState::new(
            open_backend(backend, dir.path()),
            StorageConfig {
                page_size: 4096,
                history: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "store was created with page size 64, not 4096",
            "{backend}"
        );
    }
}

#[test]
fn a_store_that_is_not_svm_is_refused_untouched() {
    let kv = MemoryStore::new();
    let mut b = svm_kv::WriteBatch::new();
    b.put(b"other", b"data");
    kv.write(b).unwrap();
    let err = GlobalState::new(kv, config()).unwrap_err();
    assert!(err.to_string().contains("not an svm store"), "{err}");
    assert!(
        GlobalState::new(
            MemoryStore::new(),
            StorageConfig {
                page_size: 0,
                history: None
            }
        )
        .is_err()
    );
}

#[test]
fn templates_round_trip() {
    let mut state = memory_state();
    let t = Template {
        code: vec![0, 97, 115, 109],
        layout: layout(),
        meta: b"{}".to_vec(),
    };
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    state.put_template(&template_addr(), &t).unwrap();
    state.commit_tx().unwrap();
    state.commit().unwrap();
    assert_eq!(state.template(&template_addr()).unwrap(), Some(t));
}

/// C1: the work of keeping an account's storage commitment grows with the pages a
/// transaction changes (times the tree depth), not with the pages the account holds.
#[test]
fn a_one_byte_write_costs_the_same_on_a_small_and_a_large_account() {
    let config = StorageConfig::default();
    let page = config.page_size;
    let work = |pages: u32| {
        let kv = std::sync::Arc::new(CountingStore::new(MemoryStore::new()));
        let mut state = GlobalState::new(kv.clone(), config).unwrap();
        let l = FixedLayout::new(&[page * pages]).unwrap();
        let a = addr(9);
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        with_account(&mut state, &a);
        for p in 0..pages {
            state.write_raw(&a, &l, p * page, &[1]).unwrap();
        }
        state.commit_tx().unwrap();
        state.commit().unwrap();
        // one more 1-byte write to one page, in its own layer
        state.open(Layer(2)).unwrap();
        state.checkpoint().unwrap();
        state.write_raw(&a, &l, 5, &[2]).unwrap();
        kv.reset();
        state.commit_tx().unwrap();
        let reads = kv.counts().gets;
        let (_, _) = state.commit().unwrap();
        let written = kv.inner().len();
        (reads, state.account(&a).unwrap().unwrap().storage, written)
    };
    let (small_reads, small_state, _) = work(8);
    let (large_reads, large_state, _) = work(2_000);
    assert_ne!(small_state, large_state);
    // one node record per level of a depth-3 tree, plus the account record
    assert!(large_reads <= 4, "{large_reads} store reads");
    assert_eq!(small_reads, large_reads);
}

/// The incremental page tree agrees with a fresh computation from every page hash.
#[test]
fn the_storage_state_is_the_root_of_the_page_hashes() {
    let config = StorageConfig::default();
    let mut state = GlobalState::new(MemoryStore::new(), config).unwrap();
    let l = FixedLayout::new(&[config.page_size * 40]).unwrap();
    let a = addr(10);
    let mut model = std::collections::BTreeMap::new();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    with_account(&mut state, &a);
    state.commit_tx().unwrap();
    for (step, pages) in [vec![0u32, 3, 39], vec![3, 17], vec![0, 39], vec![17]]
        .into_iter()
        .enumerate()
    {
        state.checkpoint().unwrap();
        for p in pages {
            // odd steps zero the page again
            let byte = if step % 2 == 0 { 7 + p as u8 } else { 0 };
            state
                .write_raw(&a, &l, p * config.page_size + 1, &[byte])
                .unwrap();
            if byte == 0 {
                model.remove(&p);
            } else {
                let content = [0, byte];
                model.insert(p, page_hash(&a, svm_storage::PageIndex(p), &content));
            }
        }
        state.commit_tx().unwrap();
        let storage = state.account(&a).unwrap().unwrap().storage;
        assert_eq!(
            storage,
            storage_state(&a, &model, config.page_size),
            "step {step}"
        );
    }
}

#[test]
fn layouts_are_capped_at_the_largest_account_storage() {
    assert!(FixedLayout::new(&[svm_storage::MAX_STORAGE_SIZE]).is_ok());
    let e = FixedLayout::new(&[svm_storage::MAX_STORAGE_SIZE, 1]).unwrap_err();
    assert!(matches!(e, StorageError::InvalidLayout(_)), "{e}");
}
