#!/bin/sh
# One-shot (temporalio/admin-tools): creates Temporal's two databases on PostgreSQL and brings their
# schemas to this server version. Safe to run again; an upgrade runs it with the new image.
set -eu
: "${SQL_HOST:?SQL_HOST is required}"
: "${SQL_USER:?SQL_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
SQL_PORT="${SQL_PORT:-5432}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do echo "waiting for PostgreSQL at $SQL_HOST:$SQL_PORT"; sleep 2; done

sql() { temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" "$@"; }
for db in temporal temporal_visibility; do
  case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
  sql --db "$db" create || echo "database $db already exists"
  sql --db "$db" setup-schema -v 0.0 || echo "schema of $db already set up"
  sql --db "$db" update-schema -d "$SCHEMA_DIR/$dir/versioned"
done
echo "Temporal schema ready"
