//! Events in the state against a model: emitted in transactions (rolled back with them and
//! with savepoints), committed per layer with a summary under the global root, deleted at
//! their expiration, brought back by a rewind; `GlobalState` on every backend and `MockState`
//! agree on every event and summary, and every live event has a proof against its layer's
//! root.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use svm_kv::{KVStore, MemoryStore};
use svm_proof::Event;
use svm_storage::{GlobalState, StorageError, WorldState, testing::MockState};
use svm_types::{Address, Layer, TxId};

#[derive(Debug, Clone)]
enum Op {
    /// emitter, topic, ttl, kept (or rolled back with its transaction), inside a savepoint
    /// rolled back
    Emit {
        emitter: u8,
        topic: u8,
        ttl: u8,
        keep: bool,
        undone: bool,
    },
    Commit,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u8..3, 0u8..4, 1u8..6, prop::bool::weighted(0.8), prop::bool::weighted(0.2))
            .prop_map(|(emitter, topic, ttl, keep, undone)| Op::Emit { emitter, topic, ttl, keep, undone }),
        2 => Just(Op::Commit),
    ]
}

fn event(layer: Layer, emitter: u8, topic: u8, ttl: u8, n: usize) -> Event {
    Event {
        account: Address([emitter; 20]),
        tx_id: TxId([n as u8; 32]),
        topics: vec![[topic; 32]],
        data: vec![n as u8; n % 7],
        expires: Layer(layer.0 + u64::from(ttl)),
    }
}

/// The live events of every committed layer after each commit.
type Model = BTreeMap<(Layer, u32), Event>;

fn run<S: WorldState>(state: &mut S, ops: &[Op]) -> Vec<(Layer, Model)> {
    let mut seen = Vec::new();
    let mut n = 0;
    for op in ops.iter().chain([Op::Commit].iter()) {
        if state.current_layer().is_none() {
            let next = state.last_layer().next().unwrap();
            state.open(next).unwrap();
        }
        let layer = state.current_layer().unwrap();
        match op {
            Op::Emit {
                emitter,
                topic,
                ttl,
                keep,
                undone,
            } => {
                n += 1;
                state.checkpoint().unwrap();
                if *undone {
                    state.savepoint().unwrap();
                }
                state
                    .emit_event(&event(layer, *emitter, *topic, *ttl, n))
                    .unwrap();
                if *undone {
                    state.rollback_savepoint().unwrap();
                }
                if *keep {
                    state.commit_tx().unwrap();
                } else {
                    state.rollback().unwrap();
                }
            }
            Op::Commit => {
                let (committed, _) = state.commit().unwrap();
                let mut live = Model::new();
                for l in 1..=committed.0 {
                    let events = state.layer_events(Layer(l), 0, usize::MAX).unwrap();
                    let summary = state.events_summary(Layer(l)).unwrap();
                    assert_eq!(
                        summary.as_ref().map(|s| s.live as usize),
                        (!events.is_empty()).then_some(events.len()),
                        "layer {l}'s live count"
                    );
                    for (seq, e) in events {
                        assert!(e.expires > committed, "an expired event is gone");
                        let s = summary.as_ref().unwrap();
                        assert!(s.may_match(Some(&e.account), e.topics.first()));
                        live.insert((Layer(l), seq), e);
                    }
                }
                seen.push((committed, live));
            }
        }
    }
    seen
}

/// What the model keeps: every kept event, until the commit of its expiration layer.
fn model(ops: &[Op]) -> Vec<(Layer, Model)> {
    let mut out = Vec::new();
    let mut all: Vec<((Layer, u32), Event)> = Vec::new();
    let (mut layer, mut seq, mut n) = (Layer(1), 0u32, 0);
    for op in ops.iter().chain([Op::Commit].iter()) {
        match op {
            Op::Emit {
                emitter,
                topic,
                ttl,
                keep,
                undone,
            } => {
                n += 1;
                if *keep && !*undone {
                    all.push(((layer, seq), event(layer, *emitter, *topic, *ttl, n)));
                    seq += 1;
                }
            }
            Op::Commit => {
                let live = all
                    .iter()
                    .filter(|(_, e)| e.expires > layer)
                    .cloned()
                    .collect();
                out.push((layer, live));
                layer = layer.next().unwrap();
                seq = 0;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn events_live_until_they_expire_everywhere(ops in prop::collection::vec(op(), 1..60)) {
        let expected = model(&ops);
        let mut global = GlobalState::new(MemoryStore::new(), config()).unwrap();
        prop_assert_eq!(&run(&mut global, &ops), &expected, "GlobalState");
        let mut mock = MockState::new(config().page_size);
        prop_assert_eq!(&run(&mut mock, &ops), &expected, "MockState");
        // every live event is proven against the last root
        let (last, root) = (global.last_layer(), global.root());
        for ((layer, seq), e) in &expected.last().unwrap().1 {
            let proof = global.prove_event(*layer, *seq, last).unwrap();
            prop_assert_eq!(&proof.verify(&root, *layer, *seq).unwrap(), e);
            prop_assert!(proof.verify(&root, *layer, seq + 1).is_err());
            // its binary form decodes to the same proof; any flipped byte is refused
            let bytes = svm_proof::Proof::Event(Box::new(proof.clone())).encode();
            let Ok(svm_proof::Proof::Event(back)) = svm_proof::Proof::decode(&bytes) else {
                return Err(TestCaseError::fail("the proof does not decode"));
            };
            prop_assert_eq!(&*back, &proof);
            for i in (0..bytes.len()).step_by(7) {
                let mut bad = bytes.clone();
                bad[i] ^= 0x10;
                let ok = match svm_proof::Proof::decode(&bad) {
                    Ok(svm_proof::Proof::Event(p)) => p.verify(&root, *layer, *seq).is_ok_and(|got| &got == e),
                    _ => false,
                };
                prop_assert!(!ok || bad == bytes, "byte {} flipped still verifies", i);
            }
        }
    }
}

fn events_scenario<K: KVStore>(state: &mut GlobalState<K>) -> Vec<String> {
    let mut trace = Vec::new();
    for l in 1..=6u64 {
        state.open(Layer(l)).unwrap();
        state.checkpoint().unwrap();
        for i in 0..3u8 {
            state
                .emit_event(&event(Layer(l), i, i, 1 + i, usize::from(i) + 1))
                .unwrap();
        }
        state.commit_tx().unwrap();
        trace.push(state.commit().unwrap().1.to_string());
    }
    trace
}

#[test]
fn expiry_is_rewound_and_every_backend_agrees() {
    let mut state = memory_state();
    let roots = events_scenario(&mut state);
    // at layer 6, layer 4's events with ttl 3 (expiring at 7) are live, others expired
    assert_eq!(state.layer_events(Layer(4), 0, 10).unwrap().len(), 1);
    assert_eq!(state.layer_events(Layer(2), 0, 10).unwrap().len(), 0);
    assert!(state.events_summary(Layer(2)).unwrap().is_none());
    // a rewind brings back what expired after it
    state.rewind(Layer(3)).unwrap();
    assert_eq!(state.layer_events(Layer(3), 0, 10).unwrap().len(), 3);
    assert_eq!(state.layer_events(Layer(2), 0, 10).unwrap().len(), 2);
    assert_eq!(state.root().to_string(), roots[2]);
    for backend in persistent_backends() {
        let dir = tempfile::tempdir().unwrap();
        let mut other = GlobalState::new(open_backend(backend, dir.path()), config()).unwrap();
        assert_eq!(events_scenario(&mut other), roots, "{backend}");
    }
}

#[test]
fn bad_events_are_refused() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    let mut e = event(Layer(1), 1, 1, 1, 1);
    e.expires = Layer(1);
    assert!(matches!(
        state.emit_event(&e),
        Err(StorageError::InvalidEvent(_))
    ));
    e.expires = Layer(2);
    e.topics = vec![[0; 32]; 5];
    assert!(matches!(
        state.emit_event(&e),
        Err(StorageError::InvalidEvent(_))
    ));
    assert!(!StorageError::InvalidEvent(String::new()).is_node_fault());
}

#[test]
fn one_layer_expires_at_most_a_bounded_number_of_events() {
    let mut state = memory_state();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    let e = event(Layer(1), 1, 1, 5, 1);
    for _ in 0..svm_storage::MAX_EVENTS_EXPIRING {
        state.emit_event(&e).unwrap();
    }
    let full = state.emit_event(&e).unwrap_err();
    assert!(
        full.to_string().contains("expire at layer 6 already"),
        "{full}"
    );
    assert!(!full.is_node_fault());
    // another lifetime is fine
    state.emit_event(&event(Layer(1), 1, 1, 6, 1)).unwrap();
    state.commit_tx().unwrap();
    state.commit().unwrap();
    for l in 2..=6 {
        state.open(Layer(l)).unwrap();
        state.commit().unwrap();
    }
    assert_eq!(state.events_summary(Layer(1)).unwrap().unwrap().live, 1);
    // the bucket emptied with its layer: layer 6 takes events again... for a later expiry
    state.open(Layer(7)).unwrap();
    state.checkpoint().unwrap();
    state.emit_event(&event(Layer(7), 1, 1, 1, 1)).unwrap();
    state.rollback().unwrap();
}

#[test]
fn an_event_without_an_open_layer_is_numbered_but_never_kept() {
    let mut state = memory_state();
    state.checkpoint().unwrap();
    assert_eq!(state.emit_event(&event(Layer(1), 1, 1, 1, 1)).unwrap(), 0);
    state.rollback().unwrap();
    let mut mock = MockState::new(config().page_size);
    mock.checkpoint().unwrap();
    assert_eq!(mock.emit_event(&event(Layer(1), 1, 1, 1, 1)).unwrap(), 0);
}
