//! The EVM baseline (feature `revm`): a minimal ERC-20-style token, hand-written EVM
//! bytecode, executed on revm's mainnet EVM over its in-memory database.
//!
//! The token has exactly one entry point, `transfer(address,uint256)`
//! (selector `0xa9059cbb`), implemented directly in hand-written EVM bytecode
//! ([`TOKEN_RUNTIME`]). Balances use Solidity's storage layout for a
//! `mapping(address => uint256)` declared at slot 0, i.e. the balance of `A`
//! lives at `keccak256(abi.encode(A, uint256(0)))` (see [`balance_slot`]).
//!
//! [`TokenBench`] owns a mainnet EVM whose database is an in-memory
//! `CacheDB<EmptyDB>` holding the token contract plus `n` funded holder EOAs.
//! Each call to [`TokenBench::transfer`] runs a complete, validated Ethereum
//! transaction (nonce check, up-front gas purchase, intrinsic gas, execution,
//! refund, fee payment to the coinbase) and commits the resulting state
//! changes back into the database.

use core::convert::Infallible;

use revm::{
    DatabaseRef, ExecuteCommitEvm, MainBuilder, MainnetEvm,
    context::{
        ContextTr, TxEnv,
        result::{EVMError, ExecutionResult, Output, SuccessReason},
    },
    database::{CacheDB, EmptyDB},
    handler::MainnetContext,
    primitives::{Address, B256, Bytes, TxKind, U256, address, b256, hardfork::SpecId, keccak256},
    state::{AccountInfo, Bytecode},
};

// ---------------------------------------------------------------------------
// Contract bytecode
// ---------------------------------------------------------------------------

/// `bytes4(keccak256("transfer(address,uint256)"))`.
pub(crate) const TRANSFER_SELECTOR: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];

/// `keccak256("Transfer(address,address,uint256)")`, topic0 of the event.
pub(crate) const TRANSFER_EVENT_TOPIC: B256 =
    b256!("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

/// Byte offset of the shared `revert` label (a `JUMPDEST`) in [`TOKEN_RUNTIME`].
const REVERT_LABEL: usize = 0x0e;
/// Byte offset of the `transfer` body (a `JUMPDEST`) in [`TOKEN_RUNTIME`].
const TRANSFER_LABEL: usize = 0x12;
/// Byte offset of the 32-byte immediate of the `PUSH32 <Transfer topic>`.
const TOPIC_IMMEDIATE: usize = 0x50;

/// Hand-written runtime bytecode of the token (124 bytes, requires Shanghai+
/// for `PUSH0`).
///
/// Stack comments list the stack after the instruction, top of stack first.
/// Memory use: `[0x00,0x40)` is the scratch area for `abi.encode(addr, 0)`
/// that is hashed to get a balance slot; `[0x00,0x20)` is later reused for
/// the log data and the return value.
///
/// Calldata layout: `selector(4) ‖ to(32) ‖ amount(32)` = 0x44 bytes.
///
/// Besides the behaviour required by the spec (unknown selector → revert,
/// insufficient balance → revert) the code does the same ABI hygiene a
/// Solidity contract would: calldata shorter than 0x44 bytes and a `to` word
/// with non-zero upper 96 bits both revert. It does *not* check for overflow
/// of the recipient balance (like OpenZeppelin's `unchecked` block, it relies
/// on the total supply fitting in 256 bits) and it does not reject
/// `msg.value` (the transactions built here never send value).
///
/// Self-transfers (`to == caller`) are handled correctly: the recipient
/// balance is re-read *after* the sender balance has been written.
#[rustfmt::skip]
pub(crate) const TOKEN_RUNTIME: [u8; 124] = [
    // ---- dispatcher --------------------------------------------------------
    /* 0x00 */ 0x5f,                   // PUSH0                [0]
    /* 0x01 */ 0x35,                   // CALLDATALOAD         [cd[0..32]]
    /* 0x02 */ 0x60, 0xe0,             // PUSH1 0xe0           [224, cd[0..32]]
    /* 0x04 */ 0x1c,                   // SHR                  [selector]
    /* 0x05 */ 0x63, 0xa9, 0x05, 0x9c, 0xbb, // PUSH4 0xa9059cbb [0xa9059cbb, selector]
    /* 0x0a */ 0x14,                   // EQ                   [is_transfer]
    /* 0x0b */ 0x60, 0x12,             // PUSH1 0x12 (transfer) [0x12, is_transfer]
    /* 0x0d */ 0x57,                   // JUMPI                [] -> 0x12 if is_transfer
    // ---- revert: shared failure exit; also reached by fall-through for an
    //      unknown selector ---------------------------------------------------
    /* 0x0e */ 0x5b,                   // JUMPDEST (revert)    []
    /* 0x0f */ 0x5f,                   // PUSH0                [0]
    /* 0x10 */ 0x5f,                   // PUSH0                [0, 0]
    /* 0x11 */ 0xfd,                   // REVERT(offset=0, size=0)
    // ---- transfer(address to, uint256 amount) -----------------------------
    /* 0x12 */ 0x5b,                   // JUMPDEST (transfer)  []
    //   require(calldatasize >= 0x44)
    /* 0x13 */ 0x60, 0x44,             // PUSH1 0x44           [0x44]
    /* 0x15 */ 0x36,                   // CALLDATASIZE         [cds, 0x44]
    /* 0x16 */ 0x10,                   // LT                   [cds < 0x44]
    /* 0x17 */ 0x60, 0x0e,             // PUSH1 0x0e (revert)  [0x0e, cds < 0x44]
    /* 0x19 */ 0x57,                   // JUMPI                [] -> revert if short
    //   to = calldata[4..36]; require(to >> 160 == 0)
    /* 0x1a */ 0x60, 0x04,             // PUSH1 0x04           [4]
    /* 0x1c */ 0x35,                   // CALLDATALOAD         [to]
    /* 0x1d */ 0x80,                   // DUP1                 [to, to]
    /* 0x1e */ 0x60, 0xa0,             // PUSH1 0xa0           [160, to, to]
    /* 0x20 */ 0x1c,                   // SHR                  [to >> 160, to]
    /* 0x21 */ 0x60, 0x0e,             // PUSH1 0x0e (revert)  [0x0e, to >> 160, to]
    /* 0x23 */ 0x57,                   // JUMPI                [to] -> revert if dirty
    //   amount = calldata[36..68]
    /* 0x24 */ 0x60, 0x24,             // PUSH1 0x24           [0x24, to]
    /* 0x26 */ 0x35,                   // CALLDATALOAD         [amount, to]
    //   fromSlot = keccak256(abi.encode(caller, 0))
    /* 0x27 */ 0x33,                   // CALLER               [caller, amount, to]
    /* 0x28 */ 0x5f,                   // PUSH0                [0, caller, amount, to]
    /* 0x29 */ 0x52,                   // MSTORE  mem[0x00]=caller   [amount, to]
    /* 0x2a */ 0x5f,                   // PUSH0                [0, amount, to]
    /* 0x2b */ 0x60, 0x20,             // PUSH1 0x20           [0x20, 0, amount, to]
    /* 0x2d */ 0x52,                   // MSTORE  mem[0x20]=0 (mapping slot) [amount, to]
    /* 0x2e */ 0x60, 0x40,             // PUSH1 0x40           [0x40, amount, to]
    /* 0x30 */ 0x5f,                   // PUSH0                [0, 0x40, amount, to]
    /* 0x31 */ 0x20,                   // KECCAK256(0, 0x40)   [fromSlot, amount, to]
    //   fromBal = sload(fromSlot); require(amount <= fromBal)
    /* 0x32 */ 0x80,                   // DUP1                 [fromSlot, fromSlot, amount, to]
    /* 0x33 */ 0x54,                   // SLOAD                [fromBal, fromSlot, amount, to]
    /* 0x34 */ 0x80,                   // DUP1                 [fromBal, fromBal, fromSlot, amount, to]
    /* 0x35 */ 0x83,                   // DUP4                 [amount, fromBal, fromBal, fromSlot, amount, to]
    /* 0x36 */ 0x11,                   // GT                   [amount > fromBal, fromBal, fromSlot, amount, to]
    /* 0x37 */ 0x60, 0x0e,             // PUSH1 0x0e (revert)  [0x0e, amount > fromBal, ...]
    /* 0x39 */ 0x57,                   // JUMPI                [fromBal, fromSlot, amount, to] -> revert if insufficient
    //   sstore(fromSlot, fromBal - amount)
    /* 0x3a */ 0x82,                   // DUP3                 [amount, fromBal, fromSlot, amount, to]
    /* 0x3b */ 0x90,                   // SWAP1                [fromBal, amount, fromSlot, amount, to]
    /* 0x3c */ 0x03,                   // SUB                  [fromBal - amount, fromSlot, amount, to]
    /* 0x3d */ 0x90,                   // SWAP1                [fromSlot, fromBal - amount, amount, to]
    /* 0x3e */ 0x55,                   // SSTORE               [amount, to]
    //   toSlot = keccak256(abi.encode(to, 0))   (mem[0x20] is still 0)
    /* 0x3f */ 0x81,                   // DUP2                 [to, amount, to]
    /* 0x40 */ 0x5f,                   // PUSH0                [0, to, amount, to]
    /* 0x41 */ 0x52,                   // MSTORE  mem[0x00]=to       [amount, to]
    /* 0x42 */ 0x60, 0x40,             // PUSH1 0x40           [0x40, amount, to]
    /* 0x44 */ 0x5f,                   // PUSH0                [0, 0x40, amount, to]
    /* 0x45 */ 0x20,                   // KECCAK256(0, 0x40)   [toSlot, amount, to]
    //   sstore(toSlot, sload(toSlot) + amount)
    /* 0x46 */ 0x80,                   // DUP1                 [toSlot, toSlot, amount, to]
    /* 0x47 */ 0x54,                   // SLOAD                [toBal, toSlot, amount, to]
    /* 0x48 */ 0x82,                   // DUP3                 [amount, toBal, toSlot, amount, to]
    /* 0x49 */ 0x01,                   // ADD                  [toBal + amount, toSlot, amount, to]
    /* 0x4a */ 0x90,                   // SWAP1                [toSlot, toBal + amount, amount, to]
    /* 0x4b */ 0x55,                   // SSTORE               [amount, to]
    //   emit Transfer(caller, to, amount): LOG3(0, 0x20, topic0, caller, to)
    /* 0x4c */ 0x5f,                   // PUSH0                [0, amount, to]
    /* 0x4d */ 0x52,                   // MSTORE  mem[0x00]=amount   [to]
    /* 0x4e */ 0x33,                   // CALLER               [caller, to]
    /* 0x4f */ 0x7f,                   // PUSH32 Transfer topic [topic0, caller, to]
    /* 0x50 */ 0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b,
    /* 0x58 */ 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
    /* 0x60 */ 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16,
    /* 0x68 */ 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef,
    /* 0x70 */ 0x60, 0x20,             // PUSH1 0x20           [0x20, topic0, caller, to]
    /* 0x72 */ 0x5f,                   // PUSH0                [0, 0x20, topic0, caller, to]
    /* 0x73 */ 0xa3,                   // LOG3                 []
    //   return abi.encode(true)
    /* 0x74 */ 0x60, 0x01,             // PUSH1 0x01           [1]
    /* 0x76 */ 0x5f,                   // PUSH0                [0, 1]
    /* 0x77 */ 0x52,                   // MSTORE  mem[0x00]=1        []
    /* 0x78 */ 0x60, 0x20,             // PUSH1 0x20           [0x20]
    /* 0x7a */ 0x5f,                   // PUSH0                [0, 0x20]
    /* 0x7b */ 0xf3,                   // RETURN(offset=0, size=0x20)
];

// Compile-time sanity checks on the hand-assembled offsets above.
const _: () = {
    const JUMPDEST: u8 = 0x5b;
    assert!(TOKEN_RUNTIME[REVERT_LABEL] == JUMPDEST);
    assert!(TOKEN_RUNTIME[TRANSFER_LABEL] == JUMPDEST);
    // Jump targets pushed by the three `PUSH1 0x0e` and the `PUSH1 0x12`.
    assert!(TOKEN_RUNTIME[0x0c] as usize == TRANSFER_LABEL);
    assert!(TOKEN_RUNTIME[0x18] as usize == REVERT_LABEL);
    assert!(TOKEN_RUNTIME[0x22] as usize == REVERT_LABEL);
    assert!(TOKEN_RUNTIME[0x38] as usize == REVERT_LABEL);
    // Selector immediate of the PUSH4 and the topic immediate of the PUSH32.
    let mut i = 0;
    while i < 4 {
        assert!(TOKEN_RUNTIME[0x06 + i] == TRANSFER_SELECTOR[i]);
        i += 1;
    }
    assert!(TOKEN_RUNTIME[TOPIC_IMMEDIATE - 1] == 0x7f); // PUSH32
    let mut i = 0;
    while i < 32 {
        assert!(TOKEN_RUNTIME[TOPIC_IMMEDIATE + i] == TRANSFER_EVENT_TOPIC.0[i]);
        i += 1;
    }
    assert!(TOKEN_RUNTIME[0x73] == 0xa3); // LOG3 (LOG0 is 0xa0)
    assert!(TOKEN_RUNTIME[TOKEN_RUNTIME.len() - 1] == 0xf3); // RETURN
};

// ---------------------------------------------------------------------------
// Addresses, storage layout, calldata
// ---------------------------------------------------------------------------

/// Address the token runtime is installed at.
pub(crate) const TOKEN_ADDRESS: Address = address!("0x70ce000000000000000000000000000000000001");

/// Block beneficiary; receives the priority fee of every transaction.
pub(crate) const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");

/// Block base fee (wei per gas). Non-zero, so no fee checks need disabling.
pub(crate) const BASE_FEE: u64 = 1_000_000_000; // 1 gwei
/// Legacy gas price used by every transfer (base fee + 1 gwei tip).
pub(crate) const GAS_PRICE: u128 = 2_000_000_000; // 2 gwei
/// Gas limit of every transfer. A transfer costs 33,613 gas (measured) when the
/// recipient already holds tokens, ~17k more when its slot goes from zero.
pub(crate) const GAS_LIMIT: u64 = 100_000;

/// ETH balance each holder starts with, to pay for gas (100 ETH).
pub(crate) const HOLDER_ETH: u128 = 100_000_000_000_000_000_000;

/// Deterministic, random-looking address of holder `i`:
/// the low 20 bytes of `keccak256("holder" ‖ i as u64 big-endian)`.
pub(crate) fn holder_address(i: usize) -> Address {
    let mut preimage = [0u8; 14];
    preimage[..6].copy_from_slice(b"holder");
    preimage[6..].copy_from_slice(&(i as u64).to_be_bytes());
    Address::from_word(keccak256(preimage))
}

/// Storage slot of `owner`'s balance: `keccak256(abi.encode(owner, uint256(0)))`,
/// exactly what Solidity uses for `mapping(address => uint256)` at slot 0.
pub(crate) fn balance_slot(owner: Address) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(owner.as_slice()); // left-padded address
    // preimage[32..64] stays zero: the mapping's declaration slot.
    U256::from_be_bytes(keccak256(preimage).0)
}

/// ABI-encoded `transfer(to, amount)` calldata (68 bytes).
pub(crate) fn transfer_calldata(to: Address, amount: U256) -> Bytes {
    let mut data = Vec::with_capacity(4 + 32 + 32);
    data.extend_from_slice(&TRANSFER_SELECTOR);
    data.extend_from_slice(to.into_word().as_slice());
    data.extend_from_slice(&amount.to_be_bytes::<32>());
    data.into()
}

// ---------------------------------------------------------------------------
// EVM setup and execution
// ---------------------------------------------------------------------------

/// In-memory database: a cache on top of a database that is always empty.
pub(crate) type TokenDb = CacheDB<EmptyDB>;
/// revm's mainnet EVM (Ethereum instruction table, precompiles and handler)
/// over a mainnet `Context` (BlockEnv, TxEnv, CfgEnv, Journal) using [`TokenDb`].
pub(crate) type TokenEvm = MainnetEvm<MainnetContext<TokenDb>>;
/// Error of a transaction that could not be executed at all (invalid
/// transaction, e.g. bad nonce or insufficient ETH). The DB itself cannot fail.
pub(crate) type TxError = EVMError<Infallible>;

/// Token contract, `n` holders and a mainnet EVM, ready to run transfers.
pub(crate) struct TokenBench {
    evm: TokenEvm,
    holders: Vec<Address>,
    /// Next nonce of every holder, tracked client-side like a wallet would.
    /// revm rejects the transaction if it does not match the account nonce.
    nonces: Vec<u64>,
}

impl TokenBench {
    /// Creates the database (token contract + `n_holders` EOAs, each with
    /// [`HOLDER_ETH`] wei, nonce 0 and `initial_tokens` tokens) and builds a
    /// mainnet EVM around it.
    pub(crate) fn new(n_holders: usize, initial_tokens: U256) -> Self {
        // Cross-check the constants baked into the bytecode.
        assert_eq!(
            keccak256("transfer(address,uint256)")[..4],
            TRANSFER_SELECTOR,
            "selector constant"
        );
        assert_eq!(
            keccak256("Transfer(address,address,uint256)"),
            TRANSFER_EVENT_TOPIC,
            "event topic constant"
        );

        let mut db = TokenDb::new(EmptyDB::new());

        // Contract account: code installed directly, no constructor run.
        // `from_bytecode` computes the code hash and sets nonce 1 (EIP-161).
        let code = Bytecode::new_legacy(Bytes::from_static(&TOKEN_RUNTIME));
        db.insert_account_info(TOKEN_ADDRESS, AccountInfo::from_bytecode(code));

        let holders: Vec<Address> = (0..n_holders).map(holder_address).collect();
        for &holder in &holders {
            // Plain EOA: ETH for gas, nonce 0, no code.
            db.insert_account_info(holder, AccountInfo::from_balance(U256::from(HOLDER_ETH)));
            // Token balance lives in the token contract's storage.
            db.insert_account_storage(TOKEN_ADDRESS, balance_slot(holder), initial_tokens)
                .expect("EmptyDB cannot fail");
        }

        // `MainnetContext::new` gives default BlockEnv/TxEnv and a CfgEnv for
        // the spec with mainnet gas params and chain id 1.
        let ctx = MainnetContext::new(db, SpecId::OSAKA).modify_block_chained(|block| {
            block.number = U256::from(1);
            block.beneficiary = COINBASE;
            block.basefee = BASE_FEE;
        });
        let evm = ctx.build_mainnet();

        Self {
            evm,
            holders,
            nonces: vec![0; n_holders],
        }
    }

    /// Holder addresses, by index.
    pub(crate) fn holders(&self) -> &[Address] {
        &self.holders
    }

    /// Executes `transfer(holders[to], amount)` sent by `holders[from]` as a
    /// full transaction and commits the resulting state to the database.
    pub(crate) fn transfer(
        &mut self,
        from: usize,
        to: usize,
        amount: U256,
    ) -> Result<ExecutionResult, TxError> {
        let data = transfer_calldata(self.holders[to], amount);
        self.call_token(from, data)
    }

    /// Sends a transaction with arbitrary `data` from `holders[from]` to the
    /// token and commits it. On success *or revert* the sender's nonce is
    /// consumed (the transaction is valid and would be included in a block);
    /// on a validation error nothing is committed and the nonce is kept.
    pub(crate) fn call_token(
        &mut self,
        from: usize,
        data: Bytes,
    ) -> Result<ExecutionResult, TxError> {
        let tx = TxEnv {
            caller: self.holders[from],
            kind: TxKind::Call(TOKEN_ADDRESS),
            data,
            nonce: self.nonces[from],
            gas_limit: GAS_LIMIT,
            gas_price: GAS_PRICE,
            // Legacy tx (type 0), chain id 1, no value, no access list.
            ..TxEnv::default()
        };
        // `transact_commit` = validate + execute + `CacheDB::commit(state)`.
        let result = self.evm.transact_commit(tx)?;
        self.nonces[from] += 1;
        Ok(result)
    }

    /// The committed database.
    pub(crate) fn db(&self) -> &TokenDb {
        self.evm.db()
    }

    /// Committed token balance of `owner`, read straight from contract storage.
    pub(crate) fn token_balance(&self, owner: Address) -> U256 {
        let Ok(value) = self.db().storage_ref(TOKEN_ADDRESS, balance_slot(owner));
        value
    }
}

/// Checks that `result` is a successful `transfer(to, amount)` from `from`:
/// status success via `RETURN`, output `abi.encode(true)`, and exactly one
/// `Transfer(from, to, amount)` log emitted by the token.
pub(crate) fn check_transfer_success(
    result: &ExecutionResult,
    from: Address,
    to: Address,
    amount: U256,
) -> Result<(), String> {
    let ExecutionResult::Success {
        reason,
        logs,
        output,
        ..
    } = result
    else {
        return Err(format!("transfer failed: {result:?}"));
    };
    if *reason != SuccessReason::Return {
        return Err(format!("unexpected success reason {reason:?}"));
    }
    let Output::Call(ret) = output else {
        return Err("unexpected create output".into());
    };
    if ret.as_ref() != U256::from(1).to_be_bytes::<32>().as_slice() {
        return Err(format!("unexpected return data {ret}"));
    }
    let [log] = logs.as_slice() else {
        return Err(format!("expected exactly one log, got {}", logs.len()));
    };
    let expected_topics = [TRANSFER_EVENT_TOPIC, from.into_word(), to.into_word()];
    if log.address != TOKEN_ADDRESS
        || log.data.topics() != expected_topics.as_slice()
        || log.data.data.as_ref() != amount.to_be_bytes::<32>().as_slice()
    {
        return Err(format!("unexpected log {log:?}"));
    }
    Ok(())
}
