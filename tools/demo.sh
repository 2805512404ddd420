#!/usr/bin/env bash
# The demo on a fresh Debian machine: installs what is missing, then runs the whole stack on
# simulated cameras playing real video and prints each recognition. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-system-deps.sh
bash tools/ensure-node-deps.sh
# The images run Node 22; on Node 20 the AWS SDK would print a notice about its future releases.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# node itself (not npx) so that a SIGTERM to this pid reaches the demo, which stops the stack.
exec node --import tsx tools/demo.ts "$@"
