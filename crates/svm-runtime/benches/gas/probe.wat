;; probe (H4, M5, verify): state access over many accounts. The bench's account i has
;; address addr(i) (see $addr, the same function as `templates::account` in Rust), so the
;; contract reaches any of them, or fresh addresses, without calldata.
;;   init()
;;   balances(calldata: base u64 LE, count u32 LE)  svm_balance_of(addr(base + k)) for
;;                                 k < count; returns (sum u64 LE, zero balances u32 LE)
;;   pay(calldata: base u64 LE, count u32 LE, amount u64 LE)  svm_transfer(addr(base + k),
;;                                 amount) for k < count
;;   pay_list(calldata: 20-byte addresses)  svm_transfer(address, 1) to each, in order
;;   svm_verify(verifydata: base u64 LE, count u32 LE)  svm_balance_of(addr(base + k))
;;                                 for k < count, then accepts
(module
  (import "svm" "svm_calldata_len" (func $cd_len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_balance_of" (func $balance_of (param i32) (result i64)))
  (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (memory (export "memory") 2)

  ;;@ADDR@

  (func (export "init"))

  (func (export "balances")
    (local $base i64) (local $k i32) (local $n i32) (local $sum i64) (local $zeros i32)
    (local $b i64)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 12))
    (local.set $base (i64.load (i32.const 0)))
    (local.set $n (i32.load (i32.const 8)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (call $addr (i64.add (local.get $base) (i64.extend_i32_u (local.get $k))) (i32.const 64))
        (local.set $b (call $balance_of (i32.const 64)))
        (local.set $sum (i64.add (local.get $sum) (local.get $b)))
        (local.set $zeros (i32.add (local.get $zeros) (i64.eqz (local.get $b))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $k) (local.get $n)))))
    (i64.store (i32.const 96) (local.get $sum))
    (i32.store (i32.const 104) (local.get $zeros))
    (call $ret (i32.const 96) (i32.const 12)))

  (func (export "pay")
    (local $base i64) (local $k i32) (local $n i32) (local $amount i64)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 20))
    (local.set $base (i64.load (i32.const 0)))
    (local.set $n (i32.load (i32.const 8)))
    (local.set $amount (i64.load (i32.const 12)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (call $addr (i64.add (local.get $base) (i64.extend_i32_u (local.get $k))) (i32.const 64))
        (call $transfer (i32.const 64) (local.get $amount))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $k) (local.get $n))))))

  (func (export "pay_list")
    (local $p i32) (local $end i32)
    (local.set $end (i32.add (i32.const 1024) (call $cd_len)))
    (call $cd (i32.const 1024) (i32.const 0) (call $cd_len))
    (local.set $p (i32.const 1024))
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 20)) (local.get $end)))
        (call $transfer (local.get $p) (i64.const 1))
        (local.set $p (i32.add (local.get $p) (i32.const 20)))
        (br $l))))

  (func (export "svm_verify") (result i32)
    (local $x i64) (local $n i32)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 12))
    (local.set $x (i64.load (i32.const 0)))
    (local.set $n (i32.load (i32.const 8)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (call $addr (local.get $x) (i32.const 64))
        (drop (call $balance_of (i32.const 64)))
        (local.set $x (i64.add (local.get $x) (i64.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i32.const 1)))
