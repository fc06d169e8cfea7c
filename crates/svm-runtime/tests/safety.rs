//! Consensus safety: one regression test per finding of the security review (its trigger
//! shape at cheap sizes), the KV fault injection, admission bounds and the prices that make
//! work proportional to gas.

mod common;

use std::sync::Arc;

use common::*;
use svm_codec::{CallMessage, Codec, Context, Envelope, RuntimeError as Failure, TxType};
use svm_kv::{FaultyStore, KVStore, MemoryStore};
use svm_runtime::{
    CacheConfig, Error, HostCosts, RuntimeConfig, TxLimits,
    examples::{COUNTER, WALLET},
};
use svm_storage::{Account, GlobalState, StorageConfig, WorldState};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, State};

fn node() -> Node<MemoryStore> {
    Node::new(MemoryStore::new(), RuntimeConfig::default())
}

fn u64_le(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

/// A template with one `run` function whose body is `body` (and the given imports).
fn module(imports: &str, body: &str) -> String {
    format!(
        r#"(module {imports}
            (memory (export "memory") 1)
            (func (export "init"))
            (func (export "run") {body}))"#
    )
}

fn deploy_run(n: &mut Node<MemoryStore>, imports: &str, body: &str, vars: &[u32]) -> Address {
    let t = n
        .deploy_wat(&module(imports, body), vars, &["init"], None)
        .result
        .unwrap();
    n.spawn(t, "init", &[])
}

// ----- faults of the node: an Err that changes nothing ---------------------------------------

/// Everything a test compares to show that nothing changed.
fn snapshot<K: KVStore>(n: &mut Node<K>, who: &[Address]) -> (State, Vec<Option<Account>>) {
    let root = n.rt.state().pending_root().unwrap();
    let accounts = who.iter().map(|a| n.rt.get_account(a).unwrap()).collect();
    (root, accounts)
}

#[test]
fn a_failing_store_read_is_an_err_that_changes_nothing_on_every_path() {
    let kv = Arc::new(FaultyStore::new(MemoryStore::new()));
    let mut n = Node::new(kv.clone(), RuntimeConfig::default());
    let counter = n.deploy(&COUNTER);
    let c = n.spawn(counter, "initialize", &u64_le(1));
    let wallet_t = n.deploy(&WALLET);
    let w = n.spawn(wallet_t, "init", &u64_le(7));
    n.rt.increase_balance(&w, Amount(1_000_000)).unwrap();
    n.next_layer();
    // Fail the k-th store read of each transaction, for every k until it runs clean: every
    // read on the path (admission, templates, host functions, settlement) is hit once.
    type Tx = fn(&mut Node<Arc<FaultyStore<MemoryStore>>>, Address, Address) -> bool;
    let txs: [(&str, Tx); 6] = [
        ("call", |n, c, _| {
            n.call(c, "add", &u64_le(2)).result.is_ok()
        }),
        ("call by a verifying principal", |n, c, w| {
            n.call_verified(w, c, "add", &u64_le(7), &u64_le(1), 500_000)
                .result
                .is_ok()
        }),
        ("spawn", |n, c, _| {
            let t = n.rt.get_account(&c).unwrap().unwrap().template.unwrap();
            n.spawn_with(ALICE, t, "initialize", &u64_le(3), 5, GAS)
                .result
                .is_ok()
        }),
        ("deploy", |n, _, _| {
            let mut msg = COUNTER.deploy_message().unwrap();
            msg.data.vars = vec![8, n.nonce(&ALICE).0 as u32 + 1];
            n.deploy_bytes(ALICE, &msg.encode()).result.is_ok()
        }),
        ("verify", |n, _, w| n.verify(w, &u64_le(7)).result.is_ok()),
        ("increase balance", |n, _, _| {
            // a fresh address: its record is read from the store
            n.rt.increase_balance(&Address([0x77; 20]), Amount(1))
                .is_ok()
                || panic!("Err")
        }),
    ];
    for (name, tx) in txs {
        let mut faults = 0;
        for k in 0.. {
            let before = snapshot(&mut n, &[ALICE, c, w]);
            kv.fail_read_after(k);
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tx(&mut n, c, w)));
            kv.heal();
            match outcome {
                Ok(ok) => {
                    assert!(ok, "{name}: runs clean once no read fails");
                    break;
                }
                Err(_) => {
                    // the helper unwraps the Err: what matters is that nothing changed
                    faults += 1;
                    assert_eq!(snapshot(&mut n, &[ALICE, c, w]), before, "{name}, read {k}");
                    assert!(
                        !n.rt.state().in_transaction(),
                        "{name}, read {k}: no transaction left running"
                    );
                }
            }
            assert!(k < 200, "{name}: too many reads");
        }
        assert!(faults > 0, "{name}: some read was hit");
    }
    // the runtime is not wedged: a normal transaction still works and the layer commits
    assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
    n.next_layer();
}

#[test]
fn a_failing_store_returns_err_not_a_receipt() {
    let kv = Arc::new(FaultyStore::new(MemoryStore::new()));
    let mut n = Node::new(kv.clone(), RuntimeConfig::default());
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(1));
    n.next_layer();
    let before = snapshot(&mut n, &[ALICE, c]);
    let msg = CallMessage {
        target: c,
        function: "add".into(),
        calldata: u64_le(1),
    }
    .encode();
    let env = n.envelope(TxType::Call, ALICE, 0, GAS);
    let ctx = n.context(&env, &[], &msg);
    // admission reads ALICE (1), then the target (2), its template (3), its pages...
    kv.fail_read_after(3);
    let r = n.rt.call(&env, &[], &msg, &ctx);
    kv.heal();
    assert!(matches!(r, Err(Error::Storage(_))), "{r:?}");
    assert_eq!(snapshot(&mut n, &[ALICE, c]), before);
    // a failing write at commit: an Err, the layer stays open and a retry commits it
    assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
    let pending = n.rt.state().pending_root().unwrap();
    kv.fail_writes(true);
    assert!(n.rt.commit().is_err());
    kv.fail_writes(false);
    assert_eq!(n.rt.commit().unwrap().1, pending);
}

// ----- H1: tables are capped at run time; hosts check destinations first ---------------------

#[test]
fn table_grow_stops_at_the_cap_without_a_declared_maximum() {
    let mut n = node();
    let wat = r#"(module
        (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
        (memory (export "memory") 1) (table 0 funcref)
        (func (export "init"))
        (func (export "run")
            (i32.store (i32.const 0) (table.grow (ref.null func) (i32.const 4097)))
            (i32.store (i32.const 4) (table.grow (ref.null func) (i32.const 4096)))
            (call $ret (i32.const 0) (i32.const 8))))"#;
    let t = n.deploy_wat(wat, &[8], &["init"], None).result.unwrap();
    let c = n.spawn(t, "init", &[]);
    let r = n.call(c, "run", &[]);
    let out = r.result.unwrap().returndata;
    assert_eq!(
        out[..4],
        (-1i32).to_le_bytes(),
        "past the 4,096-element cap"
    );
    assert_eq!(out[4..], 0i32.to_le_bytes(), "up to the cap");
}

#[test]
fn host_reads_check_the_destination_before_reading() {
    let mut n = node();
    let imports = r#"(import "svm" "svm_load" (func $load (param i32 i32)))
        (import "svm" "svm_reg_load_var" (func $rl (param i32 i32 i32)))
        (import "svm" "svm_storage_read" (func $read (param i32 i32 i32)))"#;
    // a 60 KiB variable into the last bytes of memory; into a 32-bit register; a raw read
    let c = deploy_run(
        &mut n,
        imports,
        "(call $load (i32.const 0) (i32.const 65000))",
        &[60_000],
    );
    let r = n.call(c, "run", &[]);
    assert!(r.result.unwrap_err().to_string().contains("bad pointer"));
    let c = deploy_run(
        &mut n,
        imports,
        "(call $rl (i32.const 32) (i32.const 0) (i32.const 0))",
        &[60_000],
    );
    let r = n.call(c, "run", &[]);
    let e = r.result.unwrap_err().to_string();
    assert!(e.contains("wider than the register"), "{e}");
    // no cold page was charged: the check came first (the one page of memory is)
    let memory = u64::from(svm_gas::CostTable::default().memory_grow_per_page);
    assert!(r.gas_used.0 < 60_000 + memory, "{}", r.gas_used.0);
    let c = deploy_run(
        &mut n,
        imports,
        "(call $read (i32.const 0) (i32.const 65000) (i32.const 60000))",
        &[60_000],
    );
    let e = n.call(c, "run", &[]).result.unwrap_err().to_string();
    assert!(e.contains("bad pointer"), "{e}");
}

// ----- H2: verify is bounded and paid -------------------------------------------------------

const LOOPING_VERIFY: &str = r#"(module (memory (export "memory") 1)
    (func (export "init"))
    (func (export "add"))
    (func (export "svm_verify") (result i32) (loop $l (br $l)) (i32.const 1)))"#;

#[test]
fn verify_is_bounded_needs_funds_and_a_refusal_admits_nothing() {
    let mut n = node();
    let t = n
        .deploy_wat(LOOPING_VERIFY, &[8], &["init"], None)
        .result
        .unwrap();
    let w = n.spawn(t, "init", &[]);
    // without funds for its gas limit, nothing runs
    let r = n.verify(w, &[]);
    assert_eq!(r.result.unwrap_err(), Failure::InsufficientFunds);
    assert_eq!(r.gas_used.0, 0);
    // with funds: bounded by max_verify_gas whatever the gas limit
    let max_verify = TxLimits::default().max_verify_gas;
    n.rt.increase_balance(&w, Amount(100_000_000)).unwrap();
    let msg = CallMessage {
        target: w,
        function: "add".into(),
        calldata: vec![],
    }
    .encode();
    let env = n.envelope(TxType::Call, w, 0, 50_000_000);
    let ctx = n.context(&env, &[], &msg);
    let r = n.rt.verify(&env, &[], &msg, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::OutOfGas);
    assert!(r.gas_used.0 > max_verify && r.gas_used.0 < max_verify + 200_000);
    assert_eq!(
        n.rt.get_account(&w).unwrap().unwrap().balance,
        Amount(100_000_000)
    );
    // executing the call runs the same verify first: refused, so not admitted. Nothing is
    // charged, the nonce stays: a node must not include a transaction its verify refuses
    // (anyone could otherwise burn a wallet's coins with bad signatures)
    let root = n.rt.state().pending_root().unwrap();
    let r = n.call_verified(w, w, "add", &[], &[], 50_000_000);
    assert_eq!(r.result.unwrap_err(), Failure::OutOfGas);
    assert_eq!(r.gas_used.0, 0);
    let after = n.rt.get_account(&w).unwrap().unwrap();
    assert_eq!(after.balance.0, 100_000_000);
    assert_eq!(after.nonce, Nonce(0));
    assert_eq!(n.rt.state().pending_root().unwrap(), root);
}

#[test]
fn a_verifying_principal_pays_for_its_verify() {
    let mut n = node();
    let t = n.deploy(&WALLET);
    let w = n.spawn(t, "init", &u64_le(42));
    let c = {
        let t = n.deploy(&COUNTER);
        n.spawn(t, "initialize", &u64_le(0))
    };
    n.rt.increase_balance(&w, Amount(10_000_000)).unwrap();
    let by_alice = n.call(c, "add", &u64_le(1));
    let by_wallet = n.call_verified(w, c, "add", &u64_le(42), &u64_le(1), GAS);
    assert!(by_wallet.result.is_ok(), "{:?}", by_wallet.result);
    let verify = n.verify(w, &u64_le(42)).gas_used.0;
    assert!(by_wallet.gas_used.0 >= by_alice.gas_used.0 + verify / 2);
    let wrong = n.call_verified(w, c, "add", &u64_le(41), &u64_le(1), GAS);
    assert_eq!(wrong.result.unwrap_err(), Failure::VerifyFailed);
}

// ----- L3 / L4: admission bounds --------------------------------------------------------------

fn call_env<K: KVStore>(n: &mut Node<K>, principal: Address, gas: u64, fee: u64) -> Envelope {
    let mut env = n.envelope(TxType::Call, principal, 0, gas);
    env.gas_fee = GasFee(fee);
    env
}

fn add_msg(c: Address) -> Vec<u8> {
    CallMessage {
        target: c,
        function: "add".into(),
        calldata: u64_le(1),
    }
    .encode()
}

#[test]
fn admission_needs_a_minimum_fee_and_a_bounded_gas_limit() {
    let kv = Arc::new(MemoryStore::new());
    let c = {
        let mut n = Node::new(kv.clone(), RuntimeConfig::default());
        let t = n.deploy(&COUNTER);
        let c = n.spawn(t, "initialize", &u64_le(0));
        n.rt.commit().unwrap();
        c
    };
    let config = RuntimeConfig {
        tx_limits: TxLimits {
            max_layer_gas: 3_000_000,
            ..TxLimits::default()
        },
        ..RuntimeConfig::default()
    };
    let mut n = Node::new(kv, config);
    let msg = add_msg(c);
    let before = snapshot(&mut n, &[ALICE, c]);
    for (gas, fee, expected) in [
        (
            GAS,
            0,
            Failure::GasFeeTooLow {
                minimum: 1,
                found: 0,
            },
        ),
        (
            // the call's message gas: 10,000 + 10 x message bytes
            10_000 + 10 * msg.len() as u64 - 1,
            1,
            Failure::GasLimitTooLow {
                minimum: 10_000 + 10 * msg.len() as u64,
                found: 10_000 + 10 * msg.len() as u64 - 1,
            },
        ),
        (
            0,
            1,
            Failure::GasLimitTooLow {
                minimum: 10_000 + 10 * msg.len() as u64,
                found: 0,
            },
        ),
        (
            2_000_000_000,
            1,
            // the smaller of the per-transaction cap and what the layer has left
            Failure::GasLimitTooHigh {
                maximum: 3_000_000,
                found: 2_000_000_000,
            },
        ),
    ] {
        let env = call_env(&mut n, ALICE, gas, fee);
        let ctx = n.context(&env, &[], &msg);
        let r = n.rt.call(&env, &[], &msg, &ctx).unwrap();
        assert_eq!(r.result.unwrap_err(), expected);
        assert_eq!(r.gas_used, Gas(0));
        assert_eq!(snapshot(&mut n, &[ALICE, c]), before);
    }
    // the layer's gas: transactions are admitted while their limit fits what is left
    let mut admitted = 0;
    loop {
        let env = call_env(&mut n, ALICE, 1_000_000, 1);
        let ctx = n.context(&env, &[], &msg);
        let r = n.rt.call(&env, &[], &msg, &ctx).unwrap();
        match r.result {
            Ok(_) => admitted += 1,
            Err(Failure::GasLimitTooHigh { maximum, .. }) => {
                assert!(maximum < 1_000_000);
                assert_eq!(maximum, 3_000_000 - n.rt.layer_gas_used());
                assert_eq!(r.gas_used, Gas(0));
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(admitted >= 3, "{admitted}");
    // a limit of exactly the message's gas is admitted: it runs out of gas loading the
    // template, all of it charged, the nonce bumped (fuzzing found a limit of 0 admitted,
    // bumping the nonce for nothing)
    n.next_layer();
    let before = n.rt.get_account(&ALICE).unwrap().unwrap();
    let minimum = 10_000 + 10 * msg.len() as u64;
    let env = call_env(&mut n, ALICE, minimum, 1);
    let ctx = n.context(&env, &[], &msg);
    let r = n.rt.call(&env, &[], &msg, &ctx).unwrap();
    assert_eq!(
        (r.result.unwrap_err(), r.gas_used),
        (Failure::OutOfGas, Gas(minimum))
    );
    let after = n.rt.get_account(&ALICE).unwrap().unwrap();
    assert_eq!(after.nonce.0, before.nonce.0 + 1);
    assert_eq!(after.balance.0, before.balance.0 - minimum);
    // a deploy whose gas limit exceeds the layer's cap is refused the same way
    let r = n.deploy_bytes(ALICE, &COUNTER.deploy_message().unwrap().encode());
    assert!(matches!(r.result, Err(Failure::GasLimitTooHigh { .. })));
    n.next_layer();
    assert!(
        n.call_with(ALICE, c, "add", &u64_le(1), 0, 1_000_000)
            .result
            .is_ok()
    );
}

#[test]
fn an_exhausted_nonce_is_refused_not_saturated() {
    let kv = Arc::new(MemoryStore::new());
    let old = Address([0x0D; 20]);
    {
        let mut state = GlobalState::new(kv.clone(), StorageConfig::default()).unwrap();
        state.open(Layer(1)).unwrap();
        state.checkpoint().unwrap();
        let account = Account {
            balance: Amount(1 << 40),
            nonce: Nonce(u128::MAX),
            ..Account::default()
        };
        state.set_account(&old, &account).unwrap();
        state.increase_balance(&ALICE, Amount(FUNDS)).unwrap();
        state.commit_tx().unwrap();
        state.commit().unwrap();
    }
    let mut n = Node::new(kv, RuntimeConfig::default());
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    let r = n.call_with(old, c, "add", &u64_le(1), 0, GAS);
    assert_eq!(r.result.unwrap_err(), Failure::NonceExhausted);
    assert_eq!(r.gas_used, Gas(0));
}

// ----- M3: spawn adopts a funded, unused address ---------------------------------------------

#[test]
fn a_spawn_adopts_coins_sent_to_its_address_and_cannot_be_squatted() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let spawn = svm_codec::SpawnMessage {
        template: t,
        name: "test".into(),
        ctor: "initialize".into(),
        calldata: u64_le(5),
    };
    let nonce = n.nonce(&ALICE);
    let future = svm_codec::account_addr(&ALICE, nonce, &spawn);
    // someone pre-funds (or squats) the counterfactual address
    n.rt.increase_balance(&future, Amount(777)).unwrap();
    let r = n.spawn_with(ALICE, t, "initialize", &u64_le(5), 23, GAS);
    let out = r.result.unwrap();
    assert_eq!(out.account, future);
    let account = n.rt.get_account(&future).unwrap().unwrap();
    assert_eq!(account.balance, Amount(800), "the coins are kept");
    assert_eq!(account.template, Some(t));
}

// ----- C3 / M5 / L5: bounded records and receipts ---------------------------------------------

#[test]
fn deploys_with_huge_layouts_or_apis_are_refused() {
    let mut n = node();
    let wat = module("", "");
    let r = n.deploy_wat(&wat, &vec![1; 2_000], &["init"], None);
    let e = r.result.unwrap_err();
    assert!(matches!(e, Failure::InvalidMessage(_)), "{e}");
    let r = n.deploy_wat(&wat, &[8], &["init"], Some("x".repeat(70_000)));
    assert!(matches!(r.result, Err(Failure::InvalidMessage(_))));
    let r = n.deploy_wat(&wat, &[1 << 24, 1], &["init"], None);
    let e = r.result.unwrap_err().to_string();
    assert!(e.contains("at most 16777216"), "{e}");
}

#[test]
fn loading_is_priced_by_the_whole_template_record() {
    let mut n = node();
    let small = n
        .deploy_wat(&module("", ""), &[8], &["init"], None)
        .result
        .unwrap();
    let big = n
        .deploy_wat(&module("", ""), &[8], &["init"], Some("y".repeat(60_000)))
        .result
        .unwrap();
    let a = n.spawn(small, "init", &[]);
    let b = n.spawn(big, "init", &[]);
    let ga = n.call(a, "run", &[]).gas_used.0;
    let gb = n.call(b, "run", &[]).gas_used.0;
    let per_kib = RuntimeConfig::default().tx_costs.load_per_kib;
    assert!(gb - ga >= 58 * per_kib, "{ga} {gb}");
}

const SPRAY: &str = r#"(module
    (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
    (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
    (memory (export "memory") 1)
    (func (export "init"))
    ;; calldata: count u32 LE, amount u64 LE; sends `amount` to `count` distinct addresses,
    ;; in descending order
    (func (export "run") (local $i i32) (local $amount i64)
        (call $cd (i32.const 100) (i32.const 0) (i32.const 12))
        (local.set $i (i32.load (i32.const 100)))
        (local.set $amount (i64.load (i32.const 104)))
        (block $done (loop $l
            (br_if $done (i32.eqz (local.get $i)))
            (i32.store (i32.const 0) (local.get $i))
            (call $transfer (i32.const 0) (local.get $amount))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $l)))))"#;

fn spray(n: &mut Node<MemoryStore>, c: Address, count: u32, amount: u64) -> svm_codec::CallReceipt {
    let mut calldata = count.to_le_bytes().to_vec();
    calldata.extend_from_slice(&amount.to_le_bytes());
    n.call_with(ALICE, c, "run", &calldata, 0, 500_000_000)
}

#[test]
fn zero_transfers_create_nothing_and_touched_accounts_are_bounded() {
    let mut n = node();
    let t = n.deploy_wat(SPRAY, &[8], &["init"], None).result.unwrap();
    let c = n.spawn(t, "init", &[]);
    n.rt.increase_balance(&c, Amount(1_000_000)).unwrap();
    let r = spray(&mut n, c, 50, 0);
    assert!(r.result.is_ok());
    let mut first = [0u8; 20];
    first[..4].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(n.rt.get_account(&Address(first)).unwrap(), None);
    assert_eq!(r.touched_accounts.len(), 2, "ALICE and the contract");
    // creating accounts is charged per account
    let created = spray(&mut n, c, 20, 1);
    let warm = spray(&mut n, c, 20, 1);
    // (the second spray changes the same 20 existing records: `account_write` each)
    let costs = HostCosts::default();
    assert_eq!(
        created.gas_used.0 - warm.gas_used.0,
        20 * (costs.account_create - costs.account_write)
    );
    // more recipients than a receipt may list: a failed receipt with only the principal
    let limit = svm_codec::CodecLimits::DEFAULT.max_touched_accounts as u32;
    let r = spray(&mut n, c, limit + 5, 1);
    let e = r.result.unwrap_err().to_string();
    assert!(e.contains("touched accounts"), "{e}");
    assert_eq!(r.touched_accounts.into_vec(), vec![ALICE]);
}

// ----- H4 / M4: cold touches and stored pages are priced ---------------------------------------

#[test]
fn cold_accounts_and_pages_cost_more_than_warm_ones() {
    let mut n = node();
    let costs = HostCosts::default();
    let imports = r#"(import "svm" "svm_balance_of" (func $bal (param i32) (result i64)))
        (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))"#;
    // calldata: count u32, stride u32: reads the balance of `count` addresses i * stride
    let body = r#"(local $i i32) (local $n i32) (local $s i32)
        (call $cd (i32.const 100) (i32.const 0) (i32.const 8))
        (local.set $n (i32.load (i32.const 100)))
        (local.set $s (i32.load (i32.const 104)))
        (block $done (loop $l
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store (i32.const 0) (i32.mul (local.get $i) (local.get $s)))
            (drop (call $bal (i32.const 0)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))"#;
    let c = deploy_run(&mut n, imports, body, &[8]);
    let args = |count: u32, stride: u32| {
        let mut v = count.to_le_bytes().to_vec();
        v.extend_from_slice(&stride.to_le_bytes());
        v
    };
    let distinct = n.call(c, "run", &args(100, 1)).gas_used.0;
    let same = n.call(c, "run", &args(100, 0)).gas_used.0;
    assert_eq!(distinct - same, 99 * costs.account_cold);

    // pages: the first write of a page pays for storing it, later writes do not
    let imports = r#"(import "svm" "svm_storage_write" (func $w (param i32 i32 i32)))"#;
    let one_page = deploy_run(
        &mut n,
        imports,
        "(call $w (i32.const 0) (i32.const 0) (i32.const 1)) (call $w (i32.const 8) (i32.const 0) (i32.const 1))",
        &[8192],
    );
    let two_pages = deploy_run(
        &mut n,
        imports,
        "(call $w (i32.const 0) (i32.const 0) (i32.const 1)) (call $w (i32.const 4100) (i32.const 0) (i32.const 1))",
        &[8192],
    );
    let g1 = n.call(one_page, "run", &[]).gas_used.0;
    let g2 = n.call(two_pages, "run", &[]).gas_used.0;
    assert_eq!(g2 - g1, costs.page_cold + costs.page_first_write);
}

// ----- L2 / error texts: fixed codes and svm's own words ---------------------------------------

#[test]
fn receipts_carry_svm_texts_not_engine_messages() {
    let mut n = node();
    let c = deploy_run(
        &mut n,
        "",
        "(drop (i32.div_u (i32.const 1) (i32.const 0)))",
        &[8],
    );
    assert_eq!(
        n.call(c, "run", &[]).result.unwrap_err(),
        Failure::Trap("integer division by zero".into())
    );
    let c = deploy_run(&mut n, "", "(unreachable)", &[8]);
    assert_eq!(
        n.call(c, "run", &[]).result.unwrap_err(),
        Failure::Trap("unreachable executed".into())
    );
    // a data segment outside memory fails at instantiation: the contract's fault
    let wat = r#"(module (memory (export "memory") 1) (data (i32.const 65535) "ab")
        (func (export "init")) (func (export "run")))"#;
    let t = n.deploy_wat(wat, &[8], &["init"], None).result.unwrap();
    let r = n.spawn_with(ALICE, t, "init", &[], 0, GAS);
    assert_eq!(
        r.result.unwrap_err(),
        Failure::InstantiationFailed("memory access out of bounds".into())
    );
    // a module that does not parse: svm's words, not the parser's
    let mut msg = COUNTER.deploy_message().unwrap();
    msg.code.code[9] ^= 0xff;
    assert_eq!(
        n.deploy_bytes(ALICE, &msg.encode()).result.unwrap_err(),
        Failure::ValidationFailed("the code is not valid WebAssembly".into())
    );
    // an account without a template, and register misuse
    assert_eq!(
        n.call(BOB, "run", &[]).result.unwrap_err(),
        Failure::NoTemplate(BOB)
    );
    let imports =
        r#"(import "svm" "svm_get_balance_from_reg" (func $b (param i32 i32) (result i64)))"#;
    let c = deploy_run(
        &mut n,
        imports,
        "(drop (call $b (i32.const 64) (i32.const 0)))",
        &[8],
    );
    let e = n.call(c, "run", &[]).result.unwrap_err().to_string();
    assert!(e.starts_with("trap: register:"), "{e}");
}

// ----- C2 / M1 / M2: compile once, at deploy, after the cheap checks ---------------------------

#[test]
fn deploy_compiles_once_after_every_cheap_check_and_calls_never_compile() {
    let mut n = node();
    // invalid code: refused by validation, nothing compiled
    let r = n.deploy_wat(
        r#"(module (memory (export "memory") 1) (func (export "init") (param f32)))"#,
        &[8],
        &["init"],
        None,
    );
    assert!(matches!(r.result, Err(Failure::ValidationFailed(_))));
    // a missing constructor: refused before compiling
    let r = n.deploy_wat(&module("", ""), &[8], &["nope"], None);
    let e = r.result.unwrap_err().to_string();
    assert!(e.contains("constructor \"nope\""), "{e}");
    assert_eq!(n.rt.cache_stats().compiled, 0);
    // enough gas for validation, not for compiling: out of gas, nothing compiled
    let msg = COUNTER.deploy_message().unwrap().encode();
    let mut env = n.envelope(TxType::Deploy, ALICE, 0, 0);
    let costs = RuntimeConfig::default().tx_costs;
    env.gas_limit = Gas(costs.deploy + msg.len() as u64 * costs.deploy_per_byte + 10);
    let ctx = n.context(&env, &[], &msg);
    let r = n.rt.deploy(&env, &[], &msg, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::OutOfGas);
    assert_eq!(n.rt.cache_stats().compiled, 0);
    // a real deploy compiles once; calls load from the cache
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    for _ in 0..3 {
        assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
    }
    let stats = n.rt.cache_stats();
    assert_eq!((stats.compiled, stats.recompiled), (1, 0), "{stats:?}");
}

#[test]
fn artifacts_written_under_another_key_are_never_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let config = |key: &str| RuntimeConfig {
        cache: CacheConfig {
            dir: Some(dir.path().join("modules")),
            key_file: Some(keys.path().join(key)),
            ..CacheConfig::default()
        },
        ..RuntimeConfig::default()
    };
    let kv = Arc::new(MemoryStore::new());
    let c = {
        let mut n = Node::new(kv.clone(), config("a.key"));
        let t = n.deploy(&COUNTER);
        let c = n.spawn(t, "initialize", &u64_le(0));
        n.rt.commit().unwrap();
        c
    };
    // another node's key (or a copied-in modules/ directory): rejected, recompiled once
    let mut n = Node::new(kv, config("b.key"));
    assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
    let stats = n.rt.cache_stats();
    assert_eq!((stats.rejected, stats.recompiled), (1, 1), "{stats:?}");
    // the key file is owner-only
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keys.path().join("b.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // a key inside the cache directory is refused
    let inside = RuntimeConfig {
        cache: CacheConfig {
            dir: Some(dir.path().join("modules")),
            key_file: Some(dir.path().join("modules/node.key")),
            ..CacheConfig::default()
        },
        ..RuntimeConfig::default()
    };
    assert!(matches!(
        svm_runtime::Runtime::new(MemoryStore::new(), inside),
        Err(Error::Cache(..))
    ));
}

#[test]
fn a_context_layer_other_than_the_open_one_is_an_err() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    let env = n.envelope(TxType::Call, ALICE, 0, GAS);
    let ctx = Context {
        layer: Layer(99),
        tx_id: svm_codec::tx_id(&env, &[], &add_msg(c)),
    };
    assert!(matches!(
        n.rt.call(&env, &[], &add_msg(c), &ctx),
        Err(Error::LayerMismatch { .. })
    ));
    assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
}

/// An amount that would overflow the target's balance is the transaction's fault: a failed
/// receipt with the fee charged, not an error of the node.
#[test]
fn an_amount_that_overflows_the_target_is_a_failed_receipt() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    n.rt.increase_balance(&c, Amount(u64::MAX - 10)).unwrap();
    let before = n.balance(&ALICE);
    let r = n.call_with(ALICE, c, "add", &u64_le(1), 100, GAS);
    let e = r.result.unwrap_err().to_string();
    assert!(e.contains("would overflow"), "{e}");
    assert_eq!(n.balance(&ALICE), before - r.gas_used.0);
    assert_eq!(n.nonce(&ALICE).0, 3);
}

/// Touching a page of memory costs the node its page faults, so a call pays for every page
/// its memory starts with, at the price of growing one: a template of 64 pages pays 63 pages
/// more per call than one of 1 page, and a gas limit below the charge runs out of gas
/// without running anything.
#[test]
fn a_call_pays_for_every_page_of_its_initial_memory() {
    let mut n = node();
    let page = u64::from(svm_gas::CostTable::default().memory_grow_per_page);
    let mut account = |pages: u32| {
        let wat = format!(
            r#"(module (memory (export "memory") {pages})
                (func (export "init"))
                (func (export "touch") (local $a i32)
                  (loop $l
                    (i32.store8 (local.get $a) (i32.const 1))
                    (local.set $a (i32.add (local.get $a) (i32.const 4096)))
                    (br_if $l (i32.lt_u (local.get $a) (i32.const {})))))
                (func (export "none")))"#,
            pages * 65536
        );
        let t = n.deploy_wat(&wat, &[8], &["init"], None).result.unwrap();
        n.spawn(t, "init", &[])
    };
    let (small, large) = (account(1), account(64));
    let none = |n: &mut Node<MemoryStore>, a| n.call(a, "none", &[]).gas_used.0;
    let (g1, g64) = (none(&mut n, small), none(&mut n, large));
    assert_eq!(g64 - g1, 63 * page);
    // touching every 4 KiB: the charge came first, the stores are ordinary operators
    let r = n.call_with(ALICE, large, "touch", &[], 0, 10_000_000);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert!(r.gas_used.0 > 64 * page, "{}", r.gas_used.0);
    // a limit below the charge: out of gas, all of it used, nothing run
    let r = n.call_with(ALICE, large, "none", &[], 0, 63 * page);
    assert_eq!(r.result, Err(svm_codec::RuntimeError::OutOfGas));
    assert_eq!(r.gas_used.0, 63 * page);
}
