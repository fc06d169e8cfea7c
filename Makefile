# svm developer entry points. `make demo` and `make test` work on a fresh Debian machine with
# a Rust toolchain: they install the system packages they need first.

CARGO ?= cargo
FEATURES ?= --all-features
APT_PACKAGES := clang libclang-dev cmake librocksdb-dev lld golang-go valgrind gcc chromium

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# the wasm-bindgen CLI must be exactly the version of the crate (Cargo.toml pins it)
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)

.PHONY: deps demo test test-rust doc-test test-ffi test-js bench-js ffi-release bench-ffi lint package bench bench-suite calibrate fmt fuzz

## Install missing system packages (clang for bindgen and the LevelDB build, cmake for
## LevelDB, Debian's librocksdb for the RocksDB backend, lld for C test templates, Go 1.19,
## valgrind and gcc for the C API's and Go binding's tests, node and npm for the JavaScript
## package and Chromium for its browser test), the wasm32-unknown-unknown Rust target (the test corpus of real rustc output,
## the JavaScript package's Wasm) and the wasm-bindgen CLI.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# the real-compiler test corpus (crates/svm-gas/tests/corpus) is Rust built to wasm32
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || \
	  rustup target add wasm32-unknown-unknown
	@# not --locked: the lock file of wasm-bindgen-cli 0.2.130 names a webpki-roots release
	@# the crates.io index no longer has
	@[ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" = "$(WASM_BINDGEN_VERSION)" ] || \
	  { echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	    $(CARGO) install -q wasm-bindgen-cli --version "=$(WASM_BINDGEN_VERSION)"; }

## The main job: a demo on the embedded default store (RocksDB in ./svm-data).
demo: deps
	$(CARGO) run --release -p svm-cli -- demo $(DEMO_ARGS)

## Every test with every backend feature on, then the C API, the Go binding and the
## JavaScript package.
test: deps test-rust doc-test test-ffi test-js

test-rust: export SVM_REQUIRE_CLANG = 1
test-rust:
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
	  $(CARGO) nextest run --workspace $(FEATURES) --no-fail-fast; \
	else \
	  $(CARGO) test --workspace $(FEATURES) --no-fail-fast --lib --bins --tests; \
	fi

doc-test:
	$(CARGO) test --workspace $(FEATURES) --doc

## The C API as a host uses it: C programs (plain, valgrind, ASan) and the Go module's tests.
test-ffi: deps
	CARGO=$(CARGO) bash ci/ffi.sh

## The JavaScript package (bindings/js): its Wasm (svm-codec-js, wasm-bindgen, wasm-opt), then
## node's test runner (golden vectors, random round trips, signing, the CLI end to end, the
## packed tarball) and tsc over the type declarations.
test-js: deps
	@# --tests: the feature set of test-rust's build, so its `svm` binary is reused as is
	$(CARGO) build --workspace $(FEATURES) --tests
	cd bindings/js && npm ci --no-audit --no-fund && bash build.sh
	cd bindings/js && SVM_CLI="$(TARGET_DIR)/debug/svm" SVM_REQUIRE_CLI=1 SVM_REQUIRE_BROWSER=1 npm test

## Encode/decode throughput of the JavaScript package (docs/perf.md).
bench-js: deps
	cd bindings/js && npm ci --no-audit --no-fund && bash build.sh && node bench/bench.mjs

## The release shared library and static archive for nodes (target/release/libsvm_ffi.{so,a}),
## with the native libraries a static link needs.
ffi-release: deps
	$(CARGO) rustc --release -p svm-ffi --lib --crate-type cdylib --features rocksdb,leveldb
	$(CARGO) rustc --release -p svm-ffi --lib --crate-type staticlib --features rocksdb,leveldb \
	  -- --print native-static-libs

## The FFI overhead benchmark from Go (release library; see docs/perf.md).
bench-ffi: deps
	$(CARGO) rustc --release -p svm-ffi --lib --crate-type cdylib --features rocksdb,testing
	mkdir -p bindings/go/svm/lib && cp $${CARGO_TARGET_DIR:-target}/release/libsvm_ffi.so bindings/go/svm/lib/
	cd bindings/go && GOPROXY=off go test -tags svm_testing -run '^$$' -bench BenchmarkLayer \
	  -benchtime 200x -count 5 ./svm/
	@echo "note: bindings/go/svm/lib now holds the release library; make test puts the debug one back"

## rustfmt and clippy, warnings as errors.
lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets $(FEATURES) -- -D warnings

## Every crate packages for crates.io.
package:
	$(CARGO) package --workspace --no-verify --allow-dirty

## Criterion benchmarks (long: see docs/perf.md).
bench: deps
	$(CARGO) bench --workspace

## The side-by-side suite, every figure beside its baselines in one run: native Rust over the
## same state, unmetered Wasm, the other compiler, revm (docs/perf.md). `--json` for machines:
## make bench-suite ARGS=--json
bench-suite: deps
	$(CARGO) run --release -p svm-bench --features revm -- $(ARGS)

## Every fuzz target (the decoders under AddressSanitizer, the engine's differential targets
## without) for FUZZ_SECONDS each, after replaying every input that once failed (CI runs 5 s;
## docs/conformance.md gives the long runs).
fuzz: deps
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) bash ci/fuzz-smoke.sh

## Calibrate the cost table: measures every price it can on a quiet machine and writes
## crates/svm-runtime/cost-table.json (a test fails while it and the code disagree;
## docs/spec/gas.md §9).
calibrate: deps
	$(CARGO) run --release -p svm-bench -- --calibrate $(ARGS)

fmt:
	$(CARGO) fmt --all
