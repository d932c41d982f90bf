"""``lk``: the operator's command line. Every command takes ``-c INI``."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import warnings
from contextlib import contextmanager

import transaction

# Pyramid and deform still import pkg_resources (setuptools<81 keeps it); its
# deprecation notice says nothing an operator can act on.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

from lk_platform.cli.prune import HELP as PRUNE_HELP  # noqa: E402  (after the filter: imports Pyramid)
from lk_platform.cli.prune import cmd_prune  # noqa: E402

DEFAULT_INI = "etc/development.ini"


class CommandError(Exception):
    pass


def _load(ini):
    from pyramid.paster import get_appsettings, setup_logging
    if not os.path.isfile(ini):
        raise CommandError("настройки не найдены: %s (укажите -c путь/к/файлу.ini)" % ini)
    setup_logging(ini)
    settings = dict(get_appsettings(ini))
    from lk_platform.app import make_app
    app = make_app(settings)
    return app, app.registry


@contextmanager
def _platform(registry):
    """A connection to the database with the platform, committed on success."""
    db = registry.lk.database
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    tm.begin()
    try:
        from lk_platform.model.platform import ROOT_KEY
        yield conn.root()[ROOT_KEY]
        tm.commit()
    except BaseException:
        tm.abort()
        raise
    finally:
        conn.close()


def _request(registry, platform, actor=None):
    """A request for code that audits or sends mail outside HTTP: links from
    ``lk.public_url``, the platform's transaction as ``request.tm``."""
    from pyramid.request import Request
    request = Request.blank("/", base_url=registry.settings.get("lk.public_url", "http://127.0.0.1:6543"))
    request.registry = registry
    request.tm = platform._p_jar.transaction_manager
    request._lk_platform = platform
    request.environ["lk.identity"] = None
    if actor:
        request.environ["lk.actor"] = actor
    return request


def plugin_commands(plugins) -> dict:
    """``{plugin: {name: Command}}`` from the ``lk_commands`` hook."""
    found = {}
    for plugin, batch in plugins.per_plugin("lk_commands"):
        found[plugin] = {command.name: command for command in batch}
    return found


def cmd_plugin(args, registry):
    command = plugin_commands(registry.lk.plugins)[args.command][args.plugin_command]
    with _platform(registry) as platform:
        status = command.run(args, platform, _request(registry, platform, actor="lk " + args.command))
    if status:
        raise SystemExit(status)


def _print_logins():
    from lk_platform.demo import LOGINS
    print("\nДемо-входы (пароль у всех один):")
    for login, password, name in LOGINS:
        print("  %-18s %-20s %s" % (login, password, name))


# --- commands ---------------------------------------------------------------

def cmd_init(args, registry):
    with _platform(registry) as platform:
        print("база готова: %d организаций, %d пользователей" % (len(platform.organisations), len(platform.users)))


def cmd_demo(args, registry):
    from lk_platform.demo import load_demo
    with _platform(registry) as platform:
        load_demo(platform, registry)
    print("демо-данные загружены")
    _print_logins()


def cmd_serve(args, registry, app=None):
    """waitress with the ini's ``[server:main]`` (``lk_platform/cli/serve.py``)."""
    from pyramid.settings import asbool
    from waitress import serve

    from lk_platform.cli.serve import addresses, body_limit_warning, server_options
    try:
        options = server_options(args.config, registry.settings, host=args.host, port=args.port, threads=args.threads)
    except ValueError as exc:
        raise CommandError(str(exc))
    warning = body_limit_warning(options, registry.settings)
    if warning:
        print("lk: внимание: %s" % warning, file=sys.stderr)
    if asbool(registry.settings.get("lk.demo", False)) and not args.no_demo:
        from lk_platform.demo import load_demo
        with _platform(registry) as platform:
            load_demo(platform, registry)
        _print_logins()
    where = "  ".join("http://%s/" % address for address in addresses(options))
    print("\nСлужба: %s  (Ctrl+C — остановить)" % where, flush=True)
    serve(app, **options)


def cmd_plugins(args, registry):
    plugins = registry.lk.plugins
    with _platform(registry) as platform:
        enabled = {}
        for org in platform.organisations.values():
            for name in org.enabled_plugins:
                enabled.setdefault(name, []).append(org.slug)
    from pyramid.i18n import Localizer
    for name in plugins.names:
        info = plugins.info[name]
        where = "всегда" if info.always_enabled else (", ".join(sorted(enabled.get(name, []))) or "—")
        print("%-16s %-10s %-45s %s" % (name, info.version or "-", str(info.title)[:45], where))
    for name in sorted(set(enabled) - set(plugins.names)):
        print("%-16s %-10s %-45s %s" % (name, "-", "НЕ УСТАНОВЛЕН (данные сохранены)", ", ".join(enabled[name])))
    del Localizer


def _read_password(args):
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        first = getpass.getpass("Пароль: ")
        if first != getpass.getpass("Повторите: "):
            raise CommandError("пароли не совпадают")
        return first
    raise CommandError("нужен пароль: --password-stdin или интерактивный ввод")


def _user(platform, login):
    from lk_platform.model.users import normalise_login
    user = platform.users.get(normalise_login(login))
    if user is None:
        raise CommandError("нет пользователя %r" % login)
    return user


def _org(platform, slug):
    org = platform.organisations.get(slug)
    if org is None:
        raise CommandError("нет организации %r" % slug)
    return org


def _audit(registry, platform, action, target, changes=None, org=None):
    from lk_platform.model.audit import audit
    request = _request(registry, platform)
    request.environ["lk.actor"] = "cli:" + getpass.getuser()
    audit(request, action, target, changes, organisation=org)


def _check_new_user(args):
    """The same rules as the staff form (lk_platform.model.users.UserSchema)."""
    import colander

    from lk_platform.model.users import UserSchema
    values = {"login": args.login, "name": args.name or "", "email": args.email or ""}
    try:
        UserSchema().deserialize(values)
    except colander.Invalid as exc:
        problems = ["%s: %s" % (k, v.interpolate() if hasattr(v, "interpolate") else v)
                    for k, v in exc.asdict().items()]
        raise CommandError("данные не приняты: %s" % "; ".join(problems))


def cmd_user(args, registry):
    from lk_platform.model.users import PasswordRejected, create_user, grant_role, set_blocked, set_password
    from lk_platform.util.passwords import password_problems
    with _platform(registry) as platform:
        if args.action == "add":
            _check_new_user(args)
            password = _read_password(args)
            try:
                user = create_user(platform, args.login, password, name=args.name or "", email=args.email or "",
                                   is_operator=args.operator)
            except KeyError:
                raise CommandError("логин %r уже занят" % args.login)
            except PasswordRejected as exc:
                raise CommandError("пароль не принят: %s" % exc)
            _audit(registry, platform, "user.add", user)
            print("пользователь %s создан" % user.login)
            return
        user = _user(platform, args.login)
        if args.action in ("block", "unblock"):
            set_blocked(platform, user, args.action == "block")
            _audit(registry, platform, "user." + args.action, user)
            print("%s: %s" % (user.login, "заблокирован" if user.blocked else "разблокирован"))
        elif args.action == "reset-password":
            password = _read_password(args)
            problems = password_problems(password, user.login)
            if problems:
                raise CommandError("пароль не принят: %s" % "; ".join(p.interpolate() for p in problems))
            try:
                set_password(platform, user, password)
            except PasswordRejected as exc:
                raise CommandError("пароль не принят: %s" % exc)
            _audit(registry, platform, "user.password", user)
            print("%s: пароль изменён, все сеансы завершены" % user.login)
        elif args.action == "grant":
            if not args.org or not args.role:
                raise CommandError("укажите организацию и роль: lk user grant LOGIN ORG ROLE")
            org = _org(platform, args.org)
            try:
                grant_role(org, user, args.role, registry, revoke=args.revoke)
            except KeyError:
                raise CommandError("нет роли %r; есть: %s" % (args.role, ", ".join(sorted(registry.lk.roles))))
            _audit(registry, platform, "user.revoke" if args.revoke else "user.grant", user,
                   {"role": (None, args.role)}, org=org)
            print("%s в %s: %s" % (user.login, org.slug, ", ".join(org.staff.get(user.login, ())) or "нет ролей"))


def cmd_org(args, registry):
    from lk_platform.model.organisations import UnknownPlugin, create_organisation, disable_plugin, enable_plugin
    with _platform(registry) as platform:
        if args.action == "list":
            for org in platform.organisations.values():
                print("%-20s %-40s %s" % (org.slug, org.title[:40], ", ".join(org.enabled_plugins)))
            return
        if args.action == "add":
            import re
            from zoneinfo import ZoneInfo
            if not re.match(r"^[a-z0-9][a-z0-9\-]{1,40}$", args.slug or ""):
                raise CommandError("slug: латинские строчные буквы, цифры и дефис, 2–41 знак")
            if args.parent and args.parent not in platform.organisations:
                raise CommandError("нет родительской организации %r" % args.parent)
            try:
                ZoneInfo(args.timezone)
            except Exception:
                raise CommandError("неизвестный часовой пояс %r" % args.timezone)
            try:
                org = create_organisation(platform, registry, args.slug, args.title or args.slug,
                                          parent=args.parent, timezone=args.timezone)
            except KeyError:
                raise CommandError("организация %r уже есть" % args.slug)
            _audit(registry, platform, "org.add", org, org=org)
            print("организация %s создана" % org.slug)
            return
        org = _org(platform, args.slug)
        if not args.plugin:
            raise CommandError("укажите модуль: lk org %s SLUG PLUGIN" % args.action)
        try:
            (enable_plugin if args.action == "enable" else disable_plugin)(org, registry, args.plugin)
        except UnknownPlugin:
            raise CommandError("нет такого модуля %r; установлены: %s"
                               % (args.plugin, ", ".join(registry.lk.plugins.optional)))
        _audit(registry, platform, "org." + args.action, org, {"plugin": (None, args.plugin)}, org=org)
        print("%s: включены %s" % (org.slug, ", ".join(org.enabled_plugins) or "—"))


def cmd_evolve(args, registry):
    from lk_platform.model.evolve import pending, run_pending
    db = registry.lk.database
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        from lk_platform.model.platform import ROOT_KEY
        platform = conn.root()[ROOT_KEY]
        waiting = pending(platform, registry)
        if not waiting:
            print("все шаги миграции выполнены")
            return
        for step in waiting:
            print("ожидает: %s — %s" % (step.name, step.title))
        if args.dry_run:
            return
        done = run_pending(platform, registry, tm)
        print("выполнено: %s" % ", ".join(done))
    finally:
        conn.close()


def build_parser(commands=None):
    parser = argparse.ArgumentParser(prog="lk", description="Управление платформой личных кабинетов")
    parser.add_argument("-c", "--config", default=DEFAULT_INI, help="файл настроек (по умолчанию %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА")

    p = sub.add_parser("serve", help="запустить веб-службу (waitress) с настройками [server:main] из файла настроек")
    p.add_argument("--host", default=os.environ.get("HOST") or None, help="вместо listen из [server:main]")
    p.add_argument("--port", default=os.environ.get("PORT") or None, help="вместо listen из [server:main]")
    p.add_argument("--threads", help="вместо threads из [server:main]")
    p.add_argument("--no-demo", action="store_true", help="не загружать демо-данные")
    sub.add_parser("init", help="создать базу, если её нет")
    sub.add_parser("demo", help="загрузить демо-данные (повторный запуск ничего не меняет)")
    sub.add_parser("plugins", help="установленные модули и где они включены")
    p = sub.add_parser("evolve", help="выполнить ожидающие миграции данных")
    p.add_argument("--dry-run", action="store_true", help="только показать")
    sub.add_parser("prune", help=PRUNE_HELP)

    p = sub.add_parser("user", help="пользователи: add, block, unblock, reset-password, grant")
    p.add_argument("action", choices=["add", "block", "unblock", "reset-password", "grant"])
    p.add_argument("login")
    p.add_argument("org", nargs="?", help="для grant: организация")
    p.add_argument("role", nargs="?", help="для grant: роль")
    p.add_argument("--name")
    p.add_argument("--email")
    p.add_argument("--operator", action="store_true", help="для add: оператор платформы")
    p.add_argument("--revoke", action="store_true", help="для grant: снять роль")
    p.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")

    p = sub.add_parser("org", help="организации: add, list, enable, disable")
    p.add_argument("action", choices=["add", "list", "enable", "disable"])
    p.add_argument("slug", nargs="?")
    p.add_argument("plugin", nargs="?", help="для enable/disable: модуль")
    p.add_argument("--title")
    p.add_argument("--parent")
    p.add_argument("--timezone", default="Europe/Moscow")

    for plugin, named in sorted((commands or {}).items()):
        p = sub.add_parser(plugin, help="команды модуля %s: %s" % (plugin, ", ".join(sorted(named))))
        inner = p.add_subparsers(dest="plugin_command", required=True, metavar="КОМАНДА")
        for name, command in sorted(named.items()):
            q = inner.add_parser(name, help=command.help, description=command.help)
            if command.arguments is not None:
                command.arguments(q)
    return parser


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "plugins": cmd_plugins, "user": cmd_user, "org": cmd_org,
            "evolve": cmd_evolve, "prune": cmd_prune}


def main(argv=None):
    from lk_platform.app import load_plugins
    commands = plugin_commands(load_plugins())
    args = build_parser(commands).parse_args(argv)
    if args.command == "org" and args.action != "list" and not args.slug:
        print("lk: ошибка: укажите slug организации", file=sys.stderr)
        return 2
    registry = None
    try:
        app, registry = _load(args.config)
        if args.command == "serve":
            cmd_serve(args, registry, app)
        else:
            COMMANDS.get(args.command, cmd_plugin)(args, registry)
    except CommandError as exc:
        print("lk: ошибка: %s" % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        # Release the FileStorage lock, so the next command (or a test
        # calling main() again in the same process) can open it.
        for db in (registry.lk.databases.values() if hasattr(registry, "lk") else ()):
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
