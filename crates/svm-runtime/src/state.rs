//! The runtime's state, shared with the host environment of the running call.
//!
//! A host function runs inside the engine's call, through an environment that must own what
//! it reaches (`'static`), so the runtime and the environment share the state through
//! [`SharedState`] and borrow it for one access at a time with a [`StateGuard`]. The state
//! is never moved out, so no call can leave the runtime without it.

use std::{
    ops::{Deref, DerefMut},
    sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError},
};

/// A state owned jointly by the runtime and the environment of the call it runs.
pub(crate) struct SharedState<S>(Arc<Mutex<S>>);

impl<S> Clone for SharedState<S> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<S> SharedState<S> {
    pub(crate) fn new(state: S) -> Self {
        Self(Arc::new(Mutex::new(state)))
    }

    /// Borrows the state. A panic while it was borrowed (a bug) leaves it usable: the
    /// runtime rolls back any transaction such a failure left running.
    pub(crate) fn lock(&self) -> StateGuard<'_, S> {
        StateGuard(self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Borrows the state unless it is borrowed already (`None`): host functions use this,
    /// so a borrow held across a call is reported as a bug instead of blocking forever.
    pub(crate) fn try_lock(&self) -> Option<StateGuard<'_, S>> {
        match self.0.try_lock() {
            Ok(guard) => Some(StateGuard(guard)),
            Err(TryLockError::Poisoned(p)) => Some(StateGuard(p.into_inner())),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

/// A borrow of the runtime's state ([`Runtime::state`](crate::Runtime::state)): it derefs to
/// the state. Drop it before the next transaction method of the runtime.
pub struct StateGuard<'a, S>(MutexGuard<'a, S>);

impl<S> Deref for StateGuard<'_, S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S> DerefMut for StateGuard<'_, S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.0
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for StateGuard<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
