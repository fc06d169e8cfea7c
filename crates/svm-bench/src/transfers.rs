//! Signed wallet transfers end to end (issue target T6): wire bytes in, receipt out, a layer
//! commit every 1,000 transfers, in memory, on one core.
//!
//! - **svm**: the `signed_wallet` example template. Each transfer is split from its wire
//!   bytes, gets its id, and runs through `Runtime::call`: admission, fee reservation, the
//!   wallet's `svm_verify` (an ed25519 check of the signing hash against the key in its
//!   storage), `transfer`, metering, settlement.
//! - **native**: the same work written in plain Rust over the same `GlobalState`: split, id,
//!   message decode, nonce check, the key read from the wallet's storage variable, the
//!   ed25519 check, the balance moves and the nonce, the fee; the same commits. This is the
//!   physical limit of svm's design on this state.
//!
//! Signing is the clients' work and stays outside the timed part.

use ed25519_dalek::{Signer, SigningKey};
use svm_codec::{
    CallMessage, Codec, Context, Message, SpawnMessage, Transaction, split_transaction, tx_id,
};
use svm_kv::{KVStore, MemoryStore};
use svm_runtime::{Runtime, RuntimeConfig, examples::SIGNED_WALLET};
use svm_storage::{FixedLayout, GlobalState, WorldState};
use svm_types::{Address, Amount, ChainId, Layer, Nonce};

use crate::harness::{Budget, Figure, measure, time};
use crate::node::{envelope, execute};

const FAUCET: Address = Address([0xFA; 20]);
const WALLETS: usize = 256;
const FUNDS: u64 = 1 << 50;
/// Gas limit of a transfer (it uses about 180k).
const TRANSFER_GAS: u64 = 400_000;
/// The native baseline's fee per transfer (svm's is gas used x price).
const NATIVE_FEE: u64 = 200_000;

/// A runtime with `WALLETS` funded signed wallets, and their keys.
pub(crate) struct Setup<K: KVStore + 'static = MemoryStore> {
    pub(crate) rt: Runtime<GlobalState<K>>,
    pub(crate) wallets: Vec<Address>,
    /// Where transfers go: other wallets, or these accounts when there are any.
    recipients: Vec<Address>,
    keys: Vec<SigningKey>,
    nonces: Vec<u128>,
    pub(crate) layer: Layer,
    next: usize,
    chain: ChainId,
}

impl Setup {
    pub(crate) fn new(config: RuntimeConfig) -> Self {
        Setup::with_store(MemoryStore::new(), config)
    }
}

impl<K: KVStore + 'static> Setup<K> {
    fn with_store(kv: K, config: RuntimeConfig) -> Self {
        let chain = config.chain_id;
        let mut rt = Runtime::new(kv, config).expect("runtime");
        rt.open(Layer(1)).unwrap();
        rt.increase_balance(&FAUCET, Amount(u64::MAX / 2)).unwrap();
        let msg = Message::Deploy(SIGNED_WALLET.deploy_message().unwrap());
        let template = match execute(&mut rt, Layer(1), FAUCET, 0, 0, msg, 100_000_000) {
            svm_codec::Receipt::Deploy(r) => r.result.expect("deploy"),
            other => panic!("deploy gave {other:?}"),
        };
        let mut wallets = Vec::new();
        let mut keys = Vec::new();
        for i in 0..WALLETS {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let key = SigningKey::from_bytes(&seed);
            let msg = Message::Spawn(SpawnMessage {
                template,
                name: format!("wallet {i}"),
                ctor: "init".into(),
                calldata: key.verifying_key().to_bytes().to_vec(),
            });
            let nonce = i as u128 + 1;
            match execute(&mut rt, Layer(1), FAUCET, nonce, FUNDS, msg, 1_000_000) {
                svm_codec::Receipt::Spawn(r) => wallets.push(r.result.expect("spawn").account),
                other => panic!("spawn gave {other:?}"),
            }
            keys.push(key);
        }
        rt.commit().unwrap();
        rt.open(Layer(2)).unwrap();
        Setup {
            rt,
            recipients: Vec::new(),
            nonces: vec![0; wallets.len()],
            wallets,
            keys,
            layer: Layer(2),
            next: 0,
            chain,
        }
    }

    /// The wire bytes of the next `n` signed transfers (round robin over the wallets).
    fn transfers(&mut self, n: u64) -> Vec<Vec<u8>> {
        (0..n)
            .map(|_| {
                let k = self.next;
                self.next += 1;
                let src = k % self.wallets.len();
                let to = if self.recipients.is_empty() {
                    self.wallets[(k * 7 + 3) % self.wallets.len()]
                } else {
                    self.recipients[k.wrapping_mul(7919) % self.recipients.len()]
                };
                self.transfer(src, to)
            })
            .collect()
    }

    /// The wire bytes of wallet `src`'s next transfer of 10 coins to `to`.
    pub(crate) fn transfer(&mut self, src: usize, to: Address) -> Vec<u8> {
        let mut calldata = to.as_bytes().to_vec();
        calldata.extend_from_slice(&10u64.to_le_bytes());
        let msg = CallMessage {
            target: self.wallets[src],
            function: "transfer".into(),
            calldata,
        };
        let env = envelope(self.wallets[src], self.nonces[src], 0, TRANSFER_GAS);
        self.nonces[src] += 1;
        let tx = Transaction::new(env, Message::Call(msg));
        let sig = self.keys[src].sign(tx.signing_hash(&self.chain).as_bytes());
        tx.with_verifydata(sig.to_bytes().to_vec()).encode()
    }

    pub(crate) fn next_layer(&mut self) {
        self.rt.commit().unwrap();
        self.layer = self.layer.next().unwrap();
        self.rt.open(self.layer).unwrap();
    }
}

/// svm: `transfers` wire transactions through the runtime, a commit every 1,000; the gas
/// they used.
fn run_svm<K: KVStore + 'static>(s: &mut Setup<K>, txs: &[Vec<u8>]) -> u64 {
    let limits = s.rt.config().codec;
    let mut gas = 0;
    for (i, wire) in txs.iter().enumerate() {
        let (env, verifydata, msg) = split_transaction(wire, &limits).expect("wire");
        let ctx = Context {
            layer: s.layer,
            tx_id: tx_id(&env, verifydata, msg),
        };
        let r =
            s.rt.call(&env, verifydata, msg, &ctx)
                .expect("no node fault");
        assert!(r.result.is_ok(), "{:?}", r.result);
        gas += r.gas_used.0;
        if (i + 1) % 1000 == 0 {
            s.next_layer();
        }
    }
    gas
}

/// The same transfers in plain Rust over the runtime's state.
fn run_native(s: &mut Setup, txs: &[Vec<u8>]) {
    let limits = s.rt.config().codec;
    let layout = FixedLayout::new(SIGNED_WALLET.vars).unwrap();
    for (i, wire) in txs.iter().enumerate() {
        let (env, verifydata, msg) = split_transaction(wire, &limits).expect("wire");
        let _id = tx_id(&env, verifydata, msg);
        let call = CallMessage::decode(msg).expect("message");
        let sighash = svm_codec::signing_hash(&s.chain, &env, msg);
        let mut state = s.rt.state();
        state.checkpoint().unwrap();
        let mut account = state.account(&env.principal).unwrap().expect("wallet");
        assert_eq!(account.nonce, env.nonce, "nonce");
        let key = state.read_var(&env.principal, &layout, 0).unwrap();
        assert!(
            svm_crypto::ed25519_verify(sighash.as_bytes(), verifydata, &key),
            "signature"
        );
        let to = Address(call.calldata[..20].try_into().unwrap());
        let amount = u64::from_le_bytes(call.calldata[20..28].try_into().unwrap());
        account.balance = Amount(account.balance.0 - amount - NATIVE_FEE);
        account.nonce = Nonce(account.nonce.0 + 1);
        state.set_account(&env.principal, &account).unwrap();
        state.increase_balance(&to, Amount(amount)).unwrap();
        state.commit_tx().unwrap();
        drop(state);
        if (i + 1) % 1000 == 0 {
            s.next_layer();
        }
    }
}

/// The figures: native Rust (the baseline), svm singlepass, svm Cranelift, and svm building a
/// new instance for every call (before warm instances).
pub(crate) fn figures(budget: Budget, progress: &dyn Fn(&str)) -> Vec<Figure> {
    const GROUP: &str = "signed transfers (T6)";
    let ops = budget.ops(1000).div_ceil(1000) * 1000;
    let mut out = Vec::new();

    progress("native transfers");
    let mut s = Setup::new(RuntimeConfig::development());
    out.push(measure(GROUP, "native Rust", budget, ops, |n| {
        let txs = s.transfers(n);
        time(|| run_native(&mut s, &txs))
    }));

    for (name, compiler, warm) in [
        ("svm singlepass", svm_gas::Compiler::Singlepass, 256),
        ("svm cranelift", svm_gas::Compiler::Cranelift, 256),
        (
            "svm singlepass, new instance per call",
            svm_gas::Compiler::Singlepass,
            0,
        ),
    ] {
        progress(name);
        let mut config = RuntimeConfig {
            compiler,
            ..RuntimeConfig::development()
        };
        config.cache.warm_instances = warm;
        let mut s = Setup::new(config);
        let mut gas = 0;
        let mut f = measure(GROUP, name, budget, ops, |n| {
            let txs = s.transfers(n);
            time(|| gas = run_svm(&mut s, &txs) / n)
        });
        f.gas_per_op = Some(gas);
        out.push(f);
    }
    out
}

/// T7: the same signed transfers on RocksDB, into a state of `accounts` accounts (funded
/// in layers of 50,000 first; minutes for a million), each transfer to a random one.
pub(crate) fn large_figures(
    budget: Budget,
    accounts: usize,
    progress: &dyn Fn(&str),
) -> Vec<Figure> {
    let group = format!("signed transfers on RocksDB, {accounts} accounts (T7)");
    let dir = tempfile::tempdir().expect("tempdir");
    let kv = svm_kv::RocksStore::open(dir.path().join("store")).expect("rocksdb");
    let mut s = Setup::with_store(kv, RuntimeConfig::development());
    let mut made = 0;
    while made < accounts {
        progress(&format!("creating accounts: {made} of {accounts}"));
        let n = (accounts - made).min(50_000);
        for i in made..made + n {
            let mut a = [0x5e; 20];
            a[..8].copy_from_slice(&(i as u64).to_le_bytes());
            s.recipients.push(Address(a));
            s.rt.increase_balance(&Address(a), Amount(1)).unwrap();
        }
        made += n;
        s.next_layer();
    }
    progress("transfers");
    let ops = budget.ops(1000).div_ceil(1000) * 1000;
    let mut gas = 0;
    let mut f = measure(&*group, "svm singlepass, RocksDB", budget, ops, |n| {
        let txs = s.transfers(n);
        time(|| gas = run_svm(&mut s, &txs) / n)
    });
    f.gas_per_op = Some(gas);
    vec![f]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both sides do the same work: the same transfers advance the same nonces, and the
    /// wallets' coins fall by exactly the fees (svm's gas used, the native fee).
    #[test]
    fn svm_and_native_run_the_same_transfers() {
        let mut svm = Setup::new(RuntimeConfig::development());
        let mut native = Setup::new(RuntimeConfig::development());
        let txs = svm.transfers(200);
        assert_eq!(native.transfers(200), txs, "the same wire transactions");
        let total = |s: &mut Setup| -> u64 {
            let wallets = s.wallets.clone();
            wallets
                .iter()
                .map(|w| s.rt.get_account(w).unwrap().unwrap().balance.0)
                .sum()
        };
        let (svm_before, native_before) = (total(&mut svm), total(&mut native));
        let gas = run_svm(&mut svm, &txs);
        run_native(&mut native, &txs);
        assert_eq!(
            svm_before - total(&mut svm),
            gas,
            "svm: only fees left the wallets"
        );
        assert_eq!(
            native_before - total(&mut native),
            200 * NATIVE_FEE,
            "native: the same"
        );
        for w in svm.wallets.clone() {
            let nonce = |s: &mut Setup| s.rt.get_account(&w).unwrap().unwrap().nonce;
            assert_eq!(nonce(&mut svm), nonce(&mut native));
        }
    }
}
