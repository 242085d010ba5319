#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh: the database, then the uploaded files.
#
#   deploy/restore.sh [--force] [--no-media] /backups/backup_YYYYMMDD.sql.gz
#
# The database named by DATABASE_URL is created if it does not exist (the role needs CREATEDB).
# If it already holds tables, nothing happens without --force; with --force everything in its
# `public` schema is replaced, in one transaction (a failed restore leaves it as it was).
# Stop the portal's processes first. Run it with the portal's own DATABASE_URL, so the
# restored tables belong to the role the portal connects as.
# The uploaded files come from media_YYYYMMDD.tar.gz beside the dump (the same date), unpacked
# over MEDIA_ROOT and PRIVATE_MEDIA_ROOT: files in the archive replace files of the same name,
# others are left alone.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDIA_ROOT="${MEDIA_ROOT:-$ROOT/var/media}"
PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$ROOT/var/private}"

log() { printf '%s restore: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { printf '%s restore FAILED: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >&2; exit 1; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

force=0 media=1 dump=""
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        --no-media) media=0 ;;
        -h | --help) usage ;;
        -*) fail "unknown option $arg (see --help)." ;;
        *) [[ -z "$dump" ]] || fail "give one backup file."; dump="$arg" ;;
    esac
done
[[ -n "$dump" ]] || usage
[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set."
[[ -f "$dump" ]] || fail "no such backup file: $dump"
gzip -t "$dump" 2>/dev/null || fail "$dump is not a complete gzip file."

psql_q() { psql "$1" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 "${@:2}"; }

# The database: create it when missing, refuse to overwrite one with tables unless --force.
base="${DATABASE_URL%%\?*}" query=""
[[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
dbname="${base##*/}"
if ! error="$(psql_q "$DATABASE_URL" --command 'SELECT 1' 2>&1 >/dev/null)"; then
    [[ "$error" == *"does not exist"* ]] || fail "cannot connect to the database: $error"
    log "database $dbname does not exist; creating it"
    psql_q "${base%/*}/postgres${query}" --command "CREATE DATABASE \"${dbname//\"/\"\"}\"" \
        || fail "could not create database $dbname (the role needs CREATEDB, or create it first)."
fi
tables="$(psql_q "$DATABASE_URL" --command \
    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
prepare=""
if ((tables > 0)); then
    ((force)) || fail "database $dbname is not empty ($tables tables). Stop the portal, then run again with --force to replace its contents with the backup."
    log "replacing the $tables tables of database $dbname"
    prepare="SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
fi

log "restoring $dump into database $dbname"
{ echo "$prepare"; gunzip -c "$dump"; } \
    | psql_q "$DATABASE_URL" --single-transaction --file=- >/dev/null \
    || fail "the database restore stopped (message above); database $dbname is unchanged."
psql_q "$DATABASE_URL" --command "ANALYZE" >/dev/null

# The uploaded files.
archive="$(dirname "$dump")/$(basename "$dump" | sed 's/^backup_\(.*\)\.sql\.gz$/media_\1.tar.gz/')"
if ((media)); then
    if [[ ! -f "$archive" || "$archive" == "$dump" ]]; then
        log "warning: no media archive beside the dump ($archive); uploaded files not restored"
    else
        work="$(mktemp -d)"
        trap 'rm -rf "$work"' EXIT
        tar --extract --gzip --file "$archive" --directory "$work" \
            || fail "could not unpack $archive."
        for pair in "media:$MEDIA_ROOT" "private:$PRIVATE_MEDIA_ROOT"; do
            name="${pair%%:*}" folder="${pair#*:}"
            [[ -d "$work/$name" ]] || continue
            mkdir -p "$folder"
            cp -a "$work/$name/." "$folder/" || fail "could not copy the $name files to $folder."
            log "restored $name files into $folder"
        done
    fi
fi
log "done"
