//! [`RuntimeConfig`]: compiler, limits, prices and caches.
//!
//! Every price here is part of consensus: nodes that disagree on one produce different
//! receipts. The defaults are documented in `docs/spec/host-abi.md`.

use std::path::PathBuf;

use svm_codec::CodecLimits;
use svm_gas::{Compiler, CostTable, Limits};
use svm_storage::StorageConfig;
use svm_types::ChainId;

/// Gas prices of host functions (a Wasm instruction costs about 1; one unit is meant as
/// about one nanosecond of node work, `docs/spec/gas.md` explains each price).
///
/// "Cold" prices are charged the first time a transaction touches an account record or a
/// storage page (the first touch reads the store; later touches hit the transaction's
/// caches). "First write" prices are charged once per page a transaction dirties: they pay
/// for hashing, storing and committing the whole page at the end of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostCosts {
    /// Any host call (context getters, lengths).
    pub host_call: u64,
    /// Per 8 bytes copied between memory, registers and input/output.
    pub copy_per_word: u64,
    /// A storage read, plus `storage_read_per_byte` per byte.
    pub storage_read: u64,
    /// Per byte read from storage.
    pub storage_read_per_byte: u64,
    /// A storage write, plus `storage_write_per_byte` per byte.
    pub storage_write: u64,
    /// Per byte written to storage.
    pub storage_write_per_byte: u64,
    /// The first read or write of a storage page in a transaction (loading it).
    pub page_cold: u64,
    /// The first write to a storage page in a transaction (hashing, storing and
    /// committing the page).
    pub page_first_write: u64,
    /// Reading a balance.
    pub balance: u64,
    /// The first touch of an account record in a transaction (reading it from the store).
    pub account_cold: u64,
    /// A transfer.
    pub transfer: u64,
    /// The first change a transaction makes to another existing account's record (the
    /// recipient of a transfer): rewriting its leaf of the global tree and its undo record
    /// at commit.
    pub account_write: u64,
    /// Creating an account (a transfer to an address without one): a new leaf of the
    /// global tree, kept for ever.
    pub account_create: u64,
    /// A log, plus `log_per_byte` per byte of topic and data.
    pub log: u64,
    /// Per byte of a log.
    pub log_per_byte: u64,
    /// A hash (sha3-256, keccak-256, blake3), plus `hash_per_byte` per byte hashed.
    pub hash: u64,
    /// Per byte hashed.
    pub hash_per_byte: u64,
    /// An ed25519 signature check, plus `ed25519_per_byte` per byte of the message.
    pub ed25519_verify: u64,
    /// Per byte of a message whose ed25519 signature is checked (hashed with sha-512).
    pub ed25519_per_byte: u64,
    /// A secp256k1 ECDSA signature check (of a 32-byte prehash).
    pub secp256k1_verify: u64,
    /// A map read or the start of a map walk: an entry looked up in the store (plus
    /// `storage_read_per_byte` per byte of key and value).
    pub map_read: u64,
    /// A map set or removal: the entry record written, kept in the layer's undo log and
    /// committed (plus `storage_write_per_byte` per byte of key and value).
    pub map_write: u64,
    /// Per level of a collection trie a map set or removal walks: a node read, rehashed and
    /// written back at commit, in the map's trie and in the account's maps trie.
    pub map_level: u64,
    /// Per key removed earlier in the open layer that a map walk steps over (a seek in the
    /// store past it; its stored bytes are paid at `storage_read_per_byte`).
    pub map_step: u64,
    /// A contract-to-contract call (`svm_call`, `svm_static_call`): a frame's setup, an
    /// instance taken and reset, its savepoint; plus copying the function name and calldata,
    /// the callee's template load ([`TxCosts::load`]) and, with an amount, a transfer.
    pub call: u64,
    /// Queuing an asynchronous call (`svm_call_async`), plus copying its names and calldata;
    /// its gas is reserved on top, and it pays [`HostCosts::call`] when it runs.
    pub call_async: u64,
    /// An event (`svm_emit`): its two records written, then at its layer's commit hashed into
    /// the layer's events root and bloom, and at its expiration deleted.
    pub event: u64,
    /// Per byte of an event's record (topics, data and 66 bytes of its own): written, hashed,
    /// deleted.
    pub event_per_byte: u64,
    /// Per byte of an event's record per started 1,000 layers it is kept: the disk a node
    /// gives it for that long.
    pub event_retention: u64,
}

impl Default for HostCosts {
    fn default() -> Self {
        Self {
            host_call: 68,
            copy_per_word: 1,
            storage_read: 370,
            storage_read_per_byte: 1,
            storage_write: 480,
            storage_write_per_byte: 1,
            page_cold: 5_000,
            page_first_write: 20_000,
            balance: 210,
            account_cold: 5_000,
            transfer: 750,
            account_write: 40_000,
            account_create: 50_000,
            log: 150,
            log_per_byte: 1,
            hash: 1_000,
            hash_per_byte: 6,
            ed25519_verify: 96_000,
            ed25519_per_byte: 5,
            secp256k1_verify: 210_000,
            map_read: 10_000,
            map_write: 10_000,
            map_level: 20_000,
            map_step: 10_000,
            call: 20_000,
            call_async: 20_000,
            event: 30_000,
            event_per_byte: 10,
            event_retention: 2,
        }
    }
}

/// `base + count x each`, saturating: a price that does not fit `u64` is more than any gas
/// limit, so it runs out of gas rather than wrapping to a small charge.
pub(crate) fn linear(base: u64, count: u64, each: u64) -> u64 {
    base.saturating_add(count.saturating_mul(each))
}

impl HostCosts {
    /// Every price as `(field name, value)`, in declaration order.
    pub fn entries(&self) -> [(&'static str, u64); 29] {
        // no `..`: a new price does not compile until it is listed here
        let HostCosts {
            host_call,
            copy_per_word,
            storage_read,
            storage_read_per_byte,
            storage_write,
            storage_write_per_byte,
            page_cold,
            page_first_write,
            balance,
            account_cold,
            transfer,
            account_write,
            account_create,
            log,
            log_per_byte,
            hash,
            hash_per_byte,
            ed25519_verify,
            ed25519_per_byte,
            secp256k1_verify,
            map_read,
            map_write,
            map_level,
            map_step,
            call,
            call_async,
            event,
            event_per_byte,
            event_retention,
        } = *self;
        [
            ("host_call", host_call),
            ("copy_per_word", copy_per_word),
            ("storage_read", storage_read),
            ("storage_read_per_byte", storage_read_per_byte),
            ("storage_write", storage_write),
            ("storage_write_per_byte", storage_write_per_byte),
            ("page_cold", page_cold),
            ("page_first_write", page_first_write),
            ("balance", balance),
            ("account_cold", account_cold),
            ("transfer", transfer),
            ("account_write", account_write),
            ("account_create", account_create),
            ("log", log),
            ("log_per_byte", log_per_byte),
            ("hash", hash),
            ("hash_per_byte", hash_per_byte),
            ("ed25519_verify", ed25519_verify),
            ("ed25519_per_byte", ed25519_per_byte),
            ("secp256k1_verify", secp256k1_verify),
            ("map_read", map_read),
            ("map_write", map_write),
            ("map_level", map_level),
            ("map_step", map_step),
            ("call", call),
            ("call_async", call_async),
            ("event", event),
            ("event_per_byte", event_per_byte),
            ("event_retention", event_retention),
        ]
    }

    /// A host call that copies `len` bytes.
    pub fn copy(&self, len: u32) -> u64 {
        linear(
            self.host_call,
            u64::from(len).div_ceil(8),
            self.copy_per_word,
        )
    }

    /// Reading `len` bytes of storage.
    pub fn storage_read(&self, len: u32) -> u64 {
        linear(self.storage_read, len.into(), self.storage_read_per_byte)
    }

    /// Writing `len` bytes of storage.
    pub fn storage_write(&self, len: u32) -> u64 {
        linear(self.storage_write, len.into(), self.storage_write_per_byte)
    }

    /// An event whose record is `size` bytes, kept `ttl` layers: `event + size x
    /// (event_per_byte + started thousands of layers x event_retention)`.
    pub fn event(&self, size: u64, ttl: u64) -> u64 {
        let per_byte = self
            .event_per_byte
            .saturating_add(ttl.div_ceil(1000).saturating_mul(self.event_retention));
        linear(self.event, size, per_byte)
    }

    /// A log of `len` bytes.
    pub fn log(&self, len: u32) -> u64 {
        linear(self.log, len.into(), self.log_per_byte)
    }

    /// Hashing `len` bytes.
    pub fn hash(&self, len: u32) -> u64 {
        linear(self.hash, len.into(), self.hash_per_byte)
    }

    /// A map read (or a walk's start) with a `key_len`-byte key.
    pub fn map_read(&self, key_len: u32) -> u64 {
        linear(self.map_read, key_len.into(), self.storage_read_per_byte)
    }

    /// `len` bytes a map read or walk found.
    pub fn map_bytes_read(&self, len: usize) -> u64 {
        linear(0, len as u64, self.storage_read_per_byte)
    }

    /// `len` bytes of a value a map set or removal replaced (kept in the undo log).
    pub fn map_bytes_written(&self, len: usize) -> u64 {
        linear(0, len as u64, self.storage_write_per_byte)
    }

    /// A map set or removal of `len` bytes of key and value.
    pub fn map_write(&self, len: u32) -> u64 {
        linear(self.map_write, len.into(), self.storage_write_per_byte)
    }

    /// The `levels` of collection tries a map set or removal walked.
    pub fn map_levels(&self, levels: u32) -> u64 {
        linear(0, levels.into(), self.map_level)
    }

    /// The `removed` keys a map walk stepped over.
    pub fn map_steps(&self, removed: u64) -> u64 {
        linear(0, removed, self.map_step)
    }

    /// Checking an ed25519 signature of a `len`-byte message.
    pub fn ed25519(&self, len: u32) -> u64 {
        linear(self.ed25519_verify, len.into(), self.ed25519_per_byte)
    }
}

/// Gas charged by the transaction itself, before and besides the contract's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxCosts {
    /// Every deploy.
    pub deploy: u64,
    /// Per byte of a deploy message: decoding, validating and storing it.
    pub deploy_per_byte: u64,
    /// Per byte of code, charged after every cheaper check passed and before the code is
    /// compiled (at the default compiler's measured rate).
    pub compile_per_byte: u64,
    /// Every spawn.
    pub spawn: u64,
    /// Every call.
    pub call: u64,
    /// Per byte of a spawn or call message.
    pub message_per_byte: u64,
    /// Loading a template, on every spawn, call and verify: the base of [`TxCosts::load`].
    pub load: u64,
    /// Loading a template, per KiB of its stored record (code, layout, constructors and
    /// API). Priced at what a miss of the memory tier costs: reading the record and
    /// loading the stored artifact. A function of the record size alone, so it does not
    /// depend on what this node had cached.
    pub load_per_kib: u64,
    /// Creating an account at spawn (a new leaf of the global tree, kept for ever).
    pub account_create: u64,
}

impl Default for TxCosts {
    fn default() -> Self {
        Self {
            deploy: 50_000,
            deploy_per_byte: 50,
            compile_per_byte: 700,
            spawn: 20_000,
            call: 10_000,
            message_per_byte: 10,
            load: 20_000,
            load_per_kib: 25_000,
            account_create: 50_000,
        }
    }
}

impl TxCosts {
    /// Every price as `(field name, value)`, in declaration order.
    pub fn entries(&self) -> [(&'static str, u64); 9] {
        // no `..`: a new price does not compile until it is listed here
        let TxCosts {
            deploy,
            deploy_per_byte,
            compile_per_byte,
            spawn,
            call,
            message_per_byte,
            load,
            load_per_kib,
            account_create,
        } = *self;
        [
            ("deploy", deploy),
            ("deploy_per_byte", deploy_per_byte),
            ("compile_per_byte", compile_per_byte),
            ("spawn", spawn),
            ("call", call),
            ("message_per_byte", message_per_byte),
            ("load", load),
            ("load_per_kib", load_per_kib),
            ("account_create", account_create),
        ]
    }

    /// The load charge for a template whose stored record has `record_len` bytes.
    pub fn load(&self, record_len: usize) -> u64 {
        linear(
            self.load,
            (record_len as u64).div_ceil(1024),
            self.load_per_kib,
        )
    }
}

/// What a transaction may ask for: the consensus bounds checked at admission, before
/// anything runs. A transaction outside them fails admission (gas used 0, nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxLimits {
    /// The smallest gas fee (coins per unit of gas) accepted. At least 1, so that every
    /// unit of work is paid for.
    pub min_gas_fee: u64,
    /// The largest gas limit of one transaction.
    pub max_tx_gas: u64,
    /// The gas all transactions of one layer may use together; a transaction whose gas
    /// limit exceeds what is left fails admission.
    pub max_layer_gas: u64,
    /// The local fee market: the gas the transactions calling one account may use
    /// together in one layer (the gas they used, counted when each ends). A call whose gas
    /// limit exceeds what its target has left fails admission
    /// (`RuntimeError::AccountGasCap`), so one hot contract cannot fill a layer while the
    /// other accounts' transactions still run.
    pub max_account_layer_gas: u64,
    /// The most gas the principal's `svm_verify` may use, in [`Runtime::verify`] and as
    /// the first step of every transaction of a principal with a template. Its gas counts
    /// in the transaction's fee.
    ///
    /// [`Runtime::verify`]: crate::Runtime::verify
    pub max_verify_gas: u64,
    /// The largest storage layout of a template, in bytes.
    pub max_layout_bytes: u32,
    /// Whether an account without a template may be a transaction's principal with no
    /// authentication at all. **Off by default**: on a chain anyone could then spend such
    /// an account's coins (the original svm's "transfers from any account"); a template-less
    /// account can only self-spawn a wallet (`docs/spec/host-abi.md`, Self-spawn). On only
    /// for development nodes and tests whose genesis accounts have no keys
    /// ([`RuntimeConfig::development`]).
    pub keyless_principals: bool,
    /// The deepest contract-to-contract call: the transaction's own frame is depth 0, so
    /// at most this many calls can be running inside it at once. A call past it returns
    /// `CallStatus::DepthExceeded` to its caller.
    pub max_call_depth: u32,
    /// The most asynchronous calls one transaction may queue (those its asynchronous calls
    /// and callbacks queue included); queuing one more traps.
    pub max_async_calls: u32,
    /// The longest an event may be kept, in layers after the one it is emitted in.
    pub max_event_ttl: u64,
}

impl Default for TxLimits {
    fn default() -> Self {
        Self {
            min_gas_fee: 1,
            max_tx_gas: 1_000_000_000,
            max_layer_gas: 20_000_000_000,
            max_account_layer_gas: 5_000_000_000,
            max_verify_gas: 1_000_000,
            max_layout_bytes: 1 << 24,
            keyless_principals: false,
            max_call_depth: 16,
            max_async_calls: 16,
            max_event_ttl: 1_000_000,
        }
    }
}

/// Where and how much the module cache keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// Bytes of compiled modules kept in memory (least recently used ones are dropped).
    pub memory_bytes: usize,
    /// Directory of on-disk artifacts; `None` keeps every artifact in memory.
    pub dir: Option<PathBuf>,
    /// The file holding this node's artifact key (created, owner-only, when missing); it
    /// must be outside `dir`. `None` with a `dir` uses a key for this process only, so
    /// artifacts of earlier processes are recompiled once.
    pub key_file: Option<PathBuf>,
    /// Ready instances kept for reuse, one per template at most (least recently used dropped
    /// first); 0 builds a new instance for every call. Each keeps its memory's reservation
    /// and the pages its data segments fill.
    pub warm_instances: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            memory_bytes: 256 << 20,
            dir: None,
            key_file: None,
            warm_instances: 256,
        }
    }
}

/// Everything a [`Runtime`](crate::Runtime) is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// The chain's id: part of every transaction's signing hash (`svm_sighash`), so a
    /// signature is valid on this chain only. Consensus: set by the node, the same on every
    /// node of the chain.
    pub chain_id: ChainId,
    /// Which compiler turns templates into machine code (gas is identical under both).
    pub compiler: Compiler,
    /// Validation limits of templates.
    pub limits: Limits,
    /// Gas per Wasm instruction.
    pub wasm_costs: CostTable,
    /// Gas per host function.
    pub host_costs: HostCosts,
    /// Gas per transaction.
    pub tx_costs: TxCosts,
    /// Admission bounds: minimum fee, gas caps, verify budget, layout size.
    pub tx_limits: TxLimits,
    /// Size limits of messages, calldata, returndata and logs.
    pub codec: CodecLimits,
    /// Page size of the state.
    pub storage: StorageConfig,
    /// The module cache.
    pub cache: CacheConfig,
}

impl RuntimeConfig {
    /// Every consensus price of this configuration, named `wasm.<field>` (the
    /// [`CostTable`] of Wasm operators), `host.<field>` ([`HostCosts`]) or `tx.<field>`
    /// ([`TxCosts`]), in that order. The checked-in cost table (`cost-table.json` beside this
    /// crate's manifest, written by the calibration run `make calibrate`) lists the same
    /// names; a test fails when the two disagree.
    ///
    /// ```
    /// let config = svm_runtime::RuntimeConfig::default();
    /// let prices = config.prices();
    /// let hash = config.host_costs.hash_per_byte;
    /// assert!(prices.contains(&("host.hash_per_byte".to_string(), hash)));
    /// assert_eq!(prices[0], ("wasm.op".to_string(), u64::from(config.wasm_costs.op)));
    /// ```
    pub fn prices(&self) -> Vec<(String, u64)> {
        let wasm = self.wasm_costs.entries();
        let wasm = wasm
            .iter()
            .map(|&(n, v)| (format!("wasm.{n}"), u64::from(v)));
        let host = self.host_costs.entries();
        let host = host.iter().map(|&(n, v)| (format!("host.{n}"), v));
        let tx = self.tx_costs.entries();
        let tx = tx.iter().map(|&(n, v)| (format!("tx.{n}"), v));
        wasm.chain(host).chain(tx).collect()
    }

    /// The default configuration with [`TxLimits::keyless_principals`] on: for development
    /// nodes, tests and examples whose funded accounts have no keys. Never for a chain.
    pub fn development() -> Self {
        let mut config = Self::default();
        config.tx_limits.keyless_principals = true;
        config
    }
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            chain_id: ChainId::zero(),
            compiler: Compiler::default(),
            limits: Limits::default(),
            wasm_costs: CostTable::default(),
            host_costs: HostCosts::default(),
            tx_costs: TxCosts::default(),
            tx_limits: TxLimits::default(),
            codec: CodecLimits::DEFAULT,
            storage: StorageConfig::default(),
            cache: CacheConfig::default(),
        }
    }
}
