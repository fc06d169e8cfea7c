;; h1 (H1): memory-hungry operations at their caps. One 4 MiB variable, 4 MiB of memory (the
;; default Limits::max_memory_pages), a table declared without a maximum.
;;   init()
;;   grow()  table.grow by 4,096 elements (Limits::max_table_elements); traps if refused
;;   fill()  sets every byte of the variable to 0x5A (one raw write)
;;   read()  svm_storage_read of the whole variable into memory
;;   load()  svm_load of the whole variable into memory
(module
  (import "svm" "svm_storage_read" (func $read (param i32 i32 i32)))
  (import "svm" "svm_storage_write" (func $write (param i32 i32 i32)))
  (import "svm" "svm_load" (func $load (param i32 i32)))
  (import "svm" "svm_var_len" (func $var_len (param i32) (result i32)))
  (memory (export "memory") 64)
  (table 0 funcref)

  (func (export "init"))

  (func (export "grow")
    (if (i32.eq (table.grow (ref.null func) (i32.const 4096)) (i32.const -1))
      (then unreachable)))

  (func (export "fill")
    (memory.fill (i32.const 0) (i32.const 0x5A) (call $var_len (i32.const 0)))
    (call $write (i32.const 0) (i32.const 0) (call $var_len (i32.const 0))))

  (func (export "read")
    (call $read (i32.const 0) (i32.const 0) (call $var_len (i32.const 0)))
    (if (i32.ne (i32.load8_u (i32.const 4194303)) (i32.const 0x5A)) (then unreachable)))

  (func (export "load")
    (call $load (i32.const 0) (i32.const 0))
    (if (i32.ne (i32.load8_u (i32.const 4194303)) (i32.const 0x5A)) (then unreachable))))
