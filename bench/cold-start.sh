#!/usr/bin/env bash
# Worker cold-start benchmark on a dedicated in-memory dev server (port 7277). Usage: bash bench/cold-start.sh [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-deps.sh
export TEMPORAL_PORT=7277 TEMPORAL_DB_FILE=memory TEMPORAL_HEADLESS=1
scripts/temporal-server.sh start
trap 'scripts/temporal-server.sh stop' EXIT
TEMPORAL_ADDRESS=127.0.0.1:7277 node dist/bench/cold-start.js "$@"
