#!/usr/bin/env bash
# A/B: two builds of the app side by side, wrk rounds alternating between them, for changes smaller than the noise
# between separate load.sh runs. Prints each round's creates/s, server CPU per create and p99.
#
#   bench/ab.sh A/TicketingFunctions.dll B/TicketingFunctions.dll [ROUNDS=6] [SECONDS=8]
#   B_ENV="DOTNET_gcServer=1 …" adds environment settings to B (the same dll twice compares settings).
#   AB_LIST_SEED=N compares list pages instead (bench/list.lua, a page of 25): each server is first filled with at
#   least N tickets by creates; the figures are then pages/s and CPU per page.
#   AB_BASELINE=1 also runs bench/Baseline (POST create, built by load.sh) in the same alternation, for the ratio of
#   each build to it.
#
# Each server keeps its embedded store in a data folder of its own in the scratch folder (deleted at the end).
# Build each side first (e.g. `dotnet build -c Release` in two worktrees). Loopback only; 15 s warm-up per server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: bench/ab.sh A.dll B.dll [rounds] [seconds]" >&2; exit 2; }
A_DLL="$(realpath "$1")" B_DLL="$(realpath "$2")" ROUNDS="${3:-6}" DUR="${4:-8}"
command -v wrk >/dev/null 2>&1 || { echo "ab.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }

bench_scratch

PA="$(free_port)"
(cd "$WORK" && exec env Storage__DataPath="$WORK/a-data" dotnet "$A_DLL" --urls "http://127.0.0.1:$PA" >"$WORK/a.log" 2>&1) &
PIDS+=($!); A_PID=$!
PB="$(free_port)"
[ "$PB" = "$PA" ] && PB="$(free_port)"
(cd "$WORK" && exec env Storage__DataPath="$WORK/b-data" ${B_ENV:-} dotnet "$B_DLL" --urls "http://127.0.0.1:$PB" >"$WORK/b.log" 2>&1) &
PIDS+=($!); B_PID=$!

if [ -n "${AB_BASELINE:-}" ]; then
  PC="$(free_port)"
  (cd "$WORK" && exec dotnet "$BASELINE_DLL" --urls "http://127.0.0.1:$PC" >"$WORK/baseline.log" 2>&1) &
  PIDS+=($!); C_PID=$!
fi

TOKEN="$(mint_token)"
wait_for_create "$PA" "$TOKEN" 60 "$A_PID" || { cat "$WORK/a.log" >&2; exit 1; }
wait_for_create "$PB" "$TOKEN" 60 "$B_PID" || { cat "$WORK/b.log" >&2; exit 1; }
[ -n "${AB_BASELINE:-}" ] && { wait_for_create "$PC" "" 60 "$C_PID" || { cat "$WORK/baseline.log" >&2; exit 1; }; }

SCRIPT="$BENCH_DIR/create.lua" WHAT="creates/s"
if [ -n "${AB_LIST_SEED:-}" ]; then
  SCRIPT="$BENCH_DIR/list.lua" WHAT="pages/s"
  for side in "A $PA $A_PID" "B $PB $B_PID"; do
    set -- $side
    seeded=0
    while [ "$seeded" -lt "$AB_LIST_SEED" ]; do seeded=$((seeded + $(field "$(run_wrk "$1" "$2" "$TOKEN" 3 "$3")" requests))); done
    echo "seeded $1: $seeded tickets"
  done
fi

# One round: creates/s (or pages/s), server CPU per request, p99 in ms.
round() {
  local line
  line="$(run_wrk "$1" "$2" "${6-$TOKEN}" "$3" "$4" "${5:-$SCRIPT}")"
  echo "${7:-$WHAT}=$(field "$line" rps | cut -d. -f1) cpu_us=$(field "$line" cpu_us) p99_ms=$(awk -v us="$(field "$line" p99_us)" 'BEGIN { printf "%.2f", us / 1000 }') bad_status=$(field "$line" bad_status)"
}
round A "$PA" 15 "$A_PID" >/dev/null
round B "$PB" 15 "$B_PID" >/dev/null
[ -n "${AB_BASELINE:-}" ] && round baseline "$PC" 15 "$C_PID" "$BENCH_DIR/create.lua" "" >/dev/null
for i in $(seq "$ROUNDS"); do
  echo "round $i A $(round A "$PA" "$DUR" "$A_PID")"
  echo "round $i B $(round B "$PB" "$DUR" "$B_PID")"
  [ -n "${AB_BASELINE:-}" ] && echo "round $i baseline $(round baseline "$PC" "$DUR" "$C_PID" "$BENCH_DIR/create.lua" "" creates/s)"
done
exit 0
