//! Execution: out of gas, exact gas, identical gas under both compilers, size-dependent
//! charges, memory.grow bomb, call-depth limit.

mod common;

use common::{COMPILERS, Harness, same_under_both, wat};
use svm_gas::{CostTable, Limits, PrepareConfig, TrapKind};
use wasmer::{Function, FunctionEnv, Value, imports};

const BIG: u64 = 1_000_000_000;

fn programs() -> Vec<u8> {
    wat(r#"(module
        (memory (export "memory") 1)
        (func $loop (export "loop") (param $n i32) (result i32) (local $acc i32)
            (block $done
                (loop $l
                    (br_if $done (i32.eqz (local.get $n)))
                    (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (i32.const 3))))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $l)))
            (local.get $acc))
        (func $fib (export "fib") (param $n i32) (result i32)
            (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
                (then (local.get $n))
                (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                               (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
        (type $t (func (param i32) (result i32)))
        (table 1 funcref)
        (elem (i32.const 0) $fib)
        (func (export "indirect") (param $n i32) (result i32)
            (call_indirect (type $t) (local.get $n) (i32.const 0)))
        (func (export "grow") (param $pages i32) (result i32)
            (memory.grow (local.get $pages)))
        (func (export "fill") (param $len i32)
            (memory.fill (i32.const 0) (i32.const 7) (local.get $len)))
        (func (export "copy") (param $len i32)
            (memory.copy (i32.const 100) (i32.const 0) (local.get $len)))
        (func (export "mem") (param $n i32) (result i32)
            (loop $l
                (i32.store (i32.mul (local.get $n) (i32.const 4)) (local.get $n))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $l (local.get $n)))
            (i32.load (i32.const 4)))
        (func (export "spin") (loop $l (br $l)))
    )"#)
}

#[test]
fn infinite_loop_runs_out_of_gas() {
    let wasm = programs();
    for gas in [0, 1, 1000, 1_000_000] {
        let out = same_under_both(&wasm, &PrepareConfig::default(), "spin", &[], gas);
        assert_eq!(out.result, Err(TrapKind::OutOfGas));
        assert_eq!(out.gas_used, gas);
    }
}

#[test]
fn exact_gas_succeeds_and_one_less_fails() {
    let wasm = programs();
    let config = PrepareConfig::default();
    let cases: [(&str, Vec<Value>); 7] = [
        ("loop", vec![Value::I32(1000)]),
        ("fib", vec![Value::I32(15)]),
        ("indirect", vec![Value::I32(10)]),
        ("grow", vec![Value::I32(3)]),
        ("fill", vec![Value::I32(1000)]),
        ("copy", vec![Value::I32(777)]),
        ("mem", vec![Value::I32(100)]),
    ];
    for compiler in COMPILERS {
        for (func, args) in &cases {
            let measured = Harness::new(&wasm, &config, compiler).call(func, args, BIG);
            assert!(measured.result.is_ok(), "{func}: {measured:?}");
            let used = measured.gas_used;
            let mut h = Harness::new(&wasm, &config, compiler);
            let exact = h.call(func, args, used);
            assert_eq!(
                exact.result, measured.result,
                "{compiler:?} {func} with exact gas"
            );
            assert_eq!(exact.gas_used, used);
            let mut h = Harness::new(&wasm, &config, compiler);
            let short = h.call(func, args, used - 1);
            assert_eq!(
                short.result,
                Err(TrapKind::OutOfGas),
                "{compiler:?} {func} one short"
            );
        }
    }
}

#[test]
fn identical_gas_under_both_compilers() {
    let wasm = programs();
    let config = PrepareConfig::default();
    let mut table = Vec::new();
    for (func, arg) in [
        ("loop", 10),
        ("loop", 10_000),
        ("fib", 10),
        ("fib", 20),
        ("indirect", 12),
        ("grow", 0),
        ("grow", 1),
        ("grow", 5),
        ("fill", 0),
        ("fill", 1),
        ("fill", 32),
        ("fill", 33),
        ("fill", 65_536),
        ("copy", 16),
        ("copy", 4096),
        ("mem", 1000),
    ] {
        let out = same_under_both(&wasm, &config, func, &[Value::I32(arg)], BIG);
        assert!(out.result.is_ok(), "{func}({arg}): {out:?}");
        table.push((func, arg, out.gas_used));
    }
    println!("gas used (identical under singlepass and cranelift): {table:?}");
    // The loop costs a fixed amount per iteration.
    let per_iter = (table[1].2 - table[0].2) / (10_000 - 10);
    assert_eq!(table[1].2 - table[0].2, per_iter * (10_000 - 10));
}

#[test]
fn bulk_memory_and_grow_are_charged_by_size() {
    let wasm = programs();
    let config = PrepareConfig::default();
    let costs = CostTable::default();
    let gas = |func: &str, arg: i32| {
        same_under_both(&wasm, &config, func, &[Value::I32(arg)], BIG).gas_used
    };
    let per32 = u64::from(costs.bulk_memory_per_32_bytes);
    // ceil(len / 32) units
    assert_eq!(gas("fill", 1) - gas("fill", 0), per32);
    assert_eq!(gas("fill", 32) - gas("fill", 0), per32);
    assert_eq!(gas("fill", 33) - gas("fill", 0), 2 * per32);
    assert_eq!(gas("fill", 65_536) - gas("fill", 0), 2048 * per32);
    assert_eq!(gas("copy", 4096) - gas("copy", 0), 128 * per32);
    let per_page = u64::from(costs.memory_grow_per_page);
    assert_eq!(gas("grow", 5) - gas("grow", 0), 5 * per_page);
}

#[test]
fn grow_beyond_the_limit_returns_minus_one_and_is_charged() {
    let wasm = programs();
    let config = PrepareConfig::default();
    let max = i32::try_from(Limits::default().max_memory_pages).unwrap();
    // memory has 1 page; growing to exactly the limit works, one more page fails
    let ok = same_under_both(&wasm, &config, "grow", &[Value::I32(max - 1)], BIG);
    assert_eq!(ok.result, Ok(vec![Value::I32(1)]));
    let over = same_under_both(&wasm, &config, "grow", &[Value::I32(max)], BIG);
    assert_eq!(over.result, Ok(vec![Value::I32(-1)]));
    let per_page = u64::from(CostTable::default().memory_grow_per_page);
    assert_eq!(over.gas_used - ok.gas_used, per_page);
    // a huge request is charged up front and runs out of gas
    let huge = same_under_both(&wasm, &config, "grow", &[Value::I32(-1)], BIG);
    assert_eq!(huge.result, Err(TrapKind::OutOfGas));
}

#[test]
fn memory_grow_bomb_stops_deterministically() {
    let wasm = wat(r#"(module
        (memory 1)
        (global $grows (export "grows") (mut i32) (i32.const 0))
        (func (export "bomb") (result i32)
            (loop $l
                (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1))
                    (then (global.set $grows (i32.add (global.get $grows) (i32.const 1)))
                          (br $l))))
            (memory.size))
        (func (export "bomb_forever")
            (loop $l (drop (memory.grow (i32.const 1))) (br $l))))"#);
    let config = PrepareConfig::default();
    let pages = Limits::default().max_memory_pages as i32;
    let out = same_under_both(&wasm, &config, "bomb", &[], BIG);
    assert_eq!(out.result, Ok(vec![Value::I32(pages)]));
    let per_page = u64::from(CostTable::default().memory_grow_per_page);
    // every request was charged, including the failing one
    assert!(out.gas_used >= per_page * pages as u64);
    for compiler in COMPILERS {
        let mut h = Harness::new(&wasm, &config, compiler);
        h.call("bomb", &[], BIG);
        assert_eq!(h.global_i32("grows"), pages - 1);
    }
    // a bomb that ignores the -1 burns gas until it runs out
    let out = same_under_both(&wasm, &config, "bomb_forever", &[], 10_000_000);
    assert_eq!(out.result, Err(TrapKind::OutOfGas));
    assert_eq!(out.gas_used, 10_000_000);
}

fn recursion() -> Vec<u8> {
    wat(r#"(module
        (global $calls (export "calls") (mut i32) (i32.const 0))
        (func $down (export "down")
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (call $down))
        (type $v (func))
        (table 1 funcref)
        (elem (i32.const 0) $down_indirect)
        (func $down_indirect (export "down_indirect")
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (call_indirect (type $v) (i32.const 0)))
        (func $bounded (export "bounded") (param $n i32)
            (if (local.get $n) (then (call $bounded (i32.sub (local.get $n) (i32.const 1)))))))"#)
}

#[test]
fn deep_recursion_hits_the_depth_limit_at_the_same_depth() {
    let wasm = recursion();
    for max in [10, 1024] {
        let config = PrepareConfig::default().with_limits(Limits {
            max_call_depth: max,
            ..Limits::default()
        });
        for func in ["down", "down_indirect"] {
            for compiler in COMPILERS {
                let mut h = Harness::new(&wasm, &config, compiler);
                let out = h.call(func, &[], BIG);
                assert_eq!(
                    out.result,
                    Err(TrapKind::DepthExceeded),
                    "{compiler:?} {func}"
                );
                // the entry frame plus max nested calls ran
                assert_eq!(h.global_i32("calls"), max as i32 + 1, "{compiler:?} {func}");
                // the instance is usable again after set_gas
                assert_eq!(
                    h.call("bounded", &[Value::I32(max as i32)], BIG).result,
                    Ok(vec![])
                );
                assert_eq!(
                    h.call("bounded", &[Value::I32(max as i32 + 1)], BIG).result,
                    Err(TrapKind::DepthExceeded)
                );
            }
        }
    }
}

#[test]
fn out_of_gas_and_other_traps_are_distinguished() {
    let wasm = wat(r#"(module
        (func (export "trap") unreachable)
        (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))"#);
    let config = PrepareConfig::default();
    assert_eq!(
        same_under_both(&wasm, &config, "trap", &[], BIG).result,
        Err(TrapKind::Other)
    );
    assert_eq!(
        same_under_both(&wasm, &config, "div", &[Value::I32(0)], BIG).result,
        Err(TrapKind::Other)
    );
    // a basic block is charged at its end: with too little gas a block that does not trap
    // runs out of gas ...
    assert_eq!(
        same_under_both(&wasm, &config, "div", &[Value::I32(1)], 3).result,
        Err(TrapKind::OutOfGas)
    );
    // ... while a trap inside the block comes first (the runtime charges the whole limit on
    // any trap, so the difference is only in the reported kind)
    assert_eq!(
        same_under_both(&wasm, &config, "div", &[Value::I32(0)], 3).result,
        Err(TrapKind::Other)
    );
}

#[test]
fn host_calls_work_and_do_not_count_towards_depth() {
    let wasm = wat(r#"(module
        (import "svm" "get" (func $get (param i32) (result i32)))
        (func (export "sum") (param $n i32) (result i32) (local $s i32)
            (loop $l
                (local.set $s (i32.add (local.get $s) (call $get (local.get $n))))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $l (local.get $n)))
            (local.get $s)))"#);
    let ty = wasmer::FunctionType::new([wasmer::Type::I32], [wasmer::Type::I32]);
    let config = PrepareConfig::default()
        .allow_function("svm", "get", ty)
        .with_limits(Limits {
            max_call_depth: 0,
            ..Limits::default()
        });
    let mut gas = Vec::new();
    for compiler in COMPILERS {
        let mut h = Harness::with_imports(&wasm, &config, compiler, |store| {
            let env = FunctionEnv::new(store, ());
            imports! { "svm" => { "get" => Function::new_typed_with_env(store, &env, |_: wasmer::FunctionEnvMut<()>, x: i32| x * 2) } }
        });
        let out = h.call("sum", &[Value::I32(10)], BIG);
        assert_eq!(out.result, Ok(vec![Value::I32(110)]));
        gas.push(out.gas_used);
    }
    assert_eq!(gas[0], gas[1]);
}
