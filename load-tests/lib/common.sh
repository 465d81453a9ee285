# Shared by compare.sh and cluster.sh (sourced, not run): build, the EST device certificate, starting a gateway node
# and waiting for it, stopping what was started, and one harness run. Expects ROOT, OUT_DIR, WORK, CONFIGURATION and a
# LOG_PREFIX; sets SERVER_DLL and HARNESS_DLL.

log() { echo "${LOG_PREFIX:-load}: $*" >&2; }
die() { log "$*"; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

first_free_port() {  # start [taken...]: the first port >= start that is free on 127.0.0.1 and not among taken
  local start=$1 p=$1; shift
  while [ "$p" -lt 65536 ]; do
    case " $* " in *" $p "*) ;; *) port_free "$p" && { echo "$p"; return 0; } ;; esac
    p=$((p + 1))
  done
  die "no free port from $start"
}

require_free_ports() {  # port... (the message names the environment knobs of the calling script)
  for p in "$@"; do port_free "$p" || die "port $p on 127.0.0.1 is in use; see the port variables at the top of $0"; done
}

build() {  # project; retries: another build on the machine may hold a file for a moment
  for attempt in 1 2 3; do
    if dotnet build -c "$CONFIGURATION" "$1" >"$OUT_DIR/build.log" 2>&1; then return 0; fi
    log "build of $1 failed (attempt $attempt)"; tail -5 "$OUT_DIR/build.log" >&2; sleep 5
  done
  die "cannot build $1 (see $OUT_DIR/build.log)"
}

build_all() {  # honours SKIP_BUILD=1; sets SERVER_DLL, HARNESS_DLL
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building ($CONFIGURATION)"
    build src/Gateway.Server
    build load-tests/Gateway.LoadTests
  fi
  SERVER_DLL="$ROOT/src/Gateway.Server/bin/$CONFIGURATION/net10.0/Gateway.Server.dll"
  HARNESS_DLL="$ROOT/load-tests/Gateway.LoadTests/bin/$CONFIGURATION/net10.0/gateway-load.dll"
  [ -f "$SERVER_DLL" ] && [ -f "$HARNESS_DLL" ] || die "build output missing ($SERVER_DLL, $HARNESS_DLL)"
}

# A throwaway manufacturer CA and one device (IDevID) certificate under it, EST's client certificate:
# $WORK/mfg-ca.pem, $WORK/device.pem, $WORK/device.key.
make_device_certificate() {
  (
    cd "$WORK"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/O=Load Devices/CN=Load Manufacturer CA" \
      -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign \
      -keyout mfg-ca.key -out mfg-ca.pem 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=load-device-0001" \
      -keyout device.key -out device.csr 2>/dev/null
    openssl x509 -req -in device.csr -CA mfg-ca.pem -CAkey mfg-ca.key -CAcreateserial -days 2 -out device.pem 2>/dev/null
  ) || die "openssl could not make the manufacturer CA and device certificate"
}

# start_node LOGFILE ARGS... : starts `dotnet Gateway.Server.dll ARGS` in its own session (so its pid is its process
# group and everything it leaves behind can be stopped with it); the pid is in STARTED_PID. The caller's exported
# environment (API key, connection string) goes with it.
start_node() {
  local logfile=$1; shift
  setsid dotnet "$SERVER_DLL" "$@" >"$logfile" 2>&1 </dev/null &
  STARTED_PID=$!
}

wait_ready() {  # pid http-url logfile
  for i in $(seq 1 300); do
    kill -0 "$1" 2>/dev/null || { tail -30 "$3" >&2; die "the gateway at $2 exited during start"; }
    curl -fsS -o /dev/null "$2/health/ready" 2>/dev/null && return 0
    [ "$i" -eq 300 ] && { tail -30 "$3" >&2; die "the gateway at $2 was not ready within 150 s"; }
    sleep 0.5
  done
}

# stop_node PID: SIGTERM (the gateway stops its Orleans silo and, if it started one, its embedded PostgreSQL), up to
# 30 s, then whatever is left in its process group, SIGTERM and then SIGKILL.
stop_node() {
  local pid=$1
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping the gateway ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  if kill -0 -- "-$pid" 2>/dev/null; then
    log "the gateway's process group $pid is still there: SIGTERM, then SIGKILL"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
}

stop_postgres() {  # data-dir: the embedded PostgreSQL daemonizes, so it is stopped by its pid file if still running
  local pidfile="$1/pg/postmaster.pid"
  [ -f "$pidfile" ] || return 0
  local pgpid; pgpid=$(head -1 "$pidfile" 2>/dev/null || true)
  if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
    log "embedded PostgreSQL ($pgpid) is still running: SIGINT (fast shutdown)"
    kill -INT "$pgpid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.5; done
  fi
}

postmaster_pid() { head -1 "$1/pg/postmaster.pid" 2>/dev/null || true; }  # data-dir

# harness NAME SCENARIO ARGS...: one run of the load harness with WARMUP, DURATION, SHAPE and EXTRA_ARGS; the report is
# $OUT_DIR/NAME.json/.txt with a progress log. Sets STATUS to 2 when the durability check found a serial missing, to 1
# on another failure; exits on Ctrl-C.
harness() {
  local name=$1 scenario=$2; shift 2
  local rc=0
  log "$name: $scenario ${*} ($SHAPE), uptime: $(uptime)"
  # shellcheck disable=SC2086
  GATEWAY_API_KEY="$API_KEY" dotnet "$HARNESS_DLL" "$scenario" "$@" $SHAPE \
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

# One line per report for the summary: errors, the durability sample, server CPU per ok request by process.
report_details() {  # json...
  for f in "$@"; do
    [ -f "$f" ] || continue
    jq -r '"\(.scenario): errors " + (.errors | to_entries | map(select(.value > 0)) | map("\(.key) × \(.value)") | join(", ") | if . == "" then "none" else . end)
      + (if .verify then "; durability sample \(.verify.present)/\(.verify.sampled) present of \(.verify.available) issued" else "" end)
      + (if .stored then "; \(.stored.answered) successful answers (warm-up included), \(.stored.newCertificates) new certificates in the store for the fixed CSR" else "" end)
      + (if (.serverCpu | length) > 0 then "; server CPU per ok request: " + (.serverCpu | map("\(.process) \(.msPerOkRequest) ms") | join(", ")) else "" end)
      + (if .pool.wrapped then "; POOL WRAPPED: " + .pool.note else "" end)' "$f" | sed "s|^|$(basename "$f" .json): |"
  done
}

fmt() { jq -r "$1 // \"-\"" "$2"; }  # jq-filter json

# The summary table: one row per report. `ratio` is free text (e.g. the ratio to cfssl), "-" when none.
table_header() {
  printf '%-22s %9s %8s %8s %8s %7s %9s %11s %9s  %s\n' "run" "ok/s" "p50 ms" "p99 ms" "max ms" "errors" "${1:-vs cfssl}" "srv cpu ms" "gen cores" "loadavg start / end"
}
table_row() {  # name json ratio
  local name=$1 f=$2 ratio=${3:--}
  printf '%-22s %9s %8s %8s %8s %7s %9s %11s %9s  %s / %s\n' "$name" "$(fmt .throughput "$f")" \
    "$(fmt .latencyMs.p50 "$f")" "$(fmt .latencyMs.p99 "$f")" "$(fmt .latencyMs.max "$f")" "$(fmt .failed "$f")" "$ratio" \
    "$(fmt 'if (.serverCpu | length) > 0 then ([.serverCpu[].msPerOkRequest] | add * 1000 | round / 1000) else null end' "$f")" \
    "$(fmt .machine.generatorCores "$f")" "$(fmt .machine.loadAverageAtMeasureStart "$f")" "$(fmt .machine.loadAverageAtEnd "$f")"
}
