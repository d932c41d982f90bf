"""Finding 2 (issue #9), kept fixed:

    **`lk serve` ignores the `[server:main]` settings** (trusted proxy,
    threads, limits) — cmd_serve calls waitress.serve itself with
    host/port/threads — so behind nginx every client is 127.0.0.1: twenty
    failed logins from anyone lock out every login on the platform (the
    per-address throttle keys on request.client_addr), and links come out as
    `http://` even when the proxy says https.

The real thing: ``lk -c INI serve`` in a subprocess, with the
``[server:main]`` of the shipped ``etc/production.ini`` (only the port given
on the command line), and HTTP requests as nginx sends them — from the
trusted 127.0.0.1 with ``X-Forwarded-For``/``X-Forwarded-Proto`` — and as a
client reaching waitress directly (from 127.0.0.2) would.
"""
from __future__ import annotations

import configparser
import http.client
import os
import re
from urllib.parse import urlencode

import pytest

from lk_platform.auth.throttle import ADDRESS_LIMIT
from lk_platform.cli.serve import BODY_MARGIN, server_options
from lk_platform.demo import DEMO_PASSWORD
from lk_platform.testing import REPO, free_port, served, write_ini

PRODUCTION_INI = os.path.join(REPO, "etc", "production.ini")
NGINX = "127.0.0.1"          # the trusted proxy, as in etc/production.ini
STRANGER = "127.0.0.2"       # a client reaching waitress directly


def _section(path, name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return dict(parser[name])


class Client:
    """One visitor: its cookies, the address it connects from, the headers
    its proxy adds."""

    def __init__(self, port, source=NGINX, **headers):
        self.port, self.source, self.headers, self.cookies = port, source, headers, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, source_address=(self.source, 0), timeout=30)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join("%s=%s" % item for item in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for value in response.msg.get_all("Set-Cookie") or ():
            name, _sep, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.msg, text

    def login(self, login, password, **headers):
        _status, _msg, page = self.request("GET", "/login", headers=headers)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urlencode({"csrf_token": token, "login": login, "password": password, "next": ""})
        return self.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", **headers})


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    """The service as production runs it: production.ini's [server:main]
    (listen aside: the port comes from the command line, like the systemd
    unit in docs/deploy.md), the demo loaded."""
    server = _section(PRODUCTION_INI, "server:main")
    server.pop("use")
    server.pop("listen")
    number = free_port()
    ini = write_ini(tmp_path_factory.mktemp("finding02"), server, **{"lk.demo": "true"})
    with served(ini, "--port", str(number), port=number):
        yield number


def _fail_logins(client, count, **headers):
    for attempt in range(count):
        status, _msg, _page = client.login("nobody-%s-%d" % (client.source, attempt), "wrong", **headers)
        assert status == 401


def test_failed_logins_from_one_forwarded_address_do_not_throttle_another(port):
    attacker = Client(port, **{"X-Forwarded-For": "203.0.113.5"})
    _fail_logins(attacker, ADDRESS_LIMIT)
    status, _msg, _page = attacker.login("nobody-else", "wrong")
    assert status == 429  # the attacker's own address is throttled...

    resident = Client(port, **{"X-Forwarded-For": "198.51.100.7"})
    status, msg, _page = resident.login("ivanov", DEMO_PASSWORD)
    assert status == 303, "another client behind the same proxy was throttled too"  # ...nobody else's
    assert msg["Location"].endswith("/cabinet")


def test_nginx_appended_address_counts_not_the_one_the_client_wrote(port):
    """nginx's $proxy_add_x_forwarded_for appends the real address to what
    the client sent: only that last hop is believed (trusted_proxy_count = 1)."""
    liar = Client(port)
    for attempt in range(ADDRESS_LIMIT):
        status, _msg, _page = liar.login("nobody-liar-%d" % attempt, "wrong",
                                         **{"X-Forwarded-For": "192.0.2.%d, 203.0.113.77" % attempt})
        assert status == 401
    status, _msg, _page = liar.login("nobody-liar", "wrong", **{"X-Forwarded-For": "192.0.2.250, 203.0.113.77"})
    assert status == 429


def test_an_untrusted_clients_forwarded_for_is_ignored(port):
    stranger = Client(port, source=STRANGER)
    for attempt in range(ADDRESS_LIMIT):
        status, _msg, _page = stranger.login("nobody-stranger-%d" % attempt, "wrong",
                                             **{"X-Forwarded-For": "192.0.2.%d" % attempt})
        assert status == 401
    # a fresh made-up address does not escape the throttle: it counts the connection's
    status, _msg, _page = stranger.login("nobody-stranger", "wrong", **{"X-Forwarded-For": "192.0.2.200"})
    assert status == 429
    # and the addresses it claimed were not charged
    status, _msg, _page = Client(port, **{"X-Forwarded-For": "192.0.2.3"}).login("petrova", DEMO_PASSWORD)
    assert status == 303


def test_a_forwarded_https_request_gets_https_links(port):
    https = {"X-Forwarded-For": "198.51.100.20", "X-Forwarded-Proto": "https"}
    client = Client(port, **https)
    _status, _msg, page = client.request("GET", "/login")
    stylesheets = re.findall(r'<link[^>]+href="([^"]+lk\.css[^"]*)"', page)
    assert stylesheets and all(href.startswith("https://") for href in stylesheets), stylesheets
    # a browser on https sends Origin; Pyramid checks it against https://host
    status, msg, _page = client.login("ivanov", DEMO_PASSWORD, Origin="https://127.0.0.1:%d" % port)
    assert status == 303
    assert msg["Location"].startswith("https://"), msg["Location"]


def test_an_untrusted_clients_forwarded_proto_is_ignored(port):
    _status, _msg, page = Client(port, source=STRANGER, **{"X-Forwarded-Proto": "https"}).request("GET", "/login")
    stylesheets = re.findall(r'<link[^>]+href="([^"]+lk\.css[^"]*)"', page)
    assert stylesheets and all(href.startswith("http://") for href in stylesheets), stylesheets


def test_lk_serve_takes_server_main_and_the_command_line_overrides_it():
    settings = {"lk.max_upload_bytes": "1000"}
    options = server_options(PRODUCTION_INI, settings)
    assert options["listen"] == "127.0.0.1:6543"
    assert options["trusted_proxy"] == "127.0.0.1" and options["trusted_proxy_count"] == "1"
    assert set(options["trusted_proxy_headers"].split()) == {"x-forwarded-for", "x-forwarded-proto"}
    assert options["clear_untrusted_proxy_headers"] == "true"
    overridden = server_options(PRODUCTION_INI, settings, port="7001", threads="3")
    assert "listen" not in overridden and (overridden["host"], overridden["port"], overridden["threads"]) == ("127.0.0.1", 7001, 3)
    assert overridden["trusted_proxy"] == "127.0.0.1"
    assert server_options(PRODUCTION_INI, settings, host="0.0.0.0")["port"] == 6543


def test_a_server_section_lk_serve_cannot_honour_is_refused(tmp_path):
    settings = {"lk.max_upload_bytes": "1000"}
    typo = write_ini(tmp_path, {"listen": "127.0.0.1:6543", "trusted_proxies": "127.0.0.1"})
    with pytest.raises(ValueError, match="trusted_proxies"):
        server_options(typo, settings)
    other = tmp_path / "other.ini"
    other.write_text("[server:main]\nuse = egg:gunicorn#main\n", encoding="utf-8")
    with pytest.raises(ValueError, match="pserve"):
        server_options(str(other), settings)
    # no section: loopback only (waitress alone would listen on every interface)
    bare = tmp_path / "bare.ini"
    bare.write_text("[app:main]\nuse = egg:lk_platform\n", encoding="utf-8")
    assert server_options(str(bare), settings) == {
        "listen": "127.0.0.1:6543", "max_request_body_size": 1000 + BODY_MARGIN, "max_request_header_size": 64 * 1024}
