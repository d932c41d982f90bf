"""The announcement content type: schema, stored object and targeting.

Targeting is stored as audience tokens in a keyword index, so "what may
this resident see" is one index query: the tokens of the resident's
accounts (organisation, building, street, services) against the tokens of
each announcement.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import colander
import deform

from lk_platform.model.accounts import Account
from lk_platform.model.content import Content

from .sanitise import SafeHTML, SanitisedBody, sanitised_notice

CONTAINER = "announcements"

IMPORTANCE = (
    ("normal", "Обычное"),
    ("urgent", "Срочное"),
    ("outage", "Авария или отключение"),
)
URGENT = ("urgent", "outage")

TARGETS = (
    ("all", "Вся организация"),
    ("buildings", "Отдельные дома"),
    ("streets", "Отдельные улицы"),
    ("service", "Получатели услуги"),
)
TARGET_FIELDS = {"buildings": "target_buildings", "streets": "target_streets", "service": "target_services"}

# Stands for "never expires" in the expiry index (None would not be indexed).
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc)

# Fields and keywords indexed in the announcements folder.
INDEX_FIELDS = ("publish_at", "active_until", "importance", "pinned", "mail_pending")
INDEX_KEYWORDS = ("audience",)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """Stored datetimes are UTC: ZoneInfo zones do not pickle into ZODB, and
    the organisation's zone is applied when shown or edited."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(dt.timezone.utc)


def _norm(value) -> str:
    return " ".join(str(value or "").split()).lower()


def building_token(building_key: str) -> str:
    return "b:" + _norm(building_key)


def street_key(account) -> str:
    """Settlement and street: one street, even where two towns share a name."""
    return "%s|%s" % (account.settlement or "", account.street or "")


def street_token(key: str) -> str:
    return "s:" + _norm(key)


def service_token(service: str) -> str:
    return "svc:" + _norm(service)


def account_tokens(accounts) -> set[str]:
    """Every audience token that reaches a holder of ``accounts``."""
    tokens = {"all"}
    for account in accounts:
        tokens.add(building_token(account.building_key))
        if account.street:
            tokens.add(street_token(street_key(account)))
        for service in account.services or ():
            tokens.add(service_token(service))
    return tokens


class Announcement(SanitisedBody, Content):
    type_name = "announcement"
    searchable_fields = ("title", "body_text")

    title = ""
    body = ""
    importance = "normal"
    pinned = False
    target = "all"
    target_buildings: tuple = ()
    target_streets: tuple = ()
    target_services: tuple = ()
    publish_at = None
    expire_at = None
    notify_email = False
    notified_at = None     # when the e-mail went out (never twice)
    notified_count = 0

    def set_values(self, values: dict) -> dict:
        for name in ("publish_at", "expire_at"):
            if isinstance(values.get(name), dt.datetime):
                values = dict(values, **{name: to_utc(values[name])})
        for name in TARGET_FIELDS.values():
            if name in values:
                values = dict(values, **{name: tuple(sorted(values[name] or ()))})
        return super().set_values(values)

    @property
    def urgent(self) -> bool:
        return self.importance in URGENT

    @property
    def importance_title(self) -> str:
        return dict(IMPORTANCE).get(self.importance, self.importance)

    @property
    def audience(self) -> tuple:
        if self.target == "buildings":
            return tuple(sorted({building_token(k) for k in self.target_buildings}))
        if self.target == "streets":
            return tuple(sorted({street_token(k) for k in self.target_streets}))
        if self.target == "service":
            return tuple(sorted({service_token(k) for k in self.target_services}))
        return ("all",)

    @property
    def active_until(self):
        return self.expire_at or NEVER

    @property
    def mail_pending(self):
        """True while an e-mail is wanted and not yet sent (None is not indexed)."""
        return True if self.notify_email and self.notified_at is None else None

    def is_live(self, now) -> bool:
        return self.publish_at is not None and self.publish_at <= now < self.active_until

    def status(self, now) -> str:
        if self.publish_at is None or self.publish_at > now:
            return "Запланировано"
        if self.active_until <= now:
            return "Снято с публикации"
        return "Опубликовано"


# --- targeting choices, from the organisation's accounts --------------------

def _accounts_index(organisation, name, keyword=False):
    folder = organisation.get("accounts")
    if folder is None:
        return None, None
    key = ("k_" if keyword else "f_") + name
    if key not in folder.catalog:
        folder.ensure_indexes(keywords=(name,)) if keyword else folder.ensure_indexes(fields=(name,))
    return folder, folder.catalog[key]


def building_label(account) -> str:
    return Account.address.fget(SimpleNamespace(settlement=account.settlement, street=account.street,
                                                house=account.house, building=account.building, apartment=""))


def street_label(account) -> str:
    return Account.address.fget(SimpleNamespace(settlement=account.settlement, street=account.street,
                                                house="", building="", apartment=""))


def _sample_accounts(organisation):
    """One account per distinct building (read through the index, not by
    walking every account)."""
    folder, index = _accounts_index(organisation, "building_key")
    if index is None:
        return []
    out = []
    for value in index.unique_values():
        ids = index.eq(value).execute().ids
        for docid in ids:
            out.append(folder.resolve(docid))
            break
    return out


def building_choices(organisation):
    seen = {}
    for account in _sample_accounts(organisation):
        seen.setdefault(account.building_key, building_label(account))
    return sorted(seen.items(), key=lambda kv: _natural(kv[1]))


def street_choices(organisation):
    seen = {}
    for account in _sample_accounts(organisation):
        if account.street:
            seen.setdefault(street_key(account), street_label(account))
    return sorted(seen.items(), key=lambda kv: _natural(kv[1]))


def service_choices(organisation):
    _folder, index = _accounts_index(organisation, "services", keyword=True)
    if index is None:
        return []
    return [(s, s) for s in sorted(index.unique_values(), key=_natural) if isinstance(s, str) and s]


def _natural(text):
    """Sort "д. 9" before "д. 10"."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text or "")]


def _choices_with_current(choices, context, field):
    """Values already chosen stay valid even if their accounts are gone."""
    current = getattr(context, field, ()) if isinstance(context, Announcement) else ()
    known = {k for k, _t in choices}
    return choices + [(v, v) for v in current if v not in known]


def _targets_node(name, title, source, description):
    @colander.deferred
    def widget(node, kw):
        values = _choices_with_current(source(kw["organisation"]), kw.get("context"), name)
        return deform.widget.CheckboxChoiceWidget(values=values)

    @colander.deferred
    def validator(node, kw):
        values = _choices_with_current(source(kw["organisation"]), kw.get("context"), name)
        allowed = {k for k, _t in values}

        def check(node, value):
            unknown = [v for v in value if v not in allowed]
            if unknown:
                raise colander.Invalid(node, "Нет среди лицевых счетов организации: %s" % ", ".join(unknown))
        return check

    return colander.SchemaNode(colander.Set(), name=name, title=title, description=description,
                               widget=widget, validator=validator, missing=(),
                               preparer=lambda v: tuple(sorted(v)) if v else ())


class LocalDateTime(colander.DateTime):
    """Shown and entered in the organisation's zone, kept in UTC."""

    def serialize(self, node, appstruct):
        if isinstance(appstruct, dt.datetime) and appstruct.tzinfo is not None:
            appstruct = appstruct.astimezone(self.default_tzinfo)
        return super().serialize(node, appstruct)

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        return to_utc(value) if isinstance(value, dt.datetime) else value


@colander.deferred
def _org_datetime(node, kw):
    return LocalDateTime(default_tzinfo=kw["organisation"].tz)


@colander.deferred
def _now_default(node, kw):
    return kw["organisation"].now().replace(second=0, microsecond=0)


class AnnouncementSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title="Заголовок", validator=colander.Length(3, 200))
    body = colander.SchemaNode(
        SafeHTML(), title="Текст", widget=deform.widget.TextAreaWidget(rows=10),
        description="Пустая строка начинает новый абзац. Можно использовать <p>, <br>, <strong>, <em>, "
                    "списки <ul>/<ol>/<li> и ссылки <a href=\"https://…\">; остальное удаляется при сохранении.")
    importance = colander.SchemaNode(colander.String(), title="Важность",
                                     widget=deform.widget.SelectWidget(values=IMPORTANCE),
                                     validator=colander.OneOf([k for k, _t in IMPORTANCE]), missing="normal")
    pinned = colander.SchemaNode(colander.Boolean(), title="Закрепить вверху списка", missing=False)
    target = colander.SchemaNode(colander.String(), title="Кому",
                                 widget=deform.widget.SelectWidget(values=TARGETS),
                                 validator=colander.OneOf([k for k, _t in TARGETS]), missing="all")
    target_buildings = _targets_node("target_buildings", "Дома", building_choices,
                                     "Если выбрано «Отдельные дома»")
    target_streets = _targets_node("target_streets", "Улицы", street_choices,
                                   "Если выбрано «Отдельные улицы»")
    target_services = _targets_node("target_services", "Услуги", service_choices,
                                    "Если выбрано «Получатели услуги»")
    publish_at = colander.SchemaNode(_org_datetime, title="Опубликовать", default=_now_default,
                                     description="Время организации; объявление появится у жителей в это время")
    expire_at = colander.SchemaNode(_org_datetime, title="Снять с публикации", missing=None,
                                    description="Необязательно; после этого времени жители его не видят")
    notify_email = colander.SchemaNode(
        colander.Boolean(), title="Разослать по эл. почте при публикации", missing=False,
        description="Письмо уйдёт один раз: сразу, если время публикации наступило, иначе в это время")

    def preparer(self, value):
        # Lists that do not belong to the chosen target are cleared, so what
        # is stored says exactly who the announcement is for.
        if isinstance(value, dict):
            for target, field in TARGET_FIELDS.items():
                if value.get("target") != target and field in value:
                    value[field] = ()
        return value

    def validator(self, node, value):
        exc = colander.Invalid(node)
        field = TARGET_FIELDS.get(value.get("target"))
        if field and not value.get(field):
            exc[field] = "Отметьте хотя бы одно значение для выбранного адресата"
        expire, publish = value.get("expire_at"), value.get("publish_at")
        if expire is not None and publish is not None and expire <= publish:
            exc["expire_at"] = "Время снятия должно быть позже времени публикации"
        if exc.children:
            raise exc
        notice = sanitised_notice(node)
        request = node.bindings.get("request") if node.bindings else None
        if notice and request is not None:
            request.session.flash(notice)
