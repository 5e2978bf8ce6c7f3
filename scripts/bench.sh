#!/usr/bin/env bash
# `npm run bench [-- name…]`: runs benchmarks (default: all). Names: lifecycle, large-lifecycle, cold-start, drift, serving, training.
# Each prints its figures and ratios against a baseline measured in the same run; none asserts on time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-deps.sh"
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=(lifecycle large-lifecycle cold-start drift serving training)
for name in "${names[@]}"; do
  case "$name" in
    lifecycle | large-lifecycle | cold-start | drift | serving | training) echo "== bench: $name"; bash "bench/$name.sh" ;;
    *) echo "unknown benchmark '$name' (lifecycle, large-lifecycle, cold-start, drift, serving, training)" >&2; exit 2 ;;
  esac
done
