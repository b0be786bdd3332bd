#!/usr/bin/env bash
# Generates recon's man page from its command definitions (swift-argument-parser's
# generate-manual plugin) and installs it: `man recon` then shows every command and option.
#   bash scripts/install-man.sh                 # into /usr/local/share/man/man1
#   bash scripts/install-man.sh DIR             # into DIR (a man1 folder of your choice)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-/usr/local/share/man/man1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift package --allow-writing-to-directory "$work" generate-manual --output-directory "$work" 2>&1 | tail -n 1
mkdir -p "$target"
install -m 0644 "$work/recon.1" "$target/recon.1"
echo "install-man: $target/recon.1 (man recon)"
