//! Template records: code and metadata stored once, shared by every account spawned from it.

use svm_types::TemplateAddr;

use crate::{FixedLayout, StorageError};

/// A deployed template as the state stores it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    /// The WebAssembly code.
    pub code: Vec<u8>,
    /// The storage layout of accounts spawned from it.
    pub layout: FixedLayout,
    /// Everything else the runtime keeps (constructors, API, ...), opaque to storage.
    pub meta: Vec<u8>,
}

const VERSION: u8 = 0;

impl Template {
    /// The record's bytes: `version (0) | code len (u32 BE) | code | var count (u32 BE) |
    /// var sizes (u32 BE each) | meta len (u32 BE) | meta`.
    pub fn encode(&self) -> Vec<u8> {
        let sizes = self.layout.sizes();
        let mut out =
            Vec::with_capacity(1 + 4 + self.code.len() + 4 + 4 * sizes.len() + 4 + self.meta.len());
        out.push(VERSION);
        put_bytes(&mut out, &self.code);
        out.extend_from_slice(&(sizes.len() as u32).to_be_bytes());
        for s in sizes {
            out.extend_from_slice(&s.to_be_bytes());
        }
        put_bytes(&mut out, &self.meta);
        out
    }

    /// Decodes a record written by [`Template::encode`]; anything else is
    /// [`StorageError::Corrupt`].
    pub fn decode(addr: &TemplateAddr, bytes: &[u8]) -> Result<Self, StorageError> {
        let corrupt = |what: String| StorageError::Corrupt(format!("template {addr}: {what}"));
        let mut r = Reader { bytes, pos: 0 };
        let version = r.take(1).map_err(&corrupt)?[0];
        if version != VERSION {
            return Err(corrupt(format!("unknown record version {version}")));
        }
        let code = r.bytes().map_err(&corrupt)?.to_vec();
        let count = r.u32().map_err(&corrupt)? as usize;
        if count > r.remaining() / 4 {
            return Err(corrupt(format!("{count} variables do not fit the record")));
        }
        let mut sizes = Vec::with_capacity(count);
        for _ in 0..count {
            sizes.push(r.u32().map_err(&corrupt)?);
        }
        let layout = FixedLayout::new(&sizes).map_err(|e| corrupt(e.to_string()))?;
        let meta = r.bytes().map_err(&corrupt)?.to_vec();
        if r.remaining() != 0 {
            return Err(corrupt(format!("{} trailing bytes", r.remaining())));
        }
        Ok(Self { code, layout, meta })
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.remaining() {
            return Err(format!(
                "record ends at byte {} but {n} more are needed",
                self.pos
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}
