"""What the organisation publishes for everyone: pages (contacts, schedule,
tariffs, ...) and documents as files, shown on its public page without login.
Only items marked published are shown or downloadable."""
from __future__ import annotations

import colander
import deform

from lk_platform.model.content import Content
from lk_platform.plugins.declarations import Widget
from lk_platform.util.files import StoredFile

from .documents import INLINE_TYPES, KIND_TITLES, DocumentFile, file_widget
from .sanitise import SafeHTML, SanitisedBody, sanitised_notice

PAGES = "public_pages"
DOCUMENTS = "public_documents"

#: kind, title, order on the public page
SECTIONS = (
    ("contacts", "Контакты", 10),
    ("schedule", "Режим работы", 20),
    ("tariffs", "Тарифы", 30),
    ("documents", "Документы", 40),
    ("other", "Информация", 50),
)
SECTION_TITLES = {k: t for k, t, _o in SECTIONS}


class PublicPage(SanitisedBody, Content):
    type_name = "public_page"
    searchable_fields = ("title", "body_text")
    title = ""
    section = "other"
    body = ""
    order = 100
    published = True

    @property
    def section_title(self) -> str:
        return SECTION_TITLES.get(self.section, self.section)


class PublicDocument(Content):
    type_name = "public_document"
    searchable_fields = ("title", "description")
    title = ""
    description = ""
    file = None   # StoredFile
    order = 100
    published = True

    @property
    def downloadable(self) -> bool:
        return isinstance(self.file, StoredFile)

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.file.content_type, "") if self.downloadable else ""

    @property
    def inline(self) -> bool:
        """PDF and pictures open in the browser; Word and Excel are downloaded."""
        return self.downloadable and self.file.content_type in INLINE_TYPES


def _notice_validator(node, value):
    notice = sanitised_notice(node)
    request = node.bindings.get("request") if node.bindings else None
    if notice and request is not None:
        request.session.flash(notice)


class PublicPageSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title="Заголовок", validator=colander.Length(2, 200))
    section = colander.SchemaNode(colander.String(), title="Раздел",
                                  widget=deform.widget.SelectWidget(values=[(k, t) for k, t, _o in SECTIONS]),
                                  validator=colander.OneOf([k for k, _t, _o in SECTIONS]), missing="other")
    body = colander.SchemaNode(
        SafeHTML(), title="Текст", widget=deform.widget.TextAreaWidget(rows=12),
        description="Пустая строка начинает новый абзац. Можно использовать <p>, <br>, <strong>, <em>, "
                    "списки и ссылки; остальное удаляется при сохранении.")
    order = colander.SchemaNode(colander.Integer(), title="Порядок", missing=100,
                                validator=colander.Range(0, 10000))
    published = colander.SchemaNode(colander.Boolean(), title="Опубликовано", default=True, missing=False)

    validator = staticmethod(_notice_validator)


class PublicDocumentSchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title="Название", validator=colander.Length(2, 200))
    description = colander.SchemaNode(colander.String(), title="Описание",
                                      widget=deform.widget.TextAreaWidget(rows=3),
                                      validator=colander.Length(max=1000), missing="")
    file = colander.SchemaNode(DocumentFile(), title="Файл", widget=file_widget, missing=colander.drop,
                               description="PDF, DOCX, XLSX или изображение; тип проверяется по содержимому")
    order = colander.SchemaNode(colander.Integer(), title="Порядок", missing=100,
                                validator=colander.Range(0, 10000))
    published = colander.SchemaNode(colander.Boolean(), title="Опубликовано", default=True, missing=False)

    def validator(self, node, value):
        # The file may be left unchosen when editing (the stored one stays),
        # but a new document needs one.
        context = node.bindings.get("context") if node.bindings else None
        has_file = isinstance(value.get("file"), StoredFile) or isinstance(getattr(context, "file", None), StoredFile)
        if not has_file:
            exc = colander.Invalid(node)
            exc["file"] = "Выберите файл"
            raise exc


def published_pages(organisation, limit=200):
    folder = organisation.get(PAGES)
    if folder is None:
        return []
    _total, found = folder.query(eq={"published": True}, sort="order", limit=limit)
    return found


def published_documents(organisation, limit=200):
    folder = organisation.get(DOCUMENTS)
    if folder is None:
        return []
    _total, found = folder.query(eq={"published": True}, sort="order", limit=limit)
    return [d for d in found if d.downloadable]


def sections(organisation):
    """The public page's widgets: one per section that has something."""
    pages = published_pages(organisation)
    documents = published_documents(organisation)
    out = []
    for kind, title, order in SECTIONS:
        here = [p for p in pages if p.section == kind]
        docs = documents if kind == "documents" else []
        if here or docs:
            out.append(Widget(title, "lk_announcements:templates/public_section.pt",
                              {"pages": here, "documents": docs, "kind": kind, "title": title}, order=order))
    return out
