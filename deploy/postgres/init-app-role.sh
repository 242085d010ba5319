#!/bin/sh
# Runs once, when the db container initialises an empty postgres_data volume (the official
# image runs /docker-entrypoint-initdb.d/*). The portal connects as POSTGRES_APP_USER: a login
# role without superuser rights that owns the portal's database, so it can migrate it and
# nothing else. The superuser (POSTGRES_USER) is kept for backups and maintenance.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v app_user="$POSTGRES_APP_USER" -v app_password="$POSTGRES_APP_PASSWORD" \
    -v database="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"app_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"database" OWNER TO :"app_user";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT ALL ON DATABASE :"database" TO :"app_user";
SQL
