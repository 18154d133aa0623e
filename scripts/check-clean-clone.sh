#!/usr/bin/env bash
# What a user gets from the repository: clones HEAD into a temporary folder (uncommitted changes are not
# part of it), installs from the lock file, and there
#  1. packs and checks the tarball (scripts/check-package.sh: publint, attw, ESM and CJS imports with and
#     without the optional peers, the bin, the getting-started flow against the emulator);
#  2. installs the clone as a git dependency (`npm install git+file://…`), which npm builds through the
#     `prepare` script, and imports it from ESM and CJS and finds its bin.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "$(git -C "$repo" status --porcelain)" ]; then
  echo "check-clean-clone: uncommitted changes are not checked (the clone holds HEAD only)" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-local "$repo" "$tmp/clone"
echo "cloned $(git -C "$tmp/clone" rev-parse --short HEAD) into $tmp/clone"
(cd "$tmp/clone" && npm ci --prefer-offline --no-audit --no-fund && bash scripts/check-package.sh)

mkdir -p "$tmp/git-consumer"
cd "$tmp/git-consumer"
echo '{ "name": "git-consumer", "private": true }' >package.json
npm install --no-audit --no-fund --prefer-offline "git+file://$tmp/clone"
node --input-type=module -e "const m = await import('tip-sdk'); if (typeof m.createTrustedIdentity !== 'function') throw new Error('no code'); console.log('git install: esm tip-sdk OK');"
node --input-type=commonjs -e "const m = require('tip-sdk'); if (typeof m.createTrustedIdentity !== 'function') throw new Error('no code'); console.log('git install: cjs tip-sdk OK');"
test -x node_modules/.bin/tip-sdk || { echo "check-clean-clone: the git install has no tip-sdk bin" >&2; exit 1; }
echo "check-clean-clone: the clean clone packs, installs and runs"
