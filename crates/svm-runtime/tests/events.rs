//! Events (`docs/spec/host-abi.md`, Events): emitted by templates, rolled back with their
//! frame, priced by size x lifetime, committed per layer, gone after they expire, and found by
//! queries that agree with a model, page by page, skipping layers by their bloom filter.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use svm_kv::MemoryStore;
use svm_runtime::{EventCursor, EventFilter, RuntimeConfig};
use svm_storage::{Event, WorldState};
use svm_types::{Address, Layer};

type MemNode = Node<MemoryStore>;

fn emitters(n: usize) -> (MemNode, Vec<Address>) {
    let mut node = Node::new(MemoryStore::new(), RuntimeConfig::default());
    let t = node
        .deploy_wat(EMITTER, &[8], &["init"], None)
        .result
        .unwrap();
    let accounts = (0..n).map(|_| node.spawn(t, "init", &[])).collect();
    (node, accounts)
}

fn all(from: u64, to: u64) -> EventFilter {
    EventFilter {
        account: None,
        topic: None,
        from: Layer(from),
        to: Layer(to),
    }
}

fn found(node: &MemNode, filter: &EventFilter) -> Vec<(Layer, u32, Event)> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = node.rt.events(filter, after, 3).unwrap();
        out.extend(page.events.into_iter().map(|f| (f.layer, f.seq, f.event)));
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

#[test]
fn an_event_is_found_until_it_expires() {
    let (mut node, a) = emitters(1);
    let layer = node.layer;
    let r = node.call(a[0], "emit", &emit_calldata(2, &[[7; 32]], b"hello"));
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert!(
        node.rt
            .events(&all(1, 100), None, 10)
            .unwrap()
            .events
            .is_empty(),
        "not committed yet"
    );
    node.next_layer();
    let events = found(&node, &all(1, 100));
    assert_eq!(events.len(), 1);
    let (at, seq, e) = &events[0];
    assert_eq!((*at, *seq), (layer, 0));
    assert_eq!(
        (e.account, e.topics.clone(), e.data.clone()),
        (a[0], vec![[7; 32]], b"hello".to_vec())
    );
    assert_eq!(e.expires, Layer(layer.0 + 2));
    assert_ne!(
        e.tx_id,
        svm_types::TxId::zero(),
        "the emitting transaction's id"
    );
    node.next_layer(); // layer + 1
    assert_eq!(found(&node, &all(1, 100)).len(), 1);
    node.next_layer(); // layer + 2: it expires at this commit
    assert!(found(&node, &all(1, 100)).is_empty());
}

#[test]
fn events_roll_back_with_their_frame() {
    let (mut node, a) = emitters(2);
    let event = emit_calldata(5, &[[1; 32]], b"x");
    let r = node.call(a[0], "emit_and_fail", &event);
    assert!(r.result.is_err());
    let mut nested = a[1].as_bytes().to_vec();
    nested.extend_from_slice(&event);
    let r = node.call(a[0], "emit_then_call", &nested);
    assert!(r.result.is_ok());
    node.next_layer();
    let events = found(&node, &all(1, 100));
    assert_eq!(
        events.len(),
        1,
        "only the caller's event: the failed callee's is undone"
    );
    assert_eq!(events[0].2.account, a[0]);
}

#[test]
fn an_event_costs_more_the_bigger_and_longer_it_is() {
    let (mut node, a) = emitters(1);
    let gas = |node: &mut MemNode, ttl: u64, data: usize| {
        node.call(
            a[0],
            "emit",
            &emit_calldata(ttl, &[[1; 32]], &vec![0; data]),
        )
        .gas_used
        .0
    };
    let small = gas(&mut node, 1, 10);
    let big = gas(&mut node, 1, 1010);
    let long = gas(&mut node, 500_000, 10);
    let costs = RuntimeConfig::default().host_costs;
    // the calldata grows too: compare against the event's own price
    assert!(big - small >= 1000 * costs.event_per_byte);
    assert_eq!(long - small, (10 + 32 + 66) * 499 * costs.event_retention);
}

#[test]
fn bad_events_fail_the_call() {
    let (mut node, a) = emitters(1);
    let max = RuntimeConfig::default().tx_limits.max_event_ttl;
    for (data, why) in [
        (emit_calldata(0, &[], b""), "kept 0 layers"),
        (emit_calldata(max + 1, &[], b""), "from 1 to"),
        (emit_calldata(1, &[[0; 32]; 5], b""), "5 topics"),
        (
            emit_calldata(1, &[], &[0; 4097]),
            "event data of 4097 bytes",
        ),
    ] {
        let r = node.call(a[0], "emit", &data);
        let err = r.result.unwrap_err().to_string();
        assert!(err.contains(why), "{why}: {err}");
    }
}

#[test]
fn queries_skip_layers_by_their_bloom_filter() {
    let (mut node, a) = emitters(2);
    for l in 0..20u8 {
        let topic = if l == 7 { [0xaa; 32] } else { [l; 32] };
        node.call(
            a[usize::from(l % 2)],
            "emit",
            &emit_calldata(1000, &[topic], &[l]),
        );
        node.next_layer();
    }
    let last = node.layer.0;
    let only = EventFilter {
        topic: Some([0xaa; 32]),
        ..all(1, last)
    };
    let page = node.rt.events(&only, None, 10).unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].event.data, vec![7]);
    assert!(page.layers_read <= 2, "{} layers read", page.layers_read);
    assert!(page.layers_skipped >= 18);
    let by_account = EventFilter {
        account: Some(a[1]),
        ..all(1, last)
    };
    assert_eq!(found(&node, &by_account).len(), 10);
}

#[derive(Debug, Clone)]
enum Op {
    Emit {
        who: u8,
        topic: u8,
        ttl: u8,
        fail: bool,
    },
    Commit,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Random emissions over layers, then queries of every shape, page by page: the live
    /// events matching, as a model keeps them.
    #[test]
    fn queries_agree_with_a_model(
        ops in prop::collection::vec(prop_oneof![
            4 => (0u8..3, 0u8..3, 1u8..5, prop::bool::weighted(0.2))
                .prop_map(|(who, topic, ttl, fail)| Op::Emit { who, topic, ttl, fail }),
            2 => Just(Op::Commit),
        ], 1..40),
        queries in prop::collection::vec((prop::option::of(0u8..3), prop::option::of(0u8..4), 0u64..8, 0u64..12), 1..8),
    ) {
        let (mut node, a) = emitters(3);
        let first = node.layer;
        let mut model: BTreeMap<(Layer, u32), Event> = BTreeMap::new();
        let mut seq = 0;
        for op in ops.iter().chain([Op::Commit].iter()) {
            match op {
                Op::Emit { who, topic, ttl, fail } => {
                    let data = emit_calldata(u64::from(*ttl), &[[*topic; 32]], &[seq as u8]);
                    let f = if *fail { "emit_and_fail" } else { "emit" };
                    let r = node.call(a[usize::from(*who)], f, &data);
                    if !*fail {
                        prop_assert!(r.result.is_ok());
                        model.insert((node.layer, seq), Event {
                            account: a[usize::from(*who)],
                            tx_id: svm_types::TxId::zero(),
                            topics: vec![[*topic; 32]],
                            data: vec![seq as u8],
                            expires: Layer(node.layer.0 + u64::from(*ttl)),
                        });
                        seq += 1;
                    }
                }
                Op::Commit => {
                    let committed = node.layer;
                    node.next_layer();
                    model.retain(|_, e| e.expires > committed);
                    seq = 0;
                }
            }
        }
        for (who, topic, from, len) in queries {
            let filter = EventFilter {
                account: who.map(|w| a[usize::from(w)]),
                topic: topic.map(|t| [t; 32]),
                from: Layer(first.0 + from),
                to: Layer(first.0 + from + len),
            };
            // the model does not know transaction ids
            let got: Vec<(Layer, u32, Event)> = found(&node, &filter)
                .into_iter()
                .map(|(l, s, e)| (l, s, Event { tx_id: svm_types::TxId::zero(), ..e }))
                .collect();
            let last = node.rt.state().last_layer();
            let want: Vec<(Layer, u32, Event)> = model
                .iter()
                .filter(|((l, _), e)| {
                    *l >= filter.from && *l <= filter.to.min(last)
                        && filter.account.is_none_or(|x| x == e.account)
                        && filter.topic.is_none_or(|t| e.topics.contains(&t))
                })
                .map(|((l, s), e)| (*l, *s, e.clone()))
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn a_cursor_resumes_where_the_page_ended() {
    let (mut node, a) = emitters(1);
    for i in 0..5u8 {
        node.call(a[0], "emit", &emit_calldata(100, &[], &[i]));
    }
    node.next_layer();
    let page = node.rt.events(&all(1, 100), None, 2).unwrap();
    assert_eq!(page.events.len(), 2);
    let next = page.next.unwrap();
    assert_eq!(next.seq, 2);
    let rest = node
        .rt
        .events(&all(1, 100), Some(EventCursor { ..next }), 10)
        .unwrap();
    assert_eq!(
        rest.events
            .iter()
            .map(|f| f.event.data[0])
            .collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(rest.next.is_none());
}

#[test]
fn a_page_reads_a_bounded_number_of_events() {
    let (mut node, a) = emitters(1);
    let many = svm_runtime::MAX_EVENTS_READ_PER_PAGE as u32 + 50;
    let mut calldata = many.to_le_bytes().to_vec();
    calldata.extend_from_slice(&emit_calldata(10, &[[1; 32]], b""));
    let r = node.call_with(ALICE, a[0], "emit_many", &calldata, 0, 1_000_000_000);
    assert!(r.result.is_ok(), "{:?}", r.result);
    node.call(a[0], "emit", &emit_calldata(10, &[[2; 32]], b"last"));
    node.next_layer();
    let only = EventFilter {
        topic: Some([2; 32]),
        ..all(1, 100)
    };
    // the layer's bloom matches: the first page reads its bound and stops mid-layer
    let first = node.rt.events(&only, None, 10).unwrap();
    assert!(first.events.is_empty());
    let next = first.next.expect("a cursor in the middle of the layer");
    assert_eq!(next.seq as usize, svm_runtime::MAX_EVENTS_READ_PER_PAGE);
    let second = node.rt.events(&only, Some(next), 10).unwrap();
    assert_eq!(second.events.len(), 1);
    assert_eq!(second.events[0].event.data, b"last");
    assert_eq!(second.events[0].seq, many);
}
