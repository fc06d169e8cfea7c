//! The counter, in Rust: one 8-byte variable; `initialize(start)`, `add(n) -> u64` (logs
//! "added" with the new value), `get() -> u64`.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{ctor, endpoint, env, storage};

#[storage]
struct Counter {
    value: u64,
}

#[ctor]
fn initialize(start: u64) {
    Counter::set_value(&start);
}

#[endpoint]
fn add(n: u64) -> u64 {
    let Some(v) = Counter::value().checked_add(n) else {
        env::abort(b"counter overflow");
    };
    Counter::set_value(&v);
    env::log(b"added", &v.to_le_bytes());
    v
}

#[endpoint]
fn get() -> u64 {
    Counter::value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call, with};

    #[test]
    fn adds_and_logs() {
        MockHost::new(&Counter::LAYOUT).install();
        initialize(5);
        assert_eq!(add(3), 8);
        assert_eq!(get(), 8);
        assert_eq!(
            with(|h| h.logs.clone()),
            vec![(b"added".to_vec(), 8u64.to_le_bytes().to_vec())]
        );
        // an overflow fails the call and keeps the state
        let err = call(|| add(u64::MAX)).unwrap_err();
        assert!(err.contains("counter overflow"), "{err}");
        assert_eq!(get(), 8);
    }
}
