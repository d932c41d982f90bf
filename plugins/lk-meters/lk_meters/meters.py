"""The meter: a content type with a generated admin, kept in each
organisation's ``meters`` folder (catalogued on account, resource,
building, status and next verification date).

Its readings live inside it, in ``meter.history`` (see :mod:`.readings`),
so a resident's form touches only their own meters' records.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import colander
import deform
from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from pyramid.authorization import Allow

from lk_platform.caching import rendercache
from lk_platform.model.content import Content
from lk_platform.model.organisations import find_organisation

from .i18n import _
from .vocabulary import METER_STATUSES, PLACES, TARIFF_NAMES, resources_of

CONTAINER = "meters"
QUANTA = {n: Decimal(1).scaleb(-n) for n in range(0, 7)}
#: Field indexes of the meters folder (beyond the admin's columns).
INDEXED = ("account", "resource", "building", "status", "next_verification", "serial")
SUBMIT_RIGHT = "meters.submit"


class Meter(Content):
    type_name = "meter"
    searchable_fields = ("serial", "account")

    account = ""
    resource = "cold_water"
    unit = ""
    serial = ""
    place = ""
    tariffs = 1
    tariff_names = ""
    automatic = False
    int_digits = 5
    frac_digits = 3
    installed = None
    verified = None
    next_verification = None
    status = "active"
    replaced_by = ""
    initial_1 = initial_2 = initial_3 = initial_4 = None
    comment = ""
    #: The next verification date a reminder was last sent for.
    verification_reminded = None

    def __init__(self, **values):
        # Readings by ``period * 1000 + n`` (n counts resubmissions). Its own
        # record: a new reading never rewrites the catalogued meter.
        self.history = IOBTree()
        super().__init__(**values)

    # -- where it belongs ------------------------------------------------------
    @property
    def organisation(self):
        return find_organisation(self)

    def account_object(self):
        org = self.organisation
        folder = org.get("accounts") if org is not None else None
        return folder.get(self.account) if folder is not None and self.account else None

    @property
    def building(self) -> str:
        """The account's building key (indexed; windows can be set per building)."""
        account = self.account_object()
        return account.building_key if account is not None else ""

    @property
    def __acl__(self):
        # The account's holders, and delegates given the right to submit readings.
        account = self.account_object()
        if account is None:
            return []
        acl = [(Allow, "user:" + login, ("account.view", "account.act")) for login in account.holders]
        for login, rights in account.delegates:
            if SUBMIT_RIGHT in rights:
                acl.append((Allow, "user:" + login, ("account.view", "right:" + SUBMIT_RIGHT)))
        return acl

    # -- what it measures ------------------------------------------------------
    @property
    def id(self) -> int:
        return int(self.__name__)

    @property
    def resource_info(self):
        from .vocabulary import RESOURCES, Resource
        found = RESOURCES.get(self.resource)  # built-in: no need to read the settings
        if found is None:
            found = resources_of(self.organisation).get(self.resource) or Resource(self.resource, self.resource, "")
        return found

    @property
    def unit_label(self) -> str:
        return self.unit or self.resource_info.unit

    @property
    def tariff_labels(self) -> tuple[str, ...]:
        custom = tuple(n.strip() for n in (self.tariff_names or "").split(",") if n.strip())
        if len(custom) == self.tariffs:
            return custom
        return TARIFF_NAMES.get(self.tariffs, TARIFF_NAMES[1])

    def tariff_label(self, index: int) -> str:
        labels = self.tariff_labels
        return labels[index] if 0 <= index < len(labels) else ""

    @property
    def capacity(self) -> Decimal:
        """The first value the counter cannot show (it rolls over to zero)."""
        return Decimal(10) ** int(self.int_digits)

    @property
    def quantum(self) -> Decimal:
        return QUANTA.get(self.frac_digits) or Decimal(1).scaleb(-int(self.frac_digits))

    @property
    def initial_values(self) -> tuple[Decimal, ...]:
        values = (self.initial_1, self.initial_2, self.initial_3, self.initial_4)[:self.tariffs]
        return tuple(v if v is not None else Decimal(0) for v in values)

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def verification_expired(self, today: dt.date) -> bool:
        return self.next_verification is not None and self.next_verification < today

    @property
    def display_title(self) -> str:
        return _("${resource} № ${serial}", mapping={"resource": self.resource_info.short or self.resource_info.title,
                                                     "serial": self.serial or self.__name__})

    def format_value(self, value) -> str:
        """A reading as the meter shows it, with a decimal comma."""
        if value is None:
            return ""
        return format(Decimal(value).quantize(self.quantum), "f").replace(".", ",")


class CommaDecimal(colander.Decimal):
    """colander's Decimal, accepting a decimal comma and refusing exponents."""

    def num(self, cstruct):
        text = str(cstruct).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text or any(c not in "0123456789.-" for c in text):
            raise InvalidOperation(cstruct)
        return Decimal(text)


@colander.deferred
def _resource_widget(node, kw):
    values = [(r.code, r.title) for r in resources_of(kw.get("organisation")).values()]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _resource_validator(node, kw):
    return colander.OneOf(list(resources_of(kw.get("organisation"))))


@colander.deferred
def _account_validator(node, kw):
    org = kw.get("organisation")

    def exists(node, value):
        folder = org.get("accounts") if org is not None else None
        if folder is None or folder.get(value.strip()) is None:
            raise colander.Invalid(node, "Лицевой счёт № %s не найден в этой организации" % value)
    return exists


def _digits_of(value: Decimal) -> int:
    return len(str(int(abs(value)))) if abs(value) >= 1 else 1


@colander.deferred
def _meter_validator(node, kw):
    org = kw.get("organisation")
    context = kw.get("context")

    def check(node, value):
        exc = colander.Invalid(node)
        tariffs = value.get("tariffs") or 1
        names = [n for n in (value.get("tariff_names") or "").split(",") if n.strip()]
        if names and len(names) != tariffs:
            exc["tariff_names"] = "Названий тарифов должно быть столько же, сколько тарифов (%d)" % tariffs
        verified, due = value.get("verified"), value.get("next_verification")
        if verified and due and due <= verified:
            exc["next_verification"] = "Дата следующей поверки должна быть позже даты последней поверки"
        if value.get("status") == "replaced":
            new = (value.get("replaced_by") or "").strip()
            folder = org.get(CONTAINER) if org is not None else None
            if not new:
                exc["replaced_by"] = "Укажите номер (ID) нового счётчика, которым заменён этот"
            elif folder is None or folder.get(new) is None or new == getattr(context, "__name__", None):
                exc["replaced_by"] = "Счётчик с ID %s не найден" % new
        for n in range(1, 5):
            initial = value.get("initial_%d" % n)
            if initial is None:
                continue
            if n > tariffs:
                exc["initial_%d" % n] = "У счётчика %d тариф(а): это начальное показание лишнее" % tariffs
            elif initial < 0:
                exc["initial_%d" % n] = "Показание не может быть отрицательным"
            elif _digits_of(initial) > (value.get("int_digits") or 5):
                exc["initial_%d" % n] = "Больше цифр до запятой, чем у счётчика (%d)" % value.get("int_digits")
        if exc.children:
            raise exc
    return check


class MeterSchema(colander.Schema):
    account = colander.SchemaNode(colander.String(), title="Лицевой счёт", preparer=lambda v: v.strip()
                                  if isinstance(v, str) else v, validator=_account_validator)
    resource = colander.SchemaNode(colander.String(), title="Ресурс", widget=_resource_widget,
                                   validator=_resource_validator)
    serial = colander.SchemaNode(colander.String(), title="Заводской номер", validator=colander.Length(1, 40))
    unit = colander.SchemaNode(colander.String(), title="Единица измерения (пусто — по ресурсу)",
                               missing="", validator=colander.Length(max=20))
    place = colander.SchemaNode(colander.String(), title="Место установки", missing="",
                                widget=deform.widget.SelectWidget(values=[("", "—")] + list(PLACES.items())),
                                validator=colander.OneOf([""] + list(PLACES)))
    tariffs = colander.SchemaNode(colander.Integer(), title="Количество тарифов", missing=1,
                                  validator=colander.Range(1, 4, min_err="От 1 до 4", max_err="От 1 до 4"))
    tariff_names = colander.SchemaNode(
        colander.String(), title="Названия тарифов через запятую (пусто — День, Ночь / Пик, Полупик, Ночь)",
        missing="", validator=colander.Length(max=120))
    automatic = colander.SchemaNode(colander.Boolean(), title="Автоматический (дистанционный съём — "
                                    "жители не передают показания)", missing=False)
    int_digits = colander.SchemaNode(colander.Integer(), title="Разрядность: цифр до запятой", missing=5,
                                     validator=colander.Range(1, 12, min_err="От 1 до 12", max_err="От 1 до 12"))
    frac_digits = colander.SchemaNode(colander.Integer(), title="Разрядность: цифр после запятой", missing=3,
                                      validator=colander.Range(0, 6, min_err="От 0 до 6", max_err="От 0 до 6"))
    installed = colander.SchemaNode(colander.Date(), title="Дата установки", missing=None)
    verified = colander.SchemaNode(colander.Date(), title="Дата последней поверки", missing=None)
    next_verification = colander.SchemaNode(colander.Date(), title="Дата следующей поверки", missing=None)
    status = colander.SchemaNode(colander.String(), title="Состояние", missing="active",
                                 widget=deform.widget.SelectWidget(values=list(METER_STATUSES.items())),
                                 validator=colander.OneOf(list(METER_STATUSES)))
    replaced_by = colander.SchemaNode(colander.String(), title="Заменён счётчиком (ID)", missing="",
                                      validator=colander.Length(max=20))
    initial_1 = colander.SchemaNode(CommaDecimal(), title="Начальное показание (тариф 1)", missing=None)
    initial_2 = colander.SchemaNode(CommaDecimal(), title="Начальное показание (тариф 2)", missing=None)
    initial_3 = colander.SchemaNode(CommaDecimal(), title="Начальное показание (тариф 3)", missing=None)
    initial_4 = colander.SchemaNode(CommaDecimal(), title="Начальное показание (тариф 4)", missing=None)
    comment = colander.SchemaNode(colander.String(), title="Примечание", missing="",
                                  widget=deform.widget.TextAreaWidget(rows=2), validator=colander.Length(max=500))


def meter_schema():
    return MeterSchema(validator=_meter_validator)


def meters_folder(organisation):
    return organisation.get(CONTAINER) if organisation is not None else None


def ensure_meter_indexes(organisation):
    folder = organisation.container(CONTAINER, "meter")
    folder.ensure_indexes(fields=INDEXED, text=True)
    if getattr(folder, "buildings", None) is None:
        # building key (lower case, as indexed) -> address of the building, for
        # filters and window overrides without resolving meters per request.
        folder.buildings = OOBTree()
    return folder


def note_building(organisation, meter):
    """Remember the meter's building and its address (after add or edit)."""
    folder = meters_folder(organisation)
    account = meter.account_object()
    if folder is None or account is None:
        return
    if getattr(folder, "buildings", None) is None:
        folder.buildings = OOBTree()
    key = account.building_key.lower()
    title = building_title(account)
    if folder.buildings.get(key) != title:
        folder.buildings[key] = title
        if getattr(folder, "buildings_version", None) is None:
            folder.buildings_version = Length()
        folder.buildings_version.change(1)


def buildings_stamp(organisation):
    """A key that changes whenever the list of buildings does (the stored
    version counter's committed state), or None when it cannot be cached."""
    folder = meters_folder(organisation)
    version = getattr(folder, "buildings_version", None) if folder is not None else None
    return rendercache.state(version) if version is not None else None


def building_title(account) -> str:
    parts = [account.settlement, account.street, account.house and "д. " + account.house,
             account.building and "корп. " + account.building]
    return ", ".join(p for p in parts if p)


def known_buildings(organisation) -> list[tuple[str, str]]:
    """``[(building key, address)]`` of the buildings that have meters."""
    folder = meters_folder(organisation)
    found = getattr(folder, "buildings", None) if folder is not None else None
    return sorted(found.items(), key=lambda kv: kv[1]) if found else []


def meters_of_account(organisation, number: str) -> list[Meter]:
    """The account's meters through the catalog (never a scan of the folder)."""
    folder = meters_folder(organisation)
    if folder is None or "f_account" not in folder.catalog:
        return []
    docids = folder.catalog["f_account"].eq(str(number).lower()).execute().ids
    return sorted((folder.resolve(d) for d in docids), key=lambda m: m.id)
