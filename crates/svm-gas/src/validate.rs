//! Static validation of a template, rule by rule.
//!
//! The rules run in this order, and the first failing rule gives the error:
//!
//! 0. code size ([`Limits::max_code_size`](crate::Limits::max_code_size)), before parsing;
//! 1. parsing and Wasm validation with exactly the allowed features ([`ALLOWED_FEATURES`]);
//!    an operator or section of a rejected proposal gives
//!    [`PrepareError::FeatureNotAllowed`], e.g. "SIMD instructions are not allowed
//!    (function 3, offset 0x1a2)";
//! 2. imports, in module order: kind allowed, known to the host, exact type;
//! 3. exports: no reserved names, every required export present with the right type;
//! 4. limits ([`Limits`](crate::Limits)) and the start-function rule;
//! 5. floats: the first `f32`/`f64` type or float instruction, in module order (skipped
//!    when [`PrepareConfig::allow_floats`](crate::PrepareConfig::allow_floats) is set).
//!
//! Rules 2-5 use facts gathered during the single pass of rule 1, so a module is read once.

use wasmer::{FunctionType, GlobalType as WasmerGlobalType, Mutability, Type};
use wasmparser::{
    BlockType, ExternalKind, FuncType, GlobalType, Operator, Parser, Payload, RefType, TypeRef,
    ValType, ValidPayload, Validator, WasmFeatures, WasmModuleResources,
};

use crate::config::{ExportKind, ImportType, PrepareConfig};
use crate::error::PrepareError;

/// The Wasm features svm accepts: the MVP plus mutable globals, sign extension,
/// saturating float-to-int, multi-value, bulk memory and reference types (what current rustc
/// emits by default). Everything else (SIMD, relaxed SIMD, threads, memory64, multi-memory,
/// exceptions, tail calls, extended-const, GC, function references, the component model,
/// ...) is rejected. Floats pass this stage and are rejected by rule 5.
pub const ALLOWED_FEATURES: WasmFeatures = WasmFeatures::WASM1
    .union(WasmFeatures::SIGN_EXTENSION)
    .union(WasmFeatures::SATURATING_FLOAT_TO_INT)
    .union(WasmFeatures::MULTI_VALUE)
    .union(WasmFeatures::BULK_MEMORY)
    .union(WasmFeatures::REFERENCE_TYPES);

/// Export-name prefixes reserved for the instrumentation's globals.
pub const RESERVED_EXPORT_PREFIXES: [&str; 2] = ["__svm_", "wasmer_metering_"];

// `(proposal, visit method)` of every operator, generated from wasmparser's own list so no
// operator can be missed.
macro_rules! define_op_info {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        #[allow(unreachable_patterns)]
        fn op_info(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($visit)), )*
                _ => ("unknown", "visit_unknown"),
            }
        }
    };
}
wasmparser::for_each_operator!(define_op_info);

/// Proposals whose operators are allowed.
const ALLOWED_PROPOSALS: [&str; 5] = [
    "mvp",
    "sign_extension",
    "saturating_float_to_int",
    "bulk_memory",
    "reference_types",
];

fn proposal_name(proposal: &str) -> &'static str {
    match proposal {
        "simd" => "SIMD",
        "relaxed_simd" => "relaxed SIMD",
        "threads" => "threads (atomic)",
        "shared_everything_threads" => "shared-everything threads",
        "exceptions" | "legacy_exceptions" => "exceptions",
        "tail_call" => "tail-call",
        "gc" => "GC",
        "function_references" => "function-references",
        "memory_control" => "memory-control",
        "stack_switching" => "stack-switching",
        "wide_arithmetic" => "wide-arithmetic",
        "custom_descriptors" => "custom-descriptors",
        _ => "unknown-proposal",
    }
}

/// Text-format name of an operator from its visitor name: `visit_f64_add` -> `f64.add`.
fn op_name(visit: &str) -> String {
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    match name.split_once('_') {
        Some((
            ty @ ("i32" | "i64" | "f32" | "f64" | "v128" | "memory" | "table" | "local" | "global"
            | "ref" | "data" | "elem" | "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4"
            | "f64x2"),
            rest,
        )) => format!("{ty}.{rest}"),
        _ => name.to_string(),
    }
}

fn feature_name(missing: WasmFeatures) -> &'static str {
    const NAMES: [(WasmFeatures, &str); 17] = [
        (WasmFeatures::CUSTOM_DESCRIPTORS, "custom-descriptors"),
        (WasmFeatures::SIMD, "SIMD"),
        (WasmFeatures::RELAXED_SIMD, "relaxed SIMD"),
        (WasmFeatures::THREADS, "threads (shared memory)"),
        (
            WasmFeatures::SHARED_EVERYTHING_THREADS,
            "shared-everything threads",
        ),
        (WasmFeatures::MEMORY64, "memory64"),
        (WasmFeatures::MULTI_MEMORY, "multi-memory"),
        (WasmFeatures::EXCEPTIONS, "exceptions"),
        (WasmFeatures::LEGACY_EXCEPTIONS, "exceptions"),
        (WasmFeatures::TAIL_CALL, "tail-call"),
        (WasmFeatures::EXTENDED_CONST, "extended-const"),
        (WasmFeatures::GC, "GC"),
        (WasmFeatures::FUNCTION_REFERENCES, "function-references"),
        (WasmFeatures::COMPONENT_MODEL, "component model"),
        (WasmFeatures::CUSTOM_PAGE_SIZES, "custom page sizes"),
        (WasmFeatures::WIDE_ARITHMETIC, "wide-arithmetic"),
        (WasmFeatures::STACK_SWITCHING, "stack-switching"),
    ];
    NAMES
        .iter()
        .find(|(f, _)| missing.intersects(*f))
        .map(|(_, n)| *n)
        .unwrap_or("a disabled Wasm feature")
}

/// Converts a wasmparser error: a missing feature becomes `FeatureNotAllowed`.
fn parse_error(e: wasmparser::BinaryReaderError, func: Option<u32>) -> PrepareError {
    let location = match func {
        Some(f) => format!("function {f}, offset {:#x}: {}", e.offset(), e.message()),
        None => format!("offset {:#x}: {}", e.offset(), e.message()),
    };
    match e.missing_wasm_feature() {
        Some(missing) => PrepareError::FeatureNotAllowed {
            feature: feature_name(missing),
            what: "is",
            location,
        },
        // wasmparser reports a second memory without a feature kind
        None if e.message().contains("multiple memories") => PrepareError::FeatureNotAllowed {
            feature: "multi-memory",
            what: "is",
            location,
        },
        None => PrepareError::Parse {
            message: e.message().to_string(),
            offset: e.offset(),
        },
    }
}

pub(crate) fn to_wasmer_type(v: ValType) -> Type {
    match v {
        ValType::I32 => Type::I32,
        ValType::I64 => Type::I64,
        ValType::F32 => Type::F32,
        ValType::F64 => Type::F64,
        ValType::V128 => Type::V128,
        ValType::Ref(r) if r == RefType::EXTERNREF => Type::ExternRef,
        ValType::Ref(_) => Type::FuncRef,
    }
}

fn to_wasmer_func(ty: &FuncType) -> FunctionType {
    FunctionType::new(
        ty.params()
            .iter()
            .copied()
            .map(to_wasmer_type)
            .collect::<Vec<_>>(),
        ty.results()
            .iter()
            .copied()
            .map(to_wasmer_type)
            .collect::<Vec<_>>(),
    )
}

fn to_wasmer_global(ty: &GlobalType) -> WasmerGlobalType {
    WasmerGlobalType::new(
        to_wasmer_type(ty.content_type),
        if ty.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    )
}

fn is_float(v: ValType) -> bool {
    matches!(v, ValType::F32 | ValType::F64)
}

fn float_name(v: ValType) -> &'static str {
    if v == ValType::F32 { "f32" } else { "f64" }
}

/// The first float in a signature, described (e.g. "f64 parameter").
fn float_in_signature(ty: &FuncType) -> Option<String> {
    if let Some(p) = ty.params().iter().find(|v| is_float(**v)) {
        return Some(format!("{} parameter", float_name(*p)));
    }
    ty.results()
        .iter()
        .find(|v| is_float(**v))
        .map(|r| format!("{} result", float_name(*r)))
}

#[derive(Debug)]
enum ImportedType {
    Func(FuncType),
    Global(GlobalType),
    Memory,
    Table,
    Tag,
}

impl ImportedType {
    fn kind(&self) -> &'static str {
        match self {
            ImportedType::Func(_) => "function",
            ImportedType::Global(_) => "global",
            ImportedType::Memory => "memory",
            ImportedType::Table => "table",
            ImportedType::Tag => "tag",
        }
    }

    fn describe(&self) -> String {
        match self {
            ImportedType::Func(f) => format!("function {}", to_wasmer_func(f)),
            ImportedType::Global(g) => format!("global {}", to_wasmer_global(g)),
            other => other.kind().to_string(),
        }
    }
}

/// A limit violation found during the pass, reported at rule 4.
struct Violation {
    limit: &'static str,
    what: String,
    found: u64,
    max: u64,
}

/// Facts gathered during the single parsing pass.
#[derive(Default)]
struct Facts {
    imports: Vec<(String, String, ImportedType)>,
    exports: Vec<(String, ExternalKind, u32)>,
    /// Signature of each export that is a function (parallel to `exports`).
    export_func_types: Vec<Option<FunctionType>>,
    types: u64,
    functions: u64,
    imported_functions: u32,
    globals: u64,
    tables: Vec<(u64, Option<u64>)>,
    memories: Vec<(u64, Option<u64>)>,
    data_segments: u64,
    data_size: u64,
    element_segments: u64,
    start: Option<u32>,
    /// First per-function violation (locals, operand stack, br_table), in module order.
    body_violation: Option<Violation>,
    /// First float, in module order.
    first_float: Option<PrepareError>,
}

impl Facts {
    fn float(&mut self, what: String, location: String) {
        if self.first_float.is_none() {
            self.first_float = Some(PrepareError::Float { what, location });
        }
    }

    fn body_violation(&mut self, v: Violation) {
        if self.body_violation.is_none() {
            self.body_violation = Some(v);
        }
    }
}

/// Validates `wasm` against `config`, rule by rule (see the module docs), without compiling.
///
/// ```
/// use svm_gas::{validate, PrepareConfig, PrepareError};
///
/// let wasm = wat::parse_str(r#"(module (import "env" "foo" (func)))"#).unwrap();
/// let err = validate(&wasm, &PrepareConfig::default()).unwrap_err();
/// assert!(matches!(err, PrepareError::UnknownImport { .. }));
/// assert_eq!(err.to_string(), "unknown import `env.foo`: not provided by the host");
///
/// let ok = wat::parse_str(r#"(module (func (export "run")))"#).unwrap();
/// assert!(validate(&ok, &PrepareConfig::default()).is_ok());
/// ```
pub fn validate(wasm: &[u8], config: &PrepareConfig) -> Result<(), PrepareError> {
    let limits = &config.limits;
    // Rule 0: code size, before any parsing.
    if wasm.len() as u64 > limits.max_code_size {
        return Err(PrepareError::CodeTooLarge {
            size: wasm.len() as u64,
            max: limits.max_code_size,
        });
    }
    // Rule 1: one pass of parsing + validation, gathering facts for rules 2-5.
    let facts = scan(wasm, config)?;
    check_imports(&facts, config)?;
    check_exports(&facts, config)?;
    check_limits(&facts, config)?;
    match facts.first_float {
        Some(e) if !config.allow_floats => Err(e),
        _ => Ok(()),
    }
}

fn scan(wasm: &[u8], config: &PrepareConfig) -> Result<Facts, PrepareError> {
    let limits = &config.limits;
    let mut facts = Facts::default();
    let mut validator = Validator::new_with_features(ALLOWED_FEATURES);
    let mut allocs = wasmparser::FuncValidatorAllocations::default();
    let mut saw_end = false;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| parse_error(e, None))?;
        let valid = validator
            .payload(&payload)
            .map_err(|e| parse_error(e, None))?;
        match &payload {
            Payload::TypeSection(s) => facts.types = s.count().into(),
            Payload::ImportSection(s) => {
                for import in s.clone().into_imports() {
                    let import = import.map_err(|e| parse_error(e, None))?;
                    let ty = match import.ty {
                        // wasmparser accepts exact function imports (custom-descriptors
                        // proposal) without the feature; wasmer cannot compile them.
                        TypeRef::FuncExact(_) => {
                            return Err(PrepareError::FeatureNotAllowed {
                                feature: "custom-descriptors",
                                what: "is",
                                location: format!(
                                    "exact function import `{}.{}`",
                                    import.module, import.name
                                ),
                            });
                        }
                        TypeRef::Func(idx) => {
                            facts.imported_functions += 1;
                            facts.functions += 1;
                            let ty = validator_func_type(&validator, idx)?;
                            if let Some(what) = float_in_signature(&ty) {
                                facts.float(
                                    format!("{what} of imported function"),
                                    format!("import `{}.{}`", import.module, import.name),
                                );
                            }
                            ImportedType::Func(ty)
                        }
                        TypeRef::Global(g) => {
                            facts.globals += 1;
                            if is_float(g.content_type) {
                                facts.float(
                                    format!("{} global", float_name(g.content_type)),
                                    format!("import `{}.{}`", import.module, import.name),
                                );
                            }
                            ImportedType::Global(g)
                        }
                        TypeRef::Memory(m) => {
                            facts.memories.push((m.initial, m.maximum));
                            ImportedType::Memory
                        }
                        TypeRef::Table(t) => {
                            facts.tables.push((t.initial, t.maximum));
                            ImportedType::Table
                        }
                        TypeRef::Tag(_) => ImportedType::Tag,
                    };
                    facts
                        .imports
                        .push((import.module.to_string(), import.name.to_string(), ty));
                }
            }
            Payload::FunctionSection(s) => facts.functions += u64::from(s.count()),
            Payload::TableSection(s) => {
                for t in s.clone() {
                    let t = t.map_err(|e| parse_error(e, None))?;
                    facts.tables.push((t.ty.initial, t.ty.maximum));
                }
            }
            Payload::MemorySection(s) => {
                for m in s.clone() {
                    let m = m.map_err(|e| parse_error(e, None))?;
                    facts.memories.push((m.initial, m.maximum));
                }
            }
            Payload::GlobalSection(s) => {
                for (i, g) in s.clone().into_iter().enumerate() {
                    let g = g.map_err(|e| parse_error(e, None))?;
                    let index = facts.globals + i as u64;
                    if is_float(g.ty.content_type) {
                        facts.float(
                            format!("{} global", float_name(g.ty.content_type)),
                            format!("global {index}"),
                        );
                    }
                }
                facts.globals += u64::from(s.count());
            }
            Payload::ExportSection(s) => {
                for e in s.clone() {
                    let e = e.map_err(|e| parse_error(e, None))?;
                    facts.exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            Payload::StartSection { func, .. } => facts.start = Some(*func),
            Payload::ElementSection(s) => {
                facts.element_segments = s.count().into();
                check_element_expressions(s)?;
            }
            Payload::DataSection(s) => {
                facts.data_segments = s.count().into();
                for d in s.clone() {
                    let d = d.map_err(|e| parse_error(e, None))?;
                    facts.data_size += d.data.len() as u64;
                }
            }
            _ => {}
        }
        match valid {
            ValidPayload::Func(func, body) => {
                let mut func = func.into_validator(std::mem::take(&mut allocs));
                let index = func.index();
                let loc = |offset: u64| format!("function {index}, offset {offset:#x}");

                // Signature.
                let sig = func
                    .resources()
                    .type_id_of_function(index)
                    .map(|id| func.resources().sub_type_at_id(id).unwrap_func().clone());
                if let Some(what) = sig.as_ref().and_then(float_in_signature) {
                    facts.float(what, format!("function {index}"));
                }
                let mut locals = sig.as_ref().map_or(0, |s| s.params().len() as u64);

                // Locals.
                let mut reader = body
                    .get_locals_reader()
                    .map_err(|e| parse_error(e, Some(index)))?;
                for _ in 0..reader.get_count() {
                    let offset = reader.original_position();
                    let (count, ty) = reader.read().map_err(|e| parse_error(e, Some(index)))?;
                    func.define_locals(offset, count, ty)
                        .map_err(|e| parse_error(e, Some(index)))?;
                    locals += u64::from(count);
                    if is_float(ty) {
                        facts.float(format!("{} local", float_name(ty)), loc(offset));
                    }
                }
                if locals > limits.max_locals_per_function.into() {
                    facts.body_violation(Violation {
                        limit: "max_locals_per_function",
                        what: format!("number of parameters and locals of function {index}"),
                        found: locals,
                        max: limits.max_locals_per_function.into(),
                    });
                }

                // Operators.
                let mut ops = body
                    .get_operators_reader()
                    .map_err(|e| parse_error(e, Some(index)))?;
                while !ops.eof() {
                    let (op, offset) = ops
                        .read_with_offset()
                        .map_err(|e| parse_error(e, Some(index)))?;
                    // Without multi-memory, the memory operand of `memory.size` and
                    // `memory.grow` is a reserved single 0x00 byte (Wasm 2.0 binary format);
                    // wasmparser reads it as a LEB128 index and accepts a long-encoded zero.
                    if matches!(
                        op,
                        Operator::MemorySize { .. } | Operator::MemoryGrow { .. }
                    ) && ops.original_position() - offset != 2
                    {
                        return Err(PrepareError::Parse {
                            message: format!(
                                "zero byte expected (function {index}: `{}` reserved byte)",
                                op_name(op_info(&op).1)
                            ),
                            offset,
                        });
                    }
                    let (proposal, visit) = op_info(&op);
                    if !ALLOWED_PROPOSALS.contains(&proposal) {
                        return Err(PrepareError::FeatureNotAllowed {
                            feature: proposal_name(proposal),
                            what: "instructions are",
                            location: format!("{}: `{}`", loc(offset), op_name(visit)),
                        });
                    }
                    if facts.first_float.is_none()
                        && let Some(what) = float_in_operator(&op, visit, func.resources())
                    {
                        facts.float(what, loc(offset));
                    }
                    if let Operator::BrTable { targets } = &op
                        && targets.len() > limits.max_br_table_targets
                    {
                        {
                            facts.body_violation(Violation {
                                limit: "max_br_table_targets",
                                what: format!("br_table targets at {}", loc(offset)),
                                found: targets.len().into(),
                                max: limits.max_br_table_targets.into(),
                            });
                        }
                    }
                    func.op(offset, &op)
                        .map_err(|e| parse_error(e, Some(index)))?;
                    let height = func.operand_stack_height();
                    if height > limits.max_operand_stack_height {
                        facts.body_violation(Violation {
                            limit: "max_operand_stack_height",
                            what: format!("operand stack height at {}", loc(offset)),
                            found: height.into(),
                            max: limits.max_operand_stack_height.into(),
                        });
                    }
                }
                ops.finish().map_err(|e| parse_error(e, Some(index)))?;
                allocs = func.into_allocations();
            }
            ValidPayload::End(types) => {
                saw_end = true;
                for (_, kind, index) in &facts.exports {
                    let ty = match kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            let types = types.as_ref();
                            let id = types.core_function_at(*index);
                            Some(to_wasmer_func(types[id].unwrap_func()))
                        }
                        _ => None,
                    };
                    facts.export_func_types.push(ty);
                }
            }
            _ => {}
        }
    }
    if !saw_end {
        return Err(PrepareError::Parse {
            message: "unexpected end of module".to_string(),
            offset: wasm.len() as u64,
        });
    }
    Ok(facts)
}

/// Rule 1: wasmer 7.4.2 cannot compile a `global.get` among an element segment's item
/// expressions (`(elem funcref (global.get $g))`, valid since Wasm 2.0): reject it here with
/// a clear error instead of letting compilation fail after validation.
fn check_element_expressions(
    section: &wasmparser::ElementSectionReader<'_>,
) -> Result<(), PrepareError> {
    for (segment, element) in section.clone().into_iter().enumerate() {
        let element = element.map_err(|e| parse_error(e, None))?;
        let wasmparser::ElementItems::Expressions(_, exprs) = element.items else {
            continue;
        };
        for expr in exprs {
            let expr = expr.map_err(|e| parse_error(e, None))?;
            let mut ops = expr.get_operators_reader();
            while !ops.eof() {
                let offset = ops.original_position();
                let op = ops.read().map_err(|e| parse_error(e, None))?;
                if matches!(op, Operator::GlobalGet { .. }) {
                    return Err(PrepareError::FeatureNotAllowed {
                        feature: "`global.get` in element segment items",
                        what: "is",
                        location: format!("element segment {segment}, offset {offset:#x}"),
                    });
                }
            }
        }
    }
    Ok(())
}

fn validator_func_type(validator: &Validator, type_index: u32) -> Result<FuncType, PrepareError> {
    let types = validator.types(0).ok_or_else(|| PrepareError::Parse {
        message: "no type information".to_string(),
        offset: 0,
    })?;
    let id = types.core_type_at_in_module(type_index);
    Ok(types[id].unwrap_func().clone())
}

/// The float an operator uses, if any.
fn float_in_operator(
    op: &Operator<'_>,
    visit: &str,
    resources: &impl WasmModuleResources,
) -> Option<String> {
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    if name.contains("f32") || name.contains("f64") {
        return Some(format!("`{}`", op_name(visit)));
    }
    let block_type = |kind: &str, bt: &BlockType| match bt {
        BlockType::Type(v) if is_float(*v) => {
            Some(format!("`{kind}` with an {} result", float_name(*v)))
        }
        BlockType::FuncType(idx) => resources
            .sub_type_at(*idx)
            .and_then(|t| float_in_signature(t.unwrap_func()))
            .map(|what| format!("`{kind}` with an {what}")),
        _ => None,
    };
    match op {
        Operator::Block { blockty } => block_type("block", blockty),
        Operator::Loop { blockty } => block_type("loop", blockty),
        Operator::If { blockty } => block_type("if", blockty),
        Operator::TypedSelect { ty } if is_float(*ty) => {
            Some(format!("`select` of {}", float_name(*ty)))
        }
        Operator::TypedSelectMulti { tys } => tys
            .iter()
            .find(|t| is_float(**t))
            .map(|t| format!("`select` of {}", float_name(*t))),
        Operator::CallIndirect { type_index, .. } => resources
            .sub_type_at(*type_index)
            .and_then(|t| float_in_signature(t.unwrap_func()))
            .map(|what| format!("`call_indirect` with an {what}")),
        _ => None,
    }
}

fn check_imports(facts: &Facts, config: &PrepareConfig) -> Result<(), PrepareError> {
    let kinds = &config.import_kinds;
    for (module, name, ty) in &facts.imports {
        let allowed_kind = match ty {
            ImportedType::Func(_) => kinds.functions,
            ImportedType::Global(_) => kinds.globals,
            ImportedType::Memory => kinds.memories,
            ImportedType::Table => kinds.tables,
            ImportedType::Tag => false,
        };
        if !allowed_kind {
            return Err(PrepareError::ImportKindNotAllowed {
                module: module.clone(),
                name: name.clone(),
                kind: ty.kind(),
                allowed: kinds.describe(),
            });
        }
        let known = config
            .allowed_imports
            .iter()
            .find(|a| &a.module == module && &a.name == name);
        let mismatch = |expected: String| PrepareError::ImportTypeMismatch {
            module: module.clone(),
            name: name.clone(),
            expected,
            found: ty.describe(),
        };
        match (known.map(|a| &a.ty), ty) {
            (Some(ImportType::Function(expected)), ImportedType::Func(found)) => {
                if *expected != to_wasmer_func(found) {
                    return Err(mismatch(format!("function {expected}")));
                }
            }
            (Some(ImportType::Global(expected)), ImportedType::Global(found)) => {
                if *expected != to_wasmer_global(found) {
                    return Err(mismatch(format!("global {expected}")));
                }
            }
            (Some(ImportType::Memory), ImportedType::Memory)
            | (Some(ImportType::Table), ImportedType::Table) => {}
            (Some(other), _) => {
                let expected = match other {
                    ImportType::Function(f) => format!("function {f}"),
                    ImportType::Global(g) => format!("global {g}"),
                    ImportType::Memory => "memory".to_string(),
                    ImportType::Table => "table".to_string(),
                };
                return Err(mismatch(expected));
            }
            (None, ImportedType::Func(_)) if config.open_namespaces.contains(module) => {}
            (None, _) => {
                return Err(PrepareError::UnknownImport {
                    module: module.clone(),
                    name: name.clone(),
                });
            }
        }
    }
    Ok(())
}

fn check_exports(facts: &Facts, config: &PrepareConfig) -> Result<(), PrepareError> {
    for (name, _, _) in &facts.exports {
        if RESERVED_EXPORT_PREFIXES.iter().any(|p| name.starts_with(p)) {
            return Err(PrepareError::ReservedExport { name: name.clone() });
        }
    }
    for required in &config.required_exports {
        let Some(position) = facts
            .exports
            .iter()
            .position(|(n, _, _)| *n == required.name)
        else {
            return Err(PrepareError::MissingExport {
                name: required.name.clone(),
                expected: required.kind.to_string(),
            });
        };
        let (_, kind, _) = &facts.exports[position];
        let found_kind = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => "function",
            ExternalKind::Table => "table",
            ExternalKind::Memory => "memory",
            ExternalKind::Global => "global",
            ExternalKind::Tag => "tag",
        };
        let mismatch = |found: String| PrepareError::ExportTypeMismatch {
            name: required.name.clone(),
            expected: required.kind.to_string(),
            found,
        };
        match &required.kind {
            ExportKind::Function(expected) => {
                if found_kind != "function" {
                    return Err(mismatch(found_kind.to_string()));
                }
                let found = facts.export_func_types[position]
                    .clone()
                    .unwrap_or_else(|| FunctionType::new([], []));
                if *expected != found {
                    return Err(mismatch(format!("function {found}")));
                }
            }
            ExportKind::AnyFunction if found_kind != "function" => {
                return Err(mismatch(found_kind.to_string()));
            }
            ExportKind::Memory if found_kind != "memory" => {
                return Err(mismatch(found_kind.to_string()));
            }
            ExportKind::Global if found_kind != "global" => {
                return Err(mismatch(found_kind.to_string()));
            }
            ExportKind::Table if found_kind != "table" => {
                return Err(mismatch(found_kind.to_string()));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_limits(facts: &Facts, config: &PrepareConfig) -> Result<(), PrepareError> {
    let l = &config.limits;
    let over = |limit: &'static str, what: String, found: u64, max: u64| {
        if found > max {
            Err(PrepareError::LimitExceeded {
                limit,
                what,
                found,
                max,
            })
        } else {
            Ok(())
        }
    };
    over(
        "max_imports",
        "number of imports".into(),
        facts.imports.len() as u64,
        l.max_imports.into(),
    )?;
    over(
        "max_exports",
        "number of exports".into(),
        facts.exports.len() as u64,
        l.max_exports.into(),
    )?;
    over(
        "max_types",
        "number of types".into(),
        facts.types,
        l.max_types.into(),
    )?;
    over(
        "max_functions",
        "number of functions".into(),
        facts.functions,
        l.max_functions.into(),
    )?;
    over(
        "max_globals",
        "number of globals".into(),
        facts.globals,
        l.max_globals.into(),
    )?;
    over(
        "max_tables",
        "number of tables".into(),
        facts.tables.len() as u64,
        l.max_tables.into(),
    )?;
    for (i, (initial, maximum)) in facts.tables.iter().enumerate() {
        let max = u64::from(l.max_table_elements);
        over(
            "max_table_elements",
            format!("initial size of table {i}"),
            *initial,
            max,
        )?;
        if let Some(m) = maximum {
            over(
                "max_table_elements",
                format!("maximum size of table {i}"),
                *m,
                max,
            )?;
        }
    }
    for (i, (initial, maximum)) in facts.memories.iter().enumerate() {
        let max = u64::from(l.max_memory_pages);
        over(
            "max_memory_pages",
            format!("initial pages of memory {i}"),
            *initial,
            max,
        )?;
        if let Some(m) = maximum {
            over(
                "max_memory_pages",
                format!("maximum pages of memory {i}"),
                *m,
                max,
            )?;
        }
    }
    over(
        "max_data_segments",
        "number of data segments".into(),
        facts.data_segments,
        l.max_data_segments.into(),
    )?;
    over(
        "max_data_size",
        "total size of data segments".into(),
        facts.data_size,
        l.max_data_size,
    )?;
    over(
        "max_element_segments",
        "number of element segments".into(),
        facts.element_segments,
        l.max_element_segments.into(),
    )?;
    if let Some(v) = &facts.body_violation {
        over(v.limit, v.what.clone(), v.found, v.max)?;
    }
    if let (Some(func), false) = (facts.start, config.allow_start) {
        return Err(PrepareError::StartFunction { func });
    }
    Ok(())
}
