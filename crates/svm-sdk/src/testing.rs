//! The mock host: a template's native unit tests run its functions against it, with the
//! principal, the amount, the layer, balances and a gas limit set by the test (as
//! `cosmwasm_std::testing` and NEAR's `testing_env!` do).
//!
//! Host calls are charged at svm's default host prices (`svm_runtime::HostCosts`); the
//! template's own instructions are not metered natively, so the mock's gas is a lower bound
//! of the real one. A failed call ([`call`] returns `Err`) leaves the mock's state as it was,
//! as the runtime does.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::Address;

/// The mock host's state: set it up, [`MockHost::install`] it, run the template's functions.
#[derive(Debug, Clone, Default)]
pub struct MockHost {
    /// The storage variables' sizes (a `#[storage]` struct's `LAYOUT`).
    pub layout: Vec<u32>,
    /// The variables' bytes.
    pub vars: Vec<Vec<u8>>,
    /// The input of the next call (calldata, or the verifydata for a verify).
    pub calldata: Vec<u8>,
    /// The last returndata set.
    pub returndata: Vec<u8>,
    /// The logs, `(topic, data)`.
    pub logs: Vec<(Vec<u8>, Vec<u8>)>,
    /// The principal.
    pub principal: Address,
    /// The executing account.
    pub this: Address,
    /// The coins sent with the transaction.
    pub amount: u64,
    /// The layer.
    pub layer: u64,
    /// Every account's balance.
    pub balances: BTreeMap<Address, u64>,
    /// The transaction's signing hash.
    pub sighash: [u8; 32],
    /// The transaction's id.
    pub tx_id: [u8; 32],
    /// The chain's id.
    pub chain_id: [u8; 32],
    /// The transaction's envelope (64 bytes).
    pub envelope: Vec<u8>,
    /// The transaction's message.
    pub message: Vec<u8>,
    /// Whether the call is a verify (storage writes and transfers fail).
    pub read_only: bool,
    /// The gas the host calls may use.
    pub gas_limit: u64,
    /// The gas the host calls used.
    pub gas_used: u64,
    /// The register banks (the host's default layout).
    pub registers: svm_registers::Registers,
    /// The executing account's maps (collections), by id.
    pub maps: BTreeMap<u32, BTreeMap<Vec<u8>, Vec<u8>>>,
    /// The account whose code called this one (`env::caller`).
    pub caller: Address,
    /// The accounts other templates' calls reach, each answered by a function: a call to an
    /// address not listed gets `CallError::ACCOUNT_NOT_FOUND`.
    pub contracts: BTreeMap<Address, MockContract>,
    /// Every call made, in order (synchronous and static ones as they ran, asynchronous
    /// ones as they were queued).
    pub calls: Vec<MockCall>,
    /// The events emitted: `(topics, data, ttl)`.
    pub events: Vec<(Vec<[u8; 32]>, Vec<u8>, u64)>,
}

/// A mock contract: answers a call with its output, or fails it.
pub type MockContract = fn(&MockCall) -> Result<Vec<u8>, crate::call::CallError>;

/// How a call was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `env::call`.
    Call,
    /// `env::static_call`.
    Static,
    /// `env::call_async` (queued, not run: the mock runs nothing after the call).
    Async,
}

/// A call the template made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockCall {
    /// How.
    pub kind: CallKind,
    /// The account called.
    pub target: Address,
    /// The function.
    pub function: String,
    /// The calldata.
    pub calldata: Vec<u8>,
    /// Coins sent.
    pub amount: u64,
    /// For an asynchronous call: the gas reserved and the callback (name and gas).
    pub reserved: Option<(u64, String, u64)>,
}

/// A synchronous or static call on the mock host: charged at the host's `call` price, the
/// amount moved, then answered by the target's [`MockContract`] (run outside the host's
/// borrow, so it may use the host itself). A failed answer moves the amount back.
pub(crate) fn mock_call(
    kind: CallKind,
    target: &Address,
    function: &str,
    calldata: &[u8],
    amount: u64,
) -> Result<Vec<u8>, crate::call::CallError> {
    use crate::call::CallError;
    let call = MockCall {
        kind,
        target: *target,
        function: function.to_string(),
        calldata: calldata.to_vec(),
        amount,
        reserved: None,
    };
    let answer = with(|h| {
        h.charge(20_000 + MockHost::copy_price(function.len() + calldata.len()));
        if kind == CallKind::Call && h.read_only {
            panic!("a state-changing call is not allowed in verify (read-only)");
        }
        h.calls.push(call.clone());
        let contract = h.contracts.get(target).copied();
        if contract.is_some() && amount > 0 {
            let from = h.balances.get(&h.this).copied().unwrap_or(0);
            if from < amount {
                return Err(CallError {
                    status: CallError::INSUFFICIENT_FUNDS,
                    output: Vec::new(),
                });
            }
            h.balances.insert(h.this, from - amount);
            *h.balances.entry(*target).or_insert(0) += amount;
        }
        contract.ok_or(CallError {
            status: CallError::ACCOUNT_NOT_FOUND,
            output: Vec::new(),
        })
    })?;
    let result = answer(&call);
    if result.is_err() && amount > 0 {
        with(|h| {
            let this = h.this;
            *h.balances.entry(*target).or_insert(0) -= amount;
            *h.balances.entry(this).or_insert(0) += amount;
        });
    }
    result
}

thread_local! {
    static HOST: RefCell<Option<MockHost>> = const { RefCell::new(None) };
}

/// Runs `f` on the installed mock host (panics if none is installed: install one first).
pub fn with<T>(f: impl FnOnce(&mut MockHost) -> T) -> T {
    HOST.with(|h| {
        let mut h = h.borrow_mut();
        let host = h
            .as_mut()
            .expect("no mock host installed: call MockHost::new(..).install() first");
        f(host)
    })
}

/// Runs `f` as a call of the template: `Ok` with its result, or `Err` with the reason the
/// call failed (a panic, an abort, out of gas, insufficient funds), and then the mock's
/// state is restored to what it was before the call.
pub fn call<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let before = with(|h| h.clone());
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Ok(v),
        Err(payload) => {
            HOST.with(|h| *h.borrow_mut() = Some(before));
            Err(payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default())
        }
    }
}

impl MockHost {
    /// A host with `layout` (every variable zero), a gas limit of 10,000,000, and zero
    /// principal, account, amount and layer.
    pub fn new(layout: &[u32]) -> Self {
        MockHost {
            layout: layout.to_vec(),
            vars: layout.iter().map(|&n| vec![0; n as usize]).collect(),
            gas_limit: 10_000_000,
            ..Default::default()
        }
    }

    /// Makes this the thread's host (replacing any other).
    pub fn install(self) {
        HOST.with(|h| *h.borrow_mut() = Some(self));
    }

    /// Charges `gas` (a panic "out of gas" past the limit, as a failed call).
    pub fn charge(&mut self, gas: u64) {
        self.gas_used = self.gas_used.saturating_add(gas);
        if self.gas_used > self.gas_limit {
            panic!("out of gas");
        }
    }

    /// Charges `gas` and returns `value`.
    pub fn charged<T>(&mut self, gas: u64, value: T) -> T {
        self.charge(gas);
        value
    }

    fn copy_price(len: usize) -> u64 {
        50 + (len as u64).div_ceil(8)
    }

    /// The call's input.
    pub fn call_input(&mut self) -> Vec<u8> {
        self.charge(50 + Self::copy_price(self.calldata.len()));
        self.calldata.clone()
    }

    /// Sets the returndata.
    pub fn set_returndata(&mut self, bytes: &[u8]) {
        self.charge(Self::copy_price(bytes.len()));
        self.returndata = bytes.to_vec();
    }

    /// Appends a log.
    pub fn log(&mut self, topic: &[u8], data: &[u8]) {
        self.charge(200 + 4 * (topic.len() + data.len()) as u64);
        self.logs.push((topic.to_vec(), data.to_vec()));
    }

    /// A balance (0 without an account).
    pub fn balance_of(&mut self, account: &Address) -> u64 {
        self.charge(200);
        self.balances.get(account).copied().unwrap_or(0)
    }

    /// Emits an event (`env::emit`), charged at the default event prices.
    pub fn emit(&mut self, topics: &[[u8; 32]], data: &[u8], ttl: u64) {
        let size = 66 + 32 * topics.len() as u64 + data.len() as u64;
        self.charge(30_000 + size * (10 + ttl.div_ceil(1000) * 2));
        if self.read_only {
            panic!("an event is not allowed in verify (read-only)");
        }
        if topics.len() > 4 {
            panic!(
                "limit exceeded: an event of {} topics, at most 4",
                topics.len()
            );
        }
        if ttl == 0 || ttl > 1_000_000 {
            panic!("limit exceeded: an event kept {ttl} layers: from 1 to 1000000");
        }
        self.events.push((topics.to_vec(), data.to_vec(), ttl));
    }

    /// Queues an asynchronous call (`env::call_async`): charged, its gas reserved, recorded
    /// in [`MockHost::calls`]; the mock runs nothing after the call.
    #[allow(clippy::too_many_arguments)]
    pub fn queue(
        &mut self,
        target: &Address,
        function: &str,
        calldata: &[u8],
        amount: u64,
        gas: u64,
        callback: &str,
        callback_gas: u64,
    ) {
        self.charge(20_000 + Self::copy_price(function.len() + calldata.len() + callback.len()));
        if self.read_only {
            panic!("an asynchronous call is not allowed in verify (read-only)");
        }
        self.charge(gas.saturating_add(callback_gas));
        self.calls.push(MockCall {
            kind: CallKind::Async,
            target: *target,
            function: function.to_string(),
            calldata: calldata.to_vec(),
            amount,
            reserved: Some((gas, callback.to_string(), callback_gas)),
        });
    }

    /// Moves coins from the executing account.
    pub fn transfer(&mut self, to: &Address, amount: u64) {
        self.charge(2_000);
        if self.read_only {
            panic!("transfer is not allowed in verify (read-only)");
        }
        let from = self.balances.get(&self.this).copied().unwrap_or(0);
        let Some(left) = from.checked_sub(amount) else {
            panic!("insufficient funds: balance {from}, transfer {amount}");
        };
        self.balances.insert(self.this, left);
        let to_balance = self.balances.entry(*to).or_insert(0);
        *to_balance = to_balance
            .checked_add(amount)
            .unwrap_or_else(|| panic!("balance overflow"));
    }

    /// Reads a variable.
    pub fn load(&mut self, var: u32) -> Vec<u8> {
        let Some(v) = self.vars.get(var as usize).cloned() else {
            panic!("storage: unknown variable {var}");
        };
        self.charge(200 + v.len() as u64);
        v
    }

    /// Writes a variable.
    pub fn store(&mut self, var: u32, bytes: &[u8]) {
        let Some(size) = self.layout.get(var as usize).copied() else {
            panic!("storage: unknown variable {var}");
        };
        self.charge(1_000 + 10 * u64::from(size));
        if self.read_only {
            panic!("storage write is not allowed in verify (read-only)");
        }
        assert_eq!(
            bytes.len(),
            size as usize,
            "variable {var} holds {size} bytes"
        );
        self.vars[var as usize] = bytes.to_vec();
    }

    /// A map read (as `svm_map_get`).
    pub fn map_get(&mut self, map: u32, key: &[u8]) -> Option<Vec<u8>> {
        Self::check_map_entry(key, &[]);
        let value = self.maps.get(&map).and_then(|m| m.get(key)).cloned();
        let bytes = key.len() + value.as_ref().map_or(0, Vec::len);
        self.charged(5_000 + bytes as u64, value)
    }

    /// A map set (`Some`) or removal (`None`), as `svm_map_set` and `svm_map_remove`;
    /// returns whether the key had a value. Priced as a map of a few thousand entries
    /// (three trie levels in all).
    pub fn map_set(&mut self, map: u32, key: &[u8], value: Option<&[u8]>) -> bool {
        Self::check_map_entry(key, value.unwrap_or_default());
        let bytes = key.len() + value.map_or(0, <[u8]>::len);
        self.charge(10_000 + 3 * 10_000 + bytes as u64);
        if self.read_only {
            panic!("a map write is not allowed in verify (read-only)");
        }
        let entries = self.maps.entry(map).or_default();
        let previous = match value {
            Some(v) => entries.insert(key.to_vec(), v.to_vec()),
            None => entries.remove(key),
        };
        if entries.is_empty() {
            self.maps.remove(&map);
        }
        previous.is_some()
    }

    /// A map walk's step (as `svm_map_next`).
    pub fn map_next(&mut self, map: u32, from: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let entry = self
            .maps
            .get(&map)
            .and_then(|m| m.range(from.to_vec()..).next())
            .map(|(k, v)| (k.clone(), v.clone()));
        let bytes = from.len() + entry.as_ref().map_or(0, |(k, v)| k.len() + v.len());
        self.charged(5_000 + bytes as u64, entry)
    }

    /// The host's limits on map keys (512 bytes) and values (64 KiB).
    fn check_map_entry(key: &[u8], value: &[u8]) {
        if key.len() > 512 {
            panic!(
                "storage: map key of {} bytes is longer than the 512 bytes allowed",
                key.len()
            );
        }
        if value.len() > 65_536 {
            panic!(
                "storage: map value of {} bytes is longer than the 65536 bytes allowed",
                value.len()
            );
        }
    }

    /// SHA3-256.
    pub fn sha3_256(&mut self, data: &[u8]) -> [u8; 32] {
        self.charge(1_000 + 5 * data.len() as u64);
        svm_crypto::sha3_256(data)
    }

    /// keccak-256.
    pub fn keccak256(&mut self, data: &[u8]) -> [u8; 32] {
        self.charge(1_000 + 5 * data.len() as u64);
        svm_crypto::keccak256(data)
    }

    /// blake3.
    pub fn blake3(&mut self, data: &[u8]) -> [u8; 32] {
        self.charge(1_000 + 5 * data.len() as u64);
        svm_crypto::blake3(data)
    }

    /// ed25519 verification with the chain's rules (`svm-crypto`).
    pub fn ed25519_verify(&mut self, msg: &[u8], sig: &[u8], public_key: &[u8]) -> bool {
        self.charge(80_000 + 5 * msg.len() as u64);
        svm_crypto::ed25519_verify(msg, sig, public_key)
    }

    /// secp256k1 verification with the chain's rules (`svm-crypto`).
    pub fn secp256k1_verify(&mut self, prehash: &[u8], sig: &[u8], public_key: &[u8]) -> bool {
        self.charge(200_000);
        svm_crypto::secp256k1_verify(prehash, sig, public_key)
    }

    /// A variable's size.
    pub fn var_len(&mut self, var: u32) -> u32 {
        self.charge(50);
        match self.layout.get(var as usize) {
            Some(&n) => n,
            None => panic!("storage: unknown variable {var}"),
        }
    }

    /// The variables laid out one after the other.
    fn raw(&self) -> Vec<u8> {
        self.vars.concat()
    }

    /// Raw storage bytes.
    pub fn storage_read(&mut self, offset: u32, len: u32) -> Vec<u8> {
        self.charge(200 + u64::from(len));
        let raw = self.raw();
        let (start, end) = (offset as usize, offset as usize + len as usize);
        match raw.get(start..end) {
            Some(b) => b.to_vec(),
            None => panic!(
                "storage: {len} bytes at offset {offset} are outside the account's {} bytes of storage",
                raw.len()
            ),
        }
    }

    /// Writes raw storage bytes.
    pub fn storage_write(&mut self, offset: u32, bytes: &[u8]) {
        self.charge(1_000 + 10 * bytes.len() as u64);
        if self.read_only {
            panic!("storage write is not allowed in verify (read-only)");
        }
        let mut raw = self.raw();
        let start = offset as usize;
        let Some(dst) = raw.get_mut(start..start + bytes.len()) else {
            panic!(
                "storage: {} bytes at offset {offset} are outside the account's storage",
                bytes.len()
            );
        };
        dst.copy_from_slice(bytes);
        let mut at = 0;
        for v in &mut self.vars {
            let n = v.len();
            v.copy_from_slice(&raw[at..at + n]);
            at += n;
        }
    }

    /// Sets a register.
    pub fn reg_set(&mut self, bits: u32, index: u32, data: &[u8]) {
        self.charge(50 + (data.len() as u64).div_ceil(8));
        if let Err(e) = self.registers.set(bits, index, data) {
            panic!("register: {e}");
        }
    }

    /// A register's bytes.
    pub fn reg_get(&mut self, bits: u32, index: u32) -> Vec<u8> {
        self.charge(50 + u64::from(bits).div_ceil(64));
        match self.registers.get(bits, index) {
            Ok(b) => b.to_vec(),
            Err(e) => panic!("register: {e}"),
        }
    }

    /// The address in a 160-bit register.
    pub fn reg_address(&mut self, index: u32) -> Address {
        let bytes = self.reg_get(160, index);
        let mut a = [0u8; 20];
        a.copy_from_slice(&bytes);
        Address(a)
    }
}
