//! The in-memory tier: compiled modules by template address, least recently used dropped
//! first once their artifact bytes pass the budget. (A template's code never changes, and one
//! runtime has one configuration, so the address identifies the module.)

use lru::LruCache;
use svm_types::TemplateAddr;
use wasmer::Module;

/// A byte-bounded LRU of compiled modules.
pub(crate) struct MemoryCache {
    entries: LruCache<TemplateAddr, (Module, usize)>,
    bytes: usize,
    budget: usize,
}

impl MemoryCache {
    /// An empty cache holding at most `budget` bytes of artifacts.
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    /// The module under `key`, marking it most recently used.
    pub(crate) fn get(&mut self, key: &TemplateAddr) -> Option<Module> {
        self.entries.get(key).map(|(m, _)| m.clone())
    }

    /// Keeps `module` (of `size` artifact bytes), dropping least recently used modules to stay
    /// within the budget. A module larger than the whole budget is not kept.
    pub(crate) fn insert(&mut self, key: TemplateAddr, module: Module, size: usize) {
        if size > self.budget {
            return;
        }
        if let Some((_, old)) = self.entries.put(key, (module, size)) {
            self.bytes -= old;
        }
        self.bytes += size;
        while self.bytes > self.budget {
            match self.entries.pop_lru() {
                Some((_, (_, s))) => self.bytes -= s,
                None => break,
            }
        }
    }
}
