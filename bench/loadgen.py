"""Closed-loop HTTP load: N keep-alive connections, each sending the next
request as soon as the last answered.

wrk is used when installed: on a 2-core machine the client's CPU is taken
from the server it measures, and the Python client below (N threads) spends
about 5 times as much CPU per request as wrk (hello, 3 s: 1.25 s of CPU for
2,455 req/s against 0.43 s for 4,655). The Python client stays as the
fallback (``client="python"``)."""
from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from urllib.parse import urlsplit


def client_name(client="auto"):
    """The client ``measure`` will use: "wrk" or "python"."""
    if client == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk, or `make bench`)")
    return client


def measure(base_url, paths, concurrency=16, seconds=5.0, headers=None, warmup=1.0, client="auto"):
    """Requests per second and latency percentiles (ms) for GETs of ``paths``."""
    headers = dict(headers or {})
    if client_name(client) == "wrk":
        return _measure_wrk(base_url, paths, concurrency, seconds, headers, warmup)
    return _measure_python(base_url, paths, concurrency, seconds, headers, warmup)


# -- wrk ---------------------------------------------------------------------

_MARK = "LOADGEN "

# Pre-built requests, rotated per wrk thread; ``errors.status`` counts only
# statuses > 399, so measure() checks every path answers 200 first (a lost
# session's 303 to the login page would otherwise pass as a fast page).
_WRK_SCRIPT = """
local paths, headers = %(paths)s, %(headers)s
for name, value in pairs(headers) do wrk.headers[name] = value end
local requests, i = {}, 0
function init(args)
  for n, path in ipairs(paths) do requests[n] = wrk.format("GET", path) end
end
function request()
  i = i %% #requests + 1
  return requests[i]
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format('%(mark)s{"requests": %%d, "duration_us": %%d, "p50_us": %%f, "p99_us": %%f, '
    .. '"mean_us": %%f, "errors": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.mean, e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(text):
    """A Lua string literal (decimal escapes for anything but plain ASCII)."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else "\\%d" % b
                         for b in text.encode()) + '"'


def _lua_table(items):
    return "{" + ", ".join("[%s] = %s" % (_lua_string(k), _lua_string(v)) for k, v in items) + "}"


def _status(host, port, path, headers):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _run_wrk(url, script, concurrency, seconds):
    # wrk takes whole seconds only; -t2: two event loops are plenty for 16 connections.
    args = ["wrk", "-t%d" % min(2, concurrency), "-c%d" % concurrency, "-d%ds" % max(1, math.ceil(seconds)),
            "--timeout", "30s", "--latency", "-s", script, url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith(_MARK):
            return json.loads(line[len(_MARK):])
    raise RuntimeError("wrk printed no summary:\n" + out)


def _measure_wrk(base_url, paths, concurrency, seconds, headers, warmup):
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    bad = sum(_status(host, port, path, headers) != 200 for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_SCRIPT % {"paths": "{" + ", ".join(_lua_string(p) for p in paths) + "}",
                               "headers": _lua_table(headers.items()), "mark": _MARK})
    try:
        url = base_url.rstrip("/") + paths[0]
        if warmup:
            _run_wrk(url, f.name, concurrency, warmup)
        r = _run_wrk(url, f.name, concurrency, seconds)
    finally:
        os.unlink(f.name)
    n, elapsed = r["requests"], r["duration_us"] / 1e6

    def ms(key):
        return r[key] / 1000 if n else float("nan")

    return {"requests": n, "rps": n / elapsed if elapsed else 0.0, "p50": ms("p50_us"), "p99": ms("p99_us"),
            "mean": ms("mean_us"), "errors": r["errors"] + bad}


# -- Python fallback ---------------------------------------------------------

def _client(host, port, paths, headers, deadline, latencies, errors, lock, index):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    mine = []
    bad = 0
    i = index
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                bad += 1
        except (OSError, http.client.HTTPException):
            bad += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        mine.append(time.perf_counter() - start)
    conn.close()
    with lock:
        latencies.extend(mine)
        errors.append(bad)


def _measure_python(base_url, paths, concurrency, seconds, headers, warmup):
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    if warmup:
        # Full concurrency, so every server thread's connection has a warm cache.
        _measure_python(base_url, paths, concurrency, seconds=warmup, headers=headers, warmup=0)
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=_client, args=(host, port, paths, headers, deadline, latencies, errors,
                                                      lock, n)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)

    def pct(p):
        return latencies[min(n - 1, int(n * p))] * 1000 if n else float("nan")

    return {"requests": n, "rps": n / elapsed if elapsed else 0.0, "p50": pct(0.50), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if n else float("nan"), "errors": sum(errors)}
