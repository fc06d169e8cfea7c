#!/usr/bin/env bash
# Checks beyond the test suite that CI runs after `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The repo is self-contained: no source, manifest or script under crates/ names a path
# outside it (the research notes beside the repo are for people, not for tests).
if grep -rnE '\.\./\.\./\.\./|\.\./shared/' crates --include='*.rs' --include='*.toml' \
    --include='*.sh' --include='*.c' --include='*.wat'; then
  echo "error: the files above name a path outside the repository" >&2
  exit 1
fi

# Every crate packages for crates.io (metadata complete, no stray files).
make package

# The API docs build without a warning (broken links, missing docs).
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps

# The libraries build with no feature at all (no backend, no Cranelift), lint-clean.
cargo clippy -p svm-types -p svm-registers -p svm-kv -p svm-codec -p svm-storage -p svm-gas \
  -p svm-runtime -p svm-ffi -p svm-sdk -p svm-sdk-macros -p svm-crypto -p svm-proof --all-targets \
  -- -D warnings

# The SDK's Wasm-only code (host imports, allocator, panic handler) is lint-clean too, and so
# is the JavaScript package's export layer as it is built (svm-crypto without secp256k1).
cargo clippy -p svm-sdk --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p svm-codec-js --target wasm32-unknown-unknown -- -D warnings
# Light clients verify proofs in browsers and other chains' Wasm: svm-proof builds for wasm32.
cargo clippy -p svm-proof --target wasm32-unknown-unknown -- -D warnings

# Signature acceptance is consensus: no crate in the build may turn on ed25519-dalek's
# permissive `legacy_compatibility` (Cargo unifies features across the whole build).
if cargo tree --workspace --all-features -e features -i ed25519-dalek 2>/dev/null \
    | grep -q 'legacy_compatibility'; then
  echo "error: ed25519-dalek/legacy_compatibility is enabled somewhere in the build" >&2
  exit 1
fi

# The fuzz smoke run, when the fuzz package exists.
if [ -x ci/fuzz-smoke.sh ]; then
  bash ci/fuzz-smoke.sh
fi
