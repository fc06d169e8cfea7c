#![no_main]
//! Fuzzes template preparation (`svm-gas`, with the runtime's configuration: its host
//! functions as the allowed imports, a `memory` export required): modules wasm-smith
//! generates, half of them within svm's feature set and importing its host functions, and
//! arbitrary bytes. Never a panic, and validation agrees with wasmparser's own validator for
//! the same features:
//! - what svm accepts, wasmparser accepts;
//! - what wasmparser refuses, svm refuses at its first rules (size, parsing and features),
//!   never with a later rule's error;
//! - what svm accepts prepares: instrumented, compiled by singlepass, serialised.
use std::sync::LazyLock;

use libfuzzer_sys::{
    arbitrary::{Result, Unstructured},
    fuzz_target,
};
use svm_gas::{ALLOWED_FEATURES, PrepareConfig, PrepareError};

static CONFIG: LazyLock<PrepareConfig> =
    LazyLock::new(|| svm_runtime::prepare_config(&svm_runtime::RuntimeConfig::default()));

/// A module importing every host function: what generated modules may import.
static IMPORTS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut text = String::from("(module\n");
    fn list<T: std::fmt::Debug>(types: &[T]) -> String {
        types
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }
    for (name, ty) in svm_runtime::host_signatures() {
        text.push_str(&format!(
            "  (import \"svm\" \"{name}\" (func (param {}) (result {})))\n",
            list(ty.params()),
            list(ty.results())
        ));
    }
    text.push(')');
    wat::parse_str(&text).expect("the imports module parses")
});

/// The exports svm requires (and a function to call).
static EXPORTS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "run")))"#)
        .expect("the exports module parses")
});

fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    if u.arbitrary()? {
        // exactly svm's features: what svm must accept unless a limit or a rule says no
        config.simd_enabled = false;
        config.relaxed_simd_enabled = false;
        config.threads_enabled = false;
        config.shared_everything_threads_enabled = false;
        config.tail_call_enabled = false;
        config.memory64_enabled = false;
        config.exceptions_enabled = false;
        config.gc_enabled = false;
        config.custom_page_sizes_enabled = false;
        config.wide_arithmetic_enabled = false;
        config.extended_const_enabled = false;
        config.custom_descriptors_enabled = false;
        config.max_memories = 1;
        config.allow_floats = u.arbitrary()?;
        config.available_imports = Some(IMPORTS.clone());
        if u.arbitrary()? {
            config.exports = Some(EXPORTS.clone());
        }
    }
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let wasm = match u.arbitrary::<bool>() {
        Ok(true) => match module(&mut u) {
            Ok(wasm) => wasm,
            Err(_) => return,
        },
        _ => u.take_rest().to_vec(),
    };
    let ours = svm_gas::validate(&wasm, &CONFIG);
    let theirs = wasmparser::Validator::new_with_features(ALLOWED_FEATURES).validate_all(&wasm);
    match (&ours, &theirs) {
        (Ok(()), Err(e)) => panic!("svm accepts a module wasmparser refuses: {e}"),
        (
            Err(
                PrepareError::Parse { .. }
                | PrepareError::FeatureNotAllowed { .. }
                | PrepareError::CodeTooLarge { .. },
            ),
            Err(_),
        ) => {}
        (Err(e), Err(w)) => panic!("wasmparser refuses ({w}) but svm says: {e}"),
        _ => {}
    }
    if ours.is_ok() {
        let prepared = svm_gas::prepare(&wasm, &CONFIG)
            .unwrap_or_else(|e| panic!("a module that validates does not prepare: {e}"));
        prepared
            .serialize()
            .unwrap_or_else(|e| panic!("a prepared module does not serialise: {e}"));
    }
});
