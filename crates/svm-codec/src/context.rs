//! The execution context the node passes with each transaction.

use svm_types::{Layer, TxId};

use crate::DecodeError;
use crate::wire::{Item, Reader, impl_codec_for_item, kind};

/// Data the node supplies alongside a transaction: the layer it executes in and the
/// transaction id (see [`crate::tx_id`]). Encoded in a fixed 43 bytes.
///
/// ```
/// use svm_codec::{Codec, Context};
/// use svm_types::{Layer, TxId};
///
/// let ctx = Context { layer: Layer(5), tx_id: TxId([9; 32]) };
/// assert_eq!(Context::decode(&ctx.encode()).unwrap(), ctx);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Context {
    /// The layer the transaction executes in.
    pub layer: Layer,
    /// The transaction id.
    pub tx_id: TxId,
}

impl Context {
    /// Encoded size in bytes.
    pub const SIZE: usize = 43;
}

impl Item for Context {
    const KIND: u8 = kind::CONTEXT;

    fn encode_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.layer.0.to_be_bytes());
        out.extend_from_slice(self.tx_id.as_bytes());
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Context {
            layer: Layer(r.u64()?),
            tx_id: TxId(r.array()?),
        })
    }
}

impl_codec_for_item!(Context);
