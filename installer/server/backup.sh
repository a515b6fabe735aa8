#!/usr/bin/env bash
# Backup of the MyKey points cloud database: pg_dump custom format (-Fc), verified, rotated.
#
#   DATABASE_URL=postgresql+psycopg://user:pw@host:5432/mykey \
#   MYKEY_BACKUP_DIR=/var/backups/mykey-cloud MYKEY_BACKUP_KEEP=14 installer/server/backup.sh
#
# Writes <dir>/mykey-<UTC timestamp>.dump atomically (temporary name, then rename), checks it is
# a readable archive (pg_restore --list), then deletes all but the newest KEEP dumps. The
# SQLAlchemy driver suffix (+psycopg) is removed from the URL for libpq. Exit status != 0 on any
# failure, so the systemd unit / cron mail reports it. The password is never printed.
set -euo pipefail
umask 077

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${DATABASE_URL:?DATABASE_URL is not set}"
BACKUP_DIR="${MYKEY_BACKUP_DIR:-/var/backups/mykey-cloud}"
KEEP="${MYKEY_BACKUP_KEEP:-14}"
PG_DUMP="${PG_DUMP:-pg_dump}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"

[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || die "MYKEY_BACKUP_KEEP must be a positive integer: $KEEP"
case "$DATABASE_URL" in
  postgresql*|postgres*) ;;
  *) die "only PostgreSQL databases are backed up by this script (SQLite: copy the file)" ;;
esac
libpq_url="$(printf '%s' "$DATABASE_URL" | sed -E 's#^postgres(ql)?\+[a-z0-9]+://#postgresql://#')"

mkdir -p "$BACKUP_DIR"
exec 9>"$BACKUP_DIR/.backup.lock"
flock -n 9 || die "another backup is running"

stamp="$(date -u +%Y%m%dT%H%M%S.%3NZ)"
target="$BACKUP_DIR/mykey-$stamp.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

log "dumping to $(basename "$target")"
"$PG_DUMP" --format=custom --compress=6 --no-owner --no-privileges --file="$partial" \
  --dbname="$libpq_url"
"$PG_RESTORE" --list "$partial" >/dev/null || die "the dump is not a readable archive"
mv "$partial" "$target"
log "done: $(basename "$target") ($(stat -c %s "$target") bytes)"

# Rotation: newest first by name (the UTC timestamp sorts), keep $KEEP.
mapfile -t old < <(ls -1 "$BACKUP_DIR" | grep -E '^mykey-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.dump$' | sort -r \
                     | tail -n +"$((KEEP + 1))")
for name in "${old[@]}"; do
  rm -f -- "$BACKUP_DIR/$name"
  log "rotated out $name"
done
