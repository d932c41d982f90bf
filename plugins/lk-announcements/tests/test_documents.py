"""The organisation's public page: pages and documents readable without login."""
import io
import re
import zipfile

import pytest
from webtest import Upload

from lk_announcements.demo import tiny_pdf
from lk_announcements.models import PublicDocument, PublicPage
from lk_platform.testing import DB
from lk_platform.util.files import sniff


def _docx(name="word/document.xml"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, "<w:document/>")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_public_page_shows_sections_and_document_without_login(demo_browser):
    page = demo_browser.get("/o/vodokanal/")
    text = page.text
    for section in ("Контакты", "Режим работы", "Тарифы", "Документы"):
        assert "<h2>%s</h2>" % section in text
    assert text.index("<h2>Контакты</h2>") < text.index("<h2>Режим работы</h2>") < text.index("<h2>Тарифы</h2>")
    assert "52,35 ₽ за м³" in text
    link = re.search(r'href="(http://localhost/o/vodokanal/public_documents/\d+/download)"', text).group(1)
    doc = demo_browser.get(link)
    assert doc.content_type == "application/pdf"
    assert doc.body.startswith(b"%PDF-1.4") and b"%%EOF" in doc.body[-10:]
    assert doc.headers["X-Content-Type-Options"] == "nosniff"
    assert "otchet-2025.pdf" in doc.headers["Content-Disposition"]


def test_demo_pdf_is_well_formed():
    data = tiny_pdf(["Hello (world)"])
    assert sniff(data) == "application/pdf"
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:xref + 4] == b"xref"
    # every object offset in the table points at "N 0 obj"
    table = data[xref:].split(b"\n")[3:8]
    for number, row in enumerate(table, 1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


def test_unpublished_page_and_document_are_not_public(demo_browser, lk_demo):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        page = PublicPage(title="Черновик тарифов", section="tariffs", body="секрет", published=False)
        org["public_pages"].add(page)
        org["public_pages"].reindex(page)
        doc = next(iter(org["public_documents"].values()))
        doc.published = False
        org["public_documents"].reindex(doc)
        page_name, doc_name = page.__name__, doc.__name__
    text = demo_browser.get("/o/vodokanal/").text
    assert "Черновик тарифов" not in text and "Отчёт о работе" not in text
    demo_browser.get("/o/vodokanal/public_pages/%s/" % page_name, status=404)
    demo_browser.get("/o/vodokanal/public_documents/%s/download" % doc_name, status=404)
    demo_browser.login("ivanov")   # a resident is not staff either
    demo_browser.get("/o/vodokanal/public_documents/%s/download" % doc_name, status=404)
    demo_browser.login("admin.vodokanal")   # staff may preview
    demo_browser.get("/o/vodokanal/public_pages/%s/" % page_name, status=200)
    demo_browser.get("/o/vodokanal/public_documents/%s/download" % doc_name, status=200)


def test_other_organisations_documents_cannot_be_reached_by_guessing(demo_browser, lk_demo):
    with DB(lk_demo) as platform:
        orgs = platform.organisations
        uk = orgs["uk-dom"]["public_documents"]
        extra = PublicDocument(title="Только УК", published=True,
                               file=next(iter(uk.values())).file)
        uk.add(extra)
        uk.reindex(extra)
        uk_name = extra.__name__
        vodokanal_names = set(orgs["vodokanal"]["public_documents"].keys())
    assert uk_name not in vodokanal_names
    demo_browser.get("/o/uk-dom/public_documents/%s/download" % uk_name, status=200)
    demo_browser.get("/o/vodokanal/public_documents/%s/download" % uk_name, status=404)
    demo_browser.get("/o/uk-dom-sever/public_documents/%s/download" % uk_name, status=404)
    for guess in ("0", "-1", "..", "%2e%2e", "99999", "1%00"):
        demo_browser.get("/o/vodokanal/public_documents/%s/download" % guess, status=404)
    demo_browser.get("/o/vodokanal/public_documents/@@admin", status=302)   # anonymous: to login


def _upload(staff, title, filename, data, status=None):
    form = staff.add_form("public_documents")
    form["title"] = title
    form["upload"] = Upload(filename, data, "application/octet-stream")
    form["published"] = True
    return form.submit("save", status=status)


@pytest.mark.parametrize("filename, data, kind, mimetype", [
    ("договор.docx", _docx(), "docx", "wordprocessingml"),
    ("tariffs.xlsx", _docx("xl/workbook.xml"), "xlsx", "spreadsheetml"),
    ("схема.png", PNG, "png", "image/png"),
    ("report.bin", tiny_pdf(["x"]), "pdf", "application/pdf"),   # the content decides, not the name
])
def test_staff_upload_checked_by_content(staff, demo_browser, lk_demo, filename, data, kind, mimetype):
    _upload(staff, "Документ " + kind, filename, data).follow()
    with DB(lk_demo) as platform:
        docs = [d for d in platform.organisations["vodokanal"]["public_documents"].values()
                if d.title == "Документ " + kind]
        assert len(docs) == 1 and mimetype in docs[0].file.content_type
        name = docs[0].__name__
        stored_name = docs[0].file.filename
    assert stored_name.endswith({"docx": ".docx", "xlsx": ".xlsx", "png": ".png", "pdf": ".pdf"}[kind])
    demo_browser.app.reset()
    response = demo_browser.get("/o/vodokanal/public_documents/%s/download" % name)
    assert mimetype in response.content_type and response.body == data
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Word and Excel are downloaded; PDF and pictures open in the browser.
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;" if kind in ("docx", "xlsx") else "inline;")
    assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("filename, data", [
    ("virus.pdf", b"MZ\x90\x00 not a pdf at all"),
    ("page.png", b"<svg onload=alert(1)></svg>"),
    ("archive.docx", _docx("other.xml")),
    ("broken.xlsx", b"PK\x03\x04 truncated"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_stored(staff, lk_demo, filename, data):
    page = _upload(staff, "Плохой файл", filename, data, status=200)
    assert "не похож на PDF, DOCX, XLSX или изображение" in page.text and filename in page.text
    with DB(lk_demo) as platform:
        assert not [d for d in platform.organisations["vodokanal"]["public_documents"].values()
                    if d.title == "Плохой файл"]


def test_new_document_needs_a_file_and_edit_keeps_it(staff, lk_demo):
    form = staff.add_form("public_documents")
    form["title"] = "Без файла"
    assert "Выберите файл" in form.submit("save", status=200).text
    with DB(lk_demo) as platform:
        doc = next(iter(platform.organisations["vodokanal"]["public_documents"].values()))
        name, oid = doc.__name__, doc.file._p_oid
    form = staff.browser.get("/o/vodokanal/public_documents/%s/@@edit" % name).forms["lkform"]
    form["title"] = "Отчёт (новое название)"
    form.submit("save").follow()
    with DB(lk_demo) as platform:
        doc = platform.organisations["vodokanal"]["public_documents"][name]
        assert doc.title == "Отчёт (новое название)" and doc.file._p_oid == oid


def test_size_limit_refuses_big_files(staff, lk_demo):
    lk_demo.registry.settings["announcements.max_document_bytes"] = "2000"
    page = _upload(staff, "Большой", "big.png", PNG + b"\x00" * 3000, status=200)
    assert "больше допустимого размера 2 КБ" in page.text
    _upload(staff, "Маленький", "small.png", PNG).follow()
    with DB(lk_demo) as platform:
        titles = {d.title for d in platform.organisations["vodokanal"]["public_documents"].values()}
    assert "Маленький" in titles and "Большой" not in titles


def test_public_page_body_sanitised_through_admin(staff, demo_browser):
    form = staff.add_form("public_pages")
    form["title"] = "Аварийные телефоны"
    form["section"] = "contacts"
    form["body"] = '<p>Звоните <a href="tel:112">112</a></p><script>steal()</script>'
    form["published"] = True
    page = form.submit("save").follow()
    assert "Из текста удалено небезопасное" in page.text
    demo_browser.app.reset()
    text = demo_browser.get("/o/vodokanal/").text
    assert 'href="tel:112"' in text and "steal()" not in text
