//! The on-disk artifact tier: serialized artifacts, one file per artifact key, written
//! atomically (temporary file + rename) and authenticated before use.
//!
//! File format: `"SVMMOD03"` | artifact key (32) | MAC (32) | payload length (u64 BE) |
//! payload. The MAC is BLAKE3 in its keyed mode (a PRF, so a MAC) under a 32-byte key of
//! this node, kept in a file outside the cache directory (see [`NodeKey`]), over
//! `"svm/artifact-mac" || artifact key || payload`. (Format 02 used SHA3-256 with the key as a
//! prefix: sound, but at 5 ns a byte it was 78 % of loading a 205 KiB template's 4 MB
//! artifact; BLAKE3 is about ten times faster.)
//!
//! An artifact is native code that runs in this process. A file that fails any check
//! (magic, key, length, MAC) is reported as [`DiskRead::Corrupt`] and never reaches the
//! deserializer: so a copied-in, tampered or damaged `modules/` directory costs a
//! recompilation, never code execution. Never import a cache directory from elsewhere
//! anyway: its files are useless without the key that wrote them.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

const MAGIC: &[u8; 8] = b"SVMMOD03";
const HEADER: usize = 8 + 32 + 32 + 8;

/// What reading an artifact found.
#[derive(Debug)]
pub(crate) enum DiskRead {
    /// An authenticated payload.
    Hit(Vec<u8>),
    /// No file.
    Miss,
    /// A file that fails the checks (why).
    Corrupt(String),
}

/// The secret a node authenticates its artifacts with.
#[derive(Clone)]
pub(crate) struct NodeKey([u8; 32]);

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeKey(..)")
    }
}

impl NodeKey {
    /// A fresh random key, kept in memory only (artifacts written under it are not
    /// readable by a later process).
    pub(crate) fn ephemeral() -> std::io::Result<Self> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(std::io::Error::other)?;
        Ok(Self(key))
    }

    /// The key in `path`, or a new random one written there (owner-only permissions,
    /// written atomically) when the file does not exist. `path` must not be inside
    /// `cache_dir`: whoever can write the cache directory must not also read the key.
    pub(crate) fn load_or_create(path: &Path, cache_dir: &Path) -> std::io::Result<Self> {
        let parent = |p: &Path| {
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(p)
            };
            p.components().collect::<PathBuf>()
        };
        if parent(path).starts_with(parent(cache_dir)) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the artifact key {} must be outside the cache directory {}",
                    path.display(),
                    cache_dir.display()
                ),
            ));
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "artifact key {} has {} bytes, not 32",
                            path.display(),
                            b.len()
                        ),
                    )
                })?;
                Ok(Self(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::ephemeral()?;
                let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
                let dir = dir.unwrap_or(Path::new("."));
                let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(0o600))?;
                }
                tmp.write_all(&key.0)?;
                tmp.as_file().sync_all()?;
                // never replace a key another process created meanwhile
                tmp.persist_noclobber(path).map_err(|e| e.error)?;
                Ok(key)
            }
            Err(e) => Err(e),
        }
    }

    fn mac(&self, artifact: &[u8; 32], payload: &[u8]) -> [u8; 32] {
        blake3::Hasher::new_keyed(&self.0)
            .update(b"svm/artifact-mac")
            .update(artifact)
            .update(payload)
            .finalize()
            .into()
    }
}

/// Artifacts in one directory, authenticated with a node key.
#[derive(Debug, Clone)]
pub(crate) struct DiskCache {
    dir: PathBuf,
    key: NodeKey,
}

impl DiskCache {
    /// Uses (and creates) `dir`, authenticating artifacts with `key`.
    pub(crate) fn open(dir: impl AsRef<Path>, key: NodeKey) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        Ok(Self {
            dir: dir.as_ref().to_path_buf(),
            key,
        })
    }

    /// The file of artifact `key`.
    pub(crate) fn path(&self, key: &[u8; 32]) -> PathBuf {
        let mut name = String::with_capacity(64 + 7);
        for b in key {
            name.push_str(&format!("{b:02x}"));
        }
        name.push_str(".svmmod");
        self.dir.join(name)
    }

    /// Reads and authenticates the artifact `key`.
    pub(crate) fn read(&self, key: &[u8; 32]) -> DiskRead {
        let bytes = match std::fs::read(self.path(key)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return DiskRead::Miss,
            Err(e) => return DiskRead::Corrupt(format!("unreadable: {e}")),
        };
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return DiskRead::Corrupt("not an svm artifact of this format".into());
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
        if bytes[40..72] != self.key.mac(key, payload) {
            return DiskRead::Corrupt(
                "artifact MAC mismatch (damaged, or not written by this node)".into(),
            );
        }
        DiskRead::Hit(payload.to_vec())
    }

    /// Writes the artifact `key` atomically: readers see the old file or the whole new one.
    pub(crate) fn write(&self, key: &[u8; 32], payload: &[u8]) -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(MAGIC)?;
        tmp.write_all(key)?;
        tmp.write_all(&self.key.mac(key, payload))?;
        tmp.write_all(&(payload.len() as u64).to_be_bytes())?;
        tmp.write_all(payload)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.path(key)).map_err(|e| e.error)?;
        Ok(())
    }
}
