//! The configuration fingerprint and the prepared-module facts.

mod common;

use common::wat;
use svm_gas::{
    Compiler, CostTable, Limits, PrepareConfig, PreparedModule, fingerprint, prepare,
    runtime_engine,
};

#[test]
fn fingerprint_is_stable_and_covers_the_config() {
    let base = PrepareConfig::default();
    assert_eq!(fingerprint(&base), fingerprint(&PrepareConfig::default()));
    assert_eq!(fingerprint(&base).to_string().len(), 64);
    let variants = [
        base.clone().with_compiler(Compiler::Cranelift),
        base.clone().with_limits(Limits {
            max_call_depth: 1,
            ..Limits::default()
        }),
        base.clone().with_costs(CostTable {
            div: 9,
            ..CostTable::default()
        }),
        base.clone().with_floats(true),
        base.clone().with_initial_gas(1),
        base.clone()
            .allow_function("svm", "f", wasmer::FunctionType::new([], [])),
    ];
    for v in &variants {
        assert_ne!(fingerprint(v), fingerprint(&base), "{v:?}");
    }
}

#[test]
fn module_info_survives_the_artifact_round_trip() {
    let wasm = wat(r#"(module (memory (export "memory") 2) (func (export "run") (param i32)))"#);
    let config = PrepareConfig::default();
    let prepared = prepare(&wasm, &config).unwrap();
    let names = prepared
        .info
        .exports
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>();
    assert_eq!(names, ["memory", "run"]);
    assert_eq!(prepared.info.memory.unwrap().minimum.0, 2);
    let loaded = PreparedModule::deserialize(
        &prepared.serialize().unwrap(),
        &runtime_engine(&config.limits),
    )
    .unwrap();
    assert_eq!(loaded.info, prepared.info);
    assert!(PreparedModule::deserialize(b"garbage", &runtime_engine(&config.limits)).is_err());
}
