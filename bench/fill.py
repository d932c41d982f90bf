"""Build (once) the benchmark database: one organisation with many accounts,
and whatever history the installed plugins can generate.

Plugins take part by offering a module ``<package>.synthetic`` with
``fill(organisation, accounts_folder, months, rng, commit)`` (call ``commit()``
every few thousand accounts) and ``PAGES``: ``[(title, path, who, target)]``
where ``who`` is "resident" or "staff" and ``target`` is "resident" (≥ 40 %
of hello, p99 < 100 ms) or "staff" (p99 < 300 ms). The bench imports them
directly: the bench may know the plugins, the core never does.

    python bench/fill.py [--accounts 100000] [--months 36] [--path bench/var/bench.fs]
"""
from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import time
from decimal import Decimal

import transaction

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ORG = "bench"
RESIDENT = "bench.resident"
STAFF = "bench.staff"
PASSWORD = "Bench-password-2026"
STREETS = ["Ленина", "Садовая", "Лесная", "Мира", "Гагарина", "Советская", "Школьная", "Заречная"]


def settings_for(path, exclude=()):
    return {
        "lk.plugins.exclude": " ".join(exclude),
        "here": os.path.join(REPO, "etc"),
        "zodbconn.uri": "file://%s?blobstorage_dir=%s&connection_cache_size=200000&connection_pool_size=32"
                        % (path, path + ".blobs"),
        "lk.themes_dir": os.path.join(REPO, "themes"),
        "lk.secret": "bench-secret-0123456789abcdef0123456789abcdef",
        "mail.mode": "files", "mail.directory": os.path.join(HERE, "var", "mail"),
        "retry.attempts": "3",
    }


def fill(path, accounts, months, resident_accounts=10, exclude=()):
    from lk_platform.app import make_app
    from lk_platform.model.accounts import Account
    from lk_platform.model.organisations import create_organisation, enable_plugin
    from lk_platform.model.platform import ROOT_KEY
    from lk_platform.model.users import create_user, grant_role, link_account

    app = make_app(settings_for(path, exclude))
    registry = app.registry
    db = registry.lk.database
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    platform = conn.root()[ROOT_KEY]
    if ORG in platform.organisations:
        print("database already filled: %s" % path)
        # A database filled by an older version gets its migrations (new
        # indexes) first, as an operator's `lk evolve` would.
        from lk_platform.model.evolve import run_pending
        run_pending(platform, registry, tm)
        conn.close()
        db.close()
        return
    rng = random.Random(2026)
    started = time.time()
    org = create_organisation(platform, registry, ORG, "Бенчмарк-ЖКХ", timezone="Europe/Moscow")
    for name in registry.lk.plugins.optional:
        enable_plugin(org, registry, name)
    resident = create_user(platform, RESIDENT, PASSWORD, name="Жилец для замеров")
    staff = create_user(platform, STAFF, PASSWORD, name="Сотрудник для замеров")
    grant_role(org, staff, "org_admin", registry)
    tm.commit()
    folder = org["accounts"]
    for i in range(accounts):
        number = "%08d" % (i + 1)
        account = Account(number=number, holder="Житель %d" % (i + 1), settlement="г. Бенчмарк",
                          street=rng.choice(STREETS), house=str(1 + i // 400), apartment=str(1 + i % 400),
                          area=Decimal(rng.randrange(2500, 12000)) / 100, residents=rng.randrange(1, 6))
        folder.add(account, number)
        if i < resident_accounts:
            link_account(resident, account)
        if i % 5000 == 4999:
            tm.commit()
            conn.cacheMinimize()
            print("  accounts: %d (%.0f s)" % (i + 1, time.time() - started), flush=True)
    tm.commit()
    for name in registry.lk.plugins.optional:
        dist = registry.lk.plugins.pm.get_plugin(name)
        package = getattr(dist, "__name__", "").split(".")[0]
        try:
            synthetic = importlib.import_module(package + ".synthetic")
        except ImportError:
            continue
        t = time.time()

        def commit():
            tm.commit()
            conn.cacheMinimize()

        synthetic.fill(org, folder, months, rng, commit)
        tm.commit()
        print("  %s: %.0f s" % (name, time.time() - t), flush=True)
    conn.close()
    db.close()
    print("filled %d accounts × %d months in %.0f s" % (accounts, months, time.time() - started))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--path", default=os.path.join(HERE, "var", "bench.fs"))
    args = parser.parse_args(argv)
    os.makedirs(os.path.dirname(args.path), exist_ok=True)
    fill(args.path, args.accounts, args.months)


if __name__ == "__main__":
    sys.exit(main())
