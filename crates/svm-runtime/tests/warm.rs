//! Reused instances (`cache/instances.rs`): a call on a reset instance sees exactly what a
//! call on a new instance sees (memory, globals exported or not, tables, registers), and gets
//! the same receipt; instances whose state cannot be reset are dropped.

mod common;

use common::*;
use svm_codec::Codec;
use svm_kv::MemoryStore;
use svm_runtime::{InstanceStats, RuntimeConfig};

/// `probe` returns (40 bytes) what a fresh instance holds: memory bytes 0..4 (a data
/// segment) and 200..204 (zero), an exported and a hidden mutable global, the function in
/// table slot 0, the table's and the memory's sizes, and register 64/0; then it changes all
/// of them. The other functions change state in ways that cannot be reset, or trap.
const PROBE: &str = r#"
(module
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (import "svm" "svm_reg_set" (func $reg_set (param i32 i32 i32 i32)))
  (import "svm" "svm_reg_get" (func $reg_get (param i32 i32 i32)))
  (type $answer (func (result i32)))
  (memory (export "memory") 1 4)
  (data (i32.const 0) "AAAA")
  (global $g (export "g") (mut i64) (i64.const 7))
  (global $h (mut i32) (i32.const 3))
  (table $t 2 8 funcref)
  (elem (i32.const 0) $one $two)
  (func $one (type $answer) (i32.const 1))
  (func $two (type $answer) (i32.const 2))
  (func (export "ctor"))
  (func (export "probe")
    (i32.store (i32.const 100) (i32.load (i32.const 0)))
    (i32.store (i32.const 104) (i32.load (i32.const 200)))
    (i64.store (i32.const 108) (global.get $g))
    (i32.store (i32.const 116) (global.get $h))
    (i32.store (i32.const 120) (call_indirect (type $answer) (i32.const 0)))
    (call $reg_get (i32.const 64) (i32.const 0) (i32.const 124))
    (i32.store (i32.const 132) (table.size $t))
    (i32.store (i32.const 136) (memory.size))
    (call $ret (i32.const 100) (i32.const 40))
    ;; now change everything
    (i32.store (i32.const 0) (i32.const 0x42424242))
    (i32.store (i32.const 200) (i32.const 9))
    (global.set $g (i64.const 99))
    (global.set $h (i32.const 88))
    (table.set $t (i32.const 0) (table.get $t (i32.const 1)))
    (call $reg_set (i32.const 64) (i32.const 0) (i32.const 0) (i32.const 4)))
  (func (export "grow_memory")
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 0) (i32.const 0x43434343)))
  (func (export "grow_table")
    (drop (table.grow $t (ref.null func) (i32.const 1)))
    (global.set $h (i32.const 77)))
  (func (export "trap")
    (i32.store (i32.const 0) (i32.const 0x44444444))
    (global.set $h (i32.const 66))
    unreachable))
"#;

/// What `probe` returns on a new instance.
fn fresh_probe() -> Vec<u8> {
    let mut v = b"AAAA".to_vec();
    v.extend_from_slice(&0u32.to_le_bytes());
    v.extend_from_slice(&7u64.to_le_bytes());
    v.extend_from_slice(&3u32.to_le_bytes());
    v.extend_from_slice(&1u32.to_le_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&2u32.to_le_bytes());
    v.extend_from_slice(&1u32.to_le_bytes());
    v
}

fn node(warm_instances: usize) -> Node<MemoryStore> {
    let mut config = RuntimeConfig::default();
    config.cache.warm_instances = warm_instances;
    Node::new(MemoryStore::new(), config)
}

/// Runs the sequence of calls on a node; every receipt's bytes, and how instances were got.
fn sequence(warm_instances: usize) -> (Vec<Vec<u8>>, InstanceStats) {
    let mut n = node(warm_instances);
    let template = n.deploy_wat(PROBE, &[8], &["ctor"], None).result.unwrap();
    let a = n.spawn(template, "ctor", &[]);
    let b = n.spawn(template, "ctor", &[]);
    n.next_layer();
    let mut receipts = Vec::new();
    for (account, function) in [
        (a, "probe"),
        (a, "probe"),
        (b, "probe"),
        (a, "grow_memory"),
        (a, "probe"),
        (b, "grow_table"),
        (b, "probe"),
        (a, "trap"),
        (a, "probe"),
        (b, "probe"),
    ] {
        let r = n.call(account, function, &[]);
        if function == "probe" {
            assert_eq!(
                r.result.as_ref().unwrap().returndata,
                fresh_probe(),
                "{function} after the calls before it"
            );
        }
        receipts.push(r.encode());
    }
    n.next_layer();
    (receipts, n.rt.instance_stats())
}

#[test]
fn a_reset_instance_starts_as_a_new_one() {
    let (warm, stats) = sequence(256);
    let (cold, cold_stats) = sequence(0);
    assert_eq!(
        warm, cold,
        "receipts with reset instances and with new ones"
    );
    assert_eq!(cold_stats.reused, 0);
    // the spawns' constructors and probes reuse; growing memory or a table and the trap drop
    assert!(stats.reused >= 6, "{stats:?}");
    assert_eq!(stats.dropped, 3, "{stats:?}");
}

#[test]
fn modules_with_passive_segments_are_never_reused() {
    let wat = r#"
(module
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (memory (export "memory") 1)
  (data $d "XY")
  (func (export "ctor"))
  (func (export "once")
    ;; copies the passive segment, then drops it: a reused instance would trap here
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2))
    (data.drop $d)
    (call $ret (i32.const 0) (i32.const 2))))
"#;
    let mut n = node(256);
    let template = n.deploy_wat(wat, &[8], &["ctor"], None).result.unwrap();
    let a = n.spawn(template, "ctor", &[]);
    for _ in 0..3 {
        let r = n.call(a, "once", &[]);
        assert_eq!(r.result.unwrap().returndata, b"XY");
    }
    assert_eq!(n.rt.instance_stats().reused, 0);
}
