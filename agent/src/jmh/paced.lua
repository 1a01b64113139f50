-- wrk script for run-load.sh with RATE set: each connection waits an exponentially distributed
-- time (mean PACE_MS milliseconds) before each request, so the server sees a steady rate below
-- saturation instead of back-to-back requests. wrk's timers count whole milliseconds, so the
-- wait is rounded up or down at random in proportion to its fraction: the mean stays PACE_MS.
-- wrk starts a request's latency clock when it is written, so the wait is not counted in it.
local mean = tonumber(os.getenv("PACE_MS") or "")

function init(args)
    if not mean or mean <= 0 then
        error("PACE_MS must be a positive number of milliseconds")
    end
    -- one Lua state per wrk thread: give each its own sequence
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function delay()
    local x = -math.log(1 - math.random()) * mean
    local n = math.floor(x)
    if math.random() < x - n then
        n = n + 1
    end
    return n
end
