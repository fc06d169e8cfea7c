//! A fungible token with a balance per holder in a map (`svm_sdk::collections::Map`): any
//! number of holders, each balance read and written on its own (`O(log n)` host work), and
//! committed under the map's own root in the account's storage state.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, collections::Map, ctor, endpoint, env, storage};

#[storage]
struct Token {
    supply: u64,
}

/// Every holder's balance (a holder whose balance falls to 0 leaves the map).
const BALANCES: Map<Address, u64> = Map::new(0);

fn set_balance(who: &Address, amount: u64) {
    if amount == 0 {
        BALANCES.remove(who);
    } else {
        BALANCES.insert(who, &amount);
    }
}

/// Mints `supply` tokens to the principal (the deployer of this account).
#[ctor]
fn mint(supply: u64) {
    Token::set_supply(&supply);
    set_balance(&env::principal(), supply);
}

/// Moves `amount` tokens from the principal to `to`.
#[endpoint]
fn transfer(to: Address, amount: u64) {
    let from = env::principal();
    let Some(held) = BALANCES.get(&from) else {
        env::abort(b"transfer: the principal holds no tokens");
    };
    let Some(left) = held.checked_sub(amount) else {
        env::abort(b"transfer: insufficient tokens");
    };
    set_balance(&from, left);
    // (the supply bounds every balance, so this cannot overflow)
    let received = BALANCES.get(&to).unwrap_or(0).saturating_add(amount);
    set_balance(&to, received);
    env::log(b"transfer", &amount.to_le_bytes());
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

    #[test]
    fn transfers_to_any_number_of_holders_keep_the_supply() {
        let mut host = MockHost::new(&Token::LAYOUT);
        host.principal = ALICE;
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
        with(|h| h.principal = Address([0xfe; 20]));
        assert!(
            call(|| transfer(ALICE, 1))
                .unwrap_err()
                .contains("holds no tokens")
        );
        // a transfer to oneself changes nothing
        with(|h| h.principal = ALICE);
        transfer(ALICE, 10);
        let holders: Vec<(Address, u64)> = BALANCES.iter().collect();
        assert_eq!(holders.len(), 150, "ALICE and 149 others");
        assert!(holders.windows(2).all(|w| w[0].0 < w[1].0), "in address order");
        let total: u64 = holders.iter().map(|(_, b)| b).sum();
        assert_eq!(total, supply());
        assert_eq!(balance_of(ALICE), 700 - 148);
    }
}
