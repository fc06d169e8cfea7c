//! Golden vectors: `tests/vectors/codec.json` holds, per item, its hex and its JSON. This test
//! checks both directions (JSON -> bytes == hex, hex -> JSON == json) and the listed decoding
//! failures (code, offset, message). Items are named as [`ItemKind`] names them; the
//! JavaScript package checks itself against the same file (`bindings/js/test`). Regenerate with `SVM_REGEN_VECTORS=1 cargo test -p svm-codec --test vectors`.

use serde_json::{Value as Json, json};
use svm_codec::abi::{self, AbiType, Value};
use svm_codec::json::{Calldata, JsonForm};
use svm_codec::*;
use svm_types::*;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/codec.json");

fn a(b: u8) -> Address {
    Address([b; 20])
}

fn spawn_example() -> SpawnMessage {
    json::spawn_from_json(
        r#"{
  "version": 0,
  "template": "b5eba98957e6a93173ffb50207cceeedfddb1a72",
  "name": "My Account",
  "ctor_name": "initialize",
  "calldata": {
    "abi": ["address", "bool"],
    "data": ["8f20ed1a0e342c2a75b1b3f8014545dd3d886078", true]
  }
}"#,
    )
    .unwrap()
}

fn call_example() -> CallMessage {
    json::call_from_json(
        r#"{
  "version": 0,
  "target": "066818abe361dd44f425da19e17c45babc40e232",
  "func_name": "store_addr",
  "calldata": {
    "abi": ["address"],
    "data": ["102030405060708090102030405060708090AABB"]
  }
}"#,
    )
    .unwrap()
}

/// A call carrying 64 bytes of verifydata (where a signature goes).
fn signed_call() -> Transaction {
    Transaction::new(envelope(TxType::Call), Message::Call(call_example()))
        .with_verifydata((0..64).collect())
}

fn deploy_example() -> DeployMessage {
    DeployMessage {
        code: CodeSection {
            kind: CodeKind::Wasm,
            flags: CODE_FLAG_EXEC,
            code: b"\0asm\x01\0\0\0".to_vec(),
        },
        data: DataSection {
            vars: vec![20, 8, 1],
        },
        ctors: vec!["initialize".into(), "init_empty".into()],
        api: Some(r#"[{"name":"initialize","is_ctor":true}]"#.into()),
        header: Some(HeaderSection {
            code_version: 1,
            name: "Wallet".into(),
            description: "A simple wallet".into(),
        }),
        extra: vec![RawSection {
            kind: 0x8001,
            body: vec![0xde, 0xad],
        }],
    }
}

fn envelope(tx_type: TxType) -> Envelope {
    Envelope {
        tx_type,
        principal: a(0x11),
        amount: Amount(1000),
        nonce: Nonce(u128::MAX),
        gas_limit: Gas(1_000_000),
        gas_fee: GasFee(1),
    }
}

fn abi_edge_values() -> Vec<(&'static str, Vec<Value>)> {
    let arr = |elem: AbiType, items: Vec<Value>| Value::Array { elem, items };
    vec![
        ("abi bool", vec![Value::Bool(false), Value::Bool(true)]),
        ("abi u8", vec![Value::U8(0), Value::U8(u8::MAX)]),
        (
            "abi i8",
            vec![Value::I8(i8::MIN), Value::I8(-1), Value::I8(i8::MAX)],
        ),
        ("abi u16", vec![Value::U16(0), Value::U16(u16::MAX)]),
        ("abi i16", vec![Value::I16(i16::MIN), Value::I16(i16::MAX)]),
        ("abi u32", vec![Value::U32(0), Value::U32(u32::MAX)]),
        (
            "abi i32",
            vec![Value::I32(i32::MIN), Value::I32(-1), Value::I32(i32::MAX)],
        ),
        (
            "abi u64",
            vec![Value::U64(0), Value::U64(1 << 53), Value::U64(u64::MAX)],
        ),
        ("abi i64", vec![Value::I64(i64::MIN), Value::I64(i64::MAX)]),
        ("abi u128", vec![Value::U128(0), Value::U128(u128::MAX)]),
        (
            "abi i128",
            vec![Value::I128(i128::MIN), Value::I128(i128::MAX)],
        ),
        (
            "abi amount",
            vec![Value::Amount(Amount(0)), Value::Amount(Amount::MAX)],
        ),
        (
            "abi address",
            vec![Value::Address(Address::zero()), Value::Address(a(0xff))],
        ),
        (
            "abi bytes",
            vec![Value::Bytes(vec![]), Value::Bytes(vec![0, 1, 0xff])],
        ),
        (
            "abi string",
            vec![
                Value::String(String::new()),
                Value::String("héllo ✓".into()),
            ],
        ),
        ("abi empty", vec![]),
        ("abi array empty", vec![arr(AbiType::U32, vec![])]),
        (
            "abi array u32",
            vec![arr(AbiType::U32, vec![Value::U32(1), Value::U32(u32::MAX)])],
        ),
        (
            "abi nested arrays",
            vec![arr(
                AbiType::Array(Box::new(AbiType::String)),
                vec![
                    arr(
                        AbiType::String,
                        vec![Value::String("a".into()), Value::String("".into())],
                    ),
                    arr(AbiType::String, vec![]),
                ],
            )],
        ),
        (
            "abi array of addresses and bytes",
            vec![
                arr(
                    AbiType::Address,
                    vec![Value::Address(a(1)), Value::Address(a(2))],
                ),
                arr(
                    AbiType::Bytes,
                    vec![Value::Bytes(vec![]), Value::Bytes(vec![7])],
                ),
            ],
        ),
    ]
}

/// (name, item, json, hex)
fn build() -> Vec<(String, &'static str, Json, String)> {
    let mut v: Vec<(String, &'static str, Json, String)> = Vec::new();
    fn push<T: Codec + JsonForm>(
        v: &mut Vec<(String, &'static str, Json, String)>,
        name: &str,
        item: &'static str,
        x: &T,
    ) {
        v.push((name.to_owned(), item, x.to_json(), hex::encode(x.encode())));
    }
    push(&mut v, "envelope call", "envelope", &envelope(TxType::Call));
    push(
        &mut v,
        "envelope deploy zero",
        "envelope",
        &Envelope {
            tx_type: TxType::Deploy,
            principal: Address::zero(),
            amount: Amount(0),
            nonce: Nonce(0),
            gas_limit: Gas(0),
            gas_fee: GasFee(0),
        },
    );
    push(
        &mut v,
        "context",
        "context",
        &Context {
            layer: Layer(u64::MAX),
            tx_id: TxId([0xab; 32]),
        },
    );
    push(&mut v, "spawn go-svm example", "spawn", &spawn_example());
    push(
        &mut v,
        "spawn hex calldata, no name",
        "spawn",
        &SpawnMessage {
            template: TemplateAddr([3; 20]),
            name: String::new(),
            ctor: "init".into(),
            calldata: vec![0xff, 0x00],
        },
    );
    push(&mut v, "call go-svm example", "call", &call_example());
    push(&mut v, "deploy all sections", "deploy", &deploy_example());
    push(
        &mut v,
        "deploy minimal",
        "deploy",
        &DeployMessage {
            ctors: vec!["init".into()],
            ..Default::default()
        },
    );
    let spawn_tx = Transaction::new(envelope(TxType::Spawn), Message::Spawn(spawn_example()));
    push(&mut v, "transaction spawn", "transaction", &spawn_tx);
    push(
        &mut v,
        "transaction call with verifydata",
        "transaction",
        &signed_call(),
    );
    let logs = vec![
        Log {
            topic: vec![],
            data: b"hello".to_vec(),
        },
        Log {
            topic: vec![1, 2],
            data: vec![],
        },
    ];
    let touched: TouchedAccounts = vec![a(3), a(1), a(2)].into();
    push(
        &mut v,
        "deploy receipt success",
        "deploy_receipt",
        &DeployReceipt {
            result: Ok(template_addr(&deploy_example())),
            gas_used: Gas(5000),
            logs: vec![],
        },
    );
    push(
        &mut v,
        "deploy receipt failure compilation",
        "deploy_receipt",
        &DeployReceipt {
            result: Err(RuntimeError::CompilationFailed("bad wasm".into())),
            gas_used: Gas(100),
            logs: vec![],
        },
    );
    push(
        &mut v,
        "spawn receipt success",
        "spawn_receipt",
        &SpawnReceipt {
            result: Ok(SpawnOutput {
                account: account_addr(&a(0x11), Nonce(u128::MAX), &spawn_example()),
                init_state: State([7; 32]),
                returndata: abi::encode(&[Value::Bool(true)]).unwrap(),
            }),
            gas_used: Gas(20_000),
            logs: logs.clone(),
            touched_accounts: touched.clone(),
            calls: vec![],
        },
    );
    push(
        &mut v,
        "spawn receipt failure func-not-ctor",
        "spawn_receipt",
        &SpawnReceipt {
            result: Err(RuntimeError::FuncNotCtor("store_addr".into())),
            gas_used: Gas(300),
            logs: vec![],
            touched_accounts: vec![a(0x11)].into(),
            calls: vec![],
        },
    );
    push(
        &mut v,
        "call receipt success",
        "call_receipt",
        &CallReceipt {
            result: Ok(CallOutput {
                new_state: State([9; 32]),
                returndata: vec![],
            }),
            gas_used: Gas(u64::MAX),
            logs: logs.clone(),
            touched_accounts: touched,
            calls: vec![],
        },
    );
    push(
        &mut v,
        "call receipt with a call tree",
        "call_receipt",
        &CallReceipt {
            result: Ok(CallOutput {
                new_state: State([3; 32]),
                returndata: vec![1],
            }),
            gas_used: Gas(250_000),
            logs: vec![],
            touched_accounts: vec![a(1), a(2)].into(),
            calls: vec![
                CallFrame {
                    depth: 1,
                    kind: CallKind::Call,
                    caller: a(2),
                    callee: a(3),
                    function: "transfer".into(),
                    gas_used: Gas(90_000),
                    status: CallStatus::Ok,
                },
                CallFrame {
                    depth: 2,
                    kind: CallKind::Static,
                    caller: a(3),
                    callee: a(4),
                    function: "price".into(),
                    gas_used: Gas(30_000),
                    status: CallStatus::Failed,
                },
                CallFrame {
                    depth: 1,
                    kind: CallKind::Async,
                    caller: a(2),
                    callee: a(5),
                    function: "notify".into(),
                    gas_used: Gas(40_000),
                    status: CallStatus::Reentrant,
                },
                CallFrame {
                    depth: 1,
                    kind: CallKind::Callback,
                    caller: a(5),
                    callee: a(2),
                    function: "on_notify".into(),
                    gas_used: Gas(20_000),
                    status: CallStatus::OutOfGas,
                },
            ],
        },
    );
    let errors = vec![
        RuntimeError::OutOfGas,
        RuntimeError::TemplateNotFound(TemplateAddr([5; 20])),
        RuntimeError::AccountNotFound(a(6)),
        RuntimeError::InstantiationFailed("no memory".into()),
        RuntimeError::FuncNotFound("nope".into()),
        RuntimeError::FuncNotAllowed {
            function: "initialize".into(),
            message: "constructor".into(),
        },
        RuntimeError::FuncInvalidSignature("run".into()),
        RuntimeError::Trap("unreachable".into()),
        RuntimeError::InsufficientFunds,
        RuntimeError::NonceMismatch {
            expected: Nonce(1),
            found: Nonce(u128::MAX),
        },
        RuntimeError::ValidationFailed("ctor missing".into()),
        RuntimeError::TemplateAlreadyExists(TemplateAddr([8; 20])),
        RuntimeError::AccountAlreadyExists(a(9)),
        RuntimeError::VerifyFailed,
        RuntimeError::InvalidMessage("at byte 3: ...".into()),
        RuntimeError::GasFeeTooLow {
            minimum: 1,
            found: 0,
        },
        RuntimeError::GasLimitTooHigh {
            maximum: 1_000_000_000,
            found: u64::MAX,
        },
        RuntimeError::NonceExhausted,
        RuntimeError::PrincipalNotFound(a(10)),
        RuntimeError::NoTemplate(a(11)),
        RuntimeError::AccountGasCap {
            account: a(12),
            maximum: 5_000,
            found: 100_000,
        },
        RuntimeError::GasLimitTooLow {
            minimum: 10_340,
            found: 0,
        },
    ];
    for e in errors {
        let name = format!("call receipt failure {}", e.name());
        push(
            &mut v,
            &name,
            "call_receipt",
            &CallReceipt {
                result: Err(e),
                gas_used: Gas(42),
                logs: vec![],
                touched_accounts: TouchedAccounts::new(),
                calls: vec![],
            },
        );
    }
    for (name, values) in abi_edge_values() {
        v.push((
            name.to_owned(),
            "calldata",
            Calldata(values.clone()).to_json(),
            hex::encode(abi::encode(&values).unwrap()),
        ));
    }
    v
}

/// Invalid inputs: (name, item, hex); the error is what decoding them gives.
fn invalid() -> Vec<(&'static str, &'static str, String)> {
    let spawn = hex::encode(SpawnMessage::default().encode());
    vec![
        ("empty input", "spawn", String::new()),
        ("unknown version", "spawn", format!("0001{}", &spawn[4..])),
        ("wrong item kind", "spawn", format!("000012{}", &spawn[6..])),
        ("trailing byte", "spawn", format!("{spawn}00")),
        ("truncated", "spawn", spawn[..spawn.len() - 2].to_owned()),
        (
            "length beyond limit",
            "call",
            format!("000012{}ffffffff", "00".repeat(20)),
        ),
        (
            "length beyond input",
            "call",
            format!("000012{}00000005ab", "00".repeat(20)),
        ),
        (
            "invalid utf-8 name",
            "spawn",
            format!("000011{}00000002c328{}", "00".repeat(20), "00".repeat(8)),
        ),
        (
            "unknown tx type",
            "envelope",
            format!("00000103{}", "00".repeat(60)),
        ),
        (
            "non-canonical bool in receipt",
            "call_receipt",
            format!("00002202{}", "00".repeat(20)),
        ),
        (
            "unknown error code",
            "call_receipt",
            format!("000022000063{}", "00".repeat(20)),
        ),
        (
            "unknown call kind",
            "call_receipt",
            format!(
                "00002200000100000000000000000000000000000000000000010107{}",
                "00".repeat(60)
            ),
        ),
        (
            "unknown call status",
            "call_receipt",
            format!(
                "00002200000100000000000000000000000000000000000000010100{}00000000{}09",
                "00".repeat(40),
                "00".repeat(8)
            ),
        ),
        ("abi non-canonical bool", "calldata", "0102".into()),
        ("abi unknown marker", "calldata", "11".into()),
        ("abi reserved marker 0", "calldata", "00".into()),
        (
            "abi array count beyond input",
            "calldata",
            "1006ffffffff".into(),
        ),
        ("abi too deep", "calldata", format!("{}02", "10".repeat(17))),
        (
            "touched accounts not ascending",
            "call_receipt",
            format!(
                "00002201{}00000000{}0000000000000002{}{}",
                "00".repeat(32),
                "00".repeat(8),
                "02".repeat(20),
                "01".repeat(20)
            ),
        ),
        (
            "deploy sections out of order",
            "deploy",
            "0000100002000200000005010000000000010000000000".into(),
        ),
        (
            "deploy unknown required section",
            "deploy",
            "000010000100070000000000".into(),
        ),
        ("deploy missing sections", "deploy", "0000100000".into()),
    ]
}

fn item(name: &str) -> ItemKind {
    name.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn decode_err(name: &str, bytes: &[u8]) -> Option<DecodeError> {
    item(name).decode_json(bytes, &CodecLimits::DEFAULT).err()
}

/// Both directions through [`ItemKind`], and the item recognised from its header.
fn check_valid(name: &str, item_name: &str, json: &Json, hex_str: &str) {
    let kind = item(item_name);
    let bytes = hex::decode(hex_str).unwrap();
    let encoded = kind
        .encode_json(json)
        .unwrap_or_else(|e| panic!("{name}: JSON does not parse: {e}"));
    assert_eq!(hex::encode(encoded), hex_str, "{name}: encode(json) != hex");
    let decoded = kind
        .decode_json(&bytes, &CodecLimits::DEFAULT)
        .unwrap_or_else(|e| panic!("{name}: hex does not decode: {e}"));
    assert_eq!(&decoded, json, "{name}: decode(hex) != json");
    if kind == ItemKind::Calldata {
        return; // no header
    }
    assert_eq!(
        ItemKind::detect(&bytes).unwrap(),
        kind,
        "{name}: recognised"
    );
    if item_name.ends_with("_receipt") {
        let any = ItemKind::Receipt.decode_json(&bytes, &CodecLimits::DEFAULT);
        assert_eq!(any.as_ref(), Ok(json), "{name}: as any receipt");
    }
}

fn generate() -> Json {
    let valid: Vec<Json> = build()
        .into_iter()
        .map(|(name, item, json, hex)| json!({ "name": name, "item": item, "hex": hex, "json": json }))
        .collect();
    let invalid: Vec<Json> = invalid()
        .into_iter()
        .map(|(name, item, hex)| {
            let e = decode_err(item, &hex::decode(&hex).unwrap()).unwrap_or_else(|| panic!("{name} decodes"));
            json!({ "name": name, "item": item, "hex": hex, "error": { "code": e.kind.code(), "offset": e.offset, "message": e.kind.to_string() } })
        })
        .collect();
    json!({
        "format": "svm-codec golden vectors, version 0; see docs/spec/codec.md",
        "derived": {
            "template_addr(deploy all sections)": template_addr(&deploy_example()).to_string(),
            "account_addr(principal 1111..11, nonce 2^128-1, spawn go-svm example)":
                account_addr(&a(0x11), Nonce(u128::MAX), &spawn_example()).to_string(),
            "self_spawn_addr(spawn go-svm example)": self_spawn_addr(&spawn_example()).to_string(),
            "tx_id(transaction spawn)": Transaction::new(envelope(TxType::Spawn), Message::Spawn(spawn_example())).id().to_string(),
            "tx_id(transaction call with verifydata)": signed_call().id().to_string(),
            "signing_hash(chain 0101..01, transaction call with verifydata)":
                signed_call().signing_hash(&ChainId([1; 32])).to_string(),
        },
        "valid": valid,
        "invalid": invalid,
    })
}

#[test]
fn golden_vectors() {
    let generated = generate();
    if std::env::var_os("SVM_REGEN_VECTORS").is_some() {
        std::fs::write(
            PATH,
            serde_json::to_string_pretty(&generated).unwrap() + "\n",
        )
        .unwrap();
    }
    let text =
        std::fs::read_to_string(PATH).expect("vectors file (regenerate with SVM_REGEN_VECTORS=1)");
    let file: Json = serde_json::from_str(&text).unwrap();
    // Check the file both ways, independently of how it was generated.
    for v in file["valid"].as_array().unwrap() {
        check_valid(
            v["name"].as_str().unwrap(),
            v["item"].as_str().unwrap(),
            &v["json"],
            v["hex"].as_str().unwrap(),
        );
    }
    for v in file["invalid"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let bytes = hex::decode(v["hex"].as_str().unwrap()).unwrap();
        let e = decode_err(v["item"].as_str().unwrap(), &bytes)
            .unwrap_or_else(|| panic!("{name}: decodes"));
        assert_eq!(
            e.offset as u64,
            v["error"]["offset"].as_u64().unwrap(),
            "{name}: {e}"
        );
        assert_eq!(
            e.kind.to_string(),
            v["error"]["message"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            e.kind.code(),
            v["error"]["code"].as_str().unwrap(),
            "{name}"
        );
    }
    // And the file matches what this code produces (no silent drift).
    assert_eq!(
        file, generated,
        "vectors file is stale: regenerate with SVM_REGEN_VECTORS=1"
    );
}
