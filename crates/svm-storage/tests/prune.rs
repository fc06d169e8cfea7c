//! The rewind window (`StorageConfig::history`): layers older than the window leave nothing
//! behind, the store stops growing, every kept layer still rewinds byte for byte and has
//! proofs, rewinding past the window is a clear error, and pruning stopped at any batch
//! (as a crash would stop it) resumes without harm.

mod common;

use std::sync::Arc;

use common::*;
use svm_kv::{KVStore, MemoryStore};
use svm_storage::{GlobalState, StorageConfig, StorageError, WorldState};
use svm_types::{Layer, State};

fn windowed(history: u64) -> StorageConfig {
    StorageConfig {
        history: Some(history),
        ..config()
    }
}

/// Keys under a one-byte prefix.
fn count(kv: &impl KVStore, prefix: u8) -> usize {
    kv.scan(&[prefix], b"").unwrap().len()
}

/// Whether a layer-keyed prefix (`U`, `Z`, `L`) holds anything for layers `< below`.
fn any_before(kv: &impl KVStore, prefix: u8, below: Layer) -> bool {
    kv.scan(&[prefix], b"").unwrap().iter().any(|(k, _)| {
        let layer = u64::from_be_bytes(k[1..9].try_into().unwrap());
        layer < below.0
    })
}

/// The same workload with and without a window; every kept layer must give the same root
/// and records in both, down to the oldest the window keeps.
#[test]
fn a_window_keeps_exactly_its_layers_and_they_rewind_byte_for_byte() {
    let kv = Arc::new(MemoryStore::new());
    let mut pruned = GlobalState::new(kv.clone(), windowed(5)).unwrap();
    let mut full = memory_state();
    for n in 1..=40 {
        apply_layer(&mut pruned, Layer(n));
        apply_layer(&mut full, Layer(n));
        assert_eq!(pruned.root(), full.root(), "layer {n}");
        let oldest = Layer(n.saturating_sub(5));
        assert_eq!(pruned.oldest_layer(), oldest);
        // nothing of a pruned layer is left: its undo log, replaced nodes, root
        assert!(
            !any_before(&*kv, b'U', Layer(oldest.0 + 1)),
            "undo logs at layer {n}"
        );
        assert!(
            !any_before(&*kv, b'Z', Layer(oldest.0 + 1)),
            "replaced nodes at layer {n}"
        );
        let layers: Vec<Layer> = pruned
            .layers()
            .unwrap()
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        assert_eq!(
            layers,
            (oldest.0..=n).map(Layer).collect::<Vec<_>>(),
            "layers at {n}"
        );
    }
    // past the window: clear errors
    assert!(matches!(
        pruned.rewind(Layer(34)),
        Err(StorageError::RewindBeyondWindow {
            requested: Layer(34),
            oldest: Layer(35)
        })
    ));
    assert!(matches!(
        pruned.prove_account(&addr(1), Layer(34)),
        Err(StorageError::NoSuchLayer { .. })
    ));
    // within it: proofs, and rewinds that give the full store's state exactly
    for layer in (35..40).rev().map(Layer) {
        let root = pruned.layer_root(layer).unwrap().unwrap();
        assert_eq!(Some(root), full.layer_root(layer).unwrap());
        let proof = pruned.prove_account(&addr(3), layer).unwrap();
        assert!(proof.verify(&root, &addr(3)).is_ok());
        assert_eq!(pruned.rewind(layer).unwrap(), full.rewind(layer).unwrap());
        same_records(&mut pruned, &mut full, layer);
    }
    // and it goes on from there, pruning again
    for n in 36..=60 {
        apply_layer(&mut pruned, Layer(n));
        apply_layer(&mut full, Layer(n));
        assert_eq!(pruned.root(), full.root());
    }
    assert_eq!(pruned.oldest_layer(), Layer(55));
}

/// Every record the workload touches is the same in both stores at `layer`.
fn same_records<A: KVStore, B: KVStore>(
    a: &mut GlobalState<A>,
    b: &mut GlobalState<B>,
    layer: Layer,
) {
    let next = layer.next().unwrap();
    a.open(next).unwrap();
    b.open(next).unwrap();
    a.checkpoint().unwrap();
    b.checkpoint().unwrap();
    for i in 0..40 {
        assert_eq!(
            a.account(&addr(i)).unwrap(),
            b.account(&addr(i)).unwrap(),
            "layer {layer}, account {i}"
        );
        if a.account(&addr(i)).unwrap().is_some() {
            for var in 0..5 {
                assert_eq!(
                    a.read_var(&addr(i), &layout(), var).unwrap(),
                    b.read_var(&addr(i), &layout(), var).unwrap()
                );
            }
        }
    }
    a.rollback().unwrap();
    b.rollback().unwrap();
    a.rewind(layer).unwrap();
    b.rewind(layer).unwrap();
}

/// Past the window, the store's size stops growing; without one it grows with every layer.
#[test]
fn the_store_stops_growing_past_the_window() {
    let pruned_kv = Arc::new(MemoryStore::new());
    let full_kv = Arc::new(MemoryStore::new());
    let mut pruned = GlobalState::new(pruned_kv.clone(), windowed(10)).unwrap();
    let mut full = GlobalState::new(full_kv.clone(), config()).unwrap();
    let mut sizes = Vec::new();
    for n in 1..=200 {
        apply_layer(&mut pruned, Layer(n));
        apply_layer(&mut full, Layer(n));
        if n % 25 == 0 {
            let keys = |kv: &MemoryStore| kv.scan(b"", b"").unwrap().len();
            sizes.push((n, keys(&pruned_kv), keys(&full_kv)));
        }
    }
    let kept: Vec<usize> = sizes[1..].iter().map(|s| s.1).collect();
    let (lo, hi) = (*kept.iter().min().unwrap(), *kept.iter().max().unwrap());
    assert!(hi * 10 <= lo * 11, "with a window: {sizes:?}");
    let (first, last) = (sizes[1].2, sizes[sizes.len() - 1].2);
    assert!(last > first * 2, "without one the store grows: {sizes:?}");
    assert!(
        count(&*pruned_kv, b'N') * 3 < count(&*full_kv, b'N'),
        "replaced tree nodes are gone"
    );
}

/// Pruning stopped after any batch (as a crash stops it: each batch is one atomic write) and
/// a store reopened there: kept layers are intact, and the next commits finish the work.
#[test]
fn pruning_stopped_at_any_batch_resumes_without_harm() {
    // 30 layers kept in full, then a window of 3: 26 layers of history to prune
    let kv = Arc::new(MemoryStore::new());
    let mut state = GlobalState::new(kv.clone(), config()).unwrap();
    let mut roots: Vec<State> = vec![state.root()];
    for n in 1..=30 {
        apply_layer(&mut state, Layer(n));
        roots.push(state.root());
    }
    drop(state);
    let mut stops = 0;
    loop {
        let mut state = GlobalState::new(kv.clone(), windowed(3)).unwrap();
        assert_eq!(state.root(), roots[30]);
        let oldest = state.oldest_layer();
        assert_eq!(
            oldest,
            Layer(27),
            "the window decides, not the pruning's progress"
        );
        // every kept layer's data is whole whatever pruning has done so far
        for layer in 27..=30 {
            let root = state.layer_root(Layer(layer)).unwrap().unwrap();
            assert_eq!(root, roots[layer as usize]);
            let proof = state
                .prove_account(&addr(layer as u32 % 40), Layer(layer))
                .unwrap();
            proof.verify(&root, &addr(layer as u32 % 40)).unwrap();
        }
        // a small step, then "crash" (drop without anything else)
        let deleted = state.prune(7).unwrap();
        stops += 1;
        if deleted == 0 {
            break;
        }
    }
    assert!(stops > 50, "pruning took {stops} small steps");
    assert!(!any_before(&*kv, b'U', Layer(28)));
    assert!(!any_before(&*kv, b'Z', Layer(28)));
    // the kept layers still rewind to their exact roots, and replaying from there agrees
    let mut state = GlobalState::new(kv.clone(), windowed(3)).unwrap();
    assert_eq!(state.rewind(Layer(27)).unwrap(), roots[27]);
    for n in 28..=30 {
        apply_layer(&mut state, Layer(n));
        assert_eq!(state.root(), roots[n as usize]);
    }
}

#[test]
fn without_a_window_nothing_is_pruned() {
    let kv = Arc::new(MemoryStore::new());
    let mut state = GlobalState::new(kv.clone(), config()).unwrap();
    for n in 1..=10 {
        apply_layer(&mut state, Layer(n));
    }
    assert_eq!(state.prune(usize::MAX).unwrap(), 0);
    assert_eq!(state.oldest_layer(), Layer(0));
    assert_eq!(state.layers().unwrap().len(), 11);
    assert_eq!(state.rewind(Layer(0)).unwrap(), memory_state().root());
}
