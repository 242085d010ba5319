#!/bin/sh
# Entrypoint of every Python container (web, asgi, celery_worker, celery_beat, migrate).
#
# Waits for PostgreSQL, then runs the container's command. `release` is the one-shot step of a
# deployment (the `migrate` service): migrations and collectstatic, once, before the other
# services start (they wait for it with `condition: service_completed_successfully`).
set -eu

wait_for_database() {
    tries=0
    until python - <<'PY'
import os, sys
import psycopg
try:
    psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=3).close()
except psycopg.OperationalError:
    sys.exit(1)
PY
    do
        tries=$((tries + 1))
        if [ "$tries" -ge "${DB_WAIT_TRIES:-60}" ]; then
            echo "entrypoint: the database did not answer after $tries tries" >&2
            exit 1
        fi
        sleep 2
    done
}

wait_for_database

if [ "${1:-}" = "release" ]; then
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput -v 0
    exit 0
fi

exec "$@"
