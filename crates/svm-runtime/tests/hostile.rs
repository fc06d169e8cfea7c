//! A contract passing bad arguments to every host function: each ends in a failed receipt with
//! gas charged, the state unchanged, and the node alive.

mod common;

use common::*;
use svm_codec::{
    CodeKind, CodeSection, Codec, DataSection, DeployMessage, RuntimeError as Failure,
};
use svm_kv::MemoryStore;
use svm_runtime::RuntimeConfig;
use svm_types::Amount;

/// Outside the single page of memory the module has.
const BAD: &str = "(i32.const -16)";

/// (function name, body, what the failure message must contain)
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let b = BAD;
    vec![
        (
            "map_get_bad_key",
            format!("(drop (call $svm_map_get (i32.const 1) {b} (i32.const 8) (i32.const 0) (i32.const 8)))"),
            "bad pointer",
        ),
        (
            "map_get_bad_out",
            "(drop (call $svm_map_set (i32.const 1) (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4)))
             (drop (call $svm_map_get (i32.const 1) (i32.const 0) (i32.const 4) (i32.const -16) (i32.const 64)))"
                .into(),
            "bad pointer",
        ),
        (
            "map_set_bad_value",
            format!("(drop (call $svm_map_set (i32.const 1) (i32.const 0) (i32.const 4) {b} (i32.const 64)))"),
            "bad pointer",
        ),
        (
            "map_set_key_too_long",
            "(drop (call $svm_map_set (i32.const 1) (i32.const 0) (i32.const 513) (i32.const 0) (i32.const 1)))".into(),
            "map key of 513 bytes is longer than the 512 bytes allowed",
        ),
        (
            "map_set_value_too_long",
            "(drop (call $svm_map_set (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 65537)))".into(),
            "map value of 65537 bytes",
        ),
        (
            "map_remove_huge_key",
            "(drop (call $svm_map_remove (i32.const 1) (i32.const 0) (i32.const -1)))".into(),
            "map key of 4294967295 bytes",
        ),
        (
            "map_next_bad_out",
            "(drop (call $svm_map_set (i32.const 1) (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4)))
             (drop (call $svm_map_next (i32.const 1) (i32.const 0) (i32.const 0) (i32.const -16) (i32.const 64)))"
                .into(),
            "bad pointer",
        ),
        (
            "load_bad_ptr",
            format!("(call $svm_load (i32.const 0) {b})"),
            "bad pointer",
        ),
        (
            "store_bad_ptr",
            format!("(call $svm_store (i32.const 0) {b})"),
            "bad pointer",
        ),
        (
            "storage_read_bad_ptr",
            format!("(call $svm_storage_read (i32.const 0) {b} (i32.const 8))"),
            "bad pointer",
        ),
        (
            "storage_write_bad_ptr",
            format!("(call $svm_storage_write (i32.const 0) {b} (i32.const 8))"),
            "bad pointer",
        ),
        // a huge length is charged before it is checked: out of gas
        (
            "storage_read_huge_len",
            "(call $svm_storage_read (i32.const 0) (i32.const 0) (i32.const -1))".into(),
            "out of gas",
        ),
        (
            "storage_write_past_end",
            "(call $svm_storage_write (i32.const 4) (i32.const 0) (i32.const 8))".into(),
            "outside the account",
        ),
        (
            "reg_set_bad_ptr",
            format!("(call $svm_reg_set (i32.const 160) (i32.const 0) {b} (i32.const 20))"),
            "bad pointer",
        ),
        (
            "reg_get_bad_ptr",
            format!("(call $svm_reg_get (i32.const 160) (i32.const 0) {b})"),
            "bad pointer",
        ),
        (
            "reg_get_bad_bank",
            "(call $svm_reg_get (i32.const 128) (i32.const 0) (i32.const 0))".into(),
            "no 128-bit register bank",
        ),
        (
            "reg_set_bad_index",
            "(call $svm_reg_set (i32.const 160) (i32.const 8) (i32.const 0) (i32.const 20))".into(),
            "register 8 does not exist",
        ),
        (
            "reg_set_too_long",
            "(call $svm_reg_set (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 5))".into(),
            "do not fit",
        ),
        (
            "reg_store_var_too_wide",
            "(call $svm_reg_store_var (i32.const 32) (i32.const 0) (i32.const 0))".into(),
            "wider than",
        ),
        (
            "reg_load_var_unknown",
            "(call $svm_reg_load_var (i32.const 64) (i32.const 0) (i32.const 9))".into(),
            "unknown variable 9",
        ),
        (
            "balance_from_bad_bank",
            "(drop (call $svm_get_balance_from_reg (i32.const 64) (i32.const 0)))".into(),
            "160-bit",
        ),
        (
            "transfer_from_bad_reg",
            "(call $svm_transfer_from_reg (i32.const 160) (i32.const 99) (i64.const 1))".into(),
            "register 99",
        ),
        (
            "calldata_bad_ptr",
            format!("(call $svm_calldata_copy {b} (i32.const 0) (i32.const 8))"),
            "bad pointer",
        ),
        (
            "calldata_past_end",
            "(call $svm_calldata_copy (i32.const 0) (i32.const 4) (i32.const 8))".into(),
            "input has 8 bytes",
        ),
        (
            "returndata_bad_ptr",
            format!("(call $svm_set_returndata {b} (i32.const 8))"),
            "bad pointer",
        ),
        (
            "returndata_too_big",
            "(call $svm_set_returndata (i32.const 0) (i32.const 0x7fffffff))".into(),
            "out of gas",
        ),
        (
            "returndata_over_limit",
            "(call $svm_set_returndata (i32.const 0) (i32.const 0x10001))".into(),
            "returndata of",
        ),
        (
            "log_bad_topic",
            format!("(call $svm_log {b} (i32.const 4) (i32.const 0) (i32.const 4))"),
            "bad pointer",
        ),
        (
            "log_bad_data",
            format!("(call $svm_log (i32.const 0) (i32.const 4) {b} (i32.const 4))"),
            "bad pointer",
        ),
        (
            "abort_bad_ptr",
            format!("(call $svm_abort {b} (i32.const 4))"),
            "bad pointer",
        ),
        (
            "abort_too_long",
            "(call $svm_abort (i32.const 0) (i32.const 257))".into(),
            "abort message of 257 bytes",
        ),
        (
            "abort",
            "(call $svm_abort (i32.const 0) (i32.const 0))".into(),
            "aborted: ",
        ),
        (
            "principal_bad_ptr",
            format!("(call $svm_principal {b})"),
            "bad pointer",
        ),
        (
            "self_bad_ptr",
            format!("(call $svm_self {b})"),
            "bad pointer",
        ),
        (
            "tx_id_bad_ptr",
            format!("(call $svm_tx_id {b})"),
            "bad pointer",
        ),
        (
            "balance_of_bad_ptr",
            format!("(drop (call $svm_balance_of {b}))"),
            "bad pointer",
        ),
        (
            "transfer_bad_ptr",
            format!("(call $svm_transfer {b} (i64.const 1))"),
            "bad pointer",
        ),
        (
            "var_len_unknown",
            "(drop (call $svm_var_len (i32.const 7)))".into(),
            "unknown variable 7",
        ),
        (
            "load64_unknown",
            "(drop (call $svm_load64 (i32.const 7)))".into(),
            "unknown variable 7",
        ),
        (
            "store64_unknown",
            "(call $svm_store64 (i32.const -1) (i64.const 1))".into(),
            "unknown variable",
        ),
        (
            "load_unknown",
            "(call $svm_load (i32.const 3) (i32.const 0))".into(),
            "unknown variable 3",
        ),
        (
            "call_bad_target",
            format!("(drop (call $svm_call {b} (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0)))"),
            "bad pointer",
        ),
        (
            "call_bad_function",
            format!("(drop (call $svm_call (i32.const 0) {b} (i32.const 64) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0)))"),
            "bad pointer",
        ),
        (
            "call_huge_calldata",
            "(drop (call $svm_call (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const -1) (i64.const 0) (i64.const 0)))".into(),
            "out of gas",
        ),
        (
            "call_function_too_long",
            "(drop (call $svm_call (i32.const 0) (i32.const 0) (i32.const 2000) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0)))".into(),
            "function name of 2000 bytes",
        ),
        (
            "call_calldata_too_long",
            "(drop (call $svm_call (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 65537) (i64.const 0) (i64.const 0)))".into(),
            "calldata of 65537 bytes",
        ),
        (
            "call_function_not_utf8",
            "(i32.store (i32.const 0) (i32.const -1)) (drop (call $svm_call (i32.const 100) (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0)))".into(),
            "not UTF-8",
        ),
        (
            "static_call_bad_data",
            format!("(drop (call $svm_static_call (i32.const 0) (i32.const 0) (i32.const 1) {b} (i32.const 64) (i64.const 0)))"),
            "bad pointer",
        ),
        (
            "call_async_bad_callback",
            format!("(call $svm_call_async (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 1) {b} (i32.const 8) (i64.const 1))"),
            "bad pointer",
        ),
        (
            "call_async_negative_gas",
            "(call $svm_call_async (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const -1) (i32.const 0) (i32.const 0) (i64.const 0))".into(),
            "out of gas",
        ),
        (
            "call_output_past_end",
            "(call $svm_call_output_copy (i32.const 0) (i32.const 0) (i32.const 1))".into(),
            "call output has 0 bytes",
        ),
        (
            "emit_bad_topics",
            format!("(call $svm_emit {b} (i32.const 2) (i32.const 0) (i32.const 0) (i64.const 1))"),
            "bad pointer",
        ),
        (
            "emit_bad_data",
            format!("(call $svm_emit (i32.const 0) (i32.const 0) {b} (i32.const 64) (i64.const 1))"),
            "bad pointer",
        ),
        (
            "emit_huge_data",
            "(call $svm_emit (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1) (i64.const 1))".into(),
            "out of gas",
        ),
        (
            "emit_negative_ttl",
            "(call $svm_emit (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -5))".into(),
            "kept 0 layers",
        ),
        (
            "caller_bad_ptr",
            format!("(call $svm_caller {b})"),
            "bad pointer",
        ),
    ]
}

fn module() -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for (name, ty) in svm_runtime::host_signatures() {
        let params: Vec<_> = ty
            .params()
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect();
        let results: Vec<_> = ty
            .results()
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect();
        wat.push_str(&format!(
            "  (import \"svm\" \"{name}\" (func ${name} (param {}) (result {})))\n",
            params.join(" "),
            results.join(" ")
        ));
    }
    wat.push_str("  (memory (export \"memory\") 1)\n  (func (export \"ctor\"))\n");
    wat.push_str("  (func (export \"ok\") (call $svm_store64 (i32.const 0) (i64.const 1)))\n");
    for (name, body, _) in cases() {
        // write storage first, so a failure must also undo a change
        wat.push_str(&format!(
            "  (func (export \"{name}\") (call $svm_store64 (i32.const 0) (i64.const 99)) {body})\n"
        ));
    }
    wat.push(')');
    wat::parse_str(&wat).unwrap_or_else(|e| panic!("{e}\n{wat}"))
}

#[test]
fn bad_arguments_to_every_host_function_are_failed_receipts() {
    let mut n = Node::new(MemoryStore::new(), RuntimeConfig::default());
    let msg = DeployMessage {
        code: CodeSection {
            kind: CodeKind::Wasm,
            flags: 0,
            code: module(),
        },
        data: DataSection { vars: vec![8] },
        ctors: vec!["ctor".into()],
        api: None,
        header: None,
        extra: vec![],
    };
    let t = n.deploy_bytes(ALICE, &msg.encode()).result.unwrap();
    let c = n.spawn(t, "ctor", &[]);
    let before = n.rt.get_account(&c).unwrap();
    for (name, _, expected) in cases() {
        let balance = n.balance(&ALICE);
        let r = n.call_with(ALICE, c, name, &[1; 8], 0, GAS);
        let err = r.result.unwrap_err();
        if expected == "out of gas" {
            assert_eq!(err, Failure::OutOfGas, "{name}");
        } else {
            assert!(matches!(err, Failure::Trap(_)), "{name}: {err:?}");
        }
        assert!(err.to_string().contains(expected), "{name}: {err}");
        assert!(r.gas_used.0 > 0, "{name}");
        assert_eq!(n.balance(&ALICE), balance - r.gas_used.0, "{name}");
        assert_eq!(
            n.rt.get_account(&c).unwrap(),
            before,
            "{name}: storage untouched"
        );
    }
    assert!(n.call(c, "ok", &[]).result.is_ok(), "the node is fine");
    n.next_layer();
}

#[test]
fn verify_is_read_only() {
    let mut n = Node::new(MemoryStore::new(), RuntimeConfig::default());
    let wat = r#"(module
        (import "svm" "svm_store64" (func $store64 (param i32 i64)))
        (import "svm" "svm_transfer" (func $transfer (param i32 i64)))
        (memory (export "memory") 1)
        (func (export "ctor"))
        (func (export "svm_verify") (result i32)
            (call $store64 (i32.const 0) (i64.const 1))
            (i32.const 1)))"#;
    let msg = DeployMessage {
        code: CodeSection {
            kind: CodeKind::Wasm,
            flags: 0,
            code: wat::parse_str(wat).unwrap(),
        },
        data: DataSection { vars: vec![8] },
        ctors: vec!["ctor".into()],
        api: None,
        header: None,
        extra: vec![],
    };
    let t = n.deploy_bytes(ALICE, &msg.encode()).result.unwrap();
    let w = n.spawn(t, "ctor", &[]);
    n.rt.increase_balance(&w, Amount(VERIFY_GAS)).unwrap();
    let before = n.rt.get_account(&w).unwrap();
    let r = n.verify(w, &[]);
    let err = r.result.unwrap_err().to_string();
    assert!(err.contains("not allowed in verify"), "{err}");
    assert_eq!(n.rt.get_account(&w).unwrap(), before);
}
