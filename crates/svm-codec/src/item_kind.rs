//! Every item of the codec by name: recognising an item from its header, and converting
//! between its bytes and its JSON form without naming its Rust type. `svm decode` and the
//! JavaScript package (`bindings/js`) go through here, so they agree on names and forms.

use std::{fmt, str::FromStr};

use serde_json::Value as Json;

use crate::json::{Calldata, JsonForm};
use crate::{
    CallMessage, CallReceipt, Codec, CodecLimits, Context, DecodeError, DecodeErrorKind,
    DeployMessage, DeployReceipt, Envelope, JsonError, Receipt, SpawnMessage, SpawnReceipt,
    Transaction, abi, kind,
};

/// The items of the wire format, by the names their JSON forms and golden vectors use.
///
/// ```
/// use svm_codec::ItemKind;
///
/// let json = serde_json::json!({"version": 0, "layer": "7", "tx_id": "ab".repeat(32)});
/// let bytes = ItemKind::Context.encode_json(&json)?;
/// assert_eq!(ItemKind::detect(&bytes)?, ItemKind::Context);
/// assert_eq!(ItemKind::Context.decode_json(&bytes, &Default::default())?, json);
/// assert_eq!("call_receipt".parse::<ItemKind>()?, ItemKind::CallReceipt);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    /// [`Envelope`] (`envelope`).
    Envelope,
    /// [`Context`] (`context`).
    Context,
    /// [`DeployMessage`] (`deploy`).
    Deploy,
    /// [`SpawnMessage`] (`spawn`).
    Spawn,
    /// [`CallMessage`] (`call`).
    Call,
    /// [`Transaction`]: envelope, verifydata, message (`transaction`).
    Transaction,
    /// Any [`Receipt`] (`receipt`), its type taken from the kind byte.
    Receipt,
    /// [`DeployReceipt`] (`deploy_receipt`).
    DeployReceipt,
    /// [`SpawnReceipt`] (`spawn_receipt`).
    SpawnReceipt,
    /// [`CallReceipt`] (`call_receipt`).
    CallReceipt,
    /// ABI calldata (`calldata`): no header, JSON `{"abi": [...], "data": [...]}`.
    Calldata,
}

impl ItemKind {
    /// Every item kind, in declaration order.
    pub const ALL: [ItemKind; 11] = [
        ItemKind::Envelope,
        ItemKind::Context,
        ItemKind::Deploy,
        ItemKind::Spawn,
        ItemKind::Call,
        ItemKind::Transaction,
        ItemKind::Receipt,
        ItemKind::DeployReceipt,
        ItemKind::SpawnReceipt,
        ItemKind::CallReceipt,
        ItemKind::Calldata,
    ];

    /// The item's name (`envelope`, `call_receipt`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Envelope => "envelope",
            ItemKind::Context => "context",
            ItemKind::Deploy => "deploy",
            ItemKind::Spawn => "spawn",
            ItemKind::Call => "call",
            ItemKind::Transaction => "transaction",
            ItemKind::Receipt => "receipt",
            ItemKind::DeployReceipt => "deploy_receipt",
            ItemKind::SpawnReceipt => "spawn_receipt",
            ItemKind::CallReceipt => "call_receipt",
            ItemKind::Calldata => "calldata",
        }
    }

    /// Recognises a headed item from its kind byte (the third byte). An envelope byte
    /// followed by more than an envelope's 64 bytes is a transaction; a receipt kind gives
    /// its specific receipt. Calldata has no header and is never recognised.
    ///
    /// Errors: [`DecodeErrorKind::UnexpectedEnd`] at byte 0 for fewer than 3 bytes, and
    /// [`DecodeErrorKind::UnknownItemKind`] at byte 2 for a kind byte no item has. The
    /// version is checked by the decoder, not here.
    pub fn detect(bytes: &[u8]) -> Result<ItemKind, DecodeError> {
        let Some(&byte) = bytes.get(2) else {
            return Err(DecodeError::new(
                0,
                DecodeErrorKind::UnexpectedEnd {
                    needed: 3,
                    available: bytes.len(),
                },
            ));
        };
        Ok(match byte {
            kind::ENVELOPE if bytes.len() > Envelope::SIZE => ItemKind::Transaction,
            kind::ENVELOPE => ItemKind::Envelope,
            kind::CONTEXT => ItemKind::Context,
            kind::DEPLOY => ItemKind::Deploy,
            kind::SPAWN => ItemKind::Spawn,
            kind::CALL => ItemKind::Call,
            kind::DEPLOY_RECEIPT => ItemKind::DeployReceipt,
            kind::SPAWN_RECEIPT => ItemKind::SpawnReceipt,
            kind::CALL_RECEIPT => ItemKind::CallReceipt,
            other => return Err(DecodeError::new(2, DecodeErrorKind::UnknownItemKind(other))),
        })
    }

    /// Decodes `bytes` as this item, under `limits`, into its JSON form.
    pub fn decode_json(self, bytes: &[u8], limits: &CodecLimits) -> Result<Json, DecodeError> {
        fn json<T: Codec + JsonForm>(
            bytes: &[u8],
            limits: &CodecLimits,
        ) -> Result<Json, DecodeError> {
            T::decode_with_limits(bytes, limits).map(|item| item.to_json())
        }
        match self {
            ItemKind::Envelope => json::<Envelope>(bytes, limits),
            ItemKind::Context => json::<Context>(bytes, limits),
            ItemKind::Deploy => json::<DeployMessage>(bytes, limits),
            ItemKind::Spawn => json::<SpawnMessage>(bytes, limits),
            ItemKind::Call => json::<CallMessage>(bytes, limits),
            ItemKind::Transaction => json::<Transaction>(bytes, limits),
            ItemKind::Receipt => json::<Receipt>(bytes, limits),
            ItemKind::DeployReceipt => json::<DeployReceipt>(bytes, limits),
            ItemKind::SpawnReceipt => json::<SpawnReceipt>(bytes, limits),
            ItemKind::CallReceipt => json::<CallReceipt>(bytes, limits),
            ItemKind::Calldata => abi::decode_with_limits(bytes, limits).map(|v| abi::to_json(&v)),
        }
    }

    /// Encodes this item from its JSON form (the errors name the offending field).
    pub fn encode_json(self, v: &Json) -> Result<Vec<u8>, JsonError> {
        fn bytes<T: Codec + JsonForm>(v: &Json) -> Result<Vec<u8>, JsonError> {
            T::from_json(v).map(|item| item.encode())
        }
        match self {
            ItemKind::Envelope => bytes::<Envelope>(v),
            ItemKind::Context => bytes::<Context>(v),
            ItemKind::Deploy => bytes::<DeployMessage>(v),
            ItemKind::Spawn => bytes::<SpawnMessage>(v),
            ItemKind::Call => bytes::<CallMessage>(v),
            ItemKind::Transaction => bytes::<Transaction>(v),
            ItemKind::Receipt => bytes::<Receipt>(v),
            ItemKind::DeployReceipt => bytes::<DeployReceipt>(v),
            ItemKind::SpawnReceipt => bytes::<SpawnReceipt>(v),
            ItemKind::CallReceipt => bytes::<CallReceipt>(v),
            ItemKind::Calldata => {
                let Calldata(values) = Calldata::from_json(v)?;
                abi::encode(&values).map_err(|e| JsonError::new("data", e.to_string()))
            }
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not an [`ItemKind`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown item `{0}` (expected one of: envelope, context, deploy, spawn, call, transaction, receipt, deploy_receipt, spawn_receipt, call_receipt, calldata)"
)]
pub struct UnknownItemName(pub String);

impl FromStr for ItemKind {
    type Err = UnknownItemName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ItemKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownItemName(s.to_owned()))
    }
}
