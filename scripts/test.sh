#!/usr/bin/env bash
# `npm test`: installs what is missing, type-checks and builds, starts a dedicated in-memory Temporal dev
# server for the tests, runs jest, and ends with one plain line `tests: N passed, M failed`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
# The Python training worker (external trainers): its pinned venv, installed on first run (a few minutes).
"$root/scripts/ensure-python-trainer.sh" >/dev/null

export TEMPORAL_PORT="${MLOPS_TEST_TEMPORAL_PORT:-7288}" TEMPORAL_DB_FILE=memory TEMPORAL_HEADLESS=1
export MLOPS_TEST_TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
# The S3-compatible server (moto) of the blob-store tests, on a port beside Temporal's; installed on first run.
export MLOPS_S3_PORT="${MLOPS_TEST_S3_PORT:-$((TEMPORAL_PORT + 102))}" MLOPS_TEST_S3_PORT="${MLOPS_TEST_S3_PORT:-$((TEMPORAL_PORT + 102))}"
trap '"$root/scripts/temporal-server.sh" stop; "$root/scripts/s3-server.sh" stop' EXIT
"$root/scripts/temporal-server.sh" start
"$root/scripts/s3-server.sh" start >/dev/null

mkdir -p .data
result=.data/jest-result.json
rm -f "$result"
set +e
npx jest --ci --json --outputFile="$result" "$@"
status=$?
set -e
if [[ -f "$result" ]]; then
  node -e "const r=require('./$result'); console.log('tests: ' + r.numPassedTests + ' passed, ' + (r.numFailedTests) + ' failed')"
else
  echo "tests: 0 passed, 1 failed"
  status=1
fi
exit $status
