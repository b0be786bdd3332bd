#!/usr/bin/env bash
# House rules the compiler does not check (STYLE.md 12): no floating point in money or
# matching code, no print( in libraries, no try! outside tests, lines at most 120 columns.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
report() { echo "tidy: $1" >&2; fail=1; }

if grep -rnE '\b(Double|Float|Float32|Float64|CGFloat)\b' Sources/PaymentModels Sources/ReconMatching Sources/ReconProviders; then
  report "floating point near amounts (above)"
fi
if grep -rnE '(^|[^.[:alnum:]_])print\(' Sources --include=*.swift | grep -vE '^Sources/recon(-fuzz)?/'; then
  report "print( in a library (above); return text or use the output writers"
fi
if grep -rn 'try!' Sources; then
  report "try! outside tests (above)"
fi
long=$(grep -rnE '^.{121,}$' Sources --include=*.swift || true)
if [[ -n $long ]]; then
  echo "$long" >&2
  report "lines over 120 columns (above)"
fi
exit $fail
