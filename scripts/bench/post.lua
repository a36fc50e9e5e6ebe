-- wrk script for `scripts/trackr bench`: POSTs one 300-byte event body with
-- the headers of a desktop Chrome page view, counts the 2xx answers of each
-- thread and prints machine-readable totals (bench_*=...) when done.

local key = os.getenv("BENCH_SITE_KEY") or "unset"
local size = tonumber(os.getenv("BENCH_BODY_BYTES") or "300")

local body = string.format('{"s":"%s","n":"pageview","u":"https://bench.example/p/1",'
	.. '"r":"https://www.google.com/","w":1280}', key)
-- Padded with JSON whitespace before the closing brace, which changes the
-- size and not the event.
if #body < size then
	body = body:sub(1, -2) .. string.rep(" ", size - #body) .. "}"
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN") or "https://bench.example"

-- Many visitors, as real traffic has: the User-Agent's build number cycles
-- through BENCH_VISITORS values (1 makes every request one visitor's).
local visitors = tonumber(os.getenv("BENCH_VISITORS") or "10000")
local n = 0

function request()
	n = n + 1
	wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
		.. "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0."
		.. (n % visitors) .. ".0 Safari/537.36"
	return wrk.format()
end

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	acked = 0
	other = 0
end

function response(status, headers, resp_body)
	if status >= 200 and status < 300 then
		acked = acked + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local total_acked, total_other = 0, 0
	for _, t in ipairs(threads) do
		total_acked = total_acked + (t:get("acked") or 0)
		total_other = total_other + (t:get("other") or 0)
	end
	local e = summary.errors
	io.write(string.format("bench_body_bytes=%d\n", #body))
	io.write(string.format("bench_requests=%d\n", summary.requests))
	io.write(string.format("bench_rps=%.1f\n", summary.requests / (summary.duration / 1e6)))
	io.write(string.format("bench_p99_us=%d\n", latency:percentile(99)))
	io.write(string.format("bench_acked=%d\n", total_acked))
	io.write(string.format("bench_non2xx=%d\n", total_other))
	io.write(string.format("bench_socket_errors=%d\n",
		e.connect + e.read + e.write + e.timeout))
end
