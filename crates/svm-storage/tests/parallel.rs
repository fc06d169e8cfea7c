//! `ParallelState` on `GlobalState`: transactions run on forks, then applied in order when
//! still valid (run again on the state otherwise), end exactly as running them one by one:
//! the same values read, the same root. Conflicts are found per page (and per map, per
//! account record by content), and a fork refuses layer operations.

mod common;

use common::*;
use proptest::prelude::*;
use svm_storage::{GlobalState, ParallelState, StorageError, WorldState};
use svm_types::{Amount, Layer};

/// One step of a transaction: each reads what it depends on, so a run on a stale fork
/// would write something else.
#[derive(Debug, Clone)]
enum Step {
    /// Adds 1 to the first byte of a variable.
    Bump(u8, u8),
    /// Copies a variable of one account into the same variable of another.
    Copy(u8, u8, u8),
    /// Moves coins (both balances read and written).
    Pay(u8, u8, u16),
    /// Sets a map key to the map's entry count so far (a walk of the whole map).
    Count(u8, u8),
    /// Writes raw bytes across a page boundary.
    Raw(u8, u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u8..4, 0u8..5).prop_map(|(a, v)| Step::Bump(a, v)),
        2 => (0u8..4, 0u8..4, 0u8..5).prop_map(|(a, b, v)| Step::Copy(a, b, v)),
        2 => (0u8..4, 0u8..4, 0u16..500).prop_map(|(a, b, c)| Step::Pay(a, b, c)),
        1 => (0u8..4, 0u8..6).prop_map(|(a, k)| Step::Count(a, k)),
        1 => (0u8..4, any::<u8>()).prop_map(|(a, b)| Step::Raw(a, b)),
    ]
}

fn txs() -> impl Strategy<Value = Vec<Vec<Step>>> {
    prop::collection::vec(prop::collection::vec(step(), 1..4), 1..12)
}

/// Runs one transaction: what it read, in order (errors included: a runtime would see
/// them too).
fn run_tx<S: WorldState>(state: &mut S, steps: &[Step]) -> Vec<String> {
    let l = layout();
    let a = |i: &u8| addr(u32::from(*i));
    let mut seen = Vec::new();
    state.checkpoint().unwrap();
    for s in steps {
        let r: Result<String, StorageError> = (|| match s {
            Step::Bump(i, v) => {
                let var = u32::from(*v);
                let mut value = state.read_var(&a(i), &l, var)?;
                value[0] = value[0].wrapping_add(1);
                state.write_var(&a(i), &l, var, &value)?;
                Ok(format!("{value:?}"))
            }
            Step::Copy(i, j, v) => {
                let value = state.read_var(&a(i), &l, u32::from(*v))?;
                state.write_var(&a(j), &l, u32::from(*v), &value)?;
                Ok(format!("{value:?}"))
            }
            Step::Pay(i, j, c) => {
                state.decrease_balance(&a(i), Amount(u64::from(*c)))?;
                state.increase_balance(&a(j), Amount(u64::from(*c)))?;
                Ok(format!("{:?}", state.account(&a(j))?.map(|x| x.balance)))
            }
            Step::Count(i, k) => {
                let n = state.map_range(&a(i), 1, &[], 100)?.entries.len() as u8;
                state.map_set(&a(i), 1, &[*k], Some(&[n]))?;
                Ok(format!("{n}"))
            }
            Step::Raw(i, b) => {
                state.write_raw(&a(i), &l, 60, &[*b; 8])?;
                Ok(String::new())
            }
        })();
        seen.push(format!("{r:?}"));
    }
    state.commit_tx().unwrap();
    seen
}

/// Layer 1: four accounts with a template, coins, variables and a map entry.
fn setup() -> GlobalState<svm_kv::MemoryStore> {
    let mut state = memory_state();
    let l = layout();
    state.open(Layer(1)).unwrap();
    state.checkpoint().unwrap();
    for i in 0..4 {
        let a = addr(i);
        spawn_account(&mut state, &a);
        state.increase_balance(&a, Amount(1_000)).unwrap();
        for var in 0..5 {
            let len = l.var(var).unwrap().len;
            state
                .write_var(&a, &l, var, &value(1, i, var, len))
                .unwrap();
        }
        state.map_set(&a, 1, &[9], Some(&[1])).unwrap();
    }
    state.commit_tx().unwrap();
    state.commit().unwrap();
    state.open(Layer(2)).unwrap();
    state
}

/// The transactions one by one: what each read, and the root.
fn sequential(txs: &[Vec<Step>]) -> (Vec<Vec<String>>, String) {
    let mut state = setup();
    let seen = txs.iter().map(|t| run_tx(&mut state, t)).collect();
    (seen, state.commit().unwrap().1.to_string())
}

/// The transactions on forks, each applied in order if still valid and run again on the
/// state otherwise; and which were stale. Every `every` settled transactions a new set of
/// forks runs the next `ahead` transactions not run yet (so runs of several sets, made
/// before and after other transactions were applied, are settled together).
fn parallel_with(
    txs: &[Vec<Step>],
    forks: usize,
    every: usize,
    ahead: usize,
) -> (Vec<Vec<String>>, String, Vec<bool>) {
    let mut state = setup();
    let mut runs: Vec<Option<(Vec<String>, svm_storage::Effects)>> =
        txs.iter().map(|_| None).collect();
    let mut run_up_to = 0;
    let mut seen = Vec::new();
    let mut stale = Vec::new();
    for (i, t) in txs.iter().enumerate() {
        if i % every == 0 {
            let mut f = state.forks(forks).unwrap();
            let end = (i + ahead).min(txs.len()).max(run_up_to);
            for (j, tx) in txs.iter().enumerate().take(end).skip(run_up_to) {
                let fork = &mut f[j % forks];
                let s = run_tx(fork, tx);
                runs[j] = Some((s, fork.take_effects()));
            }
            run_up_to = end;
        }
        match runs[i].take() {
            Some((s, effects)) if state.still_valid(&effects).unwrap() => {
                state.apply(effects).unwrap();
                seen.push(s);
                stale.push(false);
            }
            run => {
                seen.push(run_tx(&mut state, t));
                stale.push(run.is_some());
            }
        }
    }
    (seen, state.commit().unwrap().1.to_string(), stale)
}

/// Every transaction on one set of forks made before any is applied.
fn parallel(txs: &[Vec<Step>], forks: usize) -> (Vec<Vec<String>>, String, Vec<bool>) {
    parallel_with(txs, forks, usize::MAX, usize::MAX)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn forks_applied_in_order_equal_one_by_one(
        txs in txs(),
        forks in 1usize..4,
        every in 1usize..6,
        ahead in 0usize..12,
    ) {
        let (seen, root) = sequential(&txs);
        let (p_seen, p_root, _) = parallel(&txs, forks);
        prop_assert_eq!(&p_seen, &seen);
        prop_assert_eq!(&p_root, &root);
        // forks made again as transactions are applied: runs of every set settle alike
        let (p_seen, p_root, _) = parallel_with(&txs, forks, every, ahead);
        prop_assert_eq!(p_seen, seen);
        prop_assert_eq!(p_root, root);
    }
}

#[test]
fn different_pages_of_one_account_do_not_conflict() {
    // variables 0 (page 0) and 4 (page 2) of account 0
    let txs = vec![vec![Step::Bump(0, 0)], vec![Step::Bump(0, 4)]];
    let (_, _, stale) = parallel(&txs, 2);
    assert_eq!(stale, [false, false]);
    // the same variable: the second read what the first wrote
    let txs = vec![vec![Step::Bump(0, 0)], vec![Step::Bump(0, 0)]];
    let (_, _, stale) = parallel(&txs, 2);
    assert_eq!(stale, [false, true]);
    // a payment into an account whose storage changed: its record is compared without
    // the storage state, and the state applied keeps the new storage state
    let txs = vec![vec![Step::Bump(1, 0)], vec![Step::Pay(2, 1, 5)]];
    let (seen, root, stale) = parallel(&txs, 2);
    assert_eq!(stale, [false, false]);
    assert_eq!((seen, root), sequential(&txs));
}

#[test]
fn forks_made_later_see_what_was_applied() {
    // the second bumps what the first wrote: stale on forks made before the first was
    // applied, valid on forks made after
    let txs = vec![vec![Step::Bump(0, 0)], vec![Step::Bump(0, 0)]];
    let (_, _, stale) = parallel_with(&txs, 1, 1, 1);
    assert_eq!(stale, [false, false]);
    let (_, _, stale) = parallel_with(&txs, 1, 1, 2);
    assert_eq!(stale, [false, true]);
    // many sets of forks (more segments than are kept apart): still one by one
    let txs: Vec<Vec<Step>> = (0..40u8).map(|i| vec![Step::Bump(i % 2, 0)]).collect();
    let (seen, root, stale) = parallel_with(&txs, 2, 1, 3);
    assert!(stale.iter().any(|s| *s) && stale.iter().any(|s| !*s));
    assert_eq!((seen, root), sequential(&txs));
}

#[test]
fn a_map_walk_conflicts_with_a_write_into_the_map() {
    let txs = vec![vec![Step::Count(0, 1)], vec![Step::Count(0, 2)]];
    let (_, _, stale) = parallel(&txs, 2);
    assert_eq!(stale, [false, true]);
    // another account's map is another map
    let txs = vec![vec![Step::Count(0, 1)], vec![Step::Count(1, 2)]];
    let (_, _, stale) = parallel(&txs, 2);
    assert_eq!(stale, [false, false]);
}

#[test]
fn a_fork_refuses_layer_operations() {
    let mut state = setup();
    let mut fork = state.forks(1).unwrap().remove(0);
    assert!(matches!(fork.commit(), Err(StorageError::Fork(_))));
    assert!(matches!(fork.rewind(Layer(1)), Err(StorageError::Fork(_))));
    assert!(matches!(fork.forks(1), Err(StorageError::Fork(_))));
    let effects = fork.take_effects();
    assert!(matches!(fork.apply(effects), Err(StorageError::Fork(_))));
    // the state itself needs an open layer and no running transaction
    state.checkpoint().unwrap();
    assert!(matches!(
        state.forks(1),
        Err(StorageError::TransactionActive)
    ));
}
