"""Finding 10 (issue #9), kept fixed:

    **Request bodies**: waitress buffers up to 1 GB before the application's
    20 MB limit (lk.max_upload_bytes, enforced by lk_platform/web/limits.py)
    applies. Set the server's own limits from the ini to match the
    application's: max_request_body_size = the app's upload limit plus a
    margin (derived from lk.max_upload_bytes when the server section doesn't
    set it), max_request_header_size, connection_limit, channel_timeout.

The real thing: ``lk -c INI serve`` in a subprocess with
``etc/development.ini``'s ``[server:main]`` (which leaves
``max_request_body_size`` to be derived) and a 1 MiB upload limit, spoken
to over a raw socket so the test decides how much of a body is sent.
"""
from __future__ import annotations

import configparser
import os
import re
import select
import socket
import time

import pytest

from lk_platform.cli.serve import BODY_MARGIN, DEFAULT_HEADER_LIMIT, body_limit_warning, server_options
from lk_platform.testing import REPO, free_port, served, write_ini

UPLOAD_LIMIT = 1024 * 1024
#: the answer must come long before a client could send this much
FAR_OVER = 500 * 1024 * 1024


def _section(name, section):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(REPO, "etc", name), encoding="utf-8")
    return dict(parser[section])


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    server = _section("development.ini", "server:main")
    server.pop("use")
    assert "max_request_body_size" not in server  # derived by lk serve
    number = free_port()
    server["listen"] = "127.0.0.1:%d" % number
    ini = write_ini(tmp_path_factory.mktemp("finding10"), server, **{"lk.max_upload_bytes": str(UPLOAD_LIMIT)})
    with served(ini, port=number):
        yield number


def _head(port, path, length, extra=""):
    return ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
            "Content-Length: %d\r\n%s\r\n" % (path, port, length, extra)).encode()


def _read_answer(sock):
    """Everything the server sends until it closes the connection."""
    answer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk


def test_a_body_far_over_the_limit_is_refused_before_it_is_sent(port):
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        started = time.monotonic()
        sock.sendall(_head(port, "/login", FAR_OVER))  # and not one byte of the body
        try:
            answer = _read_answer(sock)  # the server answers, then closes
        except TimeoutError:
            pytest.fail("no answer: the server waits for (and would buffer) the %d-byte body" % FAR_OVER)
        elapsed = time.monotonic() - started
    status = answer.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 413"), answer[:300]
    assert elapsed < 10


def test_the_server_stops_reading_a_body_it_refused(port):
    """Sending on regardless gets the connection closed, not buffered: the
    client cannot push the whole body through."""
    chunk = b"x" * (1024 * 1024)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(_head(port, "/login", FAR_OVER))
        try:
            for _chunk in range(64):
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:  # reset or broken pipe
            pass
        else:
            pytest.fail("the server read on: %d bytes of a body it should have refused" % sent)
    assert sent < 64 * len(chunk)


def test_a_body_just_over_the_application_limit_gets_the_applications_page(port):
    """The margin lets the application refuse, with its own page, a body it
    can name the limit for (lk_platform/web/limits.py)."""
    length = UPLOAD_LIMIT + 10_000
    assert length < UPLOAD_LIMIT + BODY_MARGIN
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(_head(port, "/login", length, "Connection: close\r\n") + b"x" * length)
        answer = _read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "1 МБ".encode() in answer


def test_oversized_headers_are_refused(port):
    """Sent a piece at a time, waiting between pieces, so the server has
    read everything sent when it refuses (unread bytes would turn its close
    into a reset that loses the answer)."""
    piece = b"a" * 8192
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(("GET /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\nX-Padding: " % port).encode())
        for _piece in range(2 * DEFAULT_HEADER_LIMIT // len(piece)):
            sock.sendall(piece)
            if select.select([sock], [], [], 0.05)[0]:
                break  # answered before the headers ended
        else:
            sock.sendall(b"\r\n\r\n")
        answer = _read_answer(sock)
    assert re.match(rb"HTTP/1\.[01] 431 ", answer), answer[:300]


def test_the_shipped_ini_files_bound_the_server():
    for name in ("development.ini", "production.ini"):
        path = os.path.join(REPO, "etc", name)
        app = _section(name, "app:main")
        upload = int(app.get("lk.max_upload_bytes", 20 * 1024 * 1024))
        options = server_options(path, {"lk.max_upload_bytes": str(upload)})
        # production.ini writes it out for pserve: it must still match the application's limit
        assert int(options["max_request_body_size"]) == upload + BODY_MARGIN, name
        assert int(options["max_request_header_size"]) <= DEFAULT_HEADER_LIMIT, name
        assert int(options["channel_timeout"]) <= 120 and int(options["connection_limit"]) <= 1000, name


def test_a_server_limit_far_over_the_applications_is_warned_about():
    settings = {"lk.max_upload_bytes": str(UPLOAD_LIMIT)}
    assert body_limit_warning({"max_request_body_size": str(UPLOAD_LIMIT + BODY_MARGIN)}, settings) is None
    assert body_limit_warning({"max_request_body_size": "1073741824"}, settings)


def test_nginx_in_deploy_md_refuses_what_the_application_refuses():
    deploy = open(os.path.join(REPO, "docs", "deploy.md"), encoding="utf-8").read()
    sizes = re.findall(r"client_max_body_size\s+(\d+)m;", deploy)
    upload = int(_section("production.ini", "app:main")["lk.max_upload_bytes"])
    assert sizes and all(int(size) * 1024 * 1024 == upload for size in sizes), sizes
