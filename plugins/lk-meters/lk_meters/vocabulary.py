"""The fixed word lists of the plugin: resources, tariffs, places, sources,
who submitted, statuses, as translation strings (codes are stored, words
are shown in the reader's language). Organisations add their own
resources in the plugin settings (``extra_resources``, see
:func:`.settings.resources_of`); everything else is fixed here so exports
and filters stay stable. Months come from ``lk_platform.util.periods``."""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import _


@dataclass(frozen=True)
class Resource:
    code: str
    title: str
    unit: str
    short: str = ""


RESOURCES = {
    "cold_water": Resource("cold_water", _("Холодная вода"), _("м³"), _("ХВС")),
    "hot_water": Resource("hot_water", _("Горячая вода"), _("м³"), _("ГВС")),
    "electricity": Resource("electricity", _("Электроэнергия"), _("кВт·ч"), _("ЭЛ")),
    "gas": Resource("gas", _("Газ"), _("м³"), _("ГАЗ")),
    "heat": Resource("heat", _("Тепловая энергия"), _("Гкал"), _("ТЕПЛО")),
}


#: Names of the tariff zones by number of tariffs (what Russian multi-tariff
#: electricity meters show).
TARIFF_NAMES = {
    1: ("",),
    2: (_("День"), _("Ночь")),
    3: (_("Пик"), _("Полупик"), _("Ночь")),
    4: (_("Т1"), _("Т2"), _("Т3"), _("Т4")),
}

PLACES = {
    "kitchen": _("Кухня"),
    "bathroom": _("Ванная"),
    "toilet": _("Туалет"),
    "hallway": _("Коридор"),
    "stairwell": _("Лестничная клетка"),
    "basement": _("Подвал"),
    "outside": _("На улице"),
    "other": _("Другое"),
}

#: Where a reading came from.
SOURCES = {
    "web": _("Личный кабинет"),
    "mobile": _("Мобильное приложение / API"),
    "call": _("Звонок в организацию"),
    "visit": _("Обход или визит"),
    "email": _("Эл. почта"),
    "messenger": _("Мессенджер"),
    "import": _("Импорт"),
    "external": _("Внешняя система"),
}
STAFF_SOURCES = ("call", "visit", "email", "messenger", "web")

#: Who submitted it.
SUBMITTERS = {
    "resident": _("Житель"),
    "delegate": _("Доверенное лицо"),
    "staff": _("Сотрудник"),
    "import": _("Импорт"),
    "api": "API",
}

STATUSES = {
    "received": _("Получено"),
    "accepted": _("Принято"),
    "rejected": _("Отклонено"),
    "exported": _("Выгружено в биллинг"),
}

METER_STATUSES = {
    "active": _("Работает"),
    "archived": _("В архиве"),
    "replaced": _("Заменён"),
}

BILLING_STATUSES = {
    "approved": _("Принято биллингом"),
    "declined": _("Отклонено биллингом"),
}
