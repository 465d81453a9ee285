#!/usr/bin/env bash
# The gateway against cfssl on this machine, in one go: build, start one gateway node (Release, embedded PostgreSQL in a
# throwaway data directory, a throwaway manufacturer CA as EST trust anchor), start `cfssl serve` (ECDSA P-256 CA), run
# est-enroll, admin-enroll and cfssl-sign one after another with the same load shape (the other server idles
# meanwhile), and print a side-by-side table with the ratio ours/cfssl. Everything it starts is stopped on exit,
# Ctrl-C included; reports and logs stay in OUT_DIR.
#
#   load-tests/compare.sh                                   # 32 workers, 15 s warmup, 30 s measured
#   SHAPE="--rate 800" DURATION=60 load-tests/compare.sh    # open loop at 800/s instead
#   ROUNDS=3 load-tests/compare.sh                          # alternate the scenarios 3 times (noisy machines)
#
# Environment (all optional):
#   SHAPE="--concurrency 32"   load shape for every run (any of the harness's --concurrency/--rate/--ramp)
#   WARMUP=15 DURATION=30      seconds (the warmup covers .NET tiered JIT settling on a 2-core machine)
#   SCENARIOS="est-enroll admin-enroll cfssl-sign wrk-admin-enroll wrk-est-enroll"   which runs, in this order (scep-enroll, cmp-ir and
#                              acme-issue too); the
#                              wrk-* runs are the cross-check with a plain HTTP load tool: wrk (apt-get install -y wrk)
#                              POSTs one fixed CSR over and over, as the admin enrollment JSON (Bearer API key) or as
#                              EST simpleenroll with HTTP Basic (an enrollment credential the script creates), with as
#                              many connections as SHAPE's --concurrency
#   ROUNDS=1                   repeat the whole sequence
#   EXTRA_ARGS=""              more harness options for every run (e.g. "--pool 200000")
#   GATEWAY_ARGS=""            more gateway options (e.g. "--Logging:LogLevel:Default=Warning")
#   HTTP_PORT=5080 HTTPS_PORT=5443 CFSSL_PORT=8888 SILO_PORT=21111   on 127.0.0.1
#   ACME_HTTP01_PORT=5002 ACME_DNS_PORT=8053 ACME_MGMT_PORT=8055   acme-issue only: the first free port from each of these
#                              is taken for the harness's http-01 responder and for pebble-challtestsrv's DNS server
#                              (answers 127.0.0.1 for every name) and management interface; the gateway is started with
#                              --Gateway:Acme:HttpChallengePort and --Gateway:Acme:DnsResolver pointing at them
#   CONFIGURATION=Release      build configuration of the gateway and the harness
#   ADMIN_PROFILE=iot-device   profile for admin-enroll (EST uses the gateway's default EST profile, iot-device)
#   OUT_DIR=load-tests/results/compare-<UTC time>   reports (*.json, *.txt), progress logs, gateway.log, summary.txt
#   SKIP_BUILD=1               use the binaries already built
#   KEEP_WORK=1                keep the work directory (data, CA, device certificate) afterwards
#
# Exit status: 0 when every run finished (whatever the figures), 1 on a setup failure, 2 when a run's durability
# check found an issued serial missing from the store.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SHAPE="${SHAPE:---concurrency 32}"
WARMUP="${WARMUP:-15}"
DURATION="${DURATION:-30}"
SCENARIOS="${SCENARIOS:-est-enroll admin-enroll cfssl-sign wrk-admin-enroll wrk-est-enroll}"
ROUNDS="${ROUNDS:-1}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
GATEWAY_ARGS="${GATEWAY_ARGS:-}"
HTTP_PORT="${HTTP_PORT:-5080}"
HTTPS_PORT="${HTTPS_PORT:-5443}"
CFSSL_PORT="${CFSSL_PORT:-8888}"
SILO_PORT="${SILO_PORT:-21111}"
ACME_HTTP01_PORT="${ACME_HTTP01_PORT:-5002}"
ACME_DNS_PORT="${ACME_DNS_PORT:-8053}"
ACME_MGMT_PORT="${ACME_MGMT_PORT:-8055}"
CONFIGURATION="${CONFIGURATION:-Release}"
ADMIN_PROFILE="${ADMIN_PROFILE:-iot-device}"
OUT_DIR="${OUT_DIR:-load-tests/results/compare-$(date -u +%Y%m%d-%H%M%S)}"

LOG_PREFIX=compare
# shellcheck source=lib/common.sh
. "$ROOT/load-tests/lib/common.sh"

case " $SCENARIOS " in *" acme-issue "*) command -v pebble-challtestsrv >/dev/null 2>&1 || die "'pebble-challtestsrv' is required for acme-issue (apt-get install -y pebble), or leave it out of SCENARIOS" ;; esac
case " $SCENARIOS " in *" wrk-"*) command -v wrk >/dev/null 2>&1 || die "'wrk' is required for the wrk-* runs (apt-get install -y wrk), or leave them out of SCENARIOS" ;; esac
for tool in dotnet openssl curl jq setsid; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/gateway-compare.XXXXXX)"

GATEWAY_PID=""
CFSSL_PID=""
CHALLTESTSRV_PID=""
STATUS=0

# Stops what this script started, in reverse order: cfssl, then the gateway (with its process group), then its
# embedded PostgreSQL by its pid file if it is still there, then pebble-challtestsrv.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$CFSSL_PID" ] && kill -0 "$CFSSL_PID" 2>/dev/null; then
    log "stopping cfssl ($CFSSL_PID)"
    kill -TERM "$CFSSL_PID" 2>/dev/null || true
  fi
  stop_node "$GATEWAY_PID"
  stop_postgres "$WORK/data"
  if [ -n "$CHALLTESTSRV_PID" ] && kill -0 "$CHALLTESTSRV_PID" 2>/dev/null; then
    log "stopping pebble-challtestsrv ($CHALLTESTSRV_PID)"
    kill -TERM "$CHALLTESTSRV_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$CHALLTESTSRV_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$CHALLTESTSRV_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] && rc=$STATUS
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

require_free_ports "$HTTP_PORT" "$HTTPS_PORT" "$CFSSL_PORT" "$SILO_PORT"
build_all
make_device_certificate

# --- acme-issue: a DNS server for the gateway's http-01 validation ---------------------------------------------
# pebble-challtestsrv answers every A query with 127.0.0.1 (and, with -defaultIPv6 "", no AAAA), so the gateway
# validates d<n>.load.test against the harness's http-01 responder on 127.0.0.1:ACME_HTTP01_PORT. It keeps running when
# a port is taken, so the ports are checked first and its log afterwards.
ACME_GATEWAY_ARGS=()
case " $SCENARIOS " in *" acme-issue "*)
  ACME_HTTP01_PORT=$(first_free_port "$ACME_HTTP01_PORT" "$HTTP_PORT" "$HTTPS_PORT" "$CFSSL_PORT" "$SILO_PORT")
  ACME_DNS_PORT=$(first_free_port "$ACME_DNS_PORT" "$HTTP_PORT" "$HTTPS_PORT" "$CFSSL_PORT" "$SILO_PORT" "$ACME_HTTP01_PORT")
  ACME_MGMT_PORT=$(first_free_port "$ACME_MGMT_PORT" "$HTTP_PORT" "$HTTPS_PORT" "$CFSSL_PORT" "$SILO_PORT" "$ACME_HTTP01_PORT" "$ACME_DNS_PORT")
  setsid pebble-challtestsrv -dns01 "127.0.0.1:$ACME_DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
    -management "127.0.0.1:$ACME_MGMT_PORT" -defaultIPv6 "" >"$OUT_DIR/challtestsrv.log" 2>&1 </dev/null &
  CHALLTESTSRV_PID=$!
  for i in $(seq 1 40); do
    kill -0 "$CHALLTESTSRV_PID" 2>/dev/null || { cat "$OUT_DIR/challtestsrv.log" >&2; die "pebble-challtestsrv exited"; }
    ! port_free "$ACME_DNS_PORT" && ! port_free "$ACME_MGMT_PORT" && break
    [ "$i" -eq 40 ] && { cat "$OUT_DIR/challtestsrv.log" >&2; die "pebble-challtestsrv is not listening on 127.0.0.1:$ACME_DNS_PORT"; }
    sleep 0.25
  done
  if grep -q 'address already in use' "$OUT_DIR/challtestsrv.log"; then cat "$OUT_DIR/challtestsrv.log" >&2; die "pebble-challtestsrv could not bind its ports"; fi
  log "pebble-challtestsrv (pid $CHALLTESTSRV_PID): DNS on 127.0.0.1:$ACME_DNS_PORT; the harness's http-01 responder will listen on 127.0.0.1:$ACME_HTTP01_PORT"
  ACME_GATEWAY_ARGS=(--Gateway:Acme:HttpChallengePort="$ACME_HTTP01_PORT" --Gateway:Acme:DnsResolver="127.0.0.1:$ACME_DNS_PORT") ;;
esac

# --- the gateway -------------------------------------------------------------------------------------------------
API_KEY="load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
HTTP_URL="http://127.0.0.1:$HTTP_PORT"
HTTPS_URL="https://127.0.0.1:$HTTPS_PORT"
log "starting the gateway: $HTTP_URL and $HTTPS_URL (work $WORK, log $OUT_DIR/gateway.log)"
# shellcheck disable=SC2086
Gateway__Admin__BootstrapApiKey="$API_KEY" start_node "$OUT_DIR/gateway.log" \
  --urls "$HTTP_URL;$HTTPS_URL" --Gateway:DataDir="$WORK/data" \
  --Gateway:Cluster:SiloPort="$SILO_PORT" \
  --Gateway:Est:TrustAnchors:0="$WORK/mfg-ca.pem" "${ACME_GATEWAY_ARGS[@]}" $GATEWAY_ARGS
GATEWAY_PID=$STARTED_PID
wait_ready "$GATEWAY_PID" "$HTTP_URL" "$OUT_DIR/gateway.log"
curl -fsS -o "$WORK/gateway-root.pem" "$HTTP_URL/ca/root.pem" || die "cannot fetch $HTTP_URL/ca/root.pem"
log "gateway ready (pid $GATEWAY_PID)"

# --- cfssl -------------------------------------------------------------------------------------------------------
CFSSL_OUT="$(CFSSL_DIR="$WORK/cfssl" "$ROOT/load-tests/run-cfssl.sh" "$CFSSL_PORT")" || die "cfssl did not start"
eval "$CFSSL_OUT"   # CFSSL_URL, CFSSL_PID, CFSSL_DIR

# --- the runs ----------------------------------------------------------------------------------------------------
# wrk's input: one fixed CSR (a DNS SAN the iot-device profile allows), as the admin API's JSON and as EST's base64
# DER, and an enrollment credential without a use limit for EST's HTTP Basic.
prepare_wrk() {
  local kind
  for kind in admin est; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=wrk-$kind-0001" \
      -addext "subjectAltName=DNS:wrk-$kind-0001.load.test" -keyout "$WORK/wrk-$kind.key" -out "$WORK/wrk-$kind.csr" 2>/dev/null \
      || die "openssl could not make the fixed CSR"
  done
  jq -Rs --arg profile "$ADMIN_PROFILE" '{profile: $profile, csr: .}' <"$WORK/wrk-admin.csr" >"$WORK/wrk-admin.json"
  openssl req -in "$WORK/wrk-est.csr" -outform DER | base64 -w0 >"$WORK/wrk-est.b64"
  local credential
  credential=$(curl -fsS -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d '{"profile": "iot-device", "subjects": ["wrk-est-0001"], "description": "compare.sh wrk cross-check"}' "$HTTP_URL/api/v1/credentials") \
    || die "cannot create an enrollment credential for the wrk EST run"
  WRK_BASIC="Basic $(jq -rj '.id + ":" + .secret' <<<"$credential" | base64 -w0)"
}

stored_for() {  # dns-name: how many certificates the store holds with that SAN (the inventory's total)
  curl -fsS -H "Authorization: Bearer $API_KEY" "$HTTP_URL/api/v1/certificates?san=$1&pageSize=1" | jq -r '.total'
}
WRK_BASIC=""
case " $SCENARIOS " in *" wrk-"*) prepare_wrk ;; esac
# scep-enroll: a static enrollment credential (no use limit) for mdm-device, sent as every request's challengePassword.
SCEP_CHALLENGE=""
case " $SCENARIOS " in *" scep-enroll "*)
  SCEP_CHALLENGE=$(curl -fsS -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d '{"profile": "mdm-device", "description": "compare.sh scep-enroll"}' "$HTTP_URL/api/v1/credentials" | jq -r '.secret') \
    || die "cannot create an enrollment credential for scep-enroll" ;;
esac
# cmp-ir: a network-element credential (no use limit) whose secret MAC-protects every ir (as openssl cmp -ref/-secret).
CMP_CREDENTIAL=""
case " $SCENARIOS " in *" cmp-ir "*)
  CMP_CREDENTIAL=$(curl -fsS -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d '{"profile": "network-element", "description": "compare.sh cmp-ir"}' "$HTTP_URL/api/v1/credentials" | jq -rj '.id + ":" + .secret') \
    || die "cannot create an enrollment credential for cmp-ir" ;;
esac
WRK_CONNECTIONS=$(sed -nE 's/.*--concurrency[ =]([0-9]+).*/\1/p' <<<"$SHAPE")
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}

run_wrk() {  # name scenario: wrk with 2 threads and WRK_CONNECTIONS connections, WARMUP s unmeasured, then DURATION s
  local name=$1 scenario=$2 url body type auth
  case "$scenario" in
    wrk-admin-enroll) url="$HTTP_URL/api/v1/enrollments"; body="$WORK/wrk-admin.json"; type=application/json; auth="Bearer $API_KEY" ;;
    wrk-est-enroll) url="$HTTPS_URL/.well-known/est/simpleenroll"; body="$WORK/wrk-est.b64"; type=application/pkcs10; auth=$WRK_BASIC ;;
    *) die "unknown wrk scenario $scenario" ;;
  esac
  log "$name: wrk -t2 -c$WRK_CONNECTIONS POST $url (one fixed CSR), uptime: $(uptime)"
  local san="wrk-${scenario#wrk-}"; san="${san%-enroll}-0001.load.test"
  local before; before=$(stored_for "$san") || die "cannot count the stored certificates for $san"
  local env=(WRK_BODY_FILE="$body" WRK_CONTENT_TYPE="$type" WRK_AUTHORIZATION="$auth" WRK_SCENARIO="$scenario")
  local warm_ok=0
  if [ "$WARMUP" -gt 0 ]; then
    mkdir -p "$OUT_DIR/warmup"
    env "${env[@]}" WRK_REPORT="$OUT_DIR/warmup/$name.json" wrk -t2 -c"$WRK_CONNECTIONS" -d"${WARMUP}s" \
      -s "$ROOT/load-tests/wrk/enroll.lua" "$url" >/dev/null 2>&1 || true
    warm_ok=$(jq -r '.succeeded // 0' "$OUT_DIR/warmup/$name.json" 2>/dev/null || echo 0)
  fi
  local load_start; load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  if ! env "${env[@]}" WRK_REPORT="$OUT_DIR/$name.json" wrk -t2 -c"$WRK_CONNECTIONS" -d"${DURATION}s" --latency \
      -s "$ROOT/load-tests/wrk/enroll.lua" "$url" >"$OUT_DIR/$name.txt" 2>&1; then
    log "$name: wrk failed"; cat "$OUT_DIR/$name.txt" >&2
    if [ "$STATUS" -eq 0 ]; then STATUS=1; fi
    return
  fi
  # What the store holds afterwards for the fixed CSR's name: on the admin API every 2xx is a new certificate, so the
  # count grows by the successful answers (warm-up included), plus at most the requests still in flight when each of
  # the two wrk runs stopped (wrk closes those connections; the gateway commits them anyway). EST replays an issued
  # request, so there it grows by one.
  local after; after=$(stored_for "$san") || die "cannot count the stored certificates for $san"
  local answered=$((warm_ok + $(jq -r '.succeeded' "$OUT_DIR/$name.json"))) stored=$((after - before))
  local tmp; tmp=$(jq --arg s "$load_start" --arg e "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --argjson stored "$stored" --argjson answered "$answered" \
    '. + {machine: {loadAverageAtMeasureStart: $s, loadAverageAtEnd: $e}, stored: {answered: $answered, newCertificates: $stored}}' \
    "$OUT_DIR/$name.json") && printf '%s\n' "$tmp" >"$OUT_DIR/$name.json"
  if [ "$scenario" = wrk-admin-enroll ] && { [ "$stored" -lt "$answered" ] || [ "$stored" -gt $((answered + 2 * WRK_CONNECTIONS)) ]; }; then
    log "$name: the store holds $stored new certificates for $san, but wrk got $answered successful answers"
    STATUS=2
  fi
  cat "$OUT_DIR/$name.txt" >&2
}

run() {  # round scenario
  local round=$1 scenario=$2 name="$2-r$1" target args=()
  case "$scenario" in
    wrk-*) run_wrk "$name" "$scenario"; return ;;
    # iot-device binds the CN to the client certificate's: every CSR names the device certificate's CN.
    est-enroll) target=$HTTPS_URL; args=(--cacert "$WORK/gateway-root.pem" --est-client-cert "$WORK/device.pem" --est-client-key "$WORK/device.key"
      --common-name load-device-0001 --server-pid "$GATEWAY_PID") ;;
    admin-enroll) target=$HTTP_URL; args=(--profile "$ADMIN_PROFILE" --server-pid "$GATEWAY_PID") ;;
    # SCEP messages are RSA-signed and -encrypted off the clock: size the pool for what one node can do, not for 5,000/s.
    scep-enroll) target=$HTTP_URL; args=(--scep-challenge "$SCEP_CHALLENGE" --expected-rate 1000 --server-pid "$GATEWAY_PID") ;;
    # Each ir carries a fresh P-256 key and a PBM MAC made off the clock.
    cmp-ir) target=$HTTP_URL; args=(--cmp-credential "$CMP_CREDENTIAL" --expected-rate 2000 --server-pid "$GATEWAY_PID") ;;
    # A full ACME issuance is seven HTTP requests and a validation: size the pool for a few hundred per second.
    acme-issue) target=$HTTP_URL; args=(--acme-http01-port "$ACME_HTTP01_PORT" --expected-rate 500 --server-pid "$GATEWAY_PID") ;;
    cfssl-sign) target=$CFSSL_URL; args=(--server-pid "$CFSSL_PID") ;;
    *) target=$HTTP_URL; args=(--server-pid "$GATEWAY_PID") ;;
  esac
  # The embedded PostgreSQL daemonizes (its own session), so its CPU is accounted through its postmaster's pid.
  local pg_pid; pg_pid=$(postmaster_pid "$WORK/data")
  if [ "$scenario" != cfssl-sign ] && [ -n "$pg_pid" ]; then args+=(--server-pid "$pg_pid"); fi
  harness "$name" "$scenario" --target "$target" "${args[@]}"
}
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do run "$round" "$scenario"; done
done

# --- the table ---------------------------------------------------------------------------------------------------
{
  echo
  echo "shape: $SHAPE, warmup $WARMUP s, measured $DURATION s, $ROUNDS round(s); $(nproc) cores shared by the servers and the load generator"
  echo "gateway: 1 node, embedded PostgreSQL, $CONFIGURATION; cfssl: $(cfssl version 2>/dev/null | head -1 | tr -s ' ')"
  table_header
  for round in $(seq 1 "$ROUNDS"); do
    ref="$OUT_DIR/cfssl-sign-r$round.json"
    for scenario in $SCENARIOS; do
      f="$OUT_DIR/$scenario-r$round.json"
      [ -f "$f" ] || { printf '%-18s %10s\n' "$scenario-r$round" "(no report)"; continue; }
      ratio="-"
      if [ "$scenario" != cfssl-sign ] && [ -f "$ref" ]; then
        ratio=$(jq -rn --slurpfile a "$f" --slurpfile b "$ref" \
          'if ($b[0].throughput // 0) > 0 then "\((($a[0].throughput / $b[0].throughput) * 100 | round) / 100)x" else "-" end')
      fi
      table_row "$scenario-r$round" "$f" "$ratio"
    done
  done
  echo
  report_details "$OUT_DIR"/*-r*.json
  echo "ok/s: successful requests per second; vs cfssl: ok/s ratio to the cfssl run of the same round; srv cpu ms: CPU milliseconds the"
  echo "server's processes (gateway + its PostgreSQL, or cfssl) spent per successful request, the figure least disturbed by a busy machine"
  echo "gateway log: $(grep -cE '^(fail|crit):' "$OUT_DIR/gateway.log" || true) fail/crit entries, $(grep -cE '^warn:' "$OUT_DIR/gateway.log" || true) warnings ($OUT_DIR/gateway.log)"
  echo "reports: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
