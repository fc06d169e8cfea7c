//! How a node embeds svm: open a runtime over its store, then per block open a layer, execute
//! decoded transactions into receipts, and commit. Run it with
//! `cargo run -p svm-runtime --features examples --example embed`.

use svm_codec::{
    CallMessage, Context, Envelope, Message, Receipt, SpawnMessage, Transaction, TxType,
};
use svm_kv::MemoryStore;
use svm_runtime::{Error, Runtime, RuntimeConfig, examples::COUNTER};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce};

fn main() -> Result<(), Error> {
    // One runtime for the node's life, over its store (here in memory; a node would use
    // `svm_kv::RocksStore` with the `rocksdb` feature, and a `CacheConfig::dir` for artifacts).
    // `development()`: alice below has no keys. On a chain every principal is a wallet whose
    // `svm_verify` checks a signature (the `signed_wallet` example template, self-spawned).
    let mut rt = Runtime::new(MemoryStore::new(), RuntimeConfig::development())?;
    let alice = Address([0xA1; 20]);

    // Genesis: fund an account outside any transaction.
    rt.open(Layer(1))?;
    rt.increase_balance(&alice, Amount(100_000_000))?;
    let (_, genesis) = rt.commit()?;
    println!("layer 1 root {genesis}");

    // Block 2: deploy the counter template, spawn an account from it, call it.
    rt.open(Layer(2))?;
    let deploy = COUNTER
        .deploy_message()
        .expect("the example template parses");
    let mut nonce = 0;
    let mut next = |message: Message| {
        let envelope = Envelope {
            tx_type: TxType::Call, // set from the message by `Transaction::new`
            principal: alice,
            amount: Amount(0),
            nonce: Nonce(nonce),
            gas_limit: Gas(20_000_000),
            gas_fee: GasFee(1),
        };
        nonce += 1;
        Transaction::new(envelope, message)
    };
    // the context names the block's layer and the transaction's id (which the runtime
    // recomputes from the bytes and checks)
    let context = |tx: &Transaction| Context {
        layer: Layer(2),
        tx_id: tx.id(),
    };

    let tx = next(Message::Deploy(deploy));
    let Receipt::Deploy(deployed) = rt.execute(&tx, &context(&tx))? else {
        unreachable!("a deploy gives a deploy receipt")
    };
    let template = deployed.result.expect("the counter deploys");
    println!("deployed {template}, gas {}", deployed.gas_used.0);

    let spawn = SpawnMessage {
        template,
        name: "my counter".into(),
        ctor: "initialize".into(),
        calldata: 5u64.to_le_bytes().to_vec(),
    };
    let tx = next(Message::Spawn(spawn));
    let Receipt::Spawn(spawned) = rt.execute(&tx, &context(&tx))? else {
        unreachable!("a spawn gives a spawn receipt")
    };
    let counter = spawned.result.expect("the counter spawns").account;
    println!("spawned {counter}, gas {}", spawned.gas_used.0);

    let call = CallMessage {
        target: counter,
        function: "add".into(),
        calldata: 3u64.to_le_bytes().to_vec(),
    };
    let tx = next(Message::Call(call));
    let Receipt::Call(called) = rt.execute(&tx, &context(&tx))? else {
        unreachable!("a call gives a call receipt")
    };
    let out = called.result.expect("add succeeds");
    assert_eq!(out.returndata, 8u64.to_le_bytes());
    println!("add(3) returned 8, gas {}", called.gas_used.0);

    // Failed receipts are ordinary results; an `Err` from any method is the node's own fault
    // (I/O, corruption): stop and retry the block, never record a receipt for it.
    let (layer, root) = rt.commit()?;
    println!("layer {layer} root {root}");
    Ok(())
}
