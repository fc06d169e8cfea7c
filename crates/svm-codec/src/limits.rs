//! Decoder limits: configuration, not format caps.

/// Limits the decoders enforce. They are configuration: the wire format itself can express
/// lengths up to `u32::MAX`. A value beyond a limit is a [`crate::DecodeErrorKind::LimitExceeded`]
/// error.
///
/// ```
/// use svm_codec::{CodecLimits, Codec, CallMessage};
///
/// let limits = CodecLimits { max_calldata: 1 << 20, ..CodecLimits::default() };
/// let msg = CallMessage { target: Default::default(), function: "run".into(),
///                         calldata: vec![0; 100_000] };
/// assert!(CallMessage::decode(&msg.encode()).is_err());
/// assert_eq!(CallMessage::decode_with_limits(&msg.encode(), &limits).unwrap(), msg);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodecLimits {
    /// Largest input any single decode call accepts (a whole transaction, message or receipt).
    pub max_message_size: usize,
    /// Largest calldata or verifydata blob.
    pub max_calldata: usize,
    /// Largest returndata blob in a receipt.
    pub max_returndata: usize,
    /// Longest string (account/function/constructor names, error messages, header texts).
    pub max_string_len: usize,
    /// Deepest nesting of ABI array types (`[[u8]]` has depth 2).
    pub max_abi_depth: usize,
    /// Most logs in one receipt.
    pub max_logs: usize,
    /// Largest log (topic and data, each).
    pub max_log_size: usize,
    /// Most variables in a deploy message's fixed layout.
    pub max_vars: usize,
    /// Most constructors in a deploy message.
    pub max_ctors: usize,
    /// Longest API description in a deploy message, in bytes.
    pub max_api_len: usize,
    /// Most touched accounts in one receipt (the runtime fails a transaction that would
    /// touch more).
    pub max_touched_accounts: usize,
    /// Most frames in one receipt's call tree (the runtime fails a transaction that would
    /// make more calls).
    pub max_call_frames: usize,
}

impl CodecLimits {
    /// The defaults: 4 MiB messages, 64 KiB calldata and returndata, 1 KiB strings,
    /// ABI depth 16, 256 logs of up to 4 KiB, 1,024 variables, 64 constructors, 64 KiB of
    /// API description, 1,024 touched accounts, 1,024 call frames.
    pub const DEFAULT: CodecLimits = CodecLimits {
        max_message_size: 4 << 20,
        max_calldata: 64 << 10,
        max_returndata: 64 << 10,
        max_string_len: 1 << 10,
        max_abi_depth: 16,
        max_logs: 256,
        max_log_size: 4 << 10,
        max_vars: 1024,
        max_ctors: 64,
        max_api_len: 64 << 10,
        max_touched_accounts: 1024,
        max_call_frames: 1024,
    };

    /// No limit beyond what the input holds (for tools that must read anything).
    pub const UNLIMITED: CodecLimits = CodecLimits {
        max_message_size: usize::MAX,
        max_calldata: usize::MAX,
        max_returndata: usize::MAX,
        max_string_len: usize::MAX,
        max_abi_depth: 64,
        max_logs: usize::MAX,
        max_log_size: usize::MAX,
        max_vars: usize::MAX,
        max_ctors: usize::MAX,
        max_api_len: usize::MAX,
        max_touched_accounts: usize::MAX,
        max_call_frames: usize::MAX,
    };
}

impl Default for CodecLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
