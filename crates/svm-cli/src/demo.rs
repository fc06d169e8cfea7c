//! `svm demo`: the example templates, a few hundred wallets and thousands of transfers over
//! several layers on the default store, then a rewind and replay of the last layer.
//!
//! Every run continues from the stored state: templates already deployed are kept, the
//! faucet keeps its nonce, and each run spawns its own wallets (their addresses derive from
//! the faucet's nonce, so they never collide with earlier runs').
//!
//! The wallets are `signed_wallet`s: each holds an ed25519 key, and every transfer carries
//! the owner's signature of its signing hash (chain id, envelope, message), which the
//! wallet's `svm_verify` checks. The keys derive from the faucet's nonce and the wallet's
//! index: a demo, not a key store.

use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use sha3::{Digest, Sha3_256};
use svm_codec::{
    CallMessage, Envelope, Message, Receipt, RuntimeError, SpawnMessage, Transaction, TxType,
};
use svm_runtime::examples;
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, State, TemplateAddr};

use crate::error::{CliError, Result};
use crate::node::{Entry, Node, StoreArgs, interactive};
use crate::output::{outln, print_json};

/// The demo's funding account.
pub(crate) const FAUCET: Address = Address([0xFA; 20]);
/// Coins each wallet is spawned with.
const WALLET_FUNDS: u64 = 1_000_000_000;
/// Gas limit of transfers (a signed transfer uses about 250,000: two template loads, the
/// verify step with its ed25519 check, the transfer and its recipient's record).
const TRANSFER_GAS: u64 = 400_000;
/// Every this many transfers (the 14th, 111th, ...), one overdraws its wallet on purpose (a
/// failed receipt).
const OVERDRAW_EVERY: u32 = 97;

/// The demo's key of wallet `index` spawned after faucet nonce `nonce`: deterministic, so a
/// continued demo is reproducible (never a way to make real keys).
fn demo_key(nonce: Nonce, index: u32) -> SigningKey {
    let seed: [u8; 32] = Sha3_256::new()
        .chain_update(b"svm demo wallet key")
        .chain_update(nonce.0.to_be_bytes())
        .chain_update(index.to_be_bytes())
        .finalize()
        .into();
    SigningKey::from_bytes(&seed)
}

/// splitmix64: a small deterministic generator (the demo needs no cryptographic randomness).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    gas: u64,
}

impl Tally {
    fn add(&mut self, r: &Receipt) {
        if r.is_success() {
            self.ok += 1;
        } else {
            self.failed += 1;
        }
        self.gas += r.gas_used().0;
    }
}

fn run_tx(node: &mut Node, tx: Transaction, tally: &mut Tally) -> Result<Receipt> {
    let r = node
        .apply(&Entry::Tx(Box::new(tx)))?
        .ok_or_else(|| CliError::Check("a transaction without a receipt".into()))?;
    tally.add(&r);
    Ok(r)
}

fn envelope(tx_type: TxType, principal: Address, nonce: Nonce, amount: u64, gas: u64) -> Envelope {
    Envelope {
        tx_type,
        principal,
        amount: Amount(amount),
        nonce,
        gas_limit: Gas(gas),
        gas_fee: GasFee(1),
    }
}

fn nonce_of(node: &mut Node, a: &Address) -> Result<Nonce> {
    Ok(node.account(a)?.map_or(Nonce(0), |acc| acc.nonce))
}

/// Whether a failed receipt was refused at admission (nonce not consumed).
fn refused(r: &Receipt) -> bool {
    matches!(
        r.error(),
        Some(
            RuntimeError::NonceMismatch { .. }
                | RuntimeError::InsufficientFunds
                | RuntimeError::PrincipalNotFound(_)
                | RuntimeError::GasFeeTooLow { .. }
                | RuntimeError::GasLimitTooHigh { .. }
                | RuntimeError::GasLimitTooLow { .. }
                | RuntimeError::AccountGasCap { .. }
                | RuntimeError::NonceExhausted
        )
    ) && r.gas_used().0 == 0
}

/// Clears a progress bar when dropped (drawing errors are ignored by indicatif: a progress
/// bar never fails or panics the demo).
struct ClearOnDrop(ProgressBar);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// What the demo runs: wallets, layers of transfers, and the threads each layer runs on.
pub(crate) struct Shape {
    pub(crate) wallets: u32,
    pub(crate) layers: u32,
    pub(crate) transfers: u32,
    pub(crate) threads: usize,
}

/// Runs the demo.
pub(crate) fn run(args: &StoreArgs, shape: Shape, json: bool) -> Result<()> {
    let Shape {
        wallets,
        layers,
        transfers,
        threads,
    } = shape;
    if wallets < 2 {
        return Err(CliError::usage("--wallets must be at least 2"));
    }
    if layers < 1 {
        return Err(CliError::usage("--layers must be at least 1"));
    }
    let started = Instant::now();
    let mut node = Node::open(args, true)?;
    if let Some((l, _)) = node.pending() {
        return Err(CliError::usage(format!(
            "layer {l} is open (svm open): commit or rewind it before the demo"
        )));
    }
    let first_layer = node.last_layer()?;
    let continued = first_layer.0 > 0;
    let total =
        u64::from(wallets) + u64::from(layers) * u64::from(transfers) + u64::from(transfers);
    let bar = if json || !interactive() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:<28} [{bar:40}] {pos}/{len} tx ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    };
    // An error ends the demo early: take the bar off the terminal before the message.
    let _clear = ClearOnDrop(bar.clone());
    let mut tally = Tally::default();
    let mut committed: Vec<(Layer, State)> = Vec::new();

    // ----- setup layer: faucet, templates, wallets ---------------------------------------
    bar.set_message("deploy templates, spawn wallets");
    let mut deployed = Vec::new();
    let mut existing = Vec::new();
    let mut wallet_template = None;
    let mut to_deploy = Vec::new();
    for t in examples::ALL {
        let msg = t
            .deploy_message()
            .map_err(|e| CliError::Check(format!("example {}: {e}", t.name)))?;
        let addr: TemplateAddr = svm_codec::template_addr(&msg);
        if t.name == examples::SIGNED_WALLET.name {
            wallet_template = Some(addr);
        }
        if node.template_exists(&addr)? {
            existing.push((t.name, addr));
        } else {
            to_deploy.push((t.name, addr, msg));
        }
    }
    let wallet_template =
        wallet_template.ok_or_else(|| CliError::Check("no wallet example".into()))?;
    node.begin()?;
    node.apply(&Entry::Fund(
        FAUCET,
        Amount(u64::from(wallets) * WALLET_FUNDS + 10_000_000_000),
    ))?;
    let mut faucet_nonce = nonce_of(&mut node, &FAUCET)?;
    for (name, addr, msg) in to_deploy {
        let env = envelope(TxType::Deploy, FAUCET, faucet_nonce, 0, 100_000_000);
        let r = run_tx(
            &mut node,
            Transaction::new(env, Message::Deploy(msg)),
            &mut tally,
        )?;
        if let Some(e) = r.error() {
            return Err(CliError::Check(format!("deploying {name}: {e}")));
        }
        faucet_nonce.0 += 1;
        deployed.push((name, addr));
    }
    let mut accounts = Vec::with_capacity(wallets as usize);
    let mut keys = Vec::with_capacity(wallets as usize);
    for i in 0..wallets {
        let key = demo_key(faucet_nonce, i);
        let msg = SpawnMessage {
            template: wallet_template,
            name: format!("wallet {i}"),
            ctor: "init".into(),
            calldata: key.verifying_key().to_bytes().to_vec(),
        };
        let env = envelope(TxType::Spawn, FAUCET, faucet_nonce, WALLET_FUNDS, 1_000_000);
        let r = run_tx(
            &mut node,
            Transaction::new(env, Message::Spawn(msg)),
            &mut tally,
        )?;
        let Receipt::Spawn(s) = &r else {
            return Err(CliError::Check("spawn gave another receipt".into()));
        };
        let out = s
            .result
            .as_ref()
            .map_err(|e| CliError::Check(format!("spawning wallet {i}: {e}")))?;
        faucet_nonce.0 += 1;
        accounts.push(out.account);
        keys.push(key);
        bar.inc(1);
    }
    committed.push(node.commit_open()?);

    // The verify step of a wallet: its owner's signature passes, another key's does not;
    // and what one signed verify step costs this node (the mempool's check).
    let chain = node.rt.config().chain_id;
    let probe = |key: &SigningKey, who: Address| {
        let msg = CallMessage {
            target: who,
            function: "transfer".into(),
            calldata: vec![],
        };
        let env = envelope(TxType::Call, who, Nonce(0), 0, TRANSFER_GAS);
        let tx = Transaction::new(env, Message::Call(msg));
        let sig = key.sign(tx.signing_hash(&chain).as_bytes());
        tx.with_verifydata(sig.to_bytes().to_vec())
    };
    let signed = probe(&keys[0], accounts[0]);
    let verify_ok = node.verify(&signed)?.is_success()
        && !node
            .verify(&probe(&demo_key(Nonce(u128::MAX), 0), accounts[0]))?
            .is_success();
    const VERIFY_PROBES: u32 = 200;
    let verify_start = Instant::now();
    for _ in 0..VERIFY_PROBES {
        node.verify(&signed)?;
    }
    let verify_micros = verify_start.elapsed().as_secs_f64() * 1e6 / f64::from(VERIFY_PROBES);

    // ----- transfer layers ---------------------------------------------------------------
    let mut rng = Rng(0xD3A0 ^ first_layer.0);
    let mut nonces = vec![0u128; accounts.len()];
    let mut transfer_tally = Tally::default();
    let mut last_txs: Vec<Transaction> = Vec::new();
    let mut last_receipts: Vec<Receipt> = Vec::new();
    let mut transfer_time = Duration::ZERO;
    for l in 0..layers {
        let layer = node.begin()?;
        bar.set_message(format!("layer {layer}: sign transfers"));
        let keep = l + 1 == layers;
        // the clients' part: every transfer of the layer, signed (admission refuses none:
        // each wallet's nonces follow one another)
        let mut txs = Vec::with_capacity(transfers as usize);
        let mut amounts = Vec::with_capacity(transfers as usize);
        for k in 0..transfers {
            let src = rng.below(accounts.len() as u64) as usize;
            let mut dst = rng.below(accounts.len() as u64 - 1) as usize;
            if dst >= src {
                dst += 1;
            }
            let amount = if k % OVERDRAW_EVERY == 13 {
                u64::MAX / 2
            } else {
                1 + rng.below(10_000)
            };
            let mut calldata = accounts[dst].as_bytes().to_vec();
            calldata.extend_from_slice(&amount.to_le_bytes());
            let msg = CallMessage {
                target: accounts[src],
                function: "transfer".into(),
                calldata,
            };
            let env = envelope(
                TxType::Call,
                accounts[src],
                Nonce(nonces[src]),
                0,
                TRANSFER_GAS,
            );
            nonces[src] += 1;
            let tx = Transaction::new(env, Message::Call(msg));
            let sig = keys[src].sign(tx.signing_hash(&chain).as_bytes());
            txs.push(tx.with_verifydata(sig.to_bytes().to_vec()));
            amounts.push(amount);
        }
        // the node's part: the layer on `threads` threads
        bar.set_message(format!("layer {layer}: {transfers} transfers"));
        let start = Instant::now();
        let receipts = node.apply_layer(&txs, threads)?;
        transfer_time += start.elapsed();
        for (k, (r, amount)) in receipts.iter().zip(&amounts).enumerate() {
            transfer_tally.add(r);
            if refused(r) {
                return Err(CliError::Check(format!(
                    "transfer {k} of layer {layer} was refused at admission: {:?}",
                    r.error()
                )));
            }
            // only the deliberate overdrafts may fail: anything else is a bug the demo shows
            if *amount != u64::MAX / 2
                && let Some(e) = r.error()
            {
                return Err(CliError::Check(format!(
                    "transfer {k} of layer {layer} failed: {e}"
                )));
            }
        }
        bar.inc(u64::from(transfers));
        if keep {
            last_txs = txs;
            last_receipts = receipts;
        }
        let start = Instant::now();
        committed.push(node.commit_open()?);
        transfer_time += start.elapsed();
    }

    // ----- rewind the last layer and replay it -------------------------------------------
    let (last_layer, last_root) = *committed
        .last()
        .ok_or_else(|| CliError::Check("no layer committed".into()))?;
    bar.set_message(format!("rewind layer {last_layer}, replay"));
    let before = Layer(last_layer.0 - 1);
    let replay_start = Instant::now();
    let rewound_root = node.rt.rewind(before)?;
    node.begin()?;
    let mut replay_tally = Tally::default();
    let replayed = node.apply_layer(&last_txs, threads)?;
    for (i, r) in replayed.iter().enumerate() {
        replay_tally.add(r);
        if *r != last_receipts[i] {
            return Err(CliError::Check(format!(
                "replayed transaction {i} of layer {last_layer} gave another receipt"
            )));
        }
    }
    bar.inc(replayed.len() as u64);
    let (replayed_layer, replayed_root) = node.commit_open()?;
    let replay_time = replay_start.elapsed();
    if replayed_layer != last_layer || replayed_root != last_root {
        return Err(CliError::Check(format!(
            "replaying layer {last_layer} gave root {replayed_root}, first run gave {last_root}"
        )));
    }
    bar.finish_and_clear();

    // ----- report ------------------------------------------------------------------------
    let elapsed = started.elapsed();
    tally.ok += transfer_tally.ok;
    tally.failed += transfer_tally.failed;
    tally.gas += transfer_tally.gas;
    let tps = |n: u64, d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    let transfers_total = transfer_tally.ok + transfer_tally.failed;
    let store = match node.rt.state().kv().backend() {
        "memory" => "memory".to_string(),
        b => format!("{b} in {}", args.data_dir.display()),
    };
    if json {
        let layers_json: Vec<_> = committed
            .iter()
            .map(|(l, r)| json!({"layer": l.0.to_string(), "root": r.to_string()}))
            .collect();
        print_json(
            &json!({
                "store": store,
                "continued": continued,
                "start_layer": first_layer.0.to_string(),
                "layers": layers_json,
                "templates_deployed": deployed.iter().map(|(n, a)| json!({"name": n, "template": a.to_string()})).collect::<Vec<_>>(),
                "templates_existing": existing.iter().map(|(n, a)| json!({"name": n, "template": a.to_string()})).collect::<Vec<_>>(),
                "wallets": wallets,
                "verify_ok": verify_ok,
                "verify_step_micros": verify_micros,
                "transfers": transfers_total,
                "transfers_succeeded": transfer_tally.ok,
                "transfers_failed": transfer_tally.failed,
                "receipts_succeeded": tally.ok,
                "receipts_failed": tally.failed,
                "gas_used": tally.gas.to_string(),
                "threads": threads,
                "transfer_seconds": transfer_time.as_secs_f64(),
                "transfers_per_second": tps(transfers_total, transfer_time),
                "rewound_to": before.0.to_string(),
                "rewound_root": rewound_root.to_string(),
                "replayed_transactions": replay_tally.ok + replay_tally.failed,
                "replay_root_matches": true,
                "replay_per_second": tps(replay_tally.ok + replay_tally.failed, replay_time),
                "seconds": elapsed.as_secs_f64(),
            }),
            true,
        )?;
        return Ok(());
    }
    outln!("svm demo on {store}")?;
    if continued {
        outln!("  continued from layer {first_layer}")?;
    }
    for (n, a) in &deployed {
        outln!("  deployed template {n:<8} {a}")?;
    }
    for (n, a) in &existing {
        outln!("  template {n:<8} {a} (already deployed)")?;
    }
    outln!(
        "  spawned {wallets} ed25519 wallets from faucet {FAUCET}; verify step: {}, {verify_micros:.0} µs each",
        if verify_ok {
            "owner's signature accepted, another key's refused"
        } else {
            "UNEXPECTED"
        }
    )?;
    outln!("  layers:")?;
    for (i, (l, r)) in committed.iter().enumerate() {
        let what = if i == 0 { "setup" } else { "transfers" };
        outln!("    {l:>6}  {r}  {what}")?;
    }
    outln!(
        "  transfers: {transfers_total} ({} succeeded, {} failed on purpose: overdrafts)",
        transfer_tally.ok,
        transfer_tally.failed
    )?;
    outln!(
        "  receipts:  {} succeeded, {} failed; gas used {}",
        tally.ok,
        tally.failed,
        tally.gas
    )?;
    outln!(
        "  rewound layer {last_layer} (back to root {rewound_root}), replayed {} transactions: same receipts, same root",
        replay_tally.ok + replay_tally.failed
    )?;
    outln!(
        "  throughput: {:.0} transfers/s ({transfers_total} in {:.2} s, {threads} thread{}); replay {:.0} tx/s",
        tps(transfers_total, transfer_time),
        transfer_time.as_secs_f64(),
        if threads == 1 { "" } else { "s" },
        tps(replay_tally.ok + replay_tally.failed, replay_time)
    )?;
    outln!("  total time {:.2} s", elapsed.as_secs_f64())?;
    Ok(())
}
