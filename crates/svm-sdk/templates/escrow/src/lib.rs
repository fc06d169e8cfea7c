//! An escrow: the spawner (the buyer) funds it with the spawn's amount, naming a seller and an
//! arbiter; the arbiter releases the coins to the seller or refunds them to the buyer, once.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, ctor, endpoint, env, storage};

#[storage]
struct Escrow {
    buyer: Address,
    seller: Address,
    arbiter: Address,
    settled: bool,
}

/// Opens the escrow: the principal is the buyer, the amount sent is held.
#[ctor]
fn open(seller: Address, arbiter: Address) {
    if env::amount() == 0 {
        env::abort(b"open: send the escrowed amount with the spawn");
    }
    Escrow::set_buyer(&env::principal());
    Escrow::set_seller(&seller);
    Escrow::set_arbiter(&arbiter);
}

fn settle(to: &Address) -> u64 {
    if env::principal() != Escrow::arbiter() {
        env::abort(b"only the arbiter settles");
    }
    if Escrow::settled() {
        env::abort(b"settled already");
    }
    Escrow::set_settled(&true);
    let amount = env::balance();
    env::transfer(to, amount);
    amount
}

/// Pays the held coins to the seller; the amount paid.
#[endpoint]
fn release() -> u64 {
    settle(&Escrow::seller())
}

/// Returns the held coins to the buyer; the amount returned.
#[endpoint]
fn refund() -> u64 {
    settle(&Escrow::buyer())
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call, with};

    const BUYER: Address = Address([1; 20]);
    const SELLER: Address = Address([2; 20]);
    const ARBITER: Address = Address([3; 20]);
    const ESCROW: Address = Address([9; 20]);

    #[test]
    fn only_the_arbiter_settles_and_only_once() {
        let mut host = MockHost::new(&Escrow::LAYOUT);
        host.principal = BUYER;
        host.this = ESCROW;
        host.amount = 500;
        host.balances.insert(ESCROW, 500);
        host.install();
        open(SELLER, ARBITER);
        assert!(call(release).unwrap_err().contains("only the arbiter"));
        with(|h| h.principal = ARBITER);
        assert_eq!(release(), 500);
        assert_eq!(with(|h| h.balances[&SELLER]), 500);
        assert!(call(refund).unwrap_err().contains("settled already"));
        with(|h| h.amount = 0);
        assert!(
            call(|| open(SELLER, ARBITER))
                .unwrap_err()
                .contains("escrowed amount")
        );
    }
}
