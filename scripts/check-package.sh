#!/usr/bin/env bash
# Packs the package, lints the tarball (publint, attw), and imports it from ESM and CJS in a scratch project.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
echo "packed $tarball"
npx --no-install publint run "$tmp/$tarball" --strict
npx --no-install attw "$tmp/$tarball" --profile node16
node scripts/check-imports.mjs "$tmp/$tarball" "$tmp/consumer"
