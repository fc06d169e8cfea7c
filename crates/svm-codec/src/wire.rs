//! Primitive encoding: a bounds-checked reader (never panics, never over-allocates) and
//! writer helpers, plus the item header shared by every top-level item.

use crate::{CodecLimits, DecodeError, DecodeErrorKind};

/// The only item version this codec reads and writes.
pub const VERSION: u16 = 0;

/// Item kind bytes (the third byte of every top-level item).
pub mod kind {
    /// [`crate::Envelope`].
    pub const ENVELOPE: u8 = 0x01;
    /// [`crate::Context`].
    pub const CONTEXT: u8 = 0x02;
    /// [`crate::DeployMessage`].
    pub const DEPLOY: u8 = 0x10;
    /// [`crate::SpawnMessage`].
    pub const SPAWN: u8 = 0x11;
    /// [`crate::CallMessage`].
    pub const CALL: u8 = 0x12;
    /// [`crate::DeployReceipt`].
    pub const DEPLOY_RECEIPT: u8 = 0x20;
    /// [`crate::SpawnReceipt`].
    pub const SPAWN_RECEIPT: u8 = 0x21;
    /// [`crate::CallReceipt`].
    pub const CALL_RECEIPT: u8 = 0x22;
}

/// A cursor over an input slice. Every read checks bounds and reports the absolute offset.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the whole input (for sub-readers over sections).
    base: usize,
    pub(crate) limits: &'a CodecLimits,
}

type R<T> = Result<T, DecodeError>;

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &'a CodecLimits) -> Self {
        Self {
            buf,
            pos: 0,
            base: 0,
            limits,
        }
    }

    /// Absolute offset of the next byte.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn err<T>(&self, kind: DecodeErrorKind) -> R<T> {
        Err(DecodeError::new(self.offset(), kind))
    }

    pub(crate) fn err_at<T>(&self, offset: usize, kind: DecodeErrorKind) -> R<T> {
        Err(DecodeError::new(offset, kind))
    }

    pub(crate) fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let available = self.remaining();
        if n > available {
            return self.err(DecodeErrorKind::UnexpectedEnd {
                needed: n as u64,
                available,
            });
        }
        let start = self.pos;
        self.pos += n;
        Ok(&self.buf[start..self.pos])
    }

    pub(crate) fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> R<u8> {
        Ok(self.array::<1>()?[0])
    }
    pub(crate) fn u16(&mut self) -> R<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> R<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> R<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    pub(crate) fn u128(&mut self) -> R<u128> {
        Ok(u128::from_be_bytes(self.array()?))
    }

    pub(crate) fn bool(&mut self) -> R<bool> {
        let at = self.offset();
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => self.err_at(at, DecodeErrorKind::InvalidBool(b)),
        }
    }

    /// Reads a u32 length and checks it against `max` (named `what`).
    pub(crate) fn len(&mut self, what: &'static str, max: usize) -> R<usize> {
        let at = self.offset();
        let len = self.u32()? as usize;
        if len > max {
            return self.err_at(at, DecodeErrorKind::LimitExceeded { what, len, max });
        }
        Ok(len)
    }

    /// Reads a u32 element count where each element takes at least `min_item_size` bytes,
    /// so that a count can never justify more allocation than the input holds.
    pub(crate) fn count(
        &mut self,
        what: &'static str,
        max: usize,
        min_item_size: usize,
    ) -> R<usize> {
        let at = self.offset();
        let n = self.len(what, max)?;
        let available = self.remaining();
        // in u64: n < 2^32 and min_item_size is small, so this neither overflows nor
        // depends on the width of usize
        let needed = n as u64 * min_item_size as u64;
        if needed > available as u64 {
            return self.err_at(at, DecodeErrorKind::UnexpectedEnd { needed, available });
        }
        Ok(n)
    }

    /// u32 length + bytes.
    pub(crate) fn bytes(&mut self, what: &'static str, max: usize) -> R<&'a [u8]> {
        let n = self.len(what, max)?;
        self.take(n)
    }

    /// u32 length + UTF-8.
    pub(crate) fn string(&mut self, what: &'static str) -> R<String> {
        let max = self.limits.max_string_len;
        let n = self.len(what, max)?;
        let at = self.offset();
        let bytes = self.take(n)?;
        match core::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => self.err_at(at + e.valid_up_to(), DecodeErrorKind::InvalidUtf8(what)),
        }
    }

    /// A reader over the next `n` bytes; offsets stay absolute.
    pub(crate) fn sub(&mut self, n: usize) -> R<Reader<'a>> {
        let base = self.offset();
        let buf = self.take(n)?;
        Ok(Reader {
            buf,
            pos: 0,
            base,
            limits: self.limits,
        })
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self) -> R<()> {
        match self.remaining() {
            0 => Ok(()),
            count => self.err(DecodeErrorKind::TrailingBytes { count }),
        }
    }

    /// Reads and checks the item header: version u16 then kind u8.
    pub(crate) fn header(&mut self, expected: u8) -> R<()> {
        let at = self.offset();
        let version = self.u16()?;
        if version != VERSION {
            return self.err_at(at, DecodeErrorKind::UnsupportedVersion(version));
        }
        let at = self.offset();
        let found = self.u8()?;
        if found != expected {
            return self.err_at(at, DecodeErrorKind::UnexpectedItemKind { expected, found });
        }
        Ok(())
    }
}

/// Writes a u32 length. Lengths beyond `u32::MAX` cannot be expressed by the format.
///
/// # Panics
/// If `len > u32::MAX` (a single field of 4 GiB or more).
pub(crate) fn put_len(out: &mut Vec<u8>, len: usize) {
    let len = u32::try_from(len).expect("svm-codec: field longer than u32::MAX bytes");
    out.extend_from_slice(&len.to_be_bytes());
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

pub(crate) fn put_header(out: &mut Vec<u8>, kind: u8) {
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.push(kind);
}

/// Encoding and strict decoding of a top-level item.
///
/// Encoding is infallible (see the per-type notes); decoding checks everything the spec
/// requires and returns a [`DecodeError`] with the byte offset instead of panicking.
pub trait Codec: Sized {
    /// Appends the item's bytes to `out`.
    ///
    /// # Panics
    /// Only if a single field is 4 GiB or longer, which the format cannot express.
    fn encode_into(&self, out: &mut Vec<u8>);

    /// The item's bytes.
    fn encode(&self) -> Vec<u8> {
        // Most items are small: one allocation covers envelopes, contexts, typical messages.
        let mut out = Vec::with_capacity(256);
        self.encode_into(&mut out);
        out
    }

    /// Decodes exactly one item from `bytes` under `limits`; trailing bytes are an error.
    fn decode_with_limits(bytes: &[u8], limits: &CodecLimits) -> Result<Self, DecodeError>;

    /// Decodes exactly one item from `bytes` under [`CodecLimits::default`].
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with_limits(bytes, &CodecLimits::DEFAULT)
    }
}

/// Internal: an item with a header, encoded as header + body.
pub(crate) trait Item: Sized {
    const KIND: u8;
    fn encode_body(&self, out: &mut Vec<u8>);
    fn decode_body(r: &mut Reader<'_>) -> R<Self>;
}

/// Checks the overall size limit, then decodes a whole item.
pub(crate) fn decode_whole<T>(
    bytes: &[u8],
    limits: &CodecLimits,
    f: impl FnOnce(&mut Reader<'_>) -> R<T>,
) -> R<T> {
    if bytes.len() > limits.max_message_size {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::LimitExceeded {
                what: "input size",
                len: bytes.len(),
                max: limits.max_message_size,
            },
        ));
    }
    let mut r = Reader::new(bytes, limits);
    let item = f(&mut r)?;
    r.finish()?;
    Ok(item)
}

macro_rules! impl_codec_for_item {
    ($($t:ty),*) => {$(
        impl $crate::wire::Codec for $t {
            fn encode_into(&self, out: &mut Vec<u8>) {
                $crate::wire::put_header(out, <$t as $crate::wire::Item>::KIND);
                $crate::wire::Item::encode_body(self, out);
            }
            fn decode_with_limits(
                bytes: &[u8],
                limits: &$crate::CodecLimits,
            ) -> Result<Self, $crate::DecodeError> {
                $crate::wire::decode_whole(bytes, limits, |r| {
                    r.header(<$t as $crate::wire::Item>::KIND)?;
                    <$t as $crate::wire::Item>::decode_body(r)
                })
            }
        }
    )*};
}
pub(crate) use impl_codec_for_item;
