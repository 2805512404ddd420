#!/usr/bin/env bash
# Prints the path of a Node 22 binary, installing the registry's `node@22` package into
# .cache/node22 the first time (the images run Node 22; the suite must pass on both).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=.cache/node22
binary="$prefix/node_modules/node/bin/node"
if [[ ! -x $binary ]]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock node@22 >&2
fi
[[ -x $binary ]] || binary=$(find "$prefix/node_modules" -path '*/bin/node' -type f | head -n 1)
echo "$(pwd)/$binary"
