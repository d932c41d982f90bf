"""Finding 6 (issue #9, security hardening):

    **No security headers**: add Content-Security-Policy (no inline script
    […]), X-Frame-Options DENY / frame-ancestors 'none', X-Content-Type-Options
    nosniff, Referrer-Policy […], and `Cache-Control: private, no-store` on
    personal pages (anything for a logged-in user or with personal data;
    public static files keep their caching) — on EVERY answer including error
    pages, 404/403/400/413, redirects and static files. […] cached answers must
    carry the headers too. A test walks EVERY registered view […] as anonymous
    and as a logged-in resident and staff, and checks the headers on each
    answer […].

Besides the headers, every HTML answer of the walk is checked for what the
policy would block in a browser: inline ``<script>``, ``<style>``, ``on*=``
handlers and ``style=`` attributes.
"""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

from lk_platform.demo import load_demo
from lk_platform.testing import DB, Browser, close_app, make_settings

#: views that may answer with public caching: the same for every reader
PUBLIC_CACHE_VIEWS = {"logo", "brand.css", "download", ""}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from lk_platform.app import make_app
    app = make_app(make_settings(tmp_path_factory.mktemp("headers"), **{"lk.max_upload_bytes": "100000"}))
    with DB(app) as platform:
        load_demo(platform, app.registry)
    browsers = {None: Browser(app)}
    for login in ("ivanov", "admin.vodokanal", "operator"):
        browser = Browser(app)
        assert browser.login(login).status_int == 303, login
        browsers[login] = browser
    yield app, browsers
    close_app(app)


def check_headers(response, url):
    """The security headers on one answer; returns the problems found."""
    problems = []
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}
    if "frame-ancestors 'none'" not in policy:
        problems.append("frame-ancestors")
    script = directives.get("script-src") or directives.get("default-src") or ""
    if not script or "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append("script-src: %r" % policy)
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if headers.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"):
        problems.append("Referrer-Policy")
    cache = headers.get("Cache-Control", "")
    path = url.split("?", 1)[0]
    if path.startswith("/static/") and response.status_int in (200, 304):
        if "max-age" not in cache or "no-store" in cache:
            problems.append("static caching: %r" % cache)
    elif "public" in cache:
        name = path.rstrip("/").rsplit("/", 1)[-1].replace("@@", "")
        if not (name in PUBLIC_CACHE_VIEWS or path.rstrip("/").rsplit("/", 2)[-2] == "public_documents"):
            problems.append("public caching of %s: %r" % (path, cache))
    elif cache != "private, no-store":
        problems.append("Cache-Control: %r" % cache)
    if response.content_type == "text/html" and response.body:
        problems += inline_code(response.text)
    return problems


def inline_code(text):
    """What the policy blocks in a page: inline scripts, styles, handlers."""
    try:
        doc = lxml_html.document_fromstring(text)
    except Exception:   # not a document (a fragment or empty)
        return []
    found = []
    for script in doc.iter("script"):
        if not script.get("src") or (script.text or "").strip():
            found.append("inline <script>")
    for _style in doc.iter("style"):
        found.append("inline <style>")
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            if name.lower().startswith("on") or name.lower() == "style":
                found.append("%s=… on <%s>" % (name, element.tag))
        for name in ("href", "src", "action"):
            if element.get(name, "").strip().lower().startswith("javascript:"):
                found.append("javascript: URL on <%s>" % element.tag)
    return found


def registered_views(registry):
    """``[(context, name, content_type)]`` of every view with a class context."""
    out = []
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        context = view["context"]
        if view.get("exception_only") or not isinstance(context, type) or issubclass(context, BaseException):
            continue
        texts = [p.text() for p in (view["predicates"] or [])]
        content_type = next((t.split(" = ", 1)[1] for t in texts if t.startswith("content_type = ")), None)
        out.append((context, view["name"], content_type))
    return out


def sample_resources(platform):
    """The platform, its users folder and a user, every organisation, each of
    their containers and up to two items of each (and one level below)."""
    found = [platform, platform.users]
    found += list(platform.users.values())[:1]
    for org in platform.organisations.values():
        found.append(org)
        for name in org.container_names():
            folder = org[name]
            found.append(folder)
            for child in list(folder.values())[:2]:
                found.append(child)
                values = getattr(child, "values", None)
                if callable(values):
                    try:
                        found += [c for c in list(values())[:1] if getattr(c, "__name__", None)]
                    except Exception:
                        pass
    return found


def path_of(resource):
    names = []
    while resource is not None and getattr(resource, "__name__", None):
        names.append(resource.__name__)
        resource = resource.__parent__
    return "/" + "".join(n + "/" for n in reversed(names))


def walk_urls(app):
    views = registered_views(app.registry)
    urls = set()
    with DB(app) as platform:
        for resource in sample_resources(platform):
            kind = getattr(resource, "content_type", None) or getattr(resource, "type_name", None)
            for context, name, content_type in views:
                if isinstance(resource, context) and (content_type is None or kind == content_type):
                    urls.add(path_of(resource) + ("@@" + name if name else ""))
    return sorted(urls)


@pytest.mark.parametrize("login", [None, "ivanov", "admin.vodokanal", "operator"])
def test_every_view_answers_with_the_security_headers(world, login):
    app, browsers = world
    browser = browsers[login]
    urls = walk_urls(app)
    assert len(urls) > 150      # the walk really covers the app
    problems = []
    statuses = set()
    for url in urls:
        response = browser.get(url, expect_errors=True)
        statuses.add(response.status_int)
        found = check_headers(response, url)
        if found:
            problems.append((url, response.status_int, found))
    assert problems == [], "\n".join(map(repr, problems))
    assert {200, 404} <= statuses


def test_error_pages_redirects_and_static_files_carry_them(world):
    app, browsers = world
    anonymous, resident = browsers[None], browsers["ivanov"]
    answers = [
        (anonymous.get("/no-such-page", status=404), "/no-such-page"),
        (anonymous.get("/o/vodokanal/accounts/1000001/", status=302), "/o/vodokanal/accounts/1000001/"),
        (resident.get("/o/vodokanal/@@users", status=403), "/o/vodokanal/@@users"),
        (resident.get("/", status=302), "/"),
        (anonymous.post("/login", {"login": "x"}, status=400), "/login"),                      # no CSRF token
        (anonymous.post("/login", "x" * 200_000, status=413), "/login"),                       # too big
        (Browser(app, host="evil.example").get("/", status=400), "/"),                           # unknown host
        (anonymous.get("/static/theme/default/static/lk.css", status=200), "/static/theme/default/static/lk.css"),
        (anonymous.get("/static/deform/scripts/deform.js", status=200), "/static/deform/scripts/deform.js"),
        (anonymous.get("/static/theme/default/static/none.css", status=404), "/static/theme/default/static/none.css"),
        (anonymous.get("/health", status=200), "/health"),
        (anonymous.get("/o/vodokanal/@@brand.css", status=200), "/o/vodokanal/@@brand.css"),
    ]
    for response, url in answers:
        assert check_headers(response, url) == [], (url, response.status)
    assert answers[-3][0].headers["Cache-Control"] == "private, no-store"      # a missing static file


def test_cached_pages_carry_them(world):
    """The page cache stores answers before the headers are added: a page
    served from it still has every one."""
    from lk_platform.caching.pagecache import counts
    app, browsers = world
    resident = browsers["ivanov"]
    before = dict(counts)
    for _ in range(3):
        response = resident.get("/cabinet")
        assert response.status_int == 200
        assert check_headers(response, "/cabinet") == []
        assert response.headers["Cache-Control"] == "private, no-store"
    assert counts["served"] > before["served"]                                              # from the page cache


def test_a_personal_download_is_not_stored(world):
    """A view's own private caching (an appeal's attachment said
    ``private, max-age=86400``) becomes ``private, no-store``; its own
    sandboxing policy stays, with framing refused."""
    from lk_platform.web.headers import secure_headers
    headers = dict(secure_headers("200 OK", [("Content-Type", "image/png"),
                                             ("Cache-Control", "private, max-age=86400"),
                                             ("Content-Security-Policy", "default-src 'none'; sandbox")]))
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"


def test_the_printable_receipt_needs_no_inline_code(world):
    """lk-debt's receipt page styled itself with <style> and printed with
    onclick=; the PDF made from the same template still gets its styles."""
    app, browsers = world
    with DB(app) as platform:
        ledger = platform.organisations["vodokanal"]["debt_ledgers"]["1000001"]
        period = "%04d-%02d" % divmod(ledger.last_period, 100)
    url = "/o/vodokanal/accounts/1000001/@@receipt?period=" + period
    page = browsers["ivanov"].get(url)
    assert check_headers(page, url) == []
    assert page.html.find("button", attrs={"data-print": True}) is not None
    for href in [link["href"] for link in page.html.select("link[rel=stylesheet]")] + \
            [script["src"] for script in page.html.select("script[src]")]:
        assert browsers["ivanov"].get(href.replace("http://localhost", "")).status_int == 200
    from lk_debt.receipt import receipt_css
    assert "@page" in receipt_css()
