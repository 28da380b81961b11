#!/usr/bin/env bash
# What one create writes to the embedded store's file, counted exactly (not timed, so a shared machine doesn't blur it):
# the standalone host (Release, embedded store) under wrk's creates on 127.0.0.1, after a warm-up, with
#   - /proc/PID/io: wchar (bytes handed to write/pwrite; the console log's growth is taken off) and write_bytes (what
#     reached the block layer);
#   - perf stat: pwrite64 and fsync/fdatasync calls, and commits (SQLite's pagerWalFrames, one per commit of a WAL
#     transaction: a uprobe on the app's own libe_sqlite3.so, removed on exit);
#   - the file and its WAL: sizes before and after.
#
#   bench/storewrites.sh [--duration S] [--warmup S] [--connections C] [--no-build]
#   BENCH_APP_DIR=/path/to/bin/Release/net10.0 measures another build (A/B: run it once per build).
#
# Loopback only; the server, the probe and the scratch folder are removed on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=10 WARMUP=5 CONNECTIONS=32 BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: bench/storewrites.sh [--duration S] [--warmup S] [--connections C] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
export THREADS=$(( CONNECTIONS < 2 ? 1 : 2 ))   # wrk needs a connection per thread
command -v wrk >/dev/null 2>&1 || { echo "storewrites.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }
command -v perf >/dev/null 2>&1 || { echo "storewrites.sh: perf (Debian's linux-perf) is required" >&2; exit 1; }

bench_scratch
[ "$BUILD" = 1 ] && bench_build
SQLITE="$APP_DIR/runtimes/linux-x64/native/libe_sqlite3.so"
[ -f "$APP_DLL" ] && [ -f "$SQLITE" ] || { echo "storewrites.sh: build outputs missing ($APP_DLL, $SQLITE)" >&2; exit 1; }

PROBE="ticketing_bench_$$:commit"
perf probe -q -x "$SQLITE" -a "$PROBE=pagerWalFrames" >/dev/null 2>&1 || { echo "storewrites.sh: perf probe on $SQLITE failed" >&2; exit 1; }
trap 'perf probe -q -d "$PROBE" >/dev/null 2>&1 || true; bench_cleanup' EXIT INT TERM

DATA="$WORK/data"
PORT="$(free_port)"
(cd "$WORK" && exec env Storage__DataPath="$DATA" dotnet "$APP_DLL" --urls "http://127.0.0.1:$PORT" >"$WORK/project.log" 2>&1) &
PIDS+=($!); PID=$!
TOKEN="$(mint_token)"
wait_for_create "$PORT" "$TOKEN" 60 "$PID" || { cat "$WORK/project.log" >&2; exit 1; }
[ "$WARMUP" -gt 0 ] && CONNECTIONS="$CONNECTIONS" run_wrk project "$PORT" "$TOKEN" "$WARMUP" "$PID" >/dev/null

io() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$PID/io"; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
snapshot() { echo "$(io wchar) $(io write_bytes) $(size "$DATA/tickets.db") $(size "$DATA/tickets.db-wal") $(size "$WORK/project.log")"; }

read -r wchar0 wbytes0 db0 wal0 log0 < <(snapshot)
perf stat -x, -o "$WORK/perf.csv" -p "$PID" \
  -e "$PROBE" -e syscalls:sys_enter_pwrite64 -e syscalls:sys_enter_fdatasync -e syscalls:sys_enter_fsync &
PERF=$!
sleep 0.5   # perf attached before the first measured create
line="$(CONNECTIONS="$CONNECTIONS" run_wrk project "$PORT" "$TOKEN" "$DURATION" "$PID")"
kill -INT "$PERF"; wait "$PERF" || true
read -r wchar1 wbytes1 db1 wal1 log1 < <(snapshot)

count() { awk -F, -v e="$1" '$3 == e { print $1 + 0 }' "$WORK/perf.csv"; }
creates="$(field "$line" requests)"
[ "$creates" -gt 0 ] && [ "$(field "$line" bad_status)" -eq 0 ] || { echo "$line" >&2; echo "storewrites.sh: creates failed" >&2; exit 1; }
commits="$(count "$PROBE")"

echo "creates: $creates at $CONNECTIONS connections over ${DURATION}s ($(field "$line" rps) /s, p99 $(field "$line" p99_us) us, $(field "$line" cpu_us) us CPU each)"
awk -v n="$creates" -v c="$commits" -v wc=$((wchar1 - wchar0 - (log1 - log0))) -v wb=$((wbytes1 - wbytes0)) \
    -v pw="$(count syscalls:sys_enter_pwrite64)" -v fs=$(( $(count syscalls:sys_enter_fdatasync) + $(count syscalls:sys_enter_fsync) )) \
    -v db0="$db0" -v db1="$db1" -v wal1="$wal1" 'BEGIN {
  printf "per create: %.0f bytes written (wchar, log excluded), %.0f bytes to the block layer, %.2f pwrite64 calls, %.4f fsyncs\n", wc/n, wb/n, pw/n, fs/n
  printf "commits: %d, %.2f creates per commit; file grew %.0f bytes per create (now %d bytes, WAL %d bytes)\n", c, (c > 0) ? n/c : 0, (db1 - db0)/n, db1, wal1
}'
