#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite and print the URL to use.
#   eval "$(bash scripts/postgres-test-server.sh start)"   # exports NEWSPRISM_TEST_PG_URL
#   bash scripts/postgres-test-server.sh stop
# Installs Debian's postgresql package when no server binaries are found (needs root).
set -euo pipefail
STATE_DIR=${NEWSPRISM_PG_DIR:-/tmp/newsprism-test-pg}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg() {
  # initdb and postgres refuse to run as root: run them as the postgres system user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "echo 'PostgreSQL is not installed and this user cannot install it: PostgreSQL tests will skip' >&2"
      return 0
    fi
    echo "installing PostgreSQL (Debian package)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    bin=$(find_bin)
  fi
  if [ -f "$STATE_DIR/url" ] && as_pg "$bin/pg_ctl" -D "$STATE_DIR/data" status >/dev/null 2>&1; then
    echo "export NEWSPRISM_TEST_PG_URL='$(cat "$STATE_DIR/url")'"
    return 0
  fi
  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$STATE_DIR"; fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$bin/initdb" -D "$STATE_DIR/data" -U postgres -A trust -E UTF8 >"$STATE_DIR/initdb.log" 2>&1 \
    || { cat "$STATE_DIR/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$STATE_DIR/data" -l "$STATE_DIR/server.log" -w \
    -o "-p $port -k $STATE_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
    || { cat "$STATE_DIR/server.log" >&2; exit 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres newsprism_test
  local url="postgresql://postgres@127.0.0.1:$port/newsprism_test"
  echo "$url" >"$STATE_DIR/url"
  echo "export NEWSPRISM_TEST_PG_URL='$url'"
}

stop() {
  local bin
  bin=$(find_bin)
  if [ -n "$bin" ] && [ -d "$STATE_DIR/data" ]; then
    as_pg "$bin/pg_ctl" -D "$STATE_DIR/data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$STATE_DIR"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
