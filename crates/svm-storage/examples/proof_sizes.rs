//! Proof sizes against the number of accounts (docs/perf.md): an account proof's Merkle path
//! grows with log16 of the accounts, a storage proof adds one page-tree path per page, a map
//! entry proof the paths of the map in the account's maps and of the key in the map (as many
//! entries in the map as accounts).
//! Run: `cargo run --release -p svm-storage --example proof_sizes`.

use svm_kv::MemoryStore;
use svm_proof::Proof;
use svm_storage::{Account, FixedLayout, GlobalState, StorageConfig, StorageError, WorldState};
use svm_types::{Address, Amount, Layer};

fn addr(i: u32) -> Address {
    let mut a = [0u8; 20];
    a[..4].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

fn main() -> Result<(), StorageError> {
    let layout = FixedLayout::new(&[64 * 1024])?;
    println!(
        "| accounts | account proof (min / median / max) | absence proof (median) | 32 B of storage | 4 KiB of storage (1-2 pages) | 16 KiB (4-5 pages) | map entry, 8 B value (median) | map absence (median) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for n in [1_000u32, 10_000, 100_000] {
        let mut state = GlobalState::new(MemoryStore::new(), StorageConfig::default())?;
        state.open(Layer(1))?;
        state.checkpoint()?;
        for i in 0..n {
            state.set_account(&addr(i), &Account::with_balance(Amount(u64::from(i))))?;
        }
        // one account with 64 KiB of written storage and a map of `n` entries
        let rich = addr(0);
        let data: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8 + 1).collect();
        state.write_raw(&rich, &layout, 0, &data)?;
        for i in 0..n {
            state.map_set(
                &rich,
                1,
                &i.to_be_bytes(),
                Some(&u64::from(i).to_le_bytes()),
            )?;
        }
        state.commit_tx()?;
        let (layer, _) = state.commit()?;

        let size = |p: Proof| p.encode().len();
        let mut sizes: Vec<usize> = (0..200)
            .map(|k| {
                state
                    .prove_account(&addr(k * (n / 200)), layer)
                    .map(|p| size(Proof::Account(p)))
            })
            .collect::<Result<_, _>>()?;
        sizes.sort();
        let mut absent: Vec<usize> = (0..200)
            .map(|k| {
                state
                    .prove_account(&addr(n + k), layer)
                    .map(|p| size(Proof::Account(p)))
            })
            .collect::<Result<_, _>>()?;
        absent.sort();
        let storage = |offset, len| {
            state
                .prove_storage(&rich, offset, len, layer)
                .map(|p| size(Proof::Storage(p)))
        };
        let entry = |key: u32| {
            state
                .prove_map_entry(&rich, 1, &key.to_be_bytes(), layer)
                .map(|p| size(Proof::MapEntry(Box::new(p))))
        };
        let mut present: Vec<usize> = (0..200)
            .map(|k| entry(k * (n / 200)))
            .collect::<Result<_, _>>()?;
        present.sort();
        let mut missing: Vec<usize> = (0..200).map(|k| entry(n + k)).collect::<Result<_, _>>()?;
        missing.sort();
        println!(
            "| {n} | {} / {} / {} B | {} B | {} B | {} B | {} B | {} B | {} B |",
            sizes[0],
            sizes[sizes.len() / 2],
            sizes[sizes.len() - 1],
            absent[absent.len() / 2],
            storage(100, 32)?,
            storage(2048, 4096)?,
            storage(2048, 16384)?,
            present[present.len() / 2],
            missing[missing.len() / 2],
        );
    }
    Ok(())
}
