//! [`LayerMap`]: the open layer's kept writes, in parts that forks of the state share
//! without a copy, and [`ReadSet`]: what a fork read below its own writes.
//!
//! Parallel execution (`parallel.rs`) runs transactions on forks of the state. Each
//! [`freeze`](LayerMap::freeze) starts an *epoch*: the writes made since the last one become
//! a shared, read-only segment, and forks made then see every segment (and keep their own
//! writes in `recent`). The state the forks came from notes the epoch of every key it writes
//! after the first freeze: a fork made at epoch `g` missed exactly the writes of epochs
//! `g` and later, which is what its reads are validated against.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex, PoisonError},
};

use crate::keys;

/// Pending changes to flat keys: `Some(value)` to store, `None` to delete.
pub(crate) type Overlay = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A pending write: a key and its new value (`None`: deleted).
pub(crate) type Pending<'a> = (&'a Vec<u8>, &'a Option<Vec<u8>>);

/// Writes of the open layer ordered by key, as one stream.
pub(crate) type Stream<'a> = Box<dyn Iterator<Item = Pending<'a>> + 'a>;

/// Segments kept apart before all are merged into one (reads look through each). Merging
/// the newest segments as they reach the size of the one before keeps far fewer in practice.
const MAX_SEGMENTS: usize = 12;

/// The open layer's kept writes.
#[derive(Debug, Default)]
pub(crate) struct LayerMap {
    /// Writes made before the last [`freeze`](Self::freeze), oldest segment first, shared
    /// with forks.
    frozen: Vec<Arc<Overlay>>,
    /// Writes made since (in a fork: the fork's own).
    recent: Overlay,
    /// Freezes so far in this layer (in a fork: the freeze it was made at).
    epoch: u64,
    /// After the first freeze: the epoch each key was last written in.
    written: BTreeMap<Vec<u8>, u64>,
    /// After the first freeze: the epoch an entry of each map was last written in.
    maps_written: BTreeMap<Vec<u8>, u64>,
    /// In a fork: what was read below `recent`.
    reads: Option<Mutex<ReadSet>>,
}

/// What a fork's transaction read of the state below its own writes: the keys, the account
/// records with their values (validated by content, see `parallel.rs`), and the map walks.
#[derive(Debug, Default, Clone)]
pub(crate) struct ReadSet {
    pub(crate) keys: BTreeSet<Vec<u8>>,
    pub(crate) accounts: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// The maps walked (their entries' prefix): a walk depends on every entry of its map.
    pub(crate) walks: BTreeSet<Vec<u8>>,
}

impl LayerMap {
    /// A fork's view of this layer as frozen now: it records its reads.
    pub(crate) fn fork(&self) -> Self {
        Self {
            frozen: self.frozen.clone(),
            recent: Overlay::new(),
            epoch: self.epoch,
            written: BTreeMap::new(),
            maps_written: BTreeMap::new(),
            reads: Some(Mutex::new(ReadSet::default())),
        }
    }

    /// The epoch: for a fork, the freeze it was made at.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The write of `key`, if the layer has one.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        self.recent.get(key).or_else(|| self.get_frozen(key))
    }

    /// The write of `key` made since the last freeze (in a fork: by the fork itself).
    pub(crate) fn get_recent(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        self.recent.get(key)
    }

    /// The write of `key` made before the last freeze.
    pub(crate) fn get_frozen(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        self.frozen.iter().rev().find_map(|s| s.get(key))
    }

    /// Whether the layer has a write of `key`.
    pub(crate) fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Every write in key order.
    pub(crate) fn iter(&self) -> Stream<'_> {
        self.stream(|o| Box::new(o.iter()))
    }

    /// The writes from `start` on, in key order.
    pub(crate) fn range_from(&self, start: Vec<u8>) -> Stream<'_> {
        self.stream(move |o| Box::new(o.range(start.clone()..)))
    }

    /// The segments and the recent writes, each as `part` streams it, merged (a later part
    /// wins on a key several have).
    fn stream<'a>(&'a self, part: impl Fn(&'a Overlay) -> Stream<'a>) -> Stream<'a> {
        let mut out: Stream<'a> = Box::new(std::iter::empty());
        for segment in &self.frozen {
            out = Box::new(Merged::new(out, part(segment)));
        }
        Box::new(Merged::new(out, part(&self.recent)))
    }

    /// Adds writes (one by one: `BTreeMap::append` rebuilds the whole map on every call),
    /// noting each key's epoch once forks exist.
    pub(crate) fn extend(&mut self, writes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>) {
        let track = self.epoch > 0 && self.reads.is_none();
        for (key, value) in writes {
            if track {
                if let Some(map) = keys::entry_map(&key) {
                    self.maps_written.insert(map.to_vec(), self.epoch);
                }
                self.written.insert(key.clone(), self.epoch);
            }
            self.recent.insert(key, value);
        }
    }

    /// Drops every write (and, in a fork, what it read).
    pub(crate) fn clear(&mut self) {
        self.frozen.clear();
        self.recent.clear();
        self.epoch = 0;
        self.written.clear();
        self.maps_written.clear();
        if let Some(reads) = &self.reads {
            *lock(reads) = ReadSet::default();
        }
    }

    /// Starts a new epoch: the recent writes become a shared segment. A segment at least
    /// half the size of the one before is merged into it (so each write is copied about
    /// log2 of the layer's size times, and there are about that many segments), and past
    /// [`MAX_SEGMENTS`] all are merged.
    pub(crate) fn freeze(&mut self) {
        self.epoch += 1;
        if !self.recent.is_empty() {
            let recent = std::mem::take(&mut self.recent);
            self.frozen.push(Arc::new(recent));
        }
        while let [.., older, newer] = &self.frozen[..] {
            if newer.len() * 2 < older.len() {
                break;
            }
            let newer = self.frozen.pop();
            let older = self.frozen.pop();
            self.frozen
                .push(Arc::new(merge([older, newer].into_iter().flatten())));
        }
        if self.frozen.len() > MAX_SEGMENTS {
            let all = std::mem::take(&mut self.frozen);
            self.frozen.push(Arc::new(merge(all)));
        }
    }

    /// Whether `key` was written in epoch `epoch` or later.
    pub(crate) fn written_since(&self, key: &[u8], epoch: u64) -> bool {
        self.written.get(key).is_some_and(|e| *e >= epoch)
    }

    /// Whether an entry of `map` (its entries' prefix) was written in epoch `epoch` or later.
    pub(crate) fn map_written_since(&self, map: &[u8], epoch: u64) -> bool {
        self.maps_written.get(map).is_some_and(|e| *e >= epoch)
    }

    /// In a fork: notes a read of `key`, which had `value` below the fork's writes.
    pub(crate) fn note_read(&self, key: &[u8], value: &Option<Vec<u8>>) {
        let Some(reads) = &self.reads else { return };
        let mut reads = lock(reads);
        if keys::is_account(key) {
            reads
                .accounts
                .entry(key.to_vec())
                .or_insert_with(|| value.clone());
        } else if !reads.keys.contains(key) {
            reads.keys.insert(key.to_vec());
        }
    }

    /// In a fork: notes a walk over the entries of `map` (their prefix).
    pub(crate) fn note_walk(&self, map: &[u8]) {
        if let Some(reads) = &self.reads {
            let mut reads = lock(reads);
            if !reads.walks.contains(map) {
                reads.walks.insert(map.to_vec());
            }
        }
    }

    /// In a fork: what it read since the last call, which is dropped with its own writes
    /// (the fork is back at the layer it was made from).
    pub(crate) fn take_fork(&mut self) -> ReadSet {
        self.recent.clear();
        match &self.reads {
            Some(reads) => std::mem::take(&mut *lock(reads)),
            None => ReadSet::default(),
        }
    }
}

/// Segments merged into one, oldest first (a later one's write wins); a segment no fork
/// shares any more is moved, not copied.
fn merge(segments: impl IntoIterator<Item = Arc<Overlay>>) -> Overlay {
    let mut merged = Overlay::new();
    for segment in segments {
        match Arc::try_unwrap(segment) {
            Ok(owned) if merged.is_empty() => merged = owned,
            Ok(owned) => merged.extend(owned),
            Err(shared) => merged.extend(shared.iter().map(|(k, v)| (k.clone(), v.clone()))),
        }
    }
    merged
}

fn lock(reads: &Mutex<ReadSet>) -> std::sync::MutexGuard<'_, ReadSet> {
    reads.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Two ordered streams of pending writes as one, the second's write winning on a key both
/// have.
pub(crate) struct Merged<'a, A: Iterator<Item = Pending<'a>>, B: Iterator<Item = Pending<'a>>> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<'a, A: Iterator<Item = Pending<'a>>, B: Iterator<Item = Pending<'a>>> Merged<'a, A, B> {
    pub(crate) fn new(a: A, b: B) -> Self {
        Self {
            a: a.peekable(),
            b: b.peekable(),
        }
    }

    /// The key the next item has.
    pub(crate) fn peek_key(&mut self) -> Option<&'a Vec<u8>> {
        match (self.a.peek(), self.b.peek()) {
            (Some((a, _)), Some((b, _))) => Some(if a < b { a } else { b }),
            (Some((a, _)), None) => Some(a),
            (None, Some((b, _))) => Some(b),
            (None, None) => None,
        }
    }
}

impl<'a, A: Iterator<Item = Pending<'a>>, B: Iterator<Item = Pending<'a>>> Iterator
    for Merged<'a, A, B>
{
    type Item = Pending<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        match (self.a.peek(), self.b.peek()) {
            (Some((a, _)), Some((b, _))) if a < b => self.a.next(),
            (Some((a, _)), Some((b, _))) if a == b => {
                self.a.next();
                self.b.next()
            }
            (_, Some(_)) => self.b.next(),
            (Some(_), None) => self.a.next(),
            (None, None) => None,
        }
    }
}
