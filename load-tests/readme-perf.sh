#!/usr/bin/env bash
# Regenerates the README's performance table (between the markers "<!-- perf-table:begin -->" and
# "<!-- perf-table:end -->") from load-tests/compare.sh: the gateway's admin and EST enrollment beside `cfssl serve` on
# the same machine in the same sitting, with throughput, latency, errors, the durability sample and the CPU per request
# of the gateway and of its PostgreSQL apart. The machine (cores, CPU model, memory, load) and the date and commit go
# into the table's caption.
#
# ROUNDS rounds (default 3), each running every scenario once, each gateway scenario on a freshly started gateway with
# an empty store. One round of a scenario moves by 10-15 % from hour to hour on a shared 2-core host, more than most
# changes it is meant to show (load-tests/README.md): the table gives each figure's median over the rounds, every ratio
# to cfssl taken within its own round, and lists the rounds beneath it.
#
#   load-tests/readme-perf.sh                        # run compare.sh ROUNDS times, then rewrite the README's table
#   ROUNDS=1 load-tests/readme-perf.sh               # one round (about 5 minutes instead of 15)
#   load-tests/readme-perf.sh load-tests/results/compare-20261205-230000   # rewrite it from a run already made
#
# Environment: as compare.sh (WARMUP defaults to 40 here: tiered compilation settles after about 30 s on 2 cores;
# SCENARIOS defaults to "admin-enroll est-enroll cfssl-sign"). README (default README.md) names the file rewritten.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
README="${README:-$ROOT/README.md}"
SCENARIOS="${SCENARIOS:-admin-enroll est-enroll cfssl-sign}"
cd "$ROOT"
grep -q '^<!-- perf-table:begin -->$' "$README" && grep -q '^<!-- perf-table:end -->$' "$README" \
  || { echo "readme-perf: $README has no <!-- perf-table:begin --> / <!-- perf-table:end --> markers" >&2; exit 1; }
command -v jq >/dev/null || { echo "readme-perf: 'jq' is required" >&2; exit 1; }

if [ $# -ge 1 ]; then
  RUN_DIR="$1"
else
  ROUNDS="${ROUNDS:-3}"
  case "$ROUNDS" in ''|*[!0-9]*|0) echo "readme-perf: ROUNDS must be a positive whole number, not '$ROUNDS'" >&2; exit 1 ;; esac
  RUN_DIR="load-tests/results/compare-$(date -u +%Y%m%d-%H%M%S)"
  mkdir -p "$RUN_DIR"
  # The build measured: the commit, marked when src/ differs from it.
  echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')" >"$RUN_DIR/commit"
  # One compare.sh run per scenario and round: each gateway scenario on a freshly started gateway with an empty store.
  # Run one after the other on one node, the second found the first's ~100,000 enrollments and PostgreSQL's first
  # checkpoint (its full-page images) in its window, and looked a quarter dearer for it (load-tests/README.md, loop row 31).
  skip_build="${SKIP_BUILD:-0}"
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in $SCENARIOS; do
      WARMUP="${WARMUP:-40}" SCENARIOS="$scenario" OUT_DIR="$RUN_DIR/r$round/$scenario" SKIP_BUILD="$skip_build" load-tests/compare.sh
      cp "$RUN_DIR/r$round/$scenario/$scenario-r1.json" "$RUN_DIR/$scenario-r$round.json"
      skip_build=1  # built once
    done
  done
fi
[ -d "$RUN_DIR" ] || { echo "readme-perf: no run directory $RUN_DIR" >&2; exit 1; }
ls "$RUN_DIR"/cfssl-sign-r*.json >/dev/null 2>&1 || { echo "readme-perf: $RUN_DIR has no cfssl-sign-r<N>.json" >&2; exit 1; }

ref="$(ls "$RUN_DIR"/cfssl-sign-r*.json | sort -V | head -1)"
commit="$(cat "$RUN_DIR/commit" 2>/dev/null || echo 'not recorded')"
cpu_model="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
memory_gib="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
when="$(jq -r '.startedAt[0:10]' "$ref" 2>/dev/null || date -u +%F)"
runs=()
for scenario in $SCENARIOS; do
  for f in "$RUN_DIR/$scenario"-r*.json; do [ -f "$f" ] && runs+=("$f"); done
done
rounds="$(printf '%s\n' "${runs[@]}" | sed -E 's/.*-r([0-9]+)\.json$/\1/' | sort -un | wc -l)"

# The tables, from every round's report: medians first (each ratio to cfssl taken within its round), then the rounds.
tables="$(jq -n -r --arg order "$SCENARIOS" --argjson rounds "$rounds" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def f(d): if . == null then "—" else (. * pow(10; d) | round) as $n | ($n / pow(10; d) | tostring) as $t
    | if d == 0 then $t else ($t | if test("\\.") then . else . + "." end) as $u | ($u | split(".")) as $p | $p[0] + "." + ($p[1] + "000")[0:d] end end;
  def ms(p): (.serverCpu // [] | map(select(.process == p)) | .[0].msPerOkRequest);
  def gateway: .name != "cfssl-sign";
  def total: if gateway then ms("dotnet") + ms("postgres") else .serverCpu[0].msPerOkRequest end;
  [inputs | . + (input_filename | capture("(?<name>[^/]+)-r(?<round>[0-9]+)\\.json$") | .round |= tonumber)] as $all
  | ($all | map(select(.name == "cfssl-sign") | {key: (.round | tostring), value: .throughput}) | from_entries) as $cfssl
  | ($all | map(. + {ratio: (if gateway and (($cfssl[.round | tostring] // 0) > 0) then .throughput / $cfssl[.round | tostring] else null end)})) as $all
  | ($order | split(" ") | map(select(length > 0))) as $names
  | "| scenario | ok/s | p50 ms | p99 ms | errors | durable (sampled serials in the store) | server CPU per request | vs cfssl |",
    "|---|---|---|---|---|---|---|---|",
    ($names[] as $name | $all | map(select(.name == $name)) | select(length > 0)
      | "| `\($name)` | \(map(.throughput) | median | f(0)) | \(map(.latencyMs.p50) | median | f(1)) | \(map(.latencyMs.p99) | median | f(1)) | \(map(.failed) | add)"
        + " | \(if .[0] | gateway then "\(map(.verify.present // 0) | add)/\(map(.verify.sampled // 0) | add)" else "— (writes nothing)" end)"
        + " | \(map(total) | median | f(3)) ms\(if .[0] | gateway then " (gateway \(map(ms("dotnet")) | median | f(3)), PostgreSQL \(map(ms("postgres")) | median | f(3)))" else "" end)"
        + " | \(if .[0] | gateway then "\(map(.ratio) | median | f(2))×" else "—" end) |"),
    "",
    "Round by round (\($rounds) round\(if $rounds == 1 then "" else "s" end); each ratio against cfssl in the same round):",
    "",
    "| round | scenario | ok/s | p99 ms | errors | server CPU per request | vs cfssl | load average at the window'"'"'s start |",
    "|---|---|---|---|---|---|---|---|",
    ($all | sort_by(.round, (.name as $n | $names | index($n))) | .[]
      | "| \(.round) | `\(.name)` | \(.throughput | f(0)) | \(.latencyMs.p99 | f(1)) | \(.failed) | \(total | f(3)) ms"
        + "\(if gateway then " (gateway \(ms("dotnet") | f(3)), PostgreSQL \(ms("postgres") | f(3)))" else "" end)"
        + " | \(if gateway then "\(.ratio | f(2))×" else "—" end) | \(.machine.loadAverageAtMeasureStart // "—") |"),
    (($all | map(select(.name == "admin-enroll")) | map({key: (.round | tostring), value: total}) | from_entries) as $admin
      | ($all | map(select(.name == "est-enroll" and $admin[.round | tostring] != null) | total / $admin[.round | tostring])) as $est
      | if ($est | length) > 0 then "", "EST'"'"'s CPU per request against admin'"'"'s in the same round: \($est | map(f(2) + "×") | join(", ")) (median \($est | median | f(2))×)." else empty end)
  ' "${runs[@]}")"

table="$(mktemp)"
{
  echo "<!-- perf-table:begin -->"
  echo "Generated by \`load-tests/readme-perf.sh\` on $when at commit $commit: $(nproc) cores ($cpu_model), ${memory_gib} GiB,"
  echo "$(. /etc/os-release && echo "$PRETTY_NAME"); one gateway node with its embedded PostgreSQL (Release), started afresh with an"
  echo "empty store for each gateway scenario, and \`cfssl serve\` (ECDSA P-256 CA), one after the other, each with the load generator on the same cores:"
  echo "$(jq -r '"\(.shape.concurrency // "?") workers (closed loop), \(.warmupSeconds) s warm-up, \(.durationSeconds) s measured"' "$ref"),"
  echo "$rounds round$([ "$rounds" = 1 ] || echo s) of every scenario. Each figure is the median over the rounds (errors and the durability sample: their sums)."
  echo
  echo "$tables"
  echo "<!-- perf-table:end -->"
} >"$table"

awk -v table="$table" '
  /^<!-- perf-table:begin -->$/ { while ((getline line < table) > 0) print line; skip = 1; next }
  /^<!-- perf-table:end -->$/ { skip = 0; next }
  !skip { print }' "$README" >"$README.tmp"
mv "$README.tmp" "$README"
rm -f "$table"
echo "readme-perf: $README updated from $RUN_DIR"
sed -n '/^<!-- perf-table:begin -->$/,/^<!-- perf-table:end -->$/p' "$README"
