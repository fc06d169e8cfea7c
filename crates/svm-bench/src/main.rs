//! `svm-bench`: svm's benchmark suite, every figure beside its baselines measured in the same
//! run (`docs/perf.md` keeps the results and explains them).
//!
//! ```text
//! cargo run --release -p svm-bench              # the full suite, a table per group
//! cargo run --release -p svm-bench -- --quick   # fewer, shorter samples
//! cargo run --release -p svm-bench -- --json    # machine-readable figures on stdout
//! cargo run --release -p svm-bench --features revm   # with the EVM baseline
//! ```
//!
//! Each figure is the median time per operation over its samples, with the spread (10th to
//! 90th percentile) and its ratio to the group's baseline.
#![forbid(unsafe_code)]

mod calibrate;
mod calls;
#[cfg(feature = "revm")]
mod evm;
mod harness;
mod metering;
mod node;
mod parallel;
mod prepare;
mod probe;
mod token;
mod transfers;
mod wasm;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use harness::{Budget, Figure, compare, human};

/// svm's benchmark suite: svm against native Rust, unmetered Wasm and revm, in one run.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Print the figures as JSON on stdout (the progress stays on stderr).
    #[arg(long)]
    json: bool,
    /// Fewer and shorter samples: a smoke run, not for the record.
    #[arg(long)]
    quick: bool,
    /// Samples per figure.
    #[arg(long, default_value_t = 15)]
    samples: usize,
    /// Run only the groups whose name contains this text (e.g. "T6", "metering").
    #[arg(long)]
    only: Option<String>,
    /// Also run T7: signed transfers on RocksDB with this many accounts (1000000 for the
    /// target; creating them takes minutes).
    #[arg(long)]
    large: Option<usize>,
    /// Calibrate the cost table instead: measure every price the probe can, print the table
    /// and write it to `--table` (the checked-in `crates/svm-runtime/cost-table.json`).
    #[arg(long)]
    calibrate: bool,
    /// With `--calibrate`: set every measured price to the value derived from this run, even
    /// within the band (a full recalibration, after a change of the rule or the hot path).
    #[arg(long)]
    exact: bool,
    /// Where `--calibrate` writes the table.
    #[arg(long, default_value = "crates/svm-runtime/cost-table.json")]
    table: std::path::PathBuf,
}

type Workload = fn(Budget, &dyn Fn(&str)) -> Vec<Figure>;

fn main() {
    let args = Args::parse();
    let budget = if args.quick {
        Budget {
            samples: 5,
            scale: 0.1,
        }
    } else {
        Budget {
            samples: args.samples.max(3),
            scale: 1.0,
        }
    };
    if args.calibrate {
        return run_calibration(budget, &args.table, args.exact);
    }
    let workloads: [(&str, Workload); 7] = [
        ("call of a cached template (T1)", calls::figures),
        ("prepare and cold start (T2, T3)", prepare::figures),
        ("metering (T4)", metering::figures),
        ("signed transfers (T6)", transfers::figures),
        ("token transfer, svm against revm", token::figures),
        ("ns per gas over unlike workloads (T5)", calibrate::figures),
        ("parallel layer (issue 18)", parallel::figures),
    ];
    let bar = ProgressBar::new(workloads.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let mut figures = Vec::new();
    for (name, run) in workloads {
        if let Some(only) = &args.only
            && !name.contains(only.as_str())
        {
            bar.inc(1);
            continue;
        }
        figures.extend(run(budget, &|what| {
            bar.set_message(format!("{name}: {what}"))
        }));
        bar.inc(1);
    }
    if let Some(accounts) = args.large {
        figures.extend(transfers::large_figures(budget, accounts, &|what| {
            bar.set_message(format!("T7: {what}"))
        }));
    }
    bar.finish_and_clear();

    let groups: Vec<String> = figures.iter().fold(Vec::new(), |mut g, f| {
        if !g.contains(&f.group) {
            g.push(f.group.clone());
        }
        g
    });
    for group in &groups {
        // the first figure of a group is its baseline, except where a group names one
        let baseline = if group.starts_with("metering") {
            "unmetered".to_string()
        } else if group.contains("T6") {
            "native Rust".to_string()
        } else {
            match figures.iter().find(|f| &f.group == group) {
                Some(f) => f.name.clone(),
                None => continue,
            }
        };
        compare(&mut figures, group, &baseline);
    }
    // from the 10th percentiles: on a shared machine a burst of other work slows a few
    // samples of one figure, and the spread is about the figures, not the bursts
    let t5: Vec<f64> = figures
        .iter()
        .filter(|f| f.group.contains("T5"))
        .filter_map(|f| f.gas_per_op.map(|g| f.p10_ns / g as f64))
        .collect();
    let t5_spread = (t5.len() > 1).then(|| {
        let max = t5.iter().copied().fold(f64::MIN, f64::max);
        let min = t5.iter().copied().fold(f64::MAX, f64::min);
        (min, max, max / min)
    });
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&figures).expect("figures serialise")
        );
        return;
    }
    println!(
        "svm-bench {}, {} samples per figure, {} cores",
        env!("CARGO_PKG_VERSION"),
        budget.samples,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for group in &groups {
        println!("\n## {group}\n");
        println!("| figure | median | p10-p90 | ratio | gas/op | ns/gas | per KiB |");
        println!("|---|---|---|---|---|---|---|");
        for f in figures.iter().filter(|f| &f.group == group) {
            let ratio = match (&f.ratio, &f.baseline) {
                (Some(r), Some(_)) => format!("{r:.2}x"),
                _ => "baseline".to_string(),
            };
            let (gas, per_gas) = match f.gas_per_op {
                Some(g) if g > 0 => (g.to_string(), format!("{:.2}", f.median_ns / g as f64)),
                _ => ("".into(), "".into()),
            };
            let per_kib = f
                .size_bytes
                .map(|b| human(f.median_ns * 1024.0 / b as f64))
                .unwrap_or_default();
            println!(
                "| {} | {} | {}-{} | {ratio} | {gas} | {per_gas} | {per_kib} |",
                f.name,
                human(f.median_ns),
                human(f.p10_ns),
                human(f.p90_ns)
            );
        }
    }
    if let Some((min, max, spread)) = t5_spread {
        println!(
            "\nT5 (10th percentiles): ns per gas from {min:.2} to {max:.2}, spread {spread:.2}x"
        );
    }
}

/// `--calibrate`: measures, prints and writes the cost table.
fn run_calibration(budget: Budget, table: &std::path::Path, exact: bool) {
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let current = svm_runtime::RuntimeConfig::default();
    let costs = calibrate::calibrate(
        budget,
        &|what| bar.set_message(what.to_string()),
        &current,
        exact,
    );
    bar.finish_and_clear();
    println!("| price | in code | measured ns | derived | table | source |");
    println!("|---|---|---|---|---|---|");
    let code: std::collections::BTreeMap<_, _> = current.prices().into_iter().collect();
    for p in &costs.prices {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            p.name,
            code[&p.name],
            p.measured_ns.map(|n| format!("{n:.2}")).unwrap_or_default(),
            p.derived.map(|d| d.to_string()).unwrap_or_default(),
            p.value,
            p.source
        );
    }
    let changed: Vec<_> = costs
        .prices
        .iter()
        .filter(|p| code[&p.name] != p.value)
        .map(|p| p.name.as_str())
        .collect();
    let text = serde_json::to_string_pretty(&costs).expect("table serialises") + "\n";
    std::fs::write(table, text).unwrap_or_else(|e| panic!("writing {}: {e}", table.display()));
    println!("\nwrote {}", table.display());
    if !changed.is_empty() {
        println!(
            "prices of the table that differ from the code (change them in CostTable, HostCosts, \
             TxCosts; cost_table.rs fails until then): {}",
            changed.join(", ")
        );
    }
}
