"""Finding 8 of issue #9, kept fixed:

    **`/forgot` reveals which logins exist by timing** (about 5 ms against
    2 ms) and one address can mail-flood every user.

/forgot now does the same work whatever was typed — the user lookup, the
throttle counts, a token made and digested, the message rendered and handed
to the outbox (which drops it when no mail may go) — and answers the same
page. Mails are limited per target login and per client address.
"""
from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from lk_platform.auth import throttle
from lk_platform.auth import views as auth_views
from lk_platform.i18n import COOKIE
from lk_platform.model.users import create_user
from lk_platform.testing import DB, Browser, mail_files

START = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def lk_demo(lk_demo_copy):
    return lk_demo_copy


class Client:
    """One session (one CSRF token) posting /forgot from a given address."""

    def __init__(self, app, address="10.0.0.1", language=None):
        self.b = Browser(app)
        if language:
            self.b.app.set_cookie(COOKIE, language)
        self.address = address
        self.token = self.b.csrf()

    def forgot(self, login, address=None):
        return self.b.app.post("/forgot", {"login": login, "csrf_token": self.token},
                               extra_environ={"REMOTE_ADDR": address or self.address})


def page(response):
    return response.status, response.text


def test_existing_and_unknown_logins_get_the_same_page(lk_demo, lk_settings):
    c = Client(lk_demo)
    answers = {value: page(c.forgot(value)) for value in
               ("petrova", "nobody-at-all", "petrova@mail.example", "nobody@mail.example", "", "x" * 5000)}
    assert len(set(answers.values())) == 1
    assert answers["petrova"][0] == "200 OK"
    assert len(mail_files(lk_settings)) == 2   # petrova, by login and by address


def test_the_same_functions_run_for_existing_and_unknown_logins(lk_demo, lk_settings, monkeypatch):
    """Structural: the token, its digest, the throttle count, the rendered
    message and the hand-over to the outbox happen exactly once either way."""
    calls = {}

    def counting(name, function):
        def wrapper(*args, **kw):
            calls[name] = calls.get(name, 0) + 1
            return function(*args, **kw)
        return wrapper

    import secrets
    monkeypatch.setattr(secrets, "token_urlsafe", counting("token", secrets.token_urlsafe))
    for name in ("_find_user", "_digest", "_reset_message", "send_mail"):
        monkeypatch.setattr(auth_views, name, counting(name, getattr(auth_views, name)))
    monkeypatch.setattr(throttle, "allow_reset_mail", counting("throttle", throttle.allow_reset_mail))
    c = Client(lk_demo)
    seen = {}
    for value in ("petrova", "nobody-at-all", "petrova@mail.example", "nobody@mail.example", "ivanov"):
        calls.clear()
        c.forgot(value)
        seen[value] = dict(calls)
    expected = {"token": 1, "_find_user": 1, "_digest": 1, "_reset_message": 1, "send_mail": 1, "throttle": 1}
    assert all(found == expected for found in seen.values()), seen
    assert len(mail_files(lk_settings)) == 3


def test_existing_and_unknown_logins_take_about_as_long(lk_demo, lk_settings):
    """Medians of 30 interleaved requests each, every one for another login
    and from another address (so no limit is reached and each existing login
    really gets its mail); generous bounds (the structural test above is the
    exact one)."""
    with DB(lk_demo) as platform:
        for i in range(33):
            create_user(platform, "resident%02d" % i, email="resident%02d@mail.example" % i)
    c = Client(lk_demo)
    known, unknown = [], []
    for i in range(33):
        for value, times in (("resident%02d" % i, known), ("nobody%02d" % i, unknown)):
            started = time.perf_counter()
            c.forgot(value, address="10.2.%d.%d" % (len(times), i))
            times.append(time.perf_counter() - started)
    known, unknown = known[3:], unknown[3:]   # the first ones warm up templates and caches
    k, u = statistics.median(known), statistics.median(unknown)
    assert u >= 0.6 * k and k >= 0.6 * u, "known %.2f ms, unknown %.2f ms" % (k * 1000, u * 1000)
    assert len(mail_files(lk_settings)) == 33


def test_one_target_gets_at_most_n_mails_an_hour(lk_demo, lk_settings):
    n = throttle.RESET_MAILS_PER_LOGIN
    with time_machine.travel(START, tick=True) as clock:
        c = Client(lk_demo)
        answers = {page(c.forgot("petrova", address="10.1.0.%d" % i)) for i in range(n + 2)}
        assert len(mail_files(lk_settings)) == n, "the (N+1)th request within the hour sends no mail"
        assert answers == {page(c.forgot("nobody-at-all", address="10.1.1.1"))}   # the same neutral page
        clock.shift(timedelta(minutes=61))
        c = Client(lk_demo)
        c.forgot("petrova", address="10.1.2.1")
        assert len(mail_files(lk_settings)) == n + 1   # a new hour


def test_one_address_reaches_at_most_m_targets_an_hour(lk_demo, lk_settings):
    m = throttle.RESET_REQUESTS_PER_ADDRESS
    with DB(lk_demo) as platform:
        for i in range(m + 3):
            create_user(platform, "resident%02d" % i, email="resident%02d@mail.example" % i)
    with time_machine.travel(START, tick=True) as clock:
        c = Client(lk_demo, address="203.0.113.7")
        answers = {page(c.forgot("resident%02d" % i)) for i in range(m + 3)}
        assert len(mail_files(lk_settings)) == m
        assert len(answers) == 1
        # another address is not affected
        Client(lk_demo, address="203.0.113.8").forgot("resident%02d" % (m + 2))
        assert len(mail_files(lk_settings)) == m + 1
        clock.shift(timedelta(minutes=61))
        Client(lk_demo, address="203.0.113.7").forgot("resident%02d" % (m + 1))
        assert len(mail_files(lk_settings)) == m + 2


def test_the_refused_answer_is_the_neutral_page_in_the_users_language(lk_demo, lk_settings):
    m = throttle.RESET_REQUESTS_PER_ADDRESS
    with time_machine.travel(START, tick=True):
        c = Client(lk_demo, address="203.0.113.9", language="en")
        first = c.forgot("petrova")
        for _ in range(m + 1):
            last = c.forgot("petrova")
        assert page(last) == page(first)
        assert "If such an account exists" in last.text
        assert len(mail_files(lk_settings)) == throttle.RESET_MAILS_PER_LOGIN
