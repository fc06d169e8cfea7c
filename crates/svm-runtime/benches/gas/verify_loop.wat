;; verify_loop (verify): a principal whose svm_verify spins until its budget
;; (TxLimits::max_verify_gas) runs out; every call it sends fails with out of gas after it.
;;   init()
;;   noop()
;;   svm_verify() -> i32  never returns
(module
  (memory (export "memory") 1)
  (func (export "init"))
  (func (export "noop"))
  (func (export "svm_verify") (result i32)
    (loop $l (br $l))
    (i32.const 1)))
