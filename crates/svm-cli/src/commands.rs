//! Every subcommand but `demo`.

use std::path::Path;

use serde_json::{Value as Json, json};
use svm_codec::{
    Codec, CodecLimits, Context, DeployMessage, Envelope, ItemKind, Message, Transaction, TxType,
    json::JsonForm,
};
use svm_kv::MemoryStore;
use svm_runtime::{Runtime, RuntimeConfig};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, TemplateAddr};

use crate::error::{CliError, Result};
use crate::input::{self, Loaded};
use crate::node::{Entry, Node};
use crate::output::{account_json, note, out, outln, print_json, print_receipt, receipt_text};
use crate::{Cli, Command, EnvelopeArgs, KeyCommand, TxTypeArg};

/// Runs the command of `cli`.
pub(crate) fn run(cli: &Cli) -> Result<()> {
    let json = cli.json;
    match &cli.command {
        Command::CraftDeploy {
            wasm,
            meta,
            output,
            hex,
            no_validate,
        } => craft_deploy(wasm, meta.as_deref(), output, *hex, !*no_validate, json),
        Command::Tx {
            tx_type,
            input,
            output,
            hex,
            envelope,
        } => tx(*tx_type, input, output, *hex, envelope, json),
        Command::Decode { input, hex, kind } => {
            decode(input.as_deref(), hex.as_deref(), *kind, json)
        }
        Command::Validate { input } => validate(input, json),
        Command::Fund { account, amount } => {
            let mut node = Node::open(&cli.store_args(), true)?;
            let (_, committed) = node.run_entry(Entry::Fund(*account, Amount(*amount)))?;
            let balance = node.account(account)?.map_or(0, |a| a.balance.0);
            if json {
                print_json(
                    &json!({"account": account.to_string(), "balance": balance.to_string(), "committed": committed_json(committed)}),
                    true,
                )?;
            } else {
                outln!("funded {account} with {amount}: balance {balance}")?;
                print_committed(committed, &node)?;
            }
            Ok(())
        }
        Command::Deploy {
            input,
            envelope,
            receipt_out,
        } => node_tx(cli, input, TxType::Deploy, envelope, receipt_out.as_deref()),
        Command::Spawn {
            input,
            envelope,
            receipt_out,
        } => node_tx(cli, input, TxType::Spawn, envelope, receipt_out.as_deref()),
        Command::Call {
            input,
            envelope,
            receipt_out,
        } => node_tx(cli, input, TxType::Call, envelope, receipt_out.as_deref()),
        Command::Verify { input, envelope } => {
            let mut node = Node::open(&cli.store_args(), false)?;
            let loaded = input::load_message(input, Some(TxType::Call))?;
            let tx = build_tx(loaded, envelope, Some(&mut node))?;
            let r = node.verify(&tx)?;
            print_receipt(&r, json)?;
            Ok(())
        }
        Command::Open => {
            let mut node = Node::open(&cli.store_args(), true)?;
            let layer = node.open_journal()?;
            if json {
                print_json(&json!({"open": layer.0.to_string()}), true)?;
            } else {
                outln!(
                    "opened layer {layer}: deploy/spawn/call/fund now collect in it until `svm commit`"
                )?;
            }
            Ok(())
        }
        Command::Commit => {
            let mut node = Node::open(&cli.store_args(), false)?;
            let (layer, root, count) = node.commit_journal()?;
            if json {
                print_json(
                    &json!({"layer": layer.0.to_string(), "root": root.to_string(), "entries": count}),
                    true,
                )?;
            } else {
                outln!("committed layer {layer} ({})\nroot {root}", entries(count))?;
            }
            Ok(())
        }
        Command::Rewind { layer } => {
            let mut node = Node::open(&cli.store_args(), false)?;
            let from = node.last_layer()?;
            let (root, dropped) = node.rewind(Layer(*layer))?;
            if json {
                print_json(
                    &json!({"layer": layer.to_string(), "root": root.to_string(), "from": from.0.to_string(), "dropped_pending": dropped}),
                    true,
                )?;
            } else {
                outln!("rewound from layer {from} to layer {layer}\nroot {root}")?;
                if dropped > 0 {
                    outln!("dropped the open layer's {} pending", entries(dropped))?;
                }
            }
            Ok(())
        }
        Command::Account { address } => {
            let mut node = Node::open(&cli.store_args(), false)?;
            let account = node.account(address)?;
            match account {
                None if json => print_json(&account_json(address, None), true)?,
                None => outln!("no account at {address}")?,
                Some(a) => {
                    let template = a.template.map(|t| t.to_string());
                    if json {
                        print_json(&account_json(address, Some(&a)), true)?;
                    } else {
                        outln!("account  {address}")?;
                        outln!("balance  {}", a.balance)?;
                        outln!("nonce    {}", a.nonce)?;
                        outln!("template {}", template.as_deref().unwrap_or("none"))?;
                        outln!("storage  {}", a.storage)?;
                    }
                }
            }
            Ok(())
        }
        Command::Root => {
            let mut node = Node::open(&cli.store_args(), false)?;
            let (layer, root) = (node.last_layer()?, node.root()?);
            let pending = node.pending();
            let pending_root = node.pending_root()?;
            if json {
                let p = pending.map(|(l, n)| json!({"layer": l.0.to_string(), "entries": n, "root": pending_root.map(|r| r.to_string())}));
                print_json(
                    &json!({"layer": layer.0.to_string(), "root": root.to_string(), "pending": p}),
                    true,
                )?;
            } else {
                outln!("layer {layer}\nroot  {root}")?;
                if let (Some((l, n)), Some(r)) = (pending, pending_root) {
                    outln!(
                        "open layer {l}: {} pending, root if committed now {r}",
                        entries(n)
                    )?;
                }
            }
            Ok(())
        }
        Command::Layers => {
            let node = Node::open(&cli.store_args(), false)?;
            let oldest = node.rt.state().oldest_layer();
            let mut layers = node.rt.state().layers()?;
            // roots a pruning run has not reached yet are no longer on record
            layers.retain(|(l, _)| *l >= oldest);
            let disk = node.disk_bytes()?;
            if json {
                let list: Vec<Json> = layers
                    .iter()
                    .map(|(l, r)| json!({"layer": l.0.to_string(), "root": r.to_string()}))
                    .collect();
                print_json(
                    &json!({"layers": list, "oldest": oldest.0.to_string(), "history": cli.history, "disk_bytes": disk}),
                    true,
                )?;
            } else {
                for (l, r) in &layers {
                    outln!("{l:>6}  {r}")?;
                }
                if let Some((l, n)) = node.pending() {
                    outln!("{l:>6}  (open, {} pending)", entries(n))?;
                }
                match cli.history {
                    Some(n) => outln!("history: the last {n} layers (oldest on record: {oldest})")?,
                    None if oldest.0 > 0 => outln!(
                        "history: every layer from now on (those before {oldest} were pruned by an earlier --history)"
                    )?,
                    None => outln!("history: every layer (--history N keeps the last N)")?,
                }
                if let Some(bytes) = disk {
                    outln!("data directory: {bytes} bytes")?;
                }
            }
            Ok(())
        }
        Command::Events {
            account,
            topic,
            from,
            to,
            limit,
            after,
        } => {
            let node = Node::open(&cli.store_args(), false)?;
            let filter = svm_runtime::EventFilter {
                account: *account,
                topic: *topic,
                from: svm_types::Layer(*from),
                to: svm_types::Layer(to.unwrap_or(u64::MAX)),
            };
            let page = node.rt.events(&filter, *after, *limit)?;
            let next = page.next.map(|c| format!("{}:{}", c.layer.0, c.seq));
            if json {
                let events: Vec<Json> = page
                    .events
                    .iter()
                    .map(|f| crate::output::event_json(f.layer, f.seq, &f.event))
                    .collect();
                print_json(
                    &json!({"events": events, "next": next, "layers_read": page.layers_read,
                        "layers_skipped": page.layers_skipped}),
                    true,
                )?;
            } else {
                for f in &page.events {
                    outln!(
                        "layer {} #{}  {}  topics [{}]  data {}  (expires at {})",
                        f.layer,
                        f.seq,
                        f.event.account,
                        f.event
                            .topics
                            .iter()
                            .map(hex::encode)
                            .collect::<Vec<_>>()
                            .join(", "),
                        hex::encode(&f.event.data),
                        f.event.expires
                    )?;
                }
                outln!(
                    "{} events; {} layers read, {} skipped by their filter",
                    page.events.len(),
                    page.layers_read,
                    page.layers_skipped
                )?;
                if let Some(next) = next {
                    outln!("more: --after {next}")?;
                }
            }
            Ok(())
        }
        Command::Key { action } => key_command(action, json),
        Command::Proof { action } => crate::proof::run(cli, action),
        Command::Template { action } => crate::template::run(action, json),
        Command::Run { file, threads } => run_file(cli, file, threads_or_cores(*threads)?),
        Command::Demo {
            wallets,
            layers,
            transfers,
            threads,
        } => crate::demo::run(
            &cli.store_args(),
            crate::demo::Shape {
                wallets: *wallets,
                layers: *layers,
                transfers: *transfers,
                threads: threads_or_cores(*threads)?,
            },
            json,
        ),
    }
}

/// `--threads`, or the machine's cores; at least 1.
fn threads_or_cores(threads: Option<usize>) -> Result<usize> {
    match threads {
        Some(0) => Err(CliError::usage("--threads must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// "1 entry", "2 entries".
fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

fn committed_json(c: Option<(Layer, svm_types::State)>) -> Json {
    match c {
        Some((l, r)) => json!({"layer": l.0.to_string(), "root": r.to_string()}),
        None => Json::Null,
    }
}

fn print_committed(c: Option<(Layer, svm_types::State)>, node: &Node) -> Result<()> {
    match c {
        Some((l, r)) => outln!("committed layer {l}, root {r}"),
        None => match node.pending() {
            Some((l, n)) => outln!(
                "pending in open layer {l} ({}; `svm commit` writes it)",
                entries(n)
            ),
            None => Ok(()),
        },
    }
}

// ----- transactions -----------------------------------------------------------------------

/// A transaction from a loaded file and the envelope flags. For a bare message the
/// principal is required; the nonce defaults to the principal's current nonce in `node`
/// (0 without a node).
/// Checks that the envelope flags fit the loaded file (before any store is opened).
fn check_envelope_args(loaded: &Loaded, e: &EnvelopeArgs) -> Result<()> {
    match loaded {
        Loaded::Transaction(_) if e.principal.is_some() || e.nonce.is_some() => {
            Err(CliError::usage(
                "the input is a whole transaction with its envelope: drop --principal/--nonce",
            ))
        }
        Loaded::Message(..) if e.principal.is_none() => Err(CliError::usage(
            "the input is a bare message: --principal (the paying account) is needed to build its envelope",
        )),
        _ => Ok(()),
    }
}

fn build_tx(loaded: Loaded, e: &EnvelopeArgs, node: Option<&mut Node>) -> Result<Transaction> {
    check_envelope_args(&loaded, e)?;
    match loaded {
        Loaded::Transaction(tx) => {
            if e.principal.is_some() || e.nonce.is_some() || e.verifydata.is_some() {
                return Err(CliError::usage(
                    "the input is a whole transaction with its envelope and verifydata: drop --principal/--nonce/--verifydata",
                ));
            }
            sign_if_asked(tx, e)
        }
        Loaded::Message(msg, carried) => {
            let principal = e.principal.ok_or_else(|| {
                CliError::usage(
                    "the input is a bare message: --principal (the paying account) is needed to build its envelope",
                )
            })?;
            let nonce = match (e.nonce, node) {
                (Some(n), _) => Nonce(n),
                (None, Some(node)) => {
                    node.begin()?;
                    node.account(&principal)?.map_or(Nonce(0), |a| a.nonce)
                }
                (None, None) => Nonce(0),
            };
            let env = Envelope {
                tx_type: msg.tx_type(),
                principal,
                amount: Amount(e.amount),
                nonce,
                gas_limit: Gas(e.gas_limit),
                gas_fee: GasFee(e.gas_fee),
            };
            let verifydata = match &e.verifydata {
                Some(text) => input::hex_text("--verifydata", text)?,
                None => carried,
            };
            sign_if_asked(Transaction::new(env, msg).with_verifydata(verifydata), e)
        }
    }
}

/// Signs `tx` with `--key`, if given (replacing its verifydata).
fn sign_if_asked(tx: Transaction, e: &EnvelopeArgs) -> Result<Transaction> {
    match &e.key {
        Some(file) => {
            let key = crate::keys::load(file)?;
            Ok(crate::keys::sign(
                tx,
                &key,
                &RuntimeConfig::default().chain_id,
            ))
        }
        None => Ok(tx),
    }
}

fn node_tx(
    cli: &Cli,
    input: &Path,
    t: TxType,
    e: &EnvelopeArgs,
    receipt_out: Option<&Path>,
) -> Result<()> {
    let json = cli.json;
    let loaded = input::load_message(input, Some(t))?;
    check_envelope_args(&loaded, e)?;
    let mut node = Node::open(&cli.store_args(), true)?;
    let tx = build_tx(loaded, e, Some(&mut node))?;
    let (receipt, committed) = node.run_entry(Entry::Tx(Box::new(tx)))?;
    let receipt = receipt.ok_or_else(|| CliError::usage("no receipt"))?;
    if let Some(path) = receipt_out {
        input::write_atomic(path, &receipt.encode())?;
    }
    print_receipt(&receipt, json)?;
    if !json {
        print_committed(committed, &node)?;
    }
    Ok(())
}

fn tx(
    t: Option<TxTypeArg>,
    input: &Path,
    output: &Path,
    hex_out: bool,
    e: &EnvelopeArgs,
    json: bool,
) -> Result<()> {
    let text = input::read_text(input)?;
    let v = input::parse_json(input, &text)?;
    let tx_type = match t {
        None | Some(TxTypeArg::Transaction) => None,
        Some(TxTypeArg::Deploy) => Some(TxType::Deploy),
        Some(TxTypeArg::Spawn) => Some(TxType::Spawn),
        Some(TxTypeArg::Call) => Some(TxType::Call),
    };
    if t == Some(TxTypeArg::Transaction) && v.get("envelope").is_none() {
        return Err(CliError::Field {
            path: input.to_path_buf(),
            message: "field `envelope`: missing field (a transaction is {\"envelope\": {...}, \"message\": {...}})".into(),
        });
    }
    let loaded = input::message_from_json(input, &v, tx_type)?;
    let (bytes, what) = match loaded {
        Loaded::Message(m, _) if e.principal.is_none() => {
            let name = m.tx_type().name();
            (m.encode(), format!("{name} message"))
        }
        other => {
            let tx = build_tx(other, e, None)?;
            let what = format!("{} transaction {}", tx.envelope().tx_type.name(), tx.id());
            (tx.encode(), what)
        }
    };
    let out = if hex_out {
        format!("{}\n", hex::encode(&bytes)).into_bytes()
    } else {
        bytes.clone()
    };
    input::write_atomic(output, &out)?;
    if output.as_os_str() != "-" {
        if json {
            print_json(
                &json!({"output": output.display().to_string(), "bytes": bytes.len(), "item": what}),
                true,
            )?;
        } else {
            outln!(
                "wrote {what} ({} bytes) to {}",
                bytes.len(),
                output.display()
            )?;
        }
    }
    Ok(())
}

// ----- decode -----------------------------------------------------------------------------

fn decode(
    file: Option<&Path>,
    hex_arg: Option<&str>,
    k: Option<ItemKind>,
    json: bool,
) -> Result<()> {
    let (what, bytes) = match (hex_arg, file) {
        (Some(h), _) => ("--hex".to_string(), input::hex_text("--hex", h)?),
        (None, f) => {
            let path = f.unwrap_or(Path::new("-"));
            let what = path.display().to_string();
            let raw = input::read(path)?;
            (what.clone(), input::binary_or_hex(&what, &raw)?)
        }
    };
    let err = |e: svm_codec::DecodeError| CliError::Decode {
        what: what.clone(),
        message: e.to_string(),
    };
    let item = match k {
        Some(k) => k,
        None => ItemKind::detect(&bytes).map_err(err)?,
    };
    let v = item
        .decode_json(&bytes, &CodecLimits::DEFAULT)
        .map_err(err)?;
    let name = match item {
        ItemKind::Deploy | ItemKind::Spawn | ItemKind::Call => format!("{item} message"),
        other => other.name().replace('_', " "),
    };
    if !json {
        note!("{name}, {} bytes:", bytes.len());
    }
    print_json(&v, json)?;
    Ok(())
}

// ----- validate and craft-deploy ----------------------------------------------------------

const WASM_MAGIC: &[u8] = b"\0asm";

/// A Wasm binary from `.wasm` bytes or WAT text.
fn wasm_code(path: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.starts_with(WASM_MAGIC) {
        return Ok(bytes.to_vec());
    }
    wat::parse_bytes(bytes)
        .map(|c| c.into_owned())
        .map_err(|e| {
            CliError::Invalid(format!(
                "{}: not a Wasm binary, and as WAT text: {e}",
                path.display()
            ))
        })
}

/// Deploys `msg` in a throw-away memory store: the runtime's exact verdict (decoding,
/// layout, Wasm validation, compilation, constructors).
fn dry_run_deploy(msg: &[u8]) -> Result<TemplateAddr> {
    let config = RuntimeConfig::development();
    let gas_limit = config.tx_limits.max_tx_gas;
    let mut rt = Runtime::new(MemoryStore::new(), config)?;
    let principal = Address([0xDD; 20]);
    rt.open(Layer(1))?;
    rt.increase_balance(&principal, Amount(gas_limit))?;
    let env = Envelope {
        tx_type: TxType::Deploy,
        principal,
        amount: Amount(0),
        nonce: Nonce(0),
        gas_limit: Gas(gas_limit),
        gas_fee: GasFee(1),
    };
    let ctx = Context {
        layer: Layer(1),
        tx_id: svm_codec::tx_id(&env, &[], msg),
    };
    let r = rt.deploy(&env, &[], msg, &ctx)?;
    r.result.map_err(|e| CliError::Invalid(e.to_string()))
}

fn validate(path: &Path, json: bool) -> Result<()> {
    let bytes = input::read(path)?;
    let is_deploy_json = input::looks_like_json(&bytes);
    let is_wat = !is_deploy_json
        && std::str::from_utf8(&bytes).is_ok_and(|t| {
            let t = t.trim_start();
            t.starts_with('(') || t.starts_with(";;")
        });
    if bytes.starts_with(WASM_MAGIC) || is_wat {
        let code = wasm_code(path, &bytes)?;
        let rt = Runtime::new(MemoryStore::new(), RuntimeConfig::default())?;
        rt.validate_code(&code).map_err(|e| match e {
            svm_runtime::Error::Template(rule) => CliError::Invalid(rule.to_string()),
            other => CliError::from(other),
        })?;
        if json {
            print_json(
                &json!({"valid": true, "kind": "wasm", "bytes": code.len()}),
                true,
            )?;
        } else {
            outln!("valid template code ({} bytes of Wasm)", code.len())?;
        }
        return Ok(());
    }
    let msg = match input::load_message(path, Some(TxType::Deploy))? {
        Loaded::Message(Message::Deploy(m), _) => m,
        Loaded::Transaction(tx) => match tx.into_parts().2 {
            Message::Deploy(m) => m,
            _ => return Err(CliError::usage("not a deploy transaction")),
        },
        _ => return Err(CliError::usage("not a deploy message")),
    };
    let addr = dry_run_deploy(&msg.encode())?;
    if json {
        print_json(
            &json!({"valid": true, "kind": "deploy", "template": addr.to_string(), "vars": msg.data.vars, "ctors": msg.ctors}),
            true,
        )?;
    } else {
        outln!("valid deploy message")?;
        outln!("  template: {addr}")?;
        outln!("  vars:     {:?}", msg.data.vars)?;
        outln!("  ctors:    {}", msg.ctors.join(", "))?;
    }
    Ok(())
}

/// The metadata file of `craft-deploy`.
fn deploy_from_meta(path: &Path, v: &Json, code: Vec<u8>) -> Result<DeployMessage> {
    let field = |m: String| CliError::Field {
        path: path.to_path_buf(),
        message: m,
    };
    let obj = v
        .as_object()
        .ok_or_else(|| field(format!("expected an object, found {v}")))?;
    const KEYS: [&str; 6] = [
        "name",
        "description",
        "code_version",
        "vars",
        "ctors",
        "api",
    ];
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(field(format!(
            "field `{k}`: unknown field (known: {})",
            KEYS.join(", ")
        )));
    }
    let vars = obj
        .get("vars")
        .ok_or_else(|| {
            field("field `vars`: missing field (variable sizes in bytes, e.g. [8, 8])".into())
        })?
        .as_array()
        .ok_or_else(|| field("field `vars`: expected an array of sizes".into()))?
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    field(format!(
                        "field `vars[{i}]`: expected a size in bytes, found {x}"
                    ))
                })
        })
        .collect::<Result<Vec<u32>>>()?;
    let ctors = obj
        .get("ctors")
        .ok_or_else(|| field("field `ctors`: missing field (constructor names)".into()))?
        .as_array()
        .ok_or_else(|| field("field `ctors`: expected an array of names".into()))?
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .map(str::to_owned)
                .ok_or_else(|| field(format!("field `ctors[{i}]`: expected a string, found {x}")))
        })
        .collect::<Result<Vec<String>>>()?;
    let text = |k: &str| -> Result<Option<String>> {
        match obj.get(k) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(x) => Err(field(format!("field `{k}`: expected a string, found {x}"))),
        }
    };
    let name = text("name")?;
    let description = text("description")?;
    let code_version = match obj.get("code_version") {
        None | Some(Json::Null) => 0,
        Some(x) => x
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| field(format!("field `code_version`: expected a u32, found {x}")))?,
    };
    let api = match obj.get("api") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let header = (name.is_some() || description.is_some() || code_version != 0).then(|| {
        svm_codec::HeaderSection {
            code_version,
            name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
        }
    });
    Ok(DeployMessage {
        code: svm_codec::CodeSection {
            kind: svm_codec::CodeKind::Wasm,
            flags: svm_codec::CODE_FLAG_EXEC,
            code,
        },
        data: svm_codec::DataSection { vars },
        ctors,
        api,
        header,
        extra: vec![],
    })
}

pub(crate) fn craft_deploy(
    wasm: &Path,
    meta: Option<&Path>,
    output: &Path,
    hex_out: bool,
    check: bool,
    json: bool,
) -> Result<()> {
    let code = wasm_code(wasm, &input::read(wasm)?)?;
    let msg = match meta {
        Some(meta) => {
            let meta_text = input::read_text(meta)?;
            let meta_json = input::parse_json(meta, &meta_text)?;
            deploy_from_meta(meta, &meta_json, code)?
        }
        None => {
            let decode = |e: svm_codec::SdkMetaError| CliError::Decode {
                what: wasm.display().to_string(),
                message: e.to_string(),
            };
            let sdk = svm_codec::SdkMeta::read(&code).map_err(decode)?.ok_or_else(|| {
                CliError::usage(format!(
                    "{} has no svm-meta section (a template built with svm-sdk carries its metadata): pass --meta FILE",
                    wasm.display()
                ))
            })?;
            let name = wasm.file_stem().map(|s| s.to_string_lossy().into_owned());
            sdk.deploy_message(&code, name).map_err(decode)?
        }
    };
    let bytes = msg.encode();
    // Self-check: the message decodes back to itself.
    if DeployMessage::decode(&bytes).ok().as_ref() != Some(&msg) {
        return Err(CliError::Invalid(
            "the deploy message does not decode back to itself".into(),
        ));
    }
    let addr = if check {
        dry_run_deploy(&bytes)?
    } else {
        svm_codec::template_addr(&msg)
    };
    let out = if hex_out {
        format!("{}\n", hex::encode(&bytes)).into_bytes()
    } else {
        bytes.clone()
    };
    input::write_atomic(output, &out)?;
    if output.as_os_str() != "-" {
        if json {
            print_json(
                &json!({"output": output.display().to_string(), "bytes": bytes.len(), "template": addr.to_string()}),
                true,
            )?;
        } else {
            outln!(
                "wrote deploy message ({} bytes) to {}\ntemplate address {addr}",
                bytes.len(),
                output.display()
            )?;
        }
    }
    Ok(())
}

// ----- run --------------------------------------------------------------------------------

/// One layer of a run file.
struct RunLayer {
    fund: Vec<(Address, Amount)>,
    txs: Vec<Transaction>,
}

fn parse_run_file(path: &Path) -> Result<Vec<RunLayer>> {
    let text = input::read_text(path)?;
    let v = input::parse_json(path, &text)?;
    let field = |m: String| CliError::Field {
        path: path.to_path_buf(),
        message: m,
    };
    let obj = v
        .as_object()
        .ok_or_else(|| field("expected an object {\"layers\": [...]}".into()))?;
    if let Some(k) = obj.keys().find(|k| k.as_str() != "layers") {
        return Err(field(format!("field `{k}`: unknown field")));
    }
    let layers = obj
        .get("layers")
        .and_then(Json::as_array)
        .ok_or_else(|| field("field `layers`: missing, or not an array".into()))?;
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let lo = l
            .as_object()
            .ok_or_else(|| field(format!("field `layers[{i}]`: expected an object")))?;
        if let Some(k) = lo
            .keys()
            .find(|k| !["fund", "transactions"].contains(&k.as_str()))
        {
            return Err(field(format!("field `layers[{i}].{k}`: unknown field")));
        }
        let mut layer = RunLayer {
            fund: vec![],
            txs: vec![],
        };
        if let Some(f) = lo.get("fund") {
            let f = f
                .as_array()
                .ok_or_else(|| field(format!("field `layers[{i}].fund`: expected an array")))?;
            for (j, x) in f.iter().enumerate() {
                let p = format!("layers[{i}].fund[{j}]");
                let account = x
                    .get("account")
                    .and_then(Json::as_str)
                    .ok_or_else(|| field(format!("field `{p}.account`: missing hex address")))?
                    .parse::<Address>()
                    .map_err(|e| field(format!("field `{p}.account`: {e}")))?;
                let amount = match x.get("amount") {
                    Some(Json::String(s)) => s.parse::<u64>().ok(),
                    Some(n) => n.as_u64(),
                    None => None,
                }
                .ok_or_else(|| {
                    field(format!(
                        "field `{p}.amount`: expected a u64 (number or decimal string)"
                    ))
                })?;
                layer.fund.push((account, Amount(amount)));
            }
        }
        if let Some(t) = lo.get("transactions") {
            let t = t.as_array().ok_or_else(|| {
                field(format!(
                    "field `layers[{i}].transactions`: expected an array"
                ))
            })?;
            for (j, x) in t.iter().enumerate() {
                let tx = Transaction::from_json(x)
                    .map_err(|e| field(format!("layers[{i}].transactions[{j}]: {e}")))?;
                layer.txs.push(tx);
            }
        }
        out.push(layer);
    }
    Ok(out)
}

/// Static checks of a parsed run file against the store, before anything is applied: the
/// layers fit after the last committed one, and no account is funded past `u64::MAX` by the
/// file alone. (What depends on the state, such as a funding on top of an existing balance,
/// is caught when applied, and the run is rewound: see [`run_file`].)
fn check_run_file(layers: &[RunLayer], start: Layer) -> Result<()> {
    let n = u64::try_from(layers.len()).unwrap_or(u64::MAX);
    if start.0.checked_add(n).is_none() {
        return Err(CliError::usage(format!(
            "the run file has {n} layers: more than fit after layer {start}"
        )));
    }
    let mut funded: std::collections::BTreeMap<Address, u64> = Default::default();
    for (i, l) in layers.iter().enumerate() {
        for (j, (a, amount)) in l.fund.iter().enumerate() {
            let total = funded.entry(*a).or_default();
            *total = total.checked_add(amount.0).ok_or_else(|| {
                CliError::usage(format!(
                    "layers[{i}].fund[{j}]: the file funds {a} with more than {} coins in all",
                    u64::MAX
                ))
            })?;
        }
    }
    Ok(())
}

/// `svm run`: all or nothing. The whole file is parsed and checked before the store is
/// touched; each layer is then applied and committed in turn, and if an entry still fails
/// (an error, not a failed receipt) after earlier layers were committed, the store is
/// rewound to the layer the run started from, so it is exactly as before the run. The
/// receipts are printed once every layer is committed.
fn run_file(cli: &Cli, path: &Path, threads: usize) -> Result<()> {
    let layers = parse_run_file(path)?;
    let mut node = Node::open(&cli.store_args(), true)?;
    if let Some((l, _)) = node.pending() {
        return Err(CliError::usage(format!(
            "layer {l} is open (svm open): commit or rewind it before `svm run`"
        )));
    }
    let start = node.last_layer()?;
    check_run_file(&layers, start)?;
    let mut report = RunReport::default();
    let mut at = String::new();
    if let Err(e) = apply_run(&mut node, layers, cli.json, threads, &mut report, &mut at) {
        return Err(undo_run(&mut node, start, at, e));
    }
    if cli.json {
        print_json(
            &json!({"layers": report.layers, "succeeded": report.ok, "failed": report.failed}),
            true,
        )
    } else {
        out!("{}", report.text)?;
        outln!("{} receipts succeeded, {} failed", report.ok, report.failed)
    }
}

/// What `svm run` prints, collected while it applies the file.
#[derive(Default)]
struct RunReport {
    ok: u64,
    failed: u64,
    /// `--json`: one object per committed layer.
    layers: Vec<Json>,
    /// Text: the receipts and committed layers.
    text: String,
}

/// Applies and commits every layer; `at` names the entry being applied (for the error).
fn apply_run(
    node: &mut Node,
    layers: Vec<RunLayer>,
    json: bool,
    threads: usize,
    report: &mut RunReport,
    at: &mut String,
) -> Result<()> {
    use std::fmt::Write as _;
    for (i, layer) in layers.into_iter().enumerate() {
        *at = format!("layers[{i}]");
        let n = node.begin()?;
        for (j, (a, amount)) in layer.fund.iter().enumerate() {
            *at = format!("layers[{i}].fund[{j}] (layer {n})");
            node.apply(&Entry::Fund(*a, *amount))?;
        }
        let mut receipts = Vec::new();
        *at = format!("layers[{i}].transactions (layer {n})");
        let done = node.apply_layer(&layer.txs, threads).inspect_err(|e| {
            if let CliError::Layer(l) = e {
                *at = format!("layers[{i}].transactions[{}] (layer {n})", l.index);
            }
        })?;
        for (j, r) in done.into_iter().enumerate() {
            if r.is_success() {
                report.ok += 1;
            } else {
                report.failed += 1;
            }
            if json {
                receipts.push(r.to_json());
            } else {
                let _ = write!(report.text, "layer {n} tx {j}: {}", receipt_text(&r));
            }
        }
        *at = format!("layers[{i}] (layer {n}): commit");
        let (layer, root) = node.commit_open()?;
        if json {
            report.layers.push(json!({"layer": layer.0.to_string(), "root": root.to_string(), "receipts": receipts}));
        } else {
            let _ = writeln!(report.text, "committed layer {layer}, root {root}");
        }
    }
    Ok(())
}

/// The error of a run that failed at `at`: the store is rewound to `start` first if the run
/// had committed layers.
fn undo_run(node: &mut Node, start: Layer, at: String, e: CliError) -> CliError {
    let source = Box::new(e);
    match node.last_layer() {
        Ok(l) if l == start => CliError::RunEntry { at, source },
        _ => match node.rt.rewind(start) {
            Ok(root) => CliError::RunUndone {
                at,
                source,
                layer: start,
                root,
            },
            Err(r) => CliError::RunNotUndone {
                at,
                source,
                rewind: Box::new(r.into()),
                layer: start,
            },
        },
    }
}

/// `svm key new|show`.
fn key_command(action: &KeyCommand, json: bool) -> Result<()> {
    let (file, key, secret) = match action {
        KeyCommand::New { file } => (file, crate::keys::create(file)?, false),
        KeyCommand::Show { file, secret } => (file, crate::keys::load(file)?, *secret),
    };
    let public = crate::keys::public_hex(&key);
    if json {
        let mut doc = json!({"file": file.display().to_string(), "public_key": public});
        if secret {
            doc["secret"] = json!(crate::keys::secret_hex(&key));
        }
        print_json(&doc, true)?;
    } else {
        outln!("ed25519 key {}", file.display())?;
        outln!("  public key: {public}")?;
        if secret {
            outln!("  secret:     {}", crate::keys::secret_hex(&key))?;
        }
    }
    Ok(())
}
