//! The deploy message: a template as a container of skippable, typed sections.

use crate::spawn::put_str;
use crate::wire::{Item, Reader, impl_codec_for_item, kind, put_bytes, put_len};
use crate::{DecodeError, DecodeErrorKind};

/// Section kind numbers. Kinds below [`section::OPTIONAL_BASE`] are must-understand: an
/// unknown one is a decoding error. Kinds from `0x8000` up are optional: a decoder that does
/// not know them keeps them as opaque [`RawSection`]s.
pub mod section {
    /// Code (required).
    pub const CODE: u16 = 1;
    /// Fixed data layout (required).
    pub const DATA: u16 = 2;
    /// Constructor names (required).
    pub const CTORS: u16 = 3;
    /// API description, a UTF-8 string (conventionally JSON) (optional).
    pub const API: u16 = 4;
    /// Header: code version, name, description (optional).
    pub const HEADER: u16 = 5;
    /// First optional (skippable) kind.
    pub const OPTIONAL_BASE: u16 = 0x8000;
}

/// Code kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CodeKind {
    /// WebAssembly binary (1).
    #[default]
    Wasm,
}

impl CodeKind {
    /// Wire value.
    pub const fn to_u16(self) -> u16 {
        match self {
            CodeKind::Wasm => 1,
        }
    }
}

/// Code flag: the code may be executed. Other bits are reserved and must be zero.
pub const CODE_FLAG_EXEC: u64 = 0x1;

/// The code section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CodeSection {
    /// What the code is.
    pub kind: CodeKind,
    /// Flags ([`CODE_FLAG_EXEC`]); reserved bits must be zero.
    pub flags: u64,
    /// The code bytes (a wasm module).
    pub code: Vec<u8>,
}

/// The template's fixed storage layout: the byte size of each variable, in variable-id order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DataSection {
    /// Byte size of each variable (variable `i` has size `vars[i]`).
    pub vars: Vec<u32>,
}

/// Descriptive header of a template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct HeaderSection {
    /// Version of the template's code, chosen by its author.
    pub code_version: u32,
    /// Template name.
    pub name: String,
    /// Template description.
    pub description: String,
}

/// A section of an optional kind (`>= 0x8000`) that this codec does not interpret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RawSection {
    /// Section kind, `>= 0x8000`.
    pub kind: u16,
    /// Section body.
    pub body: Vec<u8>,
}

/// A deploy message: a template made of sections. Encoding writes the sections in ascending
/// kind order; decoding requires that order (no duplicates).
///
/// `extra` must hold sections of distinct kinds `>= 0x8000`; the encoder sorts them by kind.
///
/// ```
/// use svm_codec::{Codec, DeployMessage, CodeSection, DataSection, CODE_FLAG_EXEC};
///
/// let msg = DeployMessage {
///     code: CodeSection { flags: CODE_FLAG_EXEC, code: b"\0asm\x01\0\0\0".to_vec(), ..Default::default() },
///     data: DataSection { vars: vec![4, 20] },
///     ctors: vec!["initialize".into()],
///     ..Default::default()
/// };
/// assert_eq!(DeployMessage::decode(&msg.encode()).unwrap(), msg);
/// let addr = svm_codec::template_addr(&msg);
/// assert_eq!(addr.as_bytes().len(), 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DeployMessage {
    /// Section 1: code.
    pub code: CodeSection,
    /// Section 2: data layout.
    pub data: DataSection,
    /// Section 3: constructor names (no duplicates).
    pub ctors: Vec<String>,
    /// Section 4: API description.
    pub api: Option<String>,
    /// Section 5: header.
    pub header: Option<HeaderSection>,
    /// Optional sections of unknown kinds (`>= 0x8000`), kept as they are.
    pub extra: Vec<RawSection>,
}

fn put_section(out: &mut Vec<u8>, kind: u16, body: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(&kind.to_be_bytes());
    let len_at = out.len();
    out.extend_from_slice(&[0; 4]);
    body(out);
    let len = out.len() - len_at - 4;
    let mut tmp = Vec::with_capacity(4);
    put_len(&mut tmp, len);
    out[len_at..len_at + 4].copy_from_slice(&tmp);
}

impl Item for DeployMessage {
    const KIND: u8 = kind::DEPLOY;

    fn encode_body(&self, out: &mut Vec<u8>) {
        let count = 3
            + usize::from(self.api.is_some())
            + usize::from(self.header.is_some())
            + self.extra.len();
        let count = u16::try_from(count).expect("svm-codec: more than 65535 template sections");
        out.extend_from_slice(&count.to_be_bytes());
        put_section(out, section::CODE, |o| {
            o.extend_from_slice(&self.code.kind.to_u16().to_be_bytes());
            o.extend_from_slice(&self.code.flags.to_be_bytes());
            put_bytes(o, &self.code.code);
        });
        put_section(out, section::DATA, |o| {
            o.push(1); // fixed layout
            put_len(o, self.data.vars.len());
            for v in &self.data.vars {
                o.extend_from_slice(&v.to_be_bytes());
            }
        });
        put_section(out, section::CTORS, |o| {
            put_len(o, self.ctors.len());
            for c in &self.ctors {
                put_str(o, c);
            }
        });
        if let Some(api) = &self.api {
            put_section(out, section::API, |o| put_str(o, api));
        }
        if let Some(h) = &self.header {
            put_section(out, section::HEADER, |o| {
                o.extend_from_slice(&h.code_version.to_be_bytes());
                put_str(o, &h.name);
                put_str(o, &h.description);
            });
        }
        let mut extra: Vec<&RawSection> = self.extra.iter().collect();
        extra.sort_by_key(|s| s.kind);
        for s in extra {
            put_section(out, s.kind, |o| o.extend_from_slice(&s.body));
        }
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count_at = r.offset();
        let count = r.u16()?;
        let (mut code, mut data, mut ctors) = (None, None, None);
        let mut msg = DeployMessage::default();
        let mut previous: Option<u16> = None;
        for _ in 0..count {
            let at = r.offset();
            let kind = r.u16()?;
            if let Some(previous) = previous
                && kind <= previous
            {
                return r.err_at(at, DecodeErrorKind::SectionOrder { kind, previous });
            }
            previous = Some(kind);
            let len = r.u32()? as usize;
            let mut s = r.sub(len)?;
            match kind {
                section::CODE => code = Some(decode_code(&mut s)?),
                section::DATA => data = Some(decode_data(&mut s)?),
                section::CTORS => ctors = Some(decode_ctors(&mut s)?),
                section::API => {
                    let max = s.limits.max_api_len;
                    msg.api = Some(s.string_body("api section", max)?)
                }
                section::HEADER => {
                    msg.header = Some(HeaderSection {
                        code_version: s.u32()?,
                        name: s.string("template name")?,
                        description: s.string("template description")?,
                    })
                }
                k if k >= section::OPTIONAL_BASE => {
                    let body = s.take(len)?.to_vec();
                    msg.extra.push(RawSection { kind: k, body });
                }
                k => return r.err_at(at, DecodeErrorKind::UnknownSectionKind(k)),
            }
            s.finish()?;
        }
        let missing = |what| DecodeError::new(count_at, DecodeErrorKind::MissingSection(what));
        msg.code = code.ok_or_else(|| missing("code"))?;
        msg.data = data.ok_or_else(|| missing("data"))?;
        msg.ctors = ctors.ok_or_else(|| missing("ctors"))?;
        Ok(msg)
    }
}

impl Reader<'_> {
    /// A string that fills the whole (section) reader: u32 length + UTF-8, at most
    /// `max` bytes.
    fn string_body(&mut self, what: &'static str, max: usize) -> Result<String, DecodeError> {
        let n = self.len(what, max)?;
        let at = self.offset();
        let bytes = self.take(n)?;
        core::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|e| DecodeError::new(at + e.valid_up_to(), DecodeErrorKind::InvalidUtf8(what)))
    }
}

fn decode_code(s: &mut Reader<'_>) -> Result<CodeSection, DecodeError> {
    let at = s.offset();
    let k = s.u16()?;
    let kind = match k {
        1 => CodeKind::Wasm,
        k => return s.err_at(at, DecodeErrorKind::UnknownCodeKind(k)),
    };
    let at = s.offset();
    let flags = s.u64()?;
    if flags & !CODE_FLAG_EXEC != 0 {
        return s.err_at(at, DecodeErrorKind::ReservedFlags(flags));
    }
    let code = s.bytes("code", usize::MAX)?.to_vec();
    Ok(CodeSection { kind, flags, code })
}

fn decode_data(s: &mut Reader<'_>) -> Result<DataSection, DecodeError> {
    let at = s.offset();
    match s.u8()? {
        1 => {}
        k => return s.err_at(at, DecodeErrorKind::UnknownLayoutKind(k)),
    }
    let n = s.count("variable count", s.limits.max_vars, 4)?;
    let mut vars = Vec::with_capacity(n);
    for _ in 0..n {
        vars.push(s.u32()?);
    }
    Ok(DataSection { vars })
}

fn decode_ctors(s: &mut Reader<'_>) -> Result<Vec<String>, DecodeError> {
    let n = s.count("constructor count", s.limits.max_ctors, 4)?;
    let mut ctors: Vec<String> = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::with_capacity(n);
    for _ in 0..n {
        let at = s.offset();
        let c = s.string("constructor name")?;
        if !seen.insert(c.clone()) {
            return s.err_at(
                at,
                DecodeErrorKind::NonCanonical("constructor list (duplicate name)"),
            );
        }
        ctors.push(c);
    }
    Ok(ctors)
}

impl_codec_for_item!(DeployMessage);
