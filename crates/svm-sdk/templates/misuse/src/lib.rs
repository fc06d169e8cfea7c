//! Not an example to follow: a template whose endpoints fail on purpose, so the tests can show
//! that each failure is a failed receipt with a clear reason (a panic, running out of gas, an
//! abort, a storage write in verify).
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{ctor, endpoint, env, storage, verify};

#[storage]
struct State {
    n: u64,
}

#[ctor]
fn init() {}

/// Panics with a message.
#[endpoint]
fn panics(n: u64) -> u64 {
    if n > 1 {
        panic!("n is too large");
    }
    n
}

/// Never ends: runs out of gas.
#[endpoint]
fn spins() {
    let mut i: u64 = State::n();
    loop {
        i = i.wrapping_add(1);
        if i == 0 {
            State::set_n(&i);
        }
    }
}

/// Writes storage from the verify step (read-only there).
#[verify]
fn writes_in_verify() -> bool {
    State::set_n(&1);
    true
}

/// Aborts with the given reason's length (the reason is fixed).
#[endpoint]
fn aborts() {
    env::abort(b"no, thank you");
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call, with};

    #[test]
    fn every_failure_is_reported() {
        MockHost::new(&State::LAYOUT).install();
        init();
        assert_eq!(panics(1), 1);
        assert!(call(|| panics(2)).unwrap_err().contains("n is too large"));
        assert!(call(aborts).unwrap_err().contains("no, thank you"));
        with(|h| h.read_only = true);
        assert!(call(writes_in_verify).unwrap_err().contains("read-only"));
    }
}
