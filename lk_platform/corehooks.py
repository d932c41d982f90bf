"""The core's own hook implementations, registered as the always-on plugin
``core``: personal accounts, users, organisations, custom fields and the
core staff roles."""
from __future__ import annotations

from lk_platform import hookimpl
from lk_platform.auth.security import CORE_ROLES
from lk_platform.i18n import _
from lk_platform.model import expiry
from lk_platform.model.accounts import Account, AccountSchema, account_key
from lk_platform.model.customfields import CustomField, CustomFieldSchema
from lk_platform.model.events import ObjectAdded, ObjectModified
from lk_platform.model.organisations import ORG_INDEXES, ensure_type_indexes
from lk_platform.model.users import USER_INDEXES
from lk_platform.plugins.declarations import ContentType, EvolveStep, MenuItem, PluginInfo


@hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Ядро: лицевые счета и пользователи"), always_enabled=True)


@hookimpl
def lk_content_types():
    return [
        ContentType(
            name="account", title=_("Лицевой счёт"), title_plural=_("Лицевые счета"),
            factory=Account, schema=AccountSchema, container="accounts",
            columns=("number", "holder", "street", "house", "apartment", "area"),
            searchable=("number", "holder", "address"), key=account_key, order=10,
            permissions={"view": "accounts.view", "add": "accounts.manage",
                         "edit": "accounts.manage", "delete": "accounts.manage"}),
        ContentType(
            name="custom_field", title=_("Дополнительное поле"), title_plural=_("Дополнительные поля"),
            factory=CustomField, schema=CustomFieldSchema, container="custom_fields",
            columns=("content_type", "name", "title", "kind", "required"), searchable=("title", "name"),
            order=900,
            permissions={"view": "customfields.manage", "add": "customfields.manage",
                         "edit": "customfields.manage", "delete": "customfields.manage"}),
    ]


@hookimpl
def lk_roles():
    return list(CORE_ROLES)


@hookimpl
def lk_plugin_enabled(organisation, registry):
    organisation.container("accounts", "account")
    organisation.container("custom_fields", "custom_field")


@hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem(_("Лицевые счета"), "accounts/@@admin", 10, permission="accounts.view", group="accounts"),
        MenuItem(_("Пользователи"), "@@users", 20, permission="users.manage", group="accounts"),
        MenuItem(_("Журнал действий"), "@@audit", 90, permission="audit.view", group="settings"),
        MenuItem(_("Дополнительные поля"), "custom_fields/@@admin", 95, permission="customfields.manage", group="settings"),
        MenuItem(_("Настройки организации"), "@@settings", 99, permission="org.settings", group="settings"),
        MenuItem(_("Модули"), "@@plugins", 110, permission="operator.manage", group="settings"),
        MenuItem(_("Адреса сайта"), "@@hosts", 111, permission="operator.manage", group="settings"),
    ]


@hookimpl
def lk_cabinet_menu(request, organisation):
    return [MenuItem(_("Главная"), request.application_url + "/cabinet", 0)]


def _reindex_catalogs(platform, registry):
    """Create the catalog indexes that content types declare for every
    organisation's containers and for users, filling them from stored
    objects (databases made before an index existed)."""
    platform.organisations.ensure_indexes(**ORG_INDEXES)
    for org in platform.organisations.values():
        for plugin in {"core", *org.enabled_plugins}:
            ensure_type_indexes(org, registry, plugin)
    platform.users.ensure_indexes(**USER_INDEXES)


@hookimpl
def lk_handle_event(request, organisation, event):
    """A custom field added or changed becomes a sortable list column: index it now."""
    if isinstance(event, (ObjectAdded, ObjectModified)) and event.content_type == "custom_field":
        ct = request.registry.lk.content_types.get(event.object.content_type)
        if ct is not None and organisation is not None:
            ensure_type_indexes(organisation, request.registry, ct.plugin or "core")


@hookimpl
def lk_evolve_steps():
    return [EvolveStep("core:001-catalog-indexes", _("Индексы каталогов для списков и поиска"),
                       _reindex_catalogs, order=10),
            EvolveStep("core:002-expiry-indexes",
                       _("Сроки сеансов, токенов и счётчиков попыток: удалить истёкшие и проиндексировать"),
                       _expiry_indexes, order=20)]


def _expiry_indexes(platform, registry):
    expiry.prune_all(platform)
