#!/usr/bin/env bash
# `npm run ui:check`: headless-browser check of what a person sees in the Temporal Web UI (not part of
# `npm test`: installing Chromium takes minutes). Installs Debian's chromium when missing (apt-get; needs
# root), starts an in-memory dev server with its UI on TEMPORAL_PORT (default 7299; UI on port+1000) unless
# one answers there, a worker and one lifecycle in a fresh data dir, then runs dist/scripts/ui-check.js:
# screenshots and rendered HTML go to .data/ui-check/ (git-ignored), and it exits 1 naming any text missing.
#   TEMPORAL_PORT=7299 npm run ui:check
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
  echo "[ui-check] installing Debian's chromium (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
"$root/scripts/ensure-deps.sh"

export TEMPORAL_PORT="${TEMPORAL_PORT:-7299}" TEMPORAL_DB_FILE=memory TEMPORAL_HEADLESS=0
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT" TEMPORAL_UI_URL="http://127.0.0.1:$((TEMPORAL_PORT + 1000))"
export MLOPS_DATA_DIR="$root/.data/ui-check-data" MLOPS_LOG_LEVEL="${MLOPS_LOG_LEVEL:-warn}"
rm -rf "$MLOPS_DATA_DIR"
"$root/scripts/temporal-server.sh" start
trap '"$root/scripts/temporal-server.sh" stop' EXIT
# Node 20 has WebSocket (the DevTools connection) behind a flag; later versions accept and ignore it.
node --experimental-websocket dist/scripts/ui-check.js
