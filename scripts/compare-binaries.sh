#!/usr/bin/env bash
# Compares recon binaries on one file, interleaved (A B A B ...), by the best and the median of
# N runs of `recon inspect FILE` each: on a shared, noisy machine a ratio of two binaries measured
# side by side says more than either time alone.
#   bash scripts/compare-binaries.sh ~/.cache/recon-bench/bank/statements-200.bai2 5 /tmp/recon-old .build/release/recon
set -euo pipefail
file=$1
runs=$2
shift 2
times=$(mktemp)
trap 'rm -f "$times"' EXIT
for _ in $(seq "$runs"); do
  for bin in "$@"; do
    /usr/bin/time -f "$bin %e" -a -o "$times" "$bin" inspect "$file" >/dev/null
  done
done
for bin in "$@"; do
  grep -F "$bin " "$times" | awk '{print $NF}' | sort -n \
    | awk -v bin="$bin" '{t[NR] = $1} END {printf "%s: best %.2f s, median %.2f s (%d runs)\n", bin, t[1], t[int((NR + 1) / 2)], NR}'
done
