;; relay: a template for tests of contract-to-contract calls. `run` bumps variable 0, logs,
;; and follows its calldata, one level per frame: `flags | next target (20 bytes) | the next
;; level's program`. Flags: 1 trap at the end, 2 call the next level with svm_static_call, 4
;; spin until out of gas, 8 send 1,000 coins with the call, 16 queue the next level as an
;; asynchronous call with callback `done` instead (reserving 2,000,000 and 1,000,000 gas, or
;; with 32 as well 400,000 and 200,000). Variable 1 keeps the last call's status, variable 2
;; the callback's mark (100 + the status it was given).
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
