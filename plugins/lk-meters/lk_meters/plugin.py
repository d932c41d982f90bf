"""The ``meters`` plugin: meters, readings, submission windows, export to
billing and reminders. This module holds only the hook implementations."""
from __future__ import annotations

import lk_platform
from lk_platform.model.events import ObjectAdded, ObjectModified, ObjectRemoved
from lk_platform.plugins.declarations import Command, ContentType, MenuItem, PluginInfo, Right, Role, Widget

from . import reminders
from .i18n import _
from .meters import CONTAINER, ensure_meter_indexes, meters_of_account, note_building
from .models import SUBMIT_RIGHT, Meter, WindowOverride
from .readings import cabinet_depends, forget_meter, periods_folder, retag_meter, touch_account
from .schemas import meter_schema, settings_schema, window_schema
from .views import MANAGE, PLUGIN
from .views.resident import due_widget_data
from .windows import CONTAINER as WINDOWS
from .windows import rebuild_lookup

NAME = PLUGIN


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Счётчики и показания"),
                      description=_("Приборы учёта, передача показаний жителями, окна приёма, проверка, "
                                    "выгрузка в биллинг, напоминания"))


@lk_platform.hookimpl
def lk_content_types():
    perms = {"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}
    return [
        ContentType(name="meter", title=_("Счётчик"), title_plural=_("Счётчики"), factory=Meter, schema=meter_schema,
                    container=CONTAINER, columns=("serial", "account", "resource", "status", "next_verification"),
                    searchable=("serial", "account"), permissions=perms, order=30),
        ContentType(name="meter_window", title=_("Окно приёма показаний"), title_plural=_("Окна приёма показаний"),
                    factory=WindowOverride, schema=window_schema, container=WINDOWS,
                    columns=("building", "resource", "start_day", "end_day"), permissions=perms, order=31),
    ]


@lk_platform.hookimpl
def lk_roles():
    return [Role("meters_clerk", _("Специалист по показаниям счётчиков"), ("admin.view", MANAGE),
                 description=_("Счётчики, приём и проверка показаний, выгрузка в биллинг, напоминания"))]


@lk_platform.hookimpl
def lk_delegation_rights():
    return [Right(SUBMIT_RIGHT, _("Передавать показания счётчиков"))]


@lk_platform.hookimpl
def lk_settings_schema():
    return settings_schema()


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_translation_dirs("lk_meters:locale")
    config.add_static_view("static/meters", "lk_meters:static", cache_max_age=3600)
    config.scan("lk_meters.views")


@lk_platform.hookimpl
def lk_plugin_enabled(organisation, registry):
    ensure_meter_indexes(organisation)
    organisation.container(WINDOWS, "meter_window")
    periods_folder(organisation, create=True)


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    if organisation is None:
        return []
    return [MenuItem(_("Показания счётчиков"), "readings", order=20)]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem(_("Показания счётчиков"), "@@meter-readings", 30, permission=MANAGE, group="meters"),
        MenuItem(_("Счётчики"), CONTAINER + "/@@admin", 31, permission=MANAGE, group="meters"),
        MenuItem(_("Окна приёма показаний"), WINDOWS + "/@@admin", 32, permission=MANAGE, group="meters"),
        MenuItem(_("Напоминания о показаниях"), "@@meter-reminders", 33, permission=MANAGE, group="meters"),
    ]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    return cabinet_depends(organisation, accounts)


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    data = due_widget_data(request, organisation)
    if data is None:
        return []
    return [Widget(_("Показания счётчиков"), "lk_meters:templates/widget.pt", data, order=20)]


@lk_platform.hookimpl
def lk_handle_event(request, organisation, event):
    if not isinstance(event, (ObjectAdded, ObjectModified, ObjectRemoved)):
        return
    if event.content_type == "meter_window":
        rebuild_lookup(organisation)
    elif event.content_type == "meter":
        touch_account(event.object)
        if isinstance(event, ObjectModified) and "account" in event.changes:
            touch_account(event.object, event.changes["account"][0])  # the account it left
        if isinstance(event, ObjectRemoved):
            forget_meter(organisation, event.object.id)
            return
        note_building(organisation, event.object)
        if isinstance(event, ObjectModified) and {"account", "resource"} & set(event.changes):
            retag_meter(organisation, event.object)
    elif event.content_type == "account" and isinstance(event, ObjectModified):
        # The address feeds the meters' building index and the period indexes.
        address = {"settlement", "street", "house", "building"}
        if address & set(event.changes):
            folder = organisation.get(CONTAINER)
            for meter in meters_of_account(organisation, event.object.number):
                folder.reindex(meter)
                note_building(organisation, meter)
                retag_meter(organisation, meter)


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users):
    from .demo import load_demo
    load_demo(organisation, platform, users)


@lk_platform.hookimpl
def lk_commands():
    return [Command("reminders", _("Напоминания жителям: открыт приём показаний, срок поверки (для cron, раз в день)"),
                    reminders.reminders_command, arguments=reminders.reminders_arguments)]
