#!/bin/sh
# Least-privilege database users, one per service (run once by the postgres image on an empty data
# directory; run the same statements by hand on a managed PostgreSQL, see docs/operations.md):
# each service's user owns its own database (Flyway creates the schema there), can connect to no
# other, and is neither superuser nor allowed to create databases or roles.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v forum_user="$FORUM_DB_USER" -v forum_password="$FORUM_DB_PASSWORD" \
  -v notify_user="$NOTIFY_DB_USER" -v notify_password="$NOTIFY_DB_PASSWORD" <<'SQL'
CREATE ROLE :"forum_user" LOGIN PASSWORD :'forum_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE forum OWNER :"forum_user";
REVOKE ALL ON DATABASE forum FROM PUBLIC;
CREATE ROLE :"notify_user" LOGIN PASSWORD :'notify_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE forum_notify OWNER :"notify_user";
REVOKE ALL ON DATABASE forum_notify FROM PUBLIC;
SQL
