//! The error returned when a template is rejected or cannot be compiled.

use thiserror::Error;

/// Why a template was rejected (validation) or could not be compiled, serialized or loaded.
///
/// Validation errors are listed in the order the rules are checked; see `docs/spec/gas.md`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// Rule 0: the binary is larger than [`Limits::max_code_size`](crate::Limits::max_code_size).
    #[error("code too large: {size} bytes (limit {max} bytes)")]
    CodeTooLarge {
        /// Size of the binary.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// Rule 1: the bytes are not a valid Wasm module (malformed, truncated, type errors).
    #[error("invalid wasm at offset {offset:#x}: {message}")]
    Parse {
        /// The parser's or validator's message.
        message: String,
        /// Byte offset into the binary.
        offset: u64,
    },
    /// Rule 1: the module uses a Wasm feature svm does not allow (SIMD, threads, ...).
    #[error("{feature} {what} not allowed ({location})")]
    FeatureNotAllowed {
        /// The feature, e.g. `"SIMD"`.
        feature: &'static str,
        /// `"instructions are"` for an operator, `"is"` otherwise.
        what: &'static str,
        /// Where, e.g. `"function 3, offset 0x1a2"`.
        location: String,
    },
    /// Rule 2: an import svm does not provide (the first one, in module order).
    #[error("unknown import `{module}.{name}`: not provided by the host")]
    UnknownImport {
        /// Import module (namespace).
        module: String,
        /// Import name.
        name: String,
    },
    /// Rule 2: an import of a kind (memory, table, global) that the configuration forbids.
    #[error("import `{module}.{name}` is a {kind}; only {allowed} may be imported")]
    ImportKindNotAllowed {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The import's kind.
        kind: &'static str,
        /// The allowed kinds, e.g. `"functions"`.
        allowed: String,
    },
    /// Rule 2: a known import with the wrong type.
    #[error("import `{module}.{name}` has the wrong type: expected {expected}, found {found}")]
    ImportTypeMismatch {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The host's type.
        expected: String,
        /// The module's type.
        found: String,
    },
    /// Rule 3: an export name reserved for svm's instrumentation.
    #[error("export `{name}` uses a reserved name (prefixes `__svm_` and `wasmer_metering_`)")]
    ReservedExport {
        /// Export name.
        name: String,
    },
    /// Rule 3: a required export is missing.
    #[error("missing required export `{name}` ({expected})")]
    MissingExport {
        /// Export name.
        name: String,
        /// What was required.
        expected: String,
    },
    /// Rule 3: a required export exists with the wrong kind or type.
    #[error("export `{name}` has the wrong type: expected {expected}, found {found}")]
    ExportTypeMismatch {
        /// Export name.
        name: String,
        /// What was required.
        expected: String,
        /// What the module exports.
        found: String,
    },
    /// Rule 4: a limit is exceeded.
    #[error("limit `{limit}` exceeded: {what} is {found} (limit {max})")]
    LimitExceeded {
        /// The [`Limits`](crate::Limits) field.
        limit: &'static str,
        /// What was measured, e.g. `"function 7 locals"`.
        what: String,
        /// The value found.
        found: u64,
        /// The limit.
        max: u64,
    },
    /// Rule 4: a start function (it would run at instantiation, before gas can be set).
    #[error("start function (function {func}) not allowed")]
    StartFunction {
        /// Index of the start function.
        func: u32,
    },
    /// Rule 5: a floating-point type or instruction.
    #[error("floating-point not allowed: {what} ({location})")]
    Float {
        /// What uses a float, e.g. ``"`f64.add`"`` or `"f32 parameter"`.
        what: String,
        /// Where, e.g. `"function 12, offset 0x3e1"`.
        location: String,
    },
    /// The configured compiler is not part of this build (svm-gas feature `cranelift`).
    #[error("the {0} compiler is not built in (enable svm-gas's `{0}` feature)")]
    CompilerNotBuilt(&'static str),
    /// wasmer failed to compile a module that passed validation.
    #[error("compilation failed: {0}")]
    Compile(String),
    /// wasmer failed to serialize a compiled module.
    #[error("serialization failed: {0}")]
    Serialize(String),
    /// A serialized artifact could not be loaded.
    #[error("deserialization failed: {0}")]
    Deserialize(String),
}
