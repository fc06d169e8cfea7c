//! Printing: human-readable text by default, JSON with `--json`.
//!
//! Nothing here panics when an output cannot be written (`print!` and `println!` do, for
//! example on `svm ... > /dev/full` or a closed pipe): standard output goes through
//! [`outln!`] and [`out!`], which return [`CliError::Stdout`], and notes on standard error
//! through [`note!`], which drops a failed write (there is nowhere left to report it).
//! `main` denies `clippy::print_stdout` and `clippy::print_stderr` so this stays so.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::Value as Json;
use svm_codec::{Log, Receipt, TouchedAccounts, json::JsonForm};

use crate::error::{CliError, Result};

/// `println!` that returns [`CliError::Stdout`] instead of panicking when standard output
/// cannot be written.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::stdout_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that returns [`CliError::Stdout`] instead of panicking when standard output
/// cannot be written.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::stdout_fmt(format_args!($($arg)*))
    };
}

/// `eprintln!` that ignores a failed write instead of panicking.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::stderr_line(format_args!($($arg)*))
    };
}

pub(crate) use {note, out, outln};

/// Writes formatted text to standard output.
pub(crate) fn stdout_fmt(args: std::fmt::Arguments<'_>) -> Result<()> {
    std::io::stdout()
        .lock()
        .write_fmt(args)
        .map_err(CliError::Stdout)
}

/// Writes bytes to standard output and flushes them.
pub(crate) fn stdout_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Flushes standard output (text without a final newline waits in its buffer).
pub(crate) fn flush_stdout() -> Result<()> {
    std::io::stdout().lock().flush().map_err(CliError::Stdout)
}

/// Writes a line to standard error; a failed write is dropped.
pub(crate) fn stderr_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Prints a JSON value on one line (`--json`) or pretty.
pub(crate) fn print_json(v: &Json, compact: bool) -> Result<()> {
    if compact {
        outln!("{v}")
    } else {
        outln!(
            "{}",
            serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
        )
    }
}

/// A receipt for humans: outcome, gas, addresses, returndata, logs, touched accounts.
pub(crate) fn receipt_text(r: &Receipt) -> String {
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

/// An account as `svm account --json` prints it (and `svm proof` reports a proven one).
pub(crate) fn account_json(
    address: &svm_types::Address,
    account: Option<&svm_storage::Account>,
) -> Json {
    match account {
        None => serde_json::json!({"account": address.to_string(), "exists": false}),
        Some(a) => serde_json::json!({
            "account": address.to_string(),
            "exists": true,
            "balance": a.balance.0.to_string(),
            "nonce": a.nonce.0.to_string(),
            "template": a.template.map(|t| t.to_string()),
            "storage": a.storage.to_string(),
        }),
    }
}

/// Prints a receipt: the codec's receipt JSON with `--json`, text otherwise.
pub(crate) fn print_receipt(r: &Receipt, json: bool) -> Result<()> {
    if json {
        print_json(&r.to_json(), true)
    } else {
        out!("{}", receipt_text(r))
    }
}

/// An event as `svm events` and `svm proof event` print it.
pub(crate) fn event_json(layer: svm_types::Layer, seq: u32, e: &svm_storage::Event) -> Json {
    serde_json::json!({
        "layer": layer.0.to_string(),
        "index": seq,
        "account": e.account.to_string(),
        "tx_id": e.tx_id.to_string(),
        "topics": e.topics.iter().map(hex::encode).collect::<Vec<_>>(),
        "data": hex::encode(&e.data),
        "expires": e.expires.0.to_string(),
    })
}
