#!/bin/bash
# First start: initdb with POSTGRES_USER/POSTGRES_PASSWORD, then every
# /docker-entrypoint-initdb.d/*.sql (one statement per line: there is no psql here, so it goes
# through the single-user mode), as the official image does.
set -euo pipefail
user="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --username="$user" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:?}") --auth-host=scram-sha-256 --auth-local=trust -D "$PGDATA"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  for file in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$file" ] && postgres --single -D "$PGDATA" postgres < "$file" > /dev/null
  done
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
