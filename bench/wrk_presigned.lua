-- wrk script for bench/point_use.py: replays requests signed in advance by the bench, so the
-- load generator spends no CPU on Ed25519 or JSON (on a shared 2-core machine every cycle the
-- client burns is taken from the server). Each wrk thread reads its own file of raw HTTP
-- requests separated by NUL bytes: <prefix><thread number>. Every request carries its own nonce
-- and Idempotency-Key, so none may be sent twice: a thread that runs out stops its connection.
-- Usage: wrk -t T -c C -d S -s wrk_presigned.lua URL -- <prefix>

local counter = 0

function setup(thread)
  thread:set("number", counter)
  counter = counter + 1
end

function init(args)
  local f = assert(io.open(args[1] .. number, "rb"))
  local data = f:read("*a")
  f:close()
  requests = {}
  for r in string.gmatch(data, "([^%z]+)") do
    requests[#requests + 1] = r
  end
  sent = 0
end

function request()
  sent = sent + 1
  if sent > #requests then
    wrk.thread:stop()
    return requests[#requests]
  end
  return requests[sent]
end

function done(summary, latency, requests)
  local non_2xx = summary.errors.status   -- wrk counts status >= 400 here
  io.write(string.format(
    "WRK_JSON {\"requests\": %d, \"duration_us\": %d, \"non_2xx\": %d, \"socket_errors\": %d, " ..
    "\"p50_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, non_2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
