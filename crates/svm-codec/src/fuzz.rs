//! Entry points for fuzzers and smoke tests: feed arbitrary bytes to every decoder and check
//! the round-trip property on whatever decodes.

use crate::json::JsonForm;
use crate::{
    CallMessage, CallReceipt, Codec, CodecLimits, Context, DeployMessage, DeployReceipt, Envelope,
    ItemKind, Receipt, SpawnMessage, SpawnReceipt, Transaction, abi,
};

/// The decoders, by name.
pub const TARGETS: &[&str] = &[
    "envelope",
    "context",
    "deploy",
    "spawn",
    "call",
    "transaction",
    "deploy_receipt",
    "spawn_receipt",
    "call_receipt",
    "receipt",
    "abi",
    "sdk_meta",
    "item",
];

fn check<T: Codec + JsonForm + PartialEq + core::fmt::Debug>(data: &[u8]) {
    if let Ok(item) = T::decode(data) {
        // Strict decoding means canonical: re-encoding gives the same bytes.
        assert_eq!(item.encode(), data, "re-encoding differs");
        let json = item.to_json();
        let back = T::from_json(&json).expect("own JSON must parse");
        assert_eq!(back, item, "JSON round trip differs");
    }
}

/// Runs decoder `target` (one of [`TARGETS`]) on `data`.
///
/// # Panics
/// If a property fails (a decoded item does not re-encode to the input, or its JSON does not
/// parse back), or if `target` is unknown: that is what the fuzzer looks for. Decoding
/// itself must never panic.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "envelope" => check::<Envelope>(data),
        "context" => check::<Context>(data),
        "deploy" => check::<DeployMessage>(data),
        "spawn" => check::<SpawnMessage>(data),
        "call" => check::<CallMessage>(data),
        "transaction" => check::<Transaction>(data),
        "deploy_receipt" => check::<DeployReceipt>(data),
        "spawn_receipt" => check::<SpawnReceipt>(data),
        "call_receipt" => check::<CallReceipt>(data),
        "receipt" => check::<Receipt>(data),
        "abi" => {
            if let Ok(values) = abi::decode(data) {
                assert_eq!(abi::encode(&values).expect("decoded values encode"), data);
                let json = abi::to_json(&values);
                assert_eq!(abi::from_json(&json).expect("own JSON must parse"), values);
            }
        }
        "sdk_meta" => {
            // a template's svm-meta section: never a panic; whatever reads, builds a deploy
            // message whose code no longer has the section
            if let Ok(Some(meta)) = crate::SdkMeta::read(data) {
                let msg = meta.deploy_message(data, None).expect("a module that read");
                assert_eq!(crate::SdkMeta::read(&msg.code.code), Ok(None));
            }
        }
        "item" => {
            // the JavaScript package's path: bytes -> JSON text -> bytes, by item name; the
            // first byte picks calldata (no header) or the item the header announces
            let (kind, data) = match data.split_first() {
                Some((0, rest)) => (Ok(ItemKind::Calldata), rest),
                _ => (ItemKind::detect(data), data),
            };
            if let Ok(kind) = kind
                && let Ok(json) = kind.decode_json(data, &CodecLimits::DEFAULT)
            {
                let text = json.to_string();
                let back: serde_json::Value = serde_json::from_str(&text).expect("own JSON text");
                assert_eq!(kind.encode_json(&back).expect("own JSON must encode"), data);
            }
        }
        other => panic!("unknown fuzz target {other}"),
    }
}

/// Runs every decoder on `data`.
pub fn decode_any(data: &[u8]) {
    for t in TARGETS {
        run(t, data);
    }
}
