#!/usr/bin/env bash
# Private NATS (JetStream) and PostgreSQL servers for development, under one directory.
#
#   infra/dev-services.sh start [--dir DIR] [--nats-port 14222] [--pg-port 15432]
#   infra/dev-services.sh stop  [--dir DIR]
#   infra/dev-services.sh status [--dir DIR]
#
# DIR defaults to ./.sweep/services. `start` prints the NATS_URL and DATABASE_URL to
# export. Needs nats-server, initdb and pg_ctl on PATH (or in /usr/lib/postgresql/*/bin).
set -euo pipefail

command_name="${1:-}"
shift || true
dir=".sweep/services"
nats_port=14222
pg_port=15432
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --nats-port) nats_port="$2"; shift 2 ;;
    --pg-port) pg_port="$2"; shift 2 ;;
    *) echo "dev-services.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

pg_bin() {
  if command -v "$1" >/dev/null; then command -v "$1"; return; fi
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$found" ] && [ -x "$found/$1" ] && { echo "$found/$1"; return; }
  echo "dev-services.sh: $1 not found (install PostgreSQL server binaries)" >&2
  exit 1
}

# PostgreSQL refuses to run as root: then its commands run as the `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  mkdir -p "$dir/nats" "$dir/logs"
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/nats.pid" ] && kill -0 "$(cat "$dir/nats.pid")" 2>/dev/null; then
    echo "nats-server already running (pid $(cat "$dir/nats.pid"))"
  else
    nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$dir/nats" -l "$dir/logs/nats.log" &
    echo $! >"$dir/nats.pid"
    for _ in $(seq 1 50); do port_open "$nats_port" && break; sleep 0.1; done
    port_open "$nats_port" || { echo "nats-server did not start; see $dir/logs/nats.log" >&2; exit 1; }
  fi
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    mkdir -p "$dir/pgdata"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pgdata" "$dir/logs"
    as_pg "$(pg_bin initdb)" -D "$dir/pgdata" -U postgres --auth=trust >"$dir/logs/initdb.log"
  fi
  if as_pg "$(pg_bin pg_ctl)" -D "$dir/pgdata" status >/dev/null 2>&1; then
    echo "postgres already running"
  else
    as_pg "$(pg_bin pg_ctl)" -D "$dir/pgdata" -l "$dir/logs/postgres.log" -w \
      -o "-h 127.0.0.1 -p $pg_port -c unix_socket_directories=''" start >/dev/null
  fi
  echo "export NATS_URL=nats://127.0.0.1:$nats_port"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres"
}

stop() {
  if [ -f "$dir/nats.pid" ]; then
    kill "$(cat "$dir/nats.pid")" 2>/dev/null || true
    rm -f "$dir/nats.pid"
  fi
  if [ -f "$dir/pgdata/PG_VERSION" ]; then
    as_pg "$(pg_bin pg_ctl)" -D "$dir/pgdata" -m fast stop >/dev/null 2>&1 || true
  fi
  echo "stopped the services in $dir"
}

status() {
  if [ -f "$dir/nats.pid" ] && kill -0 "$(cat "$dir/nats.pid")" 2>/dev/null; then
    echo "nats-server: running (pid $(cat "$dir/nats.pid"))"
  else
    echo "nats-server: stopped"
  fi
  if [ -f "$dir/pgdata/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$dir/pgdata" status >/dev/null 2>&1; then
    echo "postgres: running"
  else
    echo "postgres: stopped"
  fi
}

case "$command_name" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: infra/dev-services.sh start|stop|status [--dir DIR] [--nats-port N] [--pg-port N]" >&2; exit 2 ;;
esac
