//! The calibration probe: one template whose functions each repeat one priced operation
//! (a Wasm operator, a host function) `count` times, so that the time of one operation is
//! the difference between a function and the `empty` one, over `count`.
//!
//! Every function reads its calldata first: `count u32 LE | arg u32 LE | extra bytes`
//! (copied to memory offset 0; `arg` is a size or a variable index, `extra` holds a
//! recipient address, or a public key, signature and message). Memory: 4 pages, grown to
//! the largest a template may have (64 pages) by `load_chase`, which strides over all of it
//! a page apart, and page by page by `grow_page`; offsets 65,536 and 131,072 are 64 KiB
//! buffers. Variables: `[8, 4096]`.

/// The probe's variables: an 8-byte one and a 4 KiB one.
pub(crate) const VARS: [u32; 2] = [8, 4096];

/// The operations, by function name: the body repeated `count` times. Wasm operators are
/// unrolled 16 times so that the loop's own operators weigh little.
pub(crate) const BODIES: &[(&str, &str)] = &[
    ("empty", ""),
    // Wasm operators (16 per iteration)
    (
        "add",
        "(local.set $x (i64.add (local.get $x) (local.get $y)))",
    ),
    (
        "mul",
        "(local.set $x (i64.mul (local.get $x) (local.get $y)))",
    ),
    (
        "div",
        "(local.set $x (i64.div_u (local.get $x) (local.get $y)))",
    ),
    (
        "load_chase",
        "(local.set $a (i32.and (i32.add (i32.load (local.get $a))
                                         (i32.add (local.get $a) (i32.const 266248)))
                                (i32.const 0x3ffff8)))",
    ),
    ("call", "(call $nothing)"),
    ("call_indirect", "(call_indirect (type $v) (i32.const 0))"),
    ("br_table", "(block $b (br_table $b $b (local.get $k)))"),
    // bulk operations (once per iteration)
    (
        "memory_copy",
        "(memory.copy (i32.const 131072) (i32.const 65536) (local.get $arg))",
    ),
    (
        "table_fill",
        "(table.fill $t (i32.const 0) (ref.null func) (local.get $arg))",
    ),
    // memory growth (once per iteration): a page grown and touched every 4 KiB, or nothing
    (
        "grow_page",
        "(local.set $a (i32.shl (memory.grow (i32.const 1)) (i32.const 16)))
         (i64.store offset=0 (local.get $a) (i64.const 1))
         (i64.store offset=4096 (local.get $a) (i64.const 1))
         (i64.store offset=8192 (local.get $a) (i64.const 1))
         (i64.store offset=12288 (local.get $a) (i64.const 1))
         (i64.store offset=16384 (local.get $a) (i64.const 1))
         (i64.store offset=20480 (local.get $a) (i64.const 1))
         (i64.store offset=24576 (local.get $a) (i64.const 1))
         (i64.store offset=28672 (local.get $a) (i64.const 1))
         (i64.store offset=32768 (local.get $a) (i64.const 1))
         (i64.store offset=36864 (local.get $a) (i64.const 1))
         (i64.store offset=40960 (local.get $a) (i64.const 1))
         (i64.store offset=45056 (local.get $a) (i64.const 1))
         (i64.store offset=49152 (local.get $a) (i64.const 1))
         (i64.store offset=53248 (local.get $a) (i64.const 1))
         (i64.store offset=57344 (local.get $a) (i64.const 1))
         (i64.store offset=61440 (local.get $a) (i64.const 1))",
    ),
    ("grow_zero", "(drop (memory.grow (i32.const 0)))"),
    // host functions (once per iteration)
    ("host_call", "(drop (call $amount))"),
    ("copy", "(call $ret (i32.const 65536) (local.get $arg))"),
    (
        "storage_read",
        "(call $load (local.get $arg) (i32.const 65536))",
    ),
    (
        "storage_write",
        "(call $store (local.get $arg) (i32.const 65536))",
    ),
    ("balance", "(drop (call $balance))"),
    ("transfer", "(call $transfer (i32.const 8) (i64.const 1))"),
    (
        "log",
        "(call $log (i32.const 0) (i32.const 0) (i32.const 65536) (local.get $arg))",
    ),
    (
        "sha3",
        "(call $sha3 (i32.const 65536) (local.get $arg) (i32.const 131072))",
    ),
    (
        "ed25519",
        "(if (i32.eqz (call $ed (i32.const 104) (local.get $arg) (i32.const 40) (i32.const 64)
                               (i32.const 8) (i32.const 32)))
           (then unreachable))",
    ),
    (
        "secp256k1",
        "(if (i32.eqz (call $secp (i32.const 8) (i32.const 40) (i32.const 64) (i32.const 104)
                                 (i32.const 33)))
           (then unreachable))",
    ),
    // a branchy loop: the Collatz steps of `arg + i`
    (
        "collatz",
        "(local.set $x (i64.extend_i32_u (i32.add (local.get $arg) (local.get $i))))
         (block $done (loop $step
           (br_if $done (i64.le_u (local.get $x) (i64.const 1)))
           (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
             (then (local.set $x (i64.shr_u (local.get $x) (i64.const 1))))
             (else (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))
           (br $step)))",
    ),
];

/// What a function does once before its loop: `load_chase` grows the memory to the
/// largest a template may have (64 pages, 4 MiB) and chases through all of it (each address
/// depends on the value loaded before, so every load waits for the memory: the slowest
/// access a template can force).
fn prologue(name: &str) -> &'static str {
    match name {
        "load_chase" => "(drop (memory.grow (i32.sub (i32.const 64) (memory.size))))",
        _ => "",
    }
}

/// How many times a body is unrolled per iteration: 16 for single Wasm operators, else 1.
pub(crate) fn unrolled(name: &str) -> u32 {
    match name {
        "add" | "mul" | "div" | "load_chase" | "call" | "call_indirect" | "br_table" => 16,
        _ => 1,
    }
}

/// The probe's text.
pub(crate) fn wat() -> String {
    let mut funcs = String::new();
    for (name, body) in BODIES {
        let body = body.repeat(unrolled(name) as usize);
        let prologue = prologue(name);
        funcs.push_str(&format!(
            r#"
  (func (export "{name}")
    (local $i i32) (local $n i32) (local $arg i32) (local $k i32) (local $a i32)
    (local $x i64) (local $y i64)
    (local.set $n (call $args))
    (local.set $arg (i32.load (i32.const 4)))
    (local.set $y (i64.or (i64.extend_i32_u (local.get $arg)) (i64.const 0x9E3779B97F4A7C15)))
    (local.set $x (i64.const 0x0123456789ABCDEF))
    (local.set $a (i32.const 65536))
    {prologue}
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        {body}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i64.store (i32.const 196608) (local.get $x)))"#
        ));
    }
    format!(
        r#"(module
  (import "svm" "svm_calldata_len" (func $len (result i32)))
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (import "svm" "svm_set_returndata" (func $ret (param i32 i32)))
  (import "svm" "svm_amount" (func $amount (result i64)))
  (import "svm" "svm_load" (func $load (param i32 i32)))
  (import "svm" "svm_store" (func $store (param i32 i32)))
  (import "svm" "svm_balance" (func $balance (result i64)))
  (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
  (import "svm" "svm_log" (func $log (param i32 i32 i32 i32)))
  (import "svm" "svm_sha3_256" (func $sha3 (param i32 i32 i32)))
  (import "svm" "svm_ed25519_verify" (func $ed (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "svm" "svm_secp256k1_verify" (func $secp (param i32 i32 i32 i32 i32) (result i32)))
  (type $v (func))
  (memory (export "memory") 4)
  (table $t 4096 4096 funcref)
  (elem (i32.const 0) func $nothing)
  (func $nothing)
  (func $args (result i32)
    (call $cd (i32.const 0) (i32.const 0) (call $len))
    (i32.load (i32.const 0)))
  (func (export "init")){funcs})"#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_probe_is_valid_wasm() {
        let wasm = wat::parse_str(super::wat()).expect("the probe parses");
        let config = svm_runtime::prepare_config(&svm_runtime::RuntimeConfig::default());
        svm_gas::validate(&wasm, &config).expect("the probe is a valid template");
    }
}
