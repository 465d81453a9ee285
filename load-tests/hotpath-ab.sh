#!/usr/bin/env bash
# Paired A/B of the hot path's loop (issue 19): another build ("base", its Gateway.Server.dll, for example from a git
# worktree) and this checkout's Release build ("new") measured side by side, ROUNDS times. In each round both run
# load-tests/hotpath.sh at the same time, each with its own ports, its own embedded PostgreSQL and 16 workers, so both
# see the same minutes of the host. On a shared host whose speed drifts by 20 % and more from one run to the next
# (load-tests/README.md, "the host changed"), a change of a few percent shows only within such pairs: the script prints
# each round, the new/base ratio of the gateway's, PostgreSQL's and the total CPU per successful request, and the
# median ratios. The absolute figures are higher than a run alone (two gateways share 2 cores, commit groups are
# smaller); compare the ratios.
#
#   git worktree add /tmp/base HEAD~1 && (cd /tmp/base && dotnet build -c Release src/Gateway.Server)
#   dotnet build -c Release src/Gateway.Server load-tests/Gateway.LoadTests
#   load-tests/hotpath-ab.sh /tmp/base/src/Gateway.Server/bin/Release/net10.0/Gateway.Server.dll 3 [admin-enroll|est-enroll]
#   NEW_ENV="DOTNET_gcServer=0" load-tests/hotpath-ab.sh - 3     # a runtime setting: this build on both sides
#
# BASE_SERVER_DLL "-" is this checkout's build. BASE_ENV and NEW_ENV: space-separated VAR=value settings for one side's
# gateway only. Environment: as hotpath.sh (WARMUP, DURATION, OUT_DIR); CONCURRENCY per side (16). Uses this checkout's
# build as is (SKIP_BUILD=1): build it first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASE_DLL="${1:?usage: load-tests/hotpath-ab.sh BASE_SERVER_DLL [ROUNDS] [admin-enroll|est-enroll]}"
ROUNDS="${2:-3}"
SCENARIO="${3:-admin-enroll}"
OUT_DIR="${OUT_DIR:-$ROOT/load-tests/results/hotpath}"
TAG="${TAG:-ab-$(date -u +%Y%m%dT%H%M%S)}"
[ "$BASE_DLL" = - ] && BASE_DLL=""
[ -z "$BASE_DLL" ] || [ -f "$BASE_DLL" ] || { echo "hotpath-ab: $BASE_DLL does not exist" >&2; exit 1; }
command -v jq >/dev/null || { echo "hotpath-ab: jq is required" >&2; exit 1; }
mkdir -p "$OUT_DIR"

side() {  # name server-dll-or-empty side-env http https silo
  local name=$1 dll=$2 settings=$3
  shift 3
  # shellcheck disable=SC2086
  env $settings SKIP_BUILD=1 CONCURRENCY="${CONCURRENCY:-16}" OUT_DIR="$OUT_DIR" SERVER_DLL="$dll" HTTP_PORT=$1 HTTPS_PORT=$2 SILO_PORT=$3 \
    "$ROOT/load-tests/hotpath.sh" "$name" "$SCENARIO" >"$OUT_DIR/$name.log" 2>&1
}
figures() {  # report.json -> "ok/s gateway postgres total"
  jq -r '[.throughput, (.serverCpu[] | select(.process != "postgres") | .msPerOkRequest), (.serverCpu[] | select(.process == "postgres") | .msPerOkRequest)]
    | "\(.[0]) \(.[1]) \(.[2]) \(.[1] + .[2])"' "$1"
}

RATIOS="$(mktemp)"
trap 'rm -f "$RATIOS"' EXIT
printf '%-6s %10s %10s %10s %10s   %s\n' round "base ok/s" "new ok/s" "base ms" "new ms" "new/base: gateway postgres total"
for round in $(seq 1 "$ROUNDS"); do
  side "$TAG-base$round" "$BASE_DLL" "${BASE_ENV:-}" 5180 5543 21311 &
  a=$!
  side "$TAG-new$round" "" "${NEW_ENV:-}" 5190 5553 21321 &
  b=$!
  wait "$a" || echo "hotpath-ab: round $round: base failed (see $OUT_DIR/$TAG-base$round.log)" >&2
  wait "$b" || echo "hotpath-ab: round $round: new failed (see $OUT_DIR/$TAG-new$round.log)" >&2
  [ -f "$OUT_DIR/$TAG-base$round.json" ] && [ -f "$OUT_DIR/$TAG-new$round.json" ] || continue
  read -r bt bg bp btot <<<"$(figures "$OUT_DIR/$TAG-base$round.json")"
  read -r nt ng np ntot <<<"$(figures "$OUT_DIR/$TAG-new$round.json")"
  ratio="$(awk -v bg="$bg" -v bp="$bp" -v bt="$btot" -v ng="$ng" -v np="$np" -v nt="$ntot" 'BEGIN { printf "%.3f %.3f %.3f", ng / bg, np / bp, nt / bt }')"
  echo "$ratio" >>"$RATIOS"
  printf '%-6s %10s %10s %10.3f %10.3f   %s\n' "$round" "$bt" "$nt" "$btot" "$ntot" "$ratio"
done
[ -s "$RATIOS" ] || { echo "hotpath-ab: no round completed" >&2; exit 1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median new/base: gateway $(cut -d' ' -f1 "$RATIOS" | median), postgres $(cut -d' ' -f2 "$RATIOS" | median), total $(cut -d' ' -f3 "$RATIOS" | median)"
