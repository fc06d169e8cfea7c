//! The envelope (transaction-agnostic part) and the full transaction (envelope + message).

use svm_types::{Address, Amount, Gas, GasFee, Nonce};

use crate::wire::{Item, Reader, impl_codec_for_item, kind};
use crate::{
    CallMessage, Codec, CodecLimits, DecodeError, DecodeErrorKind, DeployMessage, SpawnMessage,
};

/// The three transaction types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TxType {
    /// Deploys a template (byte 0).
    Deploy,
    /// Spawns an account from a template (byte 1).
    Spawn,
    /// Calls an account (byte 2).
    Call,
}

impl TxType {
    /// The wire byte.
    pub const fn to_byte(self) -> u8 {
        match self {
            TxType::Deploy => 0,
            TxType::Spawn => 1,
            TxType::Call => 2,
        }
    }

    /// The type for a wire byte, if known.
    pub const fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(TxType::Deploy),
            1 => Some(TxType::Spawn),
            2 => Some(TxType::Call),
            _ => None,
        }
    }

    /// The JSON name: `deploy`, `spawn` or `call`.
    pub const fn name(self) -> &'static str {
        match self {
            TxType::Deploy => "deploy",
            TxType::Spawn => "spawn",
            TxType::Call => "call",
        }
    }

    /// The item kind byte of this type's message.
    pub const fn message_kind(self) -> u8 {
        match self {
            TxType::Deploy => kind::DEPLOY,
            TxType::Spawn => kind::SPAWN,
            TxType::Call => kind::CALL,
        }
    }
}

/// The part of a transaction common to all types: who pays, how much is sent, the nonce and
/// the gas terms. Encoded in a fixed 64 bytes.
///
/// ```
/// use svm_codec::{Codec, Envelope, TxType};
/// use svm_types::{Address, Amount, Gas, GasFee, Nonce};
///
/// let env = Envelope { tx_type: TxType::Call, principal: Address([1; 20]), amount: Amount(10),
///                      nonce: Nonce(7), gas_limit: Gas(1_000_000), gas_fee: GasFee(2) };
/// let bytes = env.encode();
/// assert_eq!(bytes.len(), Envelope::SIZE);
/// assert_eq!(Envelope::decode(&bytes).unwrap(), env);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Envelope {
    /// Which message follows.
    pub tx_type: TxType,
    /// The account that pays for gas (and, for spawn/call, the amount).
    pub principal: Address,
    /// Coins moved from the principal to the target (spawned or called) account.
    pub amount: Amount,
    /// The principal's transaction nonce.
    pub nonce: Nonce,
    /// Most gas units this transaction may use.
    pub gas_limit: Gas,
    /// Price of one gas unit.
    pub gas_fee: GasFee,
}

impl Envelope {
    /// Encoded size in bytes.
    pub const SIZE: usize = 64;
}

impl Item for Envelope {
    const KIND: u8 = kind::ENVELOPE;

    fn encode_body(&self, out: &mut Vec<u8>) {
        out.push(self.tx_type.to_byte());
        out.extend_from_slice(self.principal.as_bytes());
        out.extend_from_slice(&self.amount.0.to_be_bytes());
        out.extend_from_slice(&self.nonce.0.to_be_bytes());
        out.extend_from_slice(&self.gas_limit.0.to_be_bytes());
        out.extend_from_slice(&self.gas_fee.0.to_be_bytes());
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.offset();
        let t = r.u8()?;
        let Some(tx_type) = TxType::from_byte(t) else {
            return r.err_at(at, DecodeErrorKind::UnknownTxType(t));
        };
        Ok(Envelope {
            tx_type,
            principal: Address(r.array()?),
            amount: Amount(r.u64()?),
            nonce: Nonce(r.u128()?),
            gas_limit: Gas(r.u64()?),
            gas_fee: GasFee(r.u64()?),
        })
    }
}

impl_codec_for_item!(Envelope);

/// The message of a transaction, one per transaction type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A deploy message.
    Deploy(DeployMessage),
    /// A spawn message.
    Spawn(SpawnMessage),
    /// A call message.
    Call(CallMessage),
}

impl Message {
    /// This message's transaction type.
    pub fn tx_type(&self) -> TxType {
        match self {
            Message::Deploy(_) => TxType::Deploy,
            Message::Spawn(_) => TxType::Spawn,
            Message::Call(_) => TxType::Call,
        }
    }

    /// Decodes a message of the given type.
    pub fn decode_as(
        tx_type: TxType,
        bytes: &[u8],
        limits: &CodecLimits,
    ) -> Result<Self, DecodeError> {
        Ok(match tx_type {
            TxType::Deploy => Message::Deploy(DeployMessage::decode_with_limits(bytes, limits)?),
            TxType::Spawn => Message::Spawn(SpawnMessage::decode_with_limits(bytes, limits)?),
            TxType::Call => Message::Call(CallMessage::decode_with_limits(bytes, limits)?),
        })
    }
}

impl Codec for Message {
    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Message::Deploy(m) => m.encode_into(out),
            Message::Spawn(m) => m.encode_into(out),
            Message::Call(m) => m.encode_into(out),
        }
    }

    /// Decodes any message, choosing its type from the item kind byte.
    fn decode_with_limits(bytes: &[u8], limits: &CodecLimits) -> Result<Self, DecodeError> {
        let tx_type = match bytes.get(2) {
            Some(&kind::SPAWN) => TxType::Spawn,
            Some(&kind::CALL) => TxType::Call,
            _ => TxType::Deploy, // its decoder reports the exact header error
        };
        Message::decode_as(tx_type, bytes, limits)
    }
}

/// A whole binary transaction: the envelope, the principal's verifydata (the input of its
/// `svm_verify`, typically a signature of the [`signing_hash`](crate::signing_hash)), then
/// the message. The envelope's `tx_type` always matches the message.
///
/// ```
/// use svm_codec::{CallMessage, Codec, Envelope, Message, Transaction, TxType};
///
/// let msg = Message::Call(CallMessage { target: Default::default(), function: "run".into(),
///                                       calldata: vec![] });
/// let env = Envelope { tx_type: TxType::Deploy, principal: Default::default(),
///                      amount: Default::default(), nonce: Default::default(),
///                      gas_limit: Default::default(), gas_fee: Default::default() };
/// let tx = Transaction::new(env, msg).with_verifydata(vec![7; 64]);
/// assert_eq!(tx.envelope().tx_type, TxType::Call); // taken from the message
/// assert_eq!(Transaction::decode(&tx.encode()).unwrap(), tx);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    envelope: Envelope,
    verifydata: Vec<u8>,
    message: Message,
}

impl Transaction {
    /// Builds a transaction with empty verifydata; the envelope's `tx_type` is set from the
    /// message.
    pub fn new(mut envelope: Envelope, message: Message) -> Self {
        envelope.tx_type = message.tx_type();
        Self {
            envelope,
            verifydata: Vec::new(),
            message,
        }
    }
    /// The same transaction with `verifydata`.
    pub fn with_verifydata(mut self, verifydata: Vec<u8>) -> Self {
        self.verifydata = verifydata;
        self
    }
    /// The envelope.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }
    /// The principal's verifydata.
    pub fn verifydata(&self) -> &[u8] {
        &self.verifydata
    }
    /// The message.
    pub fn message(&self) -> &Message {
        &self.message
    }
    /// Envelope, verifydata and message.
    pub fn into_parts(self) -> (Envelope, Vec<u8>, Message) {
        (self.envelope, self.verifydata, self.message)
    }
    /// The transaction id: see [`crate::tx_id`].
    pub fn id(&self) -> svm_types::TxId {
        crate::tx_id(&self.envelope, &self.verifydata, &self.message.encode())
    }
    /// The hash the principal signs on chain `chain`: see [`crate::signing_hash`].
    pub fn signing_hash(&self, chain: &svm_types::ChainId) -> svm_types::SigHash {
        crate::signing_hash(chain, &self.envelope, &self.message.encode())
    }
}

impl Codec for Transaction {
    fn encode_into(&self, out: &mut Vec<u8>) {
        self.envelope.encode_into(out);
        crate::wire::put_bytes(out, &self.verifydata);
        self.message.encode_into(out);
    }

    fn decode_with_limits(bytes: &[u8], limits: &CodecLimits) -> Result<Self, DecodeError> {
        let (envelope, verifydata, msg_bytes) = split_transaction(bytes, limits)?;
        let start = Envelope::SIZE + 4 + verifydata.len();
        let shift = |e: DecodeError| DecodeError::new(e.offset + start, e.kind);
        if let Some(&found) = msg_bytes.get(2) {
            let expected = envelope.tx_type.message_kind();
            if found != expected && msg_bytes.first() == Some(&0) && msg_bytes.get(1) == Some(&0) {
                return Err(DecodeError::new(
                    start + 2,
                    DecodeErrorKind::TxTypeMismatch {
                        tx_type: envelope.tx_type.to_byte(),
                        message_kind: found,
                    },
                ));
            }
        }
        let message = Message::decode_as(envelope.tx_type, msg_bytes, limits).map_err(shift)?;
        Ok(Transaction {
            envelope,
            verifydata: verifydata.to_vec(),
            message,
        })
    }
}

/// The parts of transaction bytes without decoding the message: the envelope, the
/// verifydata and the message's bytes. A node executing wire transactions uses it so that a
/// transaction whose envelope decodes but whose message does not still reaches the runtime,
/// which charges it as a failed receipt (as `Runtime::call` does with its message bytes).
///
/// ```
/// use svm_codec::{CallMessage, Codec, CodecLimits, Envelope, Message, Transaction, TxType, split_transaction};
/// use svm_types::{Address, Amount, Gas, GasFee, Nonce};
/// let env = Envelope {
///     tx_type: TxType::Call,
///     principal: Address([1; 20]),
///     amount: Amount(0),
///     nonce: Nonce(0),
///     gas_limit: Gas(1_000_000),
///     gas_fee: GasFee(1),
/// };
/// let msg = CallMessage { target: Default::default(), function: "f".into(), calldata: vec![] };
/// let bytes = Transaction::new(env, Message::Call(msg.clone())).with_verifydata(vec![7]).encode();
/// let (e, verifydata, message) = split_transaction(&bytes, &CodecLimits::default()).unwrap();
/// assert_eq!((e, verifydata, message), (env, &[7u8][..], &msg.encode()[..]));
/// ```
pub fn split_transaction<'a>(
    bytes: &'a [u8],
    limits: &CodecLimits,
) -> Result<(Envelope, &'a [u8], &'a [u8]), DecodeError> {
    if bytes.len() > limits.max_message_size {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::LimitExceeded {
                what: "input size",
                len: bytes.len(),
                max: limits.max_message_size,
            },
        ));
    }
    let (env_bytes, rest) = bytes.split_at(bytes.len().min(Envelope::SIZE));
    let envelope = Envelope::decode_with_limits(env_bytes, limits)?;
    let (verifydata, message) = split_verifydata(rest, limits)?;
    Ok((envelope, verifydata, message))
}

/// Splits the verifydata field (4-byte big-endian length, at most `max_calldata` bytes) off
/// the bytes after the envelope: the verifydata and the message bytes. Offsets in errors
/// count from the start of the transaction.
fn split_verifydata<'a>(
    bytes: &'a [u8],
    limits: &CodecLimits,
) -> Result<(&'a [u8], &'a [u8]), DecodeError> {
    let at = Envelope::SIZE;
    let Some(len) = bytes.get(..4) else {
        return Err(DecodeError::new(
            at,
            DecodeErrorKind::UnexpectedEnd {
                needed: 4,
                available: bytes.len(),
            },
        ));
    };
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    if len > limits.max_calldata {
        return Err(DecodeError::new(
            at,
            DecodeErrorKind::LimitExceeded {
                what: "verifydata",
                len,
                max: limits.max_calldata,
            },
        ));
    }
    let rest = &bytes[4..];
    if rest.len() < len {
        return Err(DecodeError::new(
            at + 4,
            DecodeErrorKind::UnexpectedEnd {
                needed: len as u64,
                available: rest.len(),
            },
        ));
    }
    Ok(rest.split_at(len))
}
