"""Helpers for the debt plugin's tests (the app, database and browser
fixtures come from ``lk_platform.testing`` through the root conftest)."""
from __future__ import annotations

import base64
import io
import re
from urllib.parse import urlencode

import pytest

from lk_debt.money import rub
from lk_platform.testing import DB, Browser, copy_demo, demo_from_copy, make_settings, running_app, settings_with_demo_copy

ACC1 = "/o/vodokanal/accounts/1000001/"     # ivanov's
ACC2 = "/o/vodokanal/accounts/1000002/"     # petrova's
UKDOM1 = "/o/uk-dom/accounts/2000001/"      # ivanov's at the other organisation


def url(base, name, **params):
    return base + name + ("?" + urlencode(params) if params else "")


class Debt:
    """Drives the plugin's pages as residents and staff; reads the database.
    (Test modules cannot import this conftest, so its helpers ride on the fixture.)"""
    ACC1, ACC2, UKDOM1 = ACC1, ACC2, UKDOM1

    def __init__(self, app):
        self.app = app
        self._browsers = {}

    def browser(self, login=None):
        if login not in self._browsers:
            browser = Browser(self.app)
            if login:
                browser.login(login)
            self._browsers[login] = browser
        return self._browsers[login]

    def db(self):
        return DB(self.app)

    def ledger(self, platform, org, number):
        return platform.organisations[org]["debt_ledgers"][number]

    def snapshot(self, org, number):
        """Everything stored about an account's ledger, to compare before/after."""
        with self.db() as platform:
            ledger = self.ledger(platform, org, number)
            return (ledger.opening_k, tuple(ledger._statements.items()), tuple(ledger._payments.items()),
                    ledger._names, ledger.rows, ledger.balance_k)

    def audit(self, org):
        with self.db() as platform:
            return platform.organisations[org].audit.page(limit=1000)

    url = staticmethod(lambda *a, **kw: url(*a, **kw))
    qr_images = staticmethod(lambda html: qr_images(html))
    decode_qr = staticmethod(lambda image: decode_qr(image))
    field_errors = staticmethod(lambda html: field_errors(html))
    rub = staticmethod(lambda k: rub(k))


# Tests that use the demo get a copy of the session's demo database (lk_platform.testing).
lk_settings = pytest.fixture(name="lk_settings")(settings_with_demo_copy)
lk_demo = pytest.fixture(name="lk_demo")(demo_from_copy)


@pytest.fixture
def debt(lk_demo):
    """A fresh demo app per test: for tests that change data."""
    return Debt(lk_demo)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, lk_demo_template):
    """One demo app for a whole module: for tests that only read."""
    base = tmp_path_factory.mktemp("debt")
    settings = make_settings(base)
    copy_demo(lk_demo_template, base / "var")
    with running_app(settings) as app:
        yield Debt(app)


def qr_images(html: str):
    """PIL images of every data-URI PNG in ``html``."""
    from PIL import Image
    return [Image.open(io.BytesIO(base64.b64decode(m)))
            for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def decode_qr(image):
    import zxingcpp
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "expected exactly one QR code"
    return found[0].bytes


def field_errors(html: str):
    """Texts of deform's error messages on a page."""
    return re.findall(r'class="[^"]*(?:invalid-feedback|help-block error|errorMsg)[^"]*"[^>]*>\s*([^<]+)', html)
