//! Proofs of an account record (or its absence) and of bytes of an account's storage against
//! a state root, their binary form (`docs/spec/proofs.md`) and their verification.
//!
//! A verifier is given the claim (address; offset and length) and the root it trusts; a proof
//! verifies only for exactly that claim under exactly that root, so a proof with any byte
//! changed, for another key or against another root is refused.

use jmt::{RootHash, proof::SparseMerkleProof};
use sha3::Sha3_256;
use svm_types::{Address, State};

use crate::commitment::{
    ARITY, EMPTY, MAX_STORAGE_SIZE, PageNode, account_leaf, page_hash, page_tree_depth,
    storage_state_with_maps,
};
use crate::trie::TrieProof;
use crate::{Account, RecordError, map_entry_key, map_id_key, map_value_hash};

/// The version byte every encoded proof starts with.
pub const PROOF_VERSION: u8 = 0;
const KIND_ACCOUNT: u8 = 1;
const KIND_STORAGE: u8 = 2;
const KIND_MAP_ENTRY: u8 = 3;
const KIND_EVENT: u8 = 4;

/// Why a proof is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The bytes are not a proof (what is wrong, and at which byte).
    #[error("malformed proof at byte {offset}: {problem}")]
    Malformed {
        /// Offset of the fault in the encoded proof.
        offset: usize,
        /// What is wrong there.
        problem: String,
    },
    /// A proof of another account than the one asked about.
    #[error("the proof is about account {found}, not {expected}")]
    WrongAccount {
        /// The account asked about.
        expected: Address,
        /// The account the proof is about.
        found: Address,
    },
    /// A storage proof of other bytes than the ones asked about.
    #[error("the proof covers {found_len} bytes at offset {found_offset}, not {len} at {offset}")]
    WrongRange {
        /// Offset asked about.
        offset: u32,
        /// Length asked about.
        len: u32,
        /// Offset the proof covers.
        found_offset: u32,
        /// Length the proof covers.
        found_len: u32,
    },
    /// A storage proof built for another page size than the chain's.
    #[error("the proof is for {found}-byte pages, the chain's are {expected} bytes")]
    WrongPageSize {
        /// The chain's page size.
        expected: u32,
        /// The proof's.
        found: u32,
    },
    /// The account record and its Merkle path do not lead to the root.
    #[error("the account proof does not verify against root {root}: {problem}")]
    Root {
        /// The root it was checked against.
        root: State,
        /// What failed.
        problem: String,
    },
    /// The proven record is not an account record.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A map entry proof that does not lead to the account's storage state, or that shows
    /// something else than its value.
    #[error("map proof: {problem}")]
    Map {
        /// What is wrong.
        problem: String,
    },
    /// An event proof that does not lead to the layer's events summary, or is about another
    /// event.
    #[error("event proof: {problem}")]
    Event {
        /// What is wrong.
        problem: String,
    },
    /// A storage proof of an account that does not exist.
    #[error("account {0} does not exist under this root: it has no storage to prove")]
    NoAccount(Address),
    /// A page or page-tree node of a storage proof does not lead to the account's storage
    /// state.
    #[error("page {page}: {problem}")]
    Page {
        /// The page at fault.
        page: u32,
        /// What is wrong.
        problem: String,
    },
}

/// A proof that an account record is (or no record is) under a state root: the record's
/// bytes and the Jellyfish Merkle path of its leaf ([`account_leaf`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// Its record's bytes, `None` for a proof of absence.
    pub record: Option<Vec<u8>>,
    /// The path from the leaf (or from where it would be) to the root.
    pub merkle: SparseMerkleProof<Sha3_256>,
}

impl AccountProof {
    /// Checks the proof against `root` for `address`: the account, or `None` when the proof
    /// shows that no account exists there.
    pub fn verify(&self, root: &State, address: &Address) -> Result<Option<Account>, ProofError> {
        if self.address != *address {
            return Err(ProofError::WrongAccount {
                expected: *address,
                found: self.address,
            });
        }
        self.merkle
            .verify(
                RootHash(root.0),
                account_leaf(address),
                self.record.as_deref(),
            )
            .map_err(|e| ProofError::Root {
                root: *root,
                problem: format!("{e:#}"),
            })?;
        self.record
            .as_deref()
            .map(|r| Account::decode(address, r))
            .transpose()
            .map_err(ProofError::from)
    }
}

/// One page of a storage proof: its stored (trimmed) content, empty for a page of zeros, and
/// the page-tree node records on its path, level 1 first (`None` for an empty node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProof {
    /// The page index.
    pub index: u32,
    /// The page's content without trailing zeros.
    pub content: Vec<u8>,
    /// The records of the nodes from the page up to the root, one per level.
    pub path: Vec<Option<Vec<u8>>>,
}

/// A proof of `len` bytes at `offset` of an account's storage under a state root: the
/// account's proof, then every page the bytes fall in with its page-tree path up to the
/// storage state the account record commits to.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageProof {
    /// The account's record and path.
    pub account: AccountProof,
    /// The store's page size.
    pub page_size: u32,
    /// First byte proven.
    pub offset: u32,
    /// Bytes proven.
    pub len: u32,
    /// The root of the account's maps ([`EMPTY`] when it has none), which its storage state
    /// commits to beside the pages ([`storage_state_with_maps`]).
    pub maps_root: crate::Hash,
    /// The pages holding them, in ascending order.
    pub pages: Vec<PageProof>,
}

impl StorageProof {
    /// Checks the proof against `root` for `len` bytes at `offset` of `address`'s storage and
    /// returns those bytes. `page_size` is the chain's (a store setting, 4,096 by default):
    /// the verifier must know it, since it decides where a byte lies.
    pub fn verify(
        &self,
        root: &State,
        address: &Address,
        page_size: u32,
        offset: u32,
        len: u32,
    ) -> Result<Vec<u8>, ProofError> {
        if self.page_size != page_size {
            return Err(ProofError::WrongPageSize {
                expected: page_size,
                found: self.page_size,
            });
        }
        if (self.offset, self.len) != (offset, len) {
            return Err(ProofError::WrongRange {
                offset,
                len,
                found_offset: self.offset,
                found_len: self.len,
            });
        }
        let account = self
            .account
            .verify(root, address)?
            .ok_or(ProofError::NoAccount(*address))?;
        let pages = page_range(self.page_size, offset, len)?;
        let listed: Vec<u32> = self.pages.iter().map(|p| p.index).collect();
        if listed != pages.clone().collect::<Vec<_>>() {
            return Err(ProofError::Page {
                page: listed.first().copied().unwrap_or(0),
                problem: format!("the proof lists pages {listed:?}, the bytes lie in {pages:?}"),
            });
        }
        let depth = page_tree_depth(self.page_size);
        let mut storage = vec![0u8; self.pages.len() * self.page_size as usize];
        for (i, page) in self.pages.iter().enumerate() {
            let page_root = page.tree_root(address, self.page_size, depth)?;
            let state = storage_state_with_maps(address, &page_root, &self.maps_root);
            if state != account.storage {
                return Err(ProofError::Page {
                    page: page.index,
                    problem: format!(
                        "its path leads to storage state {state}, the account's is {}",
                        account.storage
                    ),
                });
            }
            let start = i * self.page_size as usize;
            storage[start..start + page.content.len()].copy_from_slice(&page.content);
        }
        let skip = (offset % self.page_size) as usize;
        Ok(storage[skip..skip + len as usize].to_vec())
    }
}

impl PageProof {
    /// The page-tree root this page and its path lead to.
    fn tree_root(
        &self,
        address: &Address,
        page_size: u32,
        depth: u8,
    ) -> Result<crate::Hash, ProofError> {
        let bad = |problem: String| ProofError::Page {
            page: self.index,
            problem,
        };
        if self.content.len() > page_size as usize {
            return Err(bad(format!(
                "{} bytes of content in a {page_size}-byte page",
                self.content.len()
            )));
        }
        if self.content.last() == Some(&0) {
            return Err(bad(
                "content with trailing zeros (pages are stored trimmed)".into(),
            ));
        }
        if self.path.len() != usize::from(depth) {
            return Err(bad(format!(
                "a path of {} nodes, the tree has {depth} levels",
                self.path.len()
            )));
        }
        let mut hash = if self.content.is_empty() {
            EMPTY
        } else {
            page_hash(address, self.index, &self.content)
        };
        let mut index = self.index;
        for (level, node) in (1..).zip(&self.path) {
            let slot = (index % ARITY) as usize;
            hash = match node {
                None if hash == EMPTY => EMPTY,
                None => {
                    return Err(bad(format!(
                        "an empty node at level {level} above a non-empty child"
                    )));
                }
                Some(record) => {
                    let node =
                        PageNode::decode(record).map_err(|e| bad(format!("level {level}: {e}")))?;
                    if node.0[slot] != hash {
                        return Err(bad(format!(
                            "the node at level {level} does not hold its child"
                        )));
                    }
                    node.hash()
                }
            };
            index /= ARITY;
        }
        Ok(hash)
    }
}

/// The pages that `len` bytes at `offset` lie in.
fn page_range(
    page_size: u32,
    offset: u32,
    len: u32,
) -> Result<std::ops::RangeInclusive<u32>, ProofError> {
    let end = offset
        .checked_add(len)
        .filter(|&e| len > 0 && e <= MAX_STORAGE_SIZE);
    match end {
        Some(end) if page_size > 0 => Ok(offset / page_size..=(end - 1) / page_size),
        _ => Err(ProofError::Page {
            page: 0,
            problem: format!(
                "{len} bytes at offset {offset} in {page_size}-byte pages: not a range of an account's storage (1 to {MAX_STORAGE_SIZE} bytes)"
            ),
        }),
    }
}

/// A proof of the value of a key in one of an account's maps, or of its absence, under a
/// state root: the account's proof, the root of its pages (the storage state commits to it
/// beside the maps), the path of the map's root in the account's maps trie, and the path of
/// the key in the map's trie.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntryProof {
    /// The account's record and path.
    pub account: AccountProof,
    /// The map.
    pub map: u32,
    /// The key.
    pub key: Vec<u8>,
    /// The value, `None` for a proof of absence.
    pub value: Option<Vec<u8>>,
    /// The root of the account's page tree.
    pub page_root: crate::Hash,
    /// The map's root in the account's maps trie (or its absence: an empty map).
    pub maps_path: TrieProof,
    /// The key in the map's trie (no branch and no end when the map is empty).
    pub entry_path: TrieProof,
}

impl MapEntryProof {
    /// Checks the proof against `root` for `key` of map `map` of `address`: the value, or
    /// `None` when the proof shows the key has none.
    pub fn verify(
        &self,
        root: &State,
        address: &Address,
        map: u32,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, ProofError> {
        let bad = |problem: String| Err(ProofError::Map { problem });
        if self.map != map || self.key != key {
            return bad(format!(
                "the proof is about key {:02x?} of map {}, not {key:02x?} of map {map}",
                self.key, self.map
            ));
        }
        let account = self
            .account
            .verify(root, address)?
            .ok_or(ProofError::NoAccount(*address))?;
        let trie = |e: crate::TrieProofError| ProofError::Map { problem: e.0 };
        let (maps_root, map_root) = self
            .maps_path
            .implied_root(&map_id_key(map))
            .map_err(trie)?;
        let state = storage_state_with_maps(address, &self.page_root, &maps_root);
        if state != account.storage {
            return bad(format!(
                "the maps path leads to storage state {state}, the account's is {}",
                account.storage
            ));
        }
        let found = match map_root {
            None if self.entry_path == TrieProof::empty() => None,
            None => return bad("an entry path in a map that does not exist".into()),
            Some(map_root) => self
                .entry_path
                .verify(&map_root, &map_entry_key(key))
                .map_err(trie)?,
        };
        match (&self.value, found) {
            (None, None) => Ok(None),
            (Some(v), Some(h)) if map_value_hash(v) == h => Ok(Some(v.clone())),
            (Some(_), Some(_)) => bad("the value does not match the map's".into()),
            (Some(_), None) => bad("a value for a key the map does not hold".into()),
            (None, Some(_)) => bad("no value for a key the map holds".into()),
        }
    }
}

/// A proof of either kind, as sent over the wire.
///
/// ```
/// use svm_proof::Proof;
/// let err = Proof::decode(&[0, 9]).unwrap_err();
/// assert_eq!(err.to_string(), "malformed proof at byte 1: unknown proof kind 9");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Proof {
    /// An account record or its absence.
    Account(AccountProof),
    /// Bytes of an account's storage.
    Storage(StorageProof),
    /// A key of one of an account's maps, or its absence.
    MapEntry(Box<MapEntryProof>),
    /// An event of a layer.
    Event(Box<crate::EventProof>),
}

impl Proof {
    /// The binary form (`docs/spec/proofs.md`).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![PROOF_VERSION];
        match self {
            Proof::Account(p) => {
                out.push(KIND_ACCOUNT);
                put_account(&mut out, p);
            }
            Proof::Storage(p) => {
                out.push(KIND_STORAGE);
                put_account(&mut out, &p.account);
                for n in [p.page_size, p.offset, p.len] {
                    out.extend_from_slice(&n.to_be_bytes());
                }
                out.extend_from_slice(&p.maps_root);
                out.extend_from_slice(&(p.pages.len() as u32).to_be_bytes());
                for page in &p.pages {
                    out.extend_from_slice(&page.index.to_be_bytes());
                    put_bytes(&mut out, &page.content);
                    for node in &page.path {
                        match node {
                            None => out.push(0),
                            Some(record) => {
                                out.push(1);
                                put_bytes(&mut out, record);
                            }
                        }
                    }
                }
            }
            Proof::MapEntry(p) => {
                out.push(KIND_MAP_ENTRY);
                put_account(&mut out, &p.account);
                out.extend_from_slice(&p.map.to_be_bytes());
                put_bytes(&mut out, &p.key);
                match &p.value {
                    None => out.push(0),
                    Some(v) => {
                        out.push(1);
                        put_bytes(&mut out, v);
                    }
                }
                out.extend_from_slice(&p.page_root);
                p.maps_path.encode(&mut out);
                p.entry_path.encode(&mut out);
            }
            Proof::Event(p) => {
                out.push(KIND_EVENT);
                out.extend_from_slice(&p.layer.0.to_be_bytes());
                out.extend_from_slice(&p.seq.to_be_bytes());
                put_bytes(&mut out, &p.summary);
                // borsh of jmt's proof cannot fail into a Vec
                put_bytes(&mut out, &borsh::to_vec(&p.merkle).unwrap_or_default());
                put_bytes(&mut out, &p.event);
                out.extend_from_slice(&(p.path.len() as u32).to_be_bytes());
                for h in &p.path {
                    out.extend_from_slice(h);
                }
            }
        }
        out
    }

    /// Reads the binary form strictly: never panics, allocates no more than the input
    /// justifies, and names the byte at fault.
    pub fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader { bytes, pos: 0 };
        let version = r.u8()?;
        if version != PROOF_VERSION {
            return r.fail(0, format!("unsupported proof version {version}"));
        }
        let proof = match r.u8()? {
            KIND_ACCOUNT => Proof::Account(r.account()?),
            KIND_STORAGE => {
                let account = r.account()?;
                let at = r.pos;
                let page_size = r.u32()?;
                if page_size == 0 || page_size > MAX_STORAGE_SIZE {
                    return r.fail(at, format!("page size {page_size}"));
                }
                let depth = usize::from(page_tree_depth(page_size));
                let (offset, len) = (r.u32()?, r.u32()?);
                let mut maps_root = [0u8; 32];
                maps_root.copy_from_slice(r.take(32)?);
                // each page takes at least its index, a content length and a byte per level
                let count = r.count(8 + depth)?;
                let mut pages = Vec::with_capacity(count);
                for _ in 0..count {
                    let index = r.u32()?;
                    let content = r.bytes()?.to_vec();
                    let mut path = Vec::with_capacity(depth);
                    for _ in 0..depth {
                        let at = r.pos;
                        path.push(match r.u8()? {
                            0 => None,
                            1 => Some(r.bytes()?.to_vec()),
                            flag => return r.fail(at, format!("node flag {flag}")),
                        });
                    }
                    pages.push(PageProof {
                        index,
                        content,
                        path,
                    });
                }
                Proof::Storage(StorageProof {
                    account,
                    page_size,
                    offset,
                    len,
                    maps_root,
                    pages,
                })
            }
            KIND_MAP_ENTRY => {
                let account = r.account()?;
                let map = r.u32()?;
                let key = r.bytes()?.to_vec();
                let at = r.pos;
                let value = match r.u8()? {
                    0 => None,
                    1 => Some(r.bytes()?.to_vec()),
                    flag => return r.fail(at, format!("value flag {flag}")),
                };
                let mut page_root = [0u8; 32];
                page_root.copy_from_slice(r.take(32)?);
                let maps_path = r.trie_proof()?;
                let entry_path = r.trie_proof()?;
                Proof::MapEntry(Box::new(MapEntryProof {
                    account,
                    map,
                    key,
                    value,
                    page_root,
                    maps_path,
                    entry_path,
                }))
            }
            KIND_EVENT => {
                let layer = svm_types::Layer(u64::from_be_bytes(
                    r.take(8)?.try_into().unwrap_or_default(),
                ));
                let seq = r.u32()?;
                let summary = r.bytes()?.to_vec();
                let at = r.pos;
                let merkle = borsh::from_slice(r.bytes()?)
                    .or_else(|e| r.fail(at + 4, format!("Merkle path: {e}")))?;
                let event = r.bytes()?.to_vec();
                let count = r.count(32)?;
                let mut path = Vec::with_capacity(count);
                for _ in 0..count {
                    path.push(r.take(32)?.try_into().unwrap_or_default());
                }
                Proof::Event(Box::new(crate::EventProof {
                    layer,
                    seq,
                    summary,
                    merkle,
                    event,
                    path,
                }))
            }
            kind => return r.fail(1, format!("unknown proof kind {kind}")),
        };
        if r.pos != bytes.len() {
            return r.fail(r.pos, format!("{} trailing bytes", bytes.len() - r.pos));
        }
        Ok(proof)
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_account(out: &mut Vec<u8>, p: &AccountProof) {
    out.extend_from_slice(p.address.as_bytes());
    match &p.record {
        None => out.push(0),
        Some(record) => {
            out.push(1);
            put_bytes(out, record);
        }
    }
    // borsh of jmt's proof cannot fail into a Vec
    let merkle = borsh::to_vec(&p.merkle).unwrap_or_default();
    put_bytes(out, &merkle);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, offset: usize, problem: String) -> Result<T, ProofError> {
        Err(ProofError::Malformed { offset, problem })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProofError> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return self.fail(
                self.pos,
                format!("input ends early: need {n} more bytes, {left} left"),
            );
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, ProofError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, ProofError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn bytes(&mut self) -> Result<&'a [u8], ProofError> {
        let n = self.u32()?;
        self.take(n as usize)
    }

    /// A u32 count of items of at least `min_size` bytes each, bounded by the input left.
    fn count(&mut self, min_size: usize) -> Result<usize, ProofError> {
        let at = self.pos;
        let n = self.u32()? as usize;
        let left = self.bytes.len() - self.pos;
        if n.saturating_mul(min_size) > left {
            return self.fail(at, format!("{n} items cannot fit in the {left} bytes left"));
        }
        Ok(n)
    }

    fn trie_proof(&mut self) -> Result<TrieProof, ProofError> {
        let at = self.pos;
        let (proof, used) = TrieProof::decode(&self.bytes[self.pos..])
            .or_else(|(offset, problem)| self.fail(at + offset, format!("trie path: {problem}")))?;
        self.pos += used;
        Ok(proof)
    }

    fn account(&mut self) -> Result<AccountProof, ProofError> {
        let mut address = [0u8; 20];
        address.copy_from_slice(self.take(20)?);
        let at = self.pos;
        let record = match self.u8()? {
            0 => None,
            1 => Some(self.bytes()?.to_vec()),
            flag => return self.fail(at, format!("record flag {flag}")),
        };
        let at = self.pos;
        let merkle_bytes = self.bytes()?;
        let merkle = borsh::from_slice(merkle_bytes)
            .or_else(|e| self.fail(at + 4, format!("Merkle path: {e}")))?;
        Ok(AccountProof {
            address: Address(address),
            record,
            merkle,
        })
    }
}
