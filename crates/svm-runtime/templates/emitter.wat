;; emitter: a template for tests of events.
;;   emit(calldata: ttl u64 LE, topic count u8, topics (32 bytes each), data)
;;   emit_and_fail(the same)          emits, then traps
;;   emit_then_call(calldata: target 20 bytes, then emit's calldata)
;;                                    emits, then calls emit_and_fail of the target with it
;;   emit_many(calldata: count u32 LE, then emit's calldata)
;;                                    emits the same event count times
(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $copy (param i32 i32 i32)))
  (import "svm" "svm_emit" (func $emit (param i32 i32 i32 i32 i64)))
  (import "svm" "svm_call" (func $call (param i32 i32 i32 i32 i32 i64 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "emit_and_fail")
  (func (export "init"))
  ;; emits the event whose calldata is at $at, $n bytes long
  (func $emit_at (param $at i32) (param $n i32) (local $topics i32)
    (local.set $topics (i32.load8_u (i32.add (local.get $at) (i32.const 8))))
    (call $emit
      (i32.add (local.get $at) (i32.const 9)) (local.get $topics)
      (i32.add (i32.add (local.get $at) (i32.const 9)) (i32.mul (local.get $topics) (i32.const 32)))
      (i32.sub (local.get $n) (i32.add (i32.const 9) (i32.mul (local.get $topics) (i32.const 32))))
      (i64.load (local.get $at))))
  (func $input (result i32) (local $n i32)
    (local.set $n (call $len))
    (call $copy (i32.const 1024) (i32.const 0) (local.get $n))
    (local.get $n))
  (func (export "emit") (call $emit_at (i32.const 1024) (call $input)))
  (func (export "emit_and_fail") (call $emit_at (i32.const 1024) (call $input)) unreachable)
  (func (export "emit_then_call") (local $n i32)
    (local.set $n (call $input))
    (call $emit_at (i32.const 1044) (i32.sub (local.get $n) (i32.const 20)))
    (drop (call $call (i32.const 1024) (i32.const 0) (i32.const 13) (i32.const 1044)
      (i32.sub (local.get $n) (i32.const 20)) (i64.const 0) (i64.const 0))))
  (func (export "emit_many") (local $n i32) (local $i i32)
    (local.set $n (call $input))
    (block $done
      (br_if $done (i32.eqz (i32.load (i32.const 1024))))
      (loop $l
        (call $emit_at (i32.const 1028) (i32.sub (local.get $n) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.load (i32.const 1024)))))))
)
