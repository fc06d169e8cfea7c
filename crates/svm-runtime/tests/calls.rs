//! Contract-to-contract calls (`docs/spec/host-abi.md`, Calls): nested failures roll back
//! exactly the failed frames, gas forwarding keeps the caller alive and within its limit,
//! depth and reentrancy rules, static calls, amounts, asynchronous calls with callbacks, and
//! the call tree in receipts.
//!
//! Every account here runs one template, the relay (`common::RELAY`), whose calldata is a
//! program of one frame per level (`common::program`).

mod common;

use common::*;
use svm_codec::{CallFrame, CallKind, CallReceipt, CallStatus, Codec};
use svm_kv::MemoryStore;
use svm_runtime::RuntimeConfig;
use svm_storage::{FixedLayout, WorldState};
use svm_types::{Address, Gas};

type MemNode = Node<MemoryStore>;

/// A node with `n` relay accounts.
fn relays(n: usize) -> (MemNode, Vec<Address>) {
    relays_with(RuntimeConfig::default(), n)
}

fn relays_with(config: RuntimeConfig, n: usize) -> (MemNode, Vec<Address>) {
    let mut node = Node::new(MemoryStore::new(), config);
    let template = node
        .deploy_wat(RELAY, &[8, 8, 8], &["init"], None)
        .result
        .unwrap();
    let accounts = (0..n).map(|_| node.spawn(template, "init", &[])).collect();
    (node, accounts)
}

fn run(node: &mut MemNode, levels: &[(u8, Address)]) -> CallReceipt {
    node.call(levels[0].1, "run", &program(levels))
}

/// Variable `var` of relay `addr`: 0 the counter, 1 the last call's status, 2 the callback's
/// mark (100 + the status it was given).
fn var(node: &mut MemNode, addr: &Address, var: u32) -> u64 {
    let layout = FixedLayout::new(&[8, 8, 8]).unwrap();
    let mut state = node.rt.state();
    state.checkpoint().unwrap();
    let bytes = state.read_var(addr, &layout, var).unwrap();
    state.rollback().unwrap();
    u64::from_le_bytes(bytes.try_into().unwrap())
}

fn counters(node: &mut MemNode, accounts: &[Address]) -> Vec<u64> {
    accounts.iter().map(|a| var(node, a, 0)).collect()
}

fn statuses(r: &CallReceipt) -> Vec<(u8, CallKind, CallStatus)> {
    r.calls
        .iter()
        .map(|c| (c.depth, c.kind, c.status))
        .collect()
}

#[test]
fn a_failed_callee_at_depth_1_rolls_back_alone() {
    let (mut node, a) = relays(2);
    let r = run(&mut node, &[(0, a[0]), (TRAP, a[1])]);
    assert!(r.result.is_ok(), "{r:?}");
    assert_eq!(
        counters(&mut node, &a),
        [1, 0],
        "the callee's bump is undone"
    );
    assert_eq!(
        var(&mut node, &a[0], 1),
        1,
        "the caller got status 1 (failed)"
    );
    assert_eq!(r.logs.len(), 1, "only the caller's log survives");
    assert_eq!(statuses(&r), [(1, CallKind::Call, CallStatus::Failed)]);
    let frame = &r.calls[0];
    assert_eq!((frame.caller, frame.callee), (a[0], a[1]));
    assert_eq!(frame.function, "run");
    assert!(frame.gas_used.0 > 0 && frame.gas_used < r.gas_used);
}

#[test]
fn failures_at_depth_2_roll_back_exactly_the_failed_frames() {
    // the deepest fails: its caller keeps its own changes
    let (mut node, a) = relays(3);
    let r = run(&mut node, &[(0, a[0]), (0, a[1]), (TRAP, a[2])]);
    assert!(r.result.is_ok());
    assert_eq!(counters(&mut node, &a), [1, 1, 0]);
    assert_eq!(var(&mut node, &a[1], 1), 1);
    assert_eq!(var(&mut node, &a[0], 1), 0);
    assert_eq!(r.logs.len(), 2);
    assert_eq!(
        statuses(&r),
        [
            (1, CallKind::Call, CallStatus::Ok),
            (2, CallKind::Call, CallStatus::Failed)
        ]
    );
    // the middle one fails after its callee returned: the callee's changes go with it
    let (mut node, a) = relays(3);
    let r = run(&mut node, &[(0, a[0]), (TRAP, a[1]), (0, a[2])]);
    assert!(r.result.is_ok());
    assert_eq!(counters(&mut node, &a), [1, 0, 0]);
    assert_eq!(var(&mut node, &a[0], 1), 1);
    assert_eq!(r.logs.len(), 1);
    assert_eq!(
        statuses(&r),
        [
            (1, CallKind::Call, CallStatus::Failed),
            (2, CallKind::Call, CallStatus::Ok)
        ]
    );
    // the transaction's own frame fails: everything goes, the tree stays in the receipt
    let (mut node, a) = relays(3);
    let r = run(&mut node, &[(TRAP, a[0]), (0, a[1]), (0, a[2])]);
    assert!(r.result.is_err());
    assert_eq!(counters(&mut node, &a), [0, 0, 0]);
    assert!(r.logs.is_empty());
    assert_eq!(r.calls.len(), 2);
}

#[test]
fn the_depth_limit_refuses_the_call_past_it() {
    let depth = RuntimeConfig::default().tx_limits.max_call_depth as usize;
    let (mut node, a) = relays(depth + 2);
    let levels: Vec<(u8, Address)> = a.iter().map(|x| (0, *x)).collect();
    let r = run(&mut node, &levels);
    assert!(r.result.is_ok(), "{:?}", r.result);
    let mut expected = vec![1; depth + 1];
    expected.push(0);
    assert_eq!(counters(&mut node, &a), expected, "frames 0..={depth} ran");
    assert_eq!(
        var(&mut node, &a[depth], 1),
        u64::from(CallStatus::DepthExceeded.code())
    );
    assert_eq!(var(&mut node, &a[depth - 1], 1), 0);
    assert_eq!(r.calls.len(), depth + 1);
    assert_eq!(
        r.calls.last().map(|c| (c.depth as usize, c.status)),
        Some((depth + 1, CallStatus::DepthExceeded))
    );
    // and a failure at the limit rolls back only the deepest frame
    let (mut node, a) = relays(depth + 1);
    let mut levels: Vec<(u8, Address)> = a.iter().map(|x| (0, *x)).collect();
    levels[depth].0 = TRAP;
    let r = run(&mut node, &levels);
    assert!(r.result.is_ok());
    let mut expected = vec![1; depth];
    expected.push(0);
    assert_eq!(counters(&mut node, &a), expected);
    assert_eq!(var(&mut node, &a[depth - 1], 1), 1);
}

#[test]
fn reentrancy_is_refused() {
    let (mut node, a) = relays(2);
    let r = run(&mut node, &[(0, a[0]), (0, a[1]), (0, a[0])]);
    assert!(r.result.is_ok());
    assert_eq!(counters(&mut node, &a), [1, 1]);
    assert_eq!(
        var(&mut node, &a[1], 1),
        u64::from(CallStatus::Reentrant.code())
    );
    // calling oneself is reentrancy too
    let r = run(&mut node, &[(0, a[0]), (0, a[0])]);
    assert!(r.result.is_ok());
    assert_eq!(
        var(&mut node, &a[0], 1),
        u64::from(CallStatus::Reentrant.code())
    );
}

#[test]
fn a_callee_cannot_spend_more_than_its_caller_has() {
    let (mut node, a) = relays(2);
    let limit = 3_000_000;
    let r = node.call_with(
        ALICE,
        a[0],
        "run",
        &program(&[(0, a[0]), (SPIN, a[1])]),
        0,
        limit,
    );
    // the callee burns all it was given; the caller kept 1/64 and finishes
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert!(r.gas_used.0 <= limit);
    assert!(r.gas_used.0 > limit * 9 / 10, "the spin used most of it");
    assert_eq!(
        var(&mut node, &a[0], 1),
        u64::from(CallStatus::OutOfGas.code())
    );
    assert_eq!(statuses(&r), [(1, CallKind::Call, CallStatus::OutOfGas)]);
    // the whole transaction pays at most its limit, however deep the spinning goes
    let before = node.balance(&ALICE);
    let r = node.call_with(
        ALICE,
        a[0],
        "run",
        &program(&[(0, a[0]), (0, a[1]), (SPIN, a[0])]),
        0,
        limit,
    );
    assert!(r.gas_used.0 <= limit);
    assert_eq!(before - node.balance(&ALICE), r.gas_used.0);
}

#[test]
fn a_static_call_cannot_change_state() {
    let (mut node, a) = relays(2);
    let r = run(&mut node, &[(STATIC, a[0]), (0, a[1])]);
    assert!(r.result.is_ok());
    assert_eq!(counters(&mut node, &a), [1, 0]);
    assert_eq!(var(&mut node, &a[0], 1), 1, "the write failed the callee");
    assert_eq!(statuses(&r), [(1, CallKind::Static, CallStatus::Failed)]);
}

#[test]
fn an_amount_moves_with_the_call_and_back_with_its_failure() {
    let (mut node, a) = relays(2);
    // the transaction brings 5,000 coins to a[0], which sends 1,000 on
    let r = node.call_with(
        ALICE,
        a[0],
        "run",
        &program(&[(PAY, a[0]), (0, a[1])]),
        5_000,
        GAS,
    );
    assert!(r.result.is_ok());
    assert_eq!((node.balance(&a[0]), node.balance(&a[1])), (4_000, 1_000));
    assert!(r.touched_accounts.contains(&a[1]));
    let r = node.call_with(
        ALICE,
        a[0],
        "run",
        &program(&[(PAY, a[0]), (TRAP, a[1])]),
        0,
        GAS,
    );
    assert!(r.result.is_ok());
    assert_eq!((node.balance(&a[0]), node.balance(&a[1])), (4_000, 1_000));
    // more than the caller has: the call is refused, the caller goes on
    let (mut node, a) = relays(2);
    let r = run(&mut node, &[(PAY, a[0]), (0, a[1])]);
    assert!(r.result.is_ok());
    assert_eq!(
        var(&mut node, &a[0], 1),
        u64::from(CallStatus::InsufficientFunds.code())
    );
    assert_eq!(counters(&mut node, &a), [1, 0]);
}

#[test]
fn missing_accounts_templates_and_functions_are_statuses() {
    let (mut node, a) = relays(1);
    let nobody = Address([0x77; 20]);
    let r = run(&mut node, &[(0, a[0]), (0, nobody)]);
    assert!(r.result.is_ok());
    assert_eq!(
        var(&mut node, &a[0], 1),
        u64::from(CallStatus::AccountNotFound.code())
    );
    let r = run(&mut node, &[(0, a[0]), (0, BOB)]);
    assert!(r.result.is_ok());
    assert_eq!(
        var(&mut node, &a[0], 1),
        u64::from(CallStatus::NoTemplate.code())
    );
    assert_eq!(r.calls[0].status, CallStatus::NoTemplate);
}

#[test]
fn asynchronous_calls_run_after_the_transaction_and_call_back() {
    let (mut node, a) = relays(2);
    let r = run(&mut node, &[(ASYNC, a[0]), (0, a[1])]);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        counters(&mut node, &a),
        [2, 1],
        "a[0] ran and was called back"
    );
    assert_eq!(var(&mut node, &a[0], 2), 100, "the callback got status 0");
    assert_eq!(
        statuses(&r),
        [
            (1, CallKind::Async, CallStatus::Ok),
            (1, CallKind::Callback, CallStatus::Ok)
        ]
    );
    assert_eq!(r.calls[1].caller, a[1]);
    assert_eq!(r.calls[1].callee, a[0]);
    assert_eq!(
        r.logs.len(),
        2,
        "the transaction's log, then the asynchronous call's"
    );
    // only what the calls used is paid, not the 3,000,000 reserved
    let used: u64 = r.calls.iter().map(|c| c.gas_used.0).sum();
    assert!(used < 3_000_000);
    // a failed asynchronous call undoes itself only; the callback learns it
    let r = run(&mut node, &[(ASYNC, a[0]), (TRAP, a[1])]);
    assert!(r.result.is_ok());
    assert_eq!(counters(&mut node, &a), [4, 1]);
    assert_eq!(var(&mut node, &a[0], 2), 101);
    assert_eq!(r.calls[0].status, CallStatus::Failed);
    // a transaction that fails after queuing runs nothing and pays no reservation
    let before = node.balance(&ALICE);
    let r = run(&mut node, &[(ASYNC | TRAP, a[0]), (0, a[1])]);
    assert!(r.result.is_err());
    assert!(r.calls.is_empty());
    assert_eq!(counters(&mut node, &a), [4, 1]);
    assert!(r.gas_used.0 < 1_000_000, "{:?}", r.gas_used);
    assert_eq!(before - node.balance(&ALICE), r.gas_used.0);
}

#[test]
fn asynchronous_calls_run_in_the_order_queued() {
    // a[0] queues a[1], whose run queues a[2]: a[1], a[0]'s callback, a[2], a[1]'s callback
    let (mut node, a) = relays(3);
    let r = run(
        &mut node,
        &[(ASYNC, a[0]), (ASYNC | SMALL, a[1]), (0, a[2])],
    );
    assert!(r.result.is_ok());
    let order: Vec<(CallKind, Address)> = r.calls.iter().map(|c| (c.kind, c.callee)).collect();
    assert_eq!(
        order,
        [
            (CallKind::Async, a[1]),
            (CallKind::Callback, a[0]),
            (CallKind::Async, a[2]),
            (CallKind::Callback, a[1]),
        ]
    );
    assert_eq!(counters(&mut node, &a), [2, 2, 1]);
}

#[test]
fn call_trees_are_in_the_receipt_bytes() {
    let (mut node, a) = relays(3);
    let r = run(&mut node, &[(0, a[0]), (STATIC, a[1]), (0, a[2])]);
    let decoded = CallReceipt::decode(&r.encode()).unwrap();
    assert_eq!(decoded, r);
    assert_eq!(
        decoded.calls[0],
        CallFrame {
            depth: 1,
            kind: CallKind::Call,
            caller: a[0],
            callee: a[1],
            function: "run".into(),
            gas_used: decoded.calls[0].gas_used,
            status: CallStatus::Ok,
        }
    );
    assert!(decoded.calls[0].gas_used > Gas(0));
}

mod model {
    use super::*;
    use proptest::prelude::*;

    /// What a chain of frames leaves, by the rules of `host-abi.md` (Calls): frame i fails if
    /// it runs read-only (a static call above it: its first write fails) or traps at its end;
    /// its changes stay only if it and every frame above it returned.
    fn expected(flags: &[u8]) -> (Vec<u64>, Vec<u64>, usize, usize) {
        let n = flags.len();
        let mut read_only = vec![false; n];
        for i in 1..n {
            read_only[i] = read_only[i - 1] || flags[i - 1] & STATIC != 0;
        }
        let ok: Vec<bool> = (0..n)
            .map(|i| !read_only[i] && flags[i] & TRAP == 0)
            .collect();
        let mut kept = vec![false; n];
        for i in 0..n {
            kept[i] = ok[i] && (i == 0 || kept[i - 1]);
        }
        let called = (1..n).filter(|&i| !read_only[i - 1]).count();
        let counters = kept.iter().map(|&k| u64::from(k)).collect();
        let statuses = (0..n)
            .map(|i| match (kept[i], i + 1 < n) {
                (true, true) => u64::from(!ok[i + 1]),
                _ => 0,
            })
            .collect();
        let logs = kept.iter().filter(|&&k| k).count();
        (counters, statuses, called, logs)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn chains_of_frames_roll_back_as_the_model_says(
            flags in prop::collection::vec(prop_oneof![
                3 => Just(0u8), 1 => Just(TRAP), 1 => Just(STATIC), 1 => Just(TRAP | STATIC)
            ], 1..7)
        ) {
            let (mut node, a) = relays(flags.len());
            let levels: Vec<(u8, Address)> = flags.iter().copied().zip(a.iter().copied()).collect();
            let r = run(&mut node, &levels);
            let (want, statuses, called, logs) = expected(&flags);
            prop_assert_eq!(r.result.is_ok(), want[0] == 1);
            prop_assert_eq!(&counters(&mut node, &a), &want);
            let got: Vec<u64> = a.iter().map(|x| var(&mut node, x, 1)).collect();
            prop_assert_eq!(got, statuses);
            prop_assert_eq!(r.calls.len(), called);
            prop_assert_eq!(r.logs.len(), if r.result.is_ok() { logs } else { 0 });
        }
    }
}
