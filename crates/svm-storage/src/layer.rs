//! Layers: opening, committing and rewinding the global state.
//!
//! - [`GlobalState::new`] opens a store (or initialises an empty one at layer 0, the genesis,
//!   with the empty tree's root) and restores the last committed layer and root exactly.
//! - [`GlobalState::open`] accepts only the last committed layer + 1.
//! - [`GlobalState::commit`] writes the layer in ONE atomic batch: changed records, their
//!   previous values (the undo log), the new tree nodes, the layer's root and the new head.
//! - [`GlobalState::rewind`] restores an earlier layer from the undo logs and deletes every
//!   later layer, also in one batch.

use jmt::KeyHash;
use svm_kv::{KVStore, WriteBatch};
use svm_types::{Layer, State};

use crate::{GlobalState, StorageConfig, StorageError, global_state::Overlay, keys, merkle};

/// Version of the on-disk layout written under `Mformat`.
pub const STORE_FORMAT: u32 = 2;

fn decode_head(bytes: &[u8]) -> Result<(Layer, State), StorageError> {
    if bytes.len() != 40 {
        return Err(StorageError::Corrupt(format!(
            "head record of {} bytes, expected 40",
            bytes.len()
        )));
    }
    let mut layer = [0u8; 8];
    layer.copy_from_slice(&bytes[..8]);
    let root = State::from_slice(&bytes[8..]).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    Ok((Layer(u64::from_be_bytes(layer)), root))
}

fn encode_head(layer: Layer, root: &State) -> Vec<u8> {
    let mut out = layer.0.to_be_bytes().to_vec();
    out.extend_from_slice(root.as_bytes());
    out
}

fn decode_root(layer: Layer, bytes: &[u8]) -> Result<State, StorageError> {
    State::from_slice(bytes)
        .map_err(|e| StorageError::Corrupt(format!("root of layer {layer}: {e}")))
}

/// Undo records: `0` = the key was absent, `1 || value` = it held `value`.
fn encode_undo(prior: Option<&[u8]>) -> Vec<u8> {
    match prior {
        None => vec![0],
        Some(v) => {
            let mut out = Vec::with_capacity(1 + v.len());
            out.push(1);
            out.extend_from_slice(v);
            out
        }
    }
}

pub(crate) fn decode_undo(bytes: &[u8]) -> Result<Option<&[u8]>, StorageError> {
    match bytes.split_first() {
        Some((0, [])) => Ok(None),
        Some((1, v)) => Ok(Some(v)),
        _ => Err(StorageError::Corrupt("malformed undo record".into())),
    }
}

/// The tree leaves changed by a layer's record writes (accounts, templates, events
/// summaries).
fn leaf_changes<'a>(
    layer: impl Iterator<Item = (&'a Vec<u8>, &'a Option<Vec<u8>>)>,
) -> Vec<(KeyHash, Option<Vec<u8>>)> {
    layer
        .filter_map(|(key, value)| {
            let (prefix, rest) = key.split_first()?;
            let leaf = match *prefix {
                keys::ACCOUNT => merkle::account_leaf(&svm_types::Address::from_slice(rest).ok()?),
                keys::TEMPLATE => {
                    merkle::template_leaf(&svm_types::TemplateAddr::from_slice(rest).ok()?)
                }
                keys::EVENTS_SUMMARY => {
                    svm_proof::events_leaf(Layer(u64::from_be_bytes(rest.try_into().ok()?)))
                }
                _ => return None,
            };
            Some((leaf, value.clone()))
        })
        .collect()
}

impl<K: KVStore> GlobalState<K> {
    /// Opens the global state kept in `kv`, or initialises an empty store at layer 0.
    ///
    /// Reopening restores the last committed layer and root exactly, and checks that the
    /// stored tree agrees with that root. A store created with another page size is
    /// [`StorageError::ConfigMismatch`]; a store of a newer format is
    /// [`StorageError::UnsupportedFormat`].
    pub fn new(kv: K, config: StorageConfig) -> Result<Self, StorageError> {
        config.validate()?;
        let head = match kv.get(keys::FORMAT)? {
            Some(bytes) => {
                if bytes.len() != 8 {
                    return Err(StorageError::Corrupt(format!(
                        "format record of {} bytes",
                        bytes.len()
                    )));
                }
                let format = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                let page_size = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
                if format != STORE_FORMAT {
                    return Err(StorageError::UnsupportedFormat {
                        found: format,
                        supported: STORE_FORMAT,
                    });
                }
                if page_size != config.page_size {
                    return Err(StorageError::ConfigMismatch {
                        stored_page_size: page_size,
                        requested: config.page_size,
                    });
                }
                let head = kv.get(keys::HEAD)?.ok_or_else(|| {
                    StorageError::Corrupt("store has a format record but no head".into())
                })?;
                let (layer, root) = decode_head(&head)?;
                let tree_root = merkle::root_at(&kv, layer.0)?;
                if tree_root != Some(root) {
                    return Err(StorageError::Corrupt(format!(
                        "head says layer {layer} has root {root}, the tree says {tree_root:?}"
                    )));
                }
                log::info!(
                    "opened {} state at layer {layer}, root {root}",
                    kv.backend()
                );
                (layer, root)
            }
            None => {
                if kv.first(b"", b"")?.is_some() {
                    return Err(StorageError::Corrupt(
                        "the store holds data but no svm format record: not an svm store".into(),
                    ));
                }
                let genesis = merkle::update(&kv, 0, Vec::new())?;
                let mut batch = WriteBatch::new();
                let mut format = STORE_FORMAT.to_be_bytes().to_vec();
                format.extend_from_slice(&config.page_size.to_be_bytes());
                batch.put(keys::FORMAT, format);
                for (k, v) in genesis.nodes {
                    batch.put(k, v);
                }
                batch.put(keys::layer(Layer(0)), genesis.root.as_bytes().to_vec());
                batch.put(keys::HEAD, encode_head(Layer(0), &genesis.root));
                kv.write(batch)?;
                log::info!(
                    "initialised empty {} state, root {}",
                    kv.backend(),
                    genesis.root
                );
                (Layer(0), genesis.root)
            }
        };
        let mut state = Self {
            kv: std::sync::Arc::new(kv),
            config,
            head,
            open: None,
            layer: Default::default(),
            priors: Overlay::new(),
            tx: None,
            tree: crate::page_tree::PageTree::new(config.page_size),
            pruned: Layer(0),
            kept: None,
        };
        state.pruned = state.stored_floor()?;
        if state.pruned > head.0 {
            return Err(StorageError::Corrupt(format!(
                "layers before {} are pruned but the last committed layer is {}",
                state.pruned, head.0
            )));
        }
        Ok(state)
    }

    /// Starts building `layer`, which must be the last committed layer + 1.
    pub(crate) fn open_layer(&mut self, layer: Layer) -> Result<(), StorageError> {
        if let Some(open) = self.open {
            return Err(StorageError::LayerAlreadyOpen(open));
        }
        let expected = self.head.0.next().ok_or(StorageError::LayerOverflow)?;
        if layer != expected {
            return Err(StorageError::LayerNotNext {
                expected,
                got: layer,
            });
        }
        self.open = Some(layer);
        Ok(())
    }

    /// The global root the open layer would have if committed now (kept transactions only).
    /// Writes nothing.
    pub(crate) fn layer_pending_root(&self) -> Result<State, StorageError> {
        let layer = self.open.ok_or(StorageError::NoOpenLayer)?;
        let events = self.event_changes(layer)?;
        let merged = self
            .layer
            .iter()
            .filter(|(k, _)| !events.contains_key(*k))
            .chain(events.iter());
        Ok(merkle::update(&self.kv, layer.0, leaf_changes(merged))?.root)
    }

    /// Commits the open layer in one atomic write and returns it with its new global root.
    /// A running transaction must be kept or rolled back first.
    pub(crate) fn commit_layer(&mut self) -> Result<(Layer, State), StorageError> {
        let layer = self.open.ok_or(StorageError::NoOpenLayer)?;
        if self.tx.is_some() {
            return Err(StorageError::TransactionActive);
        }
        // the layer's events summary, and the events expiring now (`events.rs`); the layer's
        // own writes are not touched until the batch is written (a failure changes nothing)
        let events = self.event_changes(layer)?;
        let count_key = keys::event_count(layer);
        let changed: Vec<(&Vec<u8>, &Option<Vec<u8>>)> = self
            .layer
            .iter()
            .filter(|(k, _)| **k != count_key && !events.contains_key(*k))
            .chain(events.iter())
            .collect();
        let update = merkle::update(&self.kv, layer.0, leaf_changes(changed.iter().copied()))?;
        let mut batch = WriteBatch::new();
        for &(key, value) in &changed {
            let prior = match self.priors.get(key) {
                Some(prior) => prior.clone(),
                None => self.kv.get(key)?,
            };
            batch.put(keys::undo(layer, key), encode_undo(prior.as_deref()));
            match value {
                Some(v) => batch.put(key.clone(), v.clone()),
                None => batch.delete(key.clone()),
            }
        }
        let changes = changed.len();
        drop(changed);
        let nodes = update.nodes.len();
        for (k, v) in update.nodes {
            batch.put(k, v);
        }
        for node in &update.stale {
            batch.put(keys::stale(layer.0, node), Vec::new());
        }
        let written = 2 * changes + nodes + update.stale.len();
        batch.put(keys::layer(layer), update.root.as_bytes().to_vec());
        batch.put(keys::HEAD, encode_head(layer, &update.root));
        self.kv.write(batch)?;
        self.head = (layer, update.root);
        self.open = None;
        self.layer.clear();
        self.priors.clear();
        log::debug!(
            "committed layer {layer}: {changes} keys, {nodes} tree nodes, root {}",
            update.root
        );
        self.prune_after_commit(written);
        Ok((layer, update.root))
    }

    /// Returns the state to committed layer `layer` and removes every later layer; an open
    /// layer and a running transaction are dropped. Returns that layer's root.
    pub(crate) fn rewind_to(&mut self, layer: Layer) -> Result<State, StorageError> {
        let last = self.head.0;
        if layer > last {
            return Err(StorageError::RewindBeyondHead {
                requested: layer,
                last,
            });
        }
        let oldest = self.oldest_layer();
        if layer < oldest {
            return Err(StorageError::RewindBeyondWindow {
                requested: layer,
                oldest,
            });
        }
        let root = self
            .layer_root(layer)?
            .ok_or_else(|| StorageError::Corrupt(format!("layer {layer} has no root record")))?;
        let mut batch = WriteBatch::new();
        // Newest first, so the oldest undo of a key (its value at `layer`) is written last.
        let mut l = last;
        while l > layer {
            for (undo_key, prior) in self.kv.scan(&keys::undo_prefix(l), b"")? {
                let flat = undo_key[keys::undo_prefix(l).len()..].to_vec();
                match decode_undo(&prior)? {
                    Some(v) => batch.put(flat, v.to_vec()),
                    None => batch.delete(flat),
                }
                batch.delete(undo_key);
            }
            batch.delete(keys::layer(l));
            l = Layer(l.0 - 1);
        }
        let first_gone = layer.next().ok_or(StorageError::LayerOverflow)?;
        for (node_key, _) in self
            .kv
            .scan(&[keys::NODE], &keys::node_version_prefix(first_gone.0))?
        {
            batch.delete(node_key);
        }
        // nodes replaced after `layer` are current again
        for (marker, _) in self
            .kv
            .scan(&[keys::STALE], &keys::stale_prefix(first_gone.0))?
        {
            batch.delete(marker);
        }
        batch.put(keys::HEAD, encode_head(layer, &root));
        self.kv.write(batch)?;
        self.head = (layer, root);
        self.open = None;
        self.layer.clear();
        self.priors.clear();
        self.tx = None;
        log::info!("rewound from layer {last} to layer {layer}, root {root}");
        Ok(root)
    }

    /// The root recorded for committed `layer`, if it exists.
    pub fn layer_root(&self, layer: Layer) -> Result<Option<State>, StorageError> {
        self.kv
            .get(&keys::layer(layer))?
            .map(|b| decode_root(layer, &b))
            .transpose()
    }

    /// Every committed layer with its root, oldest first (layer 0 is the genesis).
    pub fn layers(&self) -> Result<Vec<(Layer, State)>, StorageError> {
        self.kv
            .scan(&[keys::LAYER], b"")?
            .into_iter()
            .map(|(k, v)| {
                let mut n = [0u8; 8];
                let digits = k
                    .get(1..9)
                    .ok_or_else(|| StorageError::Corrupt("short layer key".into()))?;
                n.copy_from_slice(digits);
                let layer = Layer(u64::from_be_bytes(n));
                Ok((layer, decode_root(layer, &v)?))
            })
            .collect()
    }
}
