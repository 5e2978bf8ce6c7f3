# Sourced by the server scripts. stop_pid_file FILE WHAT: stops the process whose id FILE holds (TERM, then KILL
# after 10 s), says so on stderr as WHAT, and removes FILE. Nothing to do when FILE is missing.
stop_pid_file() {
  local pid_file="$1" what="$2"
  [[ -f "$pid_file" ]] || return 0
  local pid; pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    echo "$what" >&2
  fi
  rm -f "$pid_file"
}
