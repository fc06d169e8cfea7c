//! `prepare`: validate, instrument and compile; artifacts; the configuration fingerprint.

use std::sync::Arc;

use sha3::{Digest, Sha3_256};
#[cfg(feature = "cranelift")]
use wasmer::sys::Cranelift;
use wasmer::sys::{CompilerConfig, EngineBuilder, NativeEngineExt, Singlepass, Target};
use wasmer::wasmparser::Operator;
use wasmer::{Engine, ExternType, MemoryType, Module};
use wasmer_middlewares::Metering;

use crate::config::{Compiler, ImportType, PrepareConfig};
use crate::depth::DepthLimit;
use crate::error::PrepareError;
use crate::limits::LimitingTunables;
use crate::metering::{SegmentCap, SizeCharges};
use crate::state::ExportState;
use crate::validate::validate;

/// The version of svm's preparation rules: validation, the cost table's meaning, the size
/// charges, the depth limit and the run-time caps of [`LimitingTunables`]. Part of the
/// [`fingerprint`], so artifacts prepared under older rules are never loaded again.
///
/// Bump it with every change that can change whether a module is accepted, how much gas it
/// uses or where it traps. The test `tests/fingerprint.rs` records the rules' observable
/// behaviour next to this number (`tests/rules-golden.txt`) and fails when the behaviour
/// changes while the number does not.
pub const INSTRUMENTATION_VERSION: u32 = 3;

/// The wasmer version this crate is pinned to (`=7.4.2` in the workspace manifest); part of
/// the [`fingerprint`].
pub const WASMER_VERSION: &str = "7.4.2";

/// Facts about a prepared module, read back from the compiled module (so they are the same
/// after [`PreparedModule::deserialize`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleInfo {
    /// The template's exports (instrumentation globals left out), in module order.
    pub exports: Vec<(String, ExternType)>,
    /// The template's imports: `(module, name, type)`, in module order.
    pub imports: Vec<(String, String, ExternType)>,
    /// The memory the template defines or imports, if any (its declared type, before the
    /// run-time cap of [`LimitingTunables`]).
    pub memory: Option<MemoryType>,
}

impl ModuleInfo {
    fn of(module: &Module) -> Self {
        // validation reserves these prefixes: exports under them are the instrumentation's
        let instrumentation = |name: &str| {
            crate::validate::RESERVED_EXPORT_PREFIXES
                .iter()
                .any(|p| name.starts_with(p))
        };
        let exports = module
            .exports()
            .filter(|e| !instrumentation(e.name()))
            .map(|e| (e.name().to_string(), e.ty().clone()))
            .collect::<Vec<_>>();
        let imports = module
            .imports()
            .map(|i| (i.module().to_string(), i.name().to_string(), i.ty().clone()))
            .collect::<Vec<_>>();
        let memory = exports
            .iter()
            .map(|(_, t)| t)
            .chain(imports.iter().map(|(_, _, t)| t))
            .find_map(|t| match t {
                ExternType::Memory(m) => Some(*m),
                _ => None,
            });
        ModuleInfo {
            exports,
            imports,
            memory,
        }
    }
}

/// A validated, metered, depth-limited and compiled template.
#[derive(Clone)]
pub struct PreparedModule {
    /// The compiled module.
    pub module: Module,
    /// The engine it was compiled or loaded with (carries [`LimitingTunables`]); use it for
    /// the `Store` that instantiates the module.
    pub engine: Engine,
    /// Facts about the module.
    pub info: ModuleInfo,
}

impl std::fmt::Debug for PreparedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedModule")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl PreparedModule {
    /// The compiled artifact, for the runtime's disk cache (key it with the code hash and
    /// [`fingerprint`]). The instrumentation is part of the artifact.
    pub fn serialize(&self) -> Result<Vec<u8>, PrepareError> {
        self.module
            .serialize()
            .map(|b| b.to_vec())
            .map_err(|e| PrepareError::Serialize(e.to_string()))
    }

    /// Loads an artifact made by [`PreparedModule::serialize`] into `engine` (normally
    /// [`runtime_engine`](crate::runtime_engine)). wasmer checks the artifact's header,
    /// version and target, nothing more.
    ///
    /// # Safety
    ///
    /// An artifact is native code that runs in this process. `bytes` must come from
    /// [`PreparedModule::serialize`] of this build under the same [`fingerprint`], and must
    /// not have been changed since: the caller authenticates them (svm's runtime keeps them
    /// under a MAC with a per-node key). Forged or damaged bytes are undefined behaviour.
    #[allow(unsafe_code)]
    pub unsafe fn deserialize(bytes: &[u8], engine: &Engine) -> Result<Self, PrepareError> {
        // SAFETY: `Module::deserialize` is unsafe because a forged artifact is arbitrary
        // native code; this function passes the same obligation on to its caller (see
        // `# Safety` above).
        let module = unsafe { Module::deserialize(engine, bytes.to_vec()) }
            .map_err(|e| PrepareError::Deserialize(e.to_string()))?;
        Ok(PreparedModule {
            info: ModuleInfo::of(&module),
            module,
            engine: engine.clone(),
        })
    }
}

/// A fresh compiling engine for one module: svm's [`SegmentCap`], a new `Metering` (an
/// instance serves one module only), svm's [`SizeCharges`] and [`DepthLimit`], and
/// [`LimitingTunables`]. A compiler this build leaves out is [`PrepareError::CompilerNotBuilt`].
fn compile_engine(config: &PrepareConfig) -> Result<Engine, PrepareError> {
    fn with_middlewares<C: CompilerConfig + 'static>(
        mut compiler: C,
        config: &PrepareConfig,
    ) -> Engine {
        let costs = config.costs;
        compiler.push_middleware(Arc::new(SegmentCap));
        compiler.push_middleware(Arc::new(Metering::new(
            config.initial_gas,
            move |op: &Operator| costs.cost(op),
        )));
        compiler.push_middleware(Arc::new(SizeCharges::new(costs)));
        compiler.push_middleware(Arc::new(DepthLimit::new(config.limits.max_call_depth)));
        compiler.push_middleware(Arc::new(ExportState));
        EngineBuilder::new(compiler).into()
    }
    let mut engine = match config.compiler {
        Compiler::Singlepass => {
            let mut c = Singlepass::default();
            c.canonicalize_nans(config.allow_floats);
            with_middlewares(c, config)
        }
        #[cfg(feature = "cranelift")]
        Compiler::Cranelift => {
            let mut c = Cranelift::default();
            c.canonicalize_nans(config.allow_floats);
            with_middlewares(c, config)
        }
        #[cfg(not(feature = "cranelift"))]
        Compiler::Cranelift => return Err(PrepareError::CompilerNotBuilt("cranelift")),
    };
    engine.set_tunables(LimitingTunables::new(&config.limits));
    Ok(engine)
}

/// Prepares a template: [`validate`] it, then instrument (gas, size-dependent gas, call
/// depth) and compile it with the configured compiler.
///
/// The metering global starts at [`PrepareConfig::initial_gas`] (default 0); set the gas for
/// each call with [`set_gas`](crate::set_gas).
///
/// ```
/// use svm_gas::{prepare, set_gas, gas_left, PrepareConfig};
/// use svm_types::Gas;
/// use wasmer::{imports, Instance, Store};
///
/// let wasm = wat::parse_str(r#"(module
///     (func (export "add") (param i32 i32) (result i32)
///         local.get 0 local.get 1 i32.add))"#).unwrap();
/// let prepared = prepare(&wasm, &PrepareConfig::default()).unwrap();
///
/// let mut store = Store::new(prepared.engine.clone());
/// let instance = Instance::new(&mut store, &prepared.module, &imports! {}).unwrap();
/// set_gas(&mut store, &instance, Gas(100)).unwrap();
/// let add = instance.exports.get_typed_function::<(i32, i32), i32>(&store, "add").unwrap();
/// assert_eq!(add.call(&mut store, 2, 3).unwrap(), 5);
/// // local.get, local.get, i32.add (1 each) and the function's `end` (0)
/// assert_eq!(gas_left(&mut store, &instance), Some(Gas(97)));
/// ```
pub fn prepare(wasm: &[u8], config: &PrepareConfig) -> Result<PreparedModule, PrepareError> {
    validate(wasm, config)?;
    let engine = compile_engine(config)?;
    let module = Module::new(&engine, wasm).map_err(|e| PrepareError::Compile(e.to_string()))?;
    Ok(PreparedModule {
        info: ModuleInfo::of(&module),
        module,
        engine,
    })
}

/// A SHA3-256 over everything that determines a prepared artifact or its acceptance.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigHash(pub [u8; 32]);

impl std::fmt::Display for ConfigHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for ConfigHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConfigHash({self})")
    }
}

/// The fingerprint of a configuration: svm-gas, rules ([`INSTRUMENTATION_VERSION`]) and wasmer
/// versions, compiler, host target and
/// CPU features, cost table, limits, initial gas, start rule, imports and exports. The
/// runtime's artifact cache uses it (with the code hash) as the key, so changing any of
/// these invalidates old artifacts.
pub fn fingerprint(config: &PrepareConfig) -> ConfigHash {
    let target = Target::default();
    // v3: artifacts export the instance's state (`state.rs`)
    let mut text = format!(
        "svm-gas fingerprint v3\nsvm-gas={}\nrules={INSTRUMENTATION_VERSION}\nwasmer={WASMER_VERSION}\ncompiler={}\ntarget={} {:?}\n",
        env!("CARGO_PKG_VERSION"),
        config.compiler.name(),
        target.triple(),
        target.cpu_features(),
    );
    for (name, value) in config.costs.entries() {
        text.push_str(&format!("cost.{name}={value}\n"));
    }
    for (name, value) in config.limits.entries() {
        text.push_str(&format!("limit.{name}={value}\n"));
    }
    text.push_str(&format!(
        "initial_gas={}\nallow_start={}\nallow_floats={}\nimport_kinds={:?}\n",
        config.initial_gas, config.allow_start, config.allow_floats, config.import_kinds
    ));
    for i in &config.allowed_imports {
        let ty = match &i.ty {
            ImportType::Function(f) => format!("func {f}"),
            ImportType::Global(g) => format!("global {g}"),
            ImportType::Memory => "memory".to_string(),
            ImportType::Table => "table".to_string(),
        };
        text.push_str(&format!("import {:?}.{:?} {ty}\n", i.module, i.name));
    }
    for ns in &config.open_namespaces {
        text.push_str(&format!("open_namespace {ns:?}\n"));
    }
    for e in &config.required_exports {
        text.push_str(&format!("export {:?} {}\n", e.name, e.kind));
    }
    ConfigHash(Sha3_256::digest(text.as_bytes()).into())
}
