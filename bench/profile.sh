#!/usr/bin/env bash
# Where the time goes under load: the standalone host (Release, embedded store) driven by wrk on 127.0.0.1 while
# dotnet-counters (GC, JIT, CPU, allocation rate) and dotnet-trace (CPU sampling) watch it.
#
#   bench/profile.sh [--duration S] [--no-build]
#
# The tools are NuGet dotnet tools, pinned, installed into bench/.tools (not committed).
# Output: counter averages, requests/s, allocated bytes per create, the top methods by exclusive and inclusive
# CPU samples; the raw files stay in bench/.profile/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=15 BUILD=1 WARMUP=10 CONNECTIONS=32 THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: bench/profile.sh [--duration S] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done

TOOLS="$BENCH_DIR/.tools"
for tool in dotnet-counters dotnet-trace; do
  [ -x "$TOOLS/$tool" ] || dotnet tool install --tool-path "$TOOLS" "$tool" --version 10.0.750501 >/dev/null
done
command -v wrk >/dev/null 2>&1 || { echo "profile.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }

OUT="$BENCH_DIR/.profile"
rm -rf "$OUT" && mkdir -p "$OUT"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

[ "$BUILD" = 1 ] && bench_build
machine_summary

PORT="$(free_port)"
(cd "$WORK" && exec dotnet "$APP_DLL" --urls "http://127.0.0.1:$PORT" >"$OUT/server.log" 2>&1) &
PIDS+=($!); APP_PID=$!
TOKEN="$(mint_token)"
wait_for_create "$PORT" "$TOKEN" 60 "$APP_PID"

load() { BENCH_TOKEN="$TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --timeout 5s -s "$BENCH_DIR/create.lua" "http://127.0.0.1:$PORT"; }
load "$WARMUP" >/dev/null

# Counters over the whole window, the CPU trace over its middle.
load "$((DURATION + 4))" >"$OUT/wrk.txt" &
PIDS+=($!); WRK_PID=$!
sleep 1
"$TOOLS/dotnet-counters" collect -p "$APP_PID" --refresh-interval 1 --duration "00:00:$(printf '%02d' "$DURATION")" \
  --format csv -o "$OUT/counters.csv" --counters System.Runtime >/dev/null 2>&1 &
COUNTERS_PID=$!
"$TOOLS/dotnet-trace" collect -p "$APP_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' $((DURATION / 2)))" \
  -o "$OUT/cpu.nettrace" >/dev/null 2>&1 || echo "profile.sh: dotnet-trace failed" >&2
wait "$COUNTERS_PID" || true
wait "$WRK_PID" || true

rps="$(sed -nE 's/^RESULT rps=([0-9.]+).*/\1/p' "$OUT/wrk.txt")"
echo "wrk while profiling: $(grep '^RESULT' "$OUT/wrk.txt" | sed 's/^RESULT //')"
echo
echo "dotnet-counters (averages over ${DURATION}s):"
awk -F, -v rps="$rps" 'NR > 1 { s[$3] += $5; n[$3]++ }
  END {
    for (k in s) if (k ~ /gc.collections|gc.pause|total_allocated|cpu.time|jit.compil|lock_contentions|heap.size \(By\)\[gc.heap.generation=gen2\]|working_set/)
      printf "  %-92s %14.4g\n", k, s[k] / n[k]
    a = s["dotnet.gc.heap.total_allocated (By / 1 sec)"] / n["dotnet.gc.heap.total_allocated (By / 1 sec)"]
    if (rps > 0) printf "  allocated per create (allocation rate / creates per second): %.1f KB\n", a / rps / 1024
  }' "$OUT/counters.csv" | sort
echo
echo "CPU, top methods by exclusive samples:"
"$TOOLS/dotnet-trace" report "$OUT/cpu.nettrace" topN -n 25 2>/dev/null | sed 's/^/  /'
echo
echo "CPU, top methods by inclusive samples:"
"$TOOLS/dotnet-trace" report "$OUT/cpu.nettrace" topN -n 40 --inclusive 2>/dev/null | sed 's/^/  /'
