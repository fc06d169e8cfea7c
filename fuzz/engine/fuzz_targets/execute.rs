#![no_main]
//! Differential fuzzing of execution (issue 19). wasm-smith generates a module within svm's
//! features and limits that may import any host function and exports `memory`, `init` and
//! `run`. Three checks:
//!
//! 1. **Engine.** svm-gas prepares the module for singlepass and for cranelift (the
//!    runtime's configuration) and `run` is called directly, host imports answering zeros:
//!    both compilers end alike (instantiation, returned, trapped, out of gas, too deep) with
//!    the same gas left and the same memory. Gas is exact: the same call with the gas it used
//!    ends the same with 0 left, and with one less it runs out.
//! 2. **Reference.** Unless svm ran out of gas or hit its depth limit, wasmi (a pure
//!    interpreter) runs the uninstrumented module with the same host stubs and fuel to
//!    spare: it agrees on instantiation, on whether `run` traps, and on the memory.
//! 3. **Runtime.** Two test nodes, one per compiler, deploy the module as a template, spawn
//!    an account with `init` and call `run` with generated calldata and amounts (the real
//!    host functions now): every receipt and the state root are byte-identical. The first
//!    call, when it succeeds, is exact too: with its gas used as the limit it gives the same
//!    receipt, with one less it runs out of gas.
//!
//! A panic anywhere (the runtime's `Err` included: a guest must never cause one) is a finding.
mod common;

use std::sync::LazyLock;

use libfuzzer_sys::{
    arbitrary::{Result, Unstructured},
    fuzz_target,
};
use svm_codec::{Codec, RuntimeError};
use svm_gas::{Compiler, Gas, PrepareConfig, TrapKind};
use svm_kv::MemoryStore;
use svm_runtime::{
    RuntimeConfig,
    testing::{ALICE, TestNode},
};
use svm_storage::GlobalState;
use wasmer::{ExternType, Function, Imports, Instance, Store, Type, Value};

/// Gas for a call: enough for long loops, little enough to end quickly.
const GAS: u64 = 5_000_000;

/// What generated modules export: the memory svm requires, a constructor and a function.
const EXPORTS: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "init"))
  (func (export "run")))"#;

fn runtime_config(compiler: Compiler) -> RuntimeConfig {
    RuntimeConfig {
        compiler,
        ..RuntimeConfig::default()
    }
}

static SINGLEPASS: LazyLock<PrepareConfig> =
    LazyLock::new(|| svm_runtime::prepare_config(&runtime_config(Compiler::Singlepass)));
static CRANELIFT: LazyLock<PrepareConfig> =
    LazyLock::new(|| svm_runtime::prepare_config(&runtime_config(Compiler::Cranelift)));

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// Instantiation failed (a data segment out of bounds, say).
    NoInstance,
    Returned,
    Trapped,
    OutOfGas,
    TooDeep,
}

/// A direct run under svm-gas and wasmer: how it ended, the gas left, the memory.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    end: End,
    gas_left: Option<u64>,
    memory: Vec<u8>,
}

/// Every host import of `module` as a function answering zeros.
fn wasmer_stubs(store: &mut Store, module: &wasmer::Module) -> Imports {
    let mut imports = Imports::new();
    for import in module.imports() {
        if let ExternType::Function(ty) = import.ty() {
            let zeros: Vec<Value> = ty.results().iter().map(|t| wasmer_zero(*t)).collect();
            let f = Function::new(store, ty, move |_| Ok(zeros.clone()));
            imports.define(import.module(), import.name(), f);
        }
    }
    imports
}

fn wasmer_zero(ty: Type) -> Value {
    match ty {
        Type::I32 => Value::I32(0),
        Type::I64 => Value::I64(0),
        other => unreachable!("host functions take and give integers, not {other:?}"),
    }
}

fn run_svm(prepared: &svm_gas::PreparedModule, gas: u64) -> Run {
    let mut store = Store::new(prepared.engine.clone());
    let imports = wasmer_stubs(&mut store, &prepared.module);
    let Ok(instance) = Instance::new(&mut store, &prepared.module, &imports) else {
        return Run {
            end: End::NoInstance,
            gas_left: None,
            memory: vec![],
        };
    };
    svm_gas::set_gas(&mut store, &instance, Gas(gas)).expect("a prepared module");
    let run = instance
        .exports
        .get_function("run")
        .expect("the module exports run");
    let end = match run.call(&mut store, &[]) {
        Ok(_) => End::Returned,
        Err(_) => match svm_gas::classify_trap(&mut store, &instance) {
            TrapKind::OutOfGas => End::OutOfGas,
            TrapKind::DepthExceeded => End::TooDeep,
            TrapKind::Other => End::Trapped,
        },
    };
    let gas_left = svm_gas::gas_left(&mut store, &instance).map(|g| g.0);
    let memory = instance
        .exports
        .get_memory("memory")
        .expect("the module exports memory")
        .view(&store)
        .copy_to_vec()
        .expect("the memory reads");
    Run {
        end,
        gas_left,
        memory,
    }
}

/// The uninstrumented module under wasmi with the same host stubs: `None` when wasmi cannot
/// say (its fuel or its own stack ran out).
fn run_wasmi(wasm: &[u8]) -> Option<(End, Vec<u8>)> {
    let mut config = wasmi::Config::default();
    config.consume_fuel(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).ok()?;
    let mut store = wasmi::Store::new(&engine, ());
    store.set_fuel(50_000_000).ok()?;
    let mut linker = wasmi::Linker::<()>::new(&engine);
    for import in module.imports() {
        if let wasmi::ExternType::Func(ty) = import.ty() {
            linker
                .func_new(
                    import.module(),
                    import.name(),
                    ty.clone(),
                    |_, _, results| {
                        for r in results.iter_mut() {
                            *r = wasmi::Val::default_for_ty(r.ty());
                        }
                        Ok(())
                    },
                )
                .ok()?;
        }
    }
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(_) => return Some((End::NoInstance, vec![])),
    };
    let run = instance.get_typed_func::<(), ()>(&store, "run").ok()?;
    let end = match run.call(&mut store, ()) {
        Ok(()) => End::Returned,
        Err(e) => match e.as_trap_code() {
            Some(wasmi::TrapCode::OutOfFuel | wasmi::TrapCode::StackOverflow) => return None,
            _ => End::Trapped,
        },
    };
    let memory = instance.get_memory(&store, "memory")?.data(&store).to_vec();
    Some((end, memory))
}

/// Checks 1 and 2.
fn engine(wasm: &[u8]) {
    let (sp, cl) = (
        svm_gas::prepare(wasm, &SINGLEPASS),
        svm_gas::prepare(wasm, &CRANELIFT),
    );
    let (Ok(sp), Ok(cl)) = (sp, cl) else {
        // the rules are svm's and come before either compiler runs
        assert_eq!(
            svm_gas::prepare(wasm, &SINGLEPASS).is_ok(),
            svm_gas::prepare(wasm, &CRANELIFT).is_ok(),
            "one compiler prepares the module, the other does not"
        );
        return;
    };
    let a = run_svm(&sp, GAS);
    let b = run_svm(&cl, GAS);
    assert_eq!(a, b, "singlepass and cranelift differ");
    if matches!(a.end, End::Returned | End::Trapped)
        && let Some(left) = a.gas_left
    {
        let used = GAS - left;
        let exact = run_svm(&sp, used);
        assert_eq!(
            (&exact.end, exact.gas_left, &exact.memory),
            (&a.end, Some(0), &a.memory),
            "the gas used is enough"
        );
        if used > 0 {
            let short = run_svm(&sp, used - 1);
            assert_eq!(short.end, End::OutOfGas, "one gas less runs out");
        }
    }
    if matches!(a.end, End::OutOfGas | End::TooDeep) {
        return;
    }
    if let Some((end, memory)) = run_wasmi(wasm) {
        assert_eq!(end, a.end, "svm and wasmi end differently");
        assert!(memory == a.memory, "svm and wasmi leave different memories");
    }
}

/// What the runtime check does with a module: its variables, then calls of `run`.
#[derive(Debug)]
struct Script {
    vars: Vec<u32>,
    init: Vec<u8>,
    calls: Vec<(Vec<u8>, u64)>,
}

impl Script {
    fn new(u: &mut Unstructured<'_>) -> Result<Self> {
        let vars = (0..u.int_in_range(0..=4)?)
            .map(|_| u.int_in_range(1..=64))
            .collect::<Result<_>>()?;
        let init = bytes(u, 32)?;
        let calls = (0..u.int_in_range(1..=3)?)
            .map(|_| {
                let calldata = bytes(u, 64)?;
                Ok((calldata, u.int_in_range(0..=1_000)?))
            })
            .collect::<Result<_>>()?;
        Ok(Self { vars, init, calls })
    }
}

/// Every receipt (encoded) and the root, and the first call's receipt.
struct Played {
    outputs: Vec<Vec<u8>>,
    first_call: Option<svm_codec::CallReceipt>,
}

/// Plays `script` on a fresh node with `compiler`; the first call gets `first_gas`.
fn play(compiler: Compiler, wasm: &[u8], script: &Script, first_gas: u64) -> Played {
    let mut node: TestNode<GlobalState<MemoryStore>> =
        TestNode::new(MemoryStore::new(), runtime_config(compiler));
    let mut outputs = Vec::new();
    let mut first_call = None;
    let deploy = svm_codec::DeployMessage {
        code: svm_codec::CodeSection {
            kind: svm_codec::CodeKind::Wasm,
            flags: 0,
            code: wasm.to_vec(),
        },
        data: svm_codec::DataSection {
            vars: script.vars.clone(),
        },
        ctors: vec!["init".into()],
        api: None,
        header: None,
        extra: vec![],
    };
    let deployed = node.deploy_bytes(ALICE, &deploy.encode());
    outputs.push(deployed.encode());
    if let Ok(template) = deployed.result {
        let spawned = node.spawn_with(ALICE, template, "init", &script.init, 0, GAS);
        outputs.push(spawned.encode());
        if let Ok(out) = spawned.result {
            for (i, (calldata, amount)) in script.calls.iter().enumerate() {
                let gas = if i == 0 { first_gas } else { GAS };
                let r = node.call_with(ALICE, out.account, "run", calldata, *amount, gas);
                outputs.push(r.encode());
                if i == 0 {
                    first_call = Some(r);
                }
            }
        }
    }
    outputs.push(node.next_layer().to_string().into_bytes());
    Played {
        outputs,
        first_call,
    }
}

/// Check 3.
fn runtime(wasm: &[u8], script: &Script) {
    let a = play(Compiler::Singlepass, wasm, script, GAS);
    let b = play(Compiler::Cranelift, wasm, script, GAS);
    assert!(
        a.outputs == b.outputs,
        "singlepass and cranelift nodes differ: {:?}\n{:?}",
        a.first_call,
        b.first_call
    );
    let Some(first) = a.first_call.filter(|r| r.result.is_ok()) else {
        return;
    };
    let used = first.gas_used.0;
    let exact = play(Compiler::Singlepass, wasm, script, used)
        .first_call
        .expect("the same script calls");
    assert_eq!(exact, first, "the gas used is enough for the same receipt");
    let short = play(Compiler::Singlepass, wasm, script, used - 1)
        .first_call
        .expect("the same script calls");
    assert_eq!(
        short.result.err(),
        Some(RuntimeError::OutOfGas),
        "one gas less runs out"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(script) = Script::new(&mut u) else {
        return;
    };
    let Ok(wasm) = common::runnable(&mut u, EXPORTS, SINGLEPASS.limits.max_memory_pages) else {
        return;
    };
    engine(&wasm);
    runtime(&wasm, &script);
});

/// Up to `max` bytes.
fn bytes(u: &mut Unstructured<'_>, max: usize) -> Result<Vec<u8>> {
    let len = u.int_in_range(0..=max)?;
    Ok(u.bytes(len)?.to_vec())
}
