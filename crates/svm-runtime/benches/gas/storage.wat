;; storage (ordinary): a typical contract state update. Variables [8, 8, 8, 32, 32] (one page).
;;   init()
;;   run()  v0 += 1; v2 = v0 + v1; v4 = v3 with its first word increased by v0
(module
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (import "svm" "svm_load" (func $load (param i32 i32)))
  (import "svm" "svm_store" (func $store (param i32 i32)))
  (memory (export "memory") 1)

  (func (export "init"))

  (func (export "run")
    (local $a i64)
    (local.set $a (i64.add (call $load64 (i32.const 0)) (i64.const 1)))
    (call $store64 (i32.const 0) (local.get $a))
    (call $store64 (i32.const 2) (i64.add (local.get $a) (call $load64 (i32.const 1))))
    (call $load (i32.const 3) (i32.const 64))
    (i64.store (i32.const 64) (i64.add (i64.load (i32.const 64)) (local.get $a)))
    (call $store (i32.const 4) (i32.const 64))))
