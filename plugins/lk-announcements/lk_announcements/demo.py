"""Demo content: announcements (an urgent outage for one building, a notice
for everyone), public pages (contacts, schedule, tariffs) and one PDF.
Idempotent: each demo object carries a ``demo_key`` and is added only once.
The texts are content an organisation's staff would write: stored as
written (in Russian), not translated."""
from __future__ import annotations

import datetime as dt
import logging

from lk_platform.util.files import StoredFile, blobs_supported

from .models import CONTAINER, DOCUMENTS, PAGES, Announcement, PublicDocument, PublicPage

log = logging.getLogger(__name__)


def tiny_pdf(lines) -> bytes:
    """A valid one-page PDF with a few lines of ASCII text (Helvetica) and a
    correct cross-reference table."""
    text = "\n".join("(%s) Tj T*" % line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                     for line in lines)
    stream = ("BT /F1 14 Tf 16 TL 72 770 Td\n%s\nET" % text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _existing_keys(folder):
    return {getattr(obj, "demo_key", None) for obj in folder.values()}


def _add(folder, obj, key):
    obj.demo_key = key
    folder.add(obj)
    folder.reindex(obj)


def load(organisation, platform, users):
    now = organisation.now().replace(second=0, microsecond=0)
    folder = organisation.container(CONTAINER, "announcement")
    have = _existing_keys(folder)
    accounts = organisation.get("accounts")
    first = next(iter(accounts.values()), None) if accounts is not None else None
    if "welcome" not in have:
        _add(folder, Announcement(
            title="Добро пожаловать в личный кабинет",
            body="Здесь вы видите свои лицевые счета и объявления %s: об отключениях, работах "
                 "в доме и сроках.\n\nВопросы — по телефону %s." % (
                     organisation.display_name, organisation.phone or "диспетчерской"),
            importance="normal", target="all", pinned=True, publish_at=now - dt.timedelta(days=7)), "welcome")
    if "outage" not in have and first is not None:
        _add(folder, Announcement(
            title="Отключение холодной воды — %s" % _short_address(first),
            body="<p>В связи с ремонтом ввода <strong>холодная вода будет отключена</strong> "
                 "с 10:00 до 18:00.</p><ul><li>Запаситесь водой заранее.</li>"
                 "<li>Аварийная служба: %s.</li></ul>" % (organisation.phone or "112"),
            importance="outage", target="buildings", target_buildings=(first.building_key,),
            publish_at=now - dt.timedelta(hours=2), expire_at=now + dt.timedelta(days=3)), "outage")
    if "meters" not in have:
        _add(folder, Announcement(
            title="Передайте показания счётчиков до 25 числа",
            body="Показания, переданные после 25 числа, попадут в расчёт следующего месяца.",
            importance="normal", target="all", publish_at=now - dt.timedelta(days=1)), "meters")
    if organisation.parent_organisation is None:
        _public_pages(organisation, platform)


def _short_address(account):
    parts = [account.street and "ул. " + account.street, account.house and "д. " + account.house]
    return ", ".join(p for p in parts if p)


def _public_pages(organisation, platform):
    pages = organisation.container(PAGES, "public_page")
    have = _existing_keys(pages)
    specs = [
        ("contacts", PublicPage(
            title="Как с нами связаться", section="contacts", order=10, published=True,
            body="<p>Адрес: %s</p><p>Телефон: <a href=\"tel:%s\">%s</a><br>Эл. почта: "
                 "<a href=\"mailto:%s\">%s</a></p><p>Аварийно-диспетчерская служба работает круглосуточно.</p>" % (
                     organisation.address, (organisation.phone or "").replace(" ", ""), organisation.phone,
                     organisation.email, organisation.email))),
        ("schedule", PublicPage(
            title="Приём жителей", section="schedule", order=20, published=True,
            body="<ul><li>Понедельник — четверг: 9:00–18:00</li><li>Пятница: 9:00–16:45</li>"
                 "<li>Обед: 13:00–13:45</li><li>Суббота, воскресенье: выходной</li></ul>")),
        ("tariffs", PublicPage(
            title="Тарифы на 2026 год", section="tariffs", order=30, published=True,
            body="<ul><li>Холодное водоснабжение: 52,35 ₽ за м³</li><li>Водоотведение: 38,10 ₽ за м³</li>"
                 "<li>Содержание жилого помещения: 31,20 ₽ за м²</li></ul>"
                 "<p>Тарифы установлены решением региональной службы по тарифам.</p>")),
    ]
    for key, page in specs:
        if key not in have:
            _add(pages, page, key)
    documents = organisation.container(DOCUMENTS, "public_document")
    if "report" not in _existing_keys(documents):
        if not blobs_supported(platform):
            log.warning("demo: %s has no blob storage; the demo PDF is skipped", organisation.slug)
            return
        data = tiny_pdf(["%s" % organisation.slug, "Annual report 2025 (demo)", "Otchet o rabote za 2025 god"])
        _add(documents, PublicDocument(title="Отчёт о работе за 2025 год", description="Годовой отчёт (демо)",
                                       file=StoredFile(data, "otchet-2025.pdf", "application/pdf"), order=10, published=True),
             "report")
