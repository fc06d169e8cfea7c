//! A token transfer on svm against the same on revm (the EVM, in memory): the ERC-20-style
//! contract of `evm.rs` with 1,000 holders, and the SDK's `token` example template (8 holder
//! slots, svm's fixed layouts) called by keyless development principals. Both are whole
//! transactions: checks, gas, execution, fees, the state committed to the in-memory
//! database (revm) or layer (svm, a layer commit every 1,000).

use svm_codec::{CallMessage, Message, SdkMeta, SpawnMessage};
use svm_kv::MemoryStore;
use svm_runtime::{Runtime, RuntimeConfig};
use svm_storage::GlobalState;
use svm_types::{Address, Amount, Layer};

use crate::harness::{Budget, Figure, measure, time};

const GROUP: &str = "token transfer, svm against revm";
const HOLDERS: usize = 8;

struct SvmToken {
    rt: Runtime<GlobalState<MemoryStore>>,
    token: Address,
    holders: Vec<Address>,
    nonces: Vec<u128>,
    layer: Layer,
    next: usize,
}

fn abi_u64(v: u64) -> Vec<u8> {
    [&[0x08][..], &v.to_be_bytes()].concat()
}

impl SvmToken {
    fn new(wasm: &[u8]) -> Self {
        let mut rt =
            Runtime::new(MemoryStore::new(), RuntimeConfig::development()).expect("runtime");
        rt.open(Layer(1)).unwrap();
        let holders: Vec<Address> = (0..HOLDERS)
            .map(|i| Address([0x10 + i as u8; 20]))
            .collect();
        for h in &holders {
            rt.increase_balance(h, Amount(1 << 60)).unwrap();
        }
        let mut s = SvmToken {
            rt,
            token: Address([0; 20]),
            holders,
            nonces: vec![0; HOLDERS],
            layer: Layer(1),
            next: 0,
        };
        let meta = SdkMeta::read(wasm).expect("meta").expect("svm-meta");
        let msg = meta
            .deploy_message(wasm, Some("token".into()))
            .expect("deploy message");
        let svm_codec::Receipt::Deploy(d) = s.send(0, Message::Deploy(msg), 100_000_000) else {
            unreachable!()
        };
        let spawn = SpawnMessage {
            template: d.result.expect("deploy"),
            name: String::new(),
            ctor: "mint".into(),
            calldata: abi_u64(1 << 40),
        };
        let svm_codec::Receipt::Spawn(sp) = s.send(0, Message::Spawn(spawn), 10_000_000) else {
            unreachable!()
        };
        s.token = sp.result.expect("spawn").account;
        // the first holder (the minter) gives every other holder a share
        for i in 1..HOLDERS {
            s.transfer(0, i, 1 << 30);
        }
        s.rt.commit().unwrap();
        s.layer = Layer(2);
        s.rt.open(s.layer).unwrap();
        s
    }

    fn send(&mut self, from: usize, message: Message, gas: u64) -> svm_codec::Receipt {
        self.nonces[from] += 1;
        let nonce = self.nonces[from] - 1;
        let principal = self.holders[from];
        crate::node::execute(&mut self.rt, self.layer, principal, nonce, 0, message, gas)
    }

    /// One `transfer(holders[to], amount)` by `holders[from]`; its gas.
    fn transfer(&mut self, from: usize, to: usize, amount: u64) -> u64 {
        let mut calldata = vec![0x0d];
        calldata.extend_from_slice(self.holders[to].as_bytes());
        calldata.extend_from_slice(&abi_u64(amount));
        let call = CallMessage {
            target: self.token,
            function: "transfer".into(),
            calldata,
        };
        let svm_codec::Receipt::Call(r) = self.send(from, Message::Call(call), 1_000_000) else {
            unreachable!()
        };
        assert!(r.result.is_ok(), "{:?}", r.result);
        r.gas_used.0
    }

    fn run(&mut self, n: u64) -> u64 {
        let mut gas = 0;
        for _ in 0..n {
            let k = self.next;
            self.next += 1;
            gas = self.transfer(
                k % HOLDERS,
                (k + 1 + k / HOLDERS % (HOLDERS - 1)) % HOLDERS,
                1,
            );
            if self.next.is_multiple_of(1000) {
                self.rt.commit().unwrap();
                self.layer = self.layer.next().unwrap();
                self.rt.open(self.layer).unwrap();
            }
        }
        gas
    }
}

#[cfg(feature = "revm")]
fn revm_figure(budget: Budget, ops: u64) -> Figure {
    use crate::evm::{TokenBench, check_transfer_success};
    use revm::primitives::U256;
    const EVM_HOLDERS: usize = 1000;
    let initial = U256::from(1_000_000u64);
    let mut bench = TokenBench::new(EVM_HOLDERS, initial);
    let holders = bench.holders().to_vec();
    let mut k = 0usize;
    let mut gas = 0;
    let mut f = measure(
        GROUP,
        "revm: ERC-20 bytecode, 1,000 holders",
        budget,
        ops,
        |n| {
            time(|| {
                for _ in 0..n {
                    let (from, to) = (
                        k % EVM_HOLDERS,
                        (k + 1 + k / EVM_HOLDERS % (EVM_HOLDERS - 1)) % EVM_HOLDERS,
                    );
                    k += 1;
                    let r = bench
                        .transfer(from, to, U256::from(1))
                        .expect("valid transaction");
                    if let Err(e) =
                        check_transfer_success(&r, holders[from], holders[to], U256::from(1))
                    {
                        panic!("revm transfer {k}: {e}");
                    }
                    gas = r.tx_gas_used();
                }
            })
        },
    );
    let supply: U256 = holders.iter().map(|h| bench.token_balance(*h)).sum();
    assert_eq!(
        supply,
        initial * U256::from(EVM_HOLDERS),
        "the supply is kept"
    );
    f.gas_per_op = Some(gas);
    f
}

pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    let ops = budget.ops(5000);
    let mut out = Vec::new();
    #[cfg(feature = "revm")]
    {
        progress("revm");
        out.push(revm_figure(budget, ops));
    }
    progress("building the token template");
    let wasm = crate::wasm::sdk_templates(&["token"]).remove(0).1;
    progress("svm token");
    let mut token = SvmToken::new(&wasm);
    let mut gas = 0;
    let mut f = measure(
        GROUP,
        "svm: SDK token template, 8 holder slots",
        budget,
        ops,
        |n| time(|| gas = token.run(n)),
    );
    f.gas_per_op = Some(gas);
    out.push(f);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svm_token_moves_tokens_among_its_holders() {
        let wasm = crate::wasm::sdk_templates(&["token"]).remove(0).1;
        let mut token = SvmToken::new(&wasm);
        let gas = token.run(50);
        assert!(gas > 0);
        assert_eq!(token.layer, Layer(2));
    }

    #[cfg(feature = "revm")]
    #[test]
    fn revm_runs_the_erc20_transfers() {
        let f = revm_figure(
            Budget {
                samples: 1,
                scale: 1.0,
            },
            100,
        );
        assert_eq!(f.gas_per_op, Some(33_614));
    }
}
