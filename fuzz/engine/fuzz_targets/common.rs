//! What the engine targets (and the `prepare` target beside the decoders) share: svm's host
//! functions as a module to import from, and wasm-smith's configuration for svm's features.
#![allow(dead_code)] // each target uses part of it

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};

/// A module importing every host function of the runtime: what generated modules may import.
pub static IMPORTS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    fn list<T: std::fmt::Debug>(types: &[T]) -> String {
        types
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }
    let mut text = String::from("(module\n");
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

/// Restricts `config` to exactly svm's Wasm features (MVP plus the post-MVP proposals svm
/// allows).
pub fn svm_features(config: &mut wasm_smith::Config) {
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
}

/// A module wasm-smith generates from `u` that svm should run: svm's features without
/// floats, start function or reference types, importing any of the host functions, exporting
/// `exports` (a module text), with a memory whose maximum svm's clamp allows (so a
/// `memory.grow` ends alike everywhere).
pub fn runnable(u: &mut Unstructured<'_>, exports: &str, max_memory_pages: u32) -> Result<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    svm_features(&mut config);
    config.reference_types_enabled = false;
    config.allow_floats = false;
    config.allow_start_export = false;
    config.available_imports = Some(IMPORTS.clone());
    config.exports = Some(wat::parse_str(exports).expect("the exports module parses"));
    config.memory_max_size_required = true;
    config.max_memory32_bytes = u64::from(max_memory_pages) * 65_536;
    config.max_tables = 1;
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}
