//! The real-world test corpus: the Rust crates in `crates/svm-gas/tests/corpus/`, built by
//! rustc to `wasm32-unknown-unknown` on first use (once per process; cargo's own lock and
//! freshness checks make concurrent and repeated builds cheap). Shared by svm-gas's tests and
//! benchmark and by svm-runtime's tests (through `#[path]`).
//!
//! Needs the `wasm32-unknown-unknown` target (`rustup target add wasm32-unknown-unknown`,
//! part of `make deps`): without it the build fails with a message that says so.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The corpus sources.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../svm-gas/tests/corpus")
        .canonicalize()
        .expect("the corpus sources are in crates/svm-gas/tests/corpus")
}

/// Where the corpus is built: beside the workspace's own build outputs.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("wasm-corpus"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/wasm-corpus"),
    }
}

/// Builds the corpus crates and returns the directory of their `.wasm` files.
fn build() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = target_dir();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = std::process::Command::new(cargo)
            .current_dir(corpus_dir())
            .args([
                "build",
                "--quiet",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .arg("--target-dir")
            .arg(&target)
            // the outer build's flags are for the host, not for wasm32
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the wasm corpus failed (is the target installed? `rustup target add \
             wasm32-unknown-unknown`, or `make deps`):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target.join("wasm32-unknown-unknown/release")
    })
}

/// One corpus module: `panicky.wasm`, `floaty.wasm`, `bulky.wasm`, or `corrupted.wasm`
/// (`bulky.wasm` with 8 bytes overwritten at offset 1000).
pub(crate) fn corpus(name: &str) -> Vec<u8> {
    if name == "corrupted.wasm" {
        let mut wasm = corpus("bulky.wasm");
        wasm[1000..1008].copy_from_slice(&[0xff, 0x13, 0x00, 0xfe, 0x11, 0xff, 0xff, 0x7f]);
        return wasm;
    }
    let path = build().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every corpus module by name, the corrupted one last.
pub(crate) const CORPUS: [&str; 4] = [
    "panicky.wasm",
    "bulky.wasm",
    "floaty.wasm",
    "corrupted.wasm",
];
