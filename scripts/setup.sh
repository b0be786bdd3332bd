#!/usr/bin/env bash
# Makes sure the system packages recon builds against are present: pkg-config and the headers
# of zlib, libxml2, SQLite and libpq (and ISA-L on x86-64); with --tests also PostgreSQL's server, which the tests start
# on loopback, and Chromium, which renders report.html. Installs them with apt-get when it can (root or passwordless sudo); otherwise prints
# the exact command and fails.
set -euo pipefail

packages=(pkg-config zlib1g-dev libxml2-dev libsqlite3-dev libpq-dev)
# ISA-L's igzip inflates gzip about twice as fast as zlib on x86-64; the build uses it when its
# headers are there (Package.swift), zlib otherwise
[[ $(uname -m) == x86_64 ]] && packages+=(libisal-dev)
# the tests start a PostgreSQL server, and render report.html in headless Chromium
[[ "${1:-}" == "--tests" ]] && packages+=(postgresql chromium)

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.0 or later) is not on PATH; install it from swift.org first" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v dpkg >/dev/null 2>&1; then
  # not Debian/Ubuntu: check by what the build needs instead
  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists zlib libxml-2.0 sqlite3 libpq && exit 0
  echo "setup: install pkg-config and the zlib, libxml2, SQLite and libpq development headers (and PostgreSQL for the tests) with your package manager" >&2
  exit 1
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "setup: missing system packages: ${missing[*]}" >&2
  echo "setup: run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
