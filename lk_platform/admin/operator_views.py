"""The operator's pages: the list of organisations, a new organisation or
sub-organisation, an organisation's plugin switches and its host names.
Only the operator has ``operator.manage`` (no role can grant it)."""
from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from lk_platform.admin.forms import make_form, validate
from lk_platform.admin.orgschema import NOT_INSTALLED, AddOrganisationSchema, HostsSchema, parse_hosts, plugin_switches_schema
from lk_platform.i18n import _
from lk_platform.model.audit import audit
from lk_platform.model.folders import Folder
from lk_platform.model.organisations import Organisation, create_organisation, disable_plugin, enable_plugin
from lk_platform.model.platform import get_platform
from lk_platform.util.paging import page_count, page_number, page_size

#: the organisations folder's catalog (search by name, legal name, INN, slug)
ON, OFF = _("включён"), _("выключен")
#: what a sub-organisation takes over from its parent when created
INHERITED = ("theme", "primary_color", "accent_color", "footer", "phone", "email", "address")


def _organisations_folder(name, **kw):
    return view_config(context=Folder, name=name, content_type="organisation", permission="operator.manage", **kw)


@_organisations_folder("", request_method="GET")
def organisations_root(context, request):
    return HTTPFound(request.resource_url(context, "@@admin"))


@_organisations_folder("admin", renderer="admin/organisations.pt")
def organisations(context, request):
    params = request.GET
    search = params.get("q", "").strip()[:200]
    page, size = page_number(params), page_size(params)
    total, items = context.query(search=search, sort="title", offset=(page - 1) * size, limit=size)
    pages = page_count(total, size)

    def link(**kw):
        q = {"q": search, "size": size if size != 20 else "", "page": page}
        q.update(kw)
        return request.resource_url(context, "@@admin", query={k: v for k, v in q.items() if v})

    return {"items": items, "total": total, "page": page, "pages": pages, "search": search, "link": link,
            "page_title": _("Организации"), "installed": request.registry.lk.plugins.info}


@_organisations_folder("add", renderer="admin/form.pt")
def add_organisation(context, request):
    form = make_form(request, AddOrganisationSchema(), buttons=(deform.Button("save", _("Создать")),))
    page = {"title": _("Новая организация"), "page_title": _("Новая организация")}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return dict(page, form=failed)
        registry = request.registry
        platform = get_platform(request)
        slug = appstruct.pop("slug")
        parent = appstruct.pop("parent") or None
        plugins = sorted(appstruct.pop("plugins") or ())
        if parent:
            source = platform.organisations[parent]
            appstruct.update({k: getattr(source, k) for k in INHERITED if getattr(source, k, None)})
        org = create_organisation(platform, registry, slug, parent=parent, **appstruct)
        for name in plugins:
            enable_plugin(org, registry, name)
        audit(request, "add:organisation", org, dict({k: (None, v) for k, v in appstruct.items()},
                                                     parent=(None, parent), enabled_plugins=(None, tuple(plugins))))
        request.session.flash(request.localizer.translate(_("Организация создана")))
        return HTTPFound(request.resource_url(org, "@@admin"))
    return dict(page, form=form.render({"timezone": "Europe/Moscow", "parent": request.GET.get("parent", "")}))


@view_config(context=Organisation, name="plugins", permission="operator.manage", renderer="admin/form.pt")
def plugin_switches(context, request):
    registry = request.registry
    form = make_form(request, plugin_switches_schema(registry, context),
                     buttons=(deform.Button("save", _("Сохранить")),))
    page = {"title": _("Модули: ${org}", mapping={"org": context.display_name}), "page_title": _("Модули")}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return dict(page, form=failed)
        changes = {}
        for name in registry.lk.plugins.optional:
            wanted, now = bool(appstruct.get(name)), context.is_enabled(name)
            if wanted and not now:
                enable_plugin(context, registry, name)
                changes[name] = (OFF, ON)
            elif now and not wanted:
                disable_plugin(context, registry, name)   # the plugin's data stays
                changes[name] = (ON, OFF)
        if changes:
            audit(request, "edit:plugins", context, changes)
        request.session.flash(request.localizer.translate(_("Сохранено") if changes else _("Изменений нет")))
        return HTTPFound(request.resource_url(context, "@@plugins"))
    values = {name: context.is_enabled(name) for name in registry.lk.plugins.optional}
    values.update({name: NOT_INSTALLED for name in context.enabled_plugins if name not in values})
    return dict(page, form=form.render(values))


@view_config(context=Organisation, name="hosts", permission="operator.manage", renderer="admin/form.pt")
def hosts(context, request):
    form = make_form(request, HostsSchema(), buttons=(deform.Button("save", _("Сохранить")),))
    page = {"title": _("Адреса сайта: ${org}", mapping={"org": context.display_name}),
            "page_title": _("Адреса сайта")}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return dict(page, form=failed)
        platform = get_platform(request)
        old, new = tuple(context.hosts), parse_hosts(appstruct["hosts"])
        if old != new:
            for host in old:
                if host not in new and platform.hosts.get(host) == context.slug:
                    del platform.hosts[host]
            for host in new:
                if platform.hosts.get(host) != context.slug:
                    platform.hosts[host] = context.slug
            context.hosts = new
            audit(request, "edit:hosts", context, {"hosts": (old, new)})
        request.session.flash(request.localizer.translate(_("Сохранено") if old != new else _("Изменений нет")))
        return HTTPFound(request.resource_url(context, "@@hosts"))
    return dict(page, form=form.render({"hosts": "\n".join(context.hosts)}))
