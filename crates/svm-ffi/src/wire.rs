//! Codec helpers that need no runtime: envelopes to and from bytes, transaction ids and
//! signing hashes. One codec, in Rust, for every host language.

use svm_codec::{Codec, Envelope, SpawnMessage, self_spawn_addr_from_bytes, signing_hash, tx_id};
use svm_types::ChainId;

use crate::buf::{OutBuf, svm_buf_t};
use crate::error::{FfiError, svm_error_t};
use crate::guard::{self, catch};
use crate::types::{svm_address_t, svm_bytes32_t, svm_envelope_t};

/// Decodes a 64-byte wire envelope (`SVM_ERR_INVALID_MESSAGE` with the offset if it does
/// not decode, or has trailing bytes).
///
/// # Safety
/// `bytes` points to `len` readable bytes (or is NULL with length 0); `env_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_envelope_decode(
    bytes: *const u8,
    len: usize,
    env_out: *mut svm_envelope_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `bytes`.
        let bytes = unsafe { guard::bytes(bytes, len, "bytes") }?;
        let out = guard::output(env_out, "env_out")?;
        let env = Envelope::decode(bytes).map_err(|e| {
            FfiError::new(
                crate::error::SVM_ERR_INVALID_MESSAGE,
                format!("envelope: {e}"),
            )
        })?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write((&env).into()) };
        Ok(())
    })
}

/// Encodes an envelope to its 64 wire bytes in `*bytes_out` (empty on entry; the caller's
/// to free).
///
/// # Safety
/// `env` points to an `svm_envelope_t`; `bytes_out` to a writable, empty `svm_buf_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_envelope_encode(
    env: *const svm_envelope_t,
    bytes_out: *mut svm_buf_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `env` and `bytes_out`.
        let env = unsafe { guard::input(env, "env") }?.to_envelope()?;
        let out = unsafe { OutBuf::new(bytes_out, "bytes_out") }?;
        out.fill(env.encode());
        Ok(())
    })
}

/// The id of the transaction (envelope, verifydata, message bytes): what the context of a
/// transaction must carry (`docs/spec/codec.md` §9).
///
/// # Safety
/// `env` points to an `svm_envelope_t`; `verifydata` and `msg` to their bytes (or NULL with
/// length 0); `tx_id_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_tx_id(
    env: *const svm_envelope_t,
    verifydata: *const u8,
    verifydata_len: usize,
    msg: *const u8,
    msg_len: usize,
    tx_id_out: *mut svm_bytes32_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for each argument.
        let env = unsafe { guard::input(env, "env") }?.to_envelope()?;
        let verifydata = unsafe { guard::bytes(verifydata, verifydata_len, "verifydata") }?;
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        let out = guard::output(tx_id_out, "tx_id_out")?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write(tx_id(&env, verifydata, msg).into()) };
        Ok(())
    })
}

/// The hash a transaction's signature signs on chain `chain_id`: it covers the envelope and
/// the message, not the verifydata that carries the signature (`docs/spec/codec.md` §9).
///
/// # Safety
/// `chain_id` and `env` point to their structs; `msg` to its bytes (or NULL with length 0);
/// `hash_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_signing_hash(
    chain_id: *const svm_bytes32_t,
    env: *const svm_envelope_t,
    msg: *const u8,
    msg_len: usize,
    hash_out: *mut svm_bytes32_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for each argument.
        let chain: ChainId = (*unsafe { guard::input(chain_id, "chain_id") }?).into();
        let env = unsafe { guard::input(env, "env") }?.to_envelope()?;
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        let out = guard::output(hash_out, "hash_out")?;
        let hash = signing_hash(&chain, &env, msg);
        // SAFETY: checked by `output`; writable per the contract.
        unsafe { out.write(svm_bytes32_t { bytes: hash.0 }) };
        Ok(())
    })
}

/// The address a wallet spawns itself at: the account a spawn message creates when its
/// principal is this very address (a keyless account funded first, which authorises its own
/// spawn with the new wallet's `svm_verify`). The message must decode as a spawn message
/// (`SVM_ERR_INVALID_MESSAGE` otherwise).
///
/// # Safety
/// `msg` points to `msg_len` readable bytes (or is NULL with length 0); `addr_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn svm_self_spawn_addr(
    msg: *const u8,
    msg_len: usize,
    addr_out: *mut svm_address_t,
) -> *mut svm_error_t {
    catch(|| {
        // SAFETY: the caller's contract for `msg`.
        let msg = unsafe { guard::bytes(msg, msg_len, "msg") }?;
        let out = guard::output(addr_out, "addr_out")?;
        SpawnMessage::decode(msg).map_err(|e| {
            FfiError::new(
                crate::error::SVM_ERR_INVALID_MESSAGE,
                format!("spawn message: {e}"),
            )
        })?;
        // SAFETY: checked by `output`; writable per the contract.
        unsafe {
            out.write(svm_address_t {
                bytes: self_spawn_addr_from_bytes(msg).0,
            })
        };
        Ok(())
    })
}
