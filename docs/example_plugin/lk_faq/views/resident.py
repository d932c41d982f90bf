"""The questions page residents (and anyone) read."""
from pyramid.view import view_config

from lk_platform.model.organisations import Organisation

from ..i18n import _


@view_config(context=Organisation, name="faq-page", plugin="faq", renderer="lk_faq:templates/faq.pt",
             permission="public.view")
def faq_page(context, request):
    _total, questions = context["faq"].query(sort="order", limit=200)
    return {"questions": questions, "page_title": _("Вопросы и ответы")}
