-- wrk script for bench/load.sh --list: GET a page of 25 of team james's queue, newest first (no data).
-- Env: BENCH_TOKEN (bearer token), BENCH_TENANT.
local token = os.getenv("BENCH_TOKEN") or ""
local tenant = os.getenv("BENCH_TENANT") or "820188ff-2036-4924-b80f-d11610735d86"

wrk.method = "GET"
wrk.path = "/api/v2/ticketing/ticket/list?teamId=james&pageSize=25"
wrk.headers["Accept"] = "application/json"
wrk.headers["x-tenantid"] = tenant
wrk.headers["realmname"] = "demo"
if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

-- The same RESULT line as create.lua.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d bad_status=%d socket_errors=%d bytes=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
