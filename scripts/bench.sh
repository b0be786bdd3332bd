#!/usr/bin/env bash
# The benchmark: builds recon in release mode and runs ../shared/bench/compare.py, which
# generates N created payments and their settlement file once (cached), runs recon and the
# DuckDB anchor alternately, checks both against the truth and prints the ratios.
#   N=1000000 RUNS=3 ANCHORS=duckdb bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product recon 2>&1 | tail -n 1
python3 ../shared/bench/compare.py --n "${N:-1000000}" --runs "${RUNS:-3}" \
  --anchors "${ANCHORS:-duckdb}" --recon .build/release/recon
