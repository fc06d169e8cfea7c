//! Preparing templates and loading them cold (issue targets T2 and T3).
//!
//! - **prepare** (T3): validation, instrumentation and compilation of real rustc output,
//!   from the SDK's 4-7 KiB examples to the 205 KiB `heavy` template, with each compiler;
//!   the time per KiB should not grow with the size.
//! - **cold start** (T2): the first call of a template on a runtime that has just started:
//!   the template record read from the state, its artifact read from the disk cache and
//!   authenticated, deserialized, instantiated, and a trivial call, all inside one call
//!   transaction; beside the same call once the instance is warm.

use std::sync::Arc;

use svm_codec::{CallMessage, Message, SdkMeta, SpawnMessage};
use svm_gas::Compiler;
use svm_kv::MemoryStore;
use svm_runtime::{CacheConfig, Runtime, RuntimeConfig, prepare_config};
use svm_types::{Address, Amount, Layer};

use crate::harness::{Budget, Figure, measure, time};

const ALICE: Address = Address([0xA1; 20]);

fn send(
    rt: &mut Runtime<svm_storage::GlobalState<Arc<MemoryStore>>>,
    layer: Layer,
    nonce: u128,
    message: Message,
    gas: u64,
) -> svm_codec::Receipt {
    crate::node::execute(rt, layer, ALICE, nonce, 0, message, gas)
}

/// Prepare time of each module, per compiler.
fn prepare_figures(
    budget: Budget,
    modules: &[(String, Vec<u8>)],
    progress: &dyn Fn(&str),
) -> Vec<Figure> {
    let mut out = Vec::new();
    for (compiler, cname) in [
        (Compiler::Singlepass, "singlepass"),
        (Compiler::Cranelift, "cranelift"),
    ] {
        let group = format!("prepare per KiB, {cname} (T3)");
        let config = prepare_config(&RuntimeConfig {
            compiler,
            ..RuntimeConfig::default()
        });
        for (name, wasm) in modules {
            progress(&format!("prepare {name}, {cname}"));
            let kib = wasm.len() as f64 / 1024.0;
            let mut f = measure(
                &*group,
                format!("{name} ({kib:.0} KiB)"),
                Budget {
                    samples: budget.samples.min(7),
                    ..budget
                },
                1,
                |_| {
                    time(|| {
                        svm_gas::prepare(wasm, &config).expect("prepare");
                    })
                },
            );
            f.size_bytes = Some(wasm.len() as u64);
            out.push(f);
        }
        // where the time goes, for the largest module: svm's validation rules alone, and
        // wasmer compiling the same bytes with no rule and no instrumentation
        if let Some((name, wasm)) = modules.iter().max_by_key(|(_, w)| w.len()) {
            let small = Budget {
                samples: budget.samples.min(7),
                ..budget
            };
            progress(&format!("{name}: validation, plain compile, {cname}"));
            let mut f = measure(
                &*group,
                format!("{name}: validation alone"),
                small,
                1,
                |_| {
                    time(|| {
                        svm_gas::validate(wasm, &config).expect("valid");
                    })
                },
            );
            f.size_bytes = Some(wasm.len() as u64);
            out.push(f);
            let mut f = measure(
                &*group,
                format!("{name}: plain wasmer compile (no rules, no instrumentation)"),
                small,
                1,
                |_| {
                    let engine = crate::metering::plain_engine(compiler);
                    time(|| {
                        wasmer::Module::new(&engine, wasm).expect("compiles");
                    })
                },
            );
            f.size_bytes = Some(wasm.len() as u64);
            out.push(f);
        }
    }
    out
}

/// First call on a new runtime (artifact from disk) against a warm call.
/// A template for the cold-start figure: its name, Wasm, constructor calldata and a trivial
/// function.
type ColdModule = (String, Vec<u8>, Vec<u8>, &'static str);

fn cold_figures(budget: Budget, modules: &[ColdModule], progress: &dyn Fn(&str)) -> Vec<Figure> {
    const GROUP: &str = "cold start from the stored artifact (T2)";
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = tempfile::tempdir().expect("tempdir");
    let config = RuntimeConfig {
        cache: CacheConfig {
            dir: Some(dir.path().join("modules")),
            key_file: Some(keys.path().join("node.key")),
            ..CacheConfig::default()
        },
        ..RuntimeConfig::development()
    };
    let kv = Arc::new(MemoryStore::new());
    let mut targets = Vec::new();
    {
        let mut rt = Runtime::new(kv.clone(), config.clone()).expect("runtime");
        rt.open(Layer(1)).unwrap();
        rt.increase_balance(&ALICE, Amount(u64::MAX / 2)).unwrap();
        let mut nonce = 0;
        for (name, wasm, calldata, function) in modules {
            let meta = SdkMeta::read(wasm)
                .expect("meta")
                .expect("an svm-meta section");
            let msg = meta
                .deploy_message(wasm, Some(name.clone()))
                .expect("deploy message");
            let svm_codec::Receipt::Deploy(d) = send(
                &mut rt,
                Layer(1),
                nonce,
                Message::Deploy(msg),
                1_000_000_000,
            ) else {
                unreachable!()
            };
            nonce += 1;
            let template = d.result.expect("deploy");
            let ctor = meta.ctors.first().cloned().unwrap_or_default();
            let spawn = SpawnMessage {
                template,
                name: String::new(),
                ctor,
                calldata: calldata.clone(),
            };
            let svm_codec::Receipt::Spawn(s) =
                send(&mut rt, Layer(1), nonce, Message::Spawn(spawn), 100_000_000)
            else {
                unreachable!()
            };
            nonce += 1;
            targets.push((name.clone(), s.result.expect("spawn").account, *function));
        }
        rt.commit().unwrap();
    }
    for (name, account, function) in targets {
        let call = Message::Call(CallMessage {
            target: account,
            function: function.into(),
            calldata: vec![],
        });
        for warm in [false, true] {
            let label = format!(
                "{name}: {}",
                if warm {
                    "warm call"
                } else {
                    "first call after start"
                }
            );
            progress(&label);
            let mut gas = 0;
            let mut f = measure(
                GROUP,
                label,
                Budget {
                    samples: budget.samples.min(9),
                    ..budget
                },
                1,
                |_| {
                    // a node that just started: state reopened, empty memory cache
                    let mut rt = Runtime::new(kv.clone(), config.clone()).expect("runtime");
                    rt.open(Layer(2)).unwrap();
                    let nonce = rt.get_account(&ALICE).unwrap().map_or(0, |a| a.nonce.0);
                    if warm {
                        send(&mut rt, Layer(2), nonce, call.clone(), 100_000_000);
                    }
                    let nonce = nonce + u128::from(warm);
                    time(|| {
                        let svm_codec::Receipt::Call(r) =
                            send(&mut rt, Layer(2), nonce, call.clone(), 100_000_000)
                        else {
                            unreachable!()
                        };
                        assert!(r.result.is_ok(), "{:?}", r.result);
                        gas = r.gas_used.0;
                    })
                },
            );
            f.gas_per_op = Some(gas);
            out.push(f);
        }
    }
    out
}

pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    progress("building the templates");
    let mut modules = crate::wasm::sdk_templates(&["counter", "wallet", "token"]);
    modules.push(("heavy".into(), crate::wasm::heavy()));
    let mut out = prepare_figures(budget, &modules, progress);
    let mut cold = Vec::new();
    for (name, wasm) in modules {
        match name.as_str() {
            "counter" => cold.push((name, wasm, [&[0x08][..], &[0; 8]].concat(), "get")),
            "heavy" => cold.push((name, wasm, vec![], "noop")),
            _ => {}
        }
    }
    out.extend(cold_figures(budget, &cold, progress));
    out
}
