#!/usr/bin/env bash
# Drift benchmark: our TypeScript statistics vs scipy/numpy on flights-3m.parquet (Jan vs Jun).
# Creates bench/.venv from bench/requirements.txt when missing, then runs the TypeScript side
# (which runs the Python side itself). Usage: bash bench/drift.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet -r bench/requirements.txt
fi
exec node --require ./bench/swc-register.js bench/drift-flights.ts --python bench/.venv/bin/python "$@"
