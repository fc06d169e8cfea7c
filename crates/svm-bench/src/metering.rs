//! The cost of metering (issue target T4): compute-heavy Wasm run metered (svm's prepared
//! module: the gas counter, size charges, the call-depth limit) and unmetered (the same
//! bytes compiled by plain wasmer), with each compiler. Also gives nanoseconds per gas of
//! pure computation.

use svm_gas::{Compiler, Gas};
use svm_runtime::{RuntimeConfig, prepare_config};
use wasmer::sys::{Cranelift, EngineBuilder, Singlepass};
use wasmer::{Engine, Instance, Module, Store, TypedFunction, imports};

use crate::harness::{Budget, Figure, measure, time};

/// Each workload exports `run(n: i32) -> i64`, doing work proportional to `n`.
const WORKLOADS: [(&str, &str, i32); 4] = [
    (
        "integer mixing",
        r#"(module (memory (export "memory") 1)
  (func (export "run") (param $n i32) (result i64) (local $x i64) (local $i i32)
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (loop $l
      (local.set $x (i64.add (i64.mul (i64.rotl (i64.xor (local.get $x) (i64.extend_i32_u (local.get $i))) (i64.const 13)) (i64.const 0x100000001B3)) (i64.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $x)))"#,
        100_000,
    ),
    (
        "branchy (collatz steps)",
        r#"(module (memory (export "memory") 1)
  (func (export "run") (param $n i32) (result i64) (local $i i64) (local $x i64) (local $steps i64)
    (loop $outer
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (local.set $x (local.get $i))
      (block $done
        (loop $inner
          (br_if $done (i64.le_u (local.get $x) (i64.const 1)))
          (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
            (then (local.set $x (i64.shr_u (local.get $x) (i64.const 1))))
            (else (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))
          (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
          (br $inner)))
      (br_if $outer (i64.lt_u (local.get $i) (i64.extend_i32_u (local.get $n)))))
    (local.get $steps)))"#,
        2_000,
    ),
    (
        "memory (sum and scatter)",
        r#"(module (memory (export "memory") 1)
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $a i32) (local $s i64)
    (loop $l
      (local.set $a (i32.and (i32.mul (local.get $i) (i32.const 2654435761)) (i32.const 0xfff8)))
      (local.set $s (i64.add (local.get $s) (i64.load (local.get $a))))
      (i64.store (i32.and (i32.add (local.get $a) (i32.const 8)) (i32.const 0xfff8)) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))"#,
        100_000,
    ),
    (
        "calls (recursive fib)",
        r#"(module (memory (export "memory") 1)
  (func $fib (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "run") (param $n i32) (result i64) (call $fib (local.get $n))))"#,
        20,
    ),
];

/// A plain wasmer engine with `compiler` (no middleware).
pub(crate) fn plain_engine(compiler: Compiler) -> Engine {
    match compiler {
        Compiler::Singlepass => EngineBuilder::new(Singlepass::default()).into(),
        Compiler::Cranelift => EngineBuilder::new(Cranelift::default()).into(),
    }
}

/// A store and `run` of `wasm`: metered (svm's preparation) or plain.
fn instance(
    wasm: &[u8],
    compiler: Compiler,
    metered: bool,
) -> (Store, Instance, TypedFunction<i32, i64>) {
    let (mut store, module) = if metered {
        let config = prepare_config(&RuntimeConfig {
            compiler,
            ..RuntimeConfig::default()
        });
        let prepared = svm_gas::prepare(wasm, &config).expect("prepare");
        (Store::new(prepared.engine.clone()), prepared.module)
    } else {
        let engine = plain_engine(compiler);
        let module = Module::new(&engine, wasm).expect("compile");
        (Store::new(engine), module)
    };
    let instance = Instance::new(&mut store, &module, &imports! {}).expect("instantiate");
    let run = instance
        .exports
        .get_typed_function::<i32, i64>(&store, "run")
        .expect("run");
    (store, instance, run)
}

pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    let mut out = Vec::new();
    for (workload, wat, n) in WORKLOADS {
        let wasm = wat::parse_str(wat).expect("wat");
        for (compiler, cname) in [
            (Compiler::Singlepass, "singlepass"),
            (Compiler::Cranelift, "cranelift"),
        ] {
            let group = format!("metering: {workload}, {cname} (T4)");
            for metered in [false, true] {
                let name = if metered { "metered" } else { "unmetered" };
                progress(&format!("{workload}: {cname}, {name}"));
                let (mut store, instance, run) = instance(&wasm, compiler, metered);
                let mut expected = None;
                let mut gas = None;
                let f = measure(&*group, name, budget, budget.ops(20), |ops| {
                    time(|| {
                        for _ in 0..ops {
                            if metered {
                                svm_gas::set_gas(&mut store, &instance, Gas(u64::MAX / 4))
                                    .expect("metered");
                            }
                            let v = run.call(&mut store, n).expect("run");
                            assert_eq!(*expected.get_or_insert(v), v, "same result");
                            if metered {
                                let left = svm_gas::gas_left(&mut store, &instance).expect("gas");
                                gas = Some(u64::MAX / 4 - left.0);
                            }
                        }
                    })
                });
                out.push(Figure {
                    gas_per_op: gas,
                    ..f
                });
            }
        }
    }
    out
}
