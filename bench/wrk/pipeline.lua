-- Pipelining: wrk -s pipeline.lua <url> -- <depth> [METHOD] [body]
-- init() concatenates <depth> copies of the request; request() hands the whole
-- batch to wrk for each write, and wrk counts each response separately.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local batch

function init(args)
  local depth = tonumber(args[1]) or 16
  local method = args[2] or "GET"
  local body = args[3]
  if body == "" then body = nil end
  local one = wrk.format(method, nil, nil, body)
  batch = string.rep(one, depth)
end

function request()
  return batch
end
