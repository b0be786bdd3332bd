#!/usr/bin/env bash
# The main job on the bundled samples: the five seed systems' created payments against one
# settlement CSV. Writes the reports to out/demo and prints report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product recon 2>&1 | tail -n 1
status=0
.build/release/recon reconcile \
  --payments samples/payments/aggregator.jsonl samples/payments/commercelayer.json \
             samples/payments/formance.jsonl samples/payments/wooshpay.json samples/payments/yedpay.json \
  --settlement samples/settlement/settlement.csv \
  --out out/demo || status=$?
echo
cat out/demo/report.md
echo
echo "recon exited with $status (0: all reconciled, 1: discrepancies found, as the samples are meant to show)."
echo "Reports: out/demo/discrepancies.csv, summary.json, rejects.csv, report.md"
[[ $status -le 1 ]]
