//! The rewind window: with [`StorageConfig::history`](crate::StorageConfig::history) = `N`,
//! layers older than the last committed one minus `N` are pruned, so a node's disk use stops
//! growing with its history.
//!
//! Pruning layer `L` makes layer `L - 1` unreachable. It deletes what only `L - 1` and older
//! layers need: the undo log of `L` (which turns `L` back into `L - 1`), the tree nodes
//! replaced in `L` (marked `Z L` at commit; versions `>= L` no longer read them) and the root
//! record of `L - 1`. Current records, and the nodes and undo logs of kept layers, are never
//! touched, so every kept layer still rewinds byte for byte and still has proofs.
//!
//! It runs after each commit (and when a store opens), deleting at most a bounded number of
//! keys: twice what the commit wrote, and at least [`PRUNE_MIN_KEYS`], so it keeps up with the
//! history it is asked to forget. It writes in batches of at most [`PRUNE_BATCH_KEYS`] keys,
//! each atomic and carrying its progress: the `Mpruned` record (the oldest layer on record)
//! moves to `L` in the first batch that deletes anything of `L`, so a crash between batches
//! leaves garbage that the next run finishes deleting, never a kept layer without its data.

use svm_kv::{KVStore, WriteBatch};
use svm_types::Layer;

use crate::{GlobalState, StorageError, keys};

/// Keys one pruning batch deletes at most (one atomic write).
pub const PRUNE_BATCH_KEYS: usize = 512;

/// Keys pruning deletes after a commit at least, when it has work.
pub const PRUNE_MIN_KEYS: usize = 4096;

impl<K: KVStore> GlobalState<K> {
    /// The oldest layer `rewind` and proofs still reach: the last committed layer minus the
    /// rewind window, or what pruning has already removed, whichever is later; 0 when every
    /// layer is kept.
    pub fn oldest_layer(&self) -> Layer {
        let window = self
            .config
            .history
            .map_or(Layer(0), |n| Layer(self.head.0.0.saturating_sub(n)));
        window.max(self.pruned)
    }

    /// Prunes up to `budget` keys of the layers older than the rewind window, in batches of
    /// at most [`PRUNE_BATCH_KEYS`]; returns the number of keys deleted. Commits call it on
    /// their own; a node may call it when idle. Nothing to do without a window.
    pub fn prune(&mut self, budget: usize) -> Result<usize, StorageError> {
        let Some(window) = self.config.history else {
            return Ok(0);
        };
        let target = Layer(self.head.0.0.saturating_sub(window));
        // another handle on the same store may have pruned further
        self.pruned = self.pruned.max(self.stored_floor()?);
        let mut deleted = 0;
        while deleted < budget {
            let step = self.prune_batch(target, (budget - deleted).min(PRUNE_BATCH_KEYS))?;
            if step.keys > 0 || step.floor != self.pruned {
                self.kv.write(step.batch)?;
                self.pruned = step.floor;
            }
            deleted += step.keys;
            if step.done {
                break;
            }
        }
        if deleted > 0 {
            log::debug!(
                "pruned {deleted} keys; the oldest layer on record is {}",
                self.pruned
            );
        }
        Ok(deleted)
    }

    /// The oldest layer on record according to the store.
    pub(crate) fn stored_floor(&self) -> Result<Layer, StorageError> {
        match self.kv.get(keys::PRUNED)? {
            None => Ok(Layer(0)),
            Some(bytes) => bytes
                .as_slice()
                .try_into()
                .map(|b| Layer(u64::from_be_bytes(b)))
                .map_err(|_| {
                    StorageError::Corrupt(format!("prune record of {} bytes", bytes.len()))
                }),
        }
    }

    /// Pruning after a commit that wrote `written` keys: a node fault here is logged, not
    /// returned, since the commit itself is done (the next commit retries).
    pub(crate) fn prune_after_commit(&mut self, written: usize) {
        if let Err(e) = self.prune(PRUNE_MIN_KEYS.max(2 * written)) {
            log::warn!("pruning old layers failed (the next commit retries): {e}");
        }
    }

    /// One batch of at most `limit` deletions (one more when a node and its marker straddle
    /// the limit), moving the floor towards `target`.
    fn prune_batch(&self, target: Layer, limit: usize) -> Result<PruneStep, StorageError> {
        let mut step = PruneStep {
            batch: WriteBatch::new(),
            floor: self.pruned,
            keys: 0,
            done: false,
        };
        loop {
            // what is left of pruning `floor` (nothing for layer 0)
            if step.floor.0 > 0 {
                let left = limit - step.keys;
                let undo = self
                    .kv
                    .scan_limit(&keys::undo_prefix(step.floor), b"", left)?;
                let undo_done = undo.len() < left;
                for (k, _) in undo {
                    step.batch.delete(k);
                    step.keys += 1;
                }
                // a replaced node and its marker: two keys
                let left = (limit.saturating_sub(step.keys) / 2).max(1);
                let stale = self
                    .kv
                    .scan_limit(&keys::stale_prefix(step.floor.0), b"", left)?;
                let stale_done = stale.len() < left;
                for (marker, _) in stale {
                    step.batch.delete(marker[9..].to_vec());
                    step.batch.delete(marker);
                    step.keys += 2;
                }
                if !(undo_done && stale_done) {
                    return Ok(step);
                }
                step.batch.delete(keys::layer(Layer(step.floor.0 - 1)));
            }
            if step.floor >= target {
                step.done = true;
                return Ok(step);
            }
            if step.keys >= limit {
                return Ok(step);
            }
            step.floor = Layer(step.floor.0 + 1);
            step.batch
                .put(keys::PRUNED, step.floor.0.to_be_bytes().to_vec());
        }
    }
}

/// One pruning batch: its deletions, the floor it moves to, how many keys, and whether
/// everything up to the window is pruned after it.
struct PruneStep {
    batch: WriteBatch,
    floor: Layer,
    keys: usize,
    done: bool,
}
