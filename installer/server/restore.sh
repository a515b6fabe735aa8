#!/usr/bin/env bash
# Restore a backup made by backup.sh into the database named by DATABASE_URL.
#
#   systemctl stop mykey-cloud                       # no writes during the restore
#   DATABASE_URL=postgresql+psycopg://… installer/server/restore.sh /var/backups/mykey-cloud/mykey-….dump --yes
#   systemctl start mykey-cloud                      # init-db then brings the schema to head
#
# Replaces every object of the dump (pg_restore --clean --if-exists) inside ONE transaction:
# either the whole backup is restored or the database is left exactly as it was. Without --yes
# it only lists what it would restore. Use `latest` instead of a file name for the newest dump
# in MYKEY_BACKUP_DIR.
set -euo pipefail

log() { printf '%s restore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${DATABASE_URL:?DATABASE_URL is not set}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"
BACKUP_DIR="${MYKEY_BACKUP_DIR:-/var/backups/mykey-cloud}"

dump="${1:-}"
confirm="${2:-}"
[ -n "$dump" ] || die "usage: $0 <dump file|latest> [--yes]"
if [ "$dump" = latest ]; then
  dump="$(ls -1 "$BACKUP_DIR" 2>/dev/null | grep -E '^mykey-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.dump$' | sort | tail -n 1 || true)"
  [ -n "$dump" ] || die "no backup found in $BACKUP_DIR"
  dump="$BACKUP_DIR/$dump"
fi
[ -f "$dump" ] || die "no such file: $dump"
"$PG_RESTORE" --list "$dump" >/dev/null || die "not a pg_dump custom-format archive: $dump"
libpq_url="$(printf '%s' "$DATABASE_URL" | sed -E 's#^postgres(ql)?\+[a-z0-9]+://#postgresql://#')"

if [ "$confirm" != "--yes" ]; then
  "$PG_RESTORE" --list "$dump" | grep -E ' TABLE DATA ' >&2 || true
  log "dry run: add --yes to replace the database contents with $(basename "$dump")"
  exit 0
fi

log "restoring $(basename "$dump")"
"$PG_RESTORE" --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$libpq_url" "$dump"
log "done"
