"""The app on RelStorage over a real PostgreSQL, as in production: a
throwaway cluster (Debian's postgresql, run as a non-root user) in a
temporary folder; several app instances on one database, like several
waitress processes; concurrent edits of one object resolved by
pyramid_retry without an error reaching anyone."""
from __future__ import annotations

import configparser
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest

from lk_platform.testing import DB, REPO, Browser, close_app, make_settings

PG_USER = "lk"
PG_PASSWORD = "lk-test-password"


def find_pg_bin():
    """The folder holding initdb/pg_ctl: $LK_PG_BIN, Debian's newest, or PATH."""
    candidates = [os.environ.get("LK_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    found = shutil.which("initdb")
    candidates.append(os.path.dirname(found) if found else "")
    for folder in candidates:
        if folder and os.access(os.path.join(folder, "initdb"), os.X_OK):
            return folder
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of its own in a temporary folder. PostgreSQL
    refuses to run as root, so as root it runs as the ``postgres`` (or
    ``nobody``) user."""

    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.port = free_port()
        self.base = tempfile.mkdtemp(prefix="lk-pg-")  # not under pytest's root-only folder
        self.data = os.path.join(self.base, "data")
        self.sockets = os.path.join(self.base, "sock")
        self.run_as = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.run_as = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            os.chown(self.base, self.run_as.pw_uid, self.run_as.pw_gid)
        os.mkdir(self.sockets)
        if self.run_as:
            os.chown(self.sockets, self.run_as.pw_uid, self.run_as.pw_gid)
        self.databases = 0

    def _run(self, *args):
        cmd = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as.pw_name, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base)
        if result.returncode:
            log = os.path.join(self.base, "log")
            tail = open(log).read()[-2000:] if os.path.exists(log) else ""
            raise RuntimeError("%s failed: %s%s\n%s" % (args[0], result.stdout, result.stderr, tail))
        return result

    def start(self):
        pwfile = os.path.join(self.base, "pw")
        with open(pwfile, "w") as f:
            f.write(PG_PASSWORD)
        if self.run_as:
            os.chown(pwfile, self.run_as.pw_uid, self.run_as.pw_gid)
        # Password auth on TCP, as in production; fsync off: a throwaway cluster.
        self._run("initdb", "-D", self.data, "-U", PG_USER, "--pwfile", pwfile, "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
        options = ("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
                   % (self.port, self.sockets))
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.base, "log"), "-o", options, "-w",
                  "-t", "60", "start")

    def stop(self):
        try:
            if os.path.exists(os.path.join(self.data, "postmaster.pid")):
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def connect(self, dbname="postgres"):
        import psycopg2
        return psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=PG_PASSWORD,
                                dbname=dbname)

    def new_database(self):
        self.databases += 1
        name = "lk_test_%d" % self.databases
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE %s" % name)
        conn.close()
        return name

    def uri(self, dbname, blob_dir, **extra):
        """The zodbconn.uri of RelStorage's zodburi resolver (scheme ``postgres``)."""
        query = {"keep_history": "false", "blob_dir": blob_dir, "shared_blob_dir": "false",
                 "cache_local_mb": "16", **extra}
        return "postgres://%s:%s@127.0.0.1:%d/%s?%s" % (
            PG_USER, PG_PASSWORD, self.port, dbname, "&".join("%s=%s" % (k, quote(str(v), safe="/"))
                                                              for k, v in query.items()))


def production_settings():
    parser = configparser.ConfigParser(defaults={"here": os.path.join(REPO, "etc")})
    parser.read(os.path.join(REPO, "etc", "production.ini"))
    return dict(parser.items("app:main"))


def production_uri():
    return production_settings()["zodbconn.uri"]


#: production's answer to write conflicts (attempts, back-off), so the tests
#: below prove the configuration that is deployed
RETRY = {k: v for k, v in production_settings().items() if k.startswith(("retry.", "lk.retry_"))}


@pytest.fixture(scope="module")
def postgres():
    pytest.importorskip("relstorage", reason="RelStorage is not installed (pip install 'lk_platform[postgresql]')")
    pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install 'lk_platform[postgresql]')")
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb not found (Debian package 'postgresql'; run tests/sysdeps.sh as root, "
                    "or set LK_PG_BIN)")
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_apps(postgres, tmp_path):
    """``pg_apps(n)``: n app instances on one new database, each with its own
    blob cache (like n waitress processes, possibly on different machines)."""
    made = []
    dbname = postgres.new_database()

    def make(n=1):
        from lk_platform.app import make_app
        apps = []
        for _i in range(n):
            blobs = tmp_path / ("blobcache-%d" % len(made))
            settings = make_settings(tmp_path, **{"zodbconn.uri": postgres.uri(dbname, str(blobs)), **RETRY})
            apps.append(make_app(settings))
            made.append(apps[-1])
        return apps
    yield make
    for app in made:
        close_app(app)


def load_demo_into(app):
    from lk_platform.demo import load_demo
    with DB(app) as platform:
        load_demo(platform, app.registry)


def test_demo_loads_and_a_resident_logs_in(pg_apps):
    from relstorage.storage import RelStorage
    (app,) = pg_apps(1)
    storage = app.registry.lk.database.storage
    assert isinstance(storage, RelStorage) and storage.keep_history is False
    load_demo_into(app)
    load_demo_into(app)  # idempotent on this storage too
    resident = Browser(app)
    assert resident.login("ivanov").status_int == 303
    page = resident.get("/cabinet")
    assert "1000001" in page.text and "2000001" in page.text
    assert resident.get("/o/uk-dom/accounts/2000001/").status_int == 200
    assert resident.get("/o/vodokanal/accounts/1000002/", status=403)  # petrova's, not his
    assert resident.get("/health").json["storage"] == "ok"


def test_two_instances_see_each_others_commits(pg_apps):
    one, two = pg_apps(2)
    load_demo_into(one)
    # the second instance started before the demo existed, and sees it now
    with DB(two) as platform:
        assert platform.organisations["vodokanal"]["accounts"].get("1000003") is not None

    admin_one, admin_two = Browser(one), Browser(two)
    admin_one.login("admin.vodokanal")
    admin_two.login("admin.vodokanal")
    form = admin_one.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["holder"] = "Сидоров Пётр (с первого)"
    assert form.submit("save").status_int == 302
    assert "Сидоров Пётр (с первого)" in admin_two.get("/o/vodokanal/accounts/1000003/@@admin").text

    form = admin_two.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    form["number"] = "1000099"
    form["house"] = "9"
    assert form.submit("save").status_int == 302
    listing = admin_one.get("/o/vodokanal/accounts/@@admin", params={"q": "1000099"})
    assert "1000099" in listing.text
    # a session started on one instance is valid on the other (it lives in the database)
    cookie = admin_one.app.cookies["lk_session"]
    roaming = Browser(two)
    roaming.app.set_cookie("lk_session", cookie)
    assert roaming.get("/o/vodokanal/accounts/@@admin").status_int == 200
    # ... and logging out on one ends it on the other at once
    assert admin_one.post_csrf("/o/vodokanal/logout").status_int == 303
    assert "/login" in roaming.get("/o/vodokanal/accounts/@@admin", status=302).location


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND"
       b"\xaeB`\x82")


def test_a_logo_uploaded_on_one_instance_is_served_by_another(pg_apps):
    """Blobs live in PostgreSQL (shared_blob_dir=false); each instance keeps
    only a local cache, so instances may run on different machines."""
    from webtest import Upload
    one, two = pg_apps(2)
    load_demo_into(one)
    admin = Browser(one)
    admin.login("admin.vodokanal")
    form = admin.get("/o/vodokanal/@@settings").forms["lkform"]
    form["upload"] = Upload("logo.png", PNG, "image/png")
    assert form.submit("save").status_int == 302
    logo = Browser(two).get("/o/vodokanal/@@logo")
    assert logo.content_type == "image/png" and logo.body == PNG


def edit_concurrently(apps, account_url, per_thread=20, threads=2):
    """``threads`` admins, each on its own app instance, each saving the
    account's holder ``per_thread`` times through the generated edit form."""
    start = threading.Barrier(threads)
    results = {i: [] for i in range(threads)}
    errors = []

    def worker(i):
        try:
            admin = Browser(apps[i % len(apps)])
            admin.login("admin.vodokanal")
            form = admin.get(account_url + "@@edit").forms["lkform"]
            start.wait()
            for n in range(per_thread):
                form["holder"] = "Поток %d, запись %02d" % (i, n)
                response = form.submit("save", expect_errors=True)
                results[i].append(response.status_int)
        except Exception as exc:  # reported by the test, not lost in a thread
            errors.append((i, len(results[i]), repr(exc)))
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    return results, errors


@pytest.mark.parametrize("instances", [2, 1], ids=["two-instances", "threads-of-one-instance"])
def test_concurrent_edits_of_one_object_are_retried_not_lost(pg_apps, instances):
    """2 admins × 20 saves of one account's holder through the generated edit
    form, at the same time: on two app instances (two waitress processes) or
    in two threads of one. Conflicts are retried by pyramid_retry (with
    back-off): every save answers 302, each is audited once, none is lost."""
    from pyramid_retry import IBeforeRetry
    apps = pg_apps(instances)
    load_demo_into(apps[0])
    retries = []
    for app in apps:
        app.registry.registerHandler(lambda event: retries.append(type(event.exception).__name__), (IBeforeRetry,))
    with DB(apps[0]) as platform:
        audit_before = len(platform.organisations["vodokanal"].audit)

    started = time.perf_counter()
    results, errors = edit_concurrently(apps, "/o/vodokanal/accounts/1000003/")
    elapsed = time.perf_counter() - started
    assert not errors, errors
    statuses = results[0] + results[1]
    assert len(statuses) == 40 and statuses.count(302) == 40, statuses

    with DB(apps[-1]) as platform:
        org = platform.organisations["vodokanal"]
        account = org["accounts"]["1000003"]
        # the last save of whichever admin saved last
        assert account.holder in ("Поток 0, запись 19", "Поток 1, запись 19")
        assert len(org.audit) - audit_before == 40
        entries = [e for e in org.audit.page(limit=1000, action="edit:account")
                   if e.target.endswith("/accounts/1000003")]
        news = [dict((f, n) for f, _o, n in e.changes)["holder"] for e in entries]
        assert sorted(news) == sorted("Поток %d, запись %02d" % (i, n) for i in range(2) for n in range(20))
        # each admin's saves were recorded in the order they were made (the log is newest first)
        for i in range(2):
            own = [v for v in reversed(news) if v.startswith("Поток %d" % i)]
            assert own == ["Поток %d, запись %02d" % (i, n) for n in range(20)]
        # the catalog followed the object: searching finds the final holder only
        total, found = org["accounts"].query(search=account.holder)
        assert [a.number for a in found] == ["1000003"]
    print("\n40 concurrent edits on %d instance(s) in %.1fs, %d retries (%s)" % (
        instances, elapsed, len(retries), ", ".join(sorted(set(retries)))))


def test_production_uri_shape():
    """etc/production.ini's zodbconn.uri resolves through zodburi to
    RelStorage's PostgreSQL resolver (without connecting), names every part
    of the connection (RelStorage turns a missing one into the string
    'None') and asks for the documented options."""
    import zodburi
    uri = production_uri()
    factory, dbkw = zodburi.resolve_uri(uri)  # unknown options would raise here
    assert callable(factory) and dbkw["cache_size"] >= 10000
    parts = urlsplit(uri)
    assert parts.scheme == "postgres"
    assert parts.username and parts.password and parts.hostname and parts.port and parts.path.strip("/")
    options = dict(parse_qsl(parts.query))
    assert options["keep_history"] == "false" and options["shared_blob_dir"] == "false"
    assert options["blob_dir"].startswith("/")


def test_production_uri_options_work_on_postgres(postgres, tmp_path):
    """The production URI with only the server, database and blob cache
    swapped for the test cluster's opens the app on a real PostgreSQL."""
    from lk_platform.app import make_app
    parts = urlsplit(production_uri())
    options = dict(parse_qsl(parts.query), blob_dir=str(tmp_path / "blobs"))
    uri = "postgres://%s:%s@127.0.0.1:%d/%s?%s" % (PG_USER, PG_PASSWORD, postgres.port, postgres.new_database(),
                                                   urlencode(options))
    app = make_app(make_settings(tmp_path, **{"zodbconn.uri": uri}))
    try:
        db = app.registry.lk.database
        assert db.getCacheSize() == int(options["connection_cache_size"])
        assert Browser(app).get("/health").json["storage"] == "ok"
    finally:
        db.close()
