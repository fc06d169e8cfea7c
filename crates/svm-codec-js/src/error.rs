//! The one error type of the export layer, and its JSON form (what the JavaScript wrapper turns
//! into an `SvmError`).

use serde_json::json;
use svm_codec::{DecodeError, JsonError};

/// A failed call: a stable code (`docs/spec/codec.md` §12, or one of this layer's own:
/// `invalid-argument`, `unknown-item`), the message, and where the fault is: a byte offset
/// for binary input, a field path for JSON input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    /// The stable code.
    pub code: &'static str,
    /// The whole message, exactly the Rust error's (`at byte 3: input ends early: ...`,
    /// ``field `tx_id`: ...``).
    pub message: String,
    /// What is wrong without where (`input ends early: ...`): the golden vectors' message.
    pub reason: String,
    /// Byte offset of the fault in the decoded input.
    pub offset: Option<usize>,
    /// Dotted path of the faulty JSON field (empty: the whole document).
    pub path: Option<String>,
}

impl ExportError {
    /// An argument of the wrong size or form (`what` names it).
    pub fn argument(what: &str, problem: impl std::fmt::Display) -> Self {
        let message = format!("{what}: {problem}");
        Self {
            code: "invalid-argument",
            reason: message.clone(),
            message,
            offset: None,
            path: None,
        }
    }

    /// The JSON text the JavaScript wrapper parses:
    /// `{"code", "message", "reason", "offset"?, "path"?}`.
    pub fn to_json_string(&self) -> String {
        let mut v = json!({"code": self.code, "message": self.message, "reason": self.reason});
        if let Some(offset) = self.offset {
            v["offset"] = json!(offset);
        }
        if let Some(path) = &self.path {
            v["path"] = json!(path);
        }
        v.to_string()
    }
}

impl From<DecodeError> for ExportError {
    fn from(e: DecodeError) -> Self {
        Self {
            code: e.kind.code(),
            message: e.to_string(),
            reason: e.kind.to_string(),
            offset: Some(e.offset),
            path: None,
        }
    }
}

impl From<JsonError> for ExportError {
    fn from(e: JsonError) -> Self {
        Self {
            code: JsonError::CODE,
            message: e.to_string(),
            reason: e.reason.clone(),
            offset: None,
            path: Some(e.path),
        }
    }
}

impl From<svm_codec::UnknownItemName> for ExportError {
    fn from(e: svm_codec::UnknownItemName) -> Self {
        let message = e.to_string();
        Self {
            code: "unknown-item",
            reason: message.clone(),
            message,
            offset: None,
            path: None,
        }
    }
}
