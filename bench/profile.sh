#!/usr/bin/env bash
# Where the time goes under load: the standalone host (Release, embedded store) driven by wrk on 127.0.0.1, watched by
#   - dotnet-counters (NuGet dotnet tool): GC, JIT, CPU, allocation rate → allocated bytes per create;
#   - perf (Debian's linux-perf): CPU samples with call stacks, JIT'd code named through the runtime's perf map;
#   - dotnet-trace (NuGet dotnet tool), gc-verbose: sampled allocations by type and allocating method (bench/TraceReport).
#
#   bench/profile.sh [--duration S] [--warmup S] [--no-build] [--baseline]
#   --baseline profiles bench/Baseline instead, for a side-by-side of where each spends its CPU per request.
#
# The dotnet tools are pinned and installed into bench/.tools; raw files stay in bench/.profile/ (neither committed).
# For symbols the profiled server runs with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 (perf can't
# name code in the runtime's W^X double mapping); bench/load.sh measures the server as deployed, without them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=10 WARMUP=20 BUILD=1 CONNECTIONS=32 THREADS=2 BASELINE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --baseline) BASELINE=1 ;;
    *) echo "usage: bench/profile.sh [--duration S] [--warmup S] [--no-build] [--baseline]" >&2; exit 2 ;;
  esac
  shift
done

TOOLS="$BENCH_DIR/.tools"
for tool in dotnet-counters dotnet-trace; do
  [ -x "$TOOLS/$tool" ] || dotnet tool install --tool-path "$TOOLS" "$tool" --version 10.0.750501 >/dev/null
done
command -v wrk >/dev/null 2>&1 || { echo "profile.sh: wrk is required (bench/load.sh installs it)" >&2; exit 1; }
command -v perf >/dev/null 2>&1 || apt-get install -y -qq linux-perf >/dev/null 2>&1 || { echo "profile.sh: perf (Debian's linux-perf) is required" >&2; exit 1; }

OUT="$BENCH_DIR/.profile"
rm -rf "$OUT" && mkdir -p "$OUT"
bench_scratch

if [ "$BUILD" = 1 ]; then
  bench_build
  dotnet build -c Release "$BENCH_DIR/TraceReport/TraceReport.csproj" -nologo -v:q >/dev/null
fi
machine_summary

PORT="$(free_port)"
SERVER_DLL="$APP_DLL"
[ "$BASELINE" = 1 ] && SERVER_DLL="$BASELINE_DLL"
echo "server: $SERVER_DLL"
(cd "$WORK" && Storage__DataPath="$WORK/data" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 exec dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$PORT" >"$OUT/server.log" 2>&1) &
PIDS+=($!); APP_PID=$!
TOKEN=""
[ "$BASELINE" = 1 ] || TOKEN="$(mint_token)"
wait_for_create "$PORT" "$TOKEN" 60 "$APP_PID"

load() { BENCH_TOKEN="$TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --timeout 5s -s "$BENCH_DIR/create.lua" "http://127.0.0.1:$PORT"; }
requests_in() { sed -nE 's/^RESULT .*requests=([0-9]+).*/\1/p' "$1"; }
echo "warm-up: ${WARMUP}s of load"
load "$WARMUP" >/dev/null

# Window 1: counters and CPU samples over the same DURATION seconds of load.
load "$DURATION" >"$OUT/wrk-cpu.txt" &
WRK_PID=$!
"$TOOLS/dotnet-counters" collect -p "$APP_PID" --refresh-interval 1 --duration "00:00:$(printf '%02d' "$DURATION")" \
  --format csv -o "$OUT/counters.csv" --counters System.Runtime >/dev/null 2>&1 &
COUNTERS_PID=$!
perf record -e cpu-clock -F 999 -g -p "$APP_PID" -o "$OUT/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 || echo "profile.sh: perf record failed" >&2
wait "$COUNTERS_PID" || true
wait "$WRK_PID" || true

# Window 2: sampled allocations (gc-verbose slows the server, so it gets its own window).
load "$DURATION" >"$OUT/wrk-alloc.txt" &
WRK_PID=$!
"$TOOLS/dotnet-trace" collect -p "$APP_PID" --profile gc-verbose --duration "00:00:00:$(printf '%02d' "$DURATION")" \
  -o "$OUT/alloc.nettrace" >/dev/null 2>&1 || echo "profile.sh: dotnet-trace failed" >&2
wait "$WRK_PID" || true

rps="$(sed -nE 's/^RESULT rps=([0-9.]+).*/\1/p' "$OUT/wrk-cpu.txt")"
echo
echo "== load during the CPU window: $(grep '^RESULT' "$OUT/wrk-cpu.txt" | sed 's/^RESULT //')"
echo
echo "== dotnet-counters, averages over ${DURATION}s"
awk -F, -v rps="$rps" 'NR > 1 { s[$3] += $5; n[$3]++ }
  END {
    for (k in s) if (k ~ /gc.collections|gc.pause|total_allocated|cpu.time|jit.compil|lock_contentions|heap.size \(By\)\[gc.heap.generation=gen2\]|working_set/)
      printf "  %-92s %12.4g\n", k, s[k] / n[k]
    a = s["dotnet.gc.heap.total_allocated (By / 1 sec)"] / n["dotnet.gc.heap.total_allocated (By / 1 sec)"]
    c = s["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]"] / n["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]"] \
      + s["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]"] / n["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]"]
    p = s["dotnet.gc.pause.time (s / 1 sec)"] / n["dotnet.gc.pause.time (s / 1 sec)"]
    if (rps > 0) printf "  => %.1f KB allocated and %.0f us CPU per create; GC pauses %.1f%% of wall time\n", a / rps / 1024, c * 1e6 / rps, p * 100
  }' "$OUT/counters.csv" | sort

perf script -i "$OUT/perf.data" -F ip,sym,dso 2>/dev/null >"$OUT/perf.txt" || true
echo
echo "== perf: CPU samples by binary (JIT = the app's and the framework's managed code)"
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8 | sed -E 's/\[JIT\] tid [0-9]+/managed code (JIT)/; s/^/  /'
echo
echo "== perf: CPU per request, in Kestrel's request loop and outside it (compare with bench/profile.sh --baseline)"
python3 "$BENCH_DIR/perf_frames.py" --split "$OUT/perf.txt" "$(requests_in "$OUT/wrk-cpu.txt")" 999 | sed 's/^/  /'
echo
echo "== perf: share of all CPU samples under each frame (inclusive), the request path"
python3 "$BENCH_DIR/perf_frames.py" "$OUT/perf.txt" \
  'HttpProtocol+<ProcessRequests>' 'AuthenticationMiddleware::Invoke' 'FunctionEndpoints+' 'RequestPipeline+<GuardAsync>' \
  'RequestAuthenticator' 'CreateTicketService+<CreateAsync>' 'JsonBodyReader+<ReadAsync>' 'TicketValidator::Validate' \
  'RichTextSanitizer' 'TicketFactory::Create' 'EmbeddedTicketStore' 'JsonBodyResult' 'ConsoleLogger::Log' 'Logger::Log' \
  'LoggerFactoryScopeProvider' 'Guid::NewGuid' | sed 's/^/  /'
echo
echo "== perf: what CreateTicketService spends its samples on (its direct callees)"
python3 "$BENCH_DIR/perf_frames.py" --callees "$OUT/perf.txt" 'CreateTicketService+<CreateAsync>' | head -14 | sed 's/^/  /'
echo
echo "== allocations (dotnet-trace gc-verbose, sampled about every 100 KB)"
dotnet "$BENCH_DIR/TraceReport/bin/Release/net10.0/TraceReport.dll" "$OUT/alloc.nettrace" "$(requests_in "$OUT/wrk-alloc.txt")" | head -45 | sed 's/^/  /'
