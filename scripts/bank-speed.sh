#!/usr/bin/env bash
# Reading speed of the bank statement readers on generated files of about SIZE_MB (default 200)
# each: an MT940 file and a BAI2 file (scripts/gen_bank_bench.py; balances and trailers tie).
# Prints MB/s (the best and the median of RUNS runs, default 3: this machine is shared, and the
# best is what the code does, the median what the neighbours let it) and peak memory for `recon
# inspect` on each (the whole read: lines, fields, records, control totals). Each file is read
# once beforehand, so the figures are reading and not this machine's disk. Run a smaller SIZE_MB
# to see that memory stays flat.
#   SIZE_MB=200 bash scripts/bank-speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size=${SIZE_MB:-200}
dir="${HOME}/.cache/recon-bench/bank"
swift build -c release --product recon 2>&1 | tail -n 1
python3 scripts/gen_bank_bench.py "$dir" "$size" >/dev/null
runs=${RUNS:-3}
for file in "$dir/statements-$size.mt940" "$dir/statements-$size.bai2"; do
  cat "$file" > /dev/null
  : > /tmp/recon-bank-speed.times
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -a -o /tmp/recon-bank-speed.times .build/release/recon inspect "$file" \
      > /tmp/recon-bank-speed.out
  done
  python3 -c "import sys, statistics; b = int(sys.argv[2]); t = [l.split() for l in open(sys.argv[3])]; \
s = sorted(float(x[0]) for x in t); kb = max(int(x[1]) for x in t); \
print(f'{sys.argv[1]}: {b / 1e6:.0f} MB, best {s[0]:.2f} s = {b / 1e6 / s[0]:.0f} MB/s, ' \
      f'median {statistics.median(s):.2f} s = {b / 1e6 / statistics.median(s):.0f} MB/s ({len(s)} runs), ' \
      f'peak memory {kb / 1024:.0f} MB')" "$(basename "$file")" "$(stat -c %s "$file")" /tmp/recon-bank-speed.times
  grep -E ' records,|ties: [0-9]+ of|DOES NOT TIE' /tmp/recon-bank-speed.out | head -3
done
