#!/usr/bin/env bash
# Restores a deploy/backup.sh archive into an empty data directory (embedded PostgreSQL) or an empty external database.
# Checks every file against SHA256SUMS first and refuses a non-empty target.
#
#   deploy/restore.sh --archive b.tar.gz --data-dir ./data-restored [--passphrase-file pass]        # embedded
#   deploy/restore.sh --archive b.tar.gz --data-dir ./data-restored --database-url postgres://u@h/empty_db
#
# Embedded: the CA material and secrets go into the data directory first; the gateway (--server-dll, default the
# Release or Debug build of src/Gateway.Server) is started once on it so it creates its embedded PostgreSQL the way it
# always does, then stopped; the dump replaces that fresh database (pg_restore). Then start the gateway as usual on
# the data directory. --passphrase-file writes ca/passphrase (dev mode); otherwise configure Gateway:Ca:Passphrase.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
ARCHIVE=""; DATA_DIR=""; DB_URL=""; PASSFILE=""; SERVER_DLL=""; DB_NAME="${DB_NAME:-gateway}"
while [ $# -gt 0 ]; do
  case "$1" in
    --archive) ARCHIVE=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --database-url) DB_URL=$2; shift 2 ;;
    --passphrase-file) PASSFILE=$2; shift 2 ;;
    --server-dll) SERVER_DLL=$2; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "restore: unknown option $1" >&2; exit 1 ;;
  esac
done
die() { echo "restore: $*" >&2; exit 1; }
[ -f "$ARCHIVE" ] || die "--archive <backup.tar.gz> is required"
[ -n "$DATA_DIR" ] || die "--data-dir <new Gateway:DataDir> is required"
if [ -d "$DATA_DIR" ] && [ -n "$(ls -A "$DATA_DIR")" ]; then die "$DATA_DIR is not empty"; fi
mkdir -p "$DATA_DIR"; chmod 700 "$DATA_DIR"; DATA_DIR=$(cd "$DATA_DIR" && pwd)

STAGE=$(mktemp -d); chmod 700 "$STAGE"
GW_PID=""
cleanup() { [ -n "$GW_PID" ] && kill -KILL -- "-$GW_PID" 2>/dev/null; rm -rf "$STAGE"; }
trap cleanup EXIT
tar -C "$STAGE" -xzf "$ARCHIVE"
[ "$(jq -r .format "$STAGE/manifest.json")" = gateway-backup/1 ] || die "not a gateway backup (manifest.json)"
(cd "$STAGE" && sha256sum --quiet -c SHA256SUMS) || die "checksum mismatch: the archive is damaged"

cp -a "$STAGE/files/." "$DATA_DIR/"
if [ -n "$PASSFILE" ]; then install -m 600 "$PASSFILE" "$DATA_DIR/ca/passphrase"; fi
[ -f "$DATA_DIR/ca/passphrase" ] || echo "restore: no ca/passphrase in $DATA_DIR: start the gateway with Gateway:Ca:Passphrase" >&2

if [ -n "$DB_URL" ]; then
  "$PG_BIN/pg_restore" --no-owner --exit-on-error -d "$DB_URL" "$STAGE/db.dump" || die "pg_restore into $DB_URL failed"
  echo "restore: done; start the gateway with --Gateway:DataDir=$DATA_DIR and ConnectionStrings:Gateway for that database"
  exit 0
fi

# Embedded: let the gateway create its PostgreSQL cluster, then replace the database with the dump.
if [ -z "$SERVER_DLL" ]; then
  for c in Release Debug; do
    f="$ROOT/src/Gateway.Server/bin/$c/net10.0/Gateway.Server.dll"; [ -f "$f" ] && { SERVER_DLL=$f; break; }
  done
fi
[ -f "$SERVER_DLL" ] || die "no gateway build found: build src/Gateway.Server or give --server-dll"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p; while :; do p=$((20000 + RANDOM % 12000)); port_free "$p" && { echo "$p"; return; }; done; }
HP=$(pick_port); SP=$(pick_port)
setsid dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$HP" --Gateway:DataDir="$DATA_DIR" --Gateway:Cluster:SiloPort="$SP" \
  >"$STAGE/first-start.log" 2>&1 </dev/null &
GW_PID=$!
for i in $(seq 1 240); do
  kill -0 "$GW_PID" 2>/dev/null || { tail -20 "$STAGE/first-start.log" >&2; die "the gateway did not start on $DATA_DIR"; }
  curl -fsS -o /dev/null "http://127.0.0.1:$HP/health/ready" 2>/dev/null && break
  [ "$i" -eq 240 ] && { tail -20 "$STAGE/first-start.log" >&2; die "the gateway was not ready within 120 s"; }
  sleep 0.5
done
kill -TERM "$GW_PID"; for _ in $(seq 1 60); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.5; done
kill -KILL -- "-$GW_PID" 2>/dev/null || true; GW_PID=""
owner=$(stat -c %U "$DATA_DIR/pg")
pidfile="$DATA_DIR/pg/postmaster.pid"
for _ in $(seq 1 40); do [ -f "$pidfile" ] || break; sleep 0.5; done
[ -f "$pidfile" ] && die "the embedded PostgreSQL in $DATA_DIR/pg did not stop"
SOCK=$(mktemp -d); chown "$owner" "$SOCK"
PGP=$(pick_port)
as_pg() { runuser -u "$owner" -- "$@"; }
as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR/pg" -w -l "$SOCK/pg.log" -o "-c listen_addresses='' -k $SOCK -p $PGP" start >/dev/null \
  || { cat "$SOCK/pg.log" >&2; die "cannot start the embedded PostgreSQL for the restore"; }
restore_db() {
  as_pg "$PG_BIN/psql" -h "$SOCK" -p "$PGP" -d postgres -v ON_ERROR_STOP=1 -q \
    -c "drop database \"$DB_NAME\" with (force)" -c "create database \"$DB_NAME\" owner gateway" &&
    as_pg "$PG_BIN/pg_restore" --no-owner --role=gateway --exit-on-error -h "$SOCK" -p "$PGP" -d "$DB_NAME" <"$STAGE/db.dump"
}
rc=0; restore_db || rc=$?
as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR/pg" -w -m fast stop >/dev/null || true
rm -rf "$SOCK"
[ "$rc" -eq 0 ] || die "pg_restore failed"
echo "restore: done; start the gateway with --Gateway:DataDir=$DATA_DIR"
