//! An exchange that sells and buys a token (the `token` template) at a fixed rate, calling
//! the token through a typed interface declared once (`#[interface] trait Token`).
//!
//! - `buy`: coins sent with the call buy `coins / rate` tokens from the exchange's own stock
//!   (the token's `transfer`, called by the exchange: its tokens move).
//! - `sell(tokens)`: the seller first `approve`s the exchange on the token; the exchange
//!   takes the tokens (`transfer_from`) and pays `tokens x rate` coins.
//! - `stock`: the exchange's tokens, by a read-only (static) call.
//!
//! A failed token call aborts the exchange's call, so coins and tokens move together or not
//! at all. Each trade emits an event (topics: [`BUY`] or [`SELL`], then the trader's address),
//! kept for [`TRADE_EVENT_TTL`] layers, for clients to follow.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{Address, ctor, endpoint, env, interface, storage};

/// The token's endpoints this exchange uses (the `token` template's).
#[interface]
trait Token {
    fn transfer(&mut self, to: Address, amount: u64);
    fn transfer_from(&mut self, from: Address, to: Address, amount: u64);
    fn balance_of(&self, who: Address) -> u64;
}

/// The first topic of a purchase event (its data: the tokens bought, u64 LE).
pub const BUY: [u8; 32] = *b"svm/examples/exchange/buy\0\0\0\0\0\0\0";
/// The first topic of a sale event (its data: the tokens sold, u64 LE).
pub const SELL: [u8; 32] = *b"svm/examples/exchange/sell\0\0\0\0\0\0";
/// How long trade events are kept, in layers.
pub const TRADE_EVENT_TTL: u64 = 10_000;

/// An address as a topic (zero-padded).
pub fn address_topic(a: &Address) -> [u8; 32] {
    let mut t = [0u8; 32];
    for (d, s) in t.iter_mut().zip(a.0) {
        *d = s;
    }
    t
}

#[storage]
struct Exchange {
    token: Address,
    /// Coins per token.
    rate: u64,
}

/// Trades `token` at `rate` coins per token.
#[ctor]
fn init(token: Address, rate: u64) {
    if rate == 0 {
        env::abort(b"init: the rate must be at least 1");
    }
    Exchange::set_token(&token);
    Exchange::set_rate(&rate);
}

/// Buys tokens with the coins sent: `coins / rate` of them (the rest stays as a fee).
#[endpoint]
fn buy() -> u64 {
    let tokens = env::amount() / Exchange::rate();
    if tokens == 0 {
        env::abort(b"buy: send at least the price of one token");
    }
    if Token::at(Exchange::token())
        .transfer(env::caller(), tokens)
        .is_err()
    {
        env::abort(b"buy: the exchange has too few tokens");
    }
    env::emit(
        &[BUY, address_topic(&env::caller())],
        &tokens.to_le_bytes(),
        TRADE_EVENT_TTL,
    );
    tokens
}

/// Sells `tokens` (approved to the exchange on the token beforehand) for `tokens x rate`
/// coins.
#[endpoint]
fn sell(tokens: u64) -> u64 {
    let seller = env::caller();
    let Some(coins) = tokens.checked_mul(Exchange::rate()) else {
        env::abort(b"sell: too many tokens");
    };
    if env::balance() < coins {
        env::abort(b"sell: the exchange has too few coins");
    }
    if Token::at(Exchange::token())
        .transfer_from(seller, env::this(), tokens)
        .is_err()
    {
        env::abort(b"sell: the token refused (approve the exchange first)");
    }
    env::transfer(&seller, coins);
    env::emit(
        &[SELL, address_topic(&seller)],
        &tokens.to_le_bytes(),
        TRADE_EVENT_TTL,
    );
    coins
}

/// The tokens the exchange holds.
#[endpoint]
fn stock() -> u64 {
    Token::at(Exchange::token())
        .balance_of(env::this())
        .unwrap_or_else(|_| env::abort(b"stock: the token did not answer"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{CallKind, MockHost, call, with};

    const TOKEN: Address = Address([0x70; 20]);
    const EXCHANGE: Address = Address([0xec; 20]);
    const BOB: Address = Address([0xb0; 20]);

    fn host() -> MockHost {
        let mut host = MockHost::new(&Exchange::LAYOUT);
        host.this = EXCHANGE;
        host.caller = BOB;
        host.contracts
            .insert(TOKEN, |call| match call.function.as_str() {
                "balance_of" => Ok(svm_sdk::abi::encode_one(&500u64)),
                _ => Ok(vec![]),
            });
        host
    }

    #[test]
    fn buying_calls_the_token_with_the_buyer() {
        let mut host = host();
        host.amount = 105;
        host.install();
        init(TOKEN, 10);
        assert_eq!(buy(), 10);
        let events = with(|h| h.events.clone());
        assert_eq!(
            events,
            [(
                vec![BUY, address_topic(&BOB)],
                10u64.to_le_bytes().to_vec(),
                TRADE_EVENT_TTL
            )]
        );
        let sent = with(|h| h.calls.clone());
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].kind, sent[0].target), (CallKind::Call, TOKEN));
        assert_eq!(sent[0].function, "transfer");
        let expected = svm_sdk::call::encode_args(&[&BOB, &10u64]);
        assert_eq!(sent[0].calldata, expected);
        assert_eq!(stock(), 500);
        assert_eq!(with(|h| h.calls[1].kind), CallKind::Static);
    }

    #[test]
    fn selling_pays_coins_only_if_the_token_moved() {
        let mut host = host();
        host.balances.insert(EXCHANGE, 1_000);
        host.install();
        init(TOKEN, 10);
        assert_eq!(sell(7), 70);
        assert_eq!(with(|h| h.balances[&BOB]), 70);
        with(|h| {
            h.contracts.insert(TOKEN, |_| {
                Err(svm_sdk::call::CallError {
                    status: svm_sdk::call::CallError::FAILED,
                    output: vec![],
                })
            })
        });
        assert!(call(|| sell(1)).unwrap_err().contains("approve"));
        assert_eq!(with(|h| h.balances[&BOB]), 70);
    }
}
