#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on loopback and a free port, in a temporary directory.
#
#   server.sh start STATE_DIR   starts one; writes STATE_DIR/url (postgresql://postgres@127.0.0.1:PORT/
#                               postgres), or STATE_DIR/unavailable (one line: why) when this machine
#                               cannot run one, and exits 0 either way (the tests then skip, or fail
#                               when CI=true)
#   server.sh stop STATE_DIR    stops the server recorded in STATE_DIR and removes its directory;
#                               idempotent, exits 0 when there is nothing to stop
#
# The binaries are the highest version under /usr/lib/postgresql/*/bin (else initdb on PATH). initdb
# refuses root, so as root the server runs as the postgres user. CBF_POSTGRES_DISABLE=1 simulates a
# machine without PostgreSQL. `start` first stops whatever a killed earlier run left in STATE_DIR.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
}
(($# == 2)) || usage
action=$1
state=$2

# Runs a command as the server's user ($run_as), through runuser when that is not us.
as_server_user() {
  if [ "$run_as" = "$(id -un)" ]; then
    "$@"
  else
    runuser -u "$run_as" -- "$@"
  fi
}

# Stops the server recorded in $state (if any), removes its directory and the state files.
stop_server() {
  local dir='' bin='' pid=''
  [ -f "$state/dir" ] && dir=$(<"$state/dir")
  [ -f "$state/bin" ] && bin=$(<"$state/bin")
  [ -f "$state/user" ] && run_as=$(<"$state/user")
  # Only ever touch a directory this script made (mktemp below), whatever the state files say.
  if [[ "$dir" == /tmp/cbf-pg.* && -d "$dir" ]]; then
    if [ -f "$dir/data/postmaster.pid" ]; then
      if [ -n "$bin" ] && [ -n "${run_as:-}" ] &&
        (cd "$dir" && as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop) >/dev/null 2>&1; then
        echo "postgres: stopped the server in $dir" >&2
      else
        # pg_ctl could not do it (e.g. a half-written state): signal the postmaster ourselves, but
        # only if that pid really is a postgres process.
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = postgres ]; then
          kill -QUIT "$pid" 2>/dev/null || true  # immediate shutdown
          for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
          done
          echo "postgres: killed the server $pid in $dir" >&2
        fi
      fi
    fi
    rm -rf "$dir"
  fi
  rm -f "$state/dir" "$state/bin" "$state/user" "$state/url" "$state/unavailable"
}

# Records why no server runs (for the tests to report) and exits 0.
unavailable() {
  echo "$1" >"$state/unavailable"
  echo "postgres: unavailable: $1" >&2
  exit 0
}

# A port that was free a moment ago on 127.0.0.1 (the kernel picks it; a race remains, hence retries).
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

# Finds the binaries, makes a cluster and starts it, writing $state/url; or calls unavailable.
start_server() {
  [ "${CBF_POSTGRES_DISABLE:-}" != 1 ] || unavailable "disabled by CBF_POSTGRES_DISABLE=1"

  # Highest version first: sort -V orders 9.6 < 15 < 16.
  local initdb bin
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  if [ ! -x "$initdb" ]; then
    initdb=$(command -v initdb || true)
    [ -n "$initdb" ] ||
      unavailable "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb or initdb on PATH); install the postgresql package"
  fi
  bin=$(dirname "$initdb")
  for tool in pg_ctl pg_isready; do
    [ -x "$bin/$tool" ] || unavailable "$bin/$tool is missing"
  done

  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      unavailable "running as root and there is no postgres user to run initdb as"
    run_as=postgres
  else
    run_as=$(id -un)
  fi

  # In /tmp, not the build dir: the socket path must stay short and the postgres user must reach it.
  local dir
  dir=$(mktemp -d /tmp/cbf-pg.XXXXXX)
  # Recorded before anything else, so that a run killed from here on is cleaned up by the next one.
  echo "$dir" >"$state/dir"
  echo "$bin" >"$state/bin"
  echo "$run_as" >"$state/user"
  [ "$run_as" = "$(id -un)" ] || chown "$run_as": "$dir"
  cd "$dir"  # the server user may not be able to read the caller's working directory

  if ! as_server_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1; then
    local why
    why=$(grep -m 1 -i 'error\|fatal' "$dir/initdb.log" || tail -n 1 "$dir/initdb.log")
    cat "$dir/initdb.log" >&2
    stop_server
    unavailable "initdb failed as $run_as: $why"
  fi

  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    # fsync off: a test server's data is worthless after the run; -k: our own socket directory.
    if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null 2>&1 &&
      "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
      echo "postgres: started $("$bin/postgres" --version) on 127.0.0.1:$port in $dir" >&2
      return 0
    fi
    echo "postgres: attempt $attempt on port $port failed:" >&2
    tail -n 5 "$dir/log" >&2 2>/dev/null || true
    # A server that came up but does not answer must not linger.
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  local why
  why=$(grep -m 1 'FATAL\|ERROR' "$dir/log" 2>/dev/null || echo "see the log above")
  stop_server
  unavailable "the server did not start after 3 attempts: $why"
}

case $action in
  start)
    mkdir -p "$state"
    state=$(cd "$state" && pwd)  # absolute: start_server changes directory
    stop_server                  # whatever a killed earlier run left behind
    start_server
    ;;
  stop)
    [ -d "$state" ] || exit 0
    stop_server
    ;;
  *) usage ;;
esac
