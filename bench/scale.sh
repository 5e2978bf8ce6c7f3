#!/usr/bin/env bash
# Scale benchmark (throughput, parked approvals). Usage: bash bench/scale.sh throughput 100 | parked 1000
exec bash "$(dirname "$0")/with-dev-server.sh" scale "$@"
