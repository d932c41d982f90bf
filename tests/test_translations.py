"""One way to translate, complete in English: every msgid of every domain —
the core's and each bundled plugin's — has an English translation, and each
plugin marks its texts with one TranslationStringFactory of its own domain."""
from __future__ import annotations

import glob
import os
import re

import pytest

from lk_platform.i18n import extract

REPO = extract.REPO


def plugin_packages():
    """``[(domain, package folder)]`` of the bundled plugins and the example."""
    found = []
    for init in sorted(glob.glob(os.path.join(REPO, "plugins", "*", "lk_*", "__init__.py"))
                       + glob.glob(os.path.join(REPO, "docs", "example_plugin", "lk_*", "__init__.py"))):
        package = os.path.dirname(init)
        found.append((os.path.basename(package), package))
    return found


def catalog(package, domain):
    return os.path.join(package, "locale", "en", "LC_MESSAGES", domain + ".po")


def test_the_core_is_complete_in_english():
    assert extract.untranslated() == []


@pytest.mark.parametrize("domain, package", plugin_packages(), ids=[d for d, _p in plugin_packages()])
def test_every_plugin_message_has_an_english_translation(domain, package):
    found = extract.package_msgids(package, domain)
    assert found, "%s marks no text for translation" % domain
    po = catalog(package, domain)
    assert os.path.exists(po), "%s has no English catalog" % domain
    assert extract.untranslated(po, found) == []


@pytest.mark.parametrize("domain, package", plugin_packages(), ids=[d for d, _p in plugin_packages()])
def test_one_factory_per_domain_and_no_other_translation_helper(domain, package):
    i18n = open(os.path.join(package, "i18n.py"), encoding="utf-8").read()
    assert re.search(r'TranslationStringFactory\(\s*"%s"\s*\)' % domain, i18n)
    for path in glob.glob(os.path.join(package, "**", "*.py"), recursive=True):
        text = open(path, encoding="utf-8").read()
        assert not re.search(r"^class \w+\(str\)", text, re.M), path           # no translating str subclasses
        assert "class Words" not in text, path
        other = set(re.findall(r'TranslationStringFactory\(\s*"(\w+)"', text)) - {domain}
        assert not other, (path, other)
