//! A fungible token with a balance per holder in a map (`svm_sdk::collections::Map`): any
//! number of holders, each balance read and written on its own (`O(log n)` host work), and
//! committed under the map's own root in the account's storage state.
//!
//! The sender of every operation is the **caller** (`env::caller`): the principal when a
//! transaction calls the token, the calling account when a contract does (an exchange holds
//! and moves its own tokens). Allowances let a contract move a holder's tokens
//! (`approve`, then the contract's `transfer_from`).
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, collections::Map, ctor, endpoint, env, interface, storage};

#[storage]
struct Token {
    supply: u64,
}

/// Every holder's balance (a holder whose balance falls to 0 leaves the map).
const BALANCES: Map<Address, u64> = Map::new(0);
/// What a spender may still move for an owner: key `owner ‖ spender`.
const ALLOWANCES: Map<[u8; 40], u64> = Map::new(1);

/// A contract told of the tokens it is sent with [`send`].
#[interface]
trait Receiver {
    fn on_tokens(&mut self, from: Address, amount: u64);
}

fn set_balance(who: &Address, amount: u64) {
    if amount == 0 {
        BALANCES.remove(who);
    } else {
        BALANCES.insert(who, &amount);
    }
}

fn allowance_key(owner: &Address, spender: &Address) -> [u8; 40] {
    let mut key = [0u8; 40];
    key[..20].copy_from_slice(&owner.0);
    key[20..].copy_from_slice(&spender.0);
    key
}

/// Moves `amount` of `from`'s tokens to `to` (aborts if `from` holds too few).
fn move_tokens(from: &Address, to: &Address, amount: u64) {
    let Some(held) = BALANCES.get(from) else {
        env::abort(b"transfer: the sender holds no tokens");
    };
    let Some(left) = held.checked_sub(amount) else {
        env::abort(b"transfer: insufficient tokens");
    };
    set_balance(from, left);
    // (the supply bounds every balance, so this cannot overflow)
    let received = BALANCES.get(to).unwrap_or(0).saturating_add(amount);
    set_balance(to, received);
    env::log(b"transfer", &amount.to_le_bytes());
}

/// Mints `supply` tokens to the principal (the deployer of this account).
#[ctor]
fn mint(supply: u64) {
    Token::set_supply(&supply);
    set_balance(&env::principal(), supply);
}

/// Moves `amount` tokens from the caller to `to`.
#[endpoint]
fn transfer(to: Address, amount: u64) {
    move_tokens(&env::caller(), &to, amount);
}

/// Lets `spender` move up to `amount` of the caller's tokens (replacing any earlier
/// allowance).
#[endpoint]
fn approve(spender: Address, amount: u64) {
    let key = allowance_key(&env::caller(), &spender);
    if amount == 0 {
        ALLOWANCES.remove(&key);
    } else {
        ALLOWANCES.insert(&key, &amount);
    }
}

/// What `spender` may still move of `owner`'s tokens.
#[endpoint]
fn allowance(owner: Address, spender: Address) -> u64 {
    ALLOWANCES
        .get(&allowance_key(&owner, &spender))
        .unwrap_or(0)
}

/// Moves `amount` of `from`'s tokens to `to`, spending the caller's allowance from `from`.
#[endpoint]
fn transfer_from(from: Address, to: Address, amount: u64) {
    let key = allowance_key(&from, &env::caller());
    let Some(left) = ALLOWANCES.get(&key).unwrap_or(0).checked_sub(amount) else {
        env::abort(b"transfer_from: allowance exceeded");
    };
    if left == 0 {
        ALLOWANCES.remove(&key);
    } else {
        ALLOWANCES.insert(&key, &left);
    }
    move_tokens(&from, &to, amount);
}

/// Sends `amount` tokens from the caller to the contract `to` and tells it (`to.on_tokens`);
/// if the contract refuses (fails), nothing moves.
///
/// The hook runs **before** the balances change, as ERC-777's `tokensToSend` does: the
/// order the reentrancy attacks on such tokens exploited (a hook calling back into the
/// token before its first send was booked). On svm it is safe because reentrancy is refused
/// (`docs/spec/host-abi.md`, Calls): while this send runs, no frame can call the token (or
/// the sender) again. The SDK's `tests/templates.rs` runs that attack and shows it failing.
#[endpoint]
fn send(to: Address, amount: u64) {
    let from = env::caller();
    if BALANCES.get(&from).unwrap_or(0) < amount {
        env::abort(b"send: insufficient tokens");
    }
    if Receiver::at(to).on_tokens(from, amount).is_err() {
        env::abort(b"send: the receiver refused the tokens");
    }
    move_tokens(&from, &to, amount);
}

/// The tokens `who` holds.
#[endpoint]
fn balance_of(who: Address) -> u64 {
    BALANCES.get(&who).unwrap_or(0)
}

/// The total supply.
#[endpoint]
fn supply() -> u64 {
    Token::supply()
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call, with};

    const ALICE: Address = Address([0xa1; 20]);
    const SHOP: Address = Address([0x5b; 20]);

    #[test]
    fn transfers_to_any_number_of_holders_keep_the_supply() {
        let mut host = MockHost::new(&Token::LAYOUT);
        host.principal = ALICE;
        host.caller = ALICE;
        host.gas_limit = 100_000_000; // 150 transfers
        host.install();
        mint(1_000);
        transfer(Address([2; 20]), 300);
        assert_eq!(balance_of(ALICE), 700);
        assert_eq!(balance_of(Address([2; 20])), 300);
        assert!(
            call(|| transfer(Address([2; 20]), 701))
                .unwrap_err()
                .contains("insufficient")
        );
        // far more holders than a fixed layout could list
        for i in 3..=150u8 {
            transfer(Address([i; 20]), 1);
        }
        with(|h| h.caller = Address([0xfe; 20]));
        assert!(
            call(|| transfer(ALICE, 1))
                .unwrap_err()
                .contains("holds no tokens")
        );
        // a transfer to oneself changes nothing
        with(|h| h.caller = ALICE);
        transfer(ALICE, 10);
        let holders: Vec<(Address, u64)> = BALANCES.iter().collect();
        assert_eq!(holders.len(), 150, "ALICE and 149 others");
        assert!(
            holders.windows(2).all(|w| w[0].0 < w[1].0),
            "in address order"
        );
        let total: u64 = holders.iter().map(|(_, b)| b).sum();
        assert_eq!(total, supply());
        assert_eq!(balance_of(ALICE), 700 - 148);
    }

    #[test]
    fn allowances_bound_what_a_spender_moves() {
        let mut host = MockHost::new(&Token::LAYOUT);
        host.principal = ALICE;
        host.caller = ALICE;
        host.install();
        mint(100);
        approve(SHOP, 30);
        assert_eq!(allowance(ALICE, SHOP), 30);
        with(|h| h.caller = SHOP);
        transfer_from(ALICE, SHOP, 20);
        assert!(
            call(|| transfer_from(ALICE, SHOP, 11))
                .unwrap_err()
                .contains("allowance exceeded")
        );
        transfer_from(ALICE, SHOP, 10);
        assert_eq!((balance_of(ALICE), balance_of(SHOP)), (70, 30));
        assert_eq!(allowance(ALICE, SHOP), 0);
    }

    #[test]
    fn send_tells_the_receiver_and_stops_if_it_refuses() {
        let mut host = MockHost::new(&Token::LAYOUT);
        host.principal = ALICE;
        host.caller = ALICE;
        host.contracts.insert(SHOP, |_| Ok(vec![]));
        host.contracts.insert(Address([0xbb; 20]), |_| {
            Err(svm_sdk::call::CallError {
                status: svm_sdk::call::CallError::FAILED,
                output: b"no thanks".to_vec(),
            })
        });
        host.install();
        mint(100);
        send(SHOP, 40);
        assert_eq!(balance_of(SHOP), 40);
        let told = with(|h| h.calls.last().cloned()).unwrap();
        assert_eq!((told.target, told.function.as_str()), (SHOP, "on_tokens"));
        assert!(
            call(|| send(Address([0xbb; 20]), 10))
                .unwrap_err()
                .contains("refused")
        );
        assert_eq!(balance_of(ALICE), 60);
    }
}
