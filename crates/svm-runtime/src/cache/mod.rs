//! The module cache: a template is compiled once, not per call.
//!
//! Tiers, one file each: [`memory`] (byte-bounded LRU of ready modules) and [`disk`]
//! (serialized artifacts, checked before use). A miss in both prepares the code with
//! `svm-gas` (validation, metering, depth limit, compilation), writes the artifact to disk and
//! keeps the module in memory.
//!
//! The artifact key is `sha3-256("svm/artifact" || sha3-256(code) || fingerprint)`, where the
//! fingerprint covers the wasmer version, the compiler, the cost table, the limits and the host
//! function table: an artifact made under any other configuration is never found, and a
//! damaged or foreign file is recompiled, never trusted.

pub mod disk;
pub mod memory;

use sha3::{Digest, Sha3_256};
use svm_gas::PrepareConfig;
use svm_types::TemplateAddr;
use wasmer::{Engine, Module};

use disk::{DiskCache, DiskRead};
use memory::MemoryCache;

/// Where a module came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Already in memory.
    Memory,
    /// Deserialized from a verified disk artifact.
    Disk,
    /// Prepared and compiled now.
    Compiled,
}

/// Counts of where modules came from, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Memory hits.
    pub memory: u64,
    /// Disk hits.
    pub disk: u64,
    /// Compilations.
    pub compiled: u64,
    /// Disk artifacts rejected as damaged or foreign.
    pub rejected: u64,
}

/// Compiled modules by code, in memory and optionally on disk.
pub struct ModuleCache {
    engine: Engine,
    prepare: PrepareConfig,
    fingerprint: [u8; 32],
    memory: MemoryCache,
    disk: Option<DiskCache>,
    stats: CacheStats,
}

impl ModuleCache {
    /// A cache that prepares code with `prepare`, instantiates into `engine` (the runtime's
    /// headless engine), keeps `memory_bytes` of artifacts in memory and, with `disk`, on disk.
    pub fn new(
        engine: Engine,
        prepare: PrepareConfig,
        fingerprint: [u8; 32],
        memory_bytes: usize,
        disk: Option<DiskCache>,
    ) -> Self {
        Self {
            engine,
            prepare,
            fingerprint,
            memory: MemoryCache::new(memory_bytes),
            disk,
            stats: CacheStats::default(),
        }
    }

    /// The key of the artifact of `code` under this configuration.
    pub fn key(&self, code: &[u8]) -> [u8; 32] {
        Sha3_256::new()
            .chain_update(b"svm/artifact")
            .chain_update(Sha3_256::digest(code))
            .chain_update(self.fingerprint)
            .finalize()
            .into()
    }

    /// Where modules came from so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// The engine modules are instantiated in.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Prepares `code` without caching it: validation and compilation errors only.
    pub fn check(&self, code: &[u8]) -> Result<(), svm_gas::PrepareError> {
        svm_gas::validate(code, &self.prepare)
    }

    /// The ready module of `template` (whose code is `code`), from memory, disk, or a fresh
    /// preparation. The code is hashed only on a memory miss.
    pub fn get(
        &mut self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<(Module, Tier), svm_gas::PrepareError> {
        if let Some(module) = self.memory.get(template) {
            self.stats.memory += 1;
            return Ok((module, Tier::Memory));
        }
        let key = self.key(code);
        if let Some(disk) = &self.disk {
            match disk.read(&key) {
                DiskRead::Hit(bytes) => {
                    match svm_gas::PreparedModule::deserialize(&bytes, &self.engine)
                        .map(|p| p.module)
                    {
                        Ok(module) => {
                            self.stats.disk += 1;
                            self.memory.insert(*template, module.clone(), bytes.len());
                            return Ok((module, Tier::Disk));
                        }
                        Err(e) => {
                            self.stats.rejected += 1;
                            log::warn!(
                                "artifact {} does not load ({e}); recompiling",
                                disk.path(&key).display()
                            );
                        }
                    }
                }
                DiskRead::Corrupt(why) => {
                    self.stats.rejected += 1;
                    log::warn!(
                        "artifact {} rejected ({why}); recompiling",
                        disk.path(&key).display()
                    );
                }
                DiskRead::Miss => {}
            }
        }
        let prepared = svm_gas::prepare(code, &self.prepare)?;
        let bytes = prepared.serialize()?;
        let module =
            svm_gas::PreparedModule::deserialize(&bytes, &self.engine).map(|p| p.module)?;
        if let Some(disk) = &self.disk
            && let Err(e) = disk.write(&key, &bytes)
        {
            log::warn!("cannot write artifact {}: {e}", disk.path(&key).display());
        }
        self.stats.compiled += 1;
        self.memory.insert(*template, module.clone(), bytes.len());
        Ok((module, Tier::Compiled))
    }
}
