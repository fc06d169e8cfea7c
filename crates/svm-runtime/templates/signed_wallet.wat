;; signed_wallet: a wallet that authorises only what its owner signed.
;; Variables [public key: 32 bytes].
;;   init(calldata: 32-byte ed25519 public key)
;;   svm_verify() -> i32   1 if the verifydata is the key's 64-byte ed25519 signature of the
;;                         transaction's signing hash (svm_sighash: chain id, envelope and
;;                         message; never the verifydata itself), else 0
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
    (if (i32.ne (call $input_len) (i32.const 32)) (then unreachable))
    (call $input_copy (i32.const 0) (i32.const 0) (i32.const 32))
    (call $store (i32.const 0) (i32.const 0)))

  ;; memory: 0..32 the key, 32..64 the signing hash, 64..128 the signature
  (func (export "svm_verify") (result i32)
    (if (i32.ne (call $input_len) (i32.const 64)) (then (return (i32.const 0))))
    (call $input_copy (i32.const 64) (i32.const 0) (i32.const 64))
    (call $load (i32.const 0) (i32.const 0))
    (call $sighash (i32.const 32))
    (call $ed25519_verify
      (i32.const 32) (i32.const 32)
      (i32.const 64) (i32.const 64)
      (i32.const 0) (i32.const 32)))

  (func (export "transfer")
    (call $input_copy (i32.const 200) (i32.const 0) (i32.const 28))
    (call $transfer (i32.const 200) (i64.load (i32.const 220)))))
