//! Every subcommand of `svm`, success and failure, through the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value as Json;
use tempfile::TempDir;

const COUNTER_WAT: &str = svm_runtime::examples::COUNTER.wat;
const WALLET_WAT: &str = svm_runtime::examples::WALLET.wat;
const SIGNED_WALLET_WAT: &str = svm_runtime::examples::SIGNED_WALLET.wat;

/// The go-svm README's spawn example, verbatim.
const SEED_SPAWN: &str = r#"{
  "version": 0,
  "template": "b5eba98957e6a93173ffb50207cceeedfddb1a72",
  "name": "My Account",
  "ctor_name": "initialize",
  "calldata": {
    "abi": ["address", "bool"],
    "data": ["8f20ed1a0e342c2a75b1b3f8014545dd3d886078", true]
  }
}"#;

/// The go-svm README's call example, verbatim.
const SEED_CALL: &str = r#"{
  "version": 0,
  "target": "066818abe361dd44f425da19e17c45babc40e232",
  "func_name": "store_addr",
  "verifydata": {
    "abi": [],
    "data": []
  },
  "calldata": {
    "abi": ["address"],
    "data": ["102030405060708090102030405060708090AABB"]
  }
}"#;

const ALICE: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

struct Env {
    tmp: TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            tmp: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
    fn data(&self) -> PathBuf {
        self.path("data")
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    /// `svm` with `--data-dir` in this environment.
    fn svm(&self) -> Command {
        let mut c = Command::cargo_bin("svm").unwrap();
        c.current_dir(self.tmp.path())
            .arg("--data-dir")
            .arg(self.data());
        c
    }
    /// Runs `svm --json ARGS`, expects success, parses the last stdout line.
    fn json(&self, args: &[&str]) -> Json {
        let out = self.svm().arg("--json").args(args).assert().success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
    }
    /// A counter deploy message; returns (path, template address).
    fn counter_deploy(&self) -> (PathBuf, String) {
        self.write("counter.wat", COUNTER_WAT);
        self.write(
            "counter-meta.json",
            r#"{"name": "counter", "vars": [8], "ctors": ["initialize"], "api": {"add": "u64 -> u64"}}"#,
        );
        let v = self.json(&[
            "craft-deploy",
            "--wasm",
            "counter.wat",
            "--meta",
            "counter-meta.json",
            "--output",
            "counter.svm",
        ]);
        (
            self.path("counter.svm"),
            v["template"].as_str().unwrap().to_string(),
        )
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ----- craft-deploy -------------------------------------------------------------------------

#[test]
fn craft_deploy_from_wat_validates_and_decodes() {
    let env = Env::new();
    let (path, template) = env.counter_deploy();
    assert_eq!(template.len(), 40);
    env.svm()
        .args(["validate", s(&path)])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("valid deploy message")
                .and(predicate::str::contains(&template)),
        );
    let v = env.json(&["decode", s(&path)]);
    assert_eq!(v["ctors"][0], "initialize");
    assert_eq!(v["data"]["vars"][0], 8);
    assert_eq!(v["header"]["name"], "counter");
    // the same from a .wasm file, in hex
    let wasm = wat::parse_str(COUNTER_WAT).unwrap();
    std::fs::write(env.path("counter.wasm"), wasm).unwrap();
    env.svm()
        .args([
            "craft-deploy",
            "-w",
            "counter.wasm",
            "-m",
            "counter-meta.json",
            "-o",
            "c.hex",
            "--hex",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(&template));
    env.svm().args(["decode", "c.hex"]).assert().success();
}

#[test]
fn craft_deploy_failures_name_the_problem() {
    let env = Env::new();
    env.write("counter.wat", COUNTER_WAT);
    env.svm()
        .args([
            "craft-deploy",
            "--wasm",
            "missing.wat",
            "--meta",
            "m.json",
            "-o",
            "x.svm",
        ])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("missing.wat").and(predicate::str::contains("No such file")),
        );
    // without --meta the code must carry an svm-meta section (a template built with svm-sdk)
    env.svm()
        .args(["craft-deploy", "-w", "counter.wat", "-o", "x.svm"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("has no svm-meta section")
                .and(predicate::str::contains("--meta")),
        );
    env.write("bad.json", "{\n  \"vars\": [8,\n  \"ctors\": []\n}");
    env.svm()
        .args([
            "craft-deploy",
            "-w",
            "counter.wat",
            "-m",
            "bad.json",
            "-o",
            "x.svm",
        ])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("bad.json").and(predicate::str::contains("line 3, column")),
        );
    env.write(
        "unknown.json",
        r#"{"vars": [8], "ctors": ["initialize"], "varz": 1}"#,
    );
    env.svm()
        .args([
            "craft-deploy",
            "-w",
            "counter.wat",
            "-m",
            "unknown.json",
            "-o",
            "x.svm",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`varz`: unknown field"));
    env.write("noctor.json", r#"{"vars": [8], "ctors": ["nope"]}"#);
    env.svm()
        .args([
            "craft-deploy",
            "-w",
            "counter.wat",
            "-m",
            "noctor.json",
            "-o",
            "x.svm",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("\"nope\""));
    assert!(!env.path("x.svm").exists(), "no output on failure");
}

// ----- tx and decode ------------------------------------------------------------------------

#[test]
fn tx_encodes_the_seed_examples_and_decode_gives_them_back() {
    let env = Env::new();
    env.write("spawn.json", SEED_SPAWN);
    env.svm()
        .args([
            "tx",
            "--tx-type=spawn",
            "--input=spawn.json",
            "--output=spawn.bin",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("spawn message"));
    let v = env.json(&["decode", "spawn.bin"]);
    assert_eq!(v["template"], "b5eba98957e6a93173ffb50207cceeedfddb1a72");
    assert_eq!(v["name"], "My Account");
    assert_eq!(v["ctor_name"], "initialize");
    assert_eq!(v["calldata"]["abi"], serde_json::json!(["address", "bool"]));
    assert_eq!(
        v["calldata"]["data"],
        serde_json::json!(["8f20ed1a0e342c2a75b1b3f8014545dd3d886078", true])
    );

    env.write("call.json", SEED_CALL);
    env.svm()
        .args([
            "tx",
            "--tx-type=call",
            "--input=call.json",
            "--output=call.bin",
        ])
        .assert()
        .success();
    let v = env.json(&["decode", "call.bin"]);
    assert_eq!(v["target"], "066818abe361dd44f425da19e17c45babc40e232");
    assert_eq!(v["func_name"], "store_addr");
    assert_eq!(
        v["calldata"]["data"],
        serde_json::json!(["102030405060708090102030405060708090aabb"])
    );
    // hex output and `decode --hex`
    env.svm()
        .args([
            "tx",
            "-t",
            "call",
            "-i",
            "call.json",
            "-o",
            "call.hex",
            "--hex",
        ])
        .assert()
        .success();
    let hex = std::fs::read_to_string(env.path("call.hex")).unwrap();
    env.svm()
        .args(["decode", "--hex", hex.trim()])
        .assert()
        .success()
        .stdout(predicate::str::contains("store_addr"));
}

#[test]
fn tx_builds_a_whole_transaction() {
    let env = Env::new();
    env.write("call.json", SEED_CALL);
    env.svm()
        .args([
            "tx",
            "-t",
            "call",
            "-i",
            "call.json",
            "-o",
            "tx.bin",
            "--principal",
            ALICE,
            "--nonce",
            "7",
            "--gas-limit",
            "5000",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("call transaction"));
    let v = env.json(&["decode", "tx.bin"]);
    assert_eq!(v["envelope"]["principal"], ALICE);
    assert_eq!(v["envelope"]["nonce"], "7");
    assert_eq!(v["envelope"]["gas_limit"], "5000");
    assert_eq!(v["message"]["func_name"], "store_addr");
    // and back: the decoded JSON is a valid `tx` input
    std::fs::write(env.path("tx.json"), v.to_string()).unwrap();
    env.svm()
        .args([
            "tx",
            "--tx-type",
            "transaction",
            "-i",
            "tx.json",
            "-o",
            "tx2.bin",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(env.path("tx.bin")).unwrap(),
        std::fs::read(env.path("tx2.bin")).unwrap()
    );
}

#[test]
fn tx_failures_name_the_problem() {
    let env = Env::new();
    env.write("spawn.json", SEED_SPAWN);
    env.svm()
        .args(["tx", "--tx-type=deplo", "-i", "spawn.json", "-o", "x.bin"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("deplo")
                .and(predicate::str::contains("spawn"))
                .and(predicate::str::contains("call")),
        );
    env.write("typo.json", &SEED_SPAWN.replace("\"name\"", "\"nme\""));
    env.svm()
        .args(["tx", "-t", "spawn", "-i", "typo.json", "-o", "x.bin"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("field `nme`: unknown field"));
    env.write("hex.json", &SEED_SPAWN.replace("b5eba989", "zzeba989"));
    env.svm()
        .args(["tx", "-t", "spawn", "-i", "hex.json", "-o", "x.bin"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("field `template`").and(predicate::str::contains("hex")));
    env.write("syntax.json", "{\"version\": 0,\n \"target\": }");
    env.svm()
        .args(["tx", "-t", "call", "-i", "syntax.json", "-o", "x.bin"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 2, column"));
    env.svm()
        .args(["tx", "-t", "call", "-i", "nothere.json", "-o", "x.bin"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("nothere.json"));
    assert!(!env.path("x.bin").exists());
}

#[test]
fn decode_failures() {
    let env = Env::new();
    env.svm()
        .args(["decode", "--hex", "00zz"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad hex"));
    env.svm()
        .args(["decode", "--hex", "000099"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown item kind 0x99"));
    env.svm()
        .args(["decode", "--hex", "00001100"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("at byte"));
}

#[test]
fn decode_receipts_envelopes_and_contexts() {
    use svm_codec::{CallOutput, CallReceipt, Codec, Context, RuntimeError, TouchedAccounts};
    use svm_types::{Gas, Layer, State, TxId};
    let env = Env::new();
    let ok = CallReceipt {
        result: Ok(CallOutput {
            new_state: State([3; 32]),
            returndata: vec![1, 2],
        }),
        gas_used: Gas(42),
        logs: vec![],
        touched_accounts: TouchedAccounts::new(),
        calls: vec![],
    };
    let ok_hex = hex::encode(ok.encode());
    let v = env.json(&["decode", "--hex", &ok_hex]);
    assert_eq!(v["success"], true);
    assert_eq!(v["gas_used"], "42");
    let failed = CallReceipt {
        result: Err(RuntimeError::OutOfGas),
        ..ok
    };
    let v = env.json(&["decode", "--hex", &hex::encode(failed.encode())]);
    assert_eq!(v["error"]["type"], "out-of-gas");
    let ctx = Context {
        layer: Layer(9),
        tx_id: TxId([7; 32]),
    };
    std::fs::write(env.path("ctx.bin"), ctx.encode()).unwrap();
    let v = env.json(&["decode", "ctx.bin"]);
    assert_eq!(v["layer"], "9");
    // calldata has no header: only with --kind
    let v = env.json(&["decode", "--kind", "calldata", "--hex", "0101060000002a"]);
    assert_eq!(
        v,
        serde_json::json!({"abi": ["bool", "u32"], "data": [true, 42]})
    );
    let v = env.json(&["decode", "--kind", "call_receipt", "--hex", &ok_hex]);
    assert_eq!(v["type"], "call");
}

// ----- validate -----------------------------------------------------------------------------

#[test]
fn validate_code_and_reasons() {
    let env = Env::new();
    env.write("counter.wat", COUNTER_WAT);
    env.svm()
        .args(["validate", "counter.wat"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid template code"));
    env.write("nomem.wat", "(module (func (export \"f\")))");
    env.svm()
        .args(["validate", "nomem.wat"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("invalid").and(predicate::str::contains("memory")));
    env.write(
        "float.wat",
        "(module (memory (export \"memory\") 1) (func (export \"f\") (result f32) (f32.const 1)))",
    );
    env.svm()
        .args(["validate", "float.wat"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("invalid"));
    env.write("broken.wat", "(module (func");
    env.svm()
        .args(["validate", "broken.wat"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("WAT"));
    env.svm()
        .args(["validate", "absent.wasm"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("absent.wasm"));
}

// ----- node commands ------------------------------------------------------------------------

#[test]
fn node_commands_from_wat_to_a_committed_call() {
    let env = Env::new();
    let (deploy, template) = env.counter_deploy();
    // read-only commands do not create a data directory
    env.svm()
        .arg("root")
        .assert()
        .failure()
        .stderr(predicate::str::contains("no data directory"));
    assert!(!env.data().exists());

    let v = env.json(&["fund", ALICE, "1000000000"]);
    assert_eq!(v["balance"], "1000000000");
    assert_eq!(v["committed"]["layer"], "1");

    let r = env.json(&["deploy", s(&deploy), "--principal", ALICE]);
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["template"], template.as_str());
    // deploying it again: a failed receipt, not a command failure; --receipt-out writes the
    // receipt's bytes, which decode to exactly the JSON printed
    let r = env.json(&[
        "deploy",
        s(&deploy),
        "--principal",
        ALICE,
        "--receipt-out",
        "again.receipt",
    ]);
    assert_eq!(r["error"]["type"], "template-already-exists");
    let bytes = std::fs::read(env.path("again.receipt")).unwrap();
    use svm_codec::{Codec, json::JsonForm};
    assert_eq!(
        svm_codec::Receipt::decode(&bytes).unwrap().to_json(),
        r,
        "receipt bytes == printed receipt"
    );
    assert_eq!(env.json(&["decode", "again.receipt"]), r);

    env.write(
        "spawn.json",
        &format!(r#"{{"template": "{template}", "name": "c", "ctor_name": "initialize", "calldata": {{"abi": [], "data": []}}}}"#),
    );
    let r = env.json(&["spawn", "spawn.json", "--principal", ALICE]);
    assert_eq!(r["success"], true, "{r}");
    let counter = r["account"].as_str().unwrap().to_string();

    // calldata: the u64 LE argument as raw hex
    env.write(
        "add.json",
        &format!(
            r#"{{"target": "{counter}", "func_name": "add", "calldata": "0500000000000000"}}"#
        ),
    );
    env.svm()
        .args(["call", "add.json", "--principal", ALICE])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("call: success")
                .and(predicate::str::contains("returned:  0500000000000000"))
                .and(predicate::str::contains("\"added\""))
                .and(predicate::str::contains("committed layer 5")),
        );
    let r = env.json(&[
        "call",
        "add.json",
        "--principal",
        ALICE,
        "--gas-limit",
        "10",
    ]);
    // below the message's own gas: refused, the nonce not consumed
    assert_eq!(r["error"]["type"], "gas-limit-too-low");
    assert_eq!(r["gas_used"], "0");
    let r = env.json(&[
        "call",
        "add.json",
        "--principal",
        ALICE,
        "--gas-limit",
        "20000",
    ]);
    // enough to be read, not to load the template: out of gas, all of it charged
    assert_eq!(r["error"]["type"], "out-of-gas");

    let a = env.json(&["account", ALICE]);
    assert_eq!(a["nonce"], "5");
    let a = env.json(&["account", &counter]);
    assert_eq!(a["template"], template.as_str());
    env.svm()
        .args(["account", "0000000000000000000000000000000000000001"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no account"));
    env.svm()
        .args(["account", "xyz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hex"));

    let root = env.json(&["root"]);
    assert_eq!(root["layer"], "7");
    let layers = env.json(&["layers"]);
    assert_eq!(layers["layers"].as_array().unwrap().len(), 8);
    let layer5 = layers["layers"][5]["root"].clone();

    let r = env.json(&["rewind", "--layer", "5"]);
    assert_eq!(r["root"], layer5);
    assert_eq!(env.json(&["root"])["layer"], "5");
    env.svm()
        .args(["rewind", "--layer", "99"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot rewind to layer 99"));

    // a whole transaction file: the nonce is the file's
    env.write(
        "tx.json",
        &format!(r#"{{"envelope": {{"type": "call", "principal": "{ALICE}", "amount": "0", "nonce": "3", "gas_limit": "1000000", "gas_fee": "1"}}, "message": {{"target": "{counter}", "func_name": "get"}}}}"#),
    );
    let r = env.json(&["call", "tx.json"]);
    assert_eq!(r["error"]["type"], "nonce-mismatch");
    env.svm()
        .args(["call", "tx.json", "--principal", ALICE])
        .assert()
        .failure()
        .stderr(predicate::str::contains("drop --principal"));
    env.svm()
        .args(["call", "add.json"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--principal"));
    env.svm()
        .args(["spawn", "add.json", "--principal", ALICE])
        .assert()
        .failure()
        .stderr(predicate::str::contains("field `func_name`: unknown field"));
}

#[test]
fn proofs_of_accounts_and_variables_verify_against_their_layer_roots() {
    let env = Env::new();
    let (deploy, template) = env.counter_deploy();
    env.json(&["fund", ALICE, "1000000000"]);
    env.json(&["deploy", s(&deploy), "--principal", ALICE]);
    env.write(
        "spawn.json",
        &format!(r#"{{"template": "{template}", "name": "c", "ctor_name": "initialize", "calldata": {{"abi": [], "data": []}}}}"#),
    );
    let counter = env.json(&["spawn", "spawn.json", "--principal", ALICE])["account"]
        .as_str()
        .unwrap()
        .to_string();
    env.write(
        "add.json",
        &format!(
            r#"{{"target": "{counter}", "func_name": "add", "calldata": "0500000000000000"}}"#
        ),
    );
    let before = env.json(&["root"]);
    env.json(&["call", "add.json", "--principal", ALICE]);
    let after = env.json(&["root"]);
    let (old_layer, old_root) = (
        before["layer"].as_str().unwrap(),
        before["root"].as_str().unwrap(),
    );
    let root = after["root"].as_str().unwrap();

    // the counter's variable 0, now and one layer earlier
    let p = env.json(&[
        "proof",
        "storage",
        &counter,
        "--var",
        "0",
        "-o",
        "var.proof",
    ]);
    assert_eq!(
        (p["offset"].as_u64(), p["len"].as_u64()),
        (Some(0), Some(8))
    );
    assert_eq!(p["value"], "0500000000000000");
    assert_eq!(p["root"], root);
    let old = env.json(&[
        "proof", "storage", &counter, "--var", "0", "--layer", old_layer,
    ]);
    assert_eq!(old["value"], "0000000000000000");
    // verified with nothing but the root (binary file, or the hex printed)
    let verify = |file: &str, root: &str, page_size: &str| {
        let range = ["--offset", "0", "--len", "8", "--page-size", page_size];
        let args = [
            "proof",
            "verify",
            file,
            "--root",
            root,
            "--address",
            &counter,
        ];
        env.json(&[&args[..], &range[..]].concat())
    };
    let v = verify("var.proof", root, "4096");
    assert_eq!(
        (v["verified"].as_bool(), v["value"].as_str()),
        (Some(true), Some("0500000000000000"))
    );
    env.write("old.hex", old["proof"].as_str().unwrap());
    let v = verify("old.hex", old_root, "4096");
    assert_eq!(v["value"], "0000000000000000");
    // refused: another root, another account, another range
    for (r, a, offset, len) in [
        (old_root, counter.as_str(), "0", "8"),
        (root, ALICE, "0", "8"),
        (root, counter.as_str(), "1", "7"),
    ] {
        env.svm()
            .args(["proof", "verify", "var.proof", "--root", r, "--address", a])
            .args(["--offset", offset, "--len", len])
            .assert()
            .failure()
            .stderr(predicate::str::contains("proof refused"));
    }
    // accounts, and the absence of one
    let p = env.json(&["proof", "account", ALICE]);
    assert_eq!(p["proven"]["nonce"], "3");
    env.write("alice.hex", p["proof"].as_str().unwrap());
    let v = env.json(&[
        "proof",
        "verify",
        "alice.hex",
        "--root",
        root,
        "--address",
        ALICE,
    ]);
    assert_eq!(v["proven"]["balance"], p["proven"]["balance"]);
    let nobody = "0000000000000000000000000000000000000001";
    let p = env.json(&["proof", "account", nobody]);
    assert_eq!(p["proven"]["exists"], false);
    env.write("nobody.hex", p["proof"].as_str().unwrap());
    let v = env.json(&[
        "proof",
        "verify",
        "nobody.hex",
        "--root",
        root,
        "--address",
        nobody,
    ]);
    assert_eq!(v["proven"]["exists"], false);
    // a key of a map the counter does not have: its absence, verified
    let p = env.json(&["proof", "map", &counter, "--map", "0", "--key", "01"]);
    assert_eq!(p["value"], Json::Null);
    env.write("map.hex", p["proof"].as_str().unwrap());
    let args = [
        "proof",
        "verify",
        "map.hex",
        "--root",
        root,
        "--address",
        &counter,
    ];
    let v = env.json(&[&args[..], &["--map", "0", "--key", "01"]].concat());
    assert_eq!(
        (v["verified"].as_bool(), &v["value"]),
        (Some(true), &Json::Null)
    );
    env.svm()
        .args(args)
        .args(["--map", "0", "--key", "02"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("proof refused"));
    // what has no proof says why
    env.svm()
        .args(["proof", "account", ALICE, "--layer", "99"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "layer 99 is not a committed layer",
        ));
    env.svm()
        .args(["proof", "storage", ALICE, "--var", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("has no template"));
    env.svm()
        .args(["proof", "storage", &counter, "--var", "3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown variable 3"));
}

#[test]
fn events_are_found_by_account_and_topic_page_by_page() {
    let env = Env::new();
    env.write("emitter.wat", svm_runtime::examples::EMITTER.wat);
    env.write(
        "emitter-meta.json",
        r#"{"name": "emitter", "vars": [8], "ctors": ["init"]}"#,
    );
    let v = env.json(&[
        "craft-deploy",
        "--wasm",
        "emitter.wat",
        "--meta",
        "emitter-meta.json",
        "-o",
        "emitter.deploy",
    ]);
    let template = v["template"].as_str().unwrap().to_string();
    env.json(&["fund", ALICE, "1000000000"]);
    env.json(&["deploy", "emitter.deploy", "--principal", ALICE]);
    env.write(
        "spawn.json",
        &format!(r#"{{"template": "{template}", "name": "e", "ctor_name": "init", "calldata": {{"abi": [], "data": []}}}}"#),
    );
    let emitter = env.json(&["spawn", "spawn.json", "--principal", ALICE])["account"]
        .as_str()
        .unwrap()
        .to_string();
    // two events with topic 77..77, kept 100 layers, data 01 and 02
    let topic = "77".repeat(32);
    for data in ["01", "02"] {
        env.write(
            "emit.json",
            &format!(
                r#"{{"target": "{emitter}", "func_name": "emit", "calldata": "640000000000000001{topic}{data}"}}"#
            ),
        );
        let r = env.json(&["call", "emit.json", "--principal", ALICE]);
        assert_eq!(r["success"], true, "{r}");
    }
    let page = env.json(&[
        "events",
        "--topic",
        &topic,
        "--account",
        &emitter,
        "--limit",
        "1",
    ]);
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["data"], "01");
    assert_eq!(events[0]["account"], emitter.as_str());
    let next = page["next"].as_str().unwrap().to_string();
    let rest = env.json(&["events", "--topic", &topic, "--after", &next]);
    assert_eq!(rest["events"][0]["data"], "02");
    assert!(rest["next"].is_null());
    // a light client's proof of the second event, against the last root only
    let (layer, index) = (
        rest["events"][0]["layer"].as_str().unwrap().to_string(),
        rest["events"][0]["index"].as_u64().unwrap(),
    );
    let at = format!("{layer}:{index}");
    let p = env.json(&["proof", "event", "--event", &at, "-o", "event.proof"]);
    assert_eq!(p["proven"]["data"], "02");
    let root = p["root"].as_str().unwrap().to_string();
    let v = env.json(&[
        "proof",
        "verify",
        "event.proof",
        "--root",
        &root,
        "--event",
        &at,
    ]);
    assert_eq!(v["verified"], true);
    assert_eq!(v["proven"]["account"], emitter.as_str());
    let other = format!("{layer}:{}", index + 1);
    env.svm()
        .args([
            "proof",
            "verify",
            "event.proof",
            "--root",
            &root,
            "--event",
            &other,
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("event proof"));
    env.svm()
        .args([
            "proof",
            "verify",
            "event.proof",
            "--root",
            &root,
            "--address",
            ALICE,
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--event LAYER:INDEX"));
    // another topic: every layer is skipped by its filter
    let none = env.json(&["events", "--topic", &"11".repeat(32)]);
    assert_eq!(none["events"].as_array().unwrap().len(), 0);
    assert_eq!(none["layers_read"], 0);
    env.svm()
        .args(["events", "--topic", "abcd"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("a topic is 32 bytes"));
    env.svm()
        .args(["events", "--after", "7"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("LAYER:INDEX"));
}

#[test]
fn history_keeps_a_window_of_layers_and_says_so() {
    let env = Env::new();
    for _ in 0..12 {
        env.json(&["--history", "4", "fund", ALICE, "10"]);
    }
    let v = env.json(&["--history", "4", "layers"]);
    assert_eq!(v["oldest"], "8");
    assert_eq!(v["history"], 4);
    assert_eq!(v["layers"].as_array().unwrap().len(), 5);
    assert!(v["disk_bytes"].as_u64().unwrap() > 0);
    env.svm()
        .args(["--history", "4", "rewind", "-l", "7"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "cannot rewind to layer 7: the oldest layer on record is 8",
        ));
    env.svm()
        .args(["proof", "account", ALICE, "--layer", "7"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("layer 7 is not a committed layer"));
    let r = env.json(&["--history", "4", "rewind", "-l", "9"]);
    assert_eq!(r["layer"], "9", "{r}");
    assert_eq!(env.json(&["account", ALICE])["balance"], "90");
    // without the flag, nothing more is pruned, and what was pruned stays gone
    env.json(&["fund", ALICE, "10"]);
    assert_eq!(env.json(&["layers"])["oldest"], "8");
}

#[test]
fn keys_sign_transactions_for_a_signed_wallet() {
    let env = Env::new();
    // a new key: 0600, never overwritten, the secret shown only when asked
    let k = env.json(&["key", "new", "owner.key"]);
    let public = k["public_key"].as_str().unwrap().to_string();
    assert_eq!(public.len(), 64);
    assert!(k.get("secret").is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.tmp.path().join("owner.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read(env.tmp.path().join("owner.key")).unwrap();
    env.svm()
        .args(["key", "new", "owner.key"])
        .assert()
        .failure();
    assert_eq!(
        std::fs::read(env.tmp.path().join("owner.key")).unwrap(),
        before
    );
    let shown = env.json(&["key", "show", "owner.key", "--secret"]);
    assert_eq!(shown["public_key"], public.as_str());
    assert_eq!(shown["secret"].as_str().unwrap().len(), 64);
    env.json(&["key", "new", "other.key"]);

    // a signed wallet owned by that key
    env.write("signed.wat", SIGNED_WALLET_WAT);
    env.write("meta.json", r#"{"vars": [32], "ctors": ["init"]}"#);
    let t = env.json(&[
        "craft-deploy",
        "-w",
        "signed.wat",
        "-m",
        "meta.json",
        "-o",
        "s.svm",
    ]);
    let template = t["template"].as_str().unwrap();
    env.json(&["fund", ALICE, "1000000000"]);
    env.json(&["deploy", "s.svm", "-p", ALICE]);
    env.write(
        "spawn.json",
        &format!(r#"{{"template": "{template}", "ctor_name": "init", "calldata": "{public}"}}"#),
    );
    let r = env.json(&["spawn", "spawn.json", "-p", ALICE, "--amount", "100000000"]);
    let wallet = r["account"].as_str().unwrap().to_string();
    env.write(
        "pay.json",
        &format!(
            r#"{{"target": "{wallet}", "func_name": "transfer", "calldata": "{ALICE}0a00000000000000"}}"#
        ),
    );
    let by = ["-p", wallet.as_str(), "-g", "1000000"];
    // unsigned, or signed by another key: refused, and nothing charged
    let unsigned = env.json(&[&["call", "pay.json"][..], &by].concat());
    assert_eq!(unsigned["success"], false, "{unsigned}");
    assert_eq!(unsigned["gas_used"], "0");
    let other = env.json(&[&["call", "pay.json", "--key", "other.key"][..], &by].concat());
    assert_eq!(other["success"], false, "{other}");
    // signed by the owner: verify passes, the call runs
    let v = env.json(&[&["verify", "pay.json", "--key", "owner.key"][..], &by].concat());
    assert_eq!(v["success"], true, "{v}");
    let paid = env.json(&[&["call", "pay.json", "--key", "owner.key"][..], &by].concat());
    assert_eq!(paid["success"], true, "{paid}");
    // a signed transaction file (svm tx --key) verifies as it is
    env.json(
        &[
            &[
                "tx",
                "-t",
                "call",
                "-i",
                "pay.json",
                "-o",
                "signed.tx",
                "-n",
                "1",
                "--key",
                "owner.key",
            ][..],
            &by,
        ]
        .concat(),
    );
    let v = env.json(&["verify", "signed.tx"]);
    assert_eq!(v["success"], true, "{v}");
}

#[test]
fn verify_runs_the_wallet_check() {
    let env = Env::new();
    env.write("wallet.wat", WALLET_WAT);
    env.write("meta.json", r#"{"vars": [8, 8], "ctors": ["init"]}"#);
    let t = env.json(&[
        "craft-deploy",
        "-w",
        "wallet.wat",
        "-m",
        "meta.json",
        "-o",
        "w.svm",
    ]);
    let template = t["template"].as_str().unwrap();
    env.json(&["fund", ALICE, "1000000000"]);
    env.json(&["deploy", "w.svm", "-p", ALICE]);
    env.write(
        "spawn.json",
        &format!(
            r#"{{"template": "{template}", "ctor_name": "init", "calldata": "2a00000000000000"}}"#
        ),
    );
    let r = env.json(&["spawn", "spawn.json", "-p", ALICE, "--amount", "1000000"]);
    let wallet = r["account"].as_str().unwrap().to_string();
    for (secret, ok) in [("2a00000000000000", true), ("2b00000000000000", false)] {
        env.write(
            "v.json",
            &format!(
                r#"{{"target": "{wallet}", "func_name": "transfer", "verifydata": "{secret}"}}"#
            ),
        );
        // verify needs the principal to afford its gas limit: the wallet holds 1,000,000
        let r = env.json(&["verify", "v.json", "-p", &wallet, "-g", "500000"]);
        assert_eq!(r["success"], ok, "{r}");
    }
}

#[test]
fn open_collects_until_commit() {
    let env = Env::new();
    env.svm()
        .arg("open")
        .assert()
        .success()
        .stdout(predicate::str::contains("opened layer 1"));
    env.svm()
        .arg("open")
        .assert()
        .failure()
        .stderr(predicate::str::contains("already open"));
    env.json(&["fund", ALICE, "500"]);
    env.json(&["fund", ALICE, "700"]);
    // pending changes are visible, but nothing is committed yet
    assert_eq!(env.json(&["account", ALICE])["balance"], "1200");
    let root = env.json(&["root"]);
    assert_eq!(root["layer"], "0");
    assert_eq!(root["pending"]["entries"], 2);
    let c = env.json(&["commit"]);
    assert_eq!(c["layer"], "1");
    assert_eq!(c["entries"], 2);
    assert_eq!(c["root"], root["pending"]["root"]);
    env.svm()
        .arg("commit")
        .assert()
        .failure()
        .stderr(predicate::str::contains("no layer is open"));
    // rewind drops an open layer
    env.svm().arg("open").assert().success();
    env.json(&["fund", ALICE, "1"]);
    let r = env.json(&["rewind", "--layer", "1"]);
    assert_eq!(r["dropped_pending"], 1);
    assert_eq!(env.json(&["account", ALICE])["balance"], "1200");
    // the memory store keeps nothing between commands
    env.svm()
        .args(["--store", "memory", "open"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("memory store"));
}

#[test]
fn run_applies_layers_and_prints_every_receipt() {
    let env = Env::new();
    let (deploy, template) = env.counter_deploy();
    let deploy_json = env.json(&["decode", s(&deploy)]);
    let envelope = |t: &str, nonce: u32| serde_json::json!({"type": t, "principal": ALICE, "amount": "0", "nonce": nonce.to_string(), "gas_limit": "10000000", "gas_fee": "1"});
    let file = serde_json::json!({"layers": [
        {"fund": [{"account": ALICE, "amount": "1000000000"}],
         "transactions": [
            {"envelope": envelope("deploy", 0), "message": deploy_json},
            {"envelope": envelope("spawn", 1), "message": {"template": template, "ctor_name": "initialize", "calldata": "0700000000000000"}},
         ]},
        {"transactions": [
            {"envelope": envelope("call", 9), "message": {"target": ALICE, "func_name": "get"}},
            {"envelope": envelope("spawn", 2), "message": {"template": template, "ctor_name": "get"}},
        ]}
    ]});
    env.write("run.json", &file.to_string());
    env.svm()
        .args(["--store", "memory", "run", "run.json"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("layer 1 tx 0: deploy: success")
                .and(predicate::str::contains(
                    "layer 2 tx 0: call: FAILED (nonce-mismatch)",
                ))
                .and(predicate::str::contains("func-not-ctor"))
                .and(predicate::str::contains("2 receipts succeeded, 2 failed")),
        );
    let v = env.json(&["run", "run.json"]);
    assert_eq!(v["layers"].as_array().unwrap().len(), 2);
    assert_eq!(v["succeeded"], 2);
    assert_eq!(env.json(&["root"])["layer"], "2");

    env.write("bad.json", "{\"layers\": [\n {\"transactions\": [}\n]}");
    env.svm()
        .args(["run", "bad.json"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 2, column"));
    env.write(
        "bad2.json",
        r#"{"layers": [{"transactions": [{"envelope": {"type": "dance"}, "message": {}}]}]}"#,
    );
    env.svm()
        .args(["run", "bad2.json"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("layers[0].transactions[0]")
                .and(predicate::str::contains("dance")),
        );
    assert_eq!(
        env.json(&["root"])["layer"],
        "2",
        "a malformed file changes nothing"
    );
}

// ----- data directory -----------------------------------------------------------------------

#[test]
fn a_locked_data_dir_is_reported() {
    let env = Env::new();
    env.json(&["fund", ALICE, "1"]);
    let held = svm_kv::RocksStore::open(env.data().join("store")).unwrap();
    env.svm().arg("root").assert().failure().stderr(
        predicate::str::contains("is locked").and(predicate::str::contains("another process")),
    );
    drop(held);
    env.svm().arg("root").assert().success();
}

#[test]
fn an_incompatible_data_dir_is_reported() {
    let env = Env::new();
    env.json(&["fund", ALICE, "1"]);
    env.svm()
        .args(["--store", "leveldb", "root"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("incompatible")
                .and(predicate::str::contains("use --store rocksdb")),
        );
    std::fs::write(env.data().join("VERSION"), "svm-data 99\nstore rocksdb\n").unwrap();
    env.svm().arg("root").assert().failure().stderr(
        predicate::str::contains("incompatible").and(predicate::str::contains("format 99")),
    );
    let other = env.path("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    env.svm()
        .args(["--data-dir", s(&other), "fund", ALICE, "1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not an svm data directory"));
    assert_eq!(
        std::fs::read_dir(&other).unwrap().count(),
        1,
        "left untouched"
    );
}

#[test]
fn leveldb_data_dirs_work_too() {
    let env = Env::new();
    env.svm()
        .args(["--store", "leveldb", "fund", ALICE, "5"])
        .assert()
        .success();
    let a = env.json(&["--store", "leveldb", "account", ALICE]);
    assert_eq!(a["balance"], "5");
}

// ----- demo ---------------------------------------------------------------------------------

#[test]
fn demo_runs_and_continues() {
    let env = Env::new();
    let args = [
        "demo",
        "--wallets",
        "10",
        "--transfers",
        "50",
        "--layers",
        "2",
    ];
    let first = env.json(&args);
    assert_eq!(first["continued"], false);
    assert_eq!(first["templates_deployed"].as_array().unwrap().len(), 8);
    assert_eq!(first["layers"].as_array().unwrap().len(), 3);
    assert_eq!(first["transfers"], 100);
    assert!(first["transfers_failed"].as_u64().unwrap() >= 1, "{first}");
    assert_eq!(first["replay_root_matches"], true);
    assert_eq!(first["verify_ok"], true);
    let second = env.json(&args);
    assert_eq!(second["continued"], true);
    assert_eq!(second["start_layer"], "3");
    assert_eq!(second["templates_existing"].as_array().unwrap().len(), 8);
    assert_eq!(second["layers"][0]["layer"], "4");
    env.svm()
        .args([
            "demo",
            "--wallets",
            "4",
            "--transfers",
            "20",
            "--layers",
            "1",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("continued from layer 6")
                .and(predicate::str::contains("transfers/s")),
        );
}

#[test]
fn help_on_every_subcommand() {
    for sub in [
        "craft-deploy",
        "tx",
        "decode",
        "validate",
        "fund",
        "deploy",
        "spawn",
        "call",
        "verify",
        "open",
        "commit",
        "rewind",
        "account",
        "root",
        "layers",
        "run",
        "demo",
    ] {
        Command::cargo_bin("svm")
            .unwrap()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: svm"));
    }
}

#[test]
fn failed_commands_leave_no_data_dir_and_json_errors() {
    let env = Env::new();
    env.svm()
        .args(["deploy", "nothing.svm", "--principal", ALICE])
        .assert()
        .failure()
        .stderr(predicate::str::contains("nothing.svm"));
    env.write("call.json", SEED_CALL);
    env.svm()
        .args(["--json", "call", "call.json"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("\"error\""));
    assert!(!env.data().exists(), "no data directory was created");
    // a data directory path that cannot be created
    env.write("file", "x");
    env.svm()
        .args([
            "--data-dir",
            s(&env.path("file").join("sub")),
            "fund",
            ALICE,
            "1",
        ])
        .assert()
        .failure();
    // decode reads standard input
    env.svm()
        .arg("decode")
        .write_stdin(SEED_CALL)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad hex"));
    env.write("spawn.json", SEED_SPAWN);
    env.svm()
        .args(["tx", "-i", "spawn.json", "-o", "-", "--hex"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("000011"));
}

// ----- output failures ----------------------------------------------------------------------

/// Where a child's standard output goes in [`run_with_stdout`].
#[derive(Clone, Copy, Debug)]
enum Sink {
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
    /// A pipe whose reading end is closed: every write fails with EPIPE.
    ClosedPipe,
}

/// Runs `svm --data-dir DATA ARGS` with standard output going to `sink`; returns the exit
/// code and standard error.
fn run_with_stdout(env: &Env, sink: Sink, args: &[&str]) -> (Option<i32>, String) {
    let stdout = match sink {
        Sink::Full => std::process::Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        ),
        Sink::ClosedPipe => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            std::process::Stdio::from(writer)
        }
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_svm"))
        .current_dir(env.tmp.path())
        .arg("--data-dir")
        .arg(env.data())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a command whose output failed ended cleanly: no panic, exit code 1, and (for a
/// full disk) the reason on standard error.
fn assert_output_failure(sink: Sink, args: &[&str], (code, stderr): (Option<i32>, String)) {
    assert!(!stderr.contains("panicked"), "{sink:?} {args:?}: {stderr}");
    assert_eq!(code, Some(1), "{sink:?} {args:?}: {stderr}");
    match sink {
        Sink::Full => assert!(
            stderr.contains("cannot write to standard output") && stderr.contains("No space"),
            "{args:?}: {stderr}"
        ),
        // A closed pipe ends the command quietly, as it ends most Unix tools.
        Sink::ClosedPipe => assert!(!stderr.contains("error"), "{args:?}: {stderr}"),
    }
}

#[test]
fn a_failed_output_never_panics_and_keeps_committed_state() {
    let env = Env::new();
    let (deploy, _) = env.counter_deploy();
    env.write("call.json", SEED_CALL);
    env.svm()
        .args(["tx", "-t", "call", "-i", "call.json", "-o", "call.bin"])
        .assert()
        .success();
    env.write(
        "run.json",
        &serde_json::json!({"layers": [{"fund": [{"account": ALICE, "amount": "1"}]}]}).to_string(),
    );
    let mut balance = 0u64;
    let mut layer = 0u64;
    for sink in [Sink::Full, Sink::ClosedPipe] {
        // state-changing commands: the change is committed even though the output failed
        for json in [false, true] {
            let mut args = vec!["fund", ALICE, "10"];
            if json {
                args.insert(0, "--json");
            }
            let result = run_with_stdout(&env, sink, &args);
            if let Sink::Full = sink {
                assert!(result.1.contains("its changes are kept"), "{}", result.1);
            }
            assert_output_failure(sink, &args, result);
            balance += 10;
            layer += 1;
            let a = env.json(&["account", ALICE]);
            assert_eq!(a["balance"], balance.to_string(), "{sink:?}");
            assert_eq!(env.json(&["root"])["layer"], layer.to_string(), "{sink:?}");
        }
        let args = ["run", "run.json"];
        assert_output_failure(sink, &args, run_with_stdout(&env, sink, &args));
        balance += 1;
        layer += 1;
        assert_eq!(
            env.json(&["account", ALICE])["balance"],
            balance.to_string()
        );
        // a failed receipt (too few coins for the gas) is committed in a layer too
        let args = ["deploy", s(&deploy), "--principal", ALICE];
        assert_output_failure(sink, &args, run_with_stdout(&env, sink, &args));
        layer += 1;
        let args = ["open"];
        assert_output_failure(sink, &args, run_with_stdout(&env, sink, &args));
        let args = ["commit"];
        assert_output_failure(sink, &args, run_with_stdout(&env, sink, &args));
        layer += 1;
        assert_eq!(env.json(&["root"])["layer"], layer.to_string());
        let layers = env.json(&["layers"]);
        assert_eq!(layers["layers"].as_array().unwrap().len() as u64, layer + 1);
        // read-only and crafting commands
        for args in [
            &["root"][..],
            &["--json", "root"],
            &["layers"],
            &["account", ALICE],
            &["decode", "call.bin"],
            &["tx", "-t", "call", "-i", "call.json", "-o", "-"],
            &["validate", "counter.wat"],
            &["--help"],
            &["--version"],
            &["account", "--help"],
        ] {
            assert_output_failure(sink, args, run_with_stdout(&env, sink, args));
        }
        // an error's JSON document cannot be printed either: the message still is
        let (code, stderr) = run_with_stdout(&env, sink, &["--json", "call", "call.json"]);
        assert_eq!(code, Some(1));
        assert!(!stderr.contains("panicked") && stderr.contains("--principal"));
    }
    // the demo (its progress bar is drawn only on a terminal) commits its layers too
    let args = [
        "demo",
        "--wallets",
        "3",
        "--transfers",
        "5",
        "--layers",
        "1",
    ];
    assert_output_failure(Sink::Full, &args, run_with_stdout(&env, Sink::Full, &args));
    assert_eq!(env.json(&["root"])["layer"], (layer + 2).to_string());
}

#[test]
fn a_failed_error_output_never_panics() {
    let env = Env::new();
    let full = || {
        std::process::Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    };
    for args in [
        &["root"][..],
        &["decode", "--hex", "000099"],
        &["decode", "--hex", "00001100"],
        &["no-such-command"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_svm"))
            .current_dir(env.tmp.path())
            .arg("--data-dir")
            .arg(env.data())
            .args(args)
            .stdout(full())
            .stderr(full())
            .status()
            .unwrap();
        // a panic exits with 101
        assert!(matches!(out.code(), Some(1 | 2)), "{args:?}: {out:?}");
    }
    // a success whose note on standard error cannot be written still succeeds
    use svm_codec::{Codec, Context};
    let ctx = Context {
        layer: svm_types::Layer(9),
        tx_id: svm_types::TxId([7; 32]),
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_svm"))
        .args(["decode", "--hex", &hex::encode(ctx.encode())])
        .stdout(std::process::Stdio::null())
        .stderr(full())
        .status()
        .unwrap();
    assert!(out.success(), "{out:?}");
}

// ----- interrupted initialisation -----------------------------------------------------------

/// `svm --json layers` of `data` as (layer, root) pairs.
fn layers_of(env: &Env, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = extra.to_vec();
    args.push("layers");
    env.json(&args)["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["layer"].as_str().unwrap().to_string(),
                l["root"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A data directory initialised by svm, at layer 0 (genesis), without its journal.
fn genesis_dir(env: &Env, store: &str) {
    env.svm()
        .args(["--store", store, "open"])
        .assert()
        .success();
    std::fs::remove_file(env.data().join("pending.json")).unwrap();
}

/// Every state a kill can leave behind while a fresh data directory is initialised (by this
/// svm, which writes `VERSION` first, or by an older one, which wrote it last): the next
/// command completes the initialisation, and a store that holds a state is never wiped or
/// re-initialised.
#[test]
fn an_interrupted_initialisation_is_completed() {
    let version = "svm-data 1\nstore rocksdb\n";
    let genesis = {
        let env = Env::new();
        genesis_dir(&env, "rocksdb");
        layers_of(&env, &[])
    };
    assert_eq!(genesis.len(), 1);
    // (what the kill left, whether a read-only command may complete it)
    type Setup = fn(&Env);
    let states: [(&str, Setup, bool); 8] = [
        (
            "a temporary VERSION file",
            |env| {
                std::fs::create_dir(env.data()).unwrap();
                std::fs::write(env.data().join(".VERSION.tmp-4242"), "svm-da").unwrap();
            },
            false,
        ),
        (
            "VERSION only",
            |env| {
                std::fs::create_dir(env.data()).unwrap();
                std::fs::write(env.data().join("VERSION"), "svm-data 1\nstore rocksdb\n").unwrap();
            },
            true,
        ),
        (
            "VERSION and a store with a few engine files",
            |env| {
                std::fs::create_dir_all(env.data().join("store")).unwrap();
                std::fs::write(env.data().join("VERSION"), "svm-data 1\nstore rocksdb\n").unwrap();
                std::fs::write(env.data().join("store/LOG"), "").unwrap();
                std::fs::write(env.data().join("store/LOCK"), "").unwrap();
            },
            true,
        ),
        (
            "VERSION and an empty database",
            |env| {
                std::fs::create_dir(env.data()).unwrap();
                std::fs::write(env.data().join("VERSION"), "svm-data 1\nstore rocksdb\n").unwrap();
                drop(svm_kv::RocksStore::open(env.data().join("store")).unwrap());
            },
            true,
        ),
        (
            "VERSION and an initialised store, no modules/",
            |env| {
                genesis_dir(env, "rocksdb");
                std::fs::remove_dir_all(env.data().join("modules")).unwrap();
            },
            true,
        ),
        (
            "an older svm's: a store with a few engine files, no VERSION",
            |env| {
                std::fs::create_dir_all(env.data().join("store")).unwrap();
                std::fs::write(env.data().join("store/LOG"), "").unwrap();
            },
            true,
        ),
        (
            "an older svm's: an empty database, no VERSION",
            |env| {
                std::fs::create_dir(env.data()).unwrap();
                drop(svm_kv::RocksStore::open(env.data().join("store")).unwrap());
            },
            true,
        ),
        (
            "an older svm's: an initialised store and modules/, no VERSION",
            |env| {
                genesis_dir(env, "rocksdb");
                std::fs::remove_file(env.data().join("VERSION")).unwrap();
                std::fs::write(env.data().join(".VERSION.tmp-77"), "").unwrap();
            },
            true,
        ),
    ];
    for (what, setup, read_only_completes) in states {
        // a read-only command completes it too, or says there is no data directory yet
        let env = Env::new();
        setup(&env);
        if read_only_completes {
            assert_eq!(layers_of(&env, &[]), genesis, "{what}");
        } else {
            env.svm()
                .arg("root")
                .assert()
                .failure()
                .stderr(predicate::str::contains("no data directory"));
        }
        // a command that writes completes it
        let env = Env::new();
        setup(&env);
        let v = env.json(&["fund", ALICE, "5"]);
        assert_eq!(v["committed"]["layer"], "1", "{what}: {v}");
        assert_eq!(
            std::fs::read_to_string(env.data().join("VERSION")).unwrap(),
            version,
            "{what}"
        );
        let left: Vec<_> = std::fs::read_dir(env.data())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".VERSION.tmp"))
            .collect();
        assert!(left.is_empty(), "{what}: {left:?}");
        let layers = layers_of(&env, &[]);
        assert_eq!(layers[0], genesis[0], "{what}");
        assert_eq!(layers.len(), 2, "{what}");
        assert_eq!(env.json(&["account", ALICE])["balance"], "5", "{what}");
    }
}

/// A store that holds a state but lost its `VERSION` (an older svm killed after the store's
/// initialisation, or a deleted file) is adopted as it is, with its own backend only; one
/// holding anything else is refused and left untouched.
#[test]
fn a_store_without_version_is_never_wiped() {
    for backend in ["rocksdb", "leveldb"] {
        let other = if backend == "rocksdb" {
            "leveldb"
        } else {
            "rocksdb"
        };
        let env = Env::new();
        let store = ["--store", backend];
        env.svm()
            .args(store)
            .args(["fund", ALICE, "7"])
            .assert()
            .success();
        env.svm()
            .args(store)
            .args(["fund", ALICE, "8"])
            .assert()
            .success();
        let before = layers_of(&env, &store);
        assert_eq!(before.len(), 3);
        std::fs::remove_file(env.data().join("VERSION")).unwrap();
        // the other backend is refused, and nothing is changed
        env.svm()
            .args(["--store", other, "fund", ALICE, "1"])
            .assert()
            .failure()
            .stderr(
                predicate::str::contains("interrupted initialisation")
                    .and(predicate::str::contains(format!("use --store {backend}"))),
            );
        assert!(!env.data().join("VERSION").exists());
        // its own backend adopts it, state and all (a read-only command too)
        assert_eq!(layers_of(&env, &store), before, "{backend}");
        assert!(
            std::fs::read_to_string(env.data().join("VERSION"))
                .unwrap()
                .contains(backend)
        );
        assert_eq!(
            env.json(&["--store", backend, "account", ALICE])["balance"],
            "15"
        );
    }
    // a database holding something else than an svm state
    let env = Env::new();
    {
        let kv = svm_kv::RocksStore::open(env.data().join("store")).unwrap();
        let mut batch = svm_kv::WriteBatch::new();
        batch.put(b"mine".to_vec(), b"precious".to_vec());
        svm_kv::KVStore::write(&kv, batch).unwrap();
    }
    env.svm()
        .args(["fund", ALICE, "1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not an svm store"));
    assert!(!env.data().join("VERSION").exists());
    let kv = svm_kv::RocksStore::open(env.data().join("store")).unwrap();
    assert_eq!(
        svm_kv::KVStore::get(&kv, b"mine").unwrap().as_deref(),
        Some(&b"precious"[..])
    );
    drop(kv);
    // a `store` directory with files no database engine writes
    let env = Env::new();
    std::fs::create_dir_all(env.data().join("store")).unwrap();
    std::fs::write(env.data().join("store/notes.txt"), "mine").unwrap();
    env.svm()
        .args(["fund", ALICE, "1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not an svm data directory"));
    assert_eq!(
        std::fs::read_dir(env.data().join("store")).unwrap().count(),
        1
    );
    assert!(!env.data().join("VERSION").exists());
}

/// Real kills: `svm fund` on a fresh data directory is SIGKILLed at moments spread over its
/// whole run; the next command must always succeed, and then on a data directory holding
/// layers: nothing committed is ever lost.
#[test]
fn sigkill_during_initialisation_leaves_a_usable_data_dir() {
    use std::time::{Duration, Instant};
    let svm = env!("CARGO_BIN_EXE_svm");
    for backend in ["rocksdb", "leveldb"] {
        let fund = |data: &Path| {
            std::process::Command::new(svm)
                .args(["--store", backend, "--data-dir"])
                .arg(data)
                .args(["fund", ALICE, "5"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        // how long a whole initialisation and commit take here
        let env = Env::new();
        let t = Instant::now();
        assert!(fund(&env.data()).wait().unwrap().success());
        let whole = t.elapsed().max(Duration::from_millis(20));
        let rounds = 24u32;
        for round in 0..rounds {
            let env = Env::new();
            let store = ["--store", backend];
            let mut child = fund(&env.data());
            std::thread::sleep(whole * round / (rounds - 4));
            let _ = child.kill();
            let killed = !child.wait().unwrap().success();
            let v = env.json(&["--store", backend, "fund", ALICE, "5"]);
            let balance = env.json(&["--store", backend, "account", ALICE])["balance"].clone();
            let layers = layers_of(&env, &store);
            let first_committed = balance == "10";
            assert!(
                balance == "5" || first_committed,
                "{backend} round {round}: {balance}"
            );
            assert!(killed || first_committed, "{backend} round {round}");
            assert_eq!(
                layers.len(),
                if first_committed { 3 } else { 2 },
                "{backend} round {round}: {v}"
            );
        }
        // kills on a data directory with layers: every committed layer stays
        let env = Env::new();
        let store = ["--store", backend];
        env.json(&["--store", backend, "fund", ALICE, "5"]);
        let mut before = layers_of(&env, &store);
        for round in 0..8u32 {
            let mut child = fund(&env.data());
            std::thread::sleep(whole * round / 6);
            let _ = child.kill();
            let _ = child.wait();
            let after = layers_of(&env, &store);
            assert!(after.len() >= before.len(), "{backend} round {round}");
            assert_eq!(after[..before.len()], before[..], "{backend} round {round}");
            before = after;
        }
    }
}

// ----- run: all or nothing ------------------------------------------------------------------

/// A run file whose last entry fails to apply (after earlier layers were committed) leaves
/// the store exactly as before the run: same head layer, same root, same layer history.
#[test]
fn run_is_all_or_nothing() {
    const BOB: &str = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
    let env = Env::new();
    let (deploy, _) = env.counter_deploy();
    let deploy_json = env.json(&["decode", s(&deploy)]);
    env.json(&["fund", ALICE, "1000000000"]);
    let before = layers_of(&env, &[]);
    let root_before = env.json(&["root"]);
    let envelope = |t: &str, nonce: u32| serde_json::json!({"type": t, "principal": ALICE, "amount": "0", "nonce": nonce.to_string(), "gas_limit": "10000000", "gas_fee": "1"});
    // layers 2 and 3 apply and commit; layer 4 funds ALICE past u64::MAX: an error, not a
    // receipt (the file alone does not overflow: ALICE's balance in the store does)
    let file = serde_json::json!({"layers": [
        {"fund": [{"account": BOB, "amount": "5"}],
         "transactions": [{"envelope": envelope("deploy", 0), "message": deploy_json}]},
        {"fund": [{"account": BOB, "amount": "6"}]},
        {"fund": [{"account": BOB, "amount": "7"}, {"account": ALICE, "amount": u64::MAX.to_string()}]}
    ]});
    env.write("run.json", &file.to_string());
    for json in [false, true] {
        let mut cmd = env.svm();
        if json {
            cmd.arg("--json");
        }
        let out = cmd.args(["run", "run.json"]).assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("layers[2].fund[1] (layer 4)")
                && stderr.contains("overflow")
                && stderr.contains(&format!(
                    "the run was undone: the store is back at layer 1, root {}",
                    root_before["root"].as_str().unwrap()
                )),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        if json {
            let v: Json = serde_json::from_str(stdout.trim()).unwrap();
            assert!(v["error"].as_str().unwrap().contains("undone"), "{v}");
        } else {
            assert!(stdout.is_empty(), "no receipt of an undone run: {stdout}");
        }
        assert_eq!(env.json(&["root"]), root_before);
        assert_eq!(layers_of(&env, &[]), before);
        assert_eq!(env.json(&["account", BOB])["exists"], false);
        assert_eq!(env.json(&["account", ALICE])["nonce"], "0");
    }
    // the same file without its bad entry applies whole, as the layers right after layer 1
    let mut good = file.clone();
    good["layers"][2]["fund"].as_array_mut().unwrap().pop();
    env.write("good.json", &good.to_string());
    let v = env.json(&["run", "good.json"]);
    assert_eq!(v["layers"][0]["layer"], "2");
    assert_eq!(v["layers"][2]["layer"], "4");
    assert_eq!(env.json(&["account", BOB])["balance"], "18");
    // a failure in the first layer: nothing was committed
    let bad_first = serde_json::json!({"layers": [
        {"fund": [{"account": ALICE, "amount": u64::MAX.to_string()}]},
        {"fund": [{"account": BOB, "amount": "1"}]}
    ]});
    env.write("bad-first.json", &bad_first.to_string());
    let before = layers_of(&env, &[]);
    env.svm()
        .args(["run", "bad-first.json"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("layers[0].fund[0] (layer 5)")
                .and(predicate::str::contains("nothing of the run was committed")),
        );
    assert_eq!(layers_of(&env, &[]), before);
    // what the file alone overflows is refused before the store is touched
    let overflow = serde_json::json!({"layers": [
        {"fund": [{"account": BOB, "amount": u64::MAX.to_string()}]},
        {"fund": [{"account": BOB, "amount": "1"}]}
    ]});
    env.write("overflow.json", &overflow.to_string());
    env.svm()
        .args(["run", "overflow.json"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("layers[1].fund[0]"));
    assert_eq!(layers_of(&env, &[]), before);
}

/// `svm template new` scaffolds a crate whose tests pass and which `svm template build` turns
/// into a deploy message that deploys; it never overwrites and checks the name.
#[test]
fn a_new_template_tests_builds_and_deploys() {
    let env = Env::new();
    // the scaffold's builds share one target directory between runs (they are slow cold)
    let exe = std::env::current_exe().unwrap();
    let shared = exe
        .ancestors()
        .nth(3)
        .unwrap()
        .join("svm-cli-template-test");
    env.svm()
        .args(["template", "new", "my-counter"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created template crate `my-counter`",
        ));
    let dir = env.path("my-counter");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let test = std::process::Command::new(&cargo)
        .args(["test", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &shared)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stderr)
    );
    env.svm()
        .args(["template", "build", "my-counter"])
        .env("CARGO_TARGET_DIR", &shared)
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote deploy message"));
    env.svm()
        .args([
            "fund",
            "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
            "1000000000",
        ])
        .assert()
        .success();
    env.svm()
        .args([
            "deploy",
            "my-counter/my-counter.svm",
            "--principal",
            "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("deploy: success"));
    env.svm()
        .args(["template", "new", "my-counter"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("never overwrites"));
    env.svm()
        .args(["template", "new", "9lives"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not starting with a digit"));
}
