#!/usr/bin/env bash
# The C API and the Go binding, tested as a host uses them (part of `make test`):
#  1. the shared library (debug, with the test-only `testing` entry points; debuginfo stripped
#     so valgrind 3.19 can read it), built on demand: test builds never link it;
#  2. the C example and the C misuse program: plain, under valgrind, under gcc's
#     AddressSanitizer + UndefinedBehaviorSanitizer (leaks included);
#  3. the Go module: vet, tests, -race, GODEBUG=cgocheck=2, and the pure-Go codec without cgo.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO=${CARGO:-cargo}
target_dir=$($CARGO metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
lib_dir="$target_dir/debug"

echo "== svm-ffi: the shared library"
# (cranelift too: the test build has it, so wasmer's features match and a cold run does not
# compile wasmer a second time)
$CARGO rustc -p svm-ffi --lib --crate-type cdylib --features rocksdb,leveldb,cranelift,testing \
  -- -C strip=debuginfo
mkdir -p bindings/go/svm/lib
cp "$lib_dir/libsvm_ffi.so" bindings/go/svm/lib/
# the Go module's copy of the header is the header (the drift test checks the code)
cmp crates/svm-ffi/include/svm.h bindings/go/svm/svm.h

echo "== svm-ffi: C programs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -Icrates/svm-ffi/include -DSVM_TESTING)
link=(-Lbindings/go/svm/lib -lsvm_ffi "-Wl,-rpath,$PWD/bindings/go/svm/lib")
asan=(-g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
for prog in example misuse; do
  gcc "${cflags[@]}" "crates/svm-ffi/tests/c/$prog.c" "${link[@]}" -o "$work/$prog"
  gcc "${cflags[@]}" "${asan[@]}" "crates/svm-ffi/tests/c/$prog.c" "${link[@]}" -o "$work/$prog-asan"
done
testdata=bindings/go/svm/testdata
run_c() { # run_c <label> <command...>: a fresh scratch directory per run
  local scratch
  scratch=$(mktemp -d -p "$work")
  echo "-- $1"
  shift
  "$@" "$scratch"
}
export RUST_BACKTRACE=0
run_c "example" "$work/example" "$testdata"
run_c "misuse" "$work/misuse"
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
  --show-possibly-lost=no)
# (none of these programs traps in Wasm: valgrind intercepts the signals wasmer traps with)
run_c "example under valgrind" "${vg[@]}" "$work/example" "$testdata"
run_c "misuse under valgrind" "${vg[@]}" "$work/misuse"
# wasmer keeps its own signal handlers; leaks are checked (LeakSanitizer) at exit
export ASAN_OPTIONS=detect_leaks=1:handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0:allow_user_segv_handler=1
run_c "example under ASan+UBSan" "$work/example-asan" "$testdata"
run_c "misuse under ASan+UBSan" "$work/misuse-asan"
unset ASAN_OPTIONS

echo "== Go module (bindings/go)"
export GOPROXY=off GOFLAGS=-mod=mod
# Go's caches default under $HOME; without one (some CI shells), keep them in the target dir
if [ -z "${HOME:-}" ]; then
  export GOCACHE="${GOCACHE:-$target_dir/go-cache}" GOPATH="${GOPATH:-$target_dir/go-path}"
fi
(
  cd bindings/go
  test -z "$(gofmt -l .)" || { gofmt -l .; echo "error: gofmt" >&2; exit 1; }
  go vet -tags svm_testing ./...
  go test -tags svm_testing -count=1 ./...
  go test -tags svm_testing -race -count=1 ./...
  GODEBUG=cgocheck=2 go test -tags svm_testing -count=1 ./svm/
  CGO_ENABLED=0 go test -count=1 ./codec/
)
echo "ffi: ok"
