-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: each request carries one of the tokens in $BATCHMON_LOAD_TOKENS (one per line),
-- round robin, so the load is spread over many users as the benchmark asks.
local tokens = {}
for line in io.lines(os.getenv("BATCHMON_LOAD_TOKENS")) do
    tokens[#tokens + 1] = line
end
local next_token = 0

request = function()
    next_token = next_token % #tokens + 1
    return wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. tokens[next_token] })
end

done = function(summary, latency, requests)
    io.write(string.format("requests/s: %.1f\n", summary.requests / (summary.duration / 1e6)))
    io.write(string.format("p50: %.2f ms  p99: %.2f ms  max: %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout
    io.write(string.format("errors: %d (non-2xx: %d)\n", errors, summary.errors.status))
end
