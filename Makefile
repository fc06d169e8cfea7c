# svm developer entry points. `make demo` and `make test` work on a fresh Debian machine with
# a Rust toolchain: they install the system packages they need first.

CARGO ?= cargo
FEATURES ?= --all-features
APT_PACKAGES := clang libclang-dev cmake librocksdb-dev lld

.PHONY: deps demo test test-rust doc-test lint package bench fmt

## Install missing system packages (clang for bindgen and the LevelDB build, cmake for
## LevelDB, Debian's librocksdb for the RocksDB backend, lld for C test templates) and the
## wasm32-unknown-unknown Rust target (the test corpus of real rustc output).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# the real-compiler test corpus (crates/svm-gas/tests/corpus) is Rust built to wasm32
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || \
	  rustup target add wasm32-unknown-unknown

## The main job: a demo on the embedded default store (RocksDB in ./svm-data).
demo: deps
	$(CARGO) run --release -p svm-cli -- demo $(DEMO_ARGS)

## Every test with every backend feature on.
test: deps test-rust doc-test

test-rust: export SVM_REQUIRE_CLANG = 1
test-rust:
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
	  $(CARGO) nextest run --workspace $(FEATURES) --no-fail-fast; \
	else \
	  $(CARGO) test --workspace $(FEATURES) --no-fail-fast --lib --bins --tests; \
	fi

doc-test:
	$(CARGO) test --workspace $(FEATURES) --doc

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

fmt:
	$(CARGO) fmt --all
