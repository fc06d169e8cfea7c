//! The checked-in cost table (`cost-table.json`, written by the calibration run
//! `make calibrate`) and the prices in code agree: the same names in the same order with the
//! same values, and every measured price within the calibration's band of its measurement
//! (or one unit of gas from it).
//! A change to a price in code, or a calibration run that moved a measurement out of the
//! band, fails here until both sides are brought together (`docs/spec/gas.md` §9).

use serde_json::Value;
use svm_runtime::RuntimeConfig;

fn table() -> Value {
    serde_json::from_str(include_str!("../cost-table.json")).expect("cost-table.json is JSON")
}

#[test]
fn the_checked_in_cost_table_is_the_code() {
    let table = table();
    let rows = table["prices"].as_array().expect("a `prices` array");
    let code = RuntimeConfig::default().prices();
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    let code_names: Vec<&str> = code.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names, code_names,
        "the table lists every price in code, in order"
    );
    for (row, (name, value)) in rows.iter().zip(&code) {
        assert_eq!(
            row["value"].as_u64(),
            Some(*value),
            "{name}: cost-table.json says {}, the code says {value}; change one of them \
             (a price moves only with a calibration run: make calibrate)",
            row["value"]
        );
        let source = row["source"].as_str().unwrap_or_default();
        assert!(
            ["measured", "rule", "gas-bench"].contains(&source),
            "{name}: unknown source {source:?}"
        );
        assert!(
            row["how"].as_str().is_some_and(|h| !h.is_empty()),
            "{name}: says how it was found"
        );
    }
}

#[test]
fn every_measured_price_is_within_the_band_of_its_measurement() {
    let table = table();
    let gas_per_ns = table["gas_per_ns"].as_f64().expect("gas_per_ns");
    let band = table["band"].as_f64().expect("band");
    let mut measured = 0;
    for row in table["prices"].as_array().expect("prices") {
        let Some(ns) = row["measured_ns"].as_f64() else {
            continue;
        };
        measured += 1;
        let name = &row["name"];
        let value = row["value"].as_u64().expect("value");
        let derived = row["derived"]
            .as_u64()
            .expect("a measured price has a derived one");
        let gas = ns * gas_per_ns;
        assert!(
            value == derived || (value as f64 - gas).abs() <= (band * gas).max(1.0),
            "{name}: {value} gas is more than {:.0} % from its measurement ({ns} ns = {gas:.1} \
             gas); the calibration derives {derived}",
            band * 100.0
        );
    }
    assert!(
        measured >= 20,
        "the calibration measures most prices ({measured})"
    );
}
