#!/usr/bin/env bash
# Renders a run's report.html in headless Chromium (Debian's `chromium`), saves a screenshot,
# and fails when the page logs a console error or lacks its parts. The filter is checked too:
# the page opened as report.html#kind=KIND must hide every finding of another kind.
#
#   scripts/report-screenshot.sh OUT_DIR [SCREENSHOT.png] [KIND]
set -euo pipefail
dir=$1
shot=${2:-$dir/report.png}
kind=${3:-}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome) || {
    echo "report-screenshot: no Chromium found (apt-get install chromium)" >&2
    exit 69
}
html=$(realpath "$dir/report.html")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$work/profile")

"$browser" "${flags[@]}" --window-size=1400,2400 --enable-logging=stderr --v=0 \
    --screenshot="$shot" "file://$html" 2>"$work/log" >/dev/null || { cat "$work/log" >&2; exit 1; }
if grep -E 'CONSOLE|Uncaught' "$work/log" | grep -iE 'error|uncaught'; then
    echo "report-screenshot: the page logged errors (above)" >&2
    exit 1
fi
[ -s "$shot" ] || { echo "report-screenshot: no screenshot written" >&2; exit 1; }

# the DOM after the page's script ran
"$browser" "${flags[@]}" --dump-dom "file://$html${kind:+#kind=$kind}" 2>/dev/null >"$work/dom.html"
for part in 'class="cards"' '<svg class="chart"' 'Totals per provider and currency' 'id="findings"'; do
    grep -q "$part" "$work/dom.html" || { echo "report-screenshot: the page has no $part" >&2; exit 1; }
done
if [ -n "$kind" ]; then
    python3 - "$work/dom.html" "$kind" <<'PY'
import re, sys
dom, kind = open(sys.argv[1]).read(), sys.argv[2]
rows = re.findall(r'<tr data-kind="([^"]+)"( hidden(?:="")?)?', dom)
shown = [k for k, hidden in rows if not hidden]
if not shown or any(k != kind for k in shown):
    sys.exit(f"report-screenshot: filtering by {kind} shows {shown}")
print(f"filter: {len(shown)} of {len(rows)} findings shown for {kind}")
PY
fi
echo "report-screenshot: $shot"
