//! The calldata ABI: a sequence of self-describing, tagged values.
//!
//! Every value is a type descriptor followed by its payload. A type descriptor is one marker
//! byte, except arrays: `0x10` followed by the element's type descriptor. Arrays are
//! homogeneous, so their items are payloads without descriptors, and an empty array still
//! has a type. See `docs/spec/codec.md` for the table.
//!
//! ```
//! use svm_codec::abi::{self, Value};
//! use svm_types::Address;
//!
//! let values = vec![Value::Address(Address([0x8f; 20])), Value::Bool(true), Value::U32(300)];
//! let bytes = abi::encode(&values).unwrap();
//! assert_eq!(abi::decode(&bytes).unwrap(), values);
//!
//! let json = abi::to_json(&values);
//! assert_eq!(json["abi"], serde_json::json!(["address", "bool", "u32"]));
//! assert_eq!(abi::from_json(&json).unwrap(), values);
//! ```

use core::fmt;

use serde_json::{Value as Json, json};
use svm_types::{Address, Amount};

use crate::wire::{Reader, decode_whole, put_bytes, put_len};
use crate::{AbiError, CodecLimits, DecodeError, DecodeErrorKind, JsonError};

/// An ABI type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AbiType {
    /// `bool`, marker 0x01.
    Bool,
    /// `u8`, marker 0x02.
    U8,
    /// `i8`, marker 0x03.
    I8,
    /// `u16`, marker 0x04.
    U16,
    /// `i16`, marker 0x05.
    I16,
    /// `u32`, marker 0x06.
    U32,
    /// `i32`, marker 0x07.
    I32,
    /// `u64`, marker 0x08.
    U64,
    /// `i64`, marker 0x09.
    I64,
    /// `u128`, marker 0x0a.
    U128,
    /// `i128`, marker 0x0b.
    I128,
    /// `amount` (u64 coins), marker 0x0c.
    Amount,
    /// `address` (20 bytes), marker 0x0d.
    Address,
    /// `bytes` (u32 length + bytes), marker 0x0e.
    Bytes,
    /// `string` (u32 length + UTF-8), marker 0x0f.
    String,
    /// Array of one element type, marker 0x10 + element type; payload u32 count + items.
    Array(Box<AbiType>),
}

const SCALARS: [(AbiType, u8, &str); 15] = [
    (AbiType::Bool, 0x01, "bool"),
    (AbiType::U8, 0x02, "u8"),
    (AbiType::I8, 0x03, "i8"),
    (AbiType::U16, 0x04, "u16"),
    (AbiType::I16, 0x05, "i16"),
    (AbiType::U32, 0x06, "u32"),
    (AbiType::I32, 0x07, "i32"),
    (AbiType::U64, 0x08, "u64"),
    (AbiType::I64, 0x09, "i64"),
    (AbiType::U128, 0x0a, "u128"),
    (AbiType::I128, 0x0b, "i128"),
    (AbiType::Amount, 0x0c, "amount"),
    (AbiType::Address, 0x0d, "address"),
    (AbiType::Bytes, 0x0e, "bytes"),
    (AbiType::String, 0x0f, "string"),
];

/// Marker byte of array types.
pub const ARRAY_MARKER: u8 = 0x10;

impl AbiType {
    /// The marker byte (for arrays, [`ARRAY_MARKER`]).
    pub fn marker(&self) -> u8 {
        match self {
            AbiType::Bool => 0x01,
            AbiType::U8 => 0x02,
            AbiType::I8 => 0x03,
            AbiType::U16 => 0x04,
            AbiType::I16 => 0x05,
            AbiType::U32 => 0x06,
            AbiType::I32 => 0x07,
            AbiType::U64 => 0x08,
            AbiType::I64 => 0x09,
            AbiType::U128 => 0x0a,
            AbiType::I128 => 0x0b,
            AbiType::Amount => 0x0c,
            AbiType::Address => 0x0d,
            AbiType::Bytes => 0x0e,
            AbiType::String => 0x0f,
            AbiType::Array(_) => ARRAY_MARKER,
        }
    }

    /// Nesting depth: 0 for scalars, 1 for `[u8]`, 2 for `[[u8]]`.
    pub fn depth(&self) -> usize {
        match self {
            AbiType::Array(e) => 1 + e.depth(),
            _ => 0,
        }
    }

    /// Smallest payload size of a value of this type (for allocation checks).
    fn min_payload(&self) -> usize {
        match self {
            AbiType::Bool | AbiType::U8 | AbiType::I8 => 1,
            AbiType::U16 | AbiType::I16 => 2,
            AbiType::U32 | AbiType::I32 | AbiType::Bytes | AbiType::String | AbiType::Array(_) => 4,
            AbiType::U64 | AbiType::I64 | AbiType::Amount => 8,
            AbiType::U128 | AbiType::I128 => 16,
            AbiType::Address => 20,
        }
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.marker());
        if let AbiType::Array(e) = self {
            e.encode_into(out);
        }
    }

    fn decode(r: &mut Reader<'_>, depth: usize) -> Result<Self, DecodeError> {
        let at = r.offset();
        let m = r.u8()?;
        if m == ARRAY_MARKER {
            let max = r.limits.max_abi_depth;
            if depth >= max {
                return r.err_at(at, DecodeErrorKind::AbiTooDeep { max });
            }
            return Ok(AbiType::Array(Box::new(AbiType::decode(r, depth + 1)?)));
        }
        Ok(match m {
            0x01 => AbiType::Bool,
            0x02 => AbiType::U8,
            0x03 => AbiType::I8,
            0x04 => AbiType::U16,
            0x05 => AbiType::I16,
            0x06 => AbiType::U32,
            0x07 => AbiType::I32,
            0x08 => AbiType::U64,
            0x09 => AbiType::I64,
            0x0a => AbiType::U128,
            0x0b => AbiType::I128,
            0x0c => AbiType::Amount,
            0x0d => AbiType::Address,
            0x0e => AbiType::Bytes,
            0x0f => AbiType::String,
            m => return r.err_at(at, DecodeErrorKind::UnknownAbiMarker(m)),
        })
    }

    /// JSON form: a type name string (`"u32"`), or for arrays a one-element JSON array
    /// holding the element type (`["u32"]`, `[["u32"]]`).
    pub fn to_json(&self) -> Json {
        match self {
            AbiType::Array(e) => json!([e.to_json()]),
            t => Json::String(t.to_string()),
        }
    }

    /// Parses the JSON form; `path` names the field for errors.
    pub fn from_json(v: &Json, path: &str) -> Result<Self, JsonError> {
        Self::from_json_depth(v, path, 0)
    }

    fn from_json_depth(v: &Json, path: &str, depth: usize) -> Result<Self, JsonError> {
        match v {
            Json::String(s) => SCALARS
                .iter()
                .find(|(_, _, n)| n == s)
                .map(|(t, _, _)| t.clone())
                .ok_or_else(|| JsonError::new(path, format!("unknown ABI type {s:?}"))),
            Json::Array(a) if a.len() == 1 => {
                let max = CodecLimits::DEFAULT.max_abi_depth;
                if depth >= max {
                    return Err(JsonError::new(
                        path,
                        format!("ABI nesting deeper than {max}"),
                    ));
                }
                Ok(AbiType::Array(Box::new(Self::from_json_depth(
                    &a[0],
                    &format!("{path}[0]"),
                    depth + 1,
                )?)))
            }
            _ => Err(JsonError::new(
                path,
                "an ABI type is a type name or a one-element array of a type",
            )),
        }
    }
}

impl fmt::Display for AbiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiType::Array(e) => write!(f, "[{e}]"),
            t => f.write_str(
                SCALARS
                    .iter()
                    .find(|(s, _, _)| s == t)
                    .map_or("?", |(_, _, n)| n),
            ),
        }
    }
}

/// An ABI value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `u8`.
    U8(u8),
    /// `i8`.
    I8(i8),
    /// `u16`.
    U16(u16),
    /// `i16`.
    I16(i16),
    /// `u32`.
    U32(u32),
    /// `i32`.
    I32(i32),
    /// `u64`.
    U64(u64),
    /// `i64`.
    I64(i64),
    /// `u128`.
    U128(u128),
    /// `i128`.
    I128(i128),
    /// `amount`.
    Amount(Amount),
    /// `address`.
    Address(Address),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `string`.
    String(String),
    /// An array: every item must be of type `elem`.
    Array {
        /// The element type.
        elem: AbiType,
        /// The items.
        items: Vec<Value>,
    },
}

impl Value {
    /// This value's type.
    pub fn abi_type(&self) -> AbiType {
        match self {
            Value::Bool(_) => AbiType::Bool,
            Value::U8(_) => AbiType::U8,
            Value::I8(_) => AbiType::I8,
            Value::U16(_) => AbiType::U16,
            Value::I16(_) => AbiType::I16,
            Value::U32(_) => AbiType::U32,
            Value::I32(_) => AbiType::I32,
            Value::U64(_) => AbiType::U64,
            Value::I64(_) => AbiType::I64,
            Value::U128(_) => AbiType::U128,
            Value::I128(_) => AbiType::I128,
            Value::Amount(_) => AbiType::Amount,
            Value::Address(_) => AbiType::Address,
            Value::Bytes(_) => AbiType::Bytes,
            Value::String(_) => AbiType::String,
            Value::Array { elem, .. } => AbiType::Array(Box::new(elem.clone())),
        }
    }

    /// Whether this value is of type `t` (without allocating).
    pub fn is_of(&self, t: &AbiType) -> bool {
        match (self, t) {
            (Value::Array { elem, .. }, AbiType::Array(e)) => elem == e.as_ref(),
            (Value::Array { .. }, _) | (_, AbiType::Array(_)) => false,
            (v, t) => v.marker() == t.marker(),
        }
    }

    fn marker(&self) -> u8 {
        match self {
            Value::Bool(_) => 0x01,
            Value::U8(_) => 0x02,
            Value::I8(_) => 0x03,
            Value::U16(_) => 0x04,
            Value::I16(_) => 0x05,
            Value::U32(_) => 0x06,
            Value::I32(_) => 0x07,
            Value::U64(_) => 0x08,
            Value::I64(_) => 0x09,
            Value::U128(_) => 0x0a,
            Value::I128(_) => 0x0b,
            Value::Amount(_) => 0x0c,
            Value::Address(_) => 0x0d,
            Value::Bytes(_) => 0x0e,
            Value::String(_) => 0x0f,
            Value::Array { .. } => ARRAY_MARKER,
        }
    }

    fn check(&self, max_depth: usize) -> Result<(), AbiError> {
        if let Value::Array { elem, items } = self {
            if 1 + elem.depth() > max_depth {
                return Err(AbiError::TooDeep { max: max_depth });
            }
            for (index, item) in items.iter().enumerate() {
                if !item.is_of(elem) {
                    return Err(AbiError::TypeMismatch {
                        index,
                        expected: elem.to_string(),
                        found: item.abi_type().to_string(),
                    });
                }
                item.check(max_depth)?;
            }
        }
        Ok(())
    }

    fn encode_payload(&self, out: &mut Vec<u8>) {
        match self {
            Value::Bool(b) => out.push(u8::from(*b)),
            Value::U8(v) => out.push(*v),
            Value::I8(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::U16(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I16(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::U32(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I32(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::U64(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I64(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::U128(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I128(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::Amount(v) => out.extend_from_slice(&v.0.to_be_bytes()),
            Value::Address(a) => out.extend_from_slice(a.as_bytes()),
            Value::Bytes(b) => put_bytes(out, b),
            Value::String(s) => put_bytes(out, s.as_bytes()),
            Value::Array { items, .. } => {
                put_len(out, items.len());
                for item in items {
                    item.encode_payload(out);
                }
            }
        }
    }

    fn decode_payload(t: &AbiType, r: &mut Reader<'_>) -> Result<Value, DecodeError> {
        Ok(match t {
            AbiType::Bool => Value::Bool(r.bool()?),
            AbiType::U8 => Value::U8(r.u8()?),
            AbiType::I8 => Value::I8(i8::from_be_bytes(r.array()?)),
            AbiType::U16 => Value::U16(r.u16()?),
            AbiType::I16 => Value::I16(i16::from_be_bytes(r.array()?)),
            AbiType::U32 => Value::U32(r.u32()?),
            AbiType::I32 => Value::I32(i32::from_be_bytes(r.array()?)),
            AbiType::U64 => Value::U64(r.u64()?),
            AbiType::I64 => Value::I64(i64::from_be_bytes(r.array()?)),
            AbiType::U128 => Value::U128(r.u128()?),
            AbiType::I128 => Value::I128(i128::from_be_bytes(r.array()?)),
            AbiType::Amount => Value::Amount(Amount(r.u64()?)),
            AbiType::Address => Value::Address(Address(r.array()?)),
            AbiType::Bytes => Value::Bytes(r.bytes("ABI bytes", usize::MAX)?.to_vec()),
            AbiType::String => {
                let n = r.len("ABI string", usize::MAX)?;
                let at = r.offset();
                let b = r.take(n)?;
                match core::str::from_utf8(b) {
                    Ok(s) => Value::String(s.to_owned()),
                    Err(e) => {
                        return r.err_at(
                            at + e.valid_up_to(),
                            DecodeErrorKind::InvalidUtf8("ABI string"),
                        );
                    }
                }
            }
            AbiType::Array(e) => {
                let n = r.count("ABI array length", usize::MAX, e.min_payload())?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(Value::decode_payload(e, r)?);
                }
                Value::Array {
                    elem: e.as_ref().clone(),
                    items,
                }
            }
        })
    }

    /// JSON form of the value (without its type). Integers up to 32 bits are JSON numbers;
    /// 64- and 128-bit integers and amounts are decimal strings; addresses and bytes are
    /// lowercase hex strings; arrays are JSON arrays.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Bool(b) => json!(b),
            Value::U8(v) => json!(v),
            Value::I8(v) => json!(v),
            Value::U16(v) => json!(v),
            Value::I16(v) => json!(v),
            Value::U32(v) => json!(v),
            Value::I32(v) => json!(v),
            Value::U64(v) => json!(v.to_string()),
            Value::I64(v) => json!(v.to_string()),
            Value::U128(v) => json!(v.to_string()),
            Value::I128(v) => json!(v.to_string()),
            Value::Amount(v) => json!(v.0.to_string()),
            Value::Address(a) => json!(a.to_string()),
            Value::Bytes(b) => json!(hex::encode(b)),
            Value::String(s) => json!(s),
            Value::Array { items, .. } => Json::Array(items.iter().map(Value::to_json).collect()),
        }
    }

    /// Parses the JSON form of a value of type `t`. Integers are accepted as JSON numbers or
    /// decimal strings; hex may have a `0x` prefix and either case.
    pub fn from_json(t: &AbiType, v: &Json, path: &str) -> Result<Value, JsonError> {
        let err = |reason: String| JsonError::new(path, reason);
        Ok(match t {
            AbiType::Bool => Value::Bool(
                v.as_bool()
                    .ok_or_else(|| err(format!("expected a bool, found {v}")))?,
            ),
            AbiType::U8 => Value::U8(json_int(v, path)?),
            AbiType::I8 => Value::I8(json_int(v, path)?),
            AbiType::U16 => Value::U16(json_int(v, path)?),
            AbiType::I16 => Value::I16(json_int(v, path)?),
            AbiType::U32 => Value::U32(json_int(v, path)?),
            AbiType::I32 => Value::I32(json_int(v, path)?),
            AbiType::U64 => Value::U64(json_int(v, path)?),
            AbiType::I64 => Value::I64(json_int(v, path)?),
            AbiType::U128 => Value::U128(json_int(v, path)?),
            AbiType::I128 => Value::I128(json_int(v, path)?),
            AbiType::Amount => Value::Amount(Amount(json_int(v, path)?)),
            AbiType::Address => Value::Address(crate::json::hex_field(v, path)?),
            AbiType::Bytes => Value::Bytes(crate::json::hex_bytes(v, path)?),
            AbiType::String => Value::String(
                v.as_str()
                    .ok_or_else(|| err(format!("expected a string, found {v}")))?
                    .to_owned(),
            ),
            AbiType::Array(e) => {
                let a = v
                    .as_array()
                    .ok_or_else(|| err(format!("expected an array of {e}, found {v}")))?;
                let items = a
                    .iter()
                    .enumerate()
                    .map(|(i, x)| Value::from_json(e, x, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?;
                Value::Array {
                    elem: e.as_ref().clone(),
                    items,
                }
            }
        })
    }
}

/// Parses an integer given as a JSON number or a decimal string.
pub(crate) fn json_int<T>(v: &Json, path: &str) -> Result<T, JsonError>
where
    T: TryFrom<u64> + TryFrom<i64> + core::str::FromStr,
{
    let range = || {
        JsonError::new(
            path,
            format!("{v} is out of range for {}", core::any::type_name::<T>()),
        )
    };
    match v {
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                T::try_from(u).map_err(|_| range())
            } else if let Some(i) = n.as_i64() {
                T::try_from(i).map_err(|_| range())
            } else {
                Err(JsonError::new(
                    path,
                    format!("{n} is not an integer (write integers beyond 2^64 as strings)"),
                ))
            }
        }
        Json::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(JsonError::new(
                    path,
                    format!("{s:?} is not a decimal integer"),
                ));
            }
            s.parse::<T>().map_err(|_| range())
        }
        _ => Err(JsonError::new(
            path,
            format!("expected an integer, found {v}"),
        )),
    }
}

/// Encodes values as calldata. Fails if an array holds an item of another type or
/// array types nest deeper than [`CodecLimits::DEFAULT`] allows.
pub fn encode(values: &[Value]) -> Result<Vec<u8>, AbiError> {
    let mut out = Vec::with_capacity(128);
    for v in values {
        encode_value(v, &mut out)?;
    }
    Ok(out)
}

/// Appends one value (type descriptor + payload) to `out`.
pub fn encode_value(v: &Value, out: &mut Vec<u8>) -> Result<(), AbiError> {
    v.check(CodecLimits::DEFAULT.max_abi_depth)?;
    match v {
        Value::Array { elem, .. } => {
            out.push(ARRAY_MARKER);
            elem.encode_into(out);
        }
        v => out.push(v.marker()),
    }
    v.encode_payload(out);
    Ok(())
}

/// Decodes calldata (a sequence of values) under [`CodecLimits::DEFAULT`].
pub fn decode(bytes: &[u8]) -> Result<Vec<Value>, DecodeError> {
    decode_with_limits(bytes, &CodecLimits::DEFAULT)
}

/// Decodes calldata (a sequence of values) under `limits` (`max_message_size`,
/// `max_abi_depth`).
pub fn decode_with_limits(bytes: &[u8], limits: &CodecLimits) -> Result<Vec<Value>, DecodeError> {
    decode_whole(bytes, limits, |r| {
        let mut values = Vec::new();
        while r.remaining() > 0 {
            let t = AbiType::decode(r, 0)?;
            values.push(Value::decode_payload(&t, r)?);
        }
        Ok(values)
    })
}

/// The `{"abi": [types], "data": [values]}` JSON form of a value sequence.
pub fn to_json(values: &[Value]) -> Json {
    json!({
        "abi": values.iter().map(|v| v.abi_type().to_json()).collect::<Vec<_>>(),
        "data": values.iter().map(Value::to_json).collect::<Vec<_>>(),
    })
}

/// Parses the `{"abi": [...], "data": [...]}` form (both arrays of the same length).
pub fn from_json(v: &Json) -> Result<Vec<Value>, JsonError> {
    from_json_at(v, "")
}

pub(crate) fn from_json_at(v: &Json, path: &str) -> Result<Vec<Value>, JsonError> {
    let sub = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    let obj = crate::json::object(v, path, &["abi", "data"])?;
    let abi = obj
        .get("abi")
        .and_then(Json::as_array)
        .ok_or_else(|| JsonError::new(sub("abi"), "expected an array of ABI types"))?;
    let data = obj
        .get("data")
        .and_then(Json::as_array)
        .ok_or_else(|| JsonError::new(sub("data"), "expected an array of values"))?;
    if abi.len() != data.len() {
        return Err(JsonError::new(
            sub("data"),
            format!("{} values for {} ABI types", data.len(), abi.len()),
        ));
    }
    abi.iter()
        .zip(data)
        .enumerate()
        .map(|(i, (t, d))| {
            let t = AbiType::from_json(t, &format!("{}[{i}]", sub("abi")))?;
            Value::from_json(&t, d, &format!("{}[{i}]", sub("data")))
        })
        .collect()
}
