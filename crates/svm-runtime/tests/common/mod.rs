//! The runtime's test kit, as the tests name it.
#![allow(dead_code, unused_imports)]

pub(crate) use svm_runtime::testing::*;
use svm_storage::GlobalState;
use svm_types::Address;

/// A test node over [`GlobalState`] on key-value store `K`.
pub(crate) type Node<K> = TestNode<GlobalState<K>>;

/// The relay template of `tests/calls.rs`: its `run` bumps variable 0, logs, and follows its
/// calldata, one level per frame: `flags | next target (20 bytes) | the next level's
/// program`. Flags: [`TRAP`] at the end, [`STATIC`] call the next level with
/// `svm_static_call`, [`SPIN`] until out of gas, [`PAY`] 1,000 coins with the call,
/// [`ASYNC`] queue the next level with callback `done` instead (reserving 2,000,000 and
/// 1,000,000 gas, or with [`SMALL`] 400,000 and 200,000). Variable 1 keeps the last call's
/// status, variable 2 the callback's mark (100 + the status it was given).
pub(crate) const RELAY: &str = svm_runtime::examples::RELAY.wat;

pub(crate) const TRAP: u8 = 1;
pub(crate) const STATIC: u8 = 2;
pub(crate) const SPIN: u8 = 4;
pub(crate) const PAY: u8 = 8;
pub(crate) const ASYNC: u8 = 16;
pub(crate) const SMALL: u8 = 32;

/// The program of a chain of frames: `(flags, account)` per level, the first the
/// transaction's own target.
pub(crate) fn program(levels: &[(u8, Address)]) -> Vec<u8> {
    let mut out = vec![levels[0].0];
    for (flags, addr) in &levels[1..] {
        out.extend_from_slice(addr.as_bytes());
        out.push(*flags);
    }
    out
}

/// `emit(calldata: ttl u64 LE, topic count u8, topics, data)`; `emit_and_fail` the same, then
/// traps; `emit_then_call(calldata: target 20 bytes, then emit's calldata)` emits, then calls
/// `emit_and_fail` of the target with the same event.
pub(crate) const EMITTER: &str = svm_runtime::examples::EMITTER.wat;

/// The calldata of the emitter's `emit`.
pub(crate) fn emit_calldata(ttl: u64, topics: &[[u8; 32]], data: &[u8]) -> Vec<u8> {
    let mut out = ttl.to_le_bytes().to_vec();
    out.push(topics.len() as u8);
    for t in topics {
        out.extend_from_slice(t);
    }
    out.extend_from_slice(data);
    out
}
