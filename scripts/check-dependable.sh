#!/usr/bin/env bash
# Checks that another package can depend on ReconKit by version: a throwaway package resolves a
# tagged copy of this checkout (HEAD, tagged 0.0.0-check in a clone), builds against ReconKit and
# runs. SwiftPM refuses a versioned dependency whose targets carry unsafe flags unless its
# manifest is tools-version 6.2 or later (recon's release builds pass -enforce-exclusivity=unchecked).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/recon"
git -C "$work/recon" tag 0.0.0-check
mkdir -p "$work/user/Sources/User"
cat > "$work/user/Package.swift" <<MANIFEST
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "User",
    dependencies: [.package(url: "file://$work/recon", exact: "0.0.0-check")],
    targets: [.executableTarget(name: "User", dependencies: [.product(name: "ReconKit", package: "recon")])]
)
MANIFEST
printf 'import ReconKit\nprint("ReconKit", ReconcileJob.version)\n' > "$work/user/Sources/User/main.swift"
(cd "$work/user" && swift build 2>&1 | tail -n 1 && .build/debug/User)
