//! Shared test harness: prepare -> serialize -> deserialize into the runtime engine ->
//! instantiate -> call with a gas limit.
#![allow(dead_code)]

use svm_gas::{
    Compiler, Gas, PrepareConfig, PreparedModule, TrapKind, classify_trap, gas_left, prepare,
    runtime_engine, set_gas,
};
use wasmer::{Imports, Instance, Store, Value};

/// Both compilers: the tests that compare them need the `cranelift` feature (Cargo.toml).
pub(crate) const COMPILERS: [Compiler; 2] = [Compiler::Singlepass, Compiler::Cranelift];

pub(crate) fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("valid WAT")
}

pub(crate) struct Harness {
    pub store: Store,
    pub instance: Instance,
}

/// Outcome of one call: results or the trap kind, and the gas used.
#[derive(Debug, PartialEq)]
pub(crate) struct Outcome {
    pub result: Result<Vec<Value>, TrapKind>,
    pub gas_used: u64,
}

impl Harness {
    /// Prepares `wasm` with `config` (compiler overridden), round-trips the artifact through
    /// the runtime engine and instantiates it with `imports`.
    pub(crate) fn new(wasm: &[u8], config: &PrepareConfig, compiler: Compiler) -> Self {
        Self::with_imports(wasm, config, compiler, |_| Imports::new())
    }

    pub(crate) fn with_imports(
        wasm: &[u8],
        config: &PrepareConfig,
        compiler: Compiler,
        imports: impl FnOnce(&mut Store) -> Imports,
    ) -> Self {
        let config = config.clone().with_compiler(compiler);
        let prepared = prepare(wasm, &config).expect("prepare");
        let bytes = prepared.serialize().expect("serialize");
        // SAFETY: `bytes` were serialized just above by this build, with this configuration.
        let loaded =
            unsafe { PreparedModule::deserialize(&bytes, &runtime_engine(&config.limits)) }
                .expect("load");
        let mut store = Store::new(loaded.engine.clone());
        let imports = imports(&mut store);
        let instance = Instance::new(&mut store, &loaded.module, &imports).expect("instantiate");
        Harness { store, instance }
    }

    pub(crate) fn call(&mut self, func: &str, args: &[Value], gas: u64) -> Outcome {
        set_gas(&mut self.store, &self.instance, Gas(gas)).expect("prepared instance");
        let f = self.instance.exports.get_function(func).expect("export");
        let result = f.call(&mut self.store, args);
        let left = gas_left(&mut self.store, &self.instance);
        let result = match result {
            Ok(values) => Ok(values.to_vec()),
            Err(_) => Err(classify_trap(&mut self.store, &self.instance)),
        };
        let gas_used = match left {
            Some(Gas(left)) => gas - left,
            None => gas,
        };
        Outcome { result, gas_used }
    }

    pub(crate) fn global_i32(&mut self, name: &str) -> i32 {
        self.instance
            .exports
            .get_global(name)
            .expect("global")
            .get(&mut self.store)
            .i32()
            .expect("i32")
    }
}

/// Calls `func` under both compilers, asserts identical outcomes, returns it.
pub(crate) fn same_under_both(
    wasm: &[u8],
    config: &PrepareConfig,
    func: &str,
    args: &[Value],
    gas: u64,
) -> Outcome {
    let mut outcomes = COMPILERS
        .iter()
        .map(|c| Harness::new(wasm, config, *c).call(func, args, gas))
        .collect::<Vec<_>>();
    let cranelift = outcomes.pop().unwrap();
    let singlepass = outcomes.pop().unwrap();
    assert_eq!(
        singlepass, cranelift,
        "{func}: singlepass and cranelift differ"
    );
    singlepass
}
pub(crate) mod corpus;
