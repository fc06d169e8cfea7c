//! The host functions, safe: on `wasm32` they call the host ABI (namespace `svm`,
//! `docs/spec/host-abi.md`); elsewhere the mock host of [`crate::testing`].

use alloc::vec::Vec;

use crate::Address;
use crate::call::CallError;

#[cfg(target_arch = "wasm32")]
mod sys {
    #[link(wasm_import_module = "svm")]
    unsafe extern "C" {
        pub(super) fn svm_calldata_len() -> i32;
        pub(super) fn svm_calldata_copy(ptr: i32, offset: i32, len: i32);
        pub(super) fn svm_set_returndata(ptr: i32, len: i32);
        pub(super) fn svm_log(topic: i32, topic_len: i32, data: i32, data_len: i32);
        pub(super) fn svm_abort(ptr: i32, len: i32);
        pub(super) fn svm_principal(ptr: i32);
        pub(super) fn svm_self(ptr: i32);
        pub(super) fn svm_amount() -> i64;
        pub(super) fn svm_layer() -> i64;
        pub(super) fn svm_balance() -> i64;
        pub(super) fn svm_balance_of(ptr: i32) -> i64;
        pub(super) fn svm_transfer(dst: i32, amount: i64);
        pub(super) fn svm_sighash(ptr: i32);
        pub(super) fn svm_load(var: i32, ptr: i32);
        pub(super) fn svm_var_len(var: i32) -> i32;
        pub(super) fn svm_reg_set(bits: i32, index: i32, ptr: i32, len: i32);
        pub(super) fn svm_reg_get(bits: i32, index: i32, ptr: i32);
        pub(super) fn svm_reg_load_var(bits: i32, index: i32, var: i32);
        pub(super) fn svm_reg_store_var(bits: i32, index: i32, var: i32);
        pub(super) fn svm_get_balance_from_reg(bits: i32, index: i32) -> i64;
        pub(super) fn svm_transfer_from_reg(bits: i32, index: i32, amount: i64);
        pub(super) fn svm_load64(var: i32) -> i64;
        pub(super) fn svm_store64(var: i32, value: i64);
        pub(super) fn svm_storage_read(offset: i32, ptr: i32, len: i32);
        pub(super) fn svm_storage_write(offset: i32, ptr: i32, len: i32);
        pub(super) fn svm_store(var: i32, ptr: i32);
        pub(super) fn svm_sha3_256(ptr: i32, len: i32, out: i32);
        pub(super) fn svm_keccak256(ptr: i32, len: i32, out: i32);
        pub(super) fn svm_blake3(ptr: i32, len: i32, out: i32);
        pub(super) fn svm_secp256k1_verify(
            hash: i32,
            sig: i32,
            sig_len: i32,
            pk: i32,
            pk_len: i32,
        ) -> i32;
        pub(super) fn svm_map_get(map: i32, key: i32, key_len: i32, out: i32, cap: i32) -> i32;
        pub(super) fn svm_map_set(map: i32, key: i32, key_len: i32, val: i32, len: i32) -> i32;
        pub(super) fn svm_map_remove(map: i32, key: i32, key_len: i32) -> i32;
        pub(super) fn svm_map_next(map: i32, from: i32, from_len: i32, out: i32, cap: i32) -> i32;
        pub(super) fn svm_tx_id(ptr: i32);
        pub(super) fn svm_chain_id(ptr: i32);
        pub(super) fn svm_envelope(ptr: i32);
        pub(super) fn svm_message_len() -> i32;
        pub(super) fn svm_message_copy(ptr: i32, offset: i32, len: i32);
        pub(super) fn svm_call(
            target: i32,
            func: i32,
            func_len: i32,
            data: i32,
            data_len: i32,
            amount: i64,
            gas: i64,
        ) -> i32;
        pub(super) fn svm_static_call(
            target: i32,
            func: i32,
            func_len: i32,
            data: i32,
            data_len: i32,
            gas: i64,
        ) -> i32;
        pub(super) fn svm_call_async(
            target: i32,
            func: i32,
            func_len: i32,
            data: i32,
            data_len: i32,
            amount: i64,
            gas: i64,
            cb: i32,
            cb_len: i32,
            cb_gas: i64,
        );
        pub(super) fn svm_emit(topics: i32, topic_count: i32, data: i32, data_len: i32, ttl: i64);
        pub(super) fn svm_call_output_len() -> i32;
        pub(super) fn svm_call_output_copy(ptr: i32, offset: i32, len: i32);
        pub(super) fn svm_caller(ptr: i32);
        pub(super) fn svm_ed25519_verify(
            msg: i32,
            msg_len: i32,
            sig: i32,
            sig_len: i32,
            pk: i32,
            pk_len: i32,
        ) -> i32;
    }
}

/// A pointer as the host ABI's `i32` (wasm32 addresses are 32-bit).
#[cfg(target_arch = "wasm32")]
fn p<T>(ptr: *const T) -> i32 {
    ptr as usize as i32
}

/// Runs `$wasm` on wasm32 (an `unsafe` host call) and `$native` elsewhere.
macro_rules! host {
    (wasm: $wasm:expr, native: $native:expr) => {{
        #[cfg(target_arch = "wasm32")]
        {
            // SAFETY: the host reads or writes exactly the lengths passed, within buffers this
            // function owns; pointers are valid wasm32 addresses of live allocations.
            #[allow(unused_unsafe)]
            unsafe {
                $wasm
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            $native
        }
    }};
}

/// The input: the calldata (the verifydata in `svm_verify`).
pub fn calldata() -> Vec<u8> {
    host!(
        wasm: {
            let len = sys::svm_calldata_len() as u32 as usize;
            let mut buf = crate::bytes::zeroed(len);
            sys::svm_calldata_copy(p(buf.as_mut_ptr()), 0, len as i32);
            buf
        },
        native: crate::testing::with(|h| h.call_input())
    )
}

/// Sets the returndata (a later call replaces it).
pub fn set_returndata(bytes: &[u8]) {
    host!(
        wasm: sys::svm_set_returndata(p(bytes.as_ptr()), bytes.len() as i32),
        native: crate::testing::with(|h| h.set_returndata(bytes))
    )
}

/// Emits an event (`svm_emit`): up to four 32-byte `topics` (what queries filter on) and
/// `data`, kept for `ttl` layers after this one (1 to the chain's `max_event_ttl`, 1,000,000
/// by default), priced by its size times its lifetime. Clients find it with
/// `Runtime::events` or `svm events`; it is undone with the call if the call fails.
pub fn emit(topics: &[[u8; 32]], data: &[u8], ttl: u64) {
    host!(
        wasm: sys::svm_emit(
            p(topics.as_ptr()),
            topics.len() as i32,
            p(data.as_ptr()),
            data.len() as i32,
            ttl as i64
        ),
        native: crate::testing::with(|h| h.emit(topics, data, ttl))
    )
}

/// Appends a log.
pub fn log(topic: &[u8], data: &[u8]) {
    host!(
        wasm: sys::svm_log(p(topic.as_ptr()), topic.len() as i32, p(data.as_ptr()), data.len() as i32),
        native: crate::testing::with(|h| h.log(topic, data))
    )
}

/// Ends the call as failed with `message` as its reason (the receipt's failure reads
/// `aborted: <message>`; at most 256 bytes). Nothing the call did is kept.
pub fn abort(message: &[u8]) -> ! {
    #[cfg(target_arch = "wasm32")]
    {
        // SAFETY: `message` is a live buffer of its length.
        unsafe { sys::svm_abort(p(message.as_ptr()), message.len().min(256) as i32) };
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        panic!(
            "aborted: {}",
            alloc::string::String::from_utf8_lossy(message)
        )
    }
}

/// Ends the call because `function`'s calldata does not decode (`error` says why).
pub fn abort_with(function: &str, error: crate::abi::AbiError) -> ! {
    let mut message = crate::bytes::Text::new();
    message.push(function.as_bytes());
    message.push(b": ");
    error.write_to(&mut |piece| message.push(piece));
    abort(message.as_bytes())
}

/// The principal: the account that signed and pays for the transaction.
pub fn principal() -> Address {
    Address(host!(
        wasm: {
            let mut a = [0u8; 20];
            sys::svm_principal(p(a.as_mut_ptr()));
            a
        },
        native: crate::testing::with(|h| h.charged(50, h.principal.0))
    ))
}

/// The executing account (this template's account).
pub fn this() -> Address {
    Address(host!(
        wasm: {
            let mut a = [0u8; 20];
            sys::svm_self(p(a.as_mut_ptr()));
            a
        },
        native: crate::testing::with(|h| h.charged(50, h.this.0))
    ))
}

/// The coins sent with the transaction.
pub fn amount() -> u64 {
    host!(wasm: sys::svm_amount() as u64, native: crate::testing::with(|h| h.charged(50, h.amount)))
}

/// The layer being executed.
pub fn layer() -> u64 {
    host!(wasm: sys::svm_layer() as u64, native: crate::testing::with(|h| h.charged(50, h.layer)))
}

/// The executing account's balance.
pub fn balance() -> u64 {
    host!(wasm: sys::svm_balance() as u64, native: crate::testing::with(|h| h.balance_of(&h.this.clone())))
}

/// The balance of `account` (0 if it does not exist).
pub fn balance_of(account: &Address) -> u64 {
    host!(wasm: sys::svm_balance_of(p(account.0.as_ptr())) as u64, native: crate::testing::with(|h| h.balance_of(account)))
}

/// Moves `amount` coins from the executing account to `to` (a failed call if it cannot pay).
pub fn transfer(to: &Address, amount: u64) {
    host!(
        wasm: sys::svm_transfer(p(to.0.as_ptr()), amount as i64),
        native: crate::testing::with(|h| h.transfer(to, amount))
    )
}

/// The transaction's signing hash on this chain: what a signature in the verifydata signs.
pub fn sighash() -> [u8; 32] {
    host!(
        wasm: {
            let mut h = [0u8; 32];
            sys::svm_sighash(p(h.as_mut_ptr()));
            h
        },
        native: crate::testing::with(|m| m.charged(54, m.sighash))
    )
}

/// Reads storage variable `var` (`size` bytes).
pub fn load(var: u32, size: u32) -> Vec<u8> {
    host!(
        wasm: {
            let mut buf = crate::bytes::zeroed(size as usize);
            sys::svm_load(var as i32, p(buf.as_mut_ptr()));
            buf
        },
        native: {
            let bytes = crate::testing::with(|h| h.load(var));
            assert_eq!(bytes.len(), size as usize, "variable {var} holds {} bytes", bytes.len());
            bytes
        }
    )
}

/// Reads storage variable `var` into `out`, which must be the variable's size (the
/// `#[storage]` layout's sizes are its types' sizes).
pub(crate) fn load_to(var: u32, out: &mut [u8]) {
    host!(
        wasm: sys::svm_load(var as i32, p(out.as_mut_ptr())),
        native: {
            let bytes = crate::testing::with(|h| h.load(var));
            assert_eq!(bytes.len(), out.len(), "variable {var} holds {} bytes", bytes.len());
            out.copy_from_slice(&bytes)
        }
    )
}

/// Writes storage variable `var` (all its bytes).
pub fn store(var: u32, bytes: &[u8]) {
    host!(
        wasm: sys::svm_store(var as i32, p(bytes.as_ptr())),
        native: crate::testing::with(|h| h.store(var, bytes))
    )
}

/// The bytes a map read answers with: up to [`ON_STACK_MAP`] in one call, a larger answer
/// with a second call into a buffer of its size (both paid for).
#[cfg(target_arch = "wasm32")]
fn map_answer(call: impl Fn(i32, i32) -> i32) -> Option<Vec<u8>> {
    let mut buf = crate::bytes::zeroed(ON_STACK_MAP);
    let n = call(p(buf.as_mut_ptr()), ON_STACK_MAP as i32);
    if n < 0 {
        return None;
    }
    let n = n as usize;
    if n > ON_STACK_MAP {
        buf = crate::bytes::zeroed(n);
        call(p(buf.as_mut_ptr()), n as i32);
    }
    buf.truncate(n);
    Some(buf)
}

/// The first buffer of a map read: most keys and values fit it.
#[cfg(target_arch = "wasm32")]
const ON_STACK_MAP: usize = 256;

/// The value of `key` in map `map` of the executing account (`svm_map_get`).
pub fn map_get(map: u32, key: &[u8]) -> Option<Vec<u8>> {
    host!(
        wasm: map_answer(|out, cap| unsafe {
            // SAFETY: `key` is live for its length; `out` is a buffer of `cap` bytes.
            sys::svm_map_get(map as i32, p(key.as_ptr()), key.len() as i32, out, cap)
        }),
        native: crate::testing::with(|h| h.map_get(map, key))
    )
}

/// Sets `key` to `value` in map `map` (`svm_map_set`); returns whether the key had a value.
pub fn map_set(map: u32, key: &[u8], value: &[u8]) -> bool {
    host!(
        wasm: sys::svm_map_set(
            map as i32,
            p(key.as_ptr()),
            key.len() as i32,
            p(value.as_ptr()),
            value.len() as i32
        ) >= 0,
        native: crate::testing::with(|h| h.map_set(map, key, Some(value)))
    )
}

/// Removes `key` from map `map` (`svm_map_remove`); returns whether it had a value.
pub fn map_remove(map: u32, key: &[u8]) -> bool {
    host!(
        wasm: sys::svm_map_remove(map as i32, p(key.as_ptr()), key.len() as i32) >= 0,
        native: crate::testing::with(|h| h.map_set(map, key, None))
    )
}

/// The first entry of map `map` whose key is `>= from`, in key byte order (`svm_map_next`).
/// The next one is after the key with a zero byte appended.
pub fn map_next(map: u32, from: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    host!(
        wasm: {
            let entry = map_answer(|out, cap| unsafe {
                // SAFETY: `from` is live for its length; `out` is a buffer of `cap` bytes.
                sys::svm_map_next(map as i32, p(from.as_ptr()), from.len() as i32, out, cap)
            })?;
            let (len, rest) = entry.split_first_chunk::<4>()?;
            let key_len = u32::from_le_bytes(*len) as usize;
            let key = crate::bytes::copied(rest.get(..key_len)?);
            let value = crate::bytes::copied(rest.get(key_len..)?);
            Some((key, value))
        },
        native: crate::testing::with(|h| h.map_next(map, from))
    )
}

/// The output of the last call this frame made.
#[cfg(target_arch = "wasm32")]
fn call_output() -> Vec<u8> {
    // SAFETY: the buffer is live for the length copied into it.
    unsafe {
        let len = sys::svm_call_output_len() as u32 as usize;
        let mut buf = crate::bytes::zeroed(len);
        sys::svm_call_output_copy(p(buf.as_mut_ptr()), 0, len as i32);
        buf
    }
}

/// The result of a call: its output on status 0, else a [`CallError`].
#[cfg(target_arch = "wasm32")]
fn call_result(status: i32) -> Result<Vec<u8>, CallError> {
    let output = call_output();
    match status {
        0 => Ok(output),
        s => Err(CallError {
            status: s as u8,
            output,
        }),
    }
}

/// Calls `function` of the account `target` with `calldata` (`svm_call`), moving `amount`
/// coins from this account, giving it at most `gas` (0: all that may be forwarded, all but
/// 1/64 of what is left). The callee's returndata, or why the call did not succeed: a
/// failed callee undoes its own changes and never fails this call.
pub fn call(
    target: &Address,
    function: &str,
    calldata: &[u8],
    amount: u64,
    gas: u64,
) -> Result<Vec<u8>, CallError> {
    host!(
        wasm: call_result(sys::svm_call(
            p(target.0.as_ptr()),
            p(function.as_ptr()),
            function.len() as i32,
            p(calldata.as_ptr()),
            calldata.len() as i32,
            amount as i64,
            gas as i64
        )),
        native: {
            let _ = gas; // the mock does not meter callees
            crate::testing::mock_call(crate::testing::CallKind::Call, target, function, calldata, amount)
        }
    )
}

/// Calls `function` of `target` read-only (`svm_static_call`): the callee, and every call it
/// makes, fails on any state change.
pub fn static_call(
    target: &Address,
    function: &str,
    calldata: &[u8],
    gas: u64,
) -> Result<Vec<u8>, CallError> {
    host!(
        wasm: call_result(sys::svm_static_call(
            p(target.0.as_ptr()),
            p(function.as_ptr()),
            function.len() as i32,
            p(calldata.as_ptr()),
            calldata.len() as i32,
            gas as i64
        )),
        native: {
            let _ = gas; // the mock does not meter callees
            crate::testing::mock_call(crate::testing::CallKind::Static, target, function, calldata, 0)
        }
    )
}

/// Queues a call of `function` of `target` to run after the transaction (`svm_call_async`),
/// with `gas` reserved now; with `callback = Some((name, gas))`, this account's function
/// `name` runs after it, its input the call's status byte followed by its output.
pub fn call_async(
    target: &Address,
    function: &str,
    calldata: &[u8],
    amount: u64,
    gas: u64,
    callback: Option<(&str, u64)>,
) {
    let (cb, cb_gas) = callback.unwrap_or(("", 0));
    host!(
        wasm: sys::svm_call_async(
            p(target.0.as_ptr()),
            p(function.as_ptr()),
            function.len() as i32,
            p(calldata.as_ptr()),
            calldata.len() as i32,
            amount as i64,
            gas as i64,
            p(cb.as_ptr()),
            cb.len() as i32,
            cb_gas as i64
        ),
        native: crate::testing::with(|h| h.queue(target, function, calldata, amount, gas, cb, cb_gas))
    )
}

/// The account whose code called this one (the principal when the transaction called it).
pub fn caller() -> Address {
    Address(host!(
        wasm: {
            let mut a = [0u8; 20];
            sys::svm_caller(p(a.as_mut_ptr()));
            a
        },
        native: crate::testing::with(|h| h.charged(50, h.caller.0))
    ))
}

/// SHA3-256 of `data`.
pub fn sha3_256(data: &[u8]) -> [u8; 32] {
    host!(
        wasm: {
            let mut out = [0u8; 32];
            sys::svm_sha3_256(p(data.as_ptr()), data.len() as i32, p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| h.sha3_256(data))
    )
}

/// Whether `sig` is `public_key`'s ed25519 signature of `msg` (strict rules, as the host's).
pub fn ed25519_verify(msg: &[u8], sig: &[u8], public_key: &[u8]) -> bool {
    host!(
        wasm: sys::svm_ed25519_verify(
            p(msg.as_ptr()), msg.len() as i32,
            p(sig.as_ptr()), sig.len() as i32,
            p(public_key.as_ptr()), public_key.len() as i32,
        ) == 1,
        native: crate::testing::with(|h| h.ed25519_verify(msg, sig, public_key))
    )
}

/// keccak-256 of `data` (Ethereum's padding).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    host!(
        wasm: {
            let mut out = [0u8; 32];
            sys::svm_keccak256(p(data.as_ptr()), data.len() as i32, p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| h.keccak256(data))
    )
}

/// blake3 of `data`.
pub fn blake3(data: &[u8]) -> [u8; 32] {
    host!(
        wasm: {
            let mut out = [0u8; 32];
            sys::svm_blake3(p(data.as_ptr()), data.len() as i32, p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| h.blake3(data))
    )
}

/// Whether `sig` (64 bytes, low S) is the secp256k1 ECDSA signature of the 32-byte `prehash`
/// by the compressed public key `public_key` (33 bytes).
pub fn secp256k1_verify(prehash: &[u8; 32], sig: &[u8], public_key: &[u8]) -> bool {
    host!(
        wasm: sys::svm_secp256k1_verify(
            p(prehash.as_ptr()),
            p(sig.as_ptr()), sig.len() as i32,
            p(public_key.as_ptr()), public_key.len() as i32,
        ) == 1,
        native: crate::testing::with(|h| h.secp256k1_verify(prehash, sig, public_key))
    )
}

/// The transaction's id.
pub fn tx_id() -> [u8; 32] {
    host!(
        wasm: {
            let mut out = [0u8; 32];
            sys::svm_tx_id(p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| h.charged(50, h.tx_id))
    )
}

/// The chain's id.
pub fn chain_id() -> [u8; 32] {
    host!(
        wasm: {
            let mut out = [0u8; 32];
            sys::svm_chain_id(p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| h.charged(54, h.chain_id))
    )
}

/// The transaction's envelope (64 bytes: type, principal, amount, nonce, gas limit, gas fee).
pub fn envelope() -> [u8; 64] {
    host!(
        wasm: {
            let mut out = [0u8; 64];
            sys::svm_envelope(p(out.as_mut_ptr()));
            out
        },
        native: crate::testing::with(|h| {
            let mut out = [0u8; 64];
            for (o, b) in out.iter_mut().zip(&h.envelope) {
                *o = *b;
            }
            h.charged(58, out)
        })
    )
}

/// The transaction's message (the encoded deploy, spawn or call message).
pub fn message() -> Vec<u8> {
    host!(
        wasm: {
            let len = sys::svm_message_len() as u32 as usize;
            let mut buf = crate::bytes::zeroed(len);
            sys::svm_message_copy(p(buf.as_mut_ptr()), 0, len as i32);
            buf
        },
        native: crate::testing::with(|h| {
            let len = h.message.len();
            h.charged(100 + len.div_ceil(8) as u64, h.message.clone())
        })
    )
}

/// The size in bytes of storage variable `var`.
pub fn var_len(var: u32) -> u32 {
    host!(
        wasm: sys::svm_var_len(var as i32) as u32,
        native: crate::testing::with(|h| h.var_len(var))
    )
}

/// Storage variable `var` (at most 8 bytes) as a little-endian integer, zero-extended.
pub fn load64(var: u32) -> u64 {
    host!(
        wasm: sys::svm_load64(var as i32) as u64,
        native: {
            let bytes = crate::testing::with(|h| h.load(var));
            let mut a = [0u8; 8];
            for (o, b) in a.iter_mut().zip(&bytes) {
                *o = *b;
            }
            u64::from_le_bytes(a)
        }
    )
}

/// Sets storage variable `var` (at most 8 bytes) to the low bytes of `value`, little-endian.
pub fn store64(var: u32, value: u64) {
    host!(
        wasm: sys::svm_store64(var as i32, value as i64),
        native: crate::testing::with(|h| {
            let size = h.var_len(var) as usize;
            h.store(var, &value.to_le_bytes()[..size.min(8)])
        })
    )
}

/// `len` raw bytes of the account's storage from byte `offset` (the variables laid out one
/// after the other).
pub fn storage_read(offset: u32, len: u32) -> Vec<u8> {
    host!(
        wasm: {
            let mut buf = crate::bytes::zeroed(len as usize);
            sys::svm_storage_read(offset as i32, p(buf.as_mut_ptr()), len as i32);
            buf
        },
        native: crate::testing::with(|h| h.storage_read(offset, len))
    )
}

/// Writes raw bytes of the account's storage from byte `offset`.
pub fn storage_write(offset: u32, bytes: &[u8]) {
    host!(
        wasm: sys::svm_storage_write(offset as i32, p(bytes.as_ptr()), bytes.len() as i32),
        native: crate::testing::with(|h| h.storage_write(offset, bytes))
    )
}

/// Sets register `index` of the `bits`-wide bank (32, 64, 128, 160, 256 or 512) to `data`,
/// zero-padded. Registers are the original SVM's scratch space; typed storage and plain Rust
/// values replace them in new templates.
pub fn reg_set(bits: u32, index: u32, data: &[u8]) {
    host!(
        wasm: sys::svm_reg_set(bits as i32, index as i32, p(data.as_ptr()), data.len() as i32),
        native: crate::testing::with(|h| h.reg_set(bits, index, data))
    )
}

/// Register `index` of the `bits`-wide bank (its full width).
pub fn reg_get(bits: u32, index: u32) -> Vec<u8> {
    host!(
        wasm: {
            let mut buf = crate::bytes::zeroed(bits as usize / 8);
            sys::svm_reg_get(bits as i32, index as i32, p(buf.as_mut_ptr()));
            buf
        },
        native: crate::testing::with(|h| h.reg_get(bits, index))
    )
}

/// Loads storage variable `var` into a register.
pub fn reg_load_var(bits: u32, index: u32, var: u32) {
    host!(
        wasm: sys::svm_reg_load_var(bits as i32, index as i32, var as i32),
        native: crate::testing::with(|h| {
            let value = h.load(var);
            h.reg_set(bits, index, &value)
        })
    )
}

/// Stores a register's first bytes (the variable's size) into storage variable `var`.
pub fn reg_store_var(bits: u32, index: u32, var: u32) {
    host!(
        wasm: sys::svm_reg_store_var(bits as i32, index as i32, var as i32),
        native: crate::testing::with(|h| {
            let size = h.var_len(var) as usize;
            let value = h.reg_get(bits, index);
            let Some(bytes) = value.get(..size) else {
                panic!("register: variable {var} ({size} bytes) is wider than the register");
            };
            h.store(var, bytes)
        })
    )
}

/// The balance of the address in register `index` of the 160-bit bank.
pub fn balance_from_reg(index: u32) -> u64 {
    host!(
        wasm: sys::svm_get_balance_from_reg(160, index as i32) as u64,
        native: crate::testing::with(|h| {
            let a = h.reg_address(index);
            h.balance_of(&a)
        })
    )
}

/// Moves `amount` coins from the executing account to the address in register `index` of the
/// 160-bit bank.
pub fn transfer_from_reg(index: u32, amount: u64) {
    host!(
        wasm: sys::svm_transfer_from_reg(160, index as i32, amount as i64),
        native: crate::testing::with(|h| {
            let a = h.reg_address(index);
            h.transfer(&a, amount)
        })
    )
}
