#!/usr/bin/env bash
# OCSP GET throughput (RFC 5019) for a good and a revoked certificate, with wrk as the client.
#
#   load-tests/ocsp-wrk.sh [base-url] [admin-api-key] [wrk-args...]
#
# Defaults: http://127.0.0.1:5000 and $GATEWAY_ADMIN_KEY; wrk -t2 -c32 -d20s. Needs openssl, curl, python3, wrk
# (Debian: apt-get install -y wrk). Issues two web-server certificates through the admin API, revokes one
# (keyCompromise), builds the GET URL of each (no nonce, so the responder serves its pre-signed response), checks that
# OpenSSL reads 'good' / 'revoked' from them, runs one warm-up round, then measures each. Prints the machine's load
# before and after, since other processes sharing the cores change the figures.
set -euo pipefail
BASE=${1:-http://127.0.0.1:5000}
KEY=${2:-${GATEWAY_ADMIN_KEY:?set GATEWAY_ADMIN_KEY or pass the admin API key}}
shift $(( $# > 2 ? 2 : $# ))
WRK_ARGS=("$@")
[ ${#WRK_ARGS[@]} -gt 0 ] || WRK_ARGS=(-t2 -c32 -d20s)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

issue() { # name → <name>.pem, prints the serial
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" -addext "subjectAltName=DNS:$1" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  python3 -c 'import json,sys; print(json.dumps({"profile": "web-server", "csr": open(sys.argv[1]).read()}))' "$1.csr" > "$1.json"
  curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data @"$1.json" "$BASE/api/v1/enrollments" > "$1.out"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2], "w").write(d["certificate"]); print(d["serial"])' "$1.out" "$1.pem"
}

get_url() { # certificate → GET URL of its OCSP request
  openssl ocsp -issuer issuing.pem -cert "$1" -no_nonce -reqout "$1.req" >/dev/null
  python3 -c 'import base64,sys,urllib.parse; print(sys.argv[2] + "/ocsp/" + urllib.parse.quote(base64.b64encode(open(sys.argv[1],"rb").read()).decode(), safe=""))' "$1.req" "$BASE"
}

curl -sf "$BASE/ca/default.crt" -o issuing.der && openssl x509 -inform DER -in issuing.der -out issuing.pem
good_serial=$(issue "ocsp-good-$RANDOM.example.test")
revoked_serial=$(issue "ocsp-revoked-$RANDOM.example.test")
curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"reason":"keyCompromise"}' \
  "$BASE/api/v1/certificates/$revoked_serial/revoke" >/dev/null
good_url=$(get_url ocsp-good-*.pem)
revoked_url=$(get_url ocsp-revoked-*.pem)
curl -sf "$good_url" -o good.der && openssl ocsp -respin good.der -resp_text -noverify | grep -q 'Cert Status: good'
curl -sf "$revoked_url" -o revoked.der && openssl ocsp -respin revoked.der -resp_text -noverify | grep -q 'Cert Status: revoked'
echo "good $good_serial, revoked $revoked_serial"

wrk -t2 -c16 -d5s "$good_url" >/dev/null # warm-up (JIT tiering)
for kind in good revoked; do
  url=${kind}_url
  echo "== $kind: wrk ${WRK_ARGS[*]} ${!url}"
  echo "load before: $(uptime)"
  wrk "${WRK_ARGS[@]}" "${!url}"
  echo "load after:  $(uptime)"
done
