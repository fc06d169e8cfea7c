//! What a template may import and must export, which compiler to use, and the limits and
//! costs to apply.

use wasmer::{FunctionType, GlobalType};

use crate::limits::Limits;
use crate::metering::CostTable;

/// The compiler used to turn a validated, instrumented module into machine code.
///
/// Gas is a Wasm-level transform, so gas used is identical under both compilers.
/// The default is [`Compiler::Singlepass`]: it compiles in linear time and 8-13x faster
/// than Cranelift (the toolchain probe: 3.9-5.8 ms against 49-89 ms for a 46 KB module),
/// which bounds the cost of a deploy and defuses "JIT bombs" built to make an optimising
/// compiler slow. Cranelift's code runs 1.5-2x faster; a node that caches artifacts for
/// long-lived hot templates may choose it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Compiler {
    /// wasmer's single-pass compiler (fast, linear-time compilation).
    #[default]
    Singlepass,
    /// wasmer's Cranelift compiler (optimising; faster code, slower compilation).
    Cranelift,
}

impl Compiler {
    /// Stable name used in messages and in the fingerprint.
    pub fn name(self) -> &'static str {
        match self {
            Compiler::Singlepass => "singlepass",
            Compiler::Cranelift => "cranelift",
        }
    }
}

/// The type of something the host provides for import.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportType {
    /// A host function with exactly this signature.
    Function(FunctionType),
    /// A global of exactly this type (needs [`ImportKinds::globals`]).
    Global(GlobalType),
    /// A memory (needs [`ImportKinds::memories`]; its size is checked against the limits).
    Memory,
    /// A table (needs [`ImportKinds::tables`]; its size is checked against the limits).
    Table,
}

/// One import the host provides: `module.name` with a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AllowedImport {
    /// Import module (namespace), e.g. `"svm"`.
    pub module: String,
    /// Import name.
    pub name: String,
    /// Its type.
    pub ty: ImportType,
}

/// Which kinds of imports are allowed at all. Default: functions only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImportKinds {
    /// Function imports.
    pub functions: bool,
    /// Global imports.
    pub globals: bool,
    /// Memory imports.
    pub memories: bool,
    /// Table imports.
    pub tables: bool,
}

impl Default for ImportKinds {
    fn default() -> Self {
        ImportKinds {
            functions: true,
            globals: false,
            memories: false,
            tables: false,
        }
    }
}

impl ImportKinds {
    /// All four kinds (what the Wasm spec test suite needs for `spectest`).
    pub const ALL: ImportKinds = ImportKinds {
        functions: true,
        globals: true,
        memories: true,
        tables: true,
    };

    pub(crate) fn describe(&self) -> String {
        let mut kinds = Vec::new();
        if self.functions {
            kinds.push("functions");
        }
        if self.globals {
            kinds.push("globals");
        }
        if self.memories {
            kinds.push("memories");
        }
        if self.tables {
            kinds.push("tables");
        }
        if kinds.is_empty() {
            "nothing".to_string()
        } else {
            kinds.join(", ")
        }
    }
}

/// The kind (and for functions the type) of a required export.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// A function with exactly this signature.
    Function(FunctionType),
    /// A function with any signature.
    AnyFunction,
    /// A memory.
    Memory,
    /// A global of any type.
    Global,
    /// A table.
    Table,
}

impl std::fmt::Display for ExportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportKind::Function(ty) => write!(f, "function {ty}"),
            ExportKind::AnyFunction => f.write_str("function"),
            ExportKind::Memory => f.write_str("memory"),
            ExportKind::Global => f.write_str("global"),
            ExportKind::Table => f.write_str("table"),
        }
    }
}

/// One export the template must have.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequiredExport {
    /// Export name.
    pub name: String,
    /// Its kind.
    pub kind: ExportKind,
}

/// Everything [`prepare`](crate::prepare) and [`validate`](crate::validate()) need to know.
///
/// `PrepareConfig::default()` allows no imports, requires no exports, uses
/// [`Limits::default`], [`CostTable::default`] and [`Compiler::Singlepass`]. Build a real
/// configuration with the `with_*`/`allow_*`/`require_*` methods:
///
/// ```
/// use svm_gas::{PrepareConfig, Compiler, ExportKind};
/// use wasmer::{FunctionType, Type};
///
/// let config = PrepareConfig::default()
///     .allow_function("svm", "get", FunctionType::new([Type::I32], [Type::I32]))
///     .require_export("memory", ExportKind::Memory)
///     .with_compiler(Compiler::Cranelift);
/// assert_eq!(config.allowed_imports.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PrepareConfig {
    /// The imports the host provides (exact types).
    pub allowed_imports: Vec<AllowedImport>,
    /// Namespaces from which *any* function import is accepted whatever its signature
    /// (for tools and benchmarks that compile foreign modules; never for consensus).
    pub open_namespaces: Vec<String>,
    /// Which import kinds are allowed at all.
    pub import_kinds: ImportKinds,
    /// The exports every template must have.
    pub required_exports: Vec<RequiredExport>,
    /// Whether a start function is allowed (default `false`: it would run at instantiation,
    /// before the runtime sets a gas limit, with only [`PrepareConfig::initial_gas`]).
    pub allow_start: bool,
    /// Accept floats (default `false`: floats are rejected, rule 5). When `true`, rule 5 is
    /// skipped and the compiler canonicalises NaNs. For tools and benchmarks that compile
    /// foreign modules (rustc output often contains `f64` code from serde); svm's consensus
    /// configuration keeps it `false`.
    pub allow_floats: bool,
    /// Gas the metering global holds right after instantiation. Default 0: the runtime
    /// sets the gas for each call with [`set_gas`](crate::set_gas).
    pub initial_gas: u64,
    /// Static limits and the memory/stack limits.
    pub limits: Limits,
    /// Gas costs.
    pub costs: CostTable,
    /// The compiler.
    pub compiler: Compiler,
}

impl PrepareConfig {
    /// Allows the function import `module.name` with exactly the signature `ty`.
    pub fn allow_function(
        mut self,
        module: impl Into<String>,
        name: impl Into<String>,
        ty: FunctionType,
    ) -> Self {
        self.allowed_imports.push(AllowedImport {
            module: module.into(),
            name: name.into(),
            ty: ImportType::Function(ty),
        });
        self
    }

    /// Allows the import `module.name` of type `ty` (any kind; the kind must also be enabled
    /// in [`PrepareConfig::import_kinds`]).
    pub fn allow_import(
        mut self,
        module: impl Into<String>,
        name: impl Into<String>,
        ty: ImportType,
    ) -> Self {
        self.allowed_imports.push(AllowedImport {
            module: module.into(),
            name: name.into(),
            ty,
        });
        self
    }

    /// Accepts any function import from `module`, whatever its signature. Meant for tools and
    /// benchmarks that compile foreign modules, not for consensus configurations.
    pub fn allow_namespace(mut self, module: impl Into<String>) -> Self {
        self.open_namespaces.push(module.into());
        self
    }

    /// Sets which import kinds are allowed.
    pub fn with_import_kinds(mut self, kinds: ImportKinds) -> Self {
        self.import_kinds = kinds;
        self
    }

    /// Requires the export `name` of kind `kind`.
    pub fn require_export(mut self, name: impl Into<String>, kind: ExportKind) -> Self {
        self.required_exports.push(RequiredExport {
            name: name.into(),
            kind,
        });
        self
    }

    /// Allows or forbids a start function.
    pub fn with_start(mut self, allow: bool) -> Self {
        self.allow_start = allow;
        self
    }

    /// Accepts floats (with NaN canonicalisation) or rejects them (the default).
    pub fn with_floats(mut self, allow: bool) -> Self {
        self.allow_floats = allow;
        self
    }

    /// Sets the gas present right after instantiation.
    pub fn with_initial_gas(mut self, gas: u64) -> Self {
        self.initial_gas = gas;
        self
    }

    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the cost table.
    pub fn with_costs(mut self, costs: CostTable) -> Self {
        self.costs = costs;
        self
    }

    /// Sets the compiler.
    pub fn with_compiler(mut self, compiler: Compiler) -> Self {
        self.compiler = compiler;
        self
    }
}
