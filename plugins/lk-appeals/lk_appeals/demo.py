"""Demo data: a staff member for appeals at each top-level organisation,
routes for the categories, and a few appeals of the demo residents in
different states (new and overdue, in work with a staff note, waiting for
the resident with a photo, resolved and rated). Idempotent.

Times are counted back from now in the organisation's working days, so
every state holds on any day: the unanswered appeal is overdue on a Monday
morning or after the New Year holidays too, and none is due yet that should
not be."""
from __future__ import annotations

import datetime as dt
import functools
import struct
import zlib

from lk_platform.demo import DEMO_PASSWORD
from lk_platform.model.users import create_user, grant_role
from lk_platform.util.dates import utcnow
from lk_platform.util.passwords import hash_password

from .routing import active_categories, open_appeal
from .settings import appeal_settings
from .uploads import Upload

STAFF = {
    "vodokanal": ("appeals.vodokanal", "Соколова Вера (обращения)", "appeals@vodokanal.example"),
    "uk-dom": ("appeals.ukdom", "Гришин Павел (обращения)", "appeals@uk.example"),
}

# org -> [(account, author, category title prefix, subject, text, working days ago, script)]
APPEALS = {
    "vodokanal": [
        ("1000001", "ivanov", "Перерасчёт", "Нет горячей воды с 3 по 10 число",
         "Прошу сделать перерасчёт за горячую воду: её не было неделю, с 3 по 10 число.", 6,
         [("answer", 5, "Здравствуйте! Проверяем журнал отключений, ответим в течение трёх рабочих дней."),
          ("note", 5, "Запросить журнал у диспетчерской, участок 4.")]),
        ("1000002", "petrova", "Качество", "Ржавая вода из крана",
         "Уже второй день из холодного крана идёт ржавая вода.", 20,
         [("answer", 19, "Проведена промывка стояка, вода соответствует нормам. Проверьте, пожалуйста."),
          ("status", 10, "resolved"), ("rate", 9, 4)]),
        ("1000001", "ivanov", "Замена", "Поверка счётчика холодной воды",
         "Срок поверки счётчика ХВС истекает в следующем месяце. Когда можно вызвать мастера?", 3, []),
    ],
    "uk-dom": [
        ("2000001", "ivanov", "Ремонт", "Протекает крыша над кухней",
         "После дождя на потолке кухни мокрое пятно, фото прилагаю.", 1,
         [("answer", 0, "Пришлите, пожалуйста, фото с чердака или сообщите, когда вы дома для осмотра."),
          ("status", 0, "waiting")]),
    ],
    "uk-dom-sever": [
        ("3000001", "petrova", "Другое", "Не работает домофон",
         "В подъезде № 2 второй день не работает домофон.", 0, []),
    ],
}


def demo_png(width=64, height=48) -> bytes:
    """A small real PNG (a blue gradient), made without any imaging library."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (40, 90 + y * 2, 160 + x)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _staff(organisation, platform, registry):
    """The top-level organisation's appeals specialist (sub-organisations use the parent's)."""
    top = organisation
    while top.parent_organisation is not None:
        top = top.parent_organisation
    spec = STAFF.get(top.slug)
    if spec is None:
        return None
    login, name, email = spec
    user = platform.users.get(login)
    if user is None:
        user = create_user(platform, login, None, name=name, email=email)
        user.password_hash = _demo_hash()
        user.password_changed = user.created
    if "appeals_operator" not in top.staff.get(login, ()):
        grant_role(top, user, "appeals_operator", registry)
    return user


@functools.cache
def _demo_hash():
    # Hashing is slow on purpose; every test that loads the demo would pay it.
    return hash_password(DEMO_PASSWORD)


def working_days_ago(calendar, now: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day ``days`` working days before ``now``."""
    local = now.astimezone(calendar.tz)
    day = local.date()
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while not calendar.is_workday(day):
            day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, local.time(), tzinfo=calendar.tz).astimezone(dt.timezone.utc)




def load(organisation, platform, users, registry):
    folder = organisation.get("appeals")
    if folder is None or getattr(folder, "appeals_demo_loaded", False):
        return
    staff = _staff(organisation, platform, registry)
    categories = active_categories(organisation)
    for category in categories:
        if staff is not None and category.title.startswith("Ремонт"):
            category.default_assignee = staff.login
        elif not category.default_role and not category.default_assignee:
            category.default_role = "appeals_operator"
    settings = appeal_settings(organisation)
    now = utcnow()
    accounts = organisation.get("accounts")
    for number, login, prefix, subject, text, days, script in APPEALS.get(organisation.slug, []):
        account = accounts.get(number) if accounts is not None else None
        author = users.get(login) or platform.users.get(login)
        category = next((c for c in categories if c.title.startswith(prefix)), categories[-1] if categories else None)
        if account is None or author is None or category is None:
            continue
        created = working_days_ago(settings.calendar, now, days) - dt.timedelta(hours=2)
        uploads = [Upload("крыша.png", "image/png", demo_png())] if "крыша" in subject else []
        appeal = open_appeal(folder, when=created, account=account, author=author, category=category,
                             subject=subject, text=text, uploads=uploads, calendar=settings.calendar)
        worker = staff or author
        for step, ago, value in script:
            when = working_days_ago(settings.calendar, now, ago) - dt.timedelta(hours=1)
            if step == "answer":
                if appeal.status == "new":
                    appeal.set_status(when, worker.login, worker.display_title, "in_progress")
                appeal.add_message(when, worker.login, worker.display_title, value, staff=True)
            elif step == "note":
                appeal.add_message(when, worker.login, worker.display_title, value, staff=True, internal=True)
            elif step == "status":
                appeal.set_status(when, worker.login, worker.display_title, value)
            elif step == "rate":
                appeal.rate(when, author.login, author.display_title, value, "Быстро отреагировали, спасибо.")
    folder.appeals_demo_loaded = True
