//! The example templates in `templates/`, written with the SDK: their native unit tests pass
//! (`cargo test` in that workspace), they build to Wasm reproducibly, their metadata comes from
//! the `svm-meta` section, and the same scenarios on a real runtime give the native results.

use std::path::{Path, PathBuf};
use std::process::Command;

use ed25519_dalek::{Signer, SigningKey};
use svm_codec::{CallKind, CallStatus, Codec, SdkMeta, SpawnMessage, TxType};
use svm_kv::MemoryStore;
use svm_runtime::RuntimeConfig;
use svm_runtime::testing::{TestNode, u64_le};
use svm_types::Address;

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// Where the templates' builds go: beside this workspace's own target directory (cached
/// between runs), one directory per `name`.
fn target_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test binary>
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    target.join("svm-sdk-templates").join(name)
}

fn cargo() -> Command {
    cargo_with("")
}

/// [`cargo`] with `extra` appended to its RUSTFLAGS.
fn cargo_with(extra: &str) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // The outer build's settings are not the templates'. Paths are remapped so that the Wasm
    // does not depend on where the repository or the cargo registry sit (panic locations
    // name source files): the same source gives the same bytes on every machine.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo = repo.canonicalize().unwrap_or(repo);
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut flags = format!("--remap-path-prefix={}=/svm", repo.display());
    if let Some(home) = cargo_home {
        flags.push_str(&format!(" --remap-path-prefix={}=/cargo", home.display()));
    }
    c.current_dir(templates_dir())
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("RUSTFLAGS", format!("{flags} {extra}"));
    c
}

/// Builds every template for wasm32 into `target_dir(name)`; the `.wasm` of `template`.
fn build(name: &str, template: &str) -> Vec<u8> {
    let dir = target_dir(name);
    // RUSTFLAGS replaces the templates' `.cargo/config.toml` rustflags: the same stack size
    let out = cargo_with("-C link-arg=-zstack-size=65536")
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .arg("--target-dir")
        .arg(&dir)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building the templates failed (is the wasm32-unknown-unknown target installed? `make deps`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join(format!("wasm32-unknown-unknown/release/{template}.wasm"))).unwrap()
}

#[test]
fn the_templates_native_unit_tests_pass() {
    let out = cargo()
        .args(["test", "--locked", "--target-dir"])
        .arg(target_dir("native"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn builds_are_reproducible() {
    for template in ["counter", "wallet", "token", "escrow", "multisig", "misuse"] {
        let a = build("a", template);
        let b = build("b", template);
        assert!(a == b, "two builds of {template} differ");
    }
}

/// The SDK's own paths (calldata, argument decoding, storage, returns, aborts, the panic
/// handler) grow no `Vec`, index nothing and format nothing: a template that does not do so
/// itself links neither core's bounds-check and allocation-failure panics nor the integer
/// formatting they bring (~5 KiB), and stays a few KiB.
#[test]
fn templates_are_a_few_kib_and_link_no_panic_formatting() {
    let find = |wasm: &[u8], text: &[u8]| wasm.windows(text.len()).any(|w| w == text);
    for (template, budget) in [
        ("counter", 5 * 1024),
        ("wallet", 6 * 1024),
        ("escrow", 6 * 1024),
        ("multisig", 6 * 1024),
        ("token", 12 * 1024),
        ("exchange", 10 * 1024),
        ("proxy", 7 * 1024),
        ("thief", 7 * 1024),
    ] {
        let wasm = build("a", template);
        assert!(
            wasm.len() <= budget,
            "{template} is {} bytes (budget {budget})",
            wasm.len()
        );
        for text in [
            &b"index out of bounds"[..],
            b"memory allocation of",
            b"capacity overflow",
        ] {
            assert!(
                !find(&wasm, text),
                "{template} links core's panic message {:?}",
                String::from_utf8_lossy(text)
            );
        }
    }
}

#[test]
fn the_counter_runs_on_the_runtime_as_natively() {
    let wasm = build("a", "counter");
    let meta = SdkMeta::read(&wasm).unwrap().expect("an svm-meta section");
    assert_eq!(meta.vars, vec![8]);
    assert_eq!(meta.ctors, vec!["initialize".to_string()]);
    assert_eq!(
        meta.api,
        vec!["add(u64)->u64", "get()->u64", "initialize(u64)"]
    );
    let msg = meta.deploy_message(&wasm, Some("counter".into())).unwrap();
    assert!(
        SdkMeta::read(&msg.code.code).unwrap().is_none(),
        "the section is stripped"
    );

    let mut n = TestNode::new(MemoryStore::new(), RuntimeConfig::default());
    let d = n.deploy_bytes(svm_runtime::testing::ALICE, &msg.encode());
    let template = d.result.unwrap_or_else(|e| panic!("deploy: {e}"));
    let abi_u64 = |v: u64| [&[0x08][..], &v.to_be_bytes()].concat();
    let counter = n.spawn(template, "initialize", &abi_u64(5));

    // the native test's scenario: add(3) = 8 with a log, get() = 8
    let r = n.call(counter, "add", &abi_u64(3));
    eprintln!(
        "counter: {} bytes of Wasm, add: {} gas",
        msg.code.code.len(),
        r.gas_used.0
    );
    let add_receipt = svm_codec::Receipt::Call(r.clone()).encode();
    let out = r.result.unwrap_or_else(|e| panic!("add: {e}"));
    assert_eq!(out.returndata, abi_u64(8));
    assert_eq!(r.logs.len(), 1);
    assert_eq!(r.logs[0].topic, b"added");
    assert_eq!(r.logs[0].data, u64_le(8));
    let r = n.call(counter, "get", &[]);
    assert_eq!(r.result.unwrap().returndata, abi_u64(8));

    // an overflow aborts with the template's reason and keeps the state
    let r = n.call(counter, "add", &abi_u64(u64::MAX));
    let err = r.result.unwrap_err().to_string();
    assert!(err.contains("aborted: counter overflow"), "{err}");
    assert!(r.gas_used.0 > 0);
    // calldata of the wrong type, too much of it, or an unknown endpoint: clear failures
    let r = n.call(counter, "add", &[0x06, 0, 0, 0, 3]);
    let err = r.result.unwrap_err().to_string();
    assert!(
        err.contains("add: argument at byte 0 has type marker 0x06, expected 0x08"),
        "{err}"
    );
    let r = n.call(counter, "add", &[abi_u64(1), abi_u64(2)].concat());
    let err = r.result.unwrap_err().to_string();
    assert!(err.contains("after the last argument"), "{err}");
    let r = n.call(counter, "sub", &abi_u64(1));
    assert!(r.result.unwrap_err().to_string().contains("sub"));
    let r = n.call(counter, "get", &[]);
    assert_eq!(r.result.unwrap().returndata, abi_u64(8));
    // for the README's table: the same call of the hand-written WAT counter
    let wat = n.deploy(&svm_runtime::examples::COUNTER);
    let wat_counter = n.spawn(wat, "initialize", &u64_le(5));
    let r = n.call(wat_counter, "add", &u64_le(3));
    eprintln!("WAT counter: add: {} gas", r.gas_used.0);
    let _ = Address::zero();

    // the same `add` on a runtime that builds a new instance for every call: same receipt
    let mut config = RuntimeConfig::default();
    config.cache.warm_instances = 0;
    let mut cold = TestNode::new(MemoryStore::new(), config);
    let d = cold.deploy_bytes(svm_runtime::testing::ALICE, &msg.encode());
    let counter = cold.spawn(d.result.unwrap(), "initialize", &abi_u64(5));
    let r = cold.call(counter, "add", &abi_u64(3));
    assert_eq!(svm_codec::Receipt::Call(r).encode(), add_receipt);
}

/// The ABI encoding of one `bytes` value.
fn abi_bytes(b: &[u8]) -> Vec<u8> {
    [&[0x0e][..], &(b.len() as u32).to_be_bytes(), b].concat()
}

#[test]
fn the_wallet_spawns_itself_and_sends_signed_transfers() {
    let wasm = build("a", "wallet");
    let meta = SdkMeta::read(&wasm).unwrap().unwrap();
    assert_eq!(meta.vars, vec![32]);
    assert_eq!(
        meta.api,
        vec![
            "init(Vec<u8>)",
            "svm_verify()->bool",
            "transfer(Address,u64)"
        ]
    );
    let mut n = TestNode::new(MemoryStore::new(), RuntimeConfig::default());
    let deploy = meta
        .deploy_message(&wasm, Some("wallet".into()))
        .unwrap()
        .encode();
    let template = n
        .deploy_bytes(svm_runtime::testing::ALICE, &deploy)
        .result
        .unwrap();

    // a self-spawn: fund the address, then the wallet authorises its own spawn
    let owner = SigningKey::from_bytes(&[7; 32]);
    let chain = RuntimeConfig::default().chain_id;
    let spawn = SpawnMessage {
        template,
        name: "mine".into(),
        ctor: "init".into(),
        calldata: abi_bytes(&owner.verifying_key().to_bytes()),
    };
    let wallet = svm_codec::self_spawn_addr(&spawn);
    n.rt.increase_balance(&wallet, svm_types::Amount(100_000_000))
        .unwrap();
    let msg = spawn.encode();
    let sign = |env: &svm_codec::Envelope, msg: &[u8]| {
        owner
            .sign(svm_codec::signing_hash(&chain, env, msg).as_bytes())
            .to_bytes()
            .to_vec()
    };
    let env = n.envelope(TxType::Spawn, wallet, 0, 2_000_000);
    let ctx = n.context(&env, &[1; 64], &msg);
    let forged = n.rt.spawn(&env, &[1; 64], &msg, &ctx).unwrap();
    assert!(
        forged.result.is_err() && forged.gas_used.0 == 0,
        "a forged spawn is refused"
    );
    let sig = sign(&env, &msg);
    let ctx = n.context(&env, &sig, &msg);
    let r = n.rt.spawn(&env, &sig, &msg, &ctx).unwrap();
    assert_eq!(
        r.result.unwrap_or_else(|e| panic!("spawn: {e}")).account,
        wallet
    );

    // a signed transfer to BOB runs; the same unsigned is refused
    let bob = svm_runtime::testing::BOB;
    let before = n.balance(&bob);
    let call = svm_codec::CallMessage {
        target: wallet,
        function: "transfer".into(),
        calldata: [&[0x0d][..], &bob.0, &[0x08], &30u64.to_be_bytes()].concat(),
    }
    .encode();
    let env = n.envelope(TxType::Call, wallet, 0, 2_000_000);
    let ctx = n.context(&env, &[], &call);
    let refused = n.rt.call(&env, &[], &call, &ctx).unwrap();
    assert!(refused.result.is_err() && refused.gas_used.0 == 0);
    let sig = sign(&env, &call);
    let ctx = n.context(&env, &sig, &call);
    let r = n.rt.call(&env, &sig, &call, &ctx).unwrap();
    eprintln!(
        "wallet: {} bytes of Wasm, signed transfer: {} gas",
        wasm.len(),
        r.gas_used.0
    );
    r.result.unwrap_or_else(|e| panic!("transfer: {e}"));
    assert_eq!(n.balance(&bob), before + 30);
}

/// A template's deploy message from its build.
fn deploy_message(template: &str) -> Vec<u8> {
    let wasm = build("a", template);
    let meta = SdkMeta::read(&wasm).unwrap().expect("an svm-meta section");
    meta.deploy_message(&wasm, Some(template.into()))
        .unwrap()
        .encode()
}

fn abi_address(a: &Address) -> Vec<u8> {
    [&[0x0d][..], &a.0].concat()
}

fn abi_u64(v: u64) -> Vec<u8> {
    [&[0x08][..], &v.to_be_bytes()].concat()
}

/// The token, the escrow and the multisig on a runtime, each checked against what their
/// native tests show; every receipt's bytes and the final root, to compare across backends
/// and compilers.
fn token_escrow_multisig<K: svm_kv::KVStore + 'static>(
    mut n: TestNode<svm_storage::GlobalState<K>>,
    messages: &[(&str, Vec<u8>)],
) -> (Vec<Vec<u8>>, svm_types::State) {
    use svm_runtime::testing::{ALICE, BOB, GAS};
    let mut receipts = Vec::new();
    let mut deployed = std::collections::BTreeMap::new();
    for (name, msg) in messages {
        let r = n.deploy_bytes(ALICE, msg);
        receipts.push(svm_codec::Receipt::Deploy(r.clone()).encode());
        deployed.insert(
            *name,
            r.result.unwrap_or_else(|e| panic!("deploy {name}: {e}")),
        );
    }
    let receipts = std::cell::RefCell::new(receipts);
    let record_raw = |bytes: Vec<u8>| receipts.borrow_mut().push(bytes);
    let record = |r: svm_codec::CallReceipt| {
        record_raw(svm_codec::Receipt::Call(r.clone()).encode());
        r
    };

    // token: ALICE mints 1,000 and sends BOB 300; a transfer beyond her balance fails
    let token = n.spawn(deployed["token"], "mint", &abi_u64(1_000));
    let send = [abi_address(&BOB), abi_u64(300)].concat();
    let r = record(n.call_with(ALICE, token, "transfer", &send, 0, GAS));
    eprintln!("token transfer: {} gas", r.gas_used.0);
    r.result.unwrap();
    let r = record(n.call_with(ALICE, token, "balance_of", &abi_address(&BOB), 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_u64(300));
    let too_much = [abi_address(&BOB), abi_u64(701)].concat();
    let r = record(n.call_with(ALICE, token, "transfer", &too_much, 0, GAS));
    assert!(
        r.result
            .unwrap_err()
            .to_string()
            .contains("insufficient tokens")
    );
    // more holders than the old fixed layout's 8 slots: the balances are a map, under its own
    // root in the token's storage state (compared across backends and compilers below)
    for i in 0..24u8 {
        let send = [
            abi_address(&Address([0x10 + i; 20])),
            abi_u64(u64::from(i) + 1),
        ]
        .concat();
        record(n.call_with(ALICE, token, "transfer", &send, 0, GAS))
            .result
            .unwrap();
    }
    let r = record(n.call_with(ALICE, token, "balance_of", &abi_address(&ALICE), 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_u64(700 - 300));

    // exchange: sells the token from its stock at 10 coins each, buys it back; every token
    // move is the exchange calling the token
    let init = [abi_address(&token), abi_u64(10)].concat();
    let exchange = n.spawn(deployed["exchange"], "init", &init);
    let stock = [abi_address(&exchange), abi_u64(200)].concat();
    record(n.call_with(ALICE, token, "transfer", &stock, 0, GAS))
        .result
        .unwrap();
    let r = record(n.call_with(BOB, exchange, "buy", &[], 125, GAS));
    eprintln!("exchange buy (calls the token): {} gas", r.gas_used.0);
    assert_eq!(r.result.unwrap().returndata, abi_u64(12));
    assert_eq!(r.calls.len(), 1);
    assert_eq!(
        (r.calls[0].callee, r.calls[0].function.as_str()),
        (token, "transfer")
    );
    assert_eq!(r.calls[0].status, CallStatus::Ok);
    let approve = [abi_address(&exchange), abi_u64(5)].concat();
    record(n.call_with(BOB, token, "approve", &approve, 0, GAS))
        .result
        .unwrap();
    let bob_coins = n.balance(&BOB);
    let r = record(n.call_with(BOB, exchange, "sell", &abi_u64(5), 0, GAS));
    let gas = r.gas_used.0;
    assert_eq!(r.result.unwrap().returndata, abi_u64(50));
    assert_eq!(n.balance(&BOB), bob_coins - gas + 50);
    // without an allowance the token refuses, and the exchange pays nothing
    let r = record(n.call_with(BOB, exchange, "sell", &abi_u64(1), 0, GAS));
    assert!(r.result.unwrap_err().to_string().contains("approve"));
    assert_eq!(r.calls[0].status, CallStatus::Failed);
    // the trades' events, found by topic once their layer is committed
    n.next_layer();
    let buys = svm_runtime::EventFilter {
        account: Some(exchange),
        topic: Some(*b"svm/examples/exchange/buy\0\0\0\0\0\0\0"),
        from: svm_types::Layer(1),
        to: n.layer,
    };
    let found = n.rt.events(&buys, None, 10).unwrap().events;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].event.data, 12u64.to_le_bytes());
    assert_eq!(found[0].event.topics[1][..20], BOB.0);
    let r = record(n.call_with(ALICE, exchange, "stock", &[], 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_u64(200 - 12 + 5));
    assert_eq!(r.calls[0].kind, CallKind::Static);
    let r = record(n.call_with(ALICE, token, "balance_of", &abi_address(&BOB), 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_u64(300 + 12 - 5));

    // proxy: forwards to the token, which sees the proxy as its caller
    let proxy = n.spawn(deployed["proxy"], "init", &abi_address(&token));
    let fund = [abi_address(&proxy), abi_u64(50)].concat();
    record(n.call_with(ALICE, token, "transfer", &fund, 0, GAS))
        .result
        .unwrap();
    let forward = |function: &str, calldata: &[u8]| {
        [
            &[0x0f][..],
            &(function.len() as u32).to_be_bytes(),
            function.as_bytes(),
            &abi_bytes(calldata),
        ]
        .concat()
    };
    let pay = forward("transfer", &[abi_address(&BOB), abi_u64(20)].concat());
    let r = record(n.call_with(ALICE, proxy, "forward", &pay, 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_bytes(&[]));
    let ask = forward("balance_of", &abi_address(&proxy));
    let r = record(n.call_with(ALICE, proxy, "forward", &ask, 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_bytes(&abi_u64(30)));
    let r = record(n.call_with(ALICE, proxy, "forward", &forward("nope", &[]), 0, GAS));
    assert!(r.result.unwrap_err().to_string().contains("forward: "));

    // the reentrancy attack on the token's send hook: the thief's call back is refused, the
    // tokens move once
    let thief = n.spawn(deployed["thief"], "init", &[]);
    let partner = n.spawn(deployed["thief"], "init", &[]);
    let loot = [abi_address(&thief), abi_u64(100)].concat();
    record(n.call_with(ALICE, token, "transfer", &loot, 0, GAS))
        .result
        .unwrap();
    let attack = [abi_address(&token), abi_address(&partner), abi_u64(100)].concat();
    let r = record(n.call_with(ALICE, thief, "attack", &attack, 0, GAS));
    assert!(r.result.is_ok(), "{:?}", r.result);
    let refused: Vec<_> = r
        .calls
        .iter()
        .filter(|c| c.status == CallStatus::Reentrant)
        .map(|c| (c.depth, c.caller, c.callee))
        .collect();
    assert_eq!(
        refused,
        [(3, partner, thief)],
        "the call back into the thief"
    );
    let r = record(n.call_with(ALICE, partner, "last_status", &[], 0, GAS));
    assert_eq!(r.result.unwrap().returndata, abi_u64(8));
    for (who, tokens) in [(thief, 0), (partner, 100)] {
        let r = record(n.call_with(ALICE, token, "balance_of", &abi_address(&who), 0, GAS));
        assert_eq!(r.result.unwrap().returndata, abi_u64(tokens));
    }

    // escrow: ALICE (buyer) spawns it with 500 coins; only BOB (arbiter) settles, once
    let seller = Address([0x5e; 20]);
    let open = [abi_address(&seller), abi_address(&BOB)].concat();
    let r = n.spawn_with(ALICE, deployed["escrow"], "open", &open, 500, GAS);
    let spawned = svm_codec::Receipt::Spawn(r.clone()).encode();
    record_raw(spawned);
    let escrow = r.result.unwrap_or_else(|e| panic!("escrow: {e}")).account;
    let r = record(n.call_with(ALICE, escrow, "release", &[], 0, GAS));
    assert!(
        r.result
            .unwrap_err()
            .to_string()
            .contains("only the arbiter")
    );
    let r = record(n.call_with(BOB, escrow, "release", &[], 0, GAS));
    eprintln!("escrow release: {} gas", r.gas_used.0);
    assert_eq!(r.result.unwrap().returndata, abi_u64(500));
    assert_eq!(n.balance(&seller), 500);
    let r = record(n.call_with(BOB, escrow, "refund", &[], 0, GAS));
    assert!(
        r.result
            .unwrap_err()
            .to_string()
            .contains("settled already")
    );

    // multisig: two of three keys sign a transfer out of it; one signature is refused
    let keys: Vec<SigningKey> = (1..=3u8)
        .map(|i| SigningKey::from_bytes(&[i; 32]))
        .collect();
    let public: Vec<u8> = keys
        .iter()
        .flat_map(|k| k.verifying_key().to_bytes())
        .collect();
    let multisig = n.spawn(deployed["multisig"], "init", &abi_bytes(&public));
    n.rt.increase_balance(&multisig, svm_types::Amount(10_000_000))
        .unwrap();
    let chain = RuntimeConfig::default().chain_id;
    let call = svm_codec::CallMessage {
        target: multisig,
        function: "transfer".into(),
        calldata: [abi_address(&seller), abi_u64(7)].concat(),
    }
    .encode();
    let env = n.envelope(TxType::Call, multisig, 0, 3_000_000);
    let hash = svm_codec::signing_hash(&chain, &env, &call);
    let entry = |i: u8| {
        [
            vec![i],
            keys[usize::from(i)]
                .sign(hash.as_bytes())
                .to_bytes()
                .to_vec(),
        ]
        .concat()
    };
    for (verifydata, ok) in [(entry(0), false), ([entry(0), entry(2)].concat(), true)] {
        let ctx = n.context(&env, &verifydata, &call);
        let r = record(n.rt.call(&env, &verifydata, &call, &ctx).unwrap());
        if ok {
            eprintln!("multisig signed transfer: {} gas", r.gas_used.0);
        }
        assert_eq!(r.result.is_ok(), ok, "{:?}", r.result);
    }
    assert_eq!(n.balance(&seller), 507);
    (receipts.into_inner(), n.next_layer())
}

fn all_messages() -> Vec<(&'static str, Vec<u8>)> {
    ["token", "escrow", "multisig", "exchange", "proxy", "thief"]
        .into_iter()
        .map(|t| (t, deploy_message(t)))
        .collect()
}

#[test]
fn token_escrow_and_multisig_run_on_the_runtime_as_natively() {
    let config = RuntimeConfig::default();
    token_escrow_multisig(TestNode::new(MemoryStore::new(), config), &all_messages());
}

#[test]
fn sdk_templates_are_deterministic_across_backends_and_compilers() {
    let messages = all_messages();
    let memory = token_escrow_multisig(
        TestNode::new(MemoryStore::new(), RuntimeConfig::default()),
        &messages,
    );
    let dir = tempfile::tempdir().unwrap();
    let rocks = token_escrow_multisig(
        TestNode::new(
            svm_kv::RocksStore::open(dir.path().join("db")).unwrap(),
            RuntimeConfig::default(),
        ),
        &messages,
    );
    let cranelift = token_escrow_multisig(
        TestNode::new(
            MemoryStore::new(),
            RuntimeConfig {
                compiler: svm_gas::Compiler::Cranelift,
                ..RuntimeConfig::default()
            },
        ),
        &messages,
    );
    assert!(memory == rocks, "memory and RocksDB differ");
    assert!(memory == cranelift, "singlepass and Cranelift differ");
}

#[test]
fn a_template_that_misuses_the_sdk_gets_failed_receipts_with_reasons() {
    use svm_runtime::testing::ALICE;
    // the integration kit: a node, the built Wasm deployed, an account spawned
    let mut n = TestNode::new(MemoryStore::new(), RuntimeConfig::default());
    let template = n.deploy_sdk_wasm(ALICE, &build("a", "misuse"));
    let account = n.spawn(template, "init", &[]);
    let reason = |r: svm_codec::CallReceipt| {
        assert!(r.gas_used.0 > 0, "the gas is charged");
        r.result.unwrap_err().to_string()
    };
    assert_eq!(
        n.call(account, "panics", &abi_u64(1))
            .result
            .unwrap()
            .returndata,
        abi_u64(1)
    );
    let r = reason(n.call(account, "panics", &abi_u64(2)));
    assert!(r.contains("aborted: panic: n is too large"), "{r}");
    let r = reason(n.call(account, "aborts", &[]));
    assert!(r.contains("aborted: no, thank you"), "{r}");
    let r = reason(n.call_with(ALICE, account, "spins", &[], 0, 200_000));
    assert!(r.contains("out of gas"), "{r}");
    let r = reason(n.call(account, "panics", &[]));
    assert!(r.contains("panics: calldata ends at byte 0"), "{r}");
    let r = reason(n.call(account, "nope", &[]));
    assert!(r.contains("nope"), "{r}");
    // its verify writes storage: read-only there, so a transaction from it is not admitted
    n.rt.increase_balance(&account, svm_types::Amount(10_000_000))
        .unwrap();
    let v = n.verify(account, &[]);
    let r = v.result.unwrap_err().to_string();
    assert!(r.contains("read-only"), "{r}");
}
