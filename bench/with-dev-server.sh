#!/usr/bin/env bash
# Runs a compiled benchmark (dist/bench/<name>.js) against its own in-memory Temporal dev server on port 7277
# (or BENCH_TEMPORAL_PORT, so parallel benchmark runs on one machine do not collide).
# Usage: bash bench/with-dev-server.sh <name> [args…]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-deps.sh
port="${BENCH_TEMPORAL_PORT:-7277}"
export TEMPORAL_PORT=$port TEMPORAL_DB_FILE=memory TEMPORAL_HEADLESS=1
scripts/temporal-server.sh start
trap 'scripts/temporal-server.sh stop' EXIT
name="$1"
shift
TEMPORAL_ADDRESS=127.0.0.1:$port node "dist/bench/$name.js" "$@"
