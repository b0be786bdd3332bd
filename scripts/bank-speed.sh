#!/usr/bin/env bash
# Reading speed of the bank statement readers on generated files of about SIZE_MB (default 200)
# each: an MT940 file and a BAI2 file (scripts/gen_bank_bench.py; balances and trailers tie).
# Prints MB/s and peak memory for `recon inspect` on each (the whole read: lines, fields,
# records, control totals). Each file is read once beforehand, so the figures are reading and
# not this machine's disk. Run a smaller SIZE_MB to see that memory stays flat.
#   SIZE_MB=200 bash scripts/bank-speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size=${SIZE_MB:-200}
dir="${HOME}/.cache/recon-bench/bank"
swift build -c release --product recon 2>&1 | tail -n 1
python3 scripts/gen_bank_bench.py "$dir" "$size" >/dev/null
for file in "$dir/statements-$size.mt940" "$dir/statements-$size.bai2"; do
  cat "$file" > /dev/null
  /usr/bin/time -f "%e %M" -o /tmp/recon-bank-speed.time .build/release/recon inspect "$file" > /tmp/recon-bank-speed.out
  read -r seconds kb < /tmp/recon-bank-speed.time
  python3 -c "import sys; b, s, kb = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]); \
print(f'{sys.argv[1]}: {b / 1e6:.0f} MB in {s:.2f} s = {b / 1e6 / s:.0f} MB/s, peak memory {kb / 1024:.0f} MB')" \
    "$(basename "$file")" "$(stat -c %s "$file")" "$seconds" "$kb"
  grep -E ' records,|ties: [0-9]+ of|DOES NOT TIE' /tmp/recon-bank-speed.out | head -3
done
