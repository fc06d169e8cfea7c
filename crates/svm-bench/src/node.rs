//! Sending a transaction to a runtime as a node does: an envelope, the transaction's id,
//! `Runtime::execute`. The workloads' setups and their svm figures go through here.

use svm_codec::{CallMessage, Context, Envelope, Message, Receipt, Transaction, TxType};
use svm_kv::{KVStore, MemoryStore};
use svm_runtime::{Runtime, RuntimeConfig, examples::ExampleTemplate};
use svm_storage::GlobalState;
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr};

/// An envelope at gas price 1 (the type is set from the message by `Transaction::new`).
pub(crate) fn envelope(principal: Address, nonce: u128, amount: u64, gas: u64) -> Envelope {
    Envelope {
        tx_type: TxType::Call,
        principal,
        amount: Amount(amount),
        nonce: Nonce(nonce),
        gas_limit: Gas(gas),
        gas_fee: GasFee(1),
    }
}

/// Executes `message` from `principal` (with `nonce`, sending `amount`) in `layer`; its
/// receipt. A node fault ends the benchmark.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute<K: KVStore + 'static>(
    rt: &mut Runtime<GlobalState<K>>,
    layer: Layer,
    principal: Address,
    nonce: u128,
    amount: u64,
    message: Message,
    gas: u64,
) -> Receipt {
    let tx = Transaction::new(envelope(principal, nonce, amount, gas), message);
    let ctx = Context {
        layer,
        tx_id: tx.id(),
    };
    rt.execute(&tx, &ctx).expect("no node fault")
}

const ALICE: Address = Address([0xA1; 20]);

/// A runtime in memory with one funded principal, sending it transactions; a layer is
/// committed and the next one opened every [`TXS_PER_LAYER`] transactions.
pub(crate) struct Node {
    pub rt: Runtime<GlobalState<MemoryStore>>,
    nonce: u128,
    layer: Layer,
    in_layer: u32,
}

/// Transactions per layer (100 of at most 10^8 gas each stay below the layer gas limit).
const TXS_PER_LAYER: u32 = 100;

impl Node {
    pub(crate) fn new(config: RuntimeConfig) -> Self {
        let mut rt = Runtime::new(MemoryStore::new(), config).expect("runtime");
        rt.open(Layer(1)).unwrap();
        rt.increase_balance(&ALICE, Amount(u64::MAX / 2)).unwrap();
        Node {
            rt,
            nonce: 0,
            layer: Layer(1),
            in_layer: 0,
        }
    }

    pub(crate) fn send(&mut self, message: Message, gas: u64) -> svm_codec::Receipt {
        if self.in_layer == TXS_PER_LAYER {
            self.rt.commit().expect("commit");
            self.layer = self.layer.next().expect("a next layer");
            self.rt.open(self.layer).expect("open");
            self.in_layer = 0;
        }
        self.in_layer += 1;
        self.nonce += 1;
        crate::node::execute(
            &mut self.rt,
            self.layer,
            ALICE,
            self.nonce - 1,
            0,
            message,
            gas,
        )
    }

    pub(crate) fn deploy(&mut self, wat: &str, vars: &[u32], ctor: &str) -> TemplateAddr {
        let msg = svm_codec::DeployMessage {
            code: svm_codec::CodeSection {
                kind: svm_codec::CodeKind::Wasm,
                flags: 0,
                code: wat::parse_str(wat).expect("wat"),
            },
            data: svm_codec::DataSection {
                vars: vars.to_vec(),
            },
            ctors: vec![ctor.into()],
            api: None,
            header: None,
            extra: vec![],
        };
        match self.send(Message::Deploy(msg), 100_000_000) {
            svm_codec::Receipt::Deploy(r) => r.result.expect("deploy"),
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn deploy_example(&mut self, t: &ExampleTemplate) -> TemplateAddr {
        let msg = t.deploy_message().expect("example");
        match self.send(Message::Deploy(msg), 100_000_000) {
            svm_codec::Receipt::Deploy(r) => r.result.expect("deploy"),
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn spawn(
        &mut self,
        template: TemplateAddr,
        ctor: &str,
        calldata: Vec<u8>,
    ) -> Address {
        let msg = svm_codec::SpawnMessage {
            template,
            name: String::new(),
            ctor: ctor.into(),
            calldata,
        };
        match self.send(Message::Spawn(msg), 10_000_000) {
            svm_codec::Receipt::Spawn(r) => r.result.expect("spawn").account,
            other => panic!("{other:?}"),
        }
    }

    /// `n` calls of `function` of `target`; the gas of one.
    pub(crate) fn calls(
        &mut self,
        target: Address,
        function: &str,
        calldata: &[u8],
        n: u64,
    ) -> u64 {
        let msg = CallMessage {
            target,
            function: function.into(),
            calldata: calldata.to_vec(),
        };
        let mut gas = 0;
        for _ in 0..n {
            let r = self.send(Message::Call(msg.clone()), 1_000_000);
            let svm_codec::Receipt::Call(r) = r else {
                unreachable!()
            };
            assert!(r.result.is_ok(), "{:?}", r.result);
            gas = r.gas_used.0;
        }
        gas
    }
}
