#!/usr/bin/env bash
# One comparison run on this machine: the gateway's admin enrollment against cfssl's sign endpoint, same load shape,
# one after the other (the other server idles meanwhile), then a side-by-side table.
#
#   load-tests/compare.sh
#
# Environment (all optional):
#   CONCURRENCY=32 WARMUP=5 DURATION=30   the shape for both runs (closed loop)
#   SHAPE="--rate 500"                    any other shape instead (overrides CONCURRENCY)
#   EXTRA_ARGS="--pool 100000"            more harness options for both runs
#   GATEWAY_PORT=5080 CFSSL_PORT=8888     HTTP ports on 127.0.0.1
#   SILO_PORT=21111 ORLEANS_GATEWAY_PORT=31000   Orleans ports (away from the defaults a dev server uses)
#   CONFIGURATION=Release PROFILE=web-server
#   OUT_DIR=load-tests/results/compare-<time>    reports, logs
#   KEEP_DATA=1                           keep the gateway's data directory (/tmp/gateway-load.*) afterwards
#   SKIP_BUILD=1                          use the binaries already built
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CONCURRENCY="${CONCURRENCY:-32}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-30}"
SHAPE="${SHAPE:---concurrency $CONCURRENCY}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
GATEWAY_PORT="${GATEWAY_PORT:-5080}"
CFSSL_PORT="${CFSSL_PORT:-8888}"
SILO_PORT="${SILO_PORT:-21111}"
ORLEANS_GATEWAY_PORT="${ORLEANS_GATEWAY_PORT:-31000}"
CONFIGURATION="${CONFIGURATION:-Release}"
PROFILE="${PROFILE:-web-server}"
OUT_DIR="${OUT_DIR:-load-tests/results/compare-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

log() { echo "compare: $*" >&2; }

GATEWAY_PID=""
CFSSL_PID=""
DATA_DIR=""
cleanup() {
  local rc=$?
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    log "stopping the gateway (SIGTERM to $GATEWAY_PID; it stops its PostgreSQL)"
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$GATEWAY_PID" 2>/dev/null; then
      log "the gateway did not exit within 30 s; SIGTERM to its process tree"
      pkill -TERM -P "$GATEWAY_PID" 2>/dev/null || true
      kill -TERM "$GATEWAY_PID" 2>/dev/null || true
      sleep 5
    fi
  fi
  # Should the gateway have died without stopping it, stop the embedded PostgreSQL ourselves.
  if [ -n "$DATA_DIR" ] && [ -f "$DATA_DIR/pg/postmaster.pid" ]; then
    local pgpid; pgpid=$(head -1 "$DATA_DIR/pg/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
      log "embedded PostgreSQL ($pgpid) still running; sending it SIGTERM"
      kill -TERM "$pgpid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  if [ -n "$CFSSL_PID" ] && kill -0 "$CFSSL_PID" 2>/dev/null; then
    log "stopping cfssl ($CFSSL_PID)"
    kill -TERM "$CFSSL_PID" 2>/dev/null || true
    wait "$CFSSL_PID" 2>/dev/null || true
  fi
  if [ -n "$DATA_DIR" ] && [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$GATEWAY_PORT" "$CFSSL_PORT"; do
  port_free "$p" || { log "port $p on 127.0.0.1 is in use; set GATEWAY_PORT / CFSSL_PORT"; exit 1; }
done

build() {  # retries: other builds on this machine may hold files for a moment
  for attempt in 1 2 3 4 5; do
    if dotnet build -c "$CONFIGURATION" "$1" >"$OUT_DIR/build.log" 2>&1; then return 0; fi
    log "build of $1 failed (attempt $attempt); retrying in 10 s"; tail -5 "$OUT_DIR/build.log" >&2; sleep 10
  done
  return 1
}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building ($CONFIGURATION)"
  build src/Gateway.Server
  build load-tests/Gateway.LoadTests
fi

# --- the gateway -------------------------------------------------------------------------------------------------
DATA_DIR="$(mktemp -d /tmp/gateway-load.XXXXXX)"
API_KEY="${GATEWAY_API_KEY:-load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}"
log "starting the gateway on 127.0.0.1:$GATEWAY_PORT (data $DATA_DIR, log $OUT_DIR/gateway.log)"
Gateway__Admin__BootstrapApiKey="$API_KEY" \
  dotnet run -c "$CONFIGURATION" --no-build --project src/Gateway.Server -- \
  --urls "http://127.0.0.1:$GATEWAY_PORT" --Gateway:DataDir="$DATA_DIR" \
  --Gateway:Cluster:SiloPort="$SILO_PORT" --Gateway:Cluster:GatewayPort="$ORLEANS_GATEWAY_PORT" \
  >"$OUT_DIR/gateway.log" 2>&1 &
GATEWAY_PID=$!
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
for i in $(seq 1 240); do
  kill -0 "$GATEWAY_PID" 2>/dev/null || { log "the gateway exited:"; tail -30 "$OUT_DIR/gateway.log" >&2; exit 1; }
  curl -fsS -o /dev/null "$GATEWAY_URL/health/ready" 2>/dev/null && break
  [ "$i" -eq 240 ] && { log "the gateway was not ready within 120 s"; tail -30 "$OUT_DIR/gateway.log" >&2; exit 1; }
  sleep 0.5
done
log "gateway ready at $GATEWAY_URL"

# --- cfssl -------------------------------------------------------------------------------------------------------
CFSSL_OUT="$(CFSSL_DIR="$OUT_DIR/cfssl" "$ROOT/load-tests/run-cfssl.sh" "$CFSSL_PORT")"
eval "$CFSSL_OUT"   # CFSSL_URL, CFSSL_PID, CFSSL_DIR

# --- the runs ----------------------------------------------------------------------------------------------------
HARNESS=(dotnet "$ROOT/load-tests/Gateway.LoadTests/bin/$CONFIGURATION/net10.0/gateway-load.dll")
run() {  # scenario url
  log "loadavg before $1: $(cat /proc/loadavg)"
  # shellcheck disable=SC2086
  GATEWAY_API_KEY="$API_KEY" "${HARNESS[@]}" "$1" --base-url "$2" $SHAPE --warmup "$WARMUP" --duration "$DURATION" \
    --profile "$PROFILE" --out "$OUT_DIR/$1.json" $EXTRA_ARGS 2>"$OUT_DIR/$1.progress.log" | tee "$OUT_DIR/$1.txt" || {
    local rc=$?; log "$1 exited with $rc (2 = verification found missing certificates)"; }
}
run admin-enroll "$GATEWAY_URL"
run cfssl-sign "$CFSSL_URL"

# --- the table ---------------------------------------------------------------------------------------------------
row() {
  jq -r --arg name "$1" '[$name, .throughput, .latencyMs.p50 // "-", .latencyMs.p99 // "-", .latencyMs.max // "-",
      .failed, (.machine.generatorCores), .machine.loadAverageAtMeasureStart // "?"]
    | @tsv' "$2"
}
{
  echo
  echo "shape: $SHAPE, warmup $WARMUP s, measured $DURATION s; $(nproc) cores shared by server(s) and load generator"
  printf '%-14s %12s %9s %9s %9s %7s %9s  %s\n' "" "ok req/s" "p50 ms" "p99 ms" "max ms" "errors" "gen cores" "loadavg at start"
  for s in admin-enroll cfssl-sign; do
    [ -f "$OUT_DIR/$s.json" ] || continue
    IFS=$'\t' read -r name tput p50 p99 max errs gen la < <(row "$s" "$OUT_DIR/$s.json")
    printf '%-14s %12s %9s %9s %9s %7s %9s  %s\n' "$name" "$tput" "$p50" "$p99" "$max" "$errs" "$gen" "$la"
  done
  if [ -f "$OUT_DIR/admin-enroll.json" ]; then
    jq -r '"admin-enroll errors: " + (.errors | to_entries | map("\(.key) × \(.value)") | join(", ") | if . == "" then "none" else . end)
      + "; verify: " + (if .verify then "\(.verify.present)/\(.verify.sampled) present" else "-" end)' "$OUT_DIR/admin-enroll.json"
  fi
  echo "gateway log: $(grep -cE '^(fail|crit):' "$OUT_DIR/gateway.log" || true) fail/crit entries, $(grep -cE '^warn:' "$OUT_DIR/gateway.log" || true) warnings ($OUT_DIR/gateway.log)"
} | tee "$OUT_DIR/summary.txt"
