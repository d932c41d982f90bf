"""SECURITY.md stays true: every test module and test it names exists, and
every finding of the review has its module under tests/security/."""
from __future__ import annotations

import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEXT = open(os.path.join(REPO, "SECURITY.md"), encoding="utf-8").read()


def test_every_named_test_exists():
    missing = []
    for path, names in re.findall(r"`((?:tests|plugins)/[\w/.-]+\.py)((?:::\w+)?)`", TEXT):
        full = os.path.join(REPO, path)
        if not os.path.exists(full):
            missing.append(path)
        elif names and "def %s(" % names[2:] not in open(full, encoding="utf-8").read():
            missing.append(path + names)
    # bare names stand for tests of the path named before them: "`a.py::test_a`, `test_b`"
    for row in TEXT.splitlines():
        current = None
        for token in re.findall(r"`([^`]+)`", row):
            if re.match(r"(tests|plugins)/[\w/.-]+\.py", token):
                current = token.split("::")[0]
            elif current and re.fullmatch(r"test_\w+", token):
                full = os.path.join(REPO, current)
                if os.path.exists(full) and "def %s(" % token not in open(full, encoding="utf-8").read():
                    missing.append("%s::%s" % (current, token))
    assert missing == []


def test_every_finding_has_its_module():
    for number, module in re.findall(r"^\| (\d+)\. .*? \| `(test_finding_\d\d_\w+\.py)` \|$", TEXT, re.M):
        assert module.startswith("test_finding_%02d_" % int(number))
        assert os.path.exists(os.path.join(REPO, "tests", "security", module)), module
