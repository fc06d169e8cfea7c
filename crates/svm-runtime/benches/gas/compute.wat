;; compute (ordinary): an arithmetic loop with no host call inside it.
;;   init()
;;   run(calldata: n u32 LE)  n rounds of a 64-bit LCG step, xorshift and rotate; returns the
;;                            result (u64 LE)
(module
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (memory (export "memory") 1)

  (func (export "init"))

  (func (export "run")
    (local $i i32) (local $n i32) (local $x i64)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0)))
    (local.set $x (i64.const 1))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $x
          (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005))
                   (i64.const 1442695040888963407)))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))
        (local.set $x (i64.rotl (local.get $x) (i64.const 17)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    (i64.store (i32.const 8) (local.get $x))
    (call $ret (i32.const 8) (i32.const 8))))
