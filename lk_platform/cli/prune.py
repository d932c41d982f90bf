"""``lk -c INI prune``: remove expired login sessions, password reset tokens
and throttle counts (every store in ``Platform.expiring_stores``).

Writes prune a few expired entries each as they go; this command, run from
cron (docs/deploy.md), catches the rest: stores nobody writes to for a while,
entries from before the expiry indexes, entries deleted behind the indexes'
back. Safe while the service runs (a conflict is retried).
"""
from __future__ import annotations

import transaction

from lk_platform.model import expiry
from lk_platform.model.platform import ROOT_KEY

HELP = "удалить истёкшие сеансы входа, токены и счётчики попыток (для cron)"
ATTEMPTS = 5


def cmd_prune(args, registry):
    tm = transaction.TransactionManager()
    conn = registry.lk.database.open(tm)
    try:
        for attempt in tm.attempts(ATTEMPTS):
            with attempt:
                removed = expiry.prune_all(conn.root()[ROOT_KEY])
    finally:
        conn.close()
    for name, count in removed.items():
        print("%s: удалено истёкших %d" % (name, count))
