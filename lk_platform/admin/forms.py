"""deform forms in the request's theme, with CSRF and Russian messages.

Each form gets its own renderer whose search path is the theme's deform
overrides, then deform's templates, so a theme restyles widgets for its
organisation only (never via the process-wide default renderer).
"""
from __future__ import annotations

import functools

import colander
import deform
from deform.template import ZPTRendererFactory
from pkg_resources import resource_filename
from pyramid.i18n import get_localizer

from lk_platform.i18n import _, localize
from lk_platform.theming.themes import FORMS_KEY, theme_of

DEFORM_TEMPLATES = resource_filename("deform", "templates")


@functools.lru_cache(maxsize=64)
def _renderer(dirs: tuple):
    return ZPTRendererFactory(list(dirs) + [DEFORM_TEMPLATES], translator=_translate)


def _translate(term):
    from pyramid.threadlocal import get_current_request
    request = get_current_request()
    return localize(get_localizer(request), term) if request is not None and hasattr(term, "interpolate") else term


def renderer_for(request):
    themes = request.registry.lk.themes
    return _renderer(tuple(themes.deform_dirs(theme_of(request))))


@colander.deferred
def _csrf_default(node, kw):
    return kw["request"].session.get_csrf_token()


def csrf_node():
    # Pyramid checks the token itself (require_csrf); this only carries it.
    return colander.SchemaNode(colander.String(), name="csrf_token", widget=deform.widget.HiddenWidget(),
                               default=_csrf_default, missing="")


def make_form(request, schema, buttons=("save",), context=None, **kw):
    """A bound deform Form for ``schema`` with the CSRF token field."""
    if "csrf_token" not in schema:
        schema.add(csrf_node())
    bound = schema.bind(request=request, context=context if context is not None else request.context,
                        organisation=request.organisation)
    kw.setdefault("renderer", renderer_for(request))
    kw.setdefault("formid", "lkform")
    request.environ[FORMS_KEY] = True   # the layout loads deform's scripts (TemplateAPI.form_scripts)
    return deform.Form(bound, buttons=buttons, **kw)


#: longer text values are refused before validation and never echoed back
MAX_FIELD_CHARS = 100_000


def validate(form, request):
    """``(appstruct, None)`` or ``(None, rendered_form_with_errors)``."""
    items = list(request.POST.items())
    too_long = {k for k, v in items if isinstance(v, str) and len(v) > MAX_FIELD_CHARS}
    if too_long:
        # Blank them so the re-rendered form does not carry megabytes back.
        items = [(k, "" if k in too_long else v) for k, v in items]
    try:
        appstruct = form.validate(items)
    except deform.ValidationFailure as failure:
        _mark_too_long(failure.field, too_long)
        return None, failure.render()
    if too_long:
        _mark_too_long(form, too_long)
        form.error = colander.Invalid(form.schema, _("Форма не сохранена"))
        return None, form.render(appstruct)
    appstruct.pop("csrf_token", None)
    return appstruct, None


def _mark_too_long(form, names):
    for child in form.children:
        if child.name in names:
            child.error = colander.Invalid(child.schema, _(
                "Слишком длинное значение (больше ${n} знаков); ничего не сохранено",
                mapping={"n": MAX_FIELD_CHARS}))
