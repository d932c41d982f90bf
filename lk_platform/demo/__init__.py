"""Demo data for ``make run`` and ``lk demo``: an operator, two organisations
(one with a sub-organisation), staff with different roles, residents with
accounts at both. Idempotent: running it again changes nothing."""
from __future__ import annotations

from decimal import Decimal

from lk_platform.model.accounts import Account
from lk_platform.model.organisations import create_organisation, enable_plugin
from lk_platform.model.users import create_user, grant_role, link_account

DEMO_PASSWORD = "Demo-kabinet-2026"

ORGANISATIONS = [
    dict(slug="vodokanal", title="Водоканал-Сервис", legal_name="ООО «Водоканал-Сервис»",
         inn="7701234560", kpp="770101001", phone="+7 495 123-45-67", email="info@vodokanal.example",
         address="г. Москва, ул. Водопроводная, д. 1", timezone="Europe/Moscow", theme="default",
         primary_color="#1f5fa8", accent_color="#f2a900",
         footer="ООО «Водоканал-Сервис», диспетчерская: +7 495 123-45-67"),
    dict(slug="uk-dom", title="УК «Наш дом»", legal_name="ООО «Управляющая компания „Наш дом“»",
         inn="6601234565", kpp="660101001", phone="+7 343 765-43-21", email="dom@uk.example",
         address="г. Екатеринбург, ул. Ленина, д. 10", timezone="Asia/Yekaterinburg", theme="harbor",
         primary_color="#0b6e4f", accent_color="#e07a1f",
         footer="УК «Наш дом» — приём жителей пн–пт 9:00–18:00"),
    dict(slug="uk-dom-sever", parent="uk-dom", title="УК «Наш дом» — Северный участок",
         legal_name="ООО «Наш дом — Север»", inn="6601234572", kpp="660101001",
         timezone="Asia/Yekaterinburg", theme="harbor", primary_color="#0b6e4f", accent_color="#e07a1f"),
]

#: login -> (name, e-mail, operator?, [(org, role)])
USERS = {
    "operator": ("Оператор платформы", "operator@lk.example", True, []),
    "admin.vodokanal": ("Смирнова Анна (администратор)", "admin@vodokanal.example", False,
                        [("vodokanal", "org_admin")]),
    "clerk.vodokanal": ("Кузнецов Олег (лицевые счета)", "clerk@vodokanal.example", False,
                        [("vodokanal", "accounts_clerk")]),
    "admin.ukdom": ("Морозов Илья (администратор)", "admin@uk.example", False, [("uk-dom", "org_admin")]),
    "support.ukdom": ("Белова Ольга (поддержка)", "support@uk.example", False, [("uk-dom", "support")]),
    "ivanov": ("Иванов Иван Иванович", "ivanov@mail.example", False, []),
    "petrova": ("Петрова Мария Сергеевна", "petrova@mail.example", False, []),
}

ACCOUNTS = [
    # org, number, holder login, street, house, apartment, area, residents
    ("vodokanal", "1000001", "ivanov", "Садовая", "5", "12", "54.30", 3),
    ("vodokanal", "1000002", "petrova", "Садовая", "5", "27", "41.00", 2),
    ("vodokanal", "1000003", None, "Лесная", "8", "3", "63.20", 4),
    ("uk-dom", "2000001", "ivanov", "Ленина", "10", "45", "72.10", 3),
    ("uk-dom", "2000002", None, "Ленина", "10", "46", "38.50", 1),
    ("uk-dom-sever", "3000001", "petrova", "Северная", "2", "7", "50.00", 2),
]

LOGINS = [(login, DEMO_PASSWORD, data[0]) for login, data in USERS.items()]


def load_demo(platform, registry):
    """Create whatever of the demo is missing; returns the users by login."""
    for spec in ORGANISATIONS:
        spec = dict(spec)
        slug = spec.pop("slug")
        if slug not in platform.organisations:
            create_organisation(platform, registry, slug, **spec)
        org = platform.organisations[slug]
        for name in registry.lk.plugins.optional:
            enable_plugin(org, registry, name)
    users = {}
    for login, (name, email, operator, roles) in USERS.items():
        user = platform.users.get(login) or create_user(platform, login, DEMO_PASSWORD, name=name, email=email,
                                                        is_operator=operator)
        for slug, role in roles:
            grant_role(platform.organisations[slug], user, role, registry)
        users[login] = user
    for slug, number, holder, street, house, apt, area, residents in ACCOUNTS:
        folder = platform.organisations[slug]["accounts"]
        account = folder.get(number)
        if account is None:
            account = Account(number=number, holder=USERS[holder][0] if holder else "Собственник кв. " + apt,
                              settlement="г. Москва" if slug == "vodokanal" else "г. Екатеринбург",
                              street=street, house=house, apartment=apt, area=Decimal(area), residents=residents)
            folder.add(account, number)
            folder.reindex(account)
        if holder:
            link_account(users[holder], account)
    for slug in [o["slug"] for o in ORGANISATIONS]:
        org = platform.organisations[slug]
        hooks = registry.lk.plugins.scoped(org.enabled_plugins)
        hooks.lk_demo_data(organisation=org, platform=platform, users=users, registry=registry)
    return users
