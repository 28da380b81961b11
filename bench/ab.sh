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
A_DLL="$1" B_DLL="$2" ROUNDS="${3:-6}" DUR="${4:-8}"
command -v wrk >/dev/null 2>&1 || { echo "ab.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

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

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
round() {
  local port="$1" pid="$2" seconds="$3" c0 c1 out
  c0="$(cpu_seconds "$pid")"
  out="$(BENCH_TOKEN="$TOKEN" BENCH_TENANT="$TENANT" wrk -t2 -c32 -d"${seconds}s" --timeout 5s -s "$BENCH_DIR/create.lua" "http://127.0.0.1:$port" 2>&1 | grep '^RESULT')"
  c1="$(cpu_seconds "$pid")"
  awk -v line="$out" -v c0="$c0" -v c1="$c1" 'BEGIN {
    match(line, /rps=[0-9.]+/); rps = substr(line, RSTART + 4, RLENGTH - 4)
    match(line, /requests=[0-9]+/); n = substr(line, RSTART + 9, RLENGTH - 9)
    match(line, /p99_us=[0-9]+/); p99 = substr(line, RSTART + 7, RLENGTH - 7)
    printf "creates/s=%.0f cpu_us=%.1f p99_ms=%.2f\n", rps, (n > 0) ? (c1 - c0) * 1e6 / n : 0, p99 / 1000 }'
}
round "$PA" "$A_PID" 15 >/dev/null
round "$PB" "$B_PID" 15 >/dev/null
for i in $(seq "$ROUNDS"); do
  echo "round $i A $(round "$PA" "$A_PID" "$DUR")"
  echo "round $i B $(round "$PB" "$B_PID" "$DUR")"
done
