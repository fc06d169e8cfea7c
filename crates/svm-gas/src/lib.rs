//! # svm-gas: preparing a template
//!
//! Turns the Wasm bytes of an svm template into a compiled, metered, depth-limited
//! [`wasmer::Module`], or a clear [`PrepareError`]:
//!
//! 1. **Validation** ([`validate()`], `validate.rs`): rules checked in a fixed order (code size,
//!    parsing with exactly the [allowed features](validate::ALLOWED_FEATURES), imports,
//!    exports, [limits](Limits), floats), each with its own error.
//! 2. **Metering** (`metering.rs`): wasmer-middlewares' `Metering` with the documented
//!    [`CostTable`], plus svm's [`SizeCharges`] middleware charging `memory.grow` per page and
//!    bulk memory/table operations per byte/element at run time.
//! 3. **Call-depth limit** (`depth.rs`): svm's [`DepthLimit`] middleware makes deep recursion
//!    fail at the same depth on every machine and under both compilers, with a trap that
//!    [`classify_trap`] tells apart from running out of gas.
//! 4. **Compilation** ([`prepare`]): singlepass (default) or cranelift ([`Compiler`]); gas
//!    used is identical under both because all instrumentation is Wasm-level.
//!
//! ## Float policy
//!
//! **Floats are rejected.** Any `f32`/`f64` value type (parameter, result, local, global,
//! block type, typed `select`, `call_indirect` type) or float instruction is a validation
//! error ([`PrepareError::Float`]) naming the function and the instruction. Rejection is
//! simpler to make deterministic than NaN canonicalisation and svm's contract SDK does not
//! need floats. Float checks run last, so a module that also has another problem (an unknown
//! import, say) reports that problem first.
//!
//! ## Runtime side
//!
//! Load artifacts with the `unsafe` [`PreparedModule::deserialize`] (the caller vouches for
//! the bytes) into [`runtime_engine`] (a headless engine with [`LimitingTunables`]: memory
//! capped at [`Limits::max_memory_pages`], tables at [`Limits::max_table_elements`], native
//! stack of [`Limits::native_stack_size`]). Before each call use [`set_gas`]; after it,
//! [`gas_left`] (`None` = out of gas) and, on a trap, [`classify_trap`]. Key disk artifacts
//! with [`fingerprint`].
//!
//! The crate has two places with `unsafe`: the forwarding `Tunables` methods (the trait
//! declares them `unsafe`) and [`PreparedModule::deserialize`]; both carry a `SAFETY`
//! comment, everything else is `deny(unsafe_code)`.

#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod compile;
mod config;
mod depth;
mod error;
mod limits;
mod metering;
mod state;
mod validate;

pub use compile::{
    ConfigHash, INSTRUMENTATION_VERSION, ModuleInfo, PreparedModule, WASMER_VERSION, fingerprint,
    prepare,
};
pub use config::{
    AllowedImport, Compiler, ExportKind, ImportKinds, ImportType, PrepareConfig, RequiredExport,
};
pub use depth::{CALL_DEPTH_EXPORT, DEPTH_EXCEEDED_EXPORT, DepthLimit, TrapKind, classify_trap};
pub use error::PrepareError;
pub use limits::{LimitingTunables, Limits, runtime_engine};
pub use metering::{
    CostTable, NotPrepared, POINTS_EXHAUSTED_EXPORT, REMAINING_POINTS_EXPORT, SEGMENT_OPS,
    SegmentCap, SizeCharges, gas_left, set_gas,
};
pub use state::{
    ExportState, GLOBAL_EXPORT_PREFIX, MEMORY_EXPORT_PREFIX, RESETTABLE_EXPORT,
    TABLE_EXPORT_PREFIX, initial_memory,
};
pub use validate::{ALLOWED_FEATURES, RESERVED_EXPORT_PREFIXES, validate};

pub use svm_types::Gas;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
