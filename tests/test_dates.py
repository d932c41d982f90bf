"""Today and midnight are the organisation's, whatever the machine's zone:
pinned with time-machine to 29 February 2028, 23:40 in Moscow, which is
already 1 March in Yekaterinburg."""
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from lk_platform.caching.pagecache import next_midnight
from lk_platform.util.dates import format_datetime, org_today, utcnow

pytestmark = pytest.mark.calendar

MOSCOW = SimpleNamespace(tz=ZoneInfo("Europe/Moscow"))
YEKATERINBURG = SimpleNamespace(tz=ZoneInfo("Asia/Yekaterinburg"))
LATE = dt.datetime(2028, 2, 29, 23, 40, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.fixture
def late(time_machine):
    time_machine.move_to(LATE, tick=False)


def test_today_is_each_organisations_own(late):
    assert utcnow() == LATE
    assert org_today(MOSCOW) == dt.date(2028, 2, 29)
    assert org_today(YEKATERINBURG) == dt.date(2028, 3, 1)
    assert org_today(None) == dt.date(2028, 2, 29)          # the default zone is Moscow's
    assert format_datetime(utcnow(), YEKATERINBURG) == "01.03.2028 01:40"


def test_cached_pages_expire_at_each_organisations_next_midnight(late):
    assert next_midnight(MOSCOW) == dt.datetime(2028, 3, 1, tzinfo=MOSCOW.tz).timestamp()
    assert next_midnight(YEKATERINBURG) == dt.datetime(2028, 3, 2, tzinfo=YEKATERINBURG.tz).timestamp()
