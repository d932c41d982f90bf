"""Packaging that works outside the source tree (issue #8, item 6).

Wheels of the core and of every bundled plugin, built from a copy of the
checkout as a fresh clone has it (with the catalogs compiled, as
``make catalogs`` does before a release build), carry every template, static
file, catalog and data file of their packages, and the core its themes. Installed
(not editable) into a new virtualenv, from a folder outside the checkout, the
``lk`` script creates the demo database and the resident's and a clerk's pages
render in English from the installed templates, catalogs and static files.

Slow (a virtualenv and its dependencies through pip's cache): deselect with
``-m "not wheels"``.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheels

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: the projects whose wheels are built: the core and every bundled plugin
PROJECTS = ["."] + sorted(os.path.relpath(p.parent, REPO) for p in Path(REPO, "plugins").glob("*/setup.cfg")) \
    + ["docs/example_plugin"]
TIMEOUT = 900       # a cold pip cache downloads every dependency


def run(args, **kw):
    result = subprocess.run(args, check=False, capture_output=True, text=True, timeout=TIMEOUT, **kw)
    assert result.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(map(str, args)), result.stdout[-3000:],
                                                          result.stderr[-5000:])
    return result


def clean_env():
    """The environment without this checkout on the path, nor this venv."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")}


def checkout_files():
    """What a fresh clone of this checkout holds (tracked, and new files not ignored yet)."""
    out = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO).stdout
    return [f for f in out.split("\0") if f and os.path.isfile(os.path.join(REPO, f))]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A copy of the checkout as a clone has it, then ``make catalogs`` (.mo are not committed)."""
    from lk_platform.i18n import extract
    root = tmp_path_factory.mktemp("clone")
    for name in checkout_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(REPO, name), target)
    catalogs = sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))
    assert len(catalogs) >= 3
    for po in catalogs:
        extract.compile_catalog(str(po))
    return root


@pytest.fixture(scope="module")
def wheels(clone, tmp_path_factory):
    """``{project: wheel path}``, built with this venv's setuptools (no build isolation, no download)."""
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", str(dist), *[str(clone / p) for p in PROJECTS]],
        cwd=clone, env=clean_env())
    built = {}
    for project in PROJECTS:
        name = metadata_name(clone / project)
        found = list(dist.glob("%s-*.whl" % name.replace("-", "_")))
        assert len(found) == 1, (project, sorted(os.listdir(dist)))
        built[project] = found[0]
    return built


def metadata_name(project: Path) -> str:
    parser = configparser.ConfigParser()
    parser.read(project / "setup.cfg")
    return parser["metadata"]["name"]


def normalised(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def expected_files(project: Path):
    """Every file a project's package must ship: modules of its (sub)packages,
    and every other file in them (templates, static, catalogs, data); the
    core also its themes, under ``lk_platform/bundled_themes/``."""
    packages = [d for d in project.iterdir() if (d / "__init__.py").is_file() and d.name not in ("tests", "bench")]
    assert len(packages) == 1, packages
    package = packages[0]
    expected = set()
    for path in package.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        # a module outside a regular package (lk_platform/i18n/extract.py, the
        # catalog tool working on the checkout) is not part of the distribution
        if path.suffix == ".py" and not (path.parent / "__init__.py").is_file():
            continue
        expected.add(path.relative_to(project).as_posix())
    if package.name == "lk_platform":
        themes = project / "themes"
        expected |= {"lk_platform/bundled_themes/" + p.relative_to(themes).as_posix()
                     for p in themes.rglob("*") if p.is_file()}
    return package.name, expected


@pytest.mark.parametrize("project", PROJECTS)
def test_each_wheel_carries_every_file_of_its_package(project, clone, wheels):
    package, expected = expected_files(clone / project)
    with zipfile.ZipFile(wheels[project]) as whl:
        names = [n for n in whl.namelist() if ".dist-info/" not in n]
    assert {n.split("/")[0] for n in names} == {package}
    assert sorted(expected - set(names)) == [], "left out of the wheel of %s" % project
    assert sorted(set(names) - expected) == [], "in the wheel of %s but not in its source" % project
    catalogs = [n for n in expected if n.endswith(".po")]
    assert all(n[:-3] + ".mo" in names for n in catalogs)
    if package in ("lk_platform", "lk_debt", "lk_meters"):          # the ones with English today
        assert catalogs


# --- installed into a fresh virtualenv -----------------------------------------------------

@pytest.fixture(scope="module")
def venv(wheels, tmp_path_factory):
    """A new virtualenv with the wheels installed (not editable), and WebTest
    and pytest for lk_platform.testing's Browser; dependencies from the package
    index through pip's cache, at the versions this suite runs with."""
    path = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(path)], env=clean_env())
    ours = {normalised(metadata_name(Path(REPO, p))) for p in PROJECTS}
    pins = {}
    for dist in metadata.distributions():          # the first of a name is the one imported
        name = normalised(dist.metadata["Name"] or "")
        if name and name not in ours:
            pins.setdefault(name, "%s==%s" % (name, dist.version))
    constraints = path / "constraints.txt"
    constraints.write_text("".join(pin + "\n" for _name, pin in sorted(pins.items())))
    python = path / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
         "-c", str(constraints), "setuptools<81", "WebTest", "pytest", *map(str, wheels.values())],
        cwd=path, env=clean_env())
    return path


@pytest.fixture(scope="module")
def site(venv, tmp_path_factory):
    """A deployment folder outside the checkout: a minimal ini (no ``lk.themes_dir``),
    the demo database made by the installed ``lk`` script."""
    folder = tmp_path_factory.mktemp("site")
    assert not inside(folder, REPO)
    var = folder / "var"
    (folder / "lk.ini").write_text(
        "[app:main]\n"
        "use = egg:lk_platform\n"
        "zodbconn.uri = file://%(var)s/Data.fs?blobstorage_dir=%(var)s/blobs\n"
        "lk.secret = wheel-test-secret-0123456789abcdef0123456789\n"
        "mail.mode = files\n"
        "mail.directory = %(var)s/mail\n" % {"var": var})
    result = run([str(venv / "bin" / "lk"), "-c", "lk.ini", "demo"], cwd=folder, env=clean_env())
    assert "ivanov" in result.stdout
    return folder


#: Run by the fresh virtualenv's python in the site folder: the pages a
#: resident and a clerk see in English, the stylesheets they link, and where
#: every imported module and the themes came from, as JSON.
VISIT = r'''
import json, re, sys
from urllib.parse import urlsplit
from pyramid.paster import get_app
from lk_platform.testing import Browser

app = get_app("lk.ini")
pages, stylesheets = {}, {}


def browser(login):
    b = Browser(app)
    b.set_cookie("lk_locale", "en")
    assert b.login(login).status_int in (302, 303), "%s could not log in" % login
    return b


def visit(b, name, url):
    response = b.get(url)
    pages[name] = response.text
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.text):
        path = urlsplit(href).path
        if path not in stylesheets:
            css = b.get(path)
            stylesheets[path] = [css.content_type, css.text]
    return response


resident = browser("ivanov")
visit(resident, "dashboard", "/cabinet")
overview = visit(resident, "debt", "/o/vodokanal/@@debt")
visit(resident, "receipt", re.search(r'href="http://localhost([^"]*@@receipt\?period=[^"]+)"', overview.text).group(1))
visit(resident, "readings", "/o/vodokanal/readings")
visit(browser("admin.vodokanal"), "accounts admin", "/o/vodokanal/accounts/@@admin")

print(json.dumps({
    "pages": pages, "stylesheets": stylesheets,
    "themes_dir": app.registry.settings["lk.themes_dir"],
    "modules": {name: m.__file__ for name, m in list(sys.modules.items()) if getattr(m, "__file__", None)},
    "sys_path": sys.path,
}))
'''


@pytest.fixture(scope="module")
def visited(venv, site):
    result = run([str(venv / "bin" / "python"), "-c", VISIT], cwd=site, env=clean_env())
    return json.loads(result.stdout.splitlines()[-1])


def inside(path, folder):
    return os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep)


def test_nothing_is_imported_from_the_checkout(visited, venv):
    modules = visited["modules"]
    repo = os.path.realpath(REPO)
    assert not [p for p in visited["sys_path"] if p and (inside(p, repo) or os.path.realpath(p) == repo)]
    assert not {n: f for n, f in modules.items() if inside(f, REPO)}
    for package in ("lk_platform", "lk_debt", "lk_meters", "lk_appeals", "lk_announcements", "lk_faq"):
        assert inside(modules[package], venv), (package, modules[package])


def test_the_installed_core_finds_its_themes(visited, venv):
    themes = visited["themes_dir"]
    assert inside(themes, venv) and themes.endswith(os.path.join("lk_platform", "bundled_themes"))


def test_resident_pages_in_english_from_the_installed_catalogs(visited):
    pages = visited["pages"]
    dashboard = pages["dashboard"]
    assert '<html lang="en"' in dashboard
    assert "Log out" in dashboard and "Выйти" not in dashboard                       # lk_platform
    assert "All accounts and receipts" in dashboard                                  # lk_debt
    assert "Все счета и квитанции" not in dashboard
    assert "Meter readings" in dashboard and "Показания счётчиков" not in dashboard   # lk_meters
    debt = pages["debt"]
    assert "Total for all accounts" in debt and "Итого по всем счетам" not in debt
    readings = pages["readings"]
    assert "<h1>Meter readings</h1>" in readings and "Submit readings" in readings
    assert "Передать показания" not in readings
    # the receipt in English from lk_debt's installed catalog, with its payment QR code
    receipt = pages["receipt"]
    assert "Utility bill for " in receipt and "Единый платёжный документ" not in receipt
    assert '<img src="data:image/png;base64,' in receipt


def test_staff_page_in_english(visited):
    page = visited["pages"]["accounts admin"]
    assert '<html lang="en"' in page
    assert "Personal accounts" in page and "Лицевые счета" not in page


def test_stylesheets_are_served_from_the_installed_packages(visited):
    stylesheets = visited["stylesheets"]
    sources = {"/static/theme/default/static/lk.css": "themes/default/static/lk.css",
               "/static/debt/debt.css": "plugins/lk-debt/lk_debt/static/debt.css",
               "/static/meters/meters.css": "plugins/lk-meters/lk_meters/static/meters.css"}
    for url, source in sources.items():
        assert url in stylesheets, sorted(stylesheets)
        with open(os.path.join(REPO, source), encoding="utf-8") as f:
            assert stylesheets[url] == ["text/css", f.read()], url
    for url, (content_type, text) in stylesheets.items():
        assert content_type == "text/css" and text.strip(), url
