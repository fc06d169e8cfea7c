//! Property tests: decode(encode(x)) == x and JSON round trips for every item; arbitrary
//! and mutated bytes never make a decoder panic.

use proptest::prelude::*;
use svm_codec::abi::{self, AbiType, Value};
use svm_codec::json::JsonForm;
use svm_codec::*;
use svm_types::*;

fn addr() -> impl Strategy<Value = Address> {
    any::<[u8; 20]>().prop_map(Address)
}
fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}
fn text() -> impl Strategy<Value = String> {
    ".{0,12}"
}

fn scalar_type() -> impl Strategy<Value = AbiType> {
    prop_oneof![
        Just(AbiType::Bool),
        Just(AbiType::U8),
        Just(AbiType::I8),
        Just(AbiType::U16),
        Just(AbiType::I16),
        Just(AbiType::U32),
        Just(AbiType::I32),
        Just(AbiType::U64),
        Just(AbiType::I64),
        Just(AbiType::U128),
        Just(AbiType::I128),
        Just(AbiType::Amount),
        Just(AbiType::Address),
        Just(AbiType::Bytes),
        Just(AbiType::String),
    ]
}

fn abi_type() -> impl Strategy<Value = AbiType> {
    scalar_type().prop_recursive(3, 8, 1, |inner| {
        inner.prop_map(|t| AbiType::Array(Box::new(t)))
    })
}

fn value_of(t: AbiType) -> BoxedStrategy<Value> {
    match t {
        AbiType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        AbiType::U8 => any::<u8>().prop_map(Value::U8).boxed(),
        AbiType::I8 => any::<i8>().prop_map(Value::I8).boxed(),
        AbiType::U16 => any::<u16>().prop_map(Value::U16).boxed(),
        AbiType::I16 => any::<i16>().prop_map(Value::I16).boxed(),
        AbiType::U32 => any::<u32>().prop_map(Value::U32).boxed(),
        AbiType::I32 => any::<i32>().prop_map(Value::I32).boxed(),
        AbiType::U64 => any::<u64>().prop_map(Value::U64).boxed(),
        AbiType::I64 => any::<i64>().prop_map(Value::I64).boxed(),
        AbiType::U128 => any::<u128>().prop_map(Value::U128).boxed(),
        AbiType::I128 => any::<i128>().prop_map(Value::I128).boxed(),
        AbiType::Amount => any::<u64>().prop_map(|v| Value::Amount(Amount(v))).boxed(),
        AbiType::Address => addr().prop_map(Value::Address).boxed(),
        AbiType::Bytes => bytes(8).prop_map(Value::Bytes).boxed(),
        AbiType::String => text().prop_map(Value::String).boxed(),
        AbiType::Array(e) => {
            let elem = (*e).clone();
            proptest::collection::vec(value_of(*e), 0..4)
                .prop_map(move |items| Value::Array {
                    elem: elem.clone(),
                    items,
                })
                .boxed()
        }
    }
}

fn values() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(abi_type().prop_flat_map(value_of), 0..5)
}

fn calldata() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![values().prop_map(|v| abi::encode(&v).unwrap()), bytes(40)]
}

fn tx_type() -> impl Strategy<Value = TxType> {
    prop_oneof![
        Just(TxType::Deploy),
        Just(TxType::Spawn),
        Just(TxType::Call)
    ]
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        tx_type(),
        addr(),
        any::<u64>(),
        any::<u128>(),
        any::<u64>(),
        any::<u64>(),
    )
        .prop_map(|(t, p, a, n, g, f)| Envelope {
            tx_type: t,
            principal: p,
            amount: Amount(a),
            nonce: Nonce(n),
            gas_limit: Gas(g),
            gas_fee: GasFee(f),
        })
}

fn spawn() -> impl Strategy<Value = SpawnMessage> {
    (any::<[u8; 20]>(), text(), text(), calldata()).prop_map(|(t, name, ctor, calldata)| {
        SpawnMessage {
            template: TemplateAddr(t),
            name,
            ctor,
            calldata,
        }
    })
}

fn call() -> impl Strategy<Value = CallMessage> {
    (addr(), text(), calldata()).prop_map(|(target, function, calldata)| CallMessage {
        target,
        function,
        calldata,
    })
}

fn deploy() -> impl Strategy<Value = DeployMessage> {
    (
        (any::<bool>(), bytes(64)),
        proptest::collection::vec(any::<u32>(), 0..5),
        proptest::collection::btree_set(text(), 0..4),
        proptest::option::of(text()),
        proptest::option::of((any::<u32>(), text(), text())),
        proptest::collection::btree_map(0x8000u16..=0xffff, bytes(8), 0..3),
    )
        .prop_map(
            |((exec, code), vars, ctors, api, header, extra)| DeployMessage {
                code: CodeSection {
                    kind: CodeKind::Wasm,
                    flags: if exec { CODE_FLAG_EXEC } else { 0 },
                    code,
                },
                data: DataSection { vars },
                ctors: ctors.into_iter().collect(),
                api,
                header: header.map(|(code_version, name, description)| HeaderSection {
                    code_version,
                    name,
                    description,
                }),
                extra: extra
                    .into_iter()
                    .map(|(kind, body)| RawSection { kind, body })
                    .collect(),
            },
        )
}

fn runtime_error() -> impl Strategy<Value = RuntimeError> {
    prop_oneof![
        Just(RuntimeError::OutOfGas),
        any::<[u8; 20]>().prop_map(|t| RuntimeError::TemplateNotFound(TemplateAddr(t))),
        addr().prop_map(RuntimeError::AccountNotFound),
        text().prop_map(RuntimeError::CompilationFailed),
        text().prop_map(RuntimeError::InstantiationFailed),
        text().prop_map(RuntimeError::FuncNotFound),
        text().prop_map(RuntimeError::FuncNotCtor),
        (text(), text())
            .prop_map(|(function, message)| RuntimeError::FuncNotAllowed { function, message }),
        text().prop_map(RuntimeError::FuncInvalidSignature),
        text().prop_map(RuntimeError::Trap),
        Just(RuntimeError::InsufficientFunds),
        (any::<u128>(), any::<u128>()).prop_map(|(e, f)| RuntimeError::NonceMismatch {
            expected: Nonce(e),
            found: Nonce(f)
        }),
        text().prop_map(RuntimeError::ValidationFailed),
        any::<[u8; 20]>().prop_map(|t| RuntimeError::TemplateAlreadyExists(TemplateAddr(t))),
        addr().prop_map(RuntimeError::AccountAlreadyExists),
        Just(RuntimeError::VerifyFailed),
        text().prop_map(RuntimeError::InvalidMessage),
        (any::<u64>(), any::<u64>())
            .prop_map(|(minimum, found)| RuntimeError::GasFeeTooLow { minimum, found }),
        (any::<u64>(), any::<u64>())
            .prop_map(|(maximum, found)| RuntimeError::GasLimitTooHigh { maximum, found }),
        Just(RuntimeError::NonceExhausted),
        addr().prop_map(RuntimeError::PrincipalNotFound),
        addr().prop_map(RuntimeError::NoTemplate),
        (addr(), any::<u64>(), any::<u64>()).prop_map(|(account, maximum, found)| {
            RuntimeError::AccountGasCap {
                account,
                maximum,
                found,
            }
        }),
        (any::<u64>(), any::<u64>())
            .prop_map(|(minimum, found)| RuntimeError::GasLimitTooLow { minimum, found }),
    ]
}

fn logs() -> impl Strategy<Value = Vec<Log>> {
    proptest::collection::vec(
        (bytes(4), bytes(8)).prop_map(|(topic, data)| Log { topic, data }),
        0..3,
    )
}

fn touched() -> impl Strategy<Value = TouchedAccounts> {
    proptest::collection::vec(addr(), 0..4).prop_map(TouchedAccounts::from)
}

fn calls() -> impl Strategy<Value = Vec<CallFrame>> {
    let frame = (
        any::<u8>(),
        0u8..4,
        addr(),
        addr(),
        "[a-z_]{0,12}",
        any::<u64>(),
        0u8..9,
    )
        .prop_map(
            |(depth, kind, caller, callee, function, gas, status)| CallFrame {
                depth,
                kind: CallKind::from_code(kind).unwrap(),
                caller,
                callee,
                function,
                gas_used: Gas(gas),
                status: CallStatus::from_code(status).unwrap(),
            },
        );
    proptest::collection::vec(frame, 0..4)
}

fn result<T: std::fmt::Debug + Clone>(
    ok: impl Strategy<Value = T>,
) -> impl Strategy<Value = Result<T, RuntimeError>> {
    prop_oneof![ok.prop_map(Ok), runtime_error().prop_map(Err)]
}

fn deploy_receipt() -> impl Strategy<Value = DeployReceipt> {
    (
        result(any::<[u8; 20]>().prop_map(TemplateAddr)),
        any::<u64>(),
        logs(),
    )
        .prop_map(|(result, g, logs)| DeployReceipt {
            result,
            gas_used: Gas(g),
            logs,
        })
}

fn spawn_receipt() -> impl Strategy<Value = SpawnReceipt> {
    let ok =
        (addr(), any::<[u8; 32]>(), bytes(16)).prop_map(|(account, s, returndata)| SpawnOutput {
            account,
            init_state: State(s),
            returndata,
        });
    (result(ok), any::<u64>(), logs(), touched(), calls()).prop_map(
        |(result, g, logs, touched_accounts, calls)| SpawnReceipt {
            result,
            gas_used: Gas(g),
            logs,
            touched_accounts,
            calls,
        },
    )
}

fn call_receipt() -> impl Strategy<Value = CallReceipt> {
    let ok = (any::<[u8; 32]>(), bytes(16)).prop_map(|(s, returndata)| CallOutput {
        new_state: State(s),
        returndata,
    });
    (result(ok), any::<u64>(), logs(), touched(), calls()).prop_map(
        |(result, g, logs, touched_accounts, calls)| CallReceipt {
            result,
            gas_used: Gas(g),
            logs,
            touched_accounts,
            calls,
        },
    )
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        deploy().prop_map(Message::Deploy),
        spawn().prop_map(Message::Spawn),
        call().prop_map(Message::Call),
    ]
}

fn roundtrip<T: Codec + JsonForm + PartialEq + std::fmt::Debug>(
    x: &T,
) -> Result<(), TestCaseError> {
    let bytes = x.encode();
    prop_assert_eq!(&T::decode(&bytes).unwrap(), x);
    prop_assert_eq!(&T::from_json(&x.to_json()).unwrap(), x);
    let text = x.to_json_string();
    prop_assert_eq!(&T::from_json_str(&text).unwrap(), x);
    // Every strict prefix is an error, never a panic.
    for cut in [0, bytes.len() / 2, bytes.len().saturating_sub(1)] {
        if cut < bytes.len() {
            prop_assert!(T::decode(&bytes[..cut]).is_err());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn envelope_roundtrip(x in envelope()) { roundtrip(&x)?; }
    #[test]
    fn context_roundtrip(layer in any::<u64>(), id in any::<[u8; 32]>()) {
        roundtrip(&Context { layer: Layer(layer), tx_id: TxId(id) })?;
    }
    #[test]
    fn spawn_roundtrip(x in spawn()) { roundtrip(&x)?; }
    #[test]
    fn call_roundtrip(x in call()) { roundtrip(&x)?; }
    #[test]
    fn deploy_roundtrip(x in deploy()) { roundtrip(&x)?; }
    #[test]
    fn transaction_roundtrip(e in envelope(), m in message(), vd in calldata(), other in calldata()) {
        let tx = Transaction::new(e, m).with_verifydata(vd.clone());
        roundtrip(&tx)?;
        prop_assert_eq!(tx.id(), tx_id(tx.envelope(), &vd, &tx.message().encode()));
        // the verifydata is in the id, never in the signing hash
        let chain = svm_types::ChainId([3; 32]);
        let resigned = tx.clone().with_verifydata(other.clone());
        prop_assert_eq!(tx.signing_hash(&chain), resigned.signing_hash(&chain));
        prop_assert_eq!(tx.id() == resigned.id(), vd == other);
    }
    #[test]
    fn deploy_receipt_roundtrip(x in deploy_receipt()) { roundtrip(&x)?; roundtrip(&Receipt::Deploy(x))?; }
    #[test]
    fn spawn_receipt_roundtrip(x in spawn_receipt()) { roundtrip(&x)?; roundtrip(&Receipt::Spawn(x))?; }
    #[test]
    fn call_receipt_roundtrip(x in call_receipt()) { roundtrip(&x)?; roundtrip(&Receipt::Call(x))?; }

    #[test]
    fn abi_roundtrip(v in values()) {
        let bytes = abi::encode(&v).unwrap();
        prop_assert_eq!(&abi::decode(&bytes).unwrap(), &v);
        prop_assert_eq!(&abi::from_json(&abi::to_json(&v)).unwrap(), &v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        svm_codec::fuzz::decode_any(&data);
    }

    #[test]
    fn mutated_valid_items_never_panic(
        tx in (envelope(), message(), calldata())
            .prop_map(|(e, m, vd)| Transaction::new(e, m).with_verifydata(vd)),
        r in call_receipt(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        for mut bytes in [tx.encode(), r.encode(), tx.message().encode()] {
            let i = pos.index(bytes.len());
            bytes[i] = byte;
            svm_codec::fuzz::decode_any(&bytes);
            svm_codec::fuzz::decode_any(&bytes[..i]);
        }
    }

    #[test]
    fn spawns_never_collide(p in addr(), n1 in any::<u128>(), n2 in any::<u128>(), s in spawn()) {
        prop_assume!(n1 != n2);
        prop_assert_ne!(account_addr(&p, Nonce(n1), &s), account_addr(&p, Nonce(n2), &s));
    }
}
