//! A small node for tests: a runtime, a funded principal, and transaction builders.
#![allow(dead_code)]

use svm_codec::{
    CallMessage, CallReceipt, Codec, Context, DeployReceipt, Envelope, SpawnMessage, SpawnReceipt,
    TxType,
};
use svm_kv::KVStore;
use svm_runtime::{Runtime, RuntimeConfig, examples::ExampleTemplate};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr, TxId};

pub const ALICE: Address = Address([0xA1; 20]);
pub const BOB: Address = Address([0xB0; 20]);
pub const FUNDS: u64 = 10_000_000_000;
pub const GAS: u64 = 5_000_000;
/// The gas limit of verify checks: small, so a wallet holding 1,000,000 coins can pay it.
pub const VERIFY_GAS: u64 = 500_000;

pub struct Node<K: KVStore + 'static> {
    pub rt: Runtime<K>,
    pub layer: Layer,
    txs: u64,
}

impl<K: KVStore + 'static> Node<K> {
    /// A node over `kv` with layer 1 open and ALICE and BOB funded.
    pub fn new(kv: K, config: RuntimeConfig) -> Self {
        let mut rt = Runtime::new(kv, config).unwrap();
        let layer = rt.global_state().unwrap().last_layer().next().unwrap();
        rt.open(layer).unwrap();
        if layer == Layer(1) {
            rt.increase_balance(&ALICE, Amount(FUNDS)).unwrap();
            rt.increase_balance(&BOB, Amount(FUNDS)).unwrap();
        }
        Self { rt, layer, txs: 0 }
    }

    pub fn nonce(&mut self, who: &Address) -> Nonce {
        self.rt
            .get_account(who)
            .unwrap()
            .map_or(Nonce(0), |a| a.nonce)
    }

    pub fn balance(&mut self, who: &Address) -> u64 {
        self.rt.get_account(who).unwrap().map_or(0, |a| a.balance.0)
    }

    pub fn envelope(
        &mut self,
        tx_type: TxType,
        principal: Address,
        amount: u64,
        gas: u64,
    ) -> Envelope {
        Envelope {
            tx_type,
            principal,
            amount: Amount(amount),
            nonce: self.nonce(&principal),
            gas_limit: Gas(gas),
            gas_fee: GasFee(1),
        }
    }

    pub fn context(&mut self) -> Context {
        self.txs += 1;
        let mut id = [0u8; 32];
        id[..8].copy_from_slice(&self.txs.to_be_bytes());
        Context {
            layer: self.layer,
            tx_id: TxId(id),
        }
    }

    pub fn deploy_bytes(&mut self, principal: Address, msg: &[u8]) -> DeployReceipt {
        let env = self.envelope(TxType::Deploy, principal, 0, 50_000_000);
        let ctx = self.context();
        self.rt.deploy(&env, msg, &ctx).unwrap()
    }

    /// Deploys `wat` with variables `vars` and constructors `ctors` (and an optional API
    /// text), by ALICE.
    pub fn deploy_wat(
        &mut self,
        wat: &str,
        vars: &[u32],
        ctors: &[&str],
        api: Option<String>,
    ) -> DeployReceipt {
        let msg = svm_codec::DeployMessage {
            code: svm_codec::CodeSection {
                kind: svm_codec::CodeKind::Wasm,
                flags: 0,
                code: wat::parse_str(wat).unwrap_or_else(|e| panic!("{e}\n{wat}")),
            },
            data: svm_codec::DataSection {
                vars: vars.to_vec(),
            },
            ctors: ctors.iter().map(|c| c.to_string()).collect(),
            api,
            header: None,
            extra: vec![],
        };
        self.deploy_bytes(ALICE, &msg.encode())
    }

    /// A call by `principal` carrying `verifydata`.
    pub fn call_verified(
        &mut self,
        principal: Address,
        target: Address,
        function: &str,
        verifydata: &[u8],
        calldata: &[u8],
        gas: u64,
    ) -> CallReceipt {
        let msg = CallMessage {
            target,
            function: function.into(),
            verifydata: verifydata.to_vec(),
            calldata: calldata.to_vec(),
        }
        .encode();
        let env = self.envelope(TxType::Call, principal, 0, gas);
        let ctx = self.context();
        self.rt.call(&env, &msg, &ctx).unwrap()
    }

    pub fn deploy(&mut self, t: &ExampleTemplate) -> TemplateAddr {
        let msg = t.deploy_message().unwrap().encode();
        let r = self.deploy_bytes(ALICE, &msg);
        r.result
            .unwrap_or_else(|e| panic!("deploy {}: {e}", t.name))
    }

    pub fn spawn_with(
        &mut self,
        principal: Address,
        template: TemplateAddr,
        ctor: &str,
        calldata: &[u8],
        amount: u64,
        gas: u64,
    ) -> SpawnReceipt {
        let msg = SpawnMessage {
            template,
            name: "test".into(),
            ctor: ctor.into(),
            calldata: calldata.to_vec(),
        }
        .encode();
        let env = self.envelope(TxType::Spawn, principal, amount, gas);
        let ctx = self.context();
        self.rt.spawn(&env, &msg, &ctx).unwrap()
    }

    pub fn spawn(&mut self, template: TemplateAddr, ctor: &str, calldata: &[u8]) -> Address {
        let r = self.spawn_with(ALICE, template, ctor, calldata, 0, GAS);
        r.result
            .unwrap_or_else(|e| panic!("spawn {ctor}: {e}"))
            .account
    }

    pub fn call_with(
        &mut self,
        principal: Address,
        target: Address,
        function: &str,
        calldata: &[u8],
        amount: u64,
        gas: u64,
    ) -> CallReceipt {
        let msg = CallMessage {
            target,
            function: function.into(),
            verifydata: vec![],
            calldata: calldata.to_vec(),
        }
        .encode();
        let env = self.envelope(TxType::Call, principal, amount, gas);
        let ctx = self.context();
        self.rt.call(&env, &msg, &ctx).unwrap()
    }

    pub fn call(&mut self, target: Address, function: &str, calldata: &[u8]) -> CallReceipt {
        self.call_with(ALICE, target, function, calldata, 0, GAS)
    }

    pub fn verify(&mut self, principal: Address, verifydata: &[u8]) -> CallReceipt {
        let msg = CallMessage {
            target: principal,
            function: "transfer".into(),
            verifydata: verifydata.to_vec(),
            calldata: vec![],
        }
        .encode();
        let env = self.envelope(TxType::Call, principal, 0, VERIFY_GAS);
        let ctx = self.context();
        self.rt.verify(&env, &msg, &ctx).unwrap()
    }

    /// Commits the open layer and opens the next one.
    pub fn next_layer(&mut self) -> svm_types::State {
        let (_, root) = self.rt.commit().unwrap();
        self.layer = self.layer.next().unwrap();
        self.rt.open(self.layer).unwrap();
        root
    }
}

pub fn u64_le(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}
