//! The warm tier: ready instances, reset between calls instead of built for every call.
//!
//! Building an instance (a `Store`, the host functions, a linear memory mapped and later
//! unmapped) was half of a whole counter transaction. After a call that succeeded, the
//! instance is reset to exactly the state a new instance would have, and kept for the
//! template's next call:
//!
//! - **memory**: zeroed (up to 256 KiB by writing zeros; larger ones on Linux by
//!   `madvise(MADV_DONTNEED)`, which drops the touched pages of the private anonymous
//!   mapping, so they read back as zero), then the module's data
//!   segments are written again ([`svm_gas::initial_memory`]). An instance whose memory grew
//!   is dropped: a memory cannot shrink;
//! - **globals**: every mutable global (exported by [`svm_gas::ExportState`], the stack
//!   pointer of Rust modules and the instrumentation's included) gets its value from right
//!   after instantiation;
//! - **tables**: same size required, every entry written back;
//! - **the host environment** (registers, logs, returndata, the call's context) is replaced
//!   for every call anyway.
//!
//! Only modules that carry [`svm_gas::RESETTABLE_EXPORT`] qualify (no passive segments),
//! whose initial memory is known from their bytes (no start function), and whose tables
//! hold at most [`MAX_TABLE_ENTRIES`] entries. An instance is never kept after a failed
//! call or a node fault: those build a new instance next time, as every call did before.
//! Whether a call ran on a new or a reused instance changes nothing a receipt or the state
//! shows, and gas is the same either way (`tests/warm.rs`).

use lru::LruCache;
use svm_storage::WorldState;
use svm_types::TemplateAddr;
use wasmer::{
    Engine, Extern, FunctionEnv, Global, Imports, Instance, InstantiationError, Memory, MemoryView,
    Module, Store, Table, Value,
};

use crate::host::{HostEnv, NAMESPACE, host_functions_where};
use crate::state::SharedState;

/// Tables with more entries than this (all tables together) are not reset: writing every
/// entry back would cost more than a new instance.
pub(crate) const MAX_TABLE_ENTRIES: usize = 1024;

/// Counts of how calls got their instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstanceStats {
    /// Instances built.
    pub created: u64,
    /// Calls that ran on a reset instance.
    pub reused: u64,
    /// Instances dropped after a call (failed call, grown memory, not resettable).
    pub dropped: u64,
}

/// An instance and everything needed to run a call on it and reset it afterwards.
pub(crate) struct Warm<S: WorldState + Send + 'static> {
    pub store: Store,
    pub fenv: FunctionEnv<HostEnv<S>>,
    pub instance: Instance,
    /// The `memory` export the host functions use.
    pub memory: Option<Memory>,
    /// The metering globals (remaining points, exhausted flag).
    pub gas: Option<(Global, Global)>,
    reset: Option<Reset>,
}

// SAFETY: wasmer's `Store` (sys backend) owns its instances, memories, tables and globals
// through raw pointers to allocations only it reaches; wasmer 6 declared it `Send`. Since 7.0
// it is not, only because a store's `on_called` callback may be `!Send`
// (wasmerio/wasmer#7001); svm never installs one. The function environment is a
// `HostEnv<S>` with `S: Send`, and the host functions capture nothing else. A `Warm` moves
// between threads only while idle (in the pool, or owned by the one `&mut Runtime` call
// that runs it), never during a call, when wasmer's per-call trap state is thread-local.
#[allow(unsafe_code)]
unsafe impl<S: WorldState + Send + 'static> Send for Warm<S> {}

/// An instance's state right after instantiation.
struct Reset {
    memory: Option<InitialMemory>,
    globals: Vec<(Global, Value)>,
    tables: Vec<(Table, Vec<Value>)>,
}

/// Memory 0 right after instantiation.
struct InitialMemory {
    memory: Memory,
    /// Its size in pages.
    pages: u64,
    /// Its data segments, `(offset, bytes)` in order; every other byte is zero.
    image: Vec<(u64, Vec<u8>)>,
}

impl<S: WorldState + Send + 'static> Warm<S> {
    /// Instantiates `module` (whose Wasm is `code`) with the host functions it imports.
    pub(crate) fn new(
        engine: &Engine,
        module: &Module,
        code: &[u8],
        state: SharedState<S>,
    ) -> Result<Self, Box<InstantiationError>> {
        let mut store = Store::new(engine.clone());
        let fenv = FunctionEnv::new(&mut store, HostEnv::new(state));
        let mut imports = Imports::new();
        let imported: Vec<String> = module
            .imports()
            .filter(|i| i.module() == NAMESPACE)
            .map(|i| i.name().to_string())
            .collect();
        let wanted = |name: &str| imported.iter().any(|i| i == name);
        for (name, f) in host_functions_where(&mut store, &fenv, &wanted) {
            imports.define(NAMESPACE, name, f);
        }
        let instance = Instance::new(&mut store, module, &imports).map_err(Box::new)?;
        let memory = instance.exports.get_memory("memory").ok().cloned();
        let gas = match (
            instance
                .exports
                .get_global(svm_gas::REMAINING_POINTS_EXPORT),
            instance
                .exports
                .get_global(svm_gas::POINTS_EXHAUSTED_EXPORT),
        ) {
            (Ok(r), Ok(x)) => Some((r.clone(), x.clone())),
            _ => None,
        };
        let reset = Reset::capture(&mut store, &instance, code);
        Ok(Warm {
            store,
            fenv,
            instance,
            memory,
            gas,
            reset,
        })
    }

    /// Puts the instance back in its state right after instantiation; `false` when it
    /// cannot be (then it must be dropped).
    fn reset(&mut self) -> bool {
        let Some(reset) = &self.reset else {
            return false;
        };
        if let Some(initial) = &reset.memory {
            let view = initial.memory.view(&self.store);
            if u64::from(view.size().0) != initial.pages || !zero(&view) {
                return false;
            }
            for (offset, bytes) in &initial.image {
                if view.write(*offset, bytes).is_err() {
                    return false;
                }
            }
        }
        for (global, value) in &reset.globals {
            if global.set(&mut self.store, value.clone()).is_err() {
                return false;
            }
        }
        for (table, entries) in &reset.tables {
            if table.size(&self.store) as usize != entries.len() {
                return false;
            }
            for (i, value) in entries.iter().enumerate() {
                if table.set(&mut self.store, i as u32, value.clone()).is_err() {
                    return false;
                }
            }
        }
        true
    }
}

impl Reset {
    /// The state of a new `instance` of `code`; `None` when the module does not qualify.
    fn capture(store: &mut Store, instance: &Instance, code: &[u8]) -> Option<Reset> {
        instance
            .exports
            .get_global(svm_gas::RESETTABLE_EXPORT)
            .ok()?;
        let mut memories = Vec::new();
        let mut globals = Vec::new();
        let mut tables = Vec::new();
        let mut entries = 0usize;
        for (name, export) in instance.exports.iter() {
            match export {
                Extern::Memory(m) if name.starts_with(svm_gas::MEMORY_EXPORT_PREFIX) => {
                    memories.push(m.clone());
                }
                Extern::Global(g) if name.starts_with(svm_gas::GLOBAL_EXPORT_PREFIX) => {
                    globals.push((g.clone(), g.get(store)));
                }
                Extern::Table(t) if name.starts_with(svm_gas::TABLE_EXPORT_PREFIX) => {
                    let size = t.size(store);
                    entries = entries.saturating_add(size as usize);
                    if entries > MAX_TABLE_ENTRIES {
                        return None;
                    }
                    let values = (0..size)
                        .map(|i| t.get(store, i))
                        .collect::<Option<Vec<_>>>()?;
                    tables.push((t.clone(), values));
                }
                _ => {}
            }
        }
        let memory = match memories.as_slice() {
            [] => None,
            [m] => Some(InitialMemory {
                memory: m.clone(),
                pages: u64::from(m.view(store).size().0),
                image: svm_gas::initial_memory(code)?,
            }),
            _ => return None,
        };
        Some(Reset {
            memory,
            globals,
            tables,
        })
    }
}

/// Memories up to this size are zeroed by writing: for a small memory that is cheaper than
/// `madvise` and the page faults after it, and it sends no TLB shootdown to the other cores
/// (which, with parallel execution's workers resetting instances at once, cost each of
/// them about a third of its time).
const ZERO_BY_WRITING: usize = 256 << 10;

/// Makes every byte of `view` zero.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn zero(view: &MemoryView<'_>) -> bool {
    let (ptr, len) = (view.data_ptr(), view.data_size() as usize);
    if len == 0 {
        return true;
    }
    if len <= ZERO_BY_WRITING {
        // SAFETY: `ptr..ptr + len` is the whole of one linear memory, mapped readable and
        // writable for `len` bytes (its current size); no call is running on its store and
        // no Rust reference into it exists (a `MemoryView` copies in and out).
        unsafe { std::ptr::write_bytes(ptr, 0, len) };
        return true;
    }
    // SAFETY: `ptr..ptr + len` is the whole of one linear memory, which wasmer maps as a
    // private anonymous mapping (`VMOwnedMemory`; shared memories are refused by
    // validation). No call is running on its store and no Rust reference into it exists (a
    // `MemoryView` copies in and out). On such a mapping `MADV_DONTNEED` discards the pages,
    // and the next access maps fresh zero pages: the bytes read back are exactly those a
    // write of zeros would leave. A misaligned or unmapped range makes `madvise` fail, and
    // then the instance is dropped.
    unsafe { libc::madvise(ptr.cast(), len, libc::MADV_DONTNEED) == 0 }
}

/// Makes every byte of `view` zero.
#[cfg(not(target_os = "linux"))]
fn zero(view: &MemoryView<'_>) -> bool {
    const CHUNK: usize = 64 * 1024;
    let zeros = vec![0u8; CHUNK];
    let size = view.data_size();
    let mut at = 0u64;
    while at < size {
        let n = (size - at).min(CHUNK as u64) as usize;
        if view.write(at, &zeros[..n]).is_err() {
            return false;
        }
        at += n as u64;
    }
    true
}

/// Idle instances by template, least recently used dropped first.
pub(crate) struct InstancePool<S: WorldState + Send + 'static> {
    idle: LruCache<TemplateAddr, Warm<S>>,
    capacity: usize,
    stats: InstanceStats,
}

impl<S: WorldState + Send + 'static> InstancePool<S> {
    /// A pool keeping at most `capacity` idle instances (0: none).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            idle: LruCache::unbounded(),
            capacity,
            stats: InstanceStats::default(),
        }
    }

    /// How calls got their instances so far.
    pub(crate) fn stats(&self) -> InstanceStats {
        self.stats
    }

    /// An idle instance of `template`, or a new one.
    pub(crate) fn take(
        &mut self,
        template: &TemplateAddr,
        engine: &Engine,
        module: &Module,
        code: &[u8],
        state: &SharedState<S>,
    ) -> Result<Warm<S>, Box<InstantiationError>> {
        if let Some(warm) = self.idle.pop(template) {
            self.stats.reused += 1;
            return Ok(warm);
        }
        self.stats.created += 1;
        Warm::new(engine, module, code, state.clone())
    }

    /// Takes back `warm` after a call: kept (reset) if the call `succeeded` and the instance
    /// can be reset, dropped otherwise.
    pub(crate) fn give_back(&mut self, template: TemplateAddr, mut warm: Warm<S>, succeeded: bool) {
        if self.capacity == 0 || !succeeded || !warm.reset() {
            self.stats.dropped += 1;
            return;
        }
        self.idle.put(template, warm);
        while self.idle.len() > self.capacity {
            self.idle.pop_lru();
        }
    }
}
