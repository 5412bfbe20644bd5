-- Shared by every Covet bench run: at the end, print one JSON line that
-- bench/lib/wrk.mjs parses (it looks for the line starting with "COVET_WRK ").
-- Latencies are in microseconds; "status" counts responses with a status >= 400
-- (wrk's own rule); with pipelining, latency is per batch of requests.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'COVET_WRK {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
