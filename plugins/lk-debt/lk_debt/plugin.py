"""The ``debt`` plugin's hook implementations: each hands over to the module
named for what it holds (``models``: ledgers, payments, periods;
``schemas``; ``status``: balances and due dates; ``payments``;
``tablerows`` and ``chart``: HTML of the pages; ``receipt`` and
``paymentqr``: the ЕПД and its QR code; ``views``; ``demo``)."""
from __future__ import annotations

from lk_platform import hookimpl
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Role, Widget

from . import payments, status, tablerows
from .i18n import _
from .models import PAYMENTS, PERIODS, BillingPeriod, Payment, create_folders, ledger_for
from .schemas import PaymentSchema, PeriodSchema, SettingsSchema, complete_settings, period_key

MANAGE = "debt.manage"
VIEW = "debt.view"


@hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Начисления и задолженность"),
                      description=_("Начисления по услугам, платежи, баланс лицевых счетов, квитанции с QR-кодом"))


@hookimpl
def lk_includeme(config):
    config.add_static_view("static/debt", "lk_debt:static", cache_max_age=3600)
    config.add_translation_dirs("lk_debt:locale")
    config.scan("lk_debt.views")


@hookimpl
def lk_content_types():
    perms = {"view": VIEW, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}
    return [
        ContentType(name="debt_payment", title=_("Платёж"), title_plural=_("Платежи, внесённые вручную"),
                    factory=Payment, schema=PaymentSchema, container=PAYMENTS,
                    columns=("date", "account", "amount", "channel", "period"),
                    searchable=("account", "document", "note"), permissions=perms, order=40),
        ContentType(name="debt_period", title=_("Расчётный период"), title_plural=_("Расчётные периоды"),
                    factory=BillingPeriod, schema=PeriodSchema, container=PERIODS, key=period_key,
                    columns=("period", "closed", "note"), searchable=("note",), permissions=perms, order=41),
    ]


@hookimpl
def lk_roles():
    return [Role("accountant", _("Бухгалтер по начислениям"), ("admin.view", "accounts.view", VIEW, MANAGE),
                 description=_("Исправляет начисления и вносит платежи; все исправления — в журнале действий"))]


@hookimpl
def lk_settings_schema():
    return SettingsSchema()


@hookimpl
def lk_plugin_enabled(organisation, registry):
    create_folders(organisation)
    complete_settings(organisation)


@hookimpl
def lk_cabinet_menu(request, organisation):
    if organisation is None:
        return []
    return [MenuItem(_("Начисления и оплата"), "@@debt", order=20)]


@hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem(_("Начисления"), "@@debt-admin", order=30, permission=VIEW, group="billing"),
        MenuItem(_("Платежи"), PAYMENTS + "/@@admin", order=31, permission=VIEW, group="billing"),
        MenuItem(_("Расчётные периоды"), PERIODS + "/@@admin", order=32, permission=VIEW, group="billing"),
    ]


@hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # Every change to an account's accruals or payments rewrites its ledger.
    return [ledger_for(organisation, a.number) for a in accounts]


@hookimpl
def lk_account_summary(request, organisation, account):
    (found,), _settings = status.request_statuses(request, organisation, [account])
    return status.summary(found)


@hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    statuses, _settings = status.request_statuses(request, organisation, accounts)
    found = [s for s in statuses if s is not None]
    if not found:
        return []
    # The rows are built in Python: the dashboard is the most visited page.
    html = tablerows.widget(found, tablerows.account_urls(request, organisation), request.localizer.translate)
    return [Widget(_("Начисления и оплата"), "lk_debt:templates/widget.pt", {"statuses": found, "html": html},
                   order=10)]


@hookimpl
def lk_handle_event(request, organisation, event):
    payments.on_event(organisation, event)


@hookimpl
def lk_demo_data(organisation, platform, users):
    from .demo import load
    load(organisation, platform, users)
