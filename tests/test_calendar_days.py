"""The tests that depend on the date (marked ``calendar``) hold on any day:
each awkward day below reruns them in a pytest of its own whose clock starts
there (``--lk-today``, time-machine in the root conftest).

Two days run at a time. Only the marked tests of the files this session
collected are rerun (all of them when it collected none, e.g. when this
file runs alone). Skipped under ``--lk-today`` itself; deselect it with
``-k "not calendar_days"`` for a quick local run.

To run one day by hand: ``python -m pytest -m calendar --lk-today=2028-02-29T23:40``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: (what is awkward about it, --lk-today). A date alone is noon in Moscow.
DAYS = [
    ("the 1st of a month just after midnight in Moscow, still the 28th in UTC (Monday)", "2027-03-01T00:10"),
    ("the 15th (Tuesday)", "2027-06-15"),
    ("the last day of a month (Sunday)", "2027-10-31"),
    ("31 December (Friday)", "2027-12-31"),
    ("1 January: a holiday, a new year (Saturday)", "2028-01-01"),
    ("29 February (Tuesday)", "2028-02-29"),
    ("29 February 23:40 in Moscow: 1 March in Yekaterinburg", "2028-02-29T23:40:00+03:00"),
    ("inside uk-dom's readings window, its last day (the 25th)", "2027-03-25"),
    ("outside uk-dom's readings window, the day after it closed", "2027-03-26"),
]

#: Concurrent pytest processes: the machine has two cores.
WORKERS = 2
#: One day's run may not take longer than this (seconds).
TIMEOUT = 600


def _targets(session) -> list[str]:
    """Files of the marked tests this session collected, relative to the repository."""
    files = sorted({item.path for item in session.items if item.get_closest_marker("calendar") is not None})
    return [os.path.relpath(str(f), REPO) for f in files]


class _Runs:
    """The selected days' runs, started together the first time one is asked for."""

    def __init__(self, targets, base, days):
        self.targets = targets
        self.base = base
        self.days = days
        self.lock = threading.Lock()
        self.futures = None

    def _run(self, index, when):
        log = self.base / ("day-%d.log" % index)
        command = [sys.executable, "-m", "pytest", "-q", "-m", "calendar",
                   "--lk-today=" + when, "--basetemp", str(self.base / ("tmp-%d" % index)), *self.targets]
        env = {k: v for k, v in os.environ.items() if k != "LK_TODAY"}
        started = time.monotonic()
        with open(log, "wb") as out:
            try:
                code = subprocess.run(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                      timeout=TIMEOUT).returncode
            except subprocess.TimeoutExpired:
                code = "timeout after %d s" % TIMEOUT
        return code, time.monotonic() - started, log.read_text(errors="replace"), log

    def result(self, index):
        with self.lock:
            if self.futures is None:
                pool = ThreadPoolExecutor(max_workers=WORKERS)
                self.futures = {i: pool.submit(self._run, i, DAYS[i][1]) for i in self.days}
                pool.shutdown(wait=False)
        return self.futures[index].result()


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    if request.config.getoption("--lk-today"):
        pytest.skip("already running on another day")
    days = sorted({item.callspec.params["index"] for item in request.session.items
                   if getattr(item, "originalname", "") == "test_date_dependent_tests_pass_on"})
    return _Runs(_targets(request.session), tmp_path_factory.mktemp("calendar-days"), days)


@pytest.mark.parametrize("index", range(len(DAYS)), ids=[when for _label, when in DAYS])
def test_date_dependent_tests_pass_on(runs, index):
    label, when = DAYS[index]
    code, seconds, output, log = runs.result(index)
    lines = output.splitlines()
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    errors = [line for line in lines if line.startswith("E ")][:40]
    assert code == 0, "on %s, %s (%.0f s), exit %s:\n%s\n%s\n%s\n(the whole run: %s)" % (
        when, label, seconds, code, "\n".join(failed), "\n".join(errors), lines[-1] if lines else "", log)
    assert re.search(r"\b\d+ passed\b", output), "\n".join(lines[-20:])
