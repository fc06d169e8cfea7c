//! `svm`: the command line of the svm WebAssembly smart-contract VM.
//!
//! - crafting: `craft-deploy`, `tx`, `decode`, `validate` (no state needed);
//! - a node-like store in a data directory: `fund`, `deploy`, `spawn`, `call`, `verify`,
//!   `open`/`commit`, `rewind`, `account`, `root`, `layers`, `run`;
//! - `demo`: templates, wallets and thousands of transfers over several layers.
//!
//! See `docs/cli.md` for every command, the file formats and a worked example.
#![forbid(unsafe_code)]
// `print!`, `println!`, `eprint!` and `eprintln!` panic when their stream cannot be written:
// output goes through `output::{out, outln, note}` instead.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod commands;
mod demo;
mod error;
mod input;
mod keys;
mod node;
mod output;
mod proof;
mod template;

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand, ValueEnum};
use svm_types::Address;

use crate::error::CliError;
use crate::node::{StoreArgs, StoreKind};
use crate::output::{note, outln};

/// svm: craft, decode and validate svm transactions, drive a local node-like store, run the
/// demo.
#[derive(Debug, Parser)]
#[command(
    name = "svm",
    version,
    about,
    long_about = None,
    propagate_version = true,
    args_override_self = true
)]
pub struct Cli {
    /// Machine-readable JSON output (one document per line) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The data directory of node-like commands.
    #[arg(
        short = 'd',
        long,
        global = true,
        default_value = "./svm-data",
        env = "SVM_DATA_DIR"
    )]
    pub data_dir: PathBuf,
    /// The store backend of the data directory (`memory` keeps nothing after the command).
    #[arg(short = 's', long, global = true, value_enum, default_value_t = StoreKind::Rocksdb)]
    pub store: StoreKind,
    /// The rewind window: keep the history of only the last LAYERS layers (what `rewind` and
    /// `proof` reach); older history is pruned after each commit [default: keep everything].
    #[arg(long, global = true, env = "SVM_HISTORY", value_name = "LAYERS")]
    pub history: Option<u64>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Transaction types accepted by `svm tx --tx-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TxTypeArg {
    /// A deploy message (JSON form of the codec spec).
    Deploy,
    /// A spawn message.
    Spawn,
    /// A call message.
    Call,
    /// A whole transaction `{"envelope": {...}, "message": {...}}`.
    Transaction,
}

/// `svm decode --kind`: the codec's item names (`envelope`, ..., `call_receipt`, `calldata`).
fn item_kind_parser() -> impl clap::builder::TypedValueParser<Value = svm_codec::ItemKind> {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    use svm_codec::ItemKind;
    PossibleValuesParser::new(ItemKind::ALL.map(ItemKind::name))
        .try_map(|name| name.parse::<ItemKind>())
}

/// Envelope fields given as flags (a message file plus these makes a transaction).
#[derive(Debug, Clone, Args)]
pub struct EnvelopeArgs {
    /// The paying account (40 hex digits).
    #[arg(short = 'p', long)]
    pub principal: Option<Address>,
    /// The principal's nonce [default: its current nonce in the store; 0 for `svm tx`].
    #[arg(short = 'n', long)]
    pub nonce: Option<u128>,
    /// Gas limit of the transaction.
    #[arg(short = 'g', long, default_value_t = 10_000_000)]
    pub gas_limit: u64,
    /// Price of one unit of gas.
    #[arg(short = 'f', long, default_value_t = 1)]
    pub gas_fee: u64,
    /// Coins moved from the principal to the spawned or called account.
    #[arg(short = 'a', long, default_value_t = 0)]
    pub amount: u64,
    /// The principal's verifydata (hex): the input of its `svm_verify`, typically a
    /// signature of the transaction's signing hash.
    #[arg(long, conflicts_with = "key")]
    pub verifydata: Option<String>,
    /// Sign the transaction with the ed25519 key in this file (`svm key new`): its
    /// verifydata becomes the signature of the signing hash (chain id 00..00, the CLI's).
    #[arg(long)]
    pub key: Option<PathBuf>,
}

/// `svm key` actions.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new random ed25519 key in FILE (permissions 0600, never overwrites).
    New {
        /// The key file to create.
        file: PathBuf,
    },
    /// Print the public key of FILE (and its secret with `--secret`).
    Show {
        /// The key file.
        file: PathBuf,
        /// Also print the secret seed.
        #[arg(long)]
        secret: bool,
    },
}

/// `svm proof` actions.
#[derive(Debug, Subcommand)]
pub enum ProofCommand {
    /// Prove an account's record, or its absence, at a committed layer.
    Account {
        /// The account (40 hex digits).
        address: Address,
        /// The committed layer [default: the last one].
        #[arg(short = 'l', long)]
        layer: Option<u64>,
        /// Also write the proof's bytes to FILE.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Prove bytes of an account's storage at a committed layer: a variable of its template,
    /// or a raw range.
    Storage {
        /// The account (40 hex digits).
        address: Address,
        /// A variable of the account's template (its bytes are proven).
        #[arg(long, conflicts_with_all = ["offset", "len"], required_unless_present = "offset")]
        var: Option<u32>,
        /// First byte of a raw range (with --len).
        #[arg(long, requires = "len")]
        offset: Option<u32>,
        /// Bytes of a raw range (with --offset).
        #[arg(long, requires = "offset")]
        len: Option<u32>,
        /// The committed layer [default: the last one].
        #[arg(short = 'l', long)]
        layer: Option<u64>,
        /// Also write the proof's bytes to FILE.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Prove a key of one of an account's maps (its value, or its absence) at a committed
    /// layer.
    Map {
        /// The account (40 hex digits).
        address: Address,
        /// The map's id.
        #[arg(long)]
        map: u32,
        /// The key (hex).
        #[arg(long)]
        key: String,
        /// The committed layer [default: the last one].
        #[arg(short = 'l', long)]
        layer: Option<u64>,
        /// Also write the proof's bytes to FILE.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Prove an event (emitted in a layer, not expired yet) at a committed layer.
    Event {
        /// The event: `LAYER:INDEX`, its emission layer and its index there (as `svm events`
        /// lists them).
        #[arg(long, value_parser = cursor_parser)]
        event: svm_runtime::EventCursor,
        /// The committed layer whose root proves it [default: the last one].
        #[arg(short = 'l', long)]
        layer: Option<u64>,
        /// Also write the proof's bytes to FILE.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Verify a proof against a state root, as a light client does (no data directory).
    Verify {
        /// The proof: a file of its bytes or their hex (`-`: standard input).
        proof: PathBuf,
        /// The state root the proof must lead to.
        #[arg(long)]
        root: svm_types::State,
        /// The account the proof must be about (not for an event proof).
        #[arg(long, required_unless_present = "event")]
        address: Option<Address>,
        /// For an event proof: the event it must be about, `LAYER:INDEX` (its emission layer
        /// and its index there).
        #[arg(long, value_parser = cursor_parser, conflicts_with_all = ["address", "offset", "map"])]
        event: Option<svm_runtime::EventCursor>,
        /// For a storage proof: the first byte it must cover.
        #[arg(long, requires = "len")]
        offset: Option<u32>,
        /// For a storage proof: how many bytes it must cover.
        #[arg(long, requires = "offset")]
        len: Option<u32>,
        /// For a map proof: the map it must be about.
        #[arg(long, requires = "key", conflicts_with = "offset")]
        map: Option<u32>,
        /// For a map proof: the key (hex) it must be about.
        #[arg(long, requires = "map")]
        key: Option<String>,
        /// The chain's page size.
        #[arg(long, default_value_t = svm_storage::DEFAULT_PAGE_SIZE)]
        page_size: u32,
    },
}

/// `svm template` actions.
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a template crate in DIR (Rust, svm-sdk): it builds and its tests pass as it is.
    New {
        /// The directory to create (its name is the crate's).
        dir: PathBuf,
        /// The svm-sdk crate to depend on [default: the one this svm was built from].
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// Build the template crate in DIR to Wasm and write its deploy message.
    Build {
        /// The template crate [default: the current directory].
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Where to write the deploy message [default: DIR/CRATE.svm, CRATE being the package name].
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a deploy message from template code (.wasm or .wat) and a metadata file.
    CraftDeploy {
        /// The template's code: a Wasm binary or WAT text.
        #[arg(short = 'w', long, alias = "smwasm")]
        wasm: PathBuf,
        /// Metadata JSON: `{"name", "description", "code_version", "vars", "ctors", "api"}`
        /// [default: the `svm-meta` section a template built with svm-sdk carries].
        #[arg(short = 'm', long)]
        meta: Option<PathBuf>,
        /// Where to write the deploy message (`-` for standard output).
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Write hex text instead of binary.
        #[arg(long)]
        hex: bool,
        /// Skip the validation of the template (a dry-run deploy in memory).
        #[arg(long)]
        no_validate: bool,
    },
    /// Encode a JSON message (or whole transaction) into its binary form.
    Tx {
        /// What the input holds [default: recognised from its keys].
        #[arg(short = 't', long, value_enum)]
        tx_type: Option<TxTypeArg>,
        /// The JSON input (`-` for standard input).
        #[arg(short = 'i', long)]
        input: PathBuf,
        /// Where to write the binary (`-` for standard output).
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Write hex text instead of binary.
        #[arg(long)]
        hex: bool,
        /// With `--principal`, a whole transaction (envelope + message) is written.
        #[command(flatten)]
        envelope: EnvelopeArgs,
    },
    /// Decode any binary item (envelope, context, message, transaction, receipt) to JSON.
    Decode {
        /// A file holding the item, binary or hex (`-` or nothing: standard input).
        input: Option<PathBuf>,
        /// The item as a hex argument instead of a file.
        #[arg(short = 'x', long, value_name = "HEX", conflicts_with = "input")]
        hex: Option<String>,
        /// What the bytes are [default: recognised from the item header; calldata has none].
        #[arg(short = 'k', long, value_parser = item_kind_parser())]
        kind: Option<svm_codec::ItemKind>,
    },
    /// Validate template code (.wasm or .wat) or a deploy message; says why when invalid.
    Validate {
        /// A Wasm binary, WAT text, or a deploy message (binary, hex or JSON).
        input: PathBuf,
    },
    /// Fund an account in a layer of its own (local/development only: mints coins).
    Fund {
        /// The account (40 hex digits); a missing one is created without a template.
        account: Address,
        /// Coins to add.
        amount: u64,
    },
    /// Deploy a template: a deploy message (from `craft-deploy`) or a whole transaction.
    Deploy {
        /// Deploy message (binary, hex or JSON) or transaction (JSON, binary or hex).
        input: PathBuf,
        #[command(flatten)]
        envelope: EnvelopeArgs,
        /// Also write the receipt's binary encoding to FILE (what a node stores and serves).
        #[arg(long, value_name = "FILE")]
        receipt_out: Option<PathBuf>,
    },
    /// Spawn an account: a spawn message (JSON, binary or hex) or a whole transaction.
    Spawn {
        /// Spawn message or transaction.
        input: PathBuf,
        #[command(flatten)]
        envelope: EnvelopeArgs,
        /// Also write the receipt's binary encoding to FILE (what a node stores and serves).
        #[arg(long, value_name = "FILE")]
        receipt_out: Option<PathBuf>,
    },
    /// Call an account: a call message (JSON, binary or hex) or a whole transaction.
    Call {
        /// Call message or transaction.
        input: PathBuf,
        #[command(flatten)]
        envelope: EnvelopeArgs,
        /// Also write the receipt's binary encoding to FILE (what a node stores and serves).
        #[arg(long, value_name = "FILE")]
        receipt_out: Option<PathBuf>,
    },
    /// Write templates in Rust: scaffold a template crate, build it into a deploy message.
    Template {
        /// What to do.
        #[command(subcommand)]
        action: TemplateCommand,
    },
    /// Manage ed25519 signing keys (for `--key`).
    Key {
        /// What to do.
        #[command(subcommand)]
        action: KeyCommand,
    },
    /// Proofs of accounts and storage for light clients: make them from the data directory,
    /// or verify one against a root.
    Proof {
        /// What to do.
        #[command(subcommand)]
        action: ProofCommand,
    },
    /// Run the principal's `svm_verify` with a transaction's verifydata (changes nothing).
    Verify {
        /// Call message or transaction.
        input: PathBuf,
        #[command(flatten)]
        envelope: EnvelopeArgs,
    },
    /// Open the next layer: later commands collect in it until `svm commit`.
    Open,
    /// Commit the layer opened by `svm open`, in one atomic write.
    Commit,
    /// Rewind the store to a committed layer (dropping an open one).
    Rewind {
        /// The layer to return to.
        #[arg(short = 'l', long)]
        layer: u64,
    },
    /// Show an account: balance, nonce, template, storage state.
    Account {
        /// The account (40 hex digits).
        address: Address,
    },
    /// Show the last committed layer and the global state root.
    Root,
    /// Show the layer history: every committed layer and its root.
    Layers,
    /// Find the live events of committed layers, a page at a time (layers whose bloom filter
    /// cannot match are skipped).
    Events {
        /// Only events emitted by this account (40 hex digits).
        #[arg(long)]
        account: Option<Address>,
        /// Only events with this topic (64 hex digits), at any position.
        #[arg(long, value_parser = topic_parser)]
        topic: Option<[u8; 32]>,
        /// The first layer [default: 1].
        #[arg(long, default_value_t = 1)]
        from: u64,
        /// The last layer [default: the last committed one].
        #[arg(long)]
        to: Option<u64>,
        /// The most events to print [at most 1,000].
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Resume after an earlier page: its `next` cursor, `LAYER:INDEX`.
        #[arg(long, value_parser = cursor_parser)]
        after: Option<svm_runtime::EventCursor>,
    },
    /// Apply a JSON file of layers of transactions, printing every receipt.
    Run {
        /// `{"layers": [{"fund": [...], "transactions": [...]}, ...]}` (see docs/cli.md).
        file: PathBuf,
        /// Threads each layer's transactions run on (the receipts and roots do not depend
        /// on it) [default: the machine's cores].
        #[arg(long)]
        threads: Option<usize>,
    },
    /// The demo: templates, wallets, thousands of transfers, rewind and replay, a report.
    Demo {
        /// Wallets spawned by this run.
        #[arg(long, default_value_t = 300)]
        wallets: u32,
        /// Layers of transfers.
        #[arg(long, default_value_t = 5)]
        layers: u32,
        /// Transfers per layer.
        #[arg(long, default_value_t = 2_000)]
        transfers: u32,
        /// Threads each layer's transfers run on (the receipts and roots do not depend on
        /// it) [default: the machine's cores].
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// A 32-byte topic from 64 hex digits.
fn topic_parser(s: &str) -> std::result::Result<[u8; 32], String> {
    let bytes = hex::decode(s.strip_prefix("0x").unwrap_or(s))
        .map_err(|e| format!("a topic is 64 hex digits: {e}"))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("a topic is 32 bytes, this one is {}", b.len()))
}

/// An events cursor `LAYER:INDEX`.
fn cursor_parser(s: &str) -> std::result::Result<svm_runtime::EventCursor, String> {
    let (layer, seq) = s
        .split_once(':')
        .ok_or_else(|| format!("a cursor is LAYER:INDEX, not {s:?}"))?;
    Ok(svm_runtime::EventCursor {
        layer: svm_types::Layer(layer.parse().map_err(|e| format!("cursor layer: {e}"))?),
        seq: seq.parse().map_err(|e| format!("cursor index: {e}"))?,
    })
}

impl Cli {
    fn store_args(&self) -> StoreArgs {
        StoreArgs {
            data_dir: self.data_dir.clone(),
            store: self.store,
            history: self.history,
        }
    }

    /// Whether the command changes a data directory (it may have, before a failed output).
    fn changes_state(&self) -> bool {
        self.store != StoreKind::Memory
            && matches!(
                self.command,
                Command::Fund { .. }
                    | Command::Deploy { .. }
                    | Command::Spawn { .. }
                    | Command::Call { .. }
                    | Command::Open
                    | Command::Commit
                    | Command::Rewind { .. }
                    | Command::Run { .. }
                    | Command::Demo { .. }
            )
    }
}

/// Reports a failed write to standard output ([`CliError::Stdout`]). A closed pipe
/// (`svm layers | head -1`) ends the command quietly, as it ends most Unix tools; anything
/// else (a full disk) is said on standard error. Either way the exit code is 1.
fn report_stdout_error(e: &CliError, changed_state: bool) {
    if let CliError::Stdout(io) = e
        && io.kind() == std::io::ErrorKind::BrokenPipe
    {
        return;
    }
    note!("error: {e}");
    if changed_state {
        note!("note: the command completed before its output failed: its changes are kept");
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to standard output, usage errors to standard error.
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            if let Err(w) = e.print()
                && code == 0
            {
                report_stdout_error(&CliError::Stdout(w), false);
                return ExitCode::FAILURE;
            }
            return ExitCode::from(code);
        }
    };
    let result = commands::run(&cli).and_then(|()| output::flush_stdout());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ CliError::Stdout(_)) => {
            report_stdout_error(&e, cli.changes_state());
            ExitCode::FAILURE
        }
        Err(e) => {
            if cli.json {
                // Standard output may be what failed: a failed write is dropped here.
                let _ = outln!("{}", serde_json::json!({ "error": e.to_string() }));
            }
            note!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
