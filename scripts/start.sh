#!/usr/bin/env bash
# `npm start`: the stack in the foreground for use with the Web UI — Temporal dev server, a worker and the
# model server. Ctrl-C stops the worker and the model server (the Temporal server keeps its history).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
"$root/scripts/temporal-server.sh" start
# No admin token of your own: run in dev mode, where the model server accepts the built-in one.
[[ -n "${MLOPS_ADMIN_TOKEN:-}" ]] || export MLOPS_DEV_MODE="${MLOPS_DEV_MODE:-true}"
node dist/src/serving/main.js &
server=$!
node dist/src/workers/main.js &
worker=$!
trap 'kill $worker $server 2>/dev/null; wait' INT TERM EXIT
echo "[start] worker, model server (http://127.0.0.1:${MLOPS_SERVER_PORT:-8700}) and Temporal UI (http://localhost:8233) are up; Ctrl-C to stop" >&2
wait -n $worker $server
