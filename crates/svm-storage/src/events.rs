//! Events in the state: emitted into the open layer inside transactions, committed per layer
//! under the global root, deleted when they expire (`svm_proof::events` defines the records,
//! the summary and the hashes).
//!
//! - **Emission** (`WorldState::emit_event`): the event is written at `V layer seq` and its
//!   expiry at `X expires layer seq`, in the running transaction (a rollback or a rolled-back
//!   savepoint drops it); `seq` comes from the open layer's count (`C layer`, never
//!   committed).
//! - **Commit of layer L**: the layer's events get their summary (`W L`, a leaf of the global
//!   tree: count, live count, Merkle root of their hashes, bloom) and their hashes (`H L`, for
//!   proofs); every event expiring at L (`X L ...`) is deleted, its layer's live count drops,
//!   and a layer whose last event expired loses its summary and hashes. All of it goes into
//!   the layer's one atomic write, with undo records: a rewind brings expired events back.
//! - The work: emission writes two records; commit reads each new event once (hash, bloom)
//!   and each expiring event's two records once. The runtime prices all of it when the event
//!   is emitted (size x lifetime).

use std::collections::BTreeMap;

use svm_kv::KVStore;
use svm_proof::{BLOOM_BYTES, Event, EventsSummary};
use svm_types::Layer;

use crate::{GlobalState, StorageError, global_state::Overlay, keys};

/// The most events that may expire at one layer: what bounds the deletion work of any one
/// commit (an emission into a full layer is refused; the template picks another lifetime).
pub const MAX_EVENTS_EXPIRING: u32 = 65_536;

/// Checks that `event` may be stored in `layer`: at most four topics, expiring later.
pub(crate) fn check_event(event: &Event, layer: Layer) -> Result<(), StorageError> {
    if event.topics.len() > svm_proof::MAX_TOPICS {
        return Err(StorageError::InvalidEvent(format!(
            "{} topics, at most {}",
            event.topics.len(),
            svm_proof::MAX_TOPICS
        )));
    }
    if event.expires <= layer {
        return Err(StorageError::InvalidEvent(format!(
            "it expires at layer {}, not after the open layer {layer}",
            event.expires
        )));
    }
    Ok(())
}

fn decode_u32(bytes: &[u8], what: &str) -> Result<u32, StorageError> {
    Ok(u32::from_be_bytes(bytes.try_into().map_err(|_| {
        StorageError::Corrupt(format!("{what}: {} bytes", bytes.len()))
    })?))
}

pub(crate) fn decode_event(bytes: &[u8]) -> Result<Event, StorageError> {
    Event::decode(bytes).map_err(|e| StorageError::Corrupt(e.to_string()))
}

pub(crate) fn decode_summary(bytes: &[u8]) -> Result<EventsSummary, StorageError> {
    EventsSummary::decode(bytes).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// Layer and index of an expiry key's rest (after the expiry layer).
fn expiry_target(key: &[u8], prefix_len: usize) -> Result<(Layer, u32), StorageError> {
    let rest = key.get(prefix_len..).unwrap_or_default();
    if rest.len() != 12 {
        return Err(StorageError::Corrupt(format!(
            "an event expiry key of {} bytes",
            key.len()
        )));
    }
    let layer = u64::from_be_bytes(rest[..8].try_into().unwrap_or_default());
    Ok((Layer(layer), decode_u32(&rest[8..], "event index")?))
}

impl<K: KVStore> GlobalState<K> {
    /// Appends `event` to the open layer's events in the running transaction.
    ///
    /// Without an open layer (a read-only transaction, as the runtime's verify runs) the
    /// event is numbered in the layer after the last committed one: it can never be kept.
    pub(crate) fn put_event(&mut self, event: &Event) -> Result<u32, StorageError> {
        let layer = match self.open {
            Some(open) => open,
            None => self.head.0.next().ok_or(StorageError::LayerOverflow)?,
        };
        check_event(event, layer)?;
        let count_key = keys::event_count(layer);
        let seq = match self.get_record(&count_key)? {
            Some(bytes) => decode_u32(&bytes, "event count")?,
            None => 0,
        };
        let next = seq
            .checked_add(1)
            .ok_or_else(|| StorageError::InvalidEvent("more than 2^32 events in a layer".into()))?;
        let bucket_key = keys::expiry_count(event.expires);
        let expiring = match self.get_record(&bucket_key)? {
            Some(bytes) => decode_u32(&bytes, "expiring event count")?,
            None => 0,
        };
        if expiring >= MAX_EVENTS_EXPIRING {
            return Err(StorageError::InvalidEvent(format!(
                "{MAX_EVENTS_EXPIRING} events expire at layer {} already",
                event.expires
            )));
        }
        let tx = self.tx.as_mut().ok_or(StorageError::NoTransaction)?;
        tx.writes
            .insert(bucket_key, Some((expiring + 1).to_be_bytes().to_vec()));
        tx.writes
            .insert(keys::event(layer, seq), Some(event.encode()));
        tx.writes
            .insert(keys::expiry(event.expires, layer, seq), Some(Vec::new()));
        tx.writes
            .insert(count_key, Some(next.to_be_bytes().to_vec()));
        Ok(seq)
    }

    /// What committing `layer` changes for events: its summary and hashes, and the events
    /// expiring at its commit. Writes nothing.
    pub(crate) fn event_changes(&self, layer: Layer) -> Result<Overlay, StorageError> {
        let mut changes = Overlay::new();
        // this layer's events: all of them are in the layer's writes
        let count = match self.layer.get(&keys::event_count(layer)) {
            Some(Some(bytes)) => decode_u32(bytes, "event count")?,
            _ => 0,
        };
        if count > 0 {
            let mut hashes = Vec::with_capacity(count as usize);
            let mut bloom = [0u8; BLOOM_BYTES];
            for seq in 0..count {
                let Some(Some(bytes)) = self.layer.get(&keys::event(layer, seq)) else {
                    return Err(StorageError::Corrupt(format!(
                        "event {seq} of the open layer {layer} is missing"
                    )));
                };
                let event = decode_event(bytes)?;
                event.add_to(&mut bloom);
                hashes.push(event.hash());
            }
            let summary = EventsSummary {
                count,
                live: count,
                root: svm_proof::events_root(&hashes),
                bloom,
            };
            changes.insert(keys::events_summary(layer), Some(summary.encode()));
            changes.insert(keys::event_hashes(layer), Some(hashes.concat()));
        }
        // the events expiring now, all emitted in committed layers (at most
        // MAX_EVENTS_EXPIRING of them)
        if self.kv.get(&keys::expiry_count(layer))?.is_some() {
            changes.insert(keys::expiry_count(layer), None);
        }
        let prefix = keys::expiring(layer);
        let mut summaries: BTreeMap<Layer, EventsSummary> = BTreeMap::new();
        for (key, _) in self.kv.scan(&prefix, b"")? {
            let (emitted, seq) = expiry_target(&key, prefix.len())?;
            changes.insert(key, None);
            changes.insert(keys::event(emitted, seq), None);
            let summary = match summaries.remove(&emitted) {
                Some(s) => s,
                None => {
                    let bytes = self
                        .kv
                        .get(&keys::events_summary(emitted))?
                        .ok_or_else(|| {
                            StorageError::Corrupt(format!(
                                "layer {emitted} has expiring events but no summary"
                            ))
                        })?;
                    decode_summary(&bytes)?
                }
            };
            let live = summary.live.checked_sub(1).ok_or_else(|| {
                StorageError::Corrupt(format!("layer {emitted}: more events expire than live"))
            })?;
            summaries.insert(emitted, EventsSummary { live, ..summary });
        }
        for (emitted, summary) in summaries {
            if summary.live == 0 {
                changes.insert(keys::events_summary(emitted), None);
                changes.insert(keys::event_hashes(emitted), None);
            } else {
                changes.insert(keys::events_summary(emitted), Some(summary.encode()));
            }
        }
        Ok(changes)
    }

    /// The events summary of `layer` as the state reads now (`None`: no live event).
    pub(crate) fn summary_of(
        &mut self,
        layer: Layer,
    ) -> Result<Option<EventsSummary>, StorageError> {
        self.get_record(&keys::events_summary(layer))?
            .map(|b| decode_summary(&b))
            .transpose()
    }

    /// Up to `limit` live events of committed `layer` from index `from`.
    pub(crate) fn events_of(
        &mut self,
        layer: Layer,
        from: u32,
        limit: usize,
    ) -> Result<Vec<(u32, Event)>, StorageError> {
        let prefix = keys::events(layer);
        let start = keys::event(layer, from);
        let mut out = Vec::new();
        for (key, value) in self.kv.scan_limit(&prefix, &start, limit)? {
            let seq = decode_u32(key.get(prefix.len()..).unwrap_or_default(), "event key")?;
            out.push((seq, decode_event(&value)?));
        }
        Ok(out)
    }
}
