#!/usr/bin/env bash
# Bounded fuzz smoke run (CI) of every decoder of untrusted bytes (svm-codec, svm-proof), of
# template preparation (svm-gas against wasmparser, on wasm-smith modules), then of the
# engine (fuzz/engine: generated modules under singlepass, cranelift and wasmi; transaction
# sequences on memory and RocksDB). Total budget ~25 min on 2 cores cold (the preparation
# target builds wasmer under AddressSanitizer, the engine targets wasmer with both compilers,
# wasmi and the runtime without a sanitizer), ~3 min warm: one build per package, every
# input that once failed (fuzz/engine/regressions) replayed, then each target for
# FUZZ_SECONDS (default 5) seconds.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On stable rustc, cargo-fuzz needs
# RUSTC_BOOTSTRAP=1 for the sanitizer flags; set here unless already set.
# Seeds each target's corpus from the golden vectors (if python3 is available).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
FUZZ_SECONDS="${FUZZ_SECONDS:-5}"
TARGETS=(envelope context deploy spawn call transaction deploy_receipt spawn_receipt call_receipt receipt abi sdk_meta item proof prepare)

if command -v python3 >/dev/null; then
  python3 - <<'PY'
import json, os
vectors = json.load(open("../crates/svm-codec/tests/vectors/codec.json"))
for v in vectors["valid"] + vectors["invalid"]:
    item = "abi" if v["item"] == "calldata" else v["item"]  # the calldata target is `abi`
    targets = [item] + (["receipt"] if item.endswith("_receipt") else [])
    data = bytes.fromhex(v["hex"])
    name = "".join(c if c.isalnum() else "_" for c in v["name"])
    # the `item` target reads calldata after a 0x00 byte, headed items as they are
    seeds = [(t, data) for t in targets] + [("item", (b"\0" if item == "abi" else b"") + data)]
    for t, seed in seeds:
        d = os.path.join("corpus", t)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "vector_" + name), "wb") as f:
            f.write(seed)
PY
fi

cargo fuzz build 2>&1 | tail -n 3
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  echo "== fuzz $t (${FUZZ_SECONDS}s)"
  # prepare: wasmer compiles on rayon's global pool, whose worker threads LeakSanitizer
  # reports as leaks at exit (a false positive); leak detection is off for that target only
  leaks=1
  if [ "$t" = prepare ]; then leaks=0; fi
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$FUZZ_SECONDS" -max_len=4096 -print_final_stats=1 \
    -detect_leaks="$leaks" 2>&1 \
    | grep -E '^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY)|panicked' || true
  # cargo fuzz exits non-zero on a crash; re-check the exit status explicitly.
  if compgen -G "artifacts/$t/crash-*" >/dev/null || compgen -G "artifacts/$t/leak-*" >/dev/null \
    || compgen -G "artifacts/$t/timeout-*" >/dev/null; then
    echo "crash found in $t: see fuzz/artifacts/$t" >&2
    exit 1
  fi
done

# The engine targets run without a sanitizer: wasmer turns a Wasm trap into a signal and
# unwinds from its own handler, which AddressSanitizer misreads as a stack-buffer-overflow
# (docs/conformance.md). Longer runs need -len_control=0: generated modules need inputs of
# a few KB.
ENGINE_TARGETS=(execute transactions)
cargo fuzz build -s none --fuzz-dir engine 2>&1 | tail -n 3
for t in "${ENGINE_TARGETS[@]}"; do
  mkdir -p "engine/corpus/$t"
  echo "== fuzz engine $t (every regression input, then ${FUZZ_SECONDS}s)"
  if [ -d "engine/regressions/$t" ]; then
    cargo fuzz run -s none --fuzz-dir engine "$t" "engine/regressions/$t" -- -runs=0 2>&1 \
      | grep -E '^(Done|==[0-9]+==|SUMMARY)|panicked' || true
  fi
  cargo fuzz run -s none --fuzz-dir engine "$t" "engine/corpus/$t" -- -max_total_time="$FUZZ_SECONDS" \
    -max_len=8192 -len_control=0 -print_final_stats=1 2>&1 \
    | grep -E '^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY)|panicked' || true
  if compgen -G "engine/artifacts/$t/crash-*" >/dev/null \
    || compgen -G "engine/artifacts/$t/timeout-*" >/dev/null; then
    echo "crash or divergence found in $t: see fuzz/engine/artifacts/$t" >&2
    exit 1
  fi
done
echo "fuzz smoke: all $(( ${#TARGETS[@]} + ${#ENGINE_TARGETS[@]} )) targets ran ${FUZZ_SECONDS}s without a crash"
