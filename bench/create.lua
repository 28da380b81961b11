-- wrk script for bench/load.sh: POST create with the contract's example body.
-- Env: BENCH_TOKEN (bearer token; empty for the baseline), BENCH_TENANT.
local token = os.getenv("BENCH_TOKEN") or ""
local tenant = os.getenv("BENCH_TENANT") or "820188ff-2036-4924-b80f-d11610735d86"

wrk.method = "POST"
wrk.path = "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing"
wrk.body = '{"source":"api","summary":"Hardware request - new laptop","ticketBody":{"offerId":"23629",'
  .. '"ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"Need a replacement laptop",'
  .. '"7f111983-1013-41be-a056-989fff018bb5":"<p>Current laptop battery no longer holds charge.</p>",'
  .. '"711ea9e6-1b73-4070-9eb2-941803f7f5d4":"<2week"},"attachments":{},"ticketRelation":null}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["x-tenantid"] = tenant
wrk.headers["realmname"] = "demo"
wrk.headers["issupportrequest"] = "false"
if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

-- One machine-readable line for load.sh: requests/s, p50 and p99 in microseconds, counts.
-- errors.status counts responses with a status >= 400; connect/read/write/timeout are socket errors.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d bad_status=%d socket_errors=%d bytes=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
