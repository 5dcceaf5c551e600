-- wrk script for bench/lists: GET one list page (BENCH_PATH) as BENCH_TOKEN's user.
function init(args)
  token = os.getenv("BENCH_TOKEN")
  path = os.getenv("BENCH_PATH")
  bad = 0
end

function request()
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end

function response(status)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
                         summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, summary.errors.status))
end
