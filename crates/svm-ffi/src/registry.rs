//! Runtime handles: ids (from 1, never reused) mapped to runtimes, each behind its own lock.
//! A panic while a runtime is in use poisons its lock: the runtime then refuses every call
//! but destroy.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use svm_runtime::data_dir::NodeRuntime;

use crate::error::{FfiError, SVM_ERR_BAD_HANDLE, SVM_ERR_POISONED};
use crate::types::svm_runtime_t;

/// One runtime's place: `None` once destroyed (a call that looked the handle up before the
/// destroy finds it so).
struct Slot {
    runtime: Mutex<Option<NodeRuntime>>,
}

static RUNTIMES: Mutex<BTreeMap<u64, Arc<Slot>>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn runtimes() -> std::sync::MutexGuard<'static, BTreeMap<u64, Arc<Slot>>> {
    RUNTIMES.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bad_handle(h: svm_runtime_t) -> FfiError {
    FfiError::new(
        SVM_ERR_BAD_HANDLE,
        format!(
            "runtime handle {} is not a live runtime (never created, or destroyed)",
            h.id
        ),
    )
}

/// The number of live runtimes.
pub(crate) fn count() -> u64 {
    runtimes().len() as u64
}

/// Registers a runtime and returns its new handle.
pub(crate) fn insert(runtime: NodeRuntime) -> svm_runtime_t {
    let id = NEXT_ID.fetch_add(1, Ordering::SeqCst);
    let slot = Arc::new(Slot {
        runtime: Mutex::new(Some(runtime)),
    });
    runtimes().insert(id, slot);
    svm_runtime_t { id }
}

/// Runs `f` on the runtime of `h`, holding its lock (calls on one runtime are serialised).
pub(crate) fn with<T>(
    h: svm_runtime_t,
    f: impl FnOnce(&mut NodeRuntime) -> Result<T, FfiError>,
) -> Result<T, FfiError> {
    let slot = runtimes()
        .get(&h.id)
        .cloned()
        .ok_or_else(|| bad_handle(h))?;
    let mut guard = slot.runtime.lock().map_err(|_| {
        FfiError::new(
            SVM_ERR_POISONED,
            format!(
                "runtime {} panicked in an earlier call: destroy it, reopen its data directory and replay the open layer",
                h.id
            ),
        )
    })?;
    let runtime = guard.as_mut().ok_or_else(|| bad_handle(h))?;
    f(runtime)
}

/// Destroys the runtime of `h`: waits for a call in flight on it, then drops it (releasing
/// its data directory). The handle is dead for good.
pub(crate) fn remove(h: svm_runtime_t) -> Result<(), FfiError> {
    let slot = runtimes().remove(&h.id).ok_or_else(|| bad_handle(h))?;
    // a poisoned runtime is still dropped: its store only ever changed by atomic commits
    let runtime = slot
        .runtime
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    drop(runtime);
    Ok(())
}
