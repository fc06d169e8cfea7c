//! Disk use of a long run on RocksDB with and without a rewind window (docs/perf.md): the
//! same layers (balances and storage writes over 2,000 accounts) committed on two stores; every
//! `layers / 20` layers, the size of each data directory (SST files and write-ahead log, as
//! RocksDB's compactions leave them) and of its live data (keys and values) is printed.
//! Run: `cargo run --release -p svm-storage --features rocksdb --example prune_disk -- [layers] [window]`.

use std::path::Path;

use svm_kv::RocksStore;
use svm_storage::{FixedLayout, GlobalState, StorageConfig, StorageError, WorldState};
use svm_types::{Address, Amount, Layer};

fn addr(i: u64) -> Address {
    let mut a = [0u8; 20];
    a[..8].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

/// Bytes of every key and value in the store.
fn live_bytes(kv: &RocksStore) -> Result<usize, StorageError> {
    use svm_kv::KVStore;
    Ok(kv
        .scan(b"", b"")?
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum())
}

fn dir_bytes(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Layer `n`: 100 accounts get a new balance and 256 bytes of their storage rewritten.
fn apply(
    state: &mut GlobalState<RocksStore>,
    layout: &FixedLayout,
    n: u64,
) -> Result<(), StorageError> {
    state.open(Layer(n))?;
    state.checkpoint()?;
    for k in 0..100u64 {
        let a = addr((n * 7919 + k * 104_729) % 2_000);
        let mut account = state.account(&a)?.unwrap_or_default();
        account.balance = Amount(n * 1_000 + k);
        state.set_account(&a, &account)?;
        let offset = ((n + k) % 60) as u32 * 256;
        let bytes: Vec<u8> = (0..256u64).map(|i| (n ^ k ^ i) as u8 | 1).collect();
        state.write_raw(&a, layout, offset, &bytes)?;
    }
    state.commit_tx()?;
    state.commit()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let layers = args.first().copied().unwrap_or(3_000);
    let window = args.get(1).copied().unwrap_or(100);
    let every = (layers / 20).max(1);
    let layout = FixedLayout::new(&[60 * 256])?;
    let root = tempfile_dir()?;
    let (full_dir, pruned_dir) = (root.join("full"), root.join("pruned"));
    let mut full = GlobalState::new(RocksStore::open(&full_dir)?, StorageConfig::default())?;
    let mut pruned = GlobalState::new(
        RocksStore::open(&pruned_dir)?,
        StorageConfig {
            history: Some(window),
            ..StorageConfig::default()
        },
    )?;
    println!(
        "layers,full_dir_bytes,window_{window}_dir_bytes,full_live_bytes,window_{window}_live_bytes,oldest_layer"
    );
    for n in 1..=layers {
        apply(&mut full, &layout, n)?;
        apply(&mut pruned, &layout, n)?;
        assert_eq!(full.root(), pruned.root(), "layer {n}");
        if n % every == 0 {
            println!(
                "{n},{},{},{},{},{}",
                dir_bytes(&full_dir),
                dir_bytes(&pruned_dir),
                live_bytes(full.kv())?,
                live_bytes(pruned.kv())?,
                pruned.oldest_layer()
            );
        }
    }
    std::fs::remove_dir_all(&root)?;
    Ok(())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("svm-prune-disk-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
