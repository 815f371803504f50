-- wrk script: POSTs pre-signed Resend events (from `Moosermail.Bench sign`), each svix id once.
-- Usage: wrk -s webhook.lua URL -- EVENTS_FILE THREADS
-- Each wrk thread takes every THREADS-th line, so no two threads send the same svix id; a thread that runs out
-- wraps around (its later events are duplicates) and done() says so.
local threads = {}
local index = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, count = args[1], tonumber(args[2])
  requests = {}
  sent = 0
  local i = 0
  for line in io.lines(file) do
    if i % count == id then
      local svix_id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(requests, wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["svix-id"] = svix_id,
        ["svix-timestamp"] = ts,
        ["svix-signature"] = sig,
      }, body))
    end
    i = i + 1
  end
  total = #requests
end

function request()
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end

function done(summary, latency, requests_)
  for _, thread in ipairs(threads) do
    if thread:get("sent") > thread:get("total") then
      io.write("WRAPPED: a thread ran out of unique events; make more with --count\n")
      return
    end
  end
end
