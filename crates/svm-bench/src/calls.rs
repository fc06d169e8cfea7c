//! Calls of a cached template (issue target T1): a whole call transaction to a function that
//! does nothing, and to the counter's `add` (a variable read and write, a log, returndata).
//! Admission, fee reservation, the instance (reset or new), the run and settlement are all
//! inside the time; the template is in the memory cache.

use svm_runtime::{RuntimeConfig, examples::COUNTER};

use crate::harness::{Budget, Figure, measure, time};
use crate::node::Node;

/// A template whose `noop` does nothing.
const NOOP: &str =
    r#"(module (memory (export "memory") 1) (func (export "init")) (func (export "noop")))"#;

pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    const GROUP: &str = "call of a cached template (T1)";
    let ops = budget.ops(2000);
    let mut out = Vec::new();
    for (name, compiler, warm) in [
        ("singlepass", svm_gas::Compiler::Singlepass, 256),
        ("cranelift", svm_gas::Compiler::Cranelift, 256),
        (
            "singlepass, new instance per call",
            svm_gas::Compiler::Singlepass,
            0,
        ),
    ] {
        let mut config = RuntimeConfig {
            compiler,
            ..RuntimeConfig::development()
        };
        config.cache.warm_instances = warm;
        let mut node = Node::new(config);
        let noop = node.deploy(NOOP, &[8], "init");
        let noop = node.spawn(noop, "init", vec![]);
        let counter = node.deploy_example(&COUNTER);
        let counter = node.spawn(counter, "initialize", 0u64.to_le_bytes().to_vec());
        for (function, target, calldata) in [
            ("noop", noop, vec![]),
            ("counter.add", counter, 1u64.to_le_bytes().to_vec()),
        ] {
            progress(&format!("{function}, {name}"));
            let mut gas = 0;
            let export = function.rsplit('.').next().unwrap_or(function);
            let mut f = measure(GROUP, format!("{function} ({name})"), budget, ops, |n| {
                time(|| gas = node.calls(target, export, &calldata, n))
            });
            f.gas_per_op = Some(gas);
            out.push(f);
        }
    }
    out
}
