-- wrk script for bench/intake: every request logs a new 1999 call with its own
-- petitioner (distinct phone numbers), as hotline staff do all day.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  token = os.getenv("BENCH_TOKEN")
  n = 0
  failed = 0
end

function request()
  n = n + 1
  local phone = string.format("09%02d%06d", tid % 100, n % 1000000)
  local body = '{"channel":"hotline","office":"main","category":"戶籍",' ..
      '"subject":"門牌整編查詢 ' .. tid .. '-' .. n .. '",' ..
      '"body":"民眾來電詢問門牌整編進度，請承辦人回電說明。",' ..
      '"petitioner":{"name":"王小明","phone":"' .. phone .. '","address":"臺東縣臺東市中山路 ' .. n .. ' 號"}}'
  return wrk.format("POST", "/api/v1/cases",
                    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 201 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local failures = 0
  for _, t in ipairs(threads) do failures = failures + t:get("failed") end
  io.write(string.format("RESULT requests=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
                         summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, failures))
end
