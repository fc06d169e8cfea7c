;; counter: one 8-byte variable.
;;   initialize(calldata: u64 LE)  sets the counter
;;   add(calldata: u64 LE)         adds, logs "added", returns the new value (u64 LE)
;;   get()                         returns the value
(module
  (import "svm" "svm_calldata_len" (func $calldata_len (result i32)))
  (import "svm" "svm_calldata_copy" (func $calldata_copy (param i32 i32 i32)))
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (import "svm" "svm_set_returndata" (func $set_returndata (param i32 i32)))
  (import "svm" "svm_log" (func $log (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "added")

  ;; the 8-byte little-endian argument, 0 if the calldata is shorter
  (func $arg (result i64)
    (if (i32.lt_u (call $calldata_len) (i32.const 8)) (then (return (i64.const 0))))
    (call $calldata_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (i64.load (i32.const 0)))

  (func (export "initialize")
    (call $store64 (i32.const 0) (call $arg)))

  (func (export "add")
    (local $v i64)
    (local.set $v (i64.add (call $load64 (i32.const 0)) (call $arg)))
    (call $store64 (i32.const 0) (local.get $v))
    (i64.store (i32.const 8) (local.get $v))
    (call $log (i32.const 64) (i32.const 5) (i32.const 8) (i32.const 8))
    (call $set_returndata (i32.const 8) (i32.const 8)))

  (func (export "get")
    (i64.store (i32.const 8) (call $load64 (i32.const 0)))
    (call $set_returndata (i32.const 8) (i32.const 8))))
