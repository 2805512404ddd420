#!/usr/bin/env bash
# The whole test suite, as CI runs it: system and npm dependencies, static checks, unit tests
# under Node 20 and Node 22, integration tests against real servers, and the app builds.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }
started=$SECONDS

step "System packages"
bash tools/install-system-deps.sh

step "npm packages"
bash tools/ensure-node-deps.sh

step "Type check, lint, format"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

step "Unit tests on Node $(node --version)"
npx vitest run --project unit

step "Unit tests on Node 22"
node22=$(bash tools/node22.sh)
"$node22" --version
"$node22" node_modules/vitest/vitest.mjs run --project unit

step "Integration tests (real Redis, ffmpeg, RTSP server, dynalite), one file at a time"
npx vitest run --project integration

step "App builds"
npx nx run-many -t build --skip-nx-cache

step "All green in $((SECONDS - started)) s"
