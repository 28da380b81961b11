#!/usr/bin/env bash
# Webhooks' cost on the write path: create throughput with 3 live subscriptions against none, on one standalone host
# (embedded store), in interleaved rounds: the subscriptions are paused for the "none" rounds and resumed for the
# "3 live" rounds, so both see the same server, store size and warm JIT. The receiver (bench/webhook-receiver.js,
# Node) answers every delivery 204 on loopback. Target (issue 23): 3 live / none >= 0.90.
#
#   bench/webhooks.sh              Release build, 20 s warm-up, 3 interleaved 10 s rounds each
#   bench/webhooks.sh --smoke      ~2 s rounds, no warm-up; exits 0 when creates answered 200s and deliveries arrived
#   options: --duration S  --rounds N  --connections C  --warmup S  --no-build
#
# Not a test: numbers depend on the machine; compare side by side only. Loopback only, bounded in time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=10 ROUNDS=3 CONNECTIONS=32 THREADS=2 WARMUP=20 BUILD=1 SMOKE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 DURATION=2 ROUNDS=1 WARMUP=0 ;;
    --duration) DURATION="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: bench/webhooks.sh [--smoke] [--duration S] [--rounds N] [--connections C] [--warmup S] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null 2>&1 || { echo "webhooks.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "webhooks.sh: node is required for the receiver" >&2; exit 1; }

bench_scratch
[ "$BUILD" = 1 ] && bench_build
[ -f "$APP_DLL" ] || { echo "webhooks.sh: build output missing ($APP_DLL)" >&2; exit 1; }
machine_summary

RECEIVER_PORT="$(free_port)"
node "$BENCH_DIR/webhook-receiver.js" "$RECEIVER_PORT" &
PIDS+=($!)
APP_PORT="$(free_port)"
[ "$APP_PORT" = "$RECEIVER_PORT" ] && APP_PORT="$(free_port)"
(cd "$WORK" && exec env Storage__DataPath="$WORK/data" Webhooks__AllowLoopback=true Webhooks__PollIntervalMilliseconds=200 \
  dotnet "$APP_DLL" --urls "http://127.0.0.1:$APP_PORT" >"$WORK/project.log" 2>&1) &
PIDS+=($!); APP_PID=$!

TOKEN="$(mint_token)"
ADMIN="$(dotnet "$APP_DLL" dev-token --tenant "$TENANT" --roles tenant_admin --teams james --scope "tickets:read tickets:write" --minutes 120 | tail -n 1)"
wait_for_create "$APP_PORT" "$TOKEN" 60 "$APP_PID" || { cat "$WORK/project.log" >&2; exit 1; }

api() {  # api METHOD PATH [BODY] → the answer's body
  curl -s --max-time 10 -X "$1" "http://127.0.0.1:$APP_PORT/api/v2/ticketing/webhooks$2" -H "Authorization: Bearer $ADMIN" \
    -H "x-tenantid: $TENANT" -H "realmname: demo" -H "content-type: application/json" -H "accept: application/json" ${3:+--data "$3"}
}
IDS=()
for i in 1 2 3; do
  IDS+=("$(api POST "" "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook/$i\"}" | sed -E 's/.*"id":"(wh_[0-9a-f]{32})".*/\1/')")
done
set_all() { for id in "${IDS[@]}"; do api POST "/$id/$1" >/dev/null; done; }

[ "$WARMUP" -gt 0 ] && run_wrk project "$APP_PORT" "$TOKEN" "$WARMUP" "$APP_PID" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: >"$WORK/none.results"; : >"$WORK/live.results"
ok=1
for round in $(seq "$ROUNDS"); do
  for mode in none live; do
    if [ "$mode" = none ]; then set_all pause; else set_all resume; fi
    line="$(run_wrk "$mode" "$APP_PORT" "$TOKEN" "$DURATION" "$APP_PID")"
    echo "$line" >>"$WORK/$mode.results"
    printf '  round %d %-5s %s\n' "$round" "$mode" "${line#RESULT }"
    [ "$(field "$line" bad_status)" -eq 0 ] && [ "$(field "$line" requests)" -gt 0 ] || ok=0
  done
done
none="$(while read -r l; do field "$l" rps; done <"$WORK/none.results" | median)"
live="$(while read -r l; do field "$l" rps; done <"$WORK/live.results" | median)"
delivered="$(curl -s "http://127.0.0.1:$RECEIVER_PORT/count")"
awk -v n="$none" -v l="$live" -v d="$delivered" -v r="$ROUNDS" 'BEGIN {
  printf "creates/s: none %.0f, 3 live subscriptions %.0f; ratio %.2f (target >= 0.90) [medians of %d round(s)]; deliveries received so far: %d\n", n, l, l/n, r, d }'
[ "$ok" = 1 ] || { echo "webhooks.sh: creates answered errors under load" >&2; exit 1; }
if [ "$SMOKE" = 1 ]; then
  [ "${delivered:-0}" -gt 0 ] || { echo "webhooks.sh: no delivery reached the receiver" >&2; exit 1; }
  echo "smoke: creates answered 200s and deliveries arrived"
fi
