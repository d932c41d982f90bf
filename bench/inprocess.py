"""What each benchmarked page costs in-process: the WSGI app called directly
(no server, no client), one thread, warm caches. Prints ms per request and
the ratio a page would reach against hello behind the same server, using
the server's own per-request cost measured separately (``--server-ms``).

    python bench/inprocess.py [--accounts 2000] [--months 36] [--calls 500] [--profile PAGE-SUBSTRING]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_pages  # noqa: E402
import fill  # noqa: E402


def call(app, environ):
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)
    body = b"".join(app(dict(environ), start_response))
    return status[0], body


def environ_for(path, cookie=None, method="GET", body=b""):
    from webob import Request
    req = Request.blank(path, method=method, headers={"Host": "localhost"})
    if cookie:
        req.headers["Cookie"] = cookie
    if body:
        req.body = body
        req.content_type = "application/x-www-form-urlencoded"
    return req.environ


def login(app, who):
    """The session cookie of ``who`` logged in through the login form."""
    headers = {}

    def start_response(s, h, exc_info=None):
        headers["set-cookie"] = [v.split(";")[0] for k, v in h if k.lower() == "set-cookie"]
    body = b"".join(app(environ_for("/login"), start_response))
    cookie = headers["set-cookie"][0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    name = fill.RESIDENT if who == "resident" else fill.STAFF
    form = urlencode({"login": name, "password": fill.PASSWORD, "csrf_token": token}).encode()
    b"".join(app(environ_for("/login", cookie, "POST", form), start_response))
    return headers["set-cookie"][0]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--server-ms", type=float, default=0.36,
                        help="what the server adds per request (waitress here: about 0.36 ms)")
    parser.add_argument("--profile", help="profile the first page whose title contains this")
    args = parser.parse_args(argv)
    path = os.path.join(HERE, "var", "bench-%d-%d.fs" % (args.accounts, args.months))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fill.fill(path, args.accounts, args.months)
    from server import dispatcher, hello_app

    from lk_platform.app import make_app
    app = dispatcher(make_app(fill.settings_for(path)), hello_app())
    cookies = {"resident": login(app, "resident"), "staff": login(app, "staff")}
    pages = [("bare Pyramid hello", "/hello", None), ("/health", "/health", None),
             ("login page", "/login", None)]
    pages += [(t, p, who) for t, p, who, _target in bench_pages.CORE_PAGES + bench_pages.plugin_pages()]
    hello_ms = None
    print("%-40s %9s %9s" % ("page", "ms", "×hello*"))
    for title, page, who in pages:
        env = environ_for(page, cookies.get(who))
        status, _body = call(app, env)
        if not status.startswith("200"):
            print("%-40s %s" % (title, status))
            continue
        for _ in range(min(100, args.calls)):
            call(app, env)
        if args.profile and args.profile in title:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.calls):
                call(app, env)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            return 0
        started = time.perf_counter()
        for _ in range(args.calls):
            call(app, env)
        ms = (time.perf_counter() - started) * 1000 / args.calls
        if hello_ms is None:
            hello_ms = ms
        ratio = (hello_ms + args.server_ms) / (ms + args.server_ms)
        print("%-40s %9.3f %9.2f" % (title[:40], ms, ratio))
    print("* the ratio a server adding %.2f ms per request would show" % args.server_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
