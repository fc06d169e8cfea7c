//! The same transactions give byte-identical receipts and state roots on every backend and
//! under both compilers.

mod common;

use common::*;
use svm_codec::Codec;
use svm_gas::Compiler;
use svm_kv::{KVStore, MemoryStore};
use svm_runtime::{
    RuntimeConfig,
    examples::{COUNTER, FAULTY, PAGES, WALLET},
};
use svm_types::Address;

/// A scenario over a few layers with successes and failures of every kind; returns every
/// receipt's bytes and every layer's root.
fn scenario<K: KVStore + 'static>(
    kv: K,
    compiler: Compiler,
    warm_instances: usize,
) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut config = RuntimeConfig {
        compiler,
        ..Default::default()
    };
    config.cache.warm_instances = warm_instances;
    let mut n = Node::new(kv, config);
    let mut receipts = Vec::new();
    let mut roots = Vec::new();
    let mut templates = Vec::new();
    for t in [COUNTER, WALLET, PAGES, FAULTY] {
        let r = n.deploy_bytes(ALICE, &t.deploy_message().unwrap().encode());
        receipts.push(r.encode());
        templates.push(r.result.unwrap());
    }
    roots.push(n.next_layer().to_string());
    let counter = n.spawn_with(ALICE, templates[0], "initialize", &u64_le(7), 0, GAS);
    receipts.push(counter.encode());
    let counter = counter.result.unwrap().account;
    let wallet = n.spawn_with(BOB, templates[1], "init", &u64_le(42), 5_000_000, GAS);
    receipts.push(wallet.encode());
    let wallet = wallet.result.unwrap().account;
    let pages = n.spawn(templates[2], "ctor", &[]);
    let faulty = n.spawn(templates[3], "init_ok", &[]);
    roots.push(n.next_layer().to_string());
    for i in 0..5u64 {
        receipts.push(n.call(counter, "add", &u64_le(i)).encode());
        let mut calldata = Address([i as u8; 20]).as_bytes().to_vec();
        calldata.extend_from_slice(&u64_le(1000 + i));
        receipts.push(n.call(wallet, "transfer", &calldata).encode());
        receipts.push(n.call(wallet, "transfer_via_reg", &calldata).encode());
    }
    receipts.push(n.call(pages, "fill", &[]).encode());
    receipts.push(n.call(pages, "raw", &[]).encode());
    roots.push(n.next_layer().to_string());
    for f in [
        "trap_after_write",
        "infinite_loop",
        "grow_bomb",
        "grow_huge",
        "recurse",
        "overdraw",
        "unknown_var",
        "bump",
    ] {
        receipts.push(n.call_with(ALICE, faulty, f, &[], 0, 300_000).encode());
    }
    receipts.push(n.call(pages, "check", &[]).encode());
    receipts.push(n.verify(wallet, &u64_le(42)).encode());
    receipts.push(n.verify(wallet, &u64_le(41)).encode());
    roots.push(n.next_layer().to_string());
    // contract-to-contract calls: nested, failing, static, paying, spinning, reentrant,
    // asynchronous with callbacks
    let relay = n.deploy_wat(RELAY, &[8, 8, 8], &["init"], None);
    receipts.push(relay.encode());
    let relay = relay.result.unwrap();
    let r: Vec<Address> = (0..4).map(|_| n.spawn(relay, "init", &[])).collect();
    for levels in [
        vec![(0, r[0]), (0, r[1]), (TRAP, r[2])],
        vec![(0, r[0]), (TRAP, r[1]), (0, r[2])],
        vec![(STATIC, r[0]), (0, r[1])],
        vec![(0, r[0]), (0, r[1]), (SPIN, r[2])],
        vec![(0, r[0]), (0, r[1]), (0, r[0])],
        vec![(ASYNC, r[0]), (ASYNC | SMALL, r[1]), (TRAP, r[2])],
        vec![(TRAP | ASYNC, r[0]), (0, r[1])],
    ] {
        let msg = program(&levels);
        receipts.push(
            n.call_with(ALICE, levels[0].1, "run", &msg, 0, 4_000_000)
                .encode(),
        );
    }
    let msg = program(&[(PAY, r[0]), (0, r[3])]);
    receipts.push(n.call_with(ALICE, r[0], "run", &msg, 7_000, GAS).encode());
    roots.push(n.next_layer().to_string());
    // events: emitted, rolled back with a failed frame, committed, expiring over the next
    // layers (the layers' roots commit to their summaries)
    let emitter = n.deploy_wat(EMITTER, &[8], &["init"], None).result.unwrap();
    let e: Vec<Address> = (0..2).map(|_| n.spawn(emitter, "init", &[])).collect();
    for i in 0..6u8 {
        let event = emit_calldata(u64::from(i % 3) + 1, &[[i; 32]], &[i; 40]);
        receipts.push(n.call(e[usize::from(i % 2)], "emit", &event).encode());
        receipts.push(n.call(e[0], "emit_and_fail", &event).encode());
        roots.push(n.next_layer().to_string());
    }
    (receipts, roots)
}

#[test]
fn identical_receipts_and_roots_everywhere() {
    let reference = scenario(MemoryStore::new(), Compiler::Singlepass, 256);
    assert!(reference.0.len() > 30);
    assert_eq!(
        scenario(MemoryStore::new(), Compiler::Singlepass, 256),
        reference,
        "memory, again"
    );
    assert_eq!(
        scenario(MemoryStore::new(), Compiler::Singlepass, 0),
        reference,
        "a new instance for every call instead of reset ones"
    );
    assert_eq!(
        scenario(MemoryStore::new(), Compiler::Cranelift, 256),
        reference,
        "cranelift"
    );
    #[cfg(feature = "rocksdb")]
    {
        let dir = tempfile::tempdir().unwrap();
        let kv = svm_kv::RocksStore::open(dir.path()).unwrap();
        assert_eq!(
            scenario(kv, Compiler::Singlepass, 256),
            reference,
            "rocksdb"
        );
    }
    #[cfg(feature = "leveldb")]
    {
        let dir = tempfile::tempdir().unwrap();
        let kv = svm_kv::LevelStore::open(dir.path()).unwrap();
        assert_eq!(
            scenario(kv, Compiler::Cranelift, 1),
            reference,
            "leveldb + cranelift, one idle instance"
        );
    }
}
