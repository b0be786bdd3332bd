#!/usr/bin/env bash
# The main job on the bundled samples: the five seed systems' created payments against one
# settlement CSV, as a nightly run on the embedded SQLite store (a new one each time, in
# out/demo/recon.sqlite). Writes the reports to out/demo and prints report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product recon 2>&1 | tail -n 1
status=0
mkdir -p out/demo && rm -f out/demo/recon.sqlite out/demo/recon.sqlite-wal out/demo/recon.sqlite-shm
.build/release/recon reconcile --store out/demo/recon.sqlite \
  --payments samples/payments/aggregator.jsonl samples/payments/commercelayer.json \
             samples/payments/formance.jsonl samples/payments/wooshpay.json samples/payments/yedpay.json \
  --settlement samples/settlement/settlement.csv \
  --out out/demo || status=$?
echo
cat out/demo/report.md
echo
echo "Runs saved in the store (recon runs --store out/demo/recon.sqlite):"
.build/release/recon runs --store out/demo/recon.sqlite
echo "recon exited with $status (0: all reconciled, 1: discrepancies found, as the samples are meant to show)."
echo "Reports: out/demo/report.html (open it in a browser), report.md, discrepancies.csv, summary.json, rejects.csv"
[[ $status -le 1 ]]
