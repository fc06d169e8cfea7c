//! Test kit (feature `testing`): [`TestNode`], a runtime wrapped for tests, and
//! [`MockState`], a [`WorldState`] in plain maps that proves the runtime needs nothing else
//! of state.
//!
//! ```
//! use svm_kv::MemoryStore;
//! use svm_runtime::{RuntimeConfig, examples::COUNTER, testing::{TestNode, u64_le}};
//!
//! let mut node = TestNode::new(MemoryStore::new(), RuntimeConfig::default());
//! let template = node.deploy(&COUNTER);
//! let counter = node.spawn(template, "initialize", &u64_le(5));
//! let receipt = node.call(counter, "add", &u64_le(2));
//! assert!(receipt.result.is_ok());
//! node.next_layer();
//! ```

use svm_codec::{
    CallMessage, CallReceipt, Codec, Context, DeployReceipt, Envelope, SpawnMessage, SpawnReceipt,
    TxType,
};
use svm_kv::KVStore;
pub use svm_storage::testing::MockState;
use svm_storage::{GlobalState, WorldState};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr};

use crate::{Runtime, RuntimeConfig, examples::ExampleTemplate};

/// The first funded principal.
pub const ALICE: Address = Address([0xA1; 20]);
/// The second funded principal.
pub const BOB: Address = Address([0xB0; 20]);
/// What ALICE and BOB start with.
pub const FUNDS: u64 = 10_000_000_000;
/// The gas limit of [`TestNode::spawn`] and [`TestNode::call`].
pub const GAS: u64 = 5_000_000;
/// The gas limit of verify checks: small, so a wallet holding 1,000,000 coins can pay it.
pub const VERIFY_GAS: u64 = 500_000;

/// A runtime with a layer open, [`ALICE`] and [`BOB`] funded, and one method per kind of
/// transaction. Its methods panic on an `Err` of the runtime (a test has failed then).
/// ALICE and BOB have no keys: the node turns `TxLimits::keyless_principals` on.
pub struct TestNode<S: WorldState + Send + 'static> {
    /// The runtime.
    pub rt: Runtime<S>,
    /// The open layer.
    pub layer: Layer,
    txs: u64,
}

impl<K: KVStore + 'static> TestNode<GlobalState<K>> {
    /// A node over [`GlobalState`] on `kv`.
    pub fn new(kv: K, config: RuntimeConfig) -> Self {
        Self::with_runtime(Runtime::new(kv, keyless(config)).expect("the runtime opens"))
    }
}

impl<S: WorldState + Send + 'static> TestNode<S> {
    /// A node over any `state`.
    pub fn with_state(state: S, config: RuntimeConfig) -> Self {
        Self::with_runtime(Runtime::with_state(state, keyless(config)).expect("the runtime opens"))
    }

    /// A node over `rt`: the layer after its last one is opened; on a fresh state
    /// (layer 1) [`ALICE`] and [`BOB`] get [`FUNDS`] each.
    pub fn with_runtime(mut rt: Runtime<S>) -> Self {
        let layer = rt.state().last_layer().next().unwrap();
        rt.open(layer).unwrap();
        if layer == Layer(1) {
            rt.increase_balance(&ALICE, Amount(FUNDS)).unwrap();
            rt.increase_balance(&BOB, Amount(FUNDS)).unwrap();
        }
        Self { rt, layer, txs: 0 }
    }

    /// The nonce of `who` (0 without an account).
    pub fn nonce(&mut self, who: &Address) -> Nonce {
        self.rt
            .get_account(who)
            .unwrap()
            .map_or(Nonce(0), |a| a.nonce)
    }

    /// The balance of `who` (0 without an account).
    pub fn balance(&mut self, who: &Address) -> u64 {
        self.rt.get_account(who).unwrap().map_or(0, |a| a.balance.0)
    }

    /// An envelope for `principal`'s next transaction, gas fee 1.
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

    /// The context of a transaction: the open layer and the transaction's id.
    pub fn context(&mut self, env: &Envelope, verifydata: &[u8], msg: &[u8]) -> Context {
        self.txs += 1;
        Context {
            layer: self.layer,
            tx_id: svm_codec::tx_id(env, verifydata, msg),
        }
    }

    /// Transactions this node has sent.
    pub fn sent(&self) -> u64 {
        self.txs
    }

    /// Deploys the encoded deploy message `msg` by `principal` (gas limit 50,000,000).
    pub fn deploy_bytes(&mut self, principal: Address, msg: &[u8]) -> DeployReceipt {
        let env = self.envelope(TxType::Deploy, principal, 0, 50_000_000);
        let ctx = self.context(&env, &[], msg);
        self.rt.deploy(&env, &[], msg, &ctx).unwrap()
    }

    /// Deploys a template built with `svm-sdk` (its `.wasm`; the layout, constructors and API
    /// come from its `svm-meta` section) by `principal`; panics unless it deploys.
    ///
    /// ```ignore
    /// let template = node.deploy_sdk_wasm(ALICE, &std::fs::read("counter.wasm")?);
    /// let counter = node.spawn(template, "initialize", &abi_u64(5));
    /// ```
    pub fn deploy_sdk_wasm(&mut self, principal: Address, wasm: &[u8]) -> TemplateAddr {
        let meta = svm_codec::SdkMeta::read(wasm)
            .expect("a Wasm module")
            .expect("an svm-meta section: built with svm-sdk?");
        let msg = meta
            .deploy_message(wasm, None)
            .expect("a Wasm module")
            .encode();
        let r = self.deploy_bytes(principal, &msg);
        r.result.unwrap_or_else(|e| panic!("deploy: {e}"))
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
        self.send_call(principal, target, function, verifydata, calldata, 0, gas)
    }

    #[allow(clippy::too_many_arguments)]
    fn send_call(
        &mut self,
        principal: Address,
        target: Address,
        function: &str,
        verifydata: &[u8],
        calldata: &[u8],
        amount: u64,
        gas: u64,
    ) -> CallReceipt {
        let msg = CallMessage {
            target,
            function: function.into(),
            calldata: calldata.to_vec(),
        }
        .encode();
        let env = self.envelope(TxType::Call, principal, amount, gas);
        let ctx = self.context(&env, verifydata, &msg);
        self.rt.call(&env, verifydata, &msg, &ctx).unwrap()
    }

    /// Deploys example template `t` by ALICE; panics unless it succeeds.
    pub fn deploy(&mut self, t: &ExampleTemplate) -> TemplateAddr {
        let msg = t.deploy_message().unwrap().encode();
        let r = self.deploy_bytes(ALICE, &msg);
        r.result
            .unwrap_or_else(|e| panic!("deploy {}: {e}", t.name))
    }

    /// Spawns from `template` by `principal` with constructor `ctor`.
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
        let ctx = self.context(&env, &[], &msg);
        self.rt.spawn(&env, &[], &msg, &ctx).unwrap()
    }

    /// Spawns from `template` by ALICE; panics unless it succeeds. The new account.
    pub fn spawn(&mut self, template: TemplateAddr, ctor: &str, calldata: &[u8]) -> Address {
        let r = self.spawn_with(ALICE, template, ctor, calldata, 0, GAS);
        r.result
            .unwrap_or_else(|e| panic!("spawn {ctor}: {e}"))
            .account
    }

    /// Calls `function` of `target` by `principal`, sending `amount`.
    pub fn call_with(
        &mut self,
        principal: Address,
        target: Address,
        function: &str,
        calldata: &[u8],
        amount: u64,
        gas: u64,
    ) -> CallReceipt {
        self.send_call(principal, target, function, &[], calldata, amount, gas)
    }

    /// Calls `function` of `target` by ALICE with gas [`GAS`].
    pub fn call(&mut self, target: Address, function: &str, calldata: &[u8]) -> CallReceipt {
        self.call_with(ALICE, target, function, calldata, 0, GAS)
    }

    /// Runs [`Runtime::verify`] of `principal` with `verifydata`.
    pub fn verify(&mut self, principal: Address, verifydata: &[u8]) -> CallReceipt {
        let msg = CallMessage {
            target: principal,
            function: "transfer".into(),
            calldata: vec![],
        }
        .encode();
        let env = self.envelope(TxType::Call, principal, 0, VERIFY_GAS);
        let ctx = self.context(&env, verifydata, &msg);
        self.rt.verify(&env, verifydata, &msg, &ctx).unwrap()
    }

    /// Commits the open layer and opens the next one.
    pub fn next_layer(&mut self) -> svm_types::State {
        let (_, root) = self.rt.commit().unwrap();
        self.layer = self.layer.next().unwrap();
        self.rt.open(self.layer).unwrap();
        root
    }
}

/// `config` with `keyless_principals` on: ALICE and BOB have no keys.
fn keyless(mut config: RuntimeConfig) -> RuntimeConfig {
    config.tx_limits.keyless_principals = true;
    config
}

/// `v` as 8 little-endian bytes (the example templates' calldata).
pub fn u64_le(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}
