#!/usr/bin/env bash
# External trainer overhead benchmark. Usage: bash bench/external-trainer.sh [rows]
exec bash "$(dirname "$0")/with-dev-server.sh" external-trainer "$@"
