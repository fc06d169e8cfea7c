//! Template metadata generated from source: `svm-sdk`'s macros write records into a Wasm
//! custom section named `svm-meta`, from which a deploy message is built without a
//! hand-written metadata file (the CLI's `craft-deploy` without `--meta`).
//!
//! Each record is `kind u8 · length u16 BE · payload`: kind 1 is the storage layout (`u32`
//! little-endian sizes), kinds 2, 3 and 4 a constructor, an endpoint and the verify function
//! (payload: the signature as UTF-8 text, `name(type,type)->type`).

use crate::{CodeKind, CodeSection, DataSection, DeployMessage, HeaderSection};

/// The custom section's name.
pub const SDK_META_SECTION: &str = "svm-meta";

/// What a template built with `svm-sdk` declares about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdkMeta {
    /// The storage layout: each variable's size (from the `#[storage]` struct).
    pub vars: Vec<u32>,
    /// The constructors (`#[ctor]`), sorted.
    pub ctors: Vec<String>,
    /// Every exported function's signature (constructors, endpoints, verify), sorted.
    pub api: Vec<String>,
}

/// Why a module's `svm-meta` section cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdkMetaError {
    /// The bytes are not a Wasm module (or a section runs past the end).
    #[error("not a Wasm module: {0}")]
    NotWasm(String),
    /// A record of the section is malformed.
    #[error("svm-meta section, byte {offset}: {what}")]
    Record {
        /// Offset in the section's payload.
        offset: usize,
        /// What is wrong.
        what: String,
    },
}

/// One section of a module: its id and its bytes' range (`start..end`, the id included).
struct Section {
    id: u8,
    start: usize,
    body: std::ops::Range<usize>,
}

fn leb_u32(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value = 0u32;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn sections(wasm: &[u8]) -> Result<Vec<Section>, SdkMetaError> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0") {
        return Err(SdkMetaError::NotWasm("no Wasm header".into()));
    }
    let mut out = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let size = leb_u32(wasm, &mut at)
            .ok_or_else(|| SdkMetaError::NotWasm(format!("bad section size at byte {start}")))?;
        let end = at
            .checked_add(size as usize)
            .filter(|&e| e <= wasm.len())
            .ok_or_else(|| {
                SdkMetaError::NotWasm(format!("section at byte {start} runs past the end"))
            })?;
        out.push(Section {
            id,
            start,
            body: at..end,
        });
        at = end;
    }
    Ok(out)
}

/// The payload of a custom section named `svm-meta`, if `s` is one.
fn meta_payload<'a>(wasm: &'a [u8], s: &Section) -> Option<&'a [u8]> {
    if s.id != 0 {
        return None;
    }
    let body = &wasm[s.body.clone()];
    let mut at = 0;
    let len = leb_u32(body, &mut at)? as usize;
    let name = body.get(at..at.checked_add(len)?)?;
    (name == SDK_META_SECTION.as_bytes()).then(|| &body[at + len..])
}

impl SdkMeta {
    /// Reads the `svm-meta` section of `wasm`: `None` if it has none (not built with
    /// svm-sdk).
    pub fn read(wasm: &[u8]) -> Result<Option<SdkMeta>, SdkMetaError> {
        let mut found = None;
        for s in sections(wasm)? {
            if let Some(payload) = meta_payload(wasm, &s) {
                found
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(payload);
            }
        }
        found.map(|p| Self::parse(&p)).transpose()
    }

    fn parse(payload: &[u8]) -> Result<SdkMeta, SdkMetaError> {
        let mut meta = SdkMeta::default();
        let mut layouts = 0;
        let mut at = 0;
        let bad = |offset, what: &str| SdkMetaError::Record {
            offset,
            what: what.into(),
        };
        while at < payload.len() {
            let Some(header) = payload.get(at..at + 3) else {
                return Err(bad(at, "truncated record header"));
            };
            let (kind, len) = (
                header[0],
                usize::from(u16::from_be_bytes([header[1], header[2]])),
            );
            let body = payload
                .get(at + 3..at + 3 + len)
                .ok_or_else(|| bad(at, "record runs past the section"))?;
            match kind {
                1 => {
                    layouts += 1;
                    if layouts > 1 || len % 4 != 0 {
                        return Err(bad(at, "one layout of u32 sizes expected"));
                    }
                    meta.vars = body
                        .chunks_exact(4)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                }
                2..=4 => {
                    let sig =
                        std::str::from_utf8(body).map_err(|_| bad(at, "signature is not UTF-8"))?;
                    if kind == 2 {
                        let name = sig.split('(').next().unwrap_or(sig);
                        meta.ctors.push(name.to_string());
                    }
                    meta.api.push(sig.to_string());
                }
                other => return Err(bad(at, &format!("unknown record kind {other}"))),
            }
            at += 3 + len;
        }
        meta.ctors.sort();
        meta.api.sort();
        Ok(meta)
    }

    /// The deploy message of `wasm` (with its `svm-meta` section removed: the node does not
    /// need it) under this metadata; `name` goes into the header section.
    pub fn deploy_message(
        &self,
        wasm: &[u8],
        name: Option<String>,
    ) -> Result<DeployMessage, SdkMetaError> {
        let mut code = Vec::with_capacity(wasm.len());
        code.extend_from_slice(&wasm[..8.min(wasm.len())]);
        for s in sections(wasm)? {
            if meta_payload(wasm, &s).is_none() {
                code.extend_from_slice(&wasm[s.start..s.body.end]);
            }
        }
        Ok(DeployMessage {
            code: CodeSection {
                kind: CodeKind::Wasm,
                flags: crate::CODE_FLAG_EXEC,
                code,
            },
            data: DataSection {
                vars: self.vars.clone(),
            },
            ctors: self.ctors.clone(),
            api: Some(self.api.join("\n")),
            header: name.map(|name| HeaderSection {
                code_version: 0,
                name,
                description: String::new(),
            }),
            extra: vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A module with the given custom sections (name, payload) around a type section.
    fn module(customs: &[(&str, &[u8])]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 1, 0]); // an empty type section
        for (name, payload) in customs {
            let mut body = vec![name.len() as u8];
            body.extend_from_slice(name.as_bytes());
            body.extend_from_slice(payload);
            m.push(0);
            m.push(body.len() as u8);
            m.extend_from_slice(&body);
        }
        m
    }

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut r = vec![kind, (payload.len() >> 8) as u8, payload.len() as u8];
        r.extend_from_slice(payload);
        r
    }

    #[test]
    fn reads_records_from_several_sections_and_strips_them() {
        let a = [record(3, b"add(u64)->u64"), record(2, b"init(u64)")].concat();
        let b = record(1, &[8, 0, 0, 0, 20, 0, 0, 0]);
        let wasm = module(&[("name", b"x"), ("svm-meta", &a), ("svm-meta", &b)]);
        let meta = SdkMeta::read(&wasm).unwrap().unwrap();
        assert_eq!(meta.vars, vec![8, 20]);
        assert_eq!(meta.ctors, vec!["init"]);
        assert_eq!(meta.api, vec!["add(u64)->u64", "init(u64)"]);
        let msg = meta.deploy_message(&wasm, Some("t".into())).unwrap();
        assert_eq!(msg.code.code, module(&[("name", b"x")]));
        assert_eq!(msg.api.as_deref(), Some("add(u64)->u64\ninit(u64)"));
        assert_eq!(SdkMeta::read(&module(&[])), Ok(None));
    }

    #[test]
    fn malformed_input_is_a_clear_error() {
        assert!(matches!(
            SdkMeta::read(b"nope"),
            Err(SdkMetaError::NotWasm(_))
        ));
        let mut truncated = module(&[("svm-meta", &record(2, b"f()"))]);
        truncated.pop();
        assert!(matches!(
            SdkMeta::read(&truncated),
            Err(SdkMetaError::NotWasm(_))
        ));
        for bad in [
            vec![2, 0, 9, b'f'],                       // runs past the section
            vec![2, 0],                                // truncated header
            record(9, b""),                            // unknown kind
            record(2, &[0xff]),                        // not UTF-8
            record(1, &[1, 2, 3]),                     // sizes not u32
            [record(1, &[]), record(1, &[])].concat(), // two layouts
        ] {
            let err = SdkMeta::read(&module(&[("svm-meta", &bad)])).unwrap_err();
            assert!(matches!(err, SdkMetaError::Record { .. }), "{err}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut wasm = module(&[]);
            wasm.extend_from_slice(&bytes);
            let with_meta = module(&[("svm-meta", &bytes)]);
            for input in [&bytes, &wasm, &with_meta] {
                if let Ok(Some(meta)) = SdkMeta::read(input) {
                    let msg = meta.deploy_message(input, None).unwrap();
                    prop_assert_eq!(SdkMeta::read(&msg.code.code), Ok(None));
                }
            }
        }
    }
}
