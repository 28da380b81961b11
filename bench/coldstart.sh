#!/usr/bin/env bash
# Cold start: time from process start to the first successful create (200), median over several runs.
#
#   bench/coldstart.sh [--runs N] [--no-build] [--publish] [--compare DIR] [--compare-env "K=V …"]
#
# Each run starts the standalone host (embedded store, sample catalog) on a fresh 127.0.0.1 port and POSTs the
# create body in a tight curl loop until it answers 200; it also reads the CPU time the server used by then. The
# token is minted once, before the runs, so its own process start is not counted.
#   --publish          measure `dotnet publish` output (as deployed) instead of the build output
#   --compare DIR      also measure the TicketingFunctions.dll in DIR, interleaved run by run with the first
#   --compare-env ENV  also measure the same app with extra environment settings, interleaved
# BENCH_PROJECT_ENV="…" adds environment settings to every run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=7 BUILD=1 PUBLISH=0 COMPARE_DIR="" COMPARE_ENV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --publish) PUBLISH=1 ;;
    --compare) COMPARE_DIR="$2"; shift ;;
    --compare-env) COMPARE_ENV="$2"; shift ;;
    *) echo "usage: bench/coldstart.sh [--runs N] [--no-build] [--publish] [--compare DIR] [--compare-env ENV]" >&2; exit 2 ;;
  esac
  shift
done
command -v curl >/dev/null 2>&1 || { echo "coldstart.sh: curl is required" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ "$PUBLISH" = 1 ]; then
  APP_DIR="$ROOT/TicketingFunctions/bin/publish-bench"
  APP_DLL="$APP_DIR/TicketingFunctions.dll"
  if [ "$BUILD" = 1 ]; then
    dotnet publish "$ROOT/TicketingFunctions/TicketingFunctions.csproj" -c "$CONFIGURATION" -o "$APP_DIR" -nologo -v:q >"$WORK/publish.log" 2>&1 \
      || { cat "$WORK/publish.log" >&2; exit 1; }
  fi
elif [ "$BUILD" = 1 ]; then
  bench_build
fi
[ -f "$APP_DLL" ] || { echo "coldstart.sh: $APP_DLL is missing" >&2; exit 1; }

machine_summary
echo "app: $APP_DLL"
TOKEN="$(mint_token)"
[ -n "$TOKEN" ] || { echo "coldstart.sh: could not mint a dev token" >&2; exit 1; }

now_ns() { date +%s%N; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

# one_run DLL EXTRA_ENV → "wall_ms cpu_ms"
one_run() {
  local dll="$1" extra="$2" port start status ms cpu
  port="$(free_port)"
  start="$(now_ns)"
  (cd "$WORK" && exec env Storage__DataPath="$WORK/data-$port" ${BENCH_PROJECT_ENV:-} $extra dotnet "$dll" --urls "http://127.0.0.1:$port" >"$WORK/server.log" 2>&1) &
  SERVER_PID=$!
  while :; do
    status="$(post_create "$port" "$TOKEN")"
    [ "$status" = "200" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "coldstart.sh: the server exited" >&2; exit 1; }
    [ $(( ($(now_ns) - start) / 1000000 )) -lt 60000 ] || { echo "coldstart.sh: no 200 within 60 s (last: $status)" >&2; exit 1; }
  done
  ms=$(( ($(now_ns) - start) / 1000000 ))
  cpu="$(cpu_ms "$SERVER_PID")"
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  echo "$ms $cpu"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
# report FILE NAME
report() {
  local wall cpu lo hi
  wall="$(cut -d' ' -f1 "$1" | median)"; cpu="$(cut -d' ' -f2 "$1" | median)"
  lo="$(cut -d' ' -f1 "$1" | sort -n | head -1)"; hi="$(cut -d' ' -f1 "$1" | sort -n | tail -1)"
  echo "$2: cold start to first create: median ${wall} ms over $RUNS runs (min $lo, max $hi), server CPU by then median ${cpu} ms; target < 1500 ms"
}

: >"$WORK/a" ; : >"$WORK/b"
B_DLL="${COMPARE_DIR:+$COMPARE_DIR/TicketingFunctions.dll}"
[ -n "$COMPARE_ENV" ] && B_DLL="${B_DLL:-$APP_DLL}"
for run in $(seq "$RUNS"); do
  a="$(one_run "$APP_DLL" "")"
  echo "$a" >>"$WORK/a"
  line="  run $run: $(cut -d' ' -f1 <<<"$a") ms to the first 200 create (server CPU $(cut -d' ' -f2 <<<"$a") ms)"
  if [ -n "$B_DLL" ]; then
    b="$(one_run "$B_DLL" "$COMPARE_ENV")"
    echo "$b" >>"$WORK/b"
    line="$line; compared: $(cut -d' ' -f1 <<<"$b") ms (CPU $(cut -d' ' -f2 <<<"$b") ms)"
  fi
  echo "$line"
done
report "$WORK/a" "app"
[ -n "$B_DLL" ] && report "$WORK/b" "compared (${COMPARE_DIR:-same app}${COMPARE_ENV:+ with $COMPARE_ENV})"
exit 0
