//! Preparation benchmark: validate + instrument + compile real rustc output under both
//! compilers, and the artifact round trip.
//!
//! `cargo bench -p svm-gas --bench prepare -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use svm_gas::{Compiler, PrepareConfig, PreparedModule, prepare, runtime_engine, validate};

#[path = "../tests/common/corpus.rs"]
mod corpus;

use corpus::corpus;

fn bench(c: &mut Criterion) {
    // The corpus imports another platform's `env` functions, so this tool-only
    // configuration opens `env` (and allows floats, for any rustc that emits them).
    let base = PrepareConfig::default()
        .allow_namespace("env")
        .with_floats(true);
    for name in ["bulky.wasm", "panicky.wasm"] {
        let wasm = corpus(name);
        let mut group = c.benchmark_group(format!("prepare/{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(wasm.len() as u64));
        group.bench_function("validate", |b| b.iter(|| validate(&wasm, &base).unwrap()));
        for compiler in [Compiler::Singlepass, Compiler::Cranelift] {
            let config = base.clone().with_compiler(compiler);
            let prepared = prepare(&wasm, &config).unwrap();
            let artifact = prepared.serialize().unwrap();
            eprintln!(
                "{name} {}: wasm {} B, artifact {} B ({:.1}x)",
                compiler.name(),
                wasm.len(),
                artifact.len(),
                artifact.len() as f64 / wasm.len() as f64
            );
            group.bench_function(format!("prepare/{}", compiler.name()), |b| {
                b.iter(|| prepare(&wasm, &config).unwrap())
            });
            group.bench_function(format!("serialize/{}", compiler.name()), |b| {
                b.iter(|| prepared.serialize().unwrap())
            });
            let engine = runtime_engine(&config.limits);
            group.bench_function(format!("deserialize/{}", compiler.name()), |b| {
                // SAFETY: `artifact` was serialized above by this build, with this config.
                b.iter(|| unsafe { PreparedModule::deserialize(&artifact, &engine) }.unwrap())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
