//! The export layer natively: it agrees with svm-codec and svm-crypto, and every failure is
//! an `ExportError` with the code and place the JavaScript package reports.

use serde_json::{Value, json};
use svm_codec::{Codec, SpawnMessage, Transaction, account_addr};
use svm_codec_js::{ExportError, api};
use svm_types::{Address, ChainId, Nonce};

fn transfer() -> Value {
    json!({
        "envelope": {"type": "call", "principal": "0a".repeat(20), "amount": 0, "nonce": 3,
                     "gas_limit": 2_000_000, "gas_fee": 1},
        "message": {"target": "0a".repeat(20), "func_name": "transfer",
                    "calldata": format!("{}3930000000000000", "0b".repeat(20))},
    })
}

fn tx_bytes() -> Vec<u8> {
    api::encode("transaction", &transfer().to_string()).unwrap()
}

#[test]
fn encode_and_decode_are_the_codecs() {
    let bytes = tx_bytes();
    let tx = Transaction::decode(&bytes).unwrap();
    assert_eq!(tx.encode(), bytes);
    let text = api::decode(None, &bytes).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["envelope"]["nonce"], "3");
    assert_eq!(api::encode("transaction", &text).unwrap(), bytes);
    assert_eq!(api::detect(&bytes).unwrap(), "transaction");
    assert_eq!(api::tx_id(&bytes).unwrap(), tx.id().0);
}

#[test]
fn signed_transactions_verify_under_the_host_rules_and_only_as_signed() {
    let secret = [0x5e; 32];
    let chain = [0u8; 32];
    let public = api::public_key(&secret).unwrap();
    let signed = api::sign_transaction(&tx_bytes(), &chain, &secret).unwrap();
    let tx = Transaction::decode(&signed).unwrap();
    let hash = tx.signing_hash(&ChainId(chain));
    assert_eq!(api::signing_hash(&chain, &signed).unwrap(), hash.0);
    assert!(svm_crypto::ed25519_verify(
        hash.as_bytes(),
        tx.verifydata(),
        &public
    ));
    assert!(api::verify_transaction(&signed, &chain, &public).unwrap());
    assert!(
        !api::verify_transaction(&signed, &[1; 32], &public).unwrap(),
        "another chain"
    );
    assert!(
        !api::verify_transaction(&signed, &chain, &api::public_key(&[1; 32]).unwrap()).unwrap()
    );
    let mut tampered = signed.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert!(!api::verify_transaction(&tampered, &chain, &public).unwrap());
    assert_eq!(
        api::ed25519_sign(hash.as_bytes(), &secret)
            .unwrap()
            .to_vec(),
        tx.verifydata()
    );
}

#[test]
fn addresses_are_the_codecs() {
    let spawn = SpawnMessage {
        ctor: "init".into(),
        calldata: vec![1, 2, 3],
        ..Default::default()
    };
    let bytes = spawn.encode();
    let principal = Address([0x11; 20]);
    let expected = account_addr(&principal, Nonce(u128::MAX), &spawn);
    let nonce = u128::MAX.to_string();
    assert_eq!(
        api::spawn_address(&principal.0, &nonce, &bytes).unwrap(),
        expected.0
    );
    assert_eq!(
        api::self_spawn_address(&bytes).unwrap(),
        svm_codec::self_spawn_addr(&spawn).0
    );
}

fn err<T: std::fmt::Debug>(r: api::Result<T>) -> ExportError {
    r.unwrap_err()
}

#[test]
fn failures_name_their_code_and_place() {
    let e = err(api::decode(Some("call"), &[0, 0, 0x12, 1]));
    assert_eq!(
        (e.code, e.offset, e.path.as_deref()),
        ("unexpected-end", Some(3), None)
    );
    assert_eq!(e.message, format!("at byte 3: {}", e.reason));

    let e = err(api::encode("call", r#"{"target": "zz", "func_name": "f"}"#));
    assert_eq!(
        (e.code, e.path.as_deref()),
        ("invalid-json", Some("target"))
    );
    assert!(e.message.starts_with("field `target`: "), "{}", e.message);

    let e = err(api::encode("abi", "{}"));
    assert_eq!(e.code, "unknown-item");
    let e = err(api::decode(None, &[0, 0, 0x77]));
    assert_eq!((e.code, e.offset), ("unknown-item-kind", Some(2)));

    let e = err(api::public_key(&[0; 31]));
    assert_eq!(e.code, "invalid-argument");
    assert_eq!(e.message, "secret key: expected 32 bytes, found 31");
    let e = err(api::spawn_address(
        &[0; 20],
        "-1",
        &SpawnMessage::default().encode(),
    ));
    assert_eq!(e.code, "invalid-argument");
    assert!(
        e.message.starts_with("nonce: `-1` is not a u128"),
        "{}",
        e.message
    );
    let e = err(api::template_address(&[0, 0, 0x10]));
    assert_eq!(e.code, "unexpected-end");

    let thrown: Value = serde_json::from_str(&e.to_json_string()).unwrap();
    assert_eq!(thrown["code"], "unexpected-end");
    assert_eq!(thrown["offset"], 3);
    assert_eq!(thrown["message"], e.message);
    assert_eq!(thrown["reason"], e.reason);
    assert!(thrown.get("path").is_none());
}
