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
#   SCENARIOS="est-enroll admin-enroll cfssl-sign"   which runs, in this order
#   ROUNDS=1                   repeat the whole sequence
#   EXTRA_ARGS=""              more harness options for every run (e.g. "--pool 200000")
#   GATEWAY_ARGS=""            more gateway options (e.g. "--Logging:LogLevel:Default=Warning")
#   HTTP_PORT=5080 HTTPS_PORT=5443 CFSSL_PORT=8888 SILO_PORT=21111 ORLEANS_GATEWAY_PORT=31000   on 127.0.0.1
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
SCENARIOS="${SCENARIOS:-est-enroll admin-enroll cfssl-sign}"
ROUNDS="${ROUNDS:-1}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
GATEWAY_ARGS="${GATEWAY_ARGS:-}"
HTTP_PORT="${HTTP_PORT:-5080}"
HTTPS_PORT="${HTTPS_PORT:-5443}"
CFSSL_PORT="${CFSSL_PORT:-8888}"
SILO_PORT="${SILO_PORT:-21111}"
ORLEANS_GATEWAY_PORT="${ORLEANS_GATEWAY_PORT:-31000}"
CONFIGURATION="${CONFIGURATION:-Release}"
ADMIN_PROFILE="${ADMIN_PROFILE:-iot-device}"
OUT_DIR="${OUT_DIR:-load-tests/results/compare-$(date -u +%Y%m%d-%H%M%S)}"

log() { echo "compare: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in dotnet openssl curl jq setsid; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/gateway-compare.XXXXXX)"

GATEWAY_PID=""
CFSSL_PID=""
STATUS=0

# Stops what this script started, in reverse order: cfssl, then the gateway (SIGTERM: it stops its Orleans silo
# and its embedded PostgreSQL), then anything left in the gateway's process group, then PostgreSQL by its pid file.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$CFSSL_PID" ] && kill -0 "$CFSSL_PID" 2>/dev/null; then
    log "stopping cfssl ($CFSSL_PID)"
    kill -TERM "$CFSSL_PID" 2>/dev/null || true
  fi
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    log "stopping the gateway ($GATEWAY_PID)"
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  if [ -n "$GATEWAY_PID" ]; then
    # The gateway was started by setsid, so its pid is its process group: whatever it left behind goes too.
    if kill -0 -- "-$GATEWAY_PID" 2>/dev/null; then
      log "the gateway's process group $GATEWAY_PID is still there: SIGTERM, then SIGKILL"
      kill -TERM -- "-$GATEWAY_PID" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 -- "-$GATEWAY_PID" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$GATEWAY_PID" 2>/dev/null || true
    fi
  fi
  local pidfile="$WORK/data/pg/postmaster.pid"
  if [ -f "$pidfile" ]; then
    local pgpid; pgpid=$(head -1 "$pidfile" 2>/dev/null || true)
    if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
      log "embedded PostgreSQL ($pgpid) is still running: SIGINT (fast shutdown)"
      kill -INT "$pgpid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] && rc=$STATUS
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$HTTP_PORT" "$HTTPS_PORT" "$CFSSL_PORT" "$SILO_PORT" "$ORLEANS_GATEWAY_PORT"; do
  port_free "$p" || die "port $p on 127.0.0.1 is in use; set HTTP_PORT, HTTPS_PORT, CFSSL_PORT, SILO_PORT or ORLEANS_GATEWAY_PORT"
done

# --- build -------------------------------------------------------------------------------------------------------
build() {  # retries: another build on the machine may hold a file for a moment
  for attempt in 1 2 3; do
    if dotnet build -c "$CONFIGURATION" "$1" >"$OUT_DIR/build.log" 2>&1; then return 0; fi
    log "build of $1 failed (attempt $attempt)"; tail -5 "$OUT_DIR/build.log" >&2; sleep 5
  done
  die "cannot build $1 (see $OUT_DIR/build.log)"
}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building ($CONFIGURATION)"
  build src/Gateway.Server
  build load-tests/Gateway.LoadTests
fi
SERVER_DLL="$ROOT/src/Gateway.Server/bin/$CONFIGURATION/net10.0/Gateway.Server.dll"
HARNESS_DLL="$ROOT/load-tests/Gateway.LoadTests/bin/$CONFIGURATION/net10.0/gateway-load.dll"
[ -f "$SERVER_DLL" ] && [ -f "$HARNESS_DLL" ] || die "build output missing ($SERVER_DLL, $HARNESS_DLL)"

# --- a manufacturer CA and one device (IDevID) certificate under it: EST's client certificate ----------------------
(
  cd "$WORK"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/O=Load Devices/CN=Load Manufacturer CA" \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout mfg-ca.key -out mfg-ca.pem 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=load-device-0001" \
    -keyout device.key -out device.csr 2>/dev/null
  openssl x509 -req -in device.csr -CA mfg-ca.pem -CAkey mfg-ca.key -CAcreateserial -days 2 -out device.pem 2>/dev/null
) || die "openssl could not make the manufacturer CA and device certificate"

# --- the gateway -------------------------------------------------------------------------------------------------
API_KEY="load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
HTTP_URL="http://127.0.0.1:$HTTP_PORT"
HTTPS_URL="https://127.0.0.1:$HTTPS_PORT"
log "starting the gateway: $HTTP_URL and $HTTPS_URL (work $WORK, log $OUT_DIR/gateway.log)"
# shellcheck disable=SC2086
Gateway__Admin__BootstrapApiKey="$API_KEY" setsid dotnet "$SERVER_DLL" \
  --urls "$HTTP_URL;$HTTPS_URL" --Gateway:DataDir="$WORK/data" \
  --Gateway:Cluster:SiloPort="$SILO_PORT" --Gateway:Cluster:GatewayPort="$ORLEANS_GATEWAY_PORT" \
  --Gateway:Est:TrustAnchors:0="$WORK/mfg-ca.pem" $GATEWAY_ARGS \
  >"$OUT_DIR/gateway.log" 2>&1 </dev/null &
GATEWAY_PID=$!
for i in $(seq 1 300); do
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -30 "$OUT_DIR/gateway.log" >&2; die "the gateway exited during start"; }
  curl -fsS -o /dev/null "$HTTP_URL/health/ready" 2>/dev/null && break
  [ "$i" -eq 300 ] && { tail -30 "$OUT_DIR/gateway.log" >&2; die "the gateway was not ready within 150 s"; }
  sleep 0.5
done
curl -fsS -o "$WORK/gateway-root.pem" "$HTTP_URL/ca/root.pem" || die "cannot fetch $HTTP_URL/ca/root.pem"
log "gateway ready (pid $GATEWAY_PID)"

# --- cfssl -------------------------------------------------------------------------------------------------------
CFSSL_OUT="$(CFSSL_DIR="$WORK/cfssl" "$ROOT/load-tests/run-cfssl.sh" "$CFSSL_PORT")" || die "cfssl did not start"
eval "$CFSSL_OUT"   # CFSSL_URL, CFSSL_PID, CFSSL_DIR

# --- the runs ----------------------------------------------------------------------------------------------------
run() {  # round scenario
  local round=$1 scenario=$2 name="$2-r$1" target args=()
  case "$scenario" in
    est-enroll) target=$HTTPS_URL; args=(--cacert "$WORK/gateway-root.pem" --est-client-cert "$WORK/device.pem" --est-client-key "$WORK/device.key"
      --server-pid "$GATEWAY_PID") ;;
    admin-enroll) target=$HTTP_URL; args=(--profile "$ADMIN_PROFILE" --server-pid "$GATEWAY_PID") ;;
    cfssl-sign) target=$CFSSL_URL; args=(--server-pid "$CFSSL_PID") ;;
    *) target=$HTTP_URL; args=(--server-pid "$GATEWAY_PID") ;;
  esac
  # The embedded PostgreSQL daemonizes (its own session), so its CPU is accounted through its postmaster's pid.
  local pg_pid; pg_pid=$(head -1 "$WORK/data/pg/postmaster.pid" 2>/dev/null || true)
  if [ "$scenario" != cfssl-sign ] && [ -n "$pg_pid" ]; then args+=(--server-pid "$pg_pid"); fi
  log "round $round: $scenario against $target ($SHAPE), uptime: $(uptime)"
  local rc=0
  # shellcheck disable=SC2086
  GATEWAY_API_KEY="$API_KEY" dotnet "$HARNESS_DLL" "$scenario" --target "$target" "${args[@]}" $SHAPE \
    --warmup "$WARMUP" --duration "$DURATION" --out "$OUT_DIR/$name.json" $EXTRA_ARGS \
    2> >(tee "$OUT_DIR/$name.progress.log" >&2) >"$OUT_DIR/$name.txt" || rc=$?
  cat "$OUT_DIR/$name.txt" >&2
  if [ "$rc" -eq 130 ]; then
    log "$name: interrupted"; exit 130   # the harness handled Ctrl-C itself (partial report written); stop here too
  elif [ "$rc" -eq 2 ]; then
    log "$name: the durability check found issued serials missing from the store"; STATUS=2
  elif [ "$rc" -ne 0 ]; then
    log "$name: the harness exited with $rc"
    if [ "$STATUS" -eq 0 ]; then STATUS=1; fi
  fi
}
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do run "$round" "$scenario"; done
done

# --- the table ---------------------------------------------------------------------------------------------------
fmt() { jq -r "$1 // \"-\"" "$2"; }
{
  echo
  echo "shape: $SHAPE, warmup $WARMUP s, measured $DURATION s, $ROUNDS round(s); $(nproc) cores shared by the servers and the load generator"
  echo "gateway: 1 node, embedded PostgreSQL, $CONFIGURATION; cfssl: $(cfssl version 2>/dev/null | head -1 | tr -s ' ')"
  printf '%-18s %9s %8s %8s %8s %7s %9s %11s %9s  %s\n' "run" "ok/s" "p50 ms" "p99 ms" "max ms" "errors" "vs cfssl" "srv cpu ms" "gen cores" "loadavg start / end"
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
      printf '%-18s %9s %8s %8s %8s %7s %9s %11s %9s  %s / %s\n' "$scenario-r$round" "$(fmt .throughput "$f")" \
        "$(fmt .latencyMs.p50 "$f")" "$(fmt .latencyMs.p99 "$f")" "$(fmt .latencyMs.max "$f")" "$(fmt .failed "$f")" "$ratio" \
        "$(fmt '([.serverCpu[].msPerOkRequest] | add * 1000 | round / 1000)' "$f")" \
        "$(fmt .machine.generatorCores "$f")" "$(fmt .machine.loadAverageAtMeasureStart "$f")" "$(fmt .machine.loadAverageAtEnd "$f")"
    done
  done
  echo
  for f in "$OUT_DIR"/*-r*.json; do
    [ -f "$f" ] || continue
    jq -r '"\(.scenario): errors " + (.errors | to_entries | map("\(.key) × \(.value)") | join(", ") | if . == "" then "none" else . end)
      + (if .verify then "; durability sample \(.verify.present)/\(.verify.sampled) present of \(.verify.available) issued" else "" end)
      + (if (.serverCpu | length) > 0 then "; server CPU per ok request: " + (.serverCpu | map("\(.process) \(.msPerOkRequest) ms") | join(", ")) else "" end)
      + (if .pool.wrapped then "; POOL WRAPPED: " + .pool.note else "" end)' "$f" | sed "s|^|$(basename "$f" .json): |"
  done
  echo "ok/s: successful requests per second; vs cfssl: ok/s ratio to the cfssl run of the same round; srv cpu ms: CPU milliseconds the"
  echo "server's processes (gateway + its PostgreSQL, or cfssl) spent per successful request, the figure least disturbed by a busy machine"
  echo "gateway log: $(grep -cE '^(fail|crit):' "$OUT_DIR/gateway.log" || true) fail/crit entries, $(grep -cE '^warn:' "$OUT_DIR/gateway.log" || true) warnings ($OUT_DIR/gateway.log)"
  echo "reports: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
