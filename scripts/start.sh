#!/usr/bin/env bash
# `npm start`: the stack in the foreground for use with the Web UI — Temporal dev server, a worker, the model
# server and the Python training worker (external trainers; `MLOPS_START_PYTHON_TRAINER=false` leaves it out and
# skips its one-time venv install). Ctrl-C stops them (the Temporal server keeps its history).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
"$root/scripts/temporal-server.sh" start
# No admin token of your own: run in dev mode, where the model server accepts the built-in one.
[[ -n "${MLOPS_ADMIN_TOKEN:-}" ]] || export MLOPS_DEV_MODE="${MLOPS_DEV_MODE:-true}"
node dist/src/serving/main.js &
server=$!
# The worker as `npm run worker` runs it: heap cap and malloc arenas (scripts/worker.sh says why).
bash "$root/scripts/worker.sh" &
worker=$!
trainer=""
if [[ "${MLOPS_START_PYTHON_TRAINER:-true}" == "true" ]]; then
  python="$("$root/scripts/ensure-python-trainer.sh")"
  PYTHONPATH="$root/trainers/python" MLOPS_TRAINER_PATH="${MLOPS_TRAINER_PATH:-$root/examples/trainers}" \
    "$python" -m mlops_trainer.worker &
  trainer=$!
fi
trap 'kill $worker $server $trainer 2>/dev/null; wait' INT TERM EXIT
echo "[start] worker, ${trainer:+Python training worker, }model server (http://127.0.0.1:${MLOPS_SERVER_PORT:-8700}) and Temporal UI (http://localhost:8233) are up; Ctrl-C to stop" >&2
wait -n $worker $server $trainer
