"""What the organisation publishes for everyone: pages (contacts, schedule,
tariffs, ...) and documents as files, shown on its public page without login.
Only items marked published are shown or downloadable."""
from __future__ import annotations

from lk_platform.plugins.declarations import Widget

from .models import DOCUMENTS, PAGES, SECTIONS


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
