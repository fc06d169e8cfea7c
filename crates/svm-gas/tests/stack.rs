//! The depth limit fires before the native stack overflows, with the largest frames the
//! limits allow, under both compilers; and a measurement of the real frame sizes.

mod common;

use common::{COMPILERS, Harness, wat};
use svm_gas::{Limits, PrepareConfig, TrapKind};

/// A recursive function with `locals` i64 params+locals, all live across the recursive call,
/// and `stack` values on the operand stack during the call.
fn fat_recursion(locals: u32, stack: u32) -> Vec<u8> {
    let mut body = String::new();
    for i in 1..locals {
        body.push_str(&format!(
            "(local.set {i} (i64.add (local.get 0) (i64.const {i})))"
        ));
    }
    body.push_str("(global.set $calls (i32.add (global.get $calls) (i32.const 1)))");
    for i in 0..stack - 1 {
        body.push_str(&format!("(local.get {})", i % locals));
    }
    body.push_str("(call $f (i64.add (local.get 0) (i64.const 1)))");
    for _ in 0..stack - 1 {
        body.push_str("i64.add ");
    }
    for i in 1..locals {
        body.push_str(&format!("(local.get {i}) i64.add "));
    }
    wat(&format!(
        r#"(module
            (global $calls (export "calls") (mut i32) (i32.const 0))
            (func $f (export "f") (param i64) (result i64) (local {}) {body}))"#,
        "i64 ".repeat(locals as usize - 1)
    ))
}

#[test]
fn depth_limit_fires_before_the_native_stack_overflows() {
    let limits = Limits::default();
    // leave headroom for the instructions that fold the stack
    let wasm = fat_recursion(
        limits.max_locals_per_function,
        limits.max_operand_stack_height - 2,
    );
    let config = PrepareConfig::default();
    for compiler in COMPILERS {
        let mut h = Harness::new(&wasm, &config, compiler);
        let out = h.call("f", &[wasmer::Value::I64(0)], u64::MAX / 2);
        assert_eq!(out.result, Err(TrapKind::DepthExceeded), "{compiler:?}");
        assert_eq!(h.global_i32("calls") as u32, limits.max_call_depth + 1);
    }
}

#[test]
fn measure_native_frame_sizes() {
    let stack = Limits::default().native_stack_size;
    let config = PrepareConfig::default().with_limits(Limits {
        max_call_depth: 10_000_000,
        ..Limits::default()
    });
    let max = Limits::default();
    for (label, locals, height) in [
        ("small (1 local, 2 operands)", 1, 2),
        (
            "max frame (256 locals, 254 operands)",
            max.max_locals_per_function,
            max.max_operand_stack_height - 2,
        ),
    ] {
        let wasm = fat_recursion(locals, height);
        for compiler in COMPILERS {
            let mut h = Harness::new(&wasm, &config, compiler);
            let out = h.call("f", &[wasmer::Value::I64(0)], u64::MAX / 2);
            assert_eq!(
                out.result,
                Err(TrapKind::Other),
                "native stack overflow expected"
            );
            let depth = h.global_i32("calls") as u64;
            println!(
                "{label} {compiler:?}: native stack of {} KiB overflowed at depth {depth}: {} bytes/frame",
                stack / 1024,
                stack / depth
            );
            // the default depth limit is well inside the native stack
            assert!(
                depth > 2 * u64::from(max.max_call_depth + 1),
                "{label} {compiler:?}: {depth}"
            );
        }
    }
}
