;; crypto (calibration of the hash and signature host functions)
;;   init()
;;   ed(calldata: count u32 LE | pk 32 | sig 64 | msg)    checks the signature count times
;;   secp(calldata: count u32 LE | pk 33 | sig 64 | hash 32)
;;   hash(calldata: count u32 LE | which u32 LE | len u32 LE)  hashes len bytes (at 32 KiB)
;;        count times with sha3 (0), keccak (1) or blake3 (2)
;; A refused signature traps (unreachable): every check the bench times is a valid one.
(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_sha3_256" (func $sha3 (param i32 i32 i32)))
  (import "svm" "svm_keccak256" (func $keccak (param i32 i32 i32)))
  (import "svm" "svm_blake3" (func $blake3 (param i32 i32 i32)))
  (import "svm" "svm_ed25519_verify" (func $ed (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_secp256k1_verify" (func $secp (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (func (export "init"))

  (func $load (result i32)
    (call $cd (i32.const 1024) (i32.const 0) (call $len))
    (call $len))

  (func (export "ed") (local $n i32) (local $i i32)
    (local.set $n (call $load))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 1024))))
        (if (i32.eqz (call $ed
              (i32.const 1124) (i32.sub (local.get $n) (i32.const 100))
              (i32.const 1060) (i32.const 64)
              (i32.const 1028) (i32.const 32)))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  (func (export "secp") (local $i i32)
    (drop (call $load))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 1024))))
        (if (i32.eqz (call $secp
              (i32.const 1125) (i32.const 1061) (i32.const 64) (i32.const 1028) (i32.const 33)))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  (func (export "hash") (local $i i32) (local $which i32) (local $len i32)
    (drop (call $load))
    (local.set $which (i32.load (i32.const 1028)))
    (local.set $len (i32.load (i32.const 1032)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 1024))))
        (if (i32.eqz (local.get $which))
          (then (call $sha3 (i32.const 32768) (local.get $len) (i32.const 0)))
          (else (if (i32.eq (local.get $which) (i32.const 1))
            (then (call $keccak (i32.const 32768) (local.get $len) (i32.const 0)))
            (else (call $blake3 (i32.const 32768) (local.get $len) (i32.const 0))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))))
