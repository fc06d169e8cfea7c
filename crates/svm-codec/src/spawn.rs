//! The spawn message: create an account from a template.

use svm_types::TemplateAddr;

use crate::DecodeError;
use crate::wire::{Item, Reader, impl_codec_for_item, kind, put_bytes};

/// Spawns an account of `template`, running constructor `ctor` with `calldata`.
///
/// ```
/// use svm_codec::{Codec, SpawnMessage};
///
/// let msg = SpawnMessage { template: [0xb5; 20].into(), name: "My Account".into(),
///                          ctor: "initialize".into(), calldata: vec![1, 2, 3] };
/// let bytes = msg.encode();
/// assert_eq!(&bytes[..3], &[0, 0, 0x11]); // version 0, kind spawn
/// assert_eq!(SpawnMessage::decode(&bytes).unwrap(), msg);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SpawnMessage {
    /// The template to spawn from.
    pub template: TemplateAddr,
    /// The account's name (informational, may be empty).
    pub name: String,
    /// The constructor to run (one of the template's constructors).
    pub ctor: String,
    /// The constructor's input (usually ABI-encoded, see [`crate::abi`]).
    pub calldata: Vec<u8>,
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

impl Item for SpawnMessage {
    const KIND: u8 = kind::SPAWN;

    fn encode_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.template.as_bytes());
        put_str(out, &self.name);
        put_str(out, &self.ctor);
        put_bytes(out, &self.calldata);
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let template = TemplateAddr(r.array()?);
        let name = r.string("account name")?;
        let ctor = r.string("constructor name")?;
        let calldata = r.bytes("calldata", r.limits.max_calldata)?.to_vec();
        Ok(SpawnMessage {
            template,
            name,
            ctor,
            calldata,
        })
    }
}

impl_codec_for_item!(SpawnMessage);
