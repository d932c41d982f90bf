"""The ``meters`` plugin: meters, readings, submission windows, export to
billing and reminders. This module holds only the hook implementations."""
from __future__ import annotations

import lk_platform
from lk_platform.plugins.declarations import Command, ContentType, MenuItem, PluginInfo, Role, Widget

from . import demo, events, reminders
from .i18n import _
from .meters import CONTAINER, ensure_meter_indexes
from .models import Meter, WindowOverride
from .readings import cabinet_depends, periods_folder
from .schemas import meter_schema, settings_schema, window_schema
from .views import MANAGE
from .views.resident import due_widget_data
from .windows import CONTAINER as WINDOWS


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
    events.follow(organisation, event)


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users):
    demo.load_demo(organisation, platform, users)


@lk_platform.hookimpl
def lk_commands():
    return [Command("reminders", _("Напоминания жителям: открыт приём показаний, срок поверки (для cron, раз в день)"),
                    reminders.reminders_command, arguments=reminders.reminders_arguments)]
