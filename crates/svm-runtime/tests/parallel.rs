//! Parallel execution of a layer (`Runtime::execute_layer`): random layers give
//! byte-identical receipts and roots on 1, 2, 4 and 8 threads (memory and RocksDB); conflicts
//! are found per page, not per account; the local fee market caps a hot account while the
//! others' transactions run.

mod common;

use common::*;
use proptest::prelude::*;
use svm_codec::{CallMessage, Codec, Envelope, Receipt, RuntimeError, SpawnMessage, TxType};
use svm_kv::{KVStore, MemoryStore};
use svm_runtime::{
    LayerRun, LayerTx, RuntimeConfig, TxLimits, TxPath,
    examples::{COUNTER, FAULTY},
};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, State, TemplateAddr};

/// Two 8-byte counters on different pages (offsets 0 and 4096): `bump(calldata: u8 var)`
/// adds 1 to variable 0 (calldata empty or 0) or 2; `noop` touches no storage (a call that
/// pays coins changes only the balance).
const SLOTS: &str = r#"(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $copy (param i32 i32 i32)))
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (memory (export "memory") 1)
  (func (export "init"))
  (func (export "noop"))
  (func (export "bump") (local $var i32)
    (if (i32.gt_u (call $len) (i32.const 0))
      (then
        (call $copy (i32.const 0) (i32.const 0) (i32.const 1))
        (if (i32.load8_u (i32.const 0)) (then (local.set $var (i32.const 2))))))
    (call $store64 (local.get $var) (i64.add (call $load64 (local.get $var)) (i64.const 1)))))"#;

const PRINCIPALS: usize = 6;
const COUNTERS: usize = 4;
const RELAYS: usize = 3;

/// The accounts of a layer-1 setup every case starts from.
struct World<K: KVStore + 'static> {
    node: Node<K>,
    principals: Vec<Address>,
    counter: TemplateAddr,
    relay: TemplateAddr,
    counters: Vec<Address>,
    faulty: Address,
    relays: Vec<Address>,
    slots: Address,
}

fn principal(i: usize) -> Address {
    Address([0x10 + i as u8; 20])
}

fn setup<K: KVStore + 'static>(kv: K, config: RuntimeConfig) -> World<K> {
    let mut node = Node::new(kv, config);
    let principals: Vec<Address> = (0..PRINCIPALS).map(principal).collect();
    for p in &principals {
        node.rt.increase_balance(p, Amount(1 << 40)).unwrap();
    }
    let counter = node.deploy(&COUNTER);
    let counters = (0..COUNTERS)
        .map(|i| node.spawn(counter, "initialize", &u64_le(i as u64)))
        .collect();
    let faulty_t = node.deploy(&FAULTY);
    let faulty = node.spawn(faulty_t, "init_ok", &[]);
    let relay_t = node
        .deploy_wat(RELAY, &[8, 8, 8], &["init"], None)
        .result
        .unwrap();
    let relays = (0..RELAYS)
        .map(|_| node.spawn(relay_t, "init", &[]))
        .collect();
    let slots_t = node
        .deploy_wat(SLOTS, &[8, 4088, 8], &["init"], None)
        .result
        .unwrap();
    let slots = node.spawn(slots_t, "init", &[]);
    // a storage that is not all zeros (whether it is, a transaction can observe)
    assert!(node.call(slots, "bump", &[]).result.is_ok());
    node.next_layer();
    World {
        node,
        principals,
        counter,
        relay: relay_t,
        counters,
        faulty,
        relays,
        slots,
    }
}

/// One transaction of a random layer.
#[derive(Debug, Clone)]
enum Op {
    /// `add` of a counter, paying `amount` with it.
    Add { counter: usize, amount: u64 },
    /// `bump` of one of the two slots (different pages of one account), or (2) `noop`
    /// paying 100 coins.
    Slot { var: u8 },
    /// A faulty function: `bump`, `trap_after_write` or `infinite_loop`.
    Faulty { func: usize },
    /// A relay program: `(flags, relay)` per level.
    Relay { levels: Vec<(u8, usize)> },
    /// Spawns a new counter.
    Spawn { start: u64 },
}

#[derive(Debug, Clone)]
struct Spec {
    principal: usize,
    op: Op,
    /// A tight gas limit (some run out).
    tight: bool,
}

fn op() -> impl Strategy<Value = Op> {
    let flags = prop::sample::select(vec![0u8, TRAP, PAY, STATIC, ASYNC | SMALL, SPIN]);
    prop_oneof![
        4 => (0..COUNTERS, prop::sample::select(vec![0u64, 0, 100]))
            .prop_map(|(counter, amount)| Op::Add { counter, amount }),
        3 => (0u8..3).prop_map(|var| Op::Slot { var }),
        2 => (0usize..3).prop_map(|func| Op::Faulty { func }),
        2 => prop::collection::vec((flags, 0..RELAYS), 1..=3).prop_map(|levels| Op::Relay { levels }),
        1 => (0u64..1000).prop_map(|start| Op::Spawn { start }),
    ]
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (0..PRINCIPALS, op(), prop::bool::weighted(0.15)).prop_map(|(principal, op, tight)| Spec {
            principal,
            op,
            tight,
        }),
        1..=20,
    )
}

/// The parts of each transaction: nonces follow each principal's transactions in order.
fn build<K: KVStore + 'static>(w: &mut World<K>, specs: &[Spec]) -> Vec<(Envelope, Vec<u8>)> {
    let mut nonces: Vec<Nonce> = w.principals.iter().map(|p| w.node.nonce(p)).collect();
    specs
        .iter()
        .map(|s| {
            let call = |target: Address, function: &str, calldata: Vec<u8>| {
                CallMessage {
                    target,
                    function: function.into(),
                    calldata,
                }
                .encode()
            };
            let (tx_type, amount, msg) = match &s.op {
                Op::Add { counter, amount } => (
                    TxType::Call,
                    *amount,
                    call(w.counters[*counter], "add", u64_le(3)),
                ),
                Op::Slot { var: 2 } => (TxType::Call, 100, call(w.slots, "noop", vec![])),
                Op::Slot { var } => (TxType::Call, 0, call(w.slots, "bump", vec![*var])),
                Op::Faulty { func } => {
                    let f = ["bump", "trap_after_write", "infinite_loop"][*func];
                    (TxType::Call, 0, call(w.faulty, f, vec![]))
                }
                Op::Relay { levels } => {
                    let levels: Vec<(u8, Address)> =
                        levels.iter().map(|(f, r)| (*f, w.relays[*r])).collect();
                    (TxType::Call, 0, call(levels[0].1, "run", program(&levels)))
                }
                Op::Spawn { start } => (
                    TxType::Spawn,
                    0,
                    SpawnMessage {
                        template: w.counter,
                        name: "c".into(),
                        ctor: "initialize".into(),
                        calldata: u64_le(*start),
                    }
                    .encode(),
                ),
            };
            let nonce = &mut nonces[s.principal];
            let env = Envelope {
                tx_type,
                principal: w.principals[s.principal],
                amount: Amount(amount),
                nonce: *nonce,
                gas_limit: Gas(if s.tight { 40_000 } else { GAS }),
                gas_fee: GasFee(1),
            };
            nonce.0 += 1;
            (env, msg)
        })
        .collect()
}

/// Runs `parts` as the open layer on `threads` threads, commits, and rewinds back to the
/// layer before: the receipts' bytes, the root, and how each transaction was kept.
fn run_layer<K: KVStore + 'static>(
    w: &mut World<K>,
    parts: &[(Envelope, Vec<u8>)],
    threads: usize,
) -> (Vec<Vec<u8>>, State, LayerRun) {
    let layer = w.node.layer;
    let txs: Vec<LayerTx<'_>> = parts
        .iter()
        .map(|(env, msg)| LayerTx::new(*env, &[], msg, layer))
        .collect();
    let rt = &mut w.node.rt;
    rt.set_threads(threads);
    let run = rt.execute_layer(&txs).unwrap();
    let (_, root) = rt.commit().unwrap();
    rt.rewind(Layer(layer.0 - 1)).unwrap();
    rt.open(layer).unwrap();
    let bytes = run.receipts.iter().map(Receipt::encode).collect();
    (bytes, root, run)
}

/// Every thread count gives the receipts and root of one thread.
fn check_threads<K: KVStore + 'static>(w: &mut World<K>, specs: &[Spec]) {
    let parts = build(w, specs);
    let (receipts, root, _) = run_layer(w, &parts, 1);
    for threads in [2, 4, 8] {
        let (r, s, _) = run_layer(w, &parts, threads);
        assert_eq!(r, receipts, "receipts on {threads} threads");
        assert_eq!(s, root, "root on {threads} threads");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_layers_are_the_same_on_any_thread_count(specs in specs()) {
        let mut w = setup(MemoryStore::new(), RuntimeConfig::default());
        check_threads(&mut w, &specs);
    }
}

#[cfg(feature = "rocksdb")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn random_layers_are_the_same_on_any_thread_count_on_rocksdb(specs in specs()) {
        let dir = tempfile::tempdir().unwrap();
        let kv = svm_kv::RocksStore::open(dir.path()).unwrap();
        let mut w = setup(kv, RuntimeConfig::default());
        check_threads(&mut w, &specs);
    }
}

fn spec(principal: usize, op: Op) -> Spec {
    Spec {
        principal,
        op,
        tight: false,
    }
}

#[test]
fn independent_transactions_are_applied_without_running_again() {
    let mut w = setup(MemoryStore::new(), RuntimeConfig::default());
    let specs: Vec<Spec> = (0..COUNTERS)
        .map(|i| {
            spec(
                i,
                Op::Add {
                    counter: i,
                    amount: 100,
                },
            )
        })
        .collect();
    let parts = build(&mut w, &specs);
    let (receipts, root, run) = run_layer(&mut w, &parts, 2);
    assert_eq!(run.count(TxPath::Reexecuted), 0, "{:?}", run.paths);
    let (one, one_root, _) = run_layer(&mut w, &parts, 1);
    assert_eq!((receipts, root), (one, one_root));
}

#[test]
fn conflicts_are_per_page_not_per_account() {
    let mut w = setup(MemoryStore::new(), RuntimeConfig::default());
    // variables 0 and 2 of one account live on different pages: both kept as run
    let specs = [spec(0, Op::Slot { var: 0 }), spec(1, Op::Slot { var: 1 })];
    let parts = build(&mut w, &specs);
    let (_, _, run) = run_layer(&mut w, &parts, 2);
    assert_eq!(run.count(TxPath::Reexecuted), 0, "{:?}", run.paths);
    // a change of storage, then of the balance alone: the second keeps the storage state
    // the first made (the fork's record had the one before)
    let specs = [spec(0, Op::Slot { var: 0 }), spec(1, Op::Slot { var: 2 })];
    let parts = build(&mut w, &specs);
    let (receipts, root, run) = run_layer(&mut w, &parts, 2);
    assert_eq!(run.count(TxPath::Reexecuted), 0, "{:?}", run.paths);
    assert_eq!((receipts, root), {
        let (r, s, _) = run_layer(&mut w, &parts, 1);
        (r, s)
    });
    // the same variable: the second read what the first wrote, so it runs again
    let specs = [spec(0, Op::Slot { var: 0 }), spec(1, Op::Slot { var: 0 })];
    let parts = build(&mut w, &specs);
    let (receipts, root, run) = run_layer(&mut w, &parts, 2);
    assert_ne!(run.paths[1], TxPath::Applied);
    assert_eq!((receipts, root), {
        let (r, s, _) = run_layer(&mut w, &parts, 1);
        (r, s)
    });
    // one principal twice: the nonce is read and written by both
    let specs = [
        spec(
            2,
            Op::Add {
                counter: 0,
                amount: 0,
            },
        ),
        spec(
            2,
            Op::Add {
                counter: 1,
                amount: 0,
            },
        ),
    ];
    let parts = build(&mut w, &specs);
    let (_, _, run) = run_layer(&mut w, &parts, 2);
    assert_ne!(run.paths[1], TxPath::Applied);
}

#[test]
fn the_deepest_call_chains_run_on_workers() {
    let mut w = setup(MemoryStore::new(), RuntimeConfig::default());
    // 17 relays: a chain of 16 calls below the transaction's own frame (the depth limit)
    let more: Vec<Address> = (0..17)
        .map(|_| w.node.spawn(w.relay, "init", &[]))
        .collect();
    let first = w.relays.len();
    w.relays.extend(more);
    w.node.next_layer();
    let chain = |flags: u8| Op::Relay {
        levels: (0..17).map(|k| (flags, first + k)).collect(),
    };
    let specs = [spec(0, chain(0)), spec(1, chain(PAY)), spec(2, chain(0))];
    check_threads(&mut w, &specs);
    let parts = build(&mut w, &specs);
    let (_, _, run) = run_layer(&mut w, &parts, 2);
    let Receipt::Call(deep) = &run.receipts[0] else {
        panic!("a call receipt")
    };
    assert!(deep.result.is_ok(), "{:?}", deep.result);
    assert_eq!(deep.calls.iter().map(|c| c.depth).max(), Some(16));
}

#[test]
fn a_hot_account_is_capped_while_the_others_run() {
    // what one call of the hot counter uses
    let used_by_one = {
        let mut w = setup(MemoryStore::new(), RuntimeConfig::default());
        let target = w.counters[0];
        w.node
            .call_with(w.principals[0], target, "add", &u64_le(3), 0, GAS)
            .gas_used
            .0
    };
    // after three calls less than a gas limit is left: exactly three fit
    let cap = GAS + 2 * used_by_one + used_by_one / 2;
    let config = RuntimeConfig {
        tx_limits: TxLimits {
            max_account_layer_gas: cap,
            ..TxLimits::default()
        },
        ..RuntimeConfig::default()
    };
    for threads in [1, 2, 4] {
        let mut w = setup(MemoryStore::new(), config.clone());
        let hot = w.counters[0];
        // six principals each call an independent counter, then the hot one
        let mut specs = Vec::new();
        for p in 0..PRINCIPALS {
            specs.push(spec(
                p,
                Op::Add {
                    counter: 1 + p % 3,
                    amount: 0,
                },
            ));
            specs.push(spec(
                p,
                Op::Add {
                    counter: 0,
                    amount: 0,
                },
            ));
        }
        let parts = build(&mut w, &specs);
        let (_, _, run) = run_layer(&mut w, &parts, threads);
        let mut hot_ok = 0;
        let mut used = 0;
        for (i, receipt) in run.receipts.iter().enumerate() {
            if i % 2 == 0 {
                assert!(receipt.is_success(), "an independent call: {receipt:?}");
                continue;
            }
            match receipt.error() {
                None => {
                    hot_ok += 1;
                    used += receipt.gas_used().0;
                }
                Some(RuntimeError::AccountGasCap {
                    account,
                    maximum,
                    found,
                }) => {
                    assert_eq!(*account, hot);
                    assert_eq!(*maximum, cap - used, "what the hot account had left");
                    assert_eq!(*found, GAS);
                    assert_eq!(receipt.gas_used(), Gas(0), "an admission refusal");
                }
                Some(other) => panic!("unexpected failure {other}"),
            }
        }
        assert_eq!(hot_ok, 3, "hot calls kept on {threads} threads");
    }
}

#[test]
fn the_cap_starts_again_each_layer() {
    let config = RuntimeConfig {
        tx_limits: TxLimits {
            max_account_layer_gas: GAS,
            ..TxLimits::default()
        },
        ..RuntimeConfig::default()
    };
    let mut w = setup(MemoryStore::new(), config);
    let hot = w.counters[0];
    let first = w
        .node
        .call_with(w.principals[0], hot, "add", &u64_le(1), 0, GAS);
    assert!(first.result.is_ok());
    let used = w.node.rt.account_gas_used(&hot);
    assert_eq!(used, first.gas_used.0);
    let second = w
        .node
        .call_with(w.principals[1], hot, "add", &u64_le(1), 0, GAS);
    assert_eq!(
        second.result.unwrap_err(),
        RuntimeError::AccountGasCap {
            account: hot,
            maximum: GAS - used,
            found: GAS,
        }
    );
    // a smaller gas limit still fits
    let small = w
        .node
        .call_with(w.principals[1], hot, "add", &u64_le(1), 0, GAS - used);
    assert!(small.result.is_ok());
    w.node.next_layer();
    assert_eq!(w.node.rt.account_gas_used(&hot), 0);
    let again = w
        .node
        .call_with(w.principals[2], hot, "add", &u64_le(1), 0, GAS);
    assert!(again.result.is_ok());
}
