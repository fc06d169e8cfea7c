//! Events: structured, expiring records a template emits for clients (`docs/spec/host-abi.md`,
//! Events; stored by `svm-storage`'s `events.rs`).
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_emit` | `(topics_ptr i32, topic_count i32, data_ptr i32, data_len i32, ttl i64)` | emits an event of `topic_count` (at most 4) 32-byte topics at `topics_ptr` and the data, kept for `ttl` layers after the current one (1 to `TxLimits::max_event_ttl`) |

use svm_storage::{Event, MAX_TOPICS, WorldState};
use svm_types::Layer;
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{HostEnv, HostError, add, env::read_bytes, run};

/// The bytes of an event's record besides its topics and data.
pub(crate) const EVENT_OVERHEAD: u64 = 1 + 20 + 32 + 8 + 1 + 4;

fn svm_emit<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    topics_ptr: i32,
    topic_count: i32,
    data_ptr: i32,
    data_len: i32,
    ttl: i64,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("an event")?;
        let (count, len) = (topic_count as u32, data_len as u32);
        let size = EVENT_OVERHEAD
            .saturating_add(32 * u64::from(count))
            .saturating_add(u64::from(len));
        let ttl = u64::try_from(ttl).unwrap_or(0);
        env.charge(store, env.costs.event(size, ttl))?;
        if count as usize > MAX_TOPICS {
            return Err(HostError::Limit(format!(
                "an event of {count} topics, at most {MAX_TOPICS}"
            )));
        }
        if len as usize > env.max_log_size {
            return Err(HostError::Limit(format!(
                "event data of {len} bytes, at most {}",
                env.max_log_size
            )));
        }
        if ttl == 0 || ttl > env.max_event_ttl {
            return Err(HostError::Limit(format!(
                "an event kept {ttl} layers: from 1 to {}",
                env.max_event_ttl
            )));
        }
        let view = env.view(store)?;
        let topics = read_bytes(&view, topics_ptr, (32 * count) as i32)?
            .chunks_exact(32)
            .map(|t| t.try_into().unwrap_or([0; 32]))
            .collect();
        let data = read_bytes(&view, data_ptr, data_len)?;
        let event = Event {
            account: env.account,
            tx_id: env.tx_id,
            topics,
            data,
            expires: Layer(env.layer.0.saturating_add(ttl)),
        };
        env.with_state(|state, _, _| state.emit_event(&event))?;
        Ok(())
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_emit", svm_emit::<S>);
}
