#!/usr/bin/env bash
# A real S3-compatible server for tests and local trials: moto's server mode (Apache-2.0; not MinIO, AGPL),
# installed pinned into .tools/s3-venv (git-ignored) on first use.
#   s3-server.sh start   start it unless one already answers on the port (idempotent); prints the endpoint URL
#   s3-server.sh stop    stop the server this script started on the port
#   s3-server.sh url     print the endpoint URL
#   s3-server.sh status  exit 0 when the server answers
# Settings (env): MLOPS_S3_PORT (7390).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_VERSION="5.2.5"
port="${MLOPS_S3_PORT:-7390}"
venv="$root/.tools/s3-venv"
data_dir="$root/.data"
pid_file="$data_dir/s3-$port.pid"
log_file="$data_dir/s3-$port.log"
url="http://127.0.0.1:$port"

log() { echo "[s3-server] $*" >&2; }
# shellcheck source=lib/pid-file.sh
source "$root/scripts/lib/pid-file.sh"

ensure_moto() {
  local stamp="$venv/.moto-version"
  if [[ -x "$venv/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$MOTO_VERSION" ]]; then return; fi
  log "installing moto[server]==$MOTO_VERSION from PyPI into .tools/s3-venv (first time: about a minute)"
  mkdir -p "$root/.tools"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  echo "$MOTO_VERSION" >"$stamp"
}

healthy() { curl -fsS -o /dev/null "$url/moto-api/" 2>/dev/null; }

start() {
  mkdir -p "$data_dir"
  if healthy; then log "reusing the server already answering on $url"; echo "$url"; return 0; fi
  ensure_moto
  log "starting moto $MOTO_VERSION on $url"
  nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 120); do
    if healthy; then log "ready"; echo "$url"; return 0; fi
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then log "server exited; see $log_file"; tail -20 "$log_file" >&2; exit 1; fi
    sleep 0.25
  done
  log "server did not answer in 30 s; see $log_file"; exit 1
}

stop() { stop_pid_file "$pid_file" "[s3-server] stopped server on port $port"; }

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  status) healthy ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
