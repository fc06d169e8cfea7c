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
    /// Gives the error's text to `out`, piece by piece (the same text as `Display`, without
    /// the formatting machinery: it is what a template's Wasm aborts with).
    pub fn write_to(&self, out: &mut impl FnMut(&[u8])) {
        fn num(out: &mut impl FnMut(&[u8]), n: usize) {
            if n >= 10 {
                num(out, n / 10);
            }
            out(&[b'0' + (n % 10) as u8]);
        }
        fn hex(out: &mut impl FnMut(&[u8]), b: u8) {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out(&[
                b'0',
                b'x',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        }
        match *self {
            AbiError::End { offset, needed } => {
                out(b"calldata ends at byte ");
                num(out, offset);
                out(b", ");
                num(out, needed);
                out(b" more needed");
            }
            AbiError::Type {
                offset,
                expected,
                found,
            } => {
                out(b"argument at byte ");
                num(out, offset);
                out(b" has type marker ");
                hex(out, found);
                out(b", expected ");
                hex(out, expected);
            }
            AbiError::Value { offset } => {
                out(b"invalid value at byte ");
                num(out, offset);
            }
            AbiError::Trailing { offset } => {
                out(b"bytes after the last argument, from byte ");
                num(out, offset);
            }
        }
    }
}

impl core::fmt::Display for AbiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut result = Ok(());
        // every piece is ASCII
        self.write_to(&mut |piece| {
            if result.is_ok() {
                result = f.write_str(core::str::from_utf8(piece).unwrap_or("?"));
            }
        });
        result
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
        let bytes = self.input.get(self.at..end).unwrap_or_default();
        self.at = end;
        Ok(bytes)
    }

    /// The next `N` bytes, as an array.
    pub fn take_array<const N: usize>(&mut self) -> Result<[u8; N], AbiError> {
        let mut out = [0u8; N];
        crate::bytes::copy(&mut out, self.take(N)?);
        Ok(out)
    }

    /// Checks a type marker.
    pub fn marker(&mut self, expected: u8) -> Result<(), AbiError> {
        let offset = self.at;
        let [found] = self.take_array()?;
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
    /// The encoding's size in bytes (marker and payload).
    fn encoded_len(&self) -> usize;

    /// Writes the encoding (`encoded_len()` bytes).
    fn encode_to(&self, out: &mut Writer<'_>);

    /// Appends the encoding to `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + self.encoded_len(), 0);
        self.encode_to(&mut Writer::new(&mut out[start..]));
    }
}

/// Writes encodings into a buffer sized beforehand (by [`Encode::encoded_len`]); bytes that
/// do not fit are dropped.
pub struct Writer<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `out`.
    pub fn new(out: &'a mut [u8]) -> Self {
        Writer { out, at: 0 }
    }

    /// Writes `bytes` next.
    pub fn put(&mut self, bytes: &[u8]) {
        crate::bytes::copy(self.out.get_mut(self.at..).unwrap_or_default(), bytes);
        self.at = self.at.saturating_add(bytes.len());
    }

    /// How many bytes were written (or would have been).
    pub fn written(&self) -> usize {
        self.at
    }
}

/// One value's encoding.
pub fn encode_one<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = crate::bytes::zeroed(value.encoded_len());
    value.encode_to(&mut Writer::new(&mut out));
    out
}

macro_rules! int {
    ($($t:ty => $marker:expr),*) => {$(
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
                r.marker($marker)?;
                Ok(<$t>::from_be_bytes(r.take_array()?))
            }
        }
        impl Encode for $t {
            fn encoded_len(&self) -> usize {
                1 + core::mem::size_of::<$t>()
            }
            fn encode_to(&self, out: &mut Writer<'_>) {
                out.put(&[$marker]);
                out.put(&self.to_be_bytes());
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
        match r.take_array()? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(AbiError::Value { offset }),
        }
    }
}

impl Encode for bool {
    fn encoded_len(&self) -> usize {
        2
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        out.put(&[0x01, u8::from(*self)]);
    }
}

impl Decode for Address {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        r.marker(0x0d)?;
        Ok(Address(r.take_array()?))
    }
}

impl Encode for Address {
    fn encoded_len(&self) -> usize {
        21
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        out.put(&[0x0d]);
        out.put(&self.0);
    }
}

/// A length-prefixed payload: its marker, then its length.
fn payload<'a>(r: &mut Reader<'a>, marker: u8) -> Result<&'a [u8], AbiError> {
    r.marker(marker)?;
    let n = u32::from_be_bytes(r.take_array()?) as usize;
    r.take(n)
}

fn put_payload(out: &mut Writer<'_>, marker: u8, bytes: &[u8]) {
    out.put(&[marker]);
    out.put(&(bytes.len() as u32).to_be_bytes());
    out.put(bytes);
}

impl Decode for Vec<u8> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        payload(r, 0x0e).map(crate::bytes::copied)
    }
}

impl Encode for [u8] {
    fn encoded_len(&self) -> usize {
        5 + self.len()
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        put_payload(out, 0x0e, self)
    }
}

impl Encode for Vec<u8> {
    fn encoded_len(&self) -> usize {
        self.as_slice().encoded_len()
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        self.as_slice().encode_to(out)
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, AbiError> {
        let bytes = payload(r, 0x0f)?;
        let offset = r.offset() - bytes.len();
        String::from_utf8(crate::bytes::copied(bytes)).map_err(|_| AbiError::Value { offset })
    }
}

impl Encode for str {
    fn encoded_len(&self) -> usize {
        5 + self.len()
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        put_payload(out, 0x0f, self.as_bytes())
    }
}

impl Encode for String {
    fn encoded_len(&self) -> usize {
        self.as_str().encoded_len()
    }
    fn encode_to(&self, out: &mut Writer<'_>) {
        self.as_str().encode_to(out)
    }
}
