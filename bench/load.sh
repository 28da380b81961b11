#!/usr/bin/env bash
# Load test: POST create on the standalone host (embedded store) and on bench/Baseline, side by side, with wrk.
#
#   bench/load.sh                 Release build, 30 s warm-up each (until tiered JIT settles), then 3 interleaved
#                                 10 s rounds per server
#   bench/load.sh --smoke         the same path, ~2 s per server, no warm-up (CI); exits 0 when both answered 200s
#   bench/load.sh --list          GET a page of 25 of a team's queue (bench/list.lua) on the project instead, against
#                                 the same baseline (POST create); the project's store is first filled with
#                                 --seed N tickets by creates (default 100000; the warm-up's creates count too)
#   options: --duration S  --rounds N  --connections C  --threads T  --warmup S  --seed N  --no-build
#   BENCH_PROJECT_ENV="DOTNET_gcServer=1 …" adds environment settings for the project's server (experiments).
#
# Loopback only (127.0.0.1), bounded in time; both servers are stopped on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=10 ROUNDS=3 CONNECTIONS=32 THREADS=2 WARMUP=30 BUILD=1 SMOKE=0 LIST=0 SEED=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 DURATION=2 ROUNDS=1 WARMUP=0 ;;
    --list) LIST=1 ;;
    --seed) SEED="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: bench/load.sh [--smoke] [--list] [--duration S] [--rounds N] [--connections C] [--threads T] [--warmup S] [--seed N] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "load.sh: installing wrk (Debian package)…" >&2
  if ! { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }; }; then
    echo "load.sh: wrk is missing and 'apt-get install wrk' failed; install Debian's wrk package and run again." >&2
    exit 1
  fi
fi
command -v curl >/dev/null 2>&1 || { echo "load.sh: curl is required" >&2; exit 1; }

bench_scratch

[ "$BUILD" = 1 ] && bench_build
[ -f "$APP_DLL" ] && [ -f "$BASELINE_DLL" ] || { echo "load.sh: build outputs missing ($APP_DLL, $BASELINE_DLL)" >&2; exit 1; }

machine_summary

# The servers run from a scratch folder so no local.settings.json of the working directory applies.
APP_PORT="$(free_port)"
(cd "$WORK" && exec env Storage__DataPath="$WORK/data" ${BENCH_PROJECT_ENV:-} dotnet "$APP_DLL" --urls "http://127.0.0.1:$APP_PORT" >"$WORK/project.log" 2>&1) &
PIDS+=($!); APP_PID=$!
BASE_PORT="$(free_port)"
[ "$BASE_PORT" = "$APP_PORT" ] && BASE_PORT="$(free_port)"
(cd "$WORK" && exec dotnet "$BASELINE_DLL" --urls "http://127.0.0.1:$BASE_PORT" >"$WORK/baseline.log" 2>&1) &
PIDS+=($!); BASE_PID=$!

TOKEN="$(mint_token)"
[ -n "$TOKEN" ] || { echo "load.sh: could not mint a dev token" >&2; exit 1; }
wait_for_create "$APP_PORT" "$TOKEN" 60 "$APP_PID" || { cat "$WORK/project.log" >&2; exit 1; }
wait_for_create "$BASE_PORT" "" 60 "$BASE_PID" || { cat "$WORK/baseline.log" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

PROJECT_SCRIPT="$BENCH_DIR/create.lua" WHAT="creates/s"
if [ "$LIST" = 1 ]; then
  PROJECT_SCRIPT="$BENCH_DIR/list.lua" WHAT="pages/s"
  [ "$SMOKE" = 1 ] && SEED=200
  # Fill the store by creates until it holds SEED tickets (in rounds of a few seconds; each line counts what it made).
  seeded=0
  while [ "$seeded" -lt "$SEED" ]; do
    line="$(run_wrk project "$APP_PORT" "$TOKEN" "$([ "$SMOKE" = 1 ] && echo 1 || echo 3)" "$APP_PID")"
    seeded=$((seeded + $(field "$line" requests)))
  done
  echo "seeded: $seeded tickets in tenant $TENANT (team james)"
fi

if [ "$WARMUP" -gt 0 ]; then
  run_wrk project "$APP_PORT" "$TOKEN" "$WARMUP" "$APP_PID" "$PROJECT_SCRIPT" >/dev/null
  run_wrk baseline "$BASE_PORT" "" "$WARMUP" "$BASE_PID" >/dev/null
fi

echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per round, $ROUNDS round(s), interleaved"
: >"$WORK/project.results"; : >"$WORK/baseline.results"
ok=1
for round in $(seq "$ROUNDS"); do
  for name in project baseline; do
    if [ "$name" = project ]; then line="$(run_wrk project "$APP_PORT" "$TOKEN" "$DURATION" "$APP_PID" "$PROJECT_SCRIPT")"
    else line="$(run_wrk baseline "$BASE_PORT" "" "$DURATION" "$BASE_PID")"; fi
    echo "$line" >>"$WORK/$name.results"
    printf '  round %d %-8s %s\n' "$round" "$name" "${line#RESULT }"
    if [ "$(field "$line" requests)" -eq 0 ] || [ "$(field "$line" bad_status)" -ne 0 ] || [ "$(field "$line" socket_errors)" -ne 0 ]; then
      ok=0
    fi
  done
done

summary() {
  local file="$1" rps p50 p99 cpu
  rps="$(while read -r l; do field "$l" rps; done <"$file" | median)"
  p50="$(while read -r l; do field "$l" p50_us; done <"$file" | median)"
  p99="$(while read -r l; do field "$l" p99_us; done <"$file" | median)"
  cpu="$(while read -r l; do field "$l" cpu_us; done <"$file" | median)"
  echo "$rps $p50 $p99 $cpu"
}
read -r app_rps app_p50 app_p99 app_cpu < <(summary "$WORK/project.results")
read -r base_rps base_p50 base_p99 base_cpu < <(summary "$WORK/baseline.results")

echo
awk -v ar="$app_rps" -v a50="$app_p50" -v a99="$app_p99" -v ac="$app_cpu" -v br="$base_rps" -v b50="$base_p50" -v b99="$base_p99" -v bc="$base_cpu" -v n="$ROUNDS" \
    -v what="$WHAT" -v list="$LIST" 'BEGIN {
  printf "%-10s %12s %10s %10s %20s\n", "", list ? "requests/s" : "creates/s", "p50 ms", "p99 ms", "server CPU us/req"
  printf "%-10s %12.0f %10.2f %10.2f %20.0f%s\n", "project", ar, a50/1000, a99/1000, ac, list ? "  (" what ")" : ""
  printf "%-10s %12.0f %10.2f %10.2f %20.0f%s\n", "baseline", br, b50/1000, b99/1000, bc, list ? "  (creates/s)" : ""
  if (list) printf "ratio list pages/baseline creates: %.2f (target >= 0.50)  [medians of %d round(s)]\n", ar/br, n
  else printf "ratio project/baseline: %.2f (target >= 0.60); project p99 %.2f ms (target < 10 ms)  [medians of %d round(s)]\n", ar/br, a99/1000, n
}'

if [ "$ok" != 1 ]; then
  echo "load.sh: a server answered errors (non-2xx statuses or socket errors) under load" >&2
  exit 1
fi
[ "$SMOKE" = 1 ] && echo "smoke: both servers answered 200s"
exit 0
