//! Gas calibration benchmark: how many nanoseconds of node work one unit of gas buys, for
//! ordinary transactions and for the adversarial shapes of the security review (findings
//! C1-C3, H1, H4, M4, M5, L1 and the verify step), so prices can be tuned until no shape buys
//! much more node time per unit of gas than ordinary transactions do.
//!
//! The store is RocksDB, holding `SVM_GAS_BENCH_ACCOUNTS` (default 100,000) funded
//! template-less accounts spread over the key space, plus the templates of `benches/gas/`
//! deployed and spawned. Each workload is a transaction, or a small batch of transactions of
//! the same shape, run through `Runtime::call`/`spawn`/`deploy` and followed by
//! `Runtime::commit` of its layer; the whole of it is timed (commit work is part of what a
//! transaction costs, and the commit's share is shown apart). Every receipt is checked: an
//! adversarial transaction that failed for another reason than the expected one would make
//! its figure meaningless, so the bench panics instead.
//!
//! The ordinary workloads give each transaction of a batch its own account (100 counters,
//! 50 wallets, 50 storage contracts), as a block's transactions touch many accounts; a batch
//! of one hot account would measure the store's cache, not a transaction's cost, and make
//! every adversarial shape that reaches cold records look worse than it is.
//!
//! Before each workload the store is flushed and the bench waits until RocksDB has no flush or
//! compaction running or pending (`RocksStore::settle`): otherwise a workload right after a
//! write-heavy one pays for that one's compactions (M4 measured 7.3x warm after H4's account
//! creations, 1.9x alone).
//!
//! Two modes: **cold**, a fresh `Runtime` over the reopened store for every run (module
//! memory cache and RocksDB block cache empty; the OS page cache stays warm), and **warm**,
//! one runtime running the workload repeatedly after one untimed run. For each workload and
//! mode it prints the gas used, the median wall time, the median commit time and the median
//! **ns per gas**; then, per mode, the median ns/gas of the ordinary workloads, the worst
//! ratio of an adversarial workload to it, and the largest ns/gas.
//!
//! Run (a quiet machine for real figures; the smoke run below takes seconds):
//!
//! ```text
//! cargo bench -p svm-runtime --features rocksdb --bench gas
//! cargo bench -p svm-runtime --features rocksdb --bench gas -- --json gas.json
//! SVM_GAS_BENCH_ACCOUNTS=2000 SVM_GAS_BENCH_REPS=2 SVM_GAS_BENCH_COLD_REPS=1 \
//!     cargo bench -p svm-runtime --features rocksdb --bench gas      # smoke run
//! ```
//!
//! Options (flag, or environment variable):
//! - `--accounts N` / `SVM_GAS_BENCH_ACCOUNTS`: funded accounts in the store (100,000).
//! - `--reps N` / `SVM_GAS_BENCH_REPS`: timed warm runs per workload (10).
//! - `--cold-reps N` / `SVM_GAS_BENCH_COLD_REPS`: timed cold runs per workload (5).
//! - `--templates K` / `SVM_GAS_BENCH_TEMPLATES`: distinct large templates of C2 (24).
//! - `--template-kib N` / `SVM_GAS_BENCH_TEMPLATE_KIB`: Wasm size of C2 and deploy (128).
//! - `--map-entries N` / `SVM_GAS_BENCH_MAP_ENTRIES`: entries of the maps contract's map
//!   (100,000).
//! - `--json PATH` / `SVM_GAS_BENCH_JSON`: also write the table as JSON.
//! - `--dir PATH` / `SVM_GAS_BENCH_DIR`: where the temporary store is made (system temp).
//! - `SVM_GAS_BENCH_SETTLE_SECS`: pause after setup while RocksDB compacts (20).
//! - `--filter S` / `SVM_GAS_BENCH_FILTER`, or a bare argument: run only workloads whose
//!   name contains S or whose finding is S (`C1`, `ordinary`...).

#[path = "gas/templates.rs"]
mod templates;

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use svm_codec::{
    CallMessage, Codec, CodecLimits, Context, DeployMessage, Envelope, RuntimeError as Failure,
    SpawnMessage, TxType,
};
use svm_kv::RocksStore;
use svm_runtime::{
    CacheConfig, Runtime, RuntimeConfig, TxLimits,
    examples::{COUNTER, WALLET},
};
use svm_storage::{GlobalState, WorldState};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr};
use templates::account;

/// Pays for everything the bench does (template-less: no verify step).
const ALICE: Address = Address([0xA1; 20]);
/// The gas limit of every transaction (the default `TxLimits::max_tx_gas`).
const TX_GAS: u64 = 1_000_000_000;
/// Coins each of the bench's accounts starts with.
const FUND: u64 = 1_000_000_000;
/// Coins of the principals and paying contracts.
const RICH: u64 = 1_000_000_000_000_000;
/// The wallet's secret (its verifydata).
const WALLET_SECRET: u64 = 0x5EC2E7;
/// Accounts funded per layer at setup.
const FUND_LAYER: u64 = 20_000;
/// Fresh address ranges (far above the funded accounts `0..n`), one per workload.
const FRESH_BALANCES: u64 = 1 << 48;
const FRESH_CREATE: u64 = 2 << 48;
/// The memory tier of C2's runtime: smaller than one artifact, so every load misses it.
const C2_MEMORY_BYTES: usize = 64 << 10;
/// The page size the page-writing templates assume.
const PAGE: u32 = 4096;

// ----- options ------------------------------------------------------------------------------

struct Opts {
    accounts: u64,
    reps: usize,
    cold_reps: usize,
    templates: usize,
    template_kib: usize,
    json: Option<PathBuf>,
    dir: Option<PathBuf>,
    filter: Option<String>,
    map_entries: u64,
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

impl Opts {
    fn parse() -> Self {
        let mut o = Opts {
            accounts: env_num("SVM_GAS_BENCH_ACCOUNTS", 100_000),
            reps: env_num("SVM_GAS_BENCH_REPS", 10),
            cold_reps: env_num("SVM_GAS_BENCH_COLD_REPS", 5),
            templates: env_num("SVM_GAS_BENCH_TEMPLATES", 24),
            template_kib: env_num("SVM_GAS_BENCH_TEMPLATE_KIB", 128),
            json: std::env::var_os("SVM_GAS_BENCH_JSON").map(PathBuf::from),
            dir: std::env::var_os("SVM_GAS_BENCH_DIR").map(PathBuf::from),
            filter: std::env::var("SVM_GAS_BENCH_FILTER").ok(),
            map_entries: env_num("SVM_GAS_BENCH_MAP_ENTRIES", 100_000),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .unwrap_or_else(|| panic!("{flag} needs a value"))
            };
            let num = |v: String| -> u64 {
                v.replace('_', "")
                    .parse()
                    .unwrap_or_else(|_| panic!("{flag}: {v:?} is not a number"))
            };
            match flag.as_str() {
                // cargo bench passes --bench to harness = false targets
                "--bench" => {}
                "--accounts" => o.accounts = num(value()),
                "--reps" => o.reps = num(value()) as usize,
                "--cold-reps" => o.cold_reps = num(value()) as usize,
                "--templates" => o.templates = num(value()) as usize,
                "--template-kib" => o.template_kib = num(value()) as usize,
                "--json" => o.json = Some(PathBuf::from(value())),
                "--dir" => o.dir = Some(PathBuf::from(value())),
                "--filter" => o.filter = Some(value()),
                "--map-entries" => o.map_entries = num(value()),
                "-h" | "--help" => {
                    eprintln!(
                        "gas bench: --accounts N --reps N --cold-reps N --templates K \
                         --template-kib N --map-entries N --json PATH --dir PATH [--filter] S \
                         (see the top of benches/gas.rs)"
                    );
                    std::process::exit(0);
                }
                f if f.starts_with('-') => eprintln!("gas bench: ignoring unknown flag {f}"),
                _ => o.filter = Some(arg),
            }
        }
        assert!(o.accounts >= 1000, "at least 1,000 accounts");
        assert!(o.map_entries >= 1000, "at least 1,000 map entries");
        assert!(
            o.templates >= 1 && o.reps >= 1,
            "at least one template and one rep"
        );
        o
    }
}

// ----- the node -----------------------------------------------------------------------------

/// A runtime over a RocksDB store that can be dropped and reopened (cold runs), with its
/// artifacts in a directory and a key file, so a reopened runtime loads them instead of
/// compiling.
struct Node {
    dir: PathBuf,
    rt: Option<Runtime<GlobalState<RocksStore>>>,
    txs: u64,
}

impl Node {
    fn config(dir: &Path, memory_bytes: usize) -> RuntimeConfig {
        RuntimeConfig {
            cache: CacheConfig {
                memory_bytes,
                dir: Some(dir.join("modules")),
                key_file: Some(dir.join("node.key")),
                ..CacheConfig::default()
            },
            // the bench's ALICE has no keys
            ..RuntimeConfig::development()
        }
    }

    fn new(dir: PathBuf) -> Self {
        let mut node = Node {
            dir,
            rt: None,
            txs: 0,
        };
        node.reopen(CacheConfig::default().memory_bytes);
        node
    }

    /// Drops the runtime (closing the store) and opens a fresh one.
    fn reopen(&mut self, memory_bytes: usize) {
        self.rt = None;
        let kv = RocksStore::open(self.dir.join("db")).expect("open the store");
        let rt = Runtime::new(kv, Self::config(&self.dir, memory_bytes)).expect("runtime");
        assert_eq!(rt.config().storage.page_size, PAGE);
        self.rt = Some(rt);
    }

    fn rt(&mut self) -> &mut Runtime<GlobalState<RocksStore>> {
        self.rt.as_mut().expect("runtime open")
    }

    fn open_layer(&mut self) -> Layer {
        let rt = self.rt();
        let layer = rt.state().last_layer().next().unwrap();
        rt.open(layer).unwrap();
        layer
    }

    fn commit(&mut self) {
        self.rt().commit().unwrap();
    }

    fn nonce(&mut self, who: &Address) -> Nonce {
        self.rt()
            .get_account(who)
            .unwrap()
            .map_or(Nonce(0), |a| a.nonce)
    }

    fn context(&mut self, env: &Envelope, verifydata: &[u8], msg: &[u8]) -> Context {
        self.txs += 1;
        let layer = self.rt().state().current_layer().expect("open layer");
        Context {
            layer,
            tx_id: svm_codec::tx_id(env, verifydata, msg),
        }
    }

    fn fund(&mut self, who: &Address, amount: u64) {
        self.rt().increase_balance(who, Amount(amount)).unwrap();
    }

    /// Runs `tx` in the open layer (setup: it must succeed).
    fn run_ok(&mut self, tx: TxSpec, what: &str) -> Outcome {
        let nonce = self.nonce(&tx.principal);
        let (ty, env, msg) = tx.prepare(nonce);
        let ctx = self.context(&env, &tx.verifydata, &msg);
        let out = execute(self.rt(), ty, &env, &tx.verifydata, &msg, &ctx);
        if let Err(e) = &out.result {
            panic!("setup: {what}: {e}");
        }
        out
    }

    fn deploy(&mut self, msg: &DeployMessage, what: &str) -> TemplateAddr {
        self.run_ok(TxSpec::deploy(msg.encode()), what)
            .template
            .expect("a deploy's template")
    }

    fn spawn(&mut self, template: TemplateAddr, ctor: &str, calldata: Vec<u8>) -> Address {
        let tx = TxSpec {
            principal: ALICE,
            gas: TX_GAS,
            verifydata: vec![],
            body: Body::Spawn(SpawnMessage {
                template,
                name: String::new(),
                ctor: ctor.into(),
                calldata,
            }),
        };
        self.run_ok(tx, ctor).account.expect("a spawn's account")
    }
}

// ----- transactions -------------------------------------------------------------------------

#[derive(Clone)]
enum Body {
    Call(CallMessage),
    Spawn(SpawnMessage),
    Deploy(Vec<u8>),
}

/// A transaction before its nonce is known.
#[derive(Clone)]
struct TxSpec {
    principal: Address,
    gas: u64,
    verifydata: Vec<u8>,
    body: Body,
}

impl TxSpec {
    fn call(target: Address, function: &str, calldata: Vec<u8>) -> Self {
        TxSpec {
            principal: ALICE,
            gas: TX_GAS,
            verifydata: vec![],
            body: Body::Call(CallMessage {
                target,
                function: function.into(),
                calldata,
            }),
        }
    }

    fn deploy(msg: Vec<u8>) -> Self {
        TxSpec {
            principal: ALICE,
            gas: TX_GAS,
            verifydata: vec![],
            body: Body::Deploy(msg),
        }
    }

    fn by(mut self, principal: Address, verifydata: Vec<u8>) -> Self {
        self.principal = principal;
        self.verifydata = verifydata;
        self
    }

    fn prepare(&self, nonce: Nonce) -> (TxType, Envelope, Vec<u8>) {
        let (ty, msg) = match &self.body {
            Body::Call(m) => (TxType::Call, m.encode()),
            Body::Spawn(m) => (TxType::Spawn, m.encode()),
            Body::Deploy(m) => (TxType::Deploy, m.clone()),
        };
        let env = Envelope {
            tx_type: ty,
            principal: self.principal,
            amount: Amount(0),
            nonce,
            gas_limit: Gas(self.gas),
            gas_fee: GasFee(1),
        };
        (ty, env, msg)
    }
}

/// What a receipt said, in one shape for the three kinds.
struct Outcome {
    result: Result<(), Failure>,
    gas: u64,
    returndata: Vec<u8>,
    touched: usize,
    template: Option<TemplateAddr>,
    account: Option<Address>,
}

fn execute(
    rt: &mut Runtime<GlobalState<RocksStore>>,
    ty: TxType,
    env: &Envelope,
    verifydata: &[u8],
    msg: &[u8],
    ctx: &Context,
) -> Outcome {
    match ty {
        TxType::Call => {
            let r = rt
                .call(env, verifydata, msg, ctx)
                .expect("call: node error");
            let touched = r.touched_accounts.len();
            let (result, returndata) = match r.result {
                Ok(out) => (Ok(()), out.returndata),
                Err(e) => (Err(e), vec![]),
            };
            Outcome {
                result,
                gas: r.gas_used.0,
                returndata,
                touched,
                template: None,
                account: None,
            }
        }
        TxType::Spawn => {
            let r = rt
                .spawn(env, verifydata, msg, ctx)
                .expect("spawn: node error");
            let touched = r.touched_accounts.len();
            let account = r.result.as_ref().ok().map(|o| o.account);
            Outcome {
                result: r.result.map(|_| ()),
                gas: r.gas_used.0,
                returndata: vec![],
                touched,
                template: None,
                account,
            }
        }
        TxType::Deploy => {
            let r = rt
                .deploy(env, verifydata, msg, ctx)
                .expect("deploy: node error");
            let template = r.result.as_ref().ok().copied();
            Outcome {
                result: r.result.map(|_| ()),
                gas: r.gas_used.0,
                returndata: vec![],
                touched: 0,
                template,
                account: None,
            }
        }
    }
}

// ----- workloads ----------------------------------------------------------------------------

/// How every receipt of a workload must end.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Success,
    /// A trap whose message contains this text.
    Trap(&'static str),
}

impl Expect {
    fn holds(&self, result: &Result<(), Failure>) -> bool {
        match (self, result) {
            (Expect::Success, Ok(())) => true,
            (Expect::Trap(text), Err(Failure::Trap(msg))) => msg.contains(text),
            _ => false,
        }
    }
}

type Check = fn(&Outcome) -> Result<(), String>;
type Make = Box<dyn FnMut(u64) -> Vec<TxSpec>>;

struct Workload {
    name: &'static str,
    /// "ordinary", or the finding of the security review it triggers.
    finding: &'static str,
    cache_bytes: usize,
    expect: Expect,
    /// A further check of each receipt.
    check: Option<Check>,
    /// Every transaction must load its module from the artifact tier (C2).
    artifact_loads: bool,
    /// The transactions of run `rep` (each run gets a new `rep`, so fresh resources stay
    /// fresh).
    make: Make,
}

impl Workload {
    fn new(name: &'static str, finding: &'static str, make: Make) -> Self {
        Workload {
            name,
            finding,
            cache_bytes: CacheConfig::default().memory_bytes,
            expect: Expect::Success,
            check: None,
            artifact_loads: false,
            make,
        }
    }

    fn expect(mut self, e: Expect) -> Self {
        self.expect = e;
        self
    }

    fn check(mut self, c: Check) -> Self {
        self.check = Some(c);
        self
    }
}

fn u32_le(v: u32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn u64_le(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn two_u32(a: u32, b: u32) -> Vec<u8> {
    let mut v = u32_le(a);
    v.extend_from_slice(&b.to_le_bytes());
    v
}

/// `(base u64, count u32)` calldata of the probe template.
fn base_count(base: u64, count: u32) -> Vec<u8> {
    let mut v = u64_le(base);
    v.extend_from_slice(&count.to_le_bytes());
    v
}

/// The `balances` returndata: (sum, number of zero balances).
fn balances_out(o: &Outcome) -> (u64, u32) {
    let r = &o.returndata;
    if r.len() != 12 {
        return (0, u32::MAX);
    }
    (
        u64::from_le_bytes(r[..8].try_into().unwrap()),
        u32::from_le_bytes(r[8..].try_into().unwrap()),
    )
}

/// Everything setup made that the workloads use.
struct Fixture {
    accounts: u64,
    /// Ordinary workloads use one instance per transaction of a batch, as transactions on a
    /// chain touch many accounts: cold runs find every one of them cold.
    counters: Vec<Address>,
    wallets: Vec<Address>,
    computes: Vec<Address>,
    storages: Vec<Address>,
    c1: Address,
    c1_pages: u32,
    m4_pool: Vec<Address>,
    c2: Vec<Address>,
    c3: Address,
    h1: Address,
    probe: Address,
    verify_probe: Address,
    verify_loop: Address,
    crypto: Address,
    l1: Address,
    /// The funded accounts, highest address first (M5).
    descending: Vec<Address>,
    /// The maps contract, and the entries of its map (keys `0..map_entries`).
    maps: Address,
    map_entries: u64,
    /// Accounts of the calls template: the callers, then one per frame of a full chain.
    calls: Vec<Address>,
    /// The events contract.
    events: Address,
}

/// Transactions per batch of the wallet and storage workloads (the counter runs twice as many).
const ORDINARY_BATCH: u64 = 50;
const M4_PAGES: u32 = 64;
const M4_BATCH: u64 = 2;
const H4_LOOKUPS: u32 = 1000;
const H4_CREATES: u32 = 500;
const M5_RECIPIENTS: usize = 1000;
const L1_DIVS: usize = 40_000;
const ED_CHECKS: u32 = 200;
/// Loop rounds of the spinning verify: most of `max_verify_gas` (10^6).
const VERIFY_SPINS: u32 = 120_000;
/// Balances the probing verify reads: most of `max_verify_gas` at ~5,450 gas each.
const VERIFY_LOOKUPS: u32 = 160;
const SECP_CHECKS: u32 = 100;
const COMPUTE_ROUNDS: u32 = 20_000;
/// Map entries set per transaction while filling the maps contract.
const MAP_FILL_TX: u64 = 2_000;
const MAP_SETS: u32 = 200;
const MAP_GETS: u32 = 500;
/// Keys removed, then walked over this many times: `MAP_REMOVED^2` steps.
const MAP_REMOVED: u32 = 100;
const MAP_WALK: u32 = 1_000;
/// Calls of a fan-out transaction.
const CALL_FANOUT: u32 = 500;
/// Failing callees (4 dirty pages each) called by one transaction.
const CALL_DIRTY_FAILS: u32 = 100;
/// Nested-chain transactions per batch (each `max_call_depth + 1` frames).
const CALL_CHAINS: u64 = 20;
/// Accounts of the calls template (one per frame of a full chain, and the callers).
const CALL_ACCOUNTS: usize = 20;

/// A range start in `0..accounts` for run `rep` of `count` consecutive accounts.
fn range_start(accounts: u64, rep: u64, count: u64) -> u64 {
    (rep * count) % (accounts - count.min(accounts) + 1)
}

fn workloads(f: &Fixture, opts: &Opts) -> Vec<Workload> {
    let n = f.accounts;
    let mut w = Vec::new();

    // ----- ordinary
    let counters = f.counters.clone();
    w.push(Workload::new(
        "counter add x100 (100 counters)",
        "ordinary",
        Box::new(move |_| {
            counters
                .iter()
                .map(|&c| TxSpec::call(c, "add", u64_le(1)))
                .collect()
        }),
    ));
    let wallets = f.wallets.clone();
    w.push(Workload::new(
        "wallet transfer (verify) x50 (50 wallets)",
        "ordinary",
        Box::new(move |rep| {
            (0..ORDINARY_BATCH)
                .map(|k| {
                    let wallet = wallets[k as usize];
                    let mut calldata = account((rep * ORDINARY_BATCH + k) % n).as_bytes().to_vec();
                    calldata.extend_from_slice(&10u64.to_le_bytes());
                    TxSpec::call(wallet, "transfer", calldata).by(wallet, u64_le(WALLET_SECRET))
                })
                .collect()
        }),
    ));
    let computes = f.computes.clone();
    w.push(Workload::new(
        "compute loop 20k rounds x5 (5 accounts)",
        "ordinary",
        Box::new(move |_| {
            computes
                .iter()
                .map(|&c| TxSpec::call(c, "run", u32_le(COMPUTE_ROUNDS)))
                .collect()
        }),
    ));
    let storages = f.storages.clone();
    w.push(Workload::new(
        "storage rw 5 vars x50 (50 accounts)",
        "ordinary",
        Box::new(move |_| {
            storages
                .iter()
                .map(|&s| TxSpec::call(s, "run", vec![]))
                .collect()
        }),
    ));

    // ----- C1: 1-byte writes to an account with many non-zero pages
    let (c1, pages) = (f.c1, f.c1_pages);
    w.push(Workload::new(
        "C1 1-byte write, 4096-page account x20",
        "C1",
        Box::new(move |rep| {
            (0..20)
                .map(|k| {
                    let page = ((rep * 20 + k) * 97 % u64::from(pages)) as u32;
                    let value = ((rep * 20 + k) % 255 + 1) as u32;
                    TxSpec::call(c1, "poke", two_u32(page, value))
                })
                .collect()
        }),
    ));

    // ----- C2: round-robin over many large templates, memory tier too small to hold one
    let c2 = f.c2.clone();
    let mut c2w = Workload::new(
        "C2 round-robin calls, artifact loads",
        "C2",
        Box::new(move |rep| {
            (0..c2.len())
                .map(|k| TxSpec::call(c2[(k + rep as usize) % c2.len()], "run", vec![]))
                .collect()
        }),
    );
    c2w.cache_bytes = C2_MEMORY_BYTES;
    c2w.artifact_loads = true;
    w.push(c2w);

    // ----- C3: the largest template record, trivial function
    let c3 = f.c3;
    w.push(Workload::new(
        "C3 max layout/API/ctors, trivial call x5",
        "C3",
        Box::new(move |_| vec![TxSpec::call(c3, "run", vec![]); 5]),
    ));

    // ----- H1
    let h1 = f.h1;
    w.push(Workload::new(
        "H1 table.grow 4096 x20",
        "H1",
        Box::new(move |_| vec![TxSpec::call(h1, "grow", vec![]); 20]),
    ));
    w.push(Workload::new(
        "H1 svm_storage_read 4 MiB x2",
        "H1",
        Box::new(move |_| vec![TxSpec::call(h1, "read", vec![]); 2]),
    ));
    w.push(Workload::new(
        "H1 svm_load 4 MiB variable x2",
        "H1",
        Box::new(move |_| vec![TxSpec::call(h1, "load", vec![]); 2]),
    ));

    // ----- H4
    let probe = f.probe;
    w.push(
        Workload::new(
            "H4 balance_of 1000 existing x2",
            "H4",
            Box::new(move |rep| {
                (0..2)
                    .map(|k| {
                        let base = range_start(n, rep * 2 + k, u64::from(H4_LOOKUPS));
                        TxSpec::call(probe, "balances", base_count(base, H4_LOOKUPS))
                    })
                    .collect()
            }),
        )
        .check(|o| match balances_out(o) {
            (sum, 0) if sum > 0 => Ok(()),
            (sum, zeros) => Err(format!("existing accounts: sum {sum}, {zeros} zero")),
        }),
    );
    w.push(
        Workload::new(
            "H4 balance_of 1000 fresh x2",
            "H4",
            Box::new(move |rep| {
                (0..2)
                    .map(|k| {
                        let base = FRESH_BALANCES + (rep * 2 + k) * u64::from(H4_LOOKUPS);
                        TxSpec::call(probe, "balances", base_count(base, H4_LOOKUPS))
                    })
                    .collect()
            }),
        )
        .check(|o| match balances_out(o) {
            (0, zeros) if zeros == H4_LOOKUPS => Ok(()),
            (sum, zeros) => Err(format!("fresh addresses: sum {sum}, {zeros} zero")),
        }),
    );
    w.push(
        Workload::new(
            "H4 transfer 1 coin to 500 fresh",
            "H4",
            Box::new(move |rep| {
                let mut calldata =
                    base_count(FRESH_CREATE + rep * u64::from(H4_CREATES), H4_CREATES);
                calldata.extend_from_slice(&1u64.to_le_bytes());
                vec![TxSpec::call(probe, "pay", calldata)]
            }),
        )
        .check(|o| {
            // the principal, the probe and every new account
            if o.touched == H4_CREATES as usize + 2 {
                Ok(())
            } else {
                Err(format!("{} touched accounts", o.touched))
            }
        }),
    );

    // ----- M4: 1-byte writes each dirtying a fresh page (of a fresh account every tx)
    let pool = f.m4_pool.clone();
    w.push(Workload::new(
        "M4 64 fresh pages, 1 byte each x2",
        "M4",
        Box::new(move |rep| {
            (0..M4_BATCH)
                .map(|k| {
                    let i = (rep * M4_BATCH + k) as usize;
                    let target = *pool
                        .get(i)
                        .unwrap_or_else(|| panic!("M4 pool of {} exhausted", pool.len()));
                    TxSpec::call(target, "touch", two_u32(0, M4_PAGES))
                })
                .collect()
        }),
    ));

    // ----- M5: transfers to 1,000 recipients in descending address order
    let descending = f.descending.clone();
    w.push(
        Workload::new(
            "M5 transfer to 1000, descending",
            "M5",
            Box::new(move |rep| {
                let start =
                    range_start(descending.len() as u64, rep, M5_RECIPIENTS as u64) as usize;
                let calldata: Vec<u8> = descending[start..start + M5_RECIPIENTS]
                    .iter()
                    .flat_map(|a| a.as_bytes().to_vec())
                    .collect();
                vec![TxSpec::call(probe, "pay_list", calldata)]
            }),
        )
        .check(|o| {
            // the principal, the probe and every recipient
            if o.touched == M5_RECIPIENTS + 2 {
                Ok(())
            } else {
                Err(format!("{} touched accounts", o.touched))
            }
        }),
    );

    // ----- L1: a long straight-line block of i64.div_u ending in a trap
    let l1 = f.l1;
    w.push(
        Workload::new(
            "L1 40k i64.div_u then trap x2",
            "L1",
            Box::new(move |_| {
                let mut calldata = u64_le(u64::MAX - 12_345);
                calldata.extend_from_slice(&7u64.to_le_bytes());
                vec![TxSpec::call(l1, "run", calldata); 2]
            }),
        )
        .expect(Expect::Trap("unreachable")),
    );

    // ----- verify: the principal's svm_verify uses most of its budget, then accepts (a
    // refused verify admits nothing and is charged nothing: a node does not include it)
    let vl = f.verify_loop;
    w.push(Workload::new(
        "verify spin near budget x5",
        "verify",
        Box::new(move |_| vec![TxSpec::call(vl, "noop", vec![]).by(vl, u32_le(VERIFY_SPINS)); 5]),
    ));
    let vp = f.verify_probe;
    w.push(Workload::new(
        "verify balance_of near budget x5",
        "verify",
        Box::new(move |rep| {
            (0..5)
                .map(|k| {
                    let base = range_start(n, rep * 5 + k, 200);
                    TxSpec::call(vp, "balances", base_count(0, 0))
                        .by(vp, base_count(base, VERIFY_LOOKUPS))
                })
                .collect()
        }),
    ));

    // ----- crypto: the hash and signature host functions (a price each, calibrated here)
    let cr = f.crypto;
    let ed = {
        use ed25519_dalek::{Signer, SigningKey};
        let key = SigningKey::from_bytes(&[9; 32]);
        let msg = [0x5au8; 32];
        let sig = key.sign(&msg).to_bytes();
        let mut c = u32_le(ED_CHECKS);
        c.extend_from_slice(&key.verifying_key().to_bytes());
        c.extend_from_slice(&sig);
        c.extend_from_slice(&msg);
        c
    };
    w.push(Workload::new(
        "ed25519 verify x200, 32-byte message",
        "crypto",
        Box::new(move |_| vec![TxSpec::call(cr, "ed", ed.clone())]),
    ));
    let secp = {
        use k256::ecdsa::{Signature, SigningKey, signature::hazmat::PrehashSigner};
        let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
        let hash = [0x42u8; 32];
        let sig: Signature = key.sign_prehash(&hash).unwrap();
        let sig = sig.normalize_s().unwrap_or(sig);
        let mut c = u32_le(SECP_CHECKS);
        c.extend_from_slice(key.verifying_key().to_encoded_point(true).as_bytes());
        c.extend_from_slice(&sig.to_bytes());
        c.extend_from_slice(&hash);
        c
    };
    w.push(Workload::new(
        "secp256k1 verify x100",
        "crypto",
        Box::new(move |_| vec![TxSpec::call(cr, "secp", secp.clone())]),
    ));
    for (name, which, len, count) in [
        ("sha3-256 of 32 KiB x100", 0u32, 32_768u32, 100u32),
        ("keccak-256 of 32 KiB x100", 1, 32_768, 100),
        ("blake3 of 32 KiB x100", 2, 32_768, 100),
        ("sha3-256 of 32 bytes x5000", 0, 32, 5_000),
    ] {
        let mut c = u32_le(count);
        c.extend_from_slice(&which.to_le_bytes());
        c.extend_from_slice(&len.to_le_bytes());
        w.push(Workload::new(
            name,
            "crypto",
            Box::new(move |_| vec![TxSpec::call(cr, "hash", c.clone())]),
        ));
    }

    // ----- collections (issue 16): one map of `map_entries` entries
    let (maps, entries) = (f.maps, f.map_entries);
    w.push(Workload::new(
        "map set 200 fresh keys (100k-entry map)",
        "maps",
        Box::new(move |rep| {
            let seed = (rep + 1) << 32;
            vec![TxSpec::call(maps, "set_mixed", base_count(seed, MAP_SETS))]
        }),
    ));
    w.push(Workload::new(
        "map get 500 present keys (100k-entry map)",
        "maps",
        Box::new(move |rep| {
            let mut calldata = base_count(rep << 20, MAP_GETS);
            calldata.extend_from_slice(&((entries / 2) as u32).to_le_bytes());
            vec![TxSpec::call(maps, "get_mixed", calldata)]
        }),
    ));
    w.push(Workload::new(
        "map remove 100, walk over them x100",
        "maps",
        Box::new(move |rep| {
            // keys above `entries / 2` (the reads' keys stay present), a fresh range per run
            let base = entries / 2 + (rep * u64::from(MAP_REMOVED) * 2) % (entries / 4);
            let mut calldata = base_count(base, MAP_REMOVED);
            calldata.extend_from_slice(&MAP_REMOVED.to_le_bytes());
            vec![TxSpec::call(maps, "remove_walk", calldata)]
        }),
    ));
    w.push(Workload::new(
        "map walk 1000 entries",
        "maps",
        Box::new(move |rep| {
            let base = (rep * 7919) % (entries / 2);
            vec![TxSpec::call(maps, "walk", base_count(base, MAP_WALK))]
        }),
    ));

    // ----- contract-to-contract calls (issue 17)
    let calls = f.calls.clone();
    let (caller, callee) = (calls[0], calls[1]);
    w.push(Workload::new(
        "call fan-out x500 to a trivial callee",
        "calls",
        Box::new(move |_| {
            let mut calldata = two_u32(CALL_FANOUT, 0);
            calldata.extend_from_slice(callee.as_bytes());
            vec![TxSpec::call(caller, "fanout", calldata)]
        }),
    ));
    let chain = calls.clone();
    w.push(Workload::new(
        "call chains 17 frames deep x20",
        "calls",
        Box::new(move |rep| {
            (0..CALL_CHAINS)
                .map(|k| {
                    // a different rotation of the accounts per transaction
                    let start = ((rep + k) as usize) % chain.len();
                    let order: Vec<Address> =
                        (0..17).map(|i| chain[(start + i) % chain.len()]).collect();
                    let calldata: Vec<u8> = order[1..]
                        .iter()
                        .flat_map(|a| a.as_bytes().to_vec())
                        .collect();
                    TxSpec::call(order[0], "chain", calldata)
                })
                .collect()
        }),
    ));
    w.push(Workload::new(
        "failing callee, 4 dirty pages each x100",
        "calls",
        Box::new(move |_| {
            let mut calldata = u32_le(CALL_DIRTY_FAILS);
            calldata.extend_from_slice(callee.as_bytes());
            vec![TxSpec::call(caller, "dirty_fail", calldata)]
        }),
    ));
    let queuers = calls.clone();
    w.push(Workload::new(
        "async calls with callbacks, 16 per tx x10",
        "calls",
        Box::new(move |rep| {
            (0..10)
                .map(|k| {
                    let i = ((rep * 10 + k) as usize) % queuers.len();
                    let mut calldata = u32_le(16);
                    calldata.extend_from_slice(queuers[(i + 1) % queuers.len()].as_bytes());
                    TxSpec::call(queuers[i], "queue", calldata)
                })
                .collect()
        }),
    ));
    let c2 = f.c2.clone();
    let mut c2calls = Workload::new(
        "C2 through calls: round-robin, artifact loads",
        "calls",
        Box::new(move |rep| {
            let mut calldata = two_u32(c2.len() as u32, 1);
            for k in 0..c2.len() {
                calldata.extend_from_slice(c2[(k + rep as usize) % c2.len()].as_bytes());
            }
            vec![TxSpec::call(caller, "fanout", calldata)]
        }),
    );
    c2calls.cache_bytes = C2_MEMORY_BYTES;
    w.push(c2calls);

    // ----- events (issue 17): kept one layer, so each run's commit also deletes the
    // previous run's events
    let events = f.events;
    for (name, count, topics, len) in [
        (
            "events x500, 4 topics + 256 bytes, kept 1 layer",
            500u32,
            4u32,
            256u32,
        ),
        ("events x2000, no topic, 8 bytes, kept 1 layer", 2_000, 0, 8),
    ] {
        let mut calldata = two_u32(count, topics);
        calldata.extend_from_slice(&len.to_le_bytes());
        calldata.extend_from_slice(&1u64.to_le_bytes());
        w.push(Workload::new(
            name,
            "events",
            Box::new(move |_| vec![TxSpec::call(events, "emit_many", calldata.clone())]),
        ));
    }

    // ----- deploy: compile rate
    let kib = opts.template_kib;
    w.push(Workload::new(
        "deploy large template",
        "deploy",
        Box::new(move |rep| {
            let msg = templates::deploy_message(
                &templates::big_module(1_000_000 + rep, kib),
                &[8],
                &["init".to_string()],
                None,
            );
            vec![TxSpec::deploy(msg.encode())]
        }),
    ));
    w
}

// ----- setup --------------------------------------------------------------------------------

fn progress(what: impl std::fmt::Display) {
    eprintln!("[gas bench] {what}");
}

fn setup(node: &mut Node, opts: &Opts) -> Fixture {
    let started = Instant::now();
    let n = opts.accounts;
    node.open_layer();
    node.fund(&ALICE, u64::MAX / 4);
    node.commit();
    let mut i = 0;
    while i < n {
        let end = (i + FUND_LAYER).min(n);
        node.open_layer();
        for x in i..end {
            node.fund(&account(x), FUND + x);
        }
        node.commit();
        i = end;
        progress(format_args!("setup: {end}/{n} accounts funded"));
    }

    let limits = TxLimits::default();
    let codec = CodecLimits::DEFAULT;
    node.open_layer();
    let init = ["init".to_string()];
    let msg = |wat: &str, vars: &[u32]| templates::deploy_message(wat, vars, &init, None);

    let t = node.deploy(&COUNTER.deploy_message().unwrap(), "counter");
    let counters = (0..2 * ORDINARY_BATCH)
        .map(|_| node.spawn(t, "initialize", u64_le(0)))
        .collect();
    let t = node.deploy(&WALLET.deploy_message().unwrap(), "wallet");
    let wallets: Vec<Address> = (0..ORDINARY_BATCH)
        .map(|_| node.spawn(t, "init", u64_le(WALLET_SECRET)))
        .collect();
    for w in &wallets {
        node.fund(w, RICH);
    }
    let t = node.deploy(&msg(templates::COMPUTE, &[8]), "compute");
    let computes = (0..5).map(|_| node.spawn(t, "init", vec![])).collect();
    let t = node.deploy(&msg(templates::STORAGE, &[8, 8, 8, 32, 32]), "storage");
    let storages = (0..ORDINARY_BATCH)
        .map(|_| node.spawn(t, "init", vec![]))
        .collect();

    // C1 and M4: one variable as large as the layout limit allows
    let c1_pages = limits.max_layout_bytes / PAGE;
    let t = node.deploy(&msg(templates::PAGES, &[limits.max_layout_bytes]), "pages");
    let c1 = node.spawn(t, "init", vec![]);
    let m4_runs = (opts.cold_reps + opts.reps + 1) as u64 * M4_BATCH;
    let m4_pool: Vec<Address> = (0..m4_runs)
        .map(|_| node.spawn(t, "init", vec![]))
        .collect();
    node.commit();
    let mut page = 0;
    while page < c1_pages {
        let count = 512.min(c1_pages - page);
        node.open_layer();
        node.run_ok(
            TxSpec::call(c1, "fill", two_u32(page, count)),
            "fill the C1 account",
        );
        node.commit();
        page += count;
    }
    progress(format_args!(
        "setup: C1 account has {c1_pages} non-zero pages"
    ));

    node.open_layer();
    let t = node.deploy(&msg(templates::H1, &[4 << 20]), "h1");
    let h1 = node.spawn(t, "init", vec![]);
    node.run_ok(TxSpec::call(h1, "fill", vec![]), "fill the H1 variable");

    let t = node.deploy(&msg(&templates::probe(), &[8]), "probe");
    let probe = node.spawn(t, "init", vec![]);
    node.fund(&probe, RICH);
    let verify_probe = node.spawn(t, "init", vec![]);
    node.fund(&verify_probe, RICH);
    let t = node.deploy(&msg(templates::VERIFY_LOOP, &[8]), "verify_loop");
    let verify_loop = node.spawn(t, "init", vec![]);
    node.fund(&verify_loop, RICH);
    let t = node.deploy(&msg(templates::CRYPTO, &[8]), "crypto");
    let crypto = node.spawn(t, "init", vec![]);

    let l1_msg = msg(&templates::l1_module(L1_DIVS), &[8]);
    let l1_size = l1_msg.code.code.len();
    let t = node.deploy(&l1_msg, "l1");
    let l1 = node.spawn(t, "init", vec![]);

    let c3_msg = templates::c3_message(&codec, limits.max_layout_bytes);
    let c3_record = c3_msg.encode().len();
    let t = node.deploy(&c3_msg, "c3");
    let c3 = node.spawn(t, c3_msg.ctors[0].as_str(), vec![]);
    node.commit();
    progress(format_args!(
        "setup: L1 code {} KiB, C3 deploy message {} KiB",
        l1_size / 1024,
        c3_record / 1024
    ));

    let mut c2 = Vec::new();
    let mut c2_size = 0;
    for k in 0..opts.templates {
        node.open_layer();
        let m = msg(&templates::big_module(k as u64, opts.template_kib), &[8]);
        c2_size = m.code.code.len();
        let t = node.deploy(&m, "c2");
        c2.push(node.spawn(t, "init", vec![]));
        node.commit();
    }
    progress(format_args!(
        "setup: {} C2 templates of {} KiB of Wasm",
        opts.templates,
        c2_size / 1024
    ));

    // the Rust and WAT address functions agree: the probe finds the funded accounts
    node.open_layer();
    let k = 16.min(n) as u32;
    let out = node.run_ok(TxSpec::call(probe, "balances", base_count(0, k)), "probe");
    let expected: u64 = (0..u64::from(k)).map(|x| FUND + x).sum();
    assert_eq!(
        balances_out(&out),
        (expected, 0),
        "account addresses disagree"
    );
    node.commit();

    // a map of `opts.map_entries` entries, filled a layer of 10 transactions at a time
    node.open_layer();
    let t = node.deploy(&msg(templates::MAPS, &[8]), "maps");
    let maps = node.spawn(t, "init", vec![]);
    node.commit();
    let mut filled = 0;
    while filled < opts.map_entries {
        node.open_layer();
        for _ in 0..10 {
            let count = MAP_FILL_TX.min(opts.map_entries - filled);
            if count > 0 {
                node.run_ok(
                    TxSpec::call(maps, "fill", base_count(filled, count as u32)),
                    "fill the map",
                );
            }
            filled += count;
        }
        node.commit();
        progress(format_args!(
            "setup: map {filled}/{} entries",
            opts.map_entries
        ));
    }

    // the calls template: layout of 4 pages (the failing callee writes each)
    node.open_layer();
    let t = node.deploy(&msg(templates::CALLS, &[16_384]), "calls");
    let calls: Vec<Address> = (0..CALL_ACCOUNTS)
        .map(|_| node.spawn(t, "init", vec![]))
        .collect();
    let t = node.deploy(&msg(templates::EVENTS, &[8]), "events");
    let events = node.spawn(t, "init", vec![]);
    node.commit();

    let mut descending: Vec<Address> = (0..n).map(account).collect();
    descending.sort_unstable_by(|a, b| b.cmp(a));
    progress(format_args!(
        "setup done in {:.1} s; store {} MiB, artifacts {} MiB",
        started.elapsed().as_secs_f64(),
        dir_size(&node.dir.join("db")) >> 20,
        dir_size(&node.dir.join("modules")) >> 20
    ));
    // RocksDB compacts the setup's writes in background threads for a while; measured
    // under that, the first workloads would pay for it (C1 measured 2x slower right after
    // setup than alone). Let it settle before timing anything.
    let settle: u64 = std::env::var("SVM_GAS_BENCH_SETTLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    progress(format_args!("letting the store settle for {settle} s"));
    std::thread::sleep(Duration::from_secs(settle));
    Fixture {
        accounts: n,
        counters,
        wallets,
        computes,
        storages,
        c1,
        c1_pages,
        m4_pool,
        c2,
        c3,
        h1,
        probe,
        verify_probe,
        verify_loop,
        crypto,
        l1,
        descending,
        maps,
        map_entries: opts.map_entries,
        calls,
        events,
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

// ----- measuring ----------------------------------------------------------------------------

struct Sample {
    wall: Duration,
    commit: Duration,
    gas: u64,
    txs: usize,
}

/// One timed run: the transactions of `specs` and the commit of their layer.
fn measure(node: &mut Node, w: &Workload, specs: Vec<TxSpec>) -> Sample {
    node.open_layer();
    let mut nonces: BTreeMap<Address, Nonce> = BTreeMap::new();
    let mut prepared = Vec::with_capacity(specs.len());
    for spec in &specs {
        let nonce = match nonces.get(&spec.principal) {
            Some(n) => *n,
            None => node.nonce(&spec.principal),
        };
        nonces.insert(spec.principal, Nonce(nonce.0 + 1));
        let (ty, env, msg) = spec.prepare(nonce);
        let ctx = node.context(&env, &spec.verifydata, &msg);
        prepared.push((ty, env, spec.verifydata.clone(), msg, ctx));
    }
    let before = node.rt().cache_stats();
    let rt = node.rt();
    let start = Instant::now();
    let mut outcomes = Vec::with_capacity(prepared.len());
    for (ty, env, verifydata, msg, ctx) in &prepared {
        outcomes.push(execute(rt, *ty, env, verifydata, msg, ctx));
    }
    let commit_start = Instant::now();
    rt.commit().expect("commit");
    let end = Instant::now();
    let after = rt.cache_stats();

    for (i, o) in outcomes.iter().enumerate() {
        if !w.expect.holds(&o.result) {
            panic!(
                "{}: transaction {i}: expected {:?}, got {:?}",
                w.name, w.expect, o.result
            );
        }
        if let Some(check) = w.check
            && let Err(e) = check(o)
        {
            panic!("{}: transaction {i}: {e}", w.name);
        }
    }
    assert_eq!(
        after.recompiled, before.recompiled,
        "{}: a module was compiled on the call path",
        w.name
    );
    if w.artifact_loads {
        assert_eq!(
            after.artifact - before.artifact,
            outcomes.len() as u64,
            "{}: every call loads its module from the artifact tier",
            w.name
        );
    }
    Sample {
        wall: end - start,
        commit: end - commit_start,
        gas: outcomes.iter().map(|o| o.gas).sum(),
        txs: outcomes.len(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Cold,
    Warm,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Cold => "cold",
            Mode::Warm => "warm",
        }
    }
}

struct Row {
    name: String,
    finding: &'static str,
    mode: Mode,
    txs: usize,
    runs: usize,
    gas: u64,
    wall_ns: f64,
    commit_ns: f64,
    ns_per_gas: f64,
}

impl Row {
    fn ordinary(&self) -> bool {
        self.finding == "ordinary"
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn row(w: &Workload, mode: Mode, samples: &[Sample]) -> Row {
    let ns = |d: Duration| d.as_nanos() as f64;
    Row {
        name: w.name.to_string(),
        finding: w.finding,
        mode,
        txs: samples[0].txs,
        runs: samples.len(),
        gas: median(samples.iter().map(|s| s.gas as f64).collect()) as u64,
        wall_ns: median(samples.iter().map(|s| ns(s.wall)).collect()),
        commit_ns: median(samples.iter().map(|s| ns(s.commit)).collect()),
        ns_per_gas: median(
            samples
                .iter()
                .map(|s| ns(s.wall) / s.gas.max(1) as f64)
                .collect(),
        ),
    }
}

/// The time of opening and committing an empty layer (the fixed part of every run).
fn empty_layer(node: &mut Node, mode: Mode, runs: usize) -> f64 {
    let mut times = Vec::new();
    for _ in 0..runs {
        if mode == Mode::Cold {
            node.reopen(CacheConfig::default().memory_bytes);
        }
        node.open_layer();
        let start = Instant::now();
        node.commit();
        times.push(start.elapsed().as_nanos() as f64);
    }
    median(times)
}

// ----- report -------------------------------------------------------------------------------

struct Summary {
    mode: Mode,
    ordinary_median: f64,
    worst: Option<(String, f64)>,
    max: Option<(String, f64)>,
}

fn summarize(rows: &[Row], mode: Mode) -> Summary {
    let of_mode: Vec<&Row> = rows.iter().filter(|r| r.mode == mode).collect();
    let ordinary_median = median(
        of_mode
            .iter()
            .filter(|r| r.ordinary())
            .map(|r| r.ns_per_gas)
            .collect(),
    );
    let pick = |it: &mut dyn Iterator<Item = &&Row>| {
        it.max_by(|a, b| a.ns_per_gas.total_cmp(&b.ns_per_gas))
            .map(|r| (r.name.clone(), r.ns_per_gas))
    };
    let worst = pick(&mut of_mode.iter().filter(|r| !r.ordinary()))
        .map(|(name, v)| (name, v / ordinary_median));
    let max = pick(&mut of_mode.iter());
    Summary {
        mode,
        ordinary_median,
        worst,
        max,
    }
}

fn print_table(rows: &[Row], summaries: &[Summary], empty: &[(Mode, f64)]) {
    println!();
    println!(
        "{:<42} {:<8} {:<4} {:>4} {:>13} {:>10} {:>10} {:>8} {:>8}",
        "workload", "finding", "mode", "txs", "gas", "wall ms", "commit ms", "ns/gas", "ratio"
    );
    for r in rows {
        let base = summaries
            .iter()
            .find(|s| s.mode == r.mode)
            .map_or(f64::NAN, |s| s.ordinary_median);
        println!(
            "{:<42} {:<8} {:<4} {:>4} {:>13} {:>10.3} {:>10.3} {:>8.3} {:>8.2}",
            r.name,
            r.finding,
            r.mode.name(),
            r.txs,
            r.gas,
            r.wall_ns / 1e6,
            r.commit_ns / 1e6,
            r.ns_per_gas,
            r.ns_per_gas / base
        );
    }
    println!();
    for (mode, ns) in empty {
        println!(
            "empty layer commit ({}): {:.3} ms (included in every run's wall time)",
            mode.name(),
            ns / 1e6
        );
    }
    for s in summaries {
        println!(
            "{}: median ordinary {:.3} ns/gas; worst adversarial ratio {}; max ns/gas {}",
            s.mode.name(),
            s.ordinary_median,
            s.worst
                .as_ref()
                .map_or("-".into(), |(n, v)| format!("{v:.2}x ({n})")),
            s.max
                .as_ref()
                .map_or("-".into(), |(n, v)| format!("{v:.3} ({n})")),
        );
    }
    let worst = summaries
        .iter()
        .filter_map(|s| s.worst.as_ref().map(|w| (s.mode, w)))
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1));
    let max = summaries
        .iter()
        .filter_map(|s| s.max.as_ref().map(|m| (s.mode, m)))
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1));
    if let (Some((wm, (wn, wv))), Some((mm, (mn, mv)))) = (worst, max) {
        println!(
            "overall: worst ratio {wv:.2}x ({wn}, {}); max {mv:.3} ns/gas ({mn}, {})",
            wm.name(),
            mm.name()
        );
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "null".into()
    }
}

fn write_json(
    path: &Path,
    opts: &Opts,
    rows: &[Row],
    summaries: &[Summary],
    empty: &[(Mode, f64)],
) {
    let mut out = String::from("{\n");
    let _ = writeln!(
        out,
        "  \"config\": {{\"accounts\": {}, \"warm_reps\": {}, \"cold_reps\": {}, \
         \"c2_templates\": {}, \"template_kib\": {}}},",
        opts.accounts, opts.reps, opts.cold_reps, opts.templates, opts.template_kib
    );
    out.push_str("  \"empty_layer_commit_ns\": {");
    let parts: Vec<String> = empty
        .iter()
        .map(|(m, ns)| format!("{}: {}", json_str(m.name()), json_num(*ns)))
        .collect();
    out.push_str(&parts.join(", "));
    out.push_str("},\n  \"results\": [\n");
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "    {{\"name\": {}, \"finding\": {}, \"ordinary\": {}, \"mode\": {}, \
                 \"txs\": {}, \"runs\": {}, \"gas\": {}, \"wall_ns\": {}, \"commit_ns\": {}, \
                 \"ns_per_gas\": {}}}",
                json_str(&r.name),
                json_str(r.finding),
                r.ordinary(),
                json_str(r.mode.name()),
                r.txs,
                r.runs,
                r.gas,
                json_num(r.wall_ns),
                json_num(r.commit_ns),
                json_num(r.ns_per_gas)
            )
        })
        .collect();
    out.push_str(&parts.join(",\n"));
    out.push_str("\n  ],\n  \"summary\": {\n");
    let parts: Vec<String> = summaries
        .iter()
        .map(|s| {
            let named = |v: &Option<(String, f64)>, key: &str| match v {
                Some((n, v)) => format!(
                    "\"{key}\": {}, \"{key}_workload\": {}",
                    json_num(*v),
                    json_str(n)
                ),
                None => format!("\"{key}\": null, \"{key}_workload\": null"),
            };
            format!(
                "    {}: {{\"ordinary_median_ns_per_gas\": {}, {}, {}}}",
                json_str(s.mode.name()),
                json_num(s.ordinary_median),
                named(&s.worst, "worst_ratio"),
                named(&s.max, "max_ns_per_gas")
            )
        })
        .collect();
    out.push_str(&parts.join(",\n"));
    out.push_str("\n  }\n}\n");
    std::fs::write(path, out).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    progress(format_args!("wrote {}", path.display()));
}

// ----- main ---------------------------------------------------------------------------------

fn main() {
    let opts = Opts::parse();
    let tmp = match &opts.dir {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temporary directory");
    progress(format_args!(
        "store in {}, {} accounts, {} cold and {} warm runs per workload",
        tmp.path().display(),
        opts.accounts,
        opts.cold_reps,
        opts.reps
    ));
    let mut node = Node::new(tmp.path().to_path_buf());
    let fixture = setup(&mut node, &opts);

    let mut rows = Vec::new();
    let list = workloads(&fixture, &opts);
    let total = list.len();
    for (i, mut w) in list.into_iter().enumerate() {
        if let Some(f) = &opts.filter
            && !w.name.contains(f.as_str())
            && w.finding != f
        {
            continue;
        }
        // RocksDB's background work for earlier workloads' writes is not this one's
        let waited = std::time::Instant::now();
        let settled = node
            .rt()
            .state()
            .kv()
            .settle(Duration::from_secs(120))
            .expect("the store settles");
        if !settled || waited.elapsed() > Duration::from_secs(1) {
            progress(format_args!(
                "waited {:.1} s for RocksDB's background work (settled: {settled})",
                waited.elapsed().as_secs_f64()
            ));
        }
        let mut rep = 0u64;
        let mut cold = Vec::new();
        for _ in 0..opts.cold_reps {
            node.reopen(w.cache_bytes);
            let specs = (w.make)(rep);
            rep += 1;
            cold.push(measure(&mut node, &w, specs));
        }
        node.reopen(w.cache_bytes);
        let specs = (w.make)(rep);
        rep += 1;
        measure(&mut node, &w, specs);
        let mut warm = Vec::new();
        for _ in 0..opts.reps {
            let specs = (w.make)(rep);
            rep += 1;
            warm.push(measure(&mut node, &w, specs));
        }
        let mut line = format!("[{}/{total}] {}:", i + 1, w.name);
        for (mode, samples) in [(Mode::Cold, &cold), (Mode::Warm, &warm)] {
            if samples.is_empty() {
                continue;
            }
            let r = row(&w, mode, samples);
            let _ = write!(
                line,
                " {} {:.3} ns/gas ({} gas, {:.2} ms);",
                mode.name(),
                r.ns_per_gas,
                r.gas,
                r.wall_ns / 1e6
            );
            rows.push(r);
        }
        progress(line);
    }
    rows.sort_by_key(|r| r.mode == Mode::Warm);

    let empty = vec![
        (
            Mode::Cold,
            empty_layer(&mut node, Mode::Cold, opts.cold_reps.max(1)),
        ),
        (Mode::Warm, empty_layer(&mut node, Mode::Warm, opts.reps)),
    ];
    let summaries: Vec<Summary> = [Mode::Cold, Mode::Warm]
        .into_iter()
        .filter(|m| rows.iter().any(|r| r.mode == *m))
        .map(|m| summarize(&rows, m))
        .collect();
    print_table(&rows, &summaries, &empty);
    if let Some(path) = &opts.json {
        write_json(path, &opts, &rows, &summaries, &empty);
    }
    drop(node);
}
