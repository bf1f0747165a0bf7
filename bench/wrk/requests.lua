-- wrk script: replay a generated population of requests, each with its own cookie,
-- client address (X-Forwarded-For, believed from the trusted proxy 127.0.0.1) and body.
--
-- REQUESTS_FILE: one request per line, tab-separated: METHOD PATH COOKIE XFF BODY
--   (empty fields allowed). RESULT_FILE: where done() writes the figures as JSON.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  requests = {}
  local host = wrk.headers["Host"]
  for line in io.lines(os.getenv("REQUESTS_FILE")) do
    local f = split(line)
    local headers = { ["Host"] = host }
    if f[3] ~= "" then headers["Cookie"] = f[3] end
    if f[4] ~= "" then headers["X-Forwarded-For"] = f[4] end
    local body = nil
    if f[5] ~= nil and f[5] ~= "" then
      body = f[5]
      headers["Content-Type"] = "application/json"
      headers["Origin"] = "http://" .. host
      headers["Sec-Fetch-Site"] = "same-origin"
    end
    table.insert(requests, wrk.format(f[1], f[2], headers, body))
  end
  -- Each thread starts at a different place in the population.
  index = ((id or 1) - 1) * math.floor(#requests / 4) + 1
  statuses = {}
end

function request()
  local r = requests[index]
  index = index + 1
  if index > #requests then index = 1 end
  return r
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local out = io.open(os.getenv("RESULT_FILE"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "non_2xx": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
  out:close()
end
