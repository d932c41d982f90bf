"""An example plugin: questions and answers an organisation publishes for
its residents. It declares one content type (so the admin is generated),
adds a cabinet page, a menu item and a dashboard widget."""
import colander
import deform
from pyramid.view import view_config

import lk_platform
from lk_platform.model.content import Content
from lk_platform.model.organisations import Organisation
from lk_platform.model.stamps import changes
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Widget


class Question(Content):
    type_name = "faq_question"
    searchable_fields = ("question", "answer")
    question = ""
    answer = ""
    order = 100


class QuestionSchema(colander.Schema):
    question = colander.SchemaNode(colander.String(), title="Вопрос", validator=colander.Length(3, 300))
    answer = colander.SchemaNode(colander.String(), title="Ответ", widget=deform.widget.TextAreaWidget(rows=5),
                                 validator=colander.Length(1, 5000))
    order = colander.SchemaNode(colander.Integer(), title="Порядок", missing=100,
                                validator=colander.Range(0, 10000))


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title="Вопросы и ответы", description="Пример модуля из руководства автора модулей")


@lk_platform.hookimpl
def lk_content_types():
    return [ContentType(name="faq_question", title="Вопрос", title_plural="Вопросы и ответы",
                        factory=Question, schema=QuestionSchema, container="faq",
                        columns=("question", "order"), searchable=("question", "answer"),
                        permissions={"view": "faq.manage", "add": "faq.manage",
                                     "edit": "faq.manage", "delete": "faq.manage"})]


@lk_platform.hookimpl
def lk_roles():
    return [lk_platform.plugins.declarations.Role("faq_editor", "Редактор вопросов и ответов",
                                          ("admin.view", "faq.manage"))]


@lk_platform.hookimpl
def lk_includeme(config):
    config.scan("lk_faq.plugin")


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    return [MenuItem("Вопросы и ответы", "faq-page", order=80)] if organisation is not None else []


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [MenuItem("Вопросы и ответы", "faq/@@admin", order=80, permission="faq.manage")]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # The widget shows the folder's first questions: its change counter
    # moves with every question added, edited or removed.
    return [changes(organisation["faq"])]


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    _total, first = organisation["faq"].query(sort="order", limit=3)
    return [Widget("Частые вопросы", "lk_faq:templates/widget.pt", {"questions": first}, order=90)]


@view_config(context=Organisation, name="faq-page", plugin="faq", renderer="lk_faq:templates/faq.pt",
             permission="public.view")
def faq_page(context, request):
    _total, questions = context["faq"].query(sort="order", limit=200)
    return {"questions": questions, "page_title": "Вопросы и ответы"}
