"""The organisation admin: its home (tiles of the admin menu, data of
modules that are not available), the organisation's settings and brand with
the logo upload, each enabled plugin's settings, and the public logo."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from lk_platform.admin.forms import make_form, validate
from lk_platform.admin.orgschema import LOGO_MAX_BYTES, OrganisationSettingsSchema, flatten, settings_values
from lk_platform.i18n import _
from lk_platform.model.audit import audit
from lk_platform.model.folders import Folder
from lk_platform.model.organisations import Organisation
from lk_platform.util.files import file_response, stored_from_upload


def unavailable_data(request, org):
    """Containers whose plugin is not installed any more: ``[(name, count
    or None)]``. A container is known by its content type or, for a plugin's
    own storage folder, by the plugin that created it. Containers of
    installed plugins the organisation switched off are not shown at all."""
    types = request.registry.lk.content_types
    installed = request.registry.lk.plugins.info
    out = []
    for name in org.container_names():
        folder = org.get(name)
        if not isinstance(folder, Folder):
            out.append((name, None))   # a container of a class that cannot be loaded (Broken)
            continue
        if folder.content_type:
            available = types.get(folder.content_type) is not None
        else:
            owner = getattr(folder, "plugin", None)
            available = owner is None or owner in installed
        if not available:
            out.append((name, len(folder)))
    return out


def missing_plugins(request, org):
    """Plugins the organisation has on that are not installed here."""
    installed = request.registry.lk.plugins.info
    return [name for name in org.enabled_plugins if name not in installed]


def plugin_settings_links(request, org):
    registry = request.registry
    schemas = registry.lk.settings_schemas
    return [(registry.lk.plugins.info[name].title, request.resource_url(org, "@@plugin-settings", name))
            for name in registry.lk.plugins.optional
            if name in schemas and org.is_enabled(name)]


@view_config(context=Organisation, name="admin", permission="admin.view", renderer="admin/home.pt")
def admin_home(context, request):
    accounts = context.get("accounts")
    subs = [s for s in context.suborganisations() if request.has_permission("admin.view", s)]
    parent = context.parent_organisation
    return {
        "page_title": _("Администрирование"),
        "accounts_count": len(accounts) if isinstance(accounts, Folder) else 0,
        "unavailable": unavailable_data(request, context),
        "missing_plugins": missing_plugins(request, context),
        "subs": subs,
        "parent": parent if parent is not None and request.has_permission("admin.view", parent) else None,
    }


def _save_button():
    return deform.Button("save", _("Сохранить"))


@view_config(context=Organisation, name="settings", permission="org.settings", renderer="admin/settings.pt")
def organisation_settings(context, request):
    form = make_form(request, OrganisationSettingsSchema(), buttons=(_save_button(),))
    page = {"page_title": _("Настройки организации"), "plugin_links": plugin_settings_links(request, context),
            "can_operate": bool(request.has_permission("operator.manage", context))}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return dict(page, form=failed)
        values = flatten(appstruct)
        logo = values.pop("logo", None)
        remove_logo = values.pop("remove_logo", False)
        changes = context.set_values(values)
        old = context.logo
        if logo and logo.get("fp") is not None:
            context.logo = stored_from_upload(logo, LOGO_MAX_BYTES)
            changes["logo"] = (old.filename if old is not None else None,
                               "%s (%s, %d Б)" % (context.logo.filename, context.logo.content_type,
                                                  context.logo.size))
        elif remove_logo and old is not None:
            context.logo = None
            changes["logo"] = (old.filename, None)
        if changes:
            folder = context.organisations_folder
            if folder is not None:
                folder.reindex(context)
            audit(request, "edit:organisation", context, changes)
        request.session.flash(request.localizer.translate(_("Сохранено") if changes else _("Изменений нет")))
        return HTTPFound(request.resource_url(context, "@@settings"))
    return dict(page, form=form.render(settings_values(context)))


@view_config(context=Organisation, name="plugin-settings", permission="org.settings", renderer="admin/form.pt")
def plugin_settings(context, request):
    """``@@plugin-settings/<plugin>``: the plugin's own settings schema as a
    generated form; stored per organisation."""
    registry = request.registry
    name = request.subpath[0] if len(request.subpath) == 1 else None
    declared = registry.lk.settings_schemas.get(name)
    if declared is None or not context.is_enabled(name) or name not in registry.lk.plugins.info:
        raise HTTPNotFound()
    title = registry.lk.plugins.info[name].title
    form = make_form(request, declared.clone(), buttons=(_save_button(),))
    page = {"title": title, "page_title": title}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return dict(page, form=failed)
        old = context.plugin_settings(name)
        changes = {"%s.%s" % (name, k): (old.get(k), v) for k, v in appstruct.items() if old.get(k) != v}
        if changes:
            context.set_plugin_settings(name, appstruct)
            audit(request, "edit:plugin_settings", context, changes)
        request.session.flash(request.localizer.translate(_("Сохранено") if changes else _("Изменений нет")))
        return HTTPFound(request.resource_url(context, "@@plugin-settings", name))
    values = {k: v for k, v in context.plugin_settings(name).items() if v is not None}
    try:
        rendered = form.render(values)
    except colander.Invalid:
        # Settings saved by an older version of the plugin: show the defaults.
        rendered = form.render()
    return dict(page, form=rendered)


@view_config(context=Organisation, name="logo", permission="public.view", request_method=("GET", "HEAD"))
def logo(context, request):
    stored = context.logo
    if stored is None:
        raise HTTPNotFound()
    # Versioned URLs (?v=...) change with the file, so they may be cached for good.
    return file_response(request, stored, immutable=request.GET.get("v") == stored.version)
