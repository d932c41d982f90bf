"""pytest fixtures for the core's and plugins' tests (third-party plugins
use them too: ``pytest -p lk_platform.testing``).

Every test gets a real ZODB FileStorage (with blobs) in a temporary folder
and the whole WSGI stack through WebTest.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
import transaction

from lk_platform.app import make_app  # plugins' tests build apps with it too
from lk_platform.caching.pagecache import cached_answers  # noqa: F401  (re-exported for plugins' cache tests)
from lk_platform.demo import DEMO_PASSWORD, load_demo
from lk_platform.i18n import extract
from lk_platform.model.platform import ROOT_KEY

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_settings(tmp_path, **overrides):
    var = tmp_path / "var"
    var.mkdir(exist_ok=True)
    settings = {
        "here": os.path.join(REPO, "etc"),
        "zodbconn.uri": "file://%s?blobstorage_dir=%s" % (var / "Data.fs", var / "blobs"),
        "lk.secret": "test-secret-0123456789abcdef0123456789abcdef",
        "pyramid.default_locale_name": "ru",
        "mail.mode": "files",
        "mail.directory": str(var / "mail"),
        "mail.sender": "lk@test.example",
        "retry.attempts": "3",
        # WebTest's host; the browser tests' live server listens on 127.0.0.1
        "lk.public_url": "http://localhost",
        "lk.allowed_hosts": "127.0.0.1",
    }
    settings.update(overrides)
    return settings


def close_app(app):
    """Close the app's databases (a FileStorage keeps its lock until then)."""
    for db in app.registry.lk.databases.values():
        db.close()


@contextmanager
def running_app(settings):
    app = make_app(dict(settings))
    try:
        yield app
    finally:
        close_app(app)


def build_demo_database(settings):
    """Load the demo into the database ``settings`` name, then close it, so
    its files can be copied into each test's folder."""
    with running_app(settings) as app, DB(app) as platform:
        load_demo(platform, app.registry)


@pytest.fixture
def lk_settings(tmp_path):
    return make_settings(tmp_path)


@pytest.fixture
def lk_app(lk_settings):
    app = make_app(dict(lk_settings))
    yield app
    close_app(app)


class DB:
    """Direct access to the app's database for arranging and asserting."""

    def __init__(self, app):
        self.app = app
        self.registry = app.registry
        self.db = app.registry.lk.database

    def __enter__(self):
        self.tm = transaction.TransactionManager()
        self.conn = self.db.open(self.tm)
        self.tm.begin()
        return self.conn.root()[ROOT_KEY]

    def __exit__(self, kind, exc, tb):
        if kind is None:
            self.tm.commit()
        else:
            self.tm.abort()
        self.conn.close()


@pytest.fixture
def lk_db(lk_app):
    """``with lk_db as platform:`` — changes are committed at the end."""
    return DB(lk_app)


@pytest.fixture
def lk_demo(lk_app):
    with DB(lk_app) as platform:
        load_demo(platform, lk_app.registry)
    return lk_app


def _storage_dir(settings):
    from urllib.parse import urlsplit
    return os.path.dirname(urlsplit(settings["zodbconn.uri"]).path)


@pytest.fixture(scope="session")
def lk_demo_template(tmp_path_factory):
    """A FileStorage with the demo loaded once per test session (closed,
    so it can be copied)."""
    settings = make_settings(tmp_path_factory.mktemp("demo-template"))
    build_demo_database(settings)
    return _storage_dir(settings)


def copy_demo(template, var):
    """The session's demo database (the folder ``template``, from
    ``lk_demo_template``) into the storage folder ``var``."""
    import shutil
    for name in ("Data.fs", "Data.fs.index"):
        if os.path.exists(os.path.join(template, name)):
            shutil.copy(os.path.join(template, name), os.path.join(var, name))
    if os.path.isdir(os.path.join(template, "blobs")):
        shutil.copytree(os.path.join(template, "blobs"), os.path.join(var, "blobs"), dirs_exist_ok=True)


def settings_with_demo_copy(tmp_path, request):
    """``lk_settings`` for a plugin's tests: a test that uses ``lk_demo`` gets
    a copy of the session's demo database rather than loading it again (the
    same data, without hashing the demo passwords for every test). Opt in
    from the plugin's conftest, with :func:`demo_from_copy`::

        lk_settings = pytest.fixture(name="lk_settings")(settings_with_demo_copy)
        lk_demo = pytest.fixture(name="lk_demo")(demo_from_copy)
    """
    settings = make_settings(tmp_path)
    if "lk_demo" in request.fixturenames:
        copy_demo(request.getfixturevalue("lk_demo_template"), _storage_dir(settings))
    return settings


def demo_from_copy(lk_app):
    """``lk_demo`` with :func:`settings_with_demo_copy`: the app, its database already the demo."""
    return lk_app


@pytest.fixture
def lk_demo_copy(lk_settings, lk_demo_template):
    """Like ``lk_demo`` (an app with the demo data in its own FileStorage)
    but from a copy of the session's demo database: much cheaper than
    loading the demo for every test. Opt in by overriding ``lk_demo`` in a
    test module: ``lk_demo = pytest.fixture(lambda lk_demo_copy: lk_demo_copy)``."""
    copy_demo(lk_demo_template, _storage_dir(lk_settings))
    app = make_app(dict(lk_settings))
    yield app
    close_app(app)


class Browser:
    """A WebTest client that knows how to log in and post with CSRF."""

    def __init__(self, app, host="localhost"):
        from webtest import TestApp
        self.app = TestApp(app, extra_environ={"HTTP_HOST": host, "REMOTE_ADDR": "10.0.0.1"})

    def __getattr__(self, name):
        return getattr(self.app, name)

    def csrf(self):
        """The session's CSRF token (fetched from a page that renders it)."""
        page = self.app.get("/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        return match.group(1)

    def login(self, login, password=None, base=""):
        page = self.app.get(base + "/login")
        form = page.forms[0] if len(page.forms) == 1 else [f for f in page.forms.values() if "password" in f.fields][0]
        form["login"] = login
        form["password"] = password or DEMO_PASSWORD
        return form.submit(expect_errors=True)

    def post_csrf(self, url, params=None, **kw):
        data = dict(params or {})
        data.setdefault("csrf_token", self.csrf())
        return self.app.post(url, data, **kw)


@pytest.fixture
def browser(lk_app):
    return Browser(lk_app)


@pytest.fixture
def demo_browser(lk_demo):
    return Browser(lk_demo)


def mail_files(settings):
    folder = settings["mail.directory"]
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".eml"))


#: any Cyrillic letter: what a page in English must not show beyond the data people typed
CYRILLIC = re.compile("[А-Яа-яЁё]")


class EnglishCatalog:
    """A plugin's English catalog, for its tests: ``english_catalog("lk_debt", __file__)``
    from a module in the plugin's ``tests/``. Compiled here when the ``.mo``
    is older than the ``.po`` (``make catalogs`` does it at setup; a test run
    straight after editing the ``.po`` must not see the old one)."""

    def __init__(self, domain: str, test_file: str):
        self.domain = domain
        self.package = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(test_file))), domain)
        self.po = os.path.join(self.package, "locale", "en", "LC_MESSAGES", domain + ".po")
        mo = self.po[:-3] + ".mo"
        if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(self.po):
            extract.compile_catalog(self.po)

    def msgids(self) -> dict:
        """``{msgid: [where]}``: ``_()`` calls in the package and the domain's texts in its templates."""
        return extract.package_msgids(self.package, self.domain)

    def untranslated(self) -> list:
        return extract.untranslated(self.po, self.msgids())


# --- the real server -------------------------------------------------------------------

def free_port(host="127.0.0.1"):
    import socket
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def write_ini(tmp_path, server: dict, **app_settings):
    """An ini file for ``lk -c INI serve``: ``[app:main]`` from
    :func:`make_settings` (storage in ``tmp_path``) and the ``[server:main]``
    options given. Returns its path."""
    settings = make_settings(tmp_path, **app_settings)
    settings.pop("here", None)
    lines = ["[app:main]", "use = egg:lk_platform"]
    lines += ["%s = %s" % (key, str(value).replace("%", "%%")) for key, value in settings.items()]
    lines += ["", "[server:main]", "use = egg:waitress#main"]
    lines += ["%s = %s" % (key, str(value).replace("%", "%%")) for key, value in server.items()]
    path = tmp_path / "lk.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@contextmanager
def served(ini, *args, host="127.0.0.1", port=None, timeout=60):
    """``lk -c INI serve ARGS`` in a subprocess, waited for until it accepts
    connections on ``host:port`` and stopped at the end. Yields the process;
    its output goes to ``INI.log``."""
    import socket
    import subprocess
    import sys
    import time
    script = os.path.join(os.path.dirname(sys.executable), "lk")
    command = [script] if os.path.exists(script) else \
        [sys.executable, "-c", "import sys; from lk_platform.cli import main; sys.exit(main())"]
    log = open(ini + ".log", "wb")
    process = subprocess.Popen(command + ["-c", ini, "serve", *args], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError("lk serve exited with %s:\n%s" % (process.returncode, open(ini + ".log").read()[-3000:]))
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("lk serve did not listen on %s:%s:\n%s" % (host, port, open(ini + ".log").read()[-3000:]))
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
