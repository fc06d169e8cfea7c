//! Calls of a cached template (issue target T1): a whole call transaction to a function that
//! does nothing, and to the counter's `add` (a variable read and write, a log, returndata).
//! Admission, fee reservation, the instance (reset or new), the run and settlement are all
//! inside the time; the template is in the memory cache.

use svm_codec::{CallMessage, Message};
use svm_kv::MemoryStore;
use svm_runtime::{
    Runtime, RuntimeConfig,
    examples::{COUNTER, ExampleTemplate},
};
use svm_storage::GlobalState;
use svm_types::{Address, Amount, Layer, TemplateAddr};

use crate::harness::{Budget, Figure, measure, time};

const ALICE: Address = Address([0xA1; 20]);

/// A template whose `noop` does nothing.
const NOOP: &str =
    r#"(module (memory (export "memory") 1) (func (export "init")) (func (export "noop")))"#;

struct Node {
    rt: Runtime<GlobalState<MemoryStore>>,
    nonce: u128,
}

impl Node {
    fn new(config: RuntimeConfig) -> Self {
        let mut rt = Runtime::new(MemoryStore::new(), config).expect("runtime");
        rt.open(Layer(1)).unwrap();
        rt.increase_balance(&ALICE, Amount(u64::MAX / 2)).unwrap();
        Node { rt, nonce: 0 }
    }

    fn send(&mut self, message: Message, gas: u64) -> svm_codec::Receipt {
        self.nonce += 1;
        crate::node::execute(
            &mut self.rt,
            Layer(1),
            ALICE,
            self.nonce - 1,
            0,
            message,
            gas,
        )
    }

    fn deploy(&mut self, wat: &str, vars: &[u32], ctor: &str) -> TemplateAddr {
        let msg = svm_codec::DeployMessage {
            code: svm_codec::CodeSection {
                kind: svm_codec::CodeKind::Wasm,
                flags: 0,
                code: wat::parse_str(wat).expect("wat"),
            },
            data: svm_codec::DataSection {
                vars: vars.to_vec(),
            },
            ctors: vec![ctor.into()],
            api: None,
            header: None,
            extra: vec![],
        };
        match self.send(Message::Deploy(msg), 100_000_000) {
            svm_codec::Receipt::Deploy(r) => r.result.expect("deploy"),
            other => panic!("{other:?}"),
        }
    }

    fn deploy_example(&mut self, t: &ExampleTemplate) -> TemplateAddr {
        let msg = t.deploy_message().expect("example");
        match self.send(Message::Deploy(msg), 100_000_000) {
            svm_codec::Receipt::Deploy(r) => r.result.expect("deploy"),
            other => panic!("{other:?}"),
        }
    }

    fn spawn(&mut self, template: TemplateAddr, ctor: &str, calldata: Vec<u8>) -> Address {
        let msg = svm_codec::SpawnMessage {
            template,
            name: String::new(),
            ctor: ctor.into(),
            calldata,
        };
        match self.send(Message::Spawn(msg), 10_000_000) {
            svm_codec::Receipt::Spawn(r) => r.result.expect("spawn").account,
            other => panic!("{other:?}"),
        }
    }

    /// `n` calls of `function` of `target`; the gas of one.
    fn calls(&mut self, target: Address, function: &str, calldata: &[u8], n: u64) -> u64 {
        let msg = CallMessage {
            target,
            function: function.into(),
            calldata: calldata.to_vec(),
        };
        let mut gas = 0;
        for _ in 0..n {
            let r = self.send(Message::Call(msg.clone()), 1_000_000);
            let svm_codec::Receipt::Call(r) = r else {
                unreachable!()
            };
            assert!(r.result.is_ok(), "{:?}", r.result);
            gas = r.gas_used.0;
        }
        gas
    }
}

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
