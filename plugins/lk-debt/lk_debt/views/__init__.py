"""The plugin's pages: ``resident`` (balances, history, receipts) and
``staff`` (an account's ledger and its corrections). Shared here: the view
predicates, the templates' place, and :class:`Problem`, a request answered
with a page saying what is wrong."""
from __future__ import annotations

from urllib.parse import quote

from pyramid.view import exception_view_config

COMMON = dict(plugin="debt")
TEMPLATES = "lk_debt:templates/"


class Problem(Exception):
    """A request we answer with a page saying what is wrong (and its
    status); ``message`` is a translation string."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@exception_view_config(Problem, renderer=TEMPLATES + "problem.pt")
def problem_page(exc, request):
    request.response.status = exc.status
    message = request.localizer.translate(exc.message)
    return {"message": message, "page_title": message}


def attachment(name: str) -> str:
    """A Content-Disposition for a download named ``name``."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (ascii_name, quote(name))
