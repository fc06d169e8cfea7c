//! Sending a transaction to a runtime as a node does: an envelope, the transaction's id,
//! `Runtime::execute`. The workloads' setups and their svm figures go through here.

use svm_codec::{Context, Envelope, Message, Receipt, Transaction, TxType};
use svm_kv::KVStore;
use svm_runtime::Runtime;
use svm_storage::GlobalState;
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce};

/// An envelope at gas price 1 (the type is set from the message by `Transaction::new`).
pub(crate) fn envelope(principal: Address, nonce: u128, amount: u64, gas: u64) -> Envelope {
    Envelope {
        tx_type: TxType::Call,
        principal,
        amount: Amount(amount),
        nonce: Nonce(nonce),
        gas_limit: Gas(gas),
        gas_fee: GasFee(1),
    }
}

/// Executes `message` from `principal` (with `nonce`, sending `amount`) in `layer`; its
/// receipt. A node fault ends the benchmark.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute<K: KVStore + 'static>(
    rt: &mut Runtime<GlobalState<K>>,
    layer: Layer,
    principal: Address,
    nonce: u128,
    amount: u64,
    message: Message,
    gas: u64,
) -> Receipt {
    let tx = Transaction::new(envelope(principal, nonce, amount, gas), message);
    let ctx = Context {
        layer,
        tx_id: tx.id(),
    };
    rt.execute(&tx, &ctx).expect("no node fault")
}
