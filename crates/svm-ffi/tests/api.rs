//! The C API called from Rust as a host would: a node's whole lifecycle, every misuse
//! (an error, never undefined behaviour), panics, threads, the batch, and the counters.
//! Each test binary is its own process under nextest; the counters are process-wide, so
//! tests that check them hold `SERIAL`.

mod common;

use std::ptr::{null, null_mut};
use std::sync::Mutex;

use common::*;
use svm_codec::{CallMessage, Codec, Receipt, SpawnMessage, Transaction};
use svm_ffi::*;
use svm_runtime::examples::{COUNTER, FAULTY};
use svm_types::{Address, TemplateAddr};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const ALICE: [u8; 20] = [0xa1; 20];

/// Deploys the counter and spawns one at 5 in layer 1 (left open); the counter's address.
fn counter_setup(rt: svm_runtime_t) -> Address {
    // SAFETY: valid pointers.
    ok(svm_open(rt, 1));
    ok(unsafe { svm_increase_balance(rt, &svm_address_t { bytes: ALICE }, 1_000_000_000) });
    let deploy = COUNTER.deploy_message().unwrap().encode();
    let env = envelope(SVM_TX_DEPLOY, ALICE, 0);
    let Receipt::Deploy(r) = run(
        rt,
        Tx::Deploy,
        &env,
        &[],
        &deploy,
        &context(1, &env, &[], &deploy),
    )
    .unwrap() else {
        panic!("a deploy receipt")
    };
    let template = r.result.unwrap();
    let spawn = SpawnMessage {
        template,
        name: "c".into(),
        ctor: "initialize".into(),
        calldata: 5u64.to_le_bytes().to_vec(),
    }
    .encode();
    let env = envelope(SVM_TX_SPAWN, ALICE, 1);
    let Receipt::Spawn(r) = run(
        rt,
        Tx::Spawn,
        &env,
        &[],
        &spawn,
        &context(1, &env, &[], &spawn),
    )
    .unwrap() else {
        panic!("a spawn receipt")
    };
    r.result.unwrap().account
}

fn add(target: Address, n: u64) -> Vec<u8> {
    CallMessage {
        target,
        function: "add".into(),
        calldata: n.to_le_bytes().to_vec(),
    }
    .encode()
}

#[test]
fn a_node_lifecycle_in_memory() {
    let _s = serial();
    let before = counters();
    let rt = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let counter = counter_setup(rt);

    // verify (a keyless principal in development rules accepts), then call
    let msg = add(counter, 3);
    let env = envelope(SVM_TX_CALL, ALICE, 2);
    let ctx = context(1, &env, &[], &msg);
    let Receipt::Call(v) = run(rt, Tx::Verify, &env, &[], &msg, &ctx).unwrap() else {
        panic!()
    };
    // verify is the principal's svm_verify: a keyless principal has none to run (development
    // rules still let it send, below)
    assert!(v.result.is_err() && v.gas_used.0 == 0);
    let Receipt::Call(r) = run(rt, Tx::Call, &env, &[], &msg, &ctx).unwrap() else {
        panic!()
    };
    assert_eq!(r.result.unwrap().returndata, 8u64.to_le_bytes());
    assert!(r.gas_used.0 > 0);

    // accounts
    let (mut account, mut found) = (svm_account_t::default(), false);
    // SAFETY: valid pointers.
    ok(unsafe {
        svm_get_account(
            rt,
            &svm_address_t { bytes: ALICE },
            &mut account,
            &mut found,
        )
    });
    assert!(found && !account.has_template);
    assert_eq!(account.nonce, svm_u128_t { hi: 0, lo: 3 });
    assert!(account.balance < 1_000_000_000, "gas was paid");
    ok(unsafe {
        svm_get_account(
            rt,
            &svm_address_t { bytes: counter.0 },
            &mut account,
            &mut found,
        )
    });
    assert!(found && account.has_template);
    ok(unsafe {
        svm_get_account(
            rt,
            &svm_address_t { bytes: [9; 20] },
            &mut account,
            &mut found,
        )
    });
    assert!(!found);

    // layers: head, commit, layer_root, rewind
    assert_eq!(head(rt).2, 1, "layer 1 is open");
    let root1 = commit(rt);
    assert_eq!(head(rt), (1, root1, 0));
    let (mut root, mut found) = (svm_bytes32_t::default(), false);
    ok(unsafe { svm_layer_root(rt, 1, &mut root, &mut found) });
    assert!(found);
    assert_eq!(root.bytes, root1);
    ok(svm_open(rt, 2));
    let msg = add(counter, 1);
    let env = envelope(SVM_TX_CALL, ALICE, 3);
    run(rt, Tx::Call, &env, &[], &msg, &context(2, &env, &[], &msg)).unwrap();
    let root2 = commit(rt);
    assert_ne!(root1, root2);
    let mut back = svm_bytes32_t::default();
    ok(unsafe { svm_rewind(rt, 1, &mut back) });
    assert_eq!(back.bytes, root1);
    ok(unsafe { svm_layer_root(rt, 2, &mut root, &mut found) });
    assert!(!found, "layer 2 was rewound away");

    ok(svm_runtime_destroy(rt));
    assert_eq!(
        counters(),
        before,
        "runtimes, buffers and errors are all released"
    );
}

#[test]
fn a_data_dir_is_reopened_at_its_last_commit_and_locked_while_open() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    for backend in [SVM_BACKEND_ROCKSDB, SVM_BACKEND_LEVELDB] {
        let path = dir.path().join(format!("node-{backend}"));
        let rt = dir_runtime(&path, backend, SVM_FLAG_DEVELOPMENT).unwrap();
        counter_setup(rt);
        let root = commit(rt);
        // a second runtime on the same directory is refused
        assert_eq!(
            dir_runtime(&path, backend, 0).unwrap_err().0,
            SVM_ERR_STORE_LOCKED
        );
        // an open layer is dropped with the runtime
        ok(svm_open(rt, 2));
        ok(svm_runtime_destroy(rt));
        let rt = dir_runtime(&path, backend, 0).unwrap();
        assert_eq!(head(rt), (1, root, 0));
        ok(svm_runtime_destroy(rt));
        // the other backend is refused on this directory
        let other = if backend == SVM_BACKEND_ROCKSDB {
            SVM_BACKEND_LEVELDB
        } else {
            SVM_BACKEND_ROCKSDB
        };
        let (code, msg) = dir_runtime(&path, other, 0).unwrap_err();
        assert_eq!(code, SVM_ERR_STORE_FORMAT, "{msg}");
    }
    // a store whose files are damaged is reported as corrupted, and left as it is
    let damaged = dir.path().join("damaged");
    let rt = dir_runtime(&damaged, SVM_BACKEND_ROCKSDB, 0).unwrap();
    ok(svm_runtime_destroy(rt));
    std::fs::write(damaged.join("store/CURRENT"), b"garbage").unwrap();
    let (code, msg) = dir_runtime(&damaged, SVM_BACKEND_ROCKSDB, 0).unwrap_err();
    assert_eq!(code, SVM_ERR_STORE_CORRUPT, "{msg}");
    assert_eq!(
        std::fs::read(damaged.join("store/CURRENT")).unwrap(),
        b"garbage"
    );

    // threads racing to create the same new directory: one runtime wins, the others are told
    // the directory is locked, and nothing of the winner's is removed
    let raced = dir.path().join("raced");
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| dir_runtime(&raced, SVM_BACKEND_ROCKSDB, 0)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for r in &results {
        if let Err((code, msg)) = r {
            assert_eq!(*code, SVM_ERR_STORE_LOCKED, "{msg}");
        }
    }
    let rt = *winners[0];
    ok(svm_open(rt, 1));
    commit(rt);
    ok(svm_runtime_destroy(rt));
    let rt = dir_runtime(&raced, SVM_BACKEND_ROCKSDB, 0).unwrap();
    assert_eq!(head(rt).0, 1, "the winner's layer is there");
    ok(svm_runtime_destroy(rt));
    let leftovers: Vec<_> = std::fs::read_dir(&raced)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".VERSION.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // a file is not a data directory
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    assert_eq!(
        dir_runtime(&file, 0, 0).unwrap_err().0,
        SVM_ERR_STORE_FORMAT
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"x",
        "nothing stored is touched"
    );
    // a directory name that is not UTF-8 is refused (the engines' C APIs would open another,
    // lossily converted path), and nothing is left behind
    use std::os::unix::ffi::OsStrExt;
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"n\xffde"));
    let (code, msg) = dir_runtime(&odd, 0, 0).unwrap_err();
    assert_eq!(code, SVM_ERR_BAD_ARG, "{msg}");
    assert!(msg.contains("UTF-8"), "{msg}");
    assert!(!odd.exists());
    assert_eq!(counters().0, 0);
}

#[test]
fn misuse_is_an_error_never_undefined_behaviour() {
    let _s = serial();
    let before = counters();
    init();
    let rt = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let env = envelope(SVM_TX_CALL, ALICE, 0);
    let msg = add(Address([2; 20]), 1);
    let ctx = svm_context_t {
        layer: 1,
        tx_id: svm_bytes32_t::default(),
    };
    let mut out = empty();
    // SAFETY (whole test): every pointer is valid or deliberately NULL; the API must check.
    unsafe {
        // NULL arguments
        let mut rt_out = svm_runtime_t::default();
        assert_eq!(
            code(svm_runtime_new(null(), 0, null(), null_mut())),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_runtime_new(null(), 5, null(), &mut rt_out)),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_call(
                rt,
                null(),
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx,
                &mut out
            )),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_call(rt, &env, null(), 0, null(), 3, &ctx, &mut out)),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_call(
                rt,
                &env,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                null(),
                &mut out
            )),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_call(
                rt,
                &env,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx,
                null_mut()
            )),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_head(rt, null_mut(), null_mut(), null_mut())),
            SVM_OK,
            "head's outputs are optional"
        );
        assert_eq!(
            code(svm_layer_root(rt, 0, null_mut(), null_mut())),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(
            code(svm_get_account(rt, null(), null_mut(), null_mut())),
            SVM_ERR_NULL_ARG
        );
        assert_eq!(code(svm_increase_balance(rt, null(), 1)), SVM_ERR_NULL_ARG);
        assert_eq!(
            code(svm_envelope_decode(null(), 0, null_mut())),
            SVM_ERR_NULL_ARG
        );
        let (_, m) = take(svm_call(rt, null(), null(), 0, null(), 0, &ctx, &mut out));
        assert!(m.contains("`env`"), "the message names the argument: {m}");

        // bad arguments
        let bad_flags = svm_options_t {
            flags: 0x80,
            ..Default::default()
        };
        assert_eq!(
            code(svm_runtime_new(null(), 0, &bad_flags, &mut rt_out)),
            SVM_ERR_BAD_ARG
        );
        let bad_backend = svm_options_t {
            backend: 9,
            ..Default::default()
        };
        assert_eq!(
            code(svm_runtime_new(null(), 0, &bad_backend, &mut rt_out)),
            SVM_ERR_BAD_ARG
        );
        let mut full = svm_buf_t {
            ptr: 8 as *mut u8,
            len: 1,
            id: 0,
        };
        assert_eq!(code(svm_envelope_encode(&env, &mut full)), SVM_ERR_BAD_ARG);
        assert_eq!(full.ptr as usize, 8, "a non-empty out buffer is left alone");
        assert_eq!(
            code(svm_buf_free(&mut full)),
            SVM_ERR_BAD_ARG,
            "not a buffer svm returned"
        );
        let mut bad_type = env;
        bad_type.tx_type = 7;
        assert_eq!(
            code(svm_call(
                rt,
                &bad_type,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx,
                &mut out
            )),
            SVM_ERR_INVALID_MESSAGE
        );
        let deploy_env = envelope(SVM_TX_DEPLOY, ALICE, 0);
        ok(svm_open(rt, 1));
        let ctx1 = context(1, &deploy_env, &[], &msg);
        assert_eq!(
            code(svm_call(
                rt,
                &deploy_env,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx1,
                &mut out
            )),
            SVM_ERR_WRONG_TX_TYPE
        );
        let ctx_wrong_id = svm_context_t {
            layer: 1,
            tx_id: svm_bytes32_t { bytes: [1; 32] },
        };
        assert_eq!(
            code(svm_call(
                rt,
                &env,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx_wrong_id,
                &mut out
            )),
            SVM_ERR_TX_ID_MISMATCH
        );
        let ctx_layer2 = context(2, &env, &[], &msg);
        assert_eq!(
            code(svm_call(
                rt,
                &env,
                null(),
                0,
                msg.as_ptr(),
                msg.len(),
                &ctx_layer2,
                &mut out
            )),
            SVM_ERR_LAYER
        );
        assert!(out.ptr.is_null() && out.len == 0, "no output on errors");

        // handles
        for h in [svm_runtime_t { id: 0 }, svm_runtime_t { id: 987_654 }] {
            assert_eq!(code(svm_open(h, 1)), SVM_ERR_BAD_HANDLE);
            assert_eq!(code(svm_runtime_destroy(h)), SVM_ERR_BAD_HANDLE);
        }

        // layers
        assert_eq!(code(svm_open(rt, 1)), SVM_ERR_LAYER, "already open");
        commit(rt);
        assert_eq!(
            code(svm_commit(rt, null_mut(), null_mut())),
            SVM_ERR_LAYER,
            "nothing open"
        );
        assert_eq!(code(svm_open(rt, 5)), SVM_ERR_LAYER, "not the next layer");
        assert_eq!(
            code(svm_rewind(rt, 7, null_mut())),
            SVM_ERR_LAYER,
            "beyond the head"
        );
        ok(svm_open(rt, 2));
        let a = svm_address_t { bytes: [3; 20] };
        ok(svm_increase_balance(rt, &a, u64::MAX));
        assert_eq!(code(svm_increase_balance(rt, &a, 1)), SVM_ERR_OVERFLOW);

        // validation
        assert_eq!(
            code(svm_validate_call(rt, null(), 0)),
            SVM_ERR_INVALID_MESSAGE
        );
        assert_eq!(
            code(svm_validate_spawn(rt, msg.as_ptr(), msg.len())),
            SVM_ERR_INVALID_MESSAGE
        );
        ok(svm_validate_call(rt, msg.as_ptr(), msg.len()));
        let (c, m) = take(svm_validate_deploy(rt, msg.as_ptr(), msg.len()));
        assert_eq!(c, SVM_ERR_INVALID_MESSAGE);
        assert!(m.contains("at byte 2"), "the message gives the offset: {m}");
        let mut bad_template = COUNTER.deploy_message().unwrap();
        bad_template.code.code = b"\0asm\x01\0\0\0\x05\x03\x01\0\x01".to_vec(); // a memory, no exports
        let bytes = bad_template.encode();
        assert_eq!(
            code(svm_validate_deploy(rt, bytes.as_ptr(), bytes.len())),
            SVM_ERR_INVALID_TEMPLATE
        );
        let mut bad_layout = COUNTER.deploy_message().unwrap();
        bad_layout.data.vars = vec![0]; // a variable of 0 bytes
        let bytes = bad_layout.encode();
        let (c, m) = take(svm_validate_deploy(rt, bytes.as_ptr(), bytes.len()));
        assert_eq!(c, SVM_ERR_INVALID_TEMPLATE, "{m}");
        let good = COUNTER.deploy_message().unwrap().encode();
        ok(svm_validate_deploy(rt, good.as_ptr(), good.len()));

        // a message that does not decode, in a transaction, is a failed receipt (gas paid)
        let env = envelope(SVM_TX_CALL, ALICE, 0);
        ok(svm_increase_balance(
            rt,
            &svm_address_t { bytes: ALICE },
            100_000_000,
        ));
        let junk = [0xffu8; 5];
        let Receipt::Call(r) = run(
            rt,
            Tx::Call,
            &env,
            &[],
            &junk,
            &context(2, &env, &[], &junk),
        )
        .unwrap() else {
            panic!()
        };
        assert!(r.result.is_err() && r.gas_used.0 > 0, "{r:?}");

        // envelopes
        let mut e = svm_envelope_t::default();
        let short = [0u8; 63];
        let (c, m) = take(svm_envelope_decode(short.as_ptr(), short.len(), &mut e));
        assert_eq!(c, SVM_ERR_INVALID_MESSAGE);
        assert!(m.contains("at byte") || m.contains("offset"), "{m}");

        // errors and buffers: double frees are harmless or refused
        let err = svm_open(rt, 99);
        let copy = err;
        svm_error_free(err);
        svm_error_free(copy);
        svm_error_free(null_mut());
        assert_eq!(
            svm_error_code(copy),
            SVM_ERR_BAD_ARG,
            "a freed error is recognised"
        );
        let mut buf = empty();
        ok(svm_envelope_encode(&env, &mut buf));
        assert_eq!(buf.len, 64);
        let mut copy = svm_buf_t {
            ptr: buf.ptr,
            len: buf.len,
            id: buf.id,
        };
        ok(svm_buf_free(&mut buf));
        assert!(
            buf.ptr.is_null() && buf.len == 0,
            "freed buffers are zeroed"
        );
        ok(svm_buf_free(&mut buf));
        assert_eq!(
            code(svm_buf_free(&mut copy)),
            SVM_ERR_BAD_ARG,
            "a freed copy is refused, not freed twice"
        );
        ok(svm_buf_free(null_mut()));
        // a stale copy is refused even when a new buffer of its size sits at its address
        // (the allocator reuses freed blocks of the same size)
        let mut stale = empty();
        ok(svm_envelope_encode(&env, &mut stale));
        let old = svm_buf_t {
            ptr: stale.ptr,
            len: stale.len,
            id: stale.id,
        };
        ok(svm_buf_free(&mut stale));
        let mut reused = None;
        let mut fresh = Vec::new();
        for _ in 0..64 {
            let mut b = empty();
            ok(svm_envelope_encode(&env, &mut b));
            if b.ptr == old.ptr {
                reused = Some(b.id);
            }
            fresh.push(b);
        }
        let mut old = old;
        assert_eq!(code(svm_buf_free(&mut old)), SVM_ERR_BAD_ARG);
        if let Some(id) = reused {
            assert_ne!(
                id, old.id,
                "the new buffer at the old address has its own id"
            );
        }
        for mut b in fresh {
            ok(svm_buf_free(&mut b)); // each new buffer is still live and freed once
        }

        // ABI
        assert_eq!(code(svm_init(SVM_ABI_VERSION + 1)), SVM_ERR_ABI_MISMATCH);
        assert_eq!(svm_abi_version(), SVM_ABI_VERSION);
        assert!(
            std::ffi::CStr::from_ptr(svm_version())
                .to_str()
                .unwrap()
                .starts_with("svm-ffi ")
        );

        // destroyed handles
        ok(svm_runtime_destroy(rt));
        assert_eq!(code(svm_runtime_destroy(rt)), SVM_ERR_BAD_HANDLE);
        assert_eq!(code(svm_open(rt, 3)), SVM_ERR_BAD_HANDLE);
    }
    assert_eq!(counters(), before);
}

#[test]
fn panics_are_caught_counted_and_poison_the_runtime() {
    let _s = serial();
    let rt = memory_runtime(0);
    let other = memory_runtime(0);
    let panics = svm_panics_count();
    let (c, m) = take(svm_fault_inject_panic(rt));
    assert_eq!(c, SVM_ERR_PANIC);
    assert!(m.contains("injected fault"), "{m}");
    assert_eq!(svm_panics_count(), panics + 1);
    assert_eq!(code(svm_open(rt, 1)), SVM_ERR_POISONED);
    assert_eq!(head_code(rt), SVM_ERR_POISONED);
    ok(svm_open(other, 1)); // other runtimes are unaffected
    ok(svm_runtime_destroy(rt)); // a poisoned runtime is destroyed
    assert_eq!(code(svm_open(rt, 1)), SVM_ERR_BAD_HANDLE);
    let mut out = empty();
    // SAFETY: a valid, empty buffer.
    assert_eq!(
        code(unsafe { svm_fault_inject_panic_global(&mut out) }),
        SVM_ERR_PANIC
    );
    assert!(out.ptr.is_null());
    ok(svm_runtime_destroy(other));
    assert_eq!(counters(), (0, 0, 0));
}

fn head_code(rt: svm_runtime_t) -> i32 {
    // SAFETY: valid (NULL) out-pointers.
    code(unsafe { svm_head(rt, null_mut(), null_mut(), null_mut()) })
}

#[test]
fn one_runtime_serves_many_threads_and_runtimes_run_in_parallel() {
    fn is_send<T: Send>() {}
    is_send::<svm_runtime::data_dir::NodeRuntime>();
    let _s = serial();
    let rt = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let counter = counter_setup(rt);
    let faulty = {
        let deploy = FAULTY.deploy_message().unwrap().encode();
        let env = envelope(SVM_TX_DEPLOY, ALICE, 2);
        let Receipt::Deploy(r) = run(
            rt,
            Tx::Deploy,
            &env,
            &[],
            &deploy,
            &context(1, &env, &[], &deploy),
        )
        .unwrap() else {
            panic!()
        };
        r.result.unwrap()
    };
    // senders with their own nonces, so the calls may run in any order
    let senders: Vec<[u8; 20]> = (0..8u8).map(|i| [0x10 + i; 20]).collect();
    for s in &senders {
        // SAFETY: valid pointers.
        ok(unsafe { svm_increase_balance(rt, &svm_address_t { bytes: *s }, 1_000_000_000) });
    }
    std::thread::scope(|scope| {
        for (i, s) in senders.iter().enumerate() {
            scope.spawn(move || {
                let other = memory_runtime(0);
                for n in 0..5u64 {
                    let msg = add(counter, 1);
                    let env = envelope(SVM_TX_CALL, *s, n);
                    let ctx = context(1, &env, &[], &msg);
                    // SAFETY: valid pointers.
                    ok(unsafe { svm_validate_call(rt, msg.as_ptr(), msg.len()) });
                    run(rt, Tx::Verify, &env, &[], &msg, &ctx).unwrap();
                    let Receipt::Call(r) = run(rt, Tx::Call, &env, &[], &msg, &ctx).unwrap() else {
                        panic!()
                    };
                    assert!(r.result.is_ok());
                    // odd threads also spawn from the faulty template: a trapping ctor
                    if i % 2 == 1 && n == 0 {
                        let spawn = SpawnMessage {
                            template: faulty,
                            name: "f".into(),
                            ctor: "init_trap".into(),
                            calldata: vec![],
                        }
                        .encode();
                        let env = envelope(SVM_TX_SPAWN, *s, 5);
                        let Receipt::Spawn(r) = run(
                            rt,
                            Tx::Spawn,
                            &env,
                            &[],
                            &spawn,
                            &context(1, &env, &[], &spawn),
                        )
                        .unwrap() else {
                            panic!()
                        };
                        assert!(r.result.is_err(), "a trap is a failed receipt");
                    }
                    // SAFETY: valid pointers.
                    ok(svm_open(other, n + 1));
                    commit(other);
                }
                ok(svm_runtime_destroy(other));
            });
        }
    });
    let msg = CallMessage {
        target: counter,
        function: "get".into(),
        calldata: vec![],
    }
    .encode();
    let env = envelope(SVM_TX_CALL, ALICE, 3);
    let Receipt::Call(r) =
        run(rt, Tx::Call, &env, &[], &msg, &context(1, &env, &[], &msg)).unwrap()
    else {
        panic!()
    };
    assert_eq!(r.result.unwrap().returndata, (5u64 + 40).to_le_bytes());
    ok(svm_runtime_destroy(rt));
    assert_eq!(counters(), (0, 0, 0));
}

/// Frames items as the batch wants them.
fn frame(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in items {
        out.extend_from_slice(&(i.len() as u32).to_be_bytes());
        out.extend_from_slice(i);
    }
    out
}

fn unframe(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let len = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        out.push(bytes[4..4 + len].to_vec());
        bytes = &bytes[4 + len..];
    }
    out
}

#[test]
fn a_batch_gives_the_receipts_and_root_of_single_calls() {
    let _s = serial();
    let single = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let batch = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let parallel = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let counter = counter_setup(single);
    assert_eq!(counter_setup(batch), counter);
    assert_eq!(counter_setup(parallel), counter);
    let (r1, r2) = (commit(single), commit(batch));
    assert_eq!(r1, r2);
    assert_eq!(commit(parallel), r1);
    // the batch of `parallel` runs on two threads, then on all cores (0)
    ok(svm_set_threads(parallel, 2));
    // layer 2: calls, one with a message that does not decode, one out of gas
    let mut txs = Vec::new();
    for n in 0..20u64 {
        let mut env = envelope(SVM_TX_CALL, ALICE, 2 + n);
        let msg = if n == 7 {
            vec![0, 0, 0x12, 1]
        } else {
            add(counter, n)
        };
        if n == 11 {
            env.gas_limit = 30_000;
        }
        txs.push((env, msg));
    }
    // SAFETY: valid pointers.
    ok(svm_open(single, 2));
    let expected: Vec<Vec<u8>> = txs
        .iter()
        .map(|(env, msg)| {
            run(single, Tx::Call, env, &[], msg, &context(2, env, &[], msg))
                .unwrap()
                .encode()
        })
        .collect();
    let wire: Vec<Vec<u8>> = txs
        .iter()
        .map(|(env, msg)| {
            let mut bytes = Vec::new();
            let mut e = empty();
            // SAFETY: valid pointers.
            ok(unsafe { svm_envelope_encode(env, &mut e) });
            bytes.extend(take_buf(&mut e));
            bytes.extend_from_slice(&0u32.to_be_bytes());
            bytes.extend_from_slice(msg);
            bytes
        })
        .collect();
    let framed = frame(&wire);
    // a malformed item fails the whole batch before anything runs
    let mut broken = framed.clone();
    broken.extend_from_slice(&[0, 0, 0, 9, 1, 2]);
    let mut out = empty();
    ok(svm_open(batch, 2));
    let (c, m) =
        take(unsafe { svm_execute_batch(batch, 2, broken.as_ptr(), broken.len(), &mut out) });
    assert_eq!(c, SVM_ERR_INVALID_MESSAGE);
    assert!(m.contains("batch item 20"), "{m}");
    let short_env = frame(&[vec![2; 10]]);
    let (c, m) =
        take(unsafe { svm_execute_batch(batch, 2, short_env.as_ptr(), short_env.len(), &mut out) });
    assert_eq!(c, SVM_ERR_INVALID_MESSAGE, "{m}");
    ok(unsafe { svm_execute_batch(batch, 2, framed.as_ptr(), framed.len(), &mut out) });
    let got = unframe(&take_buf(&mut out));
    assert_eq!(got, expected, "the same receipts, byte for byte");
    let Receipt::Call(bad) = Receipt::decode(&got[7]).unwrap() else {
        panic!()
    };
    assert!(bad.result.is_err() && bad.gas_used.0 > 0);
    ok(svm_open(parallel, 2));
    ok(unsafe { svm_execute_batch(parallel, 2, framed.as_ptr(), framed.len(), &mut out) });
    assert_eq!(unframe(&take_buf(&mut out)), expected, "on two threads too");
    let root = commit(single);
    assert_eq!(root, commit(batch), "the same root");
    assert_eq!(root, commit(parallel), "the same root on two threads");
    ok(svm_set_threads(parallel, 0));
    ok(svm_runtime_destroy(parallel));
    assert_eq!(
        take(svm_set_threads(parallel, 2)).0,
        SVM_ERR_BAD_HANDLE,
        "a destroyed runtime"
    );
    // an empty batch is an empty list
    ok(svm_open(batch, 3));
    ok(unsafe { svm_execute_batch(batch, 3, null(), 0, &mut out) });
    assert!(out.ptr.is_null() && out.len == 0);
    ok(svm_runtime_destroy(single));
    ok(svm_runtime_destroy(batch));
    assert_eq!(counters(), (0, 0, 0));
}

#[test]
fn codec_helpers_agree_with_the_codec() {
    let _s = serial();
    let env = svm_envelope_t {
        tx_type: SVM_TX_CALL,
        principal: svm_address_t { bytes: [7; 20] },
        amount: 10,
        nonce: svm_u128_t { hi: 1, lo: 2 },
        gas_limit: 1_000,
        gas_fee: 3,
    };
    let msg = add(Address([2; 20]), 1);
    let rust_env = env;
    let mut out = empty();
    // SAFETY: valid pointers.
    ok(unsafe { svm_envelope_encode(&rust_env, &mut out) });
    let bytes = take_buf(&mut out);
    let mut back = svm_envelope_t::default();
    ok(unsafe { svm_envelope_decode(bytes.as_ptr(), bytes.len(), &mut back) });
    assert_eq!(back, env);
    let decoded = svm_codec::Envelope::decode(&bytes).unwrap();
    assert_eq!(decoded.nonce.0, (1u128 << 64) | 2);
    let tx = Transaction::new(
        decoded,
        svm_codec::Message::Call(CallMessage::decode(&msg).unwrap()),
    )
    .with_verifydata(vec![1, 2, 3]);
    let ctx = context(0, &env, &[1, 2, 3], &msg);
    assert_eq!(ctx.tx_id.bytes, tx.id().0);
    let chain = svm_bytes32_t { bytes: [5; 32] };
    let mut hash = svm_bytes32_t::default();
    ok(unsafe { svm_signing_hash(&chain, &env, msg.as_ptr(), msg.len(), &mut hash) });
    assert_eq!(hash.bytes, tx.signing_hash(&svm_types::ChainId([5; 32])).0);
    let _ = TemplateAddr::default();
    assert_eq!(counters().1, 0);
}

#[test]
fn cranelift_is_a_local_choice_with_the_same_results() {
    let _s = serial();
    let single = memory_runtime(SVM_FLAG_DEVELOPMENT);
    let cranelift = memory_runtime(SVM_FLAG_DEVELOPMENT | SVM_FLAG_CRANELIFT);
    let counter = counter_setup(single);
    assert_eq!(counter_setup(cranelift), counter);
    let msg = add(counter, 3);
    let env = envelope(SVM_TX_CALL, ALICE, 2);
    let ctx = context(1, &env, &[], &msg);
    let a = run(single, Tx::Call, &env, &[], &msg, &ctx).unwrap();
    let b = run(cranelift, Tx::Call, &env, &[], &msg, &ctx).unwrap();
    assert_eq!(a.encode(), b.encode(), "the same receipt, gas included");
    assert_eq!(commit(single), commit(cranelift));
    ok(svm_runtime_destroy(single));
    ok(svm_runtime_destroy(cranelift));
}
