//! End-to-end behaviour of the runtime: the example templates, every failure mode, gas, the
//! module cache.

mod common;
#[path = "../../svm-gas/tests/common/corpus.rs"]
mod corpus;

use common::*;
use svm_codec::{Codec, Log, RuntimeError as Failure};
use svm_kv::MemoryStore;
use svm_runtime::{
    RuntimeConfig,
    examples::{COUNTER, FAULTY, PAGES, WALLET},
};
use svm_storage::{GlobalState, WorldState};
use svm_types::{Address, Amount, Layer, Nonce};

fn node() -> Node<MemoryStore> {
    Node::new(MemoryStore::new(), RuntimeConfig::default())
}

/// What an end-to-end run saw: every receipt and root in full, and what of the receipts does
/// not depend on how the state commits (results, returndata, gas, logs, touched accounts).
#[derive(Debug, PartialEq)]
struct Seen {
    full: Vec<String>,
    behaviour: Vec<String>,
}

/// deploy -> spawn -> call -> verify -> commit -> rewind, receipts and roots checked; the
/// same receipts and roots on every backend.
fn end_to_end<S: WorldState + Send + 'static>(mut n: TestNode<S>) -> Seen {
    let mut seen = Vec::new();
    let mut behaviour = Vec::new();
    let mut observe = |r: &svm_codec::CallReceipt| {
        behaviour.push(format!(
            "{:?} {:?} {:?} {:?}",
            r.result.as_ref().map(|o| &o.returndata),
            r.gas_used,
            r.logs,
            r.touched_accounts
        ))
    };
    let t = n.deploy(&COUNTER);
    let w = n.deploy(&WALLET);
    let c = n.spawn(t, "initialize", &u64_le(5));
    let wallet = n.spawn(w, "init", &u64_le(77));
    n.rt.increase_balance(&wallet, Amount(VERIFY_GAS)).unwrap();
    let r = n.call(c, "add", &u64_le(3));
    observe(&r);
    seen.push(hex::encode(r.encode()));
    let out = r.result.as_ref().unwrap();
    assert_eq!(out.returndata, u64_le(8));
    assert_eq!(
        out.new_state,
        n.rt.get_account(&c).unwrap().unwrap().storage
    );
    assert_eq!(
        r.logs,
        vec![Log {
            topic: b"added".to_vec(),
            data: u64_le(8)
        }]
    );
    let mut expected = [ALICE, c];
    expected.sort();
    assert_eq!(r.touched_accounts.clone().into_vec(), expected, "sorted");
    assert!(r.gas_used.0 > 0);
    let v = n.verify(wallet, &u64_le(77));
    observe(&v);
    assert!(v.result.is_ok());
    seen.push(hex::encode(v.encode()));
    let root1 = n.next_layer();
    seen.push(root1.to_string());
    let r = n.call(c, "add", &u64_le(10));
    observe(&r);
    assert_eq!(r.result.unwrap().returndata, u64_le(18));
    let root2 = n.next_layer();
    seen.push(root2.to_string());
    assert_ne!(root1, root2);
    // rewind the layer with the second add: the counter is back at 8
    assert_eq!(n.rt.rewind(Layer(1)).unwrap(), root1);
    n.layer = Layer(2);
    n.rt.open(Layer(2)).unwrap();
    let r = n.call(c, "get", &[]);
    observe(&r);
    assert_eq!(r.result.unwrap().returndata, u64_le(8));
    // replaying the rewound layer's transaction gives the same root again
    n.rt.rewind(Layer(1)).unwrap();
    n.rt.open(Layer(2)).unwrap();
    assert_eq!(
        n.call(c, "add", &u64_le(10)).result.unwrap().returndata,
        u64_le(18)
    );
    assert_eq!(n.rt.commit().unwrap().1, root2);
    Seen {
        full: seen,
        behaviour,
    }
}

fn end_to_end_on<K: svm_kv::KVStore + 'static>(kv: K) -> Seen {
    end_to_end(TestNode::<GlobalState<K>>::new(
        kv,
        RuntimeConfig::default(),
    ))
}

#[test]
fn counter_deploy_spawn_call_commit_rewind() {
    let on_memory = end_to_end_on(MemoryStore::new());
    assert_eq!(on_memory.behaviour.len(), 4);
    #[cfg(feature = "rocksdb")]
    {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            end_to_end_on(svm_kv::RocksStore::open(dir.path()).unwrap()),
            on_memory
        );
    }
    #[cfg(feature = "leveldb")]
    {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            end_to_end_on(svm_kv::LevelStore::open(dir.path()).unwrap()),
            on_memory
        );
    }
}

/// The runtime needs nothing of state but the `WorldState` trait: the same end-to-end run
/// over the test kit's `MockState` (plain maps, its own commitments) gives the same results,
/// returndata, gas, logs and touched accounts; only roots and storage states differ.
#[test]
fn end_to_end_on_a_mock_state() {
    let config = RuntimeConfig::default();
    let mock = end_to_end(TestNode::with_state(
        MockState::new(config.storage.page_size),
        config,
    ));
    let on_memory = end_to_end_on(MemoryStore::new());
    assert_eq!(mock.behaviour, on_memory.behaviour);
    assert_eq!(mock.behaviour.len(), 4);
    assert_ne!(mock.full, on_memory.full, "the mock commits in its own way");
}

#[test]
fn spawns_never_collide() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let a = n.spawn(t, "initialize", &u64_le(1));
    let b = n.spawn(t, "initialize", &u64_le(1));
    assert_ne!(a, b, "same template, same calldata, different nonce");
}

#[test]
fn wallet_verify_and_transfers() {
    let mut n = node();
    let t = n.deploy(&WALLET);
    let w = n.spawn(t, "init", &u64_le(0x5EC2E7));
    // fund the wallet so it can be a principal and send coins
    let r = n.call_with(ALICE, w, "balance", &[], 1_000_000, GAS);
    assert_eq!(r.result.unwrap().returndata, u64_le(1_000_000));

    let ok = n.verify(w, &u64_le(0x5EC2E7));
    assert!(ok.result.is_ok(), "{:?}", ok.result);
    assert!(ok.gas_used.0 > 0);
    let bad = n.verify(w, &u64_le(1));
    assert_eq!(bad.result.unwrap_err(), Failure::VerifyFailed);

    let carol = Address([0xCC; 20]);
    let mut calldata = carol.as_bytes().to_vec();
    calldata.extend_from_slice(&u64_le(250));
    let r = n.call(w, "transfer", &calldata);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert!(r.touched_accounts.contains(&carol));
    assert_eq!(
        n.balance(&carol),
        250,
        "a transfer creates a template-less account"
    );
    assert!(
        n.rt.get_account(&carol)
            .unwrap()
            .unwrap()
            .template
            .is_none()
    );
    let r = n.call(w, "transfer_via_reg", &calldata);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(n.balance(&carol), 500);
    let r = n.call(w, "balance_of_reg", carol.as_bytes());
    assert_eq!(r.result.unwrap().returndata, u64_le(500));
}

#[test]
fn variables_across_pages() {
    let mut n = node();
    let t = n.deploy(&PAGES);
    let p = n.spawn(t, "ctor", &[]);
    let r = n.call(p, "check", &[]);
    assert!(
        matches!(r.result, Err(Failure::Trap(_))),
        "empty storage fails the check"
    );
    assert!(n.call(p, "fill", &[]).result.is_ok());
    n.next_layer();
    assert!(n.call(p, "check", &[]).result.is_ok());
    assert!(n.call(p, "raw", &[]).result.is_ok());
}

/// The state of everything but the principal's balance and nonce.
fn contract_state(n: &mut Node<MemoryStore>, c: &Address) -> Option<svm_storage::Account> {
    n.rt.get_account(c).unwrap()
}

#[test]
fn every_failure_is_a_receipt_with_gas_charged_and_no_state_change() {
    let mut n = node();
    let t = n.deploy(&FAULTY);
    let c = n.spawn(t, "init_ok", &[]);
    type Check = fn(&Failure) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("trap_after_write", |e| matches!(e, Failure::Trap(_))),
        ("infinite_loop", |e| *e == Failure::OutOfGas),
        ("grow_bomb", |e| *e == Failure::OutOfGas),
        (
            "recurse",
            |e| matches!(e, Failure::Trap(m) if m.contains("depth")),
        ),
        ("overdraw", |e| *e == Failure::InsufficientFunds),
        (
            "unknown_var",
            |e| matches!(e, Failure::Trap(m) if m.contains("unknown variable 99")),
        ),
        ("takes_arg", |e| {
            *e == Failure::FuncInvalidSignature("takes_arg".into())
        }),
        ("no_such_function", |e| {
            *e == Failure::FuncNotFound("no_such_function".into())
        }),
        ("init_ok", |e| matches!(e, Failure::FuncNotAllowed { .. })),
    ];
    for (function, expected) in cases {
        let before = contract_state(&mut n, &c);
        let (balance, nonce) = (n.balance(&ALICE), n.nonce(&ALICE));
        let r = n.call_with(ALICE, c, function, &[], 0, GAS);
        let err = r.result.as_ref().unwrap_err();
        assert!(expected(err), "{function}: {err:?}");
        assert!(r.gas_used.0 > 0, "{function}: gas charged");
        assert!(r.logs.is_empty());
        assert_eq!(
            n.balance(&ALICE),
            balance - r.gas_used.0,
            "{function}: fee = gas used x 1"
        );
        assert_eq!(
            n.nonce(&ALICE),
            Nonce(nonce.0 + 1),
            "{function}: nonce bumped"
        );
        assert_eq!(
            contract_state(&mut n, &c),
            before,
            "{function}: contract untouched"
        );
    }
    // out of gas uses exactly the whole limit
    let r = n.call_with(ALICE, c, "infinite_loop", &[], 0, 200_000);
    assert_eq!(r.gas_used.0, 200_000);
    // the node survives: a normal call works and commits
    assert!(n.call(c, "bump", &[]).result.is_ok());
    n.next_layer();
}

#[test]
fn a_trapping_constructor_creates_no_account() {
    let mut n = node();
    let t = n.deploy(&FAULTY);
    let balance = n.balance(&ALICE);
    let r = n.spawn_with(ALICE, t, "init_trap", &[], 500, GAS);
    assert!(matches!(r.result, Err(Failure::Trap(_))), "{:?}", r.result);
    assert_eq!(
        n.balance(&ALICE),
        balance - r.gas_used.0,
        "amount returned, fee kept"
    );
    let r2 = n.spawn_with(ALICE, t, "bump", &[], 0, GAS);
    assert_eq!(r2.result.unwrap_err(), Failure::FuncNotCtor("bump".into()));
    // the would-be address of the first spawn has no account
    let spawn = svm_codec::SpawnMessage {
        template: t,
        name: "test".into(),
        ctor: "init_trap".into(),
        calldata: vec![],
    };
    let addr = svm_codec::account_addr(&ALICE, Nonce(n.nonce(&ALICE).0 - 2), &spawn);
    assert_eq!(n.rt.get_account(&addr).unwrap(), None);
}

#[test]
fn gas_limit_exactly_enough_and_one_short() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    let measured = n.call(c, "add", &u64_le(1)).gas_used.0;
    let exact = n.call_with(ALICE, c, "add", &u64_le(1), 0, measured);
    assert!(exact.result.is_ok(), "{:?}", exact.result);
    assert_eq!(exact.gas_used.0, measured);
    let short = n.call_with(ALICE, c, "add", &u64_le(1), 0, measured - 1);
    assert_eq!(short.result.unwrap_err(), Failure::OutOfGas);
    assert_eq!(short.gas_used.0, measured - 1);
    assert_eq!(n.call(c, "get", &[]).result.unwrap().returndata, u64_le(2));
}

#[test]
fn admission_failures_change_nothing() {
    let mut n = node();
    let t = n.deploy(&COUNTER);
    let c = n.spawn(t, "initialize", &u64_le(0));
    let root = n.rt.state().pending_root().unwrap();
    let msg = svm_codec::CallMessage {
        target: c,
        function: "add".into(),
        calldata: vec![],
    }
    .encode();
    let mut env = n.envelope(svm_codec::TxType::Call, ALICE, 0, GAS);
    env.nonce = Nonce(env.nonce.0 + 5);
    let ctx = n.context(&env, &[], &msg);
    let r = n.rt.call(&env, &[], &msg, &ctx).unwrap();
    assert!(matches!(r.result, Err(Failure::NonceMismatch { .. })));
    assert_eq!(r.gas_used.0, 0);
    let poor = Address([0x99; 20]);
    let env = n.envelope(svm_codec::TxType::Call, poor, 0, GAS);
    let ctx = n.context(&env, &[], &msg);
    assert_eq!(
        n.rt.call(&env, &[], &msg, &ctx)
            .unwrap()
            .result
            .unwrap_err(),
        Failure::PrincipalNotFound(poor)
    );
    let env = n.envelope(svm_codec::TxType::Call, ALICE, FUNDS, GAS);
    let ctx = n.context(&env, &[], &msg);
    assert_eq!(
        n.rt.call(&env, &[], &msg, &ctx)
            .unwrap()
            .result
            .unwrap_err(),
        Failure::InsufficientFunds
    );
    assert_eq!(n.rt.state().pending_root().unwrap(), root);
    // API misuse is an error, not a receipt
    let env = n.envelope(svm_codec::TxType::Spawn, ALICE, 0, GAS);
    let ctx = n.context(&env, &[], &msg);
    assert!(n.rt.call(&env, &[], &msg, &ctx).is_err());
    // a context whose tx id is not the transaction's is an error too, never trusted
    let env = n.envelope(svm_codec::TxType::Call, ALICE, 0, GAS);
    let mut ctx = n.context(&env, &[], &msg);
    ctx.tx_id = svm_types::TxId([7; 32]);
    assert!(matches!(
        n.rt.call(&env, &[], &msg, &ctx),
        Err(svm_runtime::Error::TxIdMismatch { .. })
    ));
    assert_eq!(n.rt.state().pending_root().unwrap(), root);
}

#[test]
fn malformed_messages_are_failed_receipts() {
    let mut n = node();
    let r = n.deploy_bytes(ALICE, b"not a deploy message");
    assert!(
        matches!(r.result, Err(Failure::InvalidMessage(_))),
        "{:?}",
        r.result
    );
    assert!(r.gas_used.0 > 0);
    let env = n.envelope(svm_codec::TxType::Call, ALICE, 0, GAS);
    let ctx = n.context(&env, &[], &[0xFF; 7]);
    let r = n.rt.call(&env, &[], &[0xFF; 7], &ctx).unwrap();
    assert!(matches!(r.result, Err(Failure::InvalidMessage(m)) if m.contains("at byte")));
}

#[test]
fn invalid_templates_are_rejected_with_the_reason() {
    let mut n = node();
    let deploy = |n: &mut Node<MemoryStore>, wat: &str| {
        let mut msg = COUNTER.deploy_message().unwrap();
        msg.code.code = wat::parse_str(wat).unwrap();
        msg.ctors = vec![];
        n.deploy_bytes(ALICE, &msg.encode())
            .result
            .unwrap_err()
            .to_string()
    };
    let e = deploy(
        &mut n,
        r#"(module (import "env" "abort" (func)) (memory (export "memory") 1))"#,
    );
    assert!(e.contains("env.abort"), "{e}");
    let e = deploy(&mut n, r#"(module (func (export "f")))"#);
    assert!(e.contains("memory"), "{e}");
    let e = deploy(
        &mut n,
        r#"(module (memory (export "memory") 1) (table 100000000 funcref))"#,
    );
    assert!(e.contains("table"), "{e}");
    let e = deploy(
        &mut n,
        r#"(module (import "svm" "svm_load64" (func (param i64) (result i64))) (memory (export "memory") 1))"#,
    );
    assert!(e.contains("svm_load64"), "{e}");
    // a constructor that is not exported
    let mut msg = COUNTER.deploy_message().unwrap();
    msg.ctors = vec!["nope".into()];
    let e = n
        .deploy_bytes(ALICE, &msg.encode())
        .result
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope"), "{e}");
}

#[test]
fn the_corpus_is_rejected_with_a_clear_message() {
    let mut n = node();
    for file in corpus::CORPUS {
        let code = corpus::corpus(file);
        let mut msg = COUNTER.deploy_message().unwrap();
        msg.code.code = code;
        msg.ctors = vec![];
        let err = n.deploy_bytes(ALICE, &msg.encode()).result.unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, Failure::ValidationFailed(_)),
            "{file}: {text}"
        );
        if file == "corrupted.wasm" {
            assert!(!text.is_empty(), "{file}: {text}");
        } else {
            assert!(
                text.contains("env."),
                "{file}: names the first unknown import: {text}"
            );
        }
        eprintln!("{file}: {text}");
    }
}

#[test]
fn templates_are_compiled_once_and_cached_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let config = RuntimeConfig {
        cache: svm_runtime::CacheConfig {
            dir: Some(dir.path().to_path_buf()),
            key_file: Some(keys.path().join("node.key")),
            ..Default::default()
        },
        ..Default::default()
    };
    let kv = std::sync::Arc::new(MemoryStore::new());
    let (t, c) = {
        let mut n = Node::new(kv.clone(), config.clone());
        let t = n.deploy(&COUNTER);
        let c = n.spawn(t, "initialize", &u64_le(1));
        for _ in 0..5 {
            assert!(n.call(c, "add", &u64_le(1)).result.is_ok());
        }
        let stats = n.rt.cache_stats();
        assert_eq!(stats.compiled, 1, "{stats:?}");
        assert_eq!(stats.memory, 6, "{stats:?}");
        n.rt.commit().unwrap();
        (t, c)
    };
    // a new runtime finds the artifact on disk
    let mut n = Node::new(kv.clone(), config.clone());
    let gas_warm = n.call(c, "add", &u64_le(1)).gas_used;
    assert_eq!(n.rt.cache_stats().artifact, 1);
    assert_eq!(n.rt.cache_stats().compiled, 0);
    assert_eq!(n.rt.cache_stats().recompiled, 0);
    n.rt.commit().unwrap();
    // a damaged artifact is recompiled, never trusted, and gas does not depend on the tier
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        std::fs::write(&path, bytes).unwrap();
    }
    let mut n = Node::new(kv, config);
    let r = n.call(c, "add", &u64_le(1));
    assert!(r.result.is_ok());
    assert_eq!(
        r.gas_used, gas_warm,
        "gas is the same whatever the cache tier"
    );
    let stats = n.rt.cache_stats();
    assert_eq!((stats.rejected, stats.recompiled), (1, 1), "{stats:?}");
    let _ = t;
}

#[test]
fn verify_needs_no_open_layer() {
    let mut n = node();
    let t = n.deploy(&WALLET);
    let w = n.spawn(t, "init", &u64_le(9));
    // verify needs funds: the principal must afford its gas limit
    n.rt.increase_balance(&w, Amount(VERIFY_GAS)).unwrap();
    n.rt.commit().unwrap();
    assert_eq!(n.rt.state().current_layer(), None);
    assert!(n.verify(w, &u64_le(9)).result.is_ok());
    assert_eq!(
        n.verify(w, &u64_le(8)).result.unwrap_err(),
        Failure::VerifyFailed
    );
}
