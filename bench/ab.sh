#!/usr/bin/env bash
# A/B: two builds of the app side by side, wrk rounds alternating between them, for changes smaller than the noise
# between separate load.sh runs. Prints each round's creates/s, server CPU per create and p99.
#
#   bench/ab.sh A/TicketingFunctions.dll B/TicketingFunctions.dll [ROUNDS=6] [SECONDS=8]
#   B_ENV="DOTNET_gcServer=1 …" adds environment settings to B (the same dll twice compares settings).
#
# Build each side first (e.g. `dotnet build -c Release` in two worktrees). Loopback only; 15 s warm-up per server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: bench/ab.sh A.dll B.dll [rounds] [seconds]" >&2; exit 2; }
A_DLL="$(realpath "$1")" B_DLL="$(realpath "$2")" ROUNDS="${3:-6}" DUR="${4:-8}"
command -v wrk >/dev/null 2>&1 || { echo "ab.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }

bench_scratch

PA="$(free_port)"
(cd "$WORK" && exec dotnet "$A_DLL" --urls "http://127.0.0.1:$PA" >"$WORK/a.log" 2>&1) &
PIDS+=($!); A_PID=$!
PB="$(free_port)"
[ "$PB" = "$PA" ] && PB="$(free_port)"
(cd "$WORK" && exec env ${B_ENV:-} dotnet "$B_DLL" --urls "http://127.0.0.1:$PB" >"$WORK/b.log" 2>&1) &
PIDS+=($!); B_PID=$!

TOKEN="$(mint_token)"
wait_for_create "$PA" "$TOKEN" 60 "$A_PID" || { cat "$WORK/a.log" >&2; exit 1; }
wait_for_create "$PB" "$TOKEN" 60 "$B_PID" || { cat "$WORK/b.log" >&2; exit 1; }

# One round: creates/s, server CPU per create, p99 in ms.
round() {
  local line
  line="$(run_wrk "$1" "$2" "$TOKEN" "$3" "$4")"
  echo "creates/s=$(field "$line" rps | cut -d. -f1) cpu_us=$(field "$line" cpu_us) p99_ms=$(awk -v us="$(field "$line" p99_us)" 'BEGIN { printf "%.2f", us / 1000 }')"
}
round A "$PA" 15 "$A_PID" >/dev/null
round B "$PB" 15 "$B_PID" >/dev/null
for i in $(seq "$ROUNDS"); do
  echo "round $i A $(round A "$PA" "$DUR" "$A_PID")"
  echo "round $i B $(round B "$PB" "$DUR" "$B_PID")"
done
