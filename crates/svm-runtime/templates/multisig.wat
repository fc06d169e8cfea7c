;; multisig: a 2-of-3 wallet. Variables [keys: 96 bytes = three ed25519 public keys].
;;   init(calldata: the three 32-byte public keys)
;;   svm_verify() -> i32   1 if the verifydata holds at least two valid signatures of the
;;                         signing hash (svm_sighash) by distinct keys: entries of 65 bytes,
;;                         `key index (u8, 0..3) || signature (64)`, indices strictly
;;                         ascending (no key counts twice), at most three entries; else 0
;;   transfer(calldata: 20-byte destination, u64 LE amount)
(module
  (import "svm" "svm_calldata_len" (func $input_len (result i32)))
  (import "svm" "svm_calldata_copy" (func $input_copy (param i32 i32 i32)))
  (import "svm" "svm_load" (func $load (param i32 i32)))
  (import "svm" "svm_store" (func $store (param i32 i32)))
  (import "svm" "svm_sighash" (func $sighash (param i32)))
  (import "svm" "svm_ed25519_verify"
    (func $ed25519_verify (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
  (memory (export "memory") 1)

  (func (export "init")
    (if (i32.ne (call $input_len) (i32.const 96)) (then unreachable))
    (call $input_copy (i32.const 0) (i32.const 0) (i32.const 96))
    (call $store (i32.const 0) (i32.const 0)))

  ;; memory: 0..96 the keys, 128..160 the signing hash, 256.. the verifydata
  (func (export "svm_verify") (result i32)
    (local $n i32) (local $at i32) (local $index i32) (local $last i32) (local $valid i32)
    (local.set $n (call $input_len))
    (if (i32.or
          (i32.gt_u (local.get $n) (i32.const 195))
          (i32.ne (i32.rem_u (local.get $n) (i32.const 65)) (i32.const 0)))
      (then (return (i32.const 0))))
    (call $input_copy (i32.const 256) (i32.const 0) (local.get $n))
    (call $load (i32.const 0) (i32.const 0))
    (call $sighash (i32.const 128))
    (local.set $last (i32.const -1))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $at) (local.get $n)))
        (local.set $index (i32.load8_u (i32.add (i32.const 256) (local.get $at))))
        (if (i32.or
              (i32.ge_u (local.get $index) (i32.const 3))
              (i32.le_s (local.get $index) (local.get $last)))
          (then (return (i32.const 0))))
        (local.set $last (local.get $index))
        (if (i32.eqz (call $ed25519_verify
              (i32.const 128) (i32.const 32)
              (i32.add (i32.const 257) (local.get $at)) (i32.const 64)
              (i32.mul (local.get $index) (i32.const 32)) (i32.const 32)))
          (then (return (i32.const 0))))
        (local.set $valid (i32.add (local.get $valid) (i32.const 1)))
        (local.set $at (i32.add (local.get $at) (i32.const 65)))
        (br $entry)))
    (i32.ge_u (local.get $valid) (i32.const 2)))

  (func (export "transfer")
    (call $input_copy (i32.const 400) (i32.const 0) (i32.const 28))
    (call $transfer (i32.const 400) (i64.load (i32.const 420)))))
