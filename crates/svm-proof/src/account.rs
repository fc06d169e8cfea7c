//! Account records: what the global state keeps per address, and their bytes (the value of
//! an account's leaf in the state tree).

use svm_types::{Address, Amount, Nonce, State, TemplateAddr};

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

/// Bytes that are not an account record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("account {address}: {problem}")]
pub struct RecordError {
    /// The account whose record it is.
    pub address: Address,
    /// What is wrong with it.
    pub problem: String,
}

const VERSION: u8 = 0;

impl Account {
    /// Encoded length: version, flag, template, balance, nonce, storage.
    pub const RECORD_LEN: usize = 1 + 1 + 20 + 8 + 16 + 32;

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
        let mut out = Vec::with_capacity(Self::RECORD_LEN);
        out.push(VERSION);
        out.push(u8::from(self.template.is_some()));
        out.extend_from_slice(self.template.unwrap_or_default().as_bytes());
        out.extend_from_slice(&self.balance.0.to_be_bytes());
        out.extend_from_slice(&self.nonce.0.to_be_bytes());
        out.extend_from_slice(self.storage.as_bytes());
        out
    }

    /// Decodes a record written by [`Account::encode`]; anything else is a [`RecordError`]
    /// (a template-less record must carry a zero template, so every account has one record).
    pub fn decode(addr: &Address, bytes: &[u8]) -> Result<Self, RecordError> {
        let bad = |problem: String| RecordError {
            address: *addr,
            problem,
        };
        let Ok(bytes) = <&[u8; Self::RECORD_LEN]>::try_from(bytes) else {
            return Err(bad(format!(
                "record of {} bytes, expected {}",
                bytes.len(),
                Self::RECORD_LEN
            )));
        };
        if bytes[0] != VERSION {
            return Err(bad(format!("unknown record version {}", bytes[0])));
        }
        let mut template_bytes = [0u8; 20];
        template_bytes.copy_from_slice(&bytes[2..22]);
        let template = match bytes[1] {
            0 if template_bytes == [0; 20] => None,
            0 => return Err(bad("a template-less record with a template".into())),
            1 => Some(TemplateAddr(template_bytes)),
            f => return Err(bad(format!("invalid template flag {f}"))),
        };
        let mut balance = [0u8; 8];
        balance.copy_from_slice(&bytes[22..30]);
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&bytes[30..46]);
        let mut storage = [0u8; 32];
        storage.copy_from_slice(&bytes[46..78]);
        Ok(Self {
            template,
            balance: Amount(u64::from_be_bytes(balance)),
            nonce: Nonce(u128::from_be_bytes(nonce)),
            storage: State(storage),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_only_canonical_ones_decode() {
        let a = Address([1; 20]);
        let acc = Account {
            template: Some(TemplateAddr([2; 20])),
            balance: Amount(5),
            nonce: Nonce(u128::MAX),
            storage: State([3; 32]),
        };
        assert_eq!(Account::decode(&a, &acc.encode()).unwrap(), acc);
        let plain = Account::with_balance(Amount(1));
        assert_eq!(Account::decode(&a, &plain.encode()).unwrap(), plain);
        let mut bad = plain.encode();
        bad[5] = 1; // a template address under flag 0
        assert!(Account::decode(&a, &bad).is_err());
        let mut bad = acc.encode();
        bad[1] = 2;
        assert!(Account::decode(&a, &bad).is_err());
        assert!(Account::decode(&a, &acc.encode()[1..]).is_err());
    }
}
