"""The question's one schema: the core generates its admin from it."""
import colander
import deform

from .i18n import _


class QuestionSchema(colander.Schema):
    question = colander.SchemaNode(colander.String(), title=_("Вопрос"), validator=colander.Length(3, 300))
    answer = colander.SchemaNode(colander.String(), title=_("Ответ"), widget=deform.widget.TextAreaWidget(rows=5),
                                 validator=colander.Length(1, 5000))
    order = colander.SchemaNode(colander.Integer(), title=_("Порядок"), missing=100,
                                validator=colander.Range(0, 10000))
