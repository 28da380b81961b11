# Shared by bench/load.sh and bench/coldstart.sh (sourced, not run).
# Everything binds to and targets 127.0.0.1 only.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
CONFIGURATION="${BENCH_CONFIGURATION:-Release}"
APP_DIR="${BENCH_APP_DIR:-$ROOT/TicketingFunctions/bin/$CONFIGURATION/net10.0}"
APP_DLL="$APP_DIR/TicketingFunctions.dll"
BASELINE_DLL="$BENCH_DIR/Baseline/bin/$CONFIGURATION/net10.0/Baseline.dll"
TENANT="820188ff-2036-4924-b80f-d11610735d86"
CREATE_PATH="/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing"
CREATE_BODY='{"source":"api","summary":"Hardware request - new laptop","ticketBody":{"offerId":"23629","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"Need a replacement laptop","7f111983-1013-41be-a056-989fff018bb5":"<p>Current laptop battery no longer holds charge.</p>","711ea9e6-1b73-4070-9eb2-941803f7f5d4":"<2week"},"attachments":{},"ticketRelation":null}'

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The standalone host's settings: embedded store, sample catalog, realm "demo", a dev key made for this run.
export Auth__IssuerTemplate="http://localhost:7071/realms/{realm}"
export Auth__AllowedRealms="demo"
export Auth__Audience="ticketing-api"
export Auth__TeamsClaim="teams"
export Auth__DevSigningKey="${BENCH_DEV_KEY:-$(head -c 32 /dev/urandom | base64)}"
export Catalog__CacheSeconds="60"
export Catalog__SeedFile=""
export CosmosDb__Endpoint=""
# Production, as deployed: no local.settings.sample.json, no Development defaults.
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Production}"

bench_build() {
  # One parallel build of the app and the baseline (bench/LoadTest.slnx).
  local log
  log="$(mktemp)"
  if ! dotnet build -c "$CONFIGURATION" "$BENCH_DIR/LoadTest.slnx" -nologo -v:q >"$log" 2>&1; then
    cat "$log" >&2
    echo "bench: build failed" >&2
    return 1
  fi
  rm -f "$log"
}

# A free TCP port on 127.0.0.1.
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "bench: no free port" >&2
  return 1
}

mint_token() {
  dotnet "$APP_DLL" dev-token --tenant "$TENANT" --roles ticket_user --teams james \
    --scope "tickets:read tickets:write" --minutes 120 | tail -n 1
}

# post_create PORT [TOKEN] → the HTTP status of one create.
post_create() {
  local port="$1" token="${2:-}"
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$port$CREATE_PATH" \
    "${auth[@]}" -H "x-tenantid: $TENANT" -H "realmname: demo" -H "issupportrequest: false" \
    -H "content-type: application/json" -H "accept: application/json" --data "$CREATE_BODY" 2>/dev/null || true
}

# wait_for_create PORT TOKEN SECONDS PID: polls until a create answers 200; fails if the process died.
wait_for_create() {
  local port="$1" token="$2" seconds="$3" pid="$4" deadline status
  deadline=$(( $(date +%s) + seconds ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    status="$(post_create "$port" "$token")"
    [ "$status" = "200" ] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "bench: the server on port $port exited" >&2; return 1; }
    sleep 0.02
  done
  echo "bench: no 200 from port $port within ${seconds}s (last status: ${status:-none})" >&2
  return 1
}

machine_summary() {
  local cpu
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_scratch: a scratch folder ($WORK) for the servers a script starts (it adds their pids to PIDS); the servers
# are stopped and the folder removed when the script exits.
bench_scratch() {
  WORK="$(mktemp -d)"
  PIDS=()
  trap bench_cleanup EXIT INT TERM
}
bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# CPU seconds (user + system) a process has used so far, from /proc.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# run_wrk NAME PORT TOKEN SECONDS PID [SCRIPT] → wrk's RESULT line for SCRIPT (default bench/create.lua, POST create)
# at $THREADS threads and $CONNECTIONS connections (default 2 and 32), plus cpu_us: the server's CPU microseconds per
# request.
run_wrk() {
  local name="$1" port="$2" token="$3" seconds="$4" pid="$5" script="${6:-$BENCH_DIR/create.lua}" out cpu0 cpu1
  cpu0="$(cpu_seconds "$pid")"
  out="$(BENCH_TOKEN="$token" BENCH_TENANT="$TENANT" wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-32}" -d"${seconds}s" --timeout 5s \
    -s "$script" "http://127.0.0.1:$port" 2>&1)" || { echo "$out" >&2; echo "bench: wrk failed against $name" >&2; return 1; }
  cpu1="$(cpu_seconds "$pid")"
  out="$(grep '^RESULT' <<<"$out")" || { echo "$out" >&2; return 1; }
  awk -v line="$out" -v c0="$cpu0" -v c1="$cpu1" 'BEGIN {
    match(line, /requests=[0-9]+/); n = substr(line, RSTART + 9, RLENGTH - 9)
    printf "%s cpu_us=%.1f\n", line, (n > 0) ? (c1 - c0) * 1e6 / n : 0 }'
}

# field LINE NAME → the number after NAME= in a RESULT line.
field() { sed -E "s/.* $2=([0-9.]+).*/\1/" <<<"$1"; }
