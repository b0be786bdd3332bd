#!/usr/bin/env bash
# The nightly job's speed against the in-memory run, in one run of this script (issue 15's
# targets): the in-memory `recon reconcile --payments --settlement`, then the same night on a new
# SQLite store (`import payments`, `import settlement`, `reconcile --store`), then on a
# PostgreSQL server started for the measurement (scripts/with-postgres.sh; skipped when not
# installed). Prints each step's time and peak memory and the ratios the issue sets:
# whole store night / in-memory (SQLite at most 3x, PostgreSQL 6x), `reconcile --store` alone /
# in-memory (1.5x), store peak memory / in-memory peak (1x).
#   N=1000000 bash scripts/night-speed.sh
# (scripts/test.sh runs it at N=20000 with the debug binary: the script works and the three
# nights agree; its figures there mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000000}
data="${HOME}/.cache/recon-bench/data/n${n}-s42"
recon=${RECON:-.build/release/recon}
[[ -n "${RECON:-}" ]] || swift build -c release --product recon 2>&1 | tail -n 1
[[ -f "$data/meta.json" ]] || python3 ../shared/bench/gen.py "$n" "$data" --seed 42 >/dev/null
cat "$data/created.jsonl" "$data/settlement.csv.gz" > /dev/null  # the figures are recon's, not the disk's
work=${2:-}  # the PostgreSQL night (--postgres-only) writes into the caller's folder

# step NAME COMMAND...: runs it under /usr/bin/time (exit 1 is a run with findings), records "name seconds KB"
step() {
  local name=$1
  shift
  local status=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || status=$?
  if [[ $status -gt 1 ]]; then
    cat "$work/out" >&2
    echo "night-speed: $name failed (exit $status)" >&2
    exit 1
  fi
  echo "$name $(tail -n 1 "$work/time")" >> "$work/figures"
}

night() {  # night LABEL STORE
  step "$1 import-payments" "$recon" import payments "$data/created.jsonl" --store "$2"
  step "$1 import-settlement" "$recon" import settlement "$data/settlement.csv.gz" --store "$2"
  step "$1 reconcile-store" "$recon" reconcile --store "$2" --out "$work/out-$1"
}

if [[ "${1:-}" == "--postgres-only" ]]; then
  night postgresql "$RECON_TEST_POSTGRES_URL"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step in-memory "$recon" reconcile --payments "$data/created.jsonl" --settlement "$data/settlement.csv.gz" \
  --out "$work/out-memory"
night sqlite "$work/night.sqlite"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  RECON=$recon bash scripts/with-postgres.sh bash "$0" --postgres-only "$work"
fi
for side in sqlite postgresql; do  # every night must find what the in-memory run found
  [[ -d "$work/out-$side" ]] || continue
  if ! cmp -s "$work/out-memory/discrepancies.csv" "$work/out-$side/discrepancies.csv"; then
    echo "night-speed: the $side night's discrepancies differ from the in-memory run's" >&2
    exit 1
  fi
done
python3 - "$work/figures" "$n" <<'PY'
import sys
rows = [line.rsplit(None, 2) for line in open(sys.argv[1])]
fig = {name: (float(s), int(kb) / 1024) for name, s, kb in rows}
print(f"N = {int(sys.argv[2]):,}: each step's wall time and peak memory")
for name, (s, mb) in fig.items():
    print(f"  {name:32} {s:7.2f} s {mb:7.0f} MB")
mem_s, mem_mb = fig["in-memory"]
for store, target in (("sqlite", 3), ("postgresql", 6)):
    steps = [v for k, v in fig.items() if k.startswith(store + " ")]
    if not steps:
        continue
    whole = sum(s for s, _ in steps)
    alone, peak = fig[store + " reconcile-store"][0], max(mb for _, mb in steps)
    print(f"{store}: whole night {whole:.2f} s = {whole / mem_s:.2f}x in-memory (target {target}x); "
          f"reconcile --store {alone:.2f} s = {alone / mem_s:.2f}x (target 1.5x); "
          f"peak {peak:.0f} MB = {peak / mem_mb:.2f}x in-memory's {mem_mb:.0f} MB (target 1x)")
PY
