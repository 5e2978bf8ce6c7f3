#!/usr/bin/env bash
# `npm run worker` (and `npm start`): a lifecycle worker with the memory settings we run it with. The worker's
# V8 heaps (main thread and the workflow thread) are capped at MLOPS_WORKER_HEAP_MB (default 192): without a cap
# V8 grows them lazily toward ~4 GB after bursts of replays, and a worker with 10,000 parked runs sat at ~690 MB
# instead of ~470 (README "scale — parked approvals"). The worker warns at start when the cap is too small for
# its cache (MLOPS_WORKER_MAX_CACHED_WORKFLOWS). Two malloc arenas instead of glibc's 8 per core: the activities'
# native memory (DuckDB) otherwise stays spread over many arenas after use. Extra arguments go to node (flags).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --max-old-space-size="${MLOPS_WORKER_HEAP_MB:-192}" "$@" "$root/dist/src/workers/main.js"
