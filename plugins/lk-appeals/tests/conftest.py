"""Helpers for the appeals plugin's tests (the app, database and browser
fixtures come from ``lk_platform.testing`` through the root conftest)."""
from __future__ import annotations

import email
import email.policy
import io
import re

import pytest

from lk_platform.testing import DB, Browser, demo_from_copy, mail_files, settings_with_demo_copy


def make_jpeg(width=32, height=24, color=(200, 80, 40)) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "JPEG", quality=80)
    return buf.getvalue()


class Appeals:
    """Drives the plugin's pages as a resident and as staff."""

    def __init__(self, app, settings):
        self.app = app
        self.settings = settings
        self._browsers = {}

    def browser(self, login):
        if login not in self._browsers:
            browser = Browser(self.app)
            browser.login(login)
            self._browsers[login] = browser
        return self._browsers[login]

    def db(self):
        return DB(self.app)

    def category_id(self, org="vodokanal", prefix="Ремонт"):
        with self.db() as platform:
            folder = platform.organisations[org]["appeal_categories"]
            return next(c.__name__ for c in folder.values() if c.title.startswith(prefix))

    def open(self, login="ivanov", org_path="/o/vodokanal", account="1000001", subject="Течёт кран на кухне",
             text="Из смесителя на кухне капает вода уже неделю.", files=(), category=None, status=302,
             org="vodokanal"):
        """Post the new-appeal form; returns the response."""
        params = {"account": account or "", "subject": subject, "text": text,
                  "category": category if category is not None else self.category_id(org)}
        return self.post(login, org_path + "/appeals/@@new", params, files=files, status=status)

    def post(self, login, url, params=None, files=(), status=302):
        browser = self.browser(login)
        data = dict(params or {})
        data["csrf_token"] = browser.csrf()
        return browser.app.post(url, data, upload_files=[("files",) + tuple(f) for f in files] or None,
                                status=status)

    def appeal(self, number, org="vodokanal"):
        """A snapshot read of the stored appeal (in a closed connection: read attributes only)."""
        with self.db() as platform:
            appeal = platform.organisations[org]["appeals"][str(number)]
            messages = [(m.author, m.text, m.staff, m.internal, len(m.attachments)) for m in appeal.messages(True)]
            return {"status": appeal.status, "messages": messages, "history": list(appeal.history),
                    "assignee": appeal.assignee, "assignee_role": appeal.assignee_role,
                    "first_answer_at": appeal.first_answer_at, "rating": appeal.rating,
                    "attachments": len(appeal._attachments), "deadline": appeal.deadline}

    def count(self, org="vodokanal"):
        with self.db() as platform:
            return len(platform.organisations[org]["appeals"])

    def mails(self):
        out = []
        for path in mail_files(self.settings):
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            out.append({"to": msg["To"], "subject": msg["Subject"], "body": msg.get_body().get_content()})
        return out


# Tests that use the demo get a copy of the session's demo database (lk_platform.testing).
lk_settings = pytest.fixture(name="lk_settings")(settings_with_demo_copy)
lk_demo = pytest.fixture(name="lk_demo")(demo_from_copy)


@pytest.fixture
def appeals(lk_demo, lk_settings):
    return Appeals(lk_demo, lk_settings)


@pytest.fixture
def jpeg():
    return make_jpeg()


def number_from(response) -> str:
    match = re.search(r"/appeals/(\d+)/", response.location)
    return match.group(1)


@pytest.fixture
def new_number():
    return number_from
