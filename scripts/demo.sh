#!/usr/bin/env bash
# `npm run demo [-- --interactive]`: installs what is missing, starts the Temporal dev server (UI on :8233,
# history kept in .data/temporal.db) and runs the demo story end to end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
"$root/scripts/temporal-server.sh" start
exec node dist/scripts/demo.js "$@"
