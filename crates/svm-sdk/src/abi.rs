//! Calldata and returndata values in the codec's ABI (`docs/spec/codec.md` §8): each value is
//! a type marker and a big-endian payload. Endpoint arguments are decoded with [`Decode`],
//! return values encoded with [`Encode`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::Address;

/// Why calldata does not decode as an endpoint's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiError {
    /// The input ends inside a value (`needed` more bytes at `offset`).
    End {
        /// Where.
        offset: usize,
        /// How many bytes were missing.
        needed: usize,
    },
    /// A value has another type than the argument (`expected` marker, `found` byte).
    Type {
        /// Where.
        offset: usize,
        /// The argument's marker.
        expected: u8,
        /// The byte found.
        found: u8,
    },
    /// A payload that is not a value of its type (a bool other than 0/1, invalid UTF-8).
    Value {
        /// Where.
        offset: usize,
    },
    /// Bytes are left after the last argument.
    Trailing {
        /// Where they start.
        offset: usize,
    },
}

impl AbiError {
    /// Appends the error's text to `out` (the same text as `Display`, without the
    /// formatting machinery: it is what a template's Wasm aborts with).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        fn num(out: &mut Vec<u8>, n: usize) {
            let mut digits = [0u8; 20];
            let mut i = digits.len();
            let mut n = n;
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.extend_from_slice(&digits[i..]);
        }
        fn hex(out: &mut Vec<u8>, b: u8) {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'0',
                b'x',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        }
        match *self {
            AbiError::End { offset, needed } => {
                out.extend_from_slice(b"calldata ends at byte ");
                num(out, offset);
                out.extend_from_slice(b", ");
                num(out, needed);
                out.extend_from_slice(b" more needed");
            }
            AbiError::Type {
                offset,
                expected,
                found,
            } => {
                out.extend_from_slice(b"argument at byte ");
                num(out, offset);
                out.extend_from_slice(b" has type marker ");
                hex(out, found);
                out.extend_from_slice(b", expected ");
                hex(out, expected);
            }
            AbiError::Value { offset } => {
                out.extend_from_slice(b"invalid value at byte ");
                num(out, offset);
            }
            AbiError::Trailing { offset } => {
                out.extend_from_slice(b"bytes after the last argument, from byte ");
                num(out, offset);
            }
        }
    }
}

impl core::fmt::Display for AbiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut text = Vec::new();
        self.write_to(&mut text);
        f.write_str(&String::from_utf8_lossy(&text))
    }
}

/// Reads values from calldata.
pub struct Reader<'a> {
    input: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input, at: 0 }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], AbiError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.input.len());
        let Some(end) = end else {
            return Err(AbiError::End {
                offset: self.at,
                needed: n - (self.input.len() - self.at),
            });
        };
        let bytes = &self.input[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    /// Checks a type marker.
    pub fn marker(&mut self, expected: u8) -> Result<(), AbiError> {
        let offset = self.at;
        let found = self.take(1)?[0];
        if found != expected {
            return Err(AbiError::Type {
                offset,
                expected,
                found,
            });
        }
        Ok(())
    }

    /// Where the reader is.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// Fails if bytes are left.
    pub fn finish(&self) -> Result<(), AbiError> {
        if self.at != self.input.len() {
            return Err(AbiError::Trailing { offset: self.at });
        }
        Ok(())
    }
}

/// A value an endpoint can take as an argument.
pub trait Decode: Sized {
    /// Reads one value (marker and payload).
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError>;
}

/// A value an endpoint can return.
pub trait Encode {
    /// Appends the value (marker and payload).
    fn encode(&self, out: &mut Vec<u8>);
}

/// One value's encoding.
pub fn encode_one<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

macro_rules! int {
    ($($t:ty => $marker:expr),*) => {$(
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
                r.marker($marker)?;
                let bytes = r.take(core::mem::size_of::<$t>())?;
                let mut a = [0u8; core::mem::size_of::<$t>()];
                a.copy_from_slice(bytes);
                Ok(<$t>::from_be_bytes(a))
            }
        }
        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                out.push($marker);
                out.extend_from_slice(&self.to_be_bytes());
            }
        }
    )*};
}

int!(u8 => 0x02, i8 => 0x03, u16 => 0x04, i16 => 0x05, u32 => 0x06, i32 => 0x07,
     u64 => 0x08, i64 => 0x09, u128 => 0x0a, i128 => 0x0b);

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        r.marker(0x01)?;
        let offset = r.offset();
        match r.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(AbiError::Value { offset }),
        }
    }
}

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[0x01, u8::from(*self)]);
    }
}

impl Decode for Address {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        r.marker(0x0d)?;
        let mut a = [0u8; 20];
        a.copy_from_slice(r.take(20)?);
        Ok(Address(a))
    }
}

impl Encode for Address {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0x0d);
        out.extend_from_slice(&self.0);
    }
}

fn length(r: &mut Reader<'_>) -> Result<usize, AbiError> {
    let b = r.take(4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

impl Decode for Vec<u8> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        r.marker(0x0e)?;
        let n = length(r)?;
        Ok(r.take(n)?.to_vec())
    }
}

impl Encode for [u8] {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0x0e);
        out.extend_from_slice(&(self.len() as u32).to_be_bytes());
        out.extend_from_slice(self);
    }
}

impl Encode for Vec<u8> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out)
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        r.marker(0x0f)?;
        let n = length(r)?;
        let offset = r.offset();
        let bytes = r.take(n)?;
        core::str::from_utf8(bytes)
            .map(String::from)
            .map_err(|_| AbiError::Value { offset })
    }
}

impl Encode for str {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0x0f);
        out.extend_from_slice(&(self.len() as u32).to_be_bytes());
        out.extend_from_slice(self.as_bytes());
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().encode(out)
    }
}
