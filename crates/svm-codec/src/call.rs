//! The call message: call a function of an account.

use svm_types::Address;

use crate::DecodeError;
use crate::spawn::put_str;
use crate::wire::{Item, Reader, impl_codec_for_item, kind, put_bytes};

/// Calls `function` of account `target` with `calldata` as its input. (The principal's
/// verifydata is not part of the message: it travels beside it, in the
/// [`Transaction`](crate::Transaction), outside what is signed.)
///
/// ```
/// use svm_codec::{Codec, CallMessage};
///
/// let msg = CallMessage { target: [0x06; 20].into(), function: "store_addr".into(),
///                         calldata: vec![0x0d; 21] };
/// assert_eq!(CallMessage::decode(&msg.encode()).unwrap(), msg);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CallMessage {
    /// The called account.
    pub target: Address,
    /// The exported function to run.
    pub function: String,
    /// Input of the function.
    pub calldata: Vec<u8>,
}

impl Item for CallMessage {
    const KIND: u8 = kind::CALL;

    fn encode_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.target.as_bytes());
        put_str(out, &self.function);
        put_bytes(out, &self.calldata);
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let target = Address(r.array()?);
        let function = r.string("function name")?;
        let calldata = r.bytes("calldata", r.limits.max_calldata)?.to_vec();
        Ok(CallMessage {
            target,
            function,
            calldata,
        })
    }
}

impl_codec_for_item!(CallMessage);
