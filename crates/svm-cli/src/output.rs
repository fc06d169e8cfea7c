//! Printing: human-readable text by default, JSON with `--json`.

use std::fmt::Write;

use serde_json::Value as Json;
use svm_codec::{Log, Receipt, TouchedAccounts, json::JsonForm};

/// Prints a JSON value on one line (`--json`) or pretty.
pub fn print_json(v: &Json, compact: bool) {
    if compact {
        println!("{v}");
    } else {
        println!(
            "{}",
            serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
        );
    }
}

/// A receipt for humans: outcome, gas, addresses, returndata, logs, touched accounts.
pub fn receipt_text(r: &Receipt) -> String {
    let mut s = String::new();
    let kind = match r {
        Receipt::Deploy(_) => "deploy",
        Receipt::Spawn(_) => "spawn",
        Receipt::Call(_) => "call",
    };
    match r.error() {
        None => {
            let _ = writeln!(s, "{kind}: success");
        }
        Some(e) => {
            let _ = writeln!(s, "{kind}: FAILED ({}): {e}", e.name());
        }
    }
    let _ = writeln!(s, "  gas used:  {}", r.gas_used());
    let (logs, touched): (&[Log], Option<&TouchedAccounts>) = match r {
        Receipt::Deploy(d) => {
            if let Ok(t) = &d.result {
                let _ = writeln!(s, "  template:  {t}");
            }
            (&d.logs, None)
        }
        Receipt::Spawn(sp) => {
            if let Ok(o) = &sp.result {
                let _ = writeln!(s, "  account:   {}", o.account);
                let _ = writeln!(s, "  state:     {}", o.init_state);
                if !o.returndata.is_empty() {
                    let _ = writeln!(s, "  returned:  {}", hex::encode(&o.returndata));
                }
            }
            (&sp.logs, Some(&sp.touched_accounts))
        }
        Receipt::Call(c) => {
            if let Ok(o) = &c.result {
                let _ = writeln!(s, "  state:     {}", o.new_state);
                if !o.returndata.is_empty() {
                    let _ = writeln!(s, "  returned:  {}", hex::encode(&o.returndata));
                }
            }
            (&c.logs, Some(&c.touched_accounts))
        }
    };
    for l in logs {
        let topic = String::from_utf8(l.topic.clone())
            .ok()
            .filter(|t| t.chars().all(|c| !c.is_control()))
            .map_or_else(|| hex::encode(&l.topic), |t| format!("{t:?}"));
        let _ = writeln!(s, "  log:       {topic} {}", hex::encode(&l.data));
    }
    if let Some(t) = touched {
        let list: Vec<String> = t.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(s, "  touched:   {}", list.join(", "));
    }
    s
}

/// Prints a receipt: the codec's receipt JSON with `--json`, text otherwise.
pub fn print_receipt(r: &Receipt, json: bool) {
    if json {
        print_json(&r.to_json(), true);
    } else {
        print!("{}", receipt_text(r));
    }
}
