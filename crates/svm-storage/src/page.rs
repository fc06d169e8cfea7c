//! Pages: the unit in which account storage is read from and written to the key-value store.
//!
//! An account's storage is a flat byte array cut into pages of [`StorageConfig::page_size`]
//! bytes, numbered from 0 ([`PageIndex`]). A page is stored with its trailing zeros trimmed, and
//! an all-zero page is not stored at all: untouched pages cost nothing, and hashing cost
//! follows the bytes actually used.
//!
//! [`StorageConfig::page_size`]: crate::StorageConfig::page_size

use svm_types::Address;

/// The index of a page within one account's storage, starting at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageIndex(pub u32);

/// The default page size in bytes.
pub const DEFAULT_PAGE_SIZE: u32 = 4096;

/// A page's content with its trailing zero bytes removed (the stored, hashed form).
pub fn trimmed(content: &[u8]) -> &[u8] {
    let used = content.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    &content[..used]
}

/// The hash of a page: `sha3-256("svm/page" || address || index (u32 BE) || trimmed content)`.
///
/// `content` must already be trimmed ([`trimmed`]); an all-zero page has no hash because it is
/// not stored.
///
/// ```
/// use svm_storage::{page_hash, PageIndex};
/// use svm_types::Address;
/// let a = page_hash(&Address([1; 20]), PageIndex(0), b"\x01");
/// let b = page_hash(&Address([1; 20]), PageIndex(1), b"\x01");
/// assert_ne!(a, b, "the index counts");
/// ```
pub fn page_hash(addr: &Address, index: PageIndex, trimmed_content: &[u8]) -> [u8; 32] {
    svm_proof::page_hash(addr, index.0, trimmed_content)
}
