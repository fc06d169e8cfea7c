//! A proxy: forwards any call, with the coins sent, to the account it was spawned for, and
//! returns what that account returns. The target sees the proxy as its caller, so the proxy
//! acts as an account of its own (it can hold tokens, for instance).
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

use svm_sdk::{Address, ctor, endpoint, env, storage};

#[storage]
struct Proxy {
    target: Address,
}

/// Forwards to `target`.
#[ctor]
fn init(target: Address) {
    Proxy::set_target(&target);
}

/// Calls `function` of the target with `calldata` and the coins sent; the target's
/// returndata. A failed call fails the proxy's call with the target's reason.
#[endpoint]
fn forward(function: String, calldata: Vec<u8>) -> Vec<u8> {
    match env::call(&Proxy::target(), &function, &calldata, env::amount(), 0) {
        Ok(output) => output,
        Err(e) => e.abort(b"forward"),
    }
}

/// The account calls are forwarded to.
#[endpoint]
fn target() -> Address {
    Proxy::target()
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call, with};

    const TARGET: Address = Address([0x7a; 20]);

    #[test]
    fn forwards_and_returns_or_fails_with_the_reason() {
        let mut host = MockHost::new(&Proxy::LAYOUT);
        host.contracts
            .insert(TARGET, |call| match call.function.as_str() {
                "echo" => Ok(call.calldata.clone()),
                _ => Err(svm_sdk::call::CallError {
                    status: svm_sdk::call::CallError::FUNCTION_NOT_FOUND,
                    output: b"no such function".to_vec(),
                }),
            });
        host.install();
        init(TARGET);
        assert_eq!(forward("echo".into(), vec![1, 2, 3]), vec![1, 2, 3]);
        assert_eq!(with(|h| h.calls[0].target), TARGET);
        assert!(
            call(|| forward("nope".into(), vec![]))
                .unwrap_err()
                .contains("forward: no such function")
        );
    }
}
