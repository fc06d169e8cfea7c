//! Parallel execution of a layer (issue 18): layers of signed wallet transfers, each wallet
//! sending once, through `Runtime::execute_layer` on 1 and 2 threads (this machine's
//! cores), with none, 10 %, 50 % or all of the transfers paying one hot account (the rest
//! pay fresh accounts, so they conflict with nothing).
//!
//! Beside the timings, a model of the schedule on 8, 16 and 32 cores: each transfer's run
//! on a fork, and its settlement by the runtime's thread (applying the effects, or running
//! it again when they are stale), are measured one by one; the model replays them with one
//! settling thread and the other cores as workers, taking transactions in order.

use svm_codec::split_transaction;
use svm_runtime::{LayerTx, Runtime, RuntimeConfig};
use svm_storage::ParallelState;
use svm_types::Address;

use crate::harness::{Budget, Figure, measure, time};
use crate::transfers::Setup;

/// Shares of transfers paying the hot account.
const MIXES: [(&str, usize); 4] = [
    ("independent", 0),
    ("10 % to one account", 10),
    ("50 % to one account", 50),
    ("all to one account", 100),
];

/// The hot account.
const HOT: Address = Address([0x40; 20]);

/// One layer's wire transfers: wallet `i` sends once; every `100 / share`-th pays the hot
/// account, the others a fresh account each.
fn layer_wires(s: &mut Setup, share: usize, fresh: &mut u64) -> Vec<Vec<u8>> {
    (0..s.wallets.len())
        .map(|i| {
            let hot = share > 0 && (i * share) % 100 < share;
            let to = if hot {
                HOT
            } else {
                *fresh += 1;
                let mut a = [0x5f; 20];
                a[..8].copy_from_slice(&fresh.to_le_bytes());
                Address(a)
            };
            s.transfer(i, to)
        })
        .collect()
}

fn layer_txs<'a>(s: &Setup, wires: &'a [Vec<u8>]) -> Vec<LayerTx<'a>> {
    let limits = s.rt.config().codec;
    wires
        .iter()
        .map(|w| {
            let (env, verifydata, msg) = split_transaction(w, &limits).expect("wire");
            LayerTx::new(env, verifydata, msg, s.layer)
        })
        .collect()
}

/// What the model needs of one layer: each transaction's time run alone in order
/// (`sequential`, also what running it again costs), on a fork (`speculative`), applying
/// its effects (`apply`), and the latest earlier transaction it depends on (`depends`: it
/// read something that one wrote, from their recorded read and write sets).
struct Recorded {
    sequential: Vec<u64>,
    speculative: Vec<u64>,
    apply: Vec<u64>,
    depends: Vec<Option<usize>>,
}

/// Records one layer of `share` (a layer run one by one, then another through a fork).
fn record(s: &mut Setup, share: usize, fresh: &mut u64) -> Recorded {
    let wires = layer_wires(s, share, fresh);
    let txs = layer_txs(s, &wires);
    let sequential = txs
        .iter()
        .map(|tx| time(|| drop(s.rt.execute_parts(tx).expect("no node fault"))))
        .collect();
    s.next_layer();
    let wires = layer_wires(s, share, fresh);
    let txs = layer_txs(s, &wires);
    let config = s.rt.config().clone();
    let fork = s.rt.state().forks(1).expect("forks").remove(0);
    let mut worker = Runtime::with_state(fork, config).expect("worker");
    // the fork's runtime compiles the template once; its first run is not measured
    let _ = worker.execute_parts(&txs[0]);
    let _ = worker.state().take_effects();
    let mut speculative = Vec::new();
    let mut effects = Vec::new();
    for tx in &txs {
        let mut e = None;
        speculative.push(time(|| {
            drop(worker.execute_parts(tx).expect("no node fault"));
            e = Some(worker.state().take_effects());
        }));
        effects.push(e.expect("effects"));
    }
    drop(worker);
    let depends = (0..effects.len())
        .map(|i| (0..i).rev().find(|&j| effects[i].depends_on(&effects[j])))
        .collect();
    // the cost of applying effects that hold; a stale one is run again instead
    let mut apply = Vec::new();
    for (tx, e) in txs.iter().zip(effects) {
        let valid = s.rt.state().still_valid(&e).expect("validate");
        apply.push(if valid {
            time(|| s.rt.state().apply(e).expect("apply"))
        } else {
            drop(s.rt.execute_parts(tx).expect("no node fault"));
            0
        });
    }
    let mut measured: Vec<u64> = apply.iter().copied().filter(|a| *a > 0).collect();
    measured.sort_unstable();
    let typical = measured.get(measured.len() / 2).copied().unwrap_or(0);
    for a in &mut apply {
        if *a == 0 {
            *a = typical;
        }
    }
    s.next_layer();
    Recorded {
        sequential,
        speculative,
        apply,
        depends,
    }
}

/// The makespan of the scheme on `cores`, as `execute_layer` runs it: `cores - 1` workers
/// and the runtime's thread take transactions in order, each actor the next one as soon as
/// it is free, on the freshest forks; the runtime's thread settles them in order (applying
/// a run, or running a stale one again and then making fresh forks, at most every
/// `REFRESH` transactions), and runs the next untaken transaction whenever the one it
/// must settle next is not done. A run is stale when the transaction it depends on was
/// not settled when its forks were made. (The pause of the workers under heavy conflict
/// is left out.)
fn model(r: &Recorded, cores: usize) -> u64 {
    const REFRESH: usize = 8;
    let n = r.speculative.len();
    let mut free = vec![0u64; cores.saturating_sub(1)];
    // each run: when it is done, and how many transactions its forks had seen settled
    let mut runs: Vec<Option<(u64, usize)>> = vec![None; n];
    // fresh forks: (made at, transactions settled then)
    let mut forks: Vec<(u64, usize)> = vec![(0, 0)];
    let seen_at = |forks: &[(u64, usize)], t: u64| {
        let at = forks.partition_point(|(made, _)| *made <= t);
        forks[at.saturating_sub(1)].1
    };
    let (mut next, mut main, mut since) = (0, 0u64, 0);
    for i in 0..n {
        loop {
            if runs[i].is_some_and(|(d, _)| d <= main) {
                break;
            }
            if next == n {
                main = main.max(runs[i].map_or(main, |(d, _)| d));
                break;
            }
            // the actor free first takes the next transaction
            let start = match (0..free.len()).min_by_key(|&w| free[w]) {
                Some(w) if free[w] < main => {
                    let start = free[w];
                    free[w] += r.speculative[next];
                    start
                }
                _ => {
                    let start = main;
                    main += r.speculative[next];
                    start
                }
            };
            let done = start + r.speculative[next];
            runs[next] = Some((done, seen_at(&forks, start)));
            next += 1;
        }
        let seen = runs[i].map_or(0, |(_, seen)| seen);
        let stale = r.depends[i].is_some_and(|j| j >= seen);
        since += 1;
        if stale {
            main += r.sequential[i];
            if since >= REFRESH {
                forks.push((main, i + 1));
                since = 0;
            }
        } else {
            main += r.apply[i];
        }
    }
    main
}

/// Figures per mix: 1 thread (the baseline), 2 threads, and the model's 8, 16 and 32 cores.
pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut fresh = 0u64;
    for (mix, share) in MIXES {
        let group = format!("parallel layer: {mix}");
        let mut s = Setup::new(RuntimeConfig::development());
        let ops = s.wallets.len() as u64;
        for threads in [1, 2] {
            progress(&format!("{mix}, {threads} threads"));
            s.rt.set_threads(threads);
            let name = format!("{threads} thread{}", if threads > 1 { "s" } else { "" });
            out.push(measure(&*group, name, budget, ops, |_| {
                let wires = layer_wires(&mut s, share, &mut fresh);
                let txs = layer_txs(&s, &wires);
                let ns = time(|| drop(s.rt.execute_layer(&txs).expect("no node fault")));
                s.next_layer();
                ns
            }));
        }
        progress(&format!("{mix}, recording the schedule"));
        let recorded: Vec<Recorded> = (0..budget.samples.max(3))
            .map(|_| record(&mut s, share, &mut fresh))
            .collect();
        let per_tx = |total: u64| total as f64 / ops as f64;
        let modeled = |f: &dyn Fn(&Recorded) -> u64, name: String| {
            let mut v: Vec<f64> = recorded.iter().map(|r| per_tx(f(r))).collect();
            v.sort_by(f64::total_cmp);
            Figure {
                group: group.clone(),
                name,
                median_ns: v[v.len() / 2],
                p10_ns: v[0],
                p90_ns: v[v.len() - 1],
                ops_per_sample: ops,
                samples: v.len(),
                gas_per_op: None,
                size_bytes: None,
                baseline: None,
                ratio: None,
            }
        };
        let dependent = recorded
            .iter()
            .map(|r| r.depends.iter().filter(|d| d.is_some()).count())
            .max()
            .unwrap_or(0);
        out.push(modeled(
            &|r| r.sequential.iter().sum(),
            format!("model: one by one ({dependent} of {ops} depend on an earlier one)"),
        ));
        for cores in [2, 8, 16, 32] {
            out.push(modeled(
                &|r| model(r, cores),
                format!("model: {cores} cores"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(runs: usize, depends: Vec<Option<usize>>) -> Recorded {
        Recorded {
            sequential: vec![10; runs],
            speculative: vec![10; runs],
            apply: vec![1; runs],
            depends,
        }
    }

    #[test]
    fn the_model_overlaps_runs_and_settles_in_order() {
        // four runs of 10 on four cores, applying 1 each: all run at once, then settle
        let r = recorded(4, vec![None; 4]);
        assert_eq!(model(&r, 4), 14);
        // two cores: the runtime's thread runs the first and the last itself
        assert_eq!(model(&r, 2), 24);
        // one core: every run, then its settle, one after the other
        assert_eq!(model(&r, 1), 44);
        // the second depends on the first and ran beside it: it runs again
        let r = recorded(2, vec![None, Some(0)]);
        assert_eq!(model(&r, 3), 21);
    }
}
