-- wrk script for bench/run.sh. Configured by environment variables (set by run.sh):
--   BENCH_API_KEY       bearer token (default "bench")
--   BENCH_METHOD        GET, POST, ... (default GET)
--   BENCH_BODY_FILE     request body file, "-" or empty for none
--   BENCH_CONTENT_TYPE  content-type sent with a body (default application/json)
-- At the end it prints one machine-readable line that run.sh parses:
--   BENCH_RESULT requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N max_us=N
--                non2xx=N connect=N read=N write=N timeout=N

local key = os.getenv("BENCH_API_KEY") or "bench"
local method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE") or ""
local content_type = os.getenv("BENCH_CONTENT_TYPE") or "application/json"

wrk.method = method
wrk.headers["Authorization"] = "Bearer " .. key
if body_file ~= "" and body_file ~= "-" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = content_type
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
