//! [`SharedMachine`]: the module cache and the warm instances, shared by the runtime and
//! every frame of a running transaction.
//!
//! A contract that calls another starts the callee from inside a host function, which can
//! only reach what its environment owns; so the runtime keeps its cache and instance pool in
//! a [`SharedMachine`] that each frame's environment holds a handle to. A lock is taken for
//! one lookup at a time (load a module, take or give back an instance), never across a
//! running call, so nested calls never wait on it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use svm_gas::PrepareError;
use svm_storage::WorldState;
use svm_types::TemplateAddr;
use wasmer::{Engine, InstantiationError, Module};

use crate::{
    cache::{
        ModuleCache,
        instances::{InstancePool, Warm},
    },
    state::SharedState,
};

/// The module cache, shared by every runtime working on one state: the runtime itself and
/// the workers of a parallel layer (`parallel.rs`).
pub(crate) type SharedCache = Arc<Mutex<ModuleCache>>;

/// The compiled-code side of the runtime: the module cache, and this runtime's ready
/// instances (bound to its state), each behind its own lock.
pub(crate) struct SharedMachine<S: WorldState + Send + 'static> {
    cache: SharedCache,
    instances: Arc<Mutex<InstancePool<S>>>,
}

impl<S: WorldState + Send + 'static> Clone for SharedMachine<S> {
    fn clone(&self) -> Self {
        Self {
            cache: Arc::clone(&self.cache),
            instances: Arc::clone(&self.instances),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // a panic while it was borrowed (a bug) leaves it usable
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<S: WorldState + Send + 'static> SharedMachine<S> {
    pub(crate) fn new(cache: SharedCache, instances: InstancePool<S>) -> Self {
        Self {
            cache,
            instances: Arc::new(Mutex::new(instances)),
        }
    }

    /// The module cache.
    pub(crate) fn cache(&self) -> MutexGuard<'_, ModuleCache> {
        lock(&self.cache)
    }

    /// The module cache, to share with another runtime.
    pub(crate) fn shared_cache(&self) -> SharedCache {
        Arc::clone(&self.cache)
    }

    /// The ready instances.
    pub(crate) fn instances(&self) -> MutexGuard<'_, InstancePool<S>> {
        lock(&self.instances)
    }

    /// The ready module of `template` (code `code`) and the engine to run it in.
    pub(crate) fn module(
        &self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<(Module, Engine), PrepareError> {
        let mut cache = self.cache();
        let (module, _) = cache.load(template, code)?;
        Ok((module, cache.engine().clone()))
    }

    /// An instance of `module` for a call: a warm one reset, or a new one.
    pub(crate) fn take(
        &self,
        template: &TemplateAddr,
        engine: &Engine,
        module: &Module,
        code: &[u8],
        state: &SharedState<S>,
    ) -> Result<Warm<S>, Box<InstantiationError>> {
        self.instances().take(template, engine, module, code, state)
    }

    /// Returns an instance after its call (kept warm only if the call succeeded).
    pub(crate) fn give_back(&self, template: TemplateAddr, warm: Warm<S>, succeeded: bool) {
        self.instances().give_back(template, warm, succeeded);
    }
}
