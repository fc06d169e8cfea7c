//! Calling other templates' accounts: the typed way is an interface declared once with
//! [`interface`](crate::interface) and called like a method; underneath are
//! [`env::call`](crate::env::call), [`env::static_call`](crate::env::static_call) and
//! [`env::call_async`](crate::env::call_async) with ABI-encoded calldata.
//!
//! ```
//! use svm_sdk::{Address, call::CallError, interface};
//!
//! /// The token another template calls.
//! #[interface]
//! trait Token {
//!     /// `&mut self`: a call that may change state.
//!     fn transfer(&mut self, to: Address, amount: u64);
//!     /// `&self`: a static (read-only) call.
//!     fn balance_of(&self, who: Address) -> u64;
//! }
//!
//! // natively, the mock host answers for the token
//! let mut host = svm_sdk::testing::MockHost::new(&[]);
//! host.contracts.insert(Address([7; 20]), |call| match call.function.as_str() {
//!     "balance_of" => Ok(svm_sdk::abi::encode_one(&42u64)),
//!     _ => Ok(vec![]),
//! });
//! host.install();
//! let mut token = Token::at(Address([7; 20]));
//! assert_eq!(token.balance_of(Address([1; 20])), Ok(42));
//! assert_eq!(token.transfer(Address([1; 20]), 5), Ok(()));
//! let missing = Token::at(Address([8; 20])).balance_of(Address([1; 20]));
//! assert_eq!(missing.unwrap_err().status, CallError::ACCOUNT_NOT_FOUND);
//! ```

use alloc::vec::Vec;

use crate::abi::{Decode, Encode, Reader, Writer};

/// Why a call did not succeed: its status (the host ABI's code, `docs/spec/host-abi.md`,
/// Calls) and its output (the callee's failure text, empty if it did not run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The status code (never [`CallError::OK`]).
    pub status: u8,
    /// The failure's text, as the receipt would state it.
    pub output: Vec<u8>,
}

impl CallError {
    /// 0: success (never a `CallError`'s status).
    pub const OK: u8 = 0;
    /// 1: the callee trapped, aborted or broke a rule.
    pub const FAILED: u8 = 1;
    /// 2: the callee ran out of the gas it was given.
    pub const OUT_OF_GAS: u8 = 2;
    /// 3: no account at the target.
    pub const ACCOUNT_NOT_FOUND: u8 = 3;
    /// 4: the target has no template.
    pub const NO_TEMPLATE: u8 = 4;
    /// 5: no such function (or a constructor).
    pub const FUNCTION_NOT_FOUND: u8 = 5;
    /// 6: this account cannot pay the amount.
    pub const INSUFFICIENT_FUNDS: u8 = 6;
    /// 7: the call would pass the depth limit.
    pub const DEPTH_EXCEEDED: u8 = 7;
    /// 8: the target is already running in this call stack.
    pub const REENTRANT: u8 = 8;
    /// 255 (the SDK's, not the host's): the callee returned, but its output does not decode
    /// as the interface declares.
    pub const BAD_OUTPUT: u8 = 255;
}

impl CallError {
    /// Ends this call as failed, its reason `context: ` followed by the callee's output (at
    /// most 256 bytes in all).
    pub fn abort(&self, context: &[u8]) -> ! {
        let mut reason = crate::bytes::Text::new();
        reason.push(context);
        reason.push(b": ");
        reason.push(&self.output);
        crate::env::abort(reason.as_bytes())
    }
}

/// An argument of [`encode_args`]: what [`Encode`] writes, without its `Vec`-growing
/// `encode` (a `dyn Encode`'s vtable would link `Vec`'s growth code into every template).
pub trait Arg {
    /// The encoding's size.
    fn arg_len(&self) -> usize;
    /// Writes the encoding.
    fn write_arg(&self, out: &mut Writer<'_>);
}

impl<T: Encode + ?Sized> Arg for T {
    fn arg_len(&self) -> usize {
        self.encoded_len()
    }
    fn write_arg(&self, out: &mut Writer<'_>) {
        self.encode_to(out)
    }
}

/// The calldata of a call: each argument's ABI encoding in turn (what an endpoint decodes),
/// in one buffer sized beforehand (no `Vec` growth code is linked).
pub fn encode_args(args: &[&dyn Arg]) -> Vec<u8> {
    let len = args.iter().map(|a| a.arg_len()).sum();
    let mut out = crate::bytes::zeroed(len);
    let mut w = Writer::new(&mut out);
    for a in args {
        a.write_arg(&mut w);
    }
    out
}

/// Decodes a callee's output as one `T` (what an endpoint returning `T` sets).
pub fn decode_output<T: Decode>(output: Vec<u8>) -> Result<T, CallError> {
    let mut r = Reader::new(&output);
    match T::decode(&mut r).and_then(|v| r.finish().map(|()| v)) {
        Ok(v) => Ok(v),
        Err(_) => Err(CallError {
            status: CallError::BAD_OUTPUT,
            output,
        }),
    }
}

/// How an interface handle calls: the coins and gas its next call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallOptions {
    /// Coins moved with each state-changing call.
    pub amount: u64,
    /// The most gas each call may use (0: all that may be forwarded).
    pub gas: u64,
}
