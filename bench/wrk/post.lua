-- A request with a method and a body: wrk -s post.lua <url> -- <METHOD> <body>
-- Headers come from wrk's -H options. Fields are set in init() before wrk
-- formats its request, so the request stays static (built once per thread).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

function init(args)
  wrk.method = args[1] or "POST"
  if args[2] and args[2] ~= "" then wrk.body = args[2] end
end
