//! `svm template new|build`: a template crate written with svm-sdk, from an empty directory
//! to a deploy message.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::TemplateCommand;
use crate::error::{CliError, Result};
use crate::output::outln;

/// Runs a `svm template` action.
pub(crate) fn run(action: &TemplateCommand, json: bool) -> Result<()> {
    match action {
        TemplateCommand::New { dir, sdk } => new(dir, sdk.as_deref()),
        TemplateCommand::Build { dir, output } => build(dir, output.as_deref(), json),
    }
}

/// The svm-sdk this binary was built from, if its sources are still there.
fn default_sdk() -> Option<PathBuf> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../svm-sdk");
    sdk.join("Cargo.toml")
        .exists()
        .then(|| sdk.canonicalize().unwrap_or(sdk))
}

fn new(dir: &Path, sdk: Option<&Path>) -> Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !n.starts_with(|c: char| c.is_ascii_digit())
        })
        .ok_or_else(|| {
            CliError::usage(format!(
                "{}: the directory's name is the crate's: letters, digits, `-` and `_`, not starting with a digit",
                dir.display()
            ))
        })?;
    if dir.exists() {
        return Err(CliError::usage(format!(
            "{} exists already: `svm template new` never overwrites",
            dir.display()
        )));
    }
    let sdk = match sdk {
        Some(p) => p.canonicalize().map_err(|e| CliError::io(p, e))?,
        None => default_sdk().ok_or_else(|| {
            CliError::usage("where is svm-sdk? pass --sdk PATH (the crates/svm-sdk directory)")
        })?,
    };
    let files = [
        ("Cargo.toml", cargo_toml(&name, &sdk)),
        ("src/lib.rs", LIB_RS.to_string()),
        (".gitignore", "/target\n*.svm\n".to_string()),
        (".cargo/config.toml", CARGO_CONFIG.to_string()),
    ];
    for sub in ["src", ".cargo"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| CliError::io(dir, e))?;
    }
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::write(&path, text).map_err(|e| CliError::io(&path, e))?;
    }
    outln!(
        "created template crate `{name}` in {}\n  cargo test            run its unit tests (natively, on a mock host)\n  svm template build    build it to Wasm and write {name}.svm",
        dir.display()
    )?;
    Ok(())
}

/// The new crate's `.cargo/config.toml`: a 64 KiB stack (rustc's default is 1 MiB), because
/// every page of a template's initial memory costs each call `memory_grow_per_page` gas.
const CARGO_CONFIG: &str = "# a 64 KiB stack: each 64 KiB page of the memory a template starts with costs\n\
# every call 38,000 gas (docs/spec/gas.md), and rustc's default stack is 1 MiB\n\
[target.wasm32-unknown-unknown]\n\
rustflags = [\"-C\", \"link-arg=-zstack-size=65536\"]\n";

fn cargo_toml(name: &str, sdk: &Path) -> String {
    let sdk = sdk
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
svm-sdk = {{ path = "{sdk}" }}

# A template is small: optimise for size (the deploy and every load are priced by the byte).
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
debug = false
strip = true

# a crate of its own, even inside another workspace
[workspace]
"#
    )
}

const LIB_RS: &str = r#"//! A template written with svm-sdk: a counter any account can add to.
#![cfg_attr(target_arch = "wasm32", no_std)]

use svm_sdk::{ctor, endpoint, env, storage};

#[storage]
struct State {
    value: u64,
}

/// The constructor: the counter's first value.
#[ctor]
fn initialize(start: u64) {
    State::set_value(&start);
}

/// Adds `n` and returns the new value (logged as "added").
#[endpoint]
fn add(n: u64) -> u64 {
    let Some(v) = State::value().checked_add(n) else {
        env::abort(b"overflow");
    };
    State::set_value(&v);
    env::log(b"added", &v.to_le_bytes());
    v
}

/// The counter's value.
#[endpoint]
fn get() -> u64 {
    State::value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use svm_sdk::testing::{MockHost, call};

    #[test]
    fn counts() {
        MockHost::new(&State::LAYOUT).install();
        initialize(1);
        assert_eq!(add(2), 3);
        assert_eq!(get(), 3);
        assert!(call(|| add(u64::MAX)).unwrap_err().contains("overflow"));
        assert_eq!(get(), 3);
    }
}
"#;

fn build(dir: &Path, output: Option<&Path>, json: bool) -> Result<()> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.exists() {
        return Err(CliError::usage(format!(
            "{} has no Cargo.toml: `svm template new DIR` creates a template crate",
            dir.display()
        )));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let meta = Command::new(&cargo)
        .current_dir(dir)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
            "Cargo.toml",
        ])
        .output()
        .map_err(|e| CliError::usage(format!("cannot run cargo: {e}")))?;
    if !meta.status.success() {
        return Err(CliError::usage(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&meta.stderr)
        )));
    }
    let meta: Json = serde_json::from_slice(&meta.stdout)
        .map_err(|e| CliError::usage(format!("cargo metadata: {e}")))?;
    let name = meta["packages"][0]["name"]
        .as_str()
        .ok_or_else(|| CliError::usage("cargo metadata names no package"))?
        .to_string();
    let target = PathBuf::from(meta["target_directory"].as_str().unwrap_or("target"));
    // (from the crate's directory, so that its `.cargo/config.toml` applies)
    let status = Command::new(&cargo)
        .current_dir(dir)
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--manifest-path",
            "Cargo.toml",
        ])
        .status()
        .map_err(|e| CliError::usage(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(CliError::usage(format!(
            "building {name} failed (the target: `rustup target add wasm32-unknown-unknown`)"
        )));
    }
    let wasm = target
        .join("wasm32-unknown-unknown/release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    let output = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join(format!("{name}.svm")));
    crate::commands::craft_deploy(&wasm, None, &output, false, true, json)
}
