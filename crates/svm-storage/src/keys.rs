//! The key layout of svm's state in the [`KVStore`](svm_kv::KVStore): every key svm writes is
//! built here, so the whole layout reads in one place (and in `docs/architecture.md`).
//!
//! | prefix | key | value |
//! |---|---|---|
//! | `M` | `M` `format` | store format version (u32 BE) and page size (u32 BE) |
//! | `M` | `M` `head` | last committed layer (u64 BE) and its root (32 bytes) |
//! | `L` | `L` layer (u64 BE) | global root after that layer (32 bytes) |
//! | `U` | `U` layer (u64 BE) flat-key | the flat key's value before that layer (undo log) |
//! | `N` | `N` version (u64 BE) borsh(nibble path) | borsh(Jellyfish Merkle node) |
//! | `A` | `A` address (20) | account record |
//! | `T` | `T` template address (20) | template record |
//! | `P` | `P` address (20) page index (u32 BE) | page content, trailing zeros trimmed |
//! | `S` | `S` address (20) level (u8) index (u32 BE) | a page-tree node record |
//! | `E` | `E` address (20) map (u32 BE) key | a map entry's value |
//! | `Q` | `Q` address (20) map (u32 BE) path | a node of that map's trie (path: one byte per nibble) |
//! | `R` | `R` address (20) path | a node of the account's maps trie (map id -> map root) |
//! | `Z` | `Z` since (u64 BE) `N`-key | empty: the tree node under that `N` key was replaced in layer `since` (pruning deletes it once no kept layer needs it) |
//! | `M` | `M` `pruned` | the oldest layer still on record (u64 BE); absent: 0 |
//! | `V` | `V` layer (u64 BE) seq (u32 BE) | an event emitted in that layer (`svm_proof::Event`), until it expires |
//! | `W` | `W` layer (u64 BE) | the layer's events summary (a tree leaf at `svm_proof::events_leaf`), until its last event expires |
//! | `H` | `H` layer (u64 BE) | the hashes of the layer's events, in order (for event proofs), as long as the summary |
//! | `X` | `X` expires (u64 BE) layer (u64 BE) seq (u32 BE) | empty: the event expires at that layer's commit |
//! | `C` | `C` layer (u64 BE) | the open layer's event count so far (never committed) |
//! | `Y` | `Y` expires (u64 BE) | how many events expire at that layer's commit (u32 BE; at most `MAX_EVENTS_EXPIRING`) |
//!
//! Big-endian numbers keep numeric order equal to byte order, so "every layer after L" and
//! "every node newer than L" are single prefix scans.

use svm_types::{Address, Layer, TemplateAddr};

use crate::page::PageIndex;

pub(crate) const FORMAT: &[u8] = b"Mformat";
pub(crate) const HEAD: &[u8] = b"Mhead";
pub(crate) const PRUNED: &[u8] = b"Mpruned";
pub(crate) const LAYER: u8 = b'L';
pub(crate) const UNDO: u8 = b'U';
pub(crate) const NODE: u8 = b'N';
pub(crate) const ACCOUNT: u8 = b'A';
pub(crate) const TEMPLATE: u8 = b'T';
pub(crate) const PAGE: u8 = b'P';
pub(crate) const PAGE_NODE: u8 = b'S';
pub(crate) const STALE: u8 = b'Z';
pub(crate) const MAP_ENTRY: u8 = b'E';
pub(crate) const MAP_NODE: u8 = b'Q';
pub(crate) const MAPS_NODE: u8 = b'R';
pub(crate) const EVENT: u8 = b'V';
pub(crate) const EVENTS_SUMMARY: u8 = b'W';
pub(crate) const EVENT_HASHES: u8 = b'H';
pub(crate) const EVENT_EXPIRY: u8 = b'X';
pub(crate) const EVENT_COUNT: u8 = b'C';
pub(crate) const EXPIRY_COUNT: u8 = b'Y';

pub(crate) fn expiry_count(expires: Layer) -> Vec<u8> {
    prefixed(EXPIRY_COUNT, &expires.0.to_be_bytes())
}

/// The prefix of `layer`'s events (an event's index follows).
pub(crate) fn events(layer: Layer) -> Vec<u8> {
    prefixed(EVENT, &layer.0.to_be_bytes())
}

/// Event `seq` of `layer`.
pub(crate) fn event(layer: Layer, seq: u32) -> Vec<u8> {
    let mut k = events(layer);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn events_summary(layer: Layer) -> Vec<u8> {
    prefixed(EVENTS_SUMMARY, &layer.0.to_be_bytes())
}

pub(crate) fn event_hashes(layer: Layer) -> Vec<u8> {
    prefixed(EVENT_HASHES, &layer.0.to_be_bytes())
}

pub(crate) fn event_count(layer: Layer) -> Vec<u8> {
    prefixed(EVENT_COUNT, &layer.0.to_be_bytes())
}

/// The prefix of the events expiring at `expires`'s commit.
pub(crate) fn expiring(expires: Layer) -> Vec<u8> {
    prefixed(EVENT_EXPIRY, &expires.0.to_be_bytes())
}

pub(crate) fn expiry(expires: Layer, layer: Layer, seq: u32) -> Vec<u8> {
    let mut k = expiring(expires);
    k.extend_from_slice(&layer.0.to_be_bytes());
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn layer(layer: Layer) -> Vec<u8> {
    prefixed(LAYER, &layer.0.to_be_bytes())
}

pub(crate) fn undo_prefix(layer: Layer) -> Vec<u8> {
    prefixed(UNDO, &layer.0.to_be_bytes())
}

pub(crate) fn undo(layer: Layer, flat_key: &[u8]) -> Vec<u8> {
    let mut k = undo_prefix(layer);
    k.extend_from_slice(flat_key);
    k
}

pub(crate) fn node_version_prefix(version: u64) -> Vec<u8> {
    prefixed(NODE, &version.to_be_bytes())
}

pub(crate) fn stale_prefix(since: u64) -> Vec<u8> {
    prefixed(STALE, &since.to_be_bytes())
}

/// The marker of the tree node stored under `node_key`, replaced in layer `since`.
pub(crate) fn stale(since: u64, node_key: &[u8]) -> Vec<u8> {
    let mut k = stale_prefix(since);
    k.extend_from_slice(node_key);
    k
}

pub(crate) fn account(addr: &Address) -> Vec<u8> {
    prefixed(ACCOUNT, addr.as_bytes())
}

/// Whether `key` is an account record's key.
pub(crate) fn is_account(key: &[u8]) -> bool {
    key.len() == 21 && key[0] == ACCOUNT
}

pub(crate) fn template(addr: &TemplateAddr) -> Vec<u8> {
    prefixed(TEMPLATE, addr.as_bytes())
}

pub(crate) fn page(addr: &Address, index: PageIndex) -> Vec<u8> {
    let mut k = prefixed(PAGE, addr.as_bytes());
    k.extend_from_slice(&index.0.to_be_bytes());
    k
}

/// A node of the page tree of `addr` (`page_tree.rs`): level 1 nodes hold page hashes.
pub(crate) fn page_node(addr: &Address, level: u8, index: u32) -> Vec<u8> {
    let mut k = prefixed(PAGE_NODE, addr.as_bytes());
    k.push(level);
    k.extend_from_slice(&index.to_be_bytes());
    k
}

/// The prefix of map `map`'s entries of `addr` (an entry's key follows).
pub(crate) fn map_entries(addr: &Address, map: u32) -> Vec<u8> {
    let mut k = prefixed(MAP_ENTRY, addr.as_bytes());
    k.extend_from_slice(&map.to_be_bytes());
    k
}

/// The prefix of the nodes of map `map`'s trie (a node's path follows).
/// The map (its entries' prefix, [`map_entries`]) a map entry's key belongs to.
pub(crate) fn entry_map(key: &[u8]) -> Option<&[u8]> {
    (key.first() == Some(&MAP_ENTRY))
        .then(|| key.get(..1 + 20 + 4))
        .flatten()
}

pub(crate) fn map_nodes(addr: &Address, map: u32) -> Vec<u8> {
    let mut k = prefixed(MAP_NODE, addr.as_bytes());
    k.extend_from_slice(&map.to_be_bytes());
    k
}

/// The prefix of the nodes of `addr`'s maps trie (a node's path follows).
pub(crate) fn maps_nodes(addr: &Address) -> Vec<u8> {
    prefixed(MAPS_NODE, addr.as_bytes())
}

fn prefixed(prefix: u8, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + rest.len());
    k.push(prefix);
    k.extend_from_slice(rest);
    k
}
