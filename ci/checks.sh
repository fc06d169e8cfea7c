#!/usr/bin/env bash
# Checks beyond the test suite that CI runs after `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every crate packages for crates.io (metadata complete, no stray files).
make package




# The fuzz smoke run, when the fuzz package exists.
if [ -x ci/fuzz-smoke.sh ]; then
  bash ci/fuzz-smoke.sh
fi
