#![no_main]
//! Differential fuzzing of transaction sequences (issue 19): deploys of the example
//! templates and of arbitrary bytes, spawns, calls (of every function the templates export,
//! and of names they do not) with generated calldata, amounts, gas limits, fees, nonces and
//! verifydata, verifies, commits and rewinds, played on two nodes: one over memory, one over
//! RocksDB in a temporary directory.
//!
//! - Every receipt, and every root a commit or a rewind reports, is byte-identical on both.
//! - After each transaction, on every account the sequence has seen (`docs/spec/host-abi.md`):
//!   - coins are conserved except the fee: the total after is the total before less
//!     `gas_used x gas_fee`;
//!   - a refused transaction (gas used 0) changes nothing; any other bumps its principal's
//!     nonce by one, and no other account's nonce changes;
//!   - a failed transaction leaves every account as it was except its principal's balance
//!     (less the fee) and nonce (rollback exactness);
//! - `verify` changes nothing.
//! - A rewind to a committed layer reports that layer's root and restores every account
//!   recorded then.
//!
//! A panic anywhere (the runtime's `Err` included: a guest must never cause one) is a finding.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use libfuzzer_sys::{
    arbitrary::{Result, Unstructured},
    fuzz_target,
};
use svm_codec::{CallMessage, Codec, Context, Envelope, Receipt, SpawnMessage, TxType};
use svm_kv::{KVStore, MemoryStore, RocksStore};
use svm_runtime::{
    RuntimeConfig,
    examples::ALL,
    testing::{ALICE, BOB, TestNode},
};
use svm_storage::{Account, GlobalState};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, State, TemplateAddr};

/// Steps per input at most.
const MAX_STEPS: usize = 24;

/// The functions each example template exports.
static EXPORTS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    ALL.iter()
        .map(|t| {
            let mut names = Vec::new();
            let mut rest = t.wat;
            while let Some(at) = rest.find("(export \"") {
                rest = &rest[at + 9..];
                let end = rest.find('"').expect("a closing quote");
                if &rest[..end] != "memory" {
                    names.push(rest[..end].to_string());
                }
            }
            names
        })
        .collect()
});

/// Every function name the example templates export, and one none does, sorted.
static FUNCTIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut names: BTreeSet<String> = EXPORTS.iter().flatten().cloned().collect();
    names.insert("no_such_function".into());
    names.into_iter().collect()
});

/// Calldata: raw bytes, or the shapes the example templates read.
#[derive(Debug)]
enum Calldata {
    Raw(Vec<u8>),
    U64(u64),
    /// An actor's address, then a number.
    AddrU64(usize, u64),
    /// A number, then an actor's address.
    U64Addr(u64, usize),
}

#[derive(Debug)]
struct Sender {
    /// Index into the actors.
    principal: usize,
    amount: u64,
    gas: u64,
    fee: u64,
    /// Added to the expected nonce (0 almost always).
    nonce_skew: u128,
    verifydata: Vec<u8>,
}

#[derive(Debug)]
enum Step {
    Deploy(Sender, usize),
    DeployBytes(Sender, Vec<u8>),
    Spawn {
        from: Sender,
        /// Index into the templates deployed so far.
        template: usize,
        ctor: Option<usize>,
        calldata: Calldata,
    },
    Call {
        from: Sender,
        /// Index into the spawned accounts, then ALICE, BOB and an address without account.
        target: usize,
        /// Index into the target template's functions, or (`false`) into all names.
        function: (bool, usize),
        calldata: Calldata,
    },
    CallBytes(Sender, Vec<u8>),
    Verify(Sender),
    Commit,
    Rewind(usize),
}

fn calldata(u: &mut Unstructured<'_>) -> Result<Calldata> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Calldata::Raw(bytes(u, 80)?),
        1 => Calldata::U64(small(u)?),
        2 => Calldata::AddrU64(u.arbitrary()?, small(u)?),
        _ => Calldata::U64Addr(small(u)?, u.arbitrary()?),
    })
}

/// A number, usually small.
fn small(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(match u.int_in_range(0..=15)? {
        15 => u.arbitrary()?,
        14 => u.int_in_range(0..=20_000_000_000)?,
        _ => u.int_in_range(0..=2_000)?,
    })
}

fn sender(u: &mut Unstructured<'_>) -> Result<Sender> {
    Ok(Sender {
        // ALICE or BOB mostly, who have coins
        principal: if u.ratio(3, 4)? {
            u.int_in_range(0..=1)?
        } else {
            u.arbitrary()?
        },
        // the first choice of each is the usual one (what an exhausted input gives)
        amount: if u.ratio(1, 2)? { 0 } else { small(u)? },
        gas: match u.int_in_range(0..=5)? {
            5 => u.int_in_range(0..=300_000)?,
            4 => 50_000_000,
            _ => 5_000_000,
        },
        fee: match u.int_in_range(0..=9)? {
            9 => 0,
            8 => 3,
            _ => 1,
        },
        nonce_skew: u128::from(!u.ratio(15, 16)?),
        verifydata: if u.ratio(1, 2)? {
            small(u)?.to_le_bytes().to_vec()
        } else {
            bytes(u, 8)?
        },
    })
}

/// The next step: a spawn before any template is a deploy, a call before any spawned
/// account a spawn (their failures for a missing template or account come from raw bytes).
fn step(u: &mut Unstructured<'_>, world: &World) -> Result<Step> {
    // 0 (what zero bytes give) is the most telling step: a call
    let mut kind = u.int_in_range(0..=15)?;
    if kind <= 4 && world.spawned.is_empty() {
        kind = 5;
    }
    if (5..=7).contains(&kind) && world.templates.is_empty() {
        kind = 8;
    }
    Ok(match kind {
        0..=4 => Step::Call {
            from: sender(u)?,
            target: u.arbitrary()?,
            function: (u.ratio(7, 8)?, u.arbitrary()?),
            calldata: calldata(u)?,
        },
        5..=7 => Step::Spawn {
            from: sender(u)?,
            template: u.arbitrary()?,
            ctor: if u.ratio(7, 8)? {
                None
            } else {
                Some(u.arbitrary()?)
            },
            calldata: calldata(u)?,
        },
        8..=9 => Step::Deploy(sender(u)?, u.int_in_range(0..=ALL.len() - 1)?),
        10 => Step::DeployBytes(sender(u)?, bytes(u, 64)?),
        11 => Step::CallBytes(sender(u)?, bytes(u, 48)?),
        12 => Step::Verify(sender(u)?),
        13..=14 => Step::Commit,
        _ => Step::Rewind(u.arbitrary()?),
    })
}

/// One node and what the sequence knows of it.
struct Node<K: KVStore + 'static> {
    node: TestNode<GlobalState<K>>,
}

impl<K: KVStore + 'static> Node<K> {
    fn new(kv: K) -> Self {
        Self {
            node: TestNode::new(kv, RuntimeConfig::default()),
        }
    }

    fn account(&mut self, who: &Address) -> Option<Account> {
        self.node.rt.get_account(who).expect("the state reads")
    }

    fn snapshot(&mut self, known: &BTreeSet<Address>) -> BTreeMap<Address, Option<Account>> {
        known.iter().map(|a| (*a, self.account(a))).collect()
    }

    fn envelope(&mut self, tx_type: TxType, s: &Sender, principal: Address) -> Envelope {
        let nonce = self.node.nonce(&principal).0.wrapping_add(s.nonce_skew);
        Envelope {
            tx_type,
            principal,
            amount: Amount(s.amount),
            nonce: Nonce(nonce),
            gas_limit: Gas(s.gas),
            gas_fee: GasFee(s.fee),
        }
    }

    fn context(&self, env: &Envelope, verifydata: &[u8], msg: &[u8]) -> Context {
        Context {
            layer: self.node.layer,
            tx_id: svm_codec::tx_id(env, verifydata, msg),
        }
    }

    /// Sends `msg` (of type `tx_type`) as `principal` per `s`.
    fn send(&mut self, tx_type: TxType, s: &Sender, principal: Address, msg: &[u8]) -> Receipt {
        let env = self.envelope(tx_type, s, principal);
        let ctx = self.context(&env, &s.verifydata, msg);
        let rt = &mut self.node.rt;
        let v = &s.verifydata;
        match tx_type {
            TxType::Deploy => {
                Receipt::Deploy(rt.deploy(&env, v, msg, &ctx).expect("no node fault"))
            }
            TxType::Spawn => Receipt::Spawn(rt.spawn(&env, v, msg, &ctx).expect("no node fault")),
            TxType::Call => Receipt::Call(rt.call(&env, v, msg, &ctx).expect("no node fault")),
        }
    }

    fn verify(&mut self, s: &Sender, principal: Address, msg: &[u8]) -> Receipt {
        let env = self.envelope(TxType::Call, s, principal);
        let ctx = self.context(&env, &s.verifydata, msg);
        let r = self.node.rt.verify(&env, &s.verifydata, msg, &ctx);
        Receipt::Call(r.expect("no node fault"))
    }

    fn commit(&mut self) -> (Layer, State) {
        let layer = self.node.layer;
        let root = self.node.next_layer();
        (layer, root)
    }

    fn rewind(&mut self, layer: Layer) -> State {
        let root = self
            .node
            .rt
            .rewind(layer)
            .expect("a committed layer rewinds");
        self.node.layer = layer.next().expect("a next layer");
        self.node
            .rt
            .open(self.node.layer)
            .expect("the next layer opens");
        root
    }
}

/// What the sequence has seen.
struct World {
    /// Accounts that may send (ALICE, BOB, then every spawned account).
    actors: Vec<Address>,
    /// Spawned accounts and the example template of each (when it is one).
    spawned: Vec<(Address, Option<usize>)>,
    /// Templates deployed, and which example each is.
    templates: Vec<(TemplateAddr, Option<usize>)>,
    /// Every address a receipt named.
    known: BTreeSet<Address>,
    /// Committed layers: the root and every known account then.
    history: Vec<(Layer, State, BTreeMap<Address, Option<Account>>)>,
}

impl World {
    fn actor(&self, i: usize) -> Address {
        self.actors[i % self.actors.len()]
    }

    fn calldata(&self, c: &Calldata) -> Vec<u8> {
        match c {
            Calldata::Raw(b) => b.clone(),
            Calldata::U64(v) => v.to_le_bytes().to_vec(),
            Calldata::AddrU64(a, v) => [&self.actor(*a).0[..], &v.to_le_bytes()].concat(),
            Calldata::U64Addr(v, a) => [&v.to_le_bytes()[..], &self.actor(*a).0].concat(),
        }
    }
}

/// The deploy message of each example template.
static DEPLOYS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    ALL.iter()
        .map(|t| t.deploy_message().expect("an example template").encode())
        .collect()
});

fn total(accounts: &BTreeMap<Address, Option<Account>>) -> u128 {
    accounts
        .values()
        .flatten()
        .map(|a| u128::from(a.balance.0))
        .sum()
}

/// Checks the invariants of one transaction on the memory node.
fn check_transaction(
    before: &BTreeMap<Address, Option<Account>>,
    after: &BTreeMap<Address, Option<Account>>,
    principal: Address,
    fee: u64,
    receipt: &Receipt,
) {
    let gas = receipt.gas_used().0;
    let charged = u128::from(gas) * u128::from(fee);
    assert_eq!(
        total(before),
        total(after) + charged,
        "coins are conserved but for the fee: {receipt:?}"
    );
    let none = None;
    for (addr, now) in after {
        let then = before.get(addr).unwrap_or(&none);
        if gas == 0 {
            assert_eq!(
                now, then,
                "a refused transaction changes nothing: {receipt:?}"
            );
            continue;
        }
        if *addr == principal {
            let (then, now) = (
                then.as_ref().expect("a principal"),
                now.as_ref().expect("kept"),
            );
            assert_eq!(
                now.nonce.0,
                then.nonce.0 + 1,
                "the principal's nonce is bumped once"
            );
            if !receipt.is_success() {
                assert_eq!(
                    (now.template, now.storage, now.balance.0 as u128),
                    (
                        then.template,
                        then.storage,
                        then.balance.0 as u128 - charged
                    ),
                    "a failed transaction only charges its principal: {receipt:?}"
                );
            }
        } else if receipt.is_success() {
            let nonce = |a: &Option<Account>| a.as_ref().map_or(0, |a| a.nonce.0);
            assert_eq!(nonce(now), nonce(then), "only the principal's nonce moves");
        } else {
            assert_eq!(
                now, then,
                "a failed transaction leaves {addr} as it was: {receipt:?}"
            );
        }
    }
}

/// Addresses a receipt names, and the template or account it created.
fn named(receipt: &Receipt) -> (Vec<Address>, Option<TemplateAddr>, Option<Address>) {
    match receipt {
        Receipt::Deploy(r) => (vec![], r.result.as_ref().ok().copied(), None),
        Receipt::Spawn(r) => {
            let mut seen: Vec<Address> = r.touched_accounts.iter().copied().collect();
            seen.extend(r.calls.iter().map(|c| c.callee));
            (seen, None, r.result.as_ref().ok().map(|o| o.account))
        }
        Receipt::Call(r) => {
            let mut seen: Vec<Address> = r.touched_accounts.iter().copied().collect();
            seen.extend(r.calls.iter().map(|c| c.callee));
            (seen, None, None)
        }
    }
}

fn encode(r: &Receipt) -> Vec<u8> {
    match r {
        Receipt::Deploy(r) => r.encode(),
        Receipt::Spawn(r) => r.encode(),
        Receipt::Call(r) => r.encode(),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut mem = Node::new(MemoryStore::new());
    let mut rocks = Node::new(RocksStore::open(dir.path()).expect("RocksDB opens"));
    let mut world = World {
        actors: vec![ALICE, BOB],
        spawned: vec![],
        templates: vec![],
        known: BTreeSet::from([ALICE, BOB]),
        history: vec![],
    };
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let Ok(step) = step(&mut u, &world) else {
            break;
        };
        let (s, tx_type, msg) = match &step {
            Step::Commit => {
                let (layer, root) = mem.commit();
                assert_eq!(rocks.commit(), (layer, root), "both backends commit alike");
                let accounts = mem.snapshot(&world.known);
                world.history.push((layer, root, accounts));
                continue;
            }
            Step::Rewind(i) => {
                if world.history.is_empty() {
                    continue;
                }
                let at = i % world.history.len();
                let (layer, root, accounts) = world.history[at].clone();
                assert_eq!(mem.rewind(layer), root, "a rewind reports the layer's root");
                assert_eq!(rocks.rewind(layer), root, "both backends rewind alike");
                let keys = accounts.keys().copied().collect();
                assert_eq!(
                    mem.snapshot(&keys),
                    accounts,
                    "a rewind restores every account"
                );
                world.history.truncate(at + 1);
                continue;
            }
            Step::Verify(s) => {
                let principal = world.actor(s.principal);
                let msg = CallMessage {
                    target: principal,
                    function: "transfer".into(),
                    calldata: vec![],
                }
                .encode();
                let before = mem.snapshot(&world.known);
                let r = mem.verify(s, principal, &msg);
                assert_eq!(encode(&r), encode(&rocks.verify(s, principal, &msg)));
                assert_eq!(mem.snapshot(&world.known), before, "verify changes nothing");
                continue;
            }
            Step::Deploy(s, t) => (s, TxType::Deploy, DEPLOYS[*t].clone()),
            Step::DeployBytes(s, msg) => (s, TxType::Deploy, msg.clone()),
            Step::CallBytes(s, msg) => (s, TxType::Call, msg.clone()),
            Step::Spawn {
                from,
                template,
                ctor,
                calldata,
            } => {
                let (template, example) = match world.templates.len() {
                    0 => (TemplateAddr([7; 20]), None),
                    n => world.templates[*template % n],
                };
                let ctors = example.map_or(&[][..], |i| ALL[i].ctors);
                let ctor = match (ctor, ctors) {
                    (Some(i), _) => FUNCTIONS[i % FUNCTIONS.len()].as_str(),
                    (None, []) => "initialize",
                    (None, ctors) => ctors[calldata_len(calldata) % ctors.len()],
                };
                let msg = SpawnMessage {
                    template,
                    name: "fuzz".into(),
                    ctor: ctor.into(),
                    calldata: world.calldata(calldata),
                }
                .encode();
                (from, TxType::Spawn, msg)
            }
            Step::Call {
                from,
                target,
                function,
                calldata,
            } => {
                let (target, example) = match target % (world.spawned.len() + 3) {
                    i if i < world.spawned.len() => world.spawned[i],
                    i => (
                        [ALICE, BOB, Address([0xEE; 20])][i - world.spawned.len()],
                        None,
                    ),
                };
                let function = match (function, example) {
                    ((true, i), Some(e)) if !EXPORTS[e].is_empty() => {
                        &EXPORTS[e][i % EXPORTS[e].len()]
                    }
                    ((_, i), _) => &FUNCTIONS[i % FUNCTIONS.len()],
                };
                let msg = CallMessage {
                    target,
                    function: function.clone(),
                    calldata: world.calldata(calldata),
                }
                .encode();
                (from, TxType::Call, msg)
            }
        };
        let principal = world.actor(s.principal);
        let before = mem.snapshot(&world.known);
        let r = mem.send(tx_type, s, principal, &msg);
        let other = rocks.send(tx_type, s, principal, &msg);
        assert!(
            encode(&r) == encode(&other),
            "memory and RocksDB give different receipts:\n{r:?}\n{other:?}"
        );
        let (seen, template, account) = named(&r);
        world.known.extend(seen);
        world.known.extend(account);
        if let Some(t) = template {
            world
                .templates
                .push((t, DEPLOYS.iter().position(|d| *d == msg)));
        }
        if let Some(a) = account {
            world.actors.push(a);
            let template = SpawnMessage::decode(&msg)
                .expect("a spawn that ran")
                .template;
            let example = world
                .templates
                .iter()
                .find(|t| t.0 == template)
                .and_then(|t| t.1);
            world.spawned.push((a, example));
        }
        let after = mem.snapshot(&world.known);
        check_transaction(&before, &after, principal, s.fee, &r);
    }
    let (layer, root) = mem.commit();
    assert_eq!(rocks.commit(), (layer, root), "both backends commit alike");
});

fn calldata_len(c: &Calldata) -> usize {
    match c {
        Calldata::Raw(b) => b.len(),
        Calldata::U64(v) | Calldata::AddrU64(_, v) | Calldata::U64Addr(v, _) => *v as usize,
    }
}

/// Up to `max` bytes.
fn bytes(u: &mut Unstructured<'_>, max: usize) -> Result<Vec<u8>> {
    let len = u.int_in_range(0..=max)?;
    Ok(u.bytes(len)?.to_vec())
}
