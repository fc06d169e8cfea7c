//! Static limits on a template and the runtime tunables that enforce the memory limit.
//!
//! Every limit is checked by [`validate`](crate::validate()) before compilation, except the
//! memory *maximum* of a module that declares none (the rustc default): that one is enforced
//! at run time by [`LimitingTunables`], which clamps every memory's maximum to
//! [`Limits::max_memory_pages`]. A `memory.grow` past the clamp returns -1 (ordinary Wasm
//! semantics) after it has been charged.

use std::ptr::NonNull;

use wasmer::sys::vm::{
    MemoryError, MemoryStyle, TableStyle, VMConfig, VMMemory, VMMemoryDefinition, VMTable,
    VMTableDefinition,
};
use wasmer::sys::{BaseTunables, NativeEngineExt, Tunables};
use wasmer::{Engine, MemoryType, Pages, TableType};

/// Limits applied to a template. All counts are inclusive maxima.
///
/// The defaults are listed in `docs/spec/gas.md` and on each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Maximum size of the Wasm binary in bytes (checked before parsing). Default 1 MiB.
    pub max_code_size: u64,
    /// Maximum number of function types in the type section. Default 1,024.
    pub max_types: u32,
    /// Maximum number of functions, imported and defined. Default 10,000.
    pub max_functions: u32,
    /// Maximum number of parameters plus declared locals of one function. Default 256.
    pub max_locals_per_function: u32,
    /// Maximum operand-stack height inside one function (values, as counted by the
    /// validator). Default 256.
    pub max_operand_stack_height: u32,
    /// Maximum number of globals, imported and defined. Default 256.
    pub max_globals: u32,
    /// Maximum number of tables. Default 1.
    pub max_tables: u32,
    /// Maximum initial *and* declared maximum size of each table, in elements. Default 4,096.
    pub max_table_elements: u32,
    /// Maximum initial and declared maximum size of the memory, in 64 KiB pages; also the
    /// run-time cap for memories that declare no maximum. Default 64 (4 MiB).
    pub max_memory_pages: u32,
    /// Maximum number of data segments. Default 1,024.
    pub max_data_segments: u32,
    /// Maximum total size of all data segments in bytes. Default 1 MiB.
    pub max_data_size: u64,
    /// Maximum number of element segments. Default 1,024.
    pub max_element_segments: u32,
    /// Maximum number of imports. Default 256.
    pub max_imports: u32,
    /// Maximum number of exports. Default 256.
    pub max_exports: u32,
    /// Maximum number of targets of one `br_table`. Default 8,192.
    pub max_br_table_targets: u32,
    /// Maximum number of nested Wasm calls below the entry function (enforced at run time
    /// by the depth middleware, see [`DepthLimit`](crate::DepthLimit)). Default 1,024.
    pub max_call_depth: u32,
    /// Size in bytes of the native stack each Wasm call runs on (wasmer's `VMConfig`).
    /// Default 16 MiB; see the stack arithmetic in `docs/spec/gas.md`.
    pub native_stack_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_code_size: 1024 * 1024,
            max_types: 1024,
            max_functions: 10_000,
            max_locals_per_function: 256,
            max_operand_stack_height: 256,
            max_globals: 256,
            max_tables: 1,
            max_table_elements: 4096,
            max_memory_pages: 64,
            max_data_segments: 1024,
            max_data_size: 1024 * 1024,
            max_element_segments: 1024,
            max_imports: 256,
            max_exports: 256,
            max_br_table_targets: 8192,
            max_call_depth: 1024,
            native_stack_size: 16 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Every field as `(name, value)`, in declaration order (used for the fingerprint and
    /// for documentation).
    pub fn entries(&self) -> [(&'static str, u64); 17] {
        [
            ("max_code_size", self.max_code_size),
            ("max_types", self.max_types.into()),
            ("max_functions", self.max_functions.into()),
            (
                "max_locals_per_function",
                self.max_locals_per_function.into(),
            ),
            (
                "max_operand_stack_height",
                self.max_operand_stack_height.into(),
            ),
            ("max_globals", self.max_globals.into()),
            ("max_tables", self.max_tables.into()),
            ("max_table_elements", self.max_table_elements.into()),
            ("max_memory_pages", self.max_memory_pages.into()),
            ("max_data_segments", self.max_data_segments.into()),
            ("max_data_size", self.max_data_size),
            ("max_element_segments", self.max_element_segments.into()),
            ("max_imports", self.max_imports.into()),
            ("max_exports", self.max_exports.into()),
            ("max_br_table_targets", self.max_br_table_targets.into()),
            ("max_call_depth", self.max_call_depth.into()),
            ("native_stack_size", self.native_stack_size),
        ]
    }
}

/// wasmer [`Tunables`] that cap every memory's maximum at [`Limits::max_memory_pages`], every
/// table's maximum at [`Limits::max_table_elements`] (so `table.grow` on a table declared
/// without a maximum still stops there), and run Wasm on a native stack of
/// [`Limits::native_stack_size`] bytes.
pub struct LimitingTunables {
    base: BaseTunables,
    max_pages: Pages,
    max_table_elements: u32,
    vmconfig: VMConfig,
}

impl std::fmt::Debug for LimitingTunables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LimitingTunables")
            .field("max_pages", &self.max_pages)
            .field("wasm_stack_size", &self.vmconfig.wasm_stack_size)
            .finish()
    }
}

impl LimitingTunables {
    /// Tunables for `limits`, on top of wasmer's [`BaseTunables`] for the host.
    pub fn new(limits: &Limits) -> Self {
        LimitingTunables {
            base: BaseTunables::new(),
            max_pages: Pages(limits.max_memory_pages),
            max_table_elements: limits.max_table_elements,
            vmconfig: VMConfig {
                wasm_stack_size: Some(limits.native_stack_size as usize),
            },
        }
    }

    /// The memory type with its maximum clamped to the limit.
    fn adjust(&self, ty: &MemoryType) -> MemoryType {
        let mut adjusted = *ty;
        if adjusted.maximum.is_none_or(|max| max > self.max_pages) {
            adjusted.maximum = Some(self.max_pages);
        }
        adjusted
    }

    /// The table type with its maximum clamped to the limit.
    fn adjust_table(&self, ty: &TableType) -> TableType {
        let mut adjusted = *ty;
        if adjusted
            .maximum
            .is_none_or(|max| max > self.max_table_elements)
        {
            adjusted.maximum = Some(self.max_table_elements);
        }
        adjusted
    }

    fn check_table(&self, ty: &TableType) -> Result<(), String> {
        if ty.minimum > self.max_table_elements {
            return Err(format!(
                "table of {} elements exceeds the limit of {} elements",
                ty.minimum, self.max_table_elements
            ));
        }
        Ok(())
    }

    fn check(&self, ty: &MemoryType) -> Result<(), MemoryError> {
        if ty.minimum > self.max_pages {
            return Err(MemoryError::Generic(format!(
                "memory of {} pages exceeds the limit of {} pages",
                ty.minimum.0, self.max_pages.0
            )));
        }
        Ok(())
    }
}

// `Tunables` has two `unsafe fn` methods; they only forward to wasmer's own implementation.
#[allow(unsafe_code)]
impl Tunables for LimitingTunables {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base.memory_style(&self.adjust(memory))
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(&self.adjust_table(table))
    }

    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        let adjusted = self.adjust(ty);
        self.check(&adjusted)?;
        self.base.create_host_memory(&adjusted, style)
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let adjusted = self.adjust(ty);
        self.check(&adjusted)?;
        // SAFETY: forwarded unchanged from wasmer, which upholds the contract of
        // `Tunables::create_vm_memory` for `vm_definition_location`.
        unsafe {
            self.base
                .create_vm_memory(&adjusted, style, vm_definition_location)
        }
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        let adjusted = self.adjust_table(ty);
        self.check_table(&adjusted)?;
        self.base.create_host_table(&adjusted, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        let adjusted = self.adjust_table(ty);
        self.check_table(&adjusted)?;
        // SAFETY: forwarded from wasmer (only the table's maximum lowered), which upholds the
        // contract of `Tunables::create_vm_table` for `vm_definition_location`.
        unsafe {
            self.base
                .create_vm_table(&adjusted, style, vm_definition_location)
        }
    }

    fn vmconfig(&self) -> &VMConfig {
        &self.vmconfig
    }
}

/// A compiler-less ("headless") engine with [`LimitingTunables`] for `limits`: the engine
/// the runtime deserializes prepared modules into and instantiates them with.
pub fn runtime_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::headless();
    engine.set_tunables(LimitingTunables::new(limits));
    engine
}
