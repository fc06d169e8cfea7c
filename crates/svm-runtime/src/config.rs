//! [`RuntimeConfig`]: compiler, limits, prices and caches.
//!
//! Every price here is part of consensus: nodes that disagree on one produce different
//! receipts. The defaults are documented in `docs/spec/host-abi.md`.

use std::path::PathBuf;

use svm_codec::CodecLimits;
use svm_gas::{Compiler, CostTable, Limits};
use svm_storage::StorageConfig;

/// Gas prices of host functions (a Wasm instruction costs about 1).
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
    /// Reading a balance.
    pub balance: u64,
    /// A transfer.
    pub transfer: u64,
    /// A log, plus `log_per_byte` per byte of topic and data.
    pub log: u64,
    /// Per byte of a log.
    pub log_per_byte: u64,
}

impl Default for HostCosts {
    fn default() -> Self {
        Self {
            host_call: 50,
            copy_per_word: 1,
            storage_read: 200,
            storage_read_per_byte: 1,
            storage_write: 1_000,
            storage_write_per_byte: 10,
            balance: 200,
            transfer: 2_000,
            log: 200,
            log_per_byte: 4,
        }
    }
}

impl HostCosts {
    /// A host call that copies `len` bytes.
    pub fn copy(&self, len: u32) -> u64 {
        self.host_call + u64::from(len).div_ceil(8) * self.copy_per_word
    }

    /// Reading `len` bytes of storage.
    pub fn storage_read(&self, len: u32) -> u64 {
        self.storage_read + u64::from(len) * self.storage_read_per_byte
    }

    /// Writing `len` bytes of storage.
    pub fn storage_write(&self, len: u32) -> u64 {
        self.storage_write + u64::from(len) * self.storage_write_per_byte
    }

    /// A log of `len` bytes.
    pub fn log(&self, len: u32) -> u64 {
        self.log + u64::from(len) * self.log_per_byte
    }
}

/// Gas charged by the transaction itself, before and besides the contract's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxCosts {
    /// Every deploy.
    pub deploy: u64,
    /// Per byte of a deploy message (validation, compilation and storage of the code).
    pub deploy_per_byte: u64,
    /// Every spawn.
    pub spawn: u64,
    /// Every call.
    pub call: u64,
    /// Per byte of a spawn or call message.
    pub message_per_byte: u64,
    /// Loading the template's module, per KiB of its code, on every spawn and call. It is a
    /// function of the code size alone, so it does not depend on whether this node had the
    /// module in memory, on disk or had to compile it.
    pub load_per_kib: u64,
}

impl Default for TxCosts {
    fn default() -> Self {
        Self {
            deploy: 50_000,
            deploy_per_byte: 20,
            spawn: 20_000,
            call: 10_000,
            message_per_byte: 10,
            load_per_kib: 100,
        }
    }
}

impl TxCosts {
    /// The load charge for a template of `code_len` bytes.
    pub fn load(&self, code_len: usize) -> u64 {
        (code_len as u64).div_ceil(1024) * self.load_per_kib
    }
}

/// Where and how much the module cache keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// Bytes of compiled modules kept in memory (least recently used ones are dropped).
    pub memory_bytes: usize,
    /// Directory of on-disk artifacts; `None` keeps modules in memory only.
    pub dir: Option<PathBuf>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            memory_bytes: 256 << 20,
            dir: None,
        }
    }
}

/// Everything a [`Runtime`](crate::Runtime) is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeConfig {
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
    /// Size limits of messages, calldata, returndata and logs.
    pub codec: CodecLimits,
    /// Page size of the state.
    pub storage: StorageConfig,
    /// The module cache.
    pub cache: CacheConfig,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            compiler: Compiler::default(),
            limits: Limits::default(),
            wasm_costs: CostTable::default(),
            host_costs: HostCosts::default(),
            tx_costs: TxCosts::default(),
            codec: CodecLimits::DEFAULT,
            storage: StorageConfig::default(),
            cache: CacheConfig::default(),
        }
    }
}
