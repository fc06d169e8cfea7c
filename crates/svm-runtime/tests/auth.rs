//! Authentication: a wallet that accepts only its owner's ed25519 signature of the signing
//! hash. Any change to what was signed is refused, a refusal admits nothing (no fee, no
//! nonce, no change), a replay is refused by the nonce, and bad signatures are refused
//! deterministically.

mod common;

use common::*;
use ed25519_dalek::{Signer, SigningKey};
use svm_codec::{
    CallMessage, CallReceipt, Codec, DeployReceipt, Envelope, RuntimeError as Failure,
    SpawnMessage, TxType, signing_hash,
};
use svm_kv::MemoryStore;
use svm_runtime::{
    RuntimeConfig,
    examples::{COUNTER, SIGNED_WALLET},
};
use svm_storage::WorldState;
use svm_types::{Address, Amount, ChainId, Gas, GasFee, Layer, Nonce, TemplateAddr};

const CHAIN: ChainId = ChainId([5; 32]);

struct Fixture {
    n: Node<MemoryStore>,
    key: SigningKey,
    wallet: Address,
    counter: Address,
    counter_template: TemplateAddr,
    wallet_template: TemplateAddr,
}

fn config() -> RuntimeConfig {
    RuntimeConfig {
        chain_id: CHAIN,
        ..RuntimeConfig::default()
    }
}

fn fixture() -> Fixture {
    let mut n = Node::new(MemoryStore::new(), config());
    let key = SigningKey::from_bytes(&[21; 32]);
    let wallet_template = n.deploy(&SIGNED_WALLET);
    let wallet = n.spawn(wallet_template, "init", &key.verifying_key().to_bytes());
    n.rt.increase_balance(&wallet, Amount(1_000_000_000))
        .unwrap();
    let counter_template = n.deploy(&COUNTER);
    let counter = n.spawn(counter_template, "initialize", &u64_le(0));
    Fixture {
        n,
        key,
        wallet,
        counter,
        counter_template,
        wallet_template,
    }
}

fn sign(key: &SigningKey, chain: &ChainId, env: &Envelope, msg: &[u8]) -> Vec<u8> {
    key.sign(signing_hash(chain, env, msg).as_bytes())
        .to_bytes()
        .to_vec()
}

fn add(target: Address, by: u64) -> CallMessage {
    CallMessage {
        target,
        function: "add".into(),
        calldata: u64_le(by),
    }
}

fn env_of(f: &mut Fixture, tx_type: TxType) -> Envelope {
    Envelope {
        tx_type,
        principal: f.wallet,
        amount: Amount(0),
        nonce: f.n.nonce(&f.wallet),
        gas_limit: Gas(2_000_000),
        gas_fee: GasFee(1),
    }
}

fn call(f: &mut Fixture, env: &Envelope, verifydata: &[u8], msg: &[u8]) -> CallReceipt {
    let ctx = f.n.context(env, verifydata, msg);
    f.n.rt.call(env, verifydata, msg, &ctx).unwrap()
}

/// What a refused transaction must leave: the wallet's balance and nonce, the pending root.
fn snapshot(f: &mut Fixture) -> (u64, Nonce, svm_types::State) {
    let a = f.n.rt.get_account(&f.wallet).unwrap().unwrap();
    (a.balance.0, a.nonce, f.n.rt.state().pending_root().unwrap())
}

#[test]
fn a_signed_call_runs_and_pays_for_its_verify() {
    let mut f = fixture();
    let env = env_of(&mut f, TxType::Call);
    let msg = add(f.counter, 3).encode();
    let sig = sign(&f.key, &CHAIN, &env, &msg);
    let before = f.n.balance(&f.wallet);
    let r = call(&mut f, &env, &sig, &msg);
    assert_eq!(r.result.unwrap().returndata, u64_le(3));
    // the verify step (an ed25519 check) is part of the gas
    assert!(r.gas_used.0 > 80_000, "{}", r.gas_used.0);
    assert_eq!(f.n.balance(&f.wallet), before - r.gas_used.0);
    assert_eq!(f.n.nonce(&f.wallet), Nonce(1));
}

#[test]
fn any_change_to_what_was_signed_is_refused_and_admits_nothing() {
    let mut f = fixture();
    let env = env_of(&mut f, TxType::Call);
    let msg = add(f.counter, 3);
    let sig = sign(&f.key, &CHAIN, &env, &msg.encode());
    let before = snapshot(&mut f);
    let other = Address([0x77; 20]);
    let envs: Vec<(&str, Envelope)> = vec![
        (
            "fee",
            Envelope {
                gas_fee: GasFee(2),
                ..env
            },
        ),
        (
            "gas limit",
            Envelope {
                gas_limit: Gas(2_000_001),
                ..env
            },
        ),
        (
            "amount",
            Envelope {
                amount: Amount(1),
                ..env
            },
        ),
    ];
    let msgs: Vec<(&str, CallMessage)> = vec![
        (
            "target",
            CallMessage {
                target: other,
                ..msg.clone()
            },
        ),
        (
            "function",
            CallMessage {
                function: "get".into(),
                ..msg.clone()
            },
        ),
        ("calldata", add(f.counter, 4)),
    ];
    let mut cases: Vec<(&str, Envelope, Vec<u8>)> = envs
        .into_iter()
        .map(|(what, e)| (what, e, msg.encode()))
        .collect();
    cases.extend(msgs.into_iter().map(|(what, m)| (what, env, m.encode())));
    for (what, e, m) in cases {
        let r = call(&mut f, &e, &sig, &m);
        assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed, "{what}");
        assert_eq!(r.gas_used, Gas(0), "{what}: a refusal is not charged");
        assert_eq!(snapshot(&mut f), before, "{what}: nothing changed");
        // the mempool check says the same
        let ctx = f.n.context(&e, &sig, &m);
        let v = f.n.rt.verify(&e, &sig, &m, &ctx).unwrap();
        assert_eq!(v.result.unwrap_err(), Failure::VerifyFailed, "{what}");
    }
    // the nonce: refused by admission, before any verify
    let e = Envelope {
        nonce: Nonce(1),
        ..env
    };
    let r = call(&mut f, &e, &sig, &msg.encode());
    assert!(matches!(r.result, Err(Failure::NonceMismatch { .. })));
    assert_eq!(snapshot(&mut f), before);
    // another chain: the same bytes signed for chain 5 fail on chain 6
    let mut other_chain = Node::new(
        MemoryStore::new(),
        RuntimeConfig {
            chain_id: ChainId([6; 32]),
            ..RuntimeConfig::default()
        },
    );
    let t = other_chain.deploy(&SIGNED_WALLET);
    let w = other_chain.spawn(t, "init", &f.key.verifying_key().to_bytes());
    other_chain
        .rt
        .increase_balance(&w, Amount(1_000_000_000))
        .unwrap();
    let e = Envelope {
        principal: w,
        nonce: Nonce(0),
        ..env
    };
    let m = add(w, 1).encode();
    let sig5 = sign(&f.key, &CHAIN, &e, &m);
    let ctx = other_chain.context(&e, &sig5, &m);
    let r = other_chain.rt.call(&e, &sig5, &m, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
    let sig6 = sign(&f.key, &ChainId([6; 32]), &e, &m);
    let ctx = other_chain.context(&e, &sig6, &m);
    let r = other_chain.rt.verify(&e, &sig6, &m, &ctx).unwrap();
    assert!(r.result.is_ok(), "{:?}", r.result);
}

#[test]
fn a_replay_on_a_later_layer_is_refused_by_the_nonce() {
    let mut f = fixture();
    let env = env_of(&mut f, TxType::Call);
    let msg = add(f.counter, 1).encode();
    let sig = sign(&f.key, &CHAIN, &env, &msg);
    assert!(call(&mut f, &env, &sig, &msg).result.is_ok());
    f.n.next_layer();
    let before = snapshot(&mut f);
    let r = call(&mut f, &env, &sig, &msg);
    assert!(
        matches!(
            r.result,
            Err(Failure::NonceMismatch {
                expected: Nonce(1),
                found: Nonce(0)
            })
        ),
        "{:?}",
        r.result
    );
    assert_eq!(r.gas_used, Gas(0));
    assert_eq!(snapshot(&mut f), before);
    assert!(f.n.rt.state().last_layer() >= Layer(1));
}

#[test]
fn bad_signatures_are_refused_deterministically() {
    let mut f = fixture();
    let env = env_of(&mut f, TxType::Call);
    let msg = add(f.counter, 1).encode();
    let good = sign(&f.key, &CHAIN, &env, &msg);
    let wrong_key = sign(&SigningKey::from_bytes(&[22; 32]), &CHAIN, &env, &msg);
    // S + l: the same signature with a non-canonical scalar
    let l: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut malleated = good.clone();
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(malleated[32 + i]) + u16::from(l[i]) + carry;
        malleated[32 + i] = v as u8;
        carry = v >> 8;
    }
    let before = snapshot(&mut f);
    for (what, sig) in [
        ("wrong key", wrong_key),
        ("truncated", good[..63].to_vec()),
        ("extended", [good.as_slice(), &[0]].concat()),
        ("S + l", malleated),
        ("empty", vec![]),
    ] {
        for _ in 0..2 {
            let r = call(&mut f, &env, &sig, &msg);
            assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed, "{what}");
            assert_eq!(snapshot(&mut f), before, "{what}");
        }
    }
    // a wallet spawned with a small-order key (the identity) cannot be unlocked by the
    // signature (R = identity, S = 0) that permissive rules accept for every message
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak = f.n.spawn(f.wallet_template, "init", &identity);
    f.n.rt
        .increase_balance(&weak, Amount(1_000_000_000))
        .unwrap();
    let e = Envelope {
        principal: weak,
        nonce: Nonce(0),
        ..env
    };
    let forged = [identity.as_slice(), &[0u8; 32]].concat();
    let ctx = f.n.context(&e, &forged, &msg);
    let r = f.n.rt.call(&e, &forged, &msg, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
    assert_eq!(f.n.balance(&weak), 1_000_000_000);
}

#[test]
fn deploys_and_spawns_are_authorised_by_the_principal_too() {
    let mut f = fixture();
    // a deploy by the wallet: unsigned is refused (nothing charged), signed runs
    let msg = COUNTER.deploy_message().unwrap();
    let mut msg = msg;
    msg.ctors.push("add".into()); // another template than the one deployed already
    let msg = msg.encode();
    let env = Envelope {
        gas_limit: Gas(50_000_000),
        ..env_of(&mut f, TxType::Deploy)
    };
    let before = snapshot(&mut f);
    let deploy = |f: &mut Fixture, sig: &[u8]| -> DeployReceipt {
        let ctx = f.n.context(&env, sig, &msg);
        f.n.rt.deploy(&env, sig, &msg, &ctx).unwrap()
    };
    let r = deploy(&mut f, &[]);
    assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
    assert_eq!((r.gas_used, snapshot(&mut f)), (Gas(0), before));
    let sig = sign(&f.key, &CHAIN, &env, &msg);
    let r = deploy(&mut f, &sig);
    assert!(r.result.is_ok(), "{:?}", r.result);
    // a spawn by the wallet, the same way
    let spawn = SpawnMessage {
        template: f.counter_template,
        name: "by the wallet".into(),
        ctor: "initialize".into(),
        calldata: u64_le(9),
    }
    .encode();
    let env = env_of(&mut f, TxType::Spawn);
    let ctx = f.n.context(&env, &[0; 64], &spawn);
    let r = f.n.rt.spawn(&env, &[0; 64], &spawn, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
    assert_eq!(r.gas_used, Gas(0));
    let sig = sign(&f.key, &CHAIN, &env, &spawn);
    // the signature of this spawn does not authorise a spawn of another template
    let other_template = SpawnMessage {
        template: f.wallet_template,
        name: "by the wallet".into(),
        ctor: "init".into(),
        calldata: vec![7; 32],
    }
    .encode();
    let ctx = f.n.context(&env, &sig, &other_template);
    let r = f.n.rt.spawn(&env, &sig, &other_template, &ctx).unwrap();
    assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
    assert_eq!(r.gas_used, Gas(0));
    let ctx = f.n.context(&env, &sig, &spawn);
    let r = f.n.rt.spawn(&env, &sig, &spawn, &ctx).unwrap();
    let account = r.result.unwrap().account;
    assert_eq!(
        f.n.call(account, "get", &[]).result.unwrap().returndata,
        u64_le(9)
    );
}

#[test]
fn a_multisig_needs_two_distinct_signers() {
    use svm_runtime::examples::MULTISIG;
    let mut f = fixture();
    let keys: Vec<SigningKey> = (1..=3).map(|i| SigningKey::from_bytes(&[i; 32])).collect();
    let pks: Vec<u8> = keys
        .iter()
        .flat_map(|k| k.verifying_key().to_bytes())
        .collect();
    let t = f.n.deploy(&MULTISIG);
    let wallet = f.n.spawn(t, "init", &pks);
    f.n.rt
        .increase_balance(&wallet, Amount(1_000_000_000))
        .unwrap();
    let msg = add(f.counter, 1).encode();
    let env = Envelope {
        principal: wallet,
        nonce: Nonce(0),
        ..env_of(&mut f, TxType::Call)
    };
    let entry =
        |i: u8| -> Vec<u8> { [vec![i], sign(&keys[i as usize], &CHAIN, &env, &msg)].concat() };
    let before = f.n.balance(&wallet);
    for (what, verifydata) in [
        ("one signer", entry(1)),
        ("the same signer twice", [entry(1), entry(1)].concat()),
        ("descending indices", [entry(2), entry(0)].concat()),
        (
            "no such key",
            [entry(0), vec![3], entry(1)[1..].to_vec()].concat(),
        ),
        (
            "a bad second signature",
            [entry(0), vec![1], entry(2)[1..].to_vec()].concat(),
        ),
        ("a ragged entry", [entry(0), entry(2), vec![0]].concat()),
    ] {
        let r = call(&mut f, &env, &verifydata, &msg);
        assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed, "{what}");
        assert_eq!(f.n.balance(&wallet), before, "{what}: nothing charged");
    }
    let two = [entry(0), entry(2)].concat();
    assert!(call(&mut f, &env, &two, &msg).result.is_ok());
    let env = Envelope {
        nonce: Nonce(1),
        ..env
    };
    let all = [0, 1, 2]
        .map(|i| [vec![i], sign(&keys[i as usize], &CHAIN, &env, &msg)].concat())
        .concat();
    assert!(call(&mut f, &env, &all, &msg).result.is_ok());
}

#[test]
fn a_wallet_pays_for_and_authorises_its_own_spawn() {
    let mut f = fixture();
    let owner = SigningKey::from_bytes(&[31; 32]);
    let spawn = SpawnMessage {
        template: f.wallet_template,
        name: "my wallet".into(),
        ctor: "init".into(),
        calldata: owner.verifying_key().to_bytes().to_vec(),
    };
    let addr = svm_codec::self_spawn_addr(&spawn);
    // someone else's key gives another address: nobody can spawn a wallet of theirs here
    let theirs = SpawnMessage {
        calldata: SigningKey::from_bytes(&[32; 32])
            .verifying_key()
            .to_bytes()
            .to_vec(),
        ..spawn.clone()
    };
    assert_ne!(svm_codec::self_spawn_addr(&theirs), addr);
    // coins sent to the address first: a template-less account
    f.n.rt.increase_balance(&addr, Amount(100_000_000)).unwrap();
    let msg = spawn.encode();
    let env = Envelope {
        tx_type: TxType::Spawn,
        principal: addr,
        amount: Amount(0),
        nonce: Nonce(0),
        gas_limit: Gas(2_000_000),
        gas_fee: GasFee(1),
    };
    let root = f.n.rt.state().pending_root().unwrap();
    let spawn_by = |f: &mut Fixture, sig: &[u8]| {
        let ctx = f.n.context(&env, sig, &msg);
        f.n.rt.spawn(&env, sig, &msg, &ctx).unwrap()
    };
    // unsigned, or signed by another key: refused, nothing charged, nothing adopted
    let stranger = sign(&SigningKey::from_bytes(&[32; 32]), &CHAIN, &env, &msg);
    for sig in [vec![], stranger] {
        let r = spawn_by(&mut f, &sig);
        assert_eq!(r.result.unwrap_err(), Failure::VerifyFailed);
        assert_eq!(r.gas_used, Gas(0));
        assert_eq!(f.n.rt.state().pending_root().unwrap(), root);
        let a = f.n.rt.get_account(&addr).unwrap().unwrap();
        assert_eq!(
            (a.template, a.nonce, a.balance),
            (None, Nonce(0), Amount(100_000_000))
        );
    }
    // a mempool's verify of the self-spawn: refused unsigned, accepted signed, nothing changed
    let sig = sign(&owner, &CHAIN, &env, &msg);
    for (vd, accepted) in [(vec![], false), (sig.clone(), true)] {
        let ctx = f.n.context(&env, &vd, &msg);
        let v = f.n.rt.verify(&env, &vd, &msg, &ctx).unwrap();
        assert_eq!(v.result.is_ok(), accepted, "{v:?}");
        assert_eq!(f.n.rt.state().pending_root().unwrap(), root);
        let a = f.n.rt.get_account(&addr).unwrap().unwrap();
        assert_eq!((a.template, a.nonce), (None, Nonce(0)));
        if accepted {
            assert!(
                v.gas_used.0 > 80_000,
                "the ctor and verify runs: {}",
                v.gas_used.0
            );
        }
    }
    // signed by the owner: the account adopts the template and pays for its own spawn
    let r = spawn_by(&mut f, &sig);
    let out = r.result.unwrap();
    assert_eq!(out.account, addr);
    let a = f.n.rt.get_account(&addr).unwrap().unwrap();
    assert_eq!(a.template, Some(f.wallet_template));
    assert_eq!(a.nonce, Nonce(1));
    assert_eq!(a.balance.0, 100_000_000 - r.gas_used.0);
    assert!(
        r.gas_used.0 > 80_000,
        "the verify step is paid: {}",
        r.gas_used.0
    );
    // the same self-spawn again is refused (the account has a template now)
    assert!(spawn_by(&mut f, &sig).result.is_err());
    // an account that has already sent transactions (this development node lets keyless
    // accounts send) is not fresh: it is not adopted
    let used = SpawnMessage {
        name: "used".into(),
        ..spawn.clone()
    };
    let used_addr = svm_codec::self_spawn_addr(&used);
    f.n.rt
        .increase_balance(&used_addr, Amount(100_000_000))
        .unwrap();
    assert!(
        f.n.call_with(used_addr, f.counter, "add", &u64_le(1), 0, GAS)
            .result
            .is_ok()
    );
    let used_msg = used.encode();
    let used_env = Envelope {
        principal: used_addr,
        nonce: Nonce(1),
        ..env
    };
    let sig_used = sign(&owner, &CHAIN, &used_env, &used_msg);
    let ctx = f.n.context(&used_env, &sig_used, &used_msg);
    let r = f.n.rt.spawn(&used_env, &sig_used, &used_msg, &ctx).unwrap();
    assert_eq!(
        r.result.unwrap_err(),
        Failure::AccountAlreadyExists(used_addr)
    );
    assert_eq!(r.gas_used, Gas(0));
    // and the new wallet's signed calls run
    let call_env = Envelope {
        tx_type: TxType::Call,
        nonce: Nonce(1),
        ..env
    };
    let m = add(f.counter, 2).encode();
    let sig = sign(&owner, &CHAIN, &call_env, &m);
    assert!(call(&mut f, &call_env, &sig, &m).result.is_ok());
}

/// On a chain (the default configuration) an account without a template cannot be a
/// principal: nobody holds a key for it, so nothing could tell its owner from anyone else.
/// It can only self-spawn a wallet (from a template the node installed at genesis), which
/// then authenticates everything it sends.
#[test]
fn by_default_keyless_accounts_cannot_send_but_can_self_spawn() {
    use svm_runtime::Runtime;
    let mut rt = Runtime::new(MemoryStore::new(), config()).unwrap();
    assert!(!rt.config().tx_limits.keyless_principals);
    rt.open(Layer(1)).unwrap();
    let signed_wallet = SIGNED_WALLET.deploy_message().unwrap().encode();
    let template = rt.install_template(&signed_wallet).unwrap();
    assert_eq!(
        rt.install_template(&signed_wallet).unwrap(),
        template,
        "idempotent"
    );
    let counter = rt
        .install_template(&COUNTER.deploy_message().unwrap().encode())
        .unwrap();
    let keyless = Address([0x4b; 20]);
    rt.increase_balance(&keyless, Amount(1_000_000_000))
        .unwrap();
    let root = rt.state().pending_root().unwrap();
    let ctx = |env: &Envelope, verifydata: &[u8], msg: &[u8]| svm_codec::Context {
        layer: Layer(1),
        tx_id: svm_codec::tx_id(env, verifydata, msg),
    };
    // a keyless principal: every transaction type refused, nothing charged or moved
    let spawn_counter = SpawnMessage {
        template: counter,
        name: String::new(),
        ctor: "initialize".into(),
        calldata: u64_le(0),
    }
    .encode();
    for (tx_type, msg) in [
        (TxType::Spawn, spawn_counter.clone()),
        (TxType::Call, add(Address([1; 20]), 1).encode()),
    ] {
        let env = Envelope {
            tx_type,
            principal: keyless,
            amount: Amount(5),
            nonce: Nonce(0),
            gas_limit: Gas(5_000_000),
            gas_fee: GasFee(1),
        };
        let c = ctx(&env, &[], &msg);
        let (result, gas) = match tx_type {
            TxType::Spawn => {
                let r = rt.spawn(&env, &[], &msg, &c).unwrap();
                (r.result.map(|_| ()), r.gas_used)
            }
            _ => {
                let r = rt.call(&env, &[], &msg, &c).unwrap();
                (r.result.map(|_| ()), r.gas_used)
            }
        };
        assert_eq!(result.unwrap_err(), Failure::NoTemplate(keyless));
        assert_eq!(gas, Gas(0));
    }
    assert_eq!(rt.state().pending_root().unwrap(), root, "nothing moved");
    // a key's owner self-spawns a wallet at the address it funded; its signed spawns run
    let owner = SigningKey::from_bytes(&[41; 32]);
    let spawn = SpawnMessage {
        template,
        name: "w".into(),
        ctor: "init".into(),
        calldata: owner.verifying_key().to_bytes().to_vec(),
    };
    let addr = svm_codec::self_spawn_addr(&spawn);
    rt.increase_balance(&addr, Amount(100_000_000)).unwrap();
    let msg = spawn.encode();
    let env = Envelope {
        tx_type: TxType::Spawn,
        principal: addr,
        amount: Amount(0),
        nonce: Nonce(0),
        gas_limit: Gas(2_000_000),
        gas_fee: GasFee(1),
    };
    let sig = sign(&owner, &CHAIN, &env, &msg);
    let r = rt.spawn(&env, &sig, &msg, &ctx(&env, &sig, &msg)).unwrap();
    assert_eq!(r.result.unwrap().account, addr);
    let env = Envelope {
        nonce: Nonce(1),
        ..env
    };
    let sig = sign(&owner, &CHAIN, &env, &spawn_counter);
    let r = rt
        .spawn(&env, &sig, &spawn_counter, &ctx(&env, &sig, &spawn_counter))
        .unwrap();
    assert!(r.result.is_ok(), "{:?}", r.result);
}
