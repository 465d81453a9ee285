#!/usr/bin/env bash
# Crash consistency, measured (issue 14). Starts one gateway (embedded PostgreSQL, throwaway data directory), runs admin
# API and EST enrollment load from several clients that record every certificate they receive (serial, SHA-256 of the
# DER), then either kills the gateway with SIGKILL mid-load (mode `kill`; the gateway is started again on the same data
# directory) or terminates the gateway's PostgreSQL backends with pg_terminate_backend mid-load (mode `pgterm`; the
# gateway stays up). Afterwards it proves:
#   - every certificate a client received is in the store (GET /api/v1/certificates/<serial>, same SHA-256) with at
#     least one event (GET .../history) and answers `good` over OCSP (openssl ocsp against <base>/ocsp);
#   - no serial was received twice;
#   - every admin enrollment left in flight (sent, and no answer or a 5xx) is retried with the same transaction id and CSR: it
#     either finishes (201 with a certificate that is then in the store) or fails cleanly (a 4xx problem); a 5xx or no
#     answer counts as a failed retry.
# One summary line per run: mode, received, found, lost, duplicated, ocsp-not-good, in-flight, retried ok/failed, and
# answers-5xx (admin and EST answers with a 5xx status during the load: reported, not a failure of the run).
#
#   tests/crash/crash-consistency.sh                  # the full variant: --runs 5 --modes "kill pgterm" --load 20
#   tests/crash/crash-consistency.sh --short          # CI: one kill run, 4 s of load, 2 clients of each kind
#   tests/crash/crash-consistency.sh --runs 2 --modes kill --load 10 --clients 3
#
# Environment: CONFIGURATION=Debug (Release for figures), SKIP_BUILD=1 (use the build output there), HTTP_PORT=5180
# HTTPS_PORT=5543 SILO_PORT=21211 (127.0.0.1), PG_TERMINATIONS=15 (pgterm mode: rounds of pg_terminate_backend on
# every client backend, 0.2 s apart), OUT_DIR=tests/crash/results/<UTC time>, KEEP_WORK=1.
# Exit status: 0 when every run is clean, 2 when a run lost, duplicated or left half-done anything, 1 on a setup error.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

RUNS=5; MODES="kill pgterm"; LOAD=20; CLIENTS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --load) LOAD=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --short) RUNS=1; MODES=kill; LOAD=4; CLIENTS=2; shift ;;
    -h|--help) sed -n 2,22p "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

CONFIGURATION="${CONFIGURATION:-Debug}"
HTTP_PORT="${HTTP_PORT:-5180}"
HTTPS_PORT="${HTTPS_PORT:-5543}"
SILO_PORT="${SILO_PORT:-21211}"
OUT_DIR="${OUT_DIR:-tests/crash/results/$(date -u +%Y%m%d-%H%M%S)}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_TERMINATIONS="${PG_TERMINATIONS:-15}"
LOG_PREFIX=crash
# shellcheck source=../../load-tests/lib/common.sh
. "$ROOT/load-tests/lib/common.sh"

for tool in dotnet openssl curl jq setsid sha256sum; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done
mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/gateway-crash.XXXXXX)"
chmod 755 "$WORK"
GATEWAY_PID=""; STATUS=0; CLIENT_PIDS=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -f "$WORK/stop" ] || touch "$WORK/stop" 2>/dev/null || true
  for p in "${CLIENT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_node "$GATEWAY_PID"
  stop_postgres "$WORK/data"
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] && rc=$STATUS
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

require_free_ports "$HTTP_PORT" "$HTTPS_PORT" "$SILO_PORT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then log "building ($CONFIGURATION)"; build src/Gateway.Server; fi
SERVER_DLL="$ROOT/src/Gateway.Server/bin/$CONFIGURATION/net10.0/Gateway.Server.dll"
[ -f "$SERVER_DLL" ] || die "build output missing: $SERVER_DLL"

API_KEY="crash-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export Gateway__Admin__BootstrapApiKey="$API_KEY"
HTTP_URL="http://127.0.0.1:$HTTP_PORT"
HTTPS_URL="https://127.0.0.1:$HTTPS_PORT"
AUTH="Authorization: Bearer $API_KEY"

start_gateway() {  # data-dir logfile
  start_node "$2" --urls "$HTTP_URL;$HTTPS_URL" --Gateway:DataDir="$1" --Gateway:Cluster:SiloPort="$SILO_PORT"
  GATEWAY_PID=$STARTED_PID
  wait_ready "$GATEWAY_PID" "$HTTP_URL" "$2"
}

# Kills the gateway's whole process group with SIGKILL (no shutdown of any kind); the embedded PostgreSQL daemonizes
# outside that group and is left to the next start, as after a real crash of the gateway process.
kill_gateway() {
  kill -KILL -- "-$GATEWAY_PID" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.25; done
  GATEWAY_PID=""
}

# pg_terminate_backend on every client backend of the embedded PostgreSQL (as the postgres OS user, over its socket).
terminate_backends() {  # data-dir
  local pidfile="$1/pg/postmaster.pid" port sock
  port=$(sed -n 4p "$pidfile"); sock=$(sed -n 5p "$pidfile")
  local n
  n=$(runuser -u postgres -- "$PG_BIN/psql" -h "$sock" -p "$port" -d postgres -At -c \
    "select count(pg_terminate_backend(pid)) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" \
    2>>"$OUT_DIR/psql.log") && log "pg_terminate_backend: $n backends" || log "psql could not terminate backends (see $OUT_DIR/psql.log)"
}

# One client: enrolls in a loop until $WORK/stop exists, with its own key and CSR (new certificate each time).
# (EST: a new key per request.) Records: received.tsv "kind serial sha256 txid", sent.tsv "txid" (admin, written before sending), done.tsv "txid
# http-status" (admin, written when an answer came).
client() {  # kind index run-dir
  local kind=$1 i=$2 dir=$3 n=0 name="crash-$1-$2" body code tx pem der
  local cdir="$dir/client-$kind-$i"; mkdir -p "$cdir"
  local san=(-addext "subjectAltName=DNS:$name.crash.test")
  [ "$kind" = est ] && san=()  # EST Basic: the credential binds the CN, and nothing else may be asked for
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    "${san[@]}" -keyout "$cdir/key.pem" -out "$cdir/csr.pem" 2>/dev/null
  openssl req -in "$cdir/csr.pem" -outform DER | base64 -w0 >"$cdir/csr.b64"
  local est_user=""
  if [ "$kind" = est ]; then  # an enrollment credential bound to this client's CN, without a use limit
    est_user=$(curl -fsS -H "$AUTH" -H 'Content-Type: application/json' \
      -d "$(jq -n --arg s "$name" '{profile: "iot-device", subjects: [$s], description: "crash-consistency EST load"}')" \
      "$HTTP_URL/api/v1/credentials" | jq -rj '.id + ":" + .secret') || { log "client $name: no credential"; return 1; }
  fi
  while [ ! -f "$WORK/stop" ]; do
    n=$((n + 1)); tx="$(basename "$dir")-$kind-$i-$n"
    if [ "$kind" = admin ]; then
      jq -n --rawfile csr "$cdir/csr.pem" --arg tx "$tx" '{profile: "iot-device", csr: $csr, transactionId: $tx}' >"$cdir/req.json"
      echo "$tx" >>"$dir/sent.tsv"
      code=$(curl -sS -m 30 -o "$cdir/resp" -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
        --data-binary @"$cdir/req.json" "$HTTP_URL/api/v1/enrollments" 2>/dev/null) || code=000
      [ "$code" = 000 ] || echo "$tx $code" >>"$dir/done.tsv"
      [ "$code" = 201 ] || continue
      pem=$(jq -r .certificate "$cdir/resp")
    else
      # A fresh key each time: an identical EST request is a replay and rightly gets the same certificate again.
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" -keyout "$cdir/key.pem" \
        -outform DER 2>/dev/null | base64 -w0 >"$cdir/csr.b64"
      code=$(curl -sS -m 30 -k -o "$cdir/resp" -w '%{http_code}' -u "$est_user" -H 'Content-Type: application/pkcs10' \
        --data-binary @"$cdir/csr.b64" "$HTTPS_URL/.well-known/est/simpleenroll" 2>/dev/null) || code=000
      echo "$code" >>"$dir/est-codes.txt"
      [ "$code" = 200 ] || continue
      pem=$(tr -d '\r\n' <"$cdir/resp" | base64 -d | openssl pkcs7 -inform DER -print_certs 2>/dev/null) || continue
    fi
    der=$(openssl x509 -outform DER <<<"$pem" | sha256sum | cut -d' ' -f1)
    echo "$kind $(openssl x509 -noout -serial <<<"$pem" | cut -d= -f2 | tr 'A-F' 'a-f') $der $tx" >>"$dir/received.tsv"
  done
}

ocsp_status() {  # serial(hex) -> good|revoked|unknown|error
  local out
  out=$(openssl ocsp -issuer "$WORK/issuer.pem" -serial "0x$1" -url "$HTTP_URL/ocsp" -noverify -timeout 10 2>/dev/null) \
    || { echo error; return; }
  sed -n 's/^0x[0-9A-Fa-f]*: *//p' <<<"$out" | head -1
}

# Checks one run's records against the running gateway; prints the summary line and sets STATUS=2 on a finding.
verify() {  # mode run-dir
  local mode=$1 dir=$2 received=0 found=0 lost=0 dup=0 notgood=0 inflight=0 rok=0 rfail=0
  touch "$dir/received.tsv" "$dir/sent.tsv" "$dir/done.tsv"
  received=$(wc -l <"$dir/received.tsv")
  dup=$(cut -d' ' -f2 "$dir/received.tsv" | sort | uniq -d | wc -l)
  while read -r kind serial sha tx; do
    local code view
    code=$(curl -sS -m 30 -o "$dir/view.json" -w '%{http_code}' -H "$AUTH" "$HTTP_URL/api/v1/certificates/$serial" || echo 000)
    if [ "$code" != 200 ] || [ "$(jq -r '.sha256Fingerprint' "$dir/view.json" | tr -d ':' | tr 'A-F' 'a-f')" != "$sha" ]; then
      lost=$((lost + 1)); echo "LOST $kind $serial $tx (HTTP $code)" >>"$dir/findings.txt"; continue
    fi
    view=$(curl -sS -m 30 -H "$AUTH" "$HTTP_URL/api/v1/certificates/$serial/history" | jq 'if type == "array" then length else (.items // []) | length end' 2>/dev/null || echo 0)
    if [ "${view:-0}" -lt 1 ]; then lost=$((lost + 1)); echo "NO-EVENTS $kind $serial $tx" >>"$dir/findings.txt"; continue; fi
    found=$((found + 1))
    local st; st=$(ocsp_status "$serial")
    [ "$st" = good ] || { notgood=$((notgood + 1)); echo "OCSP-$st $kind $serial $tx" >>"$dir/findings.txt"; }
  done <"$dir/received.tsv"
  # Admin enrollments sent without an answer: retry each with the same transaction id and CSR.
  local tx
  while read -r tx; do
    inflight=$((inflight + 1))
    local client_dir
    client_dir="$dir/client-admin-$(awk -F- '{print $(NF-1)}' <<<"$tx")"
    local code
    code=$(jq -n --rawfile csr "$client_dir/csr.pem" --arg tx "$tx" '{profile: "iot-device", csr: $csr, transactionId: $tx}' |
      curl -sS -m 30 -o "$dir/retry.json" -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' --data-binary @- \
        "$HTTP_URL/api/v1/enrollments" 2>/dev/null || echo 000)
    if [ "$code" = 201 ]; then
      local serial; serial=$(jq -r .serial "$dir/retry.json" | tr 'A-F' 'a-f')
      if [ "$(curl -sS -o /dev/null -w '%{http_code}' -H "$AUTH" "$HTTP_URL/api/v1/certificates/$serial")" = 200 ] \
        && ! cut -d' ' -f2 "$dir/received.tsv" | grep -qx "$serial"; then
        rok=$((rok + 1))
      else
        rfail=$((rfail + 1)); echo "RETRY-BAD $tx 201 serial $serial (missing, or a serial another request already got)" >>"$dir/findings.txt"
      fi
    elif [[ "$code" =~ ^4 ]]; then rok=$((rok + 1)); echo "RETRY-REFUSED $tx $code" >>"$dir/retries.txt"
    else rfail=$((rfail + 1)); echo "RETRY-FAILED $tx HTTP $code" >>"$dir/findings.txt"; fi
  done < <(sort "$dir/sent.tsv" | comm -23 - <(awk '$2 == 201 || $2 ~ /^4/ {print $1}' "$dir/done.tsv" | sort))
  touch "$dir/est-codes.txt"
  local s5; s5=$(( $(awk '$2 ~ /^5/' "$dir/done.tsv" | wc -l) + $(grep -c '^5' "$dir/est-codes.txt" || true) ))
  local line="mode=$mode received=$received found=$found lost=$lost duplicated=$dup ocsp-not-good=$notgood in-flight=$inflight retried-ok=$rok retried-failed=$rfail answers-5xx=$s5"
  echo "$line" | tee -a "$OUT_DIR/summary.txt"
  if [ "$lost" -gt 0 ] || [ "$dup" -gt 0 ] || [ "$notgood" -gt 0 ] || [ "$rfail" -gt 0 ] || [ "$received" -eq 0 ]; then
    STATUS=2; [ -f "$dir/findings.txt" ] && head -20 "$dir/findings.txt" >&2
  fi
}

run_one() {  # mode run-number
  local mode=$1 r=$2 dir="$WORK/run-$2-$1"
  mkdir -p "$dir"; rm -f "$WORK/stop"
  log "run $r ($mode): starting the gateway"
  start_gateway "$WORK/data" "$OUT_DIR/gateway-$r-$mode.log"
  curl -fsS "$HTTP_URL/ca/chain.pem" -o "$WORK/chain.pem" || die "cannot fetch $HTTP_URL/ca/chain.pem"
  CLIENT_PIDS=()
  for i in $(seq 1 "$CLIENTS"); do
    client admin "$i" "$dir" & CLIENT_PIDS+=($!)
    client est "$i" "$dir" & CLIENT_PIDS+=($!)
  done
  sleep "$LOAD"
  if [ "$mode" = kill ]; then
    log "run $r: SIGKILL to the gateway mid-load"
    kill_gateway
  else
    log "run $r: pg_terminate_backend mid-load ($PG_TERMINATIONS times, 0.2 s apart)"
    for _ in $(seq 1 "$PG_TERMINATIONS"); do terminate_backends "$WORK/data"; sleep 0.2; done
    sleep 1
  fi
  touch "$WORK/stop"
  wait "${CLIENT_PIDS[@]}" 2>/dev/null || true
  CLIENT_PIDS=()
  if [ "$mode" = kill ]; then
    log "run $r: restarting the gateway on the same data directory"
    start_gateway "$WORK/data" "$OUT_DIR/gateway-$r-$mode-restart.log"
  fi
  # The issuer of every certificate: the first certificate of an issued chain.
  if [ -s "$WORK/chain.pem" ]; then
    awk '/BEGIN/{n++} n==1' "$WORK/chain.pem" >"$WORK/issuer.pem"
  fi
  verify "$mode" "$dir"
  for f in "$dir"/*.tsv "$dir"/*.txt; do [ -f "$f" ] && cp "$f" "$OUT_DIR/run-$r-$mode-$(basename "$f")"; done
  stop_node "$GATEWAY_PID"; GATEWAY_PID=""
  stop_postgres "$WORK/data"
}

for r in $(seq 1 "$RUNS"); do
  for mode in $MODES; do run_one "$mode" "$r"; done
done
log "summary in $OUT_DIR/summary.txt"
