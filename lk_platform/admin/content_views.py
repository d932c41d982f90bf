"""The generated admin: for every content type, with no hand-written form,
a paginated sortable searchable list, view, add, edit, delete with
confirmation, and CSV export. Built from the type's colander schema plus
the organisation's custom fields; every change goes to the audit log."""
from __future__ import annotations

from decimal import Decimal

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import get_localizer

from lk_platform.admin.forms import make_form, validate
from lk_platform.i18n import _
from lk_platform.model.audit import audit
from lk_platform.model.content import Content, readable
from lk_platform.model.customfields import extend_schema, list_columns
from lk_platform.model.events import ObjectAdded, ObjectModified, ObjectRemoved
from lk_platform.model.folders import Folder
from lk_platform.plugins.notify import notify
from lk_platform.util.paging import page_count, page_number, page_size
from lk_platform.util.streaming import csv_response


def schema_for(request, ct, organisation):
    # A colander Schema's class-declared nodes are shared by all its instances:
    # clone, so a view's change (edit's read-only key) never leaks into other forms.
    schema = ct.schema().clone()
    if ct.name not in ("custom_field", "organisation"):
        extend_schema(schema, organisation, ct.name)
    return schema


def field_names(schema):
    return [node.name for node in schema.children if node.name != "csrf_token"]


def columns_for(request, ct, organisation):
    return list_columns(ct, organisation)


def column_titles(request, ct, schema, cols):
    loc = get_localizer(request)
    titles = {}
    for name in cols:
        node = schema.get(name)
        titles[name] = loc.translate(node.title) if node is not None else name
    return titles


def display(value, api=None):
    if value is None or value is colander.null:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "strftime"):
        return api.format_date(value) if api is not None and not hasattr(value, "hour") else (
            api.format_datetime(value) if api is not None and getattr(value, "tzinfo", None) else value.isoformat())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def choice_labels(request, schema):
    """``{field: {stored value: its title}}`` for select/radio fields, so lists
    show "Авария" rather than "outage"."""
    bound = schema.bind(request=request, context=request.context, organisation=request.organisation)
    loc = get_localizer(request)
    labels = {}
    for node in bound.children:
        values = getattr(node.widget, "values", None)
        if values and isinstance(values, (list, tuple)):
            labels[node.name] = {v: loc.translate(t) for v, t in values if isinstance(v, (str, int))}
    return labels


class FolderAdmin:
    def __init__(self, context: Folder, request):
        self.context = context
        self.request = request
        self.ct = request.registry.lk.content_types.get(context.content_type)
        if self.ct is None:
            raise HTTPNotFound()
        self.org = request.organisation

    def list(self):
        request = self.request
        schema = schema_for(request, self.ct, self.org)
        cols = columns_for(request, self.ct, self.org)
        params = request.GET
        search = params.get("q", "").strip()[:200]
        sort = params.get("sort") if params.get("sort") in cols else None
        reverse = params.get("dir") == "desc"
        page, size = page_number(params), page_size(params)
        total, items = self.context.query(search=search, sort=sort, reverse=reverse,
                                          offset=(page - 1) * size, limit=size)
        items = [readable(i) for i in items]
        pages = page_count(total, size)

        labels = choice_labels(request, schema)
        api = request.api

        def cell(item, col):
            value = item.get_values([col])[col]
            if col in labels and not isinstance(value, (list, tuple)):
                return labels[col].get(value, display(value, api))
            return display(value, api)

        def link(**kw):
            q = {"q": search, "sort": sort or "", "dir": "desc" if reverse else "", "size": size, "page": page}
            q.update(kw)
            return request.resource_url(self.context, "@@admin", query={k: v for k, v in q.items() if v})

        return {
            "ct": self.ct, "folder": self.context, "items": items, "total": total, "page": page,
            "pages": pages, "size": size, "search": search, "sort": sort, "reverse": reverse,
            "columns": cols, "titles": column_titles(request, self.ct, schema, cols), "link": link,
            "display": display, "cell": cell,
            "can_add": self.ct.addable and bool(request.has_permission(self.ct.permission("add"), self.context)),
            "export_url": request.resource_url(self.context, "@@export.csv",
                                               query={"q": search} if search else None),
        }

    def add(self):
        request = self.request
        if not self.ct.addable:
            raise HTTPNotFound()
        schema = schema_for(request, self.ct, self.org)
        if self.ct.key:
            _require_unique_key(schema, self.ct, self.context)
        form = make_form(request, schema, buttons=(deform.Button("save", _("Сохранить")),))
        if request.method == "POST":
            appstruct, failed = validate(form, request)
            if failed is not None:
                return {"form": failed, "ct": self.ct, "title": self.ct.title}
            name = self.ct.key(appstruct) if self.ct.key else None
            obj = self.ct.factory()
            obj.set_values(appstruct)
            self.context.add(obj, name)
            self.context.reindex(obj)
            audit(request, "add:" + self.ct.name, obj, {k: (None, v) for k, v in appstruct.items()})
            notify(request, self.org, ObjectAdded(obj, self.ct.name))
            request.session.flash(request.localizer.translate(_("Сохранено")))
            return HTTPFound(request.resource_url(obj, "@@admin"))
        return {"form": form.render(), "ct": self.ct, "title": self.ct.title}

    def export(self):
        request = self.request
        schema = schema_for(request, self.ct, self.org)
        names = field_names(schema)
        titles = column_titles(request, self.ct, schema, names)
        search = request.GET.get("q", "").strip()[:200]
        encoding = request.GET.get("encoding", "utf-8")

        def rows(folder):
            offset = 0
            while True:
                _total, batch = folder.query(search=search, offset=offset, limit=500)
                if not batch:
                    break
                for obj in map(readable, batch):
                    values = obj.get_values(names)
                    yield [obj.__name__] + [display(values[n]) for n in names]
                offset += len(batch)

        audit(request, "export:" + self.ct.name, self.context)
        return csv_response(self.context, self.ct.name + ".csv", ["id"] + [titles[n] for n in names], rows,
                            encoding)


def _require_unique_key(schema, ct, folder):
    """The key field (the first) must not name an existing object."""
    previous = schema.validator
    first = field_names(schema)[0]

    def unique(node, value):
        if previous is not None:
            previous(node, value)
        name = ct.key(value)
        if name in folder:
            exc = colander.Invalid(node)
            exc[first] = _("Уже есть: «${name}»", mapping={"name": name})
            raise exc

    schema.validator = unique


class ItemAdmin:
    def __init__(self, context: Content, request):
        self.context = context
        self.request = request
        self.ct = request.registry.lk.content_types.get(context.type_name)
        if self.ct is None:
            raise HTTPNotFound()
        self.org = request.organisation

    def view(self):
        schema = schema_for(self.request, self.ct, self.org)
        names = field_names(schema)
        values = self.context.get_values(names)
        titles = column_titles(self.request, self.ct, schema, names)
        return {"ct": self.ct, "obj": self.context, "fields": [(titles[n], display(values[n], self.request.api))
                                                            for n in names],
                "can_edit": bool(self.request.has_permission(self.ct.permission("edit"), self.context)),
                "can_delete": bool(self.request.has_permission(self.ct.permission("delete"), self.context))}

    def edit(self):
        request = self.request
        schema = schema_for(request, self.ct, self.org)
        names = field_names(schema)
        if self.ct.key and names:
            # The key names the object in its folder; it is not edited in place.
            schema[names[0]].widget = deform.widget.TextInputWidget(readonly=True)
            schema[names[0]].missing = getattr(self.context, names[0], colander.null)
        form = make_form(request, schema, buttons=(deform.Button("save", _("Сохранить")),))
        if request.method == "POST":
            appstruct, failed = validate(form, request)
            if failed is not None:
                return {"form": failed, "ct": self.ct, "title": self.context.display_title}
            if self.ct.key and names:
                appstruct[names[0]] = getattr(self.context, names[0])
            changes = self.context.set_values(appstruct)
            if changes:
                self.context.__parent__.reindex(self.context)
                audit(request, "edit:" + self.ct.name, self.context, changes)
                notify(request, self.org, ObjectModified(self.context, self.ct.name, changes))
            request.session.flash(request.localizer.translate(_("Сохранено") if changes else _("Изменений нет")))
            return HTTPFound(request.resource_url(self.context, "@@admin"))
        values = {k: v for k, v in self.context.get_values(names).items() if v is not None}
        return {"form": form.render(values), "ct": self.ct, "title": self.context.display_title}

    def delete(self):
        request = self.request
        if request.method == "POST":
            folder = self.context.__parent__
            audit(request, "delete:" + self.ct.name, self.context)
            notify(request, self.org, ObjectRemoved(self.context, self.ct.name))
            folder.remove(self.context.__name__)
            request.session.flash(request.localizer.translate(_("Удалено")))
            return HTTPFound(request.resource_url(folder, "@@admin"))
        return {"ct": self.ct, "obj": self.context}


def register_content_type(config, ct):
    """Admin views of one content type, guarded by its plugin and permissions."""
    common = dict(content_type=ct.name, plugin=ct.plugin)
    add = config.add_view
    add(FolderAdmin, attr="list", context=Folder, name="admin", renderer="admin/list.pt",
        permission=ct.permission("view"), **common)
    add(FolderAdmin, attr="add", context=Folder, name="add", renderer="admin/form.pt",
        permission=ct.permission("add"), **common)
    add(FolderAdmin, attr="export", context=Folder, name="export.csv",
        permission=ct.permission("view"), **common)
    add(ItemAdmin, attr="view", context=Content, name="admin", renderer="admin/view.pt",
        permission=ct.permission("view"), **common)
    add(ItemAdmin, attr="edit", context=Content, name="edit", renderer="admin/form.pt",
        permission=ct.permission("edit"), **common)
    add(ItemAdmin, attr="delete", context=Content, name="delete", renderer="admin/delete.pt",
        permission=ct.permission("delete"), **common)


def includeme(config):
    for ct in config.registry.lk.content_types:
        if ct.name in ("organisation", "user"):
            continue
        register_content_type(config, ct)
