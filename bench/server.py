"""Serve the lk app and a bare Pyramid "hello" on one waitress server, so
both are measured under the same server, threads and machine in one run.

    python bench/server.py SETTINGS_JSON PORT THREADS
"""
from __future__ import annotations

import json
import logging
import sys


def hello_app():
    from pyramid.config import Configurator
    from pyramid.response import Response

    def hello(request):
        return Response("Hello")

    with Configurator() as config:
        config.add_route("hello", "/hello")
        config.add_view(hello, route_name="hello")
        return config.make_wsgi_app()


def dispatcher(lk_app, bare):
    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/hello":
            return bare(environ, start_response)
        return lk_app(environ, start_response)
    return app


def main():
    settings = json.load(open(sys.argv[1]))
    port, threads = int(sys.argv[2]), int(sys.argv[3])
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from waitress import serve

    from lk_platform.app import make_app
    app = dispatcher(make_app(settings), hello_app())
    import os
    # LK_BENCH_GC=700,10,10 freezes what start-up allocated and sets the
    # collector's thresholds: for trying collector settings under load.
    if os.environ.get("LK_BENCH_GC"):
        import gc
        gc.collect()
        gc.freeze()
        gc.set_threshold(*map(int, os.environ["LK_BENCH_GC"].split(",")))
    print("ready", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=threads, connection_limit=200, channel_timeout=60,
          _quiet=True)


if __name__ == "__main__":
    main()
