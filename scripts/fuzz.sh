#!/usr/bin/env bash
# Fuzzes the readers (JSON, CSV, gzip, XML, text conversion) with libFuzzer and AddressSanitizer for SECONDS
# (default 60), starting from the samples. Crashing inputs are written to fuzz-out/.
#   SECONDS_MAX=600 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work=$(mktemp -d)
mkdir -p "$work/corpus" fuzz-out
for f in samples/payments/* samples/settlement/*.csv samples/clean/* samples/providers/*/*.xml \
  samples/providers/*/*.csv samples/providers/*/*.CSV; do
  cp "$f" "$work/corpus/$(echo "$f" | tr / _)"
done
swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name ReconIngest -I Sources/CZlib \
  -I Sources/CLibXML2 -Xcc -I/usr/include/libxml2 \
  Sources/ReconIngest/*.swift Fuzz/IngestFuzz.swift -lz -lxml2 -o "$work/fuzz-ingest"
"$work/fuzz-ingest" "$work/corpus" -max_total_time="${SECONDS_MAX:-60}" -max_len=4096 -timeout=5 \
  -artifact_prefix=fuzz-out/ 2>&1 | tail -n 3
