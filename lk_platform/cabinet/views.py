"""The resident cabinet: the dashboard over every account the user holds at
any organisation, grouped by organisation, with the plugins' widgets."""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from lk_platform.cabinet.widgets import render_widgets
from lk_platform.caching.pagecache import next_midnight
from lk_platform.caching.rendercache import Until
from lk_platform.i18n import _
from lk_platform.model.accounts import Account
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import Platform, get_platform
from lk_platform.model.stamps import changes


def user_accounts(request, user=None):
    """``OrderedDict(organisation -> [Account])`` of what the user holds."""
    user = user or request.user
    platform = get_platform(request)
    grouped = OrderedDict()
    for slug, number in (user.accounts if user is not None else ()):
        org = platform.organisations.get(slug)
        folder = org.get("accounts") if org is not None else None
        account = folder.get(number) if folder is not None else None
        if account is None or user.login not in account.holders and not any(
                d == user.login for d, _r in account.delegates):
            continue
        grouped.setdefault(org, []).append(account)
    return grouped


def dashboard_groups(request):
    groups = []
    totals = {}
    plugins = request.registry.lk.plugins
    for org, accounts in user_accounts(request).items():
        hooks = plugins.scoped(org.enabled_plugins)
        summaries = []
        failed = set()
        for account in accounts:
            summary = {}
            parts, broken = hooks.call_each("lk_account_summary", request=request, organisation=org, account=account)
            failed.update(broken)
            for part in parts:
                summary.update(part or {})
            for key, value in summary.items():
                if isinstance(value, Decimal):
                    totals[key] = totals.get(key, Decimal("0")) + value
            summaries.append((account, summary))
        widgets = []
        batches, broken = hooks.call_each("lk_dashboard_widgets", request=request, organisation=org,
                                          accounts=accounts)
        failed.update(broken)
        for batch in batches:
            widgets.extend(batch or ())
        widgets.sort(key=lambda w: w.order)
        widgets, render_failed = render_widgets(request, widgets, org)
        groups.append({"organisation": org, "accounts": summaries, "widgets": widgets,
                       "unavailable": bool(failed or render_failed)})
    return groups, totals


def dashboard_depends(context, request):
    """What the dashboard is made of, for the page cache: the accounts and
    what every enabled plugin names through ``lk_cabinet_depends``; None
    (render afresh) if a plugin that adds to the dashboard does not say."""
    # organisations added or removed (the user's links are on the user, which every page depends on)
    deps = [changes(get_platform(request).organisations)]
    plugins = request.registry.lk.plugins
    for org, accounts in user_accounts(request).items():
        hooks = plugins.scoped(org.enabled_plugins)
        adding = hooks.implementers("lk_dashboard_widgets") | hooks.implementers("lk_account_summary")
        if not adding <= hooks.implementers("lk_cabinet_depends"):
            return None
        # each organisation's own midnight: "due" and "overdue" follow its date
        deps += [org, org._settings, *accounts, Until(next_midnight(org))]
        parts, failed = hooks.call_each("lk_cabinet_depends", keep_none=True, request=request, organisation=org,
                                        accounts=accounts)
        if failed:
            return None
        for part in parts:
            if part is None:
                return None
            deps.extend(part)
    return deps


@view_config(context=Platform, name="cabinet", renderer="cabinet.pt", permission="cabinet.view",
             lk_cache=dashboard_depends)
@view_config(context=Organisation, name="cabinet", renderer="cabinet.pt", permission="cabinet.view",
             lk_cache=dashboard_depends)
def dashboard(context, request):
    groups, totals = dashboard_groups(request)
    return {"groups": groups, "totals": totals, "page_title": _("Личный кабинет")}


@view_config(context=Account, renderer="account.pt", permission="account.view")
def account_page(context, request):
    return {"account": context, "page_title": context.address}


@view_config(context=Platform, renderer="home.pt", permission=NO_PERMISSION_REQUIRED)
def home(context, request):
    if request.user is not None:
        return HTTPFound(request.application_url + "/cabinet")
    return HTTPFound(request.application_url + "/login")


@view_config(context=Organisation, renderer="public.pt", permission=NO_PERMISSION_REQUIRED)
def organisation_home(context, request):
    """The organisation's public page, readable without logging in."""
    sections = []
    batches, failed = request.hooks.call_each("lk_public_sections", request=request, organisation=context)
    for batch in batches:
        sections.extend(batch or ())
    sections.sort(key=lambda w: w.order)
    sections, _failed = render_widgets(request, sections, context)
    return {"organisation": context, "sections": sections, "page_title": context.display_name}
