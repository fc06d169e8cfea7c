//! Shared test helpers: deterministic workloads and backend constructors.
#![allow(dead_code)]

use std::path::Path;

use svm_kv::{KVStore, MemoryStore};
use svm_storage::{Account, FixedLayout, GlobalState, StorageConfig, WorldState};
use svm_types::{Address, Amount, Layer, TemplateAddr};

/// A small page size so variables straddle pages and accounts span several pages.
pub(crate) const PAGE_SIZE: u32 = 64;

pub(crate) fn config() -> StorageConfig {
    StorageConfig {
        page_size: PAGE_SIZE,
        history: None,
    }
}

/// Five variables, one of which straddles the first page boundary; 168 bytes = 3 pages.
pub(crate) fn layout() -> FixedLayout {
    FixedLayout::new(&[8, 52, 8, 32, 68]).unwrap()
}

pub(crate) fn addr(i: u32) -> Address {
    let mut a = [0u8; 20];
    a[..4].copy_from_slice(&i.to_be_bytes());
    a[19] = 0xAA;
    Address(a)
}

pub(crate) fn template_addr() -> TemplateAddr {
    TemplateAddr([0x77; 20])
}

/// A deterministic value for variable `var` written in `layer` to account `i`.
pub(crate) fn value(layer: u64, i: u32, var: u32, len: u32) -> Vec<u8> {
    (0..len)
        .map(|b| (layer as u32 ^ i.wrapping_mul(31) ^ var.wrapping_mul(7) ^ b) as u8)
        .collect()
}

/// Creates the account at `a` with the test template (in the running transaction).
pub(crate) fn spawn_account<S: WorldState>(state: &mut S, a: &Address) {
    state
        .set_account(
            a,
            &Account {
                template: Some(template_addr()),
                ..Account::default()
            },
        )
        .unwrap();
}

/// The crash test's workload for one layer: balances, a new account and variable writes in a
/// few transactions, one of which is rolled back.
pub(crate) fn apply_layer<K: KVStore>(state: &mut GlobalState<K>, layer: Layer) {
    let l = layout();
    state.open(layer).unwrap();
    for tx in 0..4u32 {
        state.checkpoint().unwrap();
        for j in 0..8u32 {
            let i = (layer.0 as u32 * 3 + tx * 5 + j) % 40;
            let a = addr(i);
            if state.account(&a).unwrap().is_none() {
                spawn_account(state, &a);
            }
            state
                .increase_balance(&a, Amount(u64::from(i) + layer.0))
                .unwrap();
            let var = (i + tx) % 5;
            let len = l.var(var).unwrap().len;
            state
                .write_var(&a, &l, var, &value(layer.0, i, var, len))
                .unwrap();
        }
        if tx == 2 {
            state.rollback().unwrap();
        } else {
            state.commit_tx().unwrap();
        }
    }
    state.commit().unwrap();
}

pub(crate) fn memory_state() -> GlobalState<MemoryStore> {
    GlobalState::new(MemoryStore::new(), config()).unwrap()
}

/// Opens a persistent store of `backend` ("rocksdb" or "leveldb") at `path`.
pub(crate) fn open_backend(backend: &str, path: &Path) -> Box<dyn KVStore> {
    match backend {
        #[cfg(feature = "rocksdb")]
        "rocksdb" => Box::new(svm_kv::RocksStore::open(path).unwrap()),
        #[cfg(feature = "leveldb")]
        "leveldb" => Box::new(svm_kv::LevelStore::open(path).unwrap()),
        other => panic!("backend {other} not built (at {})", path.display()),
    }
}

/// The persistent backends this test build has.
pub(crate) fn persistent_backends() -> Vec<&'static str> {
    let mut v = Vec::new();
    if cfg!(feature = "rocksdb") {
        v.push("rocksdb");
    }
    if cfg!(feature = "leveldb") {
        v.push("leveldb");
    }
    v
}
