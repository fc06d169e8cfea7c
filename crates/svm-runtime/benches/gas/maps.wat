;; maps: one map (id 1) of 8-byte big-endian keys to 32-byte values, for the collection host
;; functions' prices (issue 16). Variables [8]. Calldata: little-endian u64 then u32 arguments.
;;   init()
;;   fill(base u64, count u32)          sets keys base..base+count
;;   set_mixed(seed u64, count u32)     sets count fresh keys mix(seed + i), spread over the trie
;;   get_mixed(seed u64, count u32, n u32)  reads count present keys mix(seed + i) mod n
;;   set_keys(k0 u64 ...)               sets each key of the calldata (8 bytes each, as given)
;;   remove_walk(base u64, removed u32, walks u32)
;;                                      removes keys base..base+removed, then `walks` times
;;                                      walks from key base (each walk steps over all of them)
;;   walk(base u64, count u32)          count entries one by one from key base
(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_map_get" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_map_set" (func $set (param i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_map_remove" (func $remove (param i32 i32 i32) (result i32)))
  (import "svm" "svm_map_next" (func $next (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)

  ;; calldata at 0; the key at 70000, the value at 70016, an entry read at 70100 (256 bytes),
  ;; the cursor at 70400 (the last key and a zero byte)
  (func $args (call $cd (i32.const 0) (i32.const 0) (call $len)))

  (func $mix (param $z i64) (result i64)
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30)))
                           (i64.const 0xbf58476d1ce4e5b9)))
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27)))
                           (i64.const 0x94d049bb133111eb)))
    (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))

  ;; the key: x big-endian at 70000
  (func $key (param $x i64)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.const 8)))
      (i32.store8 (i32.sub (i32.const 70007) (local.get $i)) (i32.wrap_i64 (local.get $x)))
      (local.set $x (i64.shr_u (local.get $x) (i64.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  (func $put (param $x i64)
    (call $key (local.get $x))
    (i64.store (i32.const 70016) (local.get $x))
    (drop (call $set (i32.const 1) (i32.const 70000) (i32.const 8) (i32.const 70016) (i32.const 32))))

  (func (export "init"))

  (func (export "fill")
    (local $i i32) (local $base i64)
    (call $args)
    (local.set $base (i64.load (i32.const 0)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8))))
      (call $put (i64.add (local.get $base) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  (func (export "set_mixed")
    (local $i i32) (local $seed i64)
    (call $args)
    (local.set $seed (i64.load (i32.const 0)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8))))
      (call $put (call $mix (i64.add (local.get $seed) (i64.extend_i32_u (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  (func (export "get_mixed")
    (local $i i32) (local $seed i64)
    (call $args)
    (local.set $seed (i64.load (i32.const 0)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8))))
      (call $key (i64.rem_u (call $mix (i64.add (local.get $seed) (i64.extend_i32_u (local.get $i))))
                            (i64.load32_u (i32.const 12))))
      (if (i32.ne (call $get (i32.const 1) (i32.const 70000) (i32.const 8) (i32.const 70100) (i32.const 256))
                  (i32.const 32))
        (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  (func (export "set_keys")
    (local $at i32) (local $n i32)
    (local.set $n (call $len))
    (call $args)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $at) (local.get $n)))
      (drop (call $set (i32.const 1) (local.get $at) (i32.const 8) (i32.const 70016) (i32.const 32)))
      (local.set $at (i32.add (local.get $at) (i32.const 8)))
      (br $l))))

  (func (export "remove_walk")
    (local $i i32) (local $base i64)
    (call $args)
    (local.set $base (i64.load (i32.const 0)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8))))
      (call $key (i64.add (local.get $base) (i64.extend_i32_u (local.get $i))))
      (drop (call $remove (i32.const 1) (i32.const 70000) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $key (local.get $base))
    (local.set $i (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 12))))
      (drop (call $next (i32.const 1) (i32.const 70000) (i32.const 8) (i32.const 70100) (i32.const 256)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  (func (export "walk")
    (local $i i32) (local $size i32)
    (call $args)
    (call $key (i64.load (i32.const 0)))
    ;; the first cursor: the key itself (8 bytes); then each last key with a zero byte
    (i64.store (i32.const 70400) (i64.load (i32.const 70000)))
    (local.set $size (i32.const 8))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8))))
      (br_if $done (i32.lt_s (call $next (i32.const 1) (i32.const 70400) (local.get $size)
                                        (i32.const 70100) (i32.const 256))
                            (i32.const 0)))
      ;; the entry: key_len (8), key, value: the next cursor is its key and a zero byte
      (i64.store (i32.const 70400) (i64.load (i32.const 70104)))
      (i32.store8 (i32.const 70408) (i32.const 0))
      (local.set $size (i32.const 9))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
)
