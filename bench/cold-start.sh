#!/usr/bin/env bash
# Worker cold-start benchmark. Usage: bash bench/cold-start.sh [runs]
exec bash "$(dirname "$0")/with-dev-server.sh" cold-start "$@"
