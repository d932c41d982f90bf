"""The ``debt`` plugin: accruals, payments and debt per personal account.

Hooks only; the pieces live in modules named for what they hold:
``ledger`` (storage and balances), ``schemas``, ``content`` (payments and
periods with a generated admin), ``cabinet`` and ``staff`` (views),
``receipt`` and ``paymentqr`` (the ЕПД and its QR code), ``chart``, ``demo``.
"""
from __future__ import annotations

from lk_platform import hookimpl
from lk_platform.model.events import ObjectAdded, ObjectModified, ObjectRemoved
from lk_platform.model.organisations import find_organisation
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Role, Widget

from . import tablerows
from .content import PAYMENTS, PERIODS, BillingPeriod, Payment, post_payment, unpost_payment
from .i18n import _, words
from .ledger import LEDGERS
from .schemas import DEFAULT_SETTINGS, PaymentSchema, PeriodSchema, SettingsSchema, period_key, settings_of
from .status import status_for

MANAGE = "debt.manage"
VIEW = "debt.view"


@hookimpl
def lk_plugin_info():
    return PluginInfo(title="Начисления и задолженность",
                      description="Начисления по услугам, платежи, баланс лицевых счетов, квитанции с QR-кодом")


@hookimpl
def lk_includeme(config):
    config.add_static_view("static/debt", "lk_debt:static", cache_max_age=3600)
    config.add_translation_dirs("lk_debt:locale")
    config.scan("lk_debt.cabinet")
    config.scan("lk_debt.staff")


@hookimpl
def lk_content_types():
    perms = {"view": VIEW, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}
    return [
        ContentType(name="debt_payment", title="Платёж", title_plural="Платежи, внесённые вручную",
                    factory=Payment, schema=PaymentSchema, container=PAYMENTS,
                    columns=("date", "account", "amount", "channel", "period"),
                    searchable=("account", "document", "note"), permissions=perms, order=40),
        ContentType(name="debt_period", title="Расчётный период", title_plural="Расчётные периоды",
                    factory=BillingPeriod, schema=PeriodSchema, container=PERIODS, key=period_key,
                    columns=("period", "closed", "note"), searchable=("note",), permissions=perms, order=41),
    ]


@hookimpl
def lk_roles():
    return [Role("accountant", "Бухгалтер по начислениям",
                 ("admin.view", "accounts.view", VIEW, MANAGE),
                 description="Исправляет начисления и вносит платежи; все исправления — в журнале действий")]


@hookimpl
def lk_settings_schema():
    return SettingsSchema()


@hookimpl
def lk_plugin_enabled(organisation, registry):
    organisation.container(PAYMENTS, "debt_payment")
    organisation.container(PERIODS, "debt_period")
    organisation.container(LEDGERS)
    current = organisation.plugin_settings("debt")
    if any(k not in current for k in DEFAULT_SETTINGS):
        organisation.set_plugin_settings("debt", {**DEFAULT_SETTINGS, **current})


@hookimpl
def lk_cabinet_menu(request, organisation):
    if organisation is None:
        return []
    return [MenuItem(_("Начисления и оплата"), "@@debt", order=20)]


@hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem("Начисления", "@@debt-admin", order=30, permission=VIEW),
        MenuItem("Платежи", PAYMENTS + "/@@admin", order=31, permission=VIEW),
        MenuItem("Расчётные периоды", PERIODS + "/@@admin", order=32, permission=VIEW),
    ]


@hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # Every change to an account's accruals or payments rewrites its ledger.
    from .ledger import ledger_for
    return [ledger_for(organisation, a.number) for a in accounts]


def request_statuses(request, organisation, accounts):
    """Statuses of ``accounts``, computed once per request (the summary and
    the widget both need them)."""
    cache = request.__dict__.setdefault("_lk_debt_statuses", {})
    settings_cache = request.__dict__.setdefault("_lk_debt_settings", {})
    settings = settings_cache.get(organisation.__name__)
    if settings is None:
        settings = settings_cache[organisation.__name__] = settings_of(organisation)
    out = []
    for account in accounts:
        key = (organisation.__name__, account.number)
        if key not in cache:
            cache[key] = status_for(organisation, account, settings)
        out.append(cache[key])
    return out, settings


@hookimpl
def lk_account_summary(request, organisation, account):
    (status,), _settings = request_statuses(request, organisation, [account])
    if status is None:
        return {}
    # The keys are totalled across accounts by key: translation strings
    # equal to their Russian msgid, so the totals match in any language and
    # the cabinet page shows them translated.
    summary = {_("Задолженность"): status.due}
    if status.overpaid:
        summary[_("Переплата")] = status.overpaid
    if status.due and status.due_date is not None:
        when = status.due_date.strftime("%d.%m.%Y")
        summary[_("Оплатить до")] = _("${date} (просрочено)", mapping={"date": when}) if status.overdue else when
    return summary


@hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    statuses, settings = request_statuses(request, organisation, accounts)
    found = [s for s in statuses if s is not None]
    if not found:
        return []
    # The rows are built in Python: the dashboard is the most visited page.
    urls = tablerows.account_urls(request, organisation)
    return [Widget(_("Начисления и оплата"), "lk_debt:templates/widget.pt",
                   {"statuses": found, "html": tablerows.widget(found, urls, words(request))}, order=10)]


@hookimpl
def lk_handle_event(request, organisation, event):
    obj = getattr(event, "object", None)
    if not isinstance(obj, Payment):
        return
    org = find_organisation(obj) or organisation
    if isinstance(event, ObjectAdded):
        post_payment(org, obj)
    elif isinstance(event, ObjectModified):
        previous = event.changes.get("account", (obj.account,))[0] or obj.account
        unpost_payment(org, obj, previous)
        post_payment(org, obj)
    elif isinstance(event, ObjectRemoved):
        unpost_payment(org, obj)


@hookimpl
def lk_demo_data(organisation, platform, users):
    from .demo import load
    load(organisation, platform, users)
