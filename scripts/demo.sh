#!/usr/bin/env bash
# `npm run demo [-- --interactive]`: installs what is missing (npm packages, the Temporal CLI, the Python
# training worker's venv), starts the Temporal dev server (UI on :8233, history kept in .data/temporal.db)
# and runs the demo story end to end (the demo starts and stops its workers and the model server).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
# The Python training worker of chapter 2 (an external trainer): its pinned venv, installed on first run.
"$root/scripts/ensure-python-trainer.sh" >/dev/null
"$root/scripts/temporal-server.sh" start
exec node dist/scripts/demo.js "$@"
