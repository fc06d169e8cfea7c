;; verify_loop (verify): a principal whose svm_verify spins for as many rounds as its
;; verifydata says (u32 LE), then accepts: the bench sizes it to most of
;; TxLimits::max_verify_gas.
;;   init()
;;   noop()
;;   svm_verify(verifydata: rounds u32 LE) -> i32
(module
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "init"))
  (func (export "noop"))
  (func (export "svm_verify") (result i32) (local $n i32)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i32.const 1)))
