"""A small closed-loop HTTP load generator: N client threads with keep-alive
connections, each sending the next request as soon as the last answered.
Runs in its own process so the server's process has its cores to itself."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


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


def measure(base_url, paths, concurrency=16, seconds=5.0, headers=None, warmup=1.0):
    """Requests per second and latency percentiles (ms) for GETs of ``paths``."""
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    headers = dict(headers or {})
    if warmup:
        # Full concurrency, so every server thread's connection has a warm cache.
        measure(base_url, paths, concurrency=concurrency, seconds=warmup, headers=headers, warmup=0)
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
