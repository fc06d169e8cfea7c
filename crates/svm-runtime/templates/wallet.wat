;; wallet: variables [secret: 8 bytes, transfers: 8 bytes].
;;   init(calldata: u64 LE secret)
;;   svm_verify() -> i32            1 if the verifydata (u64 LE) equals the secret
;;   transfer(calldata: 20-byte destination, u64 LE amount)
;;   transfer_via_reg(same)         the same through a 160-bit register
;;   balance()                      returns the wallet's balance (u64 LE)
;;   balance_of_reg(calldata: 20-byte address) returns its balance via a register
(module
  (import "svm" "svm_calldata_len" (func $calldata_len (result i32)))
  (import "svm" "svm_calldata_copy" (func $calldata_copy (param i32 i32 i32)))
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (import "svm" "svm_set_returndata" (func $set_returndata (param i32 i32)))
  (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
  (import "svm" "svm_balance" (func $balance (result i64)))
  (import "svm" "svm_reg_set" (func $reg_set (param i32 i32 i32 i32)))
  (import "svm" "svm_get_balance_from_reg" (func $balance_from_reg (param i32 i32) (result i64)))
  (import "svm" "svm_transfer_from_reg" (func $transfer_from_reg (param i32 i32 i64)))
  (memory (export "memory") 1)

  (func $arg64 (result i64)
    (if (i32.lt_u (call $calldata_len) (i32.const 8)) (then (return (i64.const 0))))
    (call $calldata_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (i64.load (i32.const 0)))

  (func (export "init")
    (call $store64 (i32.const 0) (call $arg64)))

  (func (export "svm_verify") (result i32)
    (i64.eq (call $load64 (i32.const 0)) (call $arg64)))

  (func $count
    (call $store64 (i32.const 1) (i64.add (call $load64 (i32.const 1)) (i64.const 1))))

  (func (export "transfer")
    (call $calldata_copy (i32.const 100) (i32.const 0) (i32.const 28))
    (call $transfer (i32.const 100) (i64.load (i32.const 120)))
    (call $count))

  (func (export "transfer_via_reg")
    (call $calldata_copy (i32.const 100) (i32.const 0) (i32.const 28))
    (call $reg_set (i32.const 160) (i32.const 1) (i32.const 100) (i32.const 20))
    (call $transfer_from_reg (i32.const 160) (i32.const 1) (i64.load (i32.const 120)))
    (call $count))

  (func (export "balance")
    (i64.store (i32.const 200) (call $balance))
    (call $set_returndata (i32.const 200) (i32.const 8)))

  (func (export "balance_of_reg")
    (call $calldata_copy (i32.const 100) (i32.const 0) (i32.const 20))
    (call $reg_set (i32.const 160) (i32.const 1) (i32.const 100) (i32.const 20))
    (i64.store (i32.const 200) (call $balance_from_reg (i32.const 160) (i32.const 1)))
    (call $set_returndata (i32.const 200) (i32.const 8))))
