;; pages (C1, M4): one variable as large as the layout limit allows, written one byte per
;; 4 KiB page with raw storage writes.
;;   init()
;;   fill(calldata: start u32 LE, count u32 LE)   writes 1 at the first byte of pages
;;                                                start..start+count (makes them non-zero)
;;   touch(calldata: start u32 LE, count u32 LE)  writes 1 at the LAST byte of pages
;;                                                start..start+count: each 1-byte write makes
;;                                                a fresh page store 4 KiB (M4)
;;   poke(calldata: page u32 LE, value u32 LE)    writes the low byte of value at the first
;;                                                byte of page (C1: one small write to an
;;                                                account with many non-zero pages)
(module
  (import "svm" "svm_storage_write" (func $write (param i32 i32 i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (memory (export "memory") 1)

  (func (export "init"))

  ;; one byte at offset $at of every page of the calldata's range
  (func $range (param $at i32)
    (local $i i32) (local $end i32)
    (call $cd (i32.const 16) (i32.const 0) (i32.const 8))
    (i32.store8 (i32.const 0) (i32.const 1))
    (local.set $i (i32.load (i32.const 16)))
    (local.set $end (i32.add (local.get $i) (i32.load (i32.const 20))))
    (block $done
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (loop $l
        (call $write
          (i32.add (i32.mul (local.get $i) (i32.const 4096)) (local.get $at))
          (i32.const 0) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $end))))))

  (func (export "fill") (call $range (i32.const 0)))

  (func (export "touch") (call $range (i32.const 4095)))

  (func (export "poke")
    (call $cd (i32.const 16) (i32.const 0) (i32.const 8))
    (i32.store8 (i32.const 0) (i32.load (i32.const 20)))
    (call $write (i32.mul (i32.load (i32.const 16)) (i32.const 4096)) (i32.const 0) (i32.const 1))))
