//! The on-disk tier: serialized artifacts, one file per artifact key, written atomically
//! (temporary file + rename) and checked before use.
//!
//! File format: `"SVMMOD01"` | artifact key (32) | sha3-256 of the payload (32) |
//! payload length (u64 BE) | payload. A file whose magic, key, length or hash does not match is
//! reported as [`DiskRead::Corrupt`]; the caller recompiles and overwrites it. Nothing read
//! from disk reaches the deserializer before these checks pass.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use sha3::{Digest, Sha3_256};

const MAGIC: &[u8; 8] = b"SVMMOD01";
const HEADER: usize = 8 + 32 + 32 + 8;

/// What reading an artifact found.
#[derive(Debug)]
pub enum DiskRead {
    /// A verified payload.
    Hit(Vec<u8>),
    /// No file.
    Miss,
    /// A file that fails the checks (why).
    Corrupt(String),
}

/// Artifacts in one directory.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// Uses (and creates) `dir`.
    pub fn open(dir: impl AsRef<Path>) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        Ok(Self {
            dir: dir.as_ref().to_path_buf(),
        })
    }

    /// The file of artifact `key`.
    pub fn path(&self, key: &[u8; 32]) -> PathBuf {
        let mut name = String::with_capacity(64 + 7);
        for b in key {
            name.push_str(&format!("{b:02x}"));
        }
        name.push_str(".svmmod");
        self.dir.join(name)
    }

    /// Reads and checks the artifact `key`.
    pub fn read(&self, key: &[u8; 32]) -> DiskRead {
        let bytes = match std::fs::read(self.path(key)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return DiskRead::Miss,
            Err(e) => return DiskRead::Corrupt(format!("unreadable: {e}")),
        };
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return DiskRead::Corrupt("not an svm artifact".into());
        }
        if &bytes[8..40] != key {
            return DiskRead::Corrupt("artifact of another key".into());
        }
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[72..80]);
        let payload = &bytes[HEADER..];
        if u64::from_be_bytes(len) != payload.len() as u64 {
            return DiskRead::Corrupt("truncated artifact".into());
        }
        let hash: [u8; 32] = Sha3_256::digest(payload).into();
        if bytes[40..72] != hash {
            return DiskRead::Corrupt("artifact hash mismatch".into());
        }
        DiskRead::Hit(payload.to_vec())
    }

    /// Writes the artifact `key` atomically: readers see the old file or the whole new one.
    pub fn write(&self, key: &[u8; 32], payload: &[u8]) -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(MAGIC)?;
        tmp.write_all(key)?;
        tmp.write_all(&Sha3_256::digest(payload))?;
        tmp.write_all(&(payload.len() as u64).to_be_bytes())?;
        tmp.write_all(payload)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.path(key)).map_err(|e| e.error)?;
        Ok(())
    }
}
