//! Validation: one test per rule, and the real-world corpus.

mod common;

use common::{corpus::corpus, wat};
use svm_gas::{ExportKind, Limits, PrepareConfig, PrepareError, prepare, validate};
use wasmer::{FunctionType, Type};

fn err(wasm: &[u8], config: &PrepareConfig) -> PrepareError {
    let e = validate(wasm, config).expect_err("must be rejected");
    // prepare applies the same validation
    assert_eq!(prepare(wasm, config).expect_err("prepare must reject"), e);
    e
}

fn err_msg(text: &str) -> String {
    err(&wat(text), &PrepareConfig::default()).to_string()
}

#[test]
fn a_valid_module_passes() {
    validate(
        &wat(r#"(module (memory (export "memory") 1) (func (export "run")))"#),
        &PrepareConfig::default(),
    )
    .unwrap();
}

#[test]
fn garbage_is_a_parse_error() {
    let e = err(b"\0asm\x01\0\0\0\x01\xff", &PrepareConfig::default());
    assert!(matches!(e, PrepareError::Parse { .. }), "{e}");
    let e = err(b"not wasm at all", &PrepareConfig::default());
    assert!(
        e.to_string().starts_with("invalid wasm at offset 0x0:"),
        "{e}"
    );
    let e = err(b"", &PrepareConfig::default());
    assert!(matches!(e, PrepareError::Parse { .. }), "{e}");
}

#[test]
fn simd_is_rejected() {
    let msg =
        err_msg(r#"(module (func (result i32) (i32x4.extract_lane 0 (v128.const i64x2 1 2))))"#);
    assert!(
        msg.starts_with("SIMD instructions are not allowed (function 0, offset 0x"),
        "{msg}"
    );
    assert!(msg.contains("`v128.const`"), "{msg}");
}

#[test]
fn threads_are_rejected() {
    let msg =
        err_msg(r#"(module (memory 1 1) (func (result i32) (i32.atomic.load (i32.const 0))))"#);
    assert!(
        msg.starts_with("threads (atomic) instructions are not allowed (function 0"),
        "{msg}"
    );
    let msg = err_msg(r#"(module (memory 1 1 shared))"#);
    assert!(
        msg.starts_with("threads (shared memory) is not allowed"),
        "{msg}"
    );
}

#[test]
fn memory64_multi_memory_exceptions_tail_calls_are_rejected() {
    let msg = err_msg(r#"(module (memory i64 1))"#);
    assert!(msg.starts_with("memory64 is not allowed"), "{msg}");
    let msg = err_msg(r#"(module (memory 1) (memory 1))"#);
    assert!(msg.starts_with("multi-memory is not allowed"), "{msg}");
    let msg = err_msg(r#"(module (tag $e) (func (throw $e)))"#);
    assert!(msg.starts_with("exceptions is not allowed"), "{msg}");
    let msg = err_msg(r#"(module (func $f (return_call $f)))"#);
    assert!(
        msg.starts_with("tail-call instructions are not allowed (function 0"),
        "{msg}"
    );
}

#[test]
fn floats_are_rejected_naming_function_and_instruction() {
    let msg = err_msg(r#"(module (func (param f32)))"#);
    assert_eq!(
        msg,
        "floating-point not allowed: f32 parameter (function 0)"
    );
    let msg = err_msg(
        r#"(module (func) (func (result i64) (i64.reinterpret_f64 (f64.add (f64.const 1) (f64.const 2)))))"#,
    );
    assert!(
        msg.starts_with("floating-point not allowed: `f64.const` (function 1, offset 0x"),
        "{msg}"
    );
    let msg = err_msg(r#"(module (func (local f64)))"#);
    assert!(
        msg.starts_with("floating-point not allowed: f64 local (function 0"),
        "{msg}"
    );
    let msg = err_msg(r#"(module (global f32 (f32.const 0)))"#);
    assert_eq!(msg, "floating-point not allowed: f32 global (global 0)");
    let msg = err_msg(r#"(module (func (result i32) (i32.trunc_sat_f32_s (unreachable))))"#);
    assert!(msg.contains("`i32.trunc_sat_f32_s`"), "{msg}");
    let msg = err_msg(r#"(module (func (block (result f64) (unreachable)) drop))"#);
    assert!(msg.contains("`block` with an f64 result"), "{msg}");
}

#[test]
fn unknown_import_is_named() {
    let msg = err_msg(r#"(module (import "env" "foo" (func)) (import "env" "bar" (func)))"#);
    assert_eq!(msg, "unknown import `env.foo`: not provided by the host");
    // a known import passes, the next unknown one is named
    let config = PrepareConfig::default().allow_function("env", "foo", FunctionType::new([], []));
    let e = err(
        &wat(r#"(module (import "env" "foo" (func)) (import "env" "bar" (func)))"#),
        &config,
    );
    assert_eq!(
        e.to_string(),
        "unknown import `env.bar`: not provided by the host"
    );
}

#[test]
fn import_with_wrong_signature() {
    let config = PrepareConfig::default().allow_function(
        "svm",
        "get",
        FunctionType::new([Type::I32], [Type::I32]),
    );
    let e = err(
        &wat(r#"(module (import "svm" "get" (func (param i64) (result i32))))"#),
        &config,
    );
    assert!(matches!(e, PrepareError::ImportTypeMismatch { .. }));
    let msg = e.to_string();
    assert!(msg.starts_with("import `svm.get` has the wrong type: expected function [I32] -> [I32], found function [I64] -> [I32]"), "{msg}");
    validate(
        &wat(r#"(module (import "svm" "get" (func (param i32) (result i32))))"#),
        &config,
    )
    .unwrap();
}

#[test]
fn non_function_imports_need_the_config() {
    let msg = err_msg(r#"(module (import "env" "memory" (memory 1)))"#);
    assert_eq!(
        msg,
        "import `env.memory` is a memory; only functions may be imported"
    );
    let config = PrepareConfig::default()
        .with_import_kinds(svm_gas::ImportKinds::ALL)
        .allow_import("spectest", "memory", svm_gas::ImportType::Memory)
        .allow_import(
            "spectest",
            "global_i32",
            svm_gas::ImportType::Global(wasmer::GlobalType::new(
                Type::I32,
                wasmer::Mutability::Const,
            )),
        );
    validate(
        &wat(r#"(module (import "spectest" "memory" (memory 1)) (import "spectest" "global_i32" (global i32)))"#),
        &config,
    )
    .unwrap();
}

#[test]
fn required_exports() {
    let config = PrepareConfig::default()
        .require_export("memory", ExportKind::Memory)
        .require_export(
            "run",
            ExportKind::Function(FunctionType::new([Type::I32], [])),
        );
    let e = err(&wat(r#"(module (memory (export "memory") 1))"#), &config);
    assert_eq!(
        e.to_string(),
        "missing required export `run` (function [I32] -> [])"
    );
    let e = err(
        &wat(r#"(module (memory (export "memory") 1) (func (export "run")))"#),
        &config,
    );
    assert_eq!(
        e.to_string(),
        "export `run` has the wrong type: expected function [I32] -> [], found function [] -> []"
    );
    let e = err(
        &wat(r#"(module (memory (export "run") 1) (memory (export "memory") 1))"#),
        &config,
    );
    assert!(matches!(e, PrepareError::FeatureNotAllowed { .. }));
    let e = err(
        &wat(
            r#"(module (global (export "memory") i32 (i32.const 0)) (func (export "run") (param i32)))"#,
        ),
        &config,
    );
    assert_eq!(
        e.to_string(),
        "export `memory` has the wrong type: expected memory, found global"
    );
    validate(
        &wat(r#"(module (memory (export "memory") 1) (func (export "run") (param i32)))"#),
        &config,
    )
    .unwrap();
}

#[test]
fn reserved_export_names() {
    let msg = err_msg(r#"(module (global (export "__svm_call_depth") i32 (i32.const 0)))"#);
    assert!(
        msg.starts_with("export `__svm_call_depth` uses a reserved name"),
        "{msg}"
    );
}

fn limit_of(e: PrepareError) -> (&'static str, u64, u64) {
    match e {
        PrepareError::LimitExceeded {
            limit, found, max, ..
        } => (limit, found, max),
        other => panic!("expected a limit error, got {other}"),
    }
}

#[test]
fn huge_table_is_rejected() {
    let e = err(
        &wat(r#"(module (table 100000 funcref))"#),
        &PrepareConfig::default(),
    );
    assert_eq!(
        e.to_string(),
        "limit `max_table_elements` exceeded: initial size of table 0 is 100000 (limit 4096)"
    );
    let e = err(
        &wat(r#"(module (table 1 5000 funcref))"#),
        &PrepareConfig::default(),
    );
    assert_eq!(limit_of(e), ("max_table_elements", 5000, 4096));
    let e = err(
        &wat(r#"(module (table 1 funcref) (table 1 funcref))"#),
        &PrepareConfig::default(),
    );
    assert_eq!(limit_of(e), ("max_tables", 2, 1));
}

#[test]
fn memory_over_the_limit_is_rejected() {
    let e = err(&wat(r#"(module (memory 65))"#), &PrepareConfig::default());
    assert_eq!(
        e.to_string(),
        "limit `max_memory_pages` exceeded: initial pages of memory 0 is 65 (limit 64)"
    );
    let e = err(
        &wat(r#"(module (memory 1 100))"#),
        &PrepareConfig::default(),
    );
    assert_eq!(limit_of(e), ("max_memory_pages", 100, 64));
    // no declared maximum: accepted, capped at run time
    validate(&wat(r#"(module (memory 64))"#), &PrepareConfig::default()).unwrap();
}

fn small_limits() -> PrepareConfig {
    PrepareConfig::default().with_limits(Limits {
        max_functions: 3,
        max_locals_per_function: 4,
        max_globals: 2,
        max_data_segments: 2,
        max_data_size: 10,
        max_operand_stack_height: 3,
        max_br_table_targets: 2,
        max_imports: 1,
        max_exports: 2,
        max_code_size: 300,
        ..Limits::default()
    })
}

#[test]
fn counts_over_the_limits_are_rejected() {
    let c = small_limits();
    let e = err(&wat(r#"(module (func) (func) (func) (func))"#), &c);
    assert_eq!(limit_of(e), ("max_functions", 4, 3));
    let e = err(
        &wat(r#"(module (func (param i32 i32) (local i32 i64 i64)))"#),
        &c,
    );
    assert_eq!(limit_of(e), ("max_locals_per_function", 5, 4));
    let e = err(
        &wat(
            r#"(module (global i32 (i32.const 0)) (global i32 (i32.const 0)) (global i32 (i32.const 0)))"#,
        ),
        &c,
    );
    assert_eq!(limit_of(e), ("max_globals", 3, 2));
    let e = err(
        &wat(
            r#"(module (memory 1) (data (i32.const 0) "a") (data (i32.const 1) "b") (data (i32.const 2) "c"))"#,
        ),
        &c,
    );
    assert_eq!(limit_of(e), ("max_data_segments", 3, 2));
    let e = err(
        &wat(r#"(module (memory 1) (data (i32.const 0) "0123456789a"))"#),
        &c,
    );
    assert_eq!(limit_of(e), ("max_data_size", 11, 10));
    let e = err(
        &wat(
            r#"(module (func (result i32) (i32.add (i32.const 1) (i32.add (i32.const 2) (i32.add (i32.const 3) (i32.const 4))))))"#,
        ),
        &c,
    );
    assert_eq!(limit_of(e), ("max_operand_stack_height", 4, 3));
    let e = err(
        &wat(r#"(module (func (block (block (block (br_table 0 1 2 0 (i32.const 0)))))))"#),
        &c,
    );
    assert_eq!(limit_of(e), ("max_br_table_targets", 3, 2));
    let e = err(
        &wat(r#"(module (func (export "a")) (func (export "b")) (func (export "c")))"#),
        &c,
    );
    assert_eq!(limit_of(e), ("max_exports", 3, 2));
}

#[test]
fn code_too_large() {
    let c = small_limits();
    let big = wat(&format!(r#"(module (func {}))"#, "(nop)".repeat(400)));
    let e = err(&big, &c);
    assert_eq!(
        e,
        PrepareError::CodeTooLarge {
            size: big.len() as u64,
            max: 300
        }
    );
    assert!(e.to_string().starts_with("code too large: "));
}

#[test]
fn start_function_needs_the_config() {
    let m = wat(r#"(module (func $s) (start $s))"#);
    let e = err(&m, &PrepareConfig::default());
    assert_eq!(e.to_string(), "start function (function 0) not allowed");
    let c = PrepareConfig::default()
        .with_start(true)
        .with_initial_gas(10);
    prepare(&m, &c).unwrap();
}

#[test]
fn rule_order_imports_before_limits_before_floats() {
    // unknown import wins over a float and a huge table
    let msg = err_msg(r#"(module (import "env" "x" (func (param f64))) (table 100000 funcref))"#);
    assert_eq!(msg, "unknown import `env.x`: not provided by the host");
    // a limit wins over a float
    let msg = err_msg(r#"(module (table 100000 funcref) (func (param f64)))"#);
    assert!(msg.starts_with("limit `max_table_elements`"), "{msg}");
}

#[test]
fn corpus_files_are_rejected_with_clear_messages() {
    let d = PrepareConfig::default();
    for name in ["panicky.wasm", "bulky.wasm", "floaty.wasm"] {
        let e = err(&corpus(name), &d);
        println!("{name}: {e}");
        assert!(
            matches!(e, PrepareError::UnknownImport { ref module, .. } if module == "env"),
            "{name}: {e}"
        );
        assert!(
            e.to_string().starts_with("unknown import `env.")
                && e.to_string().ends_with("`: not provided by the host"),
            "{name}: {e}"
        );
    }
    let e = err(&corpus("corrupted.wasm"), &d);
    println!("corrupted.wasm: {e}");
    assert!(matches!(e, PrepareError::Parse { .. }), "{e}");
    assert!(
        e.to_string().starts_with("invalid wasm at offset 0x3"),
        "{e}"
    );
}

#[test]
fn corpus_with_env_allowed() {
    let open = PrepareConfig::default().allow_namespace("env");
    // floaty computes in f64: rejected by the float rule, accepted with floats allowed
    // (tools and benchmarks only)
    let e = err(&corpus("floaty.wasm"), &open);
    assert!(matches!(e, PrepareError::Float { .. }), "floaty.wasm: {e}");
    assert!(
        e.to_string().starts_with("floating-point not allowed: "),
        "{e}"
    );
    validate(&corpus("floaty.wasm"), &open.clone().with_floats(true)).unwrap();
    // bulky and panicky are integer code: they pass once `env` is open
    validate(&corpus("bulky.wasm"), &open).unwrap();
    validate(&corpus("panicky.wasm"), &open).unwrap();
    prepare(&corpus("bulky.wasm"), &open).unwrap();
    let e = err(&corpus("corrupted.wasm"), &open);
    assert!(matches!(e, PrepareError::Parse { .. }), "{e}");
}

/// Found by the spec conformance test (wasm-v2/elem.wast): wasmer 7.4.2 cannot compile a
/// `global.get` among element segment items, so validation must reject it (before this
/// rule, `prepare` passed validation and then failed with `Compile(..)`). Constant item
/// expressions that wasmer does support (`ref.func`, `ref.null`) still pass.
#[test]
fn global_get_in_element_items_is_rejected_by_validation() {
    let text = r#"(module
        (import "spectest" "g" (global funcref))
        (table 1 funcref)
        (elem (i32.const 0) funcref (global.get 0)))"#;
    let config = PrepareConfig::default()
        .with_import_kinds(svm_gas::ImportKinds::ALL)
        .allow_import(
            "spectest",
            "g",
            svm_gas::ImportType::Global(wasmer::GlobalType::new(
                Type::FuncRef,
                wasmer::Mutability::Const,
            )),
        );
    let e = err(&wat(text), &config);
    assert_eq!(
        e.to_string(),
        "`global.get` in element segment items is not allowed (element segment 0, offset 0x27)"
    );
    assert!(matches!(
        prepare(&wat(text), &config),
        Err(PrepareError::FeatureNotAllowed { .. })
    ));
    let ok = r#"(module (func $f) (table 2 funcref)
        (elem (i32.const 0) funcref (ref.func $f) (ref.null func)))"#;
    assert!(prepare(&wat(ok), &PrepareConfig::default()).is_ok());
}

/// Found by the spec conformance test (proposals/custom-descriptors/exact-func-import.wast):
/// wasmparser accepts an exact function import `(func (exact (type $f)))` without the
/// custom-descriptors feature, and wasmer then failed to compile it. Validation rejects it.
#[test]
fn exact_function_imports_are_rejected_by_validation() {
    let text = r#"(module (type $f (func)) (import "env" "f" (func (exact (type $f)))))"#;
    let config = PrepareConfig::default().allow_namespace("env");
    let e = err(&wat(text), &config);
    assert_eq!(
        e.to_string(),
        "custom-descriptors is not allowed (exact function import `env.f`)"
    );
}

/// Found by the spec conformance test (wasm-v2/binary.wast): the reserved memory byte of
/// `memory.grow`/`memory.size` encoded as a long LEB128 zero (`0x80 0x00`) is malformed in
/// Wasm 2.0 without multi-memory, but wasmparser accepted it.
#[test]
fn long_encoded_memory_reserved_byte_is_malformed() {
    // (func (drop (memory.grow (i32.const 0)))) with the reserved byte as 0x80 0x00
    let wasm: Vec<u8> = [
        &b"\0asm\x01\0\0\0"[..],
        b"\x01\x04\x01\x60\x00\x00",
        b"\x03\x02\x01\x00",
        b"\x05\x03\x01\x00\x00",
        b"\x0a\x0a\x01\x08\x00\x41\x00\x40\x80\x00\x1a\x0b",
    ]
    .concat();
    let e = err(&wasm, &PrepareConfig::default());
    assert!(matches!(e, PrepareError::Parse { .. }), "{e}");
    assert!(e.to_string().contains("zero byte expected"), "{e}");
    // the same with the single 0x00 byte is fine
    let ok: Vec<u8> = [
        &b"\0asm\x01\0\0\0"[..],
        b"\x01\x04\x01\x60\x00\x00",
        b"\x03\x02\x01\x00",
        b"\x05\x03\x01\x00\x00",
        b"\x0a\x09\x01\x07\x00\x41\x00\x40\x00\x1a\x0b",
    ]
    .concat();
    assert!(validate(&ok, &PrepareConfig::default()).is_ok());
}
