#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing, or is older than package-lock.json and no longer
# holds what the lock pins. The content check keeps a fresh checkout of an unchanged lock (whose
# mtime is the checkout time) from reinstalling a tree that already matches. Prints nothing when
# no install is needed.
set -euo pipefail
cd "$(dirname "$0")/../.."

hidden_lock=node_modules/.package-lock.json

if [ ! -e node_modules ]; then
    echo "node_modules is missing: running npm ci"
elif [ ! -e "$hidden_lock" ]; then
    echo "$hidden_lock is missing, so npm did not install this tree: running npm ci"
elif [ "$hidden_lock" -ot package-lock.json ] && ! node tools/ci/npm-tree-matches-lock.mjs .; then
    echo "node_modules no longer matches package-lock.json: running npm ci"
else
    exit 0
fi

npm ci --no-audit --no-fund
