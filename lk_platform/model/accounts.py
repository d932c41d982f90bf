"""Personal accounts (лицевые счета): the core object every feature hangs off."""
from __future__ import annotations

import secrets
from decimal import Decimal

import colander
from pyramid.authorization import Allow

from lk_platform.i18n import _
from lk_platform.model.content import Content
from lk_platform.util.schematypes import DecimalText


class Account(Content):
    type_name = "account"
    searchable_fields = ("number", "holder", "address")

    number = ""
    settlement = ""
    street = ""
    house = ""
    building = ""
    apartment = ""
    holder = ""
    area = None           # Decimal, m²
    residents = 0
    services: tuple = ()
    receipt_code = ""
    closed = False
    holders: tuple = ()   # logins of users who hold the account
    delegates: tuple = () # ((login, (right, ...)), ...)

    def __init__(self, **values):
        values.setdefault("receipt_code", new_receipt_code())
        super().__init__(**values)

    @property
    def address(self) -> str:
        parts = [self.settlement, self.street and ("ул. " + self.street if not any(
            self.street.startswith(p) for p in ("ул", "пр", "пер", "б-р", "ш.", "пл")) else self.street),
            self.house and "д. " + self.house, self.building and "корп. " + self.building,
            self.apartment and "кв. " + self.apartment]
        return ", ".join(p for p in parts if p)

    @property
    def building_key(self) -> str:
        """Identifies the building (for windows, targeting and filters)."""
        return "|".join((self.settlement or "", self.street or "", self.house or "", self.building or ""))

    @property
    def __acl__(self):
        acl = [(Allow, "user:" + login, ("account.view", "account.act")) for login in self.holders]
        for login, rights in self.delegates:
            acl.append((Allow, "user:" + login, ("account.view",) + tuple("right:" + r for r in rights)))
        return acl

    def has_right(self, login: str, right: str) -> bool:
        if login in self.holders:
            return True
        return any(d == login and right in rights for d, rights in self.delegates)


def new_receipt_code() -> str:
    """Printed on receipts; proves holding the account at self-registration."""
    alphabet = "ACDEFHJKLMNPRTUVWXY34679"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def account_key(values) -> str:
    return str(values["number"]).strip()


class AccountSchema(colander.Schema):
    number = colander.SchemaNode(
        colander.String(), title=_("Номер лицевого счёта"),
        validator=colander.Regex(r"^[0-9A-Za-zА-Яа-я\-/]{1,32}$",
                                 msg=_("Только цифры, буквы, дефис и /, не длиннее 32 знаков")))
    holder = colander.SchemaNode(colander.String(), title=_("Владелец (ФИО)"),
                                 validator=colander.Length(max=200), missing="")
    settlement = colander.SchemaNode(colander.String(), title=_("Населённый пункт"),
                                     validator=colander.Length(max=100), missing="")
    street = colander.SchemaNode(colander.String(), title=_("Улица"),
                                 validator=colander.Length(max=100), missing="")
    house = colander.SchemaNode(colander.String(), title=_("Дом"),
                                validator=colander.Length(max=20))
    building = colander.SchemaNode(colander.String(), title=_("Корпус"),
                                   validator=colander.Length(max=20), missing="")
    apartment = colander.SchemaNode(colander.String(), title=_("Квартира"),
                                    validator=colander.Length(max=20), missing="")
    area = colander.SchemaNode(DecimalText(places=2, integer_digits=6, quant="0.01"), title=_("Площадь, м²"),
                               validator=colander.Range(min=Decimal("0"), max=Decimal("100000")),
                               missing=None)
    residents = colander.SchemaNode(colander.Integer(), title=_("Зарегистрировано жильцов"),
                                    validator=colander.Range(min=0, max=1000), missing=0)
    closed = colander.SchemaNode(colander.Boolean(), title=_("Счёт закрыт"), missing=False)
