//! [`Machine`]: the module cache and the warm instances, shared by the runtime and every
//! frame of a running transaction.
//!
//! A contract that calls another starts the callee from inside a host function, which can
//! only reach what its environment owns; so the runtime keeps its cache and instance pool in
//! a [`SharedMachine`] that each frame's environment holds a handle to. The lock is taken for
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

/// The compiled-code side of the runtime.
pub(crate) struct Machine<S: WorldState + Send + 'static> {
    /// Modules by template (memory, then artifacts).
    pub cache: ModuleCache,
    /// Ready instances, reset between calls.
    pub instances: InstancePool<S>,
}

/// A [`Machine`] owned jointly by the runtime and the frames it runs.
pub(crate) struct SharedMachine<S: WorldState + Send + 'static>(Arc<Mutex<Machine<S>>>);

impl<S: WorldState + Send + 'static> Clone for SharedMachine<S> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<S: WorldState + Send + 'static> SharedMachine<S> {
    pub(crate) fn new(machine: Machine<S>) -> Self {
        Self(Arc::new(Mutex::new(machine)))
    }

    /// Borrows the machine (a panic while it was borrowed, a bug, leaves it usable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Machine<S>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The ready module of `template` (code `code`) and the engine to run it in.
    pub(crate) fn module(
        &self,
        template: &TemplateAddr,
        code: &[u8],
    ) -> Result<(Module, Engine), PrepareError> {
        let mut m = self.lock();
        let (module, _) = m.cache.load(template, code)?;
        Ok((module, m.cache.engine().clone()))
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
        self.lock()
            .instances
            .take(template, engine, module, code, state)
    }

    /// Returns an instance after its call (kept warm only if the call succeeded).
    pub(crate) fn give_back(&self, template: TemplateAddr, warm: Warm<S>, succeeded: bool) {
        self.lock().instances.give_back(template, warm, succeeded);
    }
}
