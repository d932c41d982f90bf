"""Tenancy isolation: residents and staff guessing URLs and ids across the
two demo organisations get 403/404 (anonymous: the login page), and no
other tenant's data shows in the body.

One demo app serves the whole module (every request here is a read or a
write that must fail), so the many parametrised cases stay cheap. Besides
the hand-written list, every view the app registers (core and installed
plugins) is walked against every container and item of the other tenant.
"""
from __future__ import annotations

import re

import pytest

from lk_platform.demo import load_demo
from lk_platform.testing import DB, Browser, close_app, make_settings

LOGINS = ("ivanov", "petrova", "admin.vodokanal", "clerk.vodokanal", "admin.ukdom", "support.ukdom",
          "admin.sever")
SEVER_PASSWORD = "Severny-uchastok-2026"

#: text that must never reach a page for someone without a right to it
SECRETS = {
    "ivanov": ("Иванов Иван", "ivanov@mail.example", "1000001", "2000001"),
    "petrova": ("Петрова Мария", "petrova@mail.example", "1000002", "3000001"),
    "unheld": ("1000003", "2000002", "Собственник кв. 3", "Собственник кв. 46"),
    "ukdom_staff": ("Морозов Илья", "Белова Ольга", "admin@uk.example", "support@uk.example"),
    "vodokanal_staff": ("Смирнова Анна", "Кузнецов Олег", "admin@vodokanal.example", "clerk@vodokanal.example"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from lk_platform.app import make_app
    from lk_platform.model.users import create_user, grant_role
    settings = make_settings(tmp_path_factory.mktemp("isolation"))
    app = make_app(dict(settings))
    with DB(app) as platform:
        load_demo(platform, app.registry)
        # an admin of the sub-organisation only: roles reach down, never up
        user = create_user(platform, "admin.sever", SEVER_PASSWORD, name="Северов Сергей")
        grant_role(platform.organisations["uk-dom-sever"], user, "org_admin", app.registry)
    browsers = {None: Browser(app)}
    for login in LOGINS:
        b = Browser(app)
        response = b.login(login, SEVER_PASSWORD if login == "admin.sever" else None)
        assert response.status_int == 303, login
        browsers[login] = b
    yield app, browsers
    close_app(app)


def fingerprint(app):
    """What a forbidden write could have changed."""
    with DB(app) as platform:
        out = {}
        for org in platform.organisations.values():
            accounts = org["accounts"]
            out[org.slug] = (len(accounts), dict(org.staff.items()), len(org.audit),
                             {n: (a.holders, a.holder, a.street) for n, a in accounts.items()})
        out["users"] = {u.login: (u.blocked, u.accounts, u.staff_of, u.email) for u in platform.users.values()}
        return out


def leaks(response, *groups):
    if response.status_int in (301, 302, 303):
        return []   # a redirect's body only repeats the URL asked for
    # any type: a CSV export or a PDF is a leak as much as a page
    body = response.body.decode("utf-8", "replace").split('<main', 1)[-1]
    return [s for g in groups for s in SECRETS[g] if s in body]


# --- hand-picked guesses -------------------------------------------------------------

ANON_CASES = [
    "/cabinet", "/o/vodokanal/cabinet", "/o/vodokanal/accounts/1000001/", "/o/vodokanal/accounts/@@admin",
    "/o/vodokanal/accounts/@@export.csv", "/o/vodokanal/@@users", "/o/vodokanal/@@users/ivanov",
    "/o/vodokanal/@@audit", "/o/vodokanal/@@admin", "/o/vodokanal/@@settings", "/o/uk-dom/uk-dom-sever/accounts/3000001/",
    "/users/@@admin", "/@@audit", "/o/@@admin",
]


@pytest.mark.parametrize("url", ANON_CASES)
def test_anonymous_is_sent_to_login(world, url):
    app, browsers = world
    response = browsers[None].get(url, expect_errors=True)
    assert response.status_int in (302, 404), url
    if response.status_int == 302:
        location = response.headers["Location"]
        assert re.match(r"http://localhost(/o/[a-z-]+(/[a-z-]+)?)?/login\?next=", location), location
    assert not leaks(response, "ivanov", "petrova", "unheld")


#: (login, url, secrets that must not show)
GET_CASES = [
    # residents: other residents' accounts, by guessed number and by path
    ("ivanov", "/o/vodokanal/accounts/1000002/", ("petrova",)),
    ("ivanov", "/o/vodokanal/accounts/1000003/", ("unheld",)),
    ("ivanov", "/o/uk-dom/accounts/2000002/", ("unheld",)),
    ("ivanov", "/o/uk-dom/uk-dom-sever/accounts/3000001/", ("petrova",)),
    ("ivanov", "/o/uk-dom-sever/accounts/3000001/", ("petrova",)),
    ("ivanov", "/o/vodokanal/uk-dom-sever/accounts/3000001/", ("petrova",)),
    ("ivanov", "/o/uk-dom/accounts/1000002/", ("petrova",)),
    ("ivanov", "/o/vodokanal/accounts/2000001/", ()),
    ("petrova", "/o/vodokanal/accounts/1000001/", ("ivanov",)),
    ("petrova", "/o/uk-dom/accounts/2000001/", ("ivanov",)),
    ("petrova", "/o/uk-dom/uk-dom-sever/accounts/2000001/", ("ivanov",)),
    # residents: staff pages, even of their own account
    ("ivanov", "/o/vodokanal/accounts/1000001/@@admin", ()),
    ("ivanov", "/o/vodokanal/accounts/1000001/@@edit", ()),
    ("ivanov", "/o/vodokanal/accounts/1000001/@@delete", ()),
    ("ivanov", "/o/vodokanal/accounts/@@admin", ("petrova", "unheld")),
    ("ivanov", "/o/vodokanal/accounts/@@export.csv", ("petrova", "unheld")),
    ("ivanov", "/o/vodokanal/accounts/@@add", ()),
    ("ivanov", "/o/vodokanal/@@admin", ()),
    ("ivanov", "/o/vodokanal/@@users", ("petrova", "vodokanal_staff")),
    ("ivanov", "/o/vodokanal/@@users/petrova", ("petrova",)),
    ("ivanov", "/o/vodokanal/@@add-user", ()),
    ("ivanov", "/o/vodokanal/@@audit", ()),
    ("ivanov", "/o/vodokanal/@@settings", ()),
    ("ivanov", "/o/vodokanal/custom_fields/@@admin", ()),
    ("petrova", "/o/uk-dom/uk-dom-sever/@@users", ("ivanov",)),
    ("petrova", "/o/uk-dom/uk-dom-sever/accounts/@@export.csv", ()),
    # residents: operator pages
    ("ivanov", "/users/@@admin", ("petrova", "ukdom_staff", "vodokanal_staff")),
    ("ivanov", "/users/@@admin/petrova", ("petrova",)),
    ("ivanov", "/users/@@add", ()),
    ("ivanov", "/@@audit", ()),
    ("ivanov", "/o/@@admin", ()),
    ("ivanov", "/o/vodokanal/@@plugins", ()),
    ("ivanov", "/o/vodokanal/@@hosts", ()),
    ("ivanov", "/users/petrova/", ("petrova",)),
    # staff of vodokanal in uk-dom
    ("admin.vodokanal", "/o/uk-dom/accounts/@@admin", ("ivanov", "unheld")),
    ("admin.vodokanal", "/o/uk-dom/accounts/@@export.csv", ("ivanov", "unheld")),
    ("admin.vodokanal", "/o/uk-dom/accounts/@@export.csv?encoding=cp1251", ("ivanov", "unheld")),
    ("admin.vodokanal", "/o/uk-dom/accounts/@@add", ()),
    ("admin.vodokanal", "/o/uk-dom/accounts/2000001/", ("ivanov",)),
    ("admin.vodokanal", "/o/uk-dom/accounts/2000001/@@admin", ("ivanov",)),
    ("admin.vodokanal", "/o/uk-dom/accounts/2000001/@@edit", ("ivanov",)),
    ("admin.vodokanal", "/o/uk-dom/accounts/2000002/@@delete", ("unheld",)),
    ("admin.vodokanal", "/o/uk-dom/@@admin", ()),
    ("admin.vodokanal", "/o/uk-dom/@@users", ("ivanov", "ukdom_staff")),
    ("admin.vodokanal", "/o/uk-dom/@@users/support.ukdom", ("ukdom_staff",)),
    ("admin.vodokanal", "/o/uk-dom/@@add-user", ()),
    ("admin.vodokanal", "/o/uk-dom/@@audit", ("ukdom_staff",)),
    ("admin.vodokanal", "/o/uk-dom/@@settings", ()),
    ("admin.vodokanal", "/o/uk-dom/custom_fields/@@admin", ()),
    ("admin.vodokanal", "/o/uk-dom/uk-dom-sever/accounts/@@admin", ("petrova",)),
    ("admin.vodokanal", "/o/uk-dom/uk-dom-sever/accounts/@@export.csv", ("petrova",)),
    ("admin.vodokanal", "/o/uk-dom/uk-dom-sever/@@users", ("petrova",)),
    ("admin.vodokanal", "/o/uk-dom-sever/@@users", ("petrova",)),
    ("admin.vodokanal", "/o/vodokanal/uk-dom-sever/accounts/@@admin", ("petrova",)),
    ("admin.vodokanal", "/o/vodokanal/accounts/2000001/@@admin", ("ivanov",)),
    ("admin.vodokanal", "/o/vodokanal/@@users/admin.ukdom", ("ukdom_staff",)),
    ("admin.vodokanal", "/o/vodokanal/@@users/support.ukdom/edit", ("ukdom_staff",)),
    ("admin.vodokanal", "/users/@@admin", ("ukdom_staff",)),
    ("admin.vodokanal", "/users/@@admin/support.ukdom", ("ukdom_staff",)),
    ("admin.vodokanal", "/@@audit", ()),
    ("admin.vodokanal", "/o/@@admin", ()),
    ("admin.vodokanal", "/o/vodokanal/@@plugins", ()),
    ("clerk.vodokanal", "/o/uk-dom/accounts/@@export.csv", ("ivanov", "unheld")),
    ("clerk.vodokanal", "/o/vodokanal/@@users", ()),
    ("clerk.vodokanal", "/o/vodokanal/@@audit", ()),
    ("clerk.vodokanal", "/o/vodokanal/@@settings", ()),
    ("clerk.vodokanal", "/o/vodokanal/custom_fields/@@admin", ()),
    # staff of uk-dom in vodokanal
    ("admin.ukdom", "/o/vodokanal/accounts/@@admin", ("petrova", "unheld")),
    ("admin.ukdom", "/o/vodokanal/accounts/@@export.csv", ("petrova", "unheld")),
    ("admin.ukdom", "/o/vodokanal/accounts/1000002/@@edit", ("petrova",)),
    ("admin.ukdom", "/o/vodokanal/accounts/1000002/", ("petrova",)),
    ("admin.ukdom", "/o/vodokanal/@@users", ("petrova", "vodokanal_staff")),
    ("admin.ukdom", "/o/vodokanal/@@users/petrova", ("petrova",)),
    ("admin.ukdom", "/o/vodokanal/@@audit", ("vodokanal_staff",)),
    ("admin.ukdom", "/o/vodokanal/@@admin", ()),
    ("admin.ukdom", "/o/uk-dom/@@users/clerk.vodokanal", ("vodokanal_staff",)),
    ("admin.ukdom", "/o/uk-dom/accounts/1000002/@@admin", ("petrova",)),
    ("support.ukdom", "/o/vodokanal/@@users", ("petrova",)),
    ("support.ukdom", "/o/vodokanal/accounts/@@export.csv", ("petrova", "unheld")),
    ("support.ukdom", "/o/uk-dom/accounts/@@add", ()),
    ("support.ukdom", "/o/uk-dom/accounts/2000001/@@edit", ()),
    ("support.ukdom", "/o/uk-dom/@@audit", ()),
    ("support.ukdom", "/o/uk-dom/@@settings", ()),
    # a sub-organisation's admin does not reach its parent
    ("admin.sever", "/o/uk-dom/accounts/@@admin", ("ivanov", "unheld")),
    ("admin.sever", "/o/uk-dom/accounts/@@export.csv", ("ivanov", "unheld")),
    ("admin.sever", "/o/uk-dom/@@users", ("ivanov", "ukdom_staff")),
    ("admin.sever", "/o/uk-dom/@@audit", ()),
    ("admin.sever", "/o/uk-dom/@@admin", ()),
    ("admin.sever", "/o/vodokanal/accounts/@@admin", ("petrova",)),
]


@pytest.mark.parametrize("login, url, secrets", GET_CASES)
def test_guessed_urls_are_refused(world, login, url, secrets):
    _app, browsers = world
    response = browsers[login].get(url, expect_errors=True)
    assert response.status_int in (403, 404), (login, url, response.status_int)
    assert not leaks(response, *secrets), (login, url)


#: (login, url, params) writes across tenants that must fail
POST_CASES = [
    ("admin.vodokanal", "/o/uk-dom/accounts/2000001/@@delete", {}),
    ("admin.vodokanal", "/o/uk-dom/accounts/2000001/@@edit", {"house": "99", "__formid__": "lkform", "save": "1"}),
    ("admin.vodokanal", "/o/uk-dom/accounts/@@add", {"number": "2000099", "house": "1", "__formid__": "lkform",
                                                     "save": "1"}),
    ("admin.vodokanal", "/o/uk-dom/@@users/ivanov/block", {}),
    ("admin.vodokanal", "/o/uk-dom/@@users/ivanov/grant", {"role": "org_admin"}),
    ("admin.vodokanal", "/o/vodokanal/@@users/support.ukdom/block", {}),
    ("admin.vodokanal", "/o/vodokanal/@@users/admin.ukdom/grant", {"role": "accounts_clerk"}),
    ("admin.vodokanal", "/o/vodokanal/@@users/petrova/link", {"number": "2000002"}),
    ("admin.vodokanal", "/o/vodokanal/@@users/petrova/link", {"number": "3000001"}),
    ("admin.vodokanal", "/o/vodokanal/@@users/ivanov/unlink", {"number": "2000001"}),
    ("admin.vodokanal", "/o/vodokanal/@@users/ivanov/revoke", {"role": "org_admin", "organisation": "uk-dom"}),
    ("admin.vodokanal", "/users/@@admin/ivanov/block", {}),
    ("admin.vodokanal", "/users/@@add", {"login": "intruder", "email": "x@evil.example", "__formid__": "lkform"}),
    ("admin.vodokanal", "/o/uk-dom/@@add-user", {"login": "intruder", "email": "x@evil.example",
                                                 "__formid__": "lkform"}),
    ("admin.ukdom", "/o/vodokanal/accounts/1000001/@@delete", {}),
    ("admin.ukdom", "/o/uk-dom/@@users/ivanov/link", {"number": "1000003"}),
    ("admin.sever", "/o/uk-dom/@@users/ivanov/block", {}),
    ("admin.sever", "/o/uk-dom/uk-dom-sever/@@users/petrova/link", {"number": "2000002"}),
    ("ivanov", "/o/vodokanal/accounts/1000001/@@edit", {"holder": "Hacker", "__formid__": "lkform", "save": "1"}),
    ("ivanov", "/o/vodokanal/accounts/1000002/@@delete", {}),
    ("ivanov", "/o/vodokanal/@@users/ivanov/grant", {"role": "org_admin"}),
    ("ivanov", "/o/vodokanal/@@users/ivanov/link", {"number": "1000003"}),
    ("petrova", "/users/@@admin/petrova/grant", {"role": "org_admin", "organisation": "vodokanal"}),
    ("support.ukdom", "/o/uk-dom/@@users/support.ukdom/grant", {"role": "org_admin"}),
    ("support.ukdom", "/o/uk-dom/@@users/admin.ukdom/block", {}),
    (None, "/o/vodokanal/@@users/ivanov/block", {}),
    (None, "/o/vodokanal/accounts/1000001/@@delete", {}),
]


@pytest.mark.parametrize("login, url, params", POST_CASES)
def test_guessed_writes_change_nothing(world, login, url, params):
    app, browsers = world
    before = fingerprint(app)
    b = browsers[login]
    response = b.post_csrf(url, params, expect_errors=True)
    assert response.status_int in (400, 403, 404), (login, url, response.status_int)
    assert fingerprint(app) == before


# --- every registered view against the other tenant's objects ----------------------------

PUBLIC = ("__no_permission_required__", "public.view", "cabinet.view")


def registered_views(registry):
    """``[(context, name, permission, content_type)]`` of GET-able, non-exception views."""
    out = []
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        if view.get("exception_only") or view["context"] is None:
            continue
        methods = view["request_methods"]
        if methods and "GET" not in methods:
            continue
        perms = [r["value"] for r in item["related"] if r.category_name == "permissions"]
        texts = [p.text() for p in (view["predicates"] or [])]
        content_type = next((t.split(" = ", 1)[1] for t in texts if t.startswith("content_type = ")), None)
        out.append((view["context"], view["name"], perms[0] if perms else None, content_type))
    return out


def urls_of_tenant(app, slugs):
    """Every GET-able URL over the organisations ``slugs``: organisation
    views, container views, and views of up to two items per container."""
    from lk_platform.model.folders import Folder
    from lk_platform.model.organisations import Organisation
    views = registered_views(app.registry)
    types = app.registry.lk.content_types
    urls = []
    with DB(app) as platform:
        for slug in slugs:
            org = platform.organisations[slug]
            base = "/o/uk-dom/uk-dom-sever/" if slug == "uk-dom-sever" else "/o/%s/" % slug
            for ctx, name, perm, _ct in views:
                if ctx is Organisation and name not in ("", "login", "logout", "forgot", "reset", "language"):
                    urls.append((base + "@@" + name, perm))
            for container in org.container_names():
                folder = org[container]
                for ctx, name, perm, ct in views:
                    if ctx is Folder and ct is not None and types.get(ct) is not None \
                            and types.get(ct).container == container:
                        urls.append((base + container + "/" + ("@@" + name if name else ""), perm))
                for child in list(folder.values())[:2]:
                    for ctx, name, perm, ct in views:
                        if isinstance(ctx, type) and ctx not in (Organisation, Folder) and isinstance(child, ctx) \
                                and (ct is None or getattr(child, "type_name", None) == ct):
                            urls.append((base + container + "/" + child.__name__ + "/" + ("@@" + name if name else ""),
                                         perm))
    return urls


@pytest.mark.parametrize("login, slugs, secrets", [
    ("admin.vodokanal", ("uk-dom", "uk-dom-sever"), ("ivanov", "petrova", "unheld", "ukdom_staff")),
    ("admin.ukdom", ("vodokanal",), ("ivanov", "petrova", "unheld", "vodokanal_staff")),
    ("admin.sever", ("uk-dom",), ("ivanov", "unheld", "ukdom_staff")),
    ("ivanov", ("uk-dom-sever",), ("petrova",)),
    ("petrova", ("uk-dom",), ("ivanov", "unheld", "ukdom_staff")),
    (None, ("vodokanal",), ("ivanov", "petrova", "unheld", "vodokanal_staff")),
])
def test_every_view_refuses_outsiders(world, login, slugs, secrets):
    app, browsers = world
    b = browsers[login]
    urls = urls_of_tenant(app, slugs)
    assert len(urls) > 40   # the walk really covers the app
    problems = []
    for url, perm in urls:
        response = b.get(url, expect_errors=True)
        status = response.status_int
        if status >= 500:
            problems.append((url, status))
        elif perm not in PUBLIC and status not in (403, 404) and not (login is None and status == 302):
            problems.append((url, status, perm))
        elif leaks(response, *secrets):
            problems.append((url, "leaks", leaks(response, *secrets)))
    assert problems == []
