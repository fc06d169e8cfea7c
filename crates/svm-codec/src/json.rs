//! JSON forms of every item, with errors that name the offending field.
//!
//! Conventions (see `docs/spec/codec.md` §JSON): objects are strict (unknown keys are errors);
//! every item carries `"version": 0`; addresses, hashes and byte strings are hex (a `0x`
//! prefix and upper case are accepted, output is lowercase without prefix); integers wider
//! than 32 bits (amounts, gas, nonces, layers, u64/i64/u128/i128) are written as decimal
//! strings and accepted as strings or JSON numbers; calldata and verifydata are written as
//! `{"abi": [...], "data": [...]}` when they decode as ABI values, otherwise as a hex string,
//! and both forms are accepted.
//!
//! ```
//! let msg = svm_codec::json::spawn_from_json(r#"{
//!   "version": 0,
//!   "template": "b5eba98957e6a93173ffb50207cceeedfddb1a72",
//!   "name": "My Account",
//!   "ctor_name": "initialize",
//!   "calldata": {
//!     "abi": ["address", "bool"],
//!     "data": ["8f20ed1a0e342c2a75b1b3f8014545dd3d886078", true]
//!   }
//! }"#).unwrap();
//! assert_eq!(msg.ctor, "initialize");
//! ```

use serde_json::{Map, Value as Json, json};
use svm_types::{Address, Amount, Gas, GasFee, Layer, Nonce, State, TemplateAddr, TxId};

use crate::abi;
use crate::{
    CallMessage, CallOutput, CallReceipt, CodeKind, CodeSection, Context, DataSection,
    DeployMessage, DeployReceipt, Envelope, HeaderSection, JsonError, Log, Message, RawSection,
    Receipt, RuntimeError, SpawnMessage, SpawnOutput, SpawnReceipt, Transaction, TxType,
};

/// Conversion between an item and its JSON form.
pub trait JsonForm: Sized {
    /// The JSON value.
    fn to_json(&self) -> Json;

    /// Parses the JSON value.
    fn from_json(v: &Json) -> Result<Self, JsonError>;

    /// The JSON text (compact).
    fn to_json_string(&self) -> String {
        self.to_json().to_string()
    }

    /// Parses JSON text.
    fn from_json_str(s: &str) -> Result<Self, JsonError> {
        let v: Json = serde_json::from_str(s)
            .map_err(|e| JsonError::new("", format!("invalid JSON: {e}")))?;
        Self::from_json(&v)
    }
}

// ---------- helpers ----------

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Checks that `v` is an object whose keys are all in `allowed`.
pub(crate) fn object<'a>(
    v: &'a Json,
    path: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Json>, JsonError> {
    let obj = v
        .as_object()
        .ok_or_else(|| JsonError::new(path, format!("expected an object, found {v}")))?;
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(JsonError::new(join(path, k), "unknown field"));
    }
    Ok(obj)
}

struct Obj<'a> {
    map: &'a Map<String, Json>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Json, path: &'a str, allowed: &[&str]) -> Result<Self, JsonError> {
        Ok(Self {
            map: object(v, path, allowed)?,
            path,
        })
    }
    fn p(&self, k: &str) -> String {
        join(self.path, k)
    }
    fn opt(&self, k: &str) -> Option<&'a Json> {
        self.map.get(k).filter(|v| !v.is_null())
    }
    fn req(&self, k: &str) -> Result<&'a Json, JsonError> {
        self.opt(k)
            .ok_or_else(|| JsonError::new(self.p(k), "missing field"))
    }
    fn str(&self, k: &str) -> Result<String, JsonError> {
        let v = self.req(k)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| JsonError::new(self.p(k), format!("expected a string, found {v}")))
    }
    fn opt_str(&self, k: &str) -> Result<String, JsonError> {
        match self.opt(k) {
            None => Ok(String::new()),
            Some(_) => self.str(k),
        }
    }
    fn int<T>(&self, k: &str) -> Result<T, JsonError>
    where
        T: TryFrom<u64> + TryFrom<i64> + core::str::FromStr,
    {
        abi::json_int(self.req(k)?, &self.p(k))
    }
    fn hex<T: core::str::FromStr<Err = svm_types::HexError>>(
        &self,
        k: &str,
    ) -> Result<T, JsonError> {
        hex_field(self.req(k)?, &self.p(k))
    }
    fn bytes(&self, k: &str) -> Result<Vec<u8>, JsonError> {
        hex_bytes(self.req(k)?, &self.p(k))
    }
    fn version(&self) -> Result<(), JsonError> {
        match self.opt("version") {
            None => Ok(()),
            Some(v) => match v.as_u64() {
                Some(0) => Ok(()),
                _ => Err(JsonError::new(
                    self.p("version"),
                    format!("unsupported version {v} (expected 0)"),
                )),
            },
        }
    }
    fn array(&self, k: &str) -> Result<&'a Vec<Json>, JsonError> {
        let v = self.req(k)?;
        v.as_array()
            .ok_or_else(|| JsonError::new(self.p(k), format!("expected an array, found {v}")))
    }
}

/// Parses a fixed-size hex value (address, state, tx id).
pub(crate) fn hex_field<T: core::str::FromStr<Err = svm_types::HexError>>(
    v: &Json,
    path: &str,
) -> Result<T, JsonError> {
    let s = v
        .as_str()
        .ok_or_else(|| JsonError::new(path, format!("expected a hex string, found {v}")))?;
    s.parse()
        .map_err(|e: svm_types::HexError| JsonError::new(path, e.to_string()))
}

/// Parses a variable-length hex byte string.
pub(crate) fn hex_bytes(v: &Json, path: &str) -> Result<Vec<u8>, JsonError> {
    let s = v
        .as_str()
        .ok_or_else(|| JsonError::new(path, format!("expected a hex string, found {v}")))?;
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    hex::decode(digits).map_err(|e| JsonError::new(path, format!("invalid hex: {e}")))
}

/// Calldata/verifydata: `{abi, data}` or a hex string.
fn input_data_from_json(v: &Json, path: &str) -> Result<Vec<u8>, JsonError> {
    if v.is_string() {
        return hex_bytes(v, path);
    }
    let values = abi::from_json_at(v, path)?;
    abi::encode(&values).map_err(|e| JsonError::new(path, e.to_string()))
}

fn input_data_to_json(bytes: &[u8]) -> Json {
    match abi::decode(bytes) {
        Ok(values) => abi::to_json(&values),
        Err(_) => json!(hex::encode(bytes)),
    }
}

fn num(v: impl ToString) -> Json {
    Json::String(v.to_string())
}

// ---------- envelope, context, transaction ----------

impl JsonForm for Envelope {
    fn to_json(&self) -> Json {
        json!({
            "version": 0,
            "type": self.tx_type.name(),
            "principal": self.principal.to_string(),
            "amount": num(self.amount),
            "nonce": num(self.nonce),
            "gas_limit": num(self.gas_limit),
            "gas_fee": num(self.gas_fee),
        })
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        envelope_at(v, "")
    }
}

fn envelope_at(v: &Json, path: &str) -> Result<Envelope, JsonError> {
    let o = Obj::new(
        v,
        path,
        &[
            "version",
            "type",
            "principal",
            "amount",
            "nonce",
            "gas_limit",
            "gas_fee",
        ],
    )?;
    o.version()?;
    let t = o.str("type")?;
    let tx_type = [TxType::Deploy, TxType::Spawn, TxType::Call]
        .into_iter()
        .find(|x| x.name() == t)
        .ok_or_else(|| {
            JsonError::new(
                o.p("type"),
                format!("unknown transaction type {t:?} (deploy, spawn or call)"),
            )
        })?;
    Ok(Envelope {
        tx_type,
        principal: o.hex::<Address>("principal")?,
        amount: Amount(o.int("amount")?),
        nonce: Nonce(o.int("nonce")?),
        gas_limit: Gas(o.int("gas_limit")?),
        gas_fee: GasFee(o.int("gas_fee")?),
    })
}

impl JsonForm for Context {
    fn to_json(&self) -> Json {
        json!({ "version": 0, "layer": num(self.layer), "tx_id": self.tx_id.to_string() })
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let o = Obj::new(v, "", &["version", "layer", "tx_id"])?;
        o.version()?;
        Ok(Context {
            layer: Layer(o.int("layer")?),
            tx_id: o.hex::<TxId>("tx_id")?,
        })
    }
}

impl JsonForm for Message {
    fn to_json(&self) -> Json {
        match self {
            Message::Deploy(m) => m.to_json(),
            Message::Spawn(m) => m.to_json(),
            Message::Call(m) => m.to_json(),
        }
    }
    /// Guesses the type from the keys: `target` means call, `template` spawn, `code` deploy.
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let has = |k| v.get(k).is_some();
        if has("target") {
            Ok(Message::Call(call_at(v, "")?))
        } else if has("template") {
            Ok(Message::Spawn(spawn_at(v, "")?))
        } else {
            Ok(Message::Deploy(deploy_at(v, "")?))
        }
    }
}

impl JsonForm for Transaction {
    /// `{"envelope": {...}, "verifydata": C, "message": {...}}` (`verifydata` optional on
    /// input: empty).
    fn to_json(&self) -> Json {
        json!({
            "envelope": self.envelope().to_json(),
            "verifydata": input_data_to_json(self.verifydata()),
            "message": self.message().to_json(),
        })
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let o = Obj::new(v, "", &["envelope", "verifydata", "message"])?;
        let envelope = envelope_at(o.req("envelope")?, "envelope")?;
        let verifydata = match o.opt("verifydata") {
            None => Vec::new(),
            Some(c) => input_data_from_json(c, &o.p("verifydata"))?,
        };
        let m = o.req("message")?;
        let message = match envelope.tx_type {
            TxType::Deploy => Message::Deploy(deploy_at(m, "message")?),
            TxType::Spawn => Message::Spawn(spawn_at(m, "message")?),
            TxType::Call => Message::Call(call_at(m, "message")?),
        };
        Ok(Transaction::new(envelope, message).with_verifydata(verifydata))
    }
}

// ---------- messages ----------

impl JsonForm for SpawnMessage {
    fn to_json(&self) -> Json {
        json!({
            "version": 0,
            "template": self.template.to_string(),
            "name": self.name,
            "ctor_name": self.ctor,
            "calldata": input_data_to_json(&self.calldata),
        })
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        spawn_at(v, "")
    }
}

fn spawn_at(v: &Json, path: &str) -> Result<SpawnMessage, JsonError> {
    let o = Obj::new(
        v,
        path,
        &["version", "template", "name", "ctor_name", "calldata"],
    )?;
    o.version()?;
    Ok(SpawnMessage {
        template: o.hex::<TemplateAddr>("template")?,
        name: o.opt_str("name")?,
        ctor: o.str("ctor_name")?,
        calldata: match o.opt("calldata") {
            None => Vec::new(),
            Some(c) => input_data_from_json(c, &o.p("calldata"))?,
        },
    })
}

impl JsonForm for CallMessage {
    fn to_json(&self) -> Json {
        json!({
            "version": 0,
            "target": self.target.to_string(),
            "func_name": self.function,
            "calldata": input_data_to_json(&self.calldata),
        })
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        call_at(v, "")
    }
}

fn call_at(v: &Json, path: &str) -> Result<CallMessage, JsonError> {
    let o = Obj::new(v, path, &["version", "target", "func_name", "calldata"])?;
    o.version()?;
    let data = |k: &str| match o.opt(k) {
        None => Ok(Vec::new()),
        Some(c) => input_data_from_json(c, &o.p(k)),
    };
    Ok(CallMessage {
        target: o.hex::<Address>("target")?,
        function: o.str("func_name")?,
        calldata: data("calldata")?,
    })
}

impl JsonForm for DeployMessage {
    fn to_json(&self) -> Json {
        let mut m = json!({
            "version": 0,
            "code": { "kind": "wasm", "flags": self.code.flags, "code": hex::encode(&self.code.code) },
            "data": { "vars": self.data.vars },
            "ctors": self.ctors,
        });
        if let Some(api) = &self.api {
            m["api"] = json!(api);
        }
        if let Some(h) = &self.header {
            m["header"] = json!({ "code_version": h.code_version, "name": h.name, "description": h.description });
        }
        if !self.extra.is_empty() {
            let mut extra: Vec<&RawSection> = self.extra.iter().collect();
            extra.sort_by_key(|s| s.kind);
            m["extra"] = extra
                .iter()
                .map(|s| json!({ "kind": s.kind, "body": hex::encode(&s.body) }))
                .collect();
        }
        m
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        deploy_at(v, "")
    }
}

fn deploy_at(v: &Json, path: &str) -> Result<DeployMessage, JsonError> {
    let o = Obj::new(
        v,
        path,
        &["version", "code", "data", "ctors", "api", "header", "extra"],
    )?;
    o.version()?;
    let cp = o.p("code");
    let c = Obj::new(o.req("code")?, &cp, &["kind", "flags", "code"])?;
    let kind = match c.opt("kind") {
        None => CodeKind::Wasm,
        Some(_) => match c.str("kind")?.as_str() {
            "wasm" => CodeKind::Wasm,
            k => {
                return Err(JsonError::new(
                    c.p("kind"),
                    format!("unknown code kind {k:?}"),
                ));
            }
        },
    };
    let flags: u64 = match c.opt("flags") {
        None => crate::CODE_FLAG_EXEC,
        Some(_) => c.int("flags")?,
    };
    if flags & !crate::CODE_FLAG_EXEC != 0 {
        return Err(JsonError::new(
            c.p("flags"),
            format!("reserved flag bits set in {flags:#x}"),
        ));
    }
    let code = CodeSection {
        kind,
        flags,
        code: c.bytes("code")?,
    };
    let dp = o.p("data");
    let d = Obj::new(o.req("data")?, &dp, &["vars"])?;
    let vars = d
        .array("vars")?
        .iter()
        .enumerate()
        .map(|(i, x)| abi::json_int::<u32>(x, &format!("{}[{i}]", d.p("vars"))))
        .collect::<Result<_, _>>()?;
    let mut ctors: Vec<String> = Vec::new();
    for (i, x) in o.array("ctors")?.iter().enumerate() {
        let p = format!("{}[{i}]", o.p("ctors"));
        let s = x
            .as_str()
            .ok_or_else(|| JsonError::new(&p, "expected a string"))?;
        if ctors.iter().any(|c| c == s) {
            return Err(JsonError::new(p, format!("duplicate constructor {s:?}")));
        }
        ctors.push(s.to_owned());
    }
    let api = match o.opt("api") {
        None => None,
        Some(_) => Some(o.str("api")?),
    };
    let header = match o.opt("header") {
        None => None,
        Some(h) => {
            let hp = o.p("header");
            let h = Obj::new(h, &hp, &["code_version", "name", "description"])?;
            Some(HeaderSection {
                code_version: match h.opt("code_version") {
                    None => 0,
                    Some(_) => h.int("code_version")?,
                },
                name: h.opt_str("name")?,
                description: h.opt_str("description")?,
            })
        }
    };
    let mut extra: Vec<RawSection> = Vec::new();
    if o.opt("extra").is_some() {
        for (i, x) in o.array("extra")?.iter().enumerate() {
            let p = format!("{}[{i}]", o.p("extra"));
            let s = Obj::new(x, &p, &["kind", "body"])?;
            let kind: u16 = s.int("kind")?;
            if kind < crate::section::OPTIONAL_BASE {
                return Err(JsonError::new(
                    s.p("kind"),
                    format!("extra section kinds must be >= 0x8000, got {kind:#x}"),
                ));
            }
            if extra.iter().any(|e| e.kind == kind) {
                return Err(JsonError::new(
                    s.p("kind"),
                    format!("duplicate section kind {kind:#x}"),
                ));
            }
            extra.push(RawSection {
                kind,
                body: s.bytes("body")?,
            });
        }
    }
    extra.sort_by_key(|s| s.kind);
    Ok(DeployMessage {
        code,
        data: DataSection { vars },
        ctors,
        api,
        header,
        extra,
    })
}

// ---------- receipts ----------

impl JsonForm for RuntimeError {
    /// `{"type": "<name>", ...payload fields}`.
    fn to_json(&self) -> Json {
        let mut m = json!({ "type": self.name() });
        let mut set = |k: &str, v: Json| {
            m[k] = v;
        };
        match self {
            RuntimeError::OutOfGas
            | RuntimeError::InsufficientFunds
            | RuntimeError::VerifyFailed
            | RuntimeError::NonceExhausted => {}
            RuntimeError::TemplateNotFound(t) | RuntimeError::TemplateAlreadyExists(t) => {
                set("template", json!(t.to_string()))
            }
            RuntimeError::AccountNotFound(a)
            | RuntimeError::AccountAlreadyExists(a)
            | RuntimeError::PrincipalNotFound(a)
            | RuntimeError::NoTemplate(a) => set("account", json!(a.to_string())),
            RuntimeError::GasFeeTooLow { minimum, found }
            | RuntimeError::GasLimitTooLow { minimum, found } => {
                set("minimum", num(minimum));
                set("found", num(found));
            }
            RuntimeError::GasLimitTooHigh { maximum, found } => {
                set("maximum", num(maximum));
                set("found", num(found));
            }
            RuntimeError::AccountGasCap {
                account,
                maximum,
                found,
            } => {
                set("account", json!(account.to_string()));
                set("maximum", num(maximum));
                set("found", num(found));
            }
            RuntimeError::FuncNotFound(f)
            | RuntimeError::FuncNotCtor(f)
            | RuntimeError::FuncInvalidSignature(f) => set("function", json!(f)),
            RuntimeError::CompilationFailed(s)
            | RuntimeError::InstantiationFailed(s)
            | RuntimeError::Trap(s)
            | RuntimeError::ValidationFailed(s)
            | RuntimeError::InvalidMessage(s) => set("message", json!(s)),
            RuntimeError::FuncNotAllowed { function, message } => {
                set("function", json!(function));
                set("message", json!(message));
            }
            RuntimeError::NonceMismatch { expected, found } => {
                set("expected", num(expected));
                set("found", num(found));
            }
        }
        m
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        error_at(v, "")
    }
}

fn error_at(v: &Json, path: &str) -> Result<RuntimeError, JsonError> {
    let t = v.get("type").and_then(Json::as_str).unwrap_or_default();
    let fields: &[&str] = match t {
        "template-not-found" | "template-already-exists" => &["type", "template"],
        "account-not-found" | "account-already-exists" | "principal-not-found" | "no-template" => {
            &["type", "account"]
        }
        "gas-fee-too-low" | "gas-limit-too-low" => &["type", "minimum", "found"],
        "gas-limit-too-high" => &["type", "maximum", "found"],
        "account-gas-cap" => &["type", "account", "maximum", "found"],
        "func-not-found" | "func-not-ctor" | "func-invalid-signature" => &["type", "function"],
        "compilation-failed"
        | "instantiation-failed"
        | "trap"
        | "validation-failed"
        | "invalid-message" => &["type", "message"],
        "func-not-allowed" => &["type", "function", "message"],
        "nonce-mismatch" => &["type", "expected", "found"],
        _ => &["type"],
    };
    let o = Obj::new(v, path, fields)?;
    Ok(match o.str("type")?.as_str() {
        "out-of-gas" => RuntimeError::OutOfGas,
        "template-not-found" => RuntimeError::TemplateNotFound(o.hex("template")?),
        "account-not-found" => RuntimeError::AccountNotFound(o.hex("account")?),
        "compilation-failed" => RuntimeError::CompilationFailed(o.str("message")?),
        "instantiation-failed" => RuntimeError::InstantiationFailed(o.str("message")?),
        "func-not-found" => RuntimeError::FuncNotFound(o.str("function")?),
        "func-not-ctor" => RuntimeError::FuncNotCtor(o.str("function")?),
        "func-not-allowed" => RuntimeError::FuncNotAllowed {
            function: o.str("function")?,
            message: o.str("message")?,
        },
        "func-invalid-signature" => RuntimeError::FuncInvalidSignature(o.str("function")?),
        "trap" => RuntimeError::Trap(o.str("message")?),
        "insufficient-funds" => RuntimeError::InsufficientFunds,
        "nonce-mismatch" => RuntimeError::NonceMismatch {
            expected: Nonce(o.int("expected")?),
            found: Nonce(o.int("found")?),
        },
        "validation-failed" => RuntimeError::ValidationFailed(o.str("message")?),
        "template-already-exists" => RuntimeError::TemplateAlreadyExists(o.hex("template")?),
        "account-already-exists" => RuntimeError::AccountAlreadyExists(o.hex("account")?),
        "verify-failed" => RuntimeError::VerifyFailed,
        "invalid-message" => RuntimeError::InvalidMessage(o.str("message")?),
        "gas-fee-too-low" => RuntimeError::GasFeeTooLow {
            minimum: o.int("minimum")?,
            found: o.int("found")?,
        },
        "gas-limit-too-high" => RuntimeError::GasLimitTooHigh {
            maximum: o.int("maximum")?,
            found: o.int("found")?,
        },
        "gas-limit-too-low" => RuntimeError::GasLimitTooLow {
            minimum: o.int("minimum")?,
            found: o.int("found")?,
        },
        "nonce-exhausted" => RuntimeError::NonceExhausted,
        "principal-not-found" => RuntimeError::PrincipalNotFound(o.hex("account")?),
        "no-template" => RuntimeError::NoTemplate(o.hex("account")?),
        "account-gas-cap" => RuntimeError::AccountGasCap {
            account: o.hex("account")?,
            maximum: o.int("maximum")?,
            found: o.int("found")?,
        },
        other => {
            return Err(JsonError::new(
                o.p("type"),
                format!("unknown error type {other:?}"),
            ));
        }
    })
}

fn logs_to_json(logs: &[Log]) -> Json {
    logs.iter()
        .map(|l| json!({ "topic": hex::encode(&l.topic), "data": hex::encode(&l.data) }))
        .collect()
}

struct ReceiptFields {
    value: Json,
}

impl ReceiptFields {
    fn new<T>(
        kind: &str,
        result: &Result<T, RuntimeError>,
        gas_used: Gas,
        logs: &[Log],
        ok: impl FnOnce(&mut Json, &T),
    ) -> Self {
        let mut value = json!({ "version": 0, "type": kind, "success": result.is_ok() });
        match result {
            Ok(v) => ok(&mut value, v),
            Err(e) => value["error"] = e.to_json(),
        }
        value["gas_used"] = num(gas_used);
        value["logs"] = logs_to_json(logs);
        Self { value }
    }
}

/// Common parsing of receipts: returns the object, the result flag and the error.
fn receipt_common<'a>(
    v: &'a Json,
    kind: &str,
    ok_keys: &[&str],
) -> Result<(Obj<'a>, Option<RuntimeError>, Gas, Vec<Log>), JsonError> {
    let mut allowed = vec![
        "version",
        "type",
        "success",
        "gas_used",
        "logs",
        "error",
        "touched_accounts",
        "calls",
    ];
    allowed.extend_from_slice(ok_keys);
    let o = Obj::new(v, "", &allowed)?;
    o.version()?;
    let t = o.str("type")?;
    if t != kind {
        return Err(JsonError::new(
            "type",
            format!("expected {kind:?}, found {t:?}"),
        ));
    }
    let success = o
        .req("success")?
        .as_bool()
        .ok_or_else(|| JsonError::new("success", "expected a bool"))?;
    let error = if success {
        if o.opt("error").is_some() {
            return Err(JsonError::new("error", "a successful receipt has no error"));
        }
        None
    } else {
        if let Some(k) = ok_keys.iter().find(|k| o.opt(k).is_some()) {
            return Err(JsonError::new(*k, "a failure receipt has no such field"));
        }
        Some(error_at(o.req("error")?, "error")?)
    };
    let mut logs = Vec::new();
    for (i, l) in o.array("logs")?.iter().enumerate() {
        let p = format!("logs[{i}]");
        let l = Obj::new(l, &p, &["topic", "data"])?;
        logs.push(Log {
            topic: match l.opt("topic") {
                None => Vec::new(),
                Some(_) => l.bytes("topic")?,
            },
            data: l.bytes("data")?,
        });
    }
    let gas_used = Gas(o.int("gas_used")?);
    Ok((o, error, gas_used, logs))
}

fn touched_from(o: &Obj<'_>) -> Result<crate::TouchedAccounts, JsonError> {
    let list = o.array("touched_accounts")?;
    let mut v = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        v.push(hex_field::<Address>(a, &format!("touched_accounts[{i}]"))?);
    }
    Ok(v.into())
}

fn calls_json(calls: &[crate::CallFrame]) -> Json {
    calls
        .iter()
        .map(|c| {
            json!({
                "depth": c.depth,
                "kind": c.kind.name(),
                "caller": c.caller.to_string(),
                "callee": c.callee.to_string(),
                "function": c.function,
                "gas_used": num(c.gas_used),
                "status": c.status.name(),
            })
        })
        .collect()
}

/// The call tree; a receipt written before calls existed (no `calls` field) has none.
fn calls_from(o: &Obj<'_>) -> Result<Vec<crate::CallFrame>, JsonError> {
    if o.opt("calls").is_none() {
        return Ok(Vec::new());
    }
    let mut calls = Vec::new();
    for (i, c) in o.array("calls")?.iter().enumerate() {
        let p = format!("calls[{i}]");
        let c = Obj::new(
            c,
            &p,
            &[
                "depth", "kind", "caller", "callee", "function", "gas_used", "status",
            ],
        )?;
        let kind = c.str("kind")?;
        let status = c.str("status")?;
        calls.push(crate::CallFrame {
            depth: c.int("depth")?,
            kind: crate::CallKind::from_name(&kind).ok_or_else(|| {
                JsonError::new(c.p("kind"), format!("unknown call kind {kind:?}"))
            })?,
            caller: c.hex("caller")?,
            callee: c.hex("callee")?,
            function: c.str("function")?,
            gas_used: Gas(c.int("gas_used")?),
            status: crate::CallStatus::from_name(&status).ok_or_else(|| {
                JsonError::new(c.p("status"), format!("unknown call status {status:?}"))
            })?,
        });
    }
    Ok(calls)
}

fn touched_json(t: &crate::TouchedAccounts) -> Json {
    t.iter().map(|a| json!(a.to_string())).collect()
}

impl JsonForm for DeployReceipt {
    fn to_json(&self) -> Json {
        ReceiptFields::new("deploy", &self.result, self.gas_used, &self.logs, |m, t| {
            m["template"] = json!(t.to_string());
        })
        .value
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let (o, error, gas_used, logs) = receipt_common(v, "deploy", &["template"])?;
        for field in ["touched_accounts", "calls"] {
            if o.opt(field).is_some() {
                return Err(JsonError::new(field, "unknown field"));
            }
        }
        let result = match error {
            Some(e) => Err(e),
            None => Ok(o.hex::<TemplateAddr>("template")?),
        };
        Ok(DeployReceipt {
            result,
            gas_used,
            logs,
        })
    }
}

impl JsonForm for SpawnReceipt {
    fn to_json(&self) -> Json {
        let mut v = ReceiptFields::new("spawn", &self.result, self.gas_used, &self.logs, |m, s| {
            m["account"] = json!(s.account.to_string());
            m["init_state"] = json!(s.init_state.to_string());
            m["returndata"] = json!(hex::encode(&s.returndata));
        })
        .value;
        v["touched_accounts"] = touched_json(&self.touched_accounts);
        v["calls"] = calls_json(&self.calls);
        v
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let (o, error, gas_used, logs) =
            receipt_common(v, "spawn", &["account", "init_state", "returndata"])?;
        let result = match error {
            Some(e) => Err(e),
            None => Ok(SpawnOutput {
                account: o.hex("account")?,
                init_state: o.hex::<State>("init_state")?,
                returndata: o.bytes("returndata")?,
            }),
        };
        Ok(SpawnReceipt {
            result,
            gas_used,
            logs,
            touched_accounts: touched_from(&o)?,
            calls: calls_from(&o)?,
        })
    }
}

impl JsonForm for CallReceipt {
    fn to_json(&self) -> Json {
        let mut v = ReceiptFields::new("call", &self.result, self.gas_used, &self.logs, |m, c| {
            m["new_state"] = json!(c.new_state.to_string());
            m["returndata"] = json!(hex::encode(&c.returndata));
        })
        .value;
        v["touched_accounts"] = touched_json(&self.touched_accounts);
        v["calls"] = calls_json(&self.calls);
        v
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let (o, error, gas_used, logs) = receipt_common(v, "call", &["new_state", "returndata"])?;
        let result = match error {
            Some(e) => Err(e),
            None => Ok(CallOutput {
                new_state: o.hex::<State>("new_state")?,
                returndata: o.bytes("returndata")?,
            }),
        };
        Ok(CallReceipt {
            result,
            gas_used,
            logs,
            touched_accounts: touched_from(&o)?,
            calls: calls_from(&o)?,
        })
    }
}

impl JsonForm for Receipt {
    fn to_json(&self) -> Json {
        match self {
            Receipt::Deploy(r) => r.to_json(),
            Receipt::Spawn(r) => r.to_json(),
            Receipt::Call(r) => r.to_json(),
        }
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        match v.get("type").and_then(Json::as_str) {
            Some("deploy") => Ok(Receipt::Deploy(DeployReceipt::from_json(v)?)),
            Some("spawn") => Ok(Receipt::Spawn(SpawnReceipt::from_json(v)?)),
            Some("call") => Ok(Receipt::Call(CallReceipt::from_json(v)?)),
            _ => Err(JsonError::new(
                "type",
                "expected \"deploy\", \"spawn\" or \"call\"",
            )),
        }
    }
}

/// Calldata as a JSON item: `{"abi": [...], "data": [...]}` (see [`crate::abi`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Calldata(pub Vec<abi::Value>);

impl JsonForm for Calldata {
    fn to_json(&self) -> Json {
        abi::to_json(&self.0)
    }
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        abi::from_json(v).map(Calldata)
    }
}

// ---------- serde ----------

macro_rules! serde_via_json {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&JsonForm::to_json(self), s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <Json as serde::Deserialize>::deserialize(d)?;
                <$t as JsonForm>::from_json(&v).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

serde_via_json!(
    Envelope,
    Context,
    Transaction,
    Message,
    SpawnMessage,
    CallMessage,
    DeployMessage,
    RuntimeError,
    DeployReceipt,
    SpawnReceipt,
    CallReceipt,
    Receipt,
    Calldata
);

// ---------- convenience ----------

/// Parses a spawn message from JSON text (the go-svm form).
pub fn spawn_from_json(s: &str) -> Result<SpawnMessage, JsonError> {
    SpawnMessage::from_json_str(s)
}

/// Parses a call message from JSON text (the go-svm form).
pub fn call_from_json(s: &str) -> Result<CallMessage, JsonError> {
    CallMessage::from_json_str(s)
}

/// Parses a deploy message from JSON text.
pub fn deploy_from_json(s: &str) -> Result<DeployMessage, JsonError> {
    DeployMessage::from_json_str(s)
}

/// Parses a whole transaction (`{"envelope": ..., "message": ...}`) from JSON text.
pub fn transaction_from_json(s: &str) -> Result<Transaction, JsonError> {
    Transaction::from_json_str(s)
}

/// Parses any receipt from JSON text.
pub fn receipt_from_json(s: &str) -> Result<Receipt, JsonError> {
    Receipt::from_json_str(s)
}

/// Encodes `{"abi": [...], "data": [...]}` JSON text as calldata bytes.
pub fn calldata_from_json(s: &str) -> Result<Vec<u8>, JsonError> {
    let c = Calldata::from_json_str(s)?;
    abi::encode(&c.0).map_err(|e| JsonError::new("", e.to_string()))
}
