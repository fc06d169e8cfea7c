//! Building the Rust templates the suite measures (the SDK's examples and the large
//! `heavy/`), with the same command as the SDK's tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the Wasm builds go: beside this workspace's own builds (`CARGO_TARGET_DIR` when set,
/// as in CI, else `target/`), one directory per workspace built.
fn target_dir(dir: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    repo()
        .join(base)
        .join("svm-bench-wasm")
        .join(dir.replace('/', "-"))
}

/// Builds the workspace at `dir` (relative to the repository) for wasm32 and returns the
/// `.wasm` of each of `crates`.
fn build(dir: &str, crates: &[&str]) -> Vec<(String, Vec<u8>)> {
    let target = target_dir(dir);
    let dir = repo().join(dir);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .args([
            "build",
            "--release",
            "--quiet",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building {} failed (is the wasm32-unknown-unknown target installed? `make deps`)",
        dir.display()
    );
    crates
        .iter()
        .map(|c| {
            let path = target.join(format!("wasm32-unknown-unknown/release/{c}.wasm"));
            let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (c.to_string(), wasm)
        })
        .collect()
}

/// The SDK's example templates `crates`.
pub(crate) fn sdk_templates(crates: &[&str]) -> Vec<(String, Vec<u8>)> {
    build("crates/svm-sdk/templates", crates)
}

/// The large template (about 205 KiB).
pub(crate) fn heavy() -> Vec<u8> {
    build("crates/svm-bench/heavy", &["heavy"]).remove(0).1
}
