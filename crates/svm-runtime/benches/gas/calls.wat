;; calls (issue 17): contract-to-contract calls, at their cheapest and at their most work.
;; Every call's status is checked: a call that does not end as the workload intends traps, so
;; the bench's receipt check catches it.
;;   init()
;;   leaf(), cb()                 do nothing (a callee, a callback)
;;   fanout(calldata: count u32 LE, function u32 LE (0 leaf, 1 run), targets: 20 bytes each)
;;                                calls the function on the targets round-robin, count calls
;;   chain(calldata: targets: 20 bytes each)
;;                                calls chain on the first target with the rest: one nested
;;                                frame per target
;;   dirty_fail(calldata: count u32 LE, target 20 bytes)
;;                                calls write_fail on the target count times
;;   write_fail()                 writes a byte in each of 4 pages, then traps: its savepoint
;;                                is rolled back
;;   queue(calldata: count u32 LE, target 20 bytes)
;;                                queues count asynchronous calls of leaf on the target, each
;;                                with callback cb
(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_call" (func $call (param i32 i32 i32 i32 i32 i64 i64) (result i32)))
  (import "svm" "svm_call_async"
    (func $async (param i32 i32 i32 i32 i32 i64 i64 i32 i32 i64)))
  (import "svm" "svm_storage_write" (func $write (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "leaf")
  (data (i32.const 8) "chain")
  (data (i32.const 16) "write_fail")
  (data (i32.const 32) "cb")
  (data (i32.const 40) "run")

  (func (export "init"))
  (func (export "leaf"))
  (func (export "cb"))

  (func $input (result i32) (local $n i32)
    (local.set $n (call $len))
    (call $cd (i32.const 1024) (i32.const 0) (local.get $n))
    (local.get $n))

  (func (export "fanout")
    (local $n i32) (local $count i32) (local $targets i32) (local $i i32)
    (local $fn i32) (local $fnlen i32)
    (local.set $n (call $input))
    (local.set $count (i32.load (i32.const 1024)))
    (local.set $fn (select (i32.const 40) (i32.const 0) (i32.load (i32.const 1028))))
    (local.set $fnlen (select (i32.const 3) (i32.const 4) (i32.load (i32.const 1028))))
    (local.set $targets (i32.div_u (i32.sub (local.get $n) (i32.const 8)) (i32.const 20)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $l
        (if (call $call
              (i32.add (i32.const 1032)
                (i32.mul (i32.rem_u (local.get $i) (local.get $targets)) (i32.const 20)))
              (local.get $fn) (local.get $fnlen) (i32.const 0) (i32.const 0)
              (i64.const 0) (i64.const 0))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $count))))))

  (func (export "chain") (local $n i32)
    (local.set $n (call $input))
    (if (i32.ge_u (local.get $n) (i32.const 20))
      (then
        (if (call $call (i32.const 1024) (i32.const 8) (i32.const 5)
              (i32.const 1044) (i32.sub (local.get $n) (i32.const 20))
              (i64.const 0) (i64.const 0))
          (then unreachable)))))

  (func (export "write_fail")
    (i32.store8 (i32.const 48) (i32.const 1))
    (call $write (i32.const 0) (i32.const 48) (i32.const 1))
    (call $write (i32.const 4096) (i32.const 48) (i32.const 1))
    (call $write (i32.const 8192) (i32.const 48) (i32.const 1))
    (call $write (i32.const 12288) (i32.const 48) (i32.const 1))
    unreachable)

  (func (export "dirty_fail") (local $count i32) (local $i i32)
    (drop (call $input))
    (local.set $count (i32.load (i32.const 1024)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $l
        ;; status 1: the callee failed, as it must
        (if (i32.ne (call $call (i32.const 1028) (i32.const 16) (i32.const 10)
                      (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0))
                    (i32.const 1))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $count))))))

  (func (export "queue") (local $count i32) (local $i i32)
    (drop (call $input))
    (local.set $count (i32.load (i32.const 1024)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $l
        (call $async (i32.const 1028) (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 0)
          (i64.const 0) (i64.const 150000) (i32.const 32) (i32.const 2) (i64.const 150000))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $count)))))))
