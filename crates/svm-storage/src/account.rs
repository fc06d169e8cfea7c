//! Account records: what the global state keeps per address.

use svm_types::{Address, Amount, Nonce, State, TemplateAddr};

use crate::StorageError;

/// An account: its template (none for a plain wallet created by a balance increase), balance,
/// nonce and the state of its storage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// The template the account was spawned from; `None` for a template-less account.
    pub template: Option<TemplateAddr>,
    /// Coins held.
    pub balance: Amount,
    /// Transactions sent so far (the next expected nonce).
    pub nonce: Nonce,
    /// The account's storage state: derived from its page hashes, all-zero when its storage is
    /// all zeros (see [`storage_state`](crate::storage_state)).
    pub storage: State,
}

const VERSION: u8 = 0;
/// Encoded length: version, flag, template, balance, nonce, storage.
const LEN: usize = 1 + 1 + 20 + 8 + 16 + 32;

impl Account {
    /// A template-less account holding `balance`.
    pub fn with_balance(balance: Amount) -> Self {
        Self {
            balance,
            ..Self::default()
        }
    }

    /// The record's bytes: `version (0) | has_template (0/1) | template (20, zero if none) |
    /// balance (u64 BE) | nonce (u128 BE) | storage state (32)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(LEN);
        out.push(VERSION);
        out.push(u8::from(self.template.is_some()));
        out.extend_from_slice(self.template.unwrap_or_default().as_bytes());
        out.extend_from_slice(&self.balance.0.to_be_bytes());
        out.extend_from_slice(&self.nonce.0.to_be_bytes());
        out.extend_from_slice(self.storage.as_bytes());
        out
    }

    /// Decodes a record written by [`Account::encode`]; anything else is
    /// [`StorageError::Corrupt`].
    pub fn decode(addr: &Address, bytes: &[u8]) -> Result<Self, StorageError> {
        let corrupt = |what: &str| StorageError::Corrupt(format!("account {addr}: {what}"));
        if bytes.len() != LEN {
            return Err(corrupt(&format!(
                "record of {} bytes, expected {LEN}",
                bytes.len()
            )));
        }
        if bytes[0] != VERSION {
            return Err(corrupt(&format!("unknown record version {}", bytes[0])));
        }
        let template = match bytes[1] {
            0 => None,
            1 => {
                Some(TemplateAddr::from_slice(&bytes[2..22]).map_err(|e| corrupt(&e.to_string()))?)
            }
            f => return Err(corrupt(&format!("invalid template flag {f}"))),
        };
        let mut balance = [0u8; 8];
        balance.copy_from_slice(&bytes[22..30]);
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&bytes[30..46]);
        let storage = State::from_slice(&bytes[46..78]).map_err(|e| corrupt(&e.to_string()))?;
        Ok(Self {
            template,
            balance: Amount(u64::from_be_bytes(balance)),
            nonce: Nonce(u128::from_be_bytes(nonce)),
            storage,
        })
    }
}
