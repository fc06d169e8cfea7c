//! Querying events: which live events of committed layers match an emitter and a topic, a
//! bounded page at a time (`docs/spec/host-abi.md`, Events).
//!
//! A query walks the layers of its range in order. Each layer's summary carries a bloom
//! filter of its events' emitters and topics: a layer whose filter cannot match is skipped
//! without reading its events. A page ends after `limit` events or after
//! [`MAX_LAYERS_PER_PAGE`] layers or [`MAX_EVENTS_READ_PER_PAGE`] events read, whichever
//! comes first, with the cursor to resume from. (The state is borrowed for the whole page: the
//! bounds keep a query from holding up execution for long.)

use svm_storage::{Event, WorldState};
use svm_types::{Address, Layer};

use crate::{Error, Runtime};

/// The most events one page returns.
pub const MAX_EVENTS_PER_PAGE: usize = 1_000;

/// The most layers one page looks at (a range of empty layers still ends, with a cursor).
pub const MAX_LAYERS_PER_PAGE: u64 = 100_000;

/// The most events one page reads (a filter that matches few of a layer's many events still
/// ends, with a cursor in the middle of the layer).
pub const MAX_EVENTS_READ_PER_PAGE: usize = 10_000;

/// Which events a query wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFilter {
    /// Only events emitted by this account.
    pub account: Option<Address>,
    /// Only events with this topic (at any position).
    pub topic: Option<[u8; 32]>,
    /// The first layer (emission layer).
    pub from: Layer,
    /// The last layer (emission layer), at most the last committed one.
    pub to: Layer,
}

impl EventFilter {
    fn matches(&self, e: &Event) -> bool {
        self.account.is_none_or(|a| a == e.account)
            && self.topic.is_none_or(|t| e.topics.contains(&t))
    }
}

/// Where a query resumes: the next event to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventCursor {
    /// Its layer.
    pub layer: Layer,
    /// Its index in the layer.
    pub seq: u32,
}

/// One event found: where it was emitted, and the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEvent {
    /// The layer it was emitted in.
    pub layer: Layer,
    /// Its index in that layer.
    pub seq: u32,
    /// The event.
    pub event: Event,
}

/// A page of a query's results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventPage {
    /// The events, in layer then index order.
    pub events: Vec<FoundEvent>,
    /// Where to resume, if the range goes on.
    pub next: Option<EventCursor>,
    /// Layers whose events were read.
    pub layers_read: u64,
    /// Layers skipped by their bloom filter (or because no event of theirs is live).
    pub layers_skipped: u64,
}

impl<S: WorldState + Send + 'static> Runtime<S> {
    /// Up to `limit` (at most [`MAX_EVENTS_PER_PAGE`]) live events of committed layers that
    /// match `filter`, from `after` (a cursor of an earlier page) or from `filter.from`.
    ///
    /// ```
    /// use svm_kv::MemoryStore;
    /// use svm_runtime::{EventFilter, Runtime, RuntimeConfig};
    /// use svm_types::Layer;
    ///
    /// let rt = Runtime::new(MemoryStore::new(), RuntimeConfig::default())?;
    /// let all = EventFilter { account: None, topic: None, from: Layer(1), to: Layer(100) };
    /// let page = rt.events(&all, None, 10)?;
    /// assert!(page.events.is_empty() && page.next.is_none()); // nothing committed yet
    /// # Ok::<(), svm_runtime::Error>(())
    /// ```
    pub fn events(
        &self,
        filter: &EventFilter,
        after: Option<EventCursor>,
        limit: usize,
    ) -> Result<EventPage, Error> {
        let limit = limit.clamp(1, MAX_EVENTS_PER_PAGE);
        let mut state = self.state();
        let to = filter.to.min(state.last_layer());
        let mut page = EventPage::default();
        let start = after.unwrap_or(EventCursor {
            layer: filter.from.max(Layer(1)),
            seq: 0,
        });
        let (mut layer, mut seq) = (start.layer.max(filter.from), start.seq);
        if start.layer < filter.from {
            seq = 0;
        }
        let mut looked = 0u64;
        let mut read = 0usize;
        while layer <= to {
            if looked == MAX_LAYERS_PER_PAGE {
                page.next = Some(EventCursor { layer, seq: 0 });
                return Ok(page);
            }
            looked += 1;
            let matches = state
                .events_summary(layer)?
                .is_some_and(|s| s.may_match(filter.account.as_ref(), filter.topic.as_ref()));
            if !matches {
                page.layers_skipped += 1;
            } else {
                page.layers_read += 1;
                loop {
                    if read >= MAX_EVENTS_READ_PER_PAGE {
                        page.next = Some(EventCursor { layer, seq });
                        return Ok(page);
                    }
                    let want = limit.min(MAX_EVENTS_READ_PER_PAGE - read);
                    let chunk = state.layer_events(layer, seq, want)?;
                    read += chunk.len();
                    let Some(&(last, _)) = chunk.last() else {
                        break;
                    };
                    for (at, event) in chunk {
                        if !filter.matches(&event) {
                            continue;
                        }
                        page.events.push(FoundEvent {
                            layer,
                            seq: at,
                            event,
                        });
                        if page.events.len() == limit {
                            page.next = match at.checked_add(1) {
                                Some(s) => Some(EventCursor { layer, seq: s }),
                                None => layer.next().map(|l| EventCursor { layer: l, seq: 0 }),
                            }
                            .filter(|c| c.layer <= to);
                            return Ok(page);
                        }
                    }
                    match last.checked_add(1) {
                        Some(next) => seq = next,
                        None => break,
                    }
                }
            }
            let Some(next) = layer.next() else { break };
            layer = next;
            seq = 0;
        }
        Ok(page)
    }
}
