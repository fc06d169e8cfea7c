//! Exporting an instance's mutable state, so that a runtime can reset a used instance to its
//! state right after instantiation instead of building a new one for every call.
//!
//! The [`ExportState`] middleware exports, under names in svm's reserved `__svm_` prefix:
//!
//! - every mutable global the module defines (`__svm_global_<index>`; Rust's stack pointer is
//!   such a global, and is not exported otherwise), including the instrumentation's own;
//! - every memory it defines (`__svm_memory_<index>`) and every table (`__svm_table_<index>`);
//! - the marker [`RESETTABLE_EXPORT`], only when the module has no passive data or element
//!   segments (their `data.drop` / `elem.drop` leave state no export can restore).
//!
//! The marker is what a runtime checks: with it, reading every `__svm_` state export after
//! instantiation and writing the same values back later gives the instance exactly its
//! initial state (memory contents and size, globals, table sizes and entries). Modules
//! prepared before this middleware existed lack the marker, and are never reset.

use wasmer::sys::{FunctionMiddleware, MiddlewareError, ModuleMiddleware};
use wasmer::{ExportIndex, GlobalInit, GlobalType, LocalFunctionIndex, Mutability, Type};

/// Present (an immutable `i32` global) when every piece of mutable state is exported and
/// the module has no passive segments: a used instance may be reset and reused.
pub const RESETTABLE_EXPORT: &str = "__svm_resettable";
/// Prefix of the exports of mutable globals (then the global's index).
pub const GLOBAL_EXPORT_PREFIX: &str = "__svm_global_";
/// Prefix of the exports of memories (then the memory's index).
pub const MEMORY_EXPORT_PREFIX: &str = "__svm_memory_";
/// Prefix of the exports of tables (then the table's index).
pub const TABLE_EXPORT_PREFIX: &str = "__svm_table_";

/// The state-export middleware. Push it after every middleware that adds globals, so that
/// theirs are exported too.
#[derive(Debug, Default)]
pub struct ExportState;

impl ModuleMiddleware for ExportState {
    fn generate_function_middleware<'a>(
        &self,
        _: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(PassThrough)
    }

    fn transform_module_info(&self, info: &mut wasmer::ModuleInfo) -> Result<(), MiddlewareError> {
        let mut exports = Vec::new();
        for (index, global) in info.globals.iter() {
            if index.as_u32() as usize >= info.num_imported_globals
                && global.mutability == Mutability::Var
            {
                let name = format!("{GLOBAL_EXPORT_PREFIX}{}", index.as_u32());
                exports.push((name, ExportIndex::Global(index)));
            }
        }
        for (index, _) in info.memories.iter() {
            let name = format!("{MEMORY_EXPORT_PREFIX}{}", index.as_u32());
            exports.push((name, ExportIndex::Memory(index)));
        }
        for (index, _) in info.tables.iter() {
            let name = format!("{TABLE_EXPORT_PREFIX}{}", index.as_u32());
            exports.push((name, ExportIndex::Table(index)));
        }
        for (name, export) in exports {
            if info.exports.insert(name.clone(), export).is_some() {
                // validation reserves the prefix, so only a second use of this middleware
                return Err(MiddlewareError::new(
                    "ExportState",
                    format!("export `{name}` already exists"),
                ));
            }
        }
        if info.passive_data.is_empty() && info.passive_elements.is_empty() {
            let index = info
                .globals
                .push(GlobalType::new(Type::I32, Mutability::Const));
            info.global_initializers.push(GlobalInit::I32Const(1));
            info.exports
                .insert(RESETTABLE_EXPORT.to_string(), ExportIndex::Global(index));
        }
        Ok(())
    }
}

/// Function bodies are not changed.
#[derive(Debug)]
struct PassThrough;

impl<'a> FunctionMiddleware<'a> for PassThrough {}

/// What memory 0 of a new instance holds: the module's active data segments, in order, as
/// `(offset, bytes)` (everything else is zero). `None` when that cannot be known from the
/// bytes alone: a start function (it runs at instantiation), a segment whose offset is not a
/// constant, a segment for another memory, or Wasm that does not parse.
///
/// ```
/// let wasm = wat::parse_str(r#"(module (memory 1) (data (i32.const 8) "hi"))"#).unwrap();
/// assert_eq!(svm_gas::initial_memory(&wasm), Some(vec![(8, b"hi".to_vec())]));
/// ```
pub fn initial_memory(wasm: &[u8]) -> Option<Vec<(u64, Vec<u8>)>> {
    use wasmparser::{DataKind, Operator, Parser, Payload};
    let mut image = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::StartSection { .. } => return None,
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.ok()?;
                    let DataKind::Active {
                        memory_index: 0,
                        offset_expr,
                    } = data.kind
                    else {
                        // passive segments are copied by code, not at instantiation
                        if matches!(data.kind, DataKind::Passive) {
                            continue;
                        }
                        return None;
                    };
                    let mut ops = offset_expr.get_operators_reader();
                    let offset = match (ops.read().ok()?, ops.read().ok()?) {
                        (Operator::I32Const { value }, Operator::End) => u64::from(value as u32),
                        (Operator::I64Const { value }, Operator::End) => value as u64,
                        _ => return None,
                    };
                    image.push((offset, data.data.to_vec()));
                }
            }
            _ => {}
        }
    }
    Some(image)
}
