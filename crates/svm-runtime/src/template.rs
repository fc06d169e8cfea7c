//! What the runtime keeps of a template besides its code and layout: its constructors and
//! API description, encoded into the state's opaque template metadata.
//!
//! Encoding: `version (0) | ctor count (u32 BE) | (name len (u32 BE) | UTF-8 name)* |
//! has_api (0/1) | [api len (u32 BE) | UTF-8 api]`.

use svm_storage::StorageError;

/// Constructors and API of a deployed template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateMeta {
    /// Functions that may run at spawn, and only then.
    pub ctors: Vec<String>,
    /// The API description from the deploy message, if any.
    pub api: Option<String>,
}

impl TemplateMeta {
    /// The metadata bytes stored with the template.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![0u8];
        out.extend_from_slice(&(self.ctors.len() as u32).to_be_bytes());
        for c in &self.ctors {
            out.extend_from_slice(&(c.len() as u32).to_be_bytes());
            out.extend_from_slice(c.as_bytes());
        }
        match &self.api {
            None => out.push(0),
            Some(api) => {
                out.push(1);
                out.extend_from_slice(&(api.len() as u32).to_be_bytes());
                out.extend_from_slice(api.as_bytes());
            }
        }
        out
    }

    /// Decodes metadata written by [`TemplateMeta::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, StorageError> {
        let bad = |what: &str| StorageError::Corrupt(format!("template metadata: {what}"));
        let mut pos = 0usize;
        let mut take = |n: usize| -> Result<&[u8], StorageError> {
            let s = bytes
                .get(pos..pos.checked_add(n).ok_or_else(|| bad("length overflow"))?)
                .ok_or_else(|| bad("truncated"))?;
            pos += n;
            Ok(s)
        };
        if take(1)? != [0] {
            return Err(bad("unknown version"));
        }
        let u32_at = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let count = u32_at(take(4)?);
        let mut ctors = Vec::new();
        for _ in 0..count {
            let len = u32_at(take(4)?);
            let name = std::str::from_utf8(take(len)?)
                .map_err(|_| bad("constructor name is not UTF-8"))?;
            ctors.push(name.to_string());
        }
        let api = match take(1)? {
            [0] => None,
            [1] => {
                let len = u32_at(take(4)?);
                Some(
                    std::str::from_utf8(take(len)?)
                        .map_err(|_| bad("API is not UTF-8"))?
                        .to_string(),
                )
            }
            _ => return Err(bad("invalid API flag")),
        };
        if take(1).is_ok() {
            return Err(bad("trailing bytes"));
        }
        Ok(Self { ctors, api })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trip(ctors in prop::collection::vec(".{0,12}", 0..4), api in prop::option::of(".{0,30}")) {
            let m = TemplateMeta { ctors, api };
            prop_assert_eq!(TemplateMeta::decode(&m.encode()).unwrap(), m);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = TemplateMeta::decode(&bytes);
        }
    }
}
