"""Hooks of the example plugin ``faq``, and nothing else: the question is in
``models``, its schema in ``schemas``, the page in ``views``."""
import lk_platform
from lk_platform.model.stamps import changes
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Role, Widget

from .i18n import _
from .models import Question  # also keeps questions stored under lk_faq.plugin.Question loadable
from .schemas import QuestionSchema

MANAGE = "faq.manage"


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Вопросы и ответы"), description=_("Пример модуля из руководства автора модулей"))


@lk_platform.hookimpl
def lk_content_types():
    return [ContentType(name="faq_question", title=_("Вопрос"), title_plural=_("Вопросы и ответы"),
                        factory=Question, schema=QuestionSchema, container="faq",
                        columns=("question", "order"), searchable=("question", "answer"),
                        permissions={"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE})]


@lk_platform.hookimpl
def lk_roles():
    return [Role("faq_editor", _("Редактор вопросов и ответов"), ("admin.view", MANAGE))]


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_translation_dirs("lk_faq:locale")
    config.scan("lk_faq.views")


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    return [MenuItem(_("Вопросы и ответы"), "faq-page", order=80)] if organisation is not None else []


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [MenuItem(_("Вопросы и ответы"), "faq/@@admin", order=80, permission=MANAGE, group="content")]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # The widget shows the folder's first questions: its change counter
    # moves with every question added, edited or removed.
    return [changes(organisation["faq"])]


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    _total, first = organisation["faq"].query(sort="order", limit=3)
    return [Widget(_("Частые вопросы"), "lk_faq:templates/widget.pt", {"questions": first}, order=90)]
