#!/usr/bin/env bash
# Fuzzes everything recon reads with libFuzzer and AddressSanitizer, SECONDS_MAX seconds (default
# 60) per harness (Sources/recon-fuzz/Harness.swift): inspect (end to end on every format, as
# created payments and as settlement), json, csv, gzip, zip, xml, bank (MT940, BAI2, OFX,
# Norma 43), text (conversion and detection), yaml (mapping profiles, rules, nightly configs) and
# parsers (money, rates, dates).
# The corpus starts from the samples, the crafted inputs of the tests and ../shared/fixtures;
# each harness grows its own. Crashing inputs are written to fuzz-out/ and fail the script.
#   SECONDS_MAX=600 bash scripts/fuzz.sh            every harness, 10 minutes each
#   HARNESSES="zip xml" bash scripts/fuzz.sh         some of them
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# its own build folder: the sanitizers and -DFUZZING must not mix with the normal build
swift build -c release --product recon-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
  --build-path .build/fuzz 2>&1 | tail -n 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" fuzz-out
for f in samples/payments/* samples/settlement/* samples/clean/* samples/providers/*/* \
  samples/providers/*/quirks/* samples/profiles/* samples/rules.yaml samples/nightly/recon.yaml \
  Tests/ReconKitTests/Hardening/* Tests/ReconKitTests/Bank/* samples/scenarios/*/*.* ../shared/fixtures/*/*; do
  if [[ -f "$f" && $(stat -c %s "$f") -le 65536 ]]; then cp "$f" "$work/corpus/$(echo "$f" | tr / _)"; fi
done
# leak detection off (per input and at exit): the read-ahead threads free their buffers after an
# input is done, which the per-input check takes for leaks; what LeakSanitizer reports at exit
# after thousands of inputs is noted in the session notes, not a crash
for harness in ${HARNESSES:-inspect json csv gzip zip xml bank text yaml parsers}; do
  mkdir -p "$work/$harness" && cp "$work/corpus/"* "$work/$harness/"
  echo "fuzz: $harness"
  RECON_FUZZ_HARNESS=$harness ASAN_OPTIONS=detect_leaks=0 .build/fuzz/release/recon-fuzz "$work/$harness" \
    -max_total_time="${SECONDS_MAX:-60}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="fuzz-out/$harness-" 2>&1 \
    | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY" || true
done
# libFuzzer leaves crash-*, leak-*, timeout-* or oom-* files for every failure it found
if compgen -G "fuzz-out/*-crash-*" >/dev/null || compgen -G "fuzz-out/*-leak-*" >/dev/null \
  || compgen -G "fuzz-out/*-timeout-*" >/dev/null || compgen -G "fuzz-out/*-oom-*" >/dev/null; then
  echo "fuzz: failures kept in fuzz-out/ (replay: RECON_FUZZ_HARNESS=NAME .build/debug/recon-fuzz fuzz-out/NAME-*)" >&2
  exit 1
fi
echo "fuzz: no crash in ${SECONDS_MAX:-60} s per harness"
