//! A deterministic call-depth limit, enforced by svm's own middleware.
//!
//! Relying on the native stack guard would make deep recursion fail at a depth that depends
//! on the machine, the compiler and its version. Instead every `call` of a defined function
//! and every `call_indirect` is wrapped:
//!
//! ```text
//! if depth >= max_call_depth { __svm_depth_exceeded = 1; unreachable }
//! depth += 1
//! call ...
//! depth -= 1
//! ```
//!
//! Instrumenting the call site (not the callee's entry and exits) covers every return path,
//! including `br` out of the function body. Calls to imported (host) functions are not
//! counted: host functions do not call back into Wasm. The entry function called by the host
//! runs at depth 0, so at most `max_call_depth` Wasm calls can be nested below it
//! (`max_call_depth + 1` Wasm frames in total).
//!
//! The counter and the flag are exported as [`CALL_DEPTH_EXPORT`] and
//! [`DEPTH_EXCEEDED_EXPORT`]; [`set_gas`](crate::set_gas) resets both, and [`classify_trap`]
//! tells a depth trap from running out of gas and from other traps.
//! `Limits` bounds the size of each frame (locals and operand stack) so that
//! `(max_call_depth + 1) x max frame` stays well below the native stack: see
//! `docs/spec/gas.md` for the arithmetic.

use std::sync::Mutex;

use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::wasmparser::{BlockType, Operator};
use wasmer::{
    AsStoreMut, ExportIndex, GlobalInit, GlobalType, Instance, LocalFunctionIndex, Mutability,
    Type, Value,
};

use crate::metering::{POINTS_EXHAUSTED_EXPORT, get_global};

/// Export name of the call-depth counter (`i32`).
pub const CALL_DEPTH_EXPORT: &str = "__svm_call_depth";
/// Export name of the depth-exceeded flag (`i32`, 1 after a depth trap).
pub const DEPTH_EXCEEDED_EXPORT: &str = "__svm_depth_exceeded";

#[derive(Clone, Copy, Debug)]
struct DepthGlobals {
    depth: u32,
    exceeded: u32,
    imported_functions: u32,
}

/// The call-depth middleware. One instance per module.
#[derive(Debug)]
pub struct DepthLimit {
    max_call_depth: u32,
    globals: Mutex<Option<DepthGlobals>>,
}

impl DepthLimit {
    /// A middleware allowing at most `max_call_depth` nested calls below the entry function.
    pub fn new(max_call_depth: u32) -> Self {
        DepthLimit {
            max_call_depth,
            globals: Mutex::new(None),
        }
    }
}

impl ModuleMiddleware for DepthLimit {
    fn generate_function_middleware<'a>(
        &self,
        _: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        let globals = self
            .globals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .expect("transform_module_info runs before function middlewares");
        Box::new(FunctionDepthLimit {
            max_call_depth: self.max_call_depth,
            globals,
        })
    }

    fn transform_module_info(&self, info: &mut wasmer::ModuleInfo) -> Result<(), MiddlewareError> {
        let mut slot = self.globals.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return Err(MiddlewareError::new(
                "DepthLimit",
                "one DepthLimit instance per module",
            ));
        }
        let mut add = |name: &str| {
            let index = info
                .globals
                .push(GlobalType::new(Type::I32, Mutability::Var));
            info.global_initializers.push(GlobalInit::I32Const(0));
            info.exports
                .insert(name.to_string(), ExportIndex::Global(index));
            index.as_u32()
        };
        let depth = add(CALL_DEPTH_EXPORT);
        let exceeded = add(DEPTH_EXCEEDED_EXPORT);
        *slot = Some(DepthGlobals {
            depth,
            exceeded,
            imported_functions: info.num_imported_functions as u32,
        });
        Ok(())
    }
}

#[derive(Debug)]
struct FunctionDepthLimit {
    max_call_depth: u32,
    globals: DepthGlobals,
}

impl<'a> FunctionMiddleware<'a> for FunctionDepthLimit {
    fn feed(
        &mut self,
        operator: Operator<'a>,
        state: &mut MiddlewareReaderState<'a>,
    ) -> Result<(), MiddlewareError> {
        use Operator as O;
        let counted = match operator {
            O::Call { function_index } => function_index >= self.globals.imported_functions,
            O::CallIndirect { .. } => true,
            _ => false,
        };
        if !counted {
            state.push_operator(operator);
            return Ok(());
        }
        let g = self.globals;
        state.extend([
            O::GlobalGet {
                global_index: g.depth,
            },
            O::I32Const {
                value: self.max_call_depth as i32,
            },
            O::I32GeU,
            O::If {
                blockty: BlockType::Empty,
            },
            O::I32Const { value: 1 },
            O::GlobalSet {
                global_index: g.exceeded,
            },
            O::Unreachable,
            O::End,
            O::GlobalGet {
                global_index: g.depth,
            },
            O::I32Const { value: 1 },
            O::I32Add,
            O::GlobalSet {
                global_index: g.depth,
            },
        ]);
        state.push_operator(operator);
        state.extend([
            O::GlobalGet {
                global_index: g.depth,
            },
            O::I32Const { value: 1 },
            O::I32Sub,
            O::GlobalSet {
                global_index: g.depth,
            },
        ]);
        Ok(())
    }
}

/// Why a call into a prepared instance trapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// The gas ran out (`Metering` or a size-dependent charge).
    OutOfGas,
    /// More than `max_call_depth` nested calls.
    DepthExceeded,
    /// Any other trap (`unreachable` in the contract, out-of-bounds access, division by
    /// zero, host error, ...).
    Other,
}

/// Classifies the trap of the last call into `instance` by reading the instrumentation
/// flags (not the trap message, which is `unreachable` for all three). Meaningful right
/// after a call returned `Err`, before [`set_gas`](crate::set_gas) resets the flags.
pub fn classify_trap(store: &mut impl AsStoreMut, instance: &Instance) -> TrapKind {
    if let Some(Value::I32(v)) = get_global(store, instance, DEPTH_EXCEEDED_EXPORT)
        && v != 0
    {
        return TrapKind::DepthExceeded;
    }
    if let Some(Value::I32(v)) = get_global(store, instance, POINTS_EXHAUSTED_EXPORT)
        && v != 0
    {
        return TrapKind::OutOfGas;
    }
    TrapKind::Other
}
