//! A demo of the state layer on the embedded default store (RocksDB in `./svm-data`):
//! funds a few hundred wallets, runs thousands of transfers over several layers (some fail and
//! are rolled back), rewinds the last layer and replays it to the same root, then reports.
//! Running it again continues from the stored state.
//!
//! `cargo run --release -p svm-storage --example state_demo -- [DATA_DIR] [LAYERS] [TRANSFERS]`

use std::time::Instant;

use svm_kv::{KVStore, RocksStore};
use svm_storage::{FixedLayout, GlobalState, StorageConfig, StorageError, WorldState};
use svm_types::{Address, Amount, Layer};

const WALLETS: u32 = 300;

fn wallet(i: u32) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0x5E;
    a[16..].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

/// A deterministic pseudo-random stream (no wall clock, no host randomness).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[derive(Default)]
struct Counts {
    ok: u64,
    failed: u64,
}

/// One transfer as one transaction: debit, credit, bump the sender's transfer counter
/// variable. Insufficient funds fails the transaction and leaves no trace.
fn transfer<K: KVStore>(
    state: &mut GlobalState<K>,
    layout: &FixedLayout,
    from: Address,
    to: Address,
    amount: Amount,
) -> Result<(), StorageError> {
    state.checkpoint()?;
    let result = (|| {
        state.decrease_balance(&from, amount)?;
        state.increase_balance(&to, amount)?;
        let count = state.read_var(&from, layout, 0)?;
        let n = u64::from_be_bytes(count.try_into().unwrap_or([0; 8])) + 1;
        state.write_var(&from, layout, 0, &n.to_be_bytes())
    })();
    match result {
        Ok(()) => state.commit_tx(),
        Err(e) => {
            state.rollback()?;
            Err(e)
        }
    }
}

fn run_layer<K: KVStore>(
    state: &mut GlobalState<K>,
    layout: &FixedLayout,
    transfers: u32,
    counts: &mut Counts,
) -> (Layer, svm_types::State) {
    let layer = state.last_layer().next().expect("layer overflow");
    state.open(layer).expect("open layer");
    let mut rng = Lcg(layer.0);
    if layer == Layer(1) {
        state.checkpoint().expect("checkpoint");
        for i in 0..WALLETS {
            state
                .increase_balance(&wallet(i), Amount(1_000))
                .expect("fund");
        }
        state.commit_tx().expect("commit funding");
    }
    for _ in 0..transfers {
        let from = wallet(rng.next() as u32 % WALLETS);
        let to = wallet(rng.next() as u32 % WALLETS);
        let amount = Amount(rng.next() % 400);
        match transfer(state, layout, from, to, amount) {
            Ok(()) => counts.ok += 1,
            Err(StorageError::InsufficientFunds { .. }) => counts.failed += 1,
            Err(e) => panic!("transfer failed unexpectedly: {e}"),
        }
    }
    state.commit().expect("commit layer")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "svm-data".into());
    let layers: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let transfers: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);

    let kv = match RocksStore::open(&dir) {
        Ok(kv) => kv,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let mut state = match GlobalState::new(kv, StorageConfig::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let layout = FixedLayout::new(&[8]).expect("layout");
    println!(
        "svm state demo: RocksDB store at {dir}, starting at layer {} (root {})",
        state.last_layer(),
        state.root()
    );

    let start = Instant::now();
    let mut counts = Counts::default();
    for _ in 0..layers {
        let (layer, root) = run_layer(&mut state, &layout, transfers, &mut counts);
        println!("  layer {layer:>5}  root {root}");
    }
    let elapsed = start.elapsed();

    // Rewind the last layer and replay it: the same transactions give the same root.
    let last = state.last_layer();
    let root = state.root();
    if last.0 >= 2 {
        state.rewind(Layer(last.0 - 1)).expect("rewind");
        let mut replay = Counts::default();
        let (layer, replayed) = run_layer(&mut state, &layout, transfers, &mut replay);
        assert_eq!(
            (layer, replayed),
            (last, root),
            "replay must reproduce the root"
        );
        println!("  rewound layer {last} and replayed it: same root {replayed}");
    }

    let txs = counts.ok + counts.failed;
    println!("report:");
    println!(
        "  layers committed this run : {layers} (now at layer {})",
        state.last_layer()
    );
    println!(
        "  transfers succeeded/failed: {}/{}",
        counts.ok, counts.failed
    );
    println!("  state root                : {}", state.root());
    println!(
        "  throughput                : {:.0} transfers/s ({txs} in {:.2} s, including commits)",
        txs as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
}
