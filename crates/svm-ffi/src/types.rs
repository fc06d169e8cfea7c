//! The C structs of the API: plain data, no pointers inside, so a Go (or any) caller can
//! pass its own memory. Conversions to and from svm's types.

use svm_codec::{Context, Envelope, TxType};
use svm_storage::Account;
use svm_types::{Address, Amount, ChainId, Gas, GasFee, Layer, Nonce, State, TemplateAddr, TxId};

use crate::error::{FfiError, SVM_ERR_INVALID_MESSAGE};

/// A 20-byte address (accounts and templates).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_address_t {
    /// The bytes.
    pub bytes: [u8; 20],
}

/// 32 bytes: a state root, a transaction id, a signing hash, a chain id.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_bytes32_t {
    /// The bytes.
    pub bytes: [u8; 32],
}

/// An unsigned 128-bit integer (a nonce): `hi * 2^64 + lo`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_u128_t {
    /// The high 64 bits.
    pub hi: u64,
    /// The low 64 bits.
    pub lo: u64,
}

/// `svm_envelope_t.tx_type` of a deploy.
pub const SVM_TX_DEPLOY: u8 = 0;
/// `svm_envelope_t.tx_type` of a spawn.
pub const SVM_TX_SPAWN: u8 = 1;
/// `svm_envelope_t.tx_type` of a call.
pub const SVM_TX_CALL: u8 = 2;

/// A transaction's envelope (`docs/spec/codec.md` §3): who pays, how much, for what.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_envelope_t {
    /// `SVM_TX_DEPLOY`, `SVM_TX_SPAWN` or `SVM_TX_CALL`.
    pub tx_type: u8,
    /// The paying (and authorising) account.
    pub principal: svm_address_t,
    /// Coins sent with the transaction.
    pub amount: u64,
    /// The principal's nonce for this transaction.
    pub nonce: svm_u128_t,
    /// The most gas the transaction may use.
    pub gas_limit: u64,
    /// The price of one unit of gas.
    pub gas_fee: u64,
}

/// Where a transaction runs: the open layer and the transaction's id (which svm checks
/// against the id it computes, see `svm_tx_id`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_context_t {
    /// The layer.
    pub layer: u64,
    /// The transaction's id.
    pub tx_id: svm_bytes32_t,
}

/// An account.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_account_t {
    /// Whether the account was spawned from a template (else it only holds coins).
    pub has_template: bool,
    /// The template (zero when `has_template` is false).
    pub template_addr: svm_address_t,
    /// Its coins.
    pub balance: u64,
    /// The nonce its next transaction must carry.
    pub nonce: svm_u128_t,
    /// The root of its storage.
    pub storage_state: svm_bytes32_t,
}

/// `svm_options_t.backend`: RocksDB when built (else LevelDB) for a data directory, memory
/// without one.
pub const SVM_BACKEND_DEFAULT: u32 = 0;
/// `svm_options_t.backend`: RocksDB.
pub const SVM_BACKEND_ROCKSDB: u32 = 1;
/// `svm_options_t.backend`: LevelDB.
pub const SVM_BACKEND_LEVELDB: u32 = 2;
/// `svm_options_t.backend`: in memory (no data directory).
pub const SVM_BACKEND_MEMORY: u32 = 3;

/// `svm_options_t.flags`: development chain rules: accounts without a template may send
/// transactions without any authentication. Never on a public network.
pub const SVM_FLAG_DEVELOPMENT: u32 = 1;
/// `svm_options_t.flags`: compile templates with Cranelift instead of singlepass (a local
/// choice: gas and results are the same; needs the `cranelift` feature).
pub const SVM_FLAG_CRANELIFT: u32 = 2;

/// How to create a runtime: local settings and the chain's id. Gas prices and limits are
/// not here: they are the network rules of this svm version.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_options_t {
    /// One of the `SVM_BACKEND_*` constants.
    pub backend: u32,
    /// `SVM_FLAG_*` bits; unknown bits are refused.
    pub flags: u32,
    /// Bytes of compiled modules to keep in memory; 0 for the default.
    pub cache_memory_bytes: u64,
    /// The chain's id, covered by every transaction's signature (see `svm_signing_hash`).
    pub chain_id: svm_bytes32_t,
}

/// A runtime: an integer handle, never reused. `{0}` is never a runtime.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct svm_runtime_t {
    /// The handle's id.
    pub id: u64,
}

impl svm_envelope_t {
    /// The envelope, if its transaction type is known.
    pub(crate) fn to_envelope(self) -> Result<Envelope, FfiError> {
        let tx_type = TxType::from_byte(self.tx_type).ok_or_else(|| {
            FfiError::new(
                SVM_ERR_INVALID_MESSAGE,
                format!(
                    "envelope tx_type {} is not 0 (deploy), 1 (spawn) or 2 (call)",
                    self.tx_type
                ),
            )
        })?;
        Ok(Envelope {
            tx_type,
            principal: Address(self.principal.bytes),
            amount: Amount(self.amount),
            nonce: Nonce(self.nonce.into()),
            gas_limit: Gas(self.gas_limit),
            gas_fee: GasFee(self.gas_fee),
        })
    }
}

impl From<&Envelope> for svm_envelope_t {
    fn from(e: &Envelope) -> Self {
        Self {
            tx_type: e.tx_type.to_byte(),
            principal: svm_address_t {
                bytes: e.principal.0,
            },
            amount: e.amount.0,
            nonce: e.nonce.0.into(),
            gas_limit: e.gas_limit.0,
            gas_fee: e.gas_fee.0,
        }
    }
}

impl From<svm_u128_t> for u128 {
    fn from(n: svm_u128_t) -> u128 {
        (u128::from(n.hi) << 64) | u128::from(n.lo)
    }
}

impl From<u128> for svm_u128_t {
    fn from(n: u128) -> Self {
        Self {
            hi: (n >> 64) as u64,
            lo: n as u64,
        }
    }
}

impl svm_context_t {
    /// The context.
    pub(crate) fn to_context(self) -> Context {
        Context {
            layer: Layer(self.layer),
            tx_id: TxId(self.tx_id.bytes),
        }
    }
}

impl From<&Account> for svm_account_t {
    fn from(a: &Account) -> Self {
        Self {
            has_template: a.template.is_some(),
            template_addr: svm_address_t {
                bytes: a.template.map_or([0; 20], |t| t.0),
            },
            balance: a.balance.0,
            nonce: a.nonce.0.into(),
            storage_state: a.storage.into(),
        }
    }
}

impl From<State> for svm_bytes32_t {
    fn from(s: State) -> Self {
        Self { bytes: s.0 }
    }
}

impl From<TxId> for svm_bytes32_t {
    fn from(s: TxId) -> Self {
        Self { bytes: s.0 }
    }
}

impl From<svm_bytes32_t> for ChainId {
    fn from(s: svm_bytes32_t) -> Self {
        ChainId(s.bytes)
    }
}

impl From<TemplateAddr> for svm_address_t {
    fn from(t: TemplateAddr) -> Self {
        Self { bytes: t.0 }
    }
}
