//! Transaction throughput of the runtime on the in-memory backend: a counter call and a wallet
//! transfer, each a whole transaction (decode, admission, module from the cache, new
//! instance, metered run, storage writes, settlement), plus the layer commit.
//! Figures and ratios are in `docs/perf.md`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use svm_codec::{CallMessage, Codec, Context, Envelope, SpawnMessage, TxType};
use svm_gas::Compiler;
use svm_kv::MemoryStore;
use svm_runtime::{
    Runtime, RuntimeConfig,
    examples::{COUNTER, WALLET},
};
use svm_storage::GlobalState;
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr};

const ALICE: Address = Address([0xA1; 20]);

struct Bench {
    rt: Runtime<GlobalState<MemoryStore>>,
    layer: Layer,
    nonce: Nonce,
}

impl Bench {
    fn new(compiler: Compiler) -> Self {
        let mut rt = Runtime::new(
            MemoryStore::new(),
            RuntimeConfig {
                compiler,
                ..RuntimeConfig::development()
            },
        )
        .unwrap();
        rt.open(Layer(1)).unwrap();
        rt.increase_balance(&ALICE, Amount(u64::MAX / 2)).unwrap();
        Self {
            rt,
            layer: Layer(1),
            nonce: Nonce(0),
        }
    }

    fn env(&mut self, tx_type: TxType, principal: Address, nonce: Nonce) -> Envelope {
        Envelope {
            tx_type,
            principal,
            amount: Amount(0),
            nonce,
            gas_limit: Gas(1_000_000),
            gas_fee: GasFee(1),
        }
    }

    fn ctx(&self, env: &Envelope, msg: &[u8]) -> Context {
        Context {
            layer: self.layer,
            tx_id: svm_codec::tx_id(env, &[], msg),
        }
    }

    fn deploy(&mut self, t: &svm_runtime::examples::ExampleTemplate) -> TemplateAddr {
        let env = Envelope {
            gas_limit: Gas(100_000_000),
            ..self.env(TxType::Deploy, ALICE, self.nonce)
        };
        self.nonce.0 += 1;
        let msg = t.deploy_message().unwrap().encode();
        let ctx = self.ctx(&env, &msg);
        self.rt
            .deploy(&env, &[], &msg, &ctx)
            .unwrap()
            .result
            .unwrap()
    }

    fn spawn(&mut self, t: TemplateAddr, ctor: &str, calldata: Vec<u8>, amount: u64) -> Address {
        let msg = SpawnMessage {
            template: t,
            name: String::new(),
            ctor: ctor.into(),
            calldata,
        }
        .encode();
        let env = Envelope {
            amount: Amount(amount),
            ..self.env(TxType::Spawn, ALICE, self.nonce)
        };
        self.nonce.0 += 1;
        let ctx = self.ctx(&env, &msg);
        self.rt
            .spawn(&env, &[], &msg, &ctx)
            .unwrap()
            .result
            .unwrap()
            .account
    }

    fn next_layer(&mut self) {
        self.rt.commit().unwrap();
        self.layer = self.layer.next().unwrap();
        self.rt.open(self.layer).unwrap();
    }
}

fn counter_calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("tx");
    group.throughput(Throughput::Elements(1));
    for compiler in [Compiler::Singlepass, Compiler::Cranelift] {
        let mut b = Bench::new(compiler);
        let t = b.deploy(&COUNTER);
        let counter = b.spawn(t, "initialize", 0u64.to_le_bytes().to_vec(), 0);
        let msg = CallMessage {
            target: counter,
            function: "add".into(),
            calldata: 1u64.to_le_bytes().to_vec(),
        }
        .encode();
        group.bench_function(format!("counter_add/{}", compiler.name()), |bench| {
            bench.iter(|| {
                let env = b.env(TxType::Call, ALICE, b.nonce);
                b.nonce.0 += 1;
                let ctx = b.ctx(&env, &msg);
                let r = b.rt.call(&env, &[], &msg, &ctx).unwrap();
                assert!(r.result.is_ok());
            })
        });
    }
    group.finish();
}

/// Wallet-to-wallet transfers: each wallet is its own principal and runs `transfer` on
/// itself; 1,000 transfers per layer, commit included.
fn transfers(c: &mut Criterion) {
    let mut group = c.benchmark_group("layer");
    const PER_LAYER: u64 = 1_000;
    group.throughput(Throughput::Elements(PER_LAYER));
    group.sample_size(10);
    let mut b = Bench::new(Compiler::Singlepass);
    let t = b.deploy(&WALLET);
    let wallets: Vec<Address> = (0..200)
        .map(|i| {
            b.spawn(
                t,
                "init",
                (i as u64).to_le_bytes().to_vec(),
                1_000_000_000_000,
            )
        })
        .collect();
    let mut nonces = vec![Nonce(0); wallets.len()];
    b.next_layer();
    let mut k = 0usize;
    group.bench_function("1000_wallet_transfers_and_commit", |bench| {
        bench.iter_batched(
            || (),
            |_| {
                for _ in 0..PER_LAYER {
                    let from = k % wallets.len();
                    let to = wallets[(k * 7 + 3) % wallets.len()];
                    k += 1;
                    let mut calldata = to.as_bytes().to_vec();
                    calldata.extend_from_slice(&10u64.to_le_bytes());
                    let msg = CallMessage {
                        target: wallets[from],
                        function: "transfer".into(),
                        calldata,
                    }
                    .encode();
                    let env = b.env(TxType::Call, wallets[from], nonces[from]);
                    nonces[from].0 += 1;
                    // wallet `from` was spawned with secret `from`: its verifydata
                    let secret = (from as u64).to_le_bytes();
                    let ctx = Context {
                        layer: b.layer,
                        tx_id: svm_codec::tx_id(&env, &secret, &msg),
                    };
                    let r = b.rt.call(&env, &secret, &msg, &ctx).unwrap();
                    assert!(r.result.is_ok(), "{:?}", r.result);
                }
                b.next_layer();
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, counter_calls, transfers);
criterion_main!(benches);
