#!/usr/bin/env bash
# Lifecycle overhead benchmark. Usage: bash bench/lifecycle.sh [runs]
exec bash "$(dirname "$0")/with-dev-server.sh" lifecycle-overhead "$@"
