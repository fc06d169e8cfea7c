//! Crash safety: a child process commits layers in a loop on a persistent store and is killed
//! with SIGKILL at pseudo-random moments, several times. After each kill the store must reopen
//! at a fully committed layer, with exactly the root (and records) that an in-memory replay of
//! the same layers gives, and with no trace of a partial layer. The second test does the same
//! with a rewind window of 3 layers, so kills also land in pruning: the store must still
//! reopen, and rewind to the oldest layer it keeps, byte for byte.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use common::*;
use svm_storage::{GlobalState, StorageConfig, WorldState};
use svm_types::Layer;

const CHILD_ENV: &str = "SVM_CRASH_CHILD";
const PATH_ENV: &str = "SVM_CRASH_PATH";
const TEST_NAME: &str = "crash_child_and_parent";
const PRUNING_TEST_NAME: &str = "crash_while_pruning";
/// The rewind window of the pruning test.
const WINDOW: u64 = 3;

fn storage_config(window: Option<u64>) -> StorageConfig {
    StorageConfig {
        history: window,
        ..config()
    }
}

/// Child side: commit layers forever (until killed), printing each committed layer.
fn child(backend: &str, path: &str, window: Option<u64>) {
    let mut state =
        GlobalState::new(open_backend(backend, path.as_ref()), storage_config(window)).unwrap();
    println!("START {}", state.last_layer());
    loop {
        let next = state.last_layer().next().unwrap();
        apply_layer(&mut state, next);
        println!("COMMITTED {} {}", next, state.root());
        if next.0 > 100_000 {
            return;
        }
    }
}

/// A small deterministic generator for kill delays (the seed is printed on failure).
fn delays(seed: u64, n: usize) -> Vec<u64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            20 + (x >> 33) % 400
        })
        .collect()
}

fn crash_loop(backend: &str, test: &str, window: Option<u64>) {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::process::id() as u64;
    let mut memory = memory_state();
    let mut roots = vec![memory.root()];
    let mut last_seen = Layer(0);
    for (round, delay) in delays(seed, 6).into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, backend)
            .env(PATH_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // wait until the child has opened the store, then let it commit for `delay` ms
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("child did not start");
            // libtest may print "test NAME ... " before the child's first line
            if line.contains("START ") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        for line in rx.try_iter() {
            if let Some((_, rest)) = line.split_once("COMMITTED ") {
                last_seen = Layer(rest.split(' ').next().unwrap().parse().unwrap());
            }
        }

        let mut state = GlobalState::new(open_backend(backend, dir.path()), storage_config(window))
            .unwrap_or_else(|e| {
                panic!("{backend} round {round} (seed {seed}): reopen failed: {e}")
            });
        let layer = state.last_layer();
        // the child may have been killed after a commit but before printing it
        assert!(
            layer == last_seen || layer == Layer(last_seen.0 + 1),
            "{backend} round {round} (seed {seed}): reopened at {layer}, child printed {last_seen}"
        );
        while memory.last_layer() < layer {
            let next = memory.last_layer().next().unwrap();
            apply_layer(&mut memory, next);
            roots.push(memory.root());
        }
        assert_eq!(
            state.root(),
            roots[layer.0 as usize],
            "{backend} round {round} (seed {seed})"
        );
        // the records agree too (not only the head), and no later layer left anything behind
        let layers = state.layers().unwrap();
        let oldest = state.oldest_layer();
        assert_eq!(oldest.0, window.map_or(0, |w| layer.0.saturating_sub(w)));
        // a kill inside pruning may leave older roots that the next commit deletes, never
        // fewer than the window keeps
        assert!(
            layers.first().unwrap().0 <= oldest,
            "{backend} round {round}: {layers:?}"
        );
        assert_eq!(layers.last().unwrap(), &(layer, roots[layer.0 as usize]));
        for (l, root) in layers.iter().filter(|(l, _)| *l >= oldest) {
            assert_eq!(
                *root, roots[l.0 as usize],
                "{backend} round {round}: layer {l}"
            );
        }
        if memory.last_layer() == layer {
            memory.open(layer.next().unwrap()).unwrap();
            memory.checkpoint().unwrap();
            state.open(layer.next().unwrap()).unwrap();
            state.checkpoint().unwrap();
            for i in 0..40 {
                assert_eq!(
                    state.account(&addr(i)).unwrap(),
                    memory.account(&addr(i)).unwrap()
                );
                if state.account(&addr(i)).unwrap().is_some() {
                    for var in 0..5 {
                        assert_eq!(
                            state.read_var(&addr(i), &layout(), var).unwrap(),
                            memory.read_var(&addr(i), &layout(), var).unwrap()
                        );
                    }
                }
            }
            memory.rewind(layer).unwrap();
            // the oldest kept layer rewinds to its exact root, and the replay agrees again
            if oldest < layer {
                state.rollback().unwrap();
                assert_eq!(state.rewind(oldest).unwrap(), roots[oldest.0 as usize]);
                memory.rewind(oldest).unwrap();
                while state.last_layer() < layer {
                    let next = state.last_layer().next().unwrap();
                    apply_layer(&mut state, next);
                    apply_layer(&mut memory, next);
                    assert_eq!(state.root(), roots[next.0 as usize]);
                }
            }
        }
        eprintln!("{backend} round {round}: killed after {delay} ms at layer {layer}");
        last_seen = layer;
    }
    assert!(
        last_seen.0 > 0,
        "{backend}: the child never committed a layer"
    );
}

fn parent_or_child(test: &str, window: Option<u64>) {
    if let (Ok(backend), Ok(path)) = (std::env::var(CHILD_ENV), std::env::var(PATH_ENV)) {
        child(&backend, &path, window);
        return;
    }
    let backends = persistent_backends();
    assert!(
        !backends.is_empty(),
        "build with --features rocksdb,leveldb"
    );
    for backend in backends {
        crash_loop(backend, test, window);
    }
}

#[test]
fn crash_child_and_parent() {
    parent_or_child(TEST_NAME, None);
}

#[test]
fn crash_while_pruning() {
    parent_or_child(PRUNING_TEST_NAME, Some(WINDOW));
}
