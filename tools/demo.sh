#!/usr/bin/env bash
# The demo on a fresh Debian machine: installs what is missing, then runs the whole stack on
# simulated cameras playing real video and prints each recognition. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-system-deps.sh
bash tools/ensure-node-deps.sh
exec npx tsx tools/demo.ts "$@"
