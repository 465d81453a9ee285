#!/usr/bin/env bash
# Backup and restore, end to end (issue 14 item 9): start a gateway on a throwaway data directory, enroll three
# certificates, revoke one (keyCompromise), back up with deploy/backup.sh while it runs, stop it, restore with
# deploy/restore.sh into a fresh data directory, start the restored gateway and check it serves the same certificates
# (same SHA-256 fingerprints), the same CRL content (revoked serials) and the same OCSP answers (good/revoked).
# Environment: CONFIGURATION=Debug, HTTP_PORT=5280 HTTPS_PORT=5643 SILO_PORT=21311, OUT_DIR, KEEP_WORK=1.
# Exit status 0 when the restored gateway answers the same, 2 when it does not, 1 on a setup error.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CONFIGURATION="${CONFIGURATION:-Debug}"
HTTP_PORT="${HTTP_PORT:-5280}"; HTTPS_PORT="${HTTPS_PORT:-5643}"; SILO_PORT="${SILO_PORT:-21311}"
OUT_DIR="${OUT_DIR:-tests/crash/results/backup-$(date -u +%Y%m%d-%H%M%S)}"
LOG_PREFIX=backup-test
# shellcheck source=../../load-tests/lib/common.sh
. "$ROOT/load-tests/lib/common.sh"
mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/gateway-backup.XXXXXX)"; chmod 755 "$WORK"
SERVER_DLL="$ROOT/src/Gateway.Server/bin/$CONFIGURATION/net10.0/Gateway.Server.dll"
[ -f "$SERVER_DLL" ] || die "build src/Gateway.Server ($CONFIGURATION) first"
GATEWAY_PID=""; STATUS=0
cleanup() {
  local rc=$?; trap - EXIT
  stop_node "$GATEWAY_PID"; stop_postgres "$WORK/a"; stop_postgres "$WORK/b"
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] && rc=$STATUS; exit "$rc"
}
trap cleanup EXIT
require_free_ports "$HTTP_PORT" "$HTTPS_PORT" "$SILO_PORT"
API_KEY="backup-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export Gateway__Admin__BootstrapApiKey="$API_KEY"
URL="http://127.0.0.1:$HTTP_PORT"; AUTH="Authorization: Bearer $API_KEY"
start() {  # data-dir log
  start_node "$2" --urls "$URL;https://127.0.0.1:$HTTPS_PORT" --Gateway:DataDir="$1" --Gateway:Cluster:SiloPort="$SILO_PORT"
  GATEWAY_PID=$STARTED_PID; wait_ready "$GATEWAY_PID" "$URL" "$2"
}

# What a relying party sees: per serial the fingerprint and the OCSP status; the CRL's revoked serials.
snapshot() {  # out-file
  curl -fsS "$URL/ca/chain.pem" | awk '/BEGIN/{n++} n==1' >"$WORK/issuer.pem"
  local s
  for s in $(cat "$WORK/serials"); do
    printf '%s %s %s\n' "$s" "$(curl -fsS -H "$AUTH" "$URL/api/v1/certificates/$s" | jq -r '.sha256Fingerprint + " " + .status')" \
      "$(openssl ocsp -issuer "$WORK/issuer.pem" -serial "0x$s" -url "$URL/ocsp" -noverify 2>/dev/null | sed -n 's/^0x[0-9A-Fa-f]*: *//p' | head -1)"
  done >"$1"
  curl -fsS "$URL/crl/default.crl" | openssl crl -inform DER -noout -text | sed -n 's/^ *Serial Number: *//p' | tr 'A-F' 'a-f' | sort \
    | sed 's/^/crl-revoked /' >>"$1"
}

log "gateway A on $WORK/a"
start "$WORK/a" "$OUT_DIR/gateway-a.log"
: >"$WORK/serials"
for i in 1 2 3; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=backup-$i" \
    -addext "subjectAltName=DNS:backup-$i.backup.test" -keyout "$WORK/$i.key" -out "$WORK/$i.csr" 2>/dev/null
  jq -n --rawfile csr "$WORK/$i.csr" '{profile: "iot-device", csr: $csr}' |
    curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/enrollments" | jq -r .serial >>"$WORK/serials"
done
REVOKED=$(sed -n 2p "$WORK/serials")
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -d '{"reason": "keyCompromise"}' "$URL/api/v1/certificates/$REVOKED/revoke" >/dev/null
for _ in $(seq 1 40); do  # the CRL is republished after the revocation (debounced)
  curl -fsS "$URL/crl/default.crl" | openssl crl -inform DER -noout -text | grep -qi "$REVOKED" && break; sleep 0.5
done
snapshot "$WORK/before.txt"
log "backup while A runs"
"$ROOT/deploy/backup.sh" --data-dir "$WORK/a" --out "$WORK/backup.tar.gz"
stop_node "$GATEWAY_PID"; GATEWAY_PID=""; stop_postgres "$WORK/a"

log "restore into $WORK/b"
"$ROOT/deploy/restore.sh" --archive "$WORK/backup.tar.gz" --data-dir "$WORK/b" --passphrase-file "$WORK/a/ca/passphrase" --server-dll "$SERVER_DLL"
start "$WORK/b" "$OUT_DIR/gateway-b.log"
for _ in $(seq 1 40); do
  curl -fsS "$URL/crl/default.crl" | openssl crl -inform DER -noout -text | grep -qi "$REVOKED" && break; sleep 0.5
done
snapshot "$WORK/after.txt"
cp "$WORK/before.txt" "$WORK/after.txt" "$OUT_DIR/"
cat "$WORK/after.txt"
if diff -u "$WORK/before.txt" "$WORK/after.txt"; then
  grep -q "^$REVOKED .* revoked revoked$" "$WORK/after.txt" && grep -q "^crl-revoked $REVOKED$" "$WORK/after.txt" \
    && [ "$(grep -c ' valid good$\| good good$\|good$' "$WORK/after.txt")" -ge 2 ] \
    && { log "restored gateway answers the same"; exit 0; }
  log "the snapshots agree but do not show one revoked and two good certificates"; STATUS=2
else
  log "the restored gateway answers differently"; STATUS=2
fi
