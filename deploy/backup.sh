#!/usr/bin/env bash
# Backs up one gateway into one archive (tar.gz): the gateway database as a pg_dump custom-format dump, and the data
# directory's CA material and generated secrets, with a manifest and SHA-256 checksums. Online: the gateway keeps
# serving (pg_dump takes a consistent snapshot).
#
#   deploy/backup.sh --data-dir ./data --out gateway-backup.tar.gz                 # embedded PostgreSQL (running)
#   deploy/backup.sh --data-dir ./data --database-url postgres://u@h/gateway --out b.tar.gz   # external PostgreSQL
#   ... --include-passphrase   also store <data-dir>/ca/passphrase (dev mode); otherwise it is left out
#
# What the archive holds: db.dump (every certificate, enrollment, revocation, credential hash and encrypted secret,
# profile and audit event); files/ca/*.crt and *.key (the CA keys, PKCS#8 encrypted with the CA passphrase);
# files/credential-key (the key that decrypts stored credential secrets: protect the archive like that key);
# files/admin-api-key (when generated); files/tls/ (the gateway's own TLS certificate and key).
# Not in it unless --include-passphrase: ca/passphrase. Keep the passphrase apart from the archive.
set -euo pipefail
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA_DIR=""; DB_URL=""; OUT=""; WITH_PASSPHRASE=0; DB_NAME="${DB_NAME:-gateway}"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --database-url) DB_URL=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --include-passphrase) WITH_PASSPHRASE=1; shift ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "backup: unknown option $1" >&2; exit 1 ;;
  esac
done
die() { echo "backup: $*" >&2; exit 1; }
[ -n "$DATA_DIR" ] && [ -d "$DATA_DIR" ] || die "--data-dir <the gateway's Gateway:DataDir> is required"
[ -n "$OUT" ] || die "--out <archive.tar.gz> is required"
[ -f "$DATA_DIR/ca/issuing.key" ] || die "$DATA_DIR/ca has no issuing.key (with Gateway:Ca:Directory elsewhere, back that directory up too)"

STAGE=$(mktemp -d); trap 'rm -rf "$STAGE"' EXIT
chmod 700 "$STAGE"; mkdir -p "$STAGE/files"

# The database first: a certificate issued after the dump is not in it, but every CA file it could need already is.
if [ -n "$DB_URL" ]; then
  "$PG_BIN/pg_dump" -Fc --no-owner -d "$DB_URL" >"$STAGE/db.dump" || die "pg_dump of $DB_URL failed"
else
  pidfile="$DATA_DIR/pg/postmaster.pid"
  [ -f "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null || die "the embedded PostgreSQL in $DATA_DIR/pg is not running (start the gateway, or give --database-url)"
  port=$(sed -n 4p "$pidfile"); sock=$(sed -n 5p "$pidfile")
  owner=$(stat -c %U "$DATA_DIR/pg")
  runuser -u "$owner" -- "$PG_BIN/pg_dump" -Fc --no-owner -h "$sock" -p "$port" -d "$DB_NAME" >"$STAGE/db.dump" \
    || die "pg_dump of the embedded database failed"
fi

for f in ca tls credential-key admin-api-key; do
  [ -e "$DATA_DIR/$f" ] && cp -a "$DATA_DIR/$f" "$STAGE/files/"
done
rm -f "$STAGE/files/ca/.lock"
[ "$WITH_PASSPHRASE" = 1 ] || rm -f "$STAGE/files/ca/passphrase"

(cd "$STAGE" && find . -type f ! -name SHA256SUMS ! -name manifest.json -printf '%P\n' | sort | xargs sha256sum >SHA256SUMS)
jq -n --arg created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg source "$(cd "$DATA_DIR" && pwd)" \
  --arg database "$([ -n "$DB_URL" ] && echo external || echo embedded)" --arg pgdump "$("$PG_BIN/pg_dump" --version)" \
  --argjson passphrase "$([ "$WITH_PASSPHRASE" = 1 ] && [ -f "$STAGE/files/ca/passphrase" ] && echo true || echo false)" \
  --rawfile sums "$STAGE/SHA256SUMS" \
  '{format: "gateway-backup/1", created: $created, sourceDataDir: $source, database: $database, pgDump: $pgdump,
    caPassphraseIncluded: $passphrase, files: ($sums | split("\n") | map(select(length > 0) | split("  ") | {sha256: .[0], path: .[1]}))}' \
  >"$STAGE/manifest.json"
umask 077
tar -C "$STAGE" -czf "$OUT" manifest.json SHA256SUMS db.dump files
echo "backup: $OUT ($(du -h "$OUT" | cut -f1)); CA passphrase $([ "$WITH_PASSPHRASE" = 1 ] && echo INCLUDED || echo "not included")"
