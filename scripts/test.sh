#!/usr/bin/env bash
# The full test suite: style checks, then every test target (readers, adapters, matching,
# the pipeline and the CLI end to end against the golden files in samples/expected).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/tidy.sh
swift build --build-tests
swift test --skip-build
