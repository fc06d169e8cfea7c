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
    let bytes = prepared.serialize().unwrap();
    // SAFETY: serialized just above by this build, with this configuration.
    let loaded =
        unsafe { PreparedModule::deserialize(&bytes, &runtime_engine(&config.limits)) }.unwrap();
    assert_eq!(loaded.info, prepared.info);
    // SAFETY: not an artifact at all: wasmer's header check rejects it before any code is
    // mapped (the case the header check exists for).
    let garbage =
        unsafe { PreparedModule::deserialize(b"garbage", &runtime_engine(&config.limits)) };
    assert!(garbage.is_err());
}

/// Modules run under both compilers by the rules probe: `(name, wat, function, gas)`.
const RUN_PROBES: &[(&str, &str, &str, u64)] = &[
    (
        "loop",
        r#"(module (func (export "run") (local i32)
            (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                  (br_if 0 (i32.lt_u (local.get 0) (i32.const 100))))))"#,
        "run",
        1_000_000,
    ),
    (
        "arithmetic",
        r#"(module (func (export "run") (result i64)
            (i64.rem_u (i64.div_u (i64.mul (i64.const 7) (i64.const 9)) (i64.const 2))
                       (i64.const 5))))"#,
        "run",
        1_000_000,
    ),
    (
        "memory.grow",
        r#"(module (memory 1) (func (export "run") (result i32)
            (memory.grow (i32.const 3))))"#,
        "run",
        1_000_000,
    ),
    (
        "memory.grow past the cap",
        r#"(module (memory 1) (func (export "run") (result i32)
            (memory.grow (i32.const 100))))"#,
        "run",
        100_000_000,
    ),
    (
        "bulk memory",
        r#"(module (memory 1) (func (export "run")
            (memory.fill (i32.const 0) (i32.const 7) (i32.const 1000))
            (memory.copy (i32.const 2000) (i32.const 0) (i32.const 1000))))"#,
        "run",
        1_000_000,
    ),
    (
        "table.grow",
        r#"(module (table 0 funcref) (func (export "run") (result i32)
            (table.grow (ref.null func) (i32.const 10))))"#,
        "run",
        1_000_000,
    ),
    (
        "table.grow past the cap (no declared maximum)",
        r#"(module (table 0 funcref) (func (export "run") (result i32)
            (table.grow (ref.null func) (i32.const 5000))))"#,
        "run",
        100_000_000,
    ),
    (
        "call_indirect",
        r#"(module (type $t (func (result i32))) (table 1 funcref) (elem (i32.const 0) $f)
            (func $f (result i32) (i32.const 5))
            (func (export "run") (result i32) (call_indirect (type $t) (i32.const 0))))"#,
        "run",
        1_000_000,
    ),
    (
        "recursion",
        r#"(module (func $f (export "run") (call $f)))"#,
        "run",
        u64::MAX,
    ),
    (
        "out of gas",
        r#"(module (func (export "run") (loop (br 0))))"#,
        "run",
        10_000,
    ),
    (
        "trap",
        r#"(module (func (export "run") (result i32) (i32.div_u (i32.const 1) (i32.const 0))))"#,
        "run",
        1_000_000,
    ),
];

/// Modules only validated by the rules probe.
const VALIDATION_PROBES: &[(&str, &str)] = &[
    ("float", r#"(module (func (param f32)))"#),
    ("start", r#"(module (func $s) (start $s))"#),
    ("simd", r#"(module (func (drop (v128.const i64x2 1 2))))"#),
    ("two memories", r#"(module (memory 1) (memory 1))"#),
    ("big memory", r#"(module (memory 65))"#),
    ("big table", r#"(module (table 4097 funcref))"#),
    (
        "table with a large maximum",
        r#"(module (table 1 5000 funcref))"#,
    ),
    ("valid", r#"(module (memory 1) (func (export "f")))"#),
];

/// Everything observable of the preparation rules under the default configuration: the cost
/// table, the limits, the outcome and gas of the run probes (identical under both compilers),
/// the validation verdicts, and the spec-suite verdicts (`conformance-expected.txt`).
fn rules_text() -> String {
    use sha3::{Digest, Sha3_256};
    use std::fmt::Write;
    let config = PrepareConfig::default();
    let mut out = String::new();
    for (name, value) in config.costs.entries() {
        writeln!(out, "cost {name} = {value}").unwrap();
    }
    for (name, value) in config.limits.entries() {
        writeln!(out, "limit {name} = {value}").unwrap();
    }
    for (name, text, func, gas) in RUN_PROBES {
        let o = common::same_under_both(&wat(text), &config, func, &[], *gas);
        writeln!(out, "run {name}: {:?}, gas {}", o.result, o.gas_used).unwrap();
    }
    for (name, text) in VALIDATION_PROBES {
        let verdict = match svm_gas::validate(&wat(text), &config) {
            Ok(()) => "accepted".to_string(),
            Err(e) => e.to_string(),
        };
        writeln!(out, "validate {name}: {verdict}").unwrap();
    }
    let suite = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance-expected.txt"
    ))
    .expect("conformance verdicts");
    let digest: [u8; 32] = Sha3_256::digest(&suite).into();
    writeln!(out, "spec suite verdicts sha3 {}", hex(&digest)).unwrap();
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The rules' behaviour is recorded beside [`svm_gas::INSTRUMENTATION_VERSION`]: when it
/// changes, the version must change too (it is part of the fingerprint, so nodes drop
/// artifacts prepared under the old rules). Regenerate with `SVM_REGEN_RULES=1` after
/// bumping the version.
#[test]
fn instrumentation_version_guards_the_rules() {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules-golden.txt");
    let version = svm_gas::INSTRUMENTATION_VERSION;
    let text = rules_text();
    if std::env::var_os("SVM_REGEN_RULES").is_some() {
        std::fs::write(PATH, format!("version {version}\n{text}")).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(PATH).expect("tests/rules-golden.txt");
    let (first, body) = golden.split_once('\n').expect("a version line");
    let recorded: u32 = first
        .strip_prefix("version ")
        .and_then(|v| v.parse().ok())
        .expect("`version N` on the first line");
    if body != text {
        assert_ne!(
            recorded, version,
            "the preparation rules changed (costs, limits, gas, traps or verdicts) but \
             INSTRUMENTATION_VERSION is still {version}: bump it in src/compile.rs, then \
             regenerate with SVM_REGEN_RULES=1.\n--- recorded\n{body}\n--- now\n{text}"
        );
        panic!("INSTRUMENTATION_VERSION is now {version}: regenerate with SVM_REGEN_RULES=1");
    }
    assert_eq!(
        recorded, version,
        "INSTRUMENTATION_VERSION changed: regenerate with SVM_REGEN_RULES=1"
    );
}

/// L1: a trap in the middle of a long straight-line block still pays for (almost) every
/// operator before it: at most `SEGMENT_OPS` go uncharged.
#[test]
fn a_trap_inside_a_long_block_is_charged() {
    let mut body = String::new();
    for _ in 0..10_000 {
        body.push_str("(drop (i64.div_u (i64.const 7) (i64.const 3)))\n");
    }
    let text = format!(
        r#"(module (func (export "run") {body} (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#
    );
    let o = common::same_under_both(&wat(&text), &PrepareConfig::default(), "run", &[], u64::MAX);
    assert!(o.result.is_err());
    // 10,000 x (const + const + div + drop) before the trap
    let costs = svm_gas::CostTable::default();
    let paid_for = 10_000 * u64::from(3 * costs.op + costs.div);
    let max_unpaid = u64::from(svm_gas::SEGMENT_OPS) * u64::from(costs.div);
    assert!(
        o.gas_used + max_unpaid >= paid_for && o.gas_used <= paid_for + 20,
        "gas used {}",
        o.gas_used
    );
}
