//! Error types: binary decoding errors (with byte offsets), ABI typing errors and JSON errors
//! (with the path of the offending field).

/// A binary decoding failure: what went wrong and at which byte of the input.
///
/// ```
/// use svm_codec::{Codec, SpawnMessage};
///
/// let err = SpawnMessage::decode(&[0x00, 0x07]).unwrap_err();
/// assert_eq!(err.offset, 0);
/// assert_eq!(err.to_string(), "at byte 0: unsupported version 7 (this codec reads version 0)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: {kind}")]
pub struct DecodeError {
    /// Offset, from the start of the decoded input, of the first byte that could not be read.
    pub offset: usize,
    /// What is wrong there.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// Builds an error at `offset`.
    pub fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// The reasons a binary decoding can fail. Each has a stable meaning documented in
/// `docs/spec/codec.md`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends before the item does.
    #[error("input ends early: need {needed} more bytes, {available} left")]
    UnexpectedEnd {
        /// Bytes needed to read the next field (a `u64`, not a `usize`: a count of items
        /// times their least size can pass 2^32, and the message must read the same on
        /// 32-bit platforms such as the JavaScript package's wasm32, because a receipt can
        /// carry it).
        needed: u64,
        /// Bytes left in the input (or in the enclosing section).
        available: usize,
    },
    /// Bytes remain after a complete item (or after a section body).
    #[error("{count} trailing bytes")]
    TrailingBytes {
        /// Number of unread bytes.
        count: usize,
    },
    /// A bool byte other than 0x00 or 0x01.
    #[error("invalid bool 0x{0:02x}")]
    InvalidBool(u8),
    /// A string that is not valid UTF-8.
    #[error("invalid UTF-8 in {0}")]
    InvalidUtf8(&'static str),
    /// The item's version is not one this codec reads.
    #[error("unsupported version {0} (this codec reads version 0)")]
    UnsupportedVersion(u16),
    /// The item kind byte is not the one expected here.
    #[error("expected item kind 0x{expected:02x}, found 0x{found:02x}")]
    UnexpectedItemKind {
        /// The kind that was expected.
        expected: u8,
        /// The kind that was found.
        found: u8,
    },
    /// An unknown transaction type in an envelope.
    #[error("unknown transaction type {0}")]
    UnknownTxType(u8),
    /// The message that follows an envelope is not of the envelope's transaction type.
    #[error("message kind 0x{message_kind:02x} does not match envelope type {tx_type}")]
    TxTypeMismatch {
        /// The envelope's transaction type.
        tx_type: u8,
        /// The message's item kind.
        message_kind: u8,
    },
    /// A template section kind below 0x8000 (must-understand) that this codec does not know.
    #[error("unknown required section kind 0x{0:04x}")]
    UnknownSectionKind(u16),
    /// Template sections out of ascending kind order, or repeated.
    #[error("section kind 0x{kind:04x} is not greater than the previous kind 0x{previous:04x}")]
    SectionOrder {
        /// This section's kind.
        kind: u16,
        /// The previous section's kind.
        previous: u16,
    },
    /// A template lacks a required section.
    #[error("missing required section {0}")]
    MissingSection(&'static str),
    /// An unknown code kind in the code section.
    #[error("unknown code kind {0}")]
    UnknownCodeKind(u16),
    /// Code flags with reserved bits set.
    #[error("reserved code flag bits set: 0x{0:016x}")]
    ReservedFlags(u64),
    /// An unknown data layout kind.
    #[error("unknown data layout kind {0}")]
    UnknownLayoutKind(u8),
    /// An unknown ABI type marker.
    #[error("unknown ABI type marker 0x{0:02x}")]
    UnknownAbiMarker(u8),
    /// ABI array types nested deeper than the configured limit.
    #[error("ABI nesting deeper than {max}")]
    AbiTooDeep {
        /// The configured maximum depth.
        max: usize,
    },
    /// An unknown runtime error code in a failure receipt.
    #[error("unknown runtime error code {0}")]
    UnknownErrorCode(u16),
    /// An unknown call kind in a receipt's call tree.
    #[error("unknown call kind {0}")]
    UnknownCallKind(u8),
    /// An unknown call status in a receipt's call tree.
    #[error("unknown call status {0}")]
    UnknownCallStatus(u8),
    /// A list that must be strictly ascending (touched accounts) or free of duplicates
    /// (constructor names) is not.
    #[error("non-canonical {0}")]
    NonCanonical(&'static str),
    /// A length, count or size exceeds a configured [`crate::CodecLimits`] value.
    #[error("{what} of {len} exceeds the limit {max}")]
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// The value found.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// An item header whose kind byte no item has (when the item is recognised from its
    /// header, [`crate::ItemKind::detect`]).
    #[error(
        "unknown item kind 0x{0:02x} (envelope 01, context 02, messages 10-12, receipts 20-22)"
    )]
    UnknownItemKind(u8),
}

impl DecodeErrorKind {
    /// The error's stable code: kebab-case, the same in every binding (the JavaScript
    /// package's `SvmError.code`) and listed in `docs/spec/codec.md` §12. Messages may be
    /// reworded; codes never change meaning.
    ///
    /// ```
    /// use svm_codec::{Codec, Envelope};
    ///
    /// let err = Envelope::decode(&[0, 0, 1]).unwrap_err();
    /// assert_eq!(err.kind.code(), "unexpected-end");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            DecodeErrorKind::UnexpectedEnd { .. } => "unexpected-end",
            DecodeErrorKind::TrailingBytes { .. } => "trailing-bytes",
            DecodeErrorKind::InvalidBool(_) => "invalid-bool",
            DecodeErrorKind::InvalidUtf8(_) => "invalid-utf8",
            DecodeErrorKind::UnsupportedVersion(_) => "unsupported-version",
            DecodeErrorKind::UnexpectedItemKind { .. } => "unexpected-item-kind",
            DecodeErrorKind::UnknownTxType(_) => "unknown-tx-type",
            DecodeErrorKind::UnknownCallKind(_) => "unknown-call-kind",
            DecodeErrorKind::UnknownCallStatus(_) => "unknown-call-status",
            DecodeErrorKind::TxTypeMismatch { .. } => "tx-type-mismatch",
            DecodeErrorKind::UnknownSectionKind(_) => "unknown-section-kind",
            DecodeErrorKind::SectionOrder { .. } => "section-order",
            DecodeErrorKind::MissingSection(_) => "missing-section",
            DecodeErrorKind::UnknownCodeKind(_) => "unknown-code-kind",
            DecodeErrorKind::ReservedFlags(_) => "reserved-flags",
            DecodeErrorKind::UnknownLayoutKind(_) => "unknown-layout-kind",
            DecodeErrorKind::UnknownAbiMarker(_) => "unknown-abi-marker",
            DecodeErrorKind::AbiTooDeep { .. } => "abi-too-deep",
            DecodeErrorKind::UnknownErrorCode(_) => "unknown-error-code",
            DecodeErrorKind::NonCanonical(_) => "non-canonical",
            DecodeErrorKind::LimitExceeded { .. } => "limit-exceeded",
            DecodeErrorKind::UnknownItemKind(_) => "unknown-item-kind",
        }
    }
}

/// A JSON input that does not describe a valid item. `path` names the offending field
/// (for example `calldata.data[1]`), empty for the top level.
///
/// ```
/// let err = svm_codec::json::call_from_json(r#"{"version":0,"target":"00","func_name":"f"}"#)
///     .unwrap_err();
/// assert_eq!(err.path, "target");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", if path.is_empty() { String::new() } else { format!("field `{path}`: ") })]
pub struct JsonError {
    /// Dotted path of the field at fault (`calldata.data[1]`); empty for the whole document.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl JsonError {
    /// The code of every JSON error (`invalid-json`), as [`DecodeErrorKind::code`] names
    /// binary ones; [`JsonError::path`] says where.
    pub const CODE: &'static str = "invalid-json";

    /// An error about the field at `path`.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// A value that does not match its declared ABI type (when encoding calldata).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AbiError {
    /// An array item whose type differs from the array's element type.
    #[error("array item {index} has type {found}, the array holds {expected}")]
    TypeMismatch {
        /// Index of the item in its array.
        index: usize,
        /// The array's element type.
        expected: String,
        /// The item's type.
        found: String,
    },
    /// Array types nested deeper than the limit.
    #[error("ABI nesting deeper than {max}")]
    TooDeep {
        /// The maximum depth.
        max: usize,
    },
}
