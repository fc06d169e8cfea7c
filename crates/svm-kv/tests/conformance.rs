//! One conformance suite, run against every backend: the same behaviour from memory, RocksDB
//! and LevelDB, plus the typed errors of opening a persistent store.

// the helpers of the persistent backends' tests are unused in a build without them
#![cfg_attr(not(any(feature = "rocksdb", feature = "leveldb")), allow(dead_code))]

use std::path::Path;

use proptest::prelude::*;
use svm_kv::{
    KVStore, KvError, MemoryStore, WriteBatch,
    testing::{agrees_with_model, conformance as suite},
};

#[test]
fn memory_conformance() {
    suite(&MemoryStore::new());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn memory_agrees_with_model(batches in prop::collection::vec(prop::collection::vec((any::<u8>(), any::<Option<u8>>()), 0..8), 1..8)) {
        agrees_with_model(&MemoryStore::new(), &batches);
    }
}

/// Typed open errors every persistent backend must give.
fn open_errors<S: KVStore>(open: fn(&Path) -> Result<S, KvError>, backend: &str) {
    let dir = tempfile::tempdir().unwrap();

    // a path that is a file
    let file = dir.path().join("file");
    std::fs::write(&file, b"not a store").unwrap();
    let err = open(&file).unwrap_err();
    assert!(
        matches!(err, KvError::NotADirectory { .. }),
        "{backend}: {err}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"not a store",
        "{backend}: file untouched"
    );

    // a path that is not UTF-8 (the engines would open a lossily converted one)
    use std::os::unix::ffi::OsStrExt;
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"d\xffb"));
    let err = open(&odd).unwrap_err();
    assert!(
        matches!(err, KvError::UnsupportedPath { .. }),
        "{backend}: {err}"
    );
    assert!(!odd.exists(), "{backend}: nothing created");

    // a store held by another handle
    let path = dir.path().join("db");
    let first = open(&path).unwrap();
    let mut b = WriteBatch::new();
    b.put(b"kept", b"yes");
    first.write(b).unwrap();
    let err = open(&path).unwrap_err();
    assert!(matches!(err, KvError::Locked { .. }), "{backend}: {err}");
    assert!(err.to_string().contains("locked"), "{backend}: {err}");
    assert_eq!(
        first.get(b"kept").unwrap(),
        Some(b"yes".to_vec()),
        "{backend}: still usable"
    );
    drop(first);

    // reopening finds the data
    let again = open(&path).unwrap();
    assert_eq!(
        again.get(b"kept").unwrap(),
        Some(b"yes".to_vec()),
        "{backend}: persisted"
    );
    drop(again);

    // a corrupted store: CURRENT names a manifest that is garbage
    let current = std::fs::read_to_string(path.join("CURRENT")).unwrap();
    let manifest = path.join(current.trim());
    let original = std::fs::read(&manifest).unwrap();
    std::fs::write(&manifest, vec![0xAB; original.len().max(64)]).unwrap();
    let err = open(&path).unwrap_err();
    assert!(matches!(err, KvError::Corrupted { .. }), "{backend}: {err}");
    assert!(err.to_string().contains("corrupted"), "{backend}: {err}");
    // nothing was repaired or removed: restoring the manifest brings the data back
    std::fs::write(&manifest, original).unwrap();
    let restored = open(&path).unwrap();
    assert_eq!(
        restored.get(b"kept").unwrap(),
        Some(b"yes".to_vec()),
        "{backend}: not wiped"
    );
}

/// Child-process helpers: when `SVM_KV_CHILD` is set, the test binary is a child of one of the
/// tests below and does that job instead.
fn child_job() -> Option<(String, String)> {
    let job = std::env::var("SVM_KV_CHILD").ok()?;
    let path = std::env::var("SVM_KV_PATH").ok()?;
    Some((job, path))
}

/// Runs this test binary again as a child that opens `path` with `backend`, optionally as
/// another user, and returns what it printed.
fn run_child(test: &str, backend: &str, path: &Path, uid: Option<u32>) -> String {
    run_child_exe(&std::env::current_exe().unwrap(), test, backend, path, uid)
}

/// [`run_child`] with the test binary at `exe`.
fn run_child_exe(exe: &Path, test: &str, backend: &str, path: &Path, uid: Option<u32>) -> String {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(exe);
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("SVM_KV_CHILD", backend)
        .env("SVM_KV_PATH", path);
    if let Some(uid) = uid {
        cmd.uid(uid).gid(uid);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {} as a child: {e}", exe.display()));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// What a child prints about opening the store it was given.
fn child_open_report<S: KVStore>(open: fn(&Path) -> Result<S, KvError>, path: &str) {
    match open(Path::new(path)) {
        Ok(_) => println!("CHILD-RESULT ok"),
        Err(KvError::Locked { .. }) => println!("CHILD-RESULT locked"),
        Err(KvError::PermissionDenied { .. }) => println!("CHILD-RESULT permission"),
        Err(e) => println!("CHILD-RESULT other {e}"),
    }
}

/// Another process gets `Locked` while this one holds the store, and a user without
/// permission on the directory gets `PermissionDenied`.
fn cross_process<S: KVStore>(
    open: fn(&Path) -> Result<S, KvError>,
    backend: &str,
    test_name: &str,
) {
    if let Some((job, path)) = child_job() {
        if job == backend {
            child_open_report(open, &path);
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let held = open(&path).unwrap();
    let out = run_child(test_name, backend, &path, None);
    assert!(
        out.contains("CHILD-RESULT locked"),
        "{backend}: child said {out}"
    );
    drop(held);
    let out = run_child(test_name, backend, &path, None);
    assert!(
        out.contains("CHILD-RESULT ok"),
        "{backend}: child said {out}"
    );

    // Permission: a directory only root may enter, opened by an unprivileged user. Mode bits
    // do not stop root, so as root the child drops to `nobody`; otherwise this process tries.
    use std::os::unix::fs::PermissionsExt;
    let locked_dir = dir.path().join("private");
    std::fs::create_dir(&locked_dir).unwrap();
    let private_store = locked_dir.join("db");
    std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let is_root = std::fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if is_root.unwrap_or(false) {
        // The tempdir must be enterable by the child, and the test binary runnable by it: the
        // target directory may sit inside a private one (a CI clone in a `mktemp -d`), so the
        // child runs a copy placed in the tempdir.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let exe = dir.path().join("child-test-binary");
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = run_child_exe(&exe, test_name, backend, &private_store, Some(65534));
        assert!(
            out.contains("CHILD-RESULT permission"),
            "{backend}: child said {out}"
        );
    } else {
        std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o000)).unwrap();
        let err = open(&private_store).unwrap_err();
        assert!(
            matches!(err, KvError::PermissionDenied { .. }),
            "{backend}: {err}"
        );
        std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[cfg(feature = "rocksdb")]
mod rocks {
    use super::*;
    use svm_kv::RocksStore;

    fn open(p: &Path) -> Result<RocksStore, KvError> {
        RocksStore::open(p)
    }

    #[test]
    fn rocksdb_conformance() {
        if child_job().is_some() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        suite(&open(dir.path()).unwrap());
    }

    #[test]
    fn rocksdb_open_errors() {
        if child_job().is_some() {
            return;
        }
        open_errors(open, "rocksdb");
    }

    #[test]
    fn rocksdb_cross_process() {
        cross_process(open, "rocksdb", "rocks::rocksdb_cross_process");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn rocksdb_agrees_with_model(batches in prop::collection::vec(prop::collection::vec((any::<u8>(), any::<Option<u8>>()), 0..8), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            agrees_with_model(&open(dir.path()).unwrap(), &batches);
        }
    }
}

#[cfg(feature = "leveldb")]
mod level {
    use super::*;
    use svm_kv::LevelStore;

    fn open(p: &Path) -> Result<LevelStore, KvError> {
        LevelStore::open(p)
    }

    #[test]
    fn leveldb_conformance() {
        if child_job().is_some() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        suite(&open(dir.path()).unwrap());
    }

    #[test]
    fn leveldb_open_errors() {
        if child_job().is_some() {
            return;
        }
        open_errors(open, "leveldb");
    }

    #[test]
    fn leveldb_cross_process() {
        cross_process(open, "leveldb", "level::leveldb_cross_process");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn leveldb_agrees_with_model(batches in prop::collection::vec(prop::collection::vec((any::<u8>(), any::<Option<u8>>()), 0..8), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            agrees_with_model(&open(dir.path()).unwrap(), &batches);
        }
    }
}
