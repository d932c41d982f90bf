"""Collect the core's message ids and keep the English catalog in step.

The msgids are the Russian source texts: ``_("...")`` calls in
``lk_platform/**/*.py`` and, in the themes' page templates, the content of
``i18n:translate`` elements and ``i18n:attributes`` values of the
``lk_platform`` domain (computed as Chameleon does: whitespace collapsed,
``i18n:name`` children as ``${name}``). lingua is not used, so this stays
a small, dependency-free reader; babel only writes the ``.po``.

    python -m lk_platform.i18n.extract          # list msgids missing from locale/en
    python -m lk_platform.i18n.extract --update # add them (empty) to the .po, drop unused ones
"""
from __future__ import annotations

import ast
import os
import re
import sys
from html.parser import HTMLParser

DOMAIN = "lk_platform"
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PACKAGE)
THEMES = os.path.join(REPO, "themes")
PO = os.path.join(PACKAGE, "locale", "en", "LC_MESSAGES", DOMAIN + ".po")


# --- Python ---------------------------------------------------------------------

def python_msgids(path):
    """``_("literal", ...)`` calls (the factory from lk_platform.i18n)."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        first = node.args[0]
        if name == "_" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, "%s:%d" % (os.path.relpath(path, REPO), node.lineno)))
    return found


# --- templates --------------------------------------------------------------------

def _collapse(text):
    return re.sub(r"\s+", " ", text).strip()


class _TemplateReader(HTMLParser):
    """Finds translatable text in a Chameleon template of our domain."""

    def __init__(self, path, domain=DOMAIN):
        super().__init__(convert_charrefs=False)
        self.path = path
        self.want = domain
        self.found = []
        self.domains = []      # (tag, domain) stack
        self.collecting = []   # [tag, depth, parts, explicit msgid, line]
        self.depth = 0
        self.name_depth = None

    def domain(self):
        for _tag, domain in reversed(self.domains):
            if domain:
                return domain
        return None

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag, attrs, closed):
        attrs = dict(attrs)
        self.depth += 1
        self.domains.append((tag, attrs.get("i18n:domain")))
        line = self.getpos()[0]
        if self.domain() == self.want and "i18n:attributes" in attrs:
            for spec in attrs["i18n:attributes"].split(";"):
                parts = spec.split()
                if not parts:
                    continue
                value = parts[1] if len(parts) > 1 else attrs.get(parts[0])
                if value and "${" not in value:
                    self._add(_collapse(value), line)
        if self.collecting and self.name_depth is None:
            current = self.collecting[-1]
            if "i18n:name" in attrs:
                current[2].append("\x00%s\x00" % attrs["i18n:name"])
                self.name_depth = self.depth
            else:
                current[2].append(self.get_starttag_text())
        if "i18n:translate" in attrs and self.domain() == self.want and self.name_depth is None:
            self.collecting.append([tag, self.depth, [], attrs["i18n:translate"], line])
            if closed:
                self._finish()
        if closed:
            self._end()

    def handle_endtag(self, tag):
        if self.collecting and self.collecting[-1][1] == self.depth:
            self._finish()
        elif self.collecting and self.name_depth is None:
            self.collecting[-1][2].append("</%s>" % tag)
        self._end()

    def _end(self):
        if self.name_depth == self.depth:
            self.name_depth = None
        self.depth -= 1
        if self.domains:
            self.domains.pop()

    def _finish(self):
        _tag, _depth, parts, explicit, line = self.collecting.pop()
        text = explicit or _collapse("".join(parts))
        # ${...} written in the text is data Chameleon fills in before
        # translating: such an element has no fixed msgid to catalogue.
        if "${" in text or not re.search(r"\w", re.sub("\x00[^\x00]*\x00", "", text)):
            return
        self._add(re.sub("\x00([^\x00]*)\x00", r"${\1}", text), line)

    def _add(self, msgid, line):
        self.found.append((msgid, "%s:%d" % (os.path.relpath(self.path, REPO), line)))

    def handle_data(self, data):
        if self.collecting and self.name_depth is None:
            self.collecting[-1][2].append(data)

    def handle_entityref(self, name):
        self.handle_data("&%s;" % name)

    def handle_charref(self, name):
        self.handle_data("&#%s;" % name)


def template_msgids(path, domain=DOMAIN):
    reader = _TemplateReader(path, domain)
    with open(path, encoding="utf-8") as f:
        reader.feed(f.read())
    reader.close()
    return reader.found


# --- the whole core -------------------------------------------------------------------

def _files(root, suffix, skip=()):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(suffix):
                yield os.path.join(folder, name)


def core_msgids():
    """``{msgid: [where, ...]}`` of every message the core shows."""
    found = {}
    for path in _files(PACKAGE, ".py", skip=("__pycache__",)):
        for msgid, where in python_msgids(path):
            found.setdefault(msgid, []).append(where)
    if os.path.isdir(THEMES):
        for path in _files(THEMES, ".pt"):
            for msgid, where in template_msgids(path):
                found.setdefault(msgid, []).append(where)
    return found


def package_msgids(package, domain):
    """``{msgid: [where, ...]}`` of a plugin package: ``_()`` calls in its
    modules and the ``domain`` texts of its ``templates/``."""
    found = {}
    for path in _files(package, ".py", skip=("__pycache__", "tests")):
        for msgid, where in python_msgids(path):
            found.setdefault(msgid, []).append(where)
    for path in _files(os.path.join(package, "templates"), ".pt"):
        for msgid, where in template_msgids(path, domain):
            found.setdefault(msgid, []).append(where)
    return found


def read_catalog(path=PO, domain=DOMAIN):
    from babel.messages.pofile import read_po
    with open(path, "rb") as f:
        return read_po(f, locale="en", domain=domain)


def untranslated(path=PO, found=None):
    """Msgids (the core's, or ``found``) that have no English text in the catalog."""
    catalog = read_catalog(path)
    missing = []
    for msgid, where in sorted((core_msgids() if found is None else found).items()):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append((msgid, where))
    return missing


def update(path=PO):
    """Add missing msgids (empty) and drop ones the core no longer uses."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    old = read_catalog(path) if os.path.exists(path) else Catalog(locale="en", domain=DOMAIN)
    # Not fuzzy (pybabel would refuse to compile it); dates kept, so an
    # update that changes no message changes no line.
    new = Catalog(locale="en", domain=DOMAIN, project="lk_platform", version=None, charset="utf-8",
                  fuzzy=False, creation_date=old.creation_date, revision_date=old.revision_date,
                  last_translator="lk_platform", language_team="English",
                  copyright_holder="lk_platform", header_comment="# English messages of the lk_platform core.\n"
                  "# Msgids are the Russian source texts; update with\n"
                  "#   python -m lk_platform.i18n.extract --update\n")
    for msgid, where in sorted(core_msgids().items()):
        previous = old.get(msgid)
        locations = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where]
        new.add(msgid, previous.string if previous is not None else "", locations=locations)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, new, width=100, sort_output=True, include_lineno=False)
    return new


def compile_catalog(po=PO):
    """Write the ``.mo`` next to the ``.po`` (what ``make catalogs`` does),
    atomically, so a process reading it never sees half a file."""
    from babel.messages.mofile import write_mo
    mo = po[:-3] + ".mo"
    tmp = mo + ".%d.tmp" % os.getpid()
    with open(tmp, "wb") as f:
        write_mo(f, read_catalog(po))
    os.replace(tmp, mo)
    return mo


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--update" in argv:
        update()
    missing = untranslated()
    for msgid, where in missing:
        print("%s\n    %s" % (msgid, ", ".join(where)))
    print("%d msgid(s) without English" % len(missing), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
