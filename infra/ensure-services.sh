#!/usr/bin/env bash
# Starts the local PostgreSQL (127.0.0.1:5432) and NATS with JetStream (127.0.0.1:4222)
# when they are not already answering. On the project's machines both run already;
# this is for a machine where they were stopped.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and no cluster was found" >&2
  fi
fi

if ! port_open 4222; then
  if command -v nats-server >/dev/null; then
    echo "starting nats-server with JetStream"
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    for _ in $(seq 1 50); do port_open 4222 && break; sleep 0.1; done
  else
    echo "NATS is not running on 127.0.0.1:4222 and nats-server is not installed" >&2
  fi
fi
