//! Creating and destroying runtimes, layers (open, commit, rewind, head) and accounts.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::Ordering;

use svm_runtime::data_dir::{open_data_dir, open_memory};
use svm_runtime::{Backend, RuntimeConfig};
use svm_storage::WorldState;
use svm_types::{Address, Amount, Layer};

#[cfg(feature = "testing")]
use crate::buf::{OutBuf, svm_buf_t};
use crate::error::{FfiError, SVM_ERR_NOT_INITIALISED, svm_error_t};
use crate::guard::{self, catch};
use crate::registry;
use crate::types::*;

/// The runtime configuration for `opts`: the network rules, with the chain id and the local
/// settings of the options.
fn config(opts: &svm_options_t) -> Result<RuntimeConfig, FfiError> {
    let known = SVM_FLAG_DEVELOPMENT | SVM_FLAG_CRANELIFT;
    if opts.flags & !known != 0 {
        return Err(FfiError::bad(format!(
            "options.flags has unknown bits {:#x}",
            opts.flags & !known
        )));
    }
    let mut config = if opts.flags & SVM_FLAG_DEVELOPMENT != 0 {
        RuntimeConfig::development()
    } else {
        RuntimeConfig::default()
    };
    config.chain_id = opts.chain_id.into();
    if opts.cache_memory_bytes != 0 {
        config.cache.memory_bytes = usize::try_from(opts.cache_memory_bytes)
            .map_err(|_| FfiError::bad("options.cache_memory_bytes is too large"))?;
    }
    if opts.flags & SVM_FLAG_CRANELIFT != 0 {
        if !cfg!(feature = "cranelift") {
            return Err(FfiError::bad(
                "SVM_FLAG_CRANELIFT: this library was built without the cranelift feature",
            ));
        }
        config.compiler = svm_gas::Compiler::Cranelift;
    }
    Ok(config)
}

/// The backend for `opts.backend` with or without a data directory.
fn backend(code: u32, with_dir: bool) -> Result<Backend, FfiError> {
    Ok(match (code, with_dir) {
        (SVM_BACKEND_DEFAULT, false) | (SVM_BACKEND_MEMORY, false) => Backend::Memory,
        (SVM_BACKEND_DEFAULT, true) if Backend::RocksDb.is_built() => Backend::RocksDb,
        (SVM_BACKEND_DEFAULT, true) => Backend::LevelDb,
        (SVM_BACKEND_ROCKSDB, true) => Backend::RocksDb,
        (SVM_BACKEND_LEVELDB, true) => Backend::LevelDb,
        (SVM_BACKEND_MEMORY, true) => {
            return Err(FfiError::bad(
                "options.backend is SVM_BACKEND_MEMORY but a data directory was given",
            ));
        }
        (SVM_BACKEND_ROCKSDB | SVM_BACKEND_LEVELDB, false) => {
            return Err(FfiError::bad(
                "options.backend names a store on disk but no data directory was given",
            ));
        }
        (other, _) => return Err(FfiError::bad(format!("options.backend {other} is unknown"))),
    })
}

/// Creates a runtime: over the data directory `data_dir` (its bytes, any encoding the OS
/// accepts; created and initialised if missing, reopened at its last committed layer
/// otherwise), or in memory when `data_dir_len` is 0. `opts` may be NULL (defaults: the
/// default backend, production rules, chain id zero). Writes the handle to `*rt_out`.
///
/// # Safety
/// `data_dir` points to `data_dir_len` readable bytes (or is NULL with length 0); `opts` is
/// NULL or points to an `svm_options_t`; `rt_out` points to a writable `svm_runtime_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_runtime_new(
    data_dir: *const u8,
    data_dir_len: usize,
    opts: *const svm_options_t,
    rt_out: *mut svm_runtime_t,
) -> *mut svm_error_t {
    catch(|| {
        let out = guard::output(rt_out, "rt_out")?;
        // SAFETY: the caller's contract for `data_dir`.
        let dir = unsafe { guard::bytes(data_dir, data_dir_len, "data_dir") }?;
        let opts = if opts.is_null() {
            svm_options_t::default()
        } else {
            // SAFETY: the caller's contract for `opts`.
            *unsafe { guard::input(opts, "opts") }?
        };
        if !crate::INITIALISED.load(Ordering::SeqCst) {
            return Err(FfiError::new(
                SVM_ERR_NOT_INITIALISED,
                "svm_init(SVM_ABI_VERSION) must be called before svm_runtime_new",
            ));
        }
        if dir.contains(&0) {
            return Err(FfiError::bad("data_dir contains a NUL byte"));
        }
        let config = config(&opts)?;
        let backend = backend(opts.backend, !dir.is_empty())?;
        let (runtime, _kv) = if dir.is_empty() {
            open_memory(config)?
        } else {
            open_data_dir(Path::new(OsStr::from_bytes(dir)), backend, true, config)?
        };
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write(registry::insert(runtime)) };
        Ok(())
    })
}

/// Destroys a runtime: waits for a call in flight on it, releases its data directory (a
/// layer still open is dropped: it was never committed). The handle is dead afterwards; a
/// second destroy is `SVM_ERR_BAD_HANDLE`. A poisoned runtime is destroyed too.
#[unsafe(no_mangle)]
pub extern "C" fn svm_runtime_destroy(rt: svm_runtime_t) -> *mut svm_error_t {
    catch(|| registry::remove(rt))
}

/// Sets the threads `svm_execute_batch` runs a layer's transactions on; 0 uses the
/// machine's cores, 1 (the default) runs them one at a time on the calling thread. A local
/// setting: the receipts and roots are the same for any value.
#[unsafe(no_mangle)]
pub extern "C" fn svm_set_threads(rt: svm_runtime_t, threads: u32) -> *mut svm_error_t {
    catch(|| {
        registry::with(rt, |r| {
            let n = match threads {
                0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                n => n as usize,
            };
            r.set_threads(n);
            Ok(())
        })
    })
}

/// Opens `layer`, which must be the last committed layer + 1 (`SVM_ERR_LAYER` otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn svm_open(rt: svm_runtime_t, layer: u64) -> *mut svm_error_t {
    catch(|| registry::with(rt, |r| Ok(r.open(Layer(layer))?)))
}

/// Commits the open layer in one atomic write of the store; writes the layer and the new
/// global root. `layer_out` and `root_out` may be NULL when not wanted.
///
/// # Safety
/// `layer_out` and `root_out` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_commit(
    rt: svm_runtime_t,
    layer_out: *mut u64,
    root_out: *mut svm_bytes32_t,
) -> *mut svm_error_t {
    catch(|| {
        let layer_out = optional(layer_out, "layer_out")?;
        let root_out = optional(root_out, "root_out")?;
        let (layer, root) = registry::with(rt, |r| Ok(r.commit()?))?;
        // SAFETY: checked by `optional`; writable per the contract.
        unsafe {
            put(layer_out, layer.0);
            put(root_out, root.into());
        }
        Ok(())
    })
}

/// Rewinds the store to committed `layer` (dropping the open layer, if any, and every later
/// layer); writes that layer's root to `root_out` (may be NULL).
///
/// # Safety
/// `root_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_rewind(
    rt: svm_runtime_t,
    layer: u64,
    root_out: *mut svm_bytes32_t,
) -> *mut svm_error_t {
    catch(|| {
        let root_out = optional(root_out, "root_out")?;
        let root = registry::with(rt, |r| Ok(r.rewind(Layer(layer))?))?;
        // SAFETY: checked by `optional`; writable per the contract.
        unsafe { root_out.map(|o| o.write(root.into())) };
        Ok(())
    })
}

/// Where the runtime is: the last committed layer and its root, and the open layer (0 when
/// none is open). A node aligns with it at start-up: rewind svm if it is ahead of the node's
/// blocks, replay blocks if it is behind. Each out-pointer may be NULL.
///
/// # Safety
/// Each out-pointer is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_head(
    rt: svm_runtime_t,
    last_layer_out: *mut u64,
    root_out: *mut svm_bytes32_t,
    open_layer_out: *mut u64,
) -> *mut svm_error_t {
    catch(|| {
        let last_out = optional(last_layer_out, "last_layer_out")?;
        let root_out = optional(root_out, "root_out")?;
        let open_out = optional(open_layer_out, "open_layer_out")?;
        let (last, root, open) = registry::with(rt, |r| {
            let s = r.state();
            Ok((s.last_layer(), s.root(), s.current_layer()))
        })?;
        // SAFETY: checked by `optional`; writable per the contract.
        unsafe {
            put(last_out, last.0);
            put(root_out, root.into());
            put(open_out, open.map_or(0, |l| l.0));
        }
        Ok(())
    })
}

/// The root of committed `layer`: `*found_out` is false (and `*root_out` untouched) if that
/// layer was never committed or was rewound away. Layer 0 is the genesis.
///
/// # Safety
/// `root_out` and `found_out` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_layer_root(
    rt: svm_runtime_t,
    layer: u64,
    root_out: *mut svm_bytes32_t,
    found_out: *mut bool,
) -> *mut svm_error_t {
    catch(|| {
        let root_out = guard::output(root_out, "root_out")?;
        let found_out = guard::output(found_out, "found_out")?;
        let root = registry::with(rt, |r| {
            Ok(r.state()
                .layer_root(Layer(layer))
                .map_err(svm_runtime::Error::from)?)
        })?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe {
            if let Some(root) = root {
                root_out.write(root.into());
            }
            found_out.write(root.is_some());
        }
        Ok(())
    })
}

/// The account at `addr`, with the open layer's changes: `*found_out` is false (and
/// `*account_out` untouched) if there is none.
///
/// # Safety
/// `addr` points to an `svm_address_t`; `account_out` and `found_out` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_get_account(
    rt: svm_runtime_t,
    addr: *const svm_address_t,
    account_out: *mut svm_account_t,
    found_out: *mut bool,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `addr`.
        let addr = Address(unsafe { guard::input(addr, "addr") }?.bytes);
        let account_out = guard::output(account_out, "account_out")?;
        let found_out = guard::output(found_out, "found_out")?;
        let account = registry::with(rt, |r| Ok(r.get_account(&addr)?))?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe {
            if let Some(a) = &account {
                account_out.write(a.into());
            }
            found_out.write(account.is_some());
        }
        Ok(())
    })
}

/// Adds `amount` coins to the account at `addr` in the open layer (a block reward, a
/// genesis allocation), creating a template-less account if there is none.
/// `SVM_ERR_OVERFLOW` if the balance would overflow; `SVM_ERR_LAYER` without an open layer.
///
/// # Safety
/// `addr` points to an `svm_address_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_increase_balance(
    rt: svm_runtime_t,
    addr: *const svm_address_t,
    amount: u64,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `addr`.
        let addr = Address(unsafe { guard::input(addr, "addr") }?.bytes);
        registry::with(rt, |r| Ok(r.increase_balance(&addr, Amount(amount))?))
    })
}

/// Installs a template from a deploy message in the open layer, without a transaction: a
/// chain's genesis templates (its wallets), which every later account is spawned from.
/// Writes the template's address (the one a deploy of the same message gives).
///
/// # Safety
/// `msg` points to `msg_len` readable bytes; `template_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_install_template(
    rt: svm_runtime_t,
    msg: *const u8,
    msg_len: usize,
    template_out: *mut svm_address_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `msg`.
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        let out = guard::output(template_out, "template_out")?;
        let addr = registry::with(rt, |r| Ok(r.install_template(msg)?))?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write(addr.into()) };
        Ok(())
    })
}

/// Writes `value` through an optional out-pointer.
///
/// # Safety
/// As [`guard::Out::write`].
unsafe fn put<T>(out: Option<guard::Out<T>>, value: T) {
    if let Some(o) = out {
        // SAFETY: the caller's contract.
        unsafe { o.write(value) }
    }
}

/// An optional out-pointer: NULL is `None`.
fn optional<T>(ptr: *mut T, arg: &str) -> Result<Option<guard::Out<T>>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        guard::output(ptr, arg).map(Some)
    }
}

/// Test only (feature `testing`): panics while holding the runtime's lock, as a bug
/// of svm would, so that tests can check the panic is caught and the runtime poisoned.
#[cfg(feature = "testing")]
#[unsafe(no_mangle)]
pub extern "C" fn svm_fault_inject_panic(rt: svm_runtime_t) -> *mut svm_error_t {
    catch(|| registry::with(rt, |_| -> Result<(), FfiError> { panic!("injected fault") }))
}

/// Test only (feature `testing`): panics outside any runtime, filling an out buffer
/// first is never reached: the buffer stays empty.
///
/// # Safety
/// `out` is NULL or a writable `svm_buf_t`.
#[cfg(feature = "testing")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_fault_inject_panic_global(out: *mut svm_buf_t) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `out`.
        let _out = unsafe { OutBuf::new(out, "out") }?;
        panic!("injected fault outside a runtime")
    })
}
