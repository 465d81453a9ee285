#!/usr/bin/env bash
# One node against a cluster, on this machine: build, start node 1 in postgres cluster mode (Release, embedded
# PostgreSQL in a throwaway data directory, a throwaway manufacturer CA as EST trust anchor), run est-enroll and
# admin-enroll against it alone, then start nodes 2..NODES on node 1's PostgreSQL, CA, admin key and credential key
# (three local processes, one Orleans cluster, one database), wait until the cluster lists them all as active, and run
# the same scenarios with requests spread round-robin over every node. Server CPU is reported per node and for the
# shared PostgreSQL. Everything it starts is stopped on exit, Ctrl-C included; reports and logs stay in OUT_DIR.
#
#   load-tests/cluster.sh                                  # 3 nodes, 32 workers; per phase 60 s warmup, then 30 s measured
#   NODES=2 SHAPE="--concurrency 48" load-tests/cluster.sh
#
# Environment (all optional):
#   NODES=3                    nodes in the second phase (node 1 is the first phase's node, it stays up)
#   SHAPE="--concurrency 32"   load shape for every run (the same total load in both phases)
#   WARMUP=60 DURATION=30      seconds: each phase first runs every scenario unmeasured for WARMUP s, then measures
#   MEASURE_WARMUP=10          each after MEASURE_WARMUP s more (three fresh processes JIT-compile on two cores: after
#                              60 s of one scenario the tiered JIT still took up to 32 % of a new node's CPU in the next)
#   SCENARIOS="est-enroll admin-enroll"
#   EXPECTED_RATE=2000         requests/s each run's pool of fresh CSRs is sized for (the harness's --expected-rate)
#   PHASES="1 N"               "1" or "N" alone to skip a phase
#   EXTRA_ARGS="" GATEWAY_ARGS=""   more harness / gateway options
#   BASE_HTTP_PORT=5180 BASE_HTTPS_PORT=5543 BASE_SILO_PORT=21211
#                              node i (1-based) listens on BASE + 10 × (i − 1) on 127.0.0.1
#   PROFILE=1                  also sample every process's CPU for PROFILE_SECONDS (default 10) in the middle of each
#                              measured window (dotnet-trace collect-linux, installed with `dotnet tool install -g
#                              dotnet-trace` if missing) and write <run>.profile.txt: per node and for PostgreSQL, the
#                              share of CPU per hot-path bucket (load-tests/Gateway.CpuProfile). The tracer costs CPU
#                              itself: take throughput figures from runs without PROFILE.
#   CONFIGURATION=Release ADMIN_PROFILE=iot-device SKIP_BUILD=1 KEEP_WORK=1
#   OUT_DIR=load-tests/results/cluster-<UTC time>
#
# Exit status: 0 when every run finished (whatever the figures), 1 on a setup failure, 2 when a run's durability
# check found an issued serial missing from the store.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NODES="${NODES:-3}"
SHAPE="${SHAPE:---concurrency 32}"
WARMUP="${WARMUP:-60}"
MEASURE_WARMUP="${MEASURE_WARMUP:-10}"
EXPECTED_RATE="${EXPECTED_RATE:-2000}"
PROFILE="${PROFILE:-0}"
PROFILE_SECONDS="${PROFILE_SECONDS:-10}"
DURATION="${DURATION:-30}"
SCENARIOS="${SCENARIOS:-est-enroll admin-enroll}"
PHASES="${PHASES:-1 N}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
GATEWAY_ARGS="${GATEWAY_ARGS:-}"
BASE_HTTP_PORT="${BASE_HTTP_PORT:-5180}"
BASE_HTTPS_PORT="${BASE_HTTPS_PORT:-5543}"
BASE_SILO_PORT="${BASE_SILO_PORT:-21211}"
CONFIGURATION="${CONFIGURATION:-Release}"
ADMIN_PROFILE="${ADMIN_PROFILE:-iot-device}"
OUT_DIR="${OUT_DIR:-load-tests/results/cluster-$(date -u +%Y%m%d-%H%M%S)}"

LOG_PREFIX=cluster
# shellcheck source=lib/common.sh
. "$ROOT/load-tests/lib/common.sh"

for tool in dotnet openssl curl jq setsid; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done
[[ "$NODES" =~ ^[1-9]$ ]] || die "NODES must be 1..9"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/gateway-cluster.XXXXXX)"

declare -a NODE_PID=()
STATUS=0

http_url() { echo "http://127.0.0.1:$((BASE_HTTP_PORT + 10 * ($1 - 1)))"; }
https_url() { echo "https://127.0.0.1:$((BASE_HTTPS_PORT + 10 * ($1 - 1)))"; }

# Stops the nodes last-started first (node 1 last: the PostgreSQL the others use is its embedded one), then that
# PostgreSQL by its pid file if it is still there.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for ((i = ${#NODE_PID[@]}; i >= 1; i--)); do stop_node "${NODE_PID[$i - 1]}"; done
  stop_postgres "$WORK/node1"
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  [ "$rc" -eq 0 ] && rc=$STATUS
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

for i in $(seq 1 "$NODES"); do
  require_free_ports $((BASE_HTTP_PORT + 10 * (i - 1))) $((BASE_HTTPS_PORT + 10 * (i - 1))) \
    $((BASE_SILO_PORT + 10 * (i - 1)))
done
build_all
make_device_certificate
if [ "$PROFILE" = 1 ]; then
  TRACER="${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}"
  if [ ! -x "$TRACER" ]; then
    log "installing dotnet-trace (dotnet tool install -g dotnet-trace)"
    dotnet tool install -g dotnet-trace >"$OUT_DIR/dotnet-trace-install.log" 2>&1 || die "cannot install dotnet-trace (see $OUT_DIR/dotnet-trace-install.log)"
  fi
  [ "${SKIP_BUILD:-0}" = 1 ] || build load-tests/Gateway.CpuProfile
  PROFILER_DLL="$ROOT/load-tests/Gateway.CpuProfile/bin/$CONFIGURATION/net10.0/gateway-cpu-profile.dll"
  [ -f "$PROFILER_DLL" ] || die "build output missing ($PROFILER_DLL)"
fi

# profile_run NAME LABEL=PID...: once NAME's measured window has begun, wait a quarter of it, sample all CPUs for
# PROFILE_SECONDS and break the samples down per labelled process into $OUT_DIR/NAME.profile.txt (in the background).
profile_run() {
  local name=$1; shift
  (
    for _ in $(seq 1 600); do grep -q "measure" "$OUT_DIR/$name.progress.log" 2>/dev/null && break; sleep 0.5; done
    sleep $((DURATION / 4))
    "$TRACER" collect-linux --profile cpu-sampling --duration "00:00:00:$PROFILE_SECONDS" -o "$OUT_DIR/$name.nettrace" \
      >"$OUT_DIR/$name.trace.log" 2>&1 || { log "$name: dotnet-trace failed (see $OUT_DIR/$name.trace.log)"; exit 0; }
    dotnet "$PROFILER_DLL" "$OUT_DIR/$name.nettrace" "$@" >"$OUT_DIR/$name.profile.txt" 2>&1 \
      || log "$name: the CPU profile could not be read (see $OUT_DIR/$name.profile.txt)"
  ) &
  PROFILE_PID=$!
}
PROFILE_PID=""

API_KEY="load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export Gateway__Admin__BootstrapApiKey="$API_KEY"

start_cluster_node() {  # i [extra options...]
  local i=$1; shift
  log "starting node $i: $(http_url "$i") and $(https_url "$i") (log $OUT_DIR/node$i.log)"
  # shellcheck disable=SC2086
  start_node "$OUT_DIR/node$i.log" --urls "$(http_url "$i");$(https_url "$i")" --Gateway:DataDir="$WORK/node$i" \
    --Gateway:Cluster:Mode=postgres \
    --Gateway:Cluster:SiloPort=$((BASE_SILO_PORT + 10 * (i - 1))) \
    --Gateway:PublicBaseUrl=http://gateway.cluster.test \
    --Gateway:Est:TrustAnchors:0="$WORK/mfg-ca.pem" "$@" $GATEWAY_ARGS
  NODE_PID[$i - 1]=$STARTED_PID
}

wait_active() {  # n: until node 1's GET /api/v1/cluster counts n active silos
  local active=0
  for _ in $(seq 1 120); do
    active=$(curl -fsS -H "Authorization: Bearer $API_KEY" "$(http_url 1)/api/v1/cluster" 2>/dev/null | jq -r '.active // 0' || echo 0)
    [ "$active" -ge "$1" ] && { log "cluster: $active active silos"; return 0; }
    sleep 0.5
  done
  die "the cluster did not reach $1 active silos within 60 s (last count $active)"
}

# --- node 1: the embedded PostgreSQL, the CA ------------------------------------------------------------------------
start_cluster_node 1
wait_ready "${NODE_PID[0]}" "$(http_url 1)" "$OUT_DIR/node1.log"
curl -fsS -o "$WORK/gateway-root.pem" "$(http_url 1)/ca/root.pem" || die "cannot fetch $(http_url 1)/ca/root.pem"
PG_PID=$(postmaster_pid "$WORK/node1")
[ -n "$PG_PID" ] || die "node 1's embedded PostgreSQL has no pid file under $WORK/node1/pg"
wait_active 1

run_scenario() {  # name scenario n [label=pid...]: one harness run of scenario against nodes 1..n
  local name=$1 scenario=$2 n=$3 targets=() pids=()
  for i in $(seq 1 "$n"); do
    pids+=(--server-pid "node$i=${NODE_PID[$i - 1]}")
    case "$scenario" in
      est-enroll) targets+=(--target "$(https_url "$i")") ;;
      *) targets+=(--target "$(http_url "$i")") ;;
    esac
  done
  pids+=(--server-pid "pg=$PG_PID")
  local common=("${targets[@]}" "${pids[@]}" --expected-rate "$EXPECTED_RATE")
  case "$scenario" in
    est-enroll) harness "$name" "$scenario" "${common[@]}" --cacert "$WORK/gateway-root.pem" \
      --est-client-cert "$WORK/device.pem" --est-client-key "$WORK/device.key" --common-name load-device-0001 ;;
    admin-enroll) harness "$name" "$scenario" "${common[@]}" --profile "$ADMIN_PROFILE" ;;
    *) harness "$name" "$scenario" "${common[@]}" ;;
  esac
}

# run_phase n: every scenario against nodes 1..n, first once unmeasured for WARMUP s each (fresh processes: every
# scenario's code paths get through tiered JIT before any of them is measured), then measured, MEASURE_WARMUP s + DURATION s.
run_phase() {
  local n=$1 scenario labels=()
  for i in $(seq 1 "$n"); do labels+=("node$i=${NODE_PID[$i - 1]}"); done
  if [ "$WARMUP" -gt 0 ]; then
    for scenario in $SCENARIOS; do
      DURATION=5 run_scenario "$scenario-${n}node-warmup" "$scenario" "$n"
    done
  fi
  for scenario in $SCENARIOS; do
    if [ "$PROFILE" = 1 ]; then profile_run "$scenario-${n}node" "${labels[@]}"; fi
    WARMUP=$MEASURE_WARMUP run_scenario "$scenario-${n}node" "$scenario" "$n"
    if [ -n "$PROFILE_PID" ]; then wait "$PROFILE_PID" || true; PROFILE_PID=""; fi
  done
}

case " $PHASES " in *" 1 "*) run_phase 1 ;; esac

case " $PHASES " in *" N "*)
  if [ "$NODES" -gt 1 ]; then
    # nodes 2..N: node 1's database, CA, admin key and credential key; their own data directories and ports
    PG_DIR="$WORK/node1/pg"
    export ConnectionStrings__Gateway="Host=127.0.0.1;Port=$(cat "$PG_DIR/gateway.port");Database=gateway;Username=gateway;Password=$(cat "$PG_DIR/gateway.password")"
    export Gateway__Credentials__EncryptionKey="$(cat "$WORK/node1/credential-key")"
    for i in $(seq 2 "$NODES"); do start_cluster_node "$i" --Gateway:Ca:Directory="$WORK/node1/ca"; done
    for i in $(seq 2 "$NODES"); do wait_ready "${NODE_PID[$i - 1]}" "$(http_url "$i")" "$OUT_DIR/node$i.log"; done
    wait_active "$NODES"
    run_phase "$NODES"
  fi ;;
esac

# --- the table ---------------------------------------------------------------------------------------------------
{
  echo
  echo "shape: $SHAPE; per phase every scenario unmeasured for $WARMUP s, then each $MEASURE_WARMUP s warm-up + $DURATION s measured; $(nproc) cores shared by every node, PostgreSQL and the load generator"
  echo "gateway: postgres cluster mode, one PostgreSQL (node 1's embedded one), $CONFIGURATION"
  table_header "vs 1 node"
  for scenario in $SCENARIOS; do
    one="$OUT_DIR/$scenario-1node.json"
    for f in "$OUT_DIR/$scenario-"*node.json; do
      [ -f "$f" ] || continue
      ratio="-"
      if [ "$f" != "$one" ] && [ -f "$one" ]; then
        ratio=$(jq -rn --slurpfile a "$f" --slurpfile b "$one" \
          'if ($b[0].throughput // 0) > 0 then "\((($a[0].throughput / $b[0].throughput) * 100 | round) / 100)x" else "-" end')
      fi
      table_row "$(basename "$f" .json)" "$f" "$ratio"
    done
  done
  echo
  report_details "$OUT_DIR"/*node.json
  for f in "$OUT_DIR"/*node.profile.txt; do
    [ -f "$f" ] || continue
    echo; echo "where the CPU went, $(basename "$f" .profile.txt) (share of each process's samples, ${PROFILE_SECONDS} s in the measured window):"
    cat "$f"
  done
  echo "srv cpu ms: CPU milliseconds per successful request of every node (nodeN:dotnet) and the shared PostgreSQL (pg:postgres)"
  for i in $(seq 1 "${#NODE_PID[@]}"); do
    echo "node $i log: $(grep -cE '^(fail|crit):' "$OUT_DIR/node$i.log" || true) fail/crit entries, $(grep -cE '^warn:' "$OUT_DIR/node$i.log" || true) warnings"
  done
  echo "reports: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
