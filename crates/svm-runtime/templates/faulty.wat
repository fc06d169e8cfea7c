;; faulty: fails on purpose, one way per function. One 8-byte variable.
(module
  (import "svm" "svm_load64" (func $load64 (param i32) (result i64)))
  (import "svm" "svm_store64" (func $store64 (param i32 i64)))
  (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
  (memory (export "memory") 1)

  (func (export "init_ok"))
  (func (export "init_trap")
    (call $store64 (i32.const 0) (i64.const 7))
    unreachable)

  ;; writes storage, then traps
  (func (export "trap_after_write")
    (call $store64 (i32.const 0) (i64.const 42))
    unreachable)

  ;; runs until the gas is gone
  (func (export "infinite_loop")
    (loop $l (br $l)))

  ;; grows memory one page at a time until it cannot, then keeps trying
  (func (export "grow_bomb")
    (loop $l
      (drop (memory.grow (i32.const 1)))
      (br $l)))

  ;; asks for 4 GiB of memory at once
  (func (export "grow_huge")
    (if (i32.ne (memory.grow (i32.const 65535)) (i32.const -1)) (then unreachable)))

  ;; unbounded recursion
  (func $recurse (export "recurse")
    (call $recurse))

  ;; sends more than the account holds
  (func (export "overdraw")
    (call $transfer (i32.const 0) (i64.const 0x7fffffffffffffff)))

  ;; reads a variable that does not exist
  (func (export "unknown_var")
    (drop (call $load64 (i32.const 99))))

  ;; increments the variable: a successful call between failing ones
  (func (export "bump")
    (call $store64 (i32.const 0) (i64.add (call $load64 (i32.const 0)) (i64.const 1))))

  ;; a function with the wrong signature for a call
  (func (export "takes_arg") (param i32)))
