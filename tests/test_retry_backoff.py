"""The pause before a retried request (lk_platform/web/retry.py): it grows with
each attempt up to a ceiling and is never the same for two losers."""
import pytest

from lk_platform.testing import close_app
from lk_platform.web.retry import pause_seconds


@pytest.mark.parametrize("attempt, low, high", [(0, 0.025, 0.05), (1, 0.05, 0.1), (3, 0.2, 0.4),
                                                (5, 0.75, 1.5), (20, 0.75, 1.5)])
def test_pause_grows_to_a_ceiling(attempt, low, high):
    assert pause_seconds(attempt, 50, 1500, rand=lambda: 0.0) == pytest.approx(low)
    assert pause_seconds(attempt, 50, 1500, rand=lambda: 1.0) == pytest.approx(high)


def test_pauses_are_jittered():
    pauses = {pause_seconds(2, 50, 1500) for _ in range(20)}
    assert len(pauses) > 10 and all(0.1 <= p <= 0.2 for p in pauses)


def test_the_app_pauses_before_a_retry(tmp_path):
    """make_app subscribes the back-off to pyramid_retry's BeforeRetry and
    reads its settings."""
    import time

    from pyramid.request import Request
    from pyramid_retry import BeforeRetry

    from lk_platform.app import make_app
    from lk_platform.testing import make_settings
    app = make_app(make_settings(tmp_path, **{"lk.retry_backoff_ms": "200", "lk.retry_backoff_max_ms": "300"}))
    try:
        request = Request.blank("/", environ={"retry.attempt": 1})
        request.registry = app.registry
        started = time.perf_counter()
        app.registry.notify(BeforeRetry(request, Exception("conflict")))
        assert 0.15 <= time.perf_counter() - started < 1.0  # step min(300, 200·2) = 300 ms: 150–300 ms
    finally:
        close_app(app)
