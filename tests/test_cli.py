"""The ``lk`` command against a temporary ini and FileStorage: each command,
its help, and clear non-zero exits on bad input."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from lk_platform.testing import REPO, close_app

LK = os.path.join(REPO, ".venv", "bin", "lk")
GOOD_PASSWORD = "Nadezhny-parol-2026"

EVOLVE_PLUGIN = '''
"""A throw-away plugin with one evolve step (test_cli.py)."""
from lk_platform import hookimpl
from lk_platform.plugins.declarations import EvolveStep, PluginInfo


def mark(platform, registry):
    for org in platform.organisations.values():
        org.footer = (org.footer or "") + " [evolved]"


@hookimpl
def lk_plugin_info():
    return PluginInfo(title="CLI test plugin", always_enabled=True)


@hookimpl
def lk_evolve_steps():
    return [EvolveStep("clitest.mark_footers", "Пометить подвалы", mark)]
'''


@pytest.fixture
def lk(tmp_path, monkeypatch, demo_template):
    """``lk(*args, stdin="")`` runs ``lk -c <temp ini> args`` in-process and
    returns ``(exit code, stdout, stderr)``; ``lk.demo()`` starts from a copy
    of a database ``lk demo`` made once for the module."""
    run = make_runner(tmp_path, monkeypatch)

    def demo():
        shutil.copytree(demo_template, run.var)

    run.demo = demo
    return run


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = make_runner(tmp_path_factory.mktemp("cli-demo"), monkeypatch)
        code, _out, err = run("demo")
        assert code == 0, err
    return run.var


def make_runner(tmp_path, monkeypatch):
    var = tmp_path / "var"

    def write_ini(name="lk.ini", extra=""):
        path = tmp_path / name
        path.write_text(textwrap.dedent("""\
            [app:main]
            use = egg:lk_platform
            zodbconn.uri = file://{var}/Data.fs?blobstorage_dir={var}/blobs
            lk.themes_dir = {repo}/themes
            lk.secret = cli-test-secret-0123456789abcdef0123456789
            mail.mode = files
            mail.directory = {var}/mail
            """).format(var=var, repo=REPO) + extra)
        return str(path)

    ini = write_ini()

    def run(*args, stdin="", config=None):
        from lk_platform.cli import main
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["-c", config or ini, *args])
            except SystemExit as exc:   # argparse: --help and usage errors
                code = exc.code
        return code, out.getvalue(), err.getvalue()

    run.ini = ini
    run.var = var
    run.write_ini = write_ini
    return run


@contextlib.contextmanager
def stored(lk):
    """The platform as the command left it (read-only)."""
    import ZODB
    from ZODB.FileStorage import FileStorage

    from lk_platform.model.platform import ROOT_KEY
    storage = FileStorage(str(lk.var / "Data.fs"), blob_dir=str(lk.var / "blobs"), read_only=True)
    db = ZODB.DB(storage)
    conn = db.open()
    try:
        yield conn.root()[ROOT_KEY]
    finally:
        conn.close()
        db.close()


def counts(platform):
    out = {"organisations": len(platform.organisations), "users": len(platform.users),
           "audit": len(platform.audit)}
    for org in platform.organisations.values():
        out["org:" + org.slug] = (tuple(org.enabled_plugins), dict(org.staff.items()), len(org.audit))
        for name in org.container_names():
            out["%s/%s" % (org.slug, name)] = len(org[name])
    for user in platform.users.values():
        out["user:" + user.login] = (user.accounts, user.staff_of, user.password_hash)
    return out


# --- help --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [None, "serve", "init", "demo", "plugins", "evolve", "prune", "user", "org"])
def test_help(lk, command):
    code, out, _err = lk(*([command] if command else []), "--help")
    assert code == 0
    assert out.startswith("usage: lk")
    if command is None:
        for name in ("serve", "init", "demo", "plugins", "evolve", "prune", "user", "org"):
            assert name in out
    elif command == "user":
        assert "--password-stdin" in out and "block" in out and "reset-password" in out
    elif command == "org":
        assert "--timezone" in out and "enable" in out


def test_unknown_command_and_missing_arguments_exit_non_zero(lk):
    code, _out, err = lk("explode")
    assert code == 2 and "invalid choice" in err
    code, _out, err = lk("user", "add")
    assert code == 2 and "login" in err
    code, _out, err = lk("org", "enable")
    assert code == 2 and "укажите slug организации" in err


def test_missing_config_is_a_clear_error(lk):
    code, _out, err = lk("init", config="/nonexistent/lk.ini")
    assert code == 2 and "настройки не найдены: /nonexistent/lk.ini" in err


# --- init, demo, plugins ---------------------------------------------------------------------

def test_init_creates_the_database(lk):
    code, out, _err = lk("init")
    assert code == 0 and "база готова: 0 организаций, 0 пользователей" in out
    assert (lk.var / "Data.fs").exists()
    code, out, _err = lk("init")   # again: nothing new
    assert code == 0 and "база готова: 0 организаций" in out


def test_demo_twice_changes_nothing(lk):
    code, out, _err = lk("demo")
    assert code == 0 and "демо-данные загружены" in out
    assert "ivanov" in out and "Demo-kabinet-2026" in out
    with stored(lk) as platform:
        first = counts(platform)
    assert first["organisations"] == 3 and first["users"] >= 7
    assert first["vodokanal/accounts"] == 3 and first["uk-dom/accounts"] == 2
    code, _out, _err = lk("demo")
    assert code == 0
    with stored(lk) as platform:
        assert counts(platform) == first


def test_plugins_lists_what_is_installed_and_where_it_is_on(lk):
    lk.demo()
    code, out, _err = lk("plugins")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "всегда" in lines["core"]
    from lk_platform.app import load_plugins
    optional = load_plugins().optional
    for name in optional:
        assert "uk-dom" in lines[name] and "vodokanal" in lines[name]
    lk("org", "disable", "vodokanal", optional[0])
    _code, out, _err = lk("plugins")
    line = [l for l in out.splitlines() if l.startswith(optional[0] + " ")][0]
    assert "vodokanal" not in line and "uk-dom" in line


# --- users -------------------------------------------------------------------------------------

def test_user_add_block_unblock_reset_grant(lk):
    lk.demo()
    code, out, err = lk("user", "add", "Sidorov", "--name", "Сидоров Пётр", "--email", "s@mail.example",
                        "--password-stdin", stdin=GOOD_PASSWORD + "\n")
    assert code == 0, err
    assert "пользователь sidorov создан" in out
    with stored(lk) as platform:
        user = platform.users["sidorov"]
        assert user.name == "Сидоров Пётр" and user.password_hash.startswith("$argon2id$")
        first_hash = user.password_hash
        entry = platform.audit.page(limit=1)[0]
        assert entry.action == "user.add" and entry.who.startswith("cli:")

    code, out, _err = lk("user", "block", "sidorov")
    assert code == 0 and "заблокирован" in out
    with stored(lk) as platform:
        assert platform.users["sidorov"].blocked
    code, out, _err = lk("user", "unblock", "sidorov")
    assert code == 0 and "разблокирован" in out
    with stored(lk) as platform:
        assert not platform.users["sidorov"].blocked

    code, out, _err = lk("user", "reset-password", "sidorov", "--password-stdin", stdin="Another-good-pass-1\n")
    assert code == 0 and "пароль изменён" in out
    with stored(lk) as platform:
        assert platform.users["sidorov"].password_hash != first_hash

    code, out, _err = lk("user", "grant", "sidorov", "vodokanal", "accounts_clerk")
    assert code == 0 and "sidorov в vodokanal: accounts_clerk" in out
    code, out, _err = lk("user", "grant", "sidorov", "vodokanal", "support")
    assert code == 0 and "accounts_clerk, support" in out
    code, out, _err = lk("user", "grant", "sidorov", "vodokanal", "support", "--revoke")
    assert code == 0
    with stored(lk) as platform:
        assert platform.organisations["vodokanal"].staff["sidorov"] == ("accounts_clerk",)
        assert platform.users["sidorov"].staff_of == ("vodokanal",)
        actions = [e.action for e in platform.organisations["vodokanal"].audit.page(limit=3)]
        assert actions == ["user.revoke", "user.grant", "user.grant"]


def test_user_login_works_after_cli_add(lk):
    """The user the command creates logs in through the web app."""
    lk.demo()
    lk("user", "add", "newcomer", "--password-stdin", stdin=GOOD_PASSWORD)
    from pyramid.paster import get_appsettings

    from lk_platform.app import make_app
    from lk_platform.testing import Browser
    app = make_app(dict(get_appsettings(lk.ini)))
    try:
        assert Browser(app).login("newcomer", GOOD_PASSWORD).status_int == 303
    finally:
        close_app(app)


@pytest.mark.parametrize("args, stdin, message", [
    (("user", "add", "ivanov", "--password-stdin"), GOOD_PASSWORD, "логин 'ivanov' уже занят"),
    (("user", "add", "IVANOV", "--password-stdin"), GOOD_PASSWORD, "логин 'IVANOV' уже занят"),
    (("user", "add", "newbie", "--password-stdin"), "short-pass1", "Пароль должен быть не короче 12 символов"),
    (("user", "add", "newbie", "--password-stdin"), "qwertyuiop123", "слишком распространён"),
    (("user", "add", "newbie", "--password-stdin"), "", "не короче 12"),
    (("user", "add", "newbie", "--password-stdin"), "x" * 129, "не длиннее 128"),
    (("user", "add", "bad login!", "--password-stdin"), GOOD_PASSWORD, "3–64 знака"),
    (("user", "add", "newbie", "--email", "not-an-address", "--password-stdin"), GOOD_PASSWORD,
     "Неверный адрес эл. почты"),
    (("user", "add", "newbie"), "", "нужен пароль: --password-stdin"),
    (("user", "block", "nobody"), "", "нет пользователя 'nobody'"),
    (("user", "reset-password", "ivanov", "--password-stdin"), "123456789012", "слишком распространён"),
    (("user", "grant", "ivanov", "nowhere", "support"), "", "нет организации 'nowhere'"),
    (("user", "grant", "ivanov", "vodokanal", "king"), "", "нет роли 'king'"),
    (("user", "grant", "ivanov"), "", "укажите организацию и роль"),
])
def test_user_bad_input(lk, args, stdin, message):
    lk.demo()
    with stored(lk) as platform:
        before = counts(platform)
    code, out, err = lk(*args, stdin=stdin)
    assert code == 2
    assert err.startswith("lk: ошибка: ") and message in err, err
    assert "${" not in err and "Traceback" not in err
    with stored(lk) as platform:
        assert counts(platform) == before


# --- organisations --------------------------------------------------------------------------------

def test_org_add_list_enable_disable(lk):
    lk("init")
    code, out, _err = lk("org", "add", "teplo", "--title", "Теплосеть", "--timezone", "Asia/Novosibirsk")
    assert code == 0 and "организация teplo создана" in out
    code, out, _err = lk("org", "add", "teplo-yug", "--title", "Теплосеть Юг", "--parent", "teplo")
    assert code == 0
    code, out, _err = lk("org", "list")
    assert code == 0 and "teplo " in out and "Теплосеть" in out and "teplo-yug" in out
    from lk_platform.app import load_plugins
    plugin = load_plugins().optional[0]
    code, out, _err = lk("org", "enable", "teplo", plugin)
    assert code == 0 and plugin in out
    with stored(lk) as platform:
        org = platform.organisations["teplo"]
        assert org.timezone == "Asia/Novosibirsk" and plugin in org.enabled_plugins
        assert platform.organisations["teplo-yug"].parent_organisation is org
        assert [e.action for e in org.audit.page(limit=2)] == ["org.enable", "org.add"]
    code, out, _err = lk("org", "disable", "teplo", plugin)
    assert code == 0
    with stored(lk) as platform:
        assert plugin not in platform.organisations["teplo"].enabled_plugins


@pytest.mark.parametrize("args, message", [
    (("org", "add", "teplo", "--timezone", "Mars/Olympus"), "неизвестный часовой пояс 'Mars/Olympus'"),
    (("org", "add", "teplo", "--timezone", "../../etc/passwd"), "неизвестный часовой пояс"),
    (("org", "add", "Bad Slug"), "slug: латинские строчные буквы"),
    (("org", "add", "vodokanal"), "организация 'vodokanal' уже есть"),
    (("org", "add", "teplo", "--parent", "nowhere"), "нет родительской организации 'nowhere'"),
    (("org", "enable", "nowhere", "faq"), "нет организации 'nowhere'"),
    (("org", "enable", "vodokanal", "no-such-plugin"), "нет такого модуля 'no-such-plugin'; установлены:"),
    (("org", "disable", "vodokanal", "no-such-plugin"), "нет такого модуля 'no-such-plugin'"),
    (("org", "enable", "vodokanal"), "укажите модуль"),
])
def test_org_bad_input(lk, args, message):
    lk.demo()
    with stored(lk) as platform:
        before = counts(platform)
    code, _out, err = lk(*args)
    assert code == 2
    assert err.startswith("lk: ошибка: ") and message in err, err
    with stored(lk) as platform:
        assert counts(platform) == before


# --- evolve --------------------------------------------------------------------------------------

def test_evolve_runs_a_plugins_pending_step_once(lk, tmp_path, monkeypatch):
    lk.demo()
    (tmp_path / "clitest_evolve.py").write_text(EVOLVE_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    ini = lk.write_ini("evolve.ini", "lk.plugins.extra = clitest = clitest_evolve\n")
    code, out, _err = lk("evolve", "--dry-run", config=ini)
    assert code == 0 and "ожидает: clitest.mark_footers — Пометить подвалы" in out
    with stored(lk) as platform:
        assert "[evolved]" not in platform.organisations["vodokanal"].footer
    code, out, _err = lk("evolve", config=ini)
    assert code == 0 and "выполнено: clitest.mark_footers" in out
    code, out, _err = lk("evolve", config=ini)
    assert code == 0 and "все шаги миграции выполнены" in out
    with stored(lk) as platform:
        assert platform.organisations["vodokanal"].footer.endswith(" [evolved]")
        assert platform.organisations["vodokanal"].footer.count("[evolved]") == 1
        assert "clitest.mark_footers" in platform.evolved


def test_evolve_with_nothing_pending(lk):
    lk("init")
    code, out, _err = lk("evolve")
    assert code == 0 and "все шаги миграции выполнены" in out


# --- the installed console script --------------------------------------------------------------------

def test_console_script(lk):
    result = subprocess.run([LK, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "usage: lk" in result.stdout
    result = subprocess.run([LK, "-c", lk.ini, "org", "add", "teplo", "--timezone", "Nowhere/City"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "lk: ошибка: неизвестный часовой пояс 'Nowhere/City'" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run([LK, "-c", lk.ini, "user", "add", "viaenv", "--password-stdin"],
                            input=GOOD_PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with stored(lk) as platform:
        assert "viaenv" in platform.users
