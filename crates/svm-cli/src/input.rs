//! Reading inputs: files (or `-` for stdin), JSON with line and column on syntax errors,
//! bytes given as binary or hex text, and messages or transactions in any of their forms.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use svm_codec::{Codec, CodecLimits, Message, Transaction, TxType, json::JsonForm, kind};

use crate::error::{CliError, Result};

/// Reads a whole file; `-` reads standard input.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| CliError::io("<stdin>", e))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| CliError::io(path, e))
}

/// Reads a whole file as UTF-8 text.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| CliError::Field {
        path: path.to_path_buf(),
        message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename,
/// so a failed write never leaves a half-written output.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.as_os_str() == "-" {
        return crate::output::stdout_bytes(bytes);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::io(path, e)
        })
}

/// Parses JSON text; syntax errors carry the line and column.
pub(crate) fn parse_json(path: &Path, text: &str) -> Result<Json> {
    serde_json::from_str(text).map_err(|e| CliError::JsonSyntax {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

/// serde_json appends " at line L column C"; the error type already shows them.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Converts a JSON value into a codec item, naming the file and the field at fault.
pub(crate) fn from_json<T: JsonForm>(path: &Path, v: &Json) -> Result<T> {
    T::from_json(v).map_err(|e| CliError::Field {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Whether `bytes` look like JSON text (first non-space byte `{` or `[`).
pub(crate) fn looks_like_json(bytes: &[u8]) -> bool {
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    )
}

/// Decodes hex text (spaces and newlines ignored, optional `0x`).
pub(crate) fn hex_text(what: &str, text: &str) -> Result<Vec<u8>> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
        .unwrap_or(&digits);
    hex::decode(digits).map_err(|e| CliError::BadHex {
        what: what.to_string(),
        message: e.to_string(),
    })
}

/// Every svm binary item starts with version 0 (two zero bytes); anything else is taken as
/// hex text.
pub(crate) fn binary_or_hex(what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.starts_with(&[0, 0]) {
        return Ok(bytes.to_vec());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CliError::BadHex {
        what: what.to_string(),
        message: "neither an svm binary item (starts with version 0000) nor hex text".into(),
    })?;
    hex_text(what, text)
}

/// A message file's content: a bare message or a whole transaction.
#[derive(Debug, Clone)]
pub(crate) enum Loaded {
    /// A message (the envelope comes from flags) and the verifydata a call's JSON carried
    /// in go-svm's form (`"verifydata"` beside `"calldata"`; empty otherwise).
    Message(Message, Vec<u8>),
    /// A transaction with its envelope.
    Transaction(Transaction),
}

/// Loads a message or transaction from `path`: JSON (a message, or
/// `{"envelope": .., "message": ..}`), binary or hex. `tx_type` forces the message type;
/// without it the type is guessed (JSON keys, or the item kind byte).
pub(crate) fn load_message(path: &Path, tx_type: Option<TxType>) -> Result<Loaded> {
    let bytes = read(path)?;
    let what = path.display().to_string();
    if looks_like_json(&bytes) {
        let text = String::from_utf8(bytes).map_err(|e| CliError::Field {
            path: path.to_path_buf(),
            message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        })?;
        let v = parse_json(path, &text)?;
        return message_from_json(path, &v, tx_type);
    }
    let bytes = binary_or_hex(&what, &bytes)?;
    message_from_bytes(&what, &bytes, tx_type)
}

/// A message or transaction from its JSON value. A call message may carry `"verifydata"`
/// as go-svm's did: it is taken out of the message (the wire format keeps it beside the
/// message, outside what is signed) and returned with it.
pub(crate) fn message_from_json(path: &Path, v: &Json, tx_type: Option<TxType>) -> Result<Loaded> {
    if v.get("envelope").is_some() {
        let tx: Transaction = from_json(path, v)?;
        check_type(&path.display().to_string(), tx_type, tx.envelope().tx_type)?;
        return Ok(Loaded::Transaction(tx));
    }
    let mut v = v.clone();
    let verifydata = match v.as_object_mut().and_then(|o| o.remove("verifydata")) {
        Some(Json::String(text)) => hex_text("field `verifydata`", &text)?,
        Some(data) => {
            svm_codec::json::calldata_from_json(&data.to_string()).map_err(|e| CliError::Field {
                path: path.to_path_buf(),
                message: format!("field `verifydata`: {}", e.reason),
            })?
        }
        None => Vec::new(),
    };
    let v = &v;
    let msg = match tx_type {
        Some(TxType::Deploy) => Message::Deploy(from_json(path, v)?),
        Some(TxType::Spawn) => Message::Spawn(from_json(path, v)?),
        Some(TxType::Call) => Message::Call(from_json(path, v)?),
        None => from_json::<Message>(path, v)?,
    };
    Ok(Loaded::Message(msg, verifydata))
}

/// A message or transaction from its binary form.
pub(crate) fn message_from_bytes(
    what: &str,
    bytes: &[u8],
    tx_type: Option<TxType>,
) -> Result<Loaded> {
    let limits = CodecLimits::DEFAULT;
    let decode_err = |e: svm_codec::DecodeError| CliError::Decode {
        what: what.to_string(),
        message: e.to_string(),
    };
    if bytes.get(2) == Some(&kind::ENVELOPE) {
        let tx = Transaction::decode_with_limits(bytes, &limits).map_err(decode_err)?;
        check_type(what, tx_type, tx.envelope().tx_type)?;
        return Ok(Loaded::Transaction(tx));
    }
    let msg = match tx_type {
        Some(t) => Message::decode_as(t, bytes, &limits),
        None => Message::decode_with_limits(bytes, &limits),
    }
    .map_err(decode_err)?;
    Ok(Loaded::Message(msg, Vec::new()))
}

fn check_type(what: &str, expected: Option<TxType>, found: TxType) -> Result<()> {
    match expected {
        Some(t) if t != found => Err(CliError::usage(format!(
            "{what}: the transaction is a {} transaction, not {}",
            found.name(),
            t.name()
        ))),
        _ => Ok(()),
    }
}
