-- wrk script for bench/mixed.mjs: counts the answers that were not 200, by status, and prints
-- them as "not 200: 303×4 500×1" ("-" when there were none). A redirect to sign-in counts as
-- an answer to wrk; here it is not one.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = {}
end

function response(status, headers, body)
  if status ~= 200 then
    bad[status] = (bad[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("bad")) do
      table.insert(parts, status .. "×" .. n)
    end
  end
  if #parts == 0 then
    io.write("not 200: -\n")
  else
    io.write("not 200: " .. table.concat(parts, " ") .. "\n")
  end
end
