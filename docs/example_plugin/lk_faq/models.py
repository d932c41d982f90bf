"""The stored question. Its fields are the schema's (:mod:`.schemas`)."""
from lk_platform.model.content import Content


class Question(Content):
    type_name = "faq_question"
    searchable_fields = ("question", "answer")
    question = ""
    answer = ""
    order = 100
