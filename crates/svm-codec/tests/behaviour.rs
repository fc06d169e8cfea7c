//! Specific behaviours: go-svm examples, JSON error paths, limits, canonical checks.

use svm_codec::abi::{self, AbiType, Value};
use svm_codec::json::{self, JsonForm};
use svm_codec::*;
use svm_types::*;

#[test]
fn go_svm_call_example_parses_as_written() {
    let msg = json::call_from_json(
        r#"{
  "version": 0,
  "target": "066818abe361dd44f425da19e17c45babc40e232",
  "func_name": "store_addr",
  "calldata": { "abi": ["address"], "data": ["102030405060708090102030405060708090AABB"] }
}"#,
    )
    .unwrap();
    assert_eq!(msg.function, "store_addr");
    let values = abi::decode(&msg.calldata).unwrap();
    assert_eq!(
        values,
        vec![Value::Address(
            "102030405060708090102030405060708090aabb".parse().unwrap()
        )]
    );
}

#[test]
fn json_errors_name_the_field() {
    let base = r#"{"version":0,"template":"b5eba98957e6a93173ffb50207cceeedfddb1a72","ctor_name":"init","calldata":CD}"#;
    let err = |cd: &str| json::spawn_from_json(&base.replace("CD", cd)).unwrap_err();
    assert_eq!(
        err(r#"{"abi":["bool","u8"],"data":[true,256]}"#).path,
        "calldata.data[1]"
    );
    assert_eq!(
        err(r#"{"abi":["bool","x"],"data":[true,1]}"#).path,
        "calldata.abi[1]"
    );
    assert_eq!(
        err(r#"{"abi":[["u8"]],"data":[[1,"a"]]}"#).path,
        "calldata.data[0][1]"
    );
    assert_eq!(err(r#"{"abi":["u8"],"data":[]}"#).path, "calldata.data");
    assert_eq!(err(r#"{"abi":[],"data":[],"x":1}"#).path, "calldata.x");
    assert_eq!(err(r#""zz""#).path, "calldata");
    let e = json::spawn_from_json(r#"{"version":1,"template":"00","ctor_name":"a"}"#).unwrap_err();
    assert_eq!(e.path, "version");
    let e = json::spawn_from_json(r#"{"template":"b5eba98957e6a93173ffb50207cceeedfddb1a72"}"#)
        .unwrap_err();
    assert_eq!(e.to_string(), "field `ctor_name`: missing field");
    let e =
        json::transaction_from_json(r#"{"envelope":{"type":"call"},"message":{}}"#).unwrap_err();
    assert_eq!(e.path, "envelope.principal");
}

#[test]
fn json_integers_accept_numbers_and_strings() {
    let v = json::calldata_from_json(
        r#"{"abi":["u64","i64","u128","amount","i8"],"data":[18446744073709551615,"-9223372036854775808","340282366920938463463374607431768211455",5,"-128"]}"#,
    )
    .unwrap();
    let values = abi::decode(&v).unwrap();
    assert_eq!(values[0], Value::U64(u64::MAX));
    assert_eq!(values[1], Value::I64(i64::MIN));
    assert_eq!(values[2], Value::U128(u128::MAX));
    assert_eq!(values[3], Value::Amount(Amount(5)));
    assert_eq!(values[4], Value::I8(-128));
    assert!(json::calldata_from_json(r#"{"abi":["u8"],"data":["+1"]}"#).is_err());
    assert!(json::calldata_from_json(r#"{"abi":["u8"],"data":[1.5]}"#).is_err());
    assert!(json::calldata_from_json(r#"{"abi":["u8"],"data":[-1]}"#).is_err());
}

#[test]
fn serde_works() {
    let e = Envelope {
        tx_type: TxType::Spawn,
        principal: Address([1; 20]),
        amount: Amount(1),
        nonce: Nonce(2),
        gas_limit: Gas(3),
        gas_fee: GasFee(4),
    };
    let s = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<Envelope>(&s).unwrap(), e);
    let err = serde_json::from_str::<Envelope>(&s.replace("\"spawn\"", "\"x\"")).unwrap_err();
    assert!(err.to_string().contains("field `type`"), "{err}");
}

#[test]
fn limits_are_configuration() {
    let msg = CallMessage {
        calldata: vec![0; 70_000],
        ..Default::default()
    };
    let bytes = msg.encode();
    let err = CallMessage::decode(&bytes).unwrap_err();
    assert!(
        matches!(
            err.kind,
            DecodeErrorKind::LimitExceeded {
                what: "calldata",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        CallMessage::decode_with_limits(&bytes, &CodecLimits::UNLIMITED).unwrap(),
        msg
    );
    let small = CodecLimits {
        max_message_size: 10,
        ..CodecLimits::DEFAULT
    };
    assert!(matches!(
        CallMessage::decode_with_limits(&bytes, &small)
            .unwrap_err()
            .kind,
        DecodeErrorKind::LimitExceeded {
            what: "input size",
            ..
        }
    ));
}

#[test]
fn abi_encode_rejects_mixed_arrays() {
    let bad = Value::Array {
        elem: AbiType::U8,
        items: vec![Value::U8(1), Value::Bool(true)],
    };
    assert_eq!(
        abi::encode(&[bad]).unwrap_err(),
        AbiError::TypeMismatch {
            index: 1,
            expected: "u8".into(),
            found: "bool".into()
        }
    );
    let mut t = AbiType::U8;
    for _ in 0..17 {
        t = AbiType::Array(Box::new(t));
    }
    let AbiType::Array(elem) = t else {
        unreachable!()
    };
    assert!(matches!(
        abi::encode(&[Value::Array {
            elem: *elem,
            items: vec![]
        }]),
        Err(AbiError::TooDeep { .. })
    ));
}

#[test]
fn transaction_type_mismatch_is_typed() {
    let env = Envelope {
        tx_type: TxType::Call,
        principal: Address::zero(),
        amount: Amount(0),
        nonce: Nonce(0),
        gas_limit: Gas(0),
        gas_fee: GasFee(0),
    };
    let mut bytes = env.encode();
    bytes.extend([0, 0, 0, 3, 7, 7, 7]); // verifydata: 3 bytes
    bytes.extend(SpawnMessage::default().encode());
    let err = Transaction::decode(&bytes).unwrap_err();
    assert_eq!(err.offset, Envelope::SIZE + 4 + 3 + 2);
    assert!(matches!(
        err.kind,
        DecodeErrorKind::TxTypeMismatch {
            tx_type: 2,
            message_kind: 0x11
        }
    ));
    // Errors inside the message carry offsets from the start of the transaction.
    let tx = Transaction::new(env, Message::Call(CallMessage::default()));
    let mut bytes = tx.encode();
    bytes.push(0);
    assert_eq!(
        Transaction::decode(&bytes).unwrap_err().offset,
        bytes.len() - 1
    );
    // verifydata longer than the rest of the input
    let mut bytes = env.encode();
    bytes.extend([0, 0, 1, 0, 9]);
    let err = Transaction::decode(&bytes).unwrap_err();
    assert_eq!(err.offset, Envelope::SIZE + 4);
    assert!(matches!(err.kind, DecodeErrorKind::UnexpectedEnd { .. }));
}

#[test]
fn touched_accounts_and_errors() {
    let mut t = TouchedAccounts::new();
    t.insert(Address([3; 20]));
    t.insert(Address([1; 20]));
    t.insert(Address([3; 20]));
    assert_eq!(
        t.clone().into_vec(),
        vec![Address([1; 20]), Address([3; 20])]
    );
    let long = "é".repeat(2000);
    let RuntimeError::Trap(m) = RuntimeError::trap(&long) else {
        unreachable!()
    };
    assert!(m.len() <= CodecLimits::DEFAULT.max_string_len);
    let r = CallReceipt {
        result: Err(RuntimeError::trap(&long)),
        gas_used: Gas(1),
        logs: vec![],
        touched_accounts: t,
        calls: vec![],
    };
    assert_eq!(CallReceipt::decode(&r.encode()).unwrap(), r);
    assert_eq!(RuntimeError::OutOfGas.code(), 1);
    assert_eq!(RuntimeError::InvalidMessage(String::new()).code(), 17);
}

#[test]
fn deploy_keeps_unknown_optional_sections_and_rejects_bad_flags() {
    let msg = DeployMessage {
        ctors: vec!["init".into()],
        extra: vec![
            RawSection {
                kind: 0x9000,
                body: vec![1],
            },
            RawSection {
                kind: 0x8000,
                body: vec![],
            },
        ],
        ..Default::default()
    };
    let decoded = DeployMessage::decode(&msg.encode()).unwrap();
    assert_eq!(decoded.extra[0].kind, 0x8000); // sorted
    assert_eq!(template_addr(&decoded), template_addr(&msg));
    let mut bad = msg.clone();
    bad.code.flags = 0x2;
    let err = DeployMessage::decode(&bad.encode()).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::ReservedFlags(2));
    let mut dup = msg;
    dup.ctors.push("init".into());
    assert!(matches!(
        DeployMessage::decode(&dup.encode()).unwrap_err().kind,
        DecodeErrorKind::NonCanonical(_)
    ));
}

#[test]
fn derivations_are_domain_separated_and_content_bound() {
    let spawn = SpawnMessage {
        ctor: "init".into(),
        ..Default::default()
    };
    let p = Address([1; 20]);
    let a = account_addr(&p, Nonce(0), &spawn);
    let other = SpawnMessage {
        name: "x".into(),
        ..spawn.clone()
    };
    assert_ne!(a, account_addr(&p, Nonce(0), &other));
    assert_ne!(a, account_addr(&Address([2; 20]), Nonce(0), &spawn));
    let d = DeployMessage::default();
    let mut d2 = d.clone();
    d2.ctors.push("x".into());
    assert_ne!(template_addr(&d), template_addr(&d2));
    assert_eq!(template_addr(&d), template_addr_from_bytes(&d.encode()));
}

#[test]
fn receipt_json_form() {
    let r = CallReceipt {
        result: Err(RuntimeError::OutOfGas),
        gas_used: Gas(7),
        logs: vec![],
        touched_accounts: TouchedAccounts::new(),
        calls: vec![],
    };
    let j = r.to_json_string();
    assert_eq!(
        j,
        r#"{"calls":[],"error":{"type":"out-of-gas"},"gas_used":"7","logs":[],"success":false,"touched_accounts":[],"type":"call","version":0}"#
    );
    let e = json::receipt_from_json(&j.replace("out-of-gas", "oops")).unwrap_err();
    assert_eq!(e.path, "error.type");
}
