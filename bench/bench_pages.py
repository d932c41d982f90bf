"""Resident and staff pages against a bare Pyramid "hello" on the same
waitress server, in one run. Prints requests/s, p50/p99 and the ratio.

    python bench/bench_pages.py [--accounts 100000] [--months 36] [--clients 16] [--seconds 10]
                                [--client auto|wrk|python]

The database is generated once (bench/fill.py) and reused.
"""
from __future__ import annotations

import argparse
import http.client
import http.cookies
import importlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fill  # noqa: E402
import loadgen  # noqa: E402

CORE_PAGES = [
    ("dashboard (10 accounts)", "/cabinet", "resident", "resident"),
    ("staff: accounts list, page 2", "/o/bench/accounts/@@admin?page=2", "staff", "staff"),
    ("staff: accounts search", "/o/bench/accounts/@@admin?" + urlencode({"q": "Житель 1234"}), "staff", "staff"),
    ("staff: accounts sorted by holder", "/o/bench/accounts/@@admin?sort=holder&page=3", "staff", "staff"),
]


def plugin_pages(exclude=()):
    from lk_platform.app import load_plugins
    pages = []
    plugins = load_plugins(exclude=exclude)
    for name in plugins.optional:
        package = getattr(plugins.pm.get_plugin(name), "__name__", "").split(".")[0]
        try:
            module = importlib.import_module(package + ".synthetic")
        except ImportError:
            continue
        pages.extend(getattr(module, "PAGES", []))
    return pages


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_idle(pid, quiet=0.5, limit=60.0):
    """Wait until the server process has used no CPU for ``quiet`` seconds.
    When wrk stops, the server may still be working off requests of a slow
    row for seconds; the next row must not pay for them."""
    def cpu():
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    deadline = time.time() + limit
    last = cpu()
    while time.time() < deadline:
        time.sleep(quiet)
        now = cpu()
        if now == last:
            return
        last = now


def login(port, who):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = http.cookies.SimpleCookie(response.getheader("Set-Cookie"))
    session = "lk_session=" + cookie["lk_session"].value
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    login_name = fill.RESIDENT if who == "resident" else fill.STAFF
    conn.request("POST", "/login", body=urlencode({"login": login_name, "password": fill.PASSWORD,
                                                    "csrf_token": token}),
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": session})
    response = conn.getresponse()
    response.read()
    if response.status != 303:
        raise SystemExit("login as %s failed: %s" % (who, response.status))
    cookie = http.cookies.SimpleCookie(response.getheader("Set-Cookie"))
    return {"Cookie": "lk_session=" + cookie["lk_session"].value}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load per page before measuring")
    parser.add_argument("--only", help="measure the core with this one plugin on (its own database)")
    parser.add_argument("--path", default=None)
    parser.add_argument("--pages", help="measure only the pages whose title contains this")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator; auto: wrk when installed (it leaves the server its cores)")
    args = parser.parse_args(argv)
    client = loadgen.client_name(args.client)
    exclude = ()
    if args.only:
        from lk_platform.app import load_plugins
        exclude = tuple(n for n in load_plugins().optional if n != args.only)
    path = args.path or os.path.join(HERE, "var", "bench-%s%d-%d.fs" % (
        args.only + "-" if args.only else "", args.accounts, args.months))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fill.fill(path, args.accounts, args.months, exclude=exclude)

    port = free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(fill.settings_for(path, exclude), f)
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), f.name, str(port),
                               str(args.threads)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        base = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        cookies = {"resident": login(port, "resident"), "staff": login(port, "staff")}
        rows = []
        wait_idle(server.pid)
        hello = loadgen.measure(base, ["/hello"], args.clients, args.seconds, warmup=args.warmup, client=client)
        rows.append(("bare Pyramid hello", hello, None, None))
        for title, page, who, target in CORE_PAGES + plugin_pages(exclude):
            if args.pages and args.pages not in title:
                continue
            wait_idle(server.pid)
            result = loadgen.measure(base, [page], args.clients, args.seconds, headers=cookies[who],
                                     warmup=args.warmup, client=client)
            rows.append((title, result, target, page))
        print()
        print("%d accounts, %d months; %d clients (%s), %d server threads, %.0f s per row; %s"
              % (args.accounts, args.months, args.clients, client, args.threads, args.seconds,
                 time.strftime("%Y-%m-%d")))
        print("%-38s %9s %8s %8s %7s %6s  %s" % ("page", "req/s", "p50 ms", "p99 ms", "×hello", "errors",
                                                 "target"))
        failed = []
        for title, r, target, _page in rows:
            ratio = r["rps"] / hello["rps"] if hello["rps"] else 0
            verdict = ""
            if target == "resident":
                ok = ratio >= 0.40 and r["p99"] < 100 and not r["errors"]
                verdict = ("ok" if ok else "MISSED") + " (≥0.40×, p99<100)"
            elif target == "staff":
                ok = r["p99"] < 300 and not r["errors"]
                verdict = ("ok" if ok else "MISSED") + " (p99<300)"
            else:
                ok = True
            if not ok:
                failed.append(title)
            print("%-38s %9.0f %8.1f %8.1f %7.2f %6d  %s" % (title[:38], r["rps"], r["p50"], r["p99"], ratio,
                                                             r["errors"], verdict))
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(10)
        os.unlink(f.name)


if __name__ == "__main__":
    sys.exit(main())
