"""Fixtures for the browser tests: the real app served by waitress on
127.0.0.1 (FileStorage in a temporary folder, demo data loaded) and Debian's
Chromium driven by Playwright. One server and one browser per module; each
test opens its own browser context (cookies, viewport).

Chromium comes from the system (``tests/sysdeps.sh`` installs Debian's
``chromium``); Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest

from lk_platform.testing import close_app

CHROMIUM = os.environ.get("LK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Playwright's longest wait for an element or a page; passing steps never
#: wait that long, but a CI machine shared by many jobs can be slow.
TIMEOUT_MS = 30_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright against a live server "
                                       "(deselect with -m 'not browser')")


@dataclass
class LiveServer:
    url: str
    app: object

    def db(self):
        """``with live.db() as platform:`` — arrange or inspect; commits at the end."""
        from lk_platform.testing import DB
        return DB(self.app)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    from waitress.server import create_server

    from lk_platform.app import make_app
    from lk_platform.demo import load_demo
    from lk_platform.testing import DB, make_settings

    app = make_app(make_settings(tmp_path_factory.mktemp("live")))
    with DB(app) as platform:
        load_demo(platform, app.registry)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="lk-live-server", daemon=True)
    thread.start()
    url = "http://127.0.0.1:%s" % server.effective_port
    # links in mail are built from the public URL (read per use), which is this server's
    app.registry.settings["lk.public_url"] = url
    # compile the common templates before any test starts its clock
    from urllib.request import urlopen
    for path in ("/o/vodokanal/login", "/o/uk-dom/login"):
        with urlopen(url + path, timeout=60) as response:
            response.read()
    try:
        yield LiveServer(url, app)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        # closing every channel empties the loop's map, so run() returns
        from waitress import wasyncore
        wasyncore.close_all(server._map)
        thread.join(10)
        close_app(app)


@pytest.fixture(scope="module")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Chromium not found at %s (Debian package 'chromium'; run tests/sysdeps.sh as root)" % CHROMIUM)
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    """Where screenshots go: $LK_SCREENSHOTS if set (to look at them), else a temp folder."""
    folder = os.environ.get("LK_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        return folder
    return str(tmp_path_factory.mktemp("screens"))


def new_page(chromium, live_server, **context_options):
    context = chromium.new_context(base_url=live_server.url, locale="ru-RU", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(chromium, live_server):
    """A desktop-sized page in a fresh context."""
    page = new_page(chromium, live_server, viewport={"width": 1280, "height": 900})
    yield page
    page.context.close()


@pytest.fixture
def phone(chromium, live_server):
    """A 360-px-wide phone (touch, mobile viewport) in a fresh context."""
    page = new_page(chromium, live_server, viewport={"width": 360, "height": 740}, is_mobile=True,
                    has_touch=True, device_scale_factor=2)
    yield page
    page.context.close()


def _log_in(page, login, base="", password=None):
    """Log in through the login form as a person would; returns the page."""
    from lk_platform.demo import DEMO_PASSWORD
    page.goto(base + "/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(password or DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Войти").click()
    return page


@pytest.fixture
def open_page(chromium, live_server):
    """``open_page(viewport=...)``: another page in a context of its own
    (a second person at the same time); closed after the test."""
    opened = []

    def open_(**context_options):
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        opened.append(new_page(chromium, live_server, **context_options))
        return opened[-1]
    yield open_
    for page in opened:
        page.context.close()


@pytest.fixture
def log_in():
    """``log_in(page, "ivanov", base="/o/uk-dom")``"""
    return _log_in
