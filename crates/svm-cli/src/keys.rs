//! `svm key`: ed25519 signing keys in files, and signing transactions with them (`--key`).
//!
//! A key file is one line of text, `ed25519 <64 hex digits of the secret seed>`, created
//! with permissions 0600 and never overwritten. The secret is printed only when asked
//! (`svm key show --secret`). The signature covers the transaction's signing hash
//! (`svm_codec::signing_hash`: chain id, envelope, message), which is what the example
//! `signed_wallet` and `multisig` templates check in their `svm_verify`.

use std::{fs::OpenOptions, io::Write, path::Path};

use ed25519_dalek::{Signer, SigningKey};
use svm_codec::Transaction;
use svm_types::ChainId;

use crate::error::{CliError, Result};

const PREFIX: &str = "ed25519 ";

fn io(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |source| CliError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates a new random key in `path` (0600; an existing file is never overwritten) and
/// returns it.
pub(crate) fn create(path: &Path) -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| io(path)(std::io::Error::other(e)))?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io(path))?;
    writeln!(file, "{PREFIX}{}", hex::encode(seed)).map_err(io(path))?;
    file.sync_all().map_err(io(path))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads the key in `path`.
pub(crate) fn load(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let bad = |why: &str| CliError::Field {
        path: path.to_path_buf(),
        message: format!("not an svm key file ({why}): expected `ed25519 <64 hex digits>`"),
    };
    let digits = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or_else(|| bad("no `ed25519 ` prefix"))?;
    let seed = hex::decode(digits.trim()).map_err(|_| bad("not hex"))?;
    let seed: [u8; 32] = seed.try_into().map_err(|_| bad("not 32 bytes"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// `tx` with `key`'s signature of its signing hash on `chain` as its verifydata.
pub(crate) fn sign(tx: Transaction, key: &SigningKey, chain: &ChainId) -> Transaction {
    let signature = key.sign(tx.signing_hash(chain).as_bytes());
    tx.with_verifydata(signature.to_bytes().to_vec())
}

/// The key's public half (what a `signed_wallet` is spawned with), as hex.
pub(crate) fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// The key's secret seed, as hex.
pub(crate) fn secret_hex(key: &SigningKey) -> String {
    hex::encode(key.to_bytes())
}
