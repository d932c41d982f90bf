"""Finding 12 of issue #9, kept fixed:

    **Unbounded stores**: login sessions, reset tokens (and the e-mail
    confirmation tokens that another engineer adds), and throttle entries
    (lk_platform/auth/throttle.py, lk_platform/model/sessions.py,
    platform.reset_tokens / platform.throttle) are never pruned; expired ones
    are removed — on write (amortised: prune a bounded number of expired
    entries whenever one is added, so it never costs a scan of everything)
    AND by a periodic command `lk -c INI prune`.

A year of daily logins, failed logins and reset requests (a travelling
clock, many distinct users and addresses) through the whole stack: every
store stays within what is alive in its lifetime plus a small constant, and
``lk prune`` removes what is left once everything has expired.
"""
from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from argon2 import PasswordHasher

from lk_platform.model import expiry, sessions
from lk_platform.model.sessions import LoginSession
from lk_platform.model.users import create_user
from lk_platform.testing import DB, REPO, Browser, close_app

START = datetime(2031, 1, 5, 8, 0, tzinfo=timezone.utc)
DAYS = 365
USERS = 60
PASSWORD = "Godovoy-propusk-2031"
SLACK = expiry.PRUNE_BATCH
STORES = ("login_sessions", "reset_tokens", "throttle")


@pytest.fixture
def cheap_passwords(monkeypatch):
    """argon2 at its cheapest: thousands of logins in seconds (the hashing
    is not what this test is about)."""
    from lk_platform.util import passwords
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY", hasher.hash("dummy"))


def ini_for(tmp_path, settings):
    path = tmp_path / "prune.ini"
    path.write_text(textwrap.dedent("""\
        [app:main]
        use = egg:lk_platform
        zodbconn.uri = {uri}
        lk.themes_dir = {repo}/themes
        lk.secret = {secret}
        mail.mode = files
        mail.directory = {mail}
        """).format(uri=settings["zodbconn.uri"], repo=REPO, secret=settings["lk.secret"],
                    mail=settings["mail.directory"]))
    return str(path)


def lk_prune(ini, capsys):
    from lk_platform.cli import main
    code = main(["-c", ini, "prune"])
    return code, capsys.readouterr().out


def sizes(platform):
    return {name: len(getattr(platform, name)) for name in STORES}


def test_a_year_of_logins_keeps_every_store_bounded_and_lk_prune_empties_the_rest(
        lk_settings, cheap_passwords, tmp_path, capsys):
    from lk_platform.app import make_app
    app = make_app(dict(lk_settings))
    closed = False
    try:
        with DB(app) as platform:
            for i in range(USERS):
                create_user(platform, "resident%03d" % i, PASSWORD, email="resident%03d@mail.example" % i)
        logins = []      # when each login session was started
        written = []     # when throttle entries were written (two per failure, two per reset request)
        resets = []      # when a reset token was stored
        with time_machine.travel(START, tick=True) as clock:
            for day in range(DAYS):
                now = START + timedelta(days=day)
                clock.move_to(now + timedelta(hours=1))
                for j in range(2):                              # residents log in, one logs out again
                    b = Browser(app, host="localhost")
                    assert b.login("resident%03d" % ((2 * day + j) % USERS), PASSWORD).status_int == 303
                    logins.append(now)
                    if j == 1:
                        b.post_csrf("/logout", {})
                        logins.pop()
                clock.move_to(now + timedelta(hours=13))
                stranger = Browser(app)
                token = stranger.csrf()
                for j in range(3):                              # failed logins from many addresses
                    address = "198.51.%d.%d" % (day % 250, j)
                    response = stranger.app.post("/login", {"login": "ghost%d-%d" % (day, j), "password": "x" * 12,
                                                            "csrf_token": token},
                                                 extra_environ={"REMOTE_ADDR": address}, expect_errors=True)
                    assert response.status_int == 401
                    written += [now, now]
                stranger.app.post("/forgot", {"login": "resident%03d" % (day % USERS), "csrf_token": token},
                                  extra_environ={"REMOTE_ADDR": "203.0.%d.%d" % (day % 250, day % 7)})
                written += [now, now]
                resets.append(now)
                with DB(app) as platform:
                    found = sizes(platform)
                    alive = {
                        "login_sessions": sum(1 for t in logins if now - t < timedelta(days=14)),
                        "reset_tokens": sum(1 for t in resets if now - t < timedelta(hours=1)),
                        "throttle": sum(1 for t in written if now - t < timedelta(hours=1)),
                    }
                    for name in STORES:
                        assert found[name] <= alive[name] + SLACK, (day, name, found, alive)
                        assert expiry.expired_count(platform, name) <= SLACK, (day, name)
                        assert len(platform.expiry[name]) <= found[name] + SLACK, (day, name)
            assert len(logins) == DAYS   # what an unpruned store would hold by now

            # A quiet month: nothing is written, so nothing is pruned on write ...
            clock.move_to(START + timedelta(days=DAYS + 30))
            with DB(app) as platform:
                assert sizes(platform)["login_sessions"] > 0
                assert expiry.expired_count(platform, "login_sessions") == sizes(platform)["login_sessions"]
            # ... then one login (alive), and the nightly lk prune removes the rest.
            assert Browser(app).login("resident000", PASSWORD).status_int == 303
            close_app(app)
            closed = True
            code, out = lk_prune(ini_for(tmp_path, lk_settings), capsys)
            assert code == 0 and "login_sessions: удалено истёкших" in out
        app = make_app(dict(lk_settings))
        closed = False
        with DB(app) as platform:
            assert sizes(platform) == {"login_sessions": 1, "reset_tokens": 0, "throttle": 0}
            assert {name: len(platform.expiry[name]) for name in STORES} == sizes(platform)
    finally:
        if not closed:
            close_app(app)


def test_lk_prune_indexes_entries_from_before_the_indexes(lk_app, lk_settings, tmp_path, capsys):
    """A database from before this fix: no expiry indexes, expired and live
    entries. ``lk prune`` removes the expired and indexes the live, so later
    writes prune them."""
    with time_machine.travel(START, tick=False):
        with DB(lk_app) as platform:
            platform.expiry = None
            old = START.timestamp() - sessions.LIFETIME - 10
            for i in range(30):
                platform.login_sessions["old%02d" % i] = LoginSession("someone", old)
                platform.reset_tokens["old%02d" % i] = ("someone", START.timestamp() - 5)
            platform.login_sessions["fresh"] = LoginSession("someone", START.timestamp())
        close_app(lk_app)
        code, out = lk_prune(ini_for(tmp_path, lk_settings), capsys)
        assert code == 0
        assert "login_sessions: удалено истёкших 30" in out and "reset_tokens: удалено истёкших 30" in out
        from lk_platform.app import make_app
        app = make_app(dict(lk_settings))
        try:
            with DB(app) as platform:
                assert list(platform.login_sessions) == ["fresh"]
                assert len(platform.reset_tokens) == 0
                assert list(platform.expiry["login_sessions"]) == [(START.timestamp() + sessions.LIFETIME, "fresh")]
        finally:
            close_app(app)


def test_each_write_prunes_at_most_a_batch_and_never_a_live_entry(lk_db):
    """Whatever random point pruning starts from, a write removes
    min(PRUNE_BATCH, expired) entries, only expired ones."""
    t = START.timestamp()
    with lk_db as platform:
        for i in range(20):
            expiry.put(platform, "reset_tokens", "old%02d" % i, ("someone", t - 100 + i), now=t - 200)
        for i in range(5):
            expiry.put(platform, "reset_tokens", "live%02d" % i, ("someone", t + 3600), now=t - 200)
        assert len(platform.reset_tokens) == 25
        left = []
        for i in range(4):
            expiry.put(platform, "reset_tokens", "new%02d" % i, ("someone", t + 3600), now=t)
            left.append(expiry.expired_count(platform, "reset_tokens", now=t))
        assert left == [12, 4, 0, 0]
        assert sorted(k for k in platform.reset_tokens if not k.startswith("old")) == \
            ["live00", "live01", "live02", "live03", "live04", "new00", "new01", "new02", "new03"]
        assert len(platform.expiry["reset_tokens"]) == 9
