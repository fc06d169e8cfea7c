//! Encode/decode throughput of each message, a receipt and calldata; `json_to_bytes` and
//! `bytes_to_json` are what the JavaScript package's `encode` and `decode` do in Wasm
//! (`bindings/js/bench` measures the same items there).
//! Run: `cargo bench -p svm-codec --bench codec -- --warm-up-time 1 --measurement-time 2`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use svm_codec::abi::{self, AbiType, Value};
use svm_codec::json::JsonForm;
use svm_codec::*;
use svm_types::*;

fn calldata_values() -> Vec<Value> {
    vec![
        Value::Address(Address([0x8f; 20])),
        Value::Bool(true),
        Value::U64(123_456_789),
        Value::Amount(Amount(10_000)),
        Value::String("transfer to savings".into()),
        Value::Array {
            elem: AbiType::U32,
            items: (0..16).map(Value::U32).collect(),
        },
    ]
}

fn bench_item<T: Codec + JsonForm>(c: &mut Criterion, name: &str, kind: ItemKind, item: &T) {
    let bytes = item.encode();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function(BenchmarkId::new("encode", bytes.len()), |b| {
        b.iter(|| black_box(item).encode())
    });
    g.bench_function(BenchmarkId::new("decode", bytes.len()), |b| {
        b.iter(|| T::decode(black_box(&bytes)).unwrap())
    });
    let json = item.to_json_string();
    g.bench_function(BenchmarkId::new("json_parse", bytes.len()), |b| {
        b.iter(|| T::from_json_str(black_box(&json)).unwrap())
    });
    bench_json(&mut g, kind, &bytes, &json);
    g.finish();
}

/// JSON text to bytes and bytes to JSON text, through [`ItemKind`].
fn bench_json(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    kind: ItemKind,
    bytes: &[u8],
    json: &str,
) {
    g.bench_function(BenchmarkId::new("json_to_bytes", bytes.len()), |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(json)).unwrap();
            kind.encode_json(&v).unwrap()
        })
    });
    g.bench_function(BenchmarkId::new("bytes_to_json", bytes.len()), |b| {
        b.iter(|| {
            kind.decode_json(black_box(bytes), &CodecLimits::DEFAULT)
                .unwrap()
                .to_string()
        })
    });
}

fn benches(c: &mut Criterion) {
    let calldata = abi::encode(&calldata_values()).unwrap();
    let env = Envelope {
        tx_type: TxType::Call,
        principal: Address([1; 20]),
        amount: Amount(5),
        nonce: Nonce(9),
        gas_limit: Gas(1_000_000),
        gas_fee: GasFee(1),
    };
    bench_item(c, "envelope", ItemKind::Envelope, &env);
    let call = CallMessage {
        target: Address([6; 20]),
        function: "store_addr".into(),
        calldata: calldata.clone(),
    };
    bench_item(c, "call", ItemKind::Call, &call);
    let spawn = SpawnMessage {
        template: TemplateAddr([0xb5; 20]),
        name: "My Account".into(),
        ctor: "initialize".into(),
        calldata: calldata.clone(),
    };
    bench_item(c, "spawn", ItemKind::Spawn, &spawn);
    let deploy = DeployMessage {
        code: CodeSection {
            kind: CodeKind::Wasm,
            flags: CODE_FLAG_EXEC,
            code: vec![0x42; 64 * 1024],
        },
        data: DataSection {
            vars: vec![20, 8, 8, 32],
        },
        ctors: vec!["initialize".into()],
        api: Some("[]".into()),
        header: None,
        extra: vec![],
    };
    bench_item(c, "deploy_64k", ItemKind::Deploy, &deploy);
    let receipt = CallReceipt {
        result: Ok(CallOutput {
            new_state: State([7; 32]),
            returndata: calldata.clone(),
        }),
        gas_used: Gas(21_000),
        logs: vec![
            Log {
                topic: b"transfer".to_vec(),
                data: vec![1; 64]
            };
            2
        ],
        touched_accounts: vec![Address([1; 20]), Address([6; 20])].into(),
        calls: vec![],
    };
    bench_item(c, "call_receipt", ItemKind::CallReceipt, &receipt);

    let values = calldata_values();
    let mut g = c.benchmark_group("calldata");
    g.throughput(Throughput::Bytes(calldata.len() as u64));
    g.bench_function(BenchmarkId::new("encode", calldata.len()), |b| {
        b.iter(|| abi::encode(black_box(&values)).unwrap())
    });
    g.bench_function(BenchmarkId::new("decode", calldata.len()), |b| {
        b.iter(|| abi::decode(black_box(&calldata)).unwrap())
    });
    let json = abi::to_json(&values).to_string();
    bench_json(&mut g, ItemKind::Calldata, &calldata, &json);
    g.finish();

    let tx = Transaction::new(env, Message::Call(call));
    let mut g = c.benchmark_group("derive");
    g.bench_function("tx_id", |b| b.iter(|| black_box(&tx).id()));
    g.bench_function("account_addr", |b| {
        b.iter(|| account_addr(black_box(&Address([1; 20])), Nonce(1), black_box(&spawn)))
    });
    g.finish();
}

criterion_group!(codec, benches);
criterion_main!(codec);
