//! Layer commit cost: 1k and 10k dirty accounts, on memory and RocksDB, over states of 10k
//! and 1M existing accounts. Figures and their ratios are in `docs/perf.md`.
//!
//! Run: `cargo bench -p svm-storage --bench commit` (building the 1M-account states takes a
//! few minutes). `SVM_BENCH_QUICK=1` runs only the 10k-account states.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use svm_kv::{KVStore, MemoryStore, RocksStore};
use svm_storage::{Account, FixedLayout, GlobalState, StorageConfig, WorldState};
use svm_types::{Address, Amount};

fn addr(i: u32) -> Address {
    let mut a = [0u8; 20];
    a[..4].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

/// A state with `n` accounts, created in layers of 50k.
fn populate<K: KVStore>(state: &mut GlobalState<K>, n: u32) {
    let mut i = 0;
    while i < n {
        let next = state.last_layer().next().unwrap();
        state.open(next).unwrap();
        state.checkpoint().unwrap();
        for j in i..(i + 50_000).min(n) {
            state
                .set_account(&addr(j), &Account::with_balance(Amount(1)))
                .unwrap();
        }
        state.commit_tx().unwrap();
        state.commit().unwrap();
        i += 50_000;
    }
}

/// One layer in which `dirty` existing accounts (spread over the state) get a balance change
/// and a storage write, then the commit. Returns the new root so nothing is optimised away.
fn dirty_layer<K: KVStore>(state: &mut GlobalState<K>, existing: u32, dirty: u32, salt: u64) {
    let layout = FixedLayout::new(&[8]).unwrap();
    let next = state.last_layer().next().unwrap();
    state.open(next).unwrap();
    state.checkpoint().unwrap();
    let stride = existing / dirty;
    for k in 0..dirty {
        let a = addr(k * stride + (salt as u32 % stride.max(1)));
        state.increase_balance(&a, Amount(1)).unwrap();
        state
            .write_var(&a, &layout, 0, &salt.to_be_bytes())
            .unwrap();
    }
    state.commit_tx().unwrap();
    let (layer, _root) = state.commit().unwrap();
    assert_eq!(layer, next);
}

fn bench_state<K: KVStore>(
    c: &mut Criterion,
    backend: &str,
    mut state: GlobalState<K>,
    existing: u32,
) {
    let mut group = c.benchmark_group(format!("commit/{backend}/{existing}-accounts"));
    group.sample_size(10);
    for dirty in [1_000u32, 10_000] {
        let mut salt = 0u64;
        group.bench_with_input(BenchmarkId::new("dirty", dirty), &dirty, |b, &dirty| {
            b.iter(|| {
                salt += 1;
                dirty_layer(&mut state, existing, dirty, salt)
            })
        });
    }
    group.finish();
}

fn commit(c: &mut Criterion) {
    let sizes: &[u32] = if std::env::var_os("SVM_BENCH_QUICK").is_some() {
        &[10_000]
    } else {
        &[10_000, 1_000_000]
    };
    for &existing in sizes {
        let mut mem = GlobalState::new(MemoryStore::new(), StorageConfig::default()).unwrap();
        populate(&mut mem, existing);
        bench_state(c, "memory", mem, existing);

        let dir = tempfile::tempdir().unwrap();
        let mut rocks = GlobalState::new(
            RocksStore::open(dir.path()).unwrap(),
            StorageConfig::default(),
        )
        .unwrap();
        populate(&mut rocks, existing);
        bench_state(c, "rocksdb", rocks, existing);
    }
}

criterion_group!(benches, commit);
criterion_main!(benches);
