//! Account records: what the global state keeps per address. The record and its bytes are
//! defined in svm-proof (an account's leaf is what proofs verify).

pub use svm_proof::Account;

impl From<svm_proof::RecordError> for crate::StorageError {
    fn from(e: svm_proof::RecordError) -> Self {
        crate::StorageError::Corrupt(e.to_string())
    }
}
