//! Gas: the cost table, wasmer's `Metering` middleware driven by it, and svm's own
//! middleware that charges size-dependent operations at run time.
//!
//! # How gas is charged
//!
//! * **Static costs.** Every operator has a cost from [`CostTable::cost`]. wasmer-middlewares'
//!   `Metering` adds the costs of a basic block up and subtracts the sum from the
//!   `wasmer_metering_remaining_points` global at the block's accounting operator (branch,
//!   call, return, `end`, ...). If the remaining points are lower than the block's cost it sets
//!   `wasmer_metering_points_exhausted` to 1 and executes `unreachable`.
//! * **Size-dependent costs** ([`SizeCharges`]). Just before `memory.grow`, `memory.fill`,
//!   `memory.copy`, `memory.init`, `table.grow`, `table.fill`, `table.copy` and `table.init`,
//!   svm's middleware pops the size operand into a scratch global, computes
//!   `units x cost per unit` in an `i64` scratch global, performs the same check as `Metering`
//!   (same globals, so [`gas_left`] reports exhaustion the same way), subtracts, pushes the
//!   operand back and lets the operator run. A `memory.grow` that then fails (returns -1)
//!   has still been charged.
//!
//! * **Bounded segments** ([`SegmentCap`]). `Metering` charges a basic block at its end, so
//!   a trap in the middle of a block (a division by zero, an out-of-bounds load,
//!   `unreachable`) would leave the operators before it unpaid, however many there are.
//!   svm's first middleware inserts an empty `block`/`end` pair after every
//!   [`SEGMENT_OPS`] operators without an accounting point: `end` is one, so at most that
//!   many operators of a trapping run go uncharged. The pair costs no gas (`structural` is
//!   0) and produces no machine code besides `Metering`'s check.
//!
//! Instrumentation code is not itself metered: `SizeCharges` runs after `Metering` in the
//! middleware chain, so `Metering` never sees it.

use std::sync::Mutex;

use svm_types::Gas;
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::wasmparser::{BlockType, Operator};
use wasmer::{
    AsStoreMut, ExportIndex, GlobalInit, GlobalType, Instance, LocalFunctionIndex, Mutability,
    Type, Value,
};

use crate::depth::{CALL_DEPTH_EXPORT, DEPTH_EXCEEDED_EXPORT};

/// Name of `Metering`'s remaining-points global (an exported `i64`).
pub const REMAINING_POINTS_EXPORT: &str = "wasmer_metering_remaining_points";
/// Name of `Metering`'s exhausted flag (an exported `i32`).
pub const POINTS_EXHAUSTED_EXPORT: &str = "wasmer_metering_points_exhausted";

/// Gas prices. All values are `u32` so that `units x price` (units < 2^32) never overflows
/// the 64-bit gas counter. The defaults (one unit is roughly one simple machine operation,
/// about 1 ns) are tabulated in `docs/spec/gas.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CostTable {
    /// Every operator not listed below: constants, locals, globals, integer arithmetic,
    /// comparisons, `select`, `drop`, `br`, `br_if`, `return`, `unreachable`, reference ops,
    /// `memory.size`, `table.get/set/size`, `data.drop`, `elem.drop`. Default 1.
    pub op: u32,
    /// `block`, `loop`, `else`, `end`, `nop` (they produce no machine code). Default 0.
    pub structural: u32,
    /// Loads and stores. Default 4 (a load whose address depends on the load before, jumping
    /// over a 4 MiB memory a page apart, waits for the caches).
    pub memory_access: u32,
    /// `i32.mul`, `i64.mul`. Default 1.
    pub mul: u32,
    /// Integer division and remainder. Default 6.
    pub div: u32,
    /// `br_table` (before its targets are known). Default 3.
    pub br_table: u32,
    /// `call` (callee's own operators are charged separately; includes the call-depth
    /// check). Default 9.
    pub call: u32,
    /// `call_indirect` (bounds and signature check). Default 7.
    pub call_indirect: u32,
    /// Static part of `memory.grow`. Default 42.
    pub memory_grow: u32,
    /// Static part of `memory.fill/copy/init` and `table.grow/fill/copy/init`. Default 3.
    pub bulk: u32,
    /// Run-time charge per page (64 KiB) *requested* by `memory.grow`, charged even if the
    /// grow then fails. Default 38,000 (growing a page and touching it: the kernel maps and
    /// zeroes 16 fresh 4 KiB pages, ~1.2 us each in a virtual machine).
    pub memory_grow_per_page: u32,
    /// Run-time charge per started 32 bytes of `memory.fill/copy/init`. Default 1.
    pub bulk_memory_per_32_bytes: u32,
    /// Run-time charge per element of `table.grow/fill/copy/init`. Default 1.
    pub table_per_element: u32,
}

impl Default for CostTable {
    fn default() -> Self {
        CostTable {
            op: 1,
            structural: 0,
            memory_access: 4,
            mul: 1,
            div: 6,
            br_table: 3,
            call: 9,
            call_indirect: 7,
            memory_grow: 42,
            bulk: 3,
            memory_grow_per_page: 38_000,
            bulk_memory_per_32_bytes: 1,
            table_per_element: 1,
        }
    }
}

impl CostTable {
    /// The static cost of one operator.
    pub fn cost(&self, op: &Operator<'_>) -> u64 {
        use Operator as O;
        let c = match op {
            O::Block { .. } | O::Loop { .. } | O::Else | O::End | O::Nop => self.structural,
            O::I32Load { .. }
            | O::I64Load { .. }
            | O::F32Load { .. }
            | O::F64Load { .. }
            | O::I32Load8S { .. }
            | O::I32Load8U { .. }
            | O::I32Load16S { .. }
            | O::I32Load16U { .. }
            | O::I64Load8S { .. }
            | O::I64Load8U { .. }
            | O::I64Load16S { .. }
            | O::I64Load16U { .. }
            | O::I64Load32S { .. }
            | O::I64Load32U { .. }
            | O::I32Store { .. }
            | O::I64Store { .. }
            | O::F32Store { .. }
            | O::F64Store { .. }
            | O::I32Store8 { .. }
            | O::I32Store16 { .. }
            | O::I64Store8 { .. }
            | O::I64Store16 { .. }
            | O::I64Store32 { .. } => self.memory_access,
            O::I32Mul | O::I64Mul => self.mul,
            O::I32DivS
            | O::I32DivU
            | O::I32RemS
            | O::I32RemU
            | O::I64DivS
            | O::I64DivU
            | O::I64RemS
            | O::I64RemU => self.div,
            O::BrTable { .. } => self.br_table,
            O::Call { .. } => self.call,
            O::CallIndirect { .. } => self.call_indirect,
            O::MemoryGrow { .. } => self.memory_grow,
            O::MemoryFill { .. }
            | O::MemoryCopy { .. }
            | O::MemoryInit { .. }
            | O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. } => self.bulk,
            _ => self.op,
        };
        u64::from(c)
    }

    /// Every price as `(field name, value)`, in declaration order (the fingerprint, and the
    /// checked-in cost table of `svm-runtime`, list them so).
    pub fn entries(&self) -> [(&'static str, u32); 13] {
        // no `..`: a new price does not compile until it is listed here
        let CostTable {
            op,
            structural,
            memory_access,
            mul,
            div,
            br_table,
            call,
            call_indirect,
            memory_grow,
            bulk,
            memory_grow_per_page,
            bulk_memory_per_32_bytes,
            table_per_element,
        } = *self;
        [
            ("op", op),
            ("structural", structural),
            ("memory_access", memory_access),
            ("mul", mul),
            ("div", div),
            ("br_table", br_table),
            ("call", call),
            ("call_indirect", call_indirect),
            ("memory_grow", memory_grow),
            ("bulk", bulk),
            ("memory_grow_per_page", memory_grow_per_page),
            ("bulk_memory_per_32_bytes", bulk_memory_per_32_bytes),
            ("table_per_element", table_per_element),
        ]
    }
}

/// The most operators [`SegmentCap`] lets pass without an accounting point.
pub const SEGMENT_OPS: u32 = 64;

/// svm's middleware that bounds a metering segment to [`SEGMENT_OPS`] operators (see the
/// module docs). Push it *before* `Metering`, so `Metering` sees the pairs it inserts.
#[derive(Debug, Default)]
pub struct SegmentCap;

impl ModuleMiddleware for SegmentCap {
    fn generate_function_middleware<'a>(
        &self,
        _: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FunctionSegmentCap { since: 0 })
    }
}

#[derive(Debug)]
struct FunctionSegmentCap {
    /// Operators since the last accounting point.
    since: u32,
}

impl<'a> FunctionMiddleware<'a> for FunctionSegmentCap {
    fn feed(
        &mut self,
        operator: Operator<'a>,
        state: &mut MiddlewareReaderState<'a>,
    ) -> Result<(), MiddlewareError> {
        if wasmer_middlewares::metering::is_accounting(&operator) {
            self.since = 0;
        } else if self.since >= SEGMENT_OPS {
            state.extend([
                Operator::Block {
                    blockty: BlockType::Empty,
                },
                Operator::End,
            ]);
            self.since = 1;
        } else {
            self.since += 1;
        }
        state.push_operator(operator);
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
struct SizeGlobals {
    remaining: u32,
    exhausted: u32,
    operand: u32,
    cost: u32,
}

/// svm's middleware for size-dependent charges (see the module docs). Push it *after*
/// `Metering`: it looks up `Metering`'s globals by their export names. One instance per
/// module, like `Metering`.
#[derive(Debug)]
pub struct SizeCharges {
    costs: CostTable,
    globals: Mutex<Option<SizeGlobals>>,
}

impl SizeCharges {
    /// A middleware charging with `costs`.
    pub fn new(costs: CostTable) -> Self {
        SizeCharges {
            costs,
            globals: Mutex::new(None),
        }
    }
}

fn exported_global(info: &wasmer::ModuleInfo, name: &str) -> Result<u32, MiddlewareError> {
    match info.exports.get(name) {
        Some(ExportIndex::Global(g)) => Ok(g.as_u32()),
        _ => Err(MiddlewareError::new(
            "SizeCharges",
            format!("global `{name}` not found: push SizeCharges after Metering"),
        )),
    }
}

impl ModuleMiddleware for SizeCharges {
    fn generate_function_middleware<'a>(
        &self,
        _: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        let globals = self
            .globals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .expect("transform_module_info runs before function middlewares");
        Box::new(FunctionSizeCharges {
            costs: self.costs,
            globals,
        })
    }

    fn transform_module_info(&self, info: &mut wasmer::ModuleInfo) -> Result<(), MiddlewareError> {
        let mut slot = self.globals.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return Err(MiddlewareError::new(
                "SizeCharges",
                "one SizeCharges instance per module",
            ));
        }
        let remaining = exported_global(info, REMAINING_POINTS_EXPORT)?;
        let exhausted = exported_global(info, POINTS_EXHAUSTED_EXPORT)?;
        let operand = info
            .globals
            .push(GlobalType::new(Type::I32, Mutability::Var));
        info.global_initializers.push(GlobalInit::I32Const(0));
        let cost = info
            .globals
            .push(GlobalType::new(Type::I64, Mutability::Var));
        info.global_initializers.push(GlobalInit::I64Const(0));
        *slot = Some(SizeGlobals {
            remaining,
            exhausted,
            operand: operand.as_u32(),
            cost: cost.as_u32(),
        });
        Ok(())
    }
}

#[derive(Debug)]
struct FunctionSizeCharges {
    costs: CostTable,
    globals: SizeGlobals,
}

impl<'a> FunctionMiddleware<'a> for FunctionSizeCharges {
    fn feed(
        &mut self,
        operator: Operator<'a>,
        state: &mut MiddlewareReaderState<'a>,
    ) -> Result<(), MiddlewareError> {
        use Operator as O;
        // (price per unit, operand counts bytes to be rounded up to 32-byte units)
        let charge = match operator {
            O::MemoryGrow { .. } => Some((self.costs.memory_grow_per_page, false)),
            O::MemoryFill { .. } | O::MemoryCopy { .. } | O::MemoryInit { .. } => {
                Some((self.costs.bulk_memory_per_32_bytes, true))
            }
            O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. } => Some((self.costs.table_per_element, false)),
            _ => None,
        };
        if let Some((price, bytes)) = charge
            && price > 0
        {
            let g = self.globals;
            // size operand (i32, top of stack) -> scratch; cost = units * price (i64)
            state.extend([
                O::GlobalSet {
                    global_index: g.operand,
                },
                O::GlobalGet {
                    global_index: g.operand,
                },
                O::I64ExtendI32U,
            ]);
            if bytes {
                state.extend([
                    O::I64Const { value: 31 },
                    O::I64Add,
                    O::I64Const { value: 5 },
                    O::I64ShrU,
                ]);
            }
            if price != 1 {
                state.extend([
                    O::I64Const {
                        value: i64::from(price),
                    },
                    O::I64Mul,
                ]);
            }
            state.extend([
                O::GlobalSet {
                    global_index: g.cost,
                },
                // if remaining < cost { exhausted = 1; unreachable }
                O::GlobalGet {
                    global_index: g.remaining,
                },
                O::GlobalGet {
                    global_index: g.cost,
                },
                O::I64LtU,
                O::If {
                    blockty: BlockType::Empty,
                },
                O::I32Const { value: 1 },
                O::GlobalSet {
                    global_index: g.exhausted,
                },
                O::Unreachable,
                O::End,
                // remaining -= cost
                O::GlobalGet {
                    global_index: g.remaining,
                },
                O::GlobalGet {
                    global_index: g.cost,
                },
                O::I64Sub,
                O::GlobalSet {
                    global_index: g.remaining,
                },
                // restore the operand
                O::GlobalGet {
                    global_index: g.operand,
                },
            ]);
        }
        state.push_operator(operator);
        Ok(())
    }
}

/// The instance lacks the globals svm-gas adds: it was not compiled by [`prepare`](crate::prepare).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("instance was not prepared by svm-gas (instrumentation globals missing)")]
pub struct NotPrepared;

fn set_global(
    store: &mut impl AsStoreMut,
    instance: &Instance,
    name: &str,
    value: Value,
) -> Result<(), NotPrepared> {
    instance
        .exports
        .get_global(name)
        .map_err(|_| NotPrepared)?
        .set(store, value)
        .map_err(|_| NotPrepared)
}

pub(crate) fn get_global(
    store: &mut impl AsStoreMut,
    instance: &Instance,
    name: &str,
) -> Option<Value> {
    instance.exports.get_global(name).ok().map(|g| g.get(store))
}

/// Sets the gas available to the next call and clears the per-call state: the exhausted
/// flag, the call-depth counter and the depth-exceeded flag. Call it before every entry call
/// into an instance (also after a trap, which leaves that state behind).
pub fn set_gas(
    store: &mut impl AsStoreMut,
    instance: &Instance,
    gas: Gas,
) -> Result<(), NotPrepared> {
    set_global(
        store,
        instance,
        REMAINING_POINTS_EXPORT,
        Value::I64(gas.0 as i64),
    )?;
    set_global(store, instance, POINTS_EXHAUSTED_EXPORT, Value::I32(0))?;
    set_global(store, instance, CALL_DEPTH_EXPORT, Value::I32(0))?;
    set_global(store, instance, DEPTH_EXCEEDED_EXPORT, Value::I32(0))
}

/// Gas left, or `None` if the instance ran out of gas (or was not prepared by svm-gas).
pub fn gas_left(store: &mut impl AsStoreMut, instance: &Instance) -> Option<Gas> {
    match get_global(store, instance, POINTS_EXHAUSTED_EXPORT)? {
        Value::I32(0) => {}
        _ => return None,
    }
    match get_global(store, instance, REMAINING_POINTS_EXPORT)? {
        Value::I64(v) => Some(Gas(v as u64)),
        _ => None,
    }
}
