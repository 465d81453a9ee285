#!/usr/bin/env bash
# The hot path's measuring loop (issue 19): one scenario against one freshly started gateway (Release, embedded
# PostgreSQL in a new data directory each run), 32 workers, a long warm-up (tiered compilation settles after about
# 30 s under this load; shorter warm-ups measure the JIT), then the harness's report: throughput, latency and CPU per
# successful request of the gateway and of PostgreSQL separately. Optionally a CPU profile of both processes and the
# database's statement counts and times.
#
#   load-tests/hotpath.sh NAME [SCENARIO] [gateway options...]
#   load-tests/hotpath.sh writers1 admin-enroll --Gateway:Store:Writers=1
#   PROFILE=1 load-tests/hotpath.sh base est-enroll      # + NAME.profile.txt: buckets and the top 60 frames per process
#                                                        (16 s traced from 7 s into the window, the first 8 s of it skipped:
#                                                        starting the trace sets the JIT working for about 6 s)
#   PGSS=1 load-tests/hotpath.sh base admin-enroll       # + NAME.pgss.txt: pg_stat_statements over the measured window (execution and planning)
#   SERVER_DLL=/other/checkout/...Gateway.Server.dll load-tests/hotpath.sh before admin-enroll   # another build, same loop
#
# SCENARIO: admin-enroll (default) or est-enroll. Environment: WARMUP (40 s), DURATION (30 s), CONCURRENCY (32),
# SKIP_BUILD=1, OUT_DIR (load-tests/results/hotpath), HTTP_PORT 5180, HTTPS_PORT 5543, SILO_PORT 21311. Environment
# variables such as DOTNET_gcServer=0 reach the gateway (runtime settings by measurement). PROFILE needs dotnet-trace
# (installed if missing); PGSS preloads pg_stat_statements into the throwaway PostgreSQL (one extra restart).
# SQL_AFTER_START=FILE runs FILE's SQL (psql, as postgres) once the gateway is ready, before the load: a database-side
# experiment such as dropping an index, without a build (hotpath-ab.sh: NEW_ENV="SQL_AFTER_START=/tmp/x.sql").
# SQL_AFTER_RUN=FILE runs FILE's SQL after the measured window (output in NAME.after-run.txt): what the load left.
# PG_CONF="name=value,..." appends PostgreSQL settings to the data directory's postgresql.auto.conf after a first start
# (separated by commas or spaces, none inside a value), for settings such as shared_buffers that need a restart.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME="${1:?usage: load-tests/hotpath.sh NAME [admin-enroll|est-enroll] [gateway options...]}"
SCENARIO="${2:-admin-enroll}"
shift; [ $# -gt 0 ] && shift
CONFIGURATION=Release
LOG_PREFIX=hotpath
OUT_DIR="${OUT_DIR:-$ROOT/load-tests/results/hotpath}"
WARMUP="${WARMUP:-40}"
DURATION="${DURATION:-30}"
CONCURRENCY="${CONCURRENCY:-32}"
HTTP_PORT="${HTTP_PORT:-5180}"
HTTPS_PORT="${HTTPS_PORT:-5543}"
SILO_PORT="${SILO_PORT:-21311}"
# shellcheck source=lib/common.sh
. "$ROOT/load-tests/lib/common.sh"
case "$SCENARIO" in admin-enroll|est-enroll) ;; *) die "scenario '$SCENARIO': admin-enroll or est-enroll" ;; esac
for tool in dotnet openssl curl jq setsid; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d /tmp/gateway-hotpath.XXXXXX)"
GATEWAY_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_node "$GATEWAY_PID"
  stop_postgres "$WORK/data"
  cp "$WORK/data/pg/postgres.log" "$OUT_DIR/$NAME.postgres.log" 2>/dev/null || true  # checkpoints, among others
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

require_free_ports "$HTTP_PORT" "$HTTPS_PORT" "$SILO_PORT" $((SILO_PORT + 1))
OTHER_SERVER_DLL="${SERVER_DLL:-}"
build_all
if [ -n "$OTHER_SERVER_DLL" ]; then
  [ -f "$OTHER_SERVER_DLL" ] || die "SERVER_DLL $OTHER_SERVER_DLL does not exist"
  SERVER_DLL="$OTHER_SERVER_DLL"
fi
make_device_certificate
if [ "${PROFILE:-0}" = 1 ]; then
  TRACER="${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}"
  [ -x "$TRACER" ] || dotnet tool install -g dotnet-trace >"$OUT_DIR/dotnet-trace-install.log" 2>&1 || die "cannot install dotnet-trace"
  [ "${SKIP_BUILD:-0}" = 1 ] || build load-tests/Gateway.CpuProfile
fi

API_KEY="hotpath-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
start_gateway() {
  # shellcheck disable=SC2086
  Gateway__Admin__BootstrapApiKey="$API_KEY" start_node "$OUT_DIR/$NAME.gateway.log" \
    --urls "http://127.0.0.1:$HTTP_PORT;https://127.0.0.1:$HTTPS_PORT" --Gateway:DataDir="$WORK/data" \
    --Gateway:Cluster:SiloPort="$SILO_PORT" --Gateway:Cluster:GatewayPort=$((SILO_PORT + 1)) \
    --Gateway:Est:TrustAnchors:0="$WORK/mfg-ca.pem" "$@"
  GATEWAY_PID=$STARTED_PID
  wait_ready "$GATEWAY_PID" "http://127.0.0.1:$HTTP_PORT" "$OUT_DIR/$NAME.gateway.log"
}
psql_gateway() {  # sql: as the postgres user over the data directory's socket
  local dir="$WORK/data/pg"
  su postgres -s /bin/sh -c "psql -h '$dir' -p '$(cat "$dir/gateway.port")' -d gateway -At -c \"$1\""
}
psql_gateway_file() {  # FILE [psql options...]: FILE's SQL, as psql_gateway (a copy the postgres user can read)
  local dir="$WORK/data/pg" copy; copy="$(mktemp -p "$WORK" sql.XXXXXX)"
  cp "$1" "$copy"; chmod a+r "$copy"; shift
  su postgres -s /bin/sh -c "psql $* -h '$dir' -p '$(cat "$dir/gateway.port")' -d gateway -f '$copy'"
}

if [ "${PGSS:-0}" = 1 ] || [ -n "${PG_CONF:-}" ]; then  # settings that need PostgreSQL's restart: one start first
  start_gateway "$@"
  stop_node "$GATEWAY_PID"; GATEWAY_PID=""
  [ "${PGSS:-0}" = 1 ] && printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n" >>"$WORK/data/pg/postgresql.auto.conf"
  # shellcheck disable=SC2086
  [ -n "${PG_CONF:-}" ] && printf '%s\n' ${PG_CONF//,/ } >>"$WORK/data/pg/postgresql.auto.conf"
fi
log "$NAME: starting the gateway ($SCENARIO; options: ${*:-none})"
start_gateway "$@"
curl -fsS -o "$WORK/gateway-root.pem" "http://127.0.0.1:$HTTP_PORT/ca/root.pem" || die "cannot fetch the root"
PG_PID=$(postmaster_pid "$WORK/data")
[ -n "$PG_PID" ] || die "no embedded PostgreSQL pid"
[ "${PGSS:-0}" = 1 ] && psql_gateway "create extension if not exists pg_stat_statements" >/dev/null
if [ -n "${SQL_AFTER_START:-}" ]; then  # a database-side experiment: this file's SQL, run once the gateway is ready
  [ -f "$SQL_AFTER_START" ] || die "SQL_AFTER_START $SQL_AFTER_START does not exist"
  psql_gateway_file "$SQL_AFTER_START" -v ON_ERROR_STOP=1 >"$OUT_DIR/$NAME.after-start.log" 2>&1 \
    || die "SQL_AFTER_START failed: $OUT_DIR/$NAME.after-start.log"
fi

case "$SCENARIO" in
  est-enroll) ARGS=(--target "https://127.0.0.1:$HTTPS_PORT/" --cacert "$WORK/gateway-root.pem" --est-client-cert "$WORK/device.pem"
    --est-client-key "$WORK/device.key" --common-name load-device-0001) ;;
  admin-enroll) ARGS=(--target "http://127.0.0.1:$HTTP_PORT/") ;;
esac
if [ "${PGSS:-0}" = 1 ]; then (sleep "$WARMUP"; psql_gateway "select pg_stat_statements_reset(), pg_stat_reset_shared('wal')" >/dev/null) & fi
TRACE_PID=""
if [ "${PROFILE:-0}" = 1 ]; then
  (sleep $((WARMUP + DURATION / 4))
   "$TRACER" collect-linux --profile cpu-sampling --duration 00:00:00:16 -o "$OUT_DIR/$NAME.nettrace" >"$OUT_DIR/$NAME.trace.log" 2>&1) &
  TRACE_PID=$!
fi
log "$NAME: $SCENARIO, $CONCURRENCY workers, ${WARMUP} s warm-up + ${DURATION} s measured"
GATEWAY_API_KEY="$API_KEY" dotnet "$HARNESS_DLL" "$SCENARIO" "${ARGS[@]}" --concurrency "$CONCURRENCY" --warmup "$WARMUP" \
  --duration "$DURATION" --server-pid "$GATEWAY_PID" --server-pid "$PG_PID" --out "$OUT_DIR/$NAME.json" >"$OUT_DIR/$NAME.txt" 2>"$OUT_DIR/$NAME.progress.log" \
  || log "$NAME: the harness exited with $?"
cat "$OUT_DIR/$NAME.txt"
if [ "${PGSS:-0}" = 1 ]; then
  psql_gateway "select calls, round(total_exec_time::numeric, 1), round((total_exec_time / greatest(calls, 1))::numeric, 3), round(total_plan_time::numeric, 1), rows, wal_records, wal_fpi, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 150) from pg_stat_statements order by total_exec_time desc limit 25" \
    >"$OUT_DIR/$NAME.pgss.txt"
  # The WAL of the whole server over the window (checkpoints' full-page images included), and who wrote it.
  psql_gateway "select 'wal', wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync, round(wal_write_time::numeric, 1), round(wal_sync_time::numeric, 1) from pg_stat_wal" >>"$OUT_DIR/$NAME.pgss.txt"
  echo "pg_stat_statements (calls | total ms | ms per call | planning ms | rows | WAL records | full-page images | WAL bytes | statement)"
  echo "  and pg_stat_wal (wal | records | full-page images | bytes | buffers full | writes | syncs | write ms | sync ms):"; cat "$OUT_DIR/$NAME.pgss.txt"
fi
if [ -n "${SQL_AFTER_RUN:-}" ]; then  # a look at what the load left in the store: this file's SQL, after the measured window
  [ -f "$SQL_AFTER_RUN" ] || die "SQL_AFTER_RUN $SQL_AFTER_RUN does not exist"
  psql_gateway_file "$SQL_AFTER_RUN" >"$OUT_DIR/$NAME.after-run.txt" 2>&1 || log "$NAME: SQL_AFTER_RUN failed: $OUT_DIR/$NAME.after-run.txt"
fi
if [ -n "$TRACE_PID" ]; then
  wait "$TRACE_PID" || true
  dotnet "$ROOT/load-tests/Gateway.CpuProfile/bin/$CONFIGURATION/net10.0/gateway-cpu-profile.dll" "$OUT_DIR/$NAME.nettrace" \
    gateway="$GATEWAY_PID" --from 8 --top "${TOP:-60}" >"$OUT_DIR/$NAME.profile.txt" 2>&1 || log "$NAME: the profile could not be read"
  sed -n '1,/^samples/p' "$OUT_DIR/$NAME.profile.txt"
fi
