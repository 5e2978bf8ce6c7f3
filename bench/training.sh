#!/usr/bin/env bash
# Training benchmark: the built-in trainer vs scikit-learn on flights-3m (see bench/training.ts).
# Creates bench/.venv from bench/requirements.txt when missing. Usage: bash bench/training.sh [--cases a,b]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import sklearn' 2>/dev/null; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet -r bench/requirements.txt
fi
exec node --require ./bench/swc-register.js bench/training.ts --python bench/.venv/bin/python "$@"
