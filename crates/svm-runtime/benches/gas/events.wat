;; events (issue 17): svm_emit in a loop.
;;   init()
;;   emit_many(calldata: count u32 LE, topics u32 LE, data_len u32 LE, ttl u64 LE)
;;                                emits count events of `topics` 32-byte topics (different
;;                                for each event) and data_len bytes, kept ttl layers
(module
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_emit" (func $emit (param i32 i32 i32 i32 i64)))
  (memory (export "memory") 1)

  (func (export "init"))

  (func (export "emit_many") (local $i i32) (local $count i32)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 20))
    (local.set $count (i32.load (i32.const 0)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $l
        ;; topics at 1024: each event's first bytes are its index
        (i32.store (i32.const 1024) (local.get $i))
        (i32.store (i32.const 1056) (local.get $i))
        (call $emit (i32.const 1024) (i32.load (i32.const 4))
          (i32.const 4096) (i32.load (i32.const 8)) (i64.load (i32.const 12)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $count)))))))
