;; pages: variables [100, 4000, 200, 5000, 8] bytes: 9308 bytes over three 4 KiB pages,
;; with variables 1 and 3 straddling page boundaries.
;;   fill()   sets every byte of variable i to i + 1
;;   check()  traps unless every variable holds its pattern
;;   raw()    writes 20 raw bytes across the first page boundary and reads them back
(module
  (import "svm" "svm_var_len" (func $var_len (param i32) (result i32)))
  (import "svm" "svm_load" (func $load (param i32 i32)))
  (import "svm" "svm_store" (func $store (param i32 i32)))
  (import "svm" "svm_storage_read" (func $storage_read (param i32 i32 i32)))
  (import "svm" "svm_storage_write" (func $storage_write (param i32 i32 i32)))
  (memory (export "memory") 1)

  (func (export "ctor"))

  (func (export "fill")
    (local $i i32)
    (loop $vars
      (memory.fill (i32.const 1024) (i32.add (local.get $i) (i32.const 1)) (call $var_len (local.get $i)))
      (call $store (local.get $i) (i32.const 1024))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $vars (i32.lt_u (local.get $i) (i32.const 5)))))

  (func (export "check")
    (local $i i32) (local $j i32) (local $len i32)
    (loop $vars
      (local.set $len (call $var_len (local.get $i)))
      (call $load (local.get $i) (i32.const 1024))
      (local.set $j (i32.const 0))
      (loop $bytes
        (if (i32.ne (i32.load8_u (i32.add (i32.const 1024) (local.get $j)))
                    (i32.add (local.get $i) (i32.const 1)))
          (then unreachable))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $bytes (i32.lt_u (local.get $j) (local.get $len))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $vars (i32.lt_u (local.get $i) (i32.const 5)))))

  (func (export "raw")
    (memory.fill (i32.const 0) (i32.const 0xAB) (i32.const 20))
    (call $storage_write (i32.const 4086) (i32.const 0) (i32.const 20))
    (call $storage_read (i32.const 4086) (i32.const 100) (i32.const 20))
    (if (i32.ne (i32.load8_u (i32.const 119)) (i32.const 0xAB)) (then unreachable))))
