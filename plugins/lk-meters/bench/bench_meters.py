"""The meters plugin alone under the project's bench harness: fills one
organisation (100,000 accounts, 200,000 meters, 36 months of readings by
default) with only this plugin on, times the fill, then measures the
resident's readings form against a bare Pyramid hello and the staff list of
a period with filters, on one waitress server.

    .venv/bin/python plugins/lk-meters/bench/bench_meters.py [--accounts 100000] [--months 36]
        [--clients 16] [--seconds 10]

The whole project's bench (``make bench``) measures the same pages from
``lk_meters.synthetic.PAGES`` with every plugin on.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "bench"))

import bench_pages  # noqa: E402
import fill  # noqa: E402
import loadgen  # noqa: E402

SETTINGS_FOR = fill.settings_for

def settings_only_meters(path):
    from lk_platform.plugins import Plugins
    settings = SETTINGS_FOR(path)
    others = [n for n in Plugins.load().optional if n != "meters"]
    settings["lk.plugins.exclude"] = " ".join(others)
    return settings


def some_building(settings):
    """A building key of the filled organisation (for the filter page)."""
    import transaction
    from lk_platform.app import make_app
    from lk_platform.platform import ROOT_KEY
    from lk_meters.meters import known_buildings
    app = make_app(dict(settings))
    db = app.registry._zodb_databases[""]
    conn = db.open(transaction.TransactionManager())
    try:
        org = conn.root()[ROOT_KEY].organisations[fill.ORG]
        buildings = known_buildings(org)
        return buildings[len(buildings) // 2][0], len(buildings)
    finally:
        conn.close()
        db.close()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3,
                        help="seconds of load before each row, not counted: every server thread's ZODB "
                             "connection and template cache warm (the project's bench warms 1 s with 4 clients)")
    args = parser.parse_args(argv)
    path = os.path.join(REPO, "bench", "var", "meters-%d-%d.fs" % (args.accounts, args.months))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fill.settings_for = settings_only_meters  # only this plugin in the database and the server
    started = time.time()
    fill.fill(path, args.accounts, args.months)
    print("fill: %.0f s; database %.0f MB" % (time.time() - started, os.path.getsize(path) / 1e6))
    settings = settings_only_meters(path)
    building, buildings = some_building(settings)
    from lk_meters.synthetic import PAGES, _last_period
    from urllib.parse import urlencode
    pages = [("core: organisation's public page", "/o/bench/", "resident", None)] + list(PAGES) + [("meters: staff, one building (of %d)" % buildings, "/o/bench/@@meter-readings?"
                            + urlencode({"period": _last_period(), "building": building}), "staff", "staff")]

    port = bench_pages.free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(settings, f)
    server = subprocess.Popen([sys.executable, os.path.join(REPO, "bench", "server.py"), f.name, str(port),
                               str(args.threads)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        base = "http://127.0.0.1:%d" % port
        cookies = {"resident": bench_pages.login(port, "resident"), "staff": bench_pages.login(port, "staff")}
        hello = loadgen.measure(base, ["/hello"], args.clients, args.seconds)
        print("\n%d accounts, %d months, %d clients, %d threads, %.0f s per row"
              % (args.accounts, args.months, args.clients, args.threads, args.seconds))
        print("%-40s %8s %8s %8s %7s %6s  %s" % ("page", "req/s", "p50 ms", "p99 ms", "×hello", "errors", "target"))
        print("%-40s %8.0f %8.1f %8.1f %7s %6d" % ("bare Pyramid hello", hello["rps"], hello["p50"], hello["p99"],
                                                   "1.00", hello["errors"]))
        failed = 0
        for title, page, who, target in pages:
            if args.warmup:
                loadgen.measure(base, [page], args.clients, args.warmup, headers=cookies[who], warmup=0)
            r = loadgen.measure(base, [page], args.clients, args.seconds, headers=cookies[who])
            ratio = r["rps"] / hello["rps"] if hello["rps"] else 0
            verdict = ""
            if target == "resident":
                ok = ratio >= 0.40 and r["p99"] < 100 and not r["errors"]
                verdict = ("ok" if ok else "MISSED") + " (≥0.40×, p99<100)"
            elif target == "staff":
                ok = r["p99"] < 300 and not r["errors"]
                verdict = ("ok" if ok else "MISSED") + " (p99<300)"
            else:
                ok = not r["errors"]
            failed += not ok
            print("%-40s %8.0f %8.1f %8.1f %7.2f %6d  %s" % (title[:40], r["rps"], r["p50"], r["p99"], ratio,
                                                            r["errors"], verdict), flush=True)
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(10)
        os.unlink(f.name)


if __name__ == "__main__":
    sys.exit(main())
