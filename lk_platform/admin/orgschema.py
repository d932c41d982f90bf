"""The organisation's own data as colander schemas: requisites, brand, the
operator's plugin switches, host names and the new-organisation form.

Field names are the Organisation's attribute names, so a validated form
goes straight into ``Organisation.set_values`` (which returns the diff the
audit log records).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import colander
import deform

from lk_platform.i18n import _
from lk_platform.model.platform import get_platform
from lk_platform.tenancy.hosts import host_name
from lk_platform.tenancy.urls import public
from lk_platform.util.files import IMAGE_TYPES, UploadCheck, UploadTmpStore, current_value

LOGO_MAX_BYTES = 1024 * 1024

#: Russia's zones first, with the city names people know them by
RUSSIAN_ZONES = (
    ("Europe/Kaliningrad", "Калининград"), ("Europe/Moscow", "Москва"), ("Europe/Volgograd", "Волгоград"),
    ("Europe/Samara", "Самара"), ("Europe/Saratov", "Саратов"), ("Europe/Ulyanovsk", "Ульяновск"),
    ("Europe/Astrakhan", "Астрахань"), ("Asia/Yekaterinburg", "Екатеринбург"), ("Asia/Omsk", "Омск"),
    ("Asia/Novosibirsk", "Новосибирск"), ("Asia/Barnaul", "Барнаул"), ("Asia/Tomsk", "Томск"),
    ("Asia/Novokuznetsk", "Новокузнецк"), ("Asia/Krasnoyarsk", "Красноярск"), ("Asia/Irkutsk", "Иркутск"),
    ("Asia/Chita", "Чита"), ("Asia/Yakutsk", "Якутск"), ("Asia/Vladivostok", "Владивосток"),
    ("Asia/Sakhalin", "Южно-Сахалинск"), ("Asia/Magadan", "Магадан"), ("Asia/Srednekolymsk", "Среднеколымск"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский"), ("Asia/Anadyr", "Анадырь"),
)


def _utc_offset(name: str) -> str:
    offset = dt.datetime.now(ZoneInfo(name)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return "UTC%s%d%s" % (sign, hours, ":%02d" % rest if rest else "")


@lru_cache(maxsize=1)
def timezone_names() -> frozenset:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def timezone_choices():
    ours = [(name, "%s (%s)" % (city, _utc_offset(name))) for name, city in RUSSIAN_ZONES
            if name in timezone_names()]
    known = {name for name, _c in ours}
    others = sorted(n for n in timezone_names() if n not in known and "/" in n and not n.startswith("Etc/"))
    return ours + [deform.widget.OptGroup(_("Другие часовые пояса"), *[(n, n) for n in others])]


def validate_timezone(node, value):
    if value not in timezone_names():
        raise colander.Invalid(node, _("Неизвестный часовой пояс «${tz}»", mapping={"tz": value}))


# --- requisites ---------------------------------------------------------------

def _inn_digit(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """ИНН: 10 digits for a legal entity, 12 for a sole trader, with the
    check digits of the Federal Tax Service's algorithm."""
    if not re.fullmatch(r"\d{10}|\d{12}", inn or ""):
        return False
    if len(inn) == 10:
        return _inn_digit(inn, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[9])
    return (_inn_digit(inn, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[10]) and
            _inn_digit(inn, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[11]))


def validate_inn(node, value):
    if not re.fullmatch(r"\d{10}|\d{12}", value):
        raise colander.Invalid(node, _("ИНН — 10 цифр (организация) или 12 цифр (ИП)"))
    if not inn_is_valid(value):
        raise colander.Invalid(node, _("Неверный ИНН: не сходится контрольная цифра"))


def validate_kpp(node, value):
    # NNNN (tax office) PP (reason: digits or capital Latin letters) XXX
    if not re.fullmatch(r"\d{4}[0-9A-Z]{2}\d{3}", value):
        raise colander.Invalid(node, _("КПП — 9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры"))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _digits_only(value):
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


def _upper_strip(value):
    return re.sub(r"\s", "", value).upper() if isinstance(value, str) else value


PHONE = colander.Regex(r"^\+?[0-9()\- ]{5,30}$", msg=_("Телефон: цифры, пробелы, скобки, дефис, + в начале"))


class RequisitesSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Название"), preparer=_strip,
                                validator=colander.Length(1, 200))
    legal_name = colander.SchemaNode(colander.String(), title=_("Полное юридическое название"),
                                     preparer=_strip, validator=colander.Length(max=300), missing="")
    inn = colander.SchemaNode(colander.String(), title=_("ИНН"), preparer=_digits_only,
                              validator=validate_inn, missing="")
    kpp = colander.SchemaNode(colander.String(), title=_("КПП"), preparer=_upper_strip,
                              validator=validate_kpp, missing="",
                              description=_("Только у организаций; у ИП (ИНН из 12 цифр) КПП нет"))
    phone = colander.SchemaNode(colander.String(), title=_("Телефон"), preparer=_strip, validator=PHONE,
                                missing="")
    email = colander.SchemaNode(colander.String(), title=_("Эл. почта"), preparer=_strip,
                                validator=colander.All(colander.Email(msg=_("Неверный адрес эл. почты")),
                                                       colander.Length(max=254)), missing="")
    address = colander.SchemaNode(colander.String(), title=_("Адрес"), preparer=_strip,
                                  validator=colander.Length(max=300), missing="")
    timezone = colander.SchemaNode(colander.String(), title=_("Часовой пояс"),
                                   description=_("Сроки, даты и время показываются в этом поясе"),
                                   widget=deform.widget.SelectWidget(values=timezone_choices()),
                                   validator=validate_timezone)

    def validator(self, node, value):
        if len(value.get("inn") or "") == 12 and value.get("kpp"):
            exc = colander.Invalid(node)
            exc["kpp"] = _("У ИП (ИНН из 12 цифр) КПП не бывает — оставьте поле пустым")
            raise exc


# --- brand ---------------------------------------------------------------------

def _lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def validate_colour(node, value):
    if not re.fullmatch(r"#[0-9a-f]{6}", value):
        raise colander.Invalid(node, _("Цвет в виде #rrggbb, например #1f5fa8"))


@colander.deferred
def _theme_widget(node, kw):
    return deform.widget.SelectWidget(values=[(n, n) for n in _theme_names(kw)])


@colander.deferred
def _theme_validator(node, kw):
    names = _theme_names(kw)

    def check(node, value):
        if value not in names:
            raise colander.Invalid(node, _("Тема «${theme}» не установлена", mapping={"theme": value}))
    return check


def _theme_names(kw):
    names = list(kw["request"].registry.lk.themes.names())
    # An organisation keeps its theme while that theme is being installed
    # elsewhere (it is drawn with the default one meanwhile).
    current = getattr(kw.get("organisation"), "theme", None)
    if current and current not in names:
        names.append(current)
    return names


@colander.deferred
def _logo_widget(node, kw):
    org = kw.get("organisation")
    store = UploadTmpStore(kw["request"], LOGO_MAX_BYTES, current=getattr(org, "logo", None))
    return deform.widget.FileUploadWidget(store, accept=",".join(IMAGE_TYPES))


class BrandSchema(colander.MappingSchema):
    theme = colander.SchemaNode(colander.String(), title=_("Тема оформления"), widget=_theme_widget,
                                validator=_theme_validator)
    brand_name = colander.SchemaNode(colander.String(), title=_("Название в шапке"), preparer=_strip,
                                     description=_("Если пусто — название организации"),
                                     validator=colander.Length(max=100), missing="")
    primary_color = colander.SchemaNode(colander.String(), title=_("Основной цвет"), preparer=_lower_strip,
                                        widget=deform.widget.TextInputWidget(attributes={"type": "color"}),
                                        validator=validate_colour)
    accent_color = colander.SchemaNode(colander.String(), title=_("Цвет акцента"), preparer=_lower_strip,
                                       widget=deform.widget.TextInputWidget(attributes={"type": "color"}),
                                       validator=validate_colour)
    footer = colander.SchemaNode(colander.String(), title=_("Текст в подвале"), preparer=_strip,
                                 widget=deform.widget.TextAreaWidget(rows=3),
                                 validator=colander.Length(max=500), missing="")
    logo = colander.SchemaNode(deform.FileData(), title=_("Логотип"), widget=_logo_widget,
                               validator=UploadCheck(LOGO_MAX_BYTES, IMAGE_TYPES), missing=None,
                               description=_("PNG, JPEG, GIF или WebP, не больше 1 МБ; SVG не принимается"))
    remove_logo = colander.SchemaNode(colander.Boolean(), title=_("Убрать логотип"), missing=False)

    def after_bind(self, node, kw):
        if getattr(kw.get("organisation"), "logo", None) is None:
            del node["remove_logo"]   # nothing to remove


class OrganisationSettingsSchema(colander.MappingSchema):
    requisites = RequisitesSchema(title=_("Организация"))
    brand = BrandSchema(title=_("Оформление"))


SECTIONS = ("requisites", "brand")
NOT_STORED = ("logo", "remove_logo")


def settings_values(org) -> dict:
    """The form's appstruct for ``org`` (sections of attribute values)."""
    schema = OrganisationSettingsSchema()
    out = {}
    for section in SECTIONS:
        out[section] = {node.name: getattr(org, node.name, None) for node in schema[section].children
                        if node.name not in NOT_STORED}
        out[section] = {k: v for k, v in out[section].items() if v is not None}
    out["brand"]["logo"] = current_value(org.logo)
    return out


def flatten(appstruct: dict) -> dict:
    flat = {}
    for section in SECTIONS:
        flat.update(appstruct.get(section) or {})
    return flat


# --- the operator's forms ---------------------------------------------------------

#: names a sub-organisation slug may not take: it would shadow a root path
RESERVED_SLUGS = frozenset({"o", "users", "static", "api", "admin", "www"})
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def taken_path_names(registry) -> set:
    """Names a sub-organisation's slug would shadow under its parent: every
    container and every view name (a sub-organisation is found by the same
    path step as they are)."""
    names = set(RESERVED_SLUGS)
    names.update(ct.container for ct in registry.lk.content_types)
    for intr in registry.introspector.get_category("views") or ():
        name = intr["introspectable"].get("name")
        if name:
            names.add(name)
    return names


@colander.deferred
def _slug_validator(node, kw):
    request = kw["request"]

    def check(node, value):
        if not SLUG.match(value):
            raise colander.Invalid(node, _(
                "2–40 знаков: латинские строчные буквы, цифры и дефис, начиная с буквы"))
        if value in get_platform(request).organisations:
            raise colander.Invalid(node, _("Адрес «${slug}» уже занят другой организацией",
                                           mapping={"slug": value}))
        if value in taken_path_names(request.registry):
            raise colander.Invalid(node, _("«${slug}» — служебное имя, выберите другое", mapping={"slug": value}))
    return check


@colander.deferred
def _parent_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("— нет, самостоятельная организация —"))] + _parents(kw))


@colander.deferred
def _parent_validator(node, kw):
    return colander.OneOf([""] + [slug for slug, _t in _parents(kw)])


def _parents(kw):
    folder = get_platform(kw["request"]).organisations
    _total, orgs = folder.query(sort="title", limit=1000)
    return [(o.slug, "%s (%s)" % (o.title or o.slug, o.slug)) for o in orgs]


@colander.deferred
def _plugins_widget(node, kw):
    registry = kw["request"].registry
    info = registry.lk.plugins.info
    return deform.widget.CheckboxChoiceWidget(values=[(n, str(info[n].title)) for n in registry.lk.plugins.optional])


class AddOrganisationSchema(colander.MappingSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Адрес (латиницей)"), preparer=_lower_strip,
                               description=_("Часть адреса страницы: /o/адрес/"), validator=_slug_validator)
    title = colander.SchemaNode(colander.String(), title=_("Название"), preparer=_strip,
                                validator=colander.Length(1, 200))
    parent = colander.SchemaNode(colander.String(), title=_("Входит в организацию"), widget=_parent_widget,
                                 validator=_parent_validator, missing="",
                                 description=_("Подразделение или участок: администраторы головной организации "
                                               "управляют и им"))
    legal_name = RequisitesSchema().get("legal_name").clone()
    inn = RequisitesSchema().get("inn").clone()
    kpp = RequisitesSchema().get("kpp").clone()
    timezone = RequisitesSchema().get("timezone").clone()
    plugins = colander.SchemaNode(colander.Set(), title=_("Модули"), widget=_plugins_widget, missing=(),
                                  description=_("Можно включить и выключить потом"))

    def validator(self, node, value):
        RequisitesSchema.validator(self, node, value)


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_host(text: str) -> str:
    """Lower-case ASCII form (Cyrillic names as punycode, as browsers send
    them); raises ValueError for what cannot be a host name."""
    host = text.strip().lower().rstrip(".")
    if not host or ":" in host or "/" in host or " " in host:
        raise ValueError(host)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(host) from None
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(lbl) for lbl in labels) or \
            labels[-1].isdigit():
        raise ValueError(host)
    return host


@colander.deferred
def _hosts_validator(node, kw):
    request = kw["request"]
    org = kw["organisation"]

    def check(node, value):
        platform = get_platform(request)
        own = {host_name(request.host)} | public(request).hosts
        for number, line in enumerate(value.splitlines(), 1):
            if not line.strip():
                continue
            try:
                host = normalise_host(line)
            except ValueError:
                raise colander.Invalid(node, _("Строка ${n}: «${host}» — не имя сайта (пример: "
                                               "kabinet.vodokanal.ru)", mapping={"n": number, "host": line.strip()}))
            if host in own:
                raise colander.Invalid(node, _("Строка ${n}: «${host}» — адрес самой платформы, его нельзя "
                                               "отдать организации", mapping={"n": number, "host": host}))
            holder = platform.hosts.get(host)
            if holder is not None and holder != org.slug:
                other = platform.organisations.get(holder)
                raise colander.Invalid(node, _("Строка ${n}: «${host}» уже закреплён за «${org}»", mapping={
                    "n": number, "host": host, "org": other.title if other is not None else holder}))
    return check


class HostsSchema(colander.MappingSchema):
    hosts = colander.SchemaNode(
        colander.String(), title=_("Адреса сайта организации"), missing="",
        description=_("По одному в строке. На этих адресах кабинет организации открывается с корня: "
                      "https://адрес/"),
        widget=deform.widget.TextAreaWidget(rows=4), validator=_hosts_validator)


def parse_hosts(text: str) -> tuple:
    seen = []
    for line in (text or "").splitlines():
        if line.strip():
            host = normalise_host(line)
            if host not in seen:
                seen.append(host)
    return tuple(seen)


NOT_INSTALLED = _("не установлен (данные сохранены)")


def plugin_switches_schema(registry, org) -> colander.Schema:
    """One checkbox per optional plugin; plugins the organisation has on that
    are not installed any more are listed read-only and kept."""
    plugins = registry.lk.plugins
    schema = colander.Schema()
    for name in plugins.optional:
        info = plugins.info[name]
        description = " ".join(p for p in (str(info.description or ""),
                                           "(%s %s)" % (name, info.version) if info.version else "(%s)" % name) if p)
        schema.add(colander.SchemaNode(colander.Boolean(), name=name, title=info.title, missing=False,
                                       description=description, label=_("Включён")))
    for name in org.enabled_plugins:
        if name not in plugins.info:
            schema.add(colander.SchemaNode(
                colander.String(), name=name, title=name, missing=colander.drop, default=NOT_INSTALLED,
                widget=deform.widget.TextInputWidget(readonly=True)))
    return schema
