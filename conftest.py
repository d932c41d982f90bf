# Shared fixtures for the core's, the bundled plugins' and the example plugin's tests.
import datetime as dt

import pytest

pytest_plugins = ["lk_platform.testing"]


# -- running the suite on another day ------------------------------------------
# ``pytest --lk-today=2028-02-29T23:40:00+03:00`` (or LK_TODAY=... in the
# environment) moves the whole session's clock there with time-machine
# (tick=True: the clock still runs). Without it the tests run on the real date.
# ``pytest -m calendar`` selects the tests that depend on the date;
# tests/test_calendar_days.py reruns them on its list of awkward days.

#: What a date or a time without an offset means: the demo's first organisation's zone.
LK_TODAY_ZONE = "Europe/Moscow"


def parse_lk_today(text: str) -> dt.datetime:
    """``2028-02-29`` -> noon that day in Moscow; ``2028-02-29T23:40`` -> that
    time in Moscow; ``2028-02-29T23:40:00+03:00`` -> as given. The result has
    a fixed offset, so time-machine leaves the process's local zone alone."""
    from zoneinfo import ZoneInfo
    text = text.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError("--lk-today: %r is not an ISO date or date and time" % text)
    if len(text) == 10:  # a date alone
        moment = moment.replace(hour=12)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(LK_TODAY_ZONE))
    return moment.astimezone(dt.timezone(moment.utcoffset()))


def pytest_addoption(parser):
    import os
    parser.addoption("--lk-today", metavar="WHEN", default=os.environ.get("LK_TODAY") or None,
                     help="run the session as if it were WHEN: 2028-02-29 (noon in Moscow), "
                          "2028-02-29T23:40 (Moscow time) or 2028-02-29T23:40:00+03:00")


@pytest.hookimpl(trylast=True)  # after pytest's own tmp_path set-up
def pytest_configure(config):
    when = config.getoption("--lk-today")
    if not when:
        return
    import time_machine
    moment = parse_lk_today(when)
    # pytest's numbered temporary folders are made and their stale siblings
    # removed by the real clock: a clock years ahead would take every other
    # session's folder for abandoned.
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        factory.getbasetemp()
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)
    config._lk_today = moment


def pytest_report_header(config):
    moment = getattr(config, "_lk_today", None)
    if moment is not None:
        return "lk-today: the clock starts at %s" % moment.isoformat()
