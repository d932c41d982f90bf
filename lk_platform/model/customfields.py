"""Low-code custom fields: an organisation admin adds fields to a content
type for their organisation; they join the generated forms, list columns,
CSV export and validation. Stored as ``x_<name>`` in each object's
``custom`` dict."""
from __future__ import annotations

import colander
import deform

from lk_platform.i18n import _
from lk_platform.model.content import Content
from lk_platform.util.schematypes import DateText, DecimalText

KINDS = (
    ("text", _("Текст")),
    ("number", _("Число")),
    ("date", _("Дата")),
    ("choice", _("Выбор из списка")),
    ("bool", _("Да/нет")),
)


class CustomField(Content):
    type_name = "custom_field"
    searchable_fields = ("title", "name")
    content_type = ""
    name = ""
    title = ""
    kind = "text"
    required = False
    choices = ""


@colander.deferred
def _content_type_widget(node, kw):
    registry = kw["request"].registry
    values = [(ct.name, ct.title) for ct in registry.lk.content_types
              if ct.name not in ("custom_field", "organisation", "user")]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _content_type_validator(node, kw):
    registry = kw["request"].registry
    return colander.OneOf([ct.name for ct in registry.lk.content_types])


class CustomFieldSchema(colander.Schema):
    content_type = colander.SchemaNode(colander.String(), title=_("Тип объекта"),
                                       widget=_content_type_widget, validator=_content_type_validator)
    name = colander.SchemaNode(
        colander.String(), title=_("Код поля"),
        description=_("Латинские буквы и цифры, например floor"),
        validator=colander.Regex(r"^[a-z][a-z0-9_]{0,30}$", msg=_("Латинские строчные буквы, цифры и _")))
    title = colander.SchemaNode(colander.String(), title=_("Название"), validator=colander.Length(1, 100))
    kind = colander.SchemaNode(colander.String(), title=_("Вид"),
                               widget=deform.widget.SelectWidget(values=KINDS),
                               validator=colander.OneOf([k for k, _t in KINDS]))
    required = colander.SchemaNode(colander.Boolean(), title=_("Обязательное"), missing=False)
    choices = colander.SchemaNode(colander.String(), title=_("Варианты (по одному в строке)"),
                                  widget=deform.widget.TextAreaWidget(rows=4), missing="")

    def validator(self, node, value):
        if value["kind"] == "choice" and not _choices(value.get("choices")):
            exc = colander.Invalid(node)
            exc["choices"] = _("Укажите хотя бы один вариант")
            raise exc


def _choices(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def fields_for(organisation, type_name):
    folder = organisation.get("custom_fields") if organisation is not None else None
    if folder is None:
        return []
    _total, found = folder.query(eq={"content_type": type_name}, limit=100)
    return sorted(found, key=lambda f: f.__name__.zfill(10))


def list_columns(ct, organisation):
    """The admin list's columns of a content type at an organisation: the
    declared ones (or the schema's first five) and its custom fields. Each
    has a field index, so every column sorts."""
    cols = list(ct.columns) or [node.name for node in ct.schema().children][:5]
    return cols + ["x_" + f.name for f in fields_for(organisation, ct.name)]


def node_for(field: CustomField):
    missing = colander.required if field.required else None
    kw = dict(name="x_" + field.name, title=field.title, missing=missing)
    if field.kind == "number":
        return colander.SchemaNode(DecimalText(places=4, signed=True), **kw)
    if field.kind == "date":
        return colander.SchemaNode(DateText(), widget=deform.widget.DateInputWidget(), **kw)
    if field.kind == "bool":
        kw["missing"] = False
        return colander.SchemaNode(colander.Boolean(), **kw)
    if field.kind == "choice":
        options = _choices(field.choices)
        return colander.SchemaNode(colander.String(), validator=colander.OneOf(options),
                                   widget=deform.widget.SelectWidget(values=[("", "—")] + [(o, o) for o in options]),
                                   **kw)
    return colander.SchemaNode(colander.String(), validator=colander.Length(max=500), **kw)


def extend_schema(schema, organisation, type_name):
    """Add the organisation's custom fields for ``type_name`` to ``schema``."""
    for field in fields_for(organisation, type_name):
        if field.name and "x_" + field.name not in schema:
            schema.add(node_for(field))
    return schema
