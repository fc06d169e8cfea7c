//! Checks shared by the persistent backends before they hand a path to their engine.

use std::{io, path::Path};

use crate::KvError;

/// Makes sure `path` is a usable store directory: creates it if missing, and turns a file at
/// that path or a permission failure into a typed error before the engine sees it.
pub(crate) fn prepare_dir(backend: &'static str, path: &Path) -> Result<(), KvError> {
    if path.to_str().is_none() {
        return Err(KvError::UnsupportedPath {
            backend,
            path: path.to_path_buf(),
        });
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_dir() => {
            return Err(KvError::NotADirectory {
                backend,
                path: path.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path).map_err(|e| io_error(backend, path, e))?;
        }
        Err(e) => return Err(io_error(backend, path, e)),
    }
    // Probe that the directory can be listed: engines report this less clearly.
    std::fs::read_dir(path).map_err(|e| io_error(backend, path, e))?;
    Ok(())
}

fn io_error(backend: &'static str, path: &Path, e: io::Error) -> KvError {
    match e.kind() {
        io::ErrorKind::PermissionDenied => KvError::PermissionDenied {
            backend,
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        io::ErrorKind::NotADirectory => KvError::NotADirectory {
            backend,
            path: path.to_path_buf(),
        },
        _ => KvError::Backend {
            backend,
            source: format!("{}: {e}", path.display()).into(),
        },
    }
}
