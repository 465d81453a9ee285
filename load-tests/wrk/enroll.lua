-- wrk script for the plain-HTTP cross-check of the load harness: every request POSTs the same body (one fixed CSR)
-- with the same headers, read from the environment, and the summary is written as JSON in the harness's report shape
-- (throughput, latencyMs, failed) so compare.sh can put it in the same table.
--
--   WRK_BODY_FILE   file whose bytes are the request body (a JSON enrollment or a base64 PKCS#10)
--   WRK_CONTENT_TYPE, WRK_AUTHORIZATION   header values
--   WRK_REPORT      where done() writes the JSON summary (optional)

local function read_all(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

wrk.method = "POST"
wrk.body = read_all(assert(os.getenv("WRK_BODY_FILE"), "WRK_BODY_FILE is not set"))
wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/json"
wrk.headers["Authorization"] = os.getenv("WRK_AUTHORIZATION")

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local failed = e.status + e.connect + e.read + e.write + e.timeout
  local ok = summary.requests - e.status - e.timeout
  local json = string.format(
    '{"scenario":"%s","tool":"wrk","requests":%d,"succeeded":%d,"failed":%d,"durationSeconds":%.3f,' ..
    '"throughput":%.1f,"latencyMs":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f},' ..
    '"errors":{"non-2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d},"serverCpu":[]}',
    os.getenv("WRK_SCENARIO") or "wrk", summary.requests, ok, failed, seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout)
  local path = os.getenv("WRK_REPORT")
  if path then
    local f = assert(io.open(path, "w"))
    f:write(json, "\n")
    f:close()
  end
  io.write(json, "\n")
end
