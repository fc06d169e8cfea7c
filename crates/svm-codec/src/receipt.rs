//! Receipts of deploy, spawn and call transactions, success and failure, and the typed
//! runtime errors they carry.

use svm_types::{Address, Gas, Nonce, State, TemplateAddr};

use crate::call_tree::{CallFrame, get_calls, put_calls};
use crate::spawn::put_str;
use crate::wire::{Item, Reader, impl_codec_for_item, kind, put_bytes, put_len};
use crate::{Codec, CodecLimits, DecodeError, DecodeErrorKind};

/// Why a transaction failed. Each variant has a stable numeric code (see [`Self::code`] and
/// the spec); the runtime produces them, receipts carry them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// 1: the gas limit was reached.
    #[error("out of gas")]
    OutOfGas,
    /// 2: no template at this address.
    #[error("template {0} not found")]
    TemplateNotFound(TemplateAddr),
    /// 3: no account at this address.
    #[error("account {0} not found")]
    AccountNotFound(Address),
    /// 4: the template's code does not compile (or fails validation of its wasm).
    #[error("compilation failed: {0}")]
    CompilationFailed(String),
    /// 5: the module could not be instantiated.
    #[error("instantiation failed: {0}")]
    InstantiationFailed(String),
    /// 6: the function is not exported.
    #[error("function {0:?} not found")]
    FuncNotFound(String),
    /// 7: a spawn named a function that is not a constructor.
    #[error("function {0:?} is not a constructor")]
    FuncNotCtor(String),
    /// 8: the function may not be called this way (e.g. a constructor in a call).
    #[error("function {function:?} not allowed: {message}")]
    FuncNotAllowed {
        /// The function.
        function: String,
        /// Why.
        message: String,
    },
    /// 9: the function's wasm signature is not the one required.
    #[error("function {0:?} has an invalid signature")]
    FuncInvalidSignature(String),
    /// 10: the code trapped (or a host function failed on the guest's behalf).
    #[error("trap: {0}")]
    Trap(String),
    /// 11: the principal cannot pay the amount plus the maximum fee.
    #[error("insufficient funds")]
    InsufficientFunds,
    /// 12: the envelope's nonce is not the principal's next nonce.
    #[error("nonce mismatch: expected {expected}, found {found}")]
    NonceMismatch {
        /// The nonce the account expects.
        expected: Nonce,
        /// The nonce the envelope carries.
        found: Nonce,
    },
    /// 13: the message is syntactically valid but semantically not (e.g. a bad template).
    #[error("validation failed: {0}")]
    ValidationFailed(String),
    /// 14: the template is already deployed.
    #[error("template {0} already exists")]
    TemplateAlreadyExists(TemplateAddr),
    /// 15: the account already exists.
    #[error("account {0} already exists")]
    AccountAlreadyExists(Address),
    /// 16: the account's verify step rejected the transaction.
    #[error("verify failed")]
    VerifyFailed,
    /// 17: the message bytes do not decode.
    #[error("invalid message: {0}")]
    InvalidMessage(String),
    /// 18: admission refused: the envelope's gas fee is below the runtime's minimum.
    #[error("gas fee too low: at least {minimum}, found {found}")]
    GasFeeTooLow {
        /// The smallest accepted gas fee.
        minimum: u64,
        /// The envelope's gas fee.
        found: u64,
    },
    /// 19: admission refused: the envelope's gas limit is above the per-transaction cap or
    /// the gas still available in the layer.
    #[error("gas limit too high: at most {maximum}, found {found}")]
    GasLimitTooHigh {
        /// The largest gas limit accepted now.
        maximum: u64,
        /// The envelope's gas limit.
        found: u64,
    },
    /// 20: admission refused: the principal's nonce reached its largest value.
    #[error("nonce exhausted")]
    NonceExhausted,
    /// 21: admission refused: the principal has no account.
    #[error("principal {0} not found")]
    PrincipalNotFound(Address),
    /// 22: the account exists but has no template, so it has no functions.
    #[error("account {0} has no template")]
    NoTemplate(Address),
    /// 23: admission refused (local fee market): the call's target account has less of
    /// its per-layer gas left than the envelope's gas limit.
    #[error("account {account} has {maximum} gas left in this layer, the gas limit is {found}")]
    AccountGasCap {
        /// The call's target.
        account: Address,
        /// The gas the target's transactions may still use in the layer.
        maximum: u64,
        /// The envelope's gas limit.
        found: u64,
    },
    /// 24: admission refused: the envelope's gas limit is below the gas its message is
    /// charged before it is decoded (`docs/spec/host-abi.md`, Intrinsic gas).
    #[error("gas limit too low: at least {minimum}, found {found}")]
    GasLimitTooLow {
        /// The smallest gas limit accepted for this message.
        minimum: u64,
        /// The envelope's gas limit.
        found: u64,
    },
}

/// Cuts `s` to at most `max` bytes on a character boundary.
///
/// ```
/// assert_eq!(svm_codec::truncate_utf8("héllo", 2), "h");
/// ```
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl RuntimeError {
    /// A [`RuntimeError::Trap`] whose message is cut to the default string limit, so the
    /// receipt always decodes under [`CodecLimits::DEFAULT`].
    pub fn trap(message: &str) -> Self {
        RuntimeError::Trap(truncate_utf8(message, CodecLimits::DEFAULT.max_string_len).to_owned())
    }

    /// The stable numeric code.
    pub fn code(&self) -> u16 {
        match self {
            RuntimeError::OutOfGas => 1,
            RuntimeError::TemplateNotFound(_) => 2,
            RuntimeError::AccountNotFound(_) => 3,
            RuntimeError::CompilationFailed(_) => 4,
            RuntimeError::InstantiationFailed(_) => 5,
            RuntimeError::FuncNotFound(_) => 6,
            RuntimeError::FuncNotCtor(_) => 7,
            RuntimeError::FuncNotAllowed { .. } => 8,
            RuntimeError::FuncInvalidSignature(_) => 9,
            RuntimeError::Trap(_) => 10,
            RuntimeError::InsufficientFunds => 11,
            RuntimeError::NonceMismatch { .. } => 12,
            RuntimeError::ValidationFailed(_) => 13,
            RuntimeError::TemplateAlreadyExists(_) => 14,
            RuntimeError::AccountAlreadyExists(_) => 15,
            RuntimeError::VerifyFailed => 16,
            RuntimeError::InvalidMessage(_) => 17,
            RuntimeError::GasFeeTooLow { .. } => 18,
            RuntimeError::GasLimitTooHigh { .. } => 19,
            RuntimeError::NonceExhausted => 20,
            RuntimeError::PrincipalNotFound(_) => 21,
            RuntimeError::NoTemplate(_) => 22,
            RuntimeError::AccountGasCap { .. } => 23,
            RuntimeError::GasLimitTooLow { .. } => 24,
        }
    }

    /// The JSON `type` name (kebab-case).
    pub fn name(&self) -> &'static str {
        match self {
            RuntimeError::OutOfGas => "out-of-gas",
            RuntimeError::TemplateNotFound(_) => "template-not-found",
            RuntimeError::AccountNotFound(_) => "account-not-found",
            RuntimeError::CompilationFailed(_) => "compilation-failed",
            RuntimeError::InstantiationFailed(_) => "instantiation-failed",
            RuntimeError::FuncNotFound(_) => "func-not-found",
            RuntimeError::FuncNotCtor(_) => "func-not-ctor",
            RuntimeError::FuncNotAllowed { .. } => "func-not-allowed",
            RuntimeError::FuncInvalidSignature(_) => "func-invalid-signature",
            RuntimeError::Trap(_) => "trap",
            RuntimeError::InsufficientFunds => "insufficient-funds",
            RuntimeError::NonceMismatch { .. } => "nonce-mismatch",
            RuntimeError::ValidationFailed(_) => "validation-failed",
            RuntimeError::TemplateAlreadyExists(_) => "template-already-exists",
            RuntimeError::AccountAlreadyExists(_) => "account-already-exists",
            RuntimeError::VerifyFailed => "verify-failed",
            RuntimeError::InvalidMessage(_) => "invalid-message",
            RuntimeError::GasFeeTooLow { .. } => "gas-fee-too-low",
            RuntimeError::GasLimitTooHigh { .. } => "gas-limit-too-high",
            RuntimeError::NonceExhausted => "nonce-exhausted",
            RuntimeError::PrincipalNotFound(_) => "principal-not-found",
            RuntimeError::NoTemplate(_) => "no-template",
            RuntimeError::AccountGasCap { .. } => "account-gas-cap",
            RuntimeError::GasLimitTooLow { .. } => "gas-limit-too-low",
        }
    }

    pub(crate) fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.code().to_be_bytes());
        match self {
            RuntimeError::OutOfGas
            | RuntimeError::InsufficientFunds
            | RuntimeError::VerifyFailed
            | RuntimeError::NonceExhausted => {}
            RuntimeError::TemplateNotFound(t) | RuntimeError::TemplateAlreadyExists(t) => {
                out.extend_from_slice(t.as_bytes())
            }
            RuntimeError::AccountNotFound(a)
            | RuntimeError::AccountAlreadyExists(a)
            | RuntimeError::PrincipalNotFound(a)
            | RuntimeError::NoTemplate(a) => out.extend_from_slice(a.as_bytes()),
            RuntimeError::GasFeeTooLow {
                minimum: bound,
                found,
            }
            | RuntimeError::GasLimitTooHigh {
                maximum: bound,
                found,
            }
            | RuntimeError::GasLimitTooLow {
                minimum: bound,
                found,
            } => {
                out.extend_from_slice(&bound.to_be_bytes());
                out.extend_from_slice(&found.to_be_bytes());
            }
            RuntimeError::CompilationFailed(s)
            | RuntimeError::InstantiationFailed(s)
            | RuntimeError::FuncNotFound(s)
            | RuntimeError::FuncNotCtor(s)
            | RuntimeError::FuncInvalidSignature(s)
            | RuntimeError::Trap(s)
            | RuntimeError::ValidationFailed(s)
            | RuntimeError::InvalidMessage(s) => put_str(out, s),
            RuntimeError::FuncNotAllowed { function, message } => {
                put_str(out, function);
                put_str(out, message);
            }
            RuntimeError::NonceMismatch { expected, found } => {
                out.extend_from_slice(&expected.0.to_be_bytes());
                out.extend_from_slice(&found.0.to_be_bytes());
            }
            RuntimeError::AccountGasCap {
                account,
                maximum,
                found,
            } => {
                out.extend_from_slice(account.as_bytes());
                out.extend_from_slice(&maximum.to_be_bytes());
                out.extend_from_slice(&found.to_be_bytes());
            }
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.offset();
        let code = r.u16()?;
        let m = "error message";
        Ok(match code {
            1 => RuntimeError::OutOfGas,
            2 => RuntimeError::TemplateNotFound(TemplateAddr(r.array()?)),
            3 => RuntimeError::AccountNotFound(Address(r.array()?)),
            4 => RuntimeError::CompilationFailed(r.string(m)?),
            5 => RuntimeError::InstantiationFailed(r.string(m)?),
            6 => RuntimeError::FuncNotFound(r.string("function name")?),
            7 => RuntimeError::FuncNotCtor(r.string("function name")?),
            8 => RuntimeError::FuncNotAllowed {
                function: r.string("function name")?,
                message: r.string(m)?,
            },
            9 => RuntimeError::FuncInvalidSignature(r.string("function name")?),
            10 => RuntimeError::Trap(r.string(m)?),
            11 => RuntimeError::InsufficientFunds,
            12 => RuntimeError::NonceMismatch {
                expected: Nonce(r.u128()?),
                found: Nonce(r.u128()?),
            },
            13 => RuntimeError::ValidationFailed(r.string(m)?),
            14 => RuntimeError::TemplateAlreadyExists(TemplateAddr(r.array()?)),
            15 => RuntimeError::AccountAlreadyExists(Address(r.array()?)),
            16 => RuntimeError::VerifyFailed,
            17 => RuntimeError::InvalidMessage(r.string(m)?),
            18 => RuntimeError::GasFeeTooLow {
                minimum: r.u64()?,
                found: r.u64()?,
            },
            19 => RuntimeError::GasLimitTooHigh {
                maximum: r.u64()?,
                found: r.u64()?,
            },
            20 => RuntimeError::NonceExhausted,
            21 => RuntimeError::PrincipalNotFound(Address(r.array()?)),
            22 => RuntimeError::NoTemplate(Address(r.array()?)),
            23 => RuntimeError::AccountGasCap {
                account: Address(r.array()?),
                maximum: r.u64()?,
                found: r.u64()?,
            },
            24 => RuntimeError::GasLimitTooLow {
                minimum: r.u64()?,
                found: r.u64()?,
            },
            c => return r.err_at(at, DecodeErrorKind::UnknownErrorCode(c)),
        })
    }
}

/// A log entry emitted by a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Log {
    /// Topic for indexing (may be empty).
    pub topic: Vec<u8>,
    /// Payload.
    pub data: Vec<u8>,
}

/// The accounts a transaction touched, always sorted ascending and without duplicates,
/// whatever order they were added in (so receipts are deterministic).
///
/// ```
/// use svm_codec::TouchedAccounts;
/// use svm_types::Address;
///
/// let t: TouchedAccounts = [Address([2; 20]), Address([1; 20]), Address([2; 20])].into_iter().collect();
/// assert_eq!(t.into_vec(), vec![Address([1; 20]), Address([2; 20])]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TouchedAccounts(std::collections::BTreeSet<Address>);

impl TouchedAccounts {
    /// An empty set.
    pub fn new() -> Self {
        Self(std::collections::BTreeSet::new())
    }
    /// Adds an account (O(log n); adding one already there changes nothing). Returns whether
    /// it was new.
    pub fn insert(&mut self, addr: Address) -> bool {
        self.0.insert(addr)
    }
    /// Whether `addr` is in the set.
    pub fn contains(&self, addr: &Address) -> bool {
        self.0.contains(addr)
    }
    /// The accounts, ascending.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Address> + DoubleEndedIterator {
        self.0.iter()
    }
    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The accounts, ascending.
    pub fn into_vec(self) -> Vec<Address> {
        self.0.into_iter().collect()
    }
    /// Adds every account of `other`.
    pub fn extend(&mut self, other: &TouchedAccounts) {
        self.0.extend(other.0.iter().copied());
    }
}

impl From<Vec<Address>> for TouchedAccounts {
    fn from(v: Vec<Address>) -> Self {
        Self(v.into_iter().collect())
    }
}

impl FromIterator<Address> for TouchedAccounts {
    fn from_iter<I: IntoIterator<Item = Address>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// What a successful spawn produced.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SpawnOutput {
    /// The new account's address.
    pub account: Address,
    /// The new account's initial state.
    pub init_state: State,
    /// The constructor's returndata.
    pub returndata: Vec<u8>,
}

/// What a successful call produced.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CallOutput {
    /// The state root after the call.
    pub new_state: State,
    /// The function's returndata.
    pub returndata: Vec<u8>,
}

/// The receipt of a deploy transaction.
///
/// ```
/// use svm_codec::{Codec, DeployReceipt, RuntimeError};
/// use svm_types::Gas;
///
/// let r = DeployReceipt { result: Err(RuntimeError::OutOfGas), gas_used: Gas(1000), logs: vec![] };
/// assert_eq!(DeployReceipt::decode(&r.encode()).unwrap(), r);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeployReceipt {
    /// The template address, or why the deploy failed.
    pub result: Result<TemplateAddr, RuntimeError>,
    /// Gas charged (on failure too).
    pub gas_used: Gas,
    /// Logs emitted.
    pub logs: Vec<Log>,
}

/// The receipt of a spawn transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpawnReceipt {
    /// The new account, or why the spawn failed.
    pub result: Result<SpawnOutput, RuntimeError>,
    /// Gas charged (on failure too).
    pub gas_used: Gas,
    /// Logs emitted.
    pub logs: Vec<Log>,
    /// Accounts whose balance changed, ascending.
    pub touched_accounts: TouchedAccounts,
    /// Every contract-to-contract call the transaction made, in the order they started
    /// (empty when it made none).
    pub calls: Vec<CallFrame>,
}

/// The receipt of a call transaction (also of the verify step).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallReceipt {
    /// The call's output, or why it failed.
    pub result: Result<CallOutput, RuntimeError>,
    /// Gas charged (on failure too).
    pub gas_used: Gas,
    /// Logs emitted.
    pub logs: Vec<Log>,
    /// Accounts whose balance changed, ascending.
    pub touched_accounts: TouchedAccounts,
    /// Every contract-to-contract call the transaction made, in the order they started
    /// (empty when it made none).
    pub calls: Vec<CallFrame>,
}

fn put_result<T>(
    out: &mut Vec<u8>,
    result: &Result<T, RuntimeError>,
    ok: impl FnOnce(&mut Vec<u8>, &T),
) {
    match result {
        Ok(v) => {
            out.push(1);
            ok(out, v);
        }
        Err(e) => {
            out.push(0);
            e.encode_into(out);
        }
    }
}

fn get_result<T>(
    r: &mut Reader<'_>,
    ok: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Result<T, RuntimeError>, DecodeError> {
    Ok(if r.bool()? {
        Ok(ok(r)?)
    } else {
        Err(RuntimeError::decode(r)?)
    })
}

fn put_tail(out: &mut Vec<u8>, gas_used: Gas, logs: &[Log], touched: Option<&TouchedAccounts>) {
    out.extend_from_slice(&gas_used.0.to_be_bytes());
    put_len(out, logs.len());
    for log in logs {
        put_bytes(out, &log.topic);
        put_bytes(out, &log.data);
    }
    if let Some(t) = touched {
        put_len(out, t.len());
        for a in t.iter() {
            out.extend_from_slice(a.as_bytes());
        }
    }
}

fn get_logs(r: &mut Reader<'_>) -> Result<Vec<Log>, DecodeError> {
    let n = r.count("log count", r.limits.max_logs, 8)?;
    let mut logs = Vec::with_capacity(n);
    for _ in 0..n {
        let topic = r.bytes("log topic", r.limits.max_log_size)?.to_vec();
        let data = r.bytes("log data", r.limits.max_log_size)?.to_vec();
        logs.push(Log { topic, data });
    }
    Ok(logs)
}

fn get_touched(r: &mut Reader<'_>) -> Result<TouchedAccounts, DecodeError> {
    let n = r.count("touched account count", r.limits.max_touched_accounts, 20)?;
    let mut set = std::collections::BTreeSet::new();
    let mut last: Option<Address> = None;
    for _ in 0..n {
        let at = r.offset();
        let a = Address(r.array()?);
        if last.is_some_and(|last| last >= a) {
            return r.err_at(
                at,
                DecodeErrorKind::NonCanonical("touched accounts (not strictly ascending)"),
            );
        }
        last = Some(a);
        set.insert(a);
    }
    Ok(TouchedAccounts(set))
}

fn returndata(r: &mut Reader<'_>) -> Result<Vec<u8>, DecodeError> {
    Ok(r.bytes("returndata", r.limits.max_returndata)?.to_vec())
}

impl Item for DeployReceipt {
    const KIND: u8 = kind::DEPLOY_RECEIPT;
    fn encode_body(&self, out: &mut Vec<u8>) {
        put_result(out, &self.result, |o, t| o.extend_from_slice(t.as_bytes()));
        put_tail(out, self.gas_used, &self.logs, None);
    }
    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(DeployReceipt {
            result: get_result(r, |r| Ok(TemplateAddr(r.array()?)))?,
            gas_used: Gas(r.u64()?),
            logs: get_logs(r)?,
        })
    }
}

impl Item for SpawnReceipt {
    const KIND: u8 = kind::SPAWN_RECEIPT;
    fn encode_body(&self, out: &mut Vec<u8>) {
        put_result(out, &self.result, |o, s| {
            o.extend_from_slice(s.account.as_bytes());
            o.extend_from_slice(s.init_state.as_bytes());
            put_bytes(o, &s.returndata);
        });
        put_tail(out, self.gas_used, &self.logs, Some(&self.touched_accounts));
        put_calls(out, &self.calls);
    }
    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SpawnReceipt {
            result: get_result(r, |r| {
                Ok(SpawnOutput {
                    account: Address(r.array()?),
                    init_state: State(r.array()?),
                    returndata: returndata(r)?,
                })
            })?,
            gas_used: Gas(r.u64()?),
            logs: get_logs(r)?,
            touched_accounts: get_touched(r)?,
            calls: get_calls(r)?,
        })
    }
}

impl Item for CallReceipt {
    const KIND: u8 = kind::CALL_RECEIPT;
    fn encode_body(&self, out: &mut Vec<u8>) {
        put_result(out, &self.result, |o, c| {
            o.extend_from_slice(c.new_state.as_bytes());
            put_bytes(o, &c.returndata);
        });
        put_tail(out, self.gas_used, &self.logs, Some(&self.touched_accounts));
        put_calls(out, &self.calls);
    }
    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CallReceipt {
            result: get_result(r, |r| {
                Ok(CallOutput {
                    new_state: State(r.array()?),
                    returndata: returndata(r)?,
                })
            })?,
            gas_used: Gas(r.u64()?),
            logs: get_logs(r)?,
            touched_accounts: get_touched(r)?,
            calls: get_calls(r)?,
        })
    }
}

impl_codec_for_item!(DeployReceipt, SpawnReceipt, CallReceipt);

/// Any receipt; decoding picks the type from the item kind byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Receipt {
    /// A deploy receipt.
    Deploy(DeployReceipt),
    /// A spawn receipt.
    Spawn(SpawnReceipt),
    /// A call receipt.
    Call(CallReceipt),
}

impl Receipt {
    /// Whether the transaction succeeded.
    pub fn is_success(&self) -> bool {
        match self {
            Receipt::Deploy(r) => r.result.is_ok(),
            Receipt::Spawn(r) => r.result.is_ok(),
            Receipt::Call(r) => r.result.is_ok(),
        }
    }

    /// Gas charged.
    pub fn gas_used(&self) -> Gas {
        match self {
            Receipt::Deploy(r) => r.gas_used,
            Receipt::Spawn(r) => r.gas_used,
            Receipt::Call(r) => r.gas_used,
        }
    }

    /// The error, if the transaction failed.
    pub fn error(&self) -> Option<&RuntimeError> {
        match self {
            Receipt::Deploy(r) => r.result.as_ref().err(),
            Receipt::Spawn(r) => r.result.as_ref().err(),
            Receipt::Call(r) => r.result.as_ref().err(),
        }
    }
}

impl Codec for Receipt {
    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Receipt::Deploy(r) => r.encode_into(out),
            Receipt::Spawn(r) => r.encode_into(out),
            Receipt::Call(r) => r.encode_into(out),
        }
    }

    fn decode_with_limits(bytes: &[u8], limits: &CodecLimits) -> Result<Self, DecodeError> {
        Ok(match bytes.get(2) {
            Some(&kind::SPAWN_RECEIPT) => {
                Receipt::Spawn(SpawnReceipt::decode_with_limits(bytes, limits)?)
            }
            Some(&kind::CALL_RECEIPT) => {
                Receipt::Call(CallReceipt::decode_with_limits(bytes, limits)?)
            }
            _ => Receipt::Deploy(DeployReceipt::decode_with_limits(bytes, limits)?),
        })
    }
}
