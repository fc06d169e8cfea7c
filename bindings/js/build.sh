#!/usr/bin/env bash
# Builds the package's Wasm: svm-codec-js (the codec's export layer) for wasm32, its JS glue
# with wasm-bindgen (the CLI version must equal the crate's: `make deps` installs it), then
# wasm-opt -Oz from the `binaryen` dev dependency when installed. Output: wasm/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
CARGO="${CARGO:-cargo}"

want=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' "$root/Cargo.toml")
bindgen="${WASM_BINDGEN:-wasm-bindgen}"
have=$("$bindgen" --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "build.sh: needs wasm-bindgen $want (found '${have:-none}'): run \`make deps\`" >&2
  exit 1
fi

(cd "$root" && "$CARGO" rustc -q -p svm-codec-js --profile wasm --target wasm32-unknown-unknown \
  --crate-type cdylib)
rm -rf "$here/wasm"
"$bindgen" --target web --no-typescript --out-dir "$here/wasm" --out-name svm_codec \
  "$target/wasm32-unknown-unknown/wasm/svm_codec_js.wasm"
opt="$here/node_modules/.bin/wasm-opt"
if [ -x "$opt" ]; then
  # the features rustc enables by default for wasm32-unknown-unknown
  "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$here/wasm/svm_codec_bg.wasm" -o "$here/wasm/svm_codec_bg.wasm"
else
  echo "build.sh: no wasm-opt (npm ci installs binaryen); the Wasm is not size-optimised" >&2
fi
echo "wasm/svm_codec_bg.wasm: $(wc -c < "$here/wasm/svm_codec_bg.wasm") bytes"
