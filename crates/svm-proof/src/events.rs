//! Events: what a template emits for clients to subscribe to (topics and data, with an
//! expiration), how a layer's events are committed, and how one is proven.
//!
//! - Each committed layer with events has a summary ([`EventsSummary`]) under the global
//!   root, at [`events_leaf`]`(layer)`: the count of events emitted in the layer, the count
//!   still live, the root of a binary Merkle tree over their hashes ([`events_root`], in
//!   emission order) and a 2,048-bit bloom filter of their emitters and topics
//!   ([`bloom_add`]), with which queries skip layers.
//! - An event's record ([`Event`]) is kept until its expiration layer, then deleted; the
//!   summary keeps committing to it (as a receipts root does) until the layer's last event
//!   expires, when the summary goes too.
//! - [`EventProof`]: the summary's Jellyfish Merkle proof and the event's Merkle path.

use jmt::{KeyHash, RootHash, proof::SparseMerkleProof};
use sha3::{Digest, Sha3_256};
use svm_types::{Address, Layer, State, TxId};

use crate::{Hash, ProofError};

/// The most topics an event has.
pub const MAX_TOPICS: usize = 4;

/// Bytes of an events bloom filter (2,048 bits).
pub const BLOOM_BYTES: usize = 256;

/// An event as stored: who emitted it, in which transaction, its topics and data, and the
/// layer at whose commit it is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The account whose code emitted it.
    pub account: Address,
    /// The transaction that emitted it.
    pub tx_id: TxId,
    /// Up to [`MAX_TOPICS`] 32-byte topics (what queries filter on).
    pub topics: Vec<[u8; 32]>,
    /// The payload.
    pub data: Vec<u8>,
    /// The layer at whose commit the event is deleted (after its emission layer).
    pub expires: Layer,
}

/// Bytes that are not an event or summary record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event record: {0}")]
pub struct EventRecordError(pub String);

const VERSION: u8 = 0;

impl Event {
    /// The record: `version (0) | account (20) | tx id (32) | expires (u64 BE) | topic
    /// count (u8) | topics (32 each) | data length (u32 BE) | data`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(66 + 32 * self.topics.len() + self.data.len());
        out.push(VERSION);
        out.extend_from_slice(self.account.as_bytes());
        out.extend_from_slice(self.tx_id.as_bytes());
        out.extend_from_slice(&self.expires.0.to_be_bytes());
        out.push(self.topics.len() as u8);
        for t in &self.topics {
            out.extend_from_slice(t);
        }
        out.extend_from_slice(&(self.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// Decodes [`Event::encode`]'s bytes (exactly).
    pub fn decode(bytes: &[u8]) -> Result<Self, EventRecordError> {
        let bad = |what: &str| EventRecordError(what.to_string());
        let mut r = bytes;
        let mut take = |n: usize| -> Result<&[u8], EventRecordError> {
            if r.len() < n {
                return Err(bad("ends early"));
            }
            let (head, rest) = r.split_at(n);
            r = rest;
            Ok(head)
        };
        if take(1)? != [VERSION] {
            return Err(bad("unknown version"));
        }
        let account = Address::from_slice(take(20)?).map_err(|e| bad(&e.to_string()))?;
        let tx_id = TxId::from_slice(take(32)?).map_err(|e| bad(&e.to_string()))?;
        let expires = Layer(u64::from_be_bytes(
            take(8)?.try_into().map_err(|_| bad("expires"))?,
        ));
        let count = take(1)?[0] as usize;
        if count > MAX_TOPICS {
            return Err(bad("more than 4 topics"));
        }
        let mut topics = Vec::with_capacity(count);
        for _ in 0..count {
            topics.push(take(32)?.try_into().map_err(|_| bad("topic"))?);
        }
        let len = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad("data length"))?);
        let data = take(len as usize)?.to_vec();
        if !r.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(Event {
            account,
            tx_id,
            topics,
            data,
            expires,
        })
    }

    /// The event's hash: `sha3-256("svm/event" || record)`.
    pub fn hash(&self) -> Hash {
        Sha3_256::new()
            .chain_update(b"svm/event")
            .chain_update(self.encode())
            .finalize()
            .into()
    }

    /// Adds the emitter and the topics to `bloom`.
    pub fn add_to(&self, bloom: &mut [u8; BLOOM_BYTES]) {
        bloom_add(bloom, self.account.as_bytes());
        for t in &self.topics {
            bloom_add(bloom, t);
        }
    }
}

/// What a layer's events commit to, under the global root at [`events_leaf`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsSummary {
    /// Events emitted in the layer.
    pub count: u32,
    /// Those not expired yet.
    pub live: u32,
    /// [`events_root`] of their hashes, in emission order.
    pub root: Hash,
    /// Their emitters and topics ([`bloom_add`]).
    pub bloom: [u8; BLOOM_BYTES],
}

impl EventsSummary {
    /// The record: `version (0) | count (u32 BE) | live (u32 BE) | root (32) | bloom (256)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 8 + 32 + BLOOM_BYTES);
        out.push(VERSION);
        out.extend_from_slice(&self.count.to_be_bytes());
        out.extend_from_slice(&self.live.to_be_bytes());
        out.extend_from_slice(&self.root);
        out.extend_from_slice(&self.bloom);
        out
    }

    /// Decodes [`EventsSummary::encode`]'s bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, EventRecordError> {
        if bytes.len() != 1 + 8 + 32 + BLOOM_BYTES || bytes[0] != VERSION {
            return Err(EventRecordError(format!(
                "a summary of {} bytes",
                bytes.len()
            )));
        }
        let u32_at =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut root = [0u8; 32];
        root.copy_from_slice(&bytes[9..41]);
        let mut bloom = [0u8; BLOOM_BYTES];
        bloom.copy_from_slice(&bytes[41..]);
        Ok(EventsSummary {
            count: u32_at(1),
            live: u32_at(5),
            root,
            bloom,
        })
    }

    /// Whether the layer may hold an event of `account` (if given) with `topic` (if given):
    /// `false` means it certainly holds none.
    pub fn may_match(&self, account: Option<&Address>, topic: Option<&[u8; 32]>) -> bool {
        account.is_none_or(|a| bloom_may_contain(&self.bloom, a.as_bytes()))
            && topic.is_none_or(|t| bloom_may_contain(&self.bloom, t))
    }
}

/// The tree key of layer `layer`'s events summary: `sha3-256("svm/events" || layer (u64 BE))`.
pub fn events_leaf(layer: Layer) -> KeyHash {
    KeyHash(
        Sha3_256::new()
            .chain_update(b"svm/events")
            .chain_update(layer.0.to_be_bytes())
            .finalize()
            .into(),
    )
}

/// The three bit positions of `item` in a bloom: three 11-bit numbers from the first six
/// bytes of `sha3-256("svm/bloom" || item)`.
fn bloom_bits(item: &[u8]) -> [usize; 3] {
    let h: Hash = Sha3_256::new()
        .chain_update(b"svm/bloom")
        .chain_update(item)
        .finalize()
        .into();
    [0, 2, 4].map(|i| ((usize::from(h[i]) << 8) | usize::from(h[i + 1])) & 2047)
}

/// Sets `item`'s three bits in `bloom`.
pub fn bloom_add(bloom: &mut [u8; BLOOM_BYTES], item: &[u8]) {
    for bit in bloom_bits(item) {
        bloom[bit / 8] |= 1 << (bit % 8);
    }
}

/// Whether `item`'s three bits are all set (`false`: `item` was never added).
pub fn bloom_may_contain(bloom: &[u8; BLOOM_BYTES], item: &[u8]) -> bool {
    bloom_bits(item)
        .iter()
        .all(|bit| bloom[bit / 8] & (1 << (bit % 8)) != 0)
}

fn node(left: &Hash, right: &Hash) -> Hash {
    Sha3_256::new()
        .chain_update(b"svm/events/node")
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root of a binary Merkle tree over `leaves` (each level pairs neighbours; an odd last
/// node moves up unpaired): [`crate::EMPTY`] for none.
pub fn events_root(leaves: &[Hash]) -> Hash {
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level_above(&level);
    }
    level.first().copied().unwrap_or(crate::EMPTY)
}

/// The level above `level`: neighbours paired, an odd last node moved up unpaired.
fn level_above(level: &[Hash]) -> Vec<Hash> {
    level
        .chunks(2)
        .map(|pair| match pair {
            [l, r] => node(l, r),
            [one] => *one,
            _ => crate::EMPTY,
        })
        .collect()
}

/// The siblings on the path of leaf `index` to [`events_root`]`(leaves)`, bottom up (a level
/// where the node moves up unpaired has none).
pub fn events_path(leaves: &[Hash], index: usize) -> Vec<Hash> {
    let mut path = Vec::new();
    let mut level = leaves.to_vec();
    let mut i = index;
    while level.len() > 1 {
        let sibling = i ^ 1;
        if let Some(s) = level.get(sibling) {
            path.push(*s);
        }
        level = level_above(&level);
        i /= 2;
    }
    path
}

/// The root that leaf `leaf` at `index` of `count` leaves and `path` lead to (`None` if the
/// path has too few or too many siblings).
pub fn root_from_path(leaf: Hash, index: u32, count: u32, path: &[Hash]) -> Option<Hash> {
    if index >= count {
        return None;
    }
    let (mut cur, mut i, mut len) = (leaf, index, count);
    let mut siblings = path.iter();
    while len > 1 {
        if i % 2 == 1 {
            cur = node(siblings.next()?, &cur);
        } else if i + 1 < len {
            cur = node(&cur, siblings.next()?);
        }
        i /= 2;
        len = len.div_ceil(2);
    }
    siblings.next().is_none().then_some(cur)
}

/// A proof that an event was emitted in a layer and is kept under a state root: the layer's
/// summary record with its Jellyfish Merkle path, and the event with its Merkle path in the
/// layer's events tree.
#[derive(Debug, Clone, PartialEq)]
pub struct EventProof {
    /// The layer the event was emitted in.
    pub layer: Layer,
    /// Its index in the layer, in emission order.
    pub seq: u32,
    /// The layer's summary record ([`EventsSummary::encode`]).
    pub summary: Vec<u8>,
    /// The summary's path to the root.
    pub merkle: SparseMerkleProof<Sha3_256>,
    /// The event's record ([`Event::encode`]).
    pub event: Vec<u8>,
    /// The event's siblings in the layer's events tree ([`events_path`]).
    pub path: Vec<Hash>,
}

impl EventProof {
    /// Checks the proof against `root` for event `seq` of `layer`: the event.
    pub fn verify(&self, root: &State, layer: Layer, seq: u32) -> Result<Event, ProofError> {
        let problem = |p: String| ProofError::Event { problem: p };
        if (self.layer, self.seq) != (layer, seq) {
            return Err(problem(format!(
                "the proof is about event {} of layer {}, not {seq} of {layer}",
                self.seq, self.layer
            )));
        }
        self.merkle
            .verify(
                RootHash(root.0),
                events_leaf(layer),
                Some(&self.summary[..]),
            )
            .map_err(|e| ProofError::Root {
                root: *root,
                problem: format!("{e:#}"),
            })?;
        let summary = EventsSummary::decode(&self.summary).map_err(|e| problem(e.to_string()))?;
        let event = Event::decode(&self.event).map_err(|e| problem(e.to_string()))?;
        match root_from_path(event.hash(), seq, summary.count, &self.path) {
            Some(r) if r == summary.root => Ok(event),
            _ => Err(problem(format!(
                "the event does not lead to layer {layer}'s events root"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_path_leads_to_the_root(n in 1usize..40, seed in any::<u8>()) {
            let leaves: Vec<Hash> = (0..n).map(|i| [seed ^ i as u8; 32]).collect();
            let root = events_root(&leaves);
            for i in 0..n {
                let path = events_path(&leaves, i);
                prop_assert_eq!(root_from_path(leaves[i], i as u32, n as u32, &path), Some(root));
                // another leaf, index or count does not
                let forged = [0xee; 32];
                if leaves[i] != forged {
                    prop_assert_ne!(root_from_path(forged, i as u32, n as u32, &path), Some(root));
                }
                if n > 1 {
                    let other = ((i + 1) % n) as u32;
                    if leaves[other as usize] != leaves[i] {
                        prop_assert_ne!(root_from_path(leaves[i], other, n as u32, &path), Some(root));
                    }
                }
            }
        }

        #[test]
        fn records_round_trip(topics in 0usize..=4, data in proptest::collection::vec(any::<u8>(), 0..64), exp in any::<u64>()) {
            let e = Event {
                account: Address([3; 20]),
                tx_id: TxId([4; 32]),
                topics: (0..topics).map(|i| [i as u8; 32]).collect(),
                data,
                expires: Layer(exp),
            };
            prop_assert_eq!(Event::decode(&e.encode()), Ok(e.clone()));
            let mut bytes = e.encode();
            bytes.push(0);
            prop_assert!(Event::decode(&bytes).is_err());
            bytes.truncate(bytes.len() - 2);
            prop_assert!(Event::decode(&bytes).is_err());
        }
    }

    #[test]
    fn the_bloom_has_no_false_negatives() {
        let mut bloom = [0u8; BLOOM_BYTES];
        for i in 0..100u8 {
            bloom_add(&mut bloom, &[i; 32]);
        }
        assert!((0..100u8).all(|i| bloom_may_contain(&bloom, &[i; 32])));
        let empty = [0u8; BLOOM_BYTES];
        assert!(!bloom_may_contain(&empty, &[1; 32]));
    }
}
