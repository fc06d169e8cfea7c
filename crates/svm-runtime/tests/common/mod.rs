//! The runtime's test kit, as the tests name it.
#![allow(dead_code, unused_imports)]

pub(crate) use svm_runtime::testing::*;
use svm_storage::GlobalState;
use svm_types::Address;

/// A test node over [`GlobalState`] on key-value store `K`.
pub(crate) type Node<K> = TestNode<GlobalState<K>>;

/// The relay template of `tests/calls.rs`: its `run` bumps variable 0, logs, and follows its
/// calldata, one level per frame: `flags | next target (20 bytes) | the next level's
/// program`. Flags: [`TRAP`] at the end, [`STATIC`] call the next level with
/// `svm_static_call`, [`SPIN`] until out of gas, [`PAY`] 1,000 coins with the call,
/// [`ASYNC`] queue the next level with callback `done` instead (reserving 2,000,000 and
/// 1,000,000 gas, or with [`SMALL`] 400,000 and 200,000). Variable 1 keeps the last call's
/// status, variable 2 the callback's mark (100 + the status it was given).
pub(crate) const RELAY: &str = r#"
(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $copy (param i32 i32 i32)))
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (import "svm" "svm_call" (func $call (param i32 i32 i32 i32 i32 i64 i64) (result i32)))
  (import "svm" "svm_static_call" (func $static (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "svm" "svm_call_async" (func $async (param i32 i32 i32 i32 i32 i64 i64 i32 i32 i64)))
  (import "svm" "svm_log" (func $log (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "run")
  (data (i32.const 8) "done")
  (func (export "init"))
  (func (export "done")
    (call $copy (i32.const 100) (i32.const 0) (i32.const 1))
    (call $store64 (i32.const 2) (i64.add (i64.const 100) (i64.load8_u (i32.const 100))))
    (call $store64 (i32.const 0) (i64.add (call $load64 (i32.const 0)) (i64.const 1))))
  (func (export "run") (local $n i32) (local $flags i32) (local $status i32) (local $rest i32)
    (call $store64 (i32.const 0) (i64.add (call $load64 (i32.const 0)) (i64.const 1)))
    (local.set $n (call $len))
    (call $copy (i32.const 100) (i32.const 0) (local.get $n))
    (local.set $flags (i32.load8_u (i32.const 100)))
    (call $log (i32.const 0) (i32.const 3) (i32.const 100) (i32.const 1))
    (if (i32.and (local.get $flags) (i32.const 4)) (then (loop $l (br $l))))
    (if (i32.ge_u (local.get $n) (i32.const 21))
      (then
        (local.set $rest (i32.sub (local.get $n) (i32.const 21)))
        (if (i32.and (local.get $flags) (i32.const 16))
          (then
            (if (i32.and (local.get $flags) (i32.const 32))
              (then (call $async (i32.const 101) (i32.const 0) (i32.const 3) (i32.const 121)
                (local.get $rest) (i64.const 0) (i64.const 400000) (i32.const 8) (i32.const 4)
                (i64.const 200000)))
              (else (call $async (i32.const 101) (i32.const 0) (i32.const 3) (i32.const 121)
                (local.get $rest) (i64.const 0) (i64.const 2000000) (i32.const 8) (i32.const 4)
                (i64.const 1000000)))))
          (else
            (local.set $status
              (if (result i32) (i32.and (local.get $flags) (i32.const 2))
                (then (call $static (i32.const 101) (i32.const 0) (i32.const 3) (i32.const 121)
                  (local.get $rest) (i64.const 0)))
                (else (call $call (i32.const 101) (i32.const 0) (i32.const 3) (i32.const 121)
                  (local.get $rest)
                  (select (i64.const 1000) (i64.const 0) (i32.and (local.get $flags) (i32.const 8)))
                  (i64.const 0)))))
            (call $store64 (i32.const 1) (i64.extend_i32_u (local.get $status)))))))
    (if (i32.and (local.get $flags) (i32.const 1)) (then unreachable)))
)
"#;

pub(crate) const TRAP: u8 = 1;
pub(crate) const STATIC: u8 = 2;
pub(crate) const SPIN: u8 = 4;
pub(crate) const PAY: u8 = 8;
pub(crate) const ASYNC: u8 = 16;
pub(crate) const SMALL: u8 = 32;

/// The program of a chain of frames: `(flags, account)` per level, the first the
/// transaction's own target.
pub(crate) fn program(levels: &[(u8, Address)]) -> Vec<u8> {
    let mut out = vec![levels[0].0];
    for (flags, addr) in &levels[1..] {
        out.extend_from_slice(addr.as_bytes());
        out.push(*flags);
    }
    out
}
