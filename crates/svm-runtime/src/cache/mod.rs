//! The module cache: a template is compiled once, at deploy, and never on the call path.
//!
//! Tiers, one file each: [`instances`] (ready instances, reset between calls), [`memory`]
//! (byte-bounded LRU of ready modules) and the artifact
//! tier, which keeps the serialized artifact of every template this node deployed: on disk
//! ([`disk`], authenticated with the node's key) when the runtime has a cache directory, in
//! memory otherwise. Deploy compiles and fills both; calls load from memory, else from the
//! artifact tier (what the load price pays for, see `docs/spec/gas.md`).
//!
//! Only a node that lost its artifacts (a new cache directory, an upgrade that changed the
//! fingerprint, a damaged file) compiles on the call path: once per template, logged and
//! counted in [`CacheStats::recompiled`]. That is the node's own cost, never the
//! transaction's: gas depends only on the template record.
//!
//! The artifact key is `sha3-256("svm/artifact" || sha3-256(code) || fingerprint)`, where the
//! fingerprint covers the rules version, the wasmer version, the compiler, the cost table,
//! the limits and the host function table: an artifact made under any other configuration is
//! never found.

pub(crate) mod disk;
pub(crate) mod instances;
pub(crate) mod memory;

use std::collections::BTreeMap;

use sha3::{Digest, Sha3_256};
use svm_gas::{PrepareConfig, PrepareError, PreparedModule};
use svm_types::TemplateAddr;
use wasmer::{Engine, Module};

use disk::{DiskCache, DiskRead};
use memory::MemoryCache;

/// Where a module came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Already in memory.
    Memory,
    /// Loaded from its stored artifact.
    Artifact,
    /// Prepared and compiled now.
    Compiled,
}

/// Counts of where modules came from, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Memory hits.
    pub memory: u64,
    /// Modules loaded from their stored artifact.
    pub artifact: u64,
    /// Compilations at deploy.
    pub compiled: u64,
    /// Compilations on the call path, for templates whose artifact this node lacked.
    pub recompiled: u64,
    /// Stored artifacts rejected as damaged, foreign or unloadable.
    pub rejected: u64,
}

/// Where serialized artifacts are kept.
pub(crate) enum ArtifactStore {
    /// In this process's memory (runtimes without a cache directory).
    Memory(BTreeMap<[u8; 32], Vec<u8>>),
    /// In a directory, authenticated with the node's key.
    Disk(DiskCache),
}

impl ArtifactStore {
    /// The serialized artifact under `key`, checked; `None` when absent or rejected.
    fn read(&self, key: &[u8; 32], stats: &mut CacheStats) -> Option<Vec<u8>> {
        match self {
            ArtifactStore::Memory(map) => map.get(key).cloned(),
            ArtifactStore::Disk(disk) => match disk.read(key) {
                DiskRead::Hit(bytes) => Some(bytes),
                DiskRead::Miss => None,
                DiskRead::Corrupt(why) => {
                    stats.rejected += 1;
                    log::warn!(
                        "artifact {} rejected ({why}); recompiling",
                        disk.path(key).display()
                    );
                    None
                }
            },
        }
    }

    fn write(&mut self, key: &[u8; 32], bytes: &[u8]) {
        match self {
            ArtifactStore::Memory(map) => {
                map.insert(*key, bytes.to_vec());
            }
            ArtifactStore::Disk(disk) => {
                if let Err(e) = disk.write(key, bytes) {
                    log::warn!("cannot write artifact {}: {e}", disk.path(key).display());
                }
            }
        }
    }

    /// Loads `bytes` read from this store into `engine`.
    fn deserialize(&self, bytes: &[u8], engine: &Engine) -> Result<Module, PrepareError> {
        #[allow(unsafe_code)]
        // SAFETY: the bytes come from this store: either this process's own memory, where
        // only `ModuleCache::compile` puts what `PreparedModule::serialize` returned, or a
        // file whose MAC under this node's secret key was verified by `DiskCache::read`,
        // which only `DiskCache::write` of serialized artifacts produces. The artifact key
        // covers the fingerprint, so the bytes were made by this build's configuration.
        let prepared = unsafe { PreparedModule::deserialize(bytes, engine) }?;
        Ok(prepared.module)
    }
}

/// Compiled modules by template: memory LRU over a complete artifact tier.
pub(crate) struct ModuleCache {
    engine: Engine,
    prepare: PrepareConfig,
    fingerprint: [u8; 32],
    memory: MemoryCache,
    artifacts: ArtifactStore,
    stats: CacheStats,
}

impl ModuleCache {
    /// A cache that prepares code with `prepare`, instantiates into `engine` (the runtime's
    /// headless engine), keeps `memory_bytes` of modules in memory and every artifact in
    /// `artifacts`.
    pub(crate) fn new(
        engine: Engine,
        prepare: PrepareConfig,
        fingerprint: [u8; 32],
        memory_bytes: usize,
        artifacts: ArtifactStore,
    ) -> Self {
        Self {
            engine,
            prepare,
            fingerprint,
            memory: MemoryCache::new(memory_bytes),
            artifacts,
            stats: CacheStats::default(),
        }
    }

    /// The key of the artifact of `code` under this configuration.
    pub(crate) fn key(&self, code: &[u8]) -> [u8; 32] {
        Sha3_256::new()
            .chain_update(b"svm/artifact")
            .chain_update(Sha3_256::digest(code))
            .chain_update(self.fingerprint)
            .finalize()
            .into()
    }

    /// Where modules came from so far.
    pub(crate) fn stats(&self) -> CacheStats {
        self.stats
    }

    /// The engine modules are instantiated in.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Validates `code` (no compilation).
    pub(crate) fn check(&self, code: &[u8]) -> Result<(), PrepareError> {
        svm_gas::validate(code, &self.prepare)
    }

    /// Validates `code` and that each of `ctors` is an exported `() -> ()` function (no
    /// compilation): every check a deploy makes before it pays for compiling.
    pub(crate) fn check_with_ctors(
        &self,
        code: &[u8],
        ctors: &[String],
    ) -> Result<(), PrepareError> {
        let mut config = self.prepare.clone();
        for ctor in ctors {
            config = config.require_export(
                ctor.as_str(),
                svm_gas::ExportKind::Function(wasmer::FunctionType::new([], [])),
            );
        }
        svm_gas::validate(code, &config)
    }

    /// Prepares `code` (validation included, whatever is cached), keeps its artifact and
    /// the module: the deploy path.
    pub(crate) fn compile(
        &mut self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<Module, PrepareError> {
        let module = self.prepare_and_keep(template, code)?;
        self.stats.compiled += 1;
        Ok(module)
    }

    /// Prepares `code` and keeps its artifact and module (no statistics).
    fn prepare_and_keep(
        &mut self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<Module, PrepareError> {
        let prepared = svm_gas::prepare(code, &self.prepare)?;
        let bytes = prepared.serialize()?;
        let module = self.artifacts.deserialize(&bytes, &self.engine)?;
        let key = self.key(code);
        self.artifacts.write(&key, &bytes);
        self.memory.insert(*template, module.clone(), bytes.len());
        Ok(module)
    }

    /// The ready module of deployed `template` (whose code is `code`): from memory, else
    /// from its artifact; compiled again only if this node lost the artifact. The code is
    /// hashed only on a memory miss.
    pub(crate) fn load(
        &mut self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<(Module, Tier), PrepareError> {
        if let Some(module) = self.memory.get(template) {
            self.stats.memory += 1;
            return Ok((module, Tier::Memory));
        }
        let key = self.key(code);
        if let Some(bytes) = self.artifacts.read(&key, &mut self.stats) {
            match self.artifacts.deserialize(&bytes, &self.engine) {
                Ok(module) => {
                    self.stats.artifact += 1;
                    self.memory.insert(*template, module.clone(), bytes.len());
                    return Ok((module, Tier::Artifact));
                }
                Err(e) => {
                    self.stats.rejected += 1;
                    log::warn!("artifact of template {template} does not load ({e}); recompiling");
                }
            }
        }
        log::warn!("no artifact for deployed template {template}: compiling it on the call path");
        let module = self.prepare_and_keep(template, code)?;
        self.stats.recompiled += 1;
        Ok((module, Tier::Compiled))
    }
}
