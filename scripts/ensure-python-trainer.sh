#!/usr/bin/env bash
# Installs the Python training worker's pinned requirements into trainers/python/.venv (git-ignored) when
# missing or when requirements.txt changed (into a new venv), then checks the libraries import. Idempotent and
# quick after.
# Prints the venv's python path on stdout. Needs python3 ≥ 3.10 with the venv module.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/trainers/python"
venv="$dir/.venv"
stamp="$venv/.requirements-sha256"
log() { echo "[ensure-python-trainer] $*" >&2; }

python="${MLOPS_PYTHON:-python3}"
want="$(sha256sum "$dir/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "installing the Python training worker's requirements into $venv (first time: a few minutes)"
  # A fresh venv each time the requirements change: nothing stale survives an upgrade, and a venv whose
  # files are shared (hard-linked copies of a worktree) is replaced by a new one, never written into.
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$dir/requirements.txt" >&2
  echo "$want" > "$stamp"
fi
imports="temporalio, sklearn, skl2onnx, onnxruntime, pyarrow, pandas, lightgbm, onnxmltools, xgboost"
"$venv/bin/python" -c "import $imports" >&2
echo "$venv/bin/python"
