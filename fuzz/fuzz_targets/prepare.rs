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

#[path = "../engine/fuzz_targets/common.rs"]
mod common;

static CONFIG: LazyLock<PrepareConfig> =
    LazyLock::new(|| svm_runtime::prepare_config(&svm_runtime::RuntimeConfig::default()));

/// The exports svm requires (and a function to call).
static EXPORTS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "run")))"#)
        .expect("the exports module parses")
});

fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    if u.arbitrary()? {
        // exactly svm's features: what svm must accept unless a limit or a rule says no
        common::svm_features(&mut config);
        config.allow_floats = u.arbitrary()?;
        config.available_imports = Some(common::IMPORTS.clone());
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
