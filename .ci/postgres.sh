#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the test suite and print its URL.
# Usage: eval "$(bash .ci/postgres.sh)"   (exports TEST_DATABASE_URL)
set -euo pipefail
PORT="${PGPORT_TEST:-54329}"
ROOT="${PG_TEST_ROOT:-/tmp/ssw-postgres}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$ROOT" postgres
  RUN_AS=(runuser -u postgres --)
fi
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$ROOT/data" status >/dev/null 2>&1; then
  rm -rf "$ROOT" && mkdir -p "$ROOT"
  [ "$(id -u)" = "0" ] && chown postgres "$ROOT"
  "${RUN_AS[@]}" "$BIN/initdb" -D "$ROOT/data" -A trust -U postgres -E UTF8 >/dev/null
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/server.log" -w \
    -o "-p $PORT -k $ROOT -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
fi
echo "export TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
