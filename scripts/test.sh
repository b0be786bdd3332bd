#!/usr/bin/env bash
# The full test suite: style checks, then every test target (readers, adapters, matching,
# the pipeline and the CLI end to end against the golden files in samples/expected; the store's
# on SQLite and on a PostgreSQL server started for them), then the store's kill test.
set -euo pipefail
cd "$(dirname "$0")/.."
# the golden tests over real files skip themselves without ../shared/fixtures; the suite does not
# pass quietly without them (RECON_WITHOUT_FIXTURES=1 runs the rest on purpose)
if [[ ! -f ../shared/fixtures/SOURCES.md && "${RECON_WITHOUT_FIXTURES:-}" != 1 ]]; then
    echo "test.sh: ../shared/fixtures is missing or unreadable; the real-file goldens need it" \
        "(RECON_WITHOUT_FIXTURES=1 to run without them)" >&2
    exit 1
fi
bash scripts/setup.sh --tests
bash scripts/tidy.sh
swift build --build-tests
# the store tests run against SQLite and against a throwaway PostgreSQL server
bash scripts/with-postgres.sh swift test --skip-build
# report.html in headless Chromium: no console errors, every part there, the kind filter working
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
.build/debug/recon reconcile --payments samples/payments/* --settlement samples/settlement/settlement.csv \
    --out "$reports/samples" 2>/dev/null || [[ $? -eq 1 ]]
(cd samples/scenarios && ../../.build/debug/recon reconcile $(cat payouts/args) --out "$reports/payouts" 2>/dev/null) \
    || [[ $? -eq 1 ]]
bash scripts/report-screenshot.sh "$reports/samples" "$reports/samples.png" status_mismatch
bash scripts/report-screenshot.sh "$reports/payouts" "$reports/payouts.png" payout_mismatch
# a store night's report: the exceptions by state, the open ones listed and aged
cp -r samples/nightly "$reports/nightly" && rm -rf "$reports/nightly/state"
for day in 2024-05-02 2024-05-03 2024-05-06; do
    .build/debug/recon run --config "$reports/nightly/recon.yaml" --date "$day" 2>/dev/null || [[ $? -eq 1 ]]
done
bash scripts/report-screenshot.sh "$reports/nightly/state/out/2024-05-06" "$reports/nightly.png"
grep -q '<table id="exceptions">' "$reports/nightly/state/out/2024-05-06/report.html"
# the store under SIGKILL and two concurrent runs (needs ../shared/bench/gen.py for its data)
python3 scripts/kill-test.py --recon .build/debug/recon --n 20000 --trials 20
# the same kills on PostgreSQL: a new database per trial on a throwaway server
bash scripts/with-postgres.sh bash -c \
    'python3 scripts/kill-test.py --recon .build/debug/recon --n 20000 --trials 20 --postgres "$RECON_TEST_POSTGRES_URL"'
# the nightly measurement runs, and a night on each store finds what the in-memory run finds
N=20000 RECON=.build/debug/recon bash scripts/night-speed.sh
# the man page generates from the command definitions (scripts/install-man.sh)
man=$(mktemp -d)
bash scripts/install-man.sh "$man" && grep -q "It Em reconcile" "$man/recon.1" && rm -rf "$man"
# another package can depend on ReconKit by version (scripts/check-dependable.sh)
dependable=$(bash scripts/check-dependable.sh) && grep -q "^ReconKit " <<<"$dependable"
# a short fuzzing pass, 30 s per harness (scripts/fuzz.sh; longer: SECONDS_MAX=600)
SECONDS_MAX=30 bash scripts/fuzz.sh
