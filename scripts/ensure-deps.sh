#!/usr/bin/env bash
# Makes a fresh clone runnable: npm dependencies (native ones verified to load), the Temporal CLI, and a
# compiled build. Idempotent and quick when nothing changed. Sourced or run by demo.sh, start.sh, test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { echo "[ensure-deps] $*" >&2; }

# better-sqlite3 compiles against Node's headers; use the system's copy so node-gyp downloads nothing.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi

stamp="node_modules/.install-stamp"
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" || package.json -nt "$stamp" ]]; then
  # `npm install` honours package-lock.json; `npm ci` trips over npm 11's lockfile handling of the
  # per-platform optional packages of DuckDB and swc ("Missing: …-darwin-arm64 from lock file").
  log "installing npm dependencies (npm install from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

if ! node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get(); require('@duckdb/node-api')" 2>/dev/null; then
  log "native modules did not load; rebuilding better-sqlite3 from source"
  npm rebuild better-sqlite3 --loglevel=error
  node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get(); require('@duckdb/node-api')"
fi
# onnxruntime-node serves ONNX models. Its install script (denied in package.json allowScripts) would
# download GPU binaries from a host we cannot reach; the CPU binding ships in the package: check it loads.
node -e "require('onnxruntime-node').InferenceSession" >/dev/null

"$root/scripts/temporal-server.sh" cli >/dev/null

newest_src=$(find src scripts test bench tsconfig.json -name '*.ts' -newer dist/.build-stamp 2>/dev/null | head -1 || true)
if [[ ! -f dist/.build-stamp || -n "$newest_src" || tsconfig.json -nt dist/.build-stamp ]]; then
  log "compiling TypeScript (tsc, strict)"
  npx tsc -p tsconfig.json
  touch dist/.build-stamp
fi
# The prebuilt workflow bundle (workers poll within ~1 s of starting); quick when it is current.
node dist/scripts/build-workflow-bundle.js
