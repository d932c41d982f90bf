"""The colander schemas of the plugin's content types: announcements, public
pages and public documents. The core generates their admin (list, forms,
validation, CSV export) from these; titles and messages are translation
strings the admin renders in the staff member's language.

Announcement times are entered and shown in the organisation's zone and
stored in UTC. Bodies are cleaned by :class:`.sanitiser.SafeHTML`; what was
removed is reported to the staff member as a flash message.
"""
from __future__ import annotations

import datetime as dt

import colander
import deform

from lk_platform.util.files import StoredFile

from .audience import building_choices, service_choices, street_choices
from .documents import DocumentFile, file_widget
from .i18n import _
from .models import IMPORTANCE, SECTIONS, TARGET_FIELDS, TARGETS, Announcement, to_utc
from .sanitiser import SafeHTML, sanitised_notice


def _flash_sanitised(node):
    """Tell the staff member what cleaning removed (in their language)."""
    request = node.bindings.get("request") if node.bindings else None
    notice = sanitised_notice(node)
    if notice and request is not None:
        request.session.flash(notice)


# --- announcements ------------------------------------------------------------------

def _choices_with_current(choices, context, field):
    """Values already chosen stay valid even if their accounts are gone."""
    current = getattr(context, field, ()) if isinstance(context, Announcement) else ()
    known = {k for k, _t in choices}
    return choices + [(v, v) for v in current if v not in known]


def _targets_node(name, title, source, description):
    @colander.deferred
    def widget(node, kw):
        values = _choices_with_current(source(kw["organisation"]), kw.get("context"), name)
        return deform.widget.CheckboxChoiceWidget(values=values)

    @colander.deferred
    def validator(node, kw):
        values = _choices_with_current(source(kw["organisation"]), kw.get("context"), name)
        allowed = {k for k, _t in values}

        def check(node, value):
            unknown = [v for v in value if v not in allowed]
            if unknown:
                raise colander.Invalid(node, _("Нет среди лицевых счетов организации: ${values}",
                                               mapping={"values": ", ".join(unknown)}))
        return check

    return colander.SchemaNode(colander.Set(), name=name, title=title, description=description,
                               widget=widget, validator=validator, missing=(),
                               preparer=lambda v: tuple(sorted(v)) if v else ())


class LocalDateTime(colander.DateTime):
    """Shown and entered in the organisation's zone, kept in UTC."""

    def serialize(self, node, appstruct):
        if isinstance(appstruct, dt.datetime) and appstruct.tzinfo is not None:
            appstruct = appstruct.astimezone(self.default_tzinfo)
        return super().serialize(node, appstruct)

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        return to_utc(value) if isinstance(value, dt.datetime) else value


@colander.deferred
def _org_datetime(node, kw):
    return LocalDateTime(default_tzinfo=kw["organisation"].tz)


@colander.deferred
def _now_default(node, kw):
    return kw["organisation"].now().replace(second=0, microsecond=0)


class AnnouncementSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title=_("Заголовок"), validator=colander.Length(3, 200))
    body = colander.SchemaNode(
        SafeHTML(), title=_("Текст"), widget=deform.widget.TextAreaWidget(rows=10),
        description=_("Пустая строка начинает новый абзац. Можно использовать <p>, <br>, <strong>, <em>, "
                      "списки <ul>/<ol>/<li> и ссылки <a href=\"https://…\">; остальное удаляется при сохранении."))
    importance = colander.SchemaNode(colander.String(), title=_("Важность"),
                                     widget=deform.widget.SelectWidget(values=IMPORTANCE),
                                     validator=colander.OneOf([k for k, _t in IMPORTANCE]), missing="normal")
    pinned = colander.SchemaNode(colander.Boolean(), title=_("Закрепить вверху списка"), missing=False)
    target = colander.SchemaNode(colander.String(), title=_("Кому"),
                                 widget=deform.widget.SelectWidget(values=TARGETS),
                                 validator=colander.OneOf([k for k, _t in TARGETS]), missing="all")
    target_buildings = _targets_node("target_buildings", _("Дома"), building_choices,
                                     _("Если выбрано «Отдельные дома»"))
    target_streets = _targets_node("target_streets", _("Улицы"), street_choices,
                                   _("Если выбрано «Отдельные улицы»"))
    target_services = _targets_node("target_services", _("Услуги"), service_choices,
                                    _("Если выбрано «Получатели услуги»"))
    publish_at = colander.SchemaNode(_org_datetime, title=_("Опубликовать"), default=_now_default,
                                     description=_("Время организации; объявление появится у жителей в это время"))
    expire_at = colander.SchemaNode(_org_datetime, title=_("Снять с публикации"), missing=None,
                                    description=_("Необязательно; после этого времени жители его не видят"))
    notify_email = colander.SchemaNode(
        colander.Boolean(), title=_("Разослать по эл. почте при публикации"), missing=False,
        description=_("Письмо уйдёт один раз: сразу, если время публикации наступило, иначе в это время"))

    def preparer(self, value):
        # Lists that do not belong to the chosen target are cleared, so what
        # is stored says exactly who the announcement is for.
        if isinstance(value, dict):
            for target, field in TARGET_FIELDS.items():
                if value.get("target") != target and field in value:
                    value[field] = ()
        return value

    def validator(self, node, value):
        exc = colander.Invalid(node)
        field = TARGET_FIELDS.get(value.get("target"))
        if field and not value.get(field):
            exc[field] = _("Отметьте хотя бы одно значение для выбранного адресата")
        expire, publish = value.get("expire_at"), value.get("publish_at")
        if expire is not None and publish is not None and expire <= publish:
            exc["expire_at"] = _("Время снятия должно быть позже времени публикации")
        if exc.children:
            raise exc
        _flash_sanitised(node)


# --- the public page ------------------------------------------------------------------

class PublicPageSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title=_("Заголовок"), validator=colander.Length(2, 200))
    section = colander.SchemaNode(colander.String(), title=_("Раздел"),
                                  widget=deform.widget.SelectWidget(values=[(k, t) for k, t, _o in SECTIONS]),
                                  validator=colander.OneOf([k for k, _t, _o in SECTIONS]), missing="other")
    body = colander.SchemaNode(
        SafeHTML(), title=_("Текст"), widget=deform.widget.TextAreaWidget(rows=12),
        description=_("Пустая строка начинает новый абзац. Можно использовать <p>, <br>, <strong>, <em>, "
                      "списки и ссылки; остальное удаляется при сохранении."))
    order = colander.SchemaNode(colander.Integer(), title=_("Порядок"), missing=100,
                                validator=colander.Range(0, 10000))
    published = colander.SchemaNode(colander.Boolean(), title=_("Опубликовано"), default=True, missing=False)

    def validator(self, node, value):
        _flash_sanitised(node)


class PublicDocumentSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title=_("Название"), validator=colander.Length(2, 200))
    description = colander.SchemaNode(colander.String(), title=_("Описание"),
                                      widget=deform.widget.TextAreaWidget(rows=3),
                                      validator=colander.Length(max=1000), missing="")
    file = colander.SchemaNode(DocumentFile(), title=_("Файл"), widget=file_widget, missing=colander.drop,
                               description=_("PDF, DOCX, XLSX или изображение; тип проверяется по содержимому"))
    order = colander.SchemaNode(colander.Integer(), title=_("Порядок"), missing=100,
                                validator=colander.Range(0, 10000))
    published = colander.SchemaNode(colander.Boolean(), title=_("Опубликовано"), default=True, missing=False)

    def validator(self, node, value):
        # The file may be left unchosen when editing (the stored one stays),
        # but a new document needs one.
        context = node.bindings.get("context") if node.bindings else None
        has_file = isinstance(value.get("file"), StoredFile) or isinstance(getattr(context, "file", None), StoredFile)
        if not has_file:
            exc = colander.Invalid(node)
            exc["file"] = _("Выберите файл")
            raise exc
