//! A fungible token with its balances in storage. svm's layouts are fixed, so the token has
//! a fixed number of holder slots (8): a transfer to a ninth holder fails.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, ctor, endpoint, env, storage};

const SLOTS: usize = 8;

#[storage]
struct Token {
    supply: u64,
    holders: [Address; SLOTS],
    balances: [u64; SLOTS],
}

/// The slot of `who`, if it holds a balance. (Slots are found with iterators rather than
/// indexed: indexing links core's bounds-check panic and its formatting code, ~2 KiB of Wasm.)
fn slot_of(holders: &[Address; SLOTS], balances: &[u64; SLOTS], who: &Address) -> Option<usize> {
    holders
        .iter()
        .zip(balances)
        .position(|(h, &b)| h == who && b > 0)
}

/// Mints `supply` tokens to the principal (the deployer of this account).
#[ctor]
fn mint(supply: u64) {
    let mut holders = [Address::ZERO; SLOTS];
    let mut balances = [0; SLOTS];
    holders[0] = env::principal();
    balances[0] = supply;
    Token::set_supply(&supply);
    Token::set_holders(&holders);
    Token::set_balances(&balances);
}

/// Moves `amount` tokens from the principal to `to`.
#[endpoint]
fn transfer(to: Address, amount: u64) {
    let from = env::principal();
    let mut holders = Token::holders();
    let mut balances = Token::balances();
    let Some(src) = slot_of(&holders, &balances, &from).and_then(|i| balances.get_mut(i)) else {
        env::abort(b"transfer: the principal holds no tokens");
    };
    if *src < amount {
        env::abort(b"transfer: insufficient tokens");
    }
    *src -= amount;
    let dst = match slot_of(&holders, &balances, &to) {
        Some(i) => i,
        None => {
            let Some(free) = balances.iter().position(|&b| b == 0) else {
                env::abort(b"transfer: all holder slots are taken");
            };
            if let Some(holder) = holders.get_mut(free) {
                *holder = to;
            }
            free
        }
    };
    if let Some(b) = balances.get_mut(dst) {
        *b += amount;
    }
    Token::set_holders(&holders);
    Token::set_balances(&balances);
    env::log(b"transfer", &amount.to_le_bytes());
}

/// The tokens `who` holds.
#[endpoint]
fn balance_of(who: Address) -> u64 {
    let (holders, balances) = (Token::holders(), Token::balances());
    slot_of(&holders, &balances, &who)
        .and_then(|i| balances.get(i).copied())
        .unwrap_or(0)
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

    #[test]
    fn transfers_between_holders_keep_the_supply() {
        let mut host = MockHost::new(&Token::LAYOUT);
        host.principal = ALICE;
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
        for i in 3..9u8 {
            transfer(Address([i; 20]), 1);
        }
        assert!(
            call(|| transfer(Address([10; 20]), 1))
                .unwrap_err()
                .contains("slots")
        );
        with(|h| h.principal = Address([0x55; 20]));
        assert!(
            call(|| transfer(ALICE, 1))
                .unwrap_err()
                .contains("holds no tokens")
        );
        let total: u64 = (0..=10u8)
            .map(|i| balance_of(Address([i; 20])))
            .sum::<u64>()
            + balance_of(ALICE);
        assert_eq!(total, supply());
    }
}
