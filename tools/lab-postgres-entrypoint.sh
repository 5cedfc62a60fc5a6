#!/bin/sh
# Entrypoint of the lab's PostgreSQL stand-in, honouring what the official image's entrypoint does
# for our tests: POSTGRES_HOST_AUTH_METHOD, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB and
# /docker-entrypoint-initdb.d/*.sql and *.sh, run once on an empty data directory.
set -e
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
USER_NAME="${POSTGRES_USER:-postgres}"
AUTH="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
DB="${POSTGRES_DB:-$USER_NAME}"
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
as_pg() { su postgres -s /bin/sh -c "$1"; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwopt=""
  if [ -n "$POSTGRES_PASSWORD" ]; then
    printf '%s\n' "$POSTGRES_PASSWORD" >/run/postgresql/pw
    chown postgres /run/postgresql/pw
    pwopt="--pwfile=/run/postgresql/pw"
  fi
  as_pg "$PGBIN/initdb -D '$PGDATA' -U '$USER_NAME' --auth='$AUTH' $pwopt" >/dev/null
  rm -f /run/postgresql/pw
  echo "host all all all $AUTH" >>"$PGDATA/pg_hba.conf"
  as_pg "$PGBIN/pg_ctl -D '$PGDATA' -o '-c listen_addresses=' -w start" >/dev/null
  if [ "$DB" != postgres ]; then
    as_pg "psql -v ON_ERROR_STOP=1 -U '$USER_NAME' -d postgres -c 'CREATE DATABASE \"$DB\"'" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "running $f"; as_pg "psql -v ON_ERROR_STOP=1 -U '$USER_NAME' -d '$DB' -f '$f'" ;;
      *.sh) echo "running $f"; . "$f" ;;
    esac
  done
  as_pg "$PGBIN/pg_ctl -D '$PGDATA' -m fast -w stop" >/dev/null
fi
echo "PostgreSQL stand-in ready to start"
exec setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$PGDATA" -c "listen_addresses=*" "$@"
