#!/usr/bin/env bash
# Serving benchmark (not a test): mlops model server vs FastAPI + scikit-learn, and the same load across hot
# swaps. Builds the project, prepares bench/.venv (bench/requirements-serving.txt, plus bench/requirements.txt
# when present: the venv is shared), then runs dist/bench/serving-bench.js. Servers listen on 127.0.0.1:8813-8817.
#   bash bench/serving.sh [--duration 10] [--swap-every-ms 500] [--skip-fastapi] [--cpu-prof-dir DIR] [--port-base 8813] [--rounds 6]
# It prints, from one run, the no-op ceiling and the 1-row predict path (req/s, p99, their ratio) and the 100-row
# p99. --skip-fastapi leaves out the FastAPI comparison (and its venv); --cpu-prof-dir profiles the model server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
if [[ " $* " != *" --skip-fastapi "* ]]; then
  venv="$root/bench/.venv"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  for req in bench/requirements-serving.txt bench/requirements.txt; do
    [[ -f "$req" ]] && "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  done
fi
exec node dist/bench/serving-bench.js "$@"
