#!/usr/bin/env bash
# Import speed: N created payments (the benchmark's generated set, made once with
# ../shared/bench/gen.py and cached) imported into a new store, then the settlement file.
# Prints records per second and peak memory, for the SQLite store and then for a PostgreSQL
# server started for the measurement (scripts/with-postgres.sh; skipped when not installed).
#   N=1000000 bash scripts/import-speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000000}
data="${HOME}/.cache/recon-bench/data/n${n}-s42"
swift build -c release --product recon 2>&1 | tail -n 1
[[ -f "$data/meta.json" ]] || python3 ../shared/bench/gen.py "$n" "$data" --seed 42 >/dev/null
measure() {
  local store=$1 label=$2
  for side in payments settlement; do
    file="$data/created.jsonl"
    [[ $side == settlement ]] && file="$data/settlement.csv.gz"
    cat "$file" > /dev/null  # read once: the figure is the import, not this machine's disk
    /usr/bin/time -f "%e %M" -o /tmp/recon-import.time .build/release/recon import "$side" "$file" --store "$store" \
      > /tmp/recon-import.out
    read -r seconds kb < /tmp/recon-import.time
    records=$(grep -o '[0-9]* added' /tmp/recon-import.out | cut -d' ' -f1)
    python3 -c "import sys; r, s, kb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); \
  print(f'{sys.argv[4]}: {r} records added in {s:.2f} s = {r / s / 1000:.0f}k records/s, peak memory {kb / 1024:.0f} MB')" \
      "$records" "$seconds" "$kb" "$label $side"
  done
}
if [[ "${1:-}" == "--postgres-only" ]]; then
  measure "$RECON_TEST_POSTGRES_URL" PostgreSQL
  exit 0
fi
folder=$(mktemp -d)
measure "$folder/recon.sqlite" SQLite
rm -rf "$folder"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  bash scripts/with-postgres.sh bash "$0" --postgres-only
fi
