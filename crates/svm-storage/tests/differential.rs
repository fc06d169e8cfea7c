//! Differential property test: one random sequence of operations (writes, rollbacks, commits,
//! rewinds) run on memory, RocksDB and LevelDB gives the same result and the same root at
//! every step, and running it again gives the same roots again.

mod common;

use common::*;
use proptest::prelude::*;
use svm_kv::{KVStore, MemoryStore};
use svm_storage::{Account, GlobalState, Template, WorldState};
use svm_types::{Amount, Layer};

#[derive(Debug, Clone)]
enum TxOp {
    Spawn(u8),
    IncreaseBalance(u8, u32),
    DecreaseBalance(u8, u32),
    WriteVar(u8, u8, u8),
    WriteRaw(u8, u8, Vec<u8>),
    ReadVar(u8, u8),
    PutTemplate(u8),
}

#[derive(Debug, Clone)]
enum Op {
    Tx { ops: Vec<TxOp>, keep: bool },
    Commit,
    Rewind(u8),
}

fn tx_op() -> impl Strategy<Value = TxOp> {
    prop_oneof![
        any::<u8>().prop_map(TxOp::Spawn),
        (any::<u8>(), any::<u32>()).prop_map(|(a, v)| TxOp::IncreaseBalance(a, v)),
        (any::<u8>(), any::<u32>()).prop_map(|(a, v)| TxOp::DecreaseBalance(a, v)),
        (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, v, s)| TxOp::WriteVar(a, v, s)),
        (
            any::<u8>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..20)
        )
            .prop_map(|(a, o, d)| TxOp::WriteRaw(a, o, d)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, v)| TxOp::ReadVar(a, v)),
        any::<u8>().prop_map(TxOp::PutTemplate),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (prop::collection::vec(tx_op(), 0..10), prop::bool::weighted(0.8))
            .prop_map(|(ops, keep)| Op::Tx { ops, keep }),
        3 => Just(Op::Commit),
        1 => any::<u8>().prop_map(Op::Rewind),
    ]
}

/// Runs `ops` and returns a trace of every observable result: operation outcomes, roots
/// after each commit and rewind, and the final pending root.
fn run<K: KVStore>(state: &mut GlobalState<K>, ops: &[Op]) -> Vec<String> {
    let l = layout();
    let mut trace = Vec::new();
    for op in ops {
        if state.current_layer().is_none() {
            let next = state.last_layer().next().unwrap();
            state.open(next).unwrap();
        }
        match op {
            Op::Tx { ops, keep } => {
                state.checkpoint().unwrap();
                for tx_op in ops {
                    let r = match tx_op {
                        TxOp::Spawn(a) => state
                            .set_account(
                                &addr(u32::from(a % 12)),
                                &Account {
                                    template: Some(template_addr()),
                                    ..Account::default()
                                },
                            )
                            .map(|_| String::new()),
                        TxOp::IncreaseBalance(a, v) => state
                            .increase_balance(&addr(u32::from(a % 12)), Amount(u64::from(*v)))
                            .map(|_| String::new()),
                        TxOp::DecreaseBalance(a, v) => state
                            .decrease_balance(&addr(u32::from(a % 12)), Amount(u64::from(*v)))
                            .map(|_| String::new()),
                        TxOp::WriteVar(a, v, seed) => {
                            let var = u32::from(v % 6); // 5 is unknown on purpose
                            let len = l.var(var).map(|s| s.len).unwrap_or(3);
                            state
                                .write_var(
                                    &addr(u32::from(a % 12)),
                                    &l,
                                    var,
                                    &value(u64::from(*seed), 0, var, len),
                                )
                                .map(|_| String::new())
                        }
                        TxOp::WriteRaw(a, o, d) => state
                            .write_raw(&addr(u32::from(a % 12)), &l, u32::from(*o), d)
                            .map(|_| String::new()),
                        TxOp::ReadVar(a, v) => state
                            .read_var(&addr(u32::from(a % 12)), &l, u32::from(v % 6))
                            .map(hex::encode),
                        TxOp::PutTemplate(s) => state
                            .put_template(
                                &svm_types::TemplateAddr([*s % 4; 20]),
                                &Template {
                                    code: vec![*s; usize::from(*s)],
                                    layout: l.clone(),
                                    meta: vec![],
                                },
                            )
                            .map(|_| String::new()),
                    };
                    trace.push(match r {
                        Ok(s) => format!("ok {s}"),
                        Err(e) => format!("err {e}"),
                    });
                }
                if *keep {
                    state.commit_tx().unwrap();
                } else {
                    state.rollback().unwrap();
                }
            }
            Op::Commit => {
                let (layer, root) = state.commit().unwrap();
                trace.push(format!("commit {layer} {root}"));
            }
            Op::Rewind(back) => {
                let last = state.last_layer().0;
                let to = Layer(last - u64::from(*back) % (last + 1));
                let root = state.rewind(to).unwrap();
                trace.push(format!("rewind {to} {root}"));
            }
        }
    }
    if state.current_layer().is_some() {
        trace.push(format!("pending {}", state.pending_root().unwrap()));
    }
    trace
}

fn memory_trace(ops: &[Op]) -> Vec<String> {
    run(
        &mut GlobalState::new(MemoryStore::new(), config()).unwrap(),
        ops,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_backend_gives_the_same_roots(ops in prop::collection::vec(op(), 1..40)) {
        let reference = memory_trace(&ops);
        prop_assert_eq!(&memory_trace(&ops), &reference, "replay on memory");
        for backend in persistent_backends() {
            let dir = tempfile::tempdir().unwrap();
            let mut state = GlobalState::new(open_backend(backend, dir.path()), config()).unwrap();
            let trace = run(&mut state, &ops);
            prop_assert_eq!(&trace, &reference, "{}", backend);
            // and the same again after reopening the store and replaying from scratch
            drop(state);
            let dir2 = tempfile::tempdir().unwrap();
            let mut again = GlobalState::new(open_backend(backend, dir2.path()), config()).unwrap();
            prop_assert_eq!(&run(&mut again, &ops), &reference, "{} replay", backend);
        }
    }
}
