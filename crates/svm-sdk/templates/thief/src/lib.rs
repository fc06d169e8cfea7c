//! An attacker, for the reentrancy test (`tests/templates.rs`): it tries the attack that
//! drained tokens whose send hook runs before the send is booked (the `token` template's
//! `send`). Never deploy it for anything else.
//!
//! `attack(token, partner, amount)`: this account sends `amount` tokens to `partner` (another
//! thief) with `send`. The token calls `partner.on_tokens` before it books the send;
//! `partner` calls back into this account (`again`), which would send the same tokens a
//! second time while the first send is still unbooked. Each thief records the status of the
//! call it made back (`last_status`): the runtime refuses reentrancy, so it is 8
//! (reentrant), and only one send happens.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, call::CallError, ctor, endpoint, env, interface, storage};

#[interface]
trait Token {
    fn send(&mut self, to: Address, amount: u64);
}

#[interface]
trait Thief {
    fn again(&mut self);
}

#[storage]
struct Loot {
    token: Address,
    partner: Address,
    amount: u64,
    /// The status of the last call back (0 if it went through).
    last_status: u64,
}

/// Nothing to set up.
#[ctor]
fn init() {}

/// Sends `amount` of this account's tokens to `partner` and tries to send them twice.
#[endpoint]
fn attack(token: Address, partner: Address, amount: u64) {
    Loot::set_token(&token);
    Loot::set_partner(&partner);
    Loot::set_amount(&amount);
    if Token::at(token).send(partner, amount).is_err() {
        env::abort(b"attack: the first send failed");
    }
}

/// The token's hook on the partner: call back into the sender before the send is booked.
#[endpoint]
fn on_tokens(from: Address, _amount: u64) {
    let status = match Thief::at(from).again() {
        Ok(()) => CallError::OK,
        Err(e) => e.status,
    };
    Loot::set_last_status(&u64::from(status));
}

/// The second send, while the first is unbooked.
#[endpoint]
fn again() {
    let status = match Token::at(Loot::token()).send(Loot::partner(), Loot::amount()) {
        Ok(()) => CallError::OK,
        Err(e) => e.status,
    };
    Loot::set_last_status(&u64::from(status));
}

/// The status the last call back got.
#[endpoint]
fn last_status() -> u64 {
    Loot::last_status()
}
