#!/usr/bin/env bash
# Reading speed of the provider readers on generated files of about SIZE_MB (default 1024) of
# uncompressed text: a Stripe-style itemized report CSV.gz and a camt.053 statement. Prints
# MB/s of uncompressed input and peak memory for `recon inspect` on each (the whole read:
# inflate, parse, normalize, control totals), then libxml2 alone on the camt file as the floor.
# Each file is read once beforehand so that the figures measure reading, not this machine's
# disk (a cold 1 GB read here has taken minutes). Run a smaller SIZE_MB to see that memory
# stays flat.
#   SIZE_MB=1024 bash scripts/read-speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size=${SIZE_MB:-1024}
dir="${HOME}/.cache/recon-bench/read-${size}"
swift build -c release --product recon 2>&1 | tail -n 1
python3 scripts/gen_read_bench.py "$dir" "$size" >/dev/null
for file in "$dir/stripe_itemized.csv.gz" "$dir/statement.camt053.xml"; do
  cat "$file" > /dev/null
  if [[ $file == *.gz ]]; then bytes=$(gzip -dc "$file" | wc -c); else bytes=$(stat -c %s "$file"); fi
  /usr/bin/time -f "%e %M" -o /tmp/recon-read-speed.time .build/release/recon inspect "$file" > /tmp/recon-read-speed.out
  read -r seconds kb < /tmp/recon-read-speed.time
  python3 - "$file" "$bytes" "$seconds" "$kb" <<'PY'
import sys
path, size, seconds, kb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"{path.split('/')[-1]}: {size / 1e6:.0f} MB uncompressed in {seconds:.2f} s = {size / 1e6 / seconds:.0f} MB/s, "
      f"peak memory {kb / 1024:.0f} MB")
PY
  grep -E 'records|DOES NOT TIE' /tmp/recon-read-speed.out | head -3
done
# the floors for the camt figure: libxml2 alone over the same file, through xmlTextReader (the
# issue's reference) and through the SAX2 push parser recon uses
if command -v gcc >/dev/null 2>&1; then
  gcc -O2 scripts/xml_floor.c -o /tmp/recon-xml-floor $(pkg-config --cflags --libs libxml-2.0)
  file="$dir/statement.camt053.xml"
  for mode in reader sax; do
    /usr/bin/time -f "%e" -o /tmp/recon-read-speed.time /tmp/recon-xml-floor "$mode" "$file" >/dev/null
    python3 -c "import sys; s=float(open('/tmp/recon-read-speed.time').read().split()[-1]); \
print(f'libxml2 {sys.argv[2]} alone on statement.camt053.xml: {int(sys.argv[1]) / 1e6 / s:.0f} MB/s ({s:.2f} s)')" \
      "$(stat -c %s "$file")" "$mode"
  done
fi
