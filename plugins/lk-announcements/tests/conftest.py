"""Helpers for the announcements plugin's tests (fixtures come from
``lk_platform.testing`` through the repository's root conftest).

The app here runs with this plugin alone (other installed plugins are
excluded, so their state cannot make these tests fail or slow), and the
demo database is built once per session and copied for each test: a copy
is ~50 times cheaper than hashing the demo passwords again.
"""
from __future__ import annotations

import email
import shutil
from email.header import decode_header, make_header
from importlib import metadata

import pytest

from lk_platform.testing import DB, build_demo_database, mail_files, make_settings

PLUGIN = "announcements"


def _others():
    return " ".join(sorted({ep.name for ep in metadata.entry_points(group="lk_platform.plugins")} - {PLUGIN}))


def plugin_settings(tmp_path, **overrides):
    return make_settings(tmp_path, **{"lk.plugins.exclude": _others(), **overrides})


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    base = tmp_path_factory.mktemp("announcements-demo")
    build_demo_database(plugin_settings(base))
    return base / "var"


@pytest.fixture
def lk_settings(tmp_path, request):
    settings = plugin_settings(tmp_path)
    if "lk_demo" in request.fixturenames:
        var = tmp_path / "var"
        shutil.rmtree(var)
        shutil.copytree(request.getfixturevalue("_demo_template"), var,
                        ignore=shutil.ignore_patterns("*.lock", "*.tmp", "mail"))
    return settings


@pytest.fixture
def lk_demo(lk_app):
    """The demo, already in the copied database."""
    return lk_app


class Staff:
    """A logged-in staff browser that fills the generated admin forms."""

    def __init__(self, browser, org="vodokanal"):
        self.browser = browser
        self.org = org

    def add_form(self, container="announcements"):
        return self.browser.get("/o/%s/%s/@@add" % (self.org, container)).forms["lkform"]

    def add_announcement(self, title="Плановые работы", body="Текст объявления", importance="normal",
                         target="all", buildings=(), streets=(), publish=None, expire=None, notify=False,
                         pinned=False, status=None):
        form = self.add_form()
        form["title"] = title
        form["body"] = body
        form["importance"] = importance
        form["target"] = target
        wanted = set(buildings) | set(streets)
        for i, box in enumerate(form.fields["checkbox"]):
            if box._value in wanted:  # the option's value (its building or street key)
                form.get("checkbox", index=i).checked = True
        if publish is not None:
            form.set("date", publish.strftime("%Y-%m-%d"), index=0)
            form.set("time", publish.strftime("%H:%M"), index=0)
        if expire is not None:
            form.set("date", expire.strftime("%Y-%m-%d"), index=1)
            form.set("time", expire.strftime("%H:%M"), index=1)
        form["notify_email"] = notify
        form["pinned"] = pinned
        return form.submit("save", status=status)


@pytest.fixture
def staff(demo_browser):
    demo_browser.login("admin.vodokanal")
    return Staff(demo_browser)


@pytest.fixture
def db(lk_demo):
    return DB(lk_demo)


def read_mails(settings):
    """The .eml files the outbox wrote: to, decoded subject, plain body, has html."""
    out = []
    for path in mail_files(settings):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f)
        text = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
        out.append({"to": msg["To"], "subject": str(make_header(decode_header(msg["Subject"]))),
                    "body": text.get_payload(decode=True).decode(text.get_content_charset()),
                    "html": any(p.get_content_type() == "text/html" for p in msg.walk())})
    return out
