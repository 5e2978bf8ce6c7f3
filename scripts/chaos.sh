#!/usr/bin/env bash
# `npm run chaos [-- --minutes 10 --concurrency 3 --seed 1]`: the chaos soak (bench/chaos.ts). It runs its own
# Temporal dev server (persistent db in a temp folder, port CHAOS_TEMPORAL_PORT, default 7266), worker and model
# server, and SIGKILLs them at random. A benchmark, not a test: CI does not run it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
TEMPORAL_CLI="$("$root/scripts/temporal-server.sh" cli)" exec node dist/bench/chaos.js "$@"
