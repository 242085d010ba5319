#!/usr/bin/env bash
# Daily backup: the database (pg_dump, plain SQL, gzip) and the uploaded files (media and
# private media, one tar.gz), into BACKUP_DIR as backup_YYYYMMDD.sql.gz and media_YYYYMMDD.tar.gz.
# Keeps the last BACKUP_KEEP_DAYS days (7) and deletes older ones. Safe to run again the same
# day: each file is written under a temporary name and renamed into place when complete.
#
#   DATABASE_URL=postgres://user:pass@host:5432/school_portal BACKUP_DIR=/backups deploy/backup.sh
#
# Environment: DATABASE_URL (required), BACKUP_DIR (/backups), BACKUP_KEEP_DAYS (7),
# MEDIA_ROOT and PRIVATE_MEDIA_ROOT (var/media and var/private under the project), the same
# variables the portal reads; a folder that does not exist is skipped with a warning.
set -Eeuo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-7}"
MEDIA_ROOT="${MEDIA_ROOT:-$ROOT/var/media}"
PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$ROOT/var/private}"
STAMP="$(date +%Y%m%d)"

log() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { printf '%s backup FAILED: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >&2; exit 1; }

[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set."
[[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP_DAYS must be a whole number of days, not '$KEEP_DAYS'."
command -v pg_dump >/dev/null || fail "pg_dump is not installed (Debian: apt-get install postgresql-client)."
mkdir -p "$BACKUP_DIR" || fail "cannot create the backup folder $BACKUP_DIR."
[[ -w "$BACKUP_DIR" ]] || fail "the backup folder $BACKUP_DIR is not writable by $(id -un)."

# One backup at a time (cron and a manual run may overlap).
exec 9>"$BACKUP_DIR/.backup.lock"
flock -n 9 || fail "another backup is running (lock $BACKUP_DIR/.backup.lock)."

rm -rf "$BACKUP_DIR"/.in-progress.*  # left behind by a run that was killed
WORK="$(mktemp -d "$BACKUP_DIR/.in-progress.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# A wrong URL, password or database name fails here, with PostgreSQL's own words.
if ! error="$(psql "$DATABASE_URL" --no-psqlrc --quiet --tuples-only --command 'SELECT 1' 2>&1 >/dev/null)"; then
    fail "cannot connect to the database: ${error:-unknown error}"
fi

DB_FILE="backup_${STAMP}.sql.gz"
log "dumping the database to $BACKUP_DIR/$DB_FILE"
pg_dump --dbname="$DATABASE_URL" --no-owner --no-privileges --format=plain \
    | gzip -6 >"$WORK/$DB_FILE" \
    || fail "pg_dump did not finish (see its message above); the previous backups are untouched."
gzip -t "$WORK/$DB_FILE" || fail "the compressed dump is corrupt."

MEDIA_FILE="media_${STAMP}.tar.gz"
# The archive holds the folders as media/ and private/, whatever their paths on this machine.
mkdir "$WORK/stage"
for pair in "media:$MEDIA_ROOT" "private:$PRIVATE_MEDIA_ROOT"; do
    name="${pair%%:*}" folder="${pair#*:}"
    if [[ -d "$folder" ]]; then
        ln -s "$folder" "$WORK/stage/$name"
    else
        log "warning: $name folder $folder does not exist; it is left out"
        mkdir "$WORK/stage/$name"
    fi
done
log "archiving uploaded files to $BACKUP_DIR/$MEDIA_FILE"
tar --create --gzip --file "$WORK/$MEDIA_FILE" --directory "$WORK/stage" \
    --dereference media private \
    || fail "could not archive the uploaded files."

# Both complete: rename into place (atomic on one file system); same-day files are replaced.
mv -f "$WORK/$DB_FILE" "$BACKUP_DIR/$DB_FILE"
mv -f "$WORK/$MEDIA_FILE" "$BACKUP_DIR/$MEDIA_FILE"

# Retention by the date in the name: today and the KEEP_DAYS - 1 days before it stay.
cutoff="$(date -d "-${KEEP_DAYS} days" +%Y%m%d)"
shopt -s nullglob
for old in "$BACKUP_DIR"/backup_[0-9]*.sql.gz "$BACKUP_DIR"/media_[0-9]*.tar.gz; do
    day="$(basename "$old")"
    day="${day#*_}"
    day="${day%%.*}"
    if [[ "$day" =~ ^[0-9]{8}$ ]] && ((10#$day <= 10#$cutoff)); then
        log "deleting $(basename "$old") (older than $KEEP_DAYS days)"
        rm -f -- "$old"
    fi
done

log "done: $DB_FILE ($(du -h "$BACKUP_DIR/$DB_FILE" | cut -f1)), $MEDIA_FILE ($(du -h "$BACKUP_DIR/$MEDIA_FILE" | cut -f1))"
