//! Timing: each figure is a number of samples, each sample a batch of operations timed
//! together; a figure reports the median time per operation and the spread (10th and 90th
//! percentile of the samples).

use std::time::Instant;

use serde::Serialize;

/// One measured figure.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Figure {
    /// The group it belongs to (figures of a group are compared with its baseline).
    pub group: String,
    /// What was measured.
    pub name: String,
    /// Median nanoseconds per operation.
    pub median_ns: f64,
    /// 10th percentile of the samples, nanoseconds per operation.
    pub p10_ns: f64,
    /// 90th percentile of the samples, nanoseconds per operation.
    pub p90_ns: f64,
    /// Operations per sample.
    pub ops_per_sample: u64,
    /// Samples taken.
    pub samples: usize,
    /// Gas per operation, where the operation is an svm transaction or call.
    pub gas_per_op: Option<u64>,
    /// The size of the module an operation handles, where that is what the figure is about.
    pub size_bytes: Option<u64>,
    /// The figure of the same group this one is compared with (`None`: it is the baseline).
    pub baseline: Option<String>,
    /// `median / baseline's median`.
    pub ratio: Option<f64>,
}

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// Samples per figure.
    pub samples: usize,
    /// Scales the operations per sample each workload asks for (quick runs use less).
    pub scale: f64,
}

impl Budget {
    /// `ops` scaled, at least 1.
    pub(crate) fn ops(&self, ops: u64) -> u64 {
        ((ops as f64 * self.scale) as u64).max(1)
    }
}

/// Runs `sample` (which performs `ops` operations and returns how many nanoseconds they
/// took, so that a sample can leave its setup out of the time) `budget.samples` times after
/// one warm-up sample.
pub(crate) fn measure(
    group: impl Into<String>,
    name: impl Into<String>,
    budget: Budget,
    ops: u64,
    mut sample: impl FnMut(u64) -> u64,
) -> Figure {
    sample(ops);
    let mut per_op: Vec<f64> = (0..budget.samples)
        .map(|_| sample(ops) as f64 / ops as f64)
        .collect();
    per_op.sort_by(f64::total_cmp);
    let at = |q: f64| per_op[((per_op.len() - 1) as f64 * q).round() as usize];
    Figure {
        group: group.into(),
        name: name.into(),
        median_ns: at(0.5),
        p10_ns: at(0.1),
        p90_ns: at(0.9),
        ops_per_sample: ops,
        samples: per_op.len(),
        gas_per_op: None,
        size_bytes: None,
        baseline: None,
        ratio: None,
    }
}

/// Times `f`, in nanoseconds.
pub(crate) fn time(f: impl FnOnce()) -> u64 {
    let start = Instant::now();
    f();
    start.elapsed().as_nanos() as u64
}

/// Sets each figure's ratio to the figure named `baseline` in its group.
pub(crate) fn compare(figures: &mut [Figure], group: &str, baseline: &str) {
    let Some(base) = figures
        .iter()
        .find(|f| f.group == group && f.name == baseline)
        .map(|f| f.median_ns)
    else {
        return;
    };
    for f in figures.iter_mut().filter(|f| f.group == group) {
        if f.name != baseline {
            f.baseline = Some(baseline.to_string());
            f.ratio = Some(f.median_ns / base);
        }
    }
}

/// `ns` per operation in a readable unit.
pub(crate) fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
