#!/usr/bin/env bash
# Starts `cfssl serve` as the yardstick for the gateway's hot path: an ECDSA P-256 CA made by cfssl itself, a
# signing config that allows server auth for 90 days, listening on 127.0.0.1 only.
#
#   load-tests/run-cfssl.sh [PORT]          (default: $CFSSL_PORT or 8888)
#
# Prints, on stdout, two lines the caller can eval:
#   CFSSL_URL=http://127.0.0.1:PORT
#   CFSSL_PID=NNNN
# and leaves cfssl running in the background (its log and CA are in $CFSSL_DIR, default a new temp dir).
# Stop it with: kill $CFSSL_PID
set -euo pipefail

PORT="${1:-${CFSSL_PORT:-8888}}"
DIR="${CFSSL_DIR:-$(mktemp -d /tmp/cfssl-yardstick.XXXXXX)}"
mkdir -p "$DIR"

log() { echo "run-cfssl: $*" >&2; }

if ! command -v cfssl >/dev/null 2>&1; then
  log "cfssl not found; installing golang-cfssl with apt-get"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-cfssl >&2
fi
command -v cfssljson >/dev/null 2>&1 || { log "cfssljson missing (it ships with golang-cfssl)"; exit 1; }

cd "$DIR"
cat > ca-csr.json <<'JSON'
{
  "CN": "cfssl yardstick CA",
  "key": {"algo": "ecdsa", "size": 256},
  "names": [{"O": "Gateway load tests"}]
}
JSON
# Server-auth leaf certificates, 90 days: the same shape as the gateway's web-server profile. The "default"
# profile is used when the sign request names none, so the load scenario needs no "profile" field.
cat > config.json <<'JSON'
{
  "signing": {
    "default": {
      "usages": ["digital signature", "key encipherment", "server auth"],
      "expiry": "2160h"
    },
    "profiles": {
      "server": {
        "usages": ["digital signature", "key encipherment", "server auth"],
        "expiry": "2160h"
      }
    }
  }
}
JSON
cfssl gencert -initca ca-csr.json 2>gencert.log | cfssljson -bare ca
[ -s ca.pem ] && [ -s ca-key.pem ] || { log "CA generation failed:"; cat gencert.log >&2; exit 1; }

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "port $PORT on 127.0.0.1 is already in use"; exit 1
fi

cfssl serve -address 127.0.0.1 -port "$PORT" -ca ca.pem -ca-key ca-key.pem -config config.json \
  -loglevel "${CFSSL_LOGLEVEL:-2}" >serve.log 2>&1 &
PID=$!
echo "$PID" > cfssl.pid

URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  if ! kill -0 "$PID" 2>/dev/null; then log "cfssl serve exited:"; cat serve.log >&2; exit 1; fi
  # /api/v1/cfssl/info answers a POST with the CA certificate once the server is up.
  if curl -fsS -o /dev/null -X POST -d '{}' "$URL/api/v1/cfssl/info" 2>/dev/null; then
    log "cfssl serve is up at $URL (pid $PID, dir $DIR)"
    echo "CFSSL_URL=$URL"
    echo "CFSSL_PID=$PID"
    echo "CFSSL_DIR=$DIR"
    exit 0
  fi
  sleep 0.1
done
log "cfssl serve did not answer within 10 s:"; cat serve.log >&2
kill "$PID" 2>/dev/null || true
exit 1
