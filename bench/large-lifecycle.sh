#!/usr/bin/env bash
# Large-data lifecycle benchmark (flights-3m, 3M rows). Usage: bash bench/large-lifecycle.sh
exec bash "$(dirname "$0")/with-dev-server.sh" large-lifecycle "$@"
