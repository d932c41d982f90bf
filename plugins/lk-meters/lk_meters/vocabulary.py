"""The fixed word lists of the plugin: resources, tariffs, places, sources,
who submitted, statuses. Organisations add their own resources in the
plugin settings (``extra_resources``); everything else is fixed here so
exports and filters stay stable."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    code: str
    title: str
    unit: str
    short: str = ""


RESOURCES = {
    "cold_water": Resource("cold_water", "Холодная вода", "м³", "ХВС"),
    "hot_water": Resource("hot_water", "Горячая вода", "м³", "ГВС"),
    "electricity": Resource("electricity", "Электроэнергия", "кВт·ч", "ЭЛ"),
    "gas": Resource("gas", "Газ", "м³", "ГАЗ"),
    "heat": Resource("heat", "Тепловая энергия", "Гкал", "ТЕПЛО"),
}


def resources_of(organisation) -> dict[str, Resource]:
    """The built-in resources plus the organisation's own (settings)."""
    from .orgsettings import meter_settings
    found = dict(RESOURCES)
    if organisation is not None:
        for extra in meter_settings(organisation).extra_resources:
            found.setdefault(extra.code, extra)
    return found


def resource_title(organisation, code: str) -> str:
    res = resources_of(organisation).get(code)
    return res.title if res is not None else code


#: Names of the tariff zones by number of tariffs (what Russian multi-tariff
#: electricity meters show).
TARIFF_NAMES = {
    1: ("",),
    2: ("День", "Ночь"),
    3: ("Пик", "Полупик", "Ночь"),
    4: ("Т1", "Т2", "Т3", "Т4"),
}

PLACES = {
    "kitchen": "Кухня",
    "bathroom": "Ванная",
    "toilet": "Туалет",
    "hallway": "Коридор",
    "stairwell": "Лестничная клетка",
    "basement": "Подвал",
    "outside": "На улице",
    "other": "Другое",
}

#: Where a reading came from.
SOURCES = {
    "web": "Личный кабинет",
    "mobile": "Мобильное приложение / API",
    "call": "Звонок в организацию",
    "visit": "Обход или визит",
    "email": "Эл. почта",
    "messenger": "Мессенджер",
    "import": "Импорт",
    "external": "Внешняя система",
}
STAFF_SOURCES = ("call", "visit", "email", "messenger", "web")

#: Who submitted it.
SUBMITTERS = {
    "resident": "Житель",
    "delegate": "Доверенное лицо",
    "staff": "Сотрудник",
    "import": "Импорт",
    "api": "API",
}

STATUSES = {
    "received": "Получено",
    "accepted": "Принято",
    "rejected": "Отклонено",
    "exported": "Выгружено в биллинг",
}

METER_STATUSES = {
    "active": "Работает",
    "archived": "В архиве",
    "replaced": "Заменён",
}

BILLING_STATUSES = {
    "approved": "Принято биллингом",
    "declined": "Отклонено биллингом",
}

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
