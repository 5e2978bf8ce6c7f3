#!/usr/bin/env bash
# ONNX serving benchmark (not a test). Usage: bash bench/serving-onnx.sh [--duration 10]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
exec node dist/bench/serving-onnx.js "$@"
