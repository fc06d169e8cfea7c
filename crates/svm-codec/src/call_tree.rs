//! The call tree of a receipt: one [`CallFrame`] per contract-to-contract call the
//! transaction made (synchronous, static, asynchronous, callback), in the order they started.
//! The transaction's own call is the receipt itself and is not listed; a transaction that
//! calls no other contract has an empty tree.

use svm_types::{Address, Gas};

use crate::spawn::put_str;
use crate::wire::{Reader, put_len};
use crate::{DecodeError, DecodeErrorKind};

/// How a frame was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallKind {
    /// 0: a synchronous call (`svm_call`), which may change state.
    Call,
    /// 1: a read-only call (`svm_static_call`).
    Static,
    /// 2: an asynchronous call (`svm_call_async`), run after the transaction.
    Async,
    /// 3: the callback of an asynchronous call, into the account that queued it.
    Callback,
}

impl CallKind {
    /// The kind's stable code.
    pub fn code(self) -> u8 {
        match self {
            CallKind::Call => 0,
            CallKind::Static => 1,
            CallKind::Async => 2,
            CallKind::Callback => 3,
        }
    }

    /// The kind of `code`, if any.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => CallKind::Call,
            1 => CallKind::Static,
            2 => CallKind::Async,
            3 => CallKind::Callback,
            _ => return None,
        })
    }

    /// The kind's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Call => "call",
            CallKind::Static => "static",
            CallKind::Async => "async",
            CallKind::Callback => "callback",
        }
    }

    /// The kind named `name` in JSON.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            CallKind::Call,
            CallKind::Static,
            CallKind::Async,
            CallKind::Callback,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// How a frame ended: the status code the caller's `svm_call` returned (0 is success),
/// listed in `docs/spec/host-abi.md` (Calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallStatus {
    /// 0: the callee returned; its changes are kept.
    Ok,
    /// 1: the callee failed (trap, abort, bad argument, a write in a static call...).
    Failed,
    /// 2: the callee ran out of the gas it was given.
    OutOfGas,
    /// 3: no account at the callee's address.
    AccountNotFound,
    /// 4: the callee's account has no template.
    NoTemplate,
    /// 5: the function is not an exported `() -> ()` function, or is a constructor.
    FunctionNotFound,
    /// 6: the caller's account cannot pay the amount.
    InsufficientFunds,
    /// 7: the call would pass the depth limit.
    DepthExceeded,
    /// 8: the callee is already running in this call stack (reentrancy is refused).
    Reentrant,
}

impl CallStatus {
    const ALL: [CallStatus; 9] = [
        CallStatus::Ok,
        CallStatus::Failed,
        CallStatus::OutOfGas,
        CallStatus::AccountNotFound,
        CallStatus::NoTemplate,
        CallStatus::FunctionNotFound,
        CallStatus::InsufficientFunds,
        CallStatus::DepthExceeded,
        CallStatus::Reentrant,
    ];

    /// The status's stable code (what `svm_call` returns).
    pub fn code(self) -> u8 {
        match self {
            CallStatus::Ok => 0,
            CallStatus::Failed => 1,
            CallStatus::OutOfGas => 2,
            CallStatus::AccountNotFound => 3,
            CallStatus::NoTemplate => 4,
            CallStatus::FunctionNotFound => 5,
            CallStatus::InsufficientFunds => 6,
            CallStatus::DepthExceeded => 7,
            CallStatus::Reentrant => 8,
        }
    }

    /// The status of `code`, if any.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CallStatus::Ok => "ok",
            CallStatus::Failed => "failed",
            CallStatus::OutOfGas => "out-of-gas",
            CallStatus::AccountNotFound => "account-not-found",
            CallStatus::NoTemplate => "no-template",
            CallStatus::FunctionNotFound => "function-not-found",
            CallStatus::InsufficientFunds => "insufficient-funds",
            CallStatus::DepthExceeded => "depth-exceeded",
            CallStatus::Reentrant => "reentrant",
        }
    }

    /// The status named `name` in JSON.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One contract-to-contract call of a transaction.
///
/// ```
/// use svm_codec::{CallFrame, CallKind, CallStatus};
/// use svm_types::{Address, Gas};
///
/// let frame = CallFrame {
///     depth: 1,
///     kind: CallKind::Call,
///     caller: Address([1; 20]),
///     callee: Address([2; 20]),
///     function: "transfer".into(),
///     gas_used: Gas(52_000),
///     status: CallStatus::Ok,
/// };
/// assert!(frame.status == CallStatus::Ok && frame.kind.name() == "call");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallFrame {
    /// 1 for a call made by the transaction's code, 2 for a call made by that callee, and so
    /// on; an asynchronous call and a callback run at depth 1 (they start a stack of their
    /// own).
    pub depth: u8,
    /// How it was called.
    pub kind: CallKind,
    /// The account whose code made the call (for a callback: the account that answers).
    pub caller: Address,
    /// The account whose code ran (for a callback: the account that queued the call).
    pub callee: Address,
    /// The function called.
    pub function: String,
    /// Gas the frame used, its own calls included.
    pub gas_used: Gas,
    /// How it ended.
    pub status: CallStatus,
}

/// A frame's least size on the wire (an empty function name).
const MIN_FRAME_SIZE: usize = 1 + 1 + 20 + 20 + 4 + 8 + 1;

pub(crate) fn put_calls(out: &mut Vec<u8>, calls: &[CallFrame]) {
    put_len(out, calls.len());
    for c in calls {
        out.push(c.depth);
        out.push(c.kind.code());
        out.extend_from_slice(c.caller.as_bytes());
        out.extend_from_slice(c.callee.as_bytes());
        put_str(out, &c.function);
        out.extend_from_slice(&c.gas_used.0.to_be_bytes());
        out.push(c.status.code());
    }
}

pub(crate) fn get_calls(r: &mut Reader<'_>) -> Result<Vec<CallFrame>, DecodeError> {
    let n = r.count("call frame count", r.limits.max_call_frames, MIN_FRAME_SIZE)?;
    let mut calls = Vec::with_capacity(n);
    for _ in 0..n {
        let depth = r.u8()?;
        let at = r.offset();
        let kind = r.u8()?;
        let kind = match CallKind::from_code(kind) {
            Some(k) => k,
            None => return r.err_at(at, DecodeErrorKind::UnknownCallKind(kind)),
        };
        let caller = Address(r.array()?);
        let callee = Address(r.array()?);
        let function = r.string("call frame function")?;
        let gas_used = Gas(r.u64()?);
        let at = r.offset();
        let status = r.u8()?;
        let status = match CallStatus::from_code(status) {
            Some(s) => s,
            None => return r.err_at(at, DecodeErrorKind::UnknownCallStatus(status)),
        };
        calls.push(CallFrame {
            depth,
            kind,
            caller,
            callee,
            function,
            gas_used,
            status,
        });
    }
    Ok(calls)
}
