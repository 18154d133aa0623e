#!/usr/bin/env bash
# Packs the package (`prepack` builds dist/ first), lints the tarball (publint, attw), checks what it
# holds, and installs it into scratch projects with and without the optional peers (check-imports.mjs).
# Checks the working tree; scripts/check-clean-clone.sh runs this from a fresh clone of HEAD.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
echo "packed $tarball"
listing=$(tar -tzf "$tmp/$tarball")
for file in package/dist/index.js package/dist/index.cjs package/dist/cli.js package/examples/emulator.config.json; do
  grep -qx "$file" <<<"$listing" || { echo "check-package: $file is not in the tarball" >&2; exit 1; }
done
npx --no-install publint run "$tmp/$tarball" --strict
npx --no-install attw "$tmp/$tarball" --profile node16
node scripts/check-imports.mjs "$tmp/$tarball" "$tmp/consumers"
